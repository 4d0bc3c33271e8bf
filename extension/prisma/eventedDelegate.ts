/**
 * The write path of one evented model on a Prisma client: every command replays the record inside
 * a transaction, runs the changeset, appends the event and writes the resulting state to the row.
 *
 * All database work goes through the client the command was called on (its `$parent`), so a call
 * on a transaction client joins that transaction (Prisma >= 7.5 opens a SAVEPOINT for the nested
 * `$transaction`); a call on the plain client opens its own.
 */
import { DbNull, JsonNull, isAnyNull, isDbNull, isJsonNull } from '@prisma/client/runtime/client'
import { uuidv7 } from 'uuidv7'
import type { LinkedEvent, PendingEvent } from '../core/changeset.ts'
import { linkRowsOf, linksOfEvent } from '../core/eventLinks.ts'
import type { HistoryPoint, NewEvent, StoredEvent } from '../core/eventLog.ts'
import { EventedModel, type State } from '../core/eventedModel.ts'
import {
  SpectorConfigurationError,
  SpectorConflictError,
  SpectorIdNotAllowedError,
  SpectorNotFoundError,
  SpectorUnsupportedWriteError,
  SpectorValidationError,
} from '../core/errors.ts'
import type { JsonObject } from '../core/payloadCodec.ts'
import { EventHasher } from '../core/hashChain.ts'
import { RecentStates } from '../core/recentStates.ts'
import { diffStates, type FieldDifference } from '../core/stateDiff.ts'
import { resolveUpdateOperators } from '../core/updateOperators.ts'
import { HistoryPointNotFoundError, PrismaEventLog, type EventDelegate } from './prismaEventLog.ts'
import { PrismaEventLinks, type EventLink, type LinksQuery } from './prismaEventLinks.ts'
import { ownRowWrite } from './ownRowWrite.ts'
import { lockRecordSql } from './sql/lockRecordSql.ts'
import { insertEventSql, type InsertEventSql } from './sql/insertEventSql.ts'
import { tableChainHeadSql, type TableChainSql } from './sql/tableChainHeadSql.ts'

export interface SpectorOptions {
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
}

/** `until` for `replay` and `events`: an event id, a time (inclusive) or a sequence number. */
export type Until = string | Date | { sequence: number }

/** A record whose row is not what its events say. */
export interface DriftedRecord {
  id: string
  /** `changed`: row and replay differ; `missing-row`: the log has a live record with no row; `no-events`: a row with no events. */
  kind: 'changed' | 'missing-row' | 'no-events'
  /** For `changed`: each differing field, expected (replay) and actual (row). */
  differences: FieldDifference[]
}

export interface DriftReport {
  model: string
  /** Rows and logged records looked at. */
  checked: number
  drifted: DriftedRecord[]
}

export interface ExecuteOptions {
  /** Optimistic concurrency: fail with `SpectorConflictError` unless the record's last sequence is this. */
  expectedSequence?: number
}

type AnyClient = Record<string, any>
type Args = Record<string | symbol, any>

export class EventedDelegate<S extends State = State> {
  readonly model: EventedModel<S>
  private readonly options: Required<Pick<SpectorOptions, 'maxRetries'>> & SpectorOptions
  private readonly fieldNames: Set<string>
  private readonly relationNames: Set<string>
  private readonly jsonFields: { name: string; required: boolean }[]
  private readonly lockSql: string | null
  /** Set when the model's event log is hashed. */
  readonly hasher: EventHasher | null
  /** Set when the log keeps one chain for the whole table. */
  private readonly tableChain: TableChainSql | null
  /** Append a savepoint after every this many events of a record (0: never). */
  private readonly savepointEvery: number
  /** The link tables of the model's event log. */
  private readonly links: PrismaEventLinks
  /** `@evented(table=false)`: no row; commands return the state. */
  private readonly logOnly: boolean
  /** The states this process last wrote, by record id. */
  private readonly recent: RecentStates<S>
  /** The statement that appends an event. */
  private readonly insertEvent: InsertEventSql

  constructor(model: EventedModel<S>, options: SpectorOptions = {}, provider = 'sqlite') {
    this.model = model
    this.options = { maxRetries: 5, ...options }
    this.lockSql = lockRecordSql(provider, model.metadata)
    this.hasher = model.metadata.events.hashed ? new EventHasher(options.hashKey) : null
    this.savepointEvery = model.metadata.savepointEvery ?? options.savepointEvery ?? 0
    if (!Number.isInteger(this.savepointEvery) || this.savepointEvery === 1 || this.savepointEvery < 0) {
      throw new SpectorConfigurationError(model.metadata.name, `savepointEvery must be a whole number >= 2 (or 0 for none), got ${this.savepointEvery}`)
    }
    const log = model.metadata.events
    this.tableChain = log.hashed && log.chain === 'table' ? tableChainHeadSql(provider, log.dbName ?? log.model) : null
    this.links = new PrismaEventLinks(log, provider)
    this.logOnly = model.metadata.logOnly === true
    this.recent = new RecentStates<S>(options.stateCacheSize ?? 1000)
    this.insertEvent = insertEventSql(provider, log.dbName ?? log.model, this.tableChain !== null, log.databaseTime === true)
    this.fieldNames = new Set(model.metadata.fields.map((f) => f.name))
    this.relationNames = new Set(model.metadata.relations.map((r) => r.name))
    this.jsonFields = model.metadata.fields.filter((f) => f.type === 'Json' && !f.isList).map((f) => ({ name: f.name, required: f.isRequired }))
  }

