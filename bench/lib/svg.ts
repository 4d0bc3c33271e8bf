/**
 * Hand-written SVG charts (no dependency): grouped horizontal bars and line charts with linear or
 * logarithmic axes. Each returns a complete, self-contained SVG document.
 */

export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#ca8a04', '#db2777', '#65a30d']

const FONT = `font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"`

function esc(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
}

function fixed(n: number): string {
  return (Math.round(n * 10) / 10).toString()
}

/** 1234 -> "1,234"; 123456 -> "123k"; 12.345 -> "12.3"; 2 -> "2"; 0.0123 -> "0.0123". */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return 'n/a'
  const a = Math.abs(v)
  if (a >= 1_000_000) return `${Number((v / 1_000_000).toPrecision(3))}M`
  if (a >= 100_000) return `${Math.round(v / 1000).toLocaleString('en-US')}k`
  if (a >= 1000) return Math.round(v).toLocaleString('en-US')
  if (a === 0) return '0'
  return String(Number(v.toPrecision(3)))
}

/** Rough width in px of a text at 12px. */
function textWidth(text: string, size = 12): number {
  return text.length * size * 0.56
}

function niceStep(range: number, count: number): number {
  const raw = range / Math.max(1, count)
  const power = 10 ** Math.floor(Math.log10(raw))
  const fraction = raw / power
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power
}

interface Scale {
  (v: number): number
  ticks: number[]
}

function linearScale(min: number, max: number, from: number, to: number, tickCount = 5): Scale {
  const step = niceStep(max - min || 1, tickCount)
  const lo = Math.floor(min / step) * step
  const hi = Math.max(Math.ceil(max / step) * step, lo + step)
  const scale = ((v: number) => from + ((v - lo) / (hi - lo)) * (to - from)) as Scale
  scale.ticks = []
  for (let t = lo; t <= hi + step / 2; t += step) scale.ticks.push(Math.round(t / step) * step)
  return scale
}

/** Log axis over whole decades, or exactly [min, max] when `exact` (e.g. the measured sizes). */
function logScale(min: number, max: number, from: number, to: number, exact = false): Scale {
  const lo = exact ? Math.log10(Math.max(min, 1e-9)) : Math.floor(Math.log10(Math.max(min, 1e-9)))
  let hi = exact ? Math.log10(Math.max(max, 1e-9)) : Math.ceil(Math.log10(Math.max(max, 1e-9)))
  if (hi === lo) hi = lo + 1
  const scale = ((v: number) => from + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * (to - from)) as Scale
  scale.ticks = []
  const decades = hi - lo
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) {
    scale.ticks.push(10 ** e)
    if (decades <= 2 && e < hi) scale.ticks.push(...[2 * 10 ** e, 5 * 10 ** e].filter((t) => Math.log10(t) <= hi))
  }
  scale.ticks.sort((a, b) => a - b)
  return scale
}

