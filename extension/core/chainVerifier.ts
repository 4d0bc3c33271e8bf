/**
 * Walks a hashed event log in (recordId, sequence) order, one event at a time, and finds the first
 * break: an edited event (its hash no longer matches its content), a missing one (a gap in the
 * sequence), a duplicated one (two events at one place), a reordered one (its link to the previous
 * event is wrong). A log hashed with another key than the verifier's (or with a key while the
 * verifier has none) is not reported as edited: no event's hash matches, which is a set-up error
 * (SpectorConfigurationError) and says which key is missing. Against a checkpoint it
 * also finds what a chain alone cannot show: a record whose newest events were deleted
 * (truncated), a record whose events all vanished, and a history rewritten consistently.
 *
 * It holds one record at a time (and, to make a checkpoint, each record's leaf and hash prefix), so a log of any size streams through it.
 */
import { createHash } from 'node:crypto'
import { canonicalJson } from './canonicalJson.ts'
import type { StoredEvent } from './eventLog.ts'
import { SpectorConfigurationError } from './errors.ts'
import { chainFormat, sameBytes, toHex, type EventHasher, type HashAlgorithm } from './hashChain.ts'

export type ChainBreakKind = 'edited' | 'missing' | 'duplicated' | 'reordered' | 'truncated' | 'vanished'

export interface ChainBreak {
  kind: ChainBreakKind
  model: string | null
  recordId: string
  /** The event at fault, when there is one (none for a vanished record). */
  eventId: string | null
  sequence: number | null
  /** Lowercase hex. */
  expectedHash: string | null
  actualHash: string | null
  message: string
}

/** A small digest of the whole log at one moment, to keep outside the database. */
export interface Checkpoint {
  format: 'prisma-spector-checkpoint/1'
  algorithm: HashAlgorithm
  createdAt: string
  /** How many events and records the log held. */
  events: number
  records: number
  /** Merkle root (SHA-256, hex) over every record's newest (sequence, hash). */
  root: string
  /** Per record: [recordId, newest sequence, first 16 hex digits of its hash], sorted by recordId. */
  heads: [string, number, string][]
  /** Set when the checkpoint covers one evented model only. */
  model?: string
}

export type VerifyResult = { ok: true; events: number; records: number } | { ok: false; events: number; records: number; failure: ChainBreak }

interface Head {
  /** The event that is the head. */
  eventId: string
  recordId: string
  model: string
  sequence: number
  hash: Uint8Array
}

/** A closed chain's head as a checkpoint keeps it: its Merkle leaf and what `heads` lists. */
interface CollectedHead {
  recordId: string
  sequence: number
  prefix: string
  leaf: Buffer
}

export class ChainVerifier {
  private readonly hasher: EventHasher
  /** The checkpoint's heads; `seen` is set when the log has the record (a record never seen vanished). */
  private readonly against: Map<string, { sequence: number; prefix: string; seen: boolean }> | undefined
  private readonly checkpoint: Checkpoint | undefined
  private current: Head | undefined
  /** For a checkpoint: the hash each record had at the checkpoint's sequence. */
  private readonly atCheckpoint = new Map<string, { sequence: number; hash: Uint8Array }>()
  /** Compact (a leaf, not the event's hash bytes, which may be views of a whole page read). */
  private readonly heads: CollectedHead[] = []
  events = 0
  records = 0
  /** Events whose hash matched: none at all means the key is wrong, not that everything was edited. */
  private matched = 0
  /** The first hash mismatch, held while the next events show whether the key is the problem. */
  private unmatched: ChainBreak | undefined
  private probed = 0

  private readonly collectHeads: boolean

  /** Table mode: one chain through the whole log, ordered by position. */
  private readonly table: boolean

  /**
   * `collectHeads`: keep every record's head, to make a checkpoint afterwards (memory grows with
   * records). `chain: 'table'`: the events form one chain ordered by `position`, fed in that order.
   */
  constructor(hasher: EventHasher, options: { against?: Checkpoint; collectHeads?: boolean; chain?: 'record' | 'table' } = {}) {
    const against = options.against
    this.hasher = hasher
    this.table = options.chain === 'table'
    this.collectHeads = options.collectHeads ?? false
    this.checkpoint = against
    if (against) this.against = new Map(against.heads.map(([id, sequence, prefix]) => [id, { sequence, prefix, seen: false }]))
  }

