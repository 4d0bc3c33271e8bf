/**
 * The link tables of one event log, through a Prisma client (or transaction client): writing the
 * links a new event makes, loading the links of a record's events, and following links from an
 * event in either direction.
 */
import type { StoredEvent } from '../core/eventLog.ts'
import { linksOfEvent, type LinkRow } from '../core/eventLinks.ts'
import type { EventLinkMetadata, EventLogMetadata } from '../core/metadata.ts'
import { linkSelect, storedEventSelect } from './fullSelect.ts'
import { toStoredEvent } from './prismaEventLog.ts'
import { withTriggerErrors } from './triggerErrors.ts'
import type { Dialect } from '../dialects/dialect.ts'
import { eventTableOf, linkTableOf } from '../dialects/tables.ts'

type AnyClient = Record<string, any>

/** One link, seen from the event it was asked about. */
export interface EventLink {
  /** The link table's name (`@eventLinks(name=...)`). */
  name: string
  /** Typed links: what the link means. */
  type?: string | number
  /** `outgoing`: the event links to `event`; `incoming`: `event` links to it. */
  direction: 'outgoing' | 'incoming'
  /** The linking event and the event it points at. */
  from: string
  to: string
  /** The event at the other end. */
  event: StoredEvent
}

export interface LinksQuery {
  /** Default `both`. */
  direction?: 'outgoing' | 'incoming' | 'both'
  /** Only this link table. */
  name?: string
  /** Only links of this type (typed link tables). */
  type?: string | number
}

export class PrismaEventLinks {
  readonly tables: readonly EventLinkMetadata[]
  private readonly log: EventLogMetadata
  /** Per link table, the SQL that reads a record's links (needs the database's dialect). */
  private readonly sql: Map<string, string> | null

  constructor(log: EventLogMetadata, dialect?: Dialect) {
    this.log = log
    this.tables = log.links ?? []
    const events = eventTableOf(log)
    this.sql = dialect ? new Map(this.tables.map((t) => [t.name, dialect.recordLinks(events, linkTableOf(t))])) : null
  }

  async write(tx: AnyClient, batches: readonly { table: EventLinkMetadata; rows: readonly LinkRow[] }[]): Promise<void> {
    for (const { table, rows } of batches) {
      const data = rows.map((r) => ({ [table.from.name]: r.from, [table.to.name]: r.to, ...(table.type ? { [table.type.name]: r.type } : {}) }))
      await withTriggerErrors(table.model, 'createMany', () => tx[table.delegate].createMany({ data }))
    }
  }

  /** The events with the links each one made, in the shape `LinkedEvent` has. */
  async attach<E extends StoredEvent>(client: AnyClient, recordId: string, events: readonly E[]): Promise<(E & { links: Record<string, unknown> })[]> {
    const byEvent = new Map<string, Map<string, LinkRow[]>>()
    if (events.length) {
      for (const table of this.tables) {
        const rows = (await client.$queryRawUnsafe(this.sql!.get(table.name)!, recordId)) as { from: string; to: string; type?: string | number | bigint }[]
        for (const row of rows) add(byEvent, table, { from: row.from, to: row.to, type: typeof row.type === 'bigint' ? Number(row.type) : row.type })
      }
    }
    return events.map((event) => ({ ...event, links: linksOfEvent(this.tables, byEvent.get(event.id)) }))
  }

  /** The links some events made, by event id and link table (hash verification reads them a page at a time). */
  async ofEvents(client: AnyClient, eventIds: readonly string[]): Promise<Map<string, Map<string, LinkRow[]>>> {
    const byEvent = new Map<string, Map<string, LinkRow[]>>()
    for (const table of this.tables) {
      const rows: Record<string, unknown>[] = await client[table.delegate].findMany({
        where: { [table.from.name]: { in: eventIds } },
        select: linkSelect(table),
      })
      for (const row of rows) {
        add(byEvent, table, {
          from: row[table.from.name] as string,
          to: row[table.to.name] as string,
          type: table.type ? (row[table.type.name] as string | number) : undefined,
        })
      }
    }
    return byEvent
  }

  /** The links of an event, both ways, each with the event at the other end, in that event's order. */
  async query(client: AnyClient, eventId: string, options: LinksQuery = {}): Promise<EventLink[]> {
    const direction = options.direction ?? 'both'
    const found: Omit<EventLink, 'event'>[] = []
    for (const table of this.tables) {
      if (options.name !== undefined && options.name !== table.name) continue
      const typeFilter = options.type !== undefined && table.type ? { [table.type.name]: options.type } : {}
      if (options.type !== undefined && !table.type) continue
      const ends: ['outgoing' | 'incoming', string][] = []
      if (direction !== 'incoming') ends.push(['outgoing', table.from.name])
      if (direction !== 'outgoing') ends.push(['incoming', table.to.name])
      for (const [way, column] of ends) {
        const rows: Record<string, unknown>[] = await client[table.delegate].findMany({
          where: { [column]: eventId, ...typeFilter },
          select: linkSelect(table),
        })
        for (const row of rows) {
          found.push({
            name: table.name,
            ...(table.type ? { type: row[table.type.name] as string | number } : {}),
            direction: way,
            from: row[table.from.name] as string,
            to: row[table.to.name] as string,
          })
        }
      }
    }
    if (!found.length) return []
    const otherEnds = [...new Set(found.map((l) => (l.direction === 'outgoing' ? l.to : l.from)))]
    const events = new Map<string, StoredEvent>()
    for (const row of await client[this.log.delegate].findMany({ where: { id: { in: otherEnds } }, select: storedEventSelect(this.log) })) {
      events.set(row.id as string, toStoredEvent(row))
    }
    return found
      .map((l) => ({ ...l, event: events.get(l.direction === 'outgoing' ? l.to : l.from)! }))
      .filter((l) => l.event)
      .sort((a, b) => a.event.sequence - b.event.sequence || a.name.localeCompare(b.name))
  }
}

function add(byEvent: Map<string, Map<string, LinkRow[]>>, table: EventLinkMetadata, row: { from: string; to: string; type?: string | number }): void {
  let mine = byEvent.get(row.from)
  if (!mine) byEvent.set(row.from, (mine = new Map()))
  let list = mine.get(table.name)
  if (!list) mine.set(table.name, (list = []))
  list.push(table.type ? { from: row.from, to: row.to, type: row.type! } : { from: row.from, to: row.to })
}
