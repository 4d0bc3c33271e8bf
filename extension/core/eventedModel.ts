/**
 * One evented model, as the core sees it: its metadata, its payload codec and the user's changeset.
 * Replays events into state and turns a command into the event to append. No database, no Prisma.
 */
import { uuidv4, uuidv7 } from 'uuidv7'
import { lenientColumns, type ColumnBehaviour } from './columnBehaviour.ts'
import { Invalid, toFieldErrors, versionInRange, type Changeset, type ChangesetContext } from './changeset.ts'
import type { ReplayEvent } from './eventLog.ts'
import { SpectorReplayError, SpectorUnknownActionError, SpectorValidationError } from './errors.ts'
import { FieldValues } from './fieldValues.ts'
import type { FieldMetadata, ModelMetadata } from './metadata.ts'
import { encodePayload, type JsonObject, type ModelCodec } from './payloadCodec.ts'

export type State = object

export interface ReplayResult<S> {
  /** The state after the last event, or null when there were no events or the last was a delete. */
  state: S | null
  /** The sequence of the last event read (0 when none). */
  sequence: number
  /** How many events were applied. */
  applied: number
  deleted: boolean
}

/** What `replayStream` returns: `replay`'s result and what the write path needs of the events read. */
export interface StreamedReplayResult<S> extends ReplayResult<S> {
  /** The first event's action (null when none): `savepoint` when the replay started at a savepoint. */
  firstAction: string | null
  /** The last event's hash (null when there were none, or the log is not hashed). */
  lastHash: Uint8Array | null
}

/** The changeset context of a replay, reused from event to event (`EventedModel.replayContext`). */
type ReplayContext<S> = { -readonly [K in keyof ChangesetContext<S>]: ChangesetContext<S>[K] }

export interface PreparedEvent<S> {
  state: S
  payload: JsonObject
}

export interface CommandInput {
  recordId: string
  eventId: string
  now: Date
}

export class EventedModel<S extends State = State> {
  readonly metadata: ModelMetadata
  private readonly codec: ModelCodec<S>
  readonly changeset: Changeset<S, Record<string, unknown>, string>
  private readonly fieldNames: ReadonlySet<string>
  /** Field values as the database's columns hold them (fieldValues.ts). */
  private readonly values: FieldValues
  /** What the database does to values (the dialect's); without one, nothing beyond the Prisma types. */
  readonly columns: ColumnBehaviour

  constructor(metadata: ModelMetadata, codec: ModelCodec<S>, changeset: Changeset<S, any, any>, columns: ColumnBehaviour = lenientColumns) {
    this.metadata = metadata
    this.codec = codec
    this.changeset = changeset
    this.fieldNames = new Set(metadata.fields.map((f) => f.name))
    this.columns = columns
    this.values = new FieldValues(metadata, columns)
  }

  get name(): string {
    return this.metadata.name
  }

  /** Whether `action` can be passed to `execute`. */
  assertCustomAction(action: string): void {
    if (!this.metadata.actions.includes(action)) {
      throw new SpectorUnknownActionError(this.name, action, this.metadata.actions)
    }
  }

  /**
   * Folds events (ordered by sequence) into state. A savepoint resets state; a delete ends it.
   * `from`: the state the events continue (the drift check folds a record's events page by page).
   */
  replay(recordId: string, events: Iterable<ReplayEvent>, from: S | null = null): ReplayResult<S> {
    let state: S | null = from
    let sequence = 0
    let applied = 0
    let deleted = false
    const ctx = this.replayContext(recordId)
    for (const event of events) {
      sequence = event.sequence
      applied++
      deleted = event.action === 'delete'
      state = this.replayStep(recordId, state, event, ctx)
    }
    return { state, sequence, applied, deleted }
  }

  /**
   * `replay` over a stream of pages (`PrismaEventLog.streamForReplay`), folded as they arrive, so
   * only one page is held at a time. `applied` counts the events read. `start`: the state the
   * stream's events follow (a resumed fold); the record's beginning by default.
   */
  async replayStream(
    recordId: string,
    pages: AsyncIterable<Iterable<ReplayEvent>>,
    start: { sequence: number; state: S | null } = { sequence: 0, state: null },
  ): Promise<StreamedReplayResult<S>> {
    let state: S | null = start.state
    let sequence = start.sequence
    let applied = 0
    let deleted = false
    let firstAction: string | null = null
    let lastHash: Uint8Array | null = null
    const ctx = this.replayContext(recordId)
    for await (const page of pages) {
      for (const event of page) {
        if (applied === 0) firstAction = event.action
        sequence = event.sequence
        applied++
        deleted = event.action === 'delete'
        lastHash = event.hash
        state = this.replayStep(recordId, state, event, ctx)
      }
    }
    return { state, sequence, applied, deleted, firstAction, lastHash }
  }

  /** One event of replay: a savepoint replaces the state, a delete ends it, anything else goes through the changeset. */
  step(recordId: string, state: S | null, event: ReplayEvent): S | null {
    return this.replayStep(recordId, state, event, null)
  }

  /** `step`, with the context of a whole replay (`replayContext`) or, when null, a context of its own. */
  private replayStep(recordId: string, state: S | null, event: ReplayEvent, shared: ReplayContext<S> | null): S | null {
    if (event.action === 'delete') return null
    return this.applyStored(recordId, event.action === 'savepoint' ? null : state, event, shared)
  }

