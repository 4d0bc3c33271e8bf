/**
 * The commands and reads of one evented model on a Prisma client, as the extension's model methods
 * call them: a front that hands each to the file owning its concern (record commands, bulk
 * commands, bringup, materialize, the drift check, reads), all sharing one write path
 * (recordWriter.ts) and one transaction policy (transactionPolicy.ts).
 *
 * All database work goes through the client the command was called on (its `$parent`), so a call
 * on a transaction client joins that transaction (Prisma >= 7.5 opens a SAVEPOINT for the nested
 * `$transaction`); a call on the plain client opens its own.
 */
import { requireId } from '../core/callArguments.ts'
import type { LinkedEvent } from '../core/changeset.ts'
import type { StoredEvent } from '../core/eventLog.ts'
import type { EventedModel, State } from '../core/eventedModel.ts'
import type { EventHasher } from '../core/hashChain.ts'
import { bringup, type BringupOptions, type BringupResult } from './bringup.ts'
import { BulkCommands } from './bulkCommands.ts'
import { checkDrift, type DriftReport } from './driftCheck.ts'
import { materialize } from './materialize.ts'
import type { EventLink, LinksQuery } from './prismaEventLinks.ts'
import { RecordCommands } from './recordCommands.ts'
import { RecordReads, type HistoryOptions, type ReplayOptions, type Until } from './recordReads.ts'
import type { FieldChange, HistoryEntry } from '../core/recordHistory.ts'
import { RecordWriter } from './recordWriter.ts'
import type { AnyClient, Args, ExecuteOptions, SpectorOptions } from './spectorOptions.ts'

export type { SpectorOptions, ExecuteOptions } from './spectorOptions.ts'
export type { Until } from './recordReads.ts'
export type { DriftReport, DriftedRecord } from './driftCheck.ts'
export type { BringupOptions, BringupResult } from './bringup.ts'

export class EventedDelegate<S extends State = State> {
  readonly model: EventedModel<S>
  /** Set when the model's event log is hashed. */
  readonly hasher: EventHasher | null
  private readonly writer: RecordWriter<S>
  private readonly records: RecordCommands<S>
  private readonly bulk: BulkCommands<S>
  private readonly reads: RecordReads<S>

  constructor(model: EventedModel<S>, options: SpectorOptions, provider: string) {
    this.model = model
    this.writer = new RecordWriter(model, options, provider)
    this.hasher = this.writer.hasher
    this.records = new RecordCommands(this.writer)
    this.bulk = new BulkCommands(this.writer)
    this.reads = new RecordReads(this.writer)
  }

  create(client: AnyClient, args: Args): Promise<unknown> {
    return this.records.create(client, args)
  }

  /** Prisma's `update`; `expectedSequence` in the args makes it fail unless the record is at that sequence. */
  update(client: AnyClient, args: Args): Promise<unknown> {
    return this.records.update(client, args)
  }

  upsert(client: AnyClient, args: Args): Promise<unknown> {
    return this.records.upsert(client, args)
  }

  delete(client: AnyClient, args: Args): Promise<unknown> {
    return this.records.delete(client, args)
  }

  async execute(client: AnyClient, id: string, action: string, attrs: Record<string, unknown>, options: ExecuteOptions = {}): Promise<unknown> {
    return this.records.execute(client, requireId(this.model.name, action, id), action, attrs, options)
  }

  async savepoint(client: AnyClient, id: string): Promise<S> {
    return this.records.savepoint(client, requireId(this.model.name, 'savepoint', id))
  }

  createMany(client: AnyClient, args: Args, returning = false): Promise<unknown> {
    return this.bulk.createMany(client, args, returning)
  }

  updateMany(client: AnyClient, args: Args, returning = false): Promise<unknown> {
    return this.bulk.updateMany(client, args, returning)
  }

  deleteMany(client: AnyClient, args: Args = {}): Promise<unknown> {
    return this.bulk.deleteMany(client, args)
  }

  bringup(client: AnyClient, options: BringupOptions = {}): Promise<BringupResult> {
    return bringup(this.writer, client, options)
  }

  async materialize(client: AnyClient, id: string): Promise<unknown> {
    return materialize(this.writer, client, requireId(this.model.name, 'materialize', id))
  }

  async check(client: AnyClient, options: { batchSize?: number } = {}): Promise<DriftReport> {
    this.writer.refuseWithoutRows('check')
    return checkDrift(this.model, client, options)
  }

  replay(client: AnyClient, id: string, options: ReplayOptions<S> = {}): Promise<S | null> {
    return this.reads.replay(client, id, options)
  }

  events(client: AnyClient, id: string, options: { until?: Until; links?: boolean } = {}): Promise<StoredEvent[] | LinkedEvent[]> {
    return this.reads.events(client, id, options)
  }

  history(client: AnyClient, id: string, options: HistoryOptions<S> = {}): Promise<HistoryEntry<S>[]> {
    return this.reads.history(client, id, options)
  }

  diff(client: AnyClient, id: string, from: Until, to: Until, options: { fields?: readonly string[] } = {}): Promise<FieldChange<S>[]> {
    return this.reads.diff(client, id, from, to, options)
  }

  eventLinks(client: AnyClient, eventId: string, options: LinksQuery = {}): Promise<EventLink[]> {
    return this.reads.eventLinks(client, eventId, options)
  }
}
