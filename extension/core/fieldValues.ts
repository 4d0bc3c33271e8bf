/**
 * Field values as the database will hold them, so that an event and its row agree (issue 10 §1,
 * §4): a Decimal rounded to its column's scale (`'10.005'` in a `Decimal(18, 2)` is `'10.01'`) and
 * written as a string whatever it came as, a `Real` rounded to single precision, a `Timestamp(0)`
 * to whole seconds, a `Char(n)` padded; and what a column cannot hold refused with the field named
 * (an integer out of range, text longer than a `VarChar(n)`, too many digits for a Decimal, text
 * that is not valid Unicode) before anything is written, rather than changed by the database.
 *
 * `forEvent` shapes a command's attrs before they are stored; `forRow` shapes the state a
 * changeset computed (a balance it added up) the same way, live and in replay, so a row and a
 * replay agree however the changeset computes. The column of each field comes from the generator
 * (`FieldMetadata.native`), how the database narrows it from the dialect (`ColumnBehaviour`).
 */
import type { ColumnBehaviour } from './columnBehaviour.ts'
import { fitDecimal } from './decimalText.ts'
import { SpectorValidationError } from './errors.ts'
import type { FieldErrors } from './fieldErrors.ts'
import type { FieldMetadata, ModelMetadata } from './metadata.ts'
import { textProblem } from './textValidity.ts'

type Fit = { ok: true; value: unknown } | { ok: false; reason: string }
type Fitter = (value: unknown) => Fit

const largestFloat32 = 3.4028234663852886e38
const dayMs = 86_400_000
/** PostgreSQL counts time from 2000-01-01 and rounds fractional seconds away from it. */
const postgresEpochMs = Date.UTC(2000, 0, 1)

export class FieldValues {
  private readonly model: ModelMetadata
  private readonly columns: ColumnBehaviour
  /** Every field with something to check or change. */
  private readonly fitters = new Map<string, Fitter>()
  /** The fields whose values a column changes (not only checks): what replay reshapes. */
  private readonly reshaping: string[] = []

  constructor(model: ModelMetadata, columns: ColumnBehaviour) {
    this.model = model
    this.columns = columns
    for (const field of model.fields) {
      const fitter = this.fitterFor(field)
      if (!fitter) continue
      this.fitters.set(field.name, field.isList ? listFitter(fitter) : fitter)
      if (reshapes(field, columns)) this.reshaping.push(field.name)
    }
  }

  /** A command's attrs (defaults filled in), as its event will store them; throws naming each field a column cannot hold. */
  forEvent(action: string, attrs: Record<string, unknown>): Record<string, unknown> {
    const errors: FieldErrors = {}
    const out: Record<string, unknown> = { ...attrs }
    const rules = { refusesNul: this.columns.refusesNul, maxDepth: this.columns.jsonDepth }
    for (const [name, value] of Object.entries(attrs)) {
      const problem = textProblem(value, rules)
      if (problem) {
        errors[name] = [problem]
        continue
      }
      const fit = this.fitters.get(name)?.(value)
      if (!fit) continue
      if (fit.ok) out[name] = fit.value
      else errors[name] = [fit.reason]
    }
    if (Object.keys(errors).length) throw new SpectorValidationError(this.model.name, action, errors)
    return out
  }

  /**
   * The state as its row will hold it. `refuse`: a new command, whose state a column cannot hold
   * is a validation error; otherwise (replay) values are reshaped and nothing is refused.
   */
  forRow<S extends object>(state: S, action: string, refuse: boolean): S {
    const names = refuse ? this.fitters.keys() : this.reshaping
    let out: Record<string, unknown> | undefined
    const errors: FieldErrors = {}
    const source = state as Record<string, unknown>
    for (const name of names) {
      if (!(name in source)) continue
      const fit = this.fitters.get(name)!(source[name])
      if (!fit.ok) {
        if (refuse) errors[name] = [fit.reason]
        continue
      }
      if (fit.value !== source[name] && !sameValue(fit.value, source[name])) (out ??= { ...source })[name] = fit.value
    }
    if (Object.keys(errors).length) throw new SpectorValidationError(this.model.name, action, errors)
    return (out as S | undefined) ?? state
  }

