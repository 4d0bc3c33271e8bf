/**
 * One record: its state as of any event beside its current row (with drift), verification of its
 * savepoints and of its hash chain, the branches its event links make, and its timeline.
 */
import type { HistoryEntry } from '../core/recordHistory.ts'
import { href, html, query, type Html } from './html.ts'
import { layout, notFoundPage } from './layout.ts'
import { linkGraph, payloadLabel, type GraphEvent } from './linkGraph.ts'
import { stateSection } from './recordState.ts'
import { EVENTS_PER_PAGE, pageWindow, timeline, type TimelineLink } from './recordTimeline.ts'
import type { StudioModel, StudioSource } from './studioSource.ts'

/** Records with at most this many events get the link graph (it reads them all). */
export const GRAPH_LIMIT = 300

interface LinkedEventLike {
  id: string
  sequence: number
  action: string
  payload: Record<string, unknown>
  links: Record<string, (string | { to: string; type: string | number })[]>
}

export async function recordPage(source: StudioSource, model: StudioModel, id: string, params: { page?: string; asOf?: string }): Promise<Html> {
  const last = await source.lastSequence(model, id)
  if (!last) return notFoundPage(`${model.name} has no record ${id}.`, source.models)
  const page = clampInt(params.page, 0)
  const { after, take, pages } = pageWindow(last, Math.min(page, 1e9))
  const asOf = Math.min(last, Math.max(1, clampInt(params.asOf, last)))
  const delegate = source.delegate(model)
  // The states before the page, as of the chosen event and the latest: one fold, resumed from checkpoints.
  const [states, row] = await Promise.all([source.states.at(model, id, [after, asOf, last], last), source.row(model, id)])
  const entries: HistoryEntry[] = take ? await delegate.history(id, { from: { sequence: after, state: states.get(after) ?? null }, take }) : []
  const asOfState = states.get(asOf) ?? null
  const latest = states.get(last) ?? null
  const hasLinks = (model.metadata.events.links ?? []).length > 0
  const linked: LinkedEventLike[] | null = hasLinks && last <= GRAPH_LIMIT ? await delegate.events(id, { links: true }) : null
  const links = hasLinks ? await pageLinks(source, model, entries, linked) : null
  const base = href('m', model.name, 'r', id)
  const body = html`<h1><span class="muted">${model.name}</span> ${id}</h1>
<p>${last} events · ${latest ? html`<span class="ok">live</span>` : html`<span class="bad">deleted</span>`}${model.hashed ? html` · <span class="badge hashed">hashed</span>` : ''}</p>
<div class="grid2">
  <div class="card">
    <strong>Savepoints</strong>
    <p class="muted">Replays the record from its first event and checks every savepoint against the events before it.</p>
    <button type="button" class="secondary" data-fetch="${base}/savepoints" aria-controls="savepoint-status">Verify savepoints</button>
    <div id="savepoint-status" class="status" role="status" aria-live="polite"></div>
  </div>
  <div class="card">
    <strong>Hash chain of this record</strong>
    ${
      model.hashed
        ? html`<p class="muted">Re-computes the hash of each of its events.</p>
    <button type="button" class="secondary" data-verify data-model="${model.name}" data-record="${id}" aria-controls="record-verify-status">Verify this record</button>
    <div id="record-verify-status" class="status" role="status" aria-live="polite"><progress hidden></progress> <span class="line"></span></div>`
        : html`<p class="muted">${model.metadata.events.model} is not hashed.</p>`
    }
  </div>
</div>
${stateSection({ model, id, asOf, last, page, asOfState, latest, row })}
<h2>Diff between two events</h2>
<form class="inline" method="get" action="${base}/diff">
  <label for="from">From</label><input id="from" name="from" value="${Math.max(0, asOf - 1)}" size="38" aria-describedby="diff-help">
  <label for="to">to</label><input id="to" name="to" value="${asOf}" size="38">
  <button type="submit">Diff</button>
  <span id="diff-help" class="muted">a sequence, an event id or a date</span>
</form>
${hasLinks ? graphSection(model, id, last, linked) : ''}
${timeline(model.name, id, entries, links, { page, pages, asOf })}`
  return layout(
    `${model.name} ${id}`,
    [{ label: 'Overview', href: '/' }, { label: model.name, href: href('m', model.name) }, { label: id }],
    source.models,
    body,
  )
}

function graphSection(model: StudioModel, id: string, last: number, linked: LinkedEventLike[] | null): Html {
  if (!linked)
    return html`<h2>Branches</h2><p class="muted">The link graph is drawn for records of up to ${GRAPH_LIMIT} events; this one has ${last}. The timeline lists each event's links.</p>`
  const skip = new Set<string>()
  const events: GraphEvent[] = linked.map((e) => ({
    id: e.id,
    sequence: e.sequence,
    action: e.action,
    label: payloadLabel(e.payload, skip),
    targets: Object.values(e.links)
      .flat()
      .map((l) => (typeof l === 'string' ? l : l.to)),
  }))
  const base = href('m', model.name, 'r', id)
  const pageOf = (sequence: number) => Math.floor((last - sequence) / EVENTS_PER_PAGE)
  return html`<h2>Branches</h2><div class="card">${linkGraph(events, (sequence) => `${base}${query({ page: pageOf(sequence), asOf: sequence })}#event-${sequence}`)}</div>`
}

/** The outgoing links of the events on the page, with the sequence each points at. */
async function pageLinks(
  source: StudioSource,
  model: StudioModel,
  entries: HistoryEntry[],
  linked: LinkedEventLike[] | null,
): Promise<Map<string, TimelineLink[]>> {
  const out = new Map<string, TimelineLink[]>()
  if (linked) {
    const sequenceOf = new Map(linked.map((e) => [e.id, e.sequence]))
    for (const e of linked) {
      const list = Object.entries(e.links).flatMap(([name, targets]) =>
        targets
          .map((t) => (typeof t === 'string' ? { name, to: t } : { name, to: t.to, type: t.type }))
          .map((l) => ({ ...l, sequence: sequenceOf.get(l.to) ?? 0 })),
      )
      out.set(
        e.id,
        list.sort((a, b) => b.sequence - a.sequence),
      )
    }
    return out
  }
  for (const entry of entries) {
    const links: { name: string; type?: string | number; to: string; event: { sequence: number } }[] = await source
      .delegate(model)
      .links(entry.id, { direction: 'outgoing' })
    out.set(
      entry.id,
      links.map((l) => ({ name: l.name, type: l.type, to: l.to, sequence: l.event.sequence })).sort((a, b) => b.sequence - a.sequence),
    )
  }
  return out
}

function clampInt(text: string | undefined, fallback: number): number {
  const n = Number(text)
  return text !== undefined && text !== '' && Number.isInteger(n) && n >= 0 ? n : fallback
}
