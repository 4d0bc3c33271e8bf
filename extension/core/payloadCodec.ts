/**
 * Turns attrs into the JSON an event stores, and back.
 *
 * Encoding is generic (Date, bigint, Decimal and bytes become strings). Decoding needs to know the
 * model's field types, so it is done by a `ModelCodec` (the generator emits one, built on zod).
 * Live attrs are encoded and decoded before the changeset sees them, so a live command and a
 * replayed event always reach the changeset in the same shape.
 */
import type { FieldErrors } from './fieldErrors.ts'

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors }

export interface ModelCodec<State> {
  /** Payload JSON -> attrs with Prisma values for model fields; other keys are kept as they are. */
  decodeAttrs(payload: JsonObject): DecodeResult<Record<string, unknown>>
  /** A candidate state -> a validated state with every model field. */
  validateState(candidate: Record<string, unknown>): DecodeResult<State>
}

function isDecimalLike(value: object): value is { toFixed(): string; toString(): string } {
  // decimal.js instances (Prisma.Decimal) carry these; checking the shape keeps the core free of Prisma.
  const v = value as Record<string, unknown>
  return typeof v.toFixed === 'function' && typeof v.isFinite === 'function' && 'd' in v && 'e' in v && 's' in v
}

/** Attrs -> JSON. Undefined values are dropped, as Prisma treats them as "not given". */
export function encodePayload(attrs: Record<string, unknown>): JsonObject {
  return encodeValue(attrs) as JsonObject
}

function encodeValue(value: unknown): JsonValue | undefined {
  if (value === null) return null
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot store the number ${value} in an event`)
      return value
    case 'bigint':
      return value.toString()
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined
    case 'object':
      break
  }
  const object = value as object
  if (object instanceof Date) {
    if (Number.isNaN(object.getTime())) throw new TypeError('cannot store an invalid Date in an event')
    return object.toISOString()
  }
  if (object instanceof Uint8Array) return Buffer.from(object.buffer, object.byteOffset, object.byteLength).toString('base64')
  if (Array.isArray(object)) return object.map((item) => encodeValue(item) ?? null)
  if (isDecimalLike(object)) return object.toString()
  // Anything else that says how it is written as JSON (a class with toJSON()) is stored that way,
  // as JSON.stringify, and so Prisma's write of a Json column, takes it.
  const toJSON = (object as { toJSON?: unknown }).toJSON
  if (typeof toJSON === 'function') return encodeValue(toJSON.call(object))
  const out: JsonObject = {}
  for (const [key, item] of Object.entries(object)) {
    const encoded = encodeValue(item)
    if (encoded !== undefined) out[key] = encoded
  }
  return out
}
