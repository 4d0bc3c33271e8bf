/**
 * The guides schema (test/schemas/guides.prisma: Spector's three guides) on a fresh database of
 * one provider, with prisma-spector applied and the link tables' database constraints in place.
 */
import { applyEventLinkConstraints } from 'prisma-spector'
import type { PrismaClient as GuidesClient } from '../.generated/guides/sqlite/client/client.ts'
import type * as GuidesSpector from '../.generated/guides/sqlite/spector/index.ts'
import type { Provider } from './databases.ts'
import { quoter, withPreparedSchema } from './preparedClient.ts'

function extend(base: GuidesClient, spector: typeof GuidesSpector) {
  return base.$extends(spector.spector())
}

export interface GuidesContext {
  provider: Provider
  /** The client without prisma-spector. */
  base: GuidesClient
  prisma: ReturnType<typeof extend>
  spectorSchema: typeof GuidesSpector.spectorSchema
  /** SQL quoting for this provider. */
  q(identifier: string): string
  /** The database URL (for the command line). */
  url: string
}

export function withGuides<T>(provider: Provider, fn: (ctx: GuidesContext) => Promise<T>): Promise<T> {
  return withPreparedSchema<GuidesClient, typeof GuidesSpector, T>('guides', provider, async ({ base, module, url }) => {
    await applyEventLinkConstraints(base, module.spectorSchema)
    return fn({ provider, base, prisma: extend(base, module), spectorSchema: module.spectorSchema, q: quoter(provider), url })
  })
}
