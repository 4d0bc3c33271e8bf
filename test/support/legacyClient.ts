/**
 * The legacy schema (test/schemas/legacy.prisma: bringup and prepareMaterialization) on a fresh
 * database of one provider, with prisma-spector applied.
 */
import type { PrismaClient as LegacyClient } from '../.generated/legacy/sqlite/client/client.ts'
import type * as LegacySpector from '../.generated/legacy/sqlite/spector/index.ts'
import type { Provider } from './databases.ts'
import { withPreparedSchema } from './preparedClient.ts'

function extend(base: LegacyClient, spector: typeof LegacySpector) {
  return base.$extends(spector.spector())
}

export interface LegacyContext {
  provider: Provider
  /** The client without prisma-spector: it writes rows the way the app did before Post was evented. */
  base: LegacyClient
  prisma: ReturnType<typeof extend>
  url: string
}

export function withLegacy<T>(provider: Provider, fn: (ctx: LegacyContext) => Promise<T>): Promise<T> {
  return withPreparedSchema<LegacyClient, typeof LegacySpector, T>('legacy', provider, ({ base, module, url }) =>
    fn({ provider, base, prisma: extend(base, module), url }),
  )
}
