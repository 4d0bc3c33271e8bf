/**
 * Scenario 2, update as history grows: the latency of one `update` on a record with 1, 100,
 * 1,000 and 10,000 prior events, without savepoints (replay reads the whole history) and with a
 * savepoint policy.
 *
 * prisma-spector has no automatic `savepointEvery` option yet, so the policy is EMULATED here:
 * while a history is built, the bench calls `prisma.item.savepoint(id)` after every N events
 * (the library's own savepoint command, timed and reported as the policy's cost). Histories are
 * seeded with raw multi-row INSERTs (bench/lib/seed.ts) between those savepoints.
 *
 * Each measured update is the first update of its own record, so every sample sees exactly the
 * stated number of prior events. With the policy, records differ in how many events follow their
 * newest savepoint (spread evenly over 1..N+1, as records whose histories end at different points
 * would): the median is the typical case, p95 close to the worst.
 */
import type { BenchConfig } from '../lib/config.ts'
import { supportsSavepointEvery, withBench, type BenchContext, type BenchProvider } from '../lib/harness.ts'
import { insertEvent, insertEvents, seedRecords, updateEvents, upsertItemRows, verifySeedFormat, type SeededState } from '../lib/seed.ts'
import { ratio, summarize, time, type Summary } from '../lib/stats.ts'
import { times, type ScenarioResult, type TableSpec, type TargetResult } from '../lib/report.ts'
import { lineChart } from '../lib/svg.ts'

export interface UpdatePoint extends Summary {
  priorEvents: number
  policy: string
  /** Events replay read per update (from the newest savepoint on): min..max over the records. */
  replayedEvents: { min: number; median: number; max: number }
  /** median / median at 1 prior event, same policy */
  vsFirst: number
  /** median / plain Prisma update median */
  vsPlain: number
}

export interface UpdateProviderResult {
  /** Whether the library's own savepointEvery option was found and measured. */
  savepointEveryOption: boolean
  plainUpdate: Summary
  points: UpdatePoint[]
  /** What the emulated policy cost while the histories were built. */
  savepointCalls: Summary & { calls: number }
}

/**
 * Builds `count` records with `size` events each. With `every`, a savepoint (through the library)
 * follows every `every` events, the phase shifted per record so that the events after the newest
 * savepoint spread over 1..every+1. Returns the records and how many events replay will read.
 */
async function buildHistories(
  ctx: BenchContext,
  size: number,
  count: number,
  every: number | null,
  savepointLatencies: number[],
): Promise<{ ids: string[]; tails: number[] }> {
  if (every === null || size <= every) {
    const states = await seedRecords(ctx.raw, count, size, `h${size}`)
    return { ids: states.map((s) => s.id), tails: states.map(() => size) }
  }
  const ids: string[] = []
  const tails: number[] = []
  const start = Date.now() - size * count - 120_000
  for (let r = 0; r < count; r++) {
    // The newest savepoint is event number `last`; earlier ones every+1 apart (every events between two savepoints).
    const tail = 1 + Math.floor((r * (every + 1)) / count)
    const last = size - tail + 1
    const savepointsAt = new Set<number>()
    for (let s = last; s >= 2; s -= every + 1) savepointsAt.add(s)
    const { row, state } = insertEvent(`h${size}-${r}`, 0, new Date(start + r * (size + 1)))
    let pending = [row]
    await upsertItemRows(ctx.raw, [state])
    while (state.sequence < size) {
      const next = state.sequence + 1
      if (savepointsAt.has(next)) {
        await insertEvents(ctx.raw, pending)
        pending = []
        await upsertItemRows(ctx.raw, [state])
        savepointLatencies.push(await time(() => ctx.prisma.item.savepoint(state.id)))
        state.sequence = next
      } else {
        pending.push(...updateEvents(state, 1))
      }
    }
    await insertEvents(ctx.raw, pending)
    await upsertItemRows(ctx.raw, [state])
    ids.push(state.id)
    tails.push(tail)
  }
  return { ids, tails }
}

function spread(values: number[]): { min: number; median: number; max: number } {
  const s = [...values].sort((a, b) => a - b)
  return { min: s[0]!, median: s[Math.floor((s.length - 1) / 2)]!, max: s[s.length - 1]! }
}

