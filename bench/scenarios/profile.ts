/**
 * Where the time goes: for each kind of write, the round trips Prisma makes (counted and timed at
 * the driver adapter, bench/lib/counting.ts), the time spent in the driver and outside it (Prisma's
 * query engine + prisma-spector's own JavaScript), per-statement times of an update on a short and
 * a long history, and the cost of prisma-spector's core work without a database.
 *
 * This is the evidence behind the proposals in the bench report; it asserts nothing.
 */
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { BenchConfig } from '../lib/config.ts'
import { withBench, type BenchContext, type BenchProvider } from '../lib/harness.ts'
import { statementLabel, type RoundTrip } from '../lib/counting.ts'
import { seedRecords } from '../lib/seed.ts'
import { summarize } from '../lib/stats.ts'
import { type ScenarioResult, type TableSpec } from '../lib/report.ts'
import { barChart } from '../lib/svg.ts'
import { repoRoot } from '../../test/support/testSchemas.ts'

export interface OpProfile {
  op: string
  roundTrips: number
  statements: string[]
  /** The SQL of one sample, statement by statement. */
  sql: string[]
  wallMs: number
  driverMs: number
  outsideDriverMs: number
  /** Median ms of each statement position. */
  perStatementMs: { statement: string; ms: number }[]
}

export interface CoreCost {
  what: string
  microseconds: number
}

function profileOf(op: string, samples: { trips: RoundTrip[]; wallMs: number }[]): OpProfile {
  const first = samples[0]!.trips
  const same = samples.filter((s) => s.trips.length === first.length)
  return {
    op,
    roundTrips: first.length,
    statements: first.map((t) => statementLabel(t.sql)),
    sql: first.map((t) => t.sql.replace(/\s+/g, ' ').trim()),
    wallMs: summarize(samples.map((s) => s.wallMs)).medianMs,
    driverMs: summarize(samples.map((s) => s.trips.reduce((sum, t) => sum + t.ms, 0))).medianMs,
    outsideDriverMs: summarize(samples.map((s) => s.wallMs - s.trips.reduce((sum, t) => sum + t.ms, 0))).medianMs,
    perStatementMs: first.map((t, i) => ({ statement: statementLabel(t.sql), ms: summarize(same.map((s) => s.trips[i]!.ms)).medianMs })),
  }
}

async function opProfiles(ctx: BenchContext, config: BenchConfig): Promise<OpProfile[]> {
  const recorder = ctx.recorder!
  const n = config.profile.ops
  const sample = async (op: string, run: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < 3; i++) await run(-1 - i) // warm-up
    const samples = []
    for (let i = 0; i < n; i++) samples.push(await recorder.capture(() => run(i)))
    return profileOf(op, samples)
  }
  const fresh = async (count: number, events: number) => (await seedRecords(ctx.raw, count, events, `p${events}`)).map((s) => s.id)
  const plainIds: string[] = []
  const out: OpProfile[] = []
  out.push(
    await sample('plain Prisma create', async (i) => {
      const id = `plain-${i}-${Math.random()}`
      plainIds.push(id)
      await ctx.base.plainItem.create({ data: { id, name: 'p', value: 0 } })
    }),
  )
  out.push(await sample('prisma-spector create', (i) => ctx.prisma.item.create({ data: { name: `c${i}`, value: 0 } })))
  out.push(await sample('plain Prisma update', (i) => ctx.base.plainItem.update({ where: { id: plainIds[(i + 3) % plainIds.length] }, data: { value: { increment: 1 } } })))
  const short = await fresh(n + 3, 2)
  out.push(await sample('prisma-spector update (2 prior events)', (i) => ctx.prisma.item.update({ where: { id: short[(i + 3) % short.length] }, data: { value: { increment: 1 } } })))
  const forExecute = await fresh(n + 3, 2)
  out.push(await sample('prisma-spector execute (2 prior events)', (i) => ctx.prisma.item.execute(forExecute[(i + 3) % forExecute.length], 'archive', { archivedAt: new Date() })))
  const forSavepoint = await fresh(n + 3, 2)
  out.push(await sample('prisma-spector savepoint (2 prior events)', (i) => ctx.prisma.item.savepoint(forSavepoint[(i + 3) % forSavepoint.length])))
  const h = config.profile.history
  const long = await fresh(Math.min(n, 10) + 3, h)
  if (ctx.provider === 'postgresql') await ctx.raw.run('ANALYZE "Event"')
  out.push(await sample(`prisma-spector update (${h} prior events, no savepoint)`, (i) => ctx.prisma.item.update({ where: { id: long[(i + 3) % long.length] }, data: { value: { increment: 1 } } })))
  out.push(await sample(`prisma-spector replay (${h} events)`, (i) => ctx.prisma.item.replay(long[(i + 3) % long.length])))
  return out
}

