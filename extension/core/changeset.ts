/**
 * The changeset contract: the port of Spector's `changeset/2`.
 *
 * A changeset is a pure function of the current state (null before the first event), the attrs of
 * one event and a context. It returns the next state, or `ctx.invalid(...)` to reject the attrs.
 * Live commands and replayed events reach it in exactly the same shape.
 */
import type { FieldErrors } from './errors.ts'

/** Returned by a changeset to reject an event's attrs. */
export class Invalid {
  readonly errors: FieldErrors
  constructor(errors: FieldErrors) {
    this.errors = errors
  }
}

export type VersionRange = readonly number[] | { readonly from: number; readonly to: number }

export interface ChangesetContext<State, Action extends string = string> {
  /** The Prisma model name. */
  readonly model: string
  /** The action being applied: `insert`, `update`, `savepoint` or a custom action. */
  readonly action: Action
  /** The record's id (the id of its first event). */
  readonly recordId: string
  /** The id of the event being applied. */
  readonly eventId: string
  /** The schema version the event was written with. */
  readonly version: number
  /** The model's schema version now. */
  readonly currentVersion: number
  /** True while rebuilding state from stored events, false for the new command. */
  readonly replaying: boolean
  /** Whether the event was written with schema version `version`. */
  versionIs(version: number): boolean
  /** Whether the event's version is in a list (`[0, 1]`) or an inclusive range (`{ from: 0, to: 2 }`). */
  versionIn(versions: VersionRange): boolean
  /**
   * The default behaviour: copy every model field present in `attrs` onto `state`, then validate the
   * whole state with the model's schema. Attrs that are not model fields are ignored.
   */
  cast(state: State | null, attrs: object): State | Invalid
  /** Rejects the event: `ctx.invalid({ name: 'is required' })`. */
  invalid(errors: Record<string, string | string[]>): Invalid
}

export interface Changeset<State, Attrs = Record<string, unknown>, Action extends string = string> {
  /** Applies one event's attrs to the state. */
  apply(state: State | null, attrs: Attrs, ctx: ChangesetContext<State, Action>): State | Invalid
  /**
   * The attrs a savepoint stores; replaying the savepoint through `apply` (action `savepoint`, state
   * null) must rebuild the same state. Default: every model field of the record.
   */
  savepoint?(record: State, version: number): Record<string, unknown>
}

export function versionInRange(version: number, versions: VersionRange): boolean {
  if (Array.isArray(versions)) return versions.includes(version)
  const range = versions as { from: number; to: number }
  return version >= range.from && version <= range.to
}

export function toFieldErrors(errors: Record<string, string | string[]>): FieldErrors {
  const out: FieldErrors = {}
  for (const [field, messages] of Object.entries(errors)) {
    out[field] = Array.isArray(messages) ? [...messages] : [messages]
  }
  return out
}
