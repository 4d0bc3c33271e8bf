/**
 * Materialize: writes a record's row from its log, re-creating a row deleted behind the library's
 * back or overwriting one edited there. No event is appended (the log already says what the row is).
 */
import type { State } from '../core/eventedModel.ts'
import type { RecordWriter } from './recordWriter.ts'
import type { AnyClient } from './spectorOptions.ts'

/**
 * The row is created when missing and updated otherwise, so `prepareMaterialization` runs once,
 * with the operation that is written (an upsert would need the data of both).
 */
export async function materialize<S extends State>(writer: RecordWriter<S>, client: AnyClient, id: string): Promise<unknown> {
  writer.refuseWithoutRows('materialize')
  const { delegate, idField } = writer.meta
  return writer.transact(client, id, async (tx) => {
    await writer.lock(tx, id)
    const { state } = await writer.replayFor(tx, id)
    const existing = await tx[delegate].findUnique({ where: { [idField]: id }, select: { [idField]: true } })
    return writer.writeRow(tx, existing ? 'update' : 'create', id, 'materialize', state, {})
  })
}
