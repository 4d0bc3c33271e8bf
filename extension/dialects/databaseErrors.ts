/**
 * What a database error means for the transaction it happened in, in words every dialect
 * shares: the transaction policy (extension/prisma/transactionPolicy.ts) retries conflicts in the
 * transactions the library opens, fails at once inside a caller's, and reports a lost connection
 * with what is known of the write. Each dialect maps its own codes onto these classes.
 */

/**
 * A database error as the driver reported it, without Prisma's wrapping (extension/prisma/prismaCompat.ts
 * reads it out of Prisma's errors): the driver adapter's `kind`, the database's own code and message.
 */
export interface DatabaseErrorInfo {
  /** The driver adapter's error kind (`TransactionWriteConflict`, `ConnectionClosed`, `postgres`, ...). */
  kind?: string
  /** The database's or driver's code: SQLSTATE on PostgreSQL, errno on MariaDB/MySQL, `SQLITE_BUSY`... */
  code?: string
  message: string
}

/**
 * - `deadlock`: the database chose this transaction as a deadlock victim and aborted it.
 * - `serialization`: a concurrent transaction changed what this one read (serializable or snapshot isolation).
 * - `busy`: another connection held the database's write lock longer than the driver waits (SQLite).
 * - `connection`: the connection to the database was lost; its transaction is gone.
 */
export type DatabaseErrorClass = 'deadlock' | 'serialization' | 'busy' | 'connection'

/** Driver messages of a connection that is gone, whatever the database (node-postgres, mariadb). */
const lostConnectionMessages = [
  /connection terminated/i,
  /encountered a connection error/i,
  /connection (?:is |was )?closed/i,
  /socket has unexpectedly been closed/i,
  /server has closed the connection/i,
  /connection was killed/i,
  /server has gone away/i,
  /lost connection to/i,
]

/** The adapter kinds and messages that mean the connection is gone, on every database. */
export function isLostConnection(error: DatabaseErrorInfo): boolean {
  if (error.kind === 'ConnectionClosed' || error.kind === 'DatabaseNotReachable') return true
  return lostConnectionMessages.some((pattern) => pattern.test(error.message))
}
