/**
 * Per-database SQL that reads every link a record's events made, from one link table, in one
 * query: the link rows joined to the events that made them. Parameter: the record id.
 */
import type { EventLinkMetadata } from '../../core/metadata.ts'
import type { Provider } from './lockRecordSql.ts'

/** Selects `from`, `to` and (typed links) `type`. */
export function recordLinksSql(provider: Provider, eventsTable: string, link: EventLinkMetadata): string {
  const mysql = provider === 'mysql'
  const q = mysql ? (name: string) => `\`${name.replaceAll('`', '``')}\`` : (name: string) => `"${name.replaceAll('"', '""')}"`
  const param = provider === 'postgresql' || provider === 'cockroachdb' ? '$1' : '?'
  const type = link.type ? `, l.${q(link.type.dbName ?? link.type.name)} AS ${q('type')}` : ''
  return (
    `SELECT l.${q(link.from.dbName ?? link.from.name)} AS ${q('from')}, l.${q(link.to.dbName ?? link.to.name)} AS ${q('to')}${type} ` +
    `FROM ${q(link.dbName ?? link.model)} l JOIN ${q(eventsTable)} e ON e.${q('id')} = l.${q(link.from.dbName ?? link.from.name)} ` +
    `WHERE e.${q('recordId')} = ${param}`
  )
}
