/**
 * Opens the prepared feed schema (test/.generated/feed/<provider>) on an existing database from a
 * child process (a subscriber, the relay), the way a separate service would.
 */
import { pathToFileURL } from 'node:url'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaMariaDb } from '@prisma/adapter-mariadb'
import { PrismaPg } from '@prisma/adapter-pg'
import type { PrismaClient as FeedClient } from '../.generated/feed/sqlite/client/client.ts'
import type * as FeedSpector from '../.generated/feed/sqlite/spector/index.ts'
import type { Provider } from './databases.ts'
import { loadPreparedSchema } from './testSchemas.ts'

/** A Prisma driver adapter for a test database's URL. */
export function adapterFor(provider: Provider, url: string) {
  if (provider === 'sqlite') return new PrismaBetterSqlite3({ url })
  if (provider === 'postgresql') return new PrismaPg({ connectionString: url, max: 2 })
  const { hostname, port, username, pathname } = new URL(url)
  return new PrismaMariaDb({ host: hostname, port: Number(port), user: username, password: '', database: pathname.slice(1), connectionLimit: 2 })
}

export async function openFeedClient(provider: Provider, url: string) {
  const prepared = loadPreparedSchema('feed', provider)
  const { PrismaClient } = (await import(pathToFileURL(prepared.clientModule).href)) as { PrismaClient: typeof FeedClient }
  const module = (await import(pathToFileURL(prepared.spectorModule).href)) as typeof FeedSpector
  const base = new PrismaClient({ adapter: adapterFor(provider, url) })
  return { base, prisma: base.$extends(module.spector()) }
}
