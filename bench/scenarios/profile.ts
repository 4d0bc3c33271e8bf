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
import type { ScenarioResult, TableSpec } from '../lib/report.ts'
import { barChart } from '../lib/svg.ts'
import { repoRoot } from '../../test/support/testSchemas.ts'
import { uuidv7 } from 'uuidv7'

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
  out.push(
    await sample('plain Prisma update', (i) =>
      ctx.base.plainItem.update({ where: { id: plainIds[(i + 3) % plainIds.length] }, data: { value: { increment: 1 } } }),
    ),
  )
  const short = await fresh(n + 3, 2)
  out.push(
    await sample('prisma-spector update (2 prior events)', (i) =>
      ctx.prisma.item.update({ where: { id: short[(i + 3) % short.length] }, data: { value: { increment: 1 } } }),
    ),
  )
  const forExecute = await fresh(n + 3, 2)
  out.push(
    await sample('prisma-spector execute (2 prior events)', (i) =>
      ctx.prisma.item.execute(forExecute[(i + 3) % forExecute.length], 'archive', { archivedAt: new Date() }),
    ),
  )
  const forSavepoint = await fresh(n + 3, 2)
  out.push(await sample('prisma-spector savepoint (2 prior events)', (i) => ctx.prisma.item.savepoint(forSavepoint[(i + 3) % forSavepoint.length])))
  const h = config.profile.history
  const long = await fresh(Math.min(n, 10) + 3, h)
  if (ctx.provider === 'postgresql') await ctx.raw.run('ANALYZE "Event"')
  out.push(
    await sample(`prisma-spector update (${h} prior events, no savepoint)`, (i) =>
      ctx.prisma.item.update({ where: { id: long[(i + 3) % long.length] }, data: { value: { increment: 1 } } }),
    ),
  )
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
  const event = {
    id: 'e',
    recordId: 'r',
    model: 'Item',
    action: 'insert',
    payload: inserted.payload,
    version: 1,
    sequence: 1,
    insertedAt: now,
    hash: null,
    prevHash: null,
    metadata: null,
  }
  const measure = (what: string, fn: () => unknown): CoreCost => {
    for (let i = 0; i < Math.min(1000, iterations); i++) fn()
    const start = performance.now()
    for (let i = 0; i < iterations; i++) fn()
    return { what, microseconds: ((performance.now() - start) * 1000) / iterations }
  }
  return [
    measure('EventedModel.prepare, insert (stamp, encode, zod decode, changeset, zod state)', () =>
      model.prepare(null, 'insert', { name: 'x', value: 1 }, { recordId: 'r', eventId: 'e', now }),
    ),
    measure('EventedModel.prepare, update', () => model.prepare(state, 'update', { value: 2 }, { recordId: 'r', eventId: 'e', now })),
    measure('EventedModel.replay of 1 event', () => model.replay('r', [event])),
    measure('zod payload decode (codec.decodeAttrs) of an update payload', () => definition.codec.decodeAttrs(updatePayload)),
    measure('zod state validation (codec.validateState)', () => definition.codec.validateState(state)),
    measure('JSON.stringify + JSON.parse of an insert payload', () => JSON.parse(JSON.stringify(inserted.payload))),
  ]
}

export interface UpdateWhatIf {
  variant: string
  roundTrips: number
  medianMs: number
  p95Ms: number
}

/**
 * What an evented update could cost with fewer round trips and without Prisma: the same work
 * (lock, find the newest savepoint, read the events after it, fold, append, rewrite the row)
 * through the raw driver, first with the library's statements, then with the reads merged into
 * one statement and (PostgreSQL) the append and row write in one; and the merged statements
 * through Prisma's interactive transaction ($queryRawUnsafe). Each op updates its own 2-event record.
 */
