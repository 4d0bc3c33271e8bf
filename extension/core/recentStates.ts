/**
 * The states this process last wrote, per record: a command on a record it wrote recently skips
 * the replay when the record's newest event is still the one it wrote (events never change, and
 * event ids are unique, so the same newest event means the same state). A command that rolled
 * back left an entry whose event does not exist; it never matches, and replay happens as usual.
 *
 * An entry is marked committed once the transaction that wrote it has committed (only a
 * transaction prisma-spector opened itself is known to have). A committed entry is what the
 * optimistic path (recordCommands.ts) starts from without reading the database: if another
 * writer moved the record since, the event's (recordId, sequence) key refuses the append.
 *
 * States are kept as private copies and handed out as fresh copies, so neither a changeset nor
 * the caller can change what is kept. Least recently used entries go first. No database here.
 */

export interface RecentState<S> {
  /** The newest event the state includes. */
  eventId: string
  sequence: number
  hash: Uint8Array | null
  /** Events since the newest savepoint (the savepoint policy counts them). */
  sinceSavepoint: number
  state: S
  /** Set once the transaction that wrote it committed. */
  committed?: boolean
}

export class RecentStates<S> {
  private readonly entries = new Map<string, RecentState<S>>()
  readonly capacity: number

  constructor(capacity: number) {
    this.capacity = capacity
  }

  /** The entry of a record, if its newest event is `newestEventId`; a copy of the state. */
  get(recordId: string, newestEventId: string | undefined): RecentState<S> | undefined {
    const entry = this.entries.get(recordId)
    if (!entry) return undefined
    if (entry.eventId !== newestEventId) {
      this.entries.delete(recordId)
      return undefined
    }
    // Map order is insertion order: re-inserting marks it most recently used.
    this.entries.delete(recordId)
    this.entries.set(recordId, entry)
    return { ...entry, state: copyState(entry.state) }
  }

  /** Whether the record has an entry at all (then its newest event is worth reading). */
  has(recordId: string): boolean {
    return this.entries.has(recordId)
  }

  /** The entry of a record, when the transaction that wrote it committed; a copy of the state. */
  committedEntry(recordId: string): RecentState<S> | undefined {
    const entry = this.entries.get(recordId)
    return entry?.committed ? { ...entry, state: copyState(entry.state) } : undefined
  }

  /** Marks a record's entry committed, if it is still the one written with `eventId`. */
  markCommitted(recordId: string, eventId: string): void {
    const entry = this.entries.get(recordId)
    if (entry?.eventId === eventId) entry.committed = true
  }

  /** Keeps a record's state, not (yet) committed. */
  set(recordId: string, entry: RecentState<S>): void {
    if (this.capacity <= 0) return
    this.entries.delete(recordId)
    this.entries.set(recordId, { ...entry, committed: false, state: copyState(entry.state) })
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!)
  }

  delete(recordId: string): void {
    this.entries.delete(recordId)
  }
}

/** A deep copy of plain objects, arrays, Dates and byte arrays; other objects (Decimal) are immutable and shared. */
export function copyState<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(copyState) as T
  if (value instanceof Date) return new Date(value.getTime()) as T
  if (value instanceof Uint8Array) return new Uint8Array(value) as T
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) out[key] = copyState(v)
  return out as T
}
