#!/usr/bin/env node
/**
 * The `spector` command line: integrity and history of an event log, from outside the app.
 *
 *     spector verify     [--against checkpoint.json] [--model Item]
 *     spector checkpoint [--out checkpoint.json] [--model Item]
 *     spector history <Model> <id>
 *     spector replay  <Model> <id> [--until <event id | ISO date | sequence>]
 *     spector check   [--model Item]
 *     spector bringup <Model> [--action import] [--keep-ids]
 *     spector sql append-only --provider <postgresql|mysql|sqlite> [--table Event]
 *     spector sql links
 *
 * Every command but `sql append-only` loads the generated prisma-spector module; all but `sql` connect with --url (or DATABASE_URL) and loads the generated
 * prisma-spector module (--generated, default ./generated/spector/index.ts), which brings the
 * Prisma client and the changesets. Output is for people; --json prints JSON for machines.
 * Exit codes: 0 fine, 1 verification failed or drift found, 2 usage or setup error.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { EventedModel } from '../core/eventedModel.ts'
import { appendOnlySql } from '../dialects/appendOnlySql.ts'
import { eventLinkConstraintsSql } from '../dialects/sameRecordLinkSql.ts'
import { historyRows, renderTable, show } from './render.ts'

const usage = `usage: spector <command> [options]

commands:
  verify [--against <checkpoint.json>] [--model <Model>]   verify the hash chain (exit 1 on a break)
  checkpoint [--out <file>] [--model <Model>]             print or write a checkpoint of the log
  history <Model> <id>                                     the events of a record and what each changed
  replay <Model> <id> [--until <event id|date|sequence>]   a record's state from its events
  check [--model <Model>]                                  rows that differ from their replay (exit 1 on drift)
  bringup <Model> [--action <a>] [--keep-ids]              give rows written before the model was evented their first event
                                                           (new ids; rows others reference need --keep-ids, or bringup's
                                                           transfer option in code)
  sql append-only --provider <provider> [--table <Event>]  SQL for a migration that makes the log append-only
  sql links                                                SQL for a migration: links only within one record, never changed

options:
  --url <url>          database URL (default: DATABASE_URL); postgresql://, mysql:// or mariadb://, file:
  --generated <path>   the generated prisma-spector module (default: ./generated/spector/index.ts)
  --hash-key <key>     the hashKey of a keyed chain (default: SPECTOR_HASH_KEY)
  --json               machine-readable output`

class UsageError extends Error {}

interface Output {
  out(text: string): void
  err(text: string): void
}

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
  help: { type: 'boolean', short: 'h' },
} as const

export async function run(argv: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options })
  const [command, ...rest] = positionals
  if (values.help || !command) {
    io.out(`${usage}\n`)
    return values.help ? 0 : 2
  }
  if (command === 'sql' && rest[0] === 'links') {
    const mod = await loadGenerated(values.generated)
    const statements: string[] = eventLinkConstraintsSql(mod.spectorSchema)
    if (!statements.length) throw new UsageError('the schema has no @eventLinks models')
    io.out(`-- prisma-spector: event links join events of one record and never change\n${statements.map((st) => `${st};`).join('\n\n')}\n`)
    return 0
  }
  if (command === 'sql') {
    if (rest[0] !== 'append-only') throw new UsageError(`unknown command "sql ${rest.join(' ')}"`)
    if (!values.provider) throw new UsageError('--provider is required')
    const table = values.table ?? 'Event'
    io.out(`-- prisma-spector: the event log ${table} is append-only\n${appendOnlySql(values.provider, table).map((s) => `${s};`).join('\n\n')}\n`)
    return 0
  }
  if (!['verify', 'checkpoint', 'history', 'replay', 'check', 'bringup'].includes(command)) throw new UsageError(`unknown command "${command}"`)

  const prisma = await connect(values)
  try {
    switch (command) {
      case 'verify': {
        const against = values.against ? JSON.parse(fs.readFileSync(values.against, 'utf8')) : undefined
        const progress = progressReporter(io, values.json)
        const result = await prisma.$verifyHashChain({ model: values.model, against, onProgress: progress.update })
        progress.done()
        if (values.json) io.out(`${JSON.stringify(result, null, 2)}\n`)
        else if (result.ok) io.out(`ok: ${result.events} events in ${result.records} records verified${against ? ' against the checkpoint' : ''}\n`)
        else {
          const f = result.failure
          io.out(`BROKEN (${f.kind}) after ${result.events} events: ${f.message}\n`)
          io.out(renderTable([{ kind: f.kind, model: f.model, record: f.recordId, event: f.eventId, sequence: f.sequence, expected: f.expectedHash, actual: f.actualHash }]))
        }
        return result.ok ? 0 : 1
      }
      case 'checkpoint': {
        const checkpoint = await prisma.$checkpoint({ model: values.model })
        const text = `${JSON.stringify(checkpoint, null, values.out ? 2 : values.json ? 2 : 0)}\n`
        if (values.out) {
          fs.writeFileSync(values.out, text)
          io.out(values.json ? text : `checkpoint of ${checkpoint.events} events in ${checkpoint.records} records written to ${values.out} (root ${checkpoint.root})\n`)
        } else io.out(text)
        return 0
      }
      case 'history':
      case 'replay': {
        const [modelName, id] = rest
        if (!modelName || !id) throw new UsageError(`${command} needs <Model> <id>`)
        const delegate = delegateOf(prisma, modelName)
        if (command === 'replay') {
          const state = await delegate.replay(id, { until: parseUntil(values.until) })
          io.out(values.json ? `${JSON.stringify(state, jsonReplacer, 2)}\n` : state ? renderTable(Object.entries(state).map(([field, value]) => ({ field, value }))) : `${modelName} ${id}: no such record${values.until ? ' at that point' : ''}\n`)
          return 0
        }
        const rows = historyRows(await delegate.events(id), (events) => delegate.replayEach(id, events))
        io.out(values.json ? `${JSON.stringify(rows, jsonReplacer, 2)}\n` : rows.length ? renderTable(rows.map((r) => ({ ...r, changes: r.changes.map((c) => `${c.field}: ${show(c.before)} → ${show(c.after)}`).join('; ') }))) : `${modelName} ${id} has no events\n`)
        return 0
      }
      case 'bringup': {
        const [modelName] = rest
        if (!modelName) throw new UsageError('bringup needs <Model>')
        const progress = progressBar(io, values.json, 'importing')
        const result = await delegateOf(prisma, modelName).bringup({ action: values.action, keepIds: values['keep-ids'], onProgress: progress.update })
        progress.done()
        if (values.json) io.out(`${JSON.stringify(result, null, 2)}\n`)
        else io.out(`${modelName}: ${result.count} rows without events imported${values['keep-ids'] ? ' in place' : ' under new ids'}\n`)
        return 0
      }
      case 'check': {
        const models = values.model ? [values.model] : prisma.$spectorModels
        let drifted = 0
        const reports = []
        for (const name of models) {
          const report = await delegateOf(prisma, name).check()
          drifted += report.drifted.length
          reports.push(report)
        }
        if (values.json) io.out(`${JSON.stringify(reports, jsonReplacer, 2)}\n`)
        else {
          for (const r of reports) io.out(`${r.model}: ${r.checked} records checked, ${r.drifted.length} drifted\n`)
          const rows = reports.flatMap((r) =>
            r.drifted.flatMap((d: { id: string; kind: string; differences: { field: string; expected: unknown; actual: unknown }[] }) =>
              d.differences.length
                ? d.differences.map((f) => ({ model: r.model, record: d.id, kind: d.kind, field: f.field, log: f.expected, row: f.actual }))
                : [{ model: r.model, record: d.id, kind: d.kind, field: '', log: '', row: '' }],
            ),
          )
          if (rows.length) io.out(renderTable(rows))
        }
        return drifted ? 1 : 0
      }
    }
    return 2
  } finally {
    await prisma.$disconnect()
  }
}

function jsonReplacer(_key: string, value: unknown) {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex')
  return value
}

function parseUntil(until: string | undefined) {
  if (until === undefined) return undefined
  if (/^\d+$/.test(until)) return { sequence: Number(until) }
  if (/^\d{4}-\d{2}-\d{2}/.test(until)) return new Date(until)
  return until
}

/** A bar on stderr, for a terminal only: `done` of `total`. */
function progressBar(io: Output, quiet: boolean | undefined, label: string) {
  const tty = !quiet && process.stderr.isTTY
  let last = 0
  return {
    update({ done, total }: { done: number; total: number }) {
      if (!tty || (Date.now() - last < 100 && done < total)) return
      last = Date.now()
      const filled = total ? Math.round((done / total) * 30) : 30
      io.err(`\r  ${label} ${'█'.repeat(filled).padEnd(30, '░')} ${done}/${total}`)
    },
    done() {
      if (tty) io.err('\r\x1b[K')
    },
  }
}