  private get meta() {
    return this.model.metadata
  }

  // ---- commands -------------------------------------------------------------------------------

  async create(client: AnyClient, args: Args): Promise<unknown> {
    const data = this.writableData('create', args?.data)
    return this.transact(client, undefined, (tx) => this.insertIn(tx, data, args))
  }

  /** Prisma's `update`; `expectedSequence` in the args makes it fail unless the record is at that sequence. */
  async update(client: AnyClient, args: Args): Promise<unknown> {
    const { expectedSequence, ...rowArgs } = args ?? {}
    const data = this.writableData('update', rowArgs.data)
    return this.transact(client, undefined, async (tx) => {
      const recordId = await this.resolveAndLock(tx, rowArgs.where, 'update')
      return this.updateIn(tx, recordId, 'update', data, rowArgs, { expectedSequence })
    })
  }

  /** `update` when `where` finds the record, else `create`: one lookup, one transaction. */
  async upsert(client: AnyClient, args: Args): Promise<unknown> {
    const { where, create, update, ...rowArgs } = args ?? {}
    const createData = this.writableData('upsert', create)
    const updateData = this.writableData('upsert', update)
    return this.transact(client, undefined, async (tx) => {
      const recordId = this.logOnly ? await this.liveLogOnlyRecord(tx, where, 'upsert') : await this.findRowId(tx, where)
      if (!recordId) return this.insertIn(tx, createData, rowArgs)
      await this.lock(tx, recordId)
      return this.updateIn(tx, recordId, 'update', updateData, rowArgs)
    })
  }

  async delete(client: AnyClient, args: Args): Promise<unknown> {
    return this.transact(client, undefined, async (tx) => {
      const recordId = await this.resolveAndLock(tx, args?.where, 'delete')
      return this.deleteIn(tx, recordId, args)
    })
  }

  // ---- bulk commands: one event per record, all in one transaction ------------------------------

  /** `createMany`: an insert event and a row per record; `{ count }`. */
  async createMany(client: AnyClient, args: Args, returning = false): Promise<unknown> {
    const operation = returning ? 'createManyAndReturn' : 'createMany'
    if (args?.skipDuplicates) {
      throw new SpectorUnsupportedWriteError(this.meta.name, operation, 'skipDuplicates cannot be evented: a skipped row would leave an insert event without its row')
    }
    const items: unknown[] = Array.isArray(args?.data) ? args.data : [args?.data]
    const datas = items.map((item) => this.writableData(operation, item))
    const { data: _data, skipDuplicates: _skip, ...rowArgs } = args ?? {}
    return this.transact(client, undefined, async (tx) => {
      const rows: unknown[] = []
      for (const data of datas) rows.push(await this.insertIn(tx, data, returning ? rowArgs : this.idOnly))
      return returning ? rows : { count: rows.length }
    })
  }

  /** `updateMany`: replays, updates and appends an event for every matching record; `{ count }`. */
  async updateMany(client: AnyClient, args: Args, returning = false): Promise<unknown> {
    const operation = returning ? 'updateManyAndReturn' : 'updateMany'
    this.refuseWithoutRows(operation)
    const data = this.writableData(operation, args?.data)
    const { where, data: _data, limit, ...rowArgs } = args ?? {}
    return this.transact(client, undefined, async (tx) => {
      const rows: unknown[] = []
      for (const id of await this.idsMatching(tx, where, limit)) {
        await this.lock(tx, id)
        rows.push(await this.updateIn(tx, id, 'update', data, returning ? rowArgs : this.idOnly))
      }
      return returning ? rows : { count: rows.length }
    })
  }

  /** `deleteMany`: a delete event per matching record, rows removed; `{ count }`. */
  async deleteMany(client: AnyClient, args: Args = {}): Promise<unknown> {
    this.refuseWithoutRows('deleteMany')
    const { where, limit } = args ?? {}
    return this.transact(client, undefined, async (tx) => {
      let count = 0
      for (const id of await this.idsMatching(tx, where, limit)) {
        await this.lock(tx, id)
        await this.deleteIn(tx, id, this.idOnly)
        count++
      }
      return { count }
    })
  }

  private get idOnly() {
    return { select: { [this.meta.idField]: true } }
  }

