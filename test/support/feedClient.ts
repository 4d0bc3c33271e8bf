/**
 * The feed schema (test/schemas/feed.prisma: an event log with a change feed, Item and Note,
 * subscription positions and a projection) on a fresh database of one provider, with
 * prisma-spector applied with the given options.
 */
import type { SpectorOptions } from 'prisma-spector'
import type { PrismaClient as FeedClient } from '../.generated/feed/sqlite/client/client.ts'
import type * as FeedSpector from '../.generated/feed/sqlite/spector/index.ts'
import type { Provider } from './databases.ts'
import { quoter, withPreparedSchema } from './preparedClient.ts'

function extend<Meta>(base: FeedClient, spector: typeof FeedSpector, options?: SpectorOptions<Meta>) {
  return base.$extends(spector.spector<Meta>(options))
}

export interface FeedContext<Meta = Record<string, unknown>> {
  provider: Provider
  /** The client without prisma-spector. */
  base: FeedClient
  prisma: ReturnType<typeof extend<Meta>>
  module: typeof FeedSpector
  /** The database's URL (for child processes). */
  url: string
  /** SQL quoting for this provider. */
  q(identifier: string): string
}

export function withFeed<T, Meta = Record<string, unknown>>(
  provider: Provider,
  fn: (ctx: FeedContext<Meta>) => Promise<T>,
  options?: SpectorOptions<Meta>,
): Promise<T> {
  return withPreparedSchema<FeedClient, typeof FeedSpector, T>('feed', provider, async ({ base, module, url }) =>
    fn({ provider, base, prisma: extend<Meta>(base, module, options), module, url, q: quoter(provider) }),
  )
}
