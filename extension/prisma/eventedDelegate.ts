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
import type { HistoryPoint, StoredEvent } from '../core/eventLog.ts'
import { EventedModel, type State } from '../core/eventedModel.ts'
import {
  SpectorConfigurationError,
  SpectorConflictError,
  SpectorIdNotAllowedError,
  SpectorNotFoundError,
  SpectorUnsupportedWriteError,
  SpectorValidationError,
} from '../core/errors.ts'
import type { JsonObject, JsonValue } from '../core/payloadCodec.ts'
import { EventHasher } from '../core/hashChain.ts'
import { diffStates, type FieldDifference } from '../core/stateDiff.ts'
import { resolveUpdateOperators } from '../core/updateOperators.ts'
import { HistoryPointNotFoundError, PrismaEventLog, type EventDelegate } from './prismaEventLog.ts'
import { ownRowWrite } from './ownRowWrite.ts'
import { lockRecordSql } from './sql/lockRecordSql.ts'
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
      const existing = await tx[this.meta.delegate].findUnique({ where, select: { [this.meta.idField]: true } })
      if (!existing) return this.insertIn(tx, createData, rowArgs)
      const recordId = existing[this.meta.idField] as string
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

  private async insertIn(tx: AnyClient, data: Record<string, unknown>, rowArgs: Args): Promise<unknown> {
    const eventId = uuidv7()
    const prepared = this.model.prepare(null, 'insert', data, { recordId: eventId, eventId, now: new Date() })
    await this.append(tx, this.newEvent(eventId, eventId, 'insert', prepared.payload, 1), null)
    return ownRowWrite(tx, this.meta.delegate, 'create', { ...rowArgs, data: this.rowData(prepared.state, false) })
  }

  /** Runs a command on a locked record and rewrites its row from the new state. */
  private async updateIn(tx: AnyClient, recordId: string, action: string, data: Record<string, unknown>, rowArgs: Args, options: ExecuteOptions = {}): Promise<unknown> {
    const state = await this.commandOnRecord(tx, recordId, action, data, options)
    return ownRowWrite(tx, this.meta.delegate, 'update', {
      ...rowArgs,
      where: { [this.meta.idField]: recordId },
      data: this.rowData(state, true),
    })
  }

  private async deleteIn(tx: AnyClient, recordId: string, rowArgs: Args): Promise<unknown> {
    const last = await this.log(tx).last(this.meta.eventName, recordId)
    if (!last) throw new SpectorNotFoundError(this.meta.name, recordId, 'no-events')
    if (last.action === 'delete') throw new SpectorNotFoundError(this.meta.name, recordId, 'deleted')
    await this.append(tx, this.newEvent(uuidv7(), recordId, 'delete', {}, last.sequence + 1), last.hash)
    return ownRowWrite(tx, this.meta.delegate, 'delete', { ...rowArgs, where: { [this.meta.idField]: recordId } })
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

  /** Appends a savepoint event holding the record's full state; later replays start there. */
  async savepoint(client: AnyClient, id: string): Promise<S> {
    return this.transact(client, id, async (tx) => {
      await this.lock(tx, id)
      const { state, sequence, lastHash } = await this.replayFor(tx, id)
      await this.append(tx, this.newEvent(uuidv7(), id, 'savepoint', this.model.savepointPayload(state), sequence + 1), lastHash)
      return state
    })
  }

  /**
   * Writes the record's row from its log: re-creates a row deleted behind the library's back, or
   * overwrites one edited there. No event is appended (the log already says what the row is).
   */
  async materialize(client: AnyClient, id: string): Promise<unknown> {
    return this.transact(client, id, async (tx) => {
      await this.lock(tx, id)
      const { state } = await this.replayFor(tx, id)
      return ownRowWrite(tx, this.meta.delegate, 'upsert', {
        where: { [this.meta.idField]: id },
        create: this.rowData(state, false),
        update: this.rowData(state, true),
      })
    })
  }

  // ---- queries --------------------------------------------------------------------------------

  /** The record's state rebuilt from its events alone (null when deleted or unknown). */
  async replay(client: AnyClient, id: string, options: { until?: Until } = {}): Promise<S | null> {
    const until = toHistoryPoint(options.until)
    const events = await this.readOrExplain(() => this.log(client).readForReplay(this.meta.eventName, id, until), id)
    return this.model.replay(id, events).state
  }

  /** The record's events, oldest first. */
  async events(client: AnyClient, id: string, options: { until?: Until } = {}): Promise<StoredEvent[]> {
    const until = toHistoryPoint(options.until)
    return this.readOrExplain(() => this.log(client).readAll(this.meta.eventName, id, until), id)
  }

  /**
   * Compares every row with the replay of its events and reports the records that differ (a raw
   * SQL edit is the way around the log that remains), rows without events, and live records
   * whose row is missing. Reads in batches; writes nothing.
   */
  async check(client: AnyClient, options: { batchSize?: number } = {}): Promise<DriftReport> {
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
    const { state, sequence, lastHash, sinceSavepoint } = await this.replayFor(tx, recordId)
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
    const hash = await this.append(tx, this.newEvent(eventId, recordId, action, prepared.payload, sequence + 1), lastHash)
    // The savepoint policy: every `savepointEvery` events, the next replay starts from a fresh savepoint.
    const every = this.savepointEvery
    if (every && sinceSavepoint + 1 >= every) {
      await this.append(tx, this.newEvent(uuidv7(), recordId, 'savepoint', this.model.savepointPayload(prepared.state), sequence + 2), hash)
    }
    return prepared.state
  }

  /** The record's state, last sequence and hash, and how many events came after its newest savepoint. */
  private async replayFor(tx: AnyClient, recordId: string) {
    const events = await this.log(tx).readForReplay(this.meta.eventName, recordId)
    const result = this.model.replay(recordId, events)
    if (!result.state) throw new SpectorNotFoundError(this.meta.name, recordId, result.deleted ? 'deleted' : 'no-events')
    const sinceSavepoint = events[0]?.action === 'savepoint' ? events.length - 1 : events.length
    return { state: result.state, sequence: result.sequence, lastHash: events.at(-1)?.hash ?? null, sinceSavepoint }
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

  private newEvent(id: string, recordId: string, action: string, payload: JsonObject, sequence: number) {
    return { id, recordId, model: this.meta.eventName, action, payload, version: this.meta.version, sequence, metadata: null as JsonValue | null }
  }

  /**
   * Appends an event. In a hashed log it is hashed and linked to the record's previous event
   * (`recordPrevHash`), or, with one chain for the whole table, to the table's newest event,
   * read under a lock that makes the table's writers take turns.
   */
  /** Returns the appended event's hash (null in an unhashed log). */
  private async append(tx: AnyClient, event: ReturnType<EventedDelegate['newEvent']>, recordPrevHash: Uint8Array | null): Promise<Uint8Array | null> {
    const log = this.log(tx)
    if (!this.hasher) {
      await log.append(event)
      return null
    }
    if (!this.tableChain) {
      const hash = this.hasher.hash(event, recordPrevHash)
      await log.append({ ...event, prevHash: recordPrevHash, hash })
      return hash
    }
    const { lock, lockKey, head } = this.tableChain
    if (lock) await tx.$executeRawUnsafe(lock, lockKey)
    const [top] = (await tx.$queryRawUnsafe(head)) as { position: number | bigint; hash: Uint8Array | null }[]
    const positioned = { ...event, position: top ? Number(top.position) + 1 : 1 }
    const prevHash = top?.hash ? new Uint8Array(top.hash) : null
    const hash = this.hasher.hash(positioned, prevHash)
    await log.append({ ...positioned, prevHash, hash })
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

  /** Why a record has no row: never existed, deleted, or its row went missing. */
  private async notFound(tx: AnyClient, id: string): Promise<SpectorNotFoundError> {
    const last = await this.log(tx).last(this.meta.eventName, id)
    return new SpectorNotFoundError(this.meta.name, id, !last ? 'no-events' : last.action === 'delete' ? 'deleted' : 'no-row')
  }

  /** Locks the record's row (PostgreSQL, MySQL); returns whether the row exists. SQLite: true. */
  private async lock(tx: AnyClient, id: string): Promise<boolean> {
    if (!this.lockSql) return true
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
      if (!this.fieldNames.has(key)) unknown[key] = [`is not a field of ${this.meta.name}`]
    }
    if (Object.keys(unknown).length) throw new SpectorValidationError(this.meta.name, operation, unknown)
    return withPlainNulls(record)
  }

  /** The state as row data: every model field (a Json null as `DbNull`, or `JsonNull` where the column is required). */
  private rowData(state: S, omitId: boolean): Record<string, unknown> {
    const data: Record<string, unknown> = { ...(state as Record<string, unknown>) }
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
  const e = error as { code?: string; meta?: { modelName?: string; driverAdapterError?: { cause?: { originalCode?: string } } } }
  // P2034: a write conflict or deadlock; P2010 carries one from a raw query (the table-chain head).
  if (e?.code === 'P2034') return true
  if (e?.code === 'P2010') return abortedTransactionCodes.has(String(e.meta?.driverAdapterError?.cause?.originalCode))
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