  /** The ids a bulk `where` matches, in id order (locks are then taken in one order: no deadlocks). */
  private async idsMatching(tx: AnyClient, where: unknown, limit: unknown): Promise<string[]> {
    const rows: Record<string, unknown>[] = await tx[this.meta.delegate].findMany({
      where: where ?? {},
      select: { [this.meta.idField]: true },
      orderBy: { [this.meta.idField]: 'asc' },
      ...(typeof limit === 'number' ? { take: limit } : {}),
    })
    return rows.map((row) => row[this.meta.idField] as string)
  }

  // ---- one record, inside a transaction -------------------------------------------------------

  /** A new record: its first event (`insert`, or the action `bringup` names) and its row. */
  private async insertIn(tx: AnyClient, data: Record<string, unknown>, rowArgs: Args, action = 'insert'): Promise<unknown> {
    const eventId = uuidv7()
    const prepared = this.model.prepare(null, action, data, { recordId: eventId, eventId, now: new Date() })
    const event = await this.prepareEvent(tx, this.newEvent(eventId, eventId, action, prepared.payload, 1), [], data, null, prepared.state)
    const hash = await this.append(tx, event, null)
    await this.writeLinks(tx, event)
    this.recent.set(eventId, { eventId, sequence: 1, hash, sinceSavepoint: 1, state: prepared.state })
    return this.writeRow(tx, 'create', eventId, action, prepared.state, rowArgs)
  }

  /** Runs a command on a locked record and rewrites its row from the new state. */
  private async updateIn(tx: AnyClient, recordId: string, action: string, data: Record<string, unknown>, rowArgs: Args, options: ExecuteOptions = {}): Promise<unknown> {
    const state = await this.commandOnRecord(tx, recordId, action, data, options)
    return this.writeRow(tx, 'update', recordId, action, state, rowArgs)
  }

  private async deleteIn(tx: AnyClient, recordId: string, rowArgs: Args): Promise<unknown> {
    if (this.logOnly) {
      // No row to return: the state the record had, as Prisma's delete returns the deleted row.
      const { state, sequence, lastHash } = await this.currentState(tx, recordId)
      this.recent.delete(recordId)
      await this.append(tx, this.newEvent(uuidv7(), recordId, 'delete', {}, sequence + 1), lastHash)
      return state
    }
    this.recent.delete(recordId)
    const last = await this.log(tx).last(this.meta.eventName, recordId)
    if (!last) throw new SpectorNotFoundError(this.meta.name, recordId, 'no-events')
    if (last.action === 'delete') throw new SpectorNotFoundError(this.meta.name, recordId, 'deleted')
    await this.append(tx, this.newEvent(uuidv7(), recordId, 'delete', {}, last.sequence + 1), last.hash)
    return ownRowWrite(tx, this.meta.delegate, 'delete', { ...rowArgs, where: { [this.meta.idField]: recordId } })
  }

  /**
   * Writes the record's row from its state (`prepareMaterialization` may adjust the data); a
   * log-only model has no row, so the command returns the state itself.
   */
  private async writeRow(tx: AnyClient, operation: 'create' | 'update', recordId: string, action: string, state: S, rowArgs: Args): Promise<unknown> {
    if (this.logOnly) return state
    const data = await this.materializationData(tx, operation, recordId, action, state)
    return ownRowWrite(tx, this.meta.delegate, operation, operation === 'create' ? { ...rowArgs, data } : { ...rowArgs, where: { [this.meta.idField]: recordId }, data })
  }

  private async materializationData(tx: AnyClient, operation: 'create' | 'update', recordId: string, action: string, state: S): Promise<Record<string, unknown>> {
    const data = this.rowData(state, operation === 'update')
    const prepare = this.model.changeset.prepareMaterialization
    if (!prepare) return data
    const adjusted = await prepare.call(this.model.changeset, data, { operation, action, recordId, state, client: tx })
    if (!adjusted || typeof adjusted !== 'object') {
      throw new SpectorConfigurationError(this.meta.name, `${this.meta.name} changeset: prepareMaterialization must return the row data, got ${String(adjusted)}`)
    }
    return adjusted
  }

  /**
   * The changeset's `prepareEvent`, when it has one: the last chance to add links (or metadata)
   * to the event. Gets the record's whole history, each event with the links it made.
   */
  private async prepareEvent(
    tx: AnyClient,
    event: PendingEventRow,
    existing: readonly LinkedEvent[] | (() => Promise<readonly LinkedEvent[]>),
    attrs: Record<string, unknown>,
    previous: S | null,
    state: S,
  ): Promise<PendingEventRow> {
    const prepare = this.model.changeset.prepareEvent
    if (!prepare) return event
    const history = typeof existing === 'function' ? await existing() : existing
    const pending: PendingEvent = { ...event, links: {} }
    const result = (await prepare.call(this.model.changeset, pending, history, attrs, { previous, state })) ?? pending
    const links = linkRowsOf(this.meta.name, event.action, this.links.tables, event.id, result.links, new Set(history.map((e) => e.id)))
    return { ...event, metadata: result.metadata ?? null, linkRows: links }
  }

  private async writeLinks(tx: AnyClient, event: PendingEventRow): Promise<void> {
    if (event.linkRows?.length) await this.links.write(tx, event.linkRows)
  }

