/**
 * The write path every command shares, on one record inside a transaction: replay the record (or
 * take the state this process last wrote), run the changeset, append the event (hashed and
 * chained where the log is) with its links, write the resulting state to the row.
 *
 * The commands themselves (recordCommands.ts, bulkCommands.ts, bringup.ts, materialize.ts) decide
 * which records to touch and call these steps.
 */
import { uuidv7 } from 'uuidv7'
import type { LinkedEvent, PendingEvent } from '../core/changeset.ts'
import { linkRowsOf, linksOfEvent } from '../core/eventLinks.ts'
import type { NewEvent } from '../core/eventLog.ts'
import type { EventedModel, State } from '../core/eventedModel.ts'
import { SpectorConfigurationError, SpectorConflictError, SpectorNotFoundError, SpectorUnsupportedWriteError } from '../core/errors.ts'
import { EventHasher } from '../core/hashChain.ts'
import type { JsonObject } from '../core/payloadCodec.ts'
import { RecentStates } from '../core/recentStates.ts'
import { resolveUpdateOperators } from '../core/updateOperators.ts'
import { CommandData } from './commandData.ts'
import { DirectCommand } from './directCommand.ts'
import { ownRowWrite } from './ownRowWrite.ts'
import { currentContext } from './requestContext.ts'
import { PrismaEventLinks } from './prismaEventLinks.ts'
import { PrismaEventLog, type EventDelegate } from './prismaEventLog.ts'
import type { Dialect, InsertEventSql, TableChainSql } from '../dialects/dialect.ts'
import { dialectFor } from '../dialects/dialectFor.ts'
import { eventTableOf, rowTableOf } from '../dialects/tables.ts'
import type { AnyClient, Args, ExecuteOptions, SpectorOptions } from './spectorOptions.ts'
import { transact } from './transactionPolicy.ts'
import { isInsideTransaction } from './prismaCompat.ts'
import type { RecentState } from '../core/recentStates.ts'

/** An event on its way to the log: what is stored, and the link rows `prepareEvent` asked for. */
export type PendingEventRow = Omit<NewEvent, 'hash' | 'prevHash' | 'position'> & { linkRows?: ReturnType<typeof linkRowsOf> }

/** What a command knows of a record before it runs: its state, last sequence and hash, events since its newest savepoint. */
export interface CurrentState<S> {
  state: S
  sequence: number
  lastHash: Uint8Array | null
  sinceSavepoint: number
}

export class RecordWriter<S extends State = State> {
  readonly model: EventedModel<S>
  readonly options: Required<Pick<SpectorOptions, 'maxRetries'>> & SpectorOptions
  /** Set when the model's event log is hashed. */
  readonly hasher: EventHasher | null
  /** The link tables of the model's event log. */
  readonly links: PrismaEventLinks
  /** `@evented(table=false)`: no row; commands return the state. */
  readonly logOnly: boolean
  /** The states this process last wrote, by record id. */
  readonly recent: RecentStates<S>
  /** Checks commands' data and builds row data. */
  readonly data: CommandData<S>
  /** The statement that locks a record's row; null where the database needs none. */
  readonly lockSql: string | null
  /** Set when the log keeps one chain for the whole table. */
  private readonly tableChain: TableChainSql | null
  /** Set when events take a `position` (a table chain, or a change feed): the lock and the head. */
  private readonly positions: TableChainSql | null
  /** Append a savepoint after every this many events of a record (0: never). */
  private readonly savepointEvery: number
  /** The statement that appends an event. */
  /** The event's INSERT every append of the model sends (a direct write's too). */
  readonly insertEvent: InsertEventSql
  private readonly dialect: Dialect
  /** Run first in the transactions the library opens: takes the write lock up front (SQLite); null elsewhere. */
  private readonly writeLockSql: string | null
  /** The direct write (directCommand.ts): no Prisma transaction, where the database, the model and the client allow it. */
  readonly direct: DirectCommand<S> | null
  /** The states each running transaction kept (by its transaction client), marked committed when it commits. */
  private readonly keptIn = new WeakMap<object, [recordId: string, eventId: string][]>()