  private fitterFor(field: FieldMetadata): Fitter | undefined {
    const native = field.native
    const columns = this.columns
    switch (field.type) {
      case 'Decimal':
        return (value) => fitDecimalValue(value, native?.decimal, columns.decimalAsDouble)
      case 'BigInt':
        return (value) => fitInteger(value, native?.integer, true)
      case 'Int':
        return (value) => fitInteger(value, native?.integer, false)
      case 'Float':
        return (value) => fitFloat(value, native?.float32 ? columns.float32 : undefined)
      case 'DateTime':
        return (value) => fitDate(value, native, columns.fractionalSeconds)
      case 'String':
        if (native?.uuid) return fitUuid
        return native && (native.maxLength !== undefined || native.maxBytes !== undefined) ? (value) => fitText(value, native, columns.char) : undefined
      default:
        return undefined
    }
  }
}

/** Whether a field's column changes values (rather than only refusing some). */
function reshapes(field: FieldMetadata, columns: ColumnBehaviour): boolean {
  const native = field.native
  if (field.type === 'Decimal') return native?.decimal !== undefined || columns.decimalAsDouble
  // Every Float: Prisma rounds one beyond 2^63 (asPrismaWritesFloat), whatever the column.
  if (field.type === 'Float') return true
  if (field.type === 'DateTime') return native !== undefined && (native.dateOnly === true || native.timeOnly === true || (native.fractionalSeconds ?? 3) < 3)
  if (field.type === 'String') return native?.padded === true || native?.uuid === true
  return false
}

function listFitter(fitter: Fitter): Fitter {
  return (value) => {
    if (!Array.isArray(value)) return fitter(value)
    const out: unknown[] = []
    for (const [index, item] of value.entries()) {
      const fit = fitter(item)
      if (!fit.ok) return { ok: false, reason: `item ${index}: ${fit.reason}` }
      out.push(fit.value)
    }
    return { ok: true, value: out }
  }
}

const keep = (value: unknown): Fit => ({ ok: true, value })
const refuse = (reason: string): Fit => ({ ok: false, reason })

/** Prisma's Decimal or any decimal.js-like object: it has `toFixed`. */
function isDecimalObject(value: unknown): value is { toFixed(): string; constructor: new (text: string) => unknown } {
  return value !== null && typeof value === 'object' && typeof (value as { toFixed?: unknown }).toFixed === 'function'
}

/** A Decimal field: canonical text (a string in the event, the same Decimal class in a state), rounded as the column rounds. */
function fitDecimalValue(value: unknown, column: { precision: number; scale: number } | undefined, asDouble: boolean): Fit {
  if (value === null || value === undefined) return keep(value)
  let text: string
  if (typeof value === 'string') text = value
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return refuse(`${value} is not a decimal number`)
    text = String(value)
  } else if (typeof value === 'bigint') text = value.toString()
  else if (isDecimalObject(value)) text = value.toFixed()
  else return keep(value) // not a decimal at all: the payload schema names it
  if (asDouble) {
    const double = Number(text)
    if (!Number.isFinite(double) || !fitDecimal(text).ok) return refuse(`expected a decimal number, got ${JSON.stringify(text.slice(0, 40))}`)
    // SQLite keeps a whole number as a 64-bit integer and anything else as a REAL; either is read back as a double.
    text = Number.isInteger(double) && Math.abs(double) < 2 ** 63 ? BigInt(double).toString() : String(double)
  }
  const fit = fitDecimal(text, column)
  if (!fit.ok) return fit
  return keep(isDecimalObject(value) ? new value.constructor(fit.text) : fit.text)
}

/** Int and BigInt: whole numbers within the column's range (a BigInt given as a number or a string is stored as a string). */
function fitInteger(value: unknown, range: { min: string; max: string } | undefined, big: boolean): Fit {
  let whole: bigint
  if (typeof value === 'bigint') whole = value
  else if (typeof value === 'number' && Number.isInteger(value)) whole = BigInt(value)
  else if (big && typeof value === 'string' && /^-?\d+$/.test(value)) whole = BigInt(value)
  else return keep(value) // null, or not a whole number: the payload schema names it
  if (range && (whole < BigInt(range.min) || whole > BigInt(range.max))) return refuse(`${whole} is out of range (${range.min} to ${range.max})`)
  return keep(big && typeof value !== 'bigint' ? whole.toString() : value)
}

/** Float: finite (JSON has no NaN or Infinity), and a 32-bit float rounded as the database reads it back. */
function fitFloat(input: unknown, float32: ColumnBehaviour['float32'] | undefined): Fit {
  if (typeof input !== 'number') return keep(input)
  if (!Number.isFinite(input)) return refuse(`${input} cannot be stored (not a finite number)`)
  const value = asPrismaWritesFloat(input)
  if (!Number.isFinite(value)) return refuse(`${input} cannot be stored (Prisma writes it as ${value})`)
  if (!float32) return keep(value)
  const single = Math.fround(value)
  if (Math.abs(value) > largestFloat32 || (single === 0 && value !== 0)) return refuse(`${value} is out of range for a 32-bit float`)
  return keep(float32 === 'widened' ? single : shortestFloat32(single))
}