  async execute(client: AnyClient, id: string, action: string, attrs: Record<string, unknown>, options: ExecuteOptions = {}): Promise<unknown> {
    this.model.assertCustomAction(action)
    if (attrs !== undefined && (attrs === null || typeof attrs !== 'object' || Array.isArray(attrs))) {
      throw new SpectorValidationError(this.meta.name, action, { _: ['attrs must be an object'] })
    }
    return this.transact(client, id, async (tx) => {
      await this.resolveAndLock(tx, { [this.meta.idField]: id }, action)
      return this.updateIn(tx, id, action, attrs ?? {}, {}, options)
    })
  }

  /**
   * Imports rows that have no events (written before the model was evented): for each, in one
   * transaction, an insert event (or `action`) from `attrs(row)` (default: every field but the
   * id, timestamps included, so they survive) and a row under the new record id; `transfer`
   * re-points whatever referenced the old id, then the old row is deleted. With `keepIds`, the
   * record keeps its row and id instead (nothing to transfer).
   */
  async bringup(client: AnyClient, options: BringupOptions = {}): Promise<BringupResult> {
    this.refuseWithoutRows('bringup')
    const action = options.action ?? 'insert'
    if (action !== 'insert') this.model.assertCustomAction(action)
    const { idField, delegate, eventName, events } = this.meta
    const batchSize = options.batchSize ?? 500
    return this.transact(client, undefined, async (tx) => {
      // Which rows have no events: rows in id order, batch by batch, against the log's first events.
      const legacy: string[] = []
      for (let cursor: string | undefined; ; ) {
        const rows: Record<string, unknown>[] = await tx[delegate].findMany({
          select: { [idField]: true },
          orderBy: { [idField]: 'asc' },
          take: batchSize,
          ...(cursor === undefined ? {} : { cursor: { [idField]: cursor }, skip: 1 }),
        })
        const ids = rows.map((r) => r[idField] as string)
        const logged = new Set(
          ((await tx[events.delegate].findMany({ where: { recordId: { in: ids }, sequence: 1, model: eventName }, select: { recordId: true } })) as { recordId: string }[]).map((e) => e.recordId),
        )
        legacy.push(...ids.filter((id) => !logged.has(id)))
        if (rows.length < batchSize) break
        cursor = ids[ids.length - 1]
      }
      const records: { previousId: string; id: string }[] = []
      options.onProgress?.({ done: 0, total: legacy.length })
      for (const oldId of legacy) {
        const row = (await tx[delegate].findUnique({ where: { [idField]: oldId } })) as Record<string, unknown>
        const data = options.attrs ? await options.attrs(row) : this.legacyAttrs(row)
        const clean = this.writableData('bringup', data)
        if (options.keepIds) {
          const eventId = uuidv7()
          const prepared = this.model.prepare(null, action, clean, { recordId: oldId, eventId, now: new Date() })
          const event = await this.prepareEvent(tx, this.newEvent(eventId, oldId, action, prepared.payload, 1), [], clean, null, prepared.state)
          await this.append(tx, event, null)
          await this.writeLinks(tx, event)
          await this.writeRow(tx, 'update', oldId, action, prepared.state, {})
          records.push({ previousId: oldId, id: oldId })
        } else {
          const created = (await this.insertIn(tx, clean, {}, action)) as Record<string, unknown>
          const id = created[idField] as string
          await options.transfer?.(tx, row, created)
          try {
            await ownRowWrite(tx, delegate, 'delete', { where: { [idField]: oldId }, select: { [idField]: true } })
          } catch (error) {
            if ((error as { code?: string }).code !== 'P2003') throw error
            throw new SpectorUnsupportedWriteError(
              this.meta.name,
              'bringup',
              `the old row ${oldId} is still referenced (${(error as Error).message.trim().split('\n').at(-1)}); re-point the references in transfer(tx, oldRow, newRecord), or import with keepIds: true`,
            )
          }
          records.push({ previousId: oldId, id })
        }
        options.onProgress?.({ done: records.length, total: legacy.length })
      }
      return { count: records.length, records }
    })
  }

  /** bringup's default attrs: every field of the row but the id. */
  private legacyAttrs(row: Record<string, unknown>): Record<string, unknown> {
    const attrs = this.model.pickFields(row)
    delete attrs[this.meta.idField]
    return attrs
  }

  /** Appends a savepoint event holding the record's full state; later replays start there. */
  async savepoint(client: AnyClient, id: string): Promise<S> {
    return this.transact(client, id, async (tx) => {
      await this.lock(tx, id)
      const { state, sequence, lastHash } = await this.currentState(tx, id)
      const eventId = uuidv7()
      const hash = await this.append(tx, this.newEvent(eventId, id, 'savepoint', this.model.savepointPayload(state), sequence + 1), lastHash)
      this.recent.set(id, { eventId, sequence: sequence + 1, hash, sinceSavepoint: 0, state })
      return state
    })
  }

