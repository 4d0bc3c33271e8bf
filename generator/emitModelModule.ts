/**
 * Emits `<output>/<Model>.ts`: the model's metadata, its TypeScript types (attrs, actions, command
 * arguments, the extension's methods) and the zod schemas that validate attrs and turn a replayed
 * JSON payload back into Prisma values.
 */
import type { FieldMetadata, ModelMetadata } from '../extension/core/metadata.ts'
import { findDialect } from '../extension/dialects/dialectFor.ts'
import type { ImportPaths } from './importPaths.ts'
import { lowerFirst } from './names.ts'

export function emitModelModule(model: ModelMetadata, enums: Record<string, string[]>, paths: ImportPaths, provider: string): string {
  const M = model.name
  // Prisma has createManyAndReturn / updateManyAndReturn where the database has RETURNING.
  const andReturn =
    (findDialect(provider)?.supportsReturning ?? false) && !model.logOnly
      ? [
          `  /** As createMany, returning the rows. */`,
          `  createManyAndReturn<A extends Omit<Prisma.${M}CreateManyAndReturnArgs, 'data' | 'skipDuplicates'> & { data: ${M}CreateData | ${M}CreateData[] }>(args: A): Promise<Prisma.${M}GetPayload<A>[]>`,
          `  /** As updateMany, returning the rows. */`,
          `  updateManyAndReturn<A extends Omit<Prisma.${M}UpdateManyAndReturnArgs, 'data'> & { data: ${M}UpdateData }>(args: A): Promise<Prisma.${M}GetPayload<A>[]>`,
          '',
        ].join('\n')
      : ''
  const custom = model.actions.map((a) => `'${a}'`)
  const relationKeys = model.relations.map((r) => `'${r.name}'`)
  const omitCreate = [`'${model.idField}'`, ...relationKeys].join(' | ')
  const payloadFields = model.fields.map((f) => `  ${f.name}: ${fieldSchema(f, enums, 'payload')}.optional(),`).join('\n')
  const stateFields = model.fields.map((f) => `  ${f.name}: ${fieldSchema(f, enums, 'state')},`).join('\n')
  const linkTables = model.events.links ?? []
  const linksType = linkTables.length ? `{\n${linkTables.map((l) => `  ${l.name}?: ${linkValueType(l)}[]`).join('\n')}\n}` : 'Record<string, never>'

  return `${header}
import { z } from 'zod/v4'
import { zodModelCodec, type BringupOptions, type BringupResult, type Changeset, type ChangesetContext, type DriftReport, type EventLink, type ExecuteArgs, type ExecuteOptions, type FieldChange, type HistoryEntry, type HistoryOptions, type LinkedEvent, type ResumeFrom, type SavepointVerification, type ModelMetadata, type StoredEvent, type Until } from 'prisma-spector'
import { Prisma, type ${M} } from '${paths.client}'

/** What prisma-spector knows about ${M} at run time. */
export const ${lowerFirst(M)}Metadata = ${JSON.stringify(model, null, 2)} as const satisfies ModelMetadata

/** Custom actions of ${M} (what \`execute\` accepts). */
export type ${M}CustomAction = ${custom.length ? custom.join(' | ') : 'never'}
/** Every action a ${M} changeset can see. */
export type ${M}Action = 'insert' | 'update' | 'savepoint'${custom.length ? ` | ${custom.join(' | ')}` : ''}

/** The attrs of one ${M} event: any of its fields, plus whatever else a custom action carries. */
export type ${M}Attrs = Partial<${M}> & { [extra: string]: unknown }

export type ${M}ChangesetContext = ChangesetContext<${M}, ${M}Action>
/** The links a ${M} event can make (\`prepareEvent\` sets them), per link table of its event log. */
export type ${M}Links = ${linksType}
/** The type of the changeset in your changesets folder. */
export type ${M}Changeset = Changeset<${M}, ${M}Attrs, ${M}Action, ${M}Links, Prisma.TransactionClient>

/** Payload JSON -> Prisma values. Keys that are not fields of ${M} are kept as stored. */
export const ${M}PayloadSchema = z.looseObject({
${payloadFields}
})

/** A whole ${M} state, as the changeset must return it. */
export const ${M}StateSchema = z.object({
${stateFields}
})

export const ${lowerFirst(M)}Codec = zodModelCodec<${M}>(${M}PayloadSchema as z.ZodType<Record<string, unknown>>, ${M}StateSchema as unknown as z.ZodType<${M}>)

/**
 * Keys that \`create\`, \`createMany\`, \`upsert\`, \`update\` (and their AndReturn forms) refuse: the id
 * (prisma-spector assigns it) and relation fields (a nested write would change rows without events;
 * write the foreign key instead). Declared \`never\` so that data held in a variable is refused too.
 */
export type ${M}RefusedDataKeys = { [K in ${omitCreate}]?: never }
/** \`create\` data: as Prisma's, without the id (prisma-spector assigns it) and without nested writes. */
export type ${M}CreateData = Omit<Prisma.${M}UncheckedCreateInput, ${omitCreate}> & ${M}RefusedDataKeys
/** \`update\` data: as Prisma's (operators included), without the id and without nested writes. */
export type ${M}UpdateData = Omit<Prisma.${M}UncheckedUpdateInput, ${omitCreate}> & ${M}RefusedDataKeys
export type ${M}CreateArgs = Omit<Prisma.${M}CreateArgs, 'data'> & { data: ${M}CreateData }
export type ${M}UpdateArgs = Omit<Prisma.${M}UpdateArgs, 'data'> & {
  data: ${M}UpdateData
  /** Optimistic concurrency: fail with SpectorConflictError unless the record's last event has this sequence. */
  expectedSequence?: number
}
export type ${M}UpsertArgs = Omit<Prisma.${M}UpsertArgs, 'create' | 'update'> & { create: ${M}CreateData; update: ${M}UpdateData }

/**
 * The methods prisma-spector gives \`prisma.${model.delegate}\`. \`ActionSchemas\`: the \`actions\` of the
 * changeset (the generated index passes them), which type \`execute\`'s attrs per action.
 */
export type ${M}SpectorMethods<ActionSchemas = {}> = {
${model.logOnly ? logOnlyWrites(model) : rowWrites(model)}
  /**
   * Runs a custom action: \`execute(id, 'archive', { ... })\`. Its attrs are what the action's schema in
   * the changeset's \`actions\` accepts (checked before anything is written), else any ${M}Attrs.
   */
  execute<A extends ${M}CustomAction>(id: string, action: A, ...attrsAndOptions: ExecuteArgs<ActionSchemas, A, ${M}Attrs, ExecuteOptions>): Promise<${M}>
  /**
   * The state rebuilt from the log alone; null when deleted or unknown. \`until\`: an event id, a Date or
   * { sequence }. \`only\`: replay just these events (say, one branch of a conversation), in order.
   * \`from\`: resume from { sequence, state } you already hold (an earlier replay's): only later events are read.
   */
  replay(id: string, options?: { until?: Until; only?: readonly string[]; from?: ResumeFrom<${M}> }): Promise<${M} | null>
  /** Appends a savepoint event with the full state; replay starts from the newest one. */
  savepoint(id: string): Promise<${M}>
  /** The record's events, oldest first; with \`links: true\`, each with the links it made. */
  events(id: string, options: { until?: Until; links: true }): Promise<LinkedEvent<${M}Links>[]>
  events(id: string, options?: { until?: Until; links?: false }): Promise<StoredEvent[]>
  /**
   * Each event with who (\`actor\` from its metadata), when, and the fields it changed, before → after,
   * computed by replay. \`after\` + \`take\` read one page of a long history (\`from\` instead of \`after\`
   * resumes from a state you hold); \`fields\` narrows it.
   */
  history(id: string, options?: Omit<HistoryOptions<${M}>, 'fields'> & { fields?: readonly (keyof ${M} & string)[] }): Promise<HistoryEntry<${M}>[]>
  /** The fields that differ between two points of the record's history (event ids, dates or { sequence }). */
  diff(id: string, from: Until, to: Until, options?: { fields?: readonly (keyof ${M} & string)[] }): Promise<FieldChange<${M}>[]>
  /** The links of one of its events, outgoing and incoming (or as the options narrow), each with the event at the other end. */
  links(eventId: string, options?: { direction?: 'outgoing' | 'incoming' | 'both'; name?: keyof ${M}Links & string; type?: string | number }): Promise<EventLink[]>
  /** Replays the record from its first event and checks every savepoint against the events before it. */
  verifySavepoints(id: string): Promise<SavepointVerification>
  /** One insert event${model.logOnly ? '' : ' and row'} per record, in one transaction. \`skipDuplicates\` is refused. */
  createMany(args: { data: ${model.logOnly ? `${M}Attrs | ${M}Attrs[]` : `${M}CreateData | ${M}CreateData[]`}; skipDuplicates?: false }): Promise<Prisma.BatchPayload>
${andReturn}}
`
}

