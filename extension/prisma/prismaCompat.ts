/**
 * Every place prisma-spector relies on Prisma behaviour that is not public API, in one file.
 *
 * Each probe below is verified by test/prismaCompat.int.test.ts against the installed
 * @prisma/client, with the version it was verified on named in the test: a Prisma 7.x minor that
 * moves one of them fails that one named test instead of surprising a user.
 *
 * - A PrismaPromise is recognised by its `Symbol.toStringTag` ('PrismaPromise'); a batch
 *   `$transaction([...])` then calls its `requestTransaction`. LazyCommand poses as one so that a
 *   batch asks it to join, and it refuses.
 * - A PrismaPromise runs its query extensions when `then` is called, synchronously in that call:
 *   the async context of the caller of `then` is the one the query hooks run in.
 * - A PrismaPromise's `requestTransaction(transaction)` runs its query hooks at once and its query in
 *   that transaction (an interactive one, `{ kind: 'itx', id }`, as well as a batch's): a model
 *   method's row write runs through the whole client it was called on, in the command's transaction.
 * - Inside a model method, `Prisma.getExtensionContext(this).$parent` is the client the method was
 *   called on minus its last extension only (a transaction client when called on one): with other
 *   extensions chained after prisma-spector, it still has prisma-spector's command hooks.
 * - A transaction client is the only client without `$connect` (it is on Prisma's deny list for
 *   transaction clients), which is how "inside the caller's transaction" is told apart.
 * - A driver adapter's error carries the database's own code in `meta.driverAdapterError.cause`
 *   (`originalCode`, `kind`), which is how a deadlock or serialization failure is recognised, and
 *   the database's own message (`originalMessage`), which is how an error raised by one of
 *   prisma-spector's triggers is recognised whatever Prisma made of it (on SQLite a trigger's
 *   `RAISE(ABORT)` reads as P2003 "Foreign key constraint violated"); a failed COMMIT rejects
 *   with the adapter's `DriverAdapterError` itself, the same cause on it.
 * - "Unable to start a transaction in the given time" is a P2028 with that message (nothing ran).
 * - A transaction client carries its transaction's id and its nesting level's id under
 *   `Symbol.for('prisma.client.transaction.scope_context')` (`{ kind: 'nested', txId, scopeId }`),
 *   and Prisma admits one nested `$transaction` per level at a time.
 * - A query hook is called with `__internalParams`, the request as Prisma will run it; its
 *   `transaction` is `{ kind: 'itx', id }` for a call on a transaction client and `{ kind: 'batch' }`
 *   inside `$transaction([...])`. `query(args, params)` runs the rest of the chain with `params`
 *   in place of the request's (so with another `transaction`).
 * - A client's `_createPrismaPromise(callback)` calls `callback` with the client's transaction (a
 *   transaction client's own), and `_createItxClient(transaction, scopeId, { stack })` makes a
 *   transaction client of that client for a running interactive transaction, the way Prisma makes
 *   the one it hands to a `$transaction` callback.
 * - A client's `_extensions.getAllQueryCallbacks(delegate, operation)` lists, by reference, the
 *   query hooks a call of that operation passes, in order; `_extensions.getAllComputedFields(model)`
 *   its result extensions' fields; `_globalOmit` the client's `omit` option. A query hook's
 *   `query(args, params)` goes on to the next hook by building its call (reading `params.model`
 *   before `params.args`), or, when none is left, to `_executeRequest(params)`, which reads
 *   `params.args` first: that order tells whether another hook is chained after (the one-statement
 *   write runs only when none is).
 * - A client keeps what it was made with in `_engineConfig`: the driver adapter factory
 *   (`adapter`), whether queries are logged (`logQueries`), its SQL commenters (`sqlCommenters`) and
 *   `transactionOptions`; `_tracingHelper.isEnabled()` says whether its queries are traced. A write
 *   on the adapter's connection (directWrite.ts) is taken only where none of these would see it.
 */
import { Prisma } from '@prisma/client/extension'
import type { DatabaseErrorInfo } from '../dialects/databaseErrors.ts'

/** The `Symbol.toStringTag` Prisma's batch `$transaction([...])` accepts as a query. */
export const prismaPromiseTag = 'PrismaPromise'

/** Starts a PrismaPromise now, in the current async context (its query hooks run in it). */
export function startPrismaPromise<T>(promise: PromiseLike<T>): Promise<T> {
  return promise.then((value) => value) as Promise<T>
}