/** prisma-spector's core without a database: microseconds per call (dist internals). */
async function coreCosts(ctx: BenchContext, iterations: number): Promise<CoreCost[] | { unavailable: string }> {
  let EventedModel: any
  try {
    EventedModel = (await import(pathToFileURL(path.join(repoRoot, 'dist/extension/core/eventedModel.js')).href)).EventedModel
  } catch (error) {
    return { unavailable: `dist internals not importable: ${(error as Error).message}` }
  }
  const definition = ctx.modules.spectorSchema.models.find((m) => m.metadata.name === 'Item')!
  const model = new EventedModel(definition.metadata, definition.codec, definition.changeset)
  const now = new Date()
  const inserted = model.prepare(null, 'insert', { name: 'x', value: 1 }, { recordId: 'r', eventId: 'e', now })
  const state = inserted.state
  const updatePayload = { value: 2, updatedAt: now.toISOString() }
  const event = { id: 'e', recordId: 'r', model: 'Item', action: 'insert', payload: inserted.payload, version: 1, sequence: 1, insertedAt: now, hash: null, prevHash: null, metadata: null }
  const measure = (what: string, fn: () => unknown): CoreCost => {
    for (let i = 0; i < Math.min(1000, iterations); i++) fn()
    const start = performance.now()
    for (let i = 0; i < iterations; i++) fn()
    return { what, microseconds: ((performance.now() - start) * 1000) / iterations }
  }
  return [
    measure('EventedModel.prepare, insert (stamp, encode, zod decode, changeset, zod state)', () => model.prepare(null, 'insert', { name: 'x', value: 1 }, { recordId: 'r', eventId: 'e', now })),
    measure('EventedModel.prepare, update', () => model.prepare(state, 'update', { value: 2 }, { recordId: 'r', eventId: 'e', now })),
    measure('EventedModel.replay of 1 event', () => model.replay('r', [event])),
    measure('zod payload decode (codec.decodeAttrs) of an update payload', () => definition.codec.decodeAttrs(updatePayload)),
    measure('zod state validation (codec.validateState)', () => definition.codec.validateState(state)),
    measure('JSON.stringify + JSON.parse of an insert payload', () => JSON.parse(JSON.stringify(inserted.payload))),
  ]
}

export interface StaleStatistics {
  seededEvents: number
  beforeAnalyze: { medianMs: number; savepointLookupMs: number; eventsReadMs: number }
  afterAnalyze: { medianMs: number; savepointLookupMs: number; eventsReadMs: number }
}

/**
 * PostgreSQL right after a bulk load, before (auto)ANALYZE: the planner does not know that
 * Event.model has one value, and answers every per-record read with a BitmapAnd over the
 * Event(model) index. Updates of short records, before and after ANALYZE.
 */
async function staleStatistics(config: BenchConfig): Promise<StaleStatistics> {
  return withBench('postgresql', { record: true }, async (ctx) => {
    const records = config.quick ? 2 : 12
    const events = config.quick ? 1000 : 10_000
    await seedRecords(ctx.raw, records, events, 'bulk')
    const n = Math.min(config.profile.ops, 20)
    const short = (await seedRecords(ctx.raw, 2 * n + 4, 2, 'short')).map((s) => s.id)
    const measure = async (ids: string[]) => {
      await ctx.prisma.item.update({ where: { id: ids[0] }, data: { value: { increment: 1 } } })
      const samples = []
      for (const id of ids.slice(1)) samples.push(await ctx.recorder!.capture(() => ctx.prisma.item.update({ where: { id }, data: { value: { increment: 1 } } })))
      const p = profileOf('update', samples)
      const at = (label: RegExp) => p.perStatementMs.filter((s) => label.test(s.statement)).map((s) => s.ms)
      return { medianMs: p.wallMs, savepointLookupMs: at(/SELECT Event LIMIT/)[0] ?? NaN, eventsReadMs: at(/^SELECT Event$/)[0] ?? NaN }
    }
    const beforeAnalyze = await measure(short.slice(0, n + 2))
    await ctx.raw.run('ANALYZE')
    const afterAnalyze = await measure(short.slice(n + 2))
    return { seededEvents: records * events, beforeAnalyze, afterAnalyze }
  })
}

