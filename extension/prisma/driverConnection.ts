/**
 * The driver adapter's connection as prisma-spector uses it: the part of Prisma's
 * `SqlDriverAdapter` (@prisma/driver-adapter-utils) that a direct write (directWrite.ts) and the
 * COMMIT guard (failedCommitGuard.ts) call. A transaction either sends COMMIT and ROLLBACK itself
 * (`usePhantomQuery`) or expects them as statements, then `commit()`/`rollback()` hand the
 * connection back, as Prisma's transaction manager drives it.
 */
import type { DriverArgType } from './driverValues.ts'

/** One statement as a driver adapter takes it. */
export interface DriverQuery {
  sql: string
  args: unknown[]
  argTypes: DriverArgType[]
}

export interface DriverResultSet {
  columnNames: string[]
  rows: unknown[][]
}

export interface DriverTransaction {
  readonly options?: { usePhantomQuery?: boolean }
  queryRaw(query: DriverQuery): Promise<DriverResultSet>
  executeRaw(query: DriverQuery): Promise<number>
  commit(): Promise<void>
  rollback(): Promise<void>
}

export interface DriverConnection {
  queryRaw(query: DriverQuery): Promise<DriverResultSet>
  startTransaction(isolationLevel?: string): Promise<DriverTransaction>
}

/** A statement without parameters (COMMIT, ROLLBACK). */
export function bareStatement(sql: string): DriverQuery {
  return { sql, args: [], argTypes: [] }
}
