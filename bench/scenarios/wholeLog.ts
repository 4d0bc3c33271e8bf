/**
 * Scenario 9, whole-log reads (issue 15): `prisma.item.check()` over every record and
 * `prisma.$verifyHashChain()` over every event of a hashed log of `records x eventsPerRecord`
 * events (50,000 x 3 = 150,000 in a full run). Time, records/s or events/s, heap growth and the
 * peak RSS of a fresh worker process (wholeLogWorker.ts) per read: both must stream, so memory
 * stays flat whatever the size of the log.
 *
 * The log is seeded with raw multi-row INSERTs (lib/seed.ts), each event hashed with the
 * library's own EventHasher; `verifySeedFormat` first checks seeded rows against rows the library
 * wrote, and that check() and $verifyHashChain accept them.
 */
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { BenchConfig } from '../lib/config.ts'
import { runWorker } from '../lib/worker.ts'
import { withBench, type BenchProvider } from '../lib/harness.ts'
import { seedRecords, verifySeedFormat, type SeedHasher } from '../lib/seed.ts'
import { time } from '../lib/stats.ts'
import type { ScenarioResult, TableSpec, TargetResult } from '../lib/report.ts'
import { repoRoot } from '../../test/support/testSchemas.ts'
import type { WholeLogJob, WholeLogResult } from './wholeLogWorker.ts'

/** What issue 15 measured before streaming, on PostgreSQL: check() of 50k records in 57 s. */
const CHECK_BEFORE_MS = 57_000

function runJob(job: WholeLogJob): Promise<WholeLogResult> {
  return runWorker<WholeLogResult>('bench/scenarios/wholeLogWorker.ts', 'BENCH_WHOLE_LOG_JOB', job, `whole-log worker (${job.operation}, ${job.provider})`)
}

async function loadHasher(): Promise<SeedHasher> {
  const { EventHasher } = await import(pathToFileURL(path.join(repoRoot, 'dist/extension/core/hashChain.js')).href)
  return new EventHasher()
}

interface ProviderResult {
  records: number
  events: number
  seedMs: number
  check: WholeLogResult
  verify: WholeLogResult
  /** The same reads with a full GC after a query every `PROBE_EVERY_MS`: what they hold at once. */
  checkProbed: WholeLogResult
  verifyProbed: WholeLogResult
}

/** Probed runs collect and measure after a query at most once every this many ms (a time, not a count: the read before streaming made 100,000 queries). */
const PROBE_EVERY_MS = 50

async function runProvider(config: BenchConfig, provider: BenchProvider): Promise<ProviderResult> {
  return withBench(provider, { schema: 'benchHashed' }, async (ctx) => {
    const hasher = await loadHasher()
    await verifySeedFormat(ctx, { hasher })
    const { records, eventsPerRecord } = config.wholeLog
    const seedMs = await time(() => seedRecords(ctx.raw, records, eventsPerRecord, 'whole', { hasher, freshRows: true }))
    if (provider === 'postgresql') await ctx.raw.run('ANALYZE')
    const job = (operation: WholeLogJob['operation'], probeEveryMs?: number): WholeLogJob => ({
      operation,
      provider,
      url: ctx.db.url,
      file: ctx.db.name,
      ...(probeEveryMs ? { probeEveryMs } : {}),
    })
    const [check, verify, checkProbed, verifyProbed] = [
      await runJob(job('check')),
      await runJob(job('verify')),
      await runJob(job('check', PROBE_EVERY_MS)),
      await runJob(job('verify', PROBE_EVERY_MS)),
    ]
    for (const c of [check, checkProbed]) {
      if (c.records !== records || c.drifted) throw new Error(`check() of the seeded log: ${c.records} records, ${c.drifted} drifted (expected ${records}, 0)`)
    }
    for (const v of [verify, verifyProbed]) {
      if (v.events !== records * eventsPerRecord) throw new Error(`$verifyHashChain verified ${v.events} events, expected ${records * eventsPerRecord}`)
    }
    return { records, events: records * eventsPerRecord, seedMs, check, verify, checkProbed, verifyProbed }
  })
}

export async function runWholeLogScenario(config: BenchConfig, _subtitle: string[]): Promise<ScenarioResult> {
  const data: Record<string, ProviderResult> = {}
  const tables: TableSpec[] = []
  const targets: TargetResult[] = []
  for (const provider of config.providers) {
    const r = await runProvider(config, provider)
    data[provider] = r
    const row = (label: string, m: WholeLogResult, probed: WholeLogResult) => [
      label,
      m.ms,
      (r.records * 1000) / m.ms,
      (r.events * 1000) / m.ms,
      m.heapPeakDeltaMB,
      m.maxRssMB,
      m.maxRssMB - m.maxRssBeforeMB,
      probed.liveMB,
      probed.maxRssMB - probed.maxRssBeforeMB,
    ]
    tables.push({
      title: `9. Whole-log reads - ${provider} (${r.records.toLocaleString('en-US')} records x ${config.wholeLog.eventsPerRecord} events = ${r.events.toLocaleString('en-US')} events, hashed log; seeded in ${(r.seedMs / 1000).toFixed(1)} s)`,
      columns: ['read', 'ms', 'records/s', 'events/s', 'heap growth MB', 'peak RSS MB', 'peak RSS +MB', 'live MB', 'probed peak RSS +MB'],
      rows: [row('item.check()', r.check, r.checkProbed), row('$verifyHashChain()', r.verify, r.verifyProbed)],
      notes: [
        'each read runs once in a fresh worker process (client connected before measuring). heap growth = heapUsed sampled every ms during the read, garbage included; peak RSS = the process maxRSS (getrusage) after the read, +MB = its growth during the read (V8 lets garbage pile up before it collects).',
        `live MB = what the read holds at once: in a second run, a full GC and heapUsed after a query (its result still held), at most every ${PROBE_EVERY_MS} ms, the highest minus heapUsed before; probed peak RSS +MB = that run's maxRSS growth (the same read, collected often).`,
      ],
    })
    const quick = config.quick ? { note: 'quick sizes' } : {}
    if (provider === 'postgresql') {
      targets.push({
        id: 'T8a',
        issue: 15,
        target: `check() of 50k records >= 10x faster than before streaming (${CHECK_BEFORE_MS / 1000} s, issue 15): <= ${CHECK_BEFORE_MS / 10_000} s`,
        provider,
        measured: `${(r.check.ms / 1000).toFixed(2)} s for ${r.records.toLocaleString('en-US')} records`,
        status: r.check.ms <= CHECK_BEFORE_MS / 10 ? 'met' : 'missed',
        ...quick,
      })
    }
    for (const [id, label, m, probed] of [
      ['T8b', 'check()', r.check, r.checkProbed],
      ['T8c', '$verifyHashChain', r.verify, r.verifyProbed],
    ] as const) {
      targets.push({
        id,
        target: `${label} streams: holds <= 16 MB at once (live MB), whatever the size of the log`,
        provider,
        measured: `${probed.liveMB!.toFixed(1)} MB live; peak RSS +${(m.maxRssMB - m.maxRssBeforeMB).toFixed(0)} MB (+${(probed.maxRssMB - probed.maxRssBeforeMB).toFixed(0)} MB collected often)`,
        status: probed.liveMB! <= 16 ? 'met' : 'missed',
        ...quick,
      })
    }
  }
  return { id: '9', title: 'Whole-log reads: check() and $verifyHashChain', status: 'ok', data, tables, targets, notes: [] }
}