/** Writes of a model with rows: Prisma's signatures, the row returned. */
function rowWrites(model: ModelMetadata): string {
  const M = model.name
  return `  /** Appends an insert event and writes the row, in one transaction. */
  create<A extends ${M}CreateArgs>(args: Prisma.SelectSubset<A, ${M}CreateArgs>): Promise<Prisma.${M}GetPayload<A>>
  /** Replays the record, applies the update through the changeset, appends the event, rewrites the row. */
  update<A extends ${M}UpdateArgs>(args: Prisma.SelectSubset<A, ${M}UpdateArgs>): Promise<Prisma.${M}GetPayload<A>>
  upsert<A extends ${M}UpsertArgs>(args: Prisma.SelectSubset<A, ${M}UpsertArgs>): Promise<Prisma.${M}GetPayload<A>>
  /** Appends a delete event and removes the row. */
  delete<A extends Prisma.${M}DeleteArgs>(args: Prisma.SelectSubset<A, Prisma.${M}DeleteArgs>): Promise<Prisma.${M}GetPayload<A>>
  /** Writes the row from the log: re-creates a row deleted behind the library's back, or corrects an edited one. */
  materialize(id: string): Promise<${M}>
  /** Compares every row with the replay of its events; lists the records that drifted. */
  check(options?: { batchSize?: number }): Promise<DriftReport>
  /** Imports rows written before ${M} was evented (rows without events), in one transaction. */
  bringup(options?: BringupOptions & { attrs?: (row: ${M}) => ${M}CreateData | Promise<${M}CreateData>; transfer?: (tx: Prisma.TransactionClient, oldRow: ${M}, newRecord: ${M}) => unknown }): Promise<BringupResult>
  /** One update event per matching record (each replayed, operators resolved per record), in one transaction. */
  updateMany(args: { where?: Prisma.${M}WhereInput; data: ${M}UpdateData; limit?: number }): Promise<Prisma.BatchPayload>
  /** One delete event per matching record, in one transaction. */
  deleteMany(args?: { where?: Prisma.${M}WhereInput; limit?: number }): Promise<Prisma.BatchPayload>`
}