  /**
   * Writes the record's row from its log: re-creates a row deleted behind the library's back, or
   * overwrites one edited there. No event is appended (the log already says what the row is).
   */
  async materialize(client: AnyClient, id: string): Promise<unknown> {
    this.refuseWithoutRows('materialize')
    return this.transact(client, id, async (tx) => {
      await this.lock(tx, id)
      const { state } = await this.replayFor(tx, id)
      return ownRowWrite(tx, this.meta.delegate, 'upsert', {
        where: { [this.meta.idField]: id },
        create: await this.materializationData(tx, 'create', id, 'materialize', state),
        update: await this.materializationData(tx, 'update', id, 'materialize', state),
      })
    })
  }

  /**
   * The state built by a chosen set of the record's events, folded in their order: one branch of a
   * conversation, say (an event and its ancestors). Savepoints among them reset the state as usual.
   */
  private async replayOnly(client: AnyClient, id: string, eventIds: readonly string[], until?: Until): Promise<S | null> {
    const wanted = new Set(eventIds)
    const point = toHistoryPoint(until)
    const events = await this.readOrExplain(() => this.log(client).readAll(this.meta.eventName, id, point), id)
    return this.model.replay(id, events.filter((e) => wanted.has(e.id))).state
  }

  /** The links of one of this model's events, both ways (or as `options` narrows), with the event at the other end. */
  async eventLinks(client: AnyClient, eventId: string, options: LinksQuery = {}): Promise<EventLink[]> {
    if (!this.links.tables.length) {
      throw new SpectorConfigurationError(this.meta.name, `${this.meta.name}'s event log ${this.meta.events.model} has no link tables (declare one with /// @eventLinks)`)
    }
    if (options.name !== undefined && !this.links.tables.some((t) => t.name === options.name)) {
      throw new SpectorValidationError(this.meta.name, 'links', { name: [`is not a link table of ${this.meta.events.model} (${this.links.tables.map((t) => t.name).join(', ')})`] })
    }
    const links = await this.links.query(client, eventId, options)
    return links.filter((l) => l.event.model === this.meta.eventName)
  }

  // ---- queries --------------------------------------------------------------------------------

  /** The record's state rebuilt from its events alone (null when deleted or unknown). */
  async replay(client: AnyClient, id: string, options: { until?: Until; only?: readonly string[] } = {}): Promise<S | null> {
    if (options.only) return this.replayOnly(client, id, options.only, options.until)
    const until = toHistoryPoint(options.until)
    // Only the state is wanted: no hashes read.
    const events = () => this.log(client).streamForReplay(this.meta.eventName, id, until, { hashes: false })
    const result = await this.readOrExplain(() => this.model.replayStream(id, events()), id)
    return result.state
  }

  /** The record's events, oldest first. */
  async events(client: AnyClient, id: string, options: { until?: Until; links?: boolean } = {}): Promise<StoredEvent[] | LinkedEvent[]> {
    const until = toHistoryPoint(options.until)
    const events = await this.readOrExplain(() => this.log(client).readAll(this.meta.eventName, id, until), id)
    return options.links ? ((await this.links.attach(client, id, events)) as LinkedEvent[]) : events
  }

  /**
   * Compares every row with the replay of its events and reports the records that differ (a raw
   * SQL edit is the way around the log that remains), rows without events, and live records
   * whose row is missing. Reads in batches; writes nothing.
   */
  async check(client: AnyClient, options: { batchSize?: number } = {}): Promise<DriftReport> {
    this.refuseWithoutRows('check')
    const batchSize = options.batchSize ?? 500
    const { idField, delegate, eventName, events } = this.meta
    const fields = this.meta.fields.map((f) => f.name)
    const drifted: DriftedRecord[] = []
    const log = this.log(client)
    let checked = 0
    const seen = new Set<string>()
    for (let cursor: string | undefined; ; ) {
      const rows: Record<string, unknown>[] = await client[delegate].findMany({
        orderBy: { [idField]: 'asc' },
        take: batchSize,
        ...(cursor === undefined ? {} : { cursor: { [idField]: cursor }, skip: 1 }),
      })
      for (const row of rows) {
        const id = row[idField] as string
        seen.add(id)
        checked++
        const { state } = this.model.replay(id, await log.readForReplay(eventName, id))
        if (!state) drifted.push({ id, kind: 'no-events', differences: [] })
        else {
          const differences = diffStates(fields, state as Record<string, unknown>, row)
          if (differences.length) drifted.push({ id, kind: 'changed', differences })
        }
      }
      if (rows.length < batchSize) break
      cursor = rows[rows.length - 1]![idField] as string
    }
    for (let cursor: string | undefined; ; ) {
      const inserts: { recordId: string }[] = await client[events.delegate].findMany({
        where: { model: eventName, sequence: 1, ...(cursor === undefined ? {} : { recordId: { gt: cursor } }) },
        select: { recordId: true },
        orderBy: { recordId: 'asc' },
        take: batchSize,
      })
      for (const { recordId } of inserts) {
        if (seen.has(recordId)) continue
        const last = await log.last(eventName, recordId)
        checked++
        if (last && last.action !== 'delete') drifted.push({ id: recordId, kind: 'missing-row', differences: [] })
      }
      if (inserts.length < batchSize) break
      cursor = inserts[inserts.length - 1]!.recordId
    }
    return { model: this.meta.name, checked, drifted }
  }