  /** Feeds the next event; events must come ordered by recordId, then sequence. */
  push(event: StoredEvent): ChainBreak | null {
    this.events++
    // A chain is a record's events by sequence, or (table mode) the whole log by position.
    const chain = this.table ? tableChain : event.recordId
    const place = this.table ? (event.position ?? Number.NaN) : event.sequence
    const previous = this.current && this.current.recordId === chain ? this.current : undefined
    if (!previous) {
      const closed = this.closeRecord()
      if (closed) return closed
      this.records++
    }
    const expectedPlace = previous ? previous.sequence + 1 : 1
    if (previous && place === previous.sequence) {
      const where = this.table ? `position ${place} of the table chain` : `sequence ${place} of record ${event.recordId}`
      return this.held() ?? this.fail('duplicated', event, null, null, `events ${previous.eventId} and ${event.id} both claim ${where}`)
    }
    if (place !== expectedPlace) {
      return (
        this.held() ??
        this.fail(
          'missing',
          event,
          null,
          null,
          this.table
            ? `the events at positions ${expectedPlace}..${place - 1} of the table chain are missing (found ${event.id} at ${event.position})`
            : `events ${expectedPlace}..${place - 1} of record ${event.recordId} are missing`,
        )
      )
    }
    const expectedPrev = previous?.hash ?? null
    if (!sameBytes(event.prevHash, expectedPrev)) {
      return this.held() ?? this.fail('reordered', event, toHex(expectedPrev), toHex(event.prevHash), `event ${event.id} does not link to the event before it`)
    }
    const recomputed = this.hasher.hash(event, event.prevHash)
    let head: Uint8Array = recomputed
    if (!sameBytes(event.hash, recomputed)) {
      const failure = this.fail(
        'edited',
        event,
        toHex(recomputed),
        toHex(event.hash),
        event.hash ? `event ${event.id} was changed after it was written` : `event ${event.id} has no hash`,
      )
      if (!event.hash || this.matched || this.probed >= keyProbe) return this.held() ?? failure
      // Nothing has matched yet: look further before calling it an edit, following the stored hashes.
      this.unmatched ??= failure
      this.probed++
      head = event.hash
    } else {
      this.matched++
      const held = this.held()
      if (held) return held
    }
    this.current = { eventId: event.id, recordId: chain, model: event.model, sequence: place, hash: head }
    const mark = this.against?.get(chain)
    if (mark && mark.sequence === place) this.atCheckpoint.set(chain, { sequence: place, hash: Uint8Array.from(head) })
    return null
  }

  /** Call after the last event: closes the last record and checks the checkpoint, if any. */
  finish(): ChainBreak | null {
    const held = this.held()
    if (held) return held
    const closed = this.closeRecord()
    if (closed) return closed
    this.current = undefined
    if (!this.checkpoint || !this.against) return null
    for (const [recordId, mark] of this.against) {
      if (!mark.seen) {
        return this.failRecord('vanished', recordId, null, `record ${recordId} had ${mark.sequence} events at the checkpoint and has none now`)
      }
    }
    const leaves = [...this.atCheckpoint.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    const root = merkleRoot(leaves.map(([recordId, head]) => leaf(recordId, head.sequence, head.hash)))
    if (root !== this.checkpoint.root) {
      return this.failRecord(
        'edited',
        '(log)',
        null,
        'the log no longer matches the checkpoint: history was rewritten consistently (or the checkpoint was altered)',
        this.checkpoint.root,
        root,
      )
    }
    return null
  }

  /** The checkpoint of what was pushed (call after `finish`). */
  checkpointOf(createdAt = new Date()): Checkpoint {
    const heads = [...this.heads].sort((a, b) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0))
    return {
      format: 'prisma-spector-checkpoint/1',
      algorithm: this.hasher.algorithm,
      createdAt: createdAt.toISOString(),
      events: this.events,
      records: this.records,
      root: merkleRoot(heads.map((h) => h.leaf)),
      heads: heads.map((h) => [h.recordId, h.sequence, h.prefix]),
    }
  }

