/**
 * The optimistic path of a command on one record (issue 15): when this process wrote the record's
 * last state and saw that transaction commit, the command runs from that state without locking the
 * row or reading the log: the row is written, then the event is appended at the next sequence.
 * Where the call allows it, that is a direct write (directCommand.ts: one statement on PostgreSQL;
 * with spectorAdapter, one transaction of the library's own on SQLite and MySQL); otherwise one
 * Prisma transaction of four statements (BEGIN, UPDATE, INSERT, COMMIT) where the locked path
 * takes six.
 *
 * If another writer moved the record since (another process, or a transaction this one could not
 * see commit), the log's unique (recordId, sequence) key refuses the append and the whole
 * transaction rolls back; so does any other failure (the row gone, a state the changeset refuses).
 * The command then runs again on the locked path, which finds the record as it is and gives the
 * answer (and the error) the database state calls for. Only a lost connection is passed on as it
 * is (a SpectorConnectionError saying whether the COMMIT was sent), as the locked path does.
 *
 * On the direct-write path, a record this process does not know is read first, outside any
 * transaction (its committed events, from the newest savepoint), and written from what was read:
 * on PostgreSQL two round trips (three for a long history without a recent savepoint) where the
 * locked path takes seven.
 *
 * The row is written before the event: the locked path locks the row first, so an optimistic
 * writer that appended first and then waited on the row would deadlock against it.
 *
 * Not taken inside a caller's transaction (a refused append would abort the caller's transaction
 * on PostgreSQL), nor where the model cannot append without the log's lock or a read through the
 * transaction (RecordWriter.appendsOptimistically).
 */
import type { State } from '../core/eventedModel.ts'
import { SpectorConnectionError } from '../core/errors.ts'
import { RowWriteRewritten } from './ownRowWrite.ts'
import { isInsideTransaction } from './prismaCompat.ts'
import type { RecordWriter } from './recordWriter.ts'
import type { AnyClient, Args, ExecuteOptions } from './spectorOptions.ts'

/** Runs the command optimistically; `undefined` when the path does not apply or did not succeed (run the locked path). */
export async function runOptimistically<S extends State>(
  writer: RecordWriter<S>,
  client: AnyClient,
  recordId: string,
  action: string,
  data: Record<string, unknown>,
  rowArgs: Args,
  options: ExecuteOptions,
): Promise<{ row: unknown } | undefined> {
  if (!writer.appendsOptimistically || isInsideTransaction(client)) return undefined
  const known = writer.recent.committedEntry(recordId)
  const direct = writer.direct
  const route = direct && (await direct.serves(client, 'update', rowArgs))
  if (!known && !route) return undefined
  try {
    // A record this process does not know, on the direct-write path: read it (committed events
    // only, outside any transaction), then write; the key refuses the append if it moved meanwhile.
    const current = known
      ? { state: known.state, sequence: known.sequence, lastHash: known.hash, sinceSavepoint: known.sinceSavepoint }
      : await writer.replayFor(client, recordId)
    if (route && !writer.savepointDue(current.sinceSavepoint + 1)) {
      const done = await direct!.update(route, recordId, current, action, data, options)
      if (done) return done
      writer.recent.delete(recordId)
      return undefined
    }
    if (!known) return undefined
    const row = await writer.transact(
      client,
      recordId,
      async (tx) => {
        const { eventId, prepared } = writer.nextState(current, recordId, action, data, options)
        const sequence = current.sequence + 1
        const event = writer.newEvent(eventId, recordId, action, prepared.payload, sequence)
        const row = await writer.writeRow(tx, 'update', recordId, action, prepared.state, rowArgs)
        const hash = await writer.append(tx, event, current.lastHash)
        await writer.appendDueSavepoint(tx, recordId, prepared.state, { eventId, sequence, hash, sinceSavepoint: current.sinceSavepoint + 1 })
        return row
      },
      0,
    )
    return { row }
  } catch (error) {
    // A lost connection is not a stale state: the locked path would not run it again either.
    if (error instanceof SpectorConnectionError) throw error
    // Nor is an extension's rewrite of the row write: the command runs again with it at once
    // (extensionRewrites.ts), from the same state, which the rolled-back attempt did not change.
    if (error instanceof RowWriteRewritten) throw error
    // The locked path finds the record as it is now.
    writer.recent.delete(recordId)
    return undefined
  }
}
