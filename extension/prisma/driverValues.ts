/**
 * Values between a model's fields and a driver adapter's connection, for the writes prisma-spector
 * sends on the connection itself (directWrite.ts), shaped as Prisma shapes them:
 * - a parameter goes as Prisma's raw queries send it (a Decimal or BigInt as text, bytes as base64,
 *   JSON as text) with its `argType`, so the adapter stores it as it stores Prisma's own (a date in
 *   the SQLite adapter's `timestampFormat`, bytes as a blob); JSON as its text is the caller's;
 * - a column comes back as Prisma's data mapping reads it by the field's type (a DATETIME text or
 *   epoch number as a Date, a 0/1 as a boolean, a NUMERIC as a Decimal, a blob as a Uint8Array),
 *   so a result equals what Prisma's own write would return.
 */
import { Decimal } from '@prisma/client/runtime/client'
import type { FieldMetadata } from '../core/metadata.ts'

/** A parameter's type as Prisma's driver adapters take it (`ArgType` of @prisma/driver-adapter-utils). */
export interface DriverArgType {
  scalarType: 'string' | 'int' | 'bigint' | 'float' | 'decimal' | 'boolean' | 'enum' | 'uuid' | 'json' | 'datetime' | 'bytes' | 'unknown'
  arity: 'scalar'
}

const argTypes: Record<string, DriverArgType> = Object.fromEntries(
  (['string', 'int', 'bigint', 'float', 'decimal', 'boolean', 'enum', 'json', 'datetime', 'bytes', 'unknown'] as const).map((scalarType) => [
    scalarType,
    { scalarType, arity: 'scalar' },
  ]),
)

const scalarArgType: Record<string, DriverArgType> = {
  String: argTypes.string!,
  Int: argTypes.int!,
  BigInt: argTypes.bigint!,
  Float: argTypes.float!,
  Decimal: argTypes.decimal!,
  Boolean: argTypes.boolean!,
  DateTime: argTypes.datetime!,
  Json: argTypes.json!,
  Bytes: argTypes.bytes!,
}

/** The adapter's type of a field's parameter; undefined for a type this path does not send. */
export function fieldArgType(field: FieldMetadata): DriverArgType | undefined {
  if (field.isList) return undefined
  return field.kind === 'enum' ? argTypes.enum : scalarArgType[field.type]
}

/** The type of a parameter from its value (the event log's columns), as Prisma types a raw query's. */
export function valueArgType(value: unknown): DriverArgType {
  if (typeof value === 'string') return argTypes.string!
  if (typeof value === 'number') return Number.isInteger(value) ? argTypes.int! : argTypes.float!
  if (typeof value === 'bigint') return argTypes.bigint!
  if (typeof value === 'boolean') return argTypes.boolean!
  if (value instanceof Date) return argTypes.datetime!
  return argTypes.unknown!
}

/** A field's value as the parameter Prisma would send (JSON as its text, an enum as its stored name: the caller's). */
export function toDriverArg(field: FieldMetadata, value: unknown): unknown {
  if (value === null || value === undefined) return null
  switch (field.type) {
    case 'Decimal':
      return Decimal.isDecimal(value) ? (value as Decimal).toFixed() : String(value)
    case 'BigInt':
      return String(value)
    case 'Bytes':
      return Buffer.from(value as Uint8Array).toString('base64')
    default:
      return value
  }
}

/** Prisma's reading of a date column's text: a date alone is midnight UTC, a time alone is on 1970-01-01, no zone is UTC. */
function dateText(text: string): string {
  const time = /\d{2}:\d{2}:\d{2}(?:\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)?$/.exec(text)
  if (time === null) return `${text}T00:00:00Z`
  const [whole, zone, minutes] = time
  let full = text
  if (zone !== undefined && zone !== 'Z' && minutes === undefined) full = `${text}:00`
  else if (zone === undefined) full = `${text}Z`
  if (whole.length === text.length) return `1970-01-01T${full}`
  const separator = time.index - 1
  return full[separator] === ' ' ? `${full.slice(0, separator)}T${full.slice(separator + 1)}` : full
}

function bytesOf(value: unknown): Uint8Array {
  if (typeof value === 'string') return new Uint8Array(value.startsWith('\\x') ? Buffer.from(value.slice(2), 'hex') : Buffer.from(value, 'base64'))
  if (Array.isArray(value)) return new Uint8Array(value)
  const view = value as ArrayBufferView
  return new Uint8Array(Buffer.from(view.buffer, view.byteOffset, view.byteLength))
}

/** What the adapter read from a field's column, as Prisma's data mapping gives it (enum values still as stored). */
export function fromDriverValue(field: FieldMetadata, value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (field.kind === 'enum') return String(value)
  switch (field.type) {
    case 'Int':
      return Math.trunc(Number(value))
    case 'BigInt':
      return BigInt(value as string | number | bigint)
    case 'Float':
      return Number(value)
    case 'Decimal':
      return new Decimal(value as string | number)
    case 'Boolean':
      if (typeof value === 'boolean') return value
      if (typeof value === 'number' || typeof value === 'bigint') return Number(value) === 1
      if (typeof value === 'string') return value === 'true' || value === 'TRUE' || value === '1'
      return bytesOf(value).some((byte) => byte !== 0)
    case 'DateTime':
      return value instanceof Date ? new Date(value.getTime()) : new Date(typeof value === 'string' ? dateText(value) : (value as number))
    case 'Json':
      return JSON.parse(typeof value === 'string' ? value : JSON.stringify(value))
    case 'Bytes':
      return bytesOf(value)
    default:
      return typeof value === 'string' ? value : String(value)
  }
}
