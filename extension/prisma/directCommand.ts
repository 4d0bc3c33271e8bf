/**
 * The direct write of a command (issue 15): a create, or a command on a record whose committed
 * state this process knows, writes its row and appends its event without Prisma's transaction:
 * - on PostgreSQL, in one statement (oneStatementWrite.ts), committed on its own: one round trip
 *   where a transaction takes four; sent through `$queryRawUnsafe`, or, for a client made with
 *   `spectorAdapter`, on Prisma's connection itself (directWrite.ts);
 * - on SQLite and MySQL/MariaDB, for a client made with `spectorAdapter` only, in one transaction
 *   of the library's own statements on Prisma's connection (directWrite.ts).
 *
 * The row is then written with the library's own SQL, not with Prisma's `create`/`update`, so the
 * path is taken only where nothing could tell the difference, checked on every call:
 * - no query hook but prisma-spector's own sees the row write: for a call of Prisma's own
 *   operation, no extension is chained after prisma-spector (prismaCompat.ts,
 *   `queryGoesToEngine`); for a model method (`execute`), the client it writes through has no
 *   other extension's query hook and no result extension on the model;
 * - the call shapes nothing of the result: no `select`, `include` or `omit`, no global `omit` on
 *   the model; outside a caller's transaction;
 * - on the connection, Prisma would not have shown or shaped the statements: no query log,
 *   tracing, SQL comments or transaction isolation level (prismaCompat.ts, `prismaObservesQueries`);
 * - every field is one whose column gives back what Prisma's own read gives (no lists, no
 *   `@db.Date`/`@db.Time`, the native types listed below), and the model writes no more than a row
 *   and an event (no `prepareEvent`, `prepareMaterialization`, change feed, table chain, event
 *   log filled by Prisma's client-side defaults, no savepoint due).
 * Anything else takes the transaction. A refused write (a stale state, the row gone, a
 * constraint) wrote nothing, and the command runs again on the transaction's path, which gives the
 * answer (and the error) Prisma's own write would; a lost connection is passed on as it is.
 */
import { isAnyNull, isDbNull, isJsonNull } from '@prisma/client/runtime/client'
import { SpectorConnectionError } from '../core/errors.ts'
import type { NewEvent } from '../core/eventLog.ts'
import type { State } from '../core/eventedModel.ts'
import type { FieldMetadata } from '../core/metadata.ts'
import type { Dialect } from '../dialects/dialect.ts'
import type { OneStatementWriteSql, RowColumn } from '../dialects/oneStatementWrite.ts'
import { dialectFor } from '../dialects/dialectFor.ts'
import { eventTableOf, rowTableOf } from '../dialects/tables.ts'
import { callerRowWriteFor } from './callerRowWrite.ts'
import { DirectWrite, isConnectionLost } from './directWrite.ts'
import type { DriverConnection } from './driverConnection.ts'
import { modelMethodOnLastLayer } from './ownRowWrite.ts'
import { hasGlobalOmit, isInsideTransaction, passesOnlyOwnHooks, queryGoesToEngine } from './prismaCompat.ts'
import type { CurrentState, RecordWriter } from './recordWriter.ts'
import type { AnyClient, Args, ExecuteOptions } from './spectorOptions.ts'

/** Native column types (PostgreSQL's `@db.*` names) whose values come back from the statement as Prisma's own read gives them. */
const servedNativeTypes: Readonly<Record<string, readonly string[]>> = {
  String: ['Text', 'VarChar', 'Char', 'Uuid'],
  Int: ['Integer', 'SmallInt'],
  BigInt: ['BigInt'],
  Float: ['DoublePrecision', 'Real'],
  Decimal: ['Decimal'],
  DateTime: ['Timestamp', 'Timestamptz'],
}
const servedTypes = new Set(['String', 'Int', 'BigInt', 'Float', 'Decimal', 'DateTime', 'Boolean', 'Json', 'Bytes'])

function isServed(field: FieldMetadata): boolean {
  if (field.isList) return false
  if (field.kind === 'enum') return true
  if (!servedTypes.has(field.type)) return false
  return !field.native || (servedNativeTypes[field.type]?.includes(field.native.type) ?? false)
}

/** A call a direct write serves: the client it was made on, and the adapter's connection when the write goes there. */
export interface DirectRoute {
  client: AnyClient
  connection: DriverConnection | undefined
}

