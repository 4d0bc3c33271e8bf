/**
 * SQLite: one writer at a time, so no row locks and no chain lock; `?` parameters; triggers refuse
 * with `RAISE(ABORT, ...)`. `RETURNING` exists, so Prisma's `...AndReturn` operations do.
 */
import { literal, quoteWith, type Dialect } from './dialect.ts'
import { appendOnlyMessage, chainHeadStatement, chainLockKey, insertEventStatement, recordLinksStatement, sameRecordCondition, sameRecordMessage } from './statements.ts'
import type { TableName } from './tables.ts'

const quote = quoteWith('"')
/** SQLite has no schemas (an attached database's name would go here, which Prisma does not use). */
const table = (t: TableName) => quote(t.name)
const syntax = { quote, table, placeholder: () => '?' }

export const sqliteDialect: Dialect = {
  provider: 'sqlite',
  supportsReturning: true,
  supportsRowLocks: false,
  quote,
  table,
  lockRecord: () => null,
  insertEvent: (events, options) => insertEventStatement(syntax, events, options),
  tableChainHead: (events) => ({ lock: null, lockKey: chainLockKey(events), head: chainHeadStatement(syntax, events) }),
  appendOnly: (target) =>
    ['UPDATE', 'DELETE'].map(
      (op) => `CREATE TRIGGER ${quote(`${target.name}_no_${op.toLowerCase()}`)} BEFORE ${op} ON ${table(target)} BEGIN SELECT RAISE(ABORT, ${literal(appendOnlyMessage(target, op))}); END`,
    ),
  sameRecordLink: (events, link, linkName) => [
    `CREATE TRIGGER ${quote(`${link.name}_same_record`)} BEFORE INSERT ON ${table(link)}
WHEN NOT EXISTS (
${sameRecordCondition(syntax, events, link, '  ')}
)
BEGIN SELECT RAISE(ABORT, ${literal(sameRecordMessage(link, linkName))}); END`,
  ],
  recordLinks: (events, link) => recordLinksStatement(syntax, events, link),
}
