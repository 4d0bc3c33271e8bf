/**
 * The records of one model, newest first, a page at a time (keyset paging on the id, so a page
 * costs the same on the first and the millionth record), searchable by id and by a field's value.
 * A log-only model has no rows: its record ids come from the log (each record's first event).
 */
import { href, html, query, shortValue, type Html } from './html.ts'
import { layout } from './layout.ts'
import type { StudioModel, StudioSource } from './studioSource.ts'

/** Columns shown besides the id: the first few fields. */
const SHOWN_FIELDS = 5

export async function recordsPage(source: StudioSource, model: StudioModel, params: { before?: string; field?: string; q?: string }): Promise<Html> {
  const searchable = source.searchableFields(model)
  const field = params.field && searchable.includes(params.field) ? params.field : model.metadata.idField
  const { records, next } = await source.records(model, { before: params.before, field, text: params.q })
  const columns = model.fields.filter((f) => f !== model.metadata.idField).slice(0, SHOWN_FIELDS)
  const base = href('m', model.name)
  const body = html`<h1>${model.name} ${model.logOnly ? html`<span class="badge logonly">log-only</span>` : ''} ${model.hashed ? html`<span class="badge hashed">hashed</span>` : ''}</h1>
<form class="inline" method="get" action="${base}" role="search">
  <label for="field">Search in</label>
  <select id="field" name="field">${searchable.map((f) => html`<option value="${f}" ${f === field ? 'selected' : ''}>${f}</option>`)}</select>
  <input id="q" name="q" type="search" value="${params.q ?? ''}" placeholder="${field === model.metadata.idField ? 'part of an id' : 'value'}" aria-label="Search text">
  <button type="submit">Search</button>
  ${params.q ? html`<a href="${base}">clear</a>` : ''}
</form>
${model.logOnly ? html`<p class="muted">${model.name} keeps no rows: its records are read from its event log, and only their ids can be searched.</p>` : ''}
${
  records.length
    ? html`<table>
  <thead><tr><th scope="col">${model.metadata.idField}</th>${model.logOnly ? '' : columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
  <tbody>${records.map(
    (r) => html`<tr>
    <td class="mono"><a href="${href('m', model.name, 'r', r.id)}">${r.id}</a></td>
    ${r.row ? columns.map((c) => html`<td class="value">${shortValue(r.row![c], 60)}</td>`) : ''}
  </tr>`,
  )}</tbody>
</table>`
    : html`<p class="muted">${params.q ? 'No record matches.' : 'No records yet.'}</p>`
}
<div class="pager">
  ${params.before ? html`<a href="${base}${query({ field: params.q ? field : undefined, q: params.q })}">← newest</a>` : ''}
  ${next ? html`<a href="${base}${query({ field: params.q ? field : undefined, q: params.q, before: next })}" rel="next">older →</a>` : ''}
</div>`
  return layout(model.name, [{ label: 'Overview', href: '/' }, { label: model.name }], source.models, body)
}
