/**
 * The bulk commands (`createMany`, `updateMany`, `deleteMany` and their `AndReturn` forms): one
 * event per record, all in one transaction, records locked in id order so that two bulk writers
 * cannot deadlock.
 */
import type { State } from '../core/eventedModel.ts'
import { SpectorUnsupportedWriteError } from '../core/errors.ts'
import type { RecordWriter } from './recordWriter.ts'
import type { AnyClient, Args } from './spectorOptions.ts'

export class BulkCommands<S extends State = State> {
  private readonly writer: RecordWriter<S>

  constructor(writer: RecordWriter<S>) {
    this.writer = writer
  }

  /** `createMany`: an insert event and a row per record; `{ count }`. */
  async createMany(client: AnyClient, args: Args, returning = false): Promise<unknown> {
    const operation = returning ? 'createManyAndReturn' : 'createMany'
    if (args?.skipDuplicates) {
      throw new SpectorUnsupportedWriteError(
        this.writer.meta.name,
        operation,
        'skipDuplicates cannot be evented: a skipped row would leave an insert event without its row',
      )
    }
    const items: unknown[] = Array.isArray(args?.data) ? args.data : [args?.data]
    const datas = items.map((item) => this.writer.data.writableData(operation, item))
    const { data: _data, skipDuplicates: _skip, ...rowArgs } = args ?? {}
    return this.writer.transact(client, undefined, async (tx) => {
      const rows: unknown[] = []
      for (const data of datas) rows.push(await this.writer.insertIn(tx, data, returning ? rowArgs : this.idOnly))
      return returning ? rows : { count: rows.length }
    })
  }

  /** `updateMany`: replays, updates and appends an event for every matching record; `{ count }`. */
  async updateMany(client: AnyClient, args: Args, returning = false): Promise<unknown> {
    const operation = returning ? 'updateManyAndReturn' : 'updateMany'
    this.writer.refuseWithoutRows(operation)
    const data = this.writer.data.writableData(operation, args?.data)
    const { where, data: _data, limit, ...rowArgs } = args ?? {}
    return this.writer.transact(client, undefined, async (tx) => {
      const rows: unknown[] = []
      for (const id of await this.idsMatching(tx, where, limit)) {
        await this.writer.lock(tx, id)
        rows.push(await this.writer.updateIn(tx, id, 'update', data, returning ? rowArgs : this.idOnly))
      }
      return returning ? rows : { count: rows.length }
    })
  }

  /** `deleteMany`: a delete event per matching record, rows removed; `{ count }`. */
  async deleteMany(client: AnyClient, args: Args = {}): Promise<unknown> {
    this.writer.refuseWithoutRows('deleteMany')
    const { where, limit } = args ?? {}
    return this.writer.transact(client, undefined, async (tx) => {
      let count = 0
      for (const id of await this.idsMatching(tx, where, limit)) {
        await this.writer.lock(tx, id)
        await this.writer.deleteIn(tx, id, this.idOnly)
        count++
      }
      return { count }
    })
  }

  private get idOnly() {
    return { select: { [this.writer.meta.idField]: true } }
  }

  /** The ids a bulk `where` matches, in id order (locks are then taken in one order: no deadlocks). */
  private async idsMatching(tx: AnyClient, where: unknown, limit: unknown): Promise<string[]> {
    const { delegate, idField } = this.writer.meta
    const rows: Record<string, unknown>[] = await tx[delegate].findMany({
      where: where ?? {},
      select: { [idField]: true },
      orderBy: { [idField]: 'asc' },
      ...(typeof limit === 'number' ? { take: limit } : {}),
    })
    return rows.map((row) => row[idField] as string)
  }
}
