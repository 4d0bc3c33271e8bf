/**
 * The states a record page needs (before its timeline page, as of the chosen event, the latest),
 * folded through the library's `replay` and kept, for long records, at checkpoints between
 * requests.
 *
 * Why: without savepoints, the state before any page of a 100k-event record is a replay from event
 * 1, and a page needs two or three such states (about 1 s each). Here a request folds the log once,
 * in ascending order, each state resuming from the one before (`replay(id, { from, until })`), and
 * keeps the state at every `spacing`-th event; later pages, other records' pages and the record
 * after new events resume from the nearest checkpoint and fold at most `spacing` events.
 *
 * Why not a library option alone: `history({ from })` resumes from a state the caller holds, but
 * something must hold it between requests; a studio is one long process looking at a few records,
 * so it keeps them, bounded (`RECORDS_KEPT` records of at most ~`CHECKPOINTS_PER_RECORD` states).
 * Why not diffs from payloads: a custom action or a changeset's `apply` decides what an event does
 * to the state; only the fold knows, and "before" needs the state anyway.
 *
 * Correctness: a checkpoint is the state after the event at its sequence, and remembers that
 * event's id and hash. It is used only while that event is still there with the same id and hash
 * (one indexed read), so appended events keep every checkpoint (the log only grows), and a log
 * cut back, rewritten or re-chained from an edited event drops them. An event edited in place
 * without repairing its chain is invisible to any cheap check: such checkpoints are used for at
 * most `MAX_AGE_MS`; verifying the hash chain or the savepoints reads the log afresh and reports
 * the edit, and records shorter than one spacing are never cached (always read afresh).
 */
import type { StudioModel, StudioSource } from './studioSource.ts'

type State = Record<string, unknown>

/** Events between checkpoints (at least): one `replay` page (REPLAY_PAGE_SIZE) folds in ~40 ms. */
export const CHECKPOINT_SPACING = 5000
/** A longer record's checkpoints are spaced so that it holds about this many. */
export const CHECKPOINTS_PER_RECORD = 20
/** Records whose checkpoints are kept (the least recently used are dropped). */
export const RECORDS_KEPT = 16
/** A checkpoint older than this is folded again (bounds how long an in-place edit goes unseen). */
export const MAX_AGE_MS = 5 * 60_000

interface Checkpoint {
  sequence: number
  /** The id and hash (hex, '' when none) of the event at `sequence`, when it was folded. */
  eventId: string
  hash: string
  state: State | null
  takenAt: number
}

interface Cursor {
  sequence: number
  state: State | null
}

export interface RecordStatesOptions {
  /** Default CHECKPOINT_SPACING. */
  spacing?: number
  /** Default RECORDS_KEPT. */
  recordsKept?: number
  /** Default MAX_AGE_MS. */
  maxAgeMs?: number
  /** The clock (tests). */
  now?: () => number
}

/** What RecordStates reads: the library's `replay` (with `from`), and which event a sequence holds. */
export type StateSource = Pick<StudioSource, 'delegate' | 'eventAt'>

/** The events between checkpoints of a record with `last` events: a multiple of `spacing`, about CHECKPOINTS_PER_RECORD of them. */
export function checkpointSpacing(last: number, spacing = CHECKPOINT_SPACING): number {
  return Math.max(1, Math.ceil(last / (spacing * CHECKPOINTS_PER_RECORD))) * spacing
}

export class RecordStates {
  private readonly source: StateSource
  private readonly spacing: number
  private readonly recordsKept: number
  private readonly maxAgeMs: number
  private readonly now: () => number
  /** Per record (model and id), its checkpoints in sequence order; Map order is recency of use. */
  private readonly records = new Map<string, Checkpoint[]>()
  /** The request folding each record now. */
  private readonly running = new Map<string, Promise<unknown>>()

  constructor(source: StateSource, options: RecordStatesOptions = {}) {
    this.source = source
    this.spacing = options.spacing ?? CHECKPOINT_SPACING
    this.recordsKept = options.recordsKept ?? RECORDS_KEPT
    this.maxAgeMs = options.maxAgeMs ?? MAX_AGE_MS
    this.now = options.now ?? Date.now
  }

  /** How many checkpoints are kept, over all records (for tests). */
  get size(): number {
    let n = 0
    for (const list of this.records.values()) n += list.length
    return n
  }

  /**
   * The record's state after each of `sequences` (0: before its first event; each at most `last`,
   * the record's newest sequence), by sequence. One fold over the log from the nearest valid
   * checkpoint, whatever order the sequences come in.
   */
  async at(model: StudioModel, id: string, sequences: readonly number[], last: number): Promise<Map<number, State | null>> {
    const key = `${model.name}\u0000${id}`
    // One request at a time per record: a second one waits and then resumes from what the first kept.
    const run = (this.running.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => this.foldTo(key, model, id, sequences, last))
    this.running.set(key, run)
    try {
      return await run
    } finally {
      if (this.running.get(key) === run) this.running.delete(key)
    }
  }

  private async foldTo(key: string, model: StudioModel, id: string, sequences: readonly number[], last: number): Promise<Map<number, State | null>> {
    const list = this.records.get(key) ?? []
    this.records.delete(key)
    const spacing = checkpointSpacing(last, this.spacing)
    const out = new Map<number, State | null>()
    let cursor: Cursor = { sequence: 0, state: null }
    for (const target of [...new Set(sequences)].sort((a, b) => a - b)) {
      const kept = await this.nearestValid(model, id, list, target, cursor.sequence)
      if (kept) cursor = kept
      for (let next = (Math.floor(cursor.sequence / spacing) + 1) * spacing; next <= target && next < last; next += spacing) {
        cursor = await this.fold(model, id, cursor, next)
        const event = await this.source.eventAt(model, id, next)
        if (event) insert(list, { sequence: next, eventId: event.id, hash: event.hash, state: cursor.state, takenAt: this.now() })
      }
      if (target > cursor.sequence) cursor = await this.fold(model, id, cursor, target)
      out.set(target, cursor.state)
    }
    if (list.length) {
      this.records.set(key, list)
      while (this.records.size > this.recordsKept) this.records.delete(this.records.keys().next().value!)
    }
    return out
  }

  /**
   * The newest checkpoint at or before `target` and after `after` whose event is still the one it
   * was folded to; checkpoints found stale on the way are dropped (and, with them, every later one).
   */
  private async nearestValid(model: StudioModel, id: string, list: Checkpoint[], target: number, after: number): Promise<Cursor | null> {
    for (let i = list.length - 1; i >= 0; i--) {
      const checkpoint = list[i]!
      if (checkpoint.sequence > target) continue
      if (checkpoint.sequence <= after) return null
      const event = this.now() - checkpoint.takenAt <= this.maxAgeMs ? await this.source.eventAt(model, id, checkpoint.sequence) : null
      if (event && event.id === checkpoint.eventId && event.hash === checkpoint.hash) return checkpoint
      list.splice(i)
    }
    return null
  }

  private async fold(model: StudioModel, id: string, from: Cursor, until: number): Promise<Cursor> {
    const state: State | null = await this.source.delegate(model).replay(id, { from, until: { sequence: until } })
    return { sequence: until, state }
  }
}

/** Adds a checkpoint in sequence order (replacing one at the same sequence). */
function insert(list: Checkpoint[], checkpoint: Checkpoint): void {
  let i = list.length
  while (i > 0 && list[i - 1]!.sequence > checkpoint.sequence) i--
  if (i > 0 && list[i - 1]!.sequence === checkpoint.sequence) list[i - 1] = checkpoint
  else list.splice(i, 0, checkpoint)
}
