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
