/**
 * The statements that read the same on every database but for identifier quoting and parameter
 * placeholders: appending an event, reading a record's links, reading a table chain's head. Each
 * dialect fills in its quoting and placeholders.
 */
import { createHash } from 'node:crypto'
import type { InsertEventSql } from './dialect.ts'
import { eventColumnFields, type EventColumn, type EventTable, type LinkTable } from './tables.ts'

export interface Syntax {
  quote(name: string): string
  table(table: { name: string; schema?: string }): string
  /** The placeholder of the `index`th (0-based) parameter; `json` when the parameter is JSON text. */
  placeholder(index: number, json: boolean): string
}

/**
 * The event table's shape is fixed (the @events block), so the statement is written once per model
 * and sent as a raw query: Prisma's query planning for a create is the largest part of an
 * append's client-side cost. Dates, bytes and nulls go as parameters, which the adapters store
 * exactly as Prisma's own create does; JSON goes as text.
 */
export function insertEventStatement(syntax: Syntax, table: EventTable, options: { withPosition: boolean; databaseTime: boolean }): InsertEventSql {
  const { withPosition, databaseTime } = options
  const fields: EventColumn[] = eventColumnFields.filter((c) => c !== 'position' && !(databaseTime && c === 'insertedAt'))
  if (withPosition) fields.push('position')
  const placeholders = fields.map((field, i) => syntax.placeholder(i, field === 'payload' || field === 'metadata'))
  return {
    fields,
    sql: `INSERT INTO ${syntax.table(table)} (${fields.map((f) => syntax.quote(table.columns[f])).join(', ')}) VALUES (${placeholders.join(', ')})`,
    args: (event, insertedAt) => [
      event.id,
      event.recordId,
      event.model,
      event.action,
      JSON.stringify(event.payload),
      event.version,
      event.sequence,
      ...(databaseTime ? [] : [insertedAt]),
      event.hash ?? null,
      event.prevHash ?? null,
      event.metadata === null || event.metadata === undefined ? null : JSON.stringify(event.metadata),
      ...(withPosition ? [event.position] : []),
    ],
  }
}

/** The link rows joined to the events that made them, for one record: selects `from`, `to` and (typed links) `type`. */
export function recordLinksStatement(syntax: Syntax, events: EventTable, link: LinkTable): string {
  const q = syntax.quote
  const type = link.type ? `, l.${q(link.type)} AS ${q('type')}` : ''
  return (
    `SELECT l.${q(link.from)} AS ${q('from')}, l.${q(link.to)} AS ${q('to')}${type} ` +
    `FROM ${syntax.table(link)} l JOIN ${syntax.table(events)} e ON e.${q(events.columns.id)} = l.${q(link.from)} ` +
    `WHERE e.${q(events.columns.recordId)} = ${syntax.placeholder(0, false)}`
  )
}

/** The newest position of a table-wide chain and its hash, as `position` and `hash`; `suffix` e.g. ` FOR UPDATE`. */
export function chainHeadStatement(syntax: Syntax, table: EventTable, suffix = ''): string {
  const q = syntax.quote
  const { position, hash } = table.columns
  return `SELECT ${q(position)} AS ${q('position')}, ${q(hash)} AS ${q('hash')} FROM ${syntax.table(table)} ORDER BY ${q(position)} DESC LIMIT 1${suffix}`
}

/** A number naming the table's chain lock (PostgreSQL's advisory lock key). */
export function chainLockKey(table: EventTable): number {
  return createHash('sha256').update(`prisma-spector:${table.name}`).digest().readIntBE(0, 6)
}

/** The condition a same-record link trigger checks: the two events of `NEW` belong to one record. */
export function sameRecordCondition(syntax: Syntax, events: EventTable, link: LinkTable, indent: string): string {
  const q = syntax.quote
  const { id, recordId } = events.columns
  return (
    `${indent}SELECT 1 FROM ${syntax.table(events)} a JOIN ${syntax.table(events)} b ON a.${q(recordId)} = b.${q(recordId)}\n` +
    `${indent}WHERE a.${q(id)} = NEW.${q(link.from)} AND b.${q(id)} = NEW.${q(link.to)}`
  )
}

/** The message a same-record link trigger raises. */
export function sameRecordMessage(link: LinkTable, linkName: string): string {
  return `prisma-spector: a link in ${linkName} must join two events of one record (${link.name})`
}

/** The message an append-only trigger raises (MySQL, SQLite; PostgreSQL's trigger function spells the same). */
export function appendOnlyMessage(table: { name: string }, operation: string): string {
  return `prisma-spector: the event log ${table.name} is append-only (${operation} refused)`
}

/** A trigger's refusal: an append-only table's (naming the table) or a same-record link's (naming the link table). */
export type TriggerRefusal = { trigger: 'append-only'; table: string } | { trigger: 'same-record'; linkName: string }

/** Which of prisma-spector's triggers raised a database error message, if one did. */
export function triggerOfMessage(message: string): TriggerRefusal | null {
  const appendOnly = /^prisma-spector: the event log (\S+) is append-only/.exec(message)
  if (appendOnly) return { trigger: 'append-only', table: appendOnly[1]! }
  const link = /^prisma-spector: a link in (\S+) must join two events of one record/.exec(message)
  return link ? { trigger: 'same-record', linkName: link[1]! } : null
}

/**
 * The ids of the events whose metadata has each of `keys` equal to a parameter (in that order),
 * oldest first. `jsonText(column, key)` is the dialect's text of one top-level metadata key.
 */
export function eventsByMetadataStatement(
  syntax: Syntax,
  table: EventTable,
  keys: readonly string[],
  jsonText: (column: string, key: string) => string,
  limit: number,
): string {
  const q = syntax.quote
  const { metadata, insertedAt, id } = table.columns
  const conditions = keys.map((key, i) => `${jsonText(q(metadata), key)} = ${syntax.placeholder(i, false)}`)
  return `SELECT ${q(id)} AS ${q('id')} FROM ${syntax.table(table)} WHERE ${conditions.join(' AND ')} ORDER BY ${q(insertedAt)}, ${q(id)} LIMIT ${Math.floor(limit)}`
}
