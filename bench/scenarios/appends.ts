/**
 * Scenario 4, appends against Emmett: single-event appends per second through evented writes
 * (creates; execute and update on one record) and through Emmett's `appendToStream`
 * (@event-driven-io/emmett-postgresql on the same PostgreSQL database, @event-driven-io/emmett-sqlite
 * on the same SQLite file), in the same run, interleaved in rounds. On MariaDB only the
 * prisma-spector side runs: Emmett has no MySQL/MariaDB event store.
 *
 * Emmett's blind `appendToStream` reads nothing; an evented write replays its record first. The
 * like-for-like Emmett command is `CommandHandler` (read the stream, evolve, append with the
 * expected version), measured too. On SQLite both sides run in WAL mode (Emmett switches its
 * file to WAL) with synchronous=FULL, Emmett on one persistent connection.
 */
import { createRequire } from 'node:module'
import { uuidv7 } from 'uuidv7'
import type { BenchConfig } from '../lib/config.ts'
import { providerLabel, supportsSavepointEvery, withBench, type BenchContext, type BenchProvider } from '../lib/harness.ts'
import { interleave, ratio, summarize, type Summary, type Variant } from '../lib/stats.ts'
import { times, type ScenarioResult, type TableSpec, type TargetResult } from '../lib/report.ts'
import { barChart } from '../lib/svg.ts'
import { countDriverStatements } from '../lib/driverStatements.ts'

const require = createRequire(import.meta.url)

export interface AppendVariantResult extends Summary {
  variant: string
  description: string
  side: 'prisma-spector' | 'Emmett'
  /** Database round trips (statements) per append, counted at the driver. */
  roundTrips: number | null
  /** appends/s relative to Emmett's blind appendToStream on one stream */
  vsEmmettAppend: number
}

const DESCRIPTIONS: Record<string, string> = {
  spectorCreate: 'prisma-spector create (new record, 1 event)',
  spectorExecute: 'prisma-spector execute (one record, history grows, state cache on: the default, optimistic path)',
  spectorExecuteLocked: 'prisma-spector execute (one record, optimistic: false: lock, read, append, write)',
  spectorExecuteReplaying: 'prisma-spector execute (one record, history grows, stateCacheSize: 0: replays every time)',
  spectorUpdate: 'prisma-spector update (one record, history grows)',
  spectorExecuteSavepoints: 'prisma-spector execute (one record, savepoint every N, emulated)',
  spectorExecuteOption: 'prisma-spector execute (one record, savepointEvery: N option)',
  emmettNewStream: 'Emmett appendToStream (new stream each)',
  emmettAppend: 'Emmett appendToStream (one stream, blind)',
  emmettCommand: 'Emmett CommandHandler (one stream: read, evolve, append)',
}

interface EmmettSide {
  store: any
  close(): Promise<void>
  pragmas?: Record<string, unknown>
}

async function openEmmett(ctx: BenchContext): Promise<EmmettSide> {
  if (ctx.provider === 'postgresql') {
    const { getPostgreSQLEventStore } = await import('@event-driven-io/emmett-postgresql')
    const store = getPostgreSQLEventStore(ctx.db.url, { schema: { autoMigration: 'CreateOrUpdate' } } as any)
    return { store, close: () => store.close() }
  }
  // The native sqlite3 module emmett-sqlite needs: a plain require fails cleanly when it was not
  // built (importing emmett-sqlite without it crashes the process instead of rejecting).
  require('sqlite3')
  const { getSQLiteEventStore, sqliteConnection } = await import('@event-driven-io/emmett-sqlite')
  // Same file, WAL mode (Emmett sets it on every connection), synchronous=FULL on both sides.
  await ctx.raw.query('PRAGMA journal_mode = WAL')
  await ctx.base.$executeRawUnsafe('PRAGMA synchronous = FULL')
  const connection = sqliteConnection({ fileName: ctx.db.name })
  await connection.command('PRAGMA synchronous = FULL')
  const store = getSQLiteEventStore({ fileName: ctx.db.name, connectionOptions: { singleton: true, connection } } as any)
  const prismaPragmas = await ctx.base.$queryRawUnsafe('PRAGMA synchronous')
  const prismaJournal = await ctx.base.$queryRawUnsafe('PRAGMA journal_mode')
  const emmettPragmas = await connection.query('PRAGMA synchronous')
  return {
    store,
    close: async () => connection.close(),
    pragmas: {
      prisma: { synchronous: Number(Object.values((prismaPragmas as any[])[0])[0]), journal_mode: Object.values((prismaJournal as any[])[0])[0] },
      emmett: { synchronous: Number(Object.values((emmettPragmas as any[])[0] as object)[0]) },
    },
  }
}

