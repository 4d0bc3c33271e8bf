/**
 * SQLite: one writer at a time, so no row locks and no chain lock; `?` parameters; triggers refuse
 * with `RAISE(ABORT, ...)`. `RETURNING` exists, so Prisma's `...AndReturn` operations do.
 */
import { lenientColumns } from '../core/columnBehaviour.ts'
import { literal, quoteWith, type Dialect } from './dialect.ts'
import { directWriteSql } from './directWriteSql.ts'
import * as statements from './statements.ts'
import type { DatabaseErrorInfo } from './databaseErrors.ts'
import type { EventTable, TableName } from './tables.ts'

const quote = quoteWith('"')
/** SQLite has no schemas (an attached database's name would go here, which Prisma does not use). */
const table = (t: TableName) => quote(t.name)
const syntax = { quote, table, placeholder: () => '?' }

export const sqliteDialect: Dialect = {
  provider: 'sqlite',
  supportsReturning: true,
  supportsRowLocks: false,
  // Columns keep what they are given, except DECIMAL (NUMERIC affinity: a REAL, read back as a double).
  columns: { ...lenientColumns, decimalAsDouble: true },
  nativeColumnTypes: null,
  readsSeeOpenTransactions: true,
  quote,
  table,
  lockRecord: () => null,
  insertEvent: (events, options) => statements.insertEventStatement(syntax, events, options),
  tableChainHead: (events) => ({ lock: null, lockKey: statements.chainLockKey(events), head: statements.chainHeadStatement(syntax, events) }),
  appendOnly: (target) =>
    ['UPDATE', 'DELETE'].map(
      (op) =>
        `CREATE TRIGGER ${quote(`${target.name}_no_${op.toLowerCase()}`)} BEFORE ${op} ON ${table(target)} BEGIN SELECT RAISE(ABORT, ${literal(statements.appendOnlyMessage(target, op))}); END`,
    ),
  sameRecordLink: (events, link, linkName) => [
    `CREATE TRIGGER ${quote(`${link.name}_same_record`)} BEFORE INSERT ON ${table(link)}
WHEN NOT EXISTS (
${statements.sameRecordCondition(syntax, events, link, '  ')}
)
BEGIN SELECT RAISE(ABORT, ${literal(statements.sameRecordMessage(link, linkName))}); END`,
  ],
  eventsByMetadata: (events, keys, limit) =>
    statements.eventsByMetadataStatement(syntax, events, keys, (column, key) => `json_extract(${column}, ${literal(`$.${key}`)})`, limit),
  recordLinks: (events, link) => statements.recordLinksStatement(syntax, events, link),
  takeWriteLock: takeSqliteWriteLock,
  oneStatementWrite: () => null,
  directWrite: (row, columns) => directWriteSql(syntax, row, columns, true),
  classifyError: classifySqliteError,
}

/**
 * A write that changes nothing still takes SQLite's write lock (RESERVED, or the WAL write lock)
 * when it is the transaction's first statement: a connection holding no lock waits for it through
 * its busy timeout (better-sqlite3's `timeout`, 5 s unless set), where a transaction that read
 * first fails with SQLITE_BUSY at once on upgrading. Prisma's adapter opens with a deferred BEGIN,
 * so this is the library's `BEGIN IMMEDIATE`. No row matches, so the append-only triggers never fire.
 */
function takeSqliteWriteLock(events: EventTable): string {
  return `UPDATE ${table(events)} SET ${quote(events.columns.id)} = ${quote(events.columns.id)} WHERE 0`
}

/** SQLITE_BUSY (and its extended codes): another connection holds the write lock. */
function classifySqliteError(error: DatabaseErrorInfo) {
  return error.code?.startsWith('SQLITE_BUSY') ? 'busy' : null
}
