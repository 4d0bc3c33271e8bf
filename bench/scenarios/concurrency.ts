/**
 * Scenario 5, concurrency (PostgreSQL only): 1, 4, 8 and 16 concurrent writers, each an async loop
 * of single writes on one shared client, against distinct records (each writer its own), against
 * records all writers share (issue 15: 100, each write on one picked at random) and against one
 * record; the 100 shared records also cold. Each (target, writers) runs:
 * - prisma-spector `update` (value increment, through Prisma's query hook) and `execute` (an
 *   action on a known record: one statement on PostgreSQL) on the extended client;
 * - plain Prisma `update` of PlainItem, the baseline without an event log;
 * - Emmett `appendToStream` of one event with the expected stream version, retried on a version
 *   conflict after reading what the stream gained (lib/emmettWriters.ts), on as many connections.
 * Issue 15's targets compare prisma-spector with Emmett: 8 writers on one record >= 1.0x Emmett,
 * 8 writers over 100 records >= 0.8x Emmett.
 *
 * Fairness: every run makes the same number of writes, split over the writers; distinct records
 * each get the same number; on shared records every variant follows the same random sequence of
 * picks (seeded per round and writer). Records and streams start with one event (the insert, the
 * stream's first append) written from outside the process. Then, before timing, each gets one
 * write through the variant itself, so the process has written every record it writes (as a
 * running service has), except in the cold runs: there each side's first write on a record
 * finds it unknown and reads it (prisma-spector: the locked path; Emmett: the stream). The variants of a (target, writers) run in rounds, the order rotating, so background
 * load spreads over them. Conflicts: a retry shows as a statement the database refused (an
 * evented command's stale append, run again on the locked path) or as Emmett's version conflict;
 * rolled-back transactions are counted too, commands that still fail as errors. After every run
 * the bench checks what was written: each record's events numbered 1..n, n = 1 + its writes (and
 * row values = updates), each stream's versions 1..n, n = 1 + its appends.
 */
import pg from 'pg'
import { uuidv7 } from 'uuidv7'
import type { BenchConfig } from '../lib/config.ts'
import { EmmettWriters } from '../lib/emmettWriters.ts'
import { withBench, type BenchContext } from '../lib/harness.ts'
import { seedRecords } from '../lib/seed.ts'
import { ratio, summarize, type Summary } from '../lib/stats.ts'
import { times, type ScenarioResult, type TableSpec, type TargetResult } from '../lib/report.ts'
import { lineChart } from '../lib/svg.ts'

const IMPLS = ['update', 'execute', 'plain', 'emmett'] as const
type Impl = (typeof IMPLS)[number]
const TARGETS = ['distinct records', 'shared records', 'shared records, cold', 'one record'] as const
type Target = (typeof TARGETS)[number]

/** Cold: the records (streams) are new to the process when the writers start; otherwise each was written once before timing. */
function isCold(target: Target): boolean {
  return target === 'shared records, cold'
}

function isShared(target: Target): boolean {
  return target === 'shared records' || target === 'shared records, cold'
}

const IMPL_LABELS: Record<Impl, string> = {
  update: 'prisma-spector update',
  execute: 'prisma-spector execute',
  plain: 'plain Prisma update',
  emmett: 'Emmett append (expected version)',
}

export interface ConcurrencyRun {
  impl: Impl
  target: Target
  /** Records (streams) the writes went to. */
  records: number
  writers: number
  /** Runs measured (rounds); ops, wallMs and the counts below add them up. */
  runs: number
  ops: number
  wallMs: number
  /** Writes per second over all rounds (their writes over their wall time). */
  throughput: number
  /** Each round's writes per second, in round order: how much the machine's load moved them. */
  roundThroughputs: number[]
  latency: Summary
  /** Database statements per write (Prisma's round trips; Emmett's pg queries), retries included. */
  statementsPerOp: number
  /** Writes tried again: statements the database refused (prisma-spector, plain) or version conflicts (Emmett). */
  retries: number
  /** Transactions rolled back (Prisma's); null for Emmett. */
  rollbacks: number | null
  errors: number
  errorSample?: string
  /** Events (stream versions) 1..n per record, n = 1 + its writes; rows hold the increments. */
  consistent: boolean
  /** throughput / throughput with the fewest writers, same impl and target */
  scaling: number
  /** throughput / plain Prisma's, same target and writers */
  vsPlain: number
  /** throughput / Emmett's, same target and writers */
  vsEmmett: number
}

