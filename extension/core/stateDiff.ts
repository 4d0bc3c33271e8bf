/**
 * Compares two states field by field, with the equality Prisma values need (dates by time,
 * decimals and big integers by value, bytes by content, JSON deeply).
 */

export interface FieldDifference {
  field: string
  expected: unknown
  actual: unknown
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || a === undefined || b === undefined) return false
  if (typeof a !== typeof b) return false
  if (typeof a !== 'object') return false
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime()
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]))
  }
  const protoA = Object.getPrototypeOf(a)
  if (protoA !== Object.prototype && protoA !== null) {
    // Decimal and other value classes: compare their canonical text.
    return Object.getPrototypeOf(b) === protoA && String(a) === String(b)
  }
  const ka = Object.keys(a as object)
  const kb = Object.keys(b as object)
  if (ka.length !== kb.length) return false
  return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

/** The fields (of `fields`) whose values differ between `expected` and `actual`. */
export function diffStates(fields: readonly string[], expected: Record<string, unknown>, actual: Record<string, unknown>): FieldDifference[] {
  const out: FieldDifference[] = []
  for (const field of fields) {
    if (!sameValue(expected[field], actual[field])) out.push({ field, expected: expected[field], actual: actual[field] })
  }
  return out
}
