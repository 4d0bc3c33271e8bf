/**
 * The one way the command line prints a field's value, in its tables and in --json alike:
 *
 * - BigInt: its digits (`123`; in JSON a string, "123", since a JSON number loses digits past 2^53)
 * - Decimal (Prisma's, or any value class with its own text): its text (`1.50`; a string in JSON)
 * - DateTime: ISO 8601 in UTC (`2024-01-02T03:04:05.678Z`)
 * - Bytes (Uint8Array, Buffer): lowercase hex (`00ff10`; a string in JSON)
 *
 * Arrays and plain objects (Json fields, payloads) keep their shape with their leaves converted.
 * JSON.stringify alone would throw on a BigInt, print a Buffer as `{ type, data }` and a Decimal
 * in quotes inside a table.
 */
export function printableValue(value: unknown): unknown {
  if (value === null || value === undefined) return value
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')
  if (typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(printableValue)
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) {
    // Decimal and other value classes: their own text (Decimal's toJSON is its toString).
    const json = typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : undefined
    if (typeof json === 'string') return json
    if (json === undefined && (value as object).toString !== Object.prototype.toString) return String(value)
    if (json !== undefined) return printableValue(json)
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, printableValue(item)]))
}

/** `value` as JSON text, its values printed as printableValue says (indented by `indent`). */
export function printableJson(value: unknown, indent: number | undefined = 2): string {
  return JSON.stringify(printableValue(value), null, indent)
}
