/**
 * Typed errors with stable codes. Every message names the model (and field or action) at fault.
 * Catch `SpectorError` for all of them, or a subclass for one kind; `code` never changes meaning.
 */
import type { ChainBreak } from './chainVerifier.ts'
import type { FieldErrors } from './fieldErrors.ts'

export type SpectorErrorCode =
  | 'SPECTOR_VALIDATION'
  | 'SPECTOR_NOT_FOUND'
  | 'SPECTOR_ID_NOT_ALLOWED'
  | 'SPECTOR_UNKNOWN_ACTION'
  | 'SPECTOR_UNSUPPORTED_WRITE'
  | 'SPECTOR_CONFLICT'
  | 'SPECTOR_CONNECTION'
  | 'SPECTOR_REPLAY'
  | 'SPECTOR_CONFIGURATION'
  | 'SPECTOR_HASH_CHAIN'
  | 'SPECTOR_SAVEPOINT'

export abstract class SpectorError extends Error {
  abstract readonly code: SpectorErrorCode
  /** The Prisma model the error is about. */
  readonly model: string

  constructor(model: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.model = model
    this.name = new.target.name
  }
}

export type { FieldErrors }

/** `name: is required; value: expected a number`. */
function describe(errors: FieldErrors): string {
  return Object.entries(errors)
    .map(([field, messages]) => `${field}: ${messages.join(', ')}`)
    .join('; ')
}

/** A command's attrs were rejected by the payload schema or by the changeset. Nothing was written. */
export class SpectorValidationError extends SpectorError {
  readonly code = 'SPECTOR_VALIDATION' as const
  readonly action: string
  readonly errors: FieldErrors

  constructor(model: string, action: string, errors: FieldErrors) {
    super(model, `${model}.${action} rejected: ${describe(errors)}`)
    this.action = action
    this.errors = errors
  }

  /** The names of the fields that were rejected. */
  get fields(): string[] {
    return Object.keys(this.errors)
  }
}

/** The record does not exist or was deleted (Prisma's P2025 meaning). */
export class SpectorNotFoundError extends SpectorError {
  readonly code = 'SPECTOR_NOT_FOUND' as const
  /** Prisma's code for the same situation, for code that already handles P2025. */
  readonly prismaCode = 'P2025'
  readonly recordId: string | undefined
  readonly reason: 'no-events' | 'deleted' | 'no-row'

  constructor(model: string, recordId: string | undefined, reason: 'no-events' | 'deleted' | 'no-row', detail?: string) {
    const why =
      reason === 'deleted'
        ? 'was deleted'
        : reason === 'no-row'
          ? 'was not found'
          : 'has no events (a row written before prisma-spector? import it with bringup)'
    const what = recordId === undefined ? `No ${model} record matches` : `${model} ${recordId} ${why}`
    super(model, `${what}${detail ? `: ${detail}` : ''}`)
    this.recordId = recordId
    this.reason = reason
  }
}

/** The caller supplied the primary key; prisma-spector assigns it (the id of the record's first event). */
export class SpectorIdNotAllowedError extends SpectorError {
  readonly code = 'SPECTOR_ID_NOT_ALLOWED' as const
  readonly field: string

  constructor(model: string, field: string) {
    super(model, `${model}.${field} is assigned by prisma-spector (the id of the record's first event); remove it from the data`)
    this.field = field
  }
}

/** `execute` was called with an action the model does not declare. */
export class SpectorUnknownActionError extends SpectorError {
  readonly code = 'SPECTOR_UNKNOWN_ACTION' as const
  readonly action: string

  constructor(model: string, action: string, known: readonly string[]) {
    const list = known.length ? known.join(', ') : 'none declared'
    super(model, `${model} has no action "${action}" (custom actions: ${list}; add it to @evented(actions=[...]))`)
    this.action = action
  }
}

/** A write that would bypass the event log, so it was refused before anything was written. */
export class SpectorUnsupportedWriteError extends SpectorError {
  readonly code = 'SPECTOR_UNSUPPORTED_WRITE' as const
  readonly operation: string
  /** The field or relation path at fault, when there is one. */
  readonly path: string | undefined

  constructor(model: string, operation: string, reason: string, path?: string) {
    super(model, `${model}.${operation} refused: ${reason}`)
    this.operation = operation
    this.path = path
  }
}

/**
 * What a conflict was: another writer took the record's next sequence, an expected sequence did
 * not match, the database aborted the transaction as a deadlock victim or on a serialization
 * failure, or (SQLite) another connection held the write lock too long.
 */
export type ConflictReason = 'sequence' | 'expected-sequence' | 'deadlock' | 'serialization' | 'busy'

/**
 * A command lost a race and wrote nothing: in a transaction prisma-spector opened, after its
 * retries; inside a caller's transaction, at once (never retried there: the caller's transaction
 * must roll back and run again). `cause` is the database's error, when there is one.
 */
