/**
 * Materialize: writes a record's row from its log, re-creating a row deleted behind the library's
 * back or overwriting one edited there. No event is appended (the log already says what the row is).
 */
import type { State } from '../core/eventedModel.ts'
import { ownRowWrite } from './ownRowWrite.ts'
import type { RecordWriter } from './recordWriter.ts'
import type { AnyClient } from './spectorOptions.ts'

export async function materialize<S extends State>(writer: RecordWriter<S>, client: AnyClient, id: string): Promise<unknown> {
  writer.refuseWithoutRows('materialize')
  return writer.transact(client, id, async (tx) => {
    await writer.lock(tx, id)
    const { state } = await writer.replayFor(tx, id)
    return ownRowWrite(tx, writer.meta.delegate, 'upsert', {
      where: { [writer.meta.idField]: id },
      create: await writer.materializationData(tx, 'create', id, 'materialize', state),
      update: await writer.materializationData(tx, 'update', id, 'materialize', state),
    })
  })
}
