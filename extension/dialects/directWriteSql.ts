/**
 * The statements of a direct write (extension/prisma/directWrite.ts) on a database that cannot
 * write from a `WITH` (SQLite, MySQL/MariaDB): one transaction on the driver adapter's connection,
 *
 *     BEGIN; INSERT INTO "Item" (...) VALUES (...) RETURNING "id" AS "id", ...;   -- or UPDATE ... WHERE "id" = ?
 *            INSERT INTO "Event" (...) VALUES (...); COMMIT
 *
 * The row is written first, as the locked path writes it (its lock first); without `RETURNING`
 * (MySQL) the row is read back by its id before COMMIT, as Prisma's own create does. Each
 * statement names the row's columns by field.
 */
import { type RowColumn, statementPerColumns } from './oneStatementWrite.ts'
import type { Syntax } from './statements.ts'
import type { RowTable } from './tables.ts'

export interface DirectWriteSql {
  /** Inserts the row with the `written` columns (parameters: their values). */
  insertRow(written: readonly RowColumn[]): string
  /** Updates the row's `written` columns (parameters: their values, then the id). */
  updateRow(written: readonly RowColumn[]): string
  /** Reads the row by its id (the parameter), where the writes return nothing; null where they return the row. */
  readRow: string | null
}

/** The row's statements; the event's INSERT is the one every append sends (dialect.ts, `insertEvent`). */
export function directWriteSql(syntax: Syntax, row: RowTable, columns: readonly RowColumn[], returning: boolean): DirectWriteSql {
  const q = syntax.quote
  const named = columns.map((c) => `${q(c.column)} AS ${q(c.field)}`).join(', ')
  const returned = returning ? ` RETURNING ${named}` : ''
  const statement = statementPerColumns()
  return {
    insertRow: (written) =>
      statement('insert', written, () => {
        const values = written.map((_, i) => syntax.placeholder(i, false))
        return `INSERT INTO ${syntax.table(row)} (${written.map((c) => q(c.column)).join(', ')}) VALUES (${values.join(', ')})${returned}`
      }),
    updateRow: (written) =>
      statement('update', written, () => {
        const set = written.map((c, i) => `${q(c.column)} = ${syntax.placeholder(i, false)}`).join(', ')
        return `UPDATE ${syntax.table(row)} SET ${set} WHERE ${q(row.id)} = ${syntax.placeholder(written.length, false)}${returned}`
      }),
    readRow: returning ? null : `SELECT ${named} FROM ${syntax.table(row)} WHERE ${q(row.id)} = ${syntax.placeholder(0, false)}`,
  }
}
