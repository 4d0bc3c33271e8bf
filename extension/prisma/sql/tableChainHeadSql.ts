/**
 * Per-database SQL for a table-wide hash chain (`@events(chain=table)`): serialize the writers of
 * the event table, then read the chain's head (the newest position and its hash).
 *
 * PostgreSQL takes a transaction-scoped advisory lock named after the table; MySQL locks the head
 * row itself (`FOR UPDATE`; two writers meeting on an empty table deadlock and one is retried);
 * SQLite admits one writer at a time anyway.
 */
import { createHash } from 'node:crypto'
import type { Provider } from './lockRecordSql.ts'

export interface TableChainSql {
  /** Run first, with `lockKey` as its one parameter; null where no lock statement is needed. */
  lock: string | null
  lockKey: number
  /** Returns zero or one row with `position` and `hash`. */
  head: string
}

export function tableChainHeadSql(provider: Provider, table: string): TableChainSql {
  const lockKey = createHash('sha256').update(`prisma-spector:${table}`).digest().readIntBE(0, 6)
  switch (provider) {
    case 'postgresql':
    case 'cockroachdb': {
      const q = (name: string) => `"${name.replaceAll('"', '""')}"`
      return { lock: 'SELECT pg_advisory_xact_lock($1::bigint)', lockKey, head: `SELECT ${q('position')}, ${q('hash')} FROM ${q(table)} ORDER BY ${q('position')} DESC LIMIT 1` }
    }
    case 'mysql': {
      const q = (name: string) => `\`${name.replaceAll('`', '``')}\``
      return { lock: null, lockKey, head: `SELECT ${q('position')}, ${q('hash')} FROM ${q(table)} ORDER BY ${q('position')} DESC LIMIT 1 FOR UPDATE` }
    }
    default: {
      const q = (name: string) => `"${name.replaceAll('"', '""')}"`
      return { lock: null, lockKey, head: `SELECT ${q('position')}, ${q('hash')} FROM ${q(table)} ORDER BY ${q('position')} DESC LIMIT 1` }
    }
  }
}
