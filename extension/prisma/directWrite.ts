/**
 * A direct write (issue 15): with a client made with `spectorAdapter(adapter)` (spectorAdapter.ts),
 * a create or a command on a known record writes its row and appends its event on the connection
 * Prisma opened with the driver adapter: PostgreSQL's one statement (oneStatementWrite.ts), or, on
 * SQLite and MySQL/MariaDB, whose SQL cannot write two tables in one statement, one transaction of
 * prisma-spector's own statements (directWriteSql.ts). Prisma's interactive transaction costs a
 * round of its own work per statement; this costs what the driver costs, which puts a create
 * beside a plain Prisma create.
 *
 * Taken only where Prisma would not have shown or shaped these statements (no query log, tracing,
 * SQL commenter or transaction option: prismaObservesQueries), on top of everything the
 * direct write asks of the call (directCommand.ts). Parameters go as Prisma sends them
 * and the row comes back as Prisma reads it (driverValues.ts).
 *
 * The transaction is the adapter's own, as Prisma's transaction manager drives it: the adapter's
 * `startTransaction()` (SQLite: its lock, which Prisma's transactions take too), then COMMIT or
 * ROLLBACK sent as a statement unless the adapter sends them itself (`usePhantomQuery`), then the
 * transaction's `commit()`/`rollback()`, which hands the connection back.
 *
 * Anything the database refuses rolls the transaction back and returns undefined: the command then
 * runs on Prisma's path, which gives Prisma's answer (or error). A lost connection is passed on:
 * before COMMIT nothing was written; during COMMIT the outcome is unknown.
 */
import { SpectorConnectionError } from '../core/errors.ts'
import type { FieldMetadata, ModelMetadata } from '../core/metadata.ts'
import type { Dialect, InsertEventSql } from '../dialects/dialect.ts'
import type { DirectWriteSql } from '../dialects/directWriteSql.ts'
import type { RowColumn } from '../dialects/oneStatementWrite.ts'
import { bareStatement, type DriverConnection, type DriverQuery, type DriverTransaction } from './driverConnection.ts'
import { type DriverArgType, fieldArgType, fromDriverValue, toDriverArg, valueArgType } from './driverValues.ts'
import { clientAdapterFactory, databaseErrorOf, prismaObservesQueries } from './prismaCompat.ts'
import { connectionsOf, isSpectorAdapter } from './spectorAdapter.ts'
import type { AnyClient } from './spectorOptions.ts'

const jsonArg: DriverArgType = { scalarType: 'json', arity: 'scalar' }
const idArg: DriverArgType = { scalarType: 'string', arity: 'scalar' }

/** Whether the database says the connection is gone (its transaction with it). */
export function isConnectionLost(dialect: Dialect, error: unknown): boolean {
  const database = databaseErrorOf(error)
  return !!database && dialect.classifyError(database) === 'connection'
}

/** Where the transaction stood when it failed. */
class DirectWriteFailure extends Error {
  constructor(
    readonly cause: unknown,
    readonly duringCommit: boolean,
  ) {
    super('direct write failed')
  }
}

export class DirectWrite {
  private readonly meta: ModelMetadata
  private readonly dialect: Dialect
  /** The event's INSERT, the one every append of the model sends. */
  private readonly insertEvent: InsertEventSql
  /** SQLite's and MySQL's row statements; null on PostgreSQL, whose one statement the caller brings. */
  private readonly rowSql: DirectWriteSql | null
  private readonly fields: ReadonlyMap<string, FieldMetadata>

  constructor(meta: ModelMetadata, dialect: Dialect, insertEvent: InsertEventSql, rowSql: DirectWriteSql | null) {
    this.meta = meta
    this.dialect = dialect
    this.insertEvent = insertEvent
    this.rowSql = rowSql
    this.fields = new Map(meta.fields.map((f) => [f.name, f]))
  }

  /** Whether every field's value can go as a parameter of this path. */
  static sends(field: FieldMetadata): boolean {
    return fieldArgType(field) !== undefined
  }

  /**
   * The adapter's connection for `client`, when the client was made with spectorAdapter and Prisma
   * would not see the statements; a client that has not connected yet connects (`$connect`), as
   * its first query would.
   */
  async connection(client: AnyClient): Promise<DriverConnection | undefined> {
    const factory = clientAdapterFactory(client)
    if (!isSpectorAdapter(factory) || prismaObservesQueries(client)) return undefined
    if (connectionsOf(factory).size === 0) await client.$connect()
    const open = connectionsOf(factory)
    // A factory shared by two clients: neither can tell its own connection, so Prisma writes.
    const connection = open.size === 1 ? (open.values().next().value as DriverConnection) : undefined
    return typeof connection?.startTransaction === 'function' ? connection : undefined
  }

