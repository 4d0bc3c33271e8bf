/**
 * Scenario 3, replay: `prisma.item.replay(id)` of one record with 1k, 10k and 100k events
 * (no savepoints), against the raw driver merely reading the same rows; events per second and
 * peak memory. Histories are seeded with raw multi-row INSERTs; the measuring runs in child
 * processes (replayWorker.ts) so that each one's peak memory is its own.
 *
 * Does replay stream? Today the library loads every event after the newest savepoint with one
 * findMany and folds the array: the heap it needs grows with the history (bytes/event below).
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import type { BenchConfig } from '../lib/config.ts'
import { withBench, type BenchProvider } from '../lib/harness.ts'
import { seedRecords, verifySeedFormat } from '../lib/seed.ts'
import { ratio, summarize, time } from '../lib/stats.ts'
import { times, type ScenarioResult, type TableSpec, type TargetResult } from '../lib/report.ts'
import { lineChart } from '../lib/svg.ts'
import { repoRoot } from '../../test/support/testSchemas.ts'
import type { ReplayJob, WorkerSizeResult } from './replayWorker.ts'

export interface ReplayPoint {
  events: number
  replay: { medianMs: number; p95Ms: number; eventsPerSec: number; runs: number }
  raw: { medianMs: number; eventsPerSec: number }
  /** SQLite: raw read plus JSON.parse of the payloads (pg parses jsonb itself). */
  rawParsed?: { medianMs: number; eventsPerSec: number }
  vsRaw: number
  memory: {
    /** What replay holds at once (findMany rows + StoredEvents), reachable after a full GC. */
    replayLiveMB: number
    /** live bytes per event */
    replayBytesPerEvent: number
    /** Heap growth sampled during one replay, garbage included (V8 collects lazily). */
    replayHeapGrowthMB: number
    replayMaxRssDeltaMB: number
    /** The rows a raw read returns, reachable after a full GC. */
    rawLiveMB: number
    rawMaxRssDeltaMB: number
  }
  breakdown: { findManyMs: number; findManySelectMs: number; foldMs: number; decodeMs: number; validateMs: number } | { unavailable: string }
  /** Design alternatives, measured (not the library). */
  whatIf: {
    /** Raw driver reading only id, action, payload, version, sequence (SQLite: + JSON.parse). */
    rawMinimalMs: number
    /** Streaming replay: pages of `pageSize` events, only the needed columns, folded page by page. */
    paged: { pageSize: number; medianMs: number; eventsPerSec: number; liveMB: number; heapGrowthMB: number; maxRssDeltaMB: number } | { unavailable: string }
  }
}

function runWorker(job: ReplayJob): Promise<WorkerSizeResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(repoRoot, 'bench/scenarios/replayWorker.ts')], {
      cwd: repoRoot,
      env: { ...process.env, BENCH_REPLAY_JOB: JSON.stringify(job) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '))
      if (code !== 0 || !line) reject(new Error(`replay worker (${job.mode}, ${job.provider}) exited with ${code}: ${stderr.trim() || stdout.trim()}`))
      else resolve(JSON.parse(line.slice('RESULT '.length)))
    })
  })
}

const median = (values: number[]) => summarize(values).medianMs
const PAGE_SIZE = 1000

