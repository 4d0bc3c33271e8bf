/**
 * Who and why, without threading it through every call: a scope opened with
 * `prisma.$spector.withContext({ actor, reason, requestId }, fn)` (AsyncLocalStorage, so it follows
 * `await` and callbacks, and concurrent requests never see each other's), and/or the extension's
 * `context` option, a function read at each write (e.g. from a web framework's own request store).
 * Every event written in the scope carries the merged context in `metadata`, before the
 * changeset's `prepareEvent`, which sees it and may extend it. A `metadataSchema` (zod) checks it.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { SpectorValidationError } from '../core/errors.ts'
import type { JsonObject } from '../core/payloadCodec.ts'

/** What a scope says about its writes: any JSON object (`actor`, `reason`, `requestId`...). */
export type SpectorContext = JsonObject

/** A zod schema (or anything with zod's `safeParse`) for the metadata. */
export interface MetadataSchema<T = unknown> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } }
}

export interface ContextOptions<Meta = unknown> {
  /** The context of the current request, read at each write; a `withContext` scope overrides its keys. */
  context?: () => SpectorContext | null | undefined
  /** Checks the context (and so the metadata every event starts with); a bad one is a `SpectorValidationError`. */
  metadataSchema?: MetadataSchema<Meta>
}

const scopes = new AsyncLocalStorage<SpectorContext>()

/** Runs `fn` with `context` merged over the enclosing scope's; every event it writes carries the result. */
export function runWithContext<R>(context: SpectorContext, fn: () => R, options: ContextOptions = {}): R {
  if (!context || typeof context !== 'object' || Array.isArray(context)) {
    throw new SpectorValidationError('(context)', 'withContext', {
      context: [`must be a JSON object, got ${Array.isArray(context) ? 'an array' : String(context)}`],
    })
  }
  const merged = { ...scopes.getStore(), ...context }
  if (options.metadataSchema && !options.context) check(merged, options.metadataSchema)
  return scopes.run(merged, fn)
}

/** The context a write made now carries: the `context` option's, overridden by the scope's; null when neither says anything. */
export function currentContext(options: ContextOptions): SpectorContext | null {
  const scope = scopes.getStore()
  const given = options.context?.()
  if (!scope && !given) return null
  const merged = { ...given, ...scope }
  if (options.metadataSchema) check(merged, options.metadataSchema)
  return merged
}

function check(context: SpectorContext, schema: MetadataSchema): void {
  const result = schema.safeParse(context)
  if (result.success) return
  const errors: Record<string, string[]> = {}
  for (const issue of result.error.issues) (errors[issue.path.map(String).join('.') || '(context)'] ??= []).push(issue.message)
  throw new SpectorValidationError('(context)', 'withContext', errors)
}