  constructor(model: EventedModel<S>, options: SpectorOptions, provider: string) {
    this.model = model
    this.options = { maxRetries: 5, ...options }
    const dialect = dialectFor(provider)
    this.dialect = dialect
    this.lockSql = dialect.lockRecord(rowTableOf(model.metadata))
    this.hasher = model.metadata.events.hashed ? new EventHasher(options.hashKey) : null
    this.savepointEvery = model.metadata.savepointEvery ?? options.savepointEvery ?? 0
    if (!Number.isInteger(this.savepointEvery) || this.savepointEvery === 1 || this.savepointEvery < 0) {
      throw new SpectorConfigurationError(model.metadata.name, `savepointEvery must be a whole number >= 2 (or 0 for none), got ${this.savepointEvery}`)
    }
    const log = model.metadata.events
    const eventTable = eventTableOf(log)
    this.tableChain = log.hashed && log.chain === 'table' ? dialect.tableChainHead(eventTable) : null
    this.positions = this.tableChain ?? (log.feed ? dialect.tableChainHead(eventTable) : null)
    this.links = new PrismaEventLinks(log, dialect)
    this.logOnly = model.metadata.logOnly === true
    this.recent = new RecentStates<S>(options.stateCacheSize ?? 1000)
    this.insertEvent = dialect.insertEvent(eventTable, { withPosition: this.positions !== null, databaseTime: log.databaseTime === true })
    this.writeLockSql = dialect.takeWriteLock(eventTable)
    this.data = new CommandData(model)
    this.direct = DirectCommand.for(this, provider)
  }

  /** Whether a savepoint is due after an event that leaves the record `sinceSavepoint` events past its newest one. */
  savepointDue(sinceSavepoint: number): boolean {
    return this.savepointEvery > 0 && sinceSavepoint >= this.savepointEvery
  }

  get meta() {
    return this.model.metadata
  }

  /**
   * Runs `work` in a transaction on `client` under the transaction policy (transactionPolicy.ts).
   * When the library opened the transaction itself, the states it kept are marked committed once
   * it has committed (recentStates.ts); `maxRetries` overrides the option (0 for one attempt).
   */
  async transact<R>(client: AnyClient, recordId: string | undefined, work: (tx: AnyClient) => Promise<R>, maxRetries = this.options.maxRetries): Promise<R> {
    const { transactionOptions } = this.options
    const { dialect, writeLockSql } = this
    const kept: [string, string][] = []
    const result = await transact(
      client,
      (tx) => {
        kept.length = 0
        this.keptIn.set(tx, kept)
        return work(tx)
      },
      { model: this.meta.name, eventsModel: this.meta.events.model, recordId, maxRetries, transactionOptions, dialect, writeLockSql },
    )
    if (!isInsideTransaction(client)) for (const [id, eventId] of kept) this.recent.markCommitted(id, eventId)
    return result
  }

  /** Keeps the state a command in `tx` wrote (see `transact`). */
  keep(tx: AnyClient, recordId: string, entry: RecentState<S>): void {
    this.recent.set(recordId, entry)
    this.keptIn.get(tx)?.push([recordId, entry.eventId])
  }

  /**
   * Whether commands on this model may take the optimistic path (optimisticCommand.ts): not when
   * events take a position (a table chain, a change feed: taken under a lock), when the changeset
   * reads or writes through the transaction (`prepareEvent`, `prepareMaterialization`), or when
   * there is no row.
   */
  get appendsOptimistically(): boolean {
    const changeset = this.model.changeset
    return !this.logOnly && this.positions === null && !changeset.prepareEvent && !changeset.prepareMaterialization && this.options.optimistic !== false
  }