  // ---- internals ------------------------------------------------------------------------------

  /** Replays the record, runs the command, appends its event; returns the new state. */
  private async commandOnRecord(tx: AnyClient, recordId: string, action: string, data: Record<string, unknown>, options: ExecuteOptions): Promise<S> {
    const { state, sequence, lastHash, sinceSavepoint } = await this.currentState(tx, recordId)
    if (options.expectedSequence !== undefined && options.expectedSequence !== sequence) {
      throw new SpectorConflictError(
        this.meta.name,
        recordId,
        `expected sequence ${options.expectedSequence}, but the record is at ${sequence}`,
        options.expectedSequence,
        sequence,
      )
    }
    const attrs = resolveUpdateOperators(this.meta, state as Record<string, unknown>, data, action)
    const eventId = uuidv7()
    const prepared = this.model.prepare(state, action, attrs, { recordId, eventId, now: new Date() })
    const history = async () => this.links.attach(tx, recordId, await this.log(tx).readAll(this.meta.eventName, recordId)) as Promise<LinkedEvent[]>
    const event = await this.prepareEvent(tx, this.newEvent(eventId, recordId, action, prepared.payload, sequence + 1), history, attrs, state, prepared.state)
    const hash = await this.append(tx, event, lastHash)
    await this.writeLinks(tx, event)
    // The savepoint policy: every `savepointEvery` events, the next replay starts from a fresh savepoint.
    const every = this.savepointEvery
    if (every && sinceSavepoint + 1 >= every) {
      const savepointId = uuidv7()
      const savepointHash = await this.append(tx, this.newEvent(savepointId, recordId, 'savepoint', this.model.savepointPayload(prepared.state), sequence + 2), hash)
      this.recent.set(recordId, { eventId: savepointId, sequence: sequence + 2, hash: savepointHash, sinceSavepoint: 0, state: prepared.state })
    } else {
      this.recent.set(recordId, { eventId, sequence: sequence + 1, hash, sinceSavepoint: sinceSavepoint + 1, state: prepared.state })
    }
    return prepared.state
  }

  /**
   * What a command needs of a record: the state this process last wrote, when the record's newest
   * event is still the one written with it, else a replay.
   */
  private async currentState(tx: AnyClient, recordId: string): Promise<{ state: S; sequence: number; lastHash: Uint8Array | null; sinceSavepoint: number }> {
    if (this.recent.has(recordId)) {
      const newest = await tx[this.meta.events.delegate].findFirst({ where: { recordId }, orderBy: { sequence: 'desc' }, select: { id: true } })
      const hit = this.recent.get(recordId, newest?.id)
      if (hit) return { state: hit.state, sequence: hit.sequence, lastHash: hit.hash, sinceSavepoint: hit.sinceSavepoint }
    }
    return this.replayFor(tx, recordId)
  }