function header(width: number, height: number, title: string, subtitle: string[]): string[] {
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="20" y="30" font-size="18" font-weight="600" fill="#111827">${esc(title)}</text>`,
  ]
  for (const [i, line] of subtitle.entries()) out.push(`<text x="20" y="${50 + i * 16}" font-size="12" fill="#4b5563">${esc(line)}</text>`)
  return out
}

// ------------------------------------------------------------------------------------- bars

export interface Bar {
  label: string
  value: number
  /** Drawn as a whisker from the bar's end (e.g. the p95 beside a median bar). */
  whisker?: number
  color?: string
  /** Printed after the value. */
  note?: string
  /** Draws the bar as stacked parts (linear scale only); their sum should be `value`. */
  segments?: { value: number; color: string }[]
}

export interface BarGroup {
  label: string
  bars: Bar[]
}

export interface BarChartOptions {
  title: string
  /** A legend line under the subtitle: colored swatches with labels. */
  legend?: { label: string; color: string }[]
  subtitle?: string[]
  /** Axis caption, e.g. "median latency, ms (whisker: p95)". */
  axisLabel: string
  groups: BarGroup[]
  log?: boolean
  format?: (v: number) => string
}

export function barChart(options: BarChartOptions): string {
  const subtitle = options.subtitle ?? []
  const format = options.format ?? formatNumber
  const labelWidth = Math.max(160, ...options.groups.flatMap((g) => g.bars.map((b) => textWidth(b.label))))
  const left = 20 + labelWidth + 10
  const width = Math.max(980, left + 600)
  const right = width - 170
  const top = 62 + subtitle.length * 16 + (options.legend ? 22 : 0)
  const barHeight = 18
  const gap = 6
  const groupGap = 16
  const rows = options.groups.reduce((n, g) => n + g.bars.length, 0)
  const plotHeight = rows * (barHeight + gap) + options.groups.length * (groupGap + 20)
  const height = top + plotHeight + 60
  const values = options.groups.flatMap((g) => g.bars.flatMap((b) => [b.value, b.whisker ?? b.value])).filter((v) => Number.isFinite(v) && v > 0)
  const max = values.length ? Math.max(...values) : 1
  const min = values.length ? Math.min(...values) : 1
  const scale = options.log ? logScale(min, max, left, right) : linearScale(0, max, left, right)
  const out = header(width, height, options.title, subtitle)
  if (options.legend) {
    let lx = 20
    const ly = 50 + subtitle.length * 16 + 4
    for (const item of options.legend) {
      out.push(`<rect x="${lx}" y="${ly}" width="12" height="12" fill="${item.color}"/>`)
      out.push(`<text x="${lx + 17}" y="${ly + 10}" font-size="12" fill="#374151">${esc(item.label)}</text>`)
      lx += 30 + item.label.length * 6.5
    }
  }
  const axisY = top + plotHeight
  for (const t of scale.ticks) {
    const x = scale(t)
    if (x < left - 0.5 || x > right + 0.5) continue
    out.push(`<line x1="${fixed(x)}" y1="${top}" x2="${fixed(x)}" y2="${axisY}" stroke="#e5e7eb"/>`)
    out.push(`<text x="${fixed(x)}" y="${axisY + 16}" font-size="11" fill="#6b7280" text-anchor="middle">${esc(format(t))}</text>`)
  }
  out.push(
    `<text x="${(left + right) / 2}" y="${axisY + 36}" font-size="12" fill="#374151" text-anchor="middle">${esc(options.axisLabel)}${options.log ? ' (log scale)' : ''}</text>`,
  )
  let y = top
  options.groups.forEach((group) => {
    y += groupGap
    out.push(`<text x="20" y="${y}" font-size="13" font-weight="600" fill="#111827">${esc(group.label)}</text>`)
    y += 8
    group.bars.forEach((bar, i) => {
      const color = bar.color ?? PALETTE[i % PALETTE.length]!
      const x0 = options.log ? left : scale(0)
      const x1 = Number.isFinite(bar.value) && bar.value > 0 ? scale(bar.value) : x0
      out.push(`<text x="${left - 8}" y="${y + barHeight - 5}" font-size="12" fill="#374151" text-anchor="end">${esc(bar.label)}</text>`)
      if (bar.segments && !options.log) {
        let from = 0
        for (const segment of bar.segments) {
          const a = scale(from)
          const b = scale(from + segment.value)
          out.push(`<rect x="${fixed(a)}" y="${y}" width="${fixed(Math.max(0.5, b - a))}" height="${barHeight}" fill="${segment.color}"/>`)
          from += segment.value
        }
      } else {
        out.push(`<rect x="${fixed(x0)}" y="${y}" width="${fixed(Math.max(1, x1 - x0))}" height="${barHeight}" fill="${color}" rx="2"/>`)
      }
      let end = x1
      if (bar.whisker !== undefined && Number.isFinite(bar.whisker) && bar.whisker > bar.value) {
        const xw = scale(bar.whisker)
        const cy = y + barHeight / 2
        out.push(`<line x1="${fixed(x1)}" y1="${cy}" x2="${fixed(xw)}" y2="${cy}" stroke="#111827" stroke-width="1.2"/>`)
        out.push(`<line x1="${fixed(xw)}" y1="${y + 4}" x2="${fixed(xw)}" y2="${y + barHeight - 4}" stroke="#111827" stroke-width="1.2"/>`)
        end = xw
      }
      const text = `${format(bar.value)}${bar.note ? (bar.note.startsWith('/') ? bar.note : ` ${bar.note}`) : ''}`
      out.push(`<text x="${fixed(end + 6)}" y="${y + barHeight - 5}" font-size="11" fill="#111827">${esc(text)}</text>`)
      y += barHeight + gap
    })
  })
  out.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${axisY}" stroke="#9ca3af"/>`)
  out.push('</svg>')
  return out.join('\n')
}

// ------------------------------------------------------------------------------------- lines

export interface Series {
  name: string
  color?: string
  dashed?: boolean
  /** A stroke-dasharray of its own (e.g. '2 3' for dotted); overrides `dashed`. */
  dash?: string
  points: { x: number; y: number }[]
}

export interface LineChartOptions {
  title: string
  subtitle?: string[]
  xLabel: string
  yLabel: string
  xLog?: boolean
  yLog?: boolean
  series: Series[]
  /** Horizontal reference lines (targets). */
  references?: { y: number; label: string; color?: string }[]
  format?: (v: number) => string
  /** Fixed x ticks (e.g. the measured sizes). */
  xTicks?: number[]
}

