/**
 * The event log over the `@events` model, through a Prisma client (or transaction client) delegate.
 */
import type { EventLog, HistoryPoint, NewEvent, ReplayEvent, StoredEvent } from '../core/eventLog.ts'
import type { EventLogMetadata } from '../core/metadata.ts'
import type { JsonObject, JsonValue } from '../core/payloadCodec.ts'
import { storedEventSelect } from './fullSelect.ts'

/** The slice of a Prisma model delegate this file uses. */
export interface EventDelegate {
  findFirst(args: object): Promise<Record<string, unknown> | null>
  findMany(args: object): Promise<Record<string, unknown>[]>
  create(args: object): Promise<unknown>
}

export class HistoryPointNotFoundError extends Error {}

/** A resumed replay whose `until` lies before the point it resumes from. */
export class ResumePointAfterUntilError extends Error {}

/**
 * Per-record reads filter on recordId alone, which the unique (recordId, sequence) index serves;
 * the model is checked on the rows read (a record's events all carry its model). Filtering on
 * `model` in SQL invites PostgreSQL to combine the low-selectivity model index into every read.
 */
export class PrismaEventLog implements EventLog {
  private readonly events: EventDelegate
  /** Every column of an event, named (a client's global `omit` hides nothing from the log's reads). */
  private readonly stored: Record<string, true>

  constructor(events: EventDelegate, log: Pick<EventLogMetadata, 'chain'> = {}) {
    this.events = events
    this.stored = storedEventSelect(log)
  }

  /** The events replay needs, all in one array: the stream collected (see `streamForReplay`). */
  async readForReplay(model: string, recordId: string, until?: HistoryPoint): Promise<ReplayEvent[]> {
    const events: ReplayEvent[] = []
    for await (const page of this.streamForReplay(model, recordId, until)) for (const event of page) events.push(event)
    return events
  }