async function runProvider(
  config: BenchConfig,
  provider: BenchProvider,
): Promise<{ results: AppendVariantResult[]; pragmas?: Record<string, unknown>; emmettUnavailable?: string }> {
  return withBench(provider, {}, async (ctx) => {
    // emmett-sqlite needs the native sqlite3 module (compiled at install); without it the
    // prisma-spector side still runs and the Emmett rows say why they are missing.
    let emmett: EmmettSide | null = null
    let emmettUnavailable: string | undefined
    if (provider === 'mysql') {
      emmettUnavailable = 'Emmett on MariaDB unavailable: Emmett has no MySQL/MariaDB event store, so only the prisma-spector rows run'
    } else {
      try {
        emmett = await openEmmett(ctx)
      } catch (error) {
        if (provider !== 'sqlite') throw error
        emmettUnavailable = `Emmett on SQLite unavailable: ${(error as Error).message.split('\n')[0]}`
      }
    }
    try {
      const { CommandHandler } = await import('@event-driven-io/emmett')
      const handle = CommandHandler<{ value: number }, { type: 'ValueIncremented'; data: { value: number } }>({
        evolve: (_state, event) => ({ value: event.data.value }),
        initialState: () => ({ value: 0 }),
      })
      const every = config.appends.savepointEvery
      const [executeId, updateId, savepointId, optionId, replayingId, lockedId] = await Promise.all(
        ['execute', 'update', 'savepoints', 'option', 'replaying', 'locked'].map(
          async (name) => (await ctx.prisma.item.create({ data: { name, value: 0 } })).id as string,
        ),
      )
      // The same execute on a client without the recent-state cache: what replaying costs.
      const replaying = ctx.base.$extends(ctx.modules.spector({ stateCacheSize: 0 }))
      // The same execute without the optimistic path: what the lock and the read before the append cost.
      const locked = ctx.base.$extends(ctx.modules.spector({ optimistic: false } as object))
      // The library's own savepoint policy, when it has one (it landed while the bench was written).
      const optionClient = (await supportsSavepointEvery(ctx)) ? ctx.base.$extends(ctx.modules.spector({ savepointEvery: every })) : null
      let sinceSavepoint = 0
      const variants: Variant[] = [
        { name: 'spectorCreate', run: (i) => ctx.prisma.item.create({ data: { name: `c-${i}`, value: i } }) },
        { name: 'spectorExecute', run: () => ctx.prisma.item.execute(executeId, 'archive', { archivedAt: new Date() }) },
        { name: 'spectorExecuteLocked', run: () => locked.item.execute(lockedId, 'archive', { archivedAt: new Date() }) },
        { name: 'spectorExecuteReplaying', run: () => replaying.item.execute(replayingId, 'archive', { archivedAt: new Date() }) },
        { name: 'spectorUpdate', run: () => ctx.prisma.item.update({ where: { id: updateId }, data: { value: { increment: 1 } } }) },
        {
          name: 'spectorExecuteSavepoints',
          run: async () => {
            await ctx.prisma.item.execute(savepointId, 'archive', { archivedAt: new Date() })
            if (++sinceSavepoint >= every) {
              await ctx.prisma.item.savepoint(savepointId)
              sinceSavepoint = 0
            }
          },
        },
      ]
      if (optionClient) variants.push({ name: 'spectorExecuteOption', run: () => optionClient.item.execute(optionId, 'archive', { archivedAt: new Date() }) })
      if (emmett) {
        const store = emmett.store
        variants.push(
          {
            name: 'emmettNewStream',
            run: (i) => {
              const at = new Date().toISOString()
              return store.appendToStream(`item-${uuidv7()}`, [{ type: 'ItemCreated', data: { name: `c-${i}`, value: i, createdAt: at, updatedAt: at } }])
            },
          },
          { name: 'emmettAppend', run: () => store.appendToStream('item-one', [{ type: 'ItemArchived', data: { archivedAt: new Date().toISOString() } }]) },
          { name: 'emmettCommand', run: () => handle(store, 'item-two', (state) => ({ type: 'ValueIncremented' as const, data: { value: state.value + 1 } })) },
        )
      }
      const latencies = await interleave(variants, config.appends)
      const summaries = new Map([...latencies].map(([name, values]) => [name, summarize(values)]))
      const emmettAppend = summaries.get('emmettAppend')?.opsPerSec ?? NaN
      // Statements per append, counted at the driver, outside the timed rounds (histories are long by now).
      const roundTrips = new Map<string, number | null>()
      for (const v of variants) {
        const n = 5
        let i = 1_000_000
        const calls = await countDriverStatements(provider, async () => {
          for (let k = 0; k < n; k++) await v.run(i++)
        })
        roundTrips.set(v.name, v.name === 'spectorExecuteSavepoints' ? null : calls / n)
      }
      const results = variants.map((v): AppendVariantResult => {
        const s = summaries.get(v.name)!
        return {
          variant: v.name,
          description: DESCRIPTIONS[v.name]!.replace('every N', `every ${every}`).replace('savepointEvery: N', `savepointEvery: ${every}`),
          side: v.name.startsWith('emmett') ? 'Emmett' : 'prisma-spector',
          ...s,
          roundTrips: roundTrips.get(v.name) ?? null,
          vsEmmettAppend: ratio(s.opsPerSec, emmettAppend),
        }
      })
      return { results, ...(emmett?.pragmas ? { pragmas: emmett.pragmas } : {}), ...(emmettUnavailable ? { emmettUnavailable } : {}) }
    } finally {
      await emmett?.close()
    }
  })
}

