import type { BenchConfig } from '../lib/config.ts'
import { runWorker } from '../lib/worker.ts'
import { withBench, type BenchProvider } from '../lib/harness.ts'
import { seedRecords, verifySeedFormat } from '../lib/seed.ts'
import { ratio, summarize, time } from '../lib/stats.ts'
import { times, type ScenarioResult, type TableSpec, type TargetResult } from '../lib/report.ts'
import { lineChart } from '../lib/svg.ts'
import type { ReplayJob, WorkerSizeResult } from './replayWorker.ts'

export interface ReplayPoint {
  events: number
  /** The library: prisma.item.replay(id), streaming in pages of `pageSize`. */
  replay: { medianMs: number; p95Ms: number; eventsPerSec: number; runs: number; pageSize: number | null }
  raw: { medianMs: number; eventsPerSec: number }
  /** SQLite: raw read plus JSON.parse of the payloads (pg parses jsonb itself). */
  rawParsed?: { medianMs: number; eventsPerSec: number }
  vsRaw: number
  memory: {
    /** What replay holds at once (a page of rows, its events, the state), reachable after a full GC, probed after every page read. */
    replayLiveMB: number
    /** live bytes per event of the history (falls as the history grows: the replay holds a page, not the history) */
    replayBytesPerEvent: number
    /** Heap growth sampled during one replay, garbage included (V8 collects lazily). */
    replayHeapGrowthMB: number
    replayMaxRssDeltaMB: number
    /** The worker process's peak RSS after this size's replay (sizes run in ascending order). */
    replayMaxRssMB: number
    /** The rows a raw read returns, reachable after a full GC. */
    rawLiveMB: number
    rawMaxRssDeltaMB: number
    /** What the read before streaming held at once: one findMany of every event (its rows), after a full GC. */
    findManyAllLiveMB: number
  }
  breakdown: { readMs: number; foldMs: number; decodeMs: number; validateMs: number; findManyAllMs: number } | { unavailable: string }
  /** The library's replay at other page sizes (how REPLAY_PAGE_SIZE was chosen). */
  pageSizes: { pageSize: number; medianMs: number; eventsPerSec: number; liveMB: number }[] | { unavailable: string }
  /** Raw driver reading only id, action, payload, version, sequence (SQLite: + JSON.parse). */
  rawMinimalMs: number
}

function runJob(job: ReplayJob): Promise<WorkerSizeResult[]> {
  return runWorker<WorkerSizeResult[]>('bench/scenarios/replayWorker.ts', 'BENCH_REPLAY_JOB', job, `replay worker (${job.mode}, ${job.provider})`)
}