  log(client: AnyClient): PrismaEventLog {
    return new PrismaEventLog(client[this.meta.events.delegate] as EventDelegate, this.meta.events)
  }

  newEvent(id: string, recordId: string, action: string, payload: JsonObject, sequence: number): PendingEventRow {
    // The scope's actor, reason, request id... (requestContext.ts); prepareEvent may extend it.
    return { id, recordId, model: this.meta.eventName, action, payload, version: this.meta.version, sequence, metadata: currentContext(this.options) }
  }

  /** A new record: its first event (`insert`, or the action `bringup` names) and its row. */
  async insertIn(tx: AnyClient, data: Record<string, unknown>, rowArgs: Args, action = 'insert'): Promise<unknown> {
    const { eventId, prepared } = this.firstState(data, action)
    const event = await this.prepareEvent(this.newEvent(eventId, eventId, action, prepared.payload, 1), [], data, null, prepared.state)
    const hash = await this.append(tx, event, null)
    await this.writeLinks(tx, event)
    this.keep(tx, eventId, { eventId, sequence: 1, hash, sinceSavepoint: 1, state: prepared.state })
    return this.writeRow(tx, 'create', eventId, action, prepared.state, rowArgs)
  }

  /** Runs a command on a locked record and rewrites its row from the new state. */
  async updateIn(
    tx: AnyClient,
    recordId: string,
    action: string,
    data: Record<string, unknown>,
    rowArgs: Args,
    options: ExecuteOptions = {},
  ): Promise<unknown> {
    const state = await this.commandOnRecord(tx, recordId, action, data, options)
    return this.writeRow(tx, 'update', recordId, action, state, rowArgs)
  }