export async function runAppendsScenario(config: BenchConfig, subtitle: string[]): Promise<ScenarioResult> {
  const data: Record<string, { results: AppendVariantResult[]; pragmas?: Record<string, unknown>; emmettUnavailable?: string }> = {}
  const tables: TableSpec[] = []
  const targets: TargetResult[] = []
  const n = config.appends.rounds * config.appends.perRound
  for (const provider of config.providers) {
    const result = await runProvider(config, provider)
    data[provider] = result
    tables.push({
      title: `4. Single-event appends vs Emmett - ${providerLabel(provider)} (${n} appends per variant after ${config.appends.warmup} warm-up, interleaved rounds${provider === 'sqlite' && !result.emmettUnavailable ? '; WAL, synchronous=FULL on both sides' : ''})`,
      columns: ['variant', 'appends/s', 'median ms', 'p95 ms', 'statements/append', 'x Emmett append'],
      rows: result.results.map((r) => [r.description, r.opsPerSec, r.medianMs, r.p95Ms, r.roundTrips ?? '-', times(r.vsEmmettAppend)]),
      notes: [
        ...(result.emmettUnavailable ? [result.emmettUnavailable] : []),
        'one-record variants: the record/stream grows by one event per append (to about the number of appends above); evented writes and Emmett CommandHandler re-read it every time.',
        'statements/append counted at the driver (pg Client.query; better-sqlite3 Statement run, all, get, iterate / sqlite3 run, all, get; mariadb Connection query, prepareExecute, batch) over 5 extra appends.',
      ],
    })
    if (provider === 'postgresql') {
      const get = (name: string) => result.results.find((r) => r.variant === name)!
      const pairs: [string, string, string][] = [
        ['spectorExecute', 'emmettAppend', 'execute on one record vs appendToStream on one stream'],
        ['spectorCreate', 'emmettNewStream', 'create vs appendToStream to a new stream'],
      ]
      for (const [ours, theirs, label] of pairs) {
        const a = get(ours)
        const b = get(theirs)
        targets.push({
          id: 'T4',
          target: `single-event appends/s >= Emmett on the same PostgreSQL (${label})`,
          provider,
          measured: `${Math.round(a.opsPerSec)}/s vs ${Math.round(b.opsPerSec)}/s (${times(ratio(a.opsPerSec, b.opsPerSec))})`,
          status: a.opsPerSec >= b.opsPerSec ? 'met' : 'missed',
          ...(config.quick ? { note: 'quick sizes' } : {}),
        })
      }
      // Issue 15: a command on a record this process knows, one writer, against Emmett's append.
      const command = get('spectorExecute')
      const emmett = get('emmettAppend')
      targets.push({
        id: 'T4-15',
        issue: 15,
        target: 'a command on a known record, one writer (execute) >= 1.0x Emmett appendToStream',
        provider,
        measured: `${Math.round(command.opsPerSec)}/s vs ${Math.round(emmett.opsPerSec)}/s (${times(ratio(command.opsPerSec, emmett.opsPerSec))}), ${command.roundTrips ?? '-'} vs ${emmett.roundTrips ?? '-'} statements`,
        status: command.opsPerSec >= emmett.opsPerSec ? 'met' : 'missed',
        ...(config.quick ? { note: 'quick sizes' } : {}),
      })
    }
  }
  const chart = barChart({
    title: 'Scenario 4 - single-event appends per second: prisma-spector vs Emmett',
    subtitle: [...subtitle, `${n} appends per variant, interleaved. Higher is better. SQLite: WAL + synchronous=FULL on both sides.`],
    axisLabel: 'appends per second (sequential, one caller)',
    groups: Object.entries(data).map(([provider, r]) => ({
      label: providerLabel(provider as BenchProvider),
      bars: r.results.map((v) => ({
        label:
          v.description.replace(/ \(.*\)$/, '') +
          (/\((.*)\)$/.exec(v.description) ? ` (${/\((.*)\)$/.exec(v.description)![1]!.replace(', history grows', '')})` : ''),
        value: v.opsPerSec,
        color: v.side === 'Emmett' ? '#9333ea' : '#2563eb',
        note: `/s, ${times(v.vsEmmettAppend)} Emmett blind append`,
      })),
    })),
  })
  return { id: '4', title: 'Appends against Emmett', status: 'ok', data, tables, chart: { file: '4-appends-vs-emmett.svg', svg: chart }, targets, notes: [] }
}
