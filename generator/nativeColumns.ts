/**
 * The database column behind each field of an evented model (`FieldMetadata.native`), so that the
 * runtime can make an event hold what the database holds: `@db.Decimal(18, 2)` rounds to cents,
 * `@db.VarChar(20)` refuses longer text, `@db.Timestamp(0)` drops milliseconds, `@db.Real` is a
 * 32-bit float, `@db.SmallInt` a 16-bit integer. Without a `@db.*` attribute the provider's default
 * column type applies (on MySQL a String is a varchar(191)). SQLite columns keep what Prisma passes.
 * What differs between databases is each dialect's `nativeColumnTypes`.
 */
import type { DMMF } from '@prisma/generator-helper'
import type { ModelMetadata, NativeColumn } from '../extension/core/metadata.ts'
import { findDialect } from '../extension/dialects/dialectFor.ts'
import type { NativeColumnTypes } from '../extension/dialects/nativeColumnTypes.ts'

const range = (min: bigint, max: bigint) => ({ min: String(min), max: String(max) })
const signed = (bits: number) => range(-(2n ** BigInt(bits - 1)), 2n ** BigInt(bits - 1) - 1n)
const unsigned = (bits: number) => range(0n, 2n ** BigInt(bits) - 1n)

/** Integer column types and their ranges (PostgreSQL and MySQL names). */
const integerRanges: Record<string, { min: string; max: string }> = {
  TinyInt: signed(8),
  UnsignedTinyInt: unsigned(8),
  SmallInt: signed(16),
  UnsignedSmallInt: unsigned(16),
  MediumInt: signed(24),
  UnsignedMediumInt: unsigned(24),
  Int: signed(32),
  Integer: signed(32),
  UnsignedInt: unsigned(32),
  Oid: unsigned(32),
  BigInt: signed(64),
  UnsignedBigInt: unsigned(64),
  Year: range(1901n, 2155n),
}

const timeTypes = new Set(['Timestamp', 'Timestamptz', 'Time', 'Timetz', 'DateTime'])

/** The metadata of `models` with `native` set on each field whose column narrows its values. */
export function withNativeColumns(models: readonly ModelMetadata[], datamodel: DMMF.Datamodel, provider: string): ModelMetadata[] {
  const types = findDialect(provider)?.nativeColumnTypes
  if (!types) return [...models]
  return models.map((model) => {
    const dmmf = datamodel.models.find((m) => m.name === model.name)
    return {
      ...model,
      fields: model.fields.map((field) => {
        const source = dmmf?.fields.find((f) => f.name === field.name)
        const native = source ? nativeColumn(source, types) : undefined
        return native ? { ...field, native } : field
      }),
    }
  })
}

/** The column of one field, or undefined when it holds every value of the Prisma type (Boolean, Json, enums...). */
export function nativeColumn(field: DMMF.Field, types: NativeColumnTypes): NativeColumn | undefined {
  if (field.kind !== 'scalar') return undefined
  const declared = field.nativeType ?? undefined
  const fallback = types.defaults[field.type as string]
  if (!declared && !fallback) return undefined
  const type = declared ? declared[0] : fallback![0]
  const args = declared ? declared[1].map(Number) : [...fallback![1]]
  return { type, args, declared: Boolean(declared), ...limits(type, args, types) }
}

/** What a column type narrows, given its arguments (and the database's defaults for omitted ones). */
function limits(type: string, args: readonly number[], types: NativeColumnTypes): Partial<NativeColumn> {
  if (type === 'Decimal' || type === 'Numeric') {
    // PostgreSQL's bare numeric keeps any value; MySQL's bare DECIMAL is DECIMAL(10, 0).
    const [precision, scale] = args.length ? [args[0]!, args[1] ?? 0] : (types.bareDecimal ?? [])
    return precision === undefined ? {} : { decimal: { precision, scale: scale! } }
  }
  if (type === 'Money') return { decimal: { precision: 19, scale: 2 } }
  if (type === 'VarChar' || type === 'NVarChar') return args.length ? { maxLength: args[0]! } : {}
  if (type === 'Char' || type === 'NChar') return { maxLength: args[0] ?? 1, padded: true }
  if (type === 'Uuid') return { uuid: true }
  if (types.textBytes[type] !== undefined) return { maxBytes: types.textBytes[type] }
  if (integerRanges[type]) return { integer: integerRanges[type] }
  if (types.float32.includes(type)) return { float32: true }
  if (type === 'Date') return { dateOnly: true }
  if (timeTypes.has(type)) {
    const fractionalSeconds = args[0] ?? types.defaultFractionalSeconds
    return { fractionalSeconds, ...(type === 'Time' || type === 'Timetz' ? { timeOnly: true } : {}) }
  }
  return {}
}
