/**
 * The reads of one record: its state rebuilt from its events (`replay`, whole or a chosen set of
 * events), its events, and the links of one of its events.
 */
import type { LinkedEvent } from '../core/changeset.ts'
import type { HistoryPoint, StoredEvent } from '../core/eventLog.ts'
import type { State } from '../core/eventedModel.ts'
import { SpectorConfigurationError, SpectorNotFoundError, SpectorValidationError } from '../core/errors.ts'
import type { EventLink, LinksQuery } from './prismaEventLinks.ts'
import { HistoryPointNotFoundError } from './prismaEventLog.ts'
import type { RecordWriter } from './recordWriter.ts'
import type { AnyClient } from './spectorOptions.ts'

/** `until` for `replay` and `events`: an event id, a time (inclusive) or a sequence number. */
export type Until = string | Date | { sequence: number }

export class RecordReads<S extends State = State> {
  private readonly writer: RecordWriter<S>

  constructor(writer: RecordWriter<S>) {
    this.writer = writer
  }

  private get meta() {
    return this.writer.meta
  }

  /** The record's state rebuilt from its events alone (null when deleted or unknown). */
  async replay(client: AnyClient, id: string, options: { until?: Until; only?: readonly string[] } = {}): Promise<S | null> {
    if (options.only) return this.replayOnly(client, id, options.only, options.until)
    const until = toHistoryPoint(options.until)
    // Only the state is wanted: no hashes read.
    const events = () => this.writer.log(client).streamForReplay(this.meta.eventName, id, until, { hashes: false })
    const result = await this.readOrExplain(() => this.writer.model.replayStream(id, events()), id)
    return result.state
  }

  /** The record's events, oldest first. */
  async events(client: AnyClient, id: string, options: { until?: Until; links?: boolean } = {}): Promise<StoredEvent[] | LinkedEvent[]> {
    const until = toHistoryPoint(options.until)
    const events = await this.readOrExplain(() => this.writer.log(client).readAll(this.meta.eventName, id, until), id)
    return options.links ? ((await this.writer.links.attach(client, id, events)) as LinkedEvent[]) : events
  }

  /** The links of one of this model's events, both ways (or as `options` narrows), with the event at the other end. */
  async eventLinks(client: AnyClient, eventId: string, options: LinksQuery = {}): Promise<EventLink[]> {
    const links = this.writer.links
    if (!links.tables.length) {
      throw new SpectorConfigurationError(this.meta.name, `${this.meta.name}'s event log ${this.meta.events.model} has no link tables (declare one with /// @eventLinks)`)
    }
    if (options.name !== undefined && !links.tables.some((t) => t.name === options.name)) {
      throw new SpectorValidationError(this.meta.name, 'links', { name: [`is not a link table of ${this.meta.events.model} (${links.tables.map((t) => t.name).join(', ')})`] })
    }
    const found = await links.query(client, eventId, options)
    return found.filter((l) => l.event.model === this.meta.eventName)
  }

  /**
   * The state built by a chosen set of the record's events, folded in their order: one branch of a
   * conversation, say (an event and its ancestors). Savepoints among them reset the state as usual.
   */
  private async replayOnly(client: AnyClient, id: string, eventIds: readonly string[], until?: Until): Promise<S | null> {
    const wanted = new Set(eventIds)
    const point = toHistoryPoint(until)
    const events = await this.readOrExplain(() => this.writer.log(client).readAll(this.meta.eventName, id, point), id)
    return this.writer.model.replay(id, events.filter((e) => wanted.has(e.id))).state
  }

  private async readOrExplain<T>(read: () => Promise<T>, id: string): Promise<T> {
    try {
      return await read()
    } catch (error) {
      if (error instanceof HistoryPointNotFoundError) {
        throw new SpectorNotFoundError(this.meta.name, id, 'no-row', `until: ${error.message}`)
      }
      throw error
    }
  }
}

function toHistoryPoint(until: Until | undefined): HistoryPoint | undefined {
  if (until === undefined) return undefined
  if (typeof until === 'string') return { eventId: until }
  if (until instanceof Date) return { at: until }
  return { sequence: until.sequence }
}
