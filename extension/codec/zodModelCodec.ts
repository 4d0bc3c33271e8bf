/**
 * A `ModelCodec` built from the zod schemas the generator emits for each evented model.
 */
import type { z } from 'zod'
import type { FieldErrors } from '../core/fieldErrors.ts'
import type { DecodeResult, JsonObject, ModelCodec } from '../core/payloadCodec.ts'

export function fieldErrorsFromZod(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {}
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : '_'
    ;(out[key] ??= []).push(issue.message)
  }
  return out
}

function result<T>(parsed: z.ZodSafeParseResult<T>): DecodeResult<T> {
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: fieldErrorsFromZod(parsed.error) }
}

export function zodModelCodec<State>(payloadSchema: z.ZodType<Record<string, unknown>>, stateSchema: z.ZodType<State>): ModelCodec<State> {
  return {
    decodeAttrs: (payload: JsonObject) => result(payloadSchema.safeParse(payload)),
    validateState: (candidate: Record<string, unknown>) => result(stateSchema.safeParse(candidate)),
  }
}
