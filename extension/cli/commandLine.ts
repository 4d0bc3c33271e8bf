/**
 * What the `spector` command line accepts: the help text, the short usage line a mistake prints,
 * and the parsing of argv into a command and options. Every mistake in the command line is a
 * UsageError (exit 2) whose message says what was wrong; unknown options included.
 */
import { parseArgs } from 'node:util'

export const usage = `usage: spector <command> [options]

commands:
  verify [--against <checkpoint.json>] [--model <Model>]   verify the hash chain (exit 1 on a break)
  checkpoint [--out <file>] [--model <Model>]             print or write a checkpoint of the log (exit 1 on a break)
  history <Model> <id>                                     the events of a record and what each changed
  replay <Model> <id> [--until <event id|date|sequence>]   a record's state from its events
  check [--model <Model>]                                  rows that differ from their replay (exit 1 on drift)
  bringup <Model> [--action <a>] [--keep-ids]              give rows written before the model was evented their first event
                                                           (new ids; rows others reference need --keep-ids, or bringup's
                                                           transfer option in code)
  sql append-only [--provider <provider>] [--table <Event>] SQL for a migration that makes the log append-only
                                                           (provider and table default to the generated module's)
  sql links                                                SQL for a migration: links only within one record, never changed
  studio [--port 5556] [--host 127.0.0.1] [--token <t>]    a read-only web viewer of the log (a host other than
                                                           loopback needs --token); prints its URL, serves until Ctrl-C
  relay --nats <url> --stream <name> --subject <template>  publish the change feed to NATS JetStream, each event once, in
        [--name <n>] [--batch-size <n>] [--once]           order (subject tokens {model} {action} {recordId}); stops on
                                                           SIGTERM; --once: return when caught up

options:
  --url <url>          database URL; postgresql://, mysql:// or mariadb://, file: (an existing SQLite file).
                       Default: DATABASE_URL, else the datasource url of the project's prisma.config.ts
  --generated <path>   the generated prisma-spector module. Default: index.ts (.mts, .cts) in the output of the
                       schema's prisma-spector generator (schema from prisma.config.ts), else ./generated/spector
  --hash-key <key>     the hashKey of a keyed chain (default: SPECTOR_HASH_KEY)
  --json               machine-readable output, errors included ({ "error": { "message", "code" } }); BigInt,
                       Decimal and Bytes (hex) as strings, DateTime as ISO 8601, as the tables print them

exit codes:
  0  done, the log verified, no drift
  1  the answer is no: a broken chain, drift, a record with no events
  2  the command could not run: a usage mistake, a set-up error (database, module, key)`

export const shortUsage = 'usage: spector <verify|checkpoint|history|replay|check|bringup|sql|relay|studio> [options]  (spector --help for all)'

export class UsageError extends Error {}

const options = {
  url: { type: 'string' },
  generated: { type: 'string' },
  'hash-key': { type: 'string' },
  json: { type: 'boolean' },
  against: { type: 'string' },
  out: { type: 'string' },
  model: { type: 'string' },
  until: { type: 'string' },
  provider: { type: 'string' },
  table: { type: 'string' },
  action: { type: 'string' },
  'keep-ids': { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  token: { type: 'string' },
  nats: { type: 'string' },
  stream: { type: 'string' },
  subject: { type: 'string' },
  name: { type: 'string' },
  'batch-size': { type: 'string' },
  once: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

export type CommandLine = ReturnType<typeof parseCommandLine>

/**
 * The command, its positional arguments and the options. A leading `--` (as `npm run spector --
 * --help` leaves it) is dropped, so what follows it parses as usual.
 */
export function parseCommandLine(argv: string[]) {
  const args = argv[0] === '--' ? argv.slice(1) : argv
  try {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options })
    const [command, ...rest] = positionals
    return { command, rest, values }
  } catch (error) {
    // node:util names the option in its message: "Unknown option '--frobnicate'".
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''))
  }
}

/** Whether argv asks for JSON, read without parsing (for errors in parsing itself). */
export const wantsJson = (argv: string[]) => argv.includes('--json')
