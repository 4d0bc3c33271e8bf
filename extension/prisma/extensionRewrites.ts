/**
 * Query extensions chained before prisma-spector that rewrite a write's data (trim or upper-case a
 * field, add a default, set a tenant id) must change the event as much as the row: whatever Prisma
 * writes to the row is what the event holds.
 *
 * The design: the row write reaches the database through those extensions, and prisma-spector's
 * own query hook, the last one before the database, sees the data as it arrives (ownRowWrite.ts).
 * When a field was rewritten, that write is stopped before any SQL, the command's transaction (or
 * savepoint, inside a caller's transaction) is rolled back, and the command runs again from the
 * caller's arguments with the rewritten values in them, so that the changeset, the event and the
 * row all hold what the extension wanted. A rewrite that does not settle (the extension changes
 * the value again, or the changeset undoes it) is refused with a SpectorUnsupportedWriteError
 * naming the field, and nothing is written.
 */
import { SpectorUnsupportedWriteError } from '../core/errors.ts'
import { comparableValue } from './comparableValue.ts'
import { RowWriteRewritten, type FieldRewrite } from './ownRowWrite.ts'

/** Where a command's caller gave the data that a row write of `rowOperation` was made from. */
export type CallerData = (rowOperation: string) => Record<string, unknown>[]

/**
 * Runs a command; when an extension rewrote its row write, runs it again with the rewritten values
 * in the caller's data (`callerData` names the objects of a copy of the arguments to put them in).
 */
export async function runWithExtensionRewrites<A, T>(
  model: string,
  operation: string,
  args: A,
  callerData: ((args: A) => CallerData) | null,
  run: (args: A) => Promise<T>,
): Promise<T> {
  let current = args
  // Each field of each data object is taken in once: rewritten again, the extension does not settle.
  const settled = new Set<string>()
  for (;;) {
    try {
      return await run(current)
    } catch (error) {
      if (!(error instanceof RowWriteRewritten)) throw error
      const next = callerData ? rewrittenArgs(current, callerData, error, settled) : null
      if (next === null) throw unsettled(model, operation, error.rewrites[0]!)
      current = next
    }
  }
}

/** A copy of the arguments with each rewritten value where the caller gave (or left out) the value sent; null when none applies. */
function rewrittenArgs<A>(args: A, callerData: (args: A) => CallerData, error: RowWriteRewritten, settled: Set<string>): A | null {
  const copy = structuredCloneArgs(args)
  const targets = callerData(copy)(error.operation)
  for (const rewrite of error.rewrites) {
    if (rewrite.arrived === undefined) return null
    let taken = false
    targets.forEach((data, index) => {
      const given = data[rewrite.field]
      if (given !== undefined && comparableValue(given) !== comparableValue(rewrite.sent)) return
      const key = `${error.operation}:${index}:${rewrite.field}`
      if (settled.has(key)) return
      settled.add(key)
      data[rewrite.field] = rewrite.arrived
      taken = true
    })
    if (!taken) return null
  }
  return copy
}

/** A shallow copy of the arguments down to the data objects (values themselves are not copied). */
function structuredCloneArgs<A>(args: A): A {
  const copy = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(copy)
      : value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]))
        : value
  return copy(args) as A
}

function unsettled(model: string, operation: string, rewrite: FieldRewrite): SpectorUnsupportedWriteError {
  const show = (value: unknown) => (value === undefined ? 'nothing' : comparableValue(value).replaceAll('\u0000', ''))
  return new SpectorUnsupportedWriteError(
    model,
    operation,
    `a query extension chained before prisma-spector changes ${model}.${rewrite.field} on the row write (sent ${show(rewrite.sent)}, ` +
      `arrived ${show(rewrite.arrived)}) and the command cannot take that value in: the event would not say what the row holds. ` +
      'Nothing was written. Make the extension give the same value when it sees its own result, or make that change in the changeset.',
    `${model}.${rewrite.field}`,
  )
}
