/**
 * A command's row write and its event in one statement, for a database that can write from a
 * `WITH` (PostgreSQL): one round trip, committed on its own, where a transaction takes four
 * (BEGIN, the row, the event, COMMIT).
 *
 *     WITH "spector_row" AS (UPDATE "Item" SET "name" = $1, ... WHERE "id" = $3 RETURNING "id" AS "id", ...),
 *          "spector_event" AS (INSERT INTO "Event" (...) SELECT $4, $5, ... FROM "spector_row")
 *     SELECT * FROM "spector_row"
 *
 * The event is selected from the written row: the row is written first (its lock taken, in the
 * order the locked path takes it), and when no row was written (the row is gone) no event is
 * appended and the statement returns no row. A stale sequence is refused by the log's unique
 * (recordId, sequence) key, the row write with it.
 *
 * The row's values go as parameters whose types the database takes from the columns they are
 * written to; the statement returns every column of the row under its field's name.
 */
import type { Syntax } from './statements.ts'
import type { EventColumn, EventTable, RowTable } from './tables.ts'

/** A field of the evented model and its column. */
export interface RowColumn {
  field: string
  column: string
}

/**
 * A statement built once per kind and set of written columns (a create leaves out the fields the
 * database fills, so one model writes a few sets): `statement(kind, written, build)`.
 */
export function statementPerColumns(): (kind: string, written: readonly RowColumn[], build: () => string) => string {
  const statements = new Map<string, string>()
  return (kind, written, build) => {
    const key = `${kind}:${written.map((c) => c.column).join('\u0000')}`
    let sql = statements.get(key)
    if (sql === undefined) {
      sql = build()
      if (statements.size < 256) statements.set(key, sql)
    }
    return sql
  }
}

export interface OneStatementWriteSql {
  /** Updates the row's `written` columns (parameters: their values, then the id) and appends the event (parameters: `eventArgs`). */
  update(written: readonly RowColumn[]): string
  /** Inserts the row with the `written` columns (parameters: their values) and appends the event (parameters: `eventArgs`). */
  create(written: readonly RowColumn[]): string
}

export function oneStatementWriteSql(
  syntax: Syntax,
  row: RowTable,
  columns: readonly RowColumn[],
  events: EventTable,
  eventFields: readonly EventColumn[],
): OneStatementWriteSql {
  const q = syntax.quote
  const returning = columns.map((c) => `${q(c.column)} AS ${q(c.field)}`).join(', ')
  // INSERT ... SELECT from the written row: no row, no event; the parameters take the columns' types.
  const appendEvent = (offset: number) => {
    const values = eventFields.map((field, i) => syntax.placeholder(offset + i, field === 'payload' || field === 'metadata'))
    const names = eventFields.map((field) => q(events.columns[field]))
    return `${q('spector_event')} AS (INSERT INTO ${syntax.table(events)} (${names.join(', ')}) SELECT ${values.join(', ')} FROM ${q('spector_row')})`
  }
  const statement = statementPerColumns()
  const rowCte = (write: string) => `WITH ${q('spector_row')} AS (${write} RETURNING ${returning})`
  return {
    update: (written) =>
      statement('update', written, () => {
        const set = written.map((c, i) => `${q(c.column)} = ${syntax.placeholder(i, false)}`).join(', ')
        const write = `UPDATE ${syntax.table(row)} SET ${set} WHERE ${q(row.id)} = ${syntax.placeholder(written.length, false)}`
        return `${rowCte(write)}, ${appendEvent(written.length + 1)} SELECT * FROM ${q('spector_row')}`
      }),
    create: (written) =>
      statement('create', written, () => {
        const values = written.map((_, i) => syntax.placeholder(i, false))
        const write = `INSERT INTO ${syntax.table(row)} (${written.map((c) => q(c.column)).join(', ')}) VALUES (${values.join(', ')})`
        return `${rowCte(write)}, ${appendEvent(written.length)} SELECT * FROM ${q('spector_row')}`
      }),
  }
}
