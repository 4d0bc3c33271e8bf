/**
 * Emits the user-owned changeset file of a model: written once when missing, never overwritten.
 * It compiles and works untouched (every field accepted and validated), and shows in comments how
 * to handle each custom action, guard old event versions, and use the optional hooks.
 */
import type { ModelMetadata } from '../extension/core/metadata.ts'
import type { ImportPaths } from './importPaths.ts'

export function emitChangesetStub(model: ModelMetadata, paths: ImportPaths): string {
  const M = model.name
  const aM = `${/^[AEIOU]/.test(M) ? 'an' : 'a'} ${M}`
  const firstField = model.fields.find((f) => !f.isId)?.name ?? 'name'
  const firstAction = model.actions[0]
  const actionCases = model.actions.flatMap((action) => [
    `      // case '${action}':`,
    `      //   return ctx.cast(state, { /* the fields '${action}' changes, from attrs */ ...attrs })`,
  ])
  return `/**
 * The changeset of ${M}: how each event changes ${aM}. This file is yours: prisma-spector created
 * it once and never overwrites it.
 *
 * \`apply\` runs for every new command and again, in order, for every stored event when a ${M} is
 * replayed, so keep it a pure function of (state, attrs, ctx). Return the next state, or
 * \`ctx.invalid({ field: 'message' })\` to reject the command (nothing is written then).
 * \`ctx.cast(state, attrs)\` copies the ${M} fields present in attrs onto the state and validates it.
 * (\`satisfies\` rather than a type annotation lets the generated types see the \`actions\` schemas.)
 */
${firstAction ? "// import { z } from 'zod/v4'\n" : ''}import type { ${M}Changeset } from '${paths.modelModule(M)}'

export const changeset = {
${
  firstAction
    ? `  // The attrs each custom action takes, as a zod schema: execute checks them before anything is
  // written (keys the schema does not know are refused) and its third argument is typed from it.
  // Actions left out take any attrs.
  // actions: {
  //   ${firstAction}: z.object({ /* the attrs '${firstAction}' takes, e.g. */ reason: z.string().optional() }),
  // },

`
    : ''
}  apply(state, attrs, ctx) {
    // Version guard: events keep the @evented(version) they were written with. After renaming a
    // field, map old events onto the new shape, for example:
    //   if (ctx.versionIs(0)) attrs = { ...attrs, ${firstField}: attrs.oldName }
    switch (ctx.action) {
${actionCases.length ? `${actionCases.join('\n')}\n` : ''}      default:
        return ctx.cast(state, attrs)
    }
  },

  // What a savepoint stores (default: every field). Replaying it with action 'savepoint' must
  // rebuild the same state.
  // savepoint(record, version) {
  //   return { ...record }
  // },
${
  model.events.links?.length
    ? `
  // The last step before an event is written, inside the transaction: add links to earlier events
  // of the record (${model.events.links.map((l) => l.name).join(', ')}) or metadata. existingEvents is the record's history,
  // each event with the links it made.
  // prepareEvent(event, existingEvents, attrs) {
  //   return event
  // },
`
    : ''
}${
  model.logOnly
    ? ''
    : `
  // Adjusts the row write (create or update) inside the transaction, for what lives outside the
  // model's fields, such as relation rows built from the state.
  // prepareMaterialization(data, { operation, state, client }) {
  //   return data
  // },
`
}} satisfies ${M}Changeset
`
}