function progressReporter(io: Output, quiet: boolean | undefined) {
  const tty = !quiet && process.stderr.isTTY
  let last = 0
  return {
    update(events: number) {
      if (!tty || Date.now() - last < 100) return
      last = Date.now()
      const bar = '█'.repeat(Math.min(30, Math.floor(Math.log10(events + 1) * 5))).padEnd(30, '░')
      io.err(`\r  verifying ${bar} ${events} events`)
    },
    done() {
      if (tty) io.err('\r\x1b[K')
    },
  }
}

type AnyClient = Record<string, any>

function delegateOf(prisma: AnyClient, model: string) {
  const delegate = prisma[prisma.$spectorDelegates.get(model) ?? '']
  if (!delegate) {
    throw new UsageError(`${model} is not an evented model (have: ${prisma.$spectorModels.join(', ')})`)
  }
  return {
    replay: (id: string, o: object) => delegate.replay(id, o),
    events: (id: string) => delegate.events(id),
    check: () => delegate.check(),
    bringup: (options: object) => delegate.bringup(options),
    /** The state after each event, from the record's first event. */
    replayEach: (id: string, events: unknown[]) => prisma.$spectorStates(model, id, events),
  }
}

async function connect(values: { url?: string; generated?: string; 'hash-key'?: string }): Promise<AnyClient> {
  const url = values.url ?? process.env.DATABASE_URL
  if (!url) throw new UsageError('no database: pass --url or set DATABASE_URL')
  const { mod, generated } = await loadGenerated(values.generated)
  const adapter = await adapterFor(url, path.dirname(generated))
  const base = new mod.PrismaClient({ adapter })
  const models: string[] = mod.spectorSchema.models.map((m: { metadata: { name: string } }) => m.metadata.name)
  const delegates = new Map<string, string>(mod.spectorSchema.models.map((m: { metadata: { name: string; delegate: string } }) => [m.metadata.name, m.metadata.delegate]))
  const extended = base.$extends(mod.spector({ hashKey: values['hash-key'] ?? process.env.SPECTOR_HASH_KEY }))
  const byName = new Map(mod.spectorSchema.models.map((m: { metadata: { name: string } }) => [m.metadata.name, m]))
  return new Proxy(extended, {
    get(target, property) {
      if (property === '$spectorModels') return models
      if (property === '$spectorDelegates') return delegates
      if (property === '$spectorStates') {
        return (model: string, id: string, events: never[]) => {
          const d = byName.get(model) as { metadata: never; codec: never; changeset: never }
          const evented = new EventedModel(d.metadata, d.codec, d.changeset)
          let state: object | null = null
          return events.map((event) => (state = evented.step(id, state, event)))
        }
      }
      return Reflect.get(target, property)
    },
  })
}

