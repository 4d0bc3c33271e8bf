/**
 * prisma-spector's own row writes, told apart from the user's.
 *
 * The write path overrides `create`/`update`/`delete` and writes the row through the `$parent` of
 * the client it was called on. `$parent` is that client minus its last extension only, so with
 * other extensions chained after prisma-spector the row write reaches the overrides again, once
 * per extension layer, each call made synchronously by the one above it. The write is therefore
 * started inside an async context that names it and stays open only while that synchronous
 * descent runs: every override reached on the way passes the call straight down, and nothing
 * that runs later (a query hook, user code) can pass for it. Arguments are not marked: Prisma's
 * extension layers may copy them.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

interface PendingWrite {
  key: string
  open: boolean
}

const pending = new AsyncLocalStorage<PendingWrite>()

export function ownRowWrite<T>(client: Record<string, any>, delegate: string, operation: string, args: object): Promise<T> {
  const write: PendingWrite = { key: `${delegate}.${operation}`, open: true }
  try {
    return pending.run(write, () => client[delegate][operation](args))
  } finally {
    write.open = false
  }
}

/** True when an override is reached by prisma-spector's own row write of that model and operation. */
export function isOwnRowWrite(delegate: string, operation: string): boolean {
  const write = pending.getStore()
  return write !== undefined && write.open && write.key === `${delegate}.${operation}`
}
