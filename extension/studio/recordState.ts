/**
 * The state of a record as of a chosen event (`replay(id, { until })`) side by side with its
 * current row, and drift for this record: each field where the row differs from the replay of
 * all its events is marked, with what the log says.
 */
import { diffStates } from '../core/stateDiff.ts'
import { href, html, show, showBlock, type Html } from './html.ts'
import type { StudioModel } from './studioSource.ts'

export interface StateView {
  model: StudioModel
  id: string
  /** The sequence the left column is replayed to, and the record's last sequence. */
  asOf: number
  last: number
  page: number
  asOfState: Record<string, unknown> | null
  latest: Record<string, unknown> | null
  /** The row (null for a log-only model, or when it has none). */
  row: Record<string, unknown> | null
}

/** Drift of one record, as `check()` reports it for the whole model. */
export function recordDrift(view: Pick<StateView, 'model' | 'latest' | 'row'>): {
  kind: 'none' | 'changed' | 'missing-row' | 'no-events'
  fields: Map<string, unknown>
} {
  const fields = new Map<string, unknown>()
  if (view.model.logOnly) return { kind: 'none', fields }
  if (!view.latest && view.row) return { kind: 'no-events', fields }
  if (view.latest && !view.row) return { kind: 'missing-row', fields }
  if (!view.latest || !view.row) return { kind: 'none', fields }
  for (const d of diffStates(
    view.model.metadata.fields.map((f) => f.name),
    view.latest,
    view.row,
  ))
    fields.set(d.field, d.expected)
  return { kind: fields.size ? 'changed' : 'none', fields }
}

const driftText = {
  none: 'The row matches the replay of its events.',
  changed: 'Drift: the row differs from the replay of its events in the marked fields.',
  'missing-row': 'Drift: the log has a live record, but its row is missing.',
  'no-events': 'Drift: a row without events.',
} as const

export function stateSection(view: StateView): Html {
  const { model } = view
  const drift = recordDrift(view)
  const current = model.logOnly ? view.latest : view.row
  const currentLabel = model.logOnly ? `current state (replay of #${view.last})` : 'current row'
  const rows = model.fields.map((field) => {
    const drifted = drift.fields.has(field)
    const changedSince = view.asOfState && current && show(view.asOfState[field]) !== show(current[field])
    return html`<tr class="${drifted ? 'drift' : ''}">
      <th scope="row" class="mono">${field}</th>
      <td class="value">${view.asOfState ? showBlock(view.asOfState[field]) : '∅'}</td>
      <td class="value">${current ? showBlock(current[field]) : '∅'}${changedSince ? html` <span class="muted" title="differs from the state as of #${view.asOf}">●</span>` : ''}${drifted ? html`<span class="drift-note">drift: the log says ${show(drift.fields.get(field))}</span>` : ''}</td>
    </tr>`
  })
  return html`<h2 id="state">State as of an event</h2>
<form class="inline" method="get" action="${href('m', model.name, 'r', view.id)}#state">
  <label for="asOf">State as of event #</label>
  <input id="asOf" name="asOf" type="number" min="1" max="${view.last}" value="${view.asOf}" required>
  <input type="hidden" name="page" value="${view.page}">
  <button type="submit">Show state</button>
  <span class="muted">of ${view.last} events</span>
</form>
<p class="${drift.kind === 'none' ? 'ok' : 'bad'}">${model.logOnly ? html`<span class="muted">A log-only record has no row to drift from.</span>` : driftText[drift.kind]}</p>
<table>
  <thead><tr><th scope="col">Field</th><th scope="col">as of event #${view.asOf}${view.asOfState ? '' : ' (no record)'}</th><th scope="col">${currentLabel}${current ? '' : ' (none)'}</th></tr></thead>
  <tbody>${rows}</tbody>
</table>`
}