/** The model of the client a model method was called on (every extension of it): `this` in the method. */
export function modelMethodModel(self: unknown): Record<string, any> {
  return Prisma.getExtensionContext(self as object) as unknown as Record<string, any>
}

/**
 * Starts a model operation's PrismaPromise in a running interactive transaction (`transaction`,
 * from `interactiveTransactionOf`), as a batch `$transaction` starts one in its own: the query
 * hooks run now, in the current async context, and the query in that transaction.
 */
export function startInTransaction<T>(promise: PromiseLike<T>, transaction: PrismaTransaction | undefined): Promise<T> {
  const request = (promise as { requestTransaction?: (t: PrismaTransaction) => PromiseLike<T> }).requestTransaction
  if (!transaction || typeof request !== 'function') return startPrismaPromise(promise)
  return Promise.resolve(request.call(promise, transaction))
}

/** The client a model method was called on, minus the last extension: a transaction client inside `$transaction`. */
export function modelMethodParent(self: unknown): Record<string, any> {
  return (Prisma.getExtensionContext(self as object) as unknown as { $parent: Record<string, any> }).$parent
}

/** True for a client handed to a `$transaction(async (tx) => ...)` callback. */
export function isInsideTransaction(client: Record<string, any>): boolean {
  return typeof client.$connect !== 'function'
}

/** The database's own error code and the adapter's classification of a driver error, when Prisma passed them on. */
export function driverErrorCause(error: unknown): { originalCode: string | undefined; kind: string | undefined } {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; kind?: unknown } } } })?.meta?.driverAdapterError?.cause
  return {
    originalCode: cause?.originalCode === undefined || cause.originalCode === null ? undefined : String(cause.originalCode),
    kind: typeof cause?.kind === 'string' ? cause.kind : undefined,
  }
}

/** The database's own error code of a driver error (e.g. '40P01', '1213', '2067'), or undefined. */
export function driverErrorCode(error: unknown): string | undefined {
  return driverErrorCause(error).originalCode
}

/** The database's own message of a driver error (a trigger's `RAISE` / `SIGNAL` text), or undefined. */
export function driverErrorMessage(error: unknown): string | undefined {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { originalMessage?: unknown } } } })?.meta?.driverAdapterError?.cause
  return typeof cause?.originalMessage === 'string' ? cause.originalMessage : undefined
}

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
export function transactionScopeOf(client: Record<string, any>): TransactionScope | null {
  const scope = client[scopeContext as unknown as string] as { kind?: string; txId?: unknown; scopeId?: unknown } | undefined
  if (scope?.kind === 'nested' && typeof scope.txId === 'string' && typeof scope.scopeId === 'string') {
    return { transactionId: scope.txId, scopeId: scope.scopeId }
  }
  return null
}

/** What Prisma passes a query hook besides the public arguments (see the list at the top). */
export interface QueryHookRequest {
  transaction?: PrismaTransaction
  [key: string]: unknown
}

/** An interactive transaction (`itx`) or a batch `$transaction([...])`, as Prisma's requests carry it. */
export interface PrismaTransaction {
  kind: 'itx' | 'batch'
  id?: string | number
  [key: string]: unknown
}

/** The interactive transaction a transaction client runs in; undefined for a client outside any. */
export async function interactiveTransactionOf(client: Record<string, any>): Promise<PrismaTransaction | undefined> {
  if (!transactionScopeOf(client)) return undefined
  const transaction = (await client._createPrismaPromise(async (t: PrismaTransaction | undefined) => t)) as PrismaTransaction | undefined
  return transaction?.kind === 'itx' ? transaction : undefined
}

/** One nesting level per interactive transaction for the transaction clients made below: commands on it take turns (transactionQueue.ts). */
const levels = new Map<unknown, { scopeId: string; scopeState: { stack: string[] } }>()

/**
 * A transaction client of `client` for an interactive transaction a query hook was called in (the
 * caller's `tx`, seen from below the extensions chained after prisma-spector).
 */
export function transactionClientFor(client: Record<string, any>, transaction: PrismaTransaction): Record<string, any> {
  if (typeof client._createItxClient !== 'function') {
    throw new Error('prisma-spector: this @prisma/client has no _createItxClient; prisma-spector needs @prisma/client >= 7.5 < 8')
  }
  let level = levels.get(transaction.id)
  if (!level) {
    const scopeId = `prisma-spector:${String(transaction.id)}`
    level = { scopeId, scopeState: { stack: [scopeId] } }
    levels.set(transaction.id, level)
    // Transactions end; keep the newest few hundred.
    if (levels.size > 500) levels.delete(levels.keys().next().value)
  }
  // A nested transaction closed out of order empties the stack (Prisma resets it): start the level again.
  if (level.scopeState.stack.length === 0) level.scopeState.stack.push(level.scopeId)
  return client._createItxClient(transaction, level.scopeId, level.scopeState)
}

