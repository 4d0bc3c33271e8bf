/**
 * Drift: `check()` of every model that keeps rows, each drifted record linked, each differing
 * field with what the log says and what the row holds.
 */
import { href, html, shortValue, type Html } from './html.ts'
import { layout } from './layout.ts'
import type { StudioSource } from './studioSource.ts'

interface DriftReportLike {
  model: string
  checked: number
  drifted: { id: string; kind: string; differences: { field: string; expected: unknown; actual: unknown }[] }[]
}

export async function driftPage(source: StudioSource): Promise<Html> {
  const reports: DriftReportLike[] = []
  for (const model of source.models) if (!model.logOnly) reports.push(await source.delegate(model).check())
  const rows = reports.flatMap((r) =>
    r.drifted.flatMap((d) => {
      const link = html`<a class="mono" href="${href('m', r.model, 'r', d.id)}#state">${d.id}</a>`
      if (!d.differences.length) return [html`<tr><td>${r.model}</td><td>${link}</td><td>${d.kind}</td><td></td><td></td><td></td></tr>`]
      return d.differences.map(
        (f) =>
          html`<tr><td>${r.model}</td><td>${link}</td><td>${d.kind}</td><td class="mono">${f.field}</td><td class="value">${shortValue(f.expected)}</td><td class="value">${shortValue(f.actual)}</td></tr>`,
      )
    }),
  )
  const skipped = source.models.filter((m) => m.logOnly)
  const body = html`<h1>Drift</h1>
<p class="muted">Every row compared with the replay of its events (<code>check()</code>). A row edited behind the library's back, a row without events, or a live record whose row is missing shows here.</p>
<ul>${reports.map((r) => html`<li><strong>${r.model}</strong>: ${r.checked} records checked, <span class="${r.drifted.length ? 'bad' : 'ok'}">${r.drifted.length} drifted</span></li>`)}</ul>
${skipped.length ? html`<p class="muted">Log-only models keep no rows and cannot drift: ${skipped.map((m) => m.name).join(', ')}.</p>` : ''}
${
  rows.length
    ? html`<table><thead><tr><th scope="col">Model</th><th scope="col">Record</th><th scope="col">Kind</th><th scope="col">Field</th><th scope="col">Log says</th><th scope="col">Row holds</th></tr></thead><tbody>${rows}</tbody></table>`
    : html`<p class="ok">No drift.</p>`
}`
  return layout('Drift', [{ label: 'Overview', href: '/' }, { label: 'Drift' }], source.models, body)
}
