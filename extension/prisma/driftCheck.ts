/**
 * The drift check (`check`): compares every row with the replay of its events and reports the
 * records that differ (a raw SQL edit is the way around the log that remains), rows without
 * events, and live records whose row is missing. Writes nothing.
 *
 * It streams: a page of rows at a time (keyset on the id), and for that page a handful of
 * queries instead of two per record: one finds each record's newest savepoint, then the events
 * from there on are read for the page's id range, `batchSize` x 10 events a query, and folded
 * per record as they arrive. Memory holds a page of rows, a page of events and the page's
 * replayed states, whatever the size of the log. The second pass (live records without a row)
 * reads the log's insert events a page at a time and asks which of them have rows.
 */
import type { EventedModel, State } from '../core/eventedModel.ts'
import type { ReplayEvent } from '../core/eventLog.ts'
import { diffStates, type FieldDifference } from '../core/stateDiff.ts'
import { rowSelect } from './fullSelect.ts'
import { toReplayEvent } from './prismaEventLog.ts'
import type { AnyClient } from './spectorOptions.ts'

/** A record whose row is not what its events say. */
export interface DriftedRecord {
  id: string
  /** `changed`: row and replay differ; `missing-row`: the log has a live record with no row; `no-events`: a row with no events. */
  kind: 'changed' | 'missing-row' | 'no-events'
  /** For `changed`: each differing field, expected (replay) and actual (row). */
  differences: FieldDifference[]
}

export interface DriftReport {
  model: string
  /** Rows and logged records looked at. */
  checked: number
  drifted: DriftedRecord[]
}

/** Events read per query while replaying a page of records, per row of the page (10 x 500 = 5,000 by default). */
const EVENTS_PER_ROW = 10
/** Record ids per query (the `in` list and the per-record savepoint conditions stay well under every database's parameter limit). */
const IDS_PER_QUERY = 500

/** The caller refuses log-only models first (they have no rows to compare). */
export async function checkDrift<S extends State>(model: EventedModel<S>, client: AnyClient, options: { batchSize?: number } = {}): Promise<DriftReport> {
  const meta = model.metadata
  const batchSize = options.batchSize ?? 500
  const { idField, delegate, eventName, events } = meta
  const fields = meta.fields.map((f) => f.name)
  const drifted: DriftedRecord[] = []
  const replayer = new PageReplayer(model, client[events.delegate], batchSize * EVENTS_PER_ROW)
  const select = rowSelect(meta)
  let checked = 0
  for (let cursor: string | undefined; ; ) {
    const rows: Record<string, unknown>[] = await client[delegate].findMany({
      orderBy: { [idField]: 'asc' },
      take: batchSize,
      select,
      ...(cursor === undefined ? {} : { cursor: { [idField]: cursor }, skip: 1 }),
    })
    const states = await replayer.replay(rows.map((row) => row[idField] as string))
    for (const row of rows) {
      const id = row[idField] as string
      checked++
      const state = states.get(id) ?? null
      if (!state) drifted.push({ id, kind: 'no-events', differences: [] })
      else {
        const differences = diffStates(fields, state as Record<string, unknown>, row)
        if (differences.length) drifted.push({ id, kind: 'changed', differences })
      }
    }
    if (rows.length < batchSize) break
    cursor = rows[rows.length - 1]![idField] as string
  }
  for (let cursor: string | undefined; ; ) {
    // Every record's first event, the model checked here: with `model` in the filter, SQLite walks the model index for every page.
    const inserts: { recordId: string; model: string }[] = await client[events.delegate].findMany({
      where: { sequence: 1, ...(cursor === undefined ? {} : { recordId: { gt: cursor } }) },
      select: { recordId: true, model: true },
      orderBy: { recordId: 'asc' },
      take: batchSize,
    })
    const ids = inserts.filter((i) => i.model === eventName).map((i) => i.recordId)
    const withRows = new Set<string>()
    // The rows in the page's id range first (a range scan; rows without events may fill it), then by id those not found there.
    const rowIds = (where: object, take?: number): Promise<Record<string, unknown>[]> =>
      client[delegate].findMany({ where, select: { [idField]: true }, ...(take ? { orderBy: { [idField]: 'asc' }, take } : {}) })
    if (ids.length)
      for (const row of await rowIds({ [idField]: { gte: ids[0], lte: ids[ids.length - 1] } }, ids.length * 2)) withRows.add(row[idField] as string)
    for (const chunk of chunks(ids.filter((id) => !withRows.has(id))))
      for (const row of await rowIds({ [idField]: { in: chunk } })) withRows.add(row[idField] as string)
    const withoutRows = ids.filter((id) => !withRows.has(id))
    const last = withoutRows.length ? await replayer.newestActions(withoutRows) : new Map<string, string>()
    for (const id of withoutRows) {
      checked++
      const action = last.get(id)
      if (action !== undefined && action !== 'delete') drifted.push({ id, kind: 'missing-row', differences: [] })
    }
    if (inserts.length < batchSize) break
    cursor = inserts[inserts.length - 1]!.recordId
  }
  return { model: meta.name, checked, drifted }
}

/** Replays the records of one page of rows together, each from its newest savepoint. */
class PageReplayer<S extends State> {
  private readonly model: EventedModel<S>
  private readonly events: AnyClient
  private readonly eventName: string
  private readonly eventPage: number
  /** Whether pages read their events by id range; off once a range read was mostly other records' events. */
  private byRange = true

  constructor(model: EventedModel<S>, events: AnyClient, eventPage: number) {
    this.model = model
    this.events = events
    this.eventPage = eventPage
    this.eventName = model.metadata.eventName
  }