/** prisma-spector's own query hooks (the row-write gate, the command hooks), told apart from other extensions' by reference. */
const ownQueryHooks = new WeakSet<object>()

/** Marks prisma-spector's own query hooks: a chain made of them alone lets the one-statement write run. */
export function markOwnQueryHooks(hooks: Iterable<unknown>): void {
  for (const hook of hooks) if (typeof hook === 'function') ownQueryHooks.add(hook)
}

/**
 * Whether `client.<delegate>.<operation>(...)` passes no query hook but prisma-spector's own, and
 * its result gets no computed field (result extension) and no global `omit` on `model`: then what
 * the library's own SQL writes and returns is what the call would. False when the client does not
 * say (a Prisma that moved these internals).
 */
export function passesOnlyOwnHooks(client: Record<string, any>, delegate: string, model: string, operation: string): boolean {
  const extensions = client._extensions
  if (typeof extensions?.getAllQueryCallbacks !== 'function' || typeof extensions.getAllComputedFields !== 'function') return false
  if (!('_globalOmit' in client) || hasGlobalOmit(client, delegate)) return false
  const computed = extensions.getAllComputedFields(model)
  if (computed && Object.keys(computed).length > 0) return false
  return (extensions.getAllQueryCallbacks(delegate, operation) as unknown[]).every((hook) => typeof hook === 'function' && ownQueryHooks.has(hook))
}

/** Whether the client's `omit` option (Prisma's global omit) leaves a field of `delegate` out of results. */
export function hasGlobalOmit(client: Record<string, any>, delegate: string): boolean {
  const fields = (client._globalOmit as Record<string, Record<string, unknown>> | undefined)?.[delegate]
  return !!fields && Object.values(fields).some(Boolean)
}

/** Thrown by the probe below in place of running anything; a plain object, so no stack is taken. */
interface ChainProbe {
  spectorChainProbe: true
  anotherHook: boolean
}

/**
 * In a query hook: whether its `query` goes straight on to Prisma's engine, no other query hook
 * being chained after. Runs the continuation with a request that stops it before anything runs:
 * the next hook's call is being built (it reads `model` first) or the engine's request is (it reads
 * `args` first), and reading `args` throws. No hook is called, nothing reaches the database. False
 * when the answer is not that one.
 */
export async function queryGoesToEngine(
  query: (args: unknown, request?: QueryHookRequest) => PromiseLike<unknown>,
  request: QueryHookRequest | undefined,
): Promise<boolean> {
  if (!request || typeof request.model !== 'string') return false
  let modelRead = false
  const probe: QueryHookRequest = { ...request }
  Object.defineProperty(probe, 'model', {
    enumerable: true,
    get: () => {
      modelRead = true
      return request.model
    },
  })
  Object.defineProperty(probe, 'args', {
    enumerable: true,
    get: () => {
      throw { spectorChainProbe: true, anotherHook: modelRead } satisfies ChainProbe
    },
    set: () => {},
  })
  try {
    await query({}, probe)
  } catch (thrown) {
    const answer = thrown as Partial<ChainProbe> | null
    if (answer?.spectorChainProbe === true) return !answer.anotherHook
  }
  return false
}

/** The driver adapter factory a client was made with (`new PrismaClient({ adapter })`); undefined when the client does not say. */
export function clientAdapterFactory(client: Record<string, any>): unknown {
  return client._engineConfig?.adapter
}

/**
 * Whether Prisma would show or shape a query of this client that prisma-spector sent on the
 * adapter's connection itself: query logging, tracing, SQL commenters, a transaction option. True
 * when the client does not say (a Prisma that moved these internals).
 */
export function prismaObservesQueries(client: Record<string, any>): boolean {
  const config = client._engineConfig
  if (!config || typeof client._tracingHelper?.isEnabled !== 'function') return true
  if (config.logQueries || client._tracingHelper.isEnabled()) return true
  if (Array.isArray(config.sqlCommenters) ? config.sqlCommenters.length > 0 : !!config.sqlCommenters) return true
  return config.transactionOptions?.isolationLevel !== undefined
}