  /**
   * The events replay needs, page by page: from the newest savepoint (at or before `until`)
   * onwards, in sequence order, at most `pageSize` events a page. Each page is one `findMany` of
   * the next sequences (`sequence > last`, which the (recordId, sequence) index serves) and only
   * the columns replay uses, so memory stays at about a page whatever the history. A whole
   * history (no `until`, no `after`) is read newest first: when its newest `newestFirst` events
   * reach back to its first event or to a savepoint (a short history, a savepoint policy), that one
   * read is all; otherwise the newest savepoint is looked up and the pages read from there.
   *
   * Pages, not single events: an async generator's `yield` costs about half a microsecond, a
   * tenth of the time replay may spend on an event. `hashes: false` leaves the hash column out
   * (every `hash` is then null): a column of nulls still costs Prisma about 0.5-0.8 µs a row.
   *
   * With `after`, the stream starts after that sequence (or at a newer savepoint): a resumed replay.
   *
   * Not a snapshot: outside a transaction, events appended while the stream runs are read too
   * (the log only grows, so what is read is still the record's history up to some later point).
   */
  async *streamForReplay(
    model: string,
    recordId: string,
    until?: HistoryPoint,
    options: ReplayStreamOptions = {},
  ): AsyncGenerator<ReplayEvent[], void, undefined> {
    const pageSize = options.pageSize ?? REPLAY_PAGE_SIZE
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a whole number >= 1, got ${pageSize}`)
    const bound = await this.sequenceBound(model, recordId, until)
    const resumed = options.after ?? 0
    if (bound !== undefined && bound < resumed) throw new ResumePointAfterUntilError(`until (sequence ${bound}) comes before from (sequence ${resumed})`)
    if (bound === 0 || bound === resumed) return
    const selects = options.hashes === false ? withoutHashes : withHashes
    if (bound === undefined && !resumed) {
      // The whole history: its newest events first, in one read. When they reach back to the
      // record's first event or to a savepoint (a short history; a savepoint policy), they are
      // all replay needs; otherwise the savepoint lookup and the pages below.
      const take = Math.min(pageSize, options.newestFirst ?? NEWEST_FIRST)
      const newest = await this.events.findMany({ where: { recordId }, orderBy: { sequence: 'desc' }, take, select: selects.first })
      if (newest.length === 0 || newest[0]!.model !== model) return
      const savepointAt = newest.findIndex((row) => row.action === 'savepoint')
      if (savepointAt >= 0 || newest.length < take) {
        const from = savepointAt >= 0 ? savepointAt : newest.length - 1
        const page = new Array<ReplayEvent>(from + 1)
        for (let i = from; i >= 0; i--) page[from - i] = toReplayEvent(newest[i]!, recordId, model)
        yield page
        return
      }
    }
    const upTo = bound === undefined ? {} : { lte: bound }
    const savepoint = await this.events.findFirst({
      where: { recordId, action: 'savepoint', sequence: { ...upTo, ...(resumed ? { gt: resumed } : {}) } },
      orderBy: { sequence: 'desc' },
      select: { sequence: true },
    })
    let after = savepoint ? (savepoint.sequence as number) - 1 : resumed
    // The first page also reads `model`: a record id belongs to one model, so its first event says whose it is.
    let select: object = selects.first
    for (;;) {
      const rows = await this.events.findMany({
        where: { recordId, sequence: { gt: after, ...upTo } },
        orderBy: { sequence: 'asc' },
        take: pageSize,
        select,
      })
      if (rows.length === 0) return
      if (select === selects.first) {
        if (rows[0]!.model !== model) return
        select = selects.next
      }
      const page = new Array<ReplayEvent>(rows.length)
      for (let i = 0; i < rows.length; i++) page[i] = toReplayEvent(rows[i]!, recordId, model)
      after = page[page.length - 1]!.sequence
      yield page
      if (rows.length < pageSize || (bound !== undefined && after >= bound)) return
    }
  }

  async readAll(model: string, recordId: string, until?: HistoryPoint): Promise<StoredEvent[]> {
    const bound = await this.sequenceBound(model, recordId, until)
    if (bound === 0) return []
    const rows = await this.events.findMany({
      where: { recordId, sequence: bound === undefined ? {} : { lte: bound } },
      orderBy: { sequence: 'asc' },
      select: this.stored,
    })
    return ofModel(model, rows.map(toStoredEvent))
  }

  /**
   * The record's events after sequence `after`, up to `until`, at most `take` of them, ordered by
   * sequence: one page of a history (the (recordId, sequence) index serves it).
   */
  async readAfter(model: string, recordId: string, after: number, until?: HistoryPoint, take?: number): Promise<StoredEvent[]> {
    const bound = await this.sequenceBound(model, recordId, until)
    if (bound === 0 || take === 0) return []
    const rows = await this.events.findMany({
      where: { recordId, sequence: { gt: after, ...(bound === undefined ? {} : { lte: bound }) } },
      orderBy: { sequence: 'asc' },
      select: this.stored,
      ...(take === undefined ? {} : { take }),
    })
    return ofModel(model, rows.map(toStoredEvent))
  }

  /** The newest event of the record, or null. */
  async last(model: string, recordId: string): Promise<StoredEvent | null> {
    const row = await this.events.findFirst({ where: { recordId }, orderBy: { sequence: 'desc' }, select: this.stored })
    return row && row.model === model ? toStoredEvent(row) : null
  }

  async append(event: NewEvent): Promise<void> {
    await this.events.create({
      data: {
        id: event.id,
        recordId: event.recordId,
        model: event.model,
        action: event.action,
        payload: event.payload,
        version: event.version,
        sequence: event.sequence,
        hash: event.hash ?? null,
        prevHash: event.prevHash ?? null,
        ...(event.position === undefined || event.position === null ? {} : { position: event.position }),
        ...(event.metadata === null || event.metadata === undefined ? {} : { metadata: event.metadata }),
      },
      select: { id: true },
    })
  }

  /** The last sequence `until` allows: undefined for no bound, 0 when nothing is that old. */
  private async sequenceBound(model: string, recordId: string, until?: HistoryPoint): Promise<number | undefined> {
    if (!until) return undefined
    if ('sequence' in until) return until.sequence
    if ('eventId' in until) {
      const row = await this.events.findFirst({ where: { id: until.eventId, recordId }, select: { sequence: true, model: true } })
      if (!row || row.model !== model) throw new HistoryPointNotFoundError(`event ${until.eventId} is not an event of this record`)
      return row.sequence as number
    }
    const row = await this.events.findFirst({
      where: { recordId, insertedAt: { lte: until.at } },
      orderBy: { sequence: 'desc' },
      select: { sequence: true },
    })
    return (row?.sequence as number | undefined) ?? 0
  }
}

export interface ReplayStreamOptions {
  /** Events per page (per `findMany`); default `REPLAY_PAGE_SIZE`. */
  pageSize?: number
  /** A whole history: how many of its newest events to read first (default 128; see `NEWEST_FIRST`). */
  newestFirst?: number
  /** Read each event's hash (default true). False when the caller needs no hash: every `hash` is then null. */
  hashes?: boolean
  /**
   * Resume: only events after this sequence (a caller holds the state there), from the newest
   * savepoint after it when there is one.
   */
  after?: number
}

/**
 * Events a replay page reads at most, chosen with bench scenario 3 (which compares 500 to 10,000):
 * on 100k events, pages of 5,000 were the fastest on SQLite and about as fast as 10,000 on
 * PostgreSQL, where every page is a round trip (with pages of 1,000 replay there was slower than
 * with the single findMany it replaced). A page of the bench's Item holds about 1.4 MB.
 */
export const REPLAY_PAGE_SIZE = 5000

/**
 * How many of a record's newest events a whole-history replay reads first, unless told (a model's
 * `savepointEvery` + 1 holds its newest savepoint): a history this short, or with a savepoint among
 * them, replays from that one read; more would be read for nothing when neither is the case.
 */
const NEWEST_FIRST = 128

/** The columns replay uses; the record id and model are known (the model is checked on the first page). */
const columns = { id: true, action: true, payload: true, version: true, sequence: true }
const withHashes = { first: { ...columns, hash: true, model: true }, next: { ...columns, hash: true } }
const withoutHashes = { first: { ...columns, model: true }, next: columns }

/** A record id belongs to one model; events of another model's record read as none. */
function ofModel<E extends { model: string }>(model: string, events: E[]): E[] {
  return events.length && events[0]!.model !== model ? [] : events
}

/** Written out field by field (not spread from toStoredEvent): objects of one fixed shape keep the fold fast. */
export function toReplayEvent(row: Record<string, unknown>, recordId: string, model: string): ReplayEvent {
  return {
    id: row.id as string,
    recordId,
    model,
    action: row.action as string,
    payload: (row.payload ?? {}) as JsonObject,
    version: row.version as number,
    sequence: row.sequence as number,
    hash: (row.hash as Uint8Array | null) ?? null,
  }
}

export function toStoredEvent(row: Record<string, unknown>): StoredEvent {
  return {
    id: row.id as string,
    recordId: row.recordId as string,
    model: row.model as string,
    action: row.action as string,
    payload: (row.payload ?? {}) as JsonObject,
    version: row.version as number,
    sequence: row.sequence as number,
    insertedAt: row.insertedAt as Date,
    ...('position' in row ? { position: row.position as number | null } : {}),
    hash: (row.hash as Uint8Array | null) ?? null,
    prevHash: (row.prevHash as Uint8Array | null) ?? null,
    metadata: (row.metadata as JsonValue | null) ?? null,
  }
}