  async deleteIn(tx: AnyClient, recordId: string, rowArgs: Args): Promise<unknown> {
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
  async writeRow(tx: AnyClient, operation: 'create' | 'update', recordId: string, action: string, state: S, rowArgs: Args): Promise<unknown> {
    if (this.logOnly) return state
    const data = await this.materializationData(tx, operation, recordId, action, state)
    const row = await ownRowWrite(
      tx,
      this.meta.delegate,
      operation,
      operation === 'create' ? { ...rowArgs, data } : { ...rowArgs, where: { [this.meta.idField]: recordId }, data },
    )
    // A database trigger can skip the write (PostgreSQL's BEFORE ... RETURN NULL, SQLite's RAISE(IGNORE)):
    // Prisma then returns no row (a bulk write sent down the caller's query: none counted, see
    // callerRowWrite.ts), and the event would be of a row that is not there.
    if (row === null || row === undefined) {
      throw new SpectorUnsupportedWriteError(
        this.meta.name,
        operation,
        `the database wrote no ${this.meta.name} row for record ${recordId} (a trigger that skips the write?): its event is not written either`,
      )
    }
    return row
  }

  async materializationData(tx: AnyClient, operation: 'create' | 'update', recordId: string, action: string, state: S): Promise<Record<string, unknown>> {
    const data = this.data.rowData(state, operation === 'update')
    const prepare = this.model.changeset.prepareMaterialization
    if (!prepare) return data
    const adjusted = await prepare.call(this.model.changeset, data, { operation, action, recordId, state, client: tx })
    if (!adjusted || typeof adjusted !== 'object') {
      throw new SpectorConfigurationError(
        this.meta.name,
        `${this.meta.name} changeset: prepareMaterialization must return the row data, got ${String(adjusted)}`,
      )
    }
    return adjusted
  }

  /**
   * The changeset's `prepareEvent`, when it has one: the last chance to add links (or metadata)
   * to the event. Gets the record's whole history, each event with the links it made.
   */
  async prepareEvent(
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

  async writeLinks(tx: AnyClient, event: PendingEventRow): Promise<void> {
    if (event.linkRows?.length) await this.links.write(tx, event.linkRows)
  }

  /** Replays the record, runs the command, appends its event; returns the new state. */
  async commandOnRecord(tx: AnyClient, recordId: string, action: string, data: Record<string, unknown>, options: ExecuteOptions): Promise<S> {
    const current = await this.currentState(tx, recordId)
    const { attrs, eventId, prepared } = this.nextState(current, recordId, action, data, options)
    const history = async () => this.links.attach(tx, recordId, await this.log(tx).readAll(this.meta.eventName, recordId)) as Promise<LinkedEvent[]>
    const event = await this.prepareEvent(
      this.newEvent(eventId, recordId, action, prepared.payload, current.sequence + 1),
      history,
      attrs,
      current.state,
      prepared.state,
    )
    const hash = await this.append(tx, event, current.lastHash)
    await this.writeLinks(tx, event)
    await this.appendDueSavepoint(tx, recordId, prepared.state, { eventId, sequence: current.sequence + 1, hash, sinceSavepoint: current.sinceSavepoint + 1 })
    return prepared.state
  }

  /** A new record's id (its first event's) and the state the changeset makes of `data`, before anything is written. */
  firstState(data: Record<string, unknown>, action: string) {
    const eventId = uuidv7()
    const prepared = this.model.prepare(null, action, data, { recordId: eventId, eventId, now: new Date() })
    return { eventId, prepared }
  }

  /** What a command makes of a record's current state, before anything is written: the expected sequence checked, operators resolved, the changeset run. */
  nextState(current: CurrentState<S>, recordId: string, action: string, data: Record<string, unknown>, options: ExecuteOptions) {
    const { state, sequence } = current
    if (options.expectedSequence !== undefined && options.expectedSequence !== sequence) {
      throw new SpectorConflictError(
        this.meta.name,
        recordId,
        `expected sequence ${options.expectedSequence}, but the record is at ${sequence}`,
        options.expectedSequence,
        sequence,
      )
    }
    const attrs = resolveUpdateOperators(this.meta, state as Record<string, unknown>, data, action, this.model.columns.integerDivision)
    const eventId = uuidv7()
    const prepared = this.model.prepare(state, action, attrs, { recordId, eventId, now: new Date() })
    return { attrs, eventId, prepared }
  }

  /**
   * Keeps the state an event left the record in; the savepoint policy first: every
   * `savepointEvery` events, a savepoint is appended, and the next replay starts there.
   */
  async appendDueSavepoint(
    tx: AnyClient,
    recordId: string,
    state: S,
    after: { eventId: string; sequence: number; hash: Uint8Array | null; sinceSavepoint: number },
  ): Promise<void> {
    if (!this.savepointDue(after.sinceSavepoint)) {
      this.keep(tx, recordId, { ...after, state })
      return
    }
    const savepointId = uuidv7()
    const savepointHash = await this.append(
      tx,
      this.newEvent(savepointId, recordId, 'savepoint', this.model.savepointPayload(state), after.sequence + 1),
      after.hash,
    )
    this.keep(tx, recordId, { eventId: savepointId, sequence: after.sequence + 1, hash: savepointHash, sinceSavepoint: 0, state })
  }

  /**
   * What a command needs of a record: the state this process last wrote, when the record's newest
   * event is still the one written with it, else a replay.
   */
  async currentState(tx: AnyClient, recordId: string): Promise<CurrentState<S>> {
    if (this.recent.has(recordId)) {
      const newest = await tx[this.meta.events.delegate].findFirst({ where: { recordId }, orderBy: { sequence: 'desc' }, select: { id: true } })
      const hit = this.recent.get(recordId, newest?.id)
      if (hit) return { state: hit.state, sequence: hit.sequence, lastHash: hit.hash, sinceSavepoint: hit.sinceSavepoint }
    }
    return this.replayFor(tx, recordId)
  }

  /** The record's state, last sequence and hash, and how many events came after its newest savepoint. */
  async replayFor(tx: AnyClient, recordId: string): Promise<CurrentState<S>> {
    // The last hash links the next event in a hashed log; otherwise no hashes are read.
    // With a savepoint policy, the newest savepointEvery + 1 events hold the newest savepoint: one read.
    const newestFirst = this.savepointEvery ? this.savepointEvery + 1 : undefined
    const events = this.log(tx).streamForReplay(this.meta.eventName, recordId, undefined, { hashes: this.hasher !== null, newestFirst })
    const result = await this.model.replayStream(recordId, events)
    if (!result.state) throw new SpectorNotFoundError(this.meta.name, recordId, result.deleted ? 'deleted' : 'no-events')
    const sinceSavepoint = result.firstAction === 'savepoint' ? result.applied - 1 : result.applied
    return { state: result.state, sequence: result.sequence, lastHash: result.lastHash, sinceSavepoint }
  }

  /**
   * Appends an event. In a hashed log it is hashed and linked to the record's previous event
   * (`recordPrevHash`), or, with one chain for the whole table, to the table's newest event,
   * read under a lock that makes the table's writers take turns. Returns the appended event's
   * hash (null in an unhashed log).
   */
  async append(tx: AnyClient, pending: PendingEventRow, recordPrevHash: Uint8Array | null): Promise<Uint8Array | null> {
    const write = (stored: NewEvent) =>
      this.meta.events.clientDefaults ? this.log(tx).append(stored) : tx.$executeRawUnsafe(this.insertEvent.sql, ...this.insertEvent.args(stored, new Date()))
    // A position is taken under a lock the transaction keeps until it commits: positions are in
    // commit order, which is what the change feed (changeFeed.ts) and a table chain rely on.
    const head = this.positions ? await this.lockedHead(tx, this.positions) : null
    const { stored, hash } = this.seal(head ? { ...pending, position: head.position + 1 } : pending, this.tableChain ? (head?.hash ?? null) : recordPrevHash)
    await write(stored)
    return hash
  }

  /**
   * The event as it is stored, and its hash: in a hashed log, hashed (over the links it makes, in
   * the form readers get them back) and linked to `prevHash`; null hash in an unhashed log.
   */
  seal(pending: PendingEventRow & { position?: number }, prevHash: Uint8Array | null): { stored: NewEvent; hash: Uint8Array | null } {
    const { linkRows, ...row } = pending
    if (!this.hasher) return { stored: row, hash: null }
    const event = linkRows?.length
      ? {
          ...row,
          links: linksOfEvent(
            linkRows.map((b) => b.table),
            new Map(linkRows.map((b) => [b.table.name, b.rows])),
          ),
        }
      : row
    const hash = this.hasher.hash(event, prevHash)
    return { stored: { ...event, prevHash, hash }, hash }
  }

  /** Takes the position lock and reads the newest position (0 in an empty log) and its hash. */
  private async lockedHead(tx: AnyClient, { lock, lockKey, head }: TableChainSql): Promise<{ position: number; hash: Uint8Array | null }> {
    if (lock) await tx.$executeRawUnsafe(lock, lockKey)
    const [top] = (await tx.$queryRawUnsafe(head)) as { position: number | bigint; hash: Uint8Array | null }[]
    return { position: top ? Number(top.position) : 0, hash: top?.hash ? new Uint8Array(top.hash) : null }
  }

  /** Locks the record's row (PostgreSQL, MySQL); returns whether the row exists. SQLite: true. */
  async lock(tx: AnyClient, id: string): Promise<boolean> {
    if (!this.lockSql || this.logOnly) return true
    const rows: unknown[] = await tx.$queryRawUnsafe(this.lockSql, id)
    return rows.length > 0
  }

  /** Operations that need the model's rows, refused on a log-only model. */
  refuseWithoutRows(operation: string): void {
    if (this.logOnly) {
      throw new SpectorUnsupportedWriteError(
        this.meta.name,
        operation,
        `${this.meta.name} is log-only (@evented(table=false)): it has no rows; read its state with replay(id)`,
      )
    }
  }
}