export class DirectCommand<S extends State = State> {
  private readonly writer: RecordWriter<S>
  private readonly dialect: Dialect
  /** PostgreSQL's one statement; null on SQLite and MySQL, which write on the connection only. */
  private readonly sql: OneStatementWriteSql | null
  /** The writes on the adapter's connection, for a client made with spectorAdapter: the statement, or (no statement) a transaction. */
  private readonly onConnection: DirectWrite
  private readonly columns: ReadonlyMap<string, RowColumn>
  private readonly json: ReadonlySet<string>
  private readonly toDatabase: ReadonlyMap<string, Readonly<Record<string, string>>>
  private readonly fromDatabase: ReadonlyMap<string, Readonly<Record<string, string>>>

  /** The path for `writer`'s model, or null when its database, fields or changeset rule it out. */
  static for<S extends State>(writer: RecordWriter<S>, provider: string): DirectCommand<S> | null {
    const meta = writer.meta
    // What the optimistic path needs (a row; no position, prepareEvent or prepareMaterialization;
    // optimistic not off), and events the statement can insert itself (no client-side defaults).
    if (!writer.appendsOptimistically || meta.events.clientDefaults) return null
    const columns = meta.fields.map((f) => ({ field: f.name, column: f.dbName ?? f.name }))
    const dialect = dialectFor(provider)
    // PostgreSQL: one statement, through Prisma or (spectorAdapter) on its connection; SQLite,
    // MySQL/MariaDB: a transaction on the connection only (directWrite.ts).
    const sql = dialect.oneStatementWrite(rowTableOf(meta), columns, eventTableOf(meta.events), writer.insertEvent.fields)
    const rowSql = sql ? null : dialect.directWrite(rowTableOf(meta), columns)
    if (sql ? !meta.fields.every(isServed) : !rowSql || !meta.fields.every(DirectWrite.sends)) return null
    return new DirectCommand(writer, dialect, sql, new DirectWrite(meta, dialect, writer.insertEvent, rowSql), columns)
  }

  private constructor(writer: RecordWriter<S>, dialect: Dialect, sql: OneStatementWriteSql | null, onConnection: DirectWrite, columns: readonly RowColumn[]) {
    this.writer = writer
    this.dialect = dialect
    this.sql = sql
    this.onConnection = onConnection
    this.columns = new Map(columns.map((c) => [c.field, c]))
    const fields = writer.meta.fields
    this.json = new Set(fields.filter((f) => f.type === 'Json').map((f) => f.name))
    const mapped = fields.filter((f) => f.enumDbValues)
    this.toDatabase = new Map(mapped.map((f) => [f.name, f.enumDbValues!]))
    this.fromDatabase = new Map(mapped.map((f) => [f.name, Object.fromEntries(Object.entries(f.enumDbValues!).map(([value, stored]) => [stored, value]))]))
  }

  /**
   * Whether a call of Prisma's `operation` (or, from a model method, the row write it makes through
   * `client`) may take this path (see the module's comment), and where it writes; null when not.
   */
  async serves(client: AnyClient, operation: 'create' | 'update', rowArgs: Args): Promise<DirectRoute | null> {
    if (isInsideTransaction(client)) return null
    for (const key in rowArgs) if (key !== 'where' && key !== 'data') return null
    const { delegate, name } = this.writer.meta
    const caller = callerRowWriteFor(delegate)
    const served = caller
      ? caller.operation === operation && !hasGlobalOmit(client, delegate) && (await queryGoesToEngine(caller.query, caller.request))
      : // A model method's: nothing may follow prisma-spector, and the client below it has only its hooks.
        modelMethodOnLastLayer(client, delegate) && passesOnlyOwnHooks(client, delegate, name, operation)
    if (!served) return null
    const connection = await this.onConnection.connection(client)
    return connection || this.sql ? { client, connection } : null
  }

  /** A new record in one statement: its `insert` event and its row. Undefined when the statement was refused (nothing written). */
  async create(route: DirectRoute, data: Record<string, unknown>): Promise<{ row: unknown } | undefined> {
    const writer = this.writer
    const { eventId, prepared } = writer.firstState(data, 'insert')
    const { stored, hash } = writer.seal(writer.newEvent(eventId, eventId, 'insert', prepared.payload, 1), null)
    const row = await this.write(route, eventId, 'create', writer.data.rowData(prepared.state, false), stored)
    if (row === undefined) return undefined
    this.keep(eventId, { eventId, sequence: 1, hash, sinceSavepoint: 1, state: prepared.state })
    return { row }
  }

