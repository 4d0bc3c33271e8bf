/**
 * The arguments of the calls that name a record or an event (`replay(id, { until })`, `events`,
 * `savepoint`, `execute`, `materialize`, `eventLinks`), checked before anything is read or written:
 * an id that is not a non-empty string would match every record (`events(undefined)` returned all
 * of them), and an `until` of the wrong shape was ignored or reached Prisma's query (issue 10 §3).
 */
import { SpectorValidationError } from './errors.ts'
import type { HistoryPoint } from './eventLog.ts'

/** `until` for `replay` and `events`: an event id, a time (inclusive) or a sequence number. */
export type Until = string | Date | { sequence: number }

function describe(value: unknown): string {
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (typeof value === 'string') return JSON.stringify(value)
  if (value instanceof Date) return 'an invalid Date'
  if (typeof value === 'bigint') return `${value}n`
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? `an object with keys [${Object.keys(value).join(', ')}]` : typeof value
}

/** The id, when it is a non-empty string; a validation error naming `name` otherwise. */
export function requireId(model: string, operation: string, id: unknown, name = 'id'): string {
  if (typeof id === 'string' && id !== '') return id
  throw new SpectorValidationError(model, operation, { [name]: [`must be a non-empty string, got ${describe(id)}`] })
}

/** `until` as a point in a record's history: an event id, a valid Date or `{ sequence: n }` with n a whole number >= 1. */
export function historyPoint(model: string, operation: string, until: unknown): HistoryPoint | undefined {
  if (until === undefined) return undefined
  if (typeof until === 'string' && until !== '') return { eventId: until }
  if (until instanceof Date && !Number.isNaN(until.getTime())) return { at: until }
  if (until !== null && typeof until === 'object' && !Array.isArray(until) && !(until instanceof Date)) {
    const keys = Object.keys(until)
    const sequence = (until as { sequence?: unknown }).sequence
    if (keys.length === 1 && Number.isSafeInteger(sequence) && (sequence as number) >= 1) return { sequence: sequence as number }
    if (keys.length === 1 && keys[0] === 'sequence') {
      throw new SpectorValidationError(model, operation, { until: [`sequence must be a whole number >= 1, got ${describe(sequence)}`] })
    }
  }
  throw new SpectorValidationError(model, operation, {
    until: [`must be an event id, a valid Date or { sequence: n } (n >= 1), got ${describe(until)}`],
  })
}

/**
 * A point to resume a fold from: the record's state after the event with sequence `sequence`
 * (0: before its first event), as an earlier `replay(id, { until: { sequence } })` returned it.
 * The caller vouches for the state; only the events after `sequence` are read.
 */
export interface ResumeFrom<S = Record<string, unknown>> {
  sequence: number
  /** null before the record's first event or after a delete. */
  state: S | null
}

/** `from` for `replay` and `history`: `{ sequence, state }` with a whole sequence >= 0 and a state object or null. */
export function resumePoint<S>(model: string, operation: string, from: unknown): ResumeFrom<S> | undefined {
  if (from === undefined) return undefined
  if (from !== null && typeof from === 'object' && !Array.isArray(from) && !(from instanceof Date)) {
    const { sequence, state } = from as { sequence?: unknown; state?: unknown }
    const problems: string[] = []
    if (!Number.isSafeInteger(sequence) || (sequence as number) < 0) problems.push(`sequence must be a whole number >= 0, got ${describe(sequence)}`)
    if (!('state' in from) || (state !== null && (typeof state !== 'object' || Array.isArray(state))))
      problems.push(`state must be the record's state (an object) or null, got ${describe(state)}`)
    if (!problems.length) return { sequence: sequence as number, state: state as S | null }
    throw new SpectorValidationError(model, operation, { from: problems })
  }
  throw new SpectorValidationError(model, operation, { from: [`must be { sequence, state }, got ${describe(from)}`] })
}

/** `only` for `replay`: the ids of the events to fold. */
export function eventIdList(model: string, operation: string, only: unknown): readonly string[] | undefined {
  if (only === undefined) return undefined
  if (Array.isArray(only) && only.every((id) => typeof id === 'string' && id !== '')) return only
  throw new SpectorValidationError(model, operation, { only: ['must be an array of event ids'] })
}
