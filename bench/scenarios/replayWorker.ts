/**
 * Child process of scenario 3: replays (or raw-reads) long histories in a fresh process, so that
 * its peak memory is its own. Started by replay.ts with the job in BENCH_REPLAY_JOB; prints one
 * line `RESULT {json}`.
 *
 * Memory per size: after a full GC, the heap is sampled every millisecond while the operation
 * runs and once right after it (before any further GC); `maxRSS` is the process's peak resident
 * size (getrusage). Sizes run in ascending order, so each size's peak is at least the previous one's.
 */
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import Database from 'better-sqlite3'
import pg from 'pg'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaPg } from '@prisma/adapter-pg'
import { loadBenchModules, type BenchProvider } from '../lib/harness.ts'
import { repoRoot } from '../../test/support/testSchemas.ts'

export interface ReplayJob {
  /** raw: the driver reading the rows; replay: prisma.item.replay; paged: the what-if streaming replay. */
  mode: 'raw' | 'replay' | 'paged'
  pageSize: number
  provider: BenchProvider
  url: string
  /** SQLite file. */
  file: string
  records: { size: number; id: string }[]
  reps: Record<number, number>
}

export interface MemoryResult {
  heapBeforeMB: number
  /** Reachable after a full GC: the rows a raw read returns, a page of the paged replay. */
  liveMB: number
  /** Highest heapUsed seen during and right after the operation, minus heapUsed before. */
  heapPeakDeltaMB: number
  /** Peak RSS growth of the process (getrusage maxRSS) during the operation. */
  maxRssDeltaMB: number
  maxRssMB: number
}

export interface WorkerSizeResult {
  size: number
  timesMs: number[]
  memory: MemoryResult
  /** raw mode on SQLite: the same read plus JSON.parse of every payload. */
  parsedTimesMs?: number[]
  /** raw mode: reading only the columns replay needs (id, action, payload, version, sequence). */
  minimalTimesMs?: number[]
  /** paged mode: why it could not run. */
  unavailable?: string
  /** replay mode: the parts of a replay, timed separately. */
  breakdown?: {
    /** prisma.event.findMany of the same rows (what the library's read does). */
    findManyMs: number[]
    /** The same findMany selecting only the columns replay needs. */
    findManySelectMs: number[]
    /** The in-memory fold (EventedModel.replay) over those rows. */
    foldMs: number[]
    /** Only the payload decoding (the zod payload schema) of every event. */
    decodeMs: number[]
    /** Only the state validation (the zod state schema), once per event, as cast() does. */
    validateMs: number[]
    /** What the library holds at once: the findMany rows and their StoredEvent copies, after a full GC. */
    liveMB: number
  } | { unavailable: string }
}

const MB = 1024 * 1024
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})

/** Keeps values reachable while the live heap is measured (a local could be optimised away). */
const holder: { value: unknown } = { value: null }

/** Live-heap probe: a full GC, then heapUsed. Used where the held data is what matters. */
function liveHeap(): number {
  gc()
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

/**
 * Runs op once and reports its memory: heap growth sampled while it runs (garbage included, as
 * V8 collects lazily), maxRSS growth, and `liveMB`: what is still reachable after a full GC,
 * either the result held by op (raw reads) or the largest value op reported through `probe`
 * (paged replay: after each page).
 */
async function measureMemory(op: (probe: () => void) => Promise<unknown>): Promise<MemoryResult> {
  const before = liveHeap()
  const rssBefore = process.resourceUsage().maxRSS
  let peak = before
  let livePeak = 0
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed)
  }, 1)
  const probe = () => {
    peak = Math.max(peak, process.memoryUsage().heapUsed)
    livePeak = Math.max(livePeak, liveHeap() - before)
  }
  holder.value = await op(probe)
  peak = Math.max(peak, process.memoryUsage().heapUsed)
  clearInterval(timer)
  const rssAfter = process.resourceUsage().maxRSS
  livePeak = Math.max(livePeak, liveHeap() - before) // the result, if op returned data
  holder.value = null
  return {
    heapBeforeMB: before / MB,
    heapPeakDeltaMB: (peak - before) / MB,
    liveMB: livePeak / MB,
    maxRssDeltaMB: (rssAfter - rssBefore) / 1024,
    maxRssMB: rssAfter / 1024,
  }
}

