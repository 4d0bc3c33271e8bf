/**
 * What a scenario hands back, and how it is printed.
 */

export type Cell = string | number | null | undefined

export interface TableSpec {
  title: string
  columns: string[]
  rows: Cell[][]
  notes?: string[]
}

export type TargetStatus = 'met' | 'missed' | 'not measured'

export interface TargetResult {
  id: string
  /** The issue that set the target (default 6, the bench's own). */
  issue?: number
  target: string
  provider: string
  measured: string
  status: TargetStatus
  note?: string
}

export interface ScenarioResult {
  id: string
  title: string
  status: 'ok' | 'not available yet' | 'failed'
  /** Every measured number, for the JSON file. */
  data: unknown
  tables: TableSpec[]
  /** File name under the results folder, and the SVG text. */
  chart?: { file: string; svg: string }
  targets: TargetResult[]
  notes: string[]
  error?: string
  durationMs?: number
}

export function cell(value: Cell, digits?: number): string {
  if (value === null || value === undefined) return '-'
  if (typeof value === 'string') return value
  if (!Number.isFinite(value)) return 'n/a'
  if (digits !== undefined) return value.toFixed(digits)
  if (Number.isInteger(value)) return value.toLocaleString('en-US')
  const a = Math.abs(value)
  if (a >= 1000) return Math.round(value).toLocaleString('en-US')
  if (a >= 100) return value.toFixed(0)
  if (a >= 10) return value.toFixed(1)
  if (a >= 1) return value.toFixed(2)
  if (a === 0) return '0'
  return value.toFixed(3)
}

export function ms(value: number): string {
  return cell(value)
}

export function times(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a'
}

export function renderTable(table: TableSpec): string {
  const rows = table.rows.map((r) => r.map((c) => cell(c)))
  const widths = table.columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)))
  const numeric = table.columns.map((_, i) => rows.every((r) => /^[-+]?[\d,.]+(x|%| ms)?$|^-$|^n\/a$/.test(r[i] ?? '')))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  const out = [table.title, line(table.columns), widths.map((w) => '-'.repeat(w)).join('  ')]
  for (const r of rows) out.push(line(r))
  for (const note of table.notes ?? []) out.push(`  note: ${note}`)
  return out.join('\n')
}

export function renderTargets(targets: TargetResult[]): TableSpec {
  const issues = [...new Set(targets.map((t) => t.issue ?? 6))].sort((a, b) => a - b)
  const named = issues.length === 1 ? `issue ${issues[0]}` : `issues ${issues.slice(0, -1).join(', ')} and ${issues.at(-1)}`
  return {
    title: `Targets from ${named} (reported, never asserted)`,
    columns: ['issue', 'target', 'provider', 'measured', 'status'],
    rows: targets.map((t) => [t.issue ?? 6, t.target, t.provider, t.measured + (t.note ? ` (${t.note})` : ''), t.status.toUpperCase()]),
  }
}
