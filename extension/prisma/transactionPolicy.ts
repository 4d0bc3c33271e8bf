/**
 * How a command runs in a transaction: on the client it was called on (joining a caller's
 * transaction), retried when another writer took the record's next sequence or the database
 * aborted the transaction (deadlock, serialization failure).
 */
import { SpectorConflictError } from '../core/errors.ts'
import type { AnyClient, SpectorOptions } from './spectorOptions.ts'

export interface TransactionPolicy {
  /** The evented model (for the error). */
  model: string
  /** The event log's Prisma model: a unique violation there means the sequence was taken. */
  eventsModel: string
  /** The record the command is about, when known (for the error). */
  recordId?: string
  maxRetries: number
  transactionOptions?: SpectorOptions['transactionOptions']
}

export async function transact<R>(client: AnyClient, work: (tx: AnyClient) => Promise<R>, policy: TransactionPolicy): Promise<R> {
  const ownTransaction = typeof client.$connect === 'function'
  const options = ownTransaction ? policy.transactionOptions : undefined
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.$transaction(work, options)
    } catch (error) {
      if (!isRetryableConflict(error, policy.eventsModel)) throw error
      if (attempt >= policy.maxRetries) {
        throw new SpectorConflictError(
          policy.model,
          policy.recordId ?? '(unknown)',
          `another writer appended to this record first; gave up after ${attempt + 1} attempts`,
          undefined,
          undefined,
          error,
        )
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)))
    }
  }
}

/** A unique violation on the event log's (recordId, sequence): another writer took the sequence. */
/** Database codes of a deadlock or serialization failure: the database aborted this transaction, so it can run again. */
const abortedTransactionCodes = new Set(['1213', '40001', '40P01'])

export function isRetryableConflict(error: unknown, eventsModel: string): boolean {
  const e = error as { code?: string; meta?: { modelName?: string; driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } } }
  // P2034: a write conflict or deadlock; P2010 carries one from a raw query (the table-chain head).
  if (e?.code === 'P2034') return true
  // P2010 from the raw event insert: a unique violation means the sequence was taken.
  if (e?.code === 'P2010') {
    const cause = e.meta?.driverAdapterError?.cause
    return cause?.kind === 'UniqueConstraintViolation' || abortedTransactionCodes.has(String(cause?.originalCode))
  }
  if (e?.code !== 'P2002') return false
  return e.meta?.modelName === eventsModel
}
