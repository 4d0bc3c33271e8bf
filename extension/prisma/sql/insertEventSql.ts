/**
 * Per-database SQL that appends one event. The event table's shape is fixed (the @events block),
 * so the statement is written once per model and sent as a raw query: Prisma's query planning for
 * a create is the largest part of an append's client-side cost. Dates, bytes and nulls go as
 * parameters, which the adapters store exactly as Prisma's own create does; JSON goes as text.
 */
import type { NewEvent } from '../../core/eventLog.ts'
import type { Provider } from './lockRecordSql.ts'

const columns = ['id', 'recordId', 'model', 'action', 'payload', 'version', 'sequence', 'insertedAt', 'hash', 'prevHash', 'metadata'] as const

export interface InsertEventSql {
  sql: string
  /** The parameters, in the statement's order. */
  args(event: NewEvent, insertedAt: Date): unknown[]
}

/**
 * `databaseTime`: leave `insertedAt` to the column's database default (`dbgenerated`), as Prisma's
 * create does, instead of the client's clock.
 */
export function insertEventSql(provider: Provider, table: string, withPosition: boolean, databaseTime = false): InsertEventSql {
  const postgres = provider === 'postgresql' || provider === 'cockroachdb'
  const q = provider === 'mysql' ? (name: string) => `\`${name.replaceAll('`', '``')}\`` : (name: string) => `"${name.replaceAll('"', '""')}"`
  const names: string[] = [...columns.filter((c) => !(databaseTime && c === 'insertedAt')), ...(withPosition ? ['position'] : [])]
  const placeholders = names.map((name, i) => (postgres ? `$${i + 1}${name === 'payload' || name === 'metadata' ? '::jsonb' : ''}` : '?'))
  return {
    sql: `INSERT INTO ${q(table)} (${names.map(q).join(', ')}) VALUES (${placeholders.join(', ')})`,
    args: (event, insertedAt) => [
      event.id,
      event.recordId,
      event.model,
      event.action,
      JSON.stringify(event.payload),
      event.version,
      event.sequence,
      ...(databaseTime ? [] : [insertedAt]),
      event.hash ?? null,
      event.prevHash ?? null,
      event.metadata === null || event.metadata === undefined ? null : JSON.stringify(event.metadata),
      ...(withPosition ? [event.position] : []),
    ],
  }
}
