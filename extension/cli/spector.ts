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
 *     spector sql append-only [--provider <postgresql|mysql|sqlite>] [--table Event]
 *     spector sql links
 *     spector studio  [--port 5556] [--host 127.0.0.1] [--token <secret>]
 *     spector relay --nats nats://127.0.0.1:4222 --stream EVENTS --subject 'events.{model}.{action}'
 *
 * Every command loads the generated prisma-spector module (--generated, else the output of the
 * schema's prisma-spector generator: generatedModule.ts), which brings the Prisma client and the
 * changesets (`sql append-only` only when --provider is not given); all but `sql` connect to the
 * database of --url, DATABASE_URL or the project's prisma.config.ts. Output is for people; --json
 * prints JSON for machines, errors included; values print alike in both (printableValue.ts). Exit
 * codes (commandLine.ts): 0 fine, 1 the answer is no (a break, drift, no such record), 2 usage or
 * set-up error.
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { SpectorError, SpectorHashChainError } from '../core/errors.ts'
import type { HistoryEntry } from '../core/recordHistory.ts'
import { appendOnlySql, eventLinkConstraintsSql } from '../index.ts'
import type { ChainBreak, Checkpoint } from '../core/chainVerifier.ts'
import { parseCommandLine, shortUsage, usage, UsageError, wantsJson, type CommandLine } from './commandLine.ts'
import { DatabaseSetupError } from './databaseSetupError.ts'
import { connect, loadGenerated, type AnyClient } from './generatedModule.ts'
import { relayCommand } from './relayCommand.ts'
import { printableJson } from '../core/printableValue.ts'
import { renderTable, show } from './render.ts'
import { studio } from './studioCommand.ts'

interface Output {
  out(text: string): void
  err(text: string): void
}

export async function run(argv: string[], io: Output): Promise<number> {
  const { command, rest, values } = parseCommandLine(argv)
  // No command at all asks for orientation: the whole help (exit 2, nothing was done).
  if (values.help || !command) {
    io.out(`${usage}\n`)
    return values.help ? 0 : 2
  }
  if (command === 'sql') return sql(rest, values, io)
  if (command === 'studio') return studio(values, io)
  if (command === 'relay') return relayCommand(values, io)
  if (!['verify', 'checkpoint', 'history', 'replay', 'check', 'bringup'].includes(command)) throw new UsageError(`unknown command "${command}"`)

  const prisma = await connect(values)
  try {
    switch (command) {
      case 'verify': {
        const against = values.against ? JSON.parse(fs.readFileSync(values.against, 'utf8')) : undefined
        const progress = progressReporter(io, values.json)
        const result = await prisma.$verifyHashChain({ model: values.model, against, onProgress: progress.update })
        progress.done()
        if (values.json) io.out(`${printableJson(result)}\n`)
        else if (result.ok) io.out(`ok: ${result.events} events in ${result.records} records verified${against ? ' against the checkpoint' : ''}\n`)
        else reportBreak(io, result.failure, result.events)
        return result.ok ? 0 : 1
      }
      case 'checkpoint': {
        let checkpoint: Checkpoint
        try {
          checkpoint = await prisma.$checkpoint({ model: values.model })
        } catch (error) {
          // The same break verify reports, with verify's exit code: no checkpoint of a broken log.
          if (!(error instanceof SpectorHashChainError)) throw error
          const failure = {
            kind: error.kind,
            model: error.model,
            recordId: error.recordId,
            eventId: error.eventId,
            sequence: error.sequence,
            expectedHash: error.expectedHash,
            actualHash: error.actualHash,
            message: error.message.replace(/^Hash chain broken \([^)]*\): /, ''),
          }
          if (values.json) io.out(`${printableJson({ ok: false, failure })}\n`)
          else reportBreak(io, failure)
          return 1
        }
        const text = `${printableJson(checkpoint, values.out || values.json ? 2 : 0)}\n`
        if (values.out) {
          fs.writeFileSync(values.out, text)
          io.out(
            values.json
              ? text
              : `checkpoint of ${checkpoint.events} events in ${checkpoint.records} records written to ${values.out} (root ${checkpoint.root})\n`,
          )
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
          if (values.json) io.out(`${printableJson(state)}\n`)
          if (!state) {
            if (!values.json) io.err(`spector: ${modelName} ${id}: no such record${values.until ? ' at that point' : ''}\n`)
            return 1
          }
          if (!values.json) io.out(renderTable(Object.entries(state).map(([field, value]) => ({ field, value }))))
          return 0
        }
        // The library's history: the events folded through the changeset, consecutive states compared.
        const rows: HistoryEntry[] = await delegate.history(id)
        if (values.json) io.out(`${printableJson(rows)}\n`)
        else if (rows.length) {
          io.out(
            renderTable(
              rows.map((r) => ({
                sequence: r.sequence,
                action: r.action,
                version: r.version,
                insertedAt: r.insertedAt,
                actor: r.actor,
                event: r.id,
                changes: r.changes.map((c) => `${c.field}: ${show(c.before)} → ${show(c.after)}`).join('; '),
              })),
            ),
          )
        } else io.err(`spector: ${modelName} ${id}: no such record (it has no events)\n`)
        return rows.length ? 0 : 1
      }
      case 'bringup': {
        const [modelName] = rest
        if (!modelName) throw new UsageError('bringup needs <Model>')
        const progress = progressBar(io, values.json, 'importing')
        const result = await delegateOf(prisma, modelName).bringup({ action: values.action, keepIds: values['keep-ids'], onProgress: progress.update })
        progress.done()
        if (values.json) io.out(`${printableJson(result)}\n`)
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
        if (values.json) io.out(`${printableJson(reports)}\n`)
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

/** `sql append-only` and `sql links`: migration SQL for the generated schema. */
async function sql(rest: string[], values: CommandLine['values'], io: Output): Promise<number> {
  if (rest[0] === 'links') {
    const { mod } = await loadGenerated(values.generated)
    const statements: string[] = eventLinkConstraintsSql(mod.spectorSchema)
    if (!statements.length) throw new UsageError('the schema has no @eventLinks models')
    io.out(`-- prisma-spector: event links join events of one record and never change\n${statements.map((st) => `${st};`).join('\n\n')}\n`)
    return 0
  }
  if (rest[0] !== 'append-only' || rest.length > 1) throw new UsageError(`unknown command "sql ${rest.join(' ')}" (sql append-only, sql links)`)
  let provider = values.provider
  let tables = values.table ? [values.table] : []
  if (!provider || !tables.length) {
    // The generated module knows the provider and the event tables.
    const { mod } = await loadGenerated(values.generated).catch((error: Error) => {
      throw new UsageError(`${error.message}; or pass --provider${values.table ? '' : ' and --table'}`)
    })
    provider ??= mod.spectorSchema.provider as string
    if (!tables.length)
      tables = [
        ...new Set(
          mod.spectorSchema.models.map(
            (m: { metadata: { events: { model: string; dbName?: string } } }) => m.metadata.events.dbName ?? m.metadata.events.model,
          ) as string[],
        ),
      ]
  }
  for (const table of tables)
    io.out(
      `-- prisma-spector: the event log ${table} is append-only\n${appendOnlySql(provider as never, table)
        .map((s) => `${s};`)
        .join('\n\n')}\n`,
    )
  return 0
}

function reportBreak(io: Output, f: ChainBreak, events?: number): void {
  io.out(`BROKEN (${f.kind})${events === undefined ? '' : ` after ${events} events`}: ${f.message}\n`)
  io.out(
    renderTable([{ kind: f.kind, model: f.model, record: f.recordId, event: f.eventId, sequence: f.sequence, expected: f.expectedHash, actual: f.actualHash }]),
  )
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

function delegateOf(prisma: AnyClient, model: string) {
  const delegate = prisma[prisma.$spectorDelegates.get(model) ?? '']
  if (!delegate) {
    throw new UsageError(`${model} is not an evented model (have: ${prisma.$spectorModels.join(', ')})`)
  }
  return {
    replay: (id: string, o: object) => delegate.replay(id, o),
    history: (id: string) => delegate.history(id),
    check: () => delegate.check(),
    bringup: (options: object) => delegate.bringup(options),
  }
}

/** An error's message without Prisma's "Invalid `prisma.x.findMany()` invocation" wrapping and code frame. */
export function plainMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  if (!/Invalid `[^`]*` invocation/.test(message)) return message.trim()
  const blocks = message
    .split(/\n\s*\n/)
    .map((b) => b.trim())
    .filter(Boolean)
  const meaningful = blocks.filter((b) => !/Invalid `[^`]*` invocation/.test(b) && !/^(→\s*)?\d+\s/m.test(b))
  return (meaningful.length ? meaningful : blocks).join('\n').trim()
}

/** Runs the command line and reports an error the way it was asked: text on stderr or JSON on stdout. */
export async function main(argv: string[], io: Output): Promise<number> {
  try {
    return await run(argv, io)
  } catch (error) {
    const message = plainMessage(error)
    if (wantsJson(argv)) {
      const code =
        error instanceof SpectorError ? error.code : error instanceof UsageError ? 'USAGE' : error instanceof DatabaseSetupError ? 'DATABASE' : 'ERROR'
      io.out(`${printableJson({ error: { code, message } })}\n`)
    } else io.err(`spector: ${message}\n${error instanceof UsageError ? `${shortUsage}\n` : ''}`)
    return 2
  }
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) })
}
