/**
 * MySQL and MariaDB: backquoted names, `?` parameters, row locks; positions (a table-wide chain, a
 * change feed) are taken holding the first event's row (`FOR UPDATE`); triggers
 * refuse with `SIGNAL SQLSTATE '45000'`. No `RETURNING` for Prisma's `...AndReturn` operations.
 */
import { literal, quoteWith, type Dialect } from './dialect.ts'
import { directWriteSql } from './directWriteSql.ts'
import * as statements from './statements.ts'
import { isLostConnection, type DatabaseErrorInfo } from './databaseErrors.ts'
import type { TableName } from './tables.ts'

const quote = quoteWith('`')
const table = (t: TableName) => (t.schema ? `${quote(t.schema)}.${quote(t.name)}` : quote(t.name))
const syntax = { quote, table, placeholder: () => '?' }

export const mysqlDialect: Dialect = {
  provider: 'mysql',
  supportsReturning: false,
  supportsRowLocks: true,
  // DECIMAL rounds half away from zero, DATETIME(n) truncates (MariaDB), an integer `/` rounds, CHAR
  // drops trailing spaces, FLOAT reads back widened; MariaDB's JSON_VALID refuses 32 levels of
  // nesting, and an event's payload adds one to a field's.
  columns: {
    fractionalSeconds: 'truncate',
    float32: 'widened',
    char: 'trim',
    integerDivision: 'round',
    refusesNul: false,
    jsonDepth: 30,
    decimalAsDouble: false,
  },
  nativeColumnTypes: {
    defaults: {
      String: ['VarChar', [191]],
      Int: ['Int', []],
      BigInt: ['BigInt', []],
      Float: ['Double', []],
      Decimal: ['Decimal', [65, 30]],
      DateTime: ['DateTime', [3]],
    },
    bareDecimal: [10, 0],
    textBytes: { TinyText: 255, Text: 65_535, MediumText: 16_777_215, LongText: 4_294_967_295 },
    float32: ['Float'],
    defaultFractionalSeconds: 0,
  },
  readsSeeOpenTransactions: false,
  quote,
  table,
  lockRecord: (rows) => `SELECT 1 FROM ${table(rows)} WHERE ${quote(rows.id)} = ? FOR UPDATE`,
  insertEvent: (events, options) => statements.insertEventStatement(syntax, events, options),
  // The lock is the first event's row (a record lock, no gap: taking it never deadlocks); whoever
  // holds it reads the head. Only the very first appends, with no row to lock, can deadlock on the
  // head's gap locks, and are retried.
  tableChainHead: (events) => ({
    lock: `SELECT 1 FROM ${table(events)} WHERE ${quote(events.columns.position)} = ? FOR UPDATE`,
    lockKey: 1,
    head: statements.chainHeadStatement(syntax, events, ' FOR UPDATE'),
  }),
  appendOnly: (target) =>
    ['UPDATE', 'DELETE'].map(
      (op) =>
        `CREATE TRIGGER ${quote(`${target.name}_no_${op.toLowerCase()}`)} BEFORE ${op} ON ${table(target)} FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = ${literal(statements.appendOnlyMessage(target, op))}`,
    ),
  sameRecordLink: (events, link, linkName) => [
    `CREATE TRIGGER ${quote(`${link.name}_same_record`)} BEFORE INSERT ON ${table(link)} FOR EACH ROW
BEGIN
  IF NOT EXISTS (
${statements.sameRecordCondition(syntax, events, link, '    ')}
  ) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = ${literal(statements.sameRecordMessage(link, linkName))};
  END IF;
END`,
  ],
  eventsByMetadata: (events, keys, limit) =>
    statements.eventsByMetadataStatement(syntax, events, keys, (column, key) => `JSON_UNQUOTE(JSON_EXTRACT(${column}, ${literal(`$.${key}`)}))`, limit),
  recordLinks: (events, link) => statements.recordLinksStatement(syntax, events, link),
  takeWriteLock: () => null,
  oneStatementWrite: () => null,
  directWrite: (row, columns) => directWriteSql(syntax, row, columns, false),
  classifyError: classifyMysqlError,
}

/**
 * Server errnos of a lost connection (1053 shutdown, 1927 killed, 2006/2013 gone or lost) and the
 * mariadb driver's own (45001 already closed, 45004 destroyed, 45009 socket closed, 45013 command on
 * a closed connection, 45019 socket error).
 */
const lostConnectionCodes = new Set(['1053', '1927', '2006', '2013', '45001', '45004', '45009', '45013', '45019'])

/**
 * 1213 is a deadlock: InnoDB has rolled back the whole transaction, not just the statement.
 * 1020 ("record has changed since last read", MariaDB's snapshot isolation) is a serialization failure.
 */
function classifyMysqlError(error: DatabaseErrorInfo) {
  if (error.code === '1213') return 'deadlock'
  if (error.code === '1020') return 'serialization'
  if (lostConnectionCodes.has(error.code ?? '') || isLostConnection(error)) return 'connection'
  return null
}