function dashAttr(s: Series): string {
  const dash = s.dash ?? (s.dashed ? '6 4' : undefined)
  return dash ? ` stroke-dasharray="${dash}"` : ''
}

export function lineChart(options: LineChartOptions): string {
  const subtitle = options.subtitle ?? []
  const format = options.format ?? formatNumber
  const left = 90
  const right = 700
  const width = Math.max(980, right + 70 + Math.max(0, ...options.series.map((s) => textWidth(s.name))))
  const top = 70 + subtitle.length * 16
  const bottom = top + 380
  const height = bottom + 60
  const points = options.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
  const ys = [...points.map((p) => p.y), ...(options.references ?? []).map((r) => r.y)].filter((v) => !options.yLog || v > 0)
  const xs = points.map((p) => p.x).filter((v) => !options.xLog || v > 0)
  const x = options.xLog
    ? logScale(Math.min(...xs), Math.max(...xs), left, right, Boolean(options.xTicks))
    : linearScale(Math.min(0, ...xs), Math.max(...xs), left, right)
  const y = options.yLog ? logScale(Math.min(...ys), Math.max(...ys), bottom, top) : linearScale(0, Math.max(...ys), bottom, top)
  const out = header(width, height, options.title, subtitle)
  for (const t of y.ticks) {
    const py = y(t)
    if (py < top - 0.5 || py > bottom + 0.5) continue
    out.push(`<line x1="${left}" y1="${fixed(py)}" x2="${right}" y2="${fixed(py)}" stroke="#e5e7eb"/>`)
    out.push(`<text x="${left - 8}" y="${fixed(py + 4)}" font-size="11" fill="#6b7280" text-anchor="end">${esc(format(t))}</text>`)
  }
  const xTicks = options.xTicks ?? x.ticks
  for (const t of xTicks) {
    const px = x(t)
    if (px < left - 0.5 || px > right + 0.5) continue
    out.push(`<line x1="${fixed(px)}" y1="${top}" x2="${fixed(px)}" y2="${bottom}" stroke="#f3f4f6"/>`)
    out.push(`<text x="${fixed(px)}" y="${bottom + 16}" font-size="11" fill="#6b7280" text-anchor="middle">${esc(format(t))}</text>`)
  }
  out.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#9ca3af"/>`)
  out.push(
    `<text x="${(left + right) / 2}" y="${bottom + 38}" font-size="12" fill="#374151" text-anchor="middle">${esc(options.xLabel)}${options.xLog ? ' (log scale)' : ''}</text>`,
  )
  out.push(
    `<text x="20" y="${(top + bottom) / 2}" font-size="12" fill="#374151" text-anchor="middle" transform="rotate(-90 20 ${(top + bottom) / 2})">${esc(options.yLabel)}${options.yLog ? ' (log scale)' : ''}</text>`,
  )
  for (const ref of options.references ?? []) {
    const py = y(ref.y)
    const color = ref.color ?? '#6b7280'
    out.push(`<line x1="${left}" y1="${fixed(py)}" x2="${right}" y2="${fixed(py)}" stroke="${color}" stroke-dasharray="2 3"/>`)
    out.push(`<text x="${right - 4}" y="${fixed(py - 4)}" font-size="11" fill="${color}" text-anchor="end">${esc(ref.label)}</text>`)
  }
  options.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length]!
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!options.yLog || p.y > 0))
    if (pts.length > 1) {
      const d = pts.map((p, k) => `${k ? 'L' : 'M'}${fixed(x(p.x))},${fixed(y(p.y))}`).join(' ')
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${dashAttr(s)}/>`)
    }
    for (const p of pts)
      out.push(
        `<circle cx="${fixed(x(p.x))}" cy="${fixed(y(p.y))}" r="3.5" fill="${color}"><title>${esc(`${s.name}: ${format(p.x)} -> ${format(p.y)}`)}</title></circle>`,
      )
    const ly = top + 10 + i * 20
    out.push(`<line x1="${right + 20}" y1="${ly}" x2="${right + 44}" y2="${ly}" stroke="${color}" stroke-width="2"${dashAttr(s)}/>`)
    out.push(`<circle cx="${right + 32}" cy="${ly}" r="3.5" fill="${color}"/>`)
    out.push(`<text x="${right + 52}" y="${ly + 4}" font-size="12" fill="#111827">${esc(s.name)}</text>`)
  })
  out.push('</svg>')
  return out.join('\n')
}

/** A chart-sized notice, for a scenario that has nothing to draw. */
export function noticeChart(title: string, lines: string[]): string {
  const height = 80 + lines.length * 18
  return [
    ...header(980, height, title, []),
    ...lines.map((l, i) => `<text x="20" y="${62 + i * 18}" font-size="13" fill="#374151">${esc(l)}</text>`),
    '</svg>',
  ].join('\n')
}
