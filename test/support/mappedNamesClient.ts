/**
 * The mapped-names schema (test/schemas/mappedNames.prisma: every table and column named
 * differently in the database) on a fresh database of one provider, with prisma-spector applied,
 * the event logs append-only and the link table's constraints in place.
 */
import { applyAppendOnlyEventLog, applyEventLinkConstraints } from 'prisma-spector'
import type { PrismaClient as MappedNamesClient } from '../.generated/mappedNames/sqlite/client/client.ts'
import type * as MappedNamesSpector from '../.generated/mappedNames/sqlite/spector/index.ts'
import type { Provider } from './databases.ts'
import { quoter, withPreparedSchema, type ClientOptions } from './preparedClient.ts'

function extend(base: MappedNamesClient, spector: typeof MappedNamesSpector) {
  return base.$extends(spector.spector())
}

export interface MappedNamesContext {
  provider: Provider
  /** The client without prisma-spector. */
  base: MappedNamesClient
  prisma: ReturnType<typeof extend>
  /** Raw SQL on the test database, with `{name}` quoted for the provider. */
  sql(text: string): Promise<unknown>
}

export function withMappedNames<T>(provider: Provider, fn: (ctx: MappedNamesContext) => Promise<T>, options: ClientOptions = {}): Promise<T> {
  return withPreparedSchema<MappedNamesClient, typeof MappedNamesSpector, T>(
    'mappedNames',
    provider,
    async ({ base, module }) => {
      await applyAppendOnlyEventLog(base, module.spectorSchema)
      await applyEventLinkConstraints(base, module.spectorSchema)
      const q = quoter(provider)
      const sql = (text: string) => base.$executeRawUnsafe(text.replace(/\{(\w+)\}/g, (_, name: string) => q(name)))
      return fn({ provider, base, prisma: extend(base, module), sql })
    },
    options,
  )
}
