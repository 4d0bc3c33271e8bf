/**
 * A `ModelCodec` built from the zod schemas the generator emits for each evented model.
 * The schemas come from the application's zod (`zod/v4`, which zod 3.25+ and 4 both ship), so this
 * file relies only on the shape of `safeParse` and never imports zod: any of those versions fits.
 */
import type { FieldErrors } from '../core/fieldErrors.ts'
import type { DecodeResult, JsonObject, ModelCodec } from '../core/payloadCodec.ts'

/** What a zod error carries that the codec reads. */
export interface ZodLikeError {
  issues: readonly { path: readonly PropertyKey[]; message: string }[]
}

/** A zod schema, as far as the codec uses it. */
export interface ZodLikeSchema<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: ZodLikeError }
}

export function fieldErrorsFromZod(error: ZodLikeError): FieldErrors {
  const out: FieldErrors = {}
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : '_'
    ;(out[key] ??= []).push(issue.message)
  }
  return out
}

function result<T>(parsed: ReturnType<ZodLikeSchema<T>['safeParse']>): DecodeResult<T> {
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: fieldErrorsFromZod(parsed.error) }
}

export function zodModelCodec<State>(payloadSchema: ZodLikeSchema<Record<string, unknown>>, stateSchema: ZodLikeSchema<State>): ModelCodec<State> {
  return {
    decodeAttrs: (payload: JsonObject) => result(payloadSchema.safeParse(payload)),
    validateState: (candidate: Record<string, unknown>) => result(stateSchema.safeParse(candidate)),
  }
}