/**
 * A Float as Prisma's own write sends it: beyond the 64-bit integer range (|v| > 2^63) with 16
 * significant digits (`1.2345678901234567e21` is stored as `1.234567890123457e21`; the largest
 * double rounds up past it). Verified against Prisma 7.10 on all three databases
 * (test/payloadTypes.int.test.ts); the event holds what the row will.
 */
function asPrismaWritesFloat(value: number): number {
  return Math.abs(value) > 2 ** 63 ? Number(value.toPrecision(16)) : value
}

/** The shortest decimal that rounds to the same 32-bit float (what PostgreSQL prints for a `real`). */
function shortestFloat32(single: number): number {
  for (let digits = 1; digits < 17; digits++) {
    const candidate = Number(single.toPrecision(digits))
    if (Math.fround(candidate) === single) return candidate
  }
  return single
}

type NativeTime = Pick<NonNullable<FieldMetadata['native']>, 'fractionalSeconds' | 'dateOnly' | 'timeOnly'>

/** DateTime: a valid date (Prisma also takes ISO strings), cut to what the column keeps. */
function fitDate(value: unknown, native: NativeTime | undefined, mode: ColumnBehaviour['fractionalSeconds']): Fit {
  if (value === null || value === undefined) return keep(value)
  const given = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined
  if (!given) return keep(value) // not a date: the payload schema names it
  let ms = given.getTime()
  if (Number.isNaN(ms)) return refuse(`${typeof value === 'string' ? JSON.stringify(value) : 'an invalid Date'} is not a valid date`)
  if (native?.dateOnly) ms -= mod(ms, dayMs)
  else {
    // A time of day is read back on 1970-01-01; Prisma writes only the time, so rounding past 23:59:59 wraps.
    if (native?.timeOnly) ms = mod(ms, dayMs)
    const digits = native?.fractionalSeconds ?? 3
    if (digits < 3) {
      const unit = 10 ** (3 - digits)
      const epoch = native?.timeOnly ? 0 : postgresEpochMs
      ms = mode === 'truncate' ? ms - mod(ms, unit) : epoch + roundHalfAwayFromZero(ms - epoch, unit)
    }
    if (native?.timeOnly) ms = mod(ms, dayMs)
  }
  return keep(ms === given.getTime() && value instanceof Date ? value : new Date(ms))
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b
}

function roundHalfAwayFromZero(value: number, unit: number): number {
  const rounded = Math.round(Math.abs(value) / unit) * unit
  return value < 0 ? -rounded : rounded
}

/**
 * A `Uuid` column's value as the database reads it back: PostgreSQL takes 32 hex digits in either
 * case, hyphens after any group of four, in braces or not, and gives them back lowercase in the
 * 8-4-4-4-12 form. Anything else is refused here, naming the field, instead of by the database.
 */
function fitUuid(value: unknown): Fit {
  if (typeof value !== 'string') return keep(value)
  const bare = /^\{(.*)\}$/.exec(value)?.[1] ?? value
  if (!/^[0-9a-f]{4}(?:-?[0-9a-f]{4}){7}$/i.test(bare)) return refuse('is not a UUID (the column is a Uuid)')
  const hex = bare.replaceAll('-', '').toLowerCase()
  return keep(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`)
}

/** String with a length: refused when too long (not cut), a `Char(n)` padded or trimmed as the database reads it back. */
function fitText(value: unknown, native: NonNullable<FieldMetadata['native']>, char: ColumnBehaviour['char']): Fit {
  if (typeof value !== 'string') return keep(value)
  const characters = [...value].length
  if (native.maxLength !== undefined && characters > native.maxLength) {
    return refuse(`is ${characters} characters long; the column (${native.type}(${native.maxLength})) holds at most ${native.maxLength}`)
  }
  if (native.maxBytes !== undefined) {
    const bytes = Buffer.byteLength(value, 'utf8')
    if (bytes > native.maxBytes) return refuse(`is ${bytes} bytes long in UTF-8; the column (${native.type}) holds at most ${native.maxBytes}`)
  }
  if (!native.padded) return keep(value)
  return keep(char === 'trim' ? value.replace(/ +$/, '') : value + ' '.repeat((native.maxLength ?? 1) - characters))
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  if (isDecimalObject(a) && isDecimalObject(b)) return a.toFixed() === b.toFixed()
  return false
}
