/**
 * The reads of one record: its state rebuilt from its events (`replay`, whole or a chosen set of
 * events), its events, its history (each event with the fields it changed) and the change between
 * two points (`diff`), and the links of one of its events.
 */
import type { LinkedEvent } from '../core/changeset.ts'
import { eventIdList, historyPoint, requireId, resumePoint, type ResumeFrom, type Until } from '../core/callArguments.ts'
import type { HistoryPoint, StoredEvent } from '../core/eventLog.ts'
import type { State } from '../core/eventedModel.ts'
import { SpectorConfigurationError, SpectorNotFoundError, SpectorValidationError } from '../core/errors.ts'
import { changedFields, foldHistory, type FieldChange, type HistoryEntry } from '../core/recordHistory.ts'
import type { EventLink, LinksQuery } from './prismaEventLinks.ts'
import { HistoryPointNotFoundError, ResumePointAfterUntilError } from './prismaEventLog.ts'
import type { RecordWriter } from './recordWriter.ts'
import type { AnyClient } from './spectorOptions.ts'

export type { ResumeFrom, Until }

export interface ReplayOptions<S extends State = State> {
  /** The last event to fold (an event id, a time, or `{ sequence }`). */
  until?: Until
  /** Only these events (ids), folded in their order. */
  only?: readonly string[]
  /** Resume from a state the caller holds (see `ResumeFrom`): only the events after it are read. Not with `only`. */
  from?: ResumeFrom<S>
}

export interface HistoryOptions<S extends State = State> {
  /** The last event to include (an event id, a time, or `{ sequence }`). */
  until?: Until
  /** Start after this point (exclusive): the state there is replayed (from a savepoint), not read event by event. */
  after?: Until
  /**
   * Start after `from.sequence` with `from.state`, a state the caller already holds (an earlier
   * `replay(id, { until: { sequence } })`): nothing before it is read. Instead of `after`.
   */
  from?: ResumeFrom<S>
  /** At most this many events (a page, with `after`). */
  take?: number
  /** Only changes of these fields; events that changed none of them are left out. */
  fields?: readonly string[]
}

export class RecordReads<S extends State = State> {
  private readonly writer: RecordWriter<S>

  constructor(writer: RecordWriter<S>) {
    this.writer = writer
  }

  private get meta() {
    return this.writer.meta
  }

  /** The record's state rebuilt from its events alone (null when deleted or unknown). */
  async replay(client: AnyClient, id: string, options: ReplayOptions<S> = {}): Promise<S | null> {
    requireId(this.meta.name, 'replay', id)
    const until = historyPoint(this.meta.name, 'replay', options.until)
    const only = eventIdList(this.meta.name, 'replay', options.only)
    const from = resumePoint<S>(this.meta.name, 'replay', options.from)
    if (only && from) throw new SpectorValidationError(this.meta.name, 'replay', { from: ['cannot be combined with only'] })
    if (only) return this.replayOnly(client, id, only, until)
    // Only the state is wanted: no hashes read.
    const events = () => this.writer.log(client).streamForReplay(this.meta.eventName, id, until, { hashes: false, after: from?.sequence })
    const result = await this.readOrExplain(() => this.writer.model.replayStream(id, events(), from), id, 'replay')
    return result.state
  }

  /** The record's events, oldest first. */
  async events(client: AnyClient, id: string, options: { until?: Until; links?: boolean } = {}): Promise<StoredEvent[] | LinkedEvent[]> {
    requireId(this.meta.name, 'events', id)
    const until = historyPoint(this.meta.name, 'events', options.until)
    const events = await this.readOrExplain(() => this.writer.log(client).readAll(this.meta.eventName, id, until), id)
    return options.links ? ((await this.writer.links.attach(client, id, events)) as LinkedEvent[]) : events
  }

  /**
   * Each event of the record with the fields it changed, before → after: the events folded
   * through the changeset and consecutive states compared, so values are Prisma's and a custom
   * action shows what it did to the state. `after`/`take` read one page of a long history.
   */
  async history(client: AnyClient, id: string, options: HistoryOptions = {}): Promise<HistoryEntry<S>[]> {
    const fields = this.checkedFields('history', options.fields)
    if (options.take !== undefined && (!Number.isInteger(options.take) || options.take < 0)) {
      throw new SpectorValidationError(this.meta.name, 'history', { take: [`must be a whole number >= 0, got ${options.take}`] })
    }
    requireId(this.meta.name, 'history', id)
    const from = resumePoint<S>(this.meta.name, 'history', options.from)
    if (from && options.after !== undefined) throw new SpectorValidationError(this.meta.name, 'history', { from: ['cannot be combined with after'] })
    const start = from ?? (options.after === undefined ? { state: null, sequence: 0 } : await this.stateAt(client, id, options.after, 'history'))
    const until = historyPoint(this.meta.name, 'history', options.until)
    const events = await this.readOrExplain(() => this.writer.log(client).readAfter(this.meta.eventName, id, start.sequence, until, options.take), id)
    return foldHistory(this.writer.model, id, start.state, events, fields).entries
  }

