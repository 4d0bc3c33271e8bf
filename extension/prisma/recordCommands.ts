/**
 * The commands on one record: create, update, upsert, delete, a custom action (`execute`) and an
 * explicit savepoint. Each finds and locks its record, then runs the shared write path
 * (recordWriter.ts) in one transaction.
 */
import { uuidv7 } from 'uuidv7'
import { checkActionAttrs } from '../core/actionAttrs.ts'
import type { State } from '../core/eventedModel.ts'
import { SpectorNotFoundError, SpectorUnsupportedWriteError, SpectorValidationError } from '../core/errors.ts'
import { runOptimistically } from './optimisticCommand.ts'
import { isInsideTransaction } from './prismaCompat.ts'
import type { RecordWriter } from './recordWriter.ts'
import { inTurn } from './transactionQueue.ts'
import type { AnyClient, Args, ExecuteOptions } from './spectorOptions.ts'

export class RecordCommands<S extends State = State> {
  private readonly writer: RecordWriter<S>

  constructor(writer: RecordWriter<S>) {
    this.writer = writer
  }

  private get meta() {
    return this.writer.meta
  }

  async create(client: AnyClient, args: Args): Promise<unknown> {
    const data = this.writer.data.writableData('create', args?.data)
    // A direct write where the database, the model, the client and the call allow it (directCommand.ts).
    const direct = this.writer.direct
    const route = direct && (await direct.serves(client, 'create', args ?? {}))
    if (route) {
      const done = await direct.create(route, data)
      if (done) return done.row
    }
    return this.writer.transact(client, undefined, (tx) => this.writer.insertIn(tx, data, args))
  }

  /** Prisma's `update`; `expectedSequence` in the args makes it fail unless the record is at that sequence. */
  async update(client: AnyClient, args: Args): Promise<unknown> {
    const { expectedSequence, ...rowArgs } = args ?? {}
    const data = this.writer.data.writableData('update', rowArgs.data)
    const locked = () =>
      this.writer.transact(client, undefined, async (tx) => {
        const recordId = await this.resolveAndLock(tx, rowArgs.where, 'update')
        return this.writer.updateIn(tx, recordId, 'update', data, rowArgs, { expectedSequence })
      })
    const id = this.idOnlyWhere(rowArgs.where)
    if (id === undefined) return locked()
    return this.oneAtATime(client, id, async () => {
      const optimistic = await runOptimistically(this.writer, client, id, 'update', data, rowArgs, { expectedSequence })
      return optimistic ? optimistic.row : locked()
    })
  }

  /** `update` when `where` finds the record, else `create`: one lookup, one transaction. */
  async upsert(client: AnyClient, args: Args): Promise<unknown> {
    const { where, create, update, ...rowArgs } = args ?? {}
    const createData = this.writer.data.writableData('upsert', create)
    const updateData = this.writer.data.writableData('upsert', update)
    return this.writer.transact(client, undefined, async (tx) => {
      const recordId = this.writer.logOnly ? await this.liveLogOnlyRecord(tx, where, 'upsert') : await this.findRowId(tx, where)
      if (!recordId) return this.writer.insertIn(tx, createData, rowArgs)
      await this.writer.lock(tx, recordId)
      return this.writer.updateIn(tx, recordId, 'update', updateData, rowArgs)
    })
  }

  async delete(client: AnyClient, args: Args): Promise<unknown> {
    return this.writer.transact(client, undefined, async (tx) => {
      const recordId = await this.resolveAndLock(tx, args?.where, 'delete')
      return this.writer.deleteIn(tx, recordId, args)
    })
  }

