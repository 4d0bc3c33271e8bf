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
 * - Inside a model method, `Prisma.getExtensionContext(this).$parent` is the client the method was
 *   called on minus its last extension only (a transaction client when called on one), so a model
 *   override reached through `$parent` re-enters itself when other extensions are chained after.
 * - A transaction client is the only client without `$connect` (it is on Prisma's deny list for
 *   transaction clients), which is how "inside the caller's transaction" is told apart.
 * - A driver adapter's error carries the database's own code in `meta.driverAdapterError.cause`
 *   (`originalCode`, `kind`), which is how a deadlock or serialization failure is recognised, and
 *   the database's own message (`originalMessage`), which is how an error raised by one of
 *   prisma-spector's triggers is recognised whatever Prisma made of it (on SQLite a trigger's
 *   `RAISE(ABORT)` reads as P2003 "Foreign key constraint violated").
 */
import { Prisma } from '@prisma/client/extension'

/** The `Symbol.toStringTag` Prisma's batch `$transaction([...])` accepts as a query. */
export const prismaPromiseTag = 'PrismaPromise'

/** Starts a PrismaPromise now, in the current async context (its query hooks run in it). */
export function startPrismaPromise<T>(promise: PromiseLike<T>): Promise<T> {
  return promise.then((value) => value) as Promise<T>
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
