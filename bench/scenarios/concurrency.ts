/**
 * Scenario 5, concurrency (PostgreSQL only): 1, 4 and 16 concurrent writers, each an async loop
 * of `update`s (value increment) on one shared extended client, against distinct records and
 * against one record; plain Prisma updates of PlainItem in the same patterns as the baseline.
 *
 * Fairness: the total number of updates is the same for every writer count, and on distinct
 * records every record receives the same number of updates, so the histories replayed are alike
 * across rows. Conflicts: evented writers on one record queue on the row lock (SELECT ... FOR
 * UPDATE); a retry would show as a rolled-back transaction, counted at the driver (ROLLBACK
 * statements); commands that still fail are counted as errors. After each one-record run the
 * bench checks the record: sequences 1..n without gaps and row value = number of updates.
 */
import type { BenchConfig } from '../lib/config.ts'
import { withBench, type BenchContext } from '../lib/harness.ts'
import { seedRecords } from '../lib/seed.ts'
import { ratio, summarize, type Summary } from '../lib/stats.ts'
import { times, type ScenarioResult, type TableSpec } from '../lib/report.ts'
import { lineChart } from '../lib/svg.ts'

export interface ConcurrencyRun {
  impl: 'evented' | 'plain'
  target: 'distinct records' | 'one record'
  writers: number
  ops: number
  wallMs: number
  throughput: number
  latency: Summary
  /** Transactions rolled back (each a retry of the library, or a failure). */
  rollbacks: number
  errors: number
  errorSample?: string
  /** one record: events 1..n without gaps and row value = updates. */
  consistent?: boolean
  /** throughput / throughput with 1 writer, same impl and target */
  scaling: number
  /** evented throughput / plain throughput, same target and writers */
  vsPlain: number
}

async function runOne(
  ctx: BenchContext,
  impl: ConcurrencyRun['impl'],
  target: ConcurrencyRun['target'],
  writers: number,
  config: BenchConfig['concurrency'],
): Promise<Omit<ConcurrencyRun, 'scaling' | 'vsPlain'>> {
  const total = config.totalOps
  const perWriter = Math.floor(total / writers)
  const recordCount = target === 'one record' ? 1 : Math.max(writers, Math.ceil(total / config.updatesPerRecord))
  let ids: string[]
  if (impl === 'evented') ids = (await seedRecords(ctx.raw, recordCount, 1, `conc-${writers}`)).map((s) => s.id)
  else {
    ids = Array.from({ length: recordCount }, (_, i) => `plain-${writers}-${target === 'one record' ? 'one' : 'd'}-${i}-${Date.now()}`)
    await ctx.base.plainItem.createMany({ data: ids.map((id) => ({ id, name: 'plain', value: 0 })) })
  }
  const delegate = impl === 'evented' ? ctx.prisma.item : ctx.base.plainItem
  const latencies: number[] = []
  let errors = 0
  let errorSample: string | undefined
  ctx.recorder!.clear()
  const started = performance.now()
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      // Writer w's records: w, w + writers, w + 2 * writers, ... (all of them share record 0 in one-record mode).
      const own = target === 'one record' ? ids : ids.filter((_, i) => i % writers === w)
      for (let j = 0; j < perWriter; j++) {
        const id = own[j % own.length]!
        const t0 = performance.now()
        try {
          await delegate.update({ where: { id }, data: { value: { increment: 1 } } })
        } catch (error) {
          errors++
          errorSample ??= (error as Error).message.split('\n')[0]
        }
        latencies.push(performance.now() - t0)
      }
    }),
  )
  const wallMs = performance.now() - started
  const rollbacks = ctx.recorder!.trips.filter((t) => /^\s*ROLLBACK\b(?!\s+TO)/i.test(t.sql)).length
  const ops = perWriter * writers
  let consistent: boolean | undefined
  if (target === 'one record') {
    const id = ids[0]!
    if (impl === 'evented') {
      const [row] = await ctx.raw.query<{ n: number; max: number; min: number }>(
        `SELECT COUNT(*) AS n, MAX("sequence") AS max, MIN("sequence") AS min FROM "Event" WHERE "recordId" = $1`,
        [id],
      )
      const [item] = await ctx.raw.query<{ value: number }>(`SELECT "value" FROM "Item" WHERE "id" = $1`, [id])
      consistent =
        Number(row!.n) === ops - errors + 1 && Number(row!.max) === ops - errors + 1 && Number(row!.min) === 1 && Number(item!.value) === ops - errors
    } else {
      const [item] = await ctx.raw.query<{ value: number }>(`SELECT "value" FROM "PlainItem" WHERE "id" = $1`, [id])
      consistent = Number(item!.value) === ops - errors
    }
  }
  return {
    impl,
    target,
    writers,
    ops,
    wallMs,
    throughput: (ops * 1000) / wallMs,
    latency: summarize(latencies),
    rollbacks,
    errors,
    ...(errorSample ? { errorSample } : {}),
    ...(consistent === undefined ? {} : { consistent }),
  }
}