async function runProvider(config: BenchConfig, provider: BenchProvider): Promise<UpdateProviderResult> {
  // stateCacheSize: 0, here only: the scenario measures what replay costs as history grows, and a
  // savepoint (or update) this process wrote would otherwise let the timed update skip the replay.
  return withBench(provider, { spectorOptions: { stateCacheSize: 0 } }, async (ctx) => {
    await verifySeedFormat(ctx)
    const { sizes, records, savepointEvery, warmup, plainOps } = config.update
    // Plain Prisma update of an identical non-evented row: the baseline, timed in the same rounds.
    const plainIds: string[] = []
    for (let i = 0; i < plainOps + warmup; i++) plainIds.push((await ctx.base.plainItem.create({ data: { id: `plain-${i}`, name: 'plain', value: 0 } })).id)
    for (const id of plainIds.slice(plainOps)) await ctx.base.plainItem.update({ where: { id }, data: { value: { increment: 1 } } })
    // Warm-up of the evented update path.
    const warm: SeededState[] = await seedRecords(ctx.raw, warmup, 2, 'warmup')
    for (const s of warm) await ctx.prisma.item.update({ where: { id: s.id }, data: { value: { increment: 1 } } })

    // Build every history first, then time the updates round-robin over (policy, size), so that
    // warm-up and background load do not fall on one size.
    const savepointLatencies: number[] = []
    const cells: { policy: string; size: number; ids: string[]; tails: number[]; latencies: number[] }[] = [
      { policy: 'plain', size: 0, ids: plainIds.slice(0, plainOps), tails: [], latencies: [] },
    ]
    // The library's own policy, when it has one: same histories as the emulation, timed through
    // a client with spector({ savepointEvery }), whose updates append savepoints themselves.
    const option = await supportsSavepointEvery(ctx)
    const optionClient = option ? ctx.base.$extends(ctx.modules.spector({ savepointEvery, stateCacheSize: 0 })) : null
    const optionPolicy = `savepointEvery: ${savepointEvery} (library option)`
    for (const [every, policy] of [
      [null, 'no savepoints'],
      [savepointEvery, `savepoint every ${savepointEvery} events (emulated)`],
      ...(option ? [[savepointEvery, optionPolicy] as const] : []),
    ] as const) {
      // PostgreSQL: planner statistics for what was seeded so far (the savepoint calls read too).
      if (provider === 'postgresql') await ctx.raw.run('ANALYZE "Event"')
      for (const size of sizes) cells.push({ policy, size, ...(await buildHistories(ctx, size, records(size), every, savepointLatencies)), latencies: [] })
    }
    // PostgreSQL: fresh planner statistics, as autovacuum would have gathered in a live database.
    // (Right after a bulk load, stale statistics make PostgreSQL combine the low-selectivity
    // Event(model) index into every per-record read; the profile scenario measures that case.)
    if (provider === 'postgresql') await ctx.raw.run('ANALYZE')
    const rounds = Math.max(...cells.map((c) => c.ids.length))
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < cells.length; k++) {
        const cell = cells[(r + k) % cells.length]!
        const id = cell.ids[r]
        if (id === undefined) continue
        const delegate = cell.policy === 'plain' ? ctx.base.plainItem : cell.policy === optionPolicy ? optionClient.item : ctx.prisma.item
        cell.latencies.push(await time(() => delegate.update({ where: { id }, data: { value: { increment: 1 } } })))
      }
    }
    const plainUpdate = summarize(cells[0]!.latencies)
    const points: UpdatePoint[] = cells.slice(1).map((c) => {
      const s = summarize(c.latencies)
      const first = summarize(cells.find((f) => f.policy === c.policy && f.size === sizes[0])!.latencies).medianMs
      return {
        priorEvents: c.size,
        policy: c.policy,
        ...s,
        replayedEvents: spread(c.tails),
        vsFirst: ratio(s.medianMs, first),
        vsPlain: ratio(s.medianMs, plainUpdate.medianMs),
      }
    })
    return { savepointEveryOption: option, plainUpdate, points, savepointCalls: { ...summarize(savepointLatencies), calls: savepointLatencies.length } }
  })
}

