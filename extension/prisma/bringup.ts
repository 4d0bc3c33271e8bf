/**
 * Bringup: importing the rows a model had before it was evented. For each row without events, in
 * one transaction, an insert event (or a custom action) and a row under the new record id, with
 * `transfer` to re-point what referenced the old row; or, with `keepIds`, the row keeps its id.
 */
import { uuidv7 } from 'uuidv7'
import type { State } from '../core/eventedModel.ts'
import { SpectorUnsupportedWriteError } from '../core/errors.ts'
import { rowSelect } from './fullSelect.ts'
import { ownRowWrite } from './ownRowWrite.ts'
import type { RecordWriter } from './recordWriter.ts'
import type { AnyClient } from './spectorOptions.ts'

export interface BringupOptions {
  /** The action of each imported record's first event: `insert` (default) or a custom action such as `import`. */
  action?: string
  /** The attrs of the first event, from the legacy row. Default: every field but the id (timestamps kept). */
  attrs?: (row: Record<string, any>) => Record<string, unknown> | Promise<Record<string, unknown>>
  /** Re-points what referenced the old row (foreign keys) to the new record, before the old row is deleted. */
  transfer?: (tx: any, oldRow: Record<string, any>, newRecord: Record<string, any>) => unknown
  /** Keep each row and its id (the record id is then not its first event's id): nothing to transfer. */
  keepIds?: boolean
  /** Called before the first record and after each one. */
  onProgress?: (progress: { done: number; total: number }) => void
  /** Rows read per query while looking for rows without events. Default 500. */
  batchSize?: number
}

export interface BringupResult {
  count: number
  /** Each imported row's old id and its record id. */
  records: { previousId: string; id: string }[]
}

/**
 * Imports rows that have no events (written before the model was evented): for each, in one
 * transaction, an insert event (or `action`) from `attrs(row)` (default: every field but the
 * id, timestamps included, so they survive) and a row under the new record id; `transfer`
 * re-points whatever referenced the old id, then the old row is deleted. With `keepIds`, the
 * record keeps its row and id instead (nothing to transfer).
 */
export async function bringup<S extends State>(writer: RecordWriter<S>, client: AnyClient, options: BringupOptions = {}): Promise<BringupResult> {
  writer.refuseWithoutRows('bringup')
  const action = options.action ?? 'insert'
  if (action !== 'insert') writer.model.assertCustomAction(action)
  const { idField, delegate } = writer.meta
  return writer.transact(client, undefined, async (tx) => {
    const legacy = await rowsWithoutEvents(writer, tx, options.batchSize ?? 500)
    const records: { previousId: string; id: string }[] = []
    options.onProgress?.({ done: 0, total: legacy.length })
    for (const oldId of legacy) {
      // Every field, whatever the client's global omit: the row is imported whole.
      const row = (await tx[delegate].findUnique({ where: { [idField]: oldId }, select: rowSelect(writer.meta) })) as Record<string, unknown>
      const data = options.attrs ? await options.attrs(row) : legacyAttrs(writer, row)
      const clean = writer.data.writableData('bringup', data)
      if (options.keepIds) {
        const eventId = uuidv7()
        const prepared = writer.model.prepare(null, action, clean, { recordId: oldId, eventId, now: new Date() })
        const event = await writer.prepareEvent(writer.newEvent(eventId, oldId, action, prepared.payload, 1), [], clean, null, prepared.state)
        await writer.append(tx, event, null)
        await writer.writeLinks(tx, event)
        await writer.writeRow(tx, 'update', oldId, action, prepared.state, {})
        records.push({ previousId: oldId, id: oldId })
      } else {
        const created = (await writer.insertIn(tx, clean, {}, action)) as Record<string, unknown>
        const id = created[idField] as string
        await options.transfer?.(tx, row, created)
        try {
          await ownRowWrite(tx, delegate, 'delete', { where: { [idField]: oldId }, select: { [idField]: true } })
        } catch (error) {
          if ((error as { code?: string }).code !== 'P2003') throw error
          throw new SpectorUnsupportedWriteError(
            writer.meta.name,
            'bringup',
            `the old row ${oldId} is still referenced (${(error as Error).message.trim().split('\n').at(-1)}); re-point the references in transfer(tx, oldRow, newRecord), or import with keepIds: true`,
          )
        }
        records.push({ previousId: oldId, id })
      }
      options.onProgress?.({ done: records.length, total: legacy.length })
    }
    return { count: records.length, records }
  })
}

/** Which rows have no events: rows in id order, batch by batch, against the log's first events. */
async function rowsWithoutEvents(writer: RecordWriter<any>, tx: AnyClient, batchSize: number): Promise<string[]> {
  const { idField, delegate, eventName, events } = writer.meta
  const legacy: string[] = []
  for (let cursor: string | undefined; ; ) {
    const rows: Record<string, unknown>[] = await tx[delegate].findMany({
      select: { [idField]: true },
      orderBy: { [idField]: 'asc' },
      take: batchSize,
      ...(cursor === undefined ? {} : { cursor: { [idField]: cursor }, skip: 1 }),
    })
    const ids = rows.map((r) => r[idField] as string)
    const logged = new Set(
      (
        (await tx[events.delegate].findMany({ where: { recordId: { in: ids }, sequence: 1, model: eventName }, select: { recordId: true } })) as {
          recordId: string
        }[]
      ).map((e) => e.recordId),
    )
    legacy.push(...ids.filter((id) => !logged.has(id)))
    if (rows.length < batchSize) break
    cursor = ids[ids.length - 1]
  }
  return legacy
}

/** bringup's default attrs: every field of the row but the id. */
function legacyAttrs(writer: RecordWriter<any>, row: Record<string, unknown>): Record<string, unknown> {
  const attrs = writer.model.pickFields(row)
  delete attrs[writer.meta.idField]
  return attrs
}
