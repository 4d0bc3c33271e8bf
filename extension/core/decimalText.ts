/**
 * Decimal numbers as text, exactly: what a `numeric(p, s)` column does to a value (round to `s`
 * places, half away from zero, as PostgreSQL and MySQL/MariaDB do; refuse more than `p - s` digits
 * before the point), done on the digits themselves so that the core needs neither Prisma's Decimal
 * class nor floating point. Results are plain notation without exponent or trailing zeros
 * (`'10.005'` at scale 2 is `'10.01'`, `'1.50'` is `'1.5'`, `'1e3'` is `'1000'`).
 */

/** A decimal as sign, digits and the power of ten of its last digit: `-1.25` is { negative, digits: '125', exponent: -2 }. */
interface DecimalParts {
  negative: boolean
  /** Without leading zeros; '' for zero. */
  digits: string
  exponent: number
}

/** More digits before or after the point than any database's decimal column keeps. */
const maxDigits = 1000

const decimalSyntax = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/

/** Parses `'-12.5e-3'`-style text (what Prisma's Decimal and the databases accept); undefined when it is not one. */
function parse(text: string): DecimalParts | undefined {
  const match = decimalSyntax.exec(text)
  if (!match) return undefined
  const [, sign, whole = '', fraction = '', power = '0'] = match
  if (whole === '' && fraction === '') return undefined
  const exponent = Number(power) - fraction.length
  if (!Number.isSafeInteger(exponent)) return undefined
  const digits = (whole + fraction).replace(/^0+/, '')
  return normalized({ negative: sign === '-' && digits !== '', digits, exponent })
}

/** Drops trailing zeros into the exponent; zero has no sign. */
function normalized(parts: DecimalParts): DecimalParts {
  const trimmed = parts.digits.replace(/0+$/, '')
  if (trimmed === '') return { negative: false, digits: '', exponent: 0 }
  return { negative: parts.negative, digits: trimmed, exponent: parts.exponent + (parts.digits.length - trimmed.length) }
}

function format(parts: DecimalParts): string {
  const { negative, digits, exponent } = parts
  if (digits === '') return '0'
  const sign = negative ? '-' : ''
  if (exponent >= 0) return sign + digits + '0'.repeat(exponent)
  const point = digits.length + exponent
  return point > 0 ? `${sign}${digits.slice(0, point)}.${digits.slice(point)}` : `${sign}0.${'0'.repeat(-point)}${digits}`
}

/** Rounds to `scale` digits after the point, half away from zero. */
function roundToScale(parts: DecimalParts, scale: number): DecimalParts {
  const drop = -scale - parts.exponent
  if (drop <= 0) return parts
  if (drop > parts.digits.length) return { negative: false, digits: '', exponent: 0 }
  const kept = parts.digits.slice(0, parts.digits.length - drop)
  const roundUp = parts.digits[parts.digits.length - drop]! >= '5'
  const digits = roundUp ? (BigInt(kept || '0') + 1n).toString() : kept
  return normalized({ negative: parts.negative, digits: digits === '0' ? '' : digits, exponent: -scale })
}

/** How many digits the value has before the point (0 for |value| < 1). */
function integerDigits(parts: DecimalParts): number {
  return parts.digits === '' ? 0 : Math.max(0, parts.digits.length + parts.exponent)
}

export type DecimalFit = { ok: true; text: string } | { ok: false; reason: string }

/**
 * The text of a decimal value: canonical, and, given a column's `precision` and `scale`, rounded to
 * the scale and checked against the precision.
 */
export function fitDecimal(text: string, column?: { precision: number; scale: number }): DecimalFit {
  const parsed = parse(text)
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text)
  if (!parsed) return { ok: false, reason: `expected a decimal number, got ${shown}` }
  const parts = column ? roundToScale(parsed, column.scale) : parsed
  if (column && integerDigits(parts) > column.precision - column.scale) {
    return {
      ok: false,
      reason: `${shown} does not fit Decimal(${column.precision}, ${column.scale}) (at most ${column.precision - column.scale} digits before the point)`,
    }
  }
  // Written out, 1e999999 would be a million digits: no column keeps that many.
  if (parts.digits !== '' && Math.max(integerDigits(parts), -parts.exponent) > maxDigits)
    return { ok: false, reason: `${shown} has more digits than a decimal column keeps` }
  return { ok: true, text: format(parts) }
}