/** Writes of a log-only model (\`@evented(table=false)\`): no row, so each returns the state its events build. */
function logOnlyWrites(model: ModelMetadata): string {
  const M = model.name
  const where = `{ ${model.idField}: string }`
  return `  /** Appends an insert event; returns the new state (a log-only model writes no row). */
  create(args: { data: ${M}Attrs }): Promise<${M}>
  /** Replays the record, applies the update through the changeset, appends the event; returns the new state. */
  update(args: { where: ${where}; data: ${M}Attrs; expectedSequence?: number }): Promise<${M}>
  upsert(args: { where: ${where}; create: ${M}Attrs; update: ${M}Attrs }): Promise<${M}>
  /** Appends a delete event; returns the state the record had. */
  delete(args: { where: ${where} }): Promise<${M}>`
}

/** The element type of one link table in \`Links\`: an event id, or \`{ to, type }\` for typed links. */
function linkValueType(link: NonNullable<ModelMetadata['events']['links']>[number]): string {
  if (!link.type) return 'string'
  const type = link.type.values ? link.type.values.map((v) => `'${v}'`).join(' | ') : link.type.scalar === 'Int' ? 'number' : 'string'
  return `{ to: string; type: ${type} }`
}

export const header = `/* Generated by prisma-spector. Do not edit: \`prisma generate\` rewrites this file. */
/* eslint-disable */`

/**
 * zod per scalar type, in two forms: `payload` reads the JSON an event stores and produces the
 * Prisma value; `state` validates a Prisma value in a state the changeset returns.
 */
const zodByType: Record<string, { payload: string; state: string }> = {
  String: { payload: 'z.string()', state: 'z.string()' },
  Boolean: { payload: 'z.boolean()', state: 'z.boolean()' },
  Int: { payload: 'z.number().int()', state: 'z.number().int()' },
  Float: { payload: 'z.number()', state: 'z.number()' },
  BigInt: {
    payload: "z.union([z.string().regex(/^-?\\d+$/, 'expected a whole number'), z.number().int()]).transform((v) => BigInt(v))",
    state: 'z.bigint()',
  },
  Decimal: {
    payload:
      "z.union([z.string(), z.number()]).transform((v, ctx) => { try { return new Prisma.Decimal(v) } catch { ctx.addIssue({ code: 'custom', message: 'expected a decimal number' }); return z.NEVER } })",
    state: "z.custom<Prisma.Decimal>((v) => Prisma.Decimal.isDecimal(v), 'expected a Prisma.Decimal')",
  },
  DateTime: {
    payload: "z.union([z.string(), z.date()]).transform((v) => new Date(v)).refine((d) => !Number.isNaN(d.getTime()), 'expected a date')",
    state: 'z.date()',
  },
  Bytes: {
    payload: "z.base64().transform((v) => new Uint8Array(Buffer.from(v, 'base64')))",
    state: "z.instanceof(Uint8Array, { message: 'expected bytes (Uint8Array)' })",
  },
  Json: { payload: 'z.json()', state: 'z.json()' },
}

function fieldSchema(field: FieldMetadata, enums: Record<string, string[]>, form: 'payload' | 'state'): string {
  let s = zodByType[field.type]?.[form] ?? `z.enum(${JSON.stringify(enums[field.type] ?? [])})`
  if (field.isList) s = `z.array(${s})`
  if (!field.isRequired) s += '.nullable()'
  return s
}