async function runProvider(config: BenchConfig, provider: BenchProvider): Promise<{ points: ReplayPoint[]; seedMs: number }> {
  return withBench(provider, {}, async (ctx) => {
    await verifySeedFormat(ctx)
    const records: { size: number; id: string }[] = []
    const seedMs = await time(async () => {
      for (const size of config.replay.sizes) records.push({ size, id: (await seedRecords(ctx.raw, 1, size, `replay-${size}`))[0]!.id })
    })
    if (provider === 'postgresql') await ctx.raw.run('ANALYZE "Event"')
    const job = (mode: ReplayJob['mode']): ReplayJob => ({
      mode,
      pageSize: PAGE_SIZE,
      provider,
      url: ctx.db.url,
      file: ctx.db.name,
      records,
      reps: Object.fromEntries(config.replay.sizes.map((s) => [s, config.replay.reps(s)])),
    })
    const raw = await runWorker(job('raw'))
    const replay = await runWorker(job('replay'))
    const paged = await runWorker(job('paged'))
    const points = replay.map((r, i): ReplayPoint => {
      const rr = raw[i]!
      const s = summarize(r.timesMs)
      const rawMedian = median(rr.timesMs)
      const b = r.breakdown
      const pg = paged[i]!
      return {
        events: r.size,
        replay: { medianMs: s.medianMs, p95Ms: s.p95Ms, eventsPerSec: (r.size * 1000) / s.medianMs, runs: s.n },
        raw: { medianMs: rawMedian, eventsPerSec: (r.size * 1000) / rawMedian },
        ...(rr.parsedTimesMs ? { rawParsed: { medianMs: median(rr.parsedTimesMs), eventsPerSec: (r.size * 1000) / median(rr.parsedTimesMs) } } : {}),
        vsRaw: ratio(s.medianMs, rawMedian),
        memory: {
          replayLiveMB: b && 'liveMB' in b ? b.liveMB : NaN,
          replayBytesPerEvent: b && 'liveMB' in b ? (b.liveMB * 1024 * 1024) / r.size : NaN,
          replayHeapGrowthMB: r.memory.heapPeakDeltaMB,
          replayMaxRssDeltaMB: r.memory.maxRssDeltaMB,
          rawLiveMB: rr.memory.liveMB,
          rawMaxRssDeltaMB: rr.memory.maxRssDeltaMB,
        },
        breakdown:
          b && 'findManyMs' in b
            ? { findManyMs: median(b.findManyMs), findManySelectMs: median(b.findManySelectMs), foldMs: median(b.foldMs), decodeMs: median(b.decodeMs), validateMs: median(b.validateMs) }
            : { unavailable: b?.unavailable ?? 'not measured' },
        whatIf: {
          rawMinimalMs: median(rr.minimalTimesMs ?? []),
          paged: pg.unavailable
            ? { unavailable: pg.unavailable }
            : { pageSize: PAGE_SIZE, medianMs: median(pg.timesMs), eventsPerSec: (r.size * 1000) / median(pg.timesMs), liveMB: pg.memory.liveMB, heapGrowthMB: pg.memory.heapPeakDeltaMB, maxRssDeltaMB: pg.memory.maxRssDeltaMB },
        },
      }
    })
    return { points, seedMs }
  })
}

