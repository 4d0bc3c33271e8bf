/**
 * Ends a transaction whose COMMIT the database refused, before the connection is handed back.
 *
 * Prisma's transaction manager sends COMMIT as a statement (for adapters that do not send it
 * themselves) and, when it fails, only calls the transaction's `rollback()`, which on SQLite's
 * adapter releases the adapter's lock without a ROLLBACK. A COMMIT SQLite refuses as busy (a
 * reader of another connection, in the rollback journal) leaves its transaction open: the next
 * transaction's BEGIN then fails, the adapter keeps its lock for good, and every later write of the
 * client waits forever or lands in a transaction that never commits. With the connection wrapped
 * here, a refused COMMIT is followed by a ROLLBACK while the transaction still holds the
 * connection. (Where the database ended the transaction itself, as PostgreSQL does, the ROLLBACK
 * finds none and is ignored.)
 */

import { bareStatement, type DriverQuery, type DriverTransaction } from './driverConnection.ts'

type Method = (...args: any[]) => any

/** `target` with its methods bound to it (adapters keep private fields) and `overrides` in place of some. */
function withOverrides<T extends object>(target: T, overrides: Record<string, Method>): T {
  const bound = new Map<PropertyKey, Method>()
  return new Proxy(target, {
    get(object, property) {
      if (typeof property === 'string' && Object.hasOwn(overrides, property)) return overrides[property]
      const value: unknown = Reflect.get(object, property, object)
      if (typeof value !== 'function') return value
      let method = bound.get(property)
      if (!method) bound.set(property, (method = (value as Method).bind(object)))
      return method
    },
  })
}

const isCommit = (sql: string) => /^\s*COMMIT\b/i.test(sql)
const isRollback = (sql: string) => /^\s*ROLLBACK\s*$/i.test(sql)

/** The adapter's connection, its transactions ending a refused COMMIT with a ROLLBACK; `onDispose` runs when Prisma disposes of it. */
export function endingFailedCommits<A extends object>(adapter: A, onDispose: () => void): A {
  const start = (adapter as { startTransaction?: Method }).startTransaction
  const dispose = (adapter as { dispose?: Method }).dispose
  if (typeof start !== 'function' || typeof dispose !== 'function') return adapter
  return withOverrides(adapter, {
    dispose: (...args: unknown[]) => {
      onDispose()
      return dispose.apply(adapter, args)
    },
    startTransaction: async (...args: unknown[]) => {
      const tx = (await start.apply(adapter, args)) as DriverTransaction
      // An adapter that sends COMMIT and ROLLBACK itself ends its transactions itself.
      if (tx.options?.usePhantomQuery === true) return tx
      let commitRefused = false
      return withOverrides(tx, {
        executeRaw: async (query: DriverQuery) => {
          try {
            const count = await tx.executeRaw(query)
            // Whoever drives the transaction ended it already (a direct write does).
            if (isRollback(query.sql)) commitRefused = false
            return count
          } catch (error) {
            if (isCommit(query.sql)) commitRefused = true
            throw error
          }
        },
        rollback: async () => {
          if (commitRefused) {
            commitRefused = false
            await tx.executeRaw(bareStatement('ROLLBACK')).catch(() => {})
          }
          return tx.rollback()
        },
      })
    },
  })
}