export async function runUpdateScenario(config: BenchConfig, subtitle: string[]): Promise<ScenarioResult> {
  const data: Record<string, UpdateProviderResult> = {}
  const tables: TableSpec[] = []
  const targets: TargetResult[] = []
  const every = config.update.savepointEvery
  const largest = config.update.sizes[config.update.sizes.length - 1]!
  for (const provider of config.providers) {
    const result = await runProvider(config, provider)
    data[provider] = result
    tables.push({
      title: `2. Update as history grows - ${provider} (one update per record; records per size: ${config.update.sizes.map((s) => `${s}: ${config.update.records(s)}`).join(', ')})`,
      columns: ['policy', 'prior events', 'replayed events', 'median ms', 'p95 ms', 'ops/s', 'x at 1 event', 'x plain update'],
      rows: [
        ['plain Prisma update (PlainItem)', '-', '-', result.plainUpdate.medianMs, result.plainUpdate.p95Ms, result.plainUpdate.opsPerSec, '-', times(1)],
        ...result.points.map((p) => [
          p.policy,
          p.priorEvents,
          p.replayedEvents.min === p.replayedEvents.max ? String(p.replayedEvents.min) : `${p.replayedEvents.min}..${p.replayedEvents.max}`,
          p.medianMs,
          p.p95Ms,
          p.opsPerSec,
          times(p.vsFirst),
          times(p.vsPlain),
        ]),
      ],
      notes: [
        `emulated: the histories get a savepoint through prisma.item.savepoint(id) after every ${every} events while they are built (${result.savepointCalls.calls} calls, median ${result.savepointCalls.medianMs.toFixed(2)} ms, p95 ${result.savepointCalls.p95Ms.toFixed(2)} ms each); the timed update runs on the default client.`,
        result.savepointEveryOption
          ? `library option: the same kind of histories, the timed update on a client with spector({ savepointEvery: ${every} }) (the option landed while the bench was written), which appends a savepoint itself when one is due.`
          : 'library option: not found in the library under test (no savepoint appeared with savepointEvery: 2), so only the emulation is measured.',
      ],
    })
    for (const kind of ['(library option)', '(emulated)']) {
      const withPolicy = result.points.filter((p) => p.policy.endsWith(kind))
      if (!withPolicy.length) continue
      const top = withPolicy.find((p) => p.priorEvents === largest)!
      targets.push({
        id: 'T2',
        target: `with savepoints, update at 10,000 prior events <= 1.5x update at 1`,
        provider,
        measured: `${times(top.vsFirst)} at ${largest.toLocaleString('en-US')} events (median ${top.medianMs.toFixed(2)} ms vs ${withPolicy[0]!.medianMs.toFixed(2)} ms; ${withPolicy[0]!.policy})`,
        status: top.vsFirst <= 1.5 ? 'met' : 'missed',
        ...(largest < 10_000 ? { note: 'quick sizes' } : {}),
      })
    }
  }
  const series = Object.entries(data).flatMap(([provider, r], i) =>
    ['no savepoints', '(emulated)', '(library option)']
      .map((kind, k) => ({
        name: `${provider}, ${kind === 'no savepoints' ? 'no savepoints' : kind === '(emulated)' ? `savepoint every ${every} (emulated)` : `savepointEvery: ${every} (option)`}`,
        color: ['#2563eb', '#dc2626'][i],
        ...(k === 1 ? { dashed: true } : k === 2 ? { dash: '1 4' } : {}),
        points: r.points
          .filter((p) => (kind === 'no savepoints' ? p.policy === 'no savepoints' : p.policy.endsWith(kind)))
          .map((p) => ({ x: p.priorEvents, y: p.medianMs })),
      }))
      .filter((s) => s.points.length > 0),
  )
  const chart = lineChart({
    title: 'Scenario 2 - update latency as the history grows',
    subtitle: [
      ...subtitle,
      `Median latency of one update. Dashed: savepoints every ${every} events, emulated with prisma.item.savepoint; dotted (sparse): spector({ savepointEvery: ${every} }).`,
      'Thin dotted lines: plain Prisma update.',
    ],
    xLabel: 'prior events of the record',
    yLabel: 'median update latency, ms',
    xLog: true,
    yLog: true,
    xTicks: config.update.sizes,
    series,
    references: Object.entries(data).map(([provider, r], i) => ({
      y: r.plainUpdate.medianMs,
      label: `plain Prisma update, ${provider}`,
      color: ['#2563eb', '#dc2626'][i],
    })),
  })
  return { id: '2', title: 'Update as history grows', status: 'ok', data, tables, chart: { file: '2-update-history.svg', svg: chart }, targets, notes: [] }
}
