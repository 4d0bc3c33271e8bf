/**
 * Per-database SQL that makes the event log append-only in the database itself: triggers that
 * reject UPDATE and DELETE (and TRUNCATE on PostgreSQL) on the `@events` table. Put it in a
 * custom migration (`prisma migrate dev --create-only`), or run it with `applyAppendOnlyEventLog`.
 */
import type { SpectorSchema } from '../spectorExtension.ts'

export type SqlProvider = 'sqlite' | 'postgresql' | 'mysql' | (string & {})

/** The statements, one per array element, for one event table. */
export function appendOnlySql(provider: SqlProvider, table: string): string[] {
  const message = (op: string) => `prisma-spector: the event log ${table} is append-only (${op} refused)`
  const literal = (text: string) => `'${text.replaceAll("'", "''")}'`
  switch (provider) {
    case 'postgresql':
    case 'cockroachdb': {
      const q = (name: string) => `"${name.replaceAll('"', '""')}"`
      const fn = q(`${table}_append_only`)
      return [
        `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'prisma-spector: the event log % is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END
$$`,
        `CREATE TRIGGER ${q(`${table}_no_update_delete`)} BEFORE UPDATE OR DELETE ON ${q(table)} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
        `CREATE TRIGGER ${q(`${table}_no_truncate`)} BEFORE TRUNCATE ON ${q(table)} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
      ]
    }
    case 'mysql': {
      const q = (name: string) => `\`${name.replaceAll('`', '``')}\``
      return ['UPDATE', 'DELETE'].map(
        (op) =>
          `CREATE TRIGGER ${q(`${table}_no_${op.toLowerCase()}`)} BEFORE ${op} ON ${q(table)} FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = ${literal(message(op))}`,
      )
    }
    case 'sqlite': {
      const q = (name: string) => `"${name.replaceAll('"', '""')}"`
      return ['UPDATE', 'DELETE'].map(
        (op) => `CREATE TRIGGER ${q(`${table}_no_${op.toLowerCase()}`)} BEFORE ${op} ON ${q(table)} BEGIN SELECT RAISE(ABORT, ${literal(message(op))}); END`,
      )
    }
    default:
      throw new Error(`prisma-spector: no append-only SQL for the ${provider} provider`)
  }
}

/** The statements for every event table of a generated schema (`spectorSchema` from the generated module). */
export function appendOnlyEventLogSql(schema: Pick<SpectorSchema, 'provider' | 'models'>): string[] {
  const tables = new Set(schema.models.map((m) => m.metadata.events.dbName ?? m.metadata.events.model))
  return [...tables].flatMap((table) => appendOnlySql(schema.provider, table))
}

/** Runs the statements through a Prisma client (tests, demos, scripts; use a migration in production). */
export async function applyAppendOnlyEventLog(
  client: { $executeRawUnsafe(sql: string): PromiseLike<unknown> },
  schema: Pick<SpectorSchema, 'provider' | 'models'>,
): Promise<void> {
  for (const statement of appendOnlyEventLogSql(schema)) await client.$executeRawUnsafe(statement)
}