export async function runConcurrencyScenario(config: BenchConfig, subtitle: string[]): Promise<ScenarioResult> {
  const maxWriters = Math.max(...config.concurrency.writers)
  const runs = await withBench('postgresql', { poolSize: maxWriters + 2, record: true }, async (ctx) => {
    // Warm-up: a few updates of both kinds.
    const [warm] = await seedRecords(ctx.raw, 1, 1, 'warm')
    await ctx.base.plainItem.create({ data: { id: 'warm', name: 'warm', value: 0 } })
    for (let i = 0; i < 5; i++) {
      await ctx.prisma.item.update({ where: { id: warm!.id }, data: { value: { increment: 1 } } })
      await ctx.base.plainItem.update({ where: { id: 'warm' }, data: { value: { increment: 1 } } })
    }
    const out: Omit<ConcurrencyRun, 'scaling' | 'vsPlain'>[] = []
    for (const target of ['distinct records', 'one record'] as const) {
      for (const writers of config.concurrency.writers) {
        for (const impl of ['evented', 'plain'] as const) out.push(await runOne(ctx, impl, target, writers, config.concurrency))
      }
    }
    return out
  })
  const results: ConcurrencyRun[] = runs.map((r) => {
    const one = runs.find((o) => o.impl === r.impl && o.target === r.target && o.writers === config.concurrency.writers[0])!
    const plain = runs.find((o) => o.impl === 'plain' && o.target === r.target && o.writers === r.writers)!
    return { ...r, scaling: ratio(r.throughput, one.throughput), vsPlain: ratio(r.throughput, plain.throughput) }
  })
  const table: TableSpec = {
    title: `5. Concurrency - postgresql (${config.concurrency.totalOps} updates per run, split over the writers; distinct records get ${config.concurrency.updatesPerRecord} updates each)`,
    columns: ['target', 'impl', 'writers', 'updates/s', 'median ms', 'p95 ms', 'x 1 writer', 'x plain', 'rollbacks', 'errors', 'consistent'],
    rows: results.map((r) => [
      r.target,
      r.impl === 'evented' ? 'prisma-spector update' : 'plain Prisma update',
      r.writers,
      r.throughput,
      r.latency.medianMs,
      r.latency.p95Ms,
      times(r.scaling),
      r.impl === 'evented' ? times(r.vsPlain) : '-',
      r.rollbacks,
      r.errors,
      r.consistent === undefined ? '-' : r.consistent ? 'yes' : 'NO',
    ]),
    notes: [
      `a rollback is a transaction the library retried (unique (recordId, sequence) violation) or gave up; writers on one record queue on SELECT ... FOR UPDATE instead. Prisma pool: ${maxWriters + 2} connections; machine has 2 cores shared by node and PostgreSQL.`,
      ...results.filter((r) => r.errorSample).map((r) => `${r.impl}, ${r.target}, ${r.writers} writers: ${r.errors} errors, e.g. ${r.errorSample}`),
    ],
  }
  const colors = { evented: '#2563eb', plain: '#6b7280' }
  const chart = lineChart({
    title: 'Scenario 5 - concurrent writers on PostgreSQL',
    subtitle: [...subtitle, `${config.concurrency.totalOps} updates per run. Solid: distinct records; dashed: all writers on one record. Higher is better.`],
    xLabel: 'concurrent writers',
    yLabel: 'updates per second (all writers)',
    xLog: true,
    yLog: true,
    xTicks: config.concurrency.writers,
    series: (['evented', 'plain'] as const).flatMap((impl) =>
      (['distinct records', 'one record'] as const).map((target) => ({
        name: `${impl === 'evented' ? 'prisma-spector' : 'plain Prisma'}, ${target}`,
        color: colors[impl],
        dashed: target === 'one record',
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
    targets: [],
    notes: [],
  }
}
