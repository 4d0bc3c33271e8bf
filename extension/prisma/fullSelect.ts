/**
 * The selections of the library's own reads. A client may be built with a global `omit`
 * (`new PrismaClient({ omit: { item: { notes: true } } })`); a read without `select` would then
 * come back without those fields, and the drift check would report them drifted, bringup would
 * import them as null, event reads would lose columns. Every internal read of rows, events or
 * links names the columns it uses, which Prisma returns whatever the client omits.
 */
import type { EventLinkMetadata, EventLogMetadata, ModelMetadata } from '../core/metadata.ts'

/** Every field of an evented model's row (its state). */
export function rowSelect(model: Pick<ModelMetadata, 'fields'>): Record<string, true> {
  return Object.fromEntries(model.fields.map((f) => [f.name, true]))
}

const storedEventColumns = ['id', 'recordId', 'model', 'action', 'payload', 'version', 'sequence', 'insertedAt', 'hash', 'prevHash', 'metadata'] as const

/**
 * Every column of a stored event, with `position` where the log has one (one chain for the table, or
 * a change feed): a hashed event's hash covers its position.
 */
export function storedEventSelect(log: Pick<EventLogMetadata, 'chain' | 'feed'>): Record<string, true> {
  const select: Record<string, true> = Object.fromEntries(storedEventColumns.map((c) => [c, true]))
  if (log.chain === 'table' || log.feed) select.position = true
  return select
}

/** The columns of a link row: both events, and the type of a typed link. */
export function linkSelect(table: EventLinkMetadata): Record<string, true> {
  return { [table.from.name]: true, [table.to.name]: true, ...(table.type ? { [table.type.name]: true } : {}) }
}
