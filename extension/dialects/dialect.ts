/**
 * What the library needs to know of a database, in one place per database: what it can do
 * (capability flags) and every SQL statement the library writes by hand. The rest of the code asks
 * its `Dialect` (dialectFor.ts) and never looks at a provider name.
 */
import type { ColumnBehaviour } from '../core/columnBehaviour.ts'
import type { NewEvent } from '../core/eventLog.ts'
import type { DatabaseErrorClass, DatabaseErrorInfo } from './databaseErrors.ts'
import type { NativeColumnTypes } from './nativeColumnTypes.ts'
import type { EventColumn, EventTable, LinkTable, RowTable, TableName } from './tables.ts'
import type { DirectWriteSql } from './directWriteSql.ts'
import type { OneStatementWriteSql, RowColumn } from './oneStatementWrite.ts'

/** The providers prisma-spector has a dialect for (`cockroachdb` speaks PostgreSQL's). */
export const providers = ['postgresql', 'cockroachdb', 'mysql', 'sqlite'] as const
export type Provider = (typeof providers)[number]

export interface InsertEventSql {
  /** The event fields the statement writes, in the order of its parameters. */
  fields: readonly EventColumn[]
  sql: string
  /** The parameters, in the statement's order. */
  args(event: NewEvent, insertedAt: Date): unknown[]
}

export interface TableChainSql {
  /** Run first, with `lockKey` as its one parameter (PostgreSQL: the advisory lock key; MySQL: the position whose row is the lock); null where no lock statement is needed. */
  lock: string | null
  lockKey: number
  /** Returns zero or one row with `position` and `hash`. */
  head: string
}

export interface Dialect {
  readonly provider: Provider
  /** `createManyAndReturn` / `updateManyAndReturn` exist (the database has `RETURNING`). */
  readonly supportsReturning: boolean
  /** Rows can be locked for the transaction (`SELECT ... FOR UPDATE`); SQLite admits one writer at a time instead. */
  readonly supportsRowLocks: boolean
  /** What the database does to a value on its way into a column (rounding, padding, what it refuses), verified on the server. */
  readonly columns: ColumnBehaviour
  /** Its column types, for the generator's field metadata; null where columns keep what they are given (SQLite). */
  readonly nativeColumnTypes: NativeColumnTypes | null
  /**
   * A read outside a transaction can run on the connection of another one still open, and see its
   * uncommitted rows (SQLite's adapters share one connection): a read that must see only
   * committed events (the change feed) runs in a transaction of its own.
   */
  readonly readsSeeOpenTransactions: boolean
  /** An identifier, quoted and escaped. */
  quote(name: string): string
  /** A table, schema-qualified when it has a schema. */
  table(table: TableName): string
  /** Locks one record's row, taking the id as the one parameter; null where no lock is needed. */
  lockRecord(table: RowTable): string | null
  /**
   * Appends one event. `withPosition`: the table-wide chain's `position`; `databaseTime`: leave
   * `insertedAt` to the column's database default.
   */
  insertEvent(table: EventTable, options: { withPosition: boolean; databaseTime: boolean }): InsertEventSql
  /** Serializes the writers of a table-wide chain, then reads its head (newest position and hash). */
  tableChainHead(table: EventTable): TableChainSql
  /** Triggers that refuse UPDATE and DELETE (and TRUNCATE where there is one) on a table. */
  appendOnly(table: TableName): string[]
  /** A trigger that refuses a link between events of two records. `linkName`: the link table's `name`. */
  sameRecordLink(events: EventTable, link: LinkTable, linkName: string): string[]
  /**
   * The ids of the events whose `metadata` has each top-level key of `keys` (checked identifiers)
   * equal to the matching text parameter, oldest first. Index: see README, "Actor and request context".
   */
  eventsByMetadata(table: EventTable, keys: readonly string[], limit: number): string
  /** Reads every link a record's events made from one link table: `from`, `to` and (typed) `type`; the record id is the parameter. */
  recordLinks(events: EventTable, link: LinkTable): string
  /**
   * Run first in a transaction the library opens to write: takes the database's write lock up
   * front, so the transaction waits for it (the driver's busy timeout) instead of failing when it
   * would later upgrade from reading to writing. Null where writers lock rows instead.
   */
  takeWriteLock(events: EventTable): string | null
  /**
   * A command's row write and its event in one statement (oneStatementWrite.ts), where the
   * database can write from a `WITH` (PostgreSQL); null elsewhere.
   */
  oneStatementWrite(row: RowTable, columns: readonly RowColumn[], events: EventTable, eventFields: readonly EventColumn[]): OneStatementWriteSql | null
  /**
   * The statements of a direct write on the driver adapter's connection (directWriteSql.ts), where
   * there is no one statement (SQLite, MySQL/MariaDB); null where there is.
   */
  directWrite(row: RowTable, columns: readonly RowColumn[]): DirectWriteSql | null
  /** What a database error means for its transaction (databaseErrors.ts); null: nothing the transaction policy handles. */
  classifyError(error: DatabaseErrorInfo): DatabaseErrorClass | null
}

/** Identifier quoting, written once: `quoteWith('"')('a"b')` is `"a""b"`. */
export function quoteWith(mark: '"' | '`'): (name: string) => string {
  return (name) => `${mark}${name.replaceAll(mark, mark + mark)}${mark}`
}

/** A string literal. */
export function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}
