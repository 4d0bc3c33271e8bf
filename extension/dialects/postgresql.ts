/**
 * PostgreSQL (and CockroachDB, which speaks its SQL): numbered parameters, JSON cast to `jsonb`,
 * row locks, a transaction-scoped advisory lock for a table-wide chain, plpgsql trigger functions.
 */
import { defaultJsonDepth } from '../core/columnBehaviour.ts'
import { literal, quoteWith, type Dialect, type Provider } from './dialect.ts'
import * as statements from './statements.ts'
import { oneStatementWriteSql } from './oneStatementWrite.ts'
import { isLostConnection, type DatabaseErrorInfo } from './databaseErrors.ts'
import type { TableName } from './tables.ts'

const quote = quoteWith('"')
const table = (t: TableName) => (t.schema ? `${quote(t.schema)}.${quote(t.name)}` : quote(t.name))
const syntax = { quote, table, placeholder: (i: number, json: boolean) => `$${i + 1}${json ? '::jsonb' : ''}` }

export function postgresqlDialect(provider: Extract<Provider, 'postgresql' | 'cockroachdb'> = 'postgresql'): Dialect {
  return {
    provider,
    supportsReturning: true,
    supportsRowLocks: true,
    // numeric rounds half away from zero; timestamps round from 2000-01-01; text and jsonb refuse U+0000.
    columns: {
      fractionalSeconds: 'round',
      float32: 'shortest',
      char: 'pad',
      integerDivision: 'truncate',
      refusesNul: true,
      jsonDepth: defaultJsonDepth,
      decimalAsDouble: false,
    },
    nativeColumnTypes: {
      defaults: {
        String: ['Text', []],
        Int: ['Integer', []],
        BigInt: ['BigInt', []],
        Float: ['DoublePrecision', []],
        Decimal: ['Decimal', [65, 30]],
        DateTime: ['Timestamp', [3]],
      },
      textBytes: {},
      float32: ['Real'],
      defaultFractionalSeconds: 6,
    },
    readsSeeOpenTransactions: false,
    quote,
    table,
    lockRecord: (rows) => `SELECT 1 FROM ${table(rows)} WHERE ${quote(rows.id)} = $1 FOR UPDATE`,
    insertEvent: (events, options) => statements.insertEventStatement(syntax, events, options),
    tableChainHead: (events) => ({
      lock: 'SELECT pg_advisory_xact_lock($1::bigint)',
      lockKey: statements.chainLockKey(events),
      head: statements.chainHeadStatement(syntax, events),
    }),
    appendOnly(target) {
      const fn = table({ ...target, name: `${target.name}_append_only` })
      return [
        `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'prisma-spector: the event log % is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END
$$`,
        `CREATE TRIGGER ${quote(`${target.name}_no_update_delete`)} BEFORE UPDATE OR DELETE ON ${table(target)} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
        `CREATE TRIGGER ${quote(`${target.name}_no_truncate`)} BEFORE TRUNCATE ON ${table(target)} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
      ]
    },
    sameRecordLink(events, link, linkName) {
      const fn = table({ ...link, name: `${link.name}_same_record` })
      return [
        `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
${statements.sameRecordCondition(syntax, events, link, '    ')}
  ) THEN
    RAISE EXCEPTION '%: % -> %', ${literal(statements.sameRecordMessage(link, linkName))}, NEW.${quote(link.from)}, NEW.${quote(link.to)} USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$`,
        `CREATE TRIGGER ${quote(`${link.name}_same_record`)} BEFORE INSERT ON ${table(link)} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
      ]
    },
    eventsByMetadata: (events, keys, limit) =>
      statements.eventsByMetadataStatement(syntax, events, keys, (column, key) => `(${column} ->> ${literal(key)})`, limit),
    recordLinks: (events, link) => statements.recordLinksStatement(syntax, events, link),
    takeWriteLock: () => null,
    // CockroachDB writes from a WITH only in part: its commands keep the transaction.
    oneStatementWrite: (row, columns, events, eventFields) =>
      provider === 'postgresql' ? oneStatementWriteSql(syntax, row, columns, events, eventFields) : null,
    directWrite: () => null,
    classifyError: classifyPostgresError,
  }
}

/**
 * SQLSTATE 40P01 is a deadlock, 40001 a serialization failure (CockroachDB reports its retryable
 * conflicts so too); class 08 and 57P01..57P03 (a terminated backend, a server shutting down) mean
 * the connection is gone.
 */
function classifyPostgresError(error: DatabaseErrorInfo) {
  if (error.code === '40P01') return 'deadlock'
  if (error.code === '40001') return 'serialization'
  if (error.code?.startsWith('08') || ['57P01', '57P02', '57P03'].includes(error.code ?? '') || isLostConnection(error)) return 'connection'
  return null
}