  /** The fields that differ between the record's state at `from` and at `to` (a missing state: every field null). */
  async diff(client: AnyClient, id: string, from: Until, to: Until, options: { fields?: readonly string[] } = {}): Promise<FieldChange<S>[]> {
    const fields = this.checkedFields('diff', options.fields) ?? this.meta.fields.map((f) => f.name)
    requireId(this.meta.name, 'diff', id)
    const before = await this.stateAt(client, id, from, 'diff')
    const after = await this.stateAt(client, id, to, 'diff')
    return changedFields(fields, before.state, after.state)
  }

  /**
   * The record's state and sequence at a point (the state null before its first event or after a
   * delete). `{ sequence: 0 }` is the point before the first event.
   */
  private async stateAt(client: AnyClient, id: string, point: Until, operation: string): Promise<{ state: S | null; sequence: number }> {
    if (typeof point === 'object' && !(point instanceof Date) && point?.sequence === 0 && Object.keys(point).length === 1) return { state: null, sequence: 0 }
    const until = historyPoint(this.meta.name, operation, point)
    const events = () => this.writer.log(client).streamForReplay(this.meta.eventName, id, until, { hashes: false })
    const result = await this.readOrExplain(() => this.writer.model.replayStream(id, events()), id)
    return { state: result.state, sequence: result.sequence }
  }

  private checkedFields(operation: string, fields: readonly string[] | undefined): readonly string[] | undefined {
    if (fields === undefined) return undefined
    const known = new Set(this.meta.fields.map((f) => f.name))
    const unknown = fields.filter((f) => !known.has(f))
    if (unknown.length) throw new SpectorValidationError(this.meta.name, operation, { fields: unknown.map((f) => `${f} is not a field of ${this.meta.name}`) })
    return fields
  }

  /** The links of one of this model's events, both ways (or as `options` narrows), with the event at the other end. */
  async eventLinks(client: AnyClient, eventId: string, options: LinksQuery = {}): Promise<EventLink[]> {
    requireId(this.meta.name, 'eventLinks', eventId, 'eventId')
    const links = this.writer.links
    if (!links.tables.length) {
      throw new SpectorConfigurationError(
        this.meta.name,
        `${this.meta.name}'s event log ${this.meta.events.model} has no link tables (declare one with /// @eventLinks)`,
      )
    }
    if (options.name !== undefined && !links.tables.some((t) => t.name === options.name)) {
      throw new SpectorValidationError(this.meta.name, 'links', {
        name: [`is not a link table of ${this.meta.events.model} (${links.tables.map((t) => t.name).join(', ')})`],
      })
    }
    const found = await links.query(client, eventId, options)
    return found.filter((l) => l.event.model === this.meta.eventName)
  }

  /**
   * The state built by a chosen set of the record's events, folded in their order: one branch of a
   * conversation, say (an event and its ancestors). Savepoints among them reset the state as usual.
   */
  private async replayOnly(client: AnyClient, id: string, eventIds: readonly string[], point: HistoryPoint | undefined): Promise<S | null> {
    const wanted = new Set(eventIds)
    const events = await this.readOrExplain(() => this.writer.log(client).readAll(this.meta.eventName, id, point), id)
    return this.writer.model.replay(
      id,
      events.filter((e) => wanted.has(e.id)),
    ).state
  }

  private async readOrExplain<T>(read: () => Promise<T>, id: string, operation = 'replay'): Promise<T> {
    try {
      return await read()
    } catch (error) {
      if (error instanceof HistoryPointNotFoundError) {
        throw new SpectorNotFoundError(this.meta.name, id, 'no-row', `until: ${error.message}`)
      }
      if (error instanceof ResumePointAfterUntilError) throw new SpectorValidationError(this.meta.name, operation, { until: [error.message] })
      throw error
    }
  }
}
