/**
 * The row write of a command the caller made with one of Prisma's own write operations
 * (`prisma.item.create(...)`, `update`, `upsert`, `delete` and the bulk ones), sent on down the
 * caller's own query: through the query extensions chained after prisma-spector, then to the
 * database, in the command's transaction.
 *
 * prisma-spector runs such a command in a query hook (spectorExtension.ts): the extensions chained
 * before it have already had the call (and made whatever rewrite they make of its data), those
 * chained after it see the write once, as Prisma would run it, and the result comes back through
 * Prisma's request, so that result extensions compute their fields on it.
 *
 * The write path (recordWriter.ts) writes one record's row at a time with `create`, `update` or
 * `delete`; the caller's operation may be another (an upsert, a bulk write). Each row write is sent
 * as the caller's operation, shaped for that record alone: an upsert as an upsert on the record's
 * id, a `createMany` as a `createMany` of one row, an `updateMany` on the record's id. Where the
 * database has no `createManyAndReturn` (MySQL), which prisma-spector still serves, its rows are
 * written as `create`s.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { SpectorUnsupportedWriteError } from '../core/errors.ts'
import { interactiveTransactionOf, type PrismaTransaction, type QueryHookRequest } from './prismaCompat.ts'

type Args = Record<string, any>

/** Runs the rest of the caller's query chain with these arguments and request (Prisma's `query`). */
export type QueryContinuation = (args: unknown, request?: QueryHookRequest) => PromiseLike<unknown>

export interface CallerRowWrite {
  /** The evented model (`Item`), for errors. */
  model: string
  /** The evented model's delegate name (`item`). */
  delegate: string
  /** The caller's operation. */
  operation: string
  idField: string
  query: QueryContinuation
  request: QueryHookRequest | undefined
  /** False where the database has no `createManyAndReturn`/`updateManyAndReturn` (MySQL): their rows are written with `create`/`update`. */
  bulkReturning: boolean
}

const current = new AsyncLocalStorage<CallerRowWrite>()

/** Runs a command whose row writes of `write.delegate` go down the caller's query (see `sendDownCallerQuery`). */
export function withCallerRowWrite<T>(write: CallerRowWrite, run: () => Promise<T>): Promise<T> {
  return current.run(write, run)
}

/** The caller's row write for this model when a command runs in a query hook; undefined otherwise. */
export function callerRowWriteFor(delegate: string): CallerRowWrite | undefined {
  const write = current.getStore()
  return write?.delegate === delegate ? write : undefined
}

/**
 * Sends one record's row write (`operation` with `args`, as the write path made it) down the
 * caller's query, in the transaction of `tx`, shaped as the caller's operation; returns what the
 * write path expects (the row, or nothing for a bulk write that returns no rows).
 */
export async function sendDownCallerQuery(write: CallerRowWrite, tx: Args, operation: string, args: Args): Promise<unknown> {
  const request = inTransaction(write, await interactiveTransactionOf(tx))
  const id = operation === 'create' ? args.data?.[write.idField] : args.where?.[write.idField]
  const { data, where: _where, select, include, omit, ...rest } = args
  const shape = { ...(select ? { select } : {}), ...(include ? { include } : {}), ...(omit ? { omit } : {}) }
  switch (write.operation) {
    case 'upsert': {
      const upsert = operation === 'create' ? { create: data, update: {} } : { create: { ...data, [write.idField]: id }, update: data }
      return write.query({ ...rest, ...shape, where: { [write.idField]: id }, ...upsert }, request)
    }
    case 'createMany':
      return counted(await write.query({ data: [data] }, request))
    case 'createManyAndReturn':
      if (!write.bulkReturning) return write.query({ ...shape, data }, { ...request, action: 'create' })
      return first(await write.query({ ...shape, data: [data] }, request))
    case 'updateMany':
      return counted(await write.query({ where: { [write.idField]: id }, data }, request))
    case 'updateManyAndReturn':
      if (!write.bulkReturning) return write.query({ ...shape, where: { [write.idField]: id }, data }, { ...request, action: 'update' })
      return first(await write.query({ ...shape, where: { [write.idField]: id }, data }, request))
    case 'deleteMany':
      return write.query({ where: { [write.idField]: id } }, request)
    default:
      return write.query(args, request)
  }
}

/**
 * The caller's request, in the command's transaction. Prisma moves a request into a batch
 * `$transaction([...])` when a query hook below puts it in one (as a row-level-security extension
 * that sets a session variable first does): the row write would then run apart from its event, in
 * a transaction of its own. That move is refused here, where Prisma makes it: the batch fails,
 * the command's transaction rolls back, nothing is written.
 */
function inTransaction(write: CallerRowWrite, transaction: PrismaTransaction | undefined): QueryHookRequest {
  const request: QueryHookRequest = { ...write.request }
  Object.defineProperty(request, 'transaction', {
    enumerable: true,
    get: () => transaction,
    set: (moved: PrismaTransaction | undefined) => {
      // The caller's own interactive transaction, set again at each level: the same one.
      if (moved?.kind === 'batch') {
        throw new SpectorUnsupportedWriteError(
          write.model,
          write.operation,
          "a query extension chained after prisma-spector runs the row write in a batch $transaction([...]) of its own, apart from the event's transaction. " +
            'Nothing was written. Run what that extension adds (a session setting, say) in the transaction prisma-spector opens, or leave evented models out of it.',
        )
      }
    },
  })
  return request
}

/** A bulk write's `{ count }` for one record; null when the database wrote no row (a trigger skipped it). */
function counted(result: unknown): unknown {
  return (result as { count?: unknown } | null)?.count === 0 ? null : result
}

function first(rows: unknown): unknown {
  return Array.isArray(rows) ? rows[0] : rows
}
