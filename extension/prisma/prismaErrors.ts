/**
 * Prisma's non-public shapes the transaction policy reads, in one place so that a Prisma release
 * that changes them breaks one file (to move into prismaCompat.ts): the driver's error inside
 * Prisma's (`meta.driverAdapterError.cause`), Prisma's own transaction start timeout, and the
 * transaction scope a transaction client carries.
 */
import type { DatabaseErrorInfo } from '../dialects/databaseErrors.ts'
import type { AnyClient } from './spectorOptions.ts'

interface PrismaLikeError {
  code?: unknown
  message?: unknown
  meta?: { modelName?: string; driverAdapterError?: { cause?: { kind?: string; originalCode?: string; originalMessage?: string; message?: string } } }
}

/**
 * The database's error inside what Prisma threw: the driver adapter's `cause` (model queries,
 * P2034/P1017/P2039; raw queries, P2010; a failed COMMIT, the adapter's DriverAdapterError itself), or
 * a driver error Prisma passed on as it was (node-postgres' "Client has encountered a connection
 * error"). Null for anything else.
 */
export function databaseErrorOf(error: unknown): DatabaseErrorInfo | null {
  if (!error || typeof error !== 'object') return null
  const e = error as PrismaLikeError
  // A DriverAdapterError Prisma passed on unwrapped (a failed COMMIT) carries the same cause itself.
  const unwrapped = (error as Error).name === 'DriverAdapterError' ? ((error as { cause?: unknown }).cause as { kind?: string } | undefined) : undefined
  const cause = e.meta?.driverAdapterError?.cause ?? (typeof unwrapped?.kind === 'string' ? unwrapped : undefined)
  if (cause) {
    const { kind, originalCode, originalMessage, message } = cause as { kind?: string; originalCode?: string; originalMessage?: string; message?: string }
    return { kind, code: originalCode, message: String(originalMessage ?? message ?? e.message ?? '') }
  }
  // Prisma's own codes for a closed connection, without the driver's error.
  if (e.code === 'P1017' || e.code === 'P1001') return { kind: 'ConnectionClosed', message: String(e.message ?? '') }
  if (typeof e.message === 'string') return { code: typeof e.code === 'string' ? e.code : undefined, message: e.message }
  return null
}

/** A unique violation on the event log (a P2002 on its model, or one from the raw event insert): another writer took the sequence. */
export function isUniqueViolationOn(error: unknown, eventsModel: string): boolean {
  const e = error as PrismaLikeError
  if (e?.code === 'P2002') return e.meta?.modelName === eventsModel
  return e?.code === 'P2010' && e.meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation'
}

/** Prisma's "Unable to start a transaction in the given time" (P2028 before the transaction began): nothing ran. */
export function isTransactionStartTimeout(error: unknown): boolean {
  const e = error as PrismaLikeError
  return e?.code === 'P2028' && typeof e.message === 'string' && e.message.includes('Unable to start a transaction')
}

/** Which interactive transaction a transaction client belongs to, and which level of it (a nested `$transaction` is a level). */
export interface TransactionScope {
  transactionId: string
  scopeId: string
}

/** Prisma (>= 7.5) marks a transaction client with this symbol; a top-level client has none. */
const scopeContext = Symbol.for('prisma.client.transaction.scope_context')

/** The transaction scope of a transaction client; null for a client outside any transaction. */
export function transactionScopeOf(client: AnyClient): TransactionScope | null {
  const scope = client[scopeContext as unknown as string] as { kind?: string; txId?: unknown; scopeId?: unknown } | undefined
  if (scope?.kind === 'nested' && typeof scope.txId === 'string' && typeof scope.scopeId === 'string') {
    return { transactionId: scope.txId, scopeId: scope.scopeId }
  }
  return null
}