  /** The record's state, last sequence and hash, and how many events came after its newest savepoint. */
  private async replayFor(tx: AnyClient, recordId: string) {
    // The last hash links the next event in a hashed log; otherwise no hashes are read.
    const events = this.log(tx).streamForReplay(this.meta.eventName, recordId, undefined, { hashes: this.hasher !== null })
    const result = await this.model.replayStream(recordId, events)
    if (!result.state) throw new SpectorNotFoundError(this.meta.name, recordId, result.deleted ? 'deleted' : 'no-events')
    const sinceSavepoint = result.firstAction === 'savepoint' ? result.applied - 1 : result.applied
    return { state: result.state, sequence: result.sequence, lastHash: result.lastHash, sinceSavepoint }
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

  private log(client: AnyClient): PrismaEventLog {
    return new PrismaEventLog(client[this.meta.events.delegate] as EventDelegate)
  }

  private newEvent(id: string, recordId: string, action: string, payload: JsonObject, sequence: number): PendingEventRow {
    return { id, recordId, model: this.meta.eventName, action, payload, version: this.meta.version, sequence, metadata: null }
  }

  /**
   * Appends an event. In a hashed log it is hashed and linked to the record's previous event
   * (`recordPrevHash`), or, with one chain for the whole table, to the table's newest event,
   * read under a lock that makes the table's writers take turns.
   */
  /** Returns the appended event's hash (null in an unhashed log). */
  private async append(tx: AnyClient, pending: PendingEventRow, recordPrevHash: Uint8Array | null): Promise<Uint8Array | null> {
    const { linkRows, ...row } = pending
    const write = (stored: NewEvent) =>
      this.meta.events.clientDefaults ? this.log(tx).append(stored) : tx.$executeRawUnsafe(this.insertEvent.sql, ...this.insertEvent.args(stored, new Date()))
    if (!this.hasher) {
      await write(row)
      return null
    }
    // The hash covers the links the event makes (in the form readers get them back).
    const event = linkRows?.length ? { ...row, links: linksOfEvent(linkRows.map((b) => b.table), new Map(linkRows.map((b) => [b.table.name, b.rows]))) } : row
    if (!this.tableChain) {
      const hash = this.hasher.hash(event, recordPrevHash)
      await write({ ...event, prevHash: recordPrevHash, hash })
      return hash
    }
    const { lock, lockKey, head } = this.tableChain
    if (lock) await tx.$executeRawUnsafe(lock, lockKey)
    const [top] = (await tx.$queryRawUnsafe(head)) as { position: number | bigint; hash: Uint8Array | null }[]
    const positioned = { ...event, position: top ? Number(top.position) + 1 : 1 }
    const prevHash = top?.hash ? new Uint8Array(top.hash) : null
    const hash = this.hasher.hash(positioned, prevHash)
    await write({ ...positioned, prevHash, hash })
    return hash
  }

  /**
   * Finds the record a `where` names and locks its row until the transaction ends, so concurrent
   * commands on one record take turns. A `where` of just the id is resolved by the lock itself:
   * on MySQL a plain read first would fix the transaction's snapshot before the lock is granted.
   */
  private async resolveAndLock(tx: AnyClient, where: unknown, operation: string): Promise<string> {
    if (!where || typeof where !== 'object') {
      throw new SpectorValidationError(this.meta.name, operation, { where: ['is required'] })
    }
    const keys = Object.keys(where)
    const id = (where as Record<string, unknown>)[this.meta.idField]
    // A log-only record has no row to find or lock: replay finds it, and (recordId, sequence) orders writers.
    if (this.logOnly) return this.logOnlyId(where, operation)
    if (this.lockSql && keys.length === 1 && typeof id === 'string') {
      if (!(await this.lock(tx, id))) throw await this.notFound(tx, id)
      return id
    }
    const row = await tx[this.meta.delegate].findUnique({ where, select: { [this.meta.idField]: true } })
    if (!row) {
      if (keys.length === 1 && typeof id === 'string') throw await this.notFound(tx, id)
      throw new SpectorNotFoundError(this.meta.name, undefined, 'no-row', `where ${safeJson(where)}`)
    }
    const recordId = row[this.meta.idField] as string
    await this.lock(tx, recordId)
    return recordId
  }

  private async findRowId(tx: AnyClient, where: unknown): Promise<string | null> {
    const row = await tx[this.meta.delegate].findUnique({ where, select: { [this.meta.idField]: true } })
    return row ? (row[this.meta.idField] as string) : null
  }

  /** The id a log-only `where` names: only `{ id }` can, as there is no row to search. */
  private logOnlyId(where: unknown, operation: string): string {
    const id = (where as Record<string, unknown>)[this.meta.idField]
    if (Object.keys(where as object).length !== 1 || typeof id !== 'string') {
      throw new SpectorUnsupportedWriteError(this.meta.name, operation, `${this.meta.name} is log-only (@evented(table=false)): where must be { ${this.meta.idField}: <id> }, as there are no rows to search`)
    }
    return id
  }

  /** For a log-only upsert: the id when the record exists and is not deleted, else null. */
  private async liveLogOnlyRecord(tx: AnyClient, where: unknown, operation: string): Promise<string | null> {
    const id = this.logOnlyId(where, operation)
    const last = await this.log(tx).last(this.meta.eventName, id)
    return last && last.action !== 'delete' ? id : null
  }

  /** Operations that need the model's rows, refused on a log-only model. */
  private refuseWithoutRows(operation: string): void {
    if (this.logOnly) {
      throw new SpectorUnsupportedWriteError(this.meta.name, operation, `${this.meta.name} is log-only (@evented(table=false)): it has no rows; read its state with replay(id)`)
    }
  }

  /** Why a record has no row: never existed, deleted, or its row went missing. */
  private async notFound(tx: AnyClient, id: string): Promise<SpectorNotFoundError> {
    const last = await this.log(tx).last(this.meta.eventName, id)
    return new SpectorNotFoundError(this.meta.name, id, !last ? 'no-events' : last.action === 'delete' ? 'deleted' : 'no-row')
  }

  /** Locks the record's row (PostgreSQL, MySQL); returns whether the row exists. SQLite: true. */
  private async lock(tx: AnyClient, id: string): Promise<boolean> {
    if (!this.lockSql || this.logOnly) return true
    const rows: unknown[] = await tx.$queryRawUnsafe(this.lockSql, id)
    return rows.length > 0
  }

  /** Checks a create/update `data`: no id, no nested writes through relations, no unknown fields. */
  private writableData(operation: string, data: unknown): Record<string, unknown> {
    if (!data || typeof data !== 'object' || Array.isArray(data)) {
      throw new SpectorValidationError(this.meta.name, operation, { data: ['must be an object'] })
    }
    const record = data as Record<string, unknown>
    if (record[this.meta.idField] !== undefined) throw new SpectorIdNotAllowedError(this.meta.name, this.meta.idField)
    const unknown: Record<string, string[]> = {}
    for (const key of Object.keys(record)) {
      if (this.relationNames.has(key)) {
        throw new SpectorUnsupportedWriteError(
          this.meta.name,
          operation,
          `nested write through relation "${key}" is not recorded in the event log; write the foreign key field instead, or write the related record on its own`,
          `${this.meta.name}.${key}`,
        )
      }
      // A log-only model has no row to write, so its commands carry whatever attrs its changeset reads.
      if (!this.fieldNames.has(key) && !this.logOnly) unknown[key] = [`is not a field of ${this.meta.name}`]
    }
    if (Object.keys(unknown).length) throw new SpectorValidationError(this.meta.name, operation, unknown)
    return withPlainNulls(record)
  }

  /** The state as row data: every model field (a Json null as `DbNull`, or `JsonNull` where the column is required). */
  private rowData(state: S, omitId: boolean): Record<string, unknown> {
    const data = this.model.pickFields(state as Record<string, unknown>)
    if (omitId) delete data[this.meta.idField]
    for (const { name, required } of this.jsonFields) if (data[name] === null) data[name] = required ? JsonNull : DbNull
    return data
  }

  private async transact<R>(client: AnyClient, recordId: string | undefined, work: (tx: AnyClient) => Promise<R>): Promise<R> {
    const ownTransaction = typeof client.$connect === 'function'
    const options = ownTransaction ? this.options.transactionOptions : undefined
    for (let attempt = 0; ; attempt++) {
      try {
        return await client.$transaction(work, options)
      } catch (error) {
        if (!isRetryableConflict(error, this.meta.events.model)) throw error
        if (attempt >= this.options.maxRetries) {
          throw new SpectorConflictError(
            this.meta.name,
            recordId ?? '(unknown)',
            `another writer appended to this record first; gave up after ${attempt + 1} attempts`,
            undefined,
            undefined,
            error,
          )
        }
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)))
      }
    }
  }
}