  /**
   * A command on a record from `known`, its last committed state: the row rewritten from the new
   * state and the event at the next sequence. Undefined when it was refused (nothing written).
   * Not for a command after which a savepoint is due (the transaction's path appends it).
   */
  async update(
    route: DirectRoute,
    recordId: string,
    known: CurrentState<S>,
    action: string,
    data: Record<string, unknown>,
    options: ExecuteOptions,
  ): Promise<{ row: unknown } | undefined> {
    const writer = this.writer
    const { eventId, prepared } = writer.nextState(known, recordId, action, data, options)
    const sequence = known.sequence + 1
    const { stored, hash } = writer.seal(writer.newEvent(eventId, recordId, action, prepared.payload, sequence), known.lastHash)
    const row = await this.write(route, recordId, 'update', writer.data.rowData(prepared.state, true), stored)
    if (row === undefined) return undefined
    this.keep(recordId, { eventId, sequence, hash, sinceSavepoint: known.sinceSavepoint + 1, state: prepared.state })
    return { row }
  }

  /**
   * Writes the row (`create`, or `update` by its id) and appends `stored`: PostgreSQL's statement
   * on the adapter's connection or through Prisma's `$queryRawUnsafe`, or the connection's
   * transaction. The row as Prisma's read gives it, or undefined when refused.
   */
  private async write(
    { client, connection }: DirectRoute,
    recordId: string,
    kind: 'create' | 'update',
    rowData: Record<string, unknown>,
    stored: NewEvent,
  ): Promise<Record<string, unknown> | undefined> {
    const { written, values } = this.rowValues(rowData)
    const eventArgs = this.writer.insertEvent.args(stored, new Date())
    const between = kind === 'update' ? [recordId] : []
    let row: Record<string, unknown> | undefined
    if (!this.sql) row = await this.onConnection.transaction(connection!, recordId, kind, written, values, eventArgs)
    else if (connection) row = await this.onConnection.statement(connection, recordId, this.sql[kind](written), written, values, between, eventArgs)
    else row = await this.viaPrisma(client, recordId, this.sql[kind](written), [...values, ...between, ...eventArgs])
    return row ? this.fromRow(row) : undefined
  }

  /** PostgreSQL's statement through Prisma; the row it returns, or undefined when the database refused it. */
  private async viaPrisma(client: AnyClient, recordId: string, sql: string, args: unknown[]): Promise<Record<string, unknown> | undefined> {
    try {
      const rows: Record<string, unknown>[] = await client.$queryRawUnsafe(sql, ...args)
      return rows[0]
    } catch (error) {
      // Sent and lost: it may have committed, so it is not run again.
      if (isConnectionLost(this.dialect, error)) throw new SpectorConnectionError(this.writer.meta.name, recordId, 'unknown', error)
      return undefined
    }
  }

  /** A state this statement committed: the next command on the record starts from it. */
  private keep(recordId: string, entry: Parameters<RecordWriter<S>['recent']['set']>[1]): void {
    this.writer.recent.set(recordId, entry)
    this.writer.recent.markCommitted(recordId, entry.eventId)
  }

  /** The columns written and their values, as parameters (a field left undefined is left to the database). */
  private rowValues(data: Record<string, unknown>): { written: RowColumn[]; values: unknown[] } {
    const written: RowColumn[] = []
    const values: unknown[] = []
    for (const [field, value] of Object.entries(data)) {
      const column = this.columns.get(field)
      if (value === undefined || !column) continue
      written.push(column)
      values.push(this.toParameter(field, value))
    }
    return { written, values }
  }

  private toParameter(field: string, value: unknown): unknown {
    if (this.json.has(field)) {
      if (value === null || isDbNull(value)) return null
      if (isJsonNull(value) || isAnyNull(value)) return 'null'
      return JSON.stringify(value)
    }
    const stored = this.toDatabase.get(field)
    return stored && typeof value === 'string' ? (stored[value] ?? value) : value
  }

  /** The row as Prisma's read gives it: the statement names its columns by field; mapped enum values get their names back. */
  private fromRow(row: Record<string, unknown>): Record<string, unknown> {
    for (const [field, values] of this.fromDatabase) {
      const stored = row[field]
      if (typeof stored === 'string') row[field] = values[stored] ?? stored
    }
    return row
  }
}
