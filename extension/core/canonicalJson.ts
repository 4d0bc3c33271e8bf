/**
 * The canonical JSON encoding hashes are computed over: RFC 8785 (JSON Canonicalization Scheme).
 *
 * - Objects: members sorted by key, comparing keys as UTF-16 code units (JavaScript's default
 *   string order); no whitespace anywhere.
 * - Strings: as `JSON.stringify` writes them: `"` and `\` escaped, control characters below
 *   U+0020 as `\b \f \n \r \t` or `\u00XX` (lowercase hex), lone surrogates as `\uDXXX`,
 *   everything else (all other Unicode) as is, encoded as UTF-8.
 * - Numbers: ECMAScript's shortest round-trip form (`String(n)`): `1`, `1.5`, `1e+21`, `-0` as `0`.
 *   NaN and Infinity are refused.
 * - `true`, `false`, `null`; arrays in order.
 *
 * Payloads reach this already encoded as JSON values (dates as ISO-8601 strings, big integers
 * and decimals as strings, bytes as base64), so they canonicalize the same way in any language.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no form for ${value}`)
      return Object.is(value, -0) ? '0' : JSON.stringify(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object': {
      if (value === null) return 'null'
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
    }
    default:
      throw new TypeError(`canonical JSON has no form for a ${typeof value}`)
  }
}
