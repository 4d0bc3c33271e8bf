/**
 * The options of the client extension and of its commands: the public types every part of the
 * write path reads, kept apart from the code so that the parts can share them without a cycle.
 */
import type { ContextOptions } from './requestContext.ts'

export interface SpectorOptions<Meta = unknown> extends ContextOptions<Meta> {
  /** The @events model `$spector.feed()` reads, when several logs have a feed. */
  feedEvents?: string
  /** How often a command is retried after another writer took the record's next sequence. Default 5. */
  maxRetries?: number
  /** Options for the transactions prisma-spector opens itself (not used inside a caller's transaction). */
  transactionOptions?: { maxWait?: number; timeout?: number; isolationLevel?: string }
  /**
   * A secret for hashed event logs (`@events(hashed=true)`): hashes become HMAC-SHA-256, so someone
   * who can write to the database but lacks the key cannot forge a consistent chain. At least 16 bytes.
   */
  hashKey?: string | Uint8Array
  /**
   * The savepoint policy: after every N events of a record, append a savepoint, so that replay
   * (and so every command) reads at most about N events. `@evented(savepointEvery=N)` sets it per model.
   */
  savepointEvery?: number
  /**
   * How many records' latest states each model keeps in memory (default 1000; 0 turns it off). A
   * command on a record this process wrote last skips the replay: one indexed read confirms that
   * the record's newest event is still the one written with that state.
   */
  stateCacheSize?: number
  /**
   * The optimistic path (default on): a command on a record whose last state this process wrote
   * and saw committed writes the row and appends the event without locking the row or reading the
   * log first; the (recordId, sequence) key refuses it if another writer moved the record, and it
   * then runs on the locked path. `false` takes the locked path always.
   */
  optimistic?: boolean
}

export interface ExecuteOptions {
  /** Optimistic concurrency: fail with `SpectorConflictError` unless the record's last sequence is this. */
  expectedSequence?: number
}

/** A Prisma client or transaction client, as the extension's model methods receive it (`$parent`). */
export type AnyClient = Record<string, any>
/** A Prisma operation's arguments. */
export type Args = Record<string | symbol, any>