  /**
   * The replayed state of each record (absent: no events, or the record's events are another
   * model's, which `replay` reads as none). Same fold as `replay`: from the newest savepoint on.
   *
   * `ids` come in the row table's order. The events are first read for the id range from the
   * first to the last (an index range scan: a list of 500 ids took PostgreSQL several times as
   * long), events of records outside the page skipped. Ids that range read found nothing for
   * (rows without events, a collation that orders the two tables differently) are read again by
   * id, exactly as `replay` reads them. Where the range holds mostly other records' events
   * (other models' records in a shared log, records without rows), later pages read by id only.
   * No filter on `model`: SQLite then scans the model index instead of the id range.
   */
  async replay(ids: string[]): Promise<Map<string, S | null>> {
    const states = new Map<string, S | null>()
    if (!ids.length) return states
    const wanted = new Set(ids)
    if (this.byRange) {
      const { read, skipped } = await this.readAndFold({ recordId: { gte: ids[0], lte: ids[ids.length - 1] } }, wanted, states)
      if (skipped * 2 > read) this.byRange = false
    }
    const unread = ids.filter((id) => !states.has(id))
    for (const chunk of chunks(unread)) await this.readAndFold({ recordId: { in: chunk } }, wanted, states)
    return states
  }

  /** Reads the events in `scope` (each wanted record from its newest savepoint) a page at a time, and folds those of wanted records. */
  private async readAndFold(scope: Record<string, unknown>, wanted: Set<string>, states: Map<string, S | null>): Promise<{ read: number; skipped: number }> {
    const start = await this.savepoints(scope, wanted)
    const clauses: Record<string, unknown>[] = [start.size ? { AND: [scope, { recordId: { notIn: [...start.keys()] } }] } : scope]
    for (const [recordId, sequence] of start) clauses.push({ recordId, sequence: { gte: sequence } })
    const where = clauses.length === 1 ? clauses[0]! : { OR: clauses }
    /** Records whose first event read belongs to another model. */
    const foreign = new Set<string>()
    let read = 0
    let skipped = 0
    for (let after: Record<string, unknown> | undefined; ; ) {
      const rows: Record<string, unknown>[] = await this.events.findMany({
        where: after ? { AND: [where, { OR: afterKey(after) }] } : where,
        orderBy: [{ recordId: 'asc' }, { sequence: 'asc' }, { id: 'asc' }],
        take: this.eventPage,
        select: eventColumns,
      })
      read += rows.length
      skipped += this.fold(rows, wanted, states, foreign)
      if (rows.length < this.eventPage) return { read, skipped }
      after = rows[rows.length - 1]!
    }
  }

  /** The action of each record's newest event (records of other models left out). */
  async newestActions(ids: string[]): Promise<Map<string, string>> {
    const actions = new Map<string, string>()
    for (const chunk of chunks(ids)) {
      const newest: { recordId: string; _max: { sequence: number | null } }[] = await this.events.groupBy({
        by: ['recordId'],
        where: { recordId: { in: chunk } },
        _max: { sequence: true },
      })
      if (!newest.length) continue
      const rows: { recordId: string; model: string; action: string }[] = await this.events.findMany({
        where: { OR: newest.map((n) => ({ recordId: n.recordId, sequence: n._max.sequence })) },
        select: { recordId: true, model: true, action: true },
      })
      for (const row of rows) if (row.model === this.eventName) actions.set(row.recordId, row.action)
    }
    return actions
  }

  /** Each wanted record's newest savepoint sequence in `scope` (records without one left out). */
  private async savepoints(scope: Record<string, unknown>, wanted: Set<string>): Promise<Map<string, number>> {
    const found: { recordId: string; _max: { sequence: number | null } }[] = await this.events.groupBy({
      by: ['recordId'],
      where: { AND: [scope, { action: 'savepoint' }] },
      _max: { sequence: true },
    })
    return new Map(found.filter((f) => f._max.sequence !== null && wanted.has(f.recordId)).map((f) => [f.recordId, f._max.sequence!]))
  }

  /**
   * Folds a page of events (ordered by record, then sequence) into the wanted records' states, a
   * run of one record's events at a time. Returns how many events were of records not wanted.
   */
  private fold(rows: Record<string, unknown>[], wanted: Set<string>, states: Map<string, S | null>, foreign: Set<string>): number {
    let skipped = 0
    for (let start = 0; start < rows.length; ) {
      const recordId = rows[start]!.recordId as string
      let end = start + 1
      while (end < rows.length && rows[end]!.recordId === recordId) end++
      if (!wanted.has(recordId)) {
        skipped += end - start
        start = end
        continue
      }
      const seen = states.has(recordId)
      if (!seen && rows[start]!.model !== this.eventName) foreign.add(recordId)
      if (!foreign.has(recordId)) {
        const run = new Array<ReplayEvent>(end - start)
        for (let i = start; i < end; i++) run[i - start] = toReplayEvent(rows[i]!, recordId, this.eventName)
        states.set(recordId, this.model.replay(recordId, run, states.get(recordId) ?? null).state)
      } else states.set(recordId, null)
      start = end
    }
    return skipped
  }
}

const eventColumns = { id: true, recordId: true, model: true, action: true, payload: true, version: true, sequence: true }

/** Events strictly after `last` in (recordId, sequence, id) order. */
function afterKey(last: Record<string, unknown>): Record<string, unknown>[] {
  return [
    { recordId: { gt: last.recordId } },
    { recordId: last.recordId, sequence: { gt: last.sequence } },
    { recordId: last.recordId, sequence: last.sequence, id: { gt: last.id } },
  ]
}

function* chunks(ids: string[]): Generator<string[]> {
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) yield ids.slice(i, i + IDS_PER_QUERY)
}
