/**
 * Prisma's atomic update operators (`{ increment: 1 }`, `set`, `push`, ...) resolved against the
 * replayed state, so the event records the value the field ends up with and replay reproduces it
 * without knowing the operator. Integer `divide` follows the database: PostgreSQL and SQLite
 * truncate (33 / 2 = 16), MySQL/MariaDB round half away from zero (17), as Prisma's own update does.
 */
import type { ColumnBehaviour } from './columnBehaviour.ts'
import { SpectorValidationError } from './errors.ts'
import type { FieldMetadata, ModelMetadata } from './metadata.ts'

type Arithmetic = 'increment' | 'decrement' | 'multiply' | 'divide'
type IntegerDivision = ColumnBehaviour['integerDivision']
const arithmetic: readonly Arithmetic[] = ['increment', 'decrement', 'multiply', 'divide']

interface DecimalClass {
  new (value: unknown): DecimalLike
  clone(config: { precision: number }): DecimalClass
}

interface DecimalLike {
  plus(x: unknown): DecimalLike
  minus(x: unknown): DecimalLike
  times(x: unknown): DecimalLike
  div(x: unknown): DecimalLike
}

function isOperatorObject(field: FieldMetadata, value: unknown): value is Record<string, unknown> {
  if (field.type === 'Json' && !field.isList) return false
  if (value === null || typeof value !== 'object') return false
  if (value instanceof Date || value instanceof Uint8Array || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * Returns `data` with every operator object replaced by the value it produces on `state`.
 * Unknown operators and operators on the wrong type are validation errors naming the field.
 */
export function resolveUpdateOperators(
  model: ModelMetadata,
  state: Record<string, unknown>,
  data: Record<string, unknown>,
  action = 'update',
  integerDivision: IntegerDivision = 'truncate',
): Record<string, unknown> {
  const fields = new Map(model.fields.map((f) => [f.name, f]))
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(data)) {
    const field = fields.get(name)
    if (!field || !isOperatorObject(field, value)) {
      out[name] = value
      continue
    }
    const ops = Object.keys(value)
    if (ops.length !== 1) {
      throw new SpectorValidationError(model.name, action, { [name]: [`expected exactly one operator, got ${ops.join(', ') || 'none'}`] })
    }
    const op = ops[0]!
    const operand = value[op]
    const current = state[name]
    const reject = (message: string) => new SpectorValidationError(model.name, action, { [name]: [message] })
    if (op === 'set') {
      out[name] = operand
    } else if (op === 'push') {
      if (!field.isList) throw reject('push works on list fields only')
      const items = Array.isArray(operand) ? operand : [operand]
      out[name] = [...((current as unknown[] | null) ?? []), ...items]
    } else if ((arithmetic as readonly string[]).includes(op)) {
      out[name] = applyArithmetic(field, op as Arithmetic, current, operand, reject, integerDivision)
    } else {
      throw reject(`unknown update operator "${op}"`)
    }
  }
  return out
}

function applyArithmetic(
  field: FieldMetadata,
  op: Arithmetic,
  current: unknown,
  operand: unknown,
  reject: (message: string) => Error,
  integerDivision: IntegerDivision,
): unknown {
  if (field.isList) throw reject(`${op} does not work on list fields`)
  // SQL arithmetic on NULL stays NULL, which is what Prisma's operators do.
  if (current === null || current === undefined) return null
  switch (field.type) {
    case 'Float': {
      if (typeof operand !== 'number') throw reject(`${op} needs a number`)
      const c = current as number
      return op === 'increment' ? c + operand : op === 'decrement' ? c - operand : op === 'multiply' ? c * operand : c / operand
    }
    case 'Int':
    case 'BigInt': {
      // A fraction would be cut by Prisma before the database sees it (7 * 0.5 is 0 there): refused instead.
      if (typeof operand === 'number' && !Number.isInteger(operand)) throw reject(`${op} needs a whole number, got ${operand}`)
      if (typeof operand !== 'bigint' && typeof operand !== 'number')
        throw reject(`${op} needs ${field.type === 'Int' ? 'a whole number' : 'a bigint or a whole number'}`)
      const c = BigInt(current as number | bigint)
      const o = BigInt(operand)
      if (op === 'divide' && o === 0n) throw reject('division by zero')
      const result = op === 'increment' ? c + o : op === 'decrement' ? c - o : op === 'multiply' ? c * o : divideWhole(c, o, integerDivision)
      return field.type === 'Int' ? Number(result) : result
    }
    case 'Decimal': {
      if (op === 'divide' && Number(String(operand)) === 0) throw reject('division by zero')
      // decimal.js rounds results to its class's precision (20 digits for Prisma.Decimal); the
      // database computes with up to 65. Compute in a wide clone, hand back the original class.
      const Decimal = (current as { constructor: DecimalClass }).constructor
      const Wide = Decimal.clone({ precision: 100 })
      const c = new Wide(current) as DecimalLike
      const method = op === 'increment' ? 'plus' : op === 'decrement' ? 'minus' : op === 'multiply' ? 'times' : 'div'
      try {
        return new Decimal(c[method](String(operand)).toString())
      } catch {
        throw reject(`${op} needs a decimal number, got ${JSON.stringify(String(operand)).slice(0, 40)}`)
      }
    }
    default:
      throw reject(`${op} works on numeric fields only, not ${field.type}`)
  }
}

/** Whole-number division as the database does it: truncated toward zero, or rounded half away from zero. */
function divideWhole(dividend: bigint, divisor: bigint, mode: IntegerDivision): bigint {
  const quotient = dividend / divisor
  if (mode === 'truncate') return quotient
  const remainder = dividend % divisor
  const twice = (remainder < 0n ? -remainder : remainder) * 2n
  if (twice < (divisor < 0n ? -divisor : divisor)) return quotient
  return dividend < 0n === divisor < 0n ? quotient + 1n : quotient - 1n
}
