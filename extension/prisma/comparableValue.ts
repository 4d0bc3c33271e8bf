/**
 * A value as text that is the same for equal values, also after Prisma deep-copied them (a copied
 * Date, Decimal or Buffer is a new object): how prisma-spector tells whether another extension
 * changed a field of its row write.
 */
export function comparableValue(value: unknown): string {
  return JSON.stringify(value === undefined ? '\u0000undefined' : value, (_key, v) => {
    if (typeof v === 'bigint') return `\u0000bigint:${v}`
    if (v instanceof Uint8Array) return `\u0000bytes:${Buffer.from(v).toString('base64')}`
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype) {
      // Decimal, Prisma's null types and other classes without toJSON: by class and text.
      return `\u0000${v.constructor?.name}:${String(v)}`
    }
    return v
  })
}
