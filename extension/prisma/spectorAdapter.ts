/**
 * `spectorAdapter(adapter)`: the driver adapter a PrismaClient is made with, passed through
 * unchanged but for one thing: prisma-spector learns the connection Prisma opens with it, and may
 * then write an evented create (and a command on a record it knows) as one transaction of its own
 * statements on that connection (directWrite.ts), where Prisma's interactive transaction costs a
 * round of its own work per statement. On SQLite and MariaDB/MySQL that is what puts a create near a
 * plain Prisma create; on PostgreSQL the same writes are one statement without it.
 *
 *     const prisma = new PrismaClient({ adapter: spectorAdapter(new PrismaBetterSqlite3({ url })) }).$extends(spector())
 *
 * Hand each PrismaClient a factory of its own: where one factory has two connections open (two
 * clients), neither client can tell its own, and Prisma writes as without the wrapper.
 *
 * Prisma keeps every query of its own on the adapter as before: the wrapper remembers what
 * `connect()` returned, and ends a transaction whose COMMIT the database refused with a ROLLBACK
 * before the connection is handed back, which Prisma does not (failedCommitGuard.ts). The
 * connection is shared, so prisma-spector's transaction takes its turn with Prisma's the way
 * Prisma's own do (the adapter's lock on SQLite, a pooled connection on MariaDB).
 */

import { endingFailedCommits } from './failedCommitGuard.ts'

/** What Prisma 7 takes as `new PrismaClient({ adapter })`: a factory that opens the connection. */
export interface DriverAdapterFactory {
  readonly provider: string
  readonly adapterName: string
  connect(): Promise<unknown>
}

/** The connections a wrapped factory has open (Prisma disposes of one on `$disconnect`), by factory. */
const connections = new WeakMap<object, Set<unknown>>()

/** Wraps a driver adapter (factory) so that prisma-spector may write on the connection Prisma opens with it. */
export function spectorAdapter<F extends DriverAdapterFactory>(factory: F): F {
  const open = new Set<unknown>()
  const wrapped = new Proxy(factory, {
    get(target, property) {
      if (property === 'connect') {
        return async () => {
          // Prisma's transactions on it end a refused COMMIT with a ROLLBACK (failedCommitGuard.ts).
          const adapter: object = endingFailedCommits((await target.connect()) as object, () => open.delete(adapter))
          open.add(adapter)
          return adapter
        }
      }
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  connections.set(wrapped, open)
  return wrapped
}

/** Whether a factory came from `spectorAdapter`. */
export function isSpectorAdapter(factory: unknown): boolean {
  return !!factory && typeof factory === 'object' && connections.has(factory)
}

/**
 * The connections Prisma has open from a factory made with `spectorAdapter` (none for any other
 * factory, or before it connected). A factory handed to two clients has two, and neither client
 * can tell which is its own: prisma-spector writes directly only where there is one.
 */
export function connectionsOf(factory: unknown): ReadonlySet<unknown> {
  return (factory && typeof factory === 'object' ? connections.get(factory) : undefined) ?? noConnections
}

const noConnections: ReadonlySet<unknown> = new Set()