type Measured = Omit<ConcurrencyRun, 'scaling' | 'vsPlain' | 'vsEmmett' | 'latency' | 'runs' | 'roundThroughputs'> & { latencies: number[] }

/** A small seeded generator (mulberry32): the same picks for every variant of a round. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

function recordCount(target: Target, writers: number, config: BenchConfig['concurrency']): number {
  if (target === 'one record') return 1
  if (isShared(target)) return config.sharedRecords
  return Math.max(writers, Math.ceil(config.totalOps / config.updatesPerRecord))
}

/** The record indexes writer w writes to, in order. */
function picks(target: Target, count: number, writers: number, w: number, perWriter: number, round: number): number[] {
  if (target === 'one record') return Array.from({ length: perWriter }, () => 0)
  if (target === 'distinct records') {
    // Writer w's records: w, w + writers, w + 2 * writers, ...
    const own = Array.from({ length: count }, (_, i) => i).filter((i) => i % writers === w)
    return Array.from({ length: perWriter }, (_, j) => own[j % own.length]!)
  }
  const random = seededRandom(round * 1_000_003 + writers * 1009 + w)
  return Array.from({ length: perWriter }, () => Math.floor(random() * count))
}

/** Runs fn on every item, `concurrency` at a time (untimed set-up). */
async function inBatches<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += concurrency) await Promise.all(items.slice(start, start + concurrency).map(fn))
}

/** Counts pg queries (Emmett's statements) while fn runs; nothing else queries meanwhile. */
async function countPgQueries(fn: () => Promise<void>): Promise<number> {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }
  const original = proto.query
  let calls = 0
  proto.query = function (this: unknown, ...args: unknown[]) {
    calls++
    return original.apply(this, args)
  }
  try {
    await fn()
  } finally {
    proto.query = original
  }
  return calls
}