async function updateWhatIfs(ctx: BenchContext, config: BenchConfig): Promise<UpdateWhatIf[]> {
  const pgsql = ctx.provider === 'postgresql'
  const p = ctx.p
  const ts = (d: Date) => (pgsql ? d.toISOString() : d.toISOString().replace('Z', '+00:00'))
  const fold = (rows: { action: string; payload: unknown; sequence: number }[]) => {
    let state: Record<string, unknown> = {}
    for (const row of rows) {
      const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<string, unknown>
      state = row.action === 'savepoint' ? { ...payload } : { ...state, ...payload }
    }
    return { state, sequence: rows[rows.length - 1]!.sequence }
  }
  const lockSql = `SELECT 1 FROM "Item" WHERE "id" = ${p(1)} FOR UPDATE`
  const savepointSql = `SELECT "sequence" FROM "Event" WHERE "recordId" = ${p(1)} AND "model" = 'Item' AND "action" = 'savepoint' ORDER BY "sequence" DESC LIMIT 1`
  const eventsSql = `SELECT "id", "action", "payload", "version", "sequence" FROM "Event" WHERE "recordId" = ${p(1)} AND "model" = 'Item' AND "sequence" >= ${p(2)} ORDER BY "sequence"`
  const mergedReadSql = pgsql
    ? `WITH locked AS (SELECT "id" FROM "Item" WHERE "id" = $1 FOR UPDATE), sp AS (SELECT COALESCE(MAX("sequence"), 1) AS s FROM "Event" WHERE "recordId" = $1 AND "action" = 'savepoint') ` +
      `SELECT e."id", e."action", e."payload", e."version", e."sequence" FROM "Event" e, sp, locked WHERE e."recordId" = $1 AND e."model" = 'Item' AND e."sequence" >= sp.s ORDER BY e."sequence"`
    : `SELECT "id", "action", "payload", "version", "sequence" FROM "Event" WHERE "recordId" = ? AND "model" = 'Item' AND "sequence" >= (SELECT COALESCE(MAX("sequence"), 1) FROM "Event" WHERE "recordId" = ? AND "action" = 'savepoint') ORDER BY "sequence"`
  const insertSql = `INSERT INTO "Event" ("id", "recordId", "model", "action", "payload", "version", "sequence", "insertedAt") VALUES (${p(1)}, ${p(2)}, 'Item', 'update', ${p(3)}, 1, ${p(4)}, ${p(5)})`
  const updateSql = `UPDATE "Item" SET "value" = ${p(1)}, "updatedAt" = ${p(2)} WHERE "id" = ${p(3)} RETURNING *`
  const cteWriteSql =
    `WITH e AS (INSERT INTO "Event" ("id", "recordId", "model", "action", "payload", "version", "sequence", "insertedAt") VALUES ($1, $2, 'Item', 'update', $3::jsonb, 1, $4, $5::timestamp) RETURNING 1) ` +
    `UPDATE "Item" SET "value" = $6, "updatedAt" = $5::timestamp WHERE "id" = $2 AND EXISTS (SELECT 1 FROM e) RETURNING *`
  const readArgs = (id: string) => (pgsql ? [id] : [id, id])
  const newEvent = (id: string, folded: { state: Record<string, unknown>; sequence: number }) => {
    const at = new Date()
    const value = Number(folded.state.value ?? 0) + 1
    return { eventId: uuidv7(), id, at, value, payload: JSON.stringify({ value, updatedAt: at.toISOString() }), sequence: folded.sequence + 1 }
  }
  type Row = { action: string; payload: unknown; sequence: number }
  const variants: { variant: string; roundTrips: number; run: (id: string) => Promise<unknown> }[] = [
    {
      variant: "raw driver, the library's statements",
      roundTrips: 7,
      run: (id) =>
        ctx.raw.transaction(async () => {
          if (pgsql) await ctx.raw.query(lockSql, [id])
          else await ctx.raw.query(`SELECT "id" FROM "Item" WHERE "id" = ? LIMIT 1`, [id])
          const sp = await ctx.raw.query<{ sequence: number }>(savepointSql, [id])
          const e = newEvent(id, fold(await ctx.raw.query<Row>(eventsSql, [id, sp[0]?.sequence ?? 1])))
          await ctx.raw.run(insertSql, [e.eventId, id, e.payload, e.sequence, ts(e.at)])
          return ctx.raw.query(updateSql, [e.value, ts(e.at), id])
        }),
    },
    {
      variant: pgsql ? 'raw driver, reads merged (lock + savepoint + events), append + row in one' : 'raw driver, savepoint lookup merged into the events read',
      roundTrips: pgsql ? 4 : 5,
      run: (id) =>
        ctx.raw.transaction(async () => {
          const e = newEvent(id, fold(await ctx.raw.query<Row>(mergedReadSql, readArgs(id))))
          if (pgsql) return ctx.raw.query(cteWriteSql, [e.eventId, id, e.payload, e.sequence, ts(e.at), e.value])
          await ctx.raw.run(insertSql, [e.eventId, id, e.payload, e.sequence, ts(e.at)])
          return ctx.raw.query(updateSql, [e.value, ts(e.at), id])
        }),
    },
    {
      variant: pgsql ? 'Prisma $transaction + $queryRawUnsafe, the merged statements' : 'Prisma $transaction + $queryRawUnsafe, the merged statements',
      roundTrips: pgsql ? 4 : 5,
      run: (id) =>
        ctx.base.$transaction(async (tx: any) => {
          const e = newEvent(id, fold(await tx.$queryRawUnsafe(mergedReadSql, ...readArgs(id))))
          if (pgsql) return tx.$queryRawUnsafe(cteWriteSql, e.eventId, id, e.payload, e.sequence, ts(e.at), e.value)
          await tx.$executeRawUnsafe(insertSql, e.eventId, id, e.payload, e.sequence, ts(e.at))
          return tx.$queryRawUnsafe(updateSql, e.value, ts(e.at), id)
        }),
    },
    {
      variant: 'prisma-spector update (for comparison)',
      roundTrips: 7,
      run: (id) => ctx.prisma.item.update({ where: { id }, data: { value: { increment: 1 } } }),
    },
  ]
  const n = config.profile.ops
  const ids = (await seedRecords(ctx.raw, variants.length * (n + 3), 2, 'whatif')).map((s) => s.id)
  if (pgsql) await ctx.raw.run('ANALYZE "Event"')
  const latencies = variants.map(() => [] as number[])
  let next = 0
  for (let i = 0; i < n + 3; i++) {
    for (const [k, v] of variants.entries()) {
      const t0 = performance.now()
      await v.run(ids[next++]!)
      if (i >= 3) latencies[k]!.push(performance.now() - t0)
    }
  }
  return variants.map((v, k) => {
    const sum = summarize(latencies[k]!)
    return { variant: v.variant, roundTrips: v.roundTrips, medianMs: sum.medianMs, p95Ms: sum.p95Ms }
  })
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
      for (const id of ids.slice(1))
        samples.push(await ctx.recorder!.capture(() => ctx.prisma.item.update({ where: { id }, data: { value: { increment: 1 } } })))
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
  const data: Record<string, { ops: OpProfile[]; core: CoreCost[] | { unavailable: string }; updateWhatIfs: UpdateWhatIf[] }> = {}
  const tables: TableSpec[] = []
  for (const provider of config.providers as BenchProvider[]) {
    const result = await withBench(provider, { record: true }, async (ctx) => ({
      ops: await opProfiles(ctx, config),
      core: await coreCosts(ctx, config.profile.microIterations),
      updateWhatIfs: await updateWhatIfs(ctx, config),
    }))
    data[provider] = result
    tables.push({
      title: `Where the time goes - ${provider}: round trips per operation (median of ${config.profile.ops} ops, counted at the driver adapter)`,
      columns: ['operation', 'round trips', 'wall ms', 'in driver ms', 'outside driver ms', 'statements'],
      rows: result.ops.map((o) => [o.op, o.roundTrips, o.wallMs, o.driverMs, o.outsideDriverMs, o.statements.join(' | ')]),
      notes: [
        'outside driver = Prisma client (query compiler, result mapping, transaction manager) + prisma-spector JavaScript; in driver = pg / better-sqlite3 incl. the server and fsync.',
      ],
    })
    const updates = result.ops.filter((o) => o.op.startsWith('prisma-spector update'))
    tables.push({
      title: `Where the time goes - ${provider}: per-statement median ms of an update, short vs long history`,
      columns: ['statement', ...updates.map((u) => u.op.replace('prisma-spector update ', ''))],
      rows: updates[0]!.perStatementMs.map((s, i) => [s.statement, ...updates.map((u) => u.perStatementMs[i]?.ms)]),
    })
    tables.push({
      title: `Where the time goes - ${provider}: what-if, an evented update (2 prior events) with fewer round trips and without Prisma (not the library)`,
      columns: ['variant', 'round trips', 'median ms', 'p95 ms'],
      rows: result.updateWhatIfs.map((w) => [w.variant, w.roundTrips, w.medianMs, w.p95Ms]),
      notes: [
        'same work as an update: lock (PostgreSQL), newest savepoint, events after it, fold in JS, append, rewrite the row; interleaved, each op on its own record.',
      ],
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
      notes: [
        'with stale statistics PostgreSQL ANDs the Event(model) index (one distinct value) into every per-record read; scenarios 2, 3 and this profile ANALYZE after seeding.',
      ],
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
        note: `ms, ${o.roundTrips} round trip${o.roundTrips === 1 ? '' : 's'}`,
        segments: [
          { value: Math.max(0, o.driverMs), color: '#2563eb' },
          { value: Math.max(0, o.wallMs - o.driverMs), color: '#f59e0b' },
        ],
      })),
    })),
  })
  return {
    id: 'profile',
    title: 'Where the time goes',
    status: 'ok',
    data: { ...data, ...(stale ? { staleStatistics: stale } : {}) },
    tables,
    chart: { file: '7-where-time-goes.svg', svg: chart },
    targets: [],
    notes: [],
  }
}
