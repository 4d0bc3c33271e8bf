/**
 * Event links, as the core sees them: the links a new event makes are checked (known link table,
 * right shape, a known type, a target that is an earlier event of the same record) and turned
 * into rows; stored rows are turned back into the `links` of a `LinkedEvent`. No database.
 */
import type { EventLinks } from './changeset.ts'
import { SpectorValidationError, type FieldErrors } from './errors.ts'
import type { EventLinkMetadata } from './metadata.ts'

/** One row of a link table. */
export interface LinkRow {
  from: string
  to: string
  type?: string | number
}

/**
 * The rows each link table gets for the links `eventId` makes. `recordEvents` holds the ids of
 * the record's earlier events: a link to anything else is refused, naming the link table.
 */
export function linkRowsOf(
  model: string,
  action: string,
  tables: readonly EventLinkMetadata[],
  eventId: string,
  links: Partial<EventLinks> | undefined,
  recordEvents: ReadonlySet<string>,
): { table: EventLinkMetadata; rows: LinkRow[] }[] {
  if (links === undefined || links === null) return []
  const errors: FieldErrors = {}
  const fail = (key: string, message: string) => (errors[key] ??= []).push(message)
  if (typeof links !== 'object' || Array.isArray(links)) {
    throw new SpectorValidationError(model, action, { links: ['must be an object: { <link table name>: [...] }'] })
  }
  const out: { table: EventLinkMetadata; rows: LinkRow[] }[] = []
  for (const [name, values] of Object.entries(links)) {
    const key = `links.${name}`
    const table = tables.find((t) => t.name === name)
    if (!table) {
      fail(key, `is not a link table of ${model}'s event log (${tables.map((t) => t.name).join(', ') || 'it has none'})`)
      continue
    }
    if (values === undefined) continue
    if (!Array.isArray(values)) {
      fail(key, 'must be a list')
      continue
    }
    const rows: LinkRow[] = []
    const seen = new Set<string>()
    for (const value of values) {
      const row = toRow(table, eventId, value)
      if (typeof row === 'string') {
        fail(key, row)
        continue
      }
      if (row.to === eventId) fail(key, `event ${row.to} cannot link to itself`)
      else if (!recordEvents.has(row.to)) fail(key, `event ${row.to} is not an earlier event of this ${model} record (links join events of one record)`)
      const identity = `${row.to}\u0000${row.type ?? ''}`
      if (!seen.has(identity)) rows.push(row)
      seen.add(identity)
    }
    if (rows.length) out.push({ table, rows })
  }
  if (Object.keys(errors).length) throw new SpectorValidationError(model, action, errors)
  return out
}

function toRow(table: EventLinkMetadata, from: string, value: unknown): LinkRow | string {
  if (!table.type) {
    if (typeof value === 'string') return { from, to: value }
    return `${table.name} links are event ids (strings), got ${describe(value)}`
  }
  if (!value || typeof value !== 'object' || typeof (value as { to?: unknown }).to !== 'string') {
    return `${table.name} links are typed: { to: <event id>, type: <${table.type.name}> }, got ${describe(value)}`
  }
  const { to, type } = value as { to: string; type?: unknown }
  const ok = table.type.scalar === 'Int' ? Number.isInteger(type) : typeof type === 'string' && (!table.type.values || table.type.values.includes(type))
  if (!ok) {
    const expected = table.type.values ? `one of ${table.type.values.join(', ')}` : table.type.scalar === 'Int' ? 'a whole number' : 'a string'
    return `link type ${describe(type)} is not ${expected}`
  }
  return { from, to, type: type as string | number }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** The `links` of a stored event: every link table present, with what the event links to. */
export function linksOfEvent(tables: readonly EventLinkMetadata[], rows: ReadonlyMap<string, readonly LinkRow[]> | undefined): EventLinks {
  const links: Record<string, (string | { to: string; type: string | number })[]> = {}
  for (const table of tables) {
    const mine = rows?.get(table.name) ?? []
    links[table.name] = table.type ? mine.map((r) => ({ to: r.to, type: r.type! })) : mine.map((r) => r.to)
  }
  return links
}