async function runOne(
  ctx: BenchContext,
  emmett: EmmettWriters,
  impl: Impl,
  target: Target,
  writers: number,
  round: number,
  config: BenchConfig['concurrency'],
): Promise<Measured> {
  const perWriter = Math.floor(config.totalOps / writers)
  const count = recordCount(target, writers, config)
  const tag = `${impl}-${target.replace(/\W+/g, '')}-${writers}-${round}`
  let ids: string[]
  if (impl === 'update' || impl === 'execute') ids = (await seedRecords(ctx.raw, count, 1, tag, { freshRows: true })).map((s) => s.id)
  else if (impl === 'plain') {
    ids = Array.from({ length: count }, (_, i) => `plain-${tag}-${i}`)
    await ctx.base.plainItem.createMany({ data: ids.map((id) => ({ id, name: 'plain', value: 0 })) })
  } else {
    ids = Array.from({ length: count }, () => `item-${uuidv7()}`)
    await inBatches(ids, writers, (stream) => emmett.create(stream, { type: 'ItemCreated', data: { name: tag, value: 0 } }))
  }
  /** One write; the version conflicts it met (Emmett). */
  const write = async (id: string): Promise<number> => {
    if (impl === 'update') await ctx.prisma.item.update({ where: { id }, data: { value: { increment: 1 } } })
    else if (impl === 'execute') await ctx.prisma.item.execute(id, 'archive', { archivedAt: new Date() })
    else if (impl === 'plain') await ctx.base.plainItem.update({ where: { id }, data: { value: { increment: 1 } } })
    else return (await emmett.append(id, { type: 'ItemValueIncremented', data: { by: 1 } })).conflicts
    return 0
  }
  // Known records: one untimed write each, so the process has written every record (stream) before,
  // as a running service has written the records it keeps writing.
  const warmed = isCold(target) ? 0 : count
  if (warmed) await inBatches(ids, writers, write)
  const latencies: number[] = []
  let errors = 0
  let conflicts = 0
  let errorSample: string | undefined
  const writerPicks = Array.from({ length: writers }, (_, w) => picks(target, count, writers, w, perWriter, round))
  const recorder = ctx.recorder!
  recorder.clear()
  let wallMs = 0
  const timed = async () => {
    const started = performance.now()
    await Promise.all(
      writerPicks.map(async (mine) => {
        for (const index of mine) {
          const t0 = performance.now()
          try {
            // Not `conflicts += await ...`: that reads conflicts before the await and loses the other writers' counts.
            const met = await write(ids[index]!)
            conflicts += met
          } catch (error) {
            errors++
            errorSample ??= (error as Error).message.split('\n')[0]
          }
          latencies.push(performance.now() - t0)
        }
      }),
    )
    wallMs = performance.now() - started
  }
  let pgQueries = 0
  if (impl === 'emmett') pgQueries = await countPgQueries(timed)
  else await timed()
  const trips = recorder.trips
  const ops = perWriter * writers
  const written = ops - errors + warmed
  let consistent: boolean
  if (impl === 'emmett') {
    const checks = await Promise.all(ids.map((stream) => emmett.check(stream)))
    consistent = checks.every((c) => c.contiguous) && checks.reduce((sum, c) => sum + c.version, 0) === count + written
  } else if (impl === 'plain') {
    const [row] = await ctx.raw.query<{ total: number }>(`SELECT COALESCE(SUM("value"), 0) AS total FROM "PlainItem" WHERE "id" = ANY($1)`, [ids])
    consistent = Number(row!.total) === written
  } else {
    const perRecord = await ctx.raw.query<{ n: number; min: number; max: number }>(
      `SELECT COUNT(*) AS n, MIN("sequence") AS min, MAX("sequence") AS max FROM "Event" WHERE "recordId" = ANY($1) GROUP BY "recordId"`,
      [ids],
    )
    const [row] = await ctx.raw.query<{ total: number }>(`SELECT COALESCE(SUM("value"), 0) AS total FROM "Item" WHERE "id" = ANY($1)`, [ids])
    consistent =
      perRecord.length === count &&
      perRecord.every((r) => Number(r.min) === 1 && Number(r.max) === Number(r.n)) &&
      perRecord.reduce((sum, r) => sum + Number(r.n), 0) === count + written &&
      Number(row!.total) === (impl === 'update' ? written : 0)
  }
  return {
    impl,
    target,
    records: count,
    writers,
    ops,
    wallMs,
    throughput: (ops * 1000) / wallMs,
    latencies,
    statementsPerOp: (impl === 'emmett' ? pgQueries : trips.length) / ops,
    retries: impl === 'emmett' ? conflicts : trips.filter((t) => t.failed).length,
    rollbacks: impl === 'emmett' ? null : trips.filter((t) => /^\s*ROLLBACK\b(?!\s+TO)/i.test(t.sql)).length,
    errors,
    ...(errorSample ? { errorSample } : {}),
    consistent,
  }
}

/** The runs of one (target, writers) added up over the rounds. */
function combine(runs: Measured[]): Omit<ConcurrencyRun, 'scaling' | 'vsPlain' | 'vsEmmett'> {
  const first = runs[0]!
  const ops = runs.reduce((sum, r) => sum + r.ops, 0)
  const wallMs = runs.reduce((sum, r) => sum + r.wallMs, 0)
  const errorSample = runs.find((r) => r.errorSample)?.errorSample
  return {
    impl: first.impl,
    target: first.target,
    records: first.records,
    writers: first.writers,
    runs: runs.length,
    ops,
    wallMs,
    throughput: (ops * 1000) / wallMs,
    roundThroughputs: runs.map((r) => r.throughput),
    latency: summarize(runs.flatMap((r) => r.latencies)),
    statementsPerOp: runs.reduce((sum, r) => sum + r.statementsPerOp * r.ops, 0) / ops,
    retries: runs.reduce((sum, r) => sum + r.retries, 0),
    rollbacks: first.rollbacks === null ? null : runs.reduce((sum, r) => sum + r.rollbacks!, 0),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    ...(errorSample ? { errorSample } : {}),
    consistent: runs.every((r) => r.consistent),
  }
}

