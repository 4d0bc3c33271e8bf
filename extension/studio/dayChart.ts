/**
 * Events per day as a small inline SVG bar chart: one bar a day, the busiest day full height,
 * with a text alternative for screen readers and a title per bar.
 */
import { html, type Html } from './html.ts'

export function dayChart(days: { day: string; count: number }[], label: string): Html {
  if (!days.length) return html`<span class="muted">no events</span>`
  const width = 180
  const height = 36
  const gap = 1
  const barWidth = width / days.length - gap
  const max = Math.max(1, ...days.map((d) => d.count))
  const total = days.reduce((sum, d) => sum + d.count, 0)
  const summary = `${label}: ${total} events from ${days[0]!.day} to ${days[days.length - 1]!.day}, at most ${max} a day`
  return html`<svg class="chart" role="img" aria-label="${summary}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${days.map((d, i) => {
    const h = d.count ? Math.max(2, Math.round((d.count / max) * (height - 2))) : 1
    return html`<rect class="${d.count ? '' : 'zero'}" x="${(i * (barWidth + gap)).toFixed(1)}" y="${height - h}" width="${barWidth.toFixed(1)}" height="${h}"><title>${d.day}: ${d.count} events</title></rect>`
  })}</svg>`
}
