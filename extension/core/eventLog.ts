/**
 * The event log as the core sees it: rows that are only ever appended, read back per record in
 * sequence order. The Prisma binding implements `EventLog` over the `@events` model.
 */
import type { JsonObject, JsonValue } from './payloadCodec.ts'

export interface StoredEvent {
  id: string
  recordId: string
  /** The evented model's stable name. */
  model: string
  action: string
  payload: JsonObject
  /** The schema version the event was written with. */
  version: number
  /** 1, 2, 3... per record, without gaps. */
  sequence: number
  insertedAt: Date
  /** The place in a table-wide chain (`@events(chain=table)`); absent otherwise. */
  position?: number | null
  hash: Uint8Array | null
  prevHash: Uint8Array | null
  metadata: JsonValue | null
}

/** What replay reads of an event: its content, not its bookkeeping (time, links, metadata). */
export type ReplayEvent = Pick<StoredEvent, 'id' | 'recordId' | 'model' | 'action' | 'payload' | 'version' | 'sequence' | 'hash'>

export type NewEvent = Omit<StoredEvent, 'insertedAt' | 'hash' | 'prevHash'> & {
  hash?: Uint8Array | null
  prevHash?: Uint8Array | null
}

/** A point in a record's history: an event id, a sequence number, or a time (inclusive). */
export type HistoryPoint = { eventId: string } | { sequence: number } | { at: Date }

export interface EventLog {
  /**
   * The events replay needs: from the newest savepoint (at or before `until`) onwards, ordered by
   * sequence. All of them when there is no savepoint.
   */
  readForReplay(model: string, recordId: string, until?: HistoryPoint): Promise<ReplayEvent[]>
  /** Every event of the record, ordered by sequence. */
  readAll(model: string, recordId: string, until?: HistoryPoint): Promise<StoredEvent[]>
  /** Appends one event. Fails with a unique violation when its sequence is taken. */
  append(event: NewEvent): Promise<void>
}
