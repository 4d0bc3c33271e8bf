/**
 * prisma-spector's own row writes, told apart from the user's, and checked on their way to Prisma.
 *
 * The write path overrides `create`/`update`/`delete` and writes the row through the `$parent` of
 * the client it was called on. `$parent` is that client minus its last extension only, so with
 * other extensions chained after prisma-spector the row write reaches the overrides again, once
 * per extension layer, each call made synchronously by the one above it. The write is therefore
 * started inside an async context that names it and stays open only while that synchronous
 * descent runs: every override reached on the way passes the call straight down, and nothing
 * that runs later (a query hook, user code) can pass for it. Arguments are not marked: Prisma's
 * extension layers may copy them.
 *
 * At the bottom of the descent the write runs through the query extensions chained before
 * prisma-spector, then through prisma-spector's own query hook, the last one before the database
 * (see rowWriteGate in spectorExtension.ts). That hook compares the data that arrived with the
 * data sent: when another extension rewrote a field, the row would not be what the event says, so
 * the write is stopped with a RowWriteRewritten naming the rewrites, and the command runs again
 * with them (see extensionRewrites.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { comparableValue } from './comparableValue.ts'
import { startPrismaPromise } from './prismaCompat.ts'

interface PendingWrite {
  key: string
  /** Open while the synchronous descent through the extension layers runs. */
  open: boolean
  /** What prisma-spector sent: `data` (create/update) or `create` and `update` (upsert). */
  sent: Record<string, unknown>
  /** Set once prisma-spector's query hook has seen this write arrive. */
  arrived: boolean
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

export function ownRowWrite<T>(client: Record<string, any>, delegate: string, operation: string, args: Record<string, any>): Promise<T> {
  const sent = operation === 'upsert' ? { create: args.create, update: args.update } : { data: args.data }
  const write: PendingWrite = { key: `${delegate}.${operation}`, open: true, sent, arrived: false }
  return pending.run(write, () => {
    let promise: PromiseLike<T>
    try {
      promise = client[delegate][operation](args)
    } finally {
      write.open = false
    }
    // Started here, so that the query hooks run inside this write's context and the last one finds it.
    return startPrismaPromise(promise)
  })
}

/** True when an override is reached by prisma-spector's own row write of that model and operation. */
export function isOwnRowWrite(delegate: string, operation: string): boolean {
  const write = pending.getStore()
  return write?.open === true && write.key === `${delegate}.${operation}`
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