async function timeIt(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

async function rawMode(job: ReplayJob): Promise<WorkerSizeResult[]> {
  const results: WorkerSizeResult[] = []
  if (job.provider === 'postgresql') {
    const client = new pg.Client({ connectionString: job.url })
    await client.connect()
    const read = (id: string) => client.query('SELECT * FROM "Event" WHERE "recordId" = $1 AND "model" = $2 ORDER BY "sequence"', [id, 'Item']).then((r) => r.rows)
    const readMinimal = (id: string) =>
      client.query('SELECT "id", "action", "payload", "version", "sequence" FROM "Event" WHERE "recordId" = $1 AND "model" = $2 ORDER BY "sequence"', [id, 'Item']).then((r) => r.rows)
    await read(job.records[0]!.id)
    for (const { size, id } of job.records) {
      const memory = await measureMemory(() => read(id))
      const timesMs: number[] = []
      const minimalTimesMs: number[] = []
      for (let i = 0; i < job.reps[size]!; i++) {
        timesMs.push(await timeIt(() => read(id)))
        minimalTimesMs.push(await timeIt(() => readMinimal(id)))
      }
      results.push({ size, timesMs, memory, minimalTimesMs })
    }
    await client.end()
  } else {
    const db = new Database(job.file, { readonly: true })
    const statement = db.prepare('SELECT * FROM "Event" WHERE "recordId" = ? AND "model" = ? ORDER BY "sequence"')
    const read = async (id: string) => statement.all(id, 'Item') as { payload: string }[]
    const minimal = db.prepare('SELECT "id", "action", "payload", "version", "sequence" FROM "Event" WHERE "recordId" = ? AND "model" = ? ORDER BY "sequence"')
    const readMinimal = async (id: string) => (minimal.all(id, 'Item') as { payload: string }[]).map((row) => JSON.parse(row.payload))
    await read(job.records[0]!.id)
    for (const { size, id } of job.records) {
      const memory = await measureMemory(() => read(id))
      const timesMs: number[] = []
      const parsedTimesMs: number[] = []
      const minimalTimesMs: number[] = []
      for (let i = 0; i < job.reps[size]!; i++) {
        timesMs.push(await timeIt(() => read(id)))
        parsedTimesMs.push(await timeIt(async () => (await read(id)).map((row) => JSON.parse(row.payload))))
        minimalTimesMs.push(await timeIt(() => readMinimal(id)))
      }
      results.push({ size, timesMs, memory, parsedTimesMs, minimalTimesMs })
    }
    db.close()
  }
  return results
}

/** What the library's read holds at once: the findMany rows and their StoredEvent copies. */
async function heldByRead(base: any, id: string, toStoredEvent: (row: Record<string, unknown>) => unknown): Promise<number> {
  const before = liveHeap()
  const rows: Record<string, unknown>[] = await base.event.findMany({ where: { recordId: id, model: 'Item', sequence: { gte: 1 } }, orderBy: { sequence: 'asc' } })
  holder.value = [rows, rows.map(toStoredEvent)]
  const held = liveHeap() - before
  holder.value = null
  return held / MB
}

async function replayMode(job: ReplayJob): Promise<WorkerSizeResult[]> {
  const modules = await loadBenchModules(job.provider)
  const adapter = job.provider === 'postgresql' ? new PrismaPg({ connectionString: job.url, max: 2 }) : new PrismaBetterSqlite3({ url: `file:${job.file}` })
  const base = new modules.PrismaClient({ adapter })
  const prisma = base.$extends(modules.spector())
  // Internals, for the breakdown only: the fold without the database.
  let internals: { EventedModel: any; toStoredEvent: (row: Record<string, unknown>) => any } | string
  try {
    const eventedModel = await import(pathToFileURL(path.join(repoRoot, 'dist/extension/core/eventedModel.js')).href)
    const eventLog = await import(pathToFileURL(path.join(repoRoot, 'dist/extension/prisma/prismaEventLog.js')).href)
    internals = { EventedModel: eventedModel.EventedModel, toStoredEvent: eventLog.toStoredEvent }
    if (typeof internals.EventedModel !== 'function' || typeof internals.toStoredEvent !== 'function') internals = 'dist internals changed shape'
  } catch (error) {
    internals = `dist internals not importable: ${(error as Error).message}`
  }
  const definition = modules.spectorSchema.models.find((m) => m.metadata.name === 'Item')!
  const results: WorkerSizeResult[] = []
  try {
    await prisma.item.replay(job.records[0]!.id)
    for (const { size, id } of job.records) {
      const memory = await measureMemory(() => prisma.item.replay(id))
      const timesMs: number[] = []
      let state: any
      for (let i = 0; i < job.reps[size]!; i++) timesMs.push(await timeIt(async () => (state = await prisma.item.replay(id))))
      if (!state || state.value !== size - 1) throw new Error(`replay of ${size} events gave value ${state?.value}, expected ${size - 1}`)
      let breakdown: WorkerSizeResult['breakdown']
      if (typeof internals === 'string') breakdown = { unavailable: internals }
      else {
        const model = new internals.EventedModel(definition.metadata, definition.codec, definition.changeset)
        const liveMB = await heldByRead(base, id, internals.toStoredEvent)
        const findManyMs: number[] = []
        const findManySelectMs: number[] = []
        const foldMs: number[] = []
        const decodeMs: number[] = []
        const validateMs: number[] = []
        for (let i = 0; i < job.reps[size]!; i++) {
          let rows: Record<string, unknown>[] = []
          findManyMs.push(await timeIt(async () => (rows = await base.event.findMany({ where: { recordId: id, model: 'Item', sequence: { gte: 1 } }, orderBy: { sequence: 'asc' } }))))
          findManySelectMs.push(
            await timeIt(() => base.event.findMany({ where: { recordId: id, model: 'Item', sequence: { gte: 1 } }, orderBy: { sequence: 'asc' }, select: MINIMAL })),
          )
          const events = rows.map(internals.toStoredEvent)
          foldMs.push(await timeIt(() => model.replay(id, events)))
          decodeMs.push(await timeIt(() => events.forEach((e: { payload: object }) => definition.codec.decodeAttrs(e.payload))))
          validateMs.push(await timeIt(() => events.forEach(() => definition.codec.validateState(state))))
        }
        breakdown = { findManyMs, findManySelectMs, foldMs, decodeMs, validateMs, liveMB }
      }
      results.push({ size, timesMs, memory, ...(breakdown ? { breakdown } : {}) })
    }
  } finally {
    await base.$disconnect()
  }
  return results
}

const MINIMAL = { id: true, action: true, payload: true, version: true, sequence: true }

/**
 * What-if: a replay that streams. Pages of `pageSize` events (only the columns replay needs) are
 * folded one after the other; the state between pages is carried as a savepoint event, exactly
 * as a stored savepoint restarts a replay. Memory stays at one page; round trips grow by one per page.
 */
async function pagedMode(job: ReplayJob): Promise<WorkerSizeResult[]> {
  const modules = await loadBenchModules(job.provider)
  let EventedModel: any
  try {
    EventedModel = (await import(pathToFileURL(path.join(repoRoot, 'dist/extension/core/eventedModel.js')).href)).EventedModel
    if (typeof EventedModel !== 'function') throw new Error('EventedModel is not exported')
  } catch (error) {
    return job.records.map(({ size }) => ({ size, timesMs: [], memory: { heapBeforeMB: NaN, heapPeakDeltaMB: NaN, liveMB: NaN, maxRssDeltaMB: NaN, maxRssMB: NaN }, unavailable: `dist internals: ${(error as Error).message}` })) as WorkerSizeResult[]
  }
  const definition = modules.spectorSchema.models.find((m) => m.metadata.name === 'Item')!
  const model = new EventedModel(definition.metadata, definition.codec, definition.changeset)
  const adapter = job.provider === 'postgresql' ? new PrismaPg({ connectionString: job.url, max: 2 }) : new PrismaBetterSqlite3({ url: `file:${job.file}` })
  const base = new modules.PrismaClient({ adapter })
  const version = definition.metadata.version
  const pagedReplay = async (id: string, probe?: () => void) => {
    let state: any = null
    let last = 0
    let carry: object | null = null
    for (;;) {
      const rows: any[] = await base.event.findMany({ where: { recordId: id, model: 'Item', sequence: { gt: last } }, orderBy: { sequence: 'asc' }, take: job.pageSize, select: MINIMAL })
      if (rows.length === 0) break
      // Fixed-shape objects, as the library's toStoredEvent builds them (a spread copy makes the fold ~3x slower).
      const events = rows.map((r) => ({ id: r.id, recordId: id, model: 'Item', action: r.action, payload: r.payload, version: r.version, sequence: r.sequence, insertedAt: null, hash: null, prevHash: null, metadata: null }))
      if (probe) {
        holder.value = [rows, events]
        probe()
        holder.value = null
      }
      state = model.replay(id, carry ? [carry, ...events] : events).state
      last = rows[rows.length - 1].sequence
      carry = { id: 'carry', recordId: id, model: 'Item', action: 'savepoint', payload: model.savepointPayload(state), version, sequence: last, insertedAt: null, hash: null, prevHash: null, metadata: null }
      if (rows.length < job.pageSize) break
    }
    return state
  }
  const results: WorkerSizeResult[] = []
  try {
    await pagedReplay(job.records[0]!.id)
    for (const { size, id } of job.records) {
      const memory = await measureMemory((probe) => pagedReplay(id, probe))
      const timesMs: number[] = []
      let state: any
      for (let i = 0; i < job.reps[size]!; i++) timesMs.push(await timeIt(async () => (state = await pagedReplay(id))))
      if (!state || state.value !== size - 1) throw new Error(`paged replay of ${size} events gave value ${state?.value}, expected ${size - 1}`)
      results.push({ size, timesMs, memory })
    }
  } finally {
    await base.$disconnect()
  }
  return results
}

const job = JSON.parse(process.env.BENCH_REPLAY_JOB ?? 'null') as ReplayJob | null
if (!job) {
  process.stderr.write('replayWorker: BENCH_REPLAY_JOB is not set (this file is started by bench/scenarios/replay.ts)\n')
  process.exit(2)
}
const results = job.mode === 'raw' ? await rawMode(job) : job.mode === 'paged' ? await pagedMode(job) : await replayMode(job)
process.stdout.write(`RESULT ${JSON.stringify(results)}\n`)
process.exit(0)
