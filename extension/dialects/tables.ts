/**
 * The database names of the tables the library writes SQL for by hand, built once from the
 * generated metadata: the event table (`@@map`, `@@schema`, every column's `@map`), its link
 * tables, and an evented model's table. Every dialect statement takes these, never a Prisma name.
 */
import type { EventLinkMetadata, EventLogMetadata, ModelMetadata } from '../core/metadata.ts'

/** A table's name in the database, and its schema (PostgreSQL `multiSchema`), if any. */
export interface TableName {
  name: string
  schema?: string
}

/** The fields of the event table, as the library names them (their Prisma field names). */
export const eventColumnFields = [
  'id',
  'recordId',
  'model',
  'action',
  'payload',
  'version',
  'sequence',
  'insertedAt',
  'hash',
  'prevHash',
  'metadata',
  'position',
] as const
export type EventColumn = (typeof eventColumnFields)[number]

export interface EventTable extends TableName {
  /** Each field's column name in the database. */
  columns: Readonly<Record<EventColumn, string>>
}

export interface LinkTable extends TableName {
  /** Column names: the linking event, the event it points at, and (typed links) what the link means. */
  from: string
  to: string
  type?: string
}

/** An evented model's table and its id column. */
export interface RowTable extends TableName {
  id: string
}

export function eventTableOf(log: Pick<EventLogMetadata, 'model' | 'dbName' | 'dbSchema' | 'columns'>): EventTable {
  const columns = Object.fromEntries(eventColumnFields.map((field) => [field, log.columns?.[field] ?? field])) as Record<EventColumn, string>
  return { name: log.dbName ?? log.model, ...(log.dbSchema ? { schema: log.dbSchema } : {}), columns }
}

export function linkTableOf(link: EventLinkMetadata): LinkTable {
  return {
    name: link.dbName ?? link.model,
    ...(link.dbSchema ? { schema: link.dbSchema } : {}),
    from: link.from.dbName ?? link.from.name,
    to: link.to.dbName ?? link.to.name,
    ...(link.type ? { type: link.type.dbName ?? link.type.name } : {}),
  }
}

export function rowTableOf(model: ModelMetadata): RowTable {
  const idField = model.fields.find((f) => f.name === model.idField)
  return { name: model.dbName ?? model.name, ...(model.dbSchema ? { schema: model.dbSchema } : {}), id: idField?.dbName ?? model.idField }
}
