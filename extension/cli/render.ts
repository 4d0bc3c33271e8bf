/**
 * Plain-text tables of the spector command line.
 */
export function show(value: unknown): string {
  if (value === null || value === undefined) return '∅'
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'bigint') return `${value}n`
  if (value instanceof Uint8Array) return `<${value.length} bytes>`
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
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
