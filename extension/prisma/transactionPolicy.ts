/**
 * How a command runs in a transaction, and what a caller sees when the database aborts it.
 *
 * - In a transaction the library opens itself (a call on the plain client): the dialect's write
 *   lock is taken first (SQLite), and the whole transaction runs again when the database aborted
 *   it (deadlock, serialization failure, SQLite busy), when another writer took the record's next
 *   sequence, or when Prisma could not start it in time (nothing ran). After `maxRetries` a
 *   conflict is a `SpectorConflictError`.
 * - Inside a caller's transaction (a call on a transaction client): nothing is retried, since the
 *   database may have aborted the caller's whole transaction (InnoDB does on a deadlock) and a retry
 *   would run outside it or wait on the caller's own locks. The command fails at once with a
 *   `SpectorConflictError` and later evented commands in that transaction are refused, so the
 *   caller's transaction rolls back whole. Concurrent commands on one transaction client take turns.
 * - A lost connection is a `SpectorConnectionError` saying whether the COMMIT had been sent.
 */
import { SpectorConflictError, SpectorConnectionError, SpectorError, type ConflictReason } from '../core/errors.ts'
import type { DatabaseErrorClass } from '../dialects/databaseErrors.ts'
import type { Dialect } from '../dialects/dialect.ts'
import {
  clientAdapterFactory,
  databaseErrorOf,
  isInsideTransaction,
  isTransactionStartTimeout,
  isUniqueViolationOn,
  transactionScopeOf,
} from './prismaCompat.ts'
import { isSpectorAdapter } from './spectorAdapter.ts'
import type { AnyClient, SpectorOptions } from './spectorOptions.ts'
import { inTurn } from './transactionQueue.ts'

export interface TransactionPolicy {
  /** The evented model (for the error). */
  model: string
  /** The event log's Prisma model: a unique violation there means the sequence was taken. */
  eventsModel: string
  /** The record the command is about, when known (for the error). */
  recordId?: string
  maxRetries: number
  transactionOptions?: SpectorOptions['transactionOptions']
  /** Knows what the database's errors mean. */
  dialect: Dialect
  /** Run first in a transaction the library opens (the dialect's `takeWriteLock`), or null. */
  writeLockSql: string | null
}

/**
 * Defaults for the transactions the library opens, over Prisma's 2 s / 5 s: a command waits for a
 * pooled connection (or, on SQLite, for the adapter's one transaction at a time) while many
 * commands run at once, and retrying a start timeout only queues it again.
 */
export const ownTransactionDefaults = { maxWait: 10_000, timeout: 15_000 } as const

type Failure = DatabaseErrorClass | 'sequence' | 'start-timeout'

export function transact<R>(client: AnyClient, work: (tx: AnyClient) => Promise<R>, policy: TransactionPolicy): Promise<R> {
  if (!isInsideTransaction(client)) return inOwnTransaction(client, work, policy)
  const scope = transactionScopeOf(client)
  // One queue per transaction: commands called through Prisma's writes and through model methods reach it at different levels.
  return inTurn(scope?.transactionId ?? client, () => inCallerTransaction(client, scope?.transactionId ?? client, work, policy))
}

async function inOwnTransaction<R>(client: AnyClient, work: (tx: AnyClient) => Promise<R>, policy: TransactionPolicy): Promise<R> {
  const options = { ...ownTransactionDefaults, ...policy.transactionOptions }
  // Without spectorAdapter, a COMMIT SQLite refused is ended only after Prisma released the
  // adapter's lock (endRefusedCommit): until then the library's own transactions take turns, or the
  // next one's BEGIN lands in the open transaction. The adapter runs one transaction at a time anyway.
  const factory = clientAdapterFactory(client)
  const turns = policy.writeLockSql !== null && factory !== undefined && !isSpectorAdapter(factory) ? factory : undefined
  for (let attempt = 0; ; attempt++) {
    let committing = false
    const once = async () => {
      try {
        return await client.$transaction(async (tx: AnyClient) => {
          if (policy.writeLockSql) await tx.$executeRawUnsafe(policy.writeLockSql)
          const result = await work(tx)
          committing = true
          return result
        }, options)
      } catch (error) {
        if (committing && failureOf(error, policy) === 'busy') await endRefusedCommit(client)
        throw error
      }
    }
    try {
      return await (turns === undefined ? once() : inTurn(turns, once))
    } catch (error) {
      const failure = failureOf(error, policy)
      if (!failure) throw error
      if (failure === 'connection') throw new SpectorConnectionError(policy.model, policy.recordId, committing ? 'unknown' : 'not-written', error)
      if (attempt >= policy.maxRetries) {
        if (failure === 'start-timeout') throw error
        throw conflict(policy, failure, error, `gave up after ${attempt + 1} attempts`)
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)))
    }
  }
}

