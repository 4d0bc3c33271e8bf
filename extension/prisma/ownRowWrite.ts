/**
 * prisma-spector's own row writes, told apart from the user's, and checked on their way to Prisma.
 *
 * A command the caller made with one of Prisma's operations (`prisma.item.update(...)`) runs in
 * prisma-spector's command hook; its row write goes on down the caller's query (callerRowWrite.ts).
 *
 * A command made with one of prisma-spector's model methods (`execute`, `savepoint`,
 * `materialize`, `bringup`) runs on the `$parent` of the client it was called on (that client
 * minus its last extension), but writes its row through the model of that client itself, every
 * extension of it, in the command's transaction (`withModelMethodClient`): the query extensions
 * chained before prisma-spector, its row-write gate (spectorExtension.ts), its command hook, which
 * lets the write pass, and those chained after, as a Prisma write of the caller's would; result
 * extensions compute their fields on the row. The write is started inside an async context that
 * names it, so that the hooks recognise it. Arguments are not marked: Prisma's extension layers
 * copy them.
 *
 * The gate compares the data that arrived with the data sent: when another extension rewrote a
 * field, the row would not be what the event says, so the write is stopped with a
 * RowWriteRewritten naming the rewrites, and the command runs again with them (see
 * extensionRewrites.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { callerRowWriteFor, sendDownCallerQuery } from './callerRowWrite.ts'
import { comparableValue } from './comparableValue.ts'
import { interactiveTransactionOf, startInTransaction, startPrismaPromise } from './prismaCompat.ts'

interface PendingWrite {
  key: string
  /** What prisma-spector sent: `data` (create/update) or `create` and `update` (upsert). */
  sent: Record<string, unknown>
  /** Set once prisma-spector's query hook has seen this write arrive. */
  arrived: boolean
  /** Set once the command hook (spectorExtension.ts) let this write pass. */
  passedCommandHook: boolean
}

/** A field another extension changed on prisma-spector's row write: the value sent and the one that arrived. */
export interface FieldRewrite {
  /** `data`, or `create`/`update` for an upsert. */
  part: string
  field: string
  sent: unknown
  arrived: unknown
}

/** Thrown by the query hook, before anything reaches the database, when another extension rewrote the row data. */
export class RowWriteRewritten extends Error {
  readonly operation: string
  readonly rewrites: FieldRewrite[]

  constructor(operation: string, rewrites: FieldRewrite[]) {
    super(`another extension rewrote ${rewrites.map((r) => r.field).join(', ')} on the row write (${operation})`)
    this.operation = operation
    this.rewrites = rewrites
  }
}

const pending = new AsyncLocalStorage<PendingWrite>()

/** The model of the client a model method was called on, while its command runs. */
const modelMethod = new AsyncLocalStorage<{ delegate: string; model: Record<string, any> }>()

/** Runs a model method's command; its row writes of `delegate` go through `model`, the model of the client it was called on. */
export function withModelMethodClient<T>(delegate: string, model: Record<string, any>, run: () => Promise<T>): Promise<T> {
  return modelMethod.run({ delegate, model }, run)
}

/** Whether a model method's command on `delegate` runs now, called on a client with no extension chained after prisma-spector. */
export function modelMethodOnLastLayer(parent: Record<string, any>, delegate: string): boolean {
  // `parent` is the client minus its last extension: prisma-spector's methods are on it only when another follows.
  return modelMethod.getStore()?.delegate === delegate && typeof parent[delegate]?.execute !== 'function'
}

export function ownRowWrite<T>(client: Record<string, any>, delegate: string, operation: string, args: Record<string, any>): Promise<T> {
  // A command the caller made with Prisma's own operation: the row write goes down the caller's query.
  const caller = callerRowWriteFor(delegate)
  if (caller) return sendDownCallerQuery(caller, client, operation, args) as Promise<T>
  const sent = operation === 'upsert' ? { create: args.create, update: args.update } : { data: args.data }
  const write: PendingWrite = { key: `${delegate}.${operation}`, sent, arrived: false, passedCommandHook: false }
  const method = modelMethod.getStore()
  // Started here, so that the query hooks run inside this write's context and find it.
  if (method?.delegate !== delegate) return pending.run(write, () => startPrismaPromise(client[delegate][operation](args) as PromiseLike<T>))
  // A model method's: through every extension of the client it was called on, in the command's transaction.
  return pending.run(write, async () => startInTransaction(method.model[operation](args) as PromiseLike<T>, await interactiveTransactionOf(client)))
}

/**
 * True, once, when prisma-spector's command hook is reached by prisma-spector's own row write of
 * that model and operation: a model method's (`execute`, `savepoint`...) write, made through the
 * client the method was called on.
 */
export function isOwnRowWriteAtCommandHook(delegate: string, operation: string): boolean {
  const write = pending.getStore()
  if (!write || write.passedCommandHook || write.key !== `${delegate}.${operation}`) return false
  write.passedCommandHook = true
  return true
}

/**
 * Called by prisma-spector's query hook on every write of an evented model: when it is
 * prisma-spector's own row write, the fields other extensions changed on the way (none: []).
 * Anything else (another write made from inside a hook) gets null.
 */
export function rewritesOfOwnRowWrite(delegate: string, operation: string, args: Record<string, any>): FieldRewrite[] | null {
  const write = pending.getStore()
  if (!write || write.arrived || write.key !== `${delegate}.${operation}`) return null
  write.arrived = true
  const rewrites: FieldRewrite[] = []
  for (const [part, sent] of Object.entries(write.sent)) {
    if (!sent || typeof sent !== 'object') continue
    const arrived = (args?.[part] ?? {}) as Record<string, unknown>
    const fields = new Set([...Object.keys(sent), ...Object.keys(arrived)])
    for (const field of fields) {
      const before = (sent as Record<string, unknown>)[field]
      const after = arrived[field]
      if (comparableValue(before) !== comparableValue(after)) rewrites.push({ part, field, sent: before, arrived: after })
    }
  }
  return rewrites
}