export async function runReplayScenario(config: BenchConfig, subtitle: string[]): Promise<ScenarioResult> {
  const data: Record<string, { points: ReplayPoint[]; seedMs: number }> = {}
  const tables: TableSpec[] = []
  const targets: TargetResult[] = []
  const largest = config.replay.sizes[config.replay.sizes.length - 1]!
  for (const provider of config.providers) {
    const result = await runProvider(config, provider)
    data[provider] = result
    const seeded = config.replay.sizes.reduce((a, b) => a + b, 0)
    tables.push({
      title: `3. Replay of one record - ${provider} (no savepoints; ${seeded.toLocaleString('en-US')} events seeded in ${(result.seedMs / 1000).toFixed(1)} s)`,
      columns: ['events', 'replay ms', 'replay events/s', 'raw read ms', 'raw events/s', 'x raw read', 'live MB', 'live B/event', 'heap growth MB', 'max RSS +MB', 'raw live MB', 'findMany ms', 'fold ms', 'zod decode ms', 'zod state ms'],
      rows: result.points.map((p) => {
        const b = 'findManyMs' in p.breakdown ? p.breakdown : undefined
        return [
          p.events,
          p.replay.medianMs,
          p.replay.eventsPerSec,
          p.raw.medianMs,
          p.raw.eventsPerSec,
          times(p.vsRaw),
          p.memory.replayLiveMB,
          p.memory.replayBytesPerEvent,
          p.memory.replayHeapGrowthMB,
          p.memory.replayMaxRssDeltaMB,
          p.memory.rawLiveMB,
          b?.findManyMs,
          b?.foldMs,
          b?.decodeMs,
          b?.validateMs,
        ]
      }),
      notes: [
        'replay does not stream: it loads every event after the newest savepoint with one findMany, then folds the array. live MB = what it holds at once (the rows and their StoredEvent copies, after a full GC), growing with the history; heap growth = sampled during one replay, garbage included; max RSS +MB = growth of the worker process peak (sizes run in ascending order).',
        'findMany/fold/zod columns time the parts of a replay separately (fold = EventedModel.replay over rows already in memory; zod decode = payload schema only; zod state = state schema once per event, as cast() runs it).',
        ...(provider === 'sqlite' ? [`raw read + JSON.parse of the payloads: ${result.points.map((p) => `${p.events.toLocaleString('en-US')}: ${p.rawParsed?.medianMs.toFixed(1)} ms`).join(', ')} (pg parses jsonb while reading)`] : []),
      ],
    })
    tables.push({
      title: `3. Replay what-ifs - ${provider} (design alternatives measured, not the library)`,
      columns: ['events', 'replay ms', 'findMany ms', 'findMany, 5 columns ms', 'raw read ms', 'raw, 5 columns ms', `paged replay ms (${PAGE_SIZE}/page)`, 'paged events/s', 'paged live MB', 'replay live MB'],
      rows: result.points.map((p) => {
        const b = 'findManyMs' in p.breakdown ? p.breakdown : undefined
        const pg = 'medianMs' in p.whatIf.paged ? p.whatIf.paged : undefined
        return [p.events, p.replay.medianMs, b?.findManyMs, b?.findManySelectMs, p.raw.medianMs, p.whatIf.rawMinimalMs, pg?.medianMs, pg?.eventsPerSec, pg?.liveMB, p.memory.replayLiveMB]
      }),
      notes: [
        '5 columns = id, action, payload, version, sequence (what replay uses; SQLite raw includes JSON.parse).',
        `paged replay = findMany of ${PAGE_SIZE} events at a time (5 columns), folded page by page with the state carried as a savepoint event: what a streaming replay would cost.`,
      ],
    })
    const top = result.points.find((p) => p.events === largest)!
    const note = largest < 100_000 ? 'quick sizes' : undefined
    if (provider === 'sqlite') {
      targets.push({
        id: 'T3a',
        target: 'replay of 100k events >= 200,000 events/s on SQLite',
        provider,
        measured: `${Math.round(top.replay.eventsPerSec).toLocaleString('en-US')} events/s at ${largest.toLocaleString('en-US')} events`,
        status: top.replay.eventsPerSec >= 200_000 ? 'met' : 'missed',
        ...(note ? { note } : {}),
      })
    }
    targets.push({
      id: 'T3b',
      target: 'replay of 100k events <= 2x the raw read',
      provider,
      measured: `${times(top.vsRaw)} (${top.replay.medianMs.toFixed(1)} ms vs ${top.raw.medianMs.toFixed(1)} ms)`,
      status: top.vsRaw <= 2 ? 'met' : 'missed',
      ...(note ? { note } : {}),
    })
  }
  const colors = ['#2563eb', '#dc2626']
  const chart = lineChart({
    title: 'Scenario 3 - replay throughput vs the raw driver reading the same rows',
    subtitle: [
      ...subtitle,
      'Solid: prisma-spector replay; dashed: raw driver read of the same rows; dotted: what-if streaming replay (1000-event pages, 5 columns; not the library).',
      'Events per second, higher is better. Green line: the 200k events/s target (SQLite).',
    ],
    xLabel: 'events in the record',
    yLabel: 'events per second',
    xLog: true,
    yLog: true,
    xTicks: config.replay.sizes,
    series: Object.entries(data).flatMap(([provider, r], i) => [
      { name: `${provider}: replay`, color: colors[i], points: r.points.map((p) => ({ x: p.events, y: p.replay.eventsPerSec })) },
      { name: `${provider}: raw read`, color: colors[i], dashed: true, points: r.points.map((p) => ({ x: p.events, y: p.raw.eventsPerSec })) },
      {
        name: `${provider}: what-if paged replay`,
        color: colors[i],
        dash: '1 4',
        points: r.points.flatMap((p) => ('eventsPerSec' in p.whatIf.paged ? [{ x: p.events, y: p.whatIf.paged.eventsPerSec }] : [])),
      },
    ]),
    references: [{ y: 200_000, label: 'target: 200,000 events/s (SQLite)', color: '#16a34a' }],
  })
  return { id: '3', title: 'Replay', status: 'ok', data, tables, chart: { file: '3-replay.svg', svg: chart }, targets, notes: [] }
}