export class SpectorConflictError extends SpectorError {
  readonly code = 'SPECTOR_CONFLICT' as const
  readonly recordId: string
  readonly expectedSequence: number | undefined
  readonly actualSequence: number | undefined
  readonly reason: ConflictReason

  constructor(model: string, recordId: string, message: string, expected?: number, actual?: number, cause?: unknown, reason?: ConflictReason) {
    super(model, `${model} ${recordId}: ${message}`, { cause })
    this.recordId = recordId
    this.expectedSequence = expected
    this.actualSequence = actual
    this.reason = reason ?? (expected !== undefined ? 'expected-sequence' : 'sequence')
  }
}

/**
 * The connection to the database was lost during a command. `outcome` says what is known:
 * `not-written` when it failed before the transaction's COMMIT was sent (the database rolled the
 * transaction back; inside a caller's transaction, that whole transaction is gone), `unknown` when
 * it was lost during the COMMIT of a transaction prisma-spector opened (the event and row may or
 * may not have landed: read the record's events before running the command again).
 */
export class SpectorConnectionError extends SpectorError {
  readonly code = 'SPECTOR_CONNECTION' as const
  readonly recordId: string | undefined
  readonly outcome: 'not-written' | 'unknown'

  constructor(model: string, recordId: string | undefined, outcome: 'not-written' | 'unknown', cause: unknown) {
    const what = outcome === 'unknown' ? 'lost during COMMIT: the command may or may not have been written' : 'lost before COMMIT: nothing was written'
    const detail = cause instanceof Error ? ` (${cause.message.split('\n').filter(Boolean).at(-1)})` : ''
    super(model, `${model}${recordId ? ` ${recordId}` : ''}: the database connection was ${what}${detail}`, { cause })
    this.recordId = recordId
    this.outcome = outcome
  }
}

/** A stored event could not be replayed (its payload does not decode, or the changeset rejected it). */
export class SpectorReplayError extends SpectorError {
  readonly code = 'SPECTOR_REPLAY' as const
  readonly recordId: string
  readonly eventId: string
  readonly sequence: number
  readonly errors: FieldErrors

  constructor(model: string, recordId: string, eventId: string, sequence: number, errors: FieldErrors) {
    super(
      model,
      `${model} ${recordId}: event ${eventId} (sequence ${sequence}) cannot be replayed: ${describe(errors)}` +
        ' (an old event needs a version guard in the changeset?)',
    )
    this.recordId = recordId
    this.eventId = eventId
    this.sequence = sequence
    this.errors = errors
  }

  /** The names of the fields that failed. */
  get fields(): string[] {
    return Object.keys(this.errors)
  }
}

/** prisma-spector was set up wrongly (missing changeset, generated code out of date, ...). */
export class SpectorConfigurationError extends SpectorError {
  readonly code = 'SPECTOR_CONFIGURATION' as const
}

/** A hash chain did not verify: `kind` says how it broke (edited, missing, reordered, truncated, vanished). */
export class SpectorHashChainError extends SpectorError {
  readonly code = 'SPECTOR_HASH_CHAIN' as const
  readonly kind: ChainBreak['kind']
  readonly recordId: string
  readonly eventId: string | null
  readonly sequence: number | null
  readonly expectedHash: string | null
  readonly actualHash: string | null

  constructor(failure: ChainBreak) {
    super(failure.model ?? '(log)', `Hash chain broken (${failure.kind}): ${failure.message}`)
    this.kind = failure.kind
    this.recordId = failure.recordId
    this.eventId = failure.eventId
    this.sequence = failure.sequence
    this.expectedHash = failure.expectedHash
    this.actualHash = failure.actualHash
  }
}

/** A savepoint does not hold the state that replaying the events before it gives. */
export class SpectorSavepointError extends SpectorError {
  readonly code = 'SPECTOR_SAVEPOINT' as const
  readonly recordId: string
  /** The savepoint event at fault (not the record id). */
  readonly savepointEventId: string
  readonly sequence: number
  /** expected: the replay of the events before the savepoint; actual: the savepoint's state. */
  readonly differences: { field: string; expected: unknown; actual: unknown }[]

  constructor(model: string, recordId: string, savepointEventId: string, sequence: number, differences: SpectorSavepointError['differences']) {
    const lines = differences.map((d) => `  ${d.field}: expected ${show(d.expected)}, got ${show(d.actual)}`)
    super(
      model,
      `Savepoint ${savepointEventId} (sequence ${sequence}) of ${model} ${recordId} differs from the replay of the events before it:\n${lines.join('\n')}\n` +
        "Does the changeset's savepoint() leave out a field?",
    )
    this.recordId = recordId
    this.savepointEventId = savepointEventId
    this.sequence = sequence
    this.differences = differences
  }
}

function show(value: unknown): string {
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'bigint') return `${value}n`
  if (value instanceof Uint8Array) return `<${value.length} bytes>`
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
