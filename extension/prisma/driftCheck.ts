/**
 * The drift check (`check`): compares every row with the replay of its events and reports the
 * records that differ (a raw SQL edit is the way around the log that remains), rows without
 * events, and live records whose row is missing. Reads in batches; writes nothing.
 */
import type { EventedModel, State } from '../core/eventedModel.ts'
import { diffStates, type FieldDifference } from '../core/stateDiff.ts'
import { rowSelect } from './fullSelect.ts'
import { PrismaEventLog, type EventDelegate } from './prismaEventLog.ts'
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

/** The caller refuses log-only models first (they have no rows to compare). */
export async function checkDrift<S extends State>(model: EventedModel<S>, client: AnyClient, options: { batchSize?: number } = {}): Promise<DriftReport> {
  const meta = model.metadata
  const batchSize = options.batchSize ?? 500
  const { idField, delegate, eventName, events } = meta
  const fields = meta.fields.map((f) => f.name)
  const drifted: DriftedRecord[] = []
  const log = new PrismaEventLog(client[events.delegate] as EventDelegate, events)
  const select = rowSelect(meta)
  let checked = 0
  const seen = new Set<string>()
  for (let cursor: string | undefined; ; ) {
    const rows: Record<string, unknown>[] = await client[delegate].findMany({
      orderBy: { [idField]: 'asc' },
      take: batchSize,
      select,
      ...(cursor === undefined ? {} : { cursor: { [idField]: cursor }, skip: 1 }),
    })
    for (const row of rows) {
      const id = row[idField] as string
      seen.add(id)
      checked++
      const { state } = model.replay(id, await log.readForReplay(eventName, id))
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
    const inserts: { recordId: string }[] = await client[events.delegate].findMany({
      where: { model: eventName, sequence: 1, ...(cursor === undefined ? {} : { recordId: { gt: cursor } }) },
      select: { recordId: true },
      orderBy: { recordId: 'asc' },
      take: batchSize,
    })
    for (const { recordId } of inserts) {
      if (seen.has(recordId)) continue
      const last = await log.last(eventName, recordId)
      checked++
      if (last && last.action !== 'delete') drifted.push({ id: recordId, kind: 'missing-row', differences: [] })
    }
    if (inserts.length < batchSize) break
    cursor = inserts[inserts.length - 1]!.recordId
  }
  return { model: meta.name, checked, drifted }
}