/**
 * A COMMIT SQLite refused as busy leaves its transaction open (SQLite keeps it for a retry of the
 * COMMIT), and Prisma hands the connection back without a ROLLBACK: end it, or every later
 * transaction of the client fails at BEGIN. The library's own transactions on the client wait
 * their turn until it is ended (inOwnTransaction); a caller's own `$transaction` started meanwhile
 * is not held back. A client made with spectorAdapter has had it ended already, before the
 * connection was handed back (failedCommitGuard.ts), and another transaction may be running there.
 */
async function endRefusedCommit(client: AnyClient): Promise<void> {
  if (isSpectorAdapter(clientAdapterFactory(client))) return
  await client.$executeRawUnsafe('ROLLBACK').catch(() => {})
}

/** Caller transactions a command failed in with a conflict or a lost connection: later commands there are refused the same way. */
const failedTransactions = new Map<unknown, SpectorError>()

async function inCallerTransaction<R>(client: AnyClient, transaction: unknown, work: (tx: AnyClient) => Promise<R>, policy: TransactionPolicy): Promise<R> {
  const earlier = failedTransactions.get(transaction)
  if (earlier) throw refusedAfter(policy, earlier)
  try {
    return await client.$transaction(work)
  } catch (error) {
    const failure = failureOf(error, policy)
    if (!failure || failure === 'start-timeout') throw error
    const wrapped =
      failure === 'connection'
        ? new SpectorConnectionError(policy.model, policy.recordId, 'not-written', error)
        : conflict(policy, failure, error, "not retried inside the caller's transaction: roll it back and run it again")
    failedTransactions.set(transaction, wrapped)
    // Transactions end; keep the newest few hundred.
    if (failedTransactions.size > 500) failedTransactions.delete(failedTransactions.keys().next().value)
    throw wrapped
  }
}

function refusedAfter(policy: TransactionPolicy, earlier: SpectorError): SpectorError {
  const message = `refused: an earlier command in this transaction failed (${earlier.message}); roll the transaction back and run it again`
  if (earlier instanceof SpectorConnectionError) return new SpectorConnectionError(policy.model, policy.recordId, 'not-written', earlier)
  const reason = earlier instanceof SpectorConflictError ? earlier.reason : 'sequence'
  return new SpectorConflictError(policy.model, policy.recordId ?? '(unknown)', message, undefined, undefined, earlier, reason)
}

/** What went wrong, when it is something the policy handles; null passes the error on unchanged. */
function failureOf(error: unknown, policy: TransactionPolicy): Failure | null {
  if (error instanceof SpectorError) return null
  if (isTransactionStartTimeout(error)) return 'start-timeout'
  if (isUniqueViolationOn(error, policy.eventsModel)) return 'sequence'
  const database = databaseErrorOf(error)
  return database ? policy.dialect.classifyError(database) : null
}

const conflictMessages: Record<ConflictReason, string> = {
  sequence: 'another writer appended to this record first',
  'expected-sequence': 'the record moved past the expected sequence',
  deadlock: 'the database aborted the transaction as a deadlock victim',
  serialization: 'the database aborted the transaction on a serialization failure (a concurrent transaction changed what it read)',
  busy: "another connection held the SQLite database's write lock longer than the busy timeout (SQLITE_BUSY)",
}

function conflict(policy: TransactionPolicy, failure: Exclude<Failure, 'connection' | 'start-timeout'>, cause: unknown, outcome: string): SpectorConflictError {
  return new SpectorConflictError(
    policy.model,
    policy.recordId ?? '(unknown)',
    `${conflictMessages[failure]}; ${outcome}`,
    undefined,
    undefined,
    cause,
    failure,
  )
}
