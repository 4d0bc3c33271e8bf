/**
 * The changeset contract: the port of Spector's `changeset/2`.
 *
 * A changeset is a pure function of the current state (null before the first event), the attrs of
 * one event and a context. It returns the next state, or `ctx.invalid(...)` to reject the attrs.
 * Live commands and replayed events reach it in exactly the same shape.
 */
import type { FieldErrors } from './fieldErrors.ts'
import type { StoredEvent } from './eventLog.ts'
import type { JsonObject, JsonValue } from './payloadCodec.ts'

/** Returned by a changeset to reject an event's attrs. */
export class Invalid {
  readonly errors: FieldErrors
  constructor(errors: FieldErrors) {
    this.errors = errors
  }
}

export type VersionRange = readonly number[] | { readonly from: number; readonly to: number }

/** What a changeset call knows besides state and attrs. Valid during the call: replay reuses one object for all its events. */
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

/**
 * The links an event makes, per link table (`@eventLinks(name=...)`): event ids for a plain link
 * table, `{ to, type }` for a typed one.
 */
export type EventLinks = Record<string, readonly (string | { to: string; type: string | number })[]>

/** The event about to be written, as `prepareEvent` sees it. Only `links` and `metadata` may change. */
export interface PendingEvent<Links extends object = EventLinks, Action extends string = string> {
  readonly id: string
  readonly recordId: string
  /** The model's stable event name. */
  readonly model: string
  readonly action: Action
  readonly payload: JsonObject
  readonly version: number
  readonly sequence: number
  /** Who and why: stored in the event's `metadata` column. */
  metadata: JsonValue | null
  /** The links to write with the event, to earlier events of the same record. */
  links: Partial<Links>
}

/** A stored event with the links it made (every link table, empty when none). */
export type LinkedEvent<Links extends object = EventLinks> = StoredEvent & { links: { [K in keyof Links]-?: NonNullable<Links[K]> } }

export interface PrepareEventContext<State> {
  /** The state before the command (null for an insert) and after it. */
  readonly previous: State | null
  readonly state: State
}

export interface MaterializationContext<State, Client = unknown> {
  /** `create` for a new row (insert, materialize of a missing row), `update` otherwise. */
  readonly operation: 'create' | 'update'
  /** The action that produced the state (`materialize` when the row is rebuilt from the log). */
  readonly action: string
  readonly recordId: string
  /** The whole state the events built, including any keys the changeset keeps beyond the model's fields. */
  readonly state: State
  /** The transaction the row is written in. */
  readonly client: Client
}

export interface Changeset<State, Attrs = Record<string, unknown>, Action extends string = string, Links extends object = EventLinks, Client = unknown> {
  /**
   * The attrs each custom action takes, as a zod schema (any Standard Schema): `execute` checks its
   * attrs against it before anything is written, refuses keys the schema does not know, and its
   * third argument is typed from it (declare the changeset with `satisfies`, not a type annotation,
   * so the generated types see the schemas). Actions left out take any attrs. Stored events are
   * not checked against it on replay.
   */
  actions?: { readonly [A in Exclude<Action, 'insert' | 'update' | 'savepoint'>]?: ActionAttrsSchema }
  /** Applies one event's attrs to the state. */
  apply(state: State | null, attrs: Attrs, ctx: ChangesetContext<State, Action>): State | Invalid
  /**
   * The attrs a savepoint stores; replaying the savepoint through `apply` (action `savepoint`, state
   * null) must rebuild the same state. Default: every model field of the record.
   */
  savepoint?(record: State, version: number): Record<string, unknown>
  /**
   * The last chance to adjust an event before it is written, inside the transaction: typically to
   * add links to earlier events of the record. Runs for inserts (no existing events), updates and
   * custom actions; not for deletes and savepoints. `existingEvents` is the record's whole history,
   * oldest first, each with the links it made. Return the event (or change it in place).
   */
  prepareEvent?(
    event: PendingEvent<Links, Action>,
    existingEvents: readonly LinkedEvent<Links>[],
    attrs: Attrs,
    ctx: PrepareEventContext<State>,
    // biome-ignore lint/suspicious/noConfusingVoidType: a hook that edits the event in place returns nothing
  ): PendingEvent<Links, Action> | void | Promise<PendingEvent<Links, Action> | void>
  /**
   * Adjusts the row write, inside the transaction, for what lives outside the model's scalar
   * fields: typically nested relation writes (`tags: { set: [...] }`) derived from the state.
   * Gets Prisma's `data` for the create or update of the row; returns the data to write.
   */
  prepareMaterialization?(data: Record<string, unknown>, ctx: MaterializationContext<State, Client>): Record<string, unknown> | Promise<Record<string, unknown>>
}

/**
 * A schema of one custom action's attrs: the Standard Schema interface (zod 3.25+ and 4, valibot,
 * arktype... implement it), written out so that the core depends on no schema library.
 */
export interface ActionAttrsSchema<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1
    readonly vendor: string
    readonly validate: (value: unknown) => ActionAttrsResult<Output> | Promise<ActionAttrsResult<Output>>
    readonly types?: { readonly input: Input; readonly output: Output } | undefined
  }
}

export type ActionAttrsResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }> }

/** The `actions` schemas of a changeset's type (`typeof changeset`), or none. */
export type ActionSchemasOf<C> = C extends { readonly actions?: infer S } ? NonNullable<S> : {}

/**
 * What `execute` takes after the action for one custom action: the attrs its declared schema
 * accepts (required when the schema needs any key), else `Fallback` (the model's attrs), then the
 * options. A changeset typed by annotation declares no specific schema: `Fallback` again.
 */
export type ExecuteArgs<Schemas, A extends string, Fallback, Options> = A extends keyof Schemas
  ? AttrsArgs<SchemaInput<Schemas[A], Fallback>, Options>
  : AttrsArgs<Fallback, Options>

type AttrsArgs<Attrs, Options> = {} extends Attrs ? [attrs?: Attrs, options?: Options] : [attrs: Attrs, options?: Options]

type SchemaInput<S, Fallback> = S extends { readonly '~standard': { readonly types?: infer T } }
  ? NonNullable<T> extends { readonly input: infer I }
    ? unknown extends I
      ? Fallback
      : I
    : Fallback
  : Fallback

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
