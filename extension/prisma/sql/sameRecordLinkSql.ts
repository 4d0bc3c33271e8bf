/**
 * Per-database SQL that makes the database refuse a link between events of different records
 * (Spector's "constrained" links), and refuse changes to links once written. Put it in a custom
 * migration (`prisma migrate dev --create-only`), or run it with `applyEventLinkConstraints`.
 */
import type { EventLinkMetadata } from '../../core/metadata.ts'
import type { SpectorSchema } from '../spectorExtension.ts'
import { appendOnlySql, type SqlProvider } from './appendOnlySql.ts'

/** The statements for one link table of the event table `eventsTable`. */
export function sameRecordLinkSql(provider: SqlProvider, eventsTable: string, link: EventLinkMetadata): string[] {
  const table = link.dbName ?? link.model
  const from = link.from.dbName ?? link.from.name
  const to = link.to.dbName ?? link.to.name
  const message = `prisma-spector: a ${link.name} link must join two events of one record (${table})`
  const literal = (text: string) => `'${text.replaceAll("'", "''")}'`
  switch (provider) {
    case 'postgresql':
    case 'cockroachdb': {
      const q = (name: string) => `"${name.replaceAll('"', '""')}"`
      const fn = q(`${table}_same_record`)
      return [
        `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM ${q(eventsTable)} a JOIN ${q(eventsTable)} b ON a.${q('recordId')} = b.${q('recordId')}
    WHERE a.${q('id')} = NEW.${q(from)} AND b.${q('id')} = NEW.${q(to)}
  ) THEN
    RAISE EXCEPTION '%: % -> %', ${literal(message)}, NEW.${q(from)}, NEW.${q(to)} USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$`,
        `CREATE TRIGGER ${q(`${table}_same_record`)} BEFORE INSERT ON ${q(table)} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
      ]
    }
    case 'mysql': {
      const q = (name: string) => `\`${name.replaceAll('`', '``')}\``
      return [
        `CREATE TRIGGER ${q(`${table}_same_record`)} BEFORE INSERT ON ${q(table)} FOR EACH ROW
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM ${q(eventsTable)} a JOIN ${q(eventsTable)} b ON a.${q('recordId')} = b.${q('recordId')}
    WHERE a.${q('id')} = NEW.${q(from)} AND b.${q('id')} = NEW.${q(to)}
  ) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = ${literal(message)};
  END IF;
END`,
      ]
    }
    case 'sqlite': {
      const q = (name: string) => `"${name.replaceAll('"', '""')}"`
      return [
        `CREATE TRIGGER ${q(`${table}_same_record`)} BEFORE INSERT ON ${q(table)}
WHEN NOT EXISTS (
  SELECT 1 FROM ${q(eventsTable)} a JOIN ${q(eventsTable)} b ON a.${q('recordId')} = b.${q('recordId')}
  WHERE a.${q('id')} = NEW.${q(from)} AND b.${q('id')} = NEW.${q(to)}
)
BEGIN SELECT RAISE(ABORT, ${literal(message)}); END`,
      ]
    }
    default:
      throw new Error(`prisma-spector: no link constraint SQL for the ${provider} provider`)
  }
}

/**
 * For every link table of a generated schema: the same-record trigger, and the append-only
 * triggers (links, like events, are never changed once written).
 */
export function eventLinkConstraintsSql(schema: Pick<SpectorSchema, 'provider' | 'models'>): string[] {
  const seen = new Set<string>()
  const statements: string[] = []
  for (const { metadata } of schema.models) {
    const eventsTable = metadata.events.dbName ?? metadata.events.model
    for (const link of metadata.events.links ?? []) {
      if (seen.has(link.model)) continue
      seen.add(link.model)
      statements.push(...sameRecordLinkSql(schema.provider, eventsTable, link), ...appendOnlySql(schema.provider, link.dbName ?? link.model))
    }
  }
  return statements
}

/** Runs the statements through a Prisma client (tests, demos, scripts; use a migration in production). */
export async function applyEventLinkConstraints(
  client: { $executeRawUnsafe(sql: string): PromiseLike<unknown> },
  schema: Pick<SpectorSchema, 'provider' | 'models'>,
): Promise<void> {
  for (const statement of eventLinkConstraintsSql(schema)) await client.$executeRawUnsafe(statement)
}