  async execute(client: AnyClient, id: string, action: string, attrs: Record<string, unknown>, options: ExecuteOptions = {}): Promise<unknown> {
    this.writer.model.assertCustomAction(action)
    if (attrs !== undefined && (attrs === null || typeof attrs !== 'object' || Array.isArray(attrs))) {
      throw new SpectorValidationError(this.meta.name, action, { _: ['attrs must be an object'] })
    }
    // An action whose attrs the changeset declares gets them checked before anything is written.
    const schema = this.writer.model.changeset.actions?.[action]
    const checked = schema ? await checkActionAttrs(this.meta.name, action, schema, attrs ?? {}) : (attrs ?? {})
    return this.oneAtATime(client, id, async () => {
      const optimistic = await runOptimistically(this.writer, client, id, action, checked, {}, options)
      if (optimistic) return optimistic.row
      return this.writer.transact(client, id, async (tx) => {
        await this.resolveAndLock(tx, { [this.meta.idField]: id }, action)
        return this.writer.updateIn(tx, id, action, checked, {}, options)
      })
    })
  }

  /** Appends a savepoint event holding the record's full state; later replays start there. */
  async savepoint(client: AnyClient, id: string): Promise<S> {
    const writer = this.writer
    return writer.transact(client, id, async (tx) => {
      await writer.lock(tx, id)
      const { state, sequence, lastHash } = await writer.currentState(tx, id)
      const eventId = uuidv7()
      const hash = await writer.append(tx, writer.newEvent(eventId, id, 'savepoint', writer.model.savepointPayload(state), sequence + 1), lastHash)
      writer.keep(tx, id, { eventId, sequence: sequence + 1, hash, sinceSavepoint: 0, state })
      return state
    })
  }

  /** The id when `where` is just `{ id }`, else undefined. */
  private idOnlyWhere(where: unknown): string | undefined {
    if (!where || typeof where !== 'object' || Object.keys(where).length !== 1) return undefined
    const id = (where as Record<string, unknown>)[this.meta.idField]
    return typeof id === 'string' ? id : undefined
  }

  /**
   * Commands of this process on one record, outside a caller's transaction, run one at a time:
   * racing each other they would only collide on the record's next sequence (or its row lock).
   */
  private oneAtATime<R>(client: AnyClient, id: string, run: () => Promise<R>): Promise<R> {
    return isInsideTransaction(client) ? run() : inTurn(`${this.meta.name}\u0000${id}`, run)
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
    if (this.writer.logOnly) return this.logOnlyId(where, operation)
    if (this.writer.lockSql && keys.length === 1 && typeof id === 'string') {
      if (!(await this.writer.lock(tx, id))) throw await this.notFound(tx, id)
      return id
    }
    const row = await tx[this.meta.delegate].findUnique({ where, select: { [this.meta.idField]: true } })
    if (!row) {
      if (keys.length === 1 && typeof id === 'string') throw await this.notFound(tx, id)
      throw new SpectorNotFoundError(this.meta.name, undefined, 'no-row', `where ${safeJson(where)}`)
    }
    const recordId = row[this.meta.idField] as string
    await this.writer.lock(tx, recordId)
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
      throw new SpectorUnsupportedWriteError(
        this.meta.name,
        operation,
        `${this.meta.name} is log-only (@evented(table=false)): where must be { ${this.meta.idField}: <id> }, as there are no rows to search`,
      )
    }
    return id
  }

  /** For a log-only upsert: the id when the record exists and is not deleted, else null. */
  private async liveLogOnlyRecord(tx: AnyClient, where: unknown, operation: string): Promise<string | null> {
    const id = this.logOnlyId(where, operation)
    const last = await this.writer.log(tx).last(this.meta.eventName, id)
    return last && last.action !== 'delete' ? id : null
  }

  /** Why a record has no row: never existed, deleted, or its row went missing. */
  private async notFound(tx: AnyClient, id: string): Promise<SpectorNotFoundError> {
    const last = await this.writer.log(tx).last(this.meta.eventName, id)
    return new SpectorNotFoundError(this.meta.name, id, !last ? 'no-events' : last.action === 'delete' ? 'deleted' : 'no-row')
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
  } catch {
    return String(value)
  }
}
