/**
 * Per-database SQL that locks one record's row for the rest of the transaction, so concurrent
 * commands on the same record queue up instead of replaying the same history and colliding on
 * the next sequence. SQLite needs none: it lets one writer in at a time.
 */
import type { ModelMetadata } from '../../core/metadata.ts'

export type Provider = 'sqlite' | 'postgresql' | 'mysql' | (string & {})

/** `SELECT ... FOR UPDATE` on the record's row, taking the id as the one parameter; null where no lock is needed. */
export function lockRecordSql(provider: Provider, model: ModelMetadata): string | null {
  const idField = model.fields.find((f) => f.name === model.idField)
  const idColumn = idField?.dbName ?? model.idField
  const table = model.dbName ?? model.name
  switch (provider) {
    case 'postgresql':
    case 'cockroachdb': {
      const q = (name: string) => `"${name.replaceAll('"', '""')}"`
      const qualified = model.dbSchema ? `${q(model.dbSchema)}.${q(table)}` : q(table)
      return `SELECT 1 FROM ${qualified} WHERE ${q(idColumn)} = $1 FOR UPDATE`
    }
    case 'mysql': {
      const q = (name: string) => `\`${name.replaceAll('`', '``')}\``
      const qualified = model.dbSchema ? `${q(model.dbSchema)}.${q(table)}` : q(table)
      return `SELECT 1 FROM ${qualified} WHERE ${q(idColumn)} = ? FOR UPDATE`
    }
    default:
      return null
  }
}
