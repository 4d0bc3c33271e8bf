/**
 * The overview: every evented and log-only model with its record and event counts, events per
 * day, whether its log is hashed, and the button that verifies the hash chain.
 */
import { dayChart } from './dayChart.ts'
import { html, type Html } from './html.ts'
import { layout } from './layout.ts'
import type { StudioSource } from './studioSource.ts'

export async function overviewPage(source: StudioSource): Promise<Html> {
  const rows: Html[] = []
  for (const model of source.models) {
    const [records, events, perDay] = await Promise.all([source.recordCount(model), source.eventCount(model), source.eventsPerDay(model)])
    rows.push(html`<tr>
      <td><a href="/m/${encodeURIComponent(model.name)}">${model.name}</a></td>
      <td>${model.logOnly ? html`<span class="badge logonly">log-only</span>` : html`<span class="badge">table</span>`}</td>
      <td class="num">${records.toLocaleString('en')}</td>
      <td class="num">${events.toLocaleString('en')}</td>
      <td>${dayChart(perDay, `${model.name} events per day`)}</td>
      <td>${model.hashed ? html`<span class="badge hashed">hashed</span>` : html`<span class="muted">not hashed</span>`}</td>
      <td><span class="muted">${model.metadata.events.model}</span></td>
    </tr>`)
  }
  const hashed = source.models.filter((m) => m.hashed)
  const body = html`<h1>Overview</h1>
<table>
  <thead><tr><th scope="col">Model</th><th scope="col">Kind</th><th scope="col" class="num">Records</th><th scope="col" class="num">Events</th><th scope="col">Events per day (30 days to the newest)</th><th scope="col">Chain</th><th scope="col">Event log</th></tr></thead>
  <tbody>${rows}</tbody>
</table>
<h2>Hash chain</h2>
<div class="card">
  ${
    hashed.length
      ? html`<p>Re-computes every hash of the hashed logs (${hashed.map((m) => m.name).join(', ')}) and reports the first break.</p>
  <button type="button" data-verify aria-controls="verify-status">Verify hash chain</button>
  <div id="verify-status" class="status" role="status" aria-live="polite"><progress hidden></progress> <span class="line"></span></div>`
      : html`<p class="muted">No model has a hashed event log (<code>@events(hashed=true)</code>): there is no chain to verify.</p>`
  }
</div>`
  return layout('Overview', [{ label: 'Overview' }], source.models, body)
}
