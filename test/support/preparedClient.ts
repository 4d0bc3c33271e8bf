/**
 * Opens a prepared test schema (test/.generated/<name>/<provider>) on a fresh database: its Prisma
 * client, its generated prisma-spector module, and a drop of the database afterwards. The typed
 * wrappers (guidesClient.ts, legacyClient.ts) give the result the schema's own types.
 */
import { pathToFileURL } from 'node:url'
import { createTestDatabase, type Provider, type TestDatabase } from './databases.ts'
import { loadPreparedSchema } from './testSchemas.ts'

export interface OpenedSchema<Base, Module> {
  base: Base
  module: Module
  /** The database's URL, for processes such as the spector command line. */
  url: string
}

/** How a test client is made: `adapter` wraps the database's driver adapter factory (e.g. `spectorAdapter`). */
export interface ClientOptions {
  adapter?: (factory: TestDatabase['adapter']) => object
}

export async function withPreparedSchema<Base extends { $disconnect(): Promise<void> }, Module, T>(
  name: string,
  provider: Provider,
  fn: (opened: OpenedSchema<Base, Module>) => Promise<T>,
  options: ClientOptions = {},
): Promise<T> {
  const prepared = loadPreparedSchema(name, provider)
  const client = await import(pathToFileURL(prepared.clientModule).href)
  const module = (await import(pathToFileURL(prepared.spectorModule).href)) as Module
  const db = await createTestDatabase(provider, prepared.createSql)
  const base = new client.PrismaClient({ adapter: options.adapter ? options.adapter(db.adapter) : db.adapter }) as Base
  try {
    return await fn({ base, module, url: db.url })
  } finally {
    await base.$disconnect()
    await db.drop()
  }
}

/** SQL identifier quoting for a provider. */
export function quoter(provider: Provider): (identifier: string) => string {
  return (id) => (provider === 'mysql' ? `\`${id}\`` : `"${id}"`)
}
