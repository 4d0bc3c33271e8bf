/**
 * The guides schema (test/schemas/guides.prisma: Spector's three guides) on a fresh database of
 * one provider, with prisma-spector applied and the link tables' database constraints in place.
 */
import { pathToFileURL } from 'node:url'
import type { PrismaClient as GuidesClient } from '../.generated/guides/sqlite/client/client.ts'
import type * as GuidesSpector from '../.generated/guides/sqlite/spector/index.ts'
import { applyEventLinkConstraints } from 'prisma-spector'
import { createTestDatabase, type Provider } from './databases.ts'
import { loadPreparedSchema } from './testSchemas.ts'

async function loadGuides(provider: Provider) {
  const prepared = loadPreparedSchema('guides', provider)
  const client = await import(pathToFileURL(prepared.clientModule).href)
  const spector = (await import(pathToFileURL(prepared.spectorModule).href)) as typeof GuidesSpector
  return { PrismaClient: client.PrismaClient as new (options: object) => GuidesClient, spector, createSql: prepared.createSql }
}

function extend(base: GuidesClient, spector: typeof GuidesSpector) {
  return base.$extends(spector.spector())
}

export interface GuidesContext {
  provider: Provider
  /** The client without prisma-spector. */
  base: GuidesClient
  prisma: ReturnType<typeof extend>
  /** SQL quoting for this provider. */
  q(identifier: string): string
}

export async function withGuides<T>(provider: Provider, fn: (ctx: GuidesContext) => Promise<T>): Promise<T> {
  const loaded = await loadGuides(provider)
  const db = await createTestDatabase(provider, loaded.createSql)
  const base = new loaded.PrismaClient({ adapter: db.adapter })
  try {
    await applyEventLinkConstraints(base, loaded.spector.spectorSchema)
    return await fn({ provider, base, prisma: extend(base, loaded.spector), q: (id) => (provider === 'mysql' ? `\`${id}\`` : `"${id}"`) })
  } finally {
    await base.$disconnect()
    await db.drop()
  }
}
