/**
 * A record's timeline: one row per event (sequence, action, version, time, actor, links) with the
 * fields it changed, before → after, as `history` computes them. Newest first, a page at a time:
 * a page reads its own events, resumed (`history({ from })`) from the state before it, which
 * recordStates.ts folds from its nearest kept checkpoint, never all the events at once.
 */
import type { HistoryEntry } from '../core/recordHistory.ts'
import { href, html, query, shortId, shortValue, show, time, type Html } from './html.ts'

export const EVENTS_PER_PAGE = 50

/** Sequences of timeline page `page` (0: the newest) of a record whose last sequence is `last`. */
export function pageWindow(last: number, page: number): { after: number; take: number; pages: number } {
  const pages = Math.max(1, Math.ceil(last / EVENTS_PER_PAGE))
  const end = last - page * EVENTS_PER_PAGE
  const after = Math.max(0, end - EVENTS_PER_PAGE)
  return { after, take: Math.max(0, end - after), pages }
}

/**
 * One field's change for a table cell. A JSON list that only grew (a message appended to a
 * conversation) shows the new items, not the whole list twice.
 */
export function change(before: unknown, after: unknown): Html {
  if (before === null && Array.isArray(after) && after.length) return change([], after)
  if (Array.isArray(before) && Array.isArray(after) && after.length > before.length && before.every((item, i) => show(item) === show(after[i]))) {
    return html`<ins>+ ${after.slice(before.length).map((item, i) => html`${i ? ', ' : ''}${shortValue(item, 110)}`)}</ins> <span class="muted">(${after.length} items)</span>`
  }
  return html`<del>${shortValue(before, 70)}</del> → <ins>${shortValue(after, 70)}</ins>`
}

export interface TimelineLink {
  name: string
  type?: string | number
  to: string
  sequence: number
}

export function timeline(
  model: string,
  id: string,
  entries: HistoryEntry[],
  links: Map<string, TimelineLink[]> | null,
  options: { page: number; pages: number; asOf: number },
): Html {
  const base = href('m', model, 'r', id)
  const rows = [...entries].reverse().map((e) => {
    const eventLinks = links?.get(e.id) ?? []
    return html`<tr id="event-${e.sequence}" class="${e.sequence === options.asOf ? 'current-event' : ''}">
      <td class="num">${e.sequence}</td>
      <td><span class="badge action">${e.action}</span></td>
      <td class="num">${e.version}</td>
      <td>${time(e.insertedAt)}</td>
      <td>${e.actor === null ? html`<span class="muted">∅</span>` : shortValue(e.actor, 40)}</td>
      ${links ? html`<td>${eventLinks.length ? eventLinks.map((l) => html`<a class="mono" href="#event-${l.sequence}" title="${l.name}${l.type === undefined ? '' : ` (${l.type})`} → event ${l.to}">${l.name}${l.type === undefined ? '' : `:${l.type}`} → #${l.sequence}</a> `) : html`<span class="muted">–</span>`}</td>` : ''}
      <td>${e.changes.length ? e.changes.map((c) => html`<span class="change"><span class="field">${c.field}</span>: ${change(c.before, c.after)}</span>`) : html`<span class="muted">${e.action === 'savepoint' ? 'savepoint (no change)' : 'no field changed'}</span>`}</td>
      <td class="nowrap"><a href="${base}/diff${query({ from: e.sequence - 1, to: e.sequence })}" aria-label="diff of event ${e.sequence}">diff</a> · <a href="${base}${query({ asOf: e.sequence, page: options.page })}#state" aria-label="state as of event ${e.sequence}">state as of</a><br><span class="muted mono" title="${e.id}">${shortId(e.id)}</span></td>
    </tr>`
  })
  const pager = html`<div class="pager">
    ${options.page > 0 ? html`<a href="${base}${query({ asOf: options.asOf, page: options.page - 1 })}#timeline">← newer events</a>` : ''}
    <span class="muted">page ${options.page + 1} of ${options.pages}</span>
    ${options.page + 1 < options.pages ? html`<a href="${base}${query({ asOf: options.asOf, page: options.page + 1 })}#timeline">older events →</a>` : ''}
  </div>`
  return html`<h2 id="timeline">Timeline</h2>
${pager}
<table>
  <thead><tr><th scope="col" class="num">Seq</th><th scope="col">Action</th><th scope="col" class="num">Ver.</th><th scope="col">Time</th><th scope="col">Actor</th>${links ? html`<th scope="col">Links</th>` : ''}<th scope="col">Changed (before → after)</th><th scope="col">Event</th></tr></thead>
  <tbody>${rows}</tbody>
</table>
${pager}`
}
