/**
 * MySQL and MariaDB: backquoted names, `?` parameters, row locks; positions (a table-wide chain, a
 * change feed) are taken holding the first event's row (`FOR UPDATE`); triggers
 * refuse with `SIGNAL SQLSTATE '45000'`. No `RETURNING` for Prisma's `...AndReturn` operations.
 */
import { literal, quoteWith, type Dialect } from './dialect.ts'
import { appendOnlyMessage, chainHeadStatement, eventsByMetadataStatement, insertEventStatement, recordLinksStatement, sameRecordCondition, sameRecordMessage } from './statements.ts'
import type { TableName } from './tables.ts'

const quote = quoteWith('`')
const table = (t: TableName) => (t.schema ? `${quote(t.schema)}.${quote(t.name)}` : quote(t.name))
const syntax = { quote, table, placeholder: () => '?' }

export const mysqlDialect: Dialect = {
  provider: 'mysql',
  supportsReturning: false,
  supportsRowLocks: true,
  readsSeeOpenTransactions: false,
  quote,
  table,
  lockRecord: (rows) => `SELECT 1 FROM ${table(rows)} WHERE ${quote(rows.id)} = ? FOR UPDATE`,
  insertEvent: (events, options) => insertEventStatement(syntax, events, options),
  // The lock is the first event's row (a record lock, no gap: taking it never deadlocks); whoever
  // holds it reads the head. Only the very first appends, with no row to lock, can deadlock on the
  // head's gap locks, and are retried.
  tableChainHead: (events) => ({
    lock: `SELECT 1 FROM ${table(events)} WHERE ${quote(events.columns.position)} = ? FOR UPDATE`,
    lockKey: 1,
    head: chainHeadStatement(syntax, events, ' FOR UPDATE'),
  }),
  appendOnly: (target) =>
    ['UPDATE', 'DELETE'].map(
      (op) =>
        `CREATE TRIGGER ${quote(`${target.name}_no_${op.toLowerCase()}`)} BEFORE ${op} ON ${table(target)} FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = ${literal(appendOnlyMessage(target, op))}`,
    ),
  sameRecordLink: (events, link, linkName) => [
    `CREATE TRIGGER ${quote(`${link.name}_same_record`)} BEFORE INSERT ON ${table(link)} FOR EACH ROW
BEGIN
  IF NOT EXISTS (
${sameRecordCondition(syntax, events, link, '    ')}
  ) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = ${literal(sameRecordMessage(link, linkName))};
  END IF;
END`,
  ],
  eventsByMetadata: (events, keys, limit) => eventsByMetadataStatement(syntax, events, keys, (column, key) => `JSON_UNQUOTE(JSON_EXTRACT(${column}, ${literal(`$.${key}`)}))`, limit),
  recordLinks: (events, link) => recordLinksStatement(syntax, events, link),
}
