/**
 * The event log over the `@events` model, through a Prisma client (or transaction client) delegate.
 */
import type { EventLog, HistoryPoint, NewEvent, ReplayEvent, StoredEvent } from '../core/eventLog.ts'
import type { JsonObject, JsonValue } from '../core/payloadCodec.ts'

/** The slice of a Prisma model delegate this file uses. */
export interface EventDelegate {
  findFirst(args: object): Promise<Record<string, unknown> | null>
  findMany(args: object): Promise<Record<string, unknown>[]>
  create(args: object): Promise<unknown>
}

export class HistoryPointNotFoundError extends Error {}

/**
 * Per-record reads filter on recordId alone, which the unique (recordId, sequence) index serves;
 * the model is checked on the rows read (a record's events all carry its model). Filtering on
 * `model` in SQL invites PostgreSQL to combine the low-selectivity model index into every read.
 */
export class PrismaEventLog implements EventLog {
  private readonly events: EventDelegate

  constructor(events: EventDelegate) {
    this.events = events
  }

  async readForReplay(model: string, recordId: string, until?: HistoryPoint): Promise<ReplayEvent[]> {
    const bound = await this.sequenceBound(model, recordId, until)
    if (bound === 0) return []
    const upTo = bound === undefined ? {} : { lte: bound }
    const savepoint = await this.events.findFirst({
      where: { recordId, action: 'savepoint', sequence: upTo },
      orderBy: { sequence: 'desc' },
      select: { sequence: true },
    })
    const from = (savepoint?.sequence as number | undefined) ?? 1
    const rows = await this.events.findMany({
      where: { recordId, sequence: { gte: from, ...upTo } },
      orderBy: { sequence: 'asc' },
      select: replaySelect,
    })
    return ofModel(model, rows.map(toReplayEvent))
  }

  async readAll(model: string, recordId: string, until?: HistoryPoint): Promise<StoredEvent[]> {
    const bound = await this.sequenceBound(model, recordId, until)
    if (bound === 0) return []
    const rows = await this.events.findMany({ where: { recordId, sequence: bound === undefined ? {} : { lte: bound } }, orderBy: { sequence: 'asc' } })
    return ofModel(model, rows.map(toStoredEvent))
  }

  /** The newest event of the record, or null. */
  async last(model: string, recordId: string): Promise<StoredEvent | null> {
    const row = await this.events.findFirst({ where: { recordId }, orderBy: { sequence: 'desc' } })
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

const replaySelect = { id: true, recordId: true, model: true, action: true, payload: true, version: true, sequence: true, hash: true }

/** A record id belongs to one model; events of another model's record read as none. */
function ofModel<E extends { model: string }>(model: string, events: E[]): E[] {
  return events.length && events[0]!.model !== model ? [] : events
}

/** Written out field by field (not spread from toStoredEvent): objects of one fixed shape keep the fold fast. */
function toReplayEvent(row: Record<string, unknown>): ReplayEvent {
  return {
    id: row.id as string,
    recordId: row.recordId as string,
    model: row.model as string,
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
