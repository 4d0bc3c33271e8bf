/**
 * Every place prisma-spector relies on Prisma behaviour that is not public API, in one file.
 *
 * - A driver adapter's error carries the database's own message in
 *   `meta.driverAdapterError.cause.originalMessage`: how an error raised by one of prisma-spector's
 *   triggers is recognised, whatever Prisma made of it (on SQLite a trigger's `RAISE(ABORT)` reads
 *   as P2003 "Foreign key constraint violated").
 */

/** The database's own message of a driver error, when Prisma passed it on. */
export function driverErrorMessage(error: unknown): string | undefined {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { originalMessage?: unknown } } } })?.meta?.driverAdapterError?.cause
  return typeof cause?.originalMessage === 'string' ? cause.originalMessage : undefined
}
