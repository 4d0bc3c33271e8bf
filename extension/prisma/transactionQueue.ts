/**
 * Evented commands called concurrently on one transaction client (`Promise.all([tx.a.execute(...),
 * tx.b.update(...)])`) take turns: each runs in a nested `$transaction` (a SAVEPOINT), and Prisma
 * refuses a second nested transaction while one is open at the same level ("Concurrent nested
 * transactions are not supported"). Plain Prisma queries on a transaction client may be issued
 * concurrently, so evented commands queue instead of failing.
 */

const tails = new Map<unknown, Promise<void>>()

/** Runs `run` after every command queued before it under `key` has settled. */
export function inTurn<R>(key: unknown, run: () => Promise<R>): Promise<R> {
  const previous = tails.get(key) ?? Promise.resolve()
  const result = previous.then(run)
  const tail = result.then(
    () => {},
    () => {},
  )
  tails.set(key, tail)
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key)
  })
  return result
}