  /**
   * The held hash mismatch once it is decided: an edit if another event matched, a set-up error
   * (wrong or missing key) if none did. Undefined while nothing is held.
   */
  private held(): ChainBreak | undefined {
    const failure = this.unmatched
    if (!failure) return undefined
    if (this.matched) {
      this.unmatched = undefined
      return failure
    }
    const model = failure.model ?? '(log)'
    if (this.hasher.algorithm === 'sha256') {
      throw new SpectorConfigurationError(
        model,
        `no event's hash matches: this log is keyed and no key was given (pass hashKey; on the command line --hash-key or SPECTOR_HASH_KEY), or every event checked (${this.probed}) was edited`,
      )
    }
    throw new SpectorConfigurationError(
      model,
      `no event's hash matches with this hashKey: the key does not match the one the log was written with (or the log is not keyed; or every event checked (${this.probed}) was edited)`,
    )
  }

  private closeRecord(): ChainBreak | null {
    const head = this.current
    if (!head) return null
    if (this.collectHeads) {
      this.heads.push({
        recordId: head.recordId,
        sequence: head.sequence,
        prefix: toHex(head.hash)!.slice(0, 16),
        leaf: leaf(head.recordId, head.sequence, head.hash),
      })
    }
    const mark = this.against?.get(head.recordId)
    if (mark) {
      mark.seen = true
      if (head.sequence < mark.sequence) {
        const ends = this.table ? `the table chain ends at position ${head.sequence}` : `record ${head.recordId} ends at sequence ${head.sequence}`
        return this.failRecord('truncated', head.recordId, head.model, `${ends}; at the checkpoint it had ${mark.sequence} events (the newest were deleted)`)
      }
      const at = this.atCheckpoint.get(head.recordId)
      if (at && toHex(at.hash)!.slice(0, 16) !== mark.prefix) {
        const history = this.table ? `the table chain up to position ${mark.sequence}` : `record ${head.recordId}'s history up to sequence ${mark.sequence}`
        return this.failRecord(
          'edited',
          head.recordId,
          head.model,
          `${history} differs from the checkpoint (rewritten)`,
          mark.prefix,
          toHex(at.hash)!.slice(0, 16),
        )
      }
    }
    return null
  }

  private fail(kind: ChainBreakKind, event: StoredEvent, expected: string | null, actual: string | null, message: string): ChainBreak {
    return {
      kind,
      model: event.model,
      recordId: event.recordId,
      eventId: event.id,
      sequence: event.sequence,
      expectedHash: expected,
      actualHash: actual,
      message,
    }
  }

  private failRecord(
    kind: ChainBreakKind,
    recordId: string,
    model: string | null,
    message: string,
    expected: string | null = null,
    actual: string | null = null,
  ): ChainBreak {
    return { kind, model, recordId, eventId: null, sequence: null, expectedHash: expected, actualHash: actual, message }
  }
}

/** Hash mismatches looked at, with none matching, before the key is blamed rather than edits. */
const keyProbe = 20

/** The one chain of a table-wide log, in checkpoints and heads. */
export const tableChain = '*'

function leaf(recordId: string, sequence: number, hash: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(canonicalJson([chainFormat, recordId, sequence, toHex(hash)]), 'utf8')
    .digest()
}

/** A binary Merkle tree (an odd node is carried up as is); the empty tree's root is SHA-256 of nothing. */
export function merkleRoot(leaves: Buffer[]): string {
  if (!leaves.length) return createHash('sha256').digest('hex')
  let level = leaves
  while (level.length > 1) {
    const next: Buffer[] = []
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1]
      next.push(
        right
          ? createHash('sha256')
              .update(Buffer.from([1]))
              .update(level[i]!)
              .update(right)
              .digest()
          : level[i]!,
      )
    }
    level = next
  }
  return level[0]!.toString('hex')
}