const median = (values: number[]) => summarize(values).medianMs

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
      pageSizes: config.replay.pageSizes,
      provider,
      url: ctx.db.url,
      file: ctx.db.name,
      records,
      reps: Object.fromEntries(config.replay.sizes.map((s) => [s, config.replay.reps(s)])),
    })
    const raw = await runJob(job('raw'))
    const replay = await runJob(job('replay'))
    const sweep = await runJob(job('pageSizes'))
    const points = replay.map((r, i): ReplayPoint => {
      const rr = raw[i]!
      const s = summarize(r.timesMs)
      const rawMedian = median(rr.timesMs)
      const b = r.breakdown
      const sw = sweep[i]!
      return {
        events: r.size,
        replay: { medianMs: s.medianMs, p95Ms: s.p95Ms, eventsPerSec: (r.size * 1000) / s.medianMs, runs: s.n, pageSize: r.pageSize ?? null },
        raw: { medianMs: rawMedian, eventsPerSec: (r.size * 1000) / rawMedian },
        ...(rr.parsedTimesMs ? { rawParsed: { medianMs: median(rr.parsedTimesMs), eventsPerSec: (r.size * 1000) / median(rr.parsedTimesMs) } } : {}),
        vsRaw: ratio(s.medianMs, rawMedian),
        memory: {
          replayLiveMB: r.unavailable ? NaN : r.memory.liveMB,
          replayBytesPerEvent: r.unavailable ? NaN : (r.memory.liveMB * 1024 * 1024) / r.size,
          replayHeapGrowthMB: r.memory.heapPeakDeltaMB,
          replayMaxRssDeltaMB: r.memory.maxRssDeltaMB,
          replayMaxRssMB: r.memory.maxRssMB,
          rawLiveMB: rr.memory.liveMB,
          rawMaxRssDeltaMB: rr.memory.maxRssDeltaMB,
          findManyAllLiveMB: b && 'findManyAllLiveMB' in b ? b.findManyAllLiveMB : NaN,
        },
        breakdown:
          b && 'readMs' in b
            ? {
                readMs: median(b.readMs),
                foldMs: median(b.foldMs),
                decodeMs: median(b.decodeMs),
                validateMs: median(b.validateMs),
                findManyAllMs: median(b.findManyAllMs),
              }
            : { unavailable: b?.unavailable ?? 'not measured' },
        pageSizes: sw.pageSizes
          ? sw.pageSizes.map((p) => ({
              pageSize: p.pageSize,
              medianMs: median(p.timesMs),
              eventsPerSec: (r.size * 1000) / median(p.timesMs),
              liveMB: p.liveMB,
            }))
          : { unavailable: sw.unavailable ?? 'not measured' },
        rawMinimalMs: median(rr.minimalTimesMs ?? []),
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
    const pageSize = result.points.find((p) => p.replay.pageSize !== null)?.replay.pageSize
    tables.push({
      title: `3. Replay of one record - ${provider} (no savepoints; ${seeded.toLocaleString('en-US')} events seeded in ${(result.seedMs / 1000).toFixed(1)} s)`,
      columns: [
        'events',
        'replay ms',
        'replay events/s',
        'raw read ms',
        'raw events/s',
        'x raw read',
        'live MB',
        'live B/event',
        'heap growth MB',
        'max RSS +MB',
        'peak RSS MB',
        'raw live MB',
        'read ms',
        'fold ms',
        'zod decode ms',
        'zod state ms',
      ],
      rows: result.points.map((p) => {
        const b = 'readMs' in p.breakdown ? p.breakdown : undefined
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
          p.memory.replayMaxRssMB,
          p.memory.rawLiveMB,
          b?.readMs,
          b?.foldMs,
          b?.decodeMs,
          b?.validateMs,
        ]
      }),
      notes: [
        `replay streams: pages of ${pageSize ?? '?'} events (id, action, payload, version, sequence), each folded as it arrives. live MB = what it holds at once (probed after every page it reads, after a full GC): about a page, whatever the history; heap growth = sampled every ms during one replay, garbage included (the sampler runs between awaits, so it sees more of a replay that awaits every page than of one that folded a single array); max RSS +MB = growth of the worker process peak (getrusage maxRSS) during one replay, peak RSS MB = that peak itself, client and all, so it includes everything the worker did before (smaller sizes, and their breakdown's one findMany of every event).`,
        'read/fold/zod columns time the parts of a replay separately (read = the paged read alone, savepoint lookup included; fold = EventedModel.replay over the same events in memory; zod decode = payload schema only; zod state = state schema once per event, as cast() runs it).',
        ...(provider === 'sqlite'
          ? [
              `raw read + JSON.parse of the payloads: ${result.points.map((p) => `${p.events.toLocaleString('en-US')}: ${p.rawParsed?.medianMs.toFixed(1)} ms`).join(', ')} (pg parses jsonb while reading)`,
            ]
          : []),
      ],
    })
    const sweepSizes = config.replay.pageSizes
    tables.push({
      title: `3. Replay page size - ${provider} (the library's replay at each page size; chose REPLAY_PAGE_SIZE = ${pageSize ?? '?'})`,
      columns: [
        'events',
        'raw read ms',
        'raw, 5 columns ms',
        ...sweepSizes.flatMap((n) => [`${n}/page ms`, `${n}/page live MB`]),
        'before streaming: one findMany ms',
        'its live MB',
      ],
      rows: result.points.map((p) => {
        const sweep = Array.isArray(p.pageSizes) ? p.pageSizes : []
        const b = 'readMs' in p.breakdown ? p.breakdown : undefined
        return [
          p.events,
          p.raw.medianMs,
          p.rawMinimalMs,
          ...sweepSizes.flatMap((n) => {
            const m = sweep.find((x) => x.pageSize === n)
            return [m?.medianMs, m?.liveMB]
          }),
          b?.findManyAllMs,
          p.memory.findManyAllLiveMB,
        ]
      }),
      notes: [
        'page sizes run interleaved in one worker (rounds in rotating order); live MB probed over the first pages. Smaller pages cost a round trip and a query each; larger ones hold more at once.',
        '5 columns = id, action, payload, version, sequence (what replay reads; SQLite raw includes JSON.parse). before streaming = the read replay did before: one findMany of every column of every event.',
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
      'Solid: prisma-spector replay (streaming, in pages); dashed: raw driver read of the same rows.',
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
    ]),
    references: [{ y: 200_000, label: 'target: 200,000 events/s (SQLite)', color: '#16a34a' }],
  })
  return { id: '3', title: 'Replay', status: 'ok', data, tables, chart: { file: '3-replay.svg', svg: chart }, targets, notes: [] }
}