function targetLabel(target: Target, records: number): string {
  return isShared(target) ? target.replace('shared records', `${records} shared records`) : target
}

export async function runConcurrencyScenario(config: BenchConfig, subtitle: string[]): Promise<ScenarioResult> {
  const c = config.concurrency
  const poolSize = Math.max(...c.writers) + 2
  const combined = await withBench('postgresql', { poolSize, record: true }, async (ctx) => {
    const emmett = await EmmettWriters.open(ctx.db.url, poolSize)
    try {
      // Warm-up: a few writes of every kind.
      const [warm] = await seedRecords(ctx.raw, 1, 1, 'warm')
      await ctx.base.plainItem.create({ data: { id: 'warm', name: 'warm', value: 0 } })
      await emmett.create('item-warm', { type: 'ItemCreated', data: { name: 'warm', value: 0 } })
      for (let i = 0; i < 5; i++) {
        await ctx.prisma.item.update({ where: { id: warm!.id }, data: { value: { increment: 1 } } })
        await ctx.prisma.item.execute(warm!.id, 'archive', { archivedAt: new Date() })
        await ctx.base.plainItem.update({ where: { id: 'warm' }, data: { value: { increment: 1 } } })
        await emmett.append('item-warm', { type: 'ItemValueIncremented', data: { by: 1 } })
      }
      const out: Omit<ConcurrencyRun, 'scaling' | 'vsPlain' | 'vsEmmett'>[] = []
      for (const [t, target] of TARGETS.entries()) {
        for (const [k, writers] of c.writers.entries()) {
          const measured = new Map<Impl, Measured[]>(IMPLS.map((impl) => [impl, []]))
          for (let round = 0; round < c.rounds; round++) {
            const shift = t + k + round
            const order = IMPLS.map((_, i) => IMPLS[(i + shift) % IMPLS.length]!)
            for (const impl of order) measured.get(impl)!.push(await runOne(ctx, emmett, impl, target, writers, round, c))
          }
          for (const impl of IMPLS) out.push(combine(measured.get(impl)!))
        }
      }
      return out
    } finally {
      await emmett.close()
    }
  })
  const results: ConcurrencyRun[] = combined.map((r) => {
    const same = (impl: Impl, writers: number) => combined.find((o) => o.impl === impl && o.target === r.target && o.writers === writers)!
    return {
      ...r,
      scaling: ratio(r.throughput, same(r.impl, c.writers[0]!).throughput),
      vsPlain: ratio(r.throughput, same('plain', r.writers).throughput),
      vsEmmett: ratio(r.throughput, same('emmett', r.writers).throughput),
    }
  })
  const evented = (impl: Impl) => impl === 'update' || impl === 'execute'
  const table: TableSpec = {
    title: `5. Concurrency - postgresql (${c.totalOps} writes per run split over the writers, ${c.rounds} round${c.rounds > 1 ? 's' : ''} of every variant interleaved; distinct records get ${c.updatesPerRecord} writes each, shared ones are picked at random)`,
    columns: [
      'target',
      'variant',
      'writers',
      'writes/s',
      'median ms',
      'p95 ms',
      'x 1 writer',
      'x plain',
      'x Emmett',
      'statements/write',
      'retries',
      'rollbacks',
      'errors',
      'consistent',
    ],
    rows: results.map((r) => [
      targetLabel(r.target, r.records),
      IMPL_LABELS[r.impl],
      r.writers,
      r.throughput,
      r.latency.medianMs,
      r.latency.p95Ms,
      times(r.scaling),
      evented(r.impl) ? times(r.vsPlain) : '-',
      evented(r.impl) ? times(r.vsEmmett) : '-',
      r.statementsPerOp.toFixed(2),
      r.retries,
      r.rollbacks ?? '-',
      r.errors,
      r.consistent ? 'yes' : 'NO',
    ]),
    notes: [
      'retries: prisma-spector and plain Prisma, statements the database refused (an evented command whose known state went stale appends at a taken sequence and runs again on the locked path); Emmett, version conflicts (the writer reads the events after the version it expected and appends again). Both sides start from what the process last saw of a record or stream.',
      `known records (all but cold): before timing, every record and stream got one write through the variant, so the process has written it; cold: ${c.sharedRecords} records (streams) written from outside, each side's first write on one reads it (prisma-spector on PostgreSQL: a read of its committed events outside a transaction, then the one statement; Emmett: one read of the stream).`,
      'statements/write: round trips at the Prisma driver adapter (BEGIN counted), pg queries for Emmett (BEGIN, the append function, COMMIT; reads after a conflict), retries included.',
      `consistent: every record's events numbered 1..n with n = 1 + its writes (untimed ones included), the row values summing to the updates; every Emmett stream's versions 1..n, n = 1 + its appends. Prisma and Emmett pools: ${poolSize} connections each; the machine's cores are shared by node and PostgreSQL.`,
      ...results
        .filter((r) => r.errorSample)
        .map((r) => `${IMPL_LABELS[r.impl]}, ${r.target}, ${r.writers} writers: ${r.errors} errors, e.g. ${r.errorSample}`),
    ],
  }
  const targets: TargetResult[] = []
  for (const [target, threshold, label] of [
    ['one record', 1.0, '8 writers on one record'],
    ['shared records', 0.8, `8 writers over ${c.sharedRecords} records`],
    ['shared records, cold', 0.8, `8 writers over ${c.sharedRecords} records new to the process`],
  ] as const) {
    for (const impl of ['update', 'execute'] as const) {
      const ours = results.find((r) => r.impl === impl && r.target === target && r.writers === 8)
      const theirs = results.find((r) => r.impl === 'emmett' && r.target === target && r.writers === 8)
      targets.push({
        id: 'T15',
        issue: 15,
        target: `${label} >= ${threshold.toFixed(1)}x Emmett (prisma-spector ${impl})`,
        provider: 'postgresql',
        measured: ours && theirs ? `${Math.round(ours.throughput)}/s vs ${Math.round(theirs.throughput)}/s (${times(ours.vsEmmett)})` : 'no run with 8 writers',
        status: ours && theirs ? (ours.vsEmmett >= threshold ? 'met' : 'missed') : 'not measured',
        ...(config.quick ? { note: 'quick sizes' } : {}),
      })
    }
  }
  const colors: Record<Impl, string> = { update: '#2563eb', execute: '#16a34a', plain: '#6b7280', emmett: '#9333ea' }
  const dashes: Record<Target, string | undefined> = {
    'distinct records': undefined,
    'shared records': '2 3',
    'shared records, cold': '8 3 2 3',
    'one record': '6 4',
  }
  const chart = lineChart({
    title: 'Scenario 5 - concurrent writers on PostgreSQL',
    subtitle: [
      ...subtitle,
      `${c.totalOps} writes per run. Solid: distinct records; dotted: ${c.sharedRecords} shared records (dash-dot: cold); dashed: all writers on one record. Higher is better.`,
    ],
    xLabel: 'concurrent writers',
    yLabel: 'writes per second (all writers)',
    xLog: true,
    yLog: true,
    xTicks: c.writers,
    series: IMPLS.flatMap((impl) =>
      TARGETS.map((target) => ({
        name: `${IMPL_LABELS[impl]}, ${targetLabel(target, c.sharedRecords)}`,
        color: colors[impl],
        ...(dashes[target] ? { dash: dashes[target] } : {}),
        points: results.filter((r) => r.impl === impl && r.target === target).map((r) => ({ x: r.writers, y: r.throughput })),
      })),
    ),
  })
  return {
    id: '5',
    title: 'Concurrency (PostgreSQL)',
    status: 'ok',
    data: { postgresql: results },
    tables: [table],
    chart: { file: '5-concurrency.svg', svg: chart },
    targets,
    notes: [],
  }
}
