#!/usr/bin/env node
/**
 * The `spector` command line.
 *
 *     spector sql append-only --provider postgresql [--table Event]
 *
 * prints the statements that make the event table append-only, ready to append to a migration
 * created with `prisma migrate dev --create-only`.
 */
import { parseArgs } from 'node:util'
import { appendOnlySql } from '../prisma/sql/appendOnlySql.ts'

const usage = `usage:
  spector sql append-only --provider <postgresql|mysql|sqlite> [--table <event table, default Event>]`

export function run(argv: string[], out: (text: string) => void = (t) => process.stdout.write(t)): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { provider: { type: 'string' }, table: { type: 'string', default: 'Event' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help || positionals.length === 0) {
    out(`${usage}\n`)
    return values.help ? 0 : 2
  }
  const [group, command] = positionals
  if (group === 'sql' && command === 'append-only') {
    if (!values.provider) {
      process.stderr.write(`spector: --provider is required\n${usage}\n`)
      return 2
    }
    const statements = appendOnlySql(values.provider, values.table!)
    out(`-- prisma-spector: the event log ${values.table} is append-only\n${statements.map((s) => `${s};`).join('\n\n')}\n`)
    return 0
  }
  process.stderr.write(`spector: unknown command "${positionals.join(' ')}"\n${usage}\n`)
  return 2
}

try {
  process.exitCode = run(process.argv.slice(2))
} catch (error) {
  process.stderr.write(`spector: ${(error as Error).message}\n`)
  process.exitCode = 2
}