/** An event on its way to the log: what is stored, and the link rows `prepareEvent` asked for. */
type PendingEventRow = Omit<NewEvent, 'hash' | 'prevHash' | 'position'> & { linkRows?: ReturnType<typeof linkRowsOf> }

export interface BringupOptions {
  /** The action of each imported record's first event: `insert` (default) or a custom action such as `import`. */
  action?: string
  /** The attrs of the first event, from the legacy row. Default: every field but the id (timestamps kept). */
  attrs?: (row: Record<string, any>) => Record<string, unknown> | Promise<Record<string, unknown>>
  /** Re-points what referenced the old row (foreign keys) to the new record, before the old row is deleted. */
  transfer?: (tx: any, oldRow: Record<string, any>, newRecord: Record<string, any>) => unknown
  /** Keep each row and its id (the record id is then not its first event's id): nothing to transfer. */
  keepIds?: boolean
  /** Called before the first record and after each one. */
  onProgress?: (progress: { done: number; total: number }) => void
  /** Rows read per query while looking for rows without events. Default 500. */
  batchSize?: number
}

export interface BringupResult {
  count: number
  /** Each imported row's old id and its record id. */
  records: { previousId: string; id: string }[]
}

/** `Prisma.DbNull` / `JsonNull` / `AnyNull` become null in the event (the row gets DbNull back, or JsonNull where required). */
function withPlainNulls(data: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined
  for (const [key, value] of Object.entries(data)) {
    if (value !== null && typeof value === 'object' && (isDbNull(value) || isJsonNull(value) || isAnyNull(value))) {
      out ??= { ...data }
      out[key] = null
    }
  }
  return out ?? data
}

function toHistoryPoint(until: Until | undefined): HistoryPoint | undefined {
  if (until === undefined) return undefined
  if (typeof until === 'string') return { eventId: until }
  if (until instanceof Date) return { at: until }
  return { sequence: until.sequence }
}

/** A unique violation on the event log's (recordId, sequence): another writer took the sequence. */
/** Database codes of a deadlock or serialization failure: the database aborted this transaction, so it can run again. */
const abortedTransactionCodes = new Set(['1213', '40001', '40P01'])

function isRetryableConflict(error: unknown, eventsModel: string): boolean {
  const e = error as { code?: string; meta?: { modelName?: string; driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } } }
  // P2034: a write conflict or deadlock; P2010 carries one from a raw query (the table-chain head).
  if (e?.code === 'P2034') return true
  // P2010 from the raw event insert: a unique violation means the sequence was taken.
  if (e?.code === 'P2010') {
    const cause = e.meta?.driverAdapterError?.cause
    return cause?.kind === 'UniqueConstraintViolation' || abortedTransactionCodes.has(String(cause?.originalCode))
  }
  if (e?.code !== 'P2002') return false
  return e.meta?.modelName === eventsModel
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
  } catch {
    return String(value)
  }
}
