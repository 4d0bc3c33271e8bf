/**
 * SQL that makes the database refuse a link between events of different records (Spector's
 * "constrained" links), and refuse changes to links once written. Put it in a custom migration
 * (`prisma migrate dev --create-only`), or run it with `applyEventLinkConstraints`.
 */
import type { EventLinkMetadata } from '../core/metadata.ts'
import type { SpectorSchema } from '../prisma/spectorExtension.ts'
import { dialectFor } from './dialectFor.ts'
import { eventTableOf, linkTableOf, type EventTable } from './tables.ts'

/** The statements for one link table of the event table `eventsTable` (its database name, or its full mapping). */
export function sameRecordLinkSql(provider: string, eventsTable: string | EventTable, link: EventLinkMetadata): string[] {
  const events = typeof eventsTable === 'string' ? eventTableOf({ model: eventsTable }) : eventsTable
  return dialectFor(provider).sameRecordLink(events, linkTableOf(link), link.name)
}

/**
 * For every link table of a generated schema: the same-record trigger, and the append-only
 * triggers (links, like events, are never changed once written).
 */
export function eventLinkConstraintsSql(schema: Pick<SpectorSchema, 'provider' | 'models'>): string[] {
  const dialect = dialectFor(schema.provider)
  const seen = new Set<string>()
  const statements: string[] = []
  for (const { metadata } of schema.models) {
    const events = eventTableOf(metadata.events)
    for (const link of metadata.events.links ?? []) {
      if (seen.has(link.model)) continue
      seen.add(link.model)
      const table = linkTableOf(link)
      statements.push(...dialect.sameRecordLink(events, table, link.name), ...dialect.appendOnly(table))
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
