/**
 * The branches a record's event links make, as a small SVG: one row per event in sequence order,
 * one column (lane) per branch. Links that another link already implies are left out (the
 * transitive reduction), so a conversation whose messages link to *every* ancestor, as in the
 * AI-chat guide, draws as the tree it is: each message under the one it answers.
 */
import { html, type Html } from './html.ts'

export interface GraphEvent {
  id: string
  sequence: number
  action: string
  /** What the node says: a short text from the payload. */
  label: string
  /** The events this one links to (any link table). */
  targets: string[]
}

/** For each event, the targets no other target of it already reaches. */
export function reduceLinks(events: GraphEvent[]): Map<string, string[]> {
  const targets = new Map(events.map((e) => [e.id, e.targets.filter((t) => t !== e.id)]))
  const reach = new Map<string, Set<string>>()
  const reachable = (id: string): Set<string> => {
    let set = reach.get(id)
    if (set) return set
    set = new Set()
    reach.set(id, set)
    for (const t of targets.get(id) ?? []) {
      set.add(t)
      for (const r of reachable(t)) set.add(r)
    }
    return set
  }
  const reduced = new Map<string, string[]>()
  for (const [id, ts] of targets)
    reduced.set(
      id,
      ts.filter((t) => !ts.some((other) => other !== t && reachable(other).has(t))),
    )
  return reduced
}

const ROW = 34
const LANE = 26
const colors = ['#3451b2', '#c2410c', '#15803d', '#9333ea', '#0e7490', '#b91c1c', '#4d7c0f']

export function linkGraph(events: GraphEvent[], linkOf: (sequence: number) => string): Html {
  const ordered = [...events].sort((a, b) => a.sequence - b.sequence)
  const parents = reduceLinks(ordered)
  const lane = new Map<string, number>()
  const continued = new Set<string>()
  let lanes = 0
  for (const e of ordered) {
    const parent = parents.get(e.id)?.find((p) => lane.has(p))
    // The first child continues its parent's lane; a later child (a new branch) opens a lane.
    if (parent !== undefined && !continued.has(parent)) {
      continued.add(parent)
      lane.set(e.id, lane.get(parent)!)
    } else lane.set(e.id, lanes++)
  }
  const index = new Map(ordered.map((e, i) => [e.id, i]))
  const x = (id: string) => 12 + lane.get(id)! * LANE
  const y = (id: string) => 16 + index.get(id)! * ROW
  const textX = 12 + Math.max(1, lanes) * LANE + 8
  const width = textX + 520
  const height = 32 + Math.max(0, ordered.length - 1) * ROW
  const edges = ordered.flatMap((e) =>
    (parents.get(e.id) ?? [])
      .filter((p) => index.has(p))
      .map((p) => {
        const [x1, y1, x2, y2] = [x(p), y(p), x(e.id), y(e.id)]
        const path = x1 === x2 ? `M${x1} ${y1} L${x2} ${y2}` : `M${x1} ${y1} C${x1} ${y1 + ROW * 0.8} ${x2} ${y2 - ROW * 0.8} ${x2} ${y2}`
        return html`<path class="edge" d="${path}"></path>`
      }),
  )
  const nodes = ordered.map((e) => {
    const color = colors[lane.get(e.id)! % colors.length]!
    return html`<a href="${linkOf(e.sequence)}" aria-label="event ${e.sequence} ${e.action}: ${e.label}">
      <circle cx="${x(e.id)}" cy="${y(e.id)}" r="7" fill="${color}"></circle>
      <text x="${textX}" y="${y(e.id) + 4}"><tspan font-weight="600">#${e.sequence} ${e.action}</tspan> ${e.label.length > 70 ? `${e.label.slice(0, 69)}…` : e.label}</text>
    </a>`
  })
  return html`<svg class="graph" role="group" aria-label="branches of the event links" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${edges}${nodes}</svg>
<p class="legend">${lanes} ${lanes === 1 ? 'branch' : 'branches'}; each event is drawn under the event it links to nearest (links implied by others are not drawn).</p>`
}

/** A short text for a node: the payload's string values, joined. */
export function payloadLabel(payload: Record<string, unknown>, skip: ReadonlySet<string>): string {
  return Object.entries(payload)
    .filter(([key, value]) => typeof value === 'string' && !skip.has(key) && !/^[0-9a-f-]{36}$/i.test(value))
    .map(([, value]) => value as string)
    .join(' · ')
}