  private applyStored(recordId: string, state: S | null, event: ReplayEvent, shared: ReplayContext<S> | null): S {
    const decoded = this.codec.decodeAttrs(event.payload)
    if (!decoded.ok) throw new SpectorReplayError(this.name, recordId, event.id, event.sequence, decoded.errors)
    // A renamed action reaches the changeset under its current name; the stored event is unchanged.
    const action = this.metadata.aliases?.[event.action] ?? event.action
    let ctx: ChangesetContext<S>
    if (shared) {
      shared.action = action
      shared.eventId = event.id
      shared.version = event.version
      ctx = shared
    } else ctx = this.context(action, recordId, event.id, event.version, true)
    const next = this.changeset.apply(state, decoded.value, ctx)
    if (next instanceof Invalid) throw new SpectorReplayError(this.name, recordId, event.id, event.sequence, next.errors)
    return this.values.forRow(next, action, false)
  }

  /**
   * One changeset context for all the events of a replay: only `action`, `eventId` and `version`
   * change from event to event, and its functions read them from the object. A new context with
   * four closures for every event cost 2-10% of the fold (100k events of the bench's Item). A
   * changeset that kept the context past its `apply` would see it change.
   */
  private replayContext(recordId: string): ReplayContext<S> {
    const ctx: ReplayContext<S> = {
      model: this.name,
      action: '',
      recordId,
      eventId: '',
      version: 0,
      currentVersion: this.metadata.version,
      replaying: true,
      versionIs: (v) => ctx.version === v,
      versionIn: (range) => versionInRange(ctx.version, range),
      cast: (state, attrs) => this.cast(state, attrs as Record<string, unknown>, recordId),
      invalid: (errors) => new Invalid(toFieldErrors(errors)),
    }
    return ctx
  }

  /**
   * Runs a new command against the replayed state: stamps timestamps and defaults, stores the attrs
   * as JSON, hands the decoded attrs to the changeset. Throws `SpectorValidationError` when the
   * attrs or the changeset reject it; nothing has been written at that point.
   */
  prepare(state: S | null, action: string, attrs: Record<string, unknown>, input: CommandInput): PreparedEvent<S> {
    // The event holds what the row will: values rounded as their columns round them, or refused.
    const stamped = this.values.forEvent(action, this.stamp(state === null, attrs, input.now))
    const payload = this.encode(action, stamped)
    const decoded = this.codec.decodeAttrs(payload)
    if (!decoded.ok) throw new SpectorValidationError(this.name, action, decoded.errors)
    const ctx = this.context(action, input.recordId, input.eventId, this.metadata.version, false)
    const next = this.changeset.apply(state, decoded.value, ctx)
    if (next instanceof Invalid) throw new SpectorValidationError(this.name, action, next.errors)
    return { state: this.values.forRow(next, action, true), payload }
  }

  /** The payload of a savepoint of `state`: the changeset's `savepoint`, or every model field. */
  savepointPayload(state: S): JsonObject {
    const attrs = this.changeset.savepoint ? this.changeset.savepoint(state, this.metadata.version) : this.pickFields(state as Record<string, unknown>)
    return this.encode('savepoint', attrs)
  }

  /** Only the model's fields of an object. */
  pickFields(source: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const name of this.fieldNames) if (name in source) out[name] = source[name]
    return out
  }

  private encode(action: string, attrs: Record<string, unknown>): JsonObject {
    try {
      return encodePayload(attrs)
    } catch (error) {
      // Name the attr at fault: encode them one by one.
      const failing = Object.keys(attrs).find((key) => {
        try {
          encodePayload({ [key]: attrs[key] })
          return false
        } catch {
          return true
        }
      })
      throw new SpectorValidationError(this.name, action, { [failing ?? '_']: [(error as Error).message] })
    }
  }

  /**
   * Adds what Prisma would fill in itself: `@default` values on a record's first event, whatever
   * its action (`insert`, or the custom action `bringup` imports with), `@updatedAt` on every write.
   */
  private stamp(first: boolean, attrs: Record<string, unknown>, now: Date): Record<string, unknown> {
    const out = { ...attrs }
    for (const field of this.metadata.fields) {
      if (out[field.name] !== undefined) continue
      if (field.isUpdatedAt) out[field.name] = now
      else if (first && field.default) out[field.name] = defaultValue(field, now)
    }
    return out
  }

  private context(action: string, recordId: string, eventId: string, version: number, replaying: boolean): ChangesetContext<S> {
    return {
      model: this.name,
      action,
      recordId,
      eventId,
      version,
      currentVersion: this.metadata.version,
      replaying,
      versionIs: (v) => version === v,
      versionIn: (range) => versionInRange(version, range),
      cast: (state, attrs) => this.cast(state, attrs as Record<string, unknown>, recordId),
      invalid: (errors) => new Invalid(toFieldErrors(errors)),
    }
  }

  /** The default changeset step: copy model fields from attrs onto state, validate the result. */
  cast(state: S | null, attrs: Record<string, unknown>, recordId: string): S | Invalid {
    const candidate: Record<string, unknown> = state ? { ...state } : {}
    for (const field of this.metadata.fields) {
      const value = attrs[field.name]
      if (value !== undefined) candidate[field.name] = value
      else if (!(field.name in candidate)) candidate[field.name] = field.isList ? [] : null
    }
    candidate[this.metadata.idField] = recordId
    const result = this.codec.validateState(candidate)
    return result.ok ? result.value : new Invalid(result.errors)
  }
}

function defaultValue(field: FieldMetadata, now: Date): unknown {
  const def = field.default!
  switch (def.kind) {
    case 'now':
      return now
    case 'uuid':
      return def.version === 7 ? uuidv7() : uuidv4()
    case 'value':
      return def.value
  }
}
