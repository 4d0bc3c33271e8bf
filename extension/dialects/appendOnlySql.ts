/**
 * SQL that makes the event log append-only in the database itself: triggers that reject UPDATE
 * and DELETE (and TRUNCATE on PostgreSQL) on the `@events` table. Put it in a custom migration
 * (`prisma migrate dev --create-only`), or run it with `applyAppendOnlyEventLog`.
 */
import type { SpectorSchema } from '../prisma/spectorExtension.ts'
import { dialectFor } from './dialectFor.ts'
import { eventTableOf, type TableName } from './tables.ts'

/** The statements, one per array element, for one table (its database name, or name and schema). */
export function appendOnlySql(provider: string, table: string | TableName): string[] {
  return dialectFor(provider).appendOnly(typeof table === 'string' ? { name: table } : table)
}

/** The statements for every event table of a generated schema (`spectorSchema` from the generated module). */
export function appendOnlyEventLogSql(schema: Pick<SpectorSchema, 'provider' | 'models'>): string[] {
  const tables = new Map(schema.models.map((m) => eventTableOf(m.metadata.events)).map((t) => [`${t.schema ?? ''}.${t.name}`, t]))
  return [...tables.values()].flatMap((table) => appendOnlySql(schema.provider, table))
}

/** Runs the statements through a Prisma client (tests, demos, scripts; use a migration in production). */
export async function applyAppendOnlyEventLog(
  client: { $executeRawUnsafe(sql: string): PromiseLike<unknown> },
  schema: Pick<SpectorSchema, 'provider' | 'models'>,
): Promise<void> {
  for (const statement of appendOnlyEventLogSql(schema)) await client.$executeRawUnsafe(statement)
}