/** The generated prisma-spector module (it brings the Prisma client and the changesets). */
async function loadGenerated(given: string | undefined): Promise<{ mod: any; generated: string; spectorSchema: any }> {
  const generated = path.resolve(given ?? 'generated/spector/index.ts')
  if (!fs.existsSync(generated)) throw new UsageError(`no generated prisma-spector module at ${generated} (pass --generated)`)
  const mod = await import(pathToFileURL(generated).href)
  if (typeof mod.PrismaClient !== 'function' || typeof mod.spector !== 'function') {
    throw new UsageError(`${generated} is not a prisma-spector module generated by this version (run prisma generate)`)
  }
  return { mod, generated, spectorSchema: mod.spectorSchema }
}

async function adapterFor(url: string, from: string): Promise<unknown> {
  const require = createRequire(path.join(from, 'noop.js'))
  const load = async (pkg: string) => {
    try {
      return await import(pathToFileURL(require.resolve(pkg)).href)
    } catch {
      throw new UsageError(`${url.split(':')[0]} URLs need the ${pkg} package: npm install ${pkg}`)
    }
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { PrismaPg } = await load('@prisma/adapter-pg')
    return new PrismaPg({ connectionString: url })
  }
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) {
    const { PrismaMariaDb } = await load('@prisma/adapter-mariadb')
    const u = new URL(url)
    return new PrismaMariaDb({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database: u.pathname.slice(1), connectionLimit: 2 })
  }
  if (url.startsWith('file:')) {
    const { PrismaBetterSqlite3 } = await load('@prisma/adapter-better-sqlite3')
    return new PrismaBetterSqlite3({ url })
  }
  throw new UsageError(`unsupported database URL ${url} (postgresql://, mysql://, mariadb:// or file:)`)
}

/** Generated modules are TypeScript: on a Node.js that cannot load them, run again through tsx. */
function needsTypeScriptLoader(argv: string[]): boolean {
  const generated = argv.find((a, i) => argv[i - 1] === '--generated') ?? 'generated/spector/index.ts'
  if (!generated.endsWith('.ts') || process.env.SPECTOR_CLI_REEXEC) return false
  const [major, minor] = process.versions.node.split('.').map(Number)
  const stripsTypes = major! > 22 || (major === 22 && minor! >= 18)
  return !stripsTypes && !process.execArgv.some((a) => a.includes('tsx'))
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  const io: Output = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }
  const needsModule = argv[0] !== 'sql' || argv[1] === 'links'
  if (needsModule && argv.length && !argv.includes('--help') && needsTypeScriptLoader(argv)) {
    let tsx: string
    try {
      tsx = createRequire(path.join(process.cwd(), 'noop.js')).resolve('tsx')
    } catch {
      io.err('spector: the generated module is TypeScript; install tsx (npm install -D tsx) or use Node.js >= 22.18\n')
      process.exitCode = 2
      return
    }
    const child = spawnSync(process.execPath, ['--import', pathToFileURL(tsx).href, fileURLToPath(import.meta.url), ...argv], {
      stdio: 'inherit',
      env: { ...process.env, SPECTOR_CLI_REEXEC: '1' },
    })
    process.exitCode = child.status ?? 2
    return
  }
  try {
    process.exitCode = await run(argv, io)
  } catch (error) {
    io.err(`spector: ${(error as Error).message}\n${error instanceof UsageError ? `\n${usage}\n` : ''}`)
    process.exitCode = 2
  }
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main()
