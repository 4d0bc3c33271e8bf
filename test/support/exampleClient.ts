/**
 * Opens the example schema (prisma/schema.prisma) on a fresh database of one provider, with the
 * prisma-spector extension applied, and cleans everything up afterwards.
 */
import { pathToFileURL } from 'node:url'
import type { PrismaClient as ExamplePrismaClient } from '../../prisma/generated/client/client.ts'
import type { spector as exampleSpector, spectorSchema as exampleSchema } from '../../prisma/generated/spector/index.ts'
import { createTestDatabase, type Provider, type TestDatabase } from './databases.ts'
import type { ClientOptions } from './preparedClient.ts'
import { loadPreparedSchema } from './testSchemas.ts'

export type BaseClient = ExamplePrismaClient
export type SpectorFactory = typeof exampleSpector

function extend(base: BaseClient, spector: SpectorFactory) {
  return base.$extends(spector())
}

export interface ExampleContext {
  provider: Provider
  db: TestDatabase
  /** The client without prisma-spector. */
  base: BaseClient
  /** The client with prisma-spector. */
  prisma: ReturnType<typeof extend>
  spector: SpectorFactory
  /** The generated schema description (provider, models, relations). */
  spectorSchema: typeof exampleSchema
  /** SQL quoting for this provider. */
  q(identifier: string): string
  /** A placeholder for parameter n (1-based). */
  p(n: number): string
}

const modules = new Map<string, Promise<{ PrismaClient: new (options: object) => BaseClient; spector: SpectorFactory; spectorSchema: typeof exampleSchema }>>()

function load(provider: Provider, schema: string) {
  let loaded = modules.get(`${schema}/${provider}`)
  if (!loaded) {
    const prepared = loadPreparedSchema(schema, provider)
    loaded = Promise.all([import(pathToFileURL(prepared.clientModule).href), import(pathToFileURL(prepared.spectorModule).href)]).then(([client, spector]) => ({
      PrismaClient: client.PrismaClient,
      spector: spector.spector,
      spectorSchema: spector.spectorSchema,
    }))
    modules.set(`${schema}/${provider}`, loaded)
  }
  return loaded
}

/**
 * Runs `fn` against a new database with the example schema, then drops it. `schema` picks a
 * prepared variant of the example (same models), such as 'tableChain'.
 */
export async function withExample<T>(provider: Provider, fn: (ctx: ExampleContext) => Promise<T>, schema = 'example', options: ClientOptions = {}): Promise<T> {
  const { PrismaClient, spector, spectorSchema } = await load(provider, schema)
  const db = await createTestDatabase(provider, loadPreparedSchema(schema, provider).createSql)
  const base = new PrismaClient({ adapter: options.adapter ? options.adapter(db.adapter) : db.adapter })
  try {
    const prisma = base.$extends(spector())
    return await fn({
      provider,
      db,
      base,
      prisma,
      spector,
      spectorSchema,
      q: (id) => (provider === 'mysql' ? `\`${id}\`` : `"${id}"`),
      p: (n) => (provider === 'postgresql' ? `$${n}` : '?'),
    })
  } finally {
    await base.$disconnect()
    await db.drop()
  }
}
