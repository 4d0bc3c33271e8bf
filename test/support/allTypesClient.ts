/**
 * The allTypes test schema (test/schemas/allTypes.prisma) on a fresh database of one provider.
 */
import assert from 'node:assert/strict'
import { pathToFileURL } from 'node:url'
import type { PrismaClient as AllTypesClient } from '../.generated/allTypes/sqlite/client/client.ts'
import type * as AllTypesSpector from '../.generated/allTypes/sqlite/spector/index.ts'
import type { Provider } from './databases.ts'
import { withPreparedSchema } from './preparedClient.ts'
import { loadPreparedSchema } from './testSchemas.ts'

/** The generated modules alone (no database): Prisma's namespace and the prisma-spector module. */
export async function loadAllTypes(provider: Provider) {
  const prepared = loadPreparedSchema('allTypes', provider)
  const client = await import(pathToFileURL(prepared.clientModule).href)
  const spector = await import(pathToFileURL(prepared.spectorModule).href)
  return {
    Prisma: client.Prisma as typeof import('../.generated/allTypes/sqlite/client/client.ts').Prisma,
    spectorModule: spector as typeof AllTypesSpector,
  }
}

function extend(base: AllTypesClient, spector: typeof AllTypesSpector) {
  return base.$extends(spector.spector())
}

export async function withAllTypes<T>(
  provider: Provider,
  fn: (ctx: { prisma: ReturnType<typeof extend>; base: AllTypesClient; Prisma: Awaited<ReturnType<typeof loadAllTypes>>['Prisma'] }) => Promise<T>,
): Promise<T> {
  const { Prisma } = await loadAllTypes(provider)
  return withPreparedSchema<AllTypesClient, typeof AllTypesSpector, T>('allTypes', provider, ({ base, module }) =>
    fn({ prisma: extend(base, module), base, Prisma }),
  )
}

/** A create of every type (edge values: 2^62, 0.1 + 0.2, 30 decimals, the last millisecond of a leap day, JSON null) and an update of most. */
export function allTypesWrites(Prisma: Awaited<ReturnType<typeof loadAllTypes>>['Prisma']) {
  const data = {
    text: 'Zoë "quoted" \\ back',
    big: 2n ** 62n,
    ratio: 0.1 + 0.2,
    price: new Prisma.Decimal('12345.678901234567890123456789'),
    at: new Date('2024-02-29T23:59:59.999Z'),
    doc: { nested: [1, { x: null }, 'é'], n: 1.5 },
    blob: new Uint8Array([0, 255, 10]),
    mood: 'GRUMPY' as const,
    maybeDoc: Prisma.JsonNull,
    maybeText: null,
    maybeAt: new Date('1970-01-01T00:00:00.000Z'),
  }
  const change = {
    text: 'second',
    price: new Prisma.Decimal('-0.000000000000000000000000000001'),
    doc: ['a', 2],
    maybeDoc: { deep: { deeper: [true] } },
    maybeBig: -(2n ** 63n),
    maybeBlob: new Uint8Array([]),
    maybeMood: 'HAPPY' as const,
    count: { increment: 3 },
    flag: true,
  }
  return { data, change }
}

/** Runs one write of `assertEveryTypeWrites` and asserts the path it took: the fast client's `create` or `update`/`execute`, or the transaction path's. */
export type WritePathCheck = <T>(write: 'create' | 'update' | 'transaction', run: () => Promise<T>) => Promise<T>

/** A row without the fields two records cannot share (the id, a generated token). */
const comparable = (row: unknown) =>
  Object.fromEntries(Object.entries(row as Record<string, unknown>).filter(([field]) => field !== 'key' && field !== 'token'))

/**
 * Every Prisma type through `fast` (a client of `module.spector()` over `base`): its create, update
 * and execute return what Prisma reads back, and what the transaction path returns
 * (`optimistic: false`) for the same writes; the log, a replay and `check()` agree with the row.
 * `ran` checks the path each write took.
 */
export async function assertEveryTypeWrites(
  base: AllTypesClient,
  module: typeof AllTypesSpector,
  Prisma: Awaited<ReturnType<typeof loadAllTypes>>['Prisma'],
  ran: WritePathCheck,
): Promise<void> {
  const fast = base.$extends(module.spector())
  const slow = base.$extends(module.spector({ optimistic: false }))
  const { data, change } = allTypesWrites(Prisma)
  const read = (key: string) => base.sample.findUniqueOrThrow({ where: { key } })

  const created = await ran('create', () => fast.sample.create({ data }))
  const viaTransaction = await ran('transaction', () => slow.sample.create({ data }))
  const { key } = created
  assert.deepEqual(created, await read(key))
  assert.deepEqual(comparable(created), comparable(viaTransaction))

  const updated = await ran('update', () => fast.sample.update({ where: { key }, data: change }))
  assert.deepEqual(updated, await read(key))
  assert.deepEqual(comparable(updated), comparable(await slow.sample.update({ where: { key: viaTransaction.key }, data: change })))
  assert.equal(updated.count, 3)

  const touch = { maybeText: 'touched', maybeDoc: null }
  const touched = await ran('update', () => fast.sample.execute(key, 'touch', touch))
  assert.deepEqual(touched, await read(key))
  assert.deepEqual(comparable(touched), comparable(await slow.sample.execute(viaTransaction.key, 'touch', touch)))

  // The log says what the row says.
  assert.deepEqual(
    (await fast.sample.events(key)).map((e) => [e.action, e.sequence]),
    [
      ['insert', 1],
      ['update', 2],
      ['touch', 3],
    ],
  )
  assert.deepEqual(await fast.sample.replay(key), await read(key))
  assert.deepEqual((await fast.sample.check()).drifted, [])
}
