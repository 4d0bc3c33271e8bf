/**
 * The allTypes test schema (test/schemas/allTypes.prisma) on a fresh database of one provider.
 */
import { pathToFileURL } from 'node:url'
import type { PrismaClient as AllTypesClient } from '../.generated/allTypes/sqlite/client/client.ts'
import type { spector as allTypesSpector } from '../.generated/allTypes/sqlite/spector/index.ts'
import { createTestDatabase, type Provider } from './databases.ts'
import { loadPreparedSchema } from './testSchemas.ts'

export async function loadAllTypes(provider: Provider) {
  const prepared = loadPreparedSchema('allTypes', provider)
  const client = await import(pathToFileURL(prepared.clientModule).href)
  const spector = await import(pathToFileURL(prepared.spectorModule).href)
  return {
    PrismaClient: client.PrismaClient as new (options: object) => AllTypesClient,
    Prisma: client.Prisma as typeof import('../.generated/allTypes/sqlite/client/client.ts').Prisma,
    spectorModule: spector as typeof import('../.generated/allTypes/sqlite/spector/index.ts'),
    spector: spector.spector as typeof allTypesSpector,
    createSql: prepared.createSql,
  }
}

export async function withAllTypes<T>(
  provider: Provider,
  fn: (ctx: { prisma: ReturnType<AllTypesClient['$extends']> & ReturnType<typeof extend>; base: AllTypesClient; Prisma: Awaited<ReturnType<typeof loadAllTypes>>['Prisma'] }) => Promise<T>,
): Promise<T> {
  const loaded = await loadAllTypes(provider)
  const db = await createTestDatabase(provider, loaded.createSql)
  const base = new loaded.PrismaClient({ adapter: db.adapter })
  try {
    return await fn({ prisma: extend(base, loaded.spector), base, Prisma: loaded.Prisma })
  } finally {
    await base.$disconnect()
    await db.drop()
  }
}

function extend(base: AllTypesClient, spector: typeof allTypesSpector) {
  return base.$extends(spector())
}