export async function runProfile(config: BenchConfig, subtitle: string[]): Promise<ScenarioResult> {
  const data: Record<string, { ops: OpProfile[]; core: CoreCost[] | { unavailable: string } }> = {}
  const tables: TableSpec[] = []
  for (const provider of config.providers as BenchProvider[]) {
    const result = await withBench(provider, { record: true }, async (ctx) => ({ ops: await opProfiles(ctx, config), core: await coreCosts(ctx, config.profile.microIterations) }))
    data[provider] = result
    tables.push({
      title: `Where the time goes - ${provider}: round trips per operation (median of ${config.profile.ops} ops, counted at the driver adapter)`,
      columns: ['operation', 'round trips', 'wall ms', 'in driver ms', 'outside driver ms', 'statements'],
      rows: result.ops.map((o) => [o.op, o.roundTrips, o.wallMs, o.driverMs, o.outsideDriverMs, o.statements.join(' | ')]),
      notes: ['outside driver = Prisma client (query compiler, result mapping, transaction manager) + prisma-spector JavaScript; in driver = pg / better-sqlite3 incl. the server and fsync.'],
    })
    const updates = result.ops.filter((o) => o.op.startsWith('prisma-spector update'))
    tables.push({
      title: `Where the time goes - ${provider}: per-statement median ms of an update, short vs long history`,
      columns: ['statement', ...updates.map((u) => u.op.replace('prisma-spector update ', ''))],
      rows: updates[0]!.perStatementMs.map((s, i) => [s.statement, ...updates.map((u) => u.perStatementMs[i]?.ms)]),
    })
    if (Array.isArray(result.core)) {
      tables.push({
        title: `Where the time goes - ${provider}: prisma-spector core without a database (dist internals)`,
        columns: ['work', 'us per call'],
        rows: result.core.map((c) => [c.what, c.microseconds]),
      })
    }
  }
  let stale: StaleStatistics | undefined
  if (config.providers.includes('postgresql')) {
    stale = await staleStatistics(config)
    tables.push({
      title: `Where the time goes - postgresql: planner statistics right after a bulk load (${stale.seededEvents.toLocaleString('en-US')} events), updates of 2-event records`,
      columns: ['statistics', 'update median ms', 'savepoint lookup ms', 'events read ms'],
      rows: [
        ['stale (before ANALYZE)', stale.beforeAnalyze.medianMs, stale.beforeAnalyze.savepointLookupMs, stale.beforeAnalyze.eventsReadMs],
        ['fresh (after ANALYZE)', stale.afterAnalyze.medianMs, stale.afterAnalyze.savepointLookupMs, stale.afterAnalyze.eventsReadMs],
      ],
      notes: ['with stale statistics PostgreSQL ANDs the Event(model) index (one distinct value) into every per-record read; scenarios 2, 3 and this profile ANALYZE after seeding.'],
    })
  }
  const chart = barChart({
    title: 'Where the time goes: round trips and time per operation',
    subtitle: [...subtitle, `Median wall time per operation, split into time in the driver (incl. server, fsync) and outside it (Prisma + prisma-spector JS).`],
    legend: [
      { label: 'in driver (pg / better-sqlite3, server, fsync)', color: '#2563eb' },
      { label: 'outside driver (Prisma client + prisma-spector JS)', color: '#f59e0b' },
    ],
    axisLabel: 'ms per operation',
    groups: Object.entries(data).map(([provider, r]) => ({
      label: provider,
      bars: r.ops.map((o) => ({
        label: o.op.replace('prisma-spector', 'spector'),
        value: o.wallMs,
        note: `${o.roundTrips} round trips`,
        segments: [
          { value: Math.max(0, o.driverMs), color: '#2563eb' },
          { value: Math.max(0, o.wallMs - o.driverMs), color: '#f59e0b' },
        ],
      })),
    })),
  })
  return { id: 'profile', title: 'Where the time goes', status: 'ok', data: { ...data, ...(stale ? { staleStatistics: stale } : {}) }, tables, chart: { file: '7-where-time-goes.svg', svg: chart }, targets: [], notes: [] }
}
