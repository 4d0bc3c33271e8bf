/**
 * The changeset of Sample: how each event changes a Sample. This file is yours: prisma-spector created
 * it once and never overwrites it.
 *
 * `apply` runs for every new command and again, in order, for every stored event when a Sample is
 * replayed, so keep it a pure function of (state, attrs, ctx). Return the next state, or
 * `ctx.invalid({ field: 'message' })` to reject the command (nothing is written then).
 * `ctx.cast(state, attrs)` copies the Sample fields present in attrs onto the state and validates it.
 */
import type { SampleChangeset } from '../../.generated/allTypes/sqlite/spector/Sample.ts'

export const changeset: SampleChangeset = {
  apply(state, attrs, ctx) {
    // Version guard: events keep the @evented(version) they were written with. After renaming a
    // field, map old events onto the new shape, for example:
    //   if (ctx.versionIs(0)) attrs = { ...attrs, text: attrs.oldName }
    switch (ctx.action) {
      // case 'touch':
      //   return ctx.cast(state, { /* the fields 'touch' changes, from attrs */ ...attrs })
      default:
        return ctx.cast(state, attrs)
    }
  },

  // What a savepoint stores (default: every field). Replaying it with action 'savepoint' must
  // rebuild the same state.
  // savepoint(record, version) {
  //   return { ...record }
  // },
}
