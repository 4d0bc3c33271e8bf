/**
 * Plain-text tables of the spector command line. Values are printed as printableValue.ts says, the
 * same as in --json: BigInt as its digits, Decimal as its text, DateTime as ISO, Bytes as hex.
 */
import { printableValue } from '../core/printableValue.ts'

/** One value as a table cell: ∅ for null; Json values as JSON text. */
export function show(value: unknown): string {
  if (value === null || value === undefined) return '∅'
  const printable = printableValue(value)
  return typeof printable === 'object' && printable !== null ? JSON.stringify(printable) : String(printable)
}

/** A table with a header line, columns padded; long cells are cut at 60 characters, but the last column is not. */
export function renderTable(rows: Record<string, unknown>[]): string {
  if (!rows.length) return ''
  const columns = Object.keys(rows[0]!)
  const cells = rows.map((row) =>
    columns.map((c, i) => {
      const text = show(row[c]).replace(/\s+/g, ' ')
      return text.length > 60 && i < columns.length - 1 ? `${text.slice(0, 59)}…` : text
    }),
  )
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)))
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  return `${[line(columns), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n')}\n`
}