  /**
   * PostgreSQL's one statement (oneStatementWrite.ts), committed on its own: its parameters are the
   * written columns' values, then `between` (the id of an update), then the event's. The row, or
   * undefined when refused; a lost connection leaves the outcome unknown.
   */
  async statement(
    connection: DriverConnection,
    recordId: string,
    sql: string,
    written: readonly RowColumn[],
    values: unknown[],
    between: unknown[],
    eventArgs: unknown[],
  ): Promise<Record<string, unknown> | undefined> {
    const query: DriverQuery = {
      sql,
      args: [...this.args(written, values), ...between, ...eventArgs],
      argTypes: [...this.argTypes(written), ...between.map(valueArgType), ...this.eventArgTypes(eventArgs)],
    }
    try {
      const rows = await connection.queryRaw(query)
      return rows.rows[0] ? this.fromRow(rows.columnNames, rows.rows[0]) : undefined
    } catch (error) {
      if (isConnectionLost(this.dialect, error)) throw new SpectorConnectionError(this.meta.name, recordId, 'unknown', error)
      return undefined
    }
  }

  /**
   * SQLite's and MySQL's transaction: inserts the row (`create`) or updates it by its id, then
   * appends the event. The row, or undefined when refused (a stale state, the row gone, a constraint).
   */
  async transaction(
    connection: DriverConnection,
    recordId: string,
    kind: 'create' | 'update',
    written: readonly RowColumn[],
    values: unknown[],
    eventArgs: unknown[],
  ): Promise<Record<string, unknown> | undefined> {
    const rowSql = this.rowSql!
    const rowWrite: DriverQuery =
      kind === 'create'
        ? { sql: rowSql.insertRow(written), args: this.args(written, values), argTypes: this.argTypes(written) }
        : { sql: rowSql.updateRow(written), args: [...this.args(written, values), recordId], argTypes: [...this.argTypes(written), idArg] }
    const event: DriverQuery = { sql: this.insertEvent.sql, args: eventArgs, argTypes: this.eventArgTypes(eventArgs) }
    const readRow = rowSql.readRow
    try {
      return await this.inTransaction(connection, async (tx) => {
        let rows = await tx.queryRaw(rowWrite)
        if (readRow) rows = await tx.queryRaw({ sql: readRow, args: [recordId], argTypes: [idArg] })
        const row = rows.rows[0]
        // No row written (an update of a row that is gone): no event either.
        if (!row) return undefined
        await tx.executeRaw(event)
        return this.fromRow(rows.columnNames, row)
      })
    } catch (thrown) {
      const { cause, duringCommit } = thrown instanceof DirectWriteFailure ? thrown : { cause: thrown, duringCommit: false }
      if (isConnectionLost(this.dialect, cause)) throw new SpectorConnectionError(this.meta.name, recordId, duringCommit ? 'unknown' : 'not-written', cause)
      return undefined
    }
  }

  /** Runs `fn` in a transaction of the adapter's; commits what it returns, rolls back on undefined or a failure. */
  private async inTransaction<T>(connection: DriverConnection, fn: (tx: DriverTransaction) => Promise<T | undefined>): Promise<T | undefined> {
    let tx: DriverTransaction
    try {
      tx = await connection.startTransaction()
    } catch {
      // Nothing was sent (a connection Prisma closed on $disconnect, a pool that cannot give one):
      // Prisma's path runs, connecting again as it does.
      return undefined
    }
    const phantom = tx.options?.usePhantomQuery === true
    const rollback = async () => {
      try {
        if (!phantom) await tx.executeRaw(bareStatement('ROLLBACK'))
      } finally {
        await tx.rollback()
      }
    }
    let result: T | undefined
    try {
      result = await fn(tx)
    } catch (error) {
      await rollback().catch(() => {})
      throw new DirectWriteFailure(error, false)
    }
    if (result === undefined) {
      await rollback().catch(() => {})
      return undefined
    }
    try {
      if (!phantom) await tx.executeRaw(bareStatement('COMMIT'))
      await tx.commit()
    } catch (error) {
      // A COMMIT the database refused (SQLite's busy readers) leaves the transaction open: end it.
      await rollback().catch(() => {})
      throw new DirectWriteFailure(error, true)
    }
    return result
  }

  /** The event's parameter types: its JSON columns' by name (payload, metadata), the rest by value. */
  private eventArgTypes(eventArgs: readonly unknown[]): DriverArgType[] {
    const fields = this.insertEvent.fields
    return eventArgs.map((value, i) => (fields[i] === 'payload' || fields[i] === 'metadata' ? jsonArg : valueArgType(value)))
  }

  private args(written: readonly RowColumn[], values: unknown[]): unknown[] {
    return written.map((column, i) => {
      const field = this.fields.get(column.field)!
      // JSON comes as text already (directCommand.ts, toParameter).
      return field.type === 'Json' ? values[i] : toDriverArg(field, values[i])
    })
  }

  private argTypes(written: readonly RowColumn[]): DriverArgType[] {
    return written.map((column) => fieldArgType(this.fields.get(column.field)!)!)
  }

  /** The row as Prisma reads it, under the fields' names (enum values as stored: the caller maps them). */
  private fromRow(names: readonly string[], values: readonly unknown[]): Record<string, unknown> {
    const row: Record<string, unknown> = {}
    names.forEach((name, i) => {
      const field = this.fields.get(name)
      row[name] = field ? fromDriverValue(field, values[i]) : values[i]
    })
    return row
  }
}
