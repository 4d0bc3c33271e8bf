/**
 * A record's history as data: each event with the fields it changed, before → after. Computed by
 * folding the events through the changeset (the same step replay takes) and comparing consecutive
 * states with `sameValue`, so the values are Prisma's (Date, Decimal, bigint, bytes) and a custom
 * action shows what it did to the state, not what its payload said.
 */
import type { StoredEvent } from './eventLog.ts'
import type { EventedModel, State } from './eventedModel.ts'
import type { JsonValue } from './payloadCodec.ts'
import { sameValue } from './stateDiff.ts'

/** One field an event (or a span of events) changed. `after` is null when the event deleted the record. */
export interface FieldChange<S extends State = State> {
  field: keyof S & string
  before: unknown
  after: unknown
}

/** One event of a record's history. */
export interface HistoryEntry<S extends State = State> {
  /** The event's id. */
  id: string
  sequence: number
  action: string
  /** The schema version the event was written with. */
  version: number
  insertedAt: Date
  metadata: JsonValue | null
  /** Who wrote it: `metadata.actor`, when the metadata carries one. */
  actor: JsonValue | null
  /** The fields the event changed, in the model's field order. */
  changes: FieldChange<S>[]
}

/** The actor an event's metadata names (`{ actor: ... }`), or null. */
export function actorOf(metadata: JsonValue | null): JsonValue | null {
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) return null
  return (metadata as Record<string, JsonValue>).actor ?? null
}

/** The fields whose values differ between two states (a null state: the record does not exist). */
export function changedFields<S extends State>(fields: readonly string[], before: S | null, after: S | null): FieldChange<S>[] {
  const b = (before ?? {}) as Record<string, unknown>
  const a = (after ?? {}) as Record<string, unknown>
  const out: FieldChange<S>[] = []
  for (const field of fields) {
    const was = before ? b[field] : null
    const is = after ? a[field] : null
    if (before === null && after === null) continue
    if (!sameValue(was, is)) out.push({ field: field as keyof S & string, before: was ?? null, after: is ?? null })
  }
  return out
}

/**
 * Folds `events` (consecutive, oldest first) from `state`, the record's state before the first of
 * them, and returns an entry per event. With `fields`, only those fields are compared, and events
 * that changed none of them are left out.
 */
export function foldHistory<S extends State>(
  model: EventedModel<S>,
  recordId: string,
  state: S | null,
  events: Iterable<StoredEvent>,
  fields?: readonly string[],
): { entries: HistoryEntry<S>[]; state: S | null } {
  const compared = fields ?? model.metadata.fields.map((f) => f.name)
  const entries: HistoryEntry<S>[] = []
  let current = state
  for (const event of events) {
    const next = model.step(recordId, current, event)
    const changes = changedFields(compared, current, next)
    current = next
    if (fields && !changes.length) continue
    entries.push({
      id: event.id,
      sequence: event.sequence,
      action: event.action,
      version: event.version,
      insertedAt: event.insertedAt,
      metadata: event.metadata,
      actor: actorOf(event.metadata),
      changes,
    })
  }
  return { entries, state: current }
}
