/**
 * The dialect of a datasource provider: the one place a provider name is looked at.
 */
import { SpectorConfigurationError } from '../core/errors.ts'
import { providers, type Dialect, type Provider } from './dialect.ts'
import { mysqlDialect } from './mysql.ts'
import { postgresqlDialect } from './postgresql.ts'
import { sqliteDialect } from './sqlite.ts'

const dialects: Record<Provider, Dialect> = {
  postgresql: postgresqlDialect('postgresql'),
  cockroachdb: postgresqlDialect('cockroachdb'),
  mysql: mysqlDialect,
  sqlite: sqliteDialect,
}

/** The dialect of `provider`, or undefined when prisma-spector has none (SQL Server, MongoDB...). */
export function findDialect(provider: string): Dialect | undefined {
  return (providers as readonly string[]).includes(provider) ? dialects[provider as Provider] : undefined
}

/** The dialect of `provider`; a provider prisma-spector has no SQL for is a configuration error. */
export function dialectFor(provider: string): Dialect {
  const dialect = findDialect(provider)
  if (!dialect) throw new SpectorConfigurationError('(schema)', `prisma-spector has no SQL for the ${provider} provider (have: ${providers.join(', ')})`)
  return dialect
}
