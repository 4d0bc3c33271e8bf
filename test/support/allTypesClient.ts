/**
 * The allTypes test schema (test/schemas/allTypes.prisma) on a fresh database of one provider.
 */
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
