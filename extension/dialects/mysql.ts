/**
 * MySQL and MariaDB: backquoted names, `?` parameters, row locks; a table-wide chain locks its head
 * row (`FOR UPDATE`; two writers meeting on an empty table deadlock and one is retried); triggers
 * refuse with `SIGNAL SQLSTATE '45000'`. No `RETURNING` for Prisma's `...AndReturn` operations.
 */
import { literal, quoteWith, type Dialect } from './dialect.ts'
import { appendOnlyMessage, chainHeadStatement, chainLockKey, insertEventStatement, recordLinksStatement, sameRecordCondition, sameRecordMessage } from './statements.ts'
import type { TableName } from './tables.ts'

const quote = quoteWith('`')
const table = (t: TableName) => (t.schema ? `${quote(t.schema)}.${quote(t.name)}` : quote(t.name))
const syntax = { quote, table, placeholder: () => '?' }

export const mysqlDialect: Dialect = {
  provider: 'mysql',
  supportsReturning: false,
  supportsRowLocks: true,
  quote,
  table,
  lockRecord: (rows) => `SELECT 1 FROM ${table(rows)} WHERE ${quote(rows.id)} = ? FOR UPDATE`,
  insertEvent: (events, options) => insertEventStatement(syntax, events, options),
  tableChainHead: (events) => ({ lock: null, lockKey: chainLockKey(events), head: chainHeadStatement(syntax, events, ' FOR UPDATE') }),
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
  recordLinks: (events, link) => recordLinksStatement(syntax, events, link),
}
