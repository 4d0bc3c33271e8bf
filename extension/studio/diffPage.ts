/**
 * The state change between two points of a record's history (`diff(id, from, to)`): each field
 * that differs, before → after. A point is a sequence, an event id or a date, as in the CLI.
 * Between two sequences of the record (the timeline's "diff" links), the two states come from the
 * studio's kept states (recordStates.ts) and are compared as `diff` compares them (`changedFields`
 * over every field), so a diff deep in a long record does not replay it twice from event 1.
 */
import { changedFields, type FieldChange } from '../core/recordHistory.ts'
import { href, html, show, type Html } from './html.ts'
import { layout } from './layout.ts'
import type { StudioModel, StudioSource } from './studioSource.ts'

/** A point as typed by a person: digits are a sequence, an ISO date a time, anything else an event id. */
export function parsePoint(text: string): string | Date | { sequence: number } {
  const trimmed = text.trim()
  if (/^\d+$/.test(trimmed)) return { sequence: Number(trimmed) }
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return new Date(trimmed)
  return trimmed
}

export async function diffPage(source: StudioSource, model: StudioModel, id: string, params: { from?: string; to?: string }): Promise<Html> {
  const from = params.from ?? '0'
  const to = params.to ?? String(await source.lastSequence(model, id))
  const base = href('m', model.name, 'r', id)
  let result: Html
  try {
    const changes: FieldChange[] = await diffOf(source, model, id, parsePoint(from), parsePoint(to))
    result = changes.length
      ? html`<table>
  <thead><tr><th scope="col">Field</th><th scope="col">before (at ${from})</th><th scope="col">after (at ${to})</th></tr></thead>
  <tbody>${changes.map((c) => html`<tr><th scope="row" class="mono">${c.field}</th><td class="value"><del>${show(c.before)}</del></td><td class="value"><ins>${show(c.after)}</ins></td></tr>`)}</tbody>
</table>`
      : html`<p>No field differs between ${from} and ${to}.</p>`
  } catch (error) {
    result = html`<p class="error">${(error as Error).message}</p>`
  }
  const body = html`<h1>Diff of ${model.name} ${id}</h1>
<form class="inline" method="get" action="${base}/diff">
  <label for="from">From</label><input id="from" name="from" value="${from}" size="38">
  <label for="to">to</label><input id="to" name="to" value="${to}" size="38">
  <button type="submit">Diff</button>
</form>
${result}
<p><a href="${base}">← back to the record</a></p>`
  return layout(
    `Diff ${id}`,
    [{ label: 'Overview', href: '/' }, { label: model.name, href: href('m', model.name) }, { label: id, href: base }, { label: 'diff' }],
    source.models,
    body,
  )
}

/** `diff(id, from, to)`: from the kept states when both points are sequences of the record, else the library's call. */
async function diffOf(
  source: StudioSource,
  model: StudioModel,
  id: string,
  from: ReturnType<typeof parsePoint>,
  to: ReturnType<typeof parsePoint>,
): Promise<FieldChange[]> {
  if (typeof from === 'object' && 'sequence' in from && typeof to === 'object' && 'sequence' in to) {
    const last = await source.lastSequence(model, id)
    if (last && from.sequence <= last && to.sequence <= last) {
      const states = await source.states.at(model, id, [from.sequence, to.sequence], last)
      const fields = model.metadata.fields.map((f) => f.name)
      return changedFields(fields, states.get(from.sequence) ?? null, states.get(to.sequence) ?? null) as FieldChange[]
    }
  }
  return source.delegate(model).diff(id, from, to)
}
