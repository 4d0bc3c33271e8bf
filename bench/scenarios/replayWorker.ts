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
  /** raw: the driver reading the rows; replay: prisma.item.replay (the library); pageSizes: the library's replay at other page sizes. */
  mode: 'raw' | 'replay' | 'pageSizes'
  /** pageSizes mode: the page sizes to compare. */
  pageSizes: number[]
  provider: BenchProvider
  url: string
  /** SQLite file. */
  file: string
  records: { size: number; id: string }[]
  reps: Record<number, number>
}

export interface MemoryResult {
  heapBeforeMB: number
  /** Reachable after a full GC: the rows a raw read returns; for replay, the most it held at once (probed after each page). */
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
  /** replay and pageSizes modes: why the internals could not be measured. */
  unavailable?: string
  /** replay mode: the library's page size. */
  pageSize?: number
  /** replay mode: the parts of a replay, timed separately. */
  breakdown?:
    | {
        /** The library's read alone: streamForReplay drained, pages dropped unfolded (savepoint lookup included). */
        readMs: number[]
        /** The in-memory fold (EventedModel.replay) over the same events. */
        foldMs: number[]
        /** Only the payload decoding (the zod payload schema) of every event. */
        decodeMs: number[]
        /** Only the state validation (the zod state schema), once per event, as cast() runs it. */
        validateMs: number[]
        /** The read before streaming, for comparison: one findMany of every column of every event. */
        findManyAllMs: number[]
        /** What that findMany holds at once (its rows), after a full GC. */
        findManyAllLiveMB: number
      }
    | { unavailable: string }
  /** pageSizes mode: the library's replay (streamForReplay + EventedModel.replayStream) per page size. */
  pageSizes?: { pageSize: number; timesMs: number[]; liveMB: number }[]
}

const MB = 1024 * 1024
/** Runs on the smallest record before measuring, so that the first size is not measured cold (JIT). */
const WARMUP = 5
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
 * (the streaming replay: after each page it reads).
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
    const read = (id: string) =>
      client.query('SELECT * FROM "Event" WHERE "recordId" = $1 AND "model" = $2 ORDER BY "sequence"', [id, 'Item']).then((r) => r.rows)
    const readMinimal = (id: string) =>
      client
        .query('SELECT "id", "action", "payload", "version", "sequence" FROM "Event" WHERE "recordId" = $1 AND "model" = $2 ORDER BY "sequence"', [id, 'Item'])
        .then((r) => r.rows)
    for (let i = 0; i < WARMUP; i++) await read(job.records[0]!.id)
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
    for (let i = 0; i < WARMUP; i++) await read(job.records[0]!.id)
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

/** The library's internals (from dist/, as the generated client loads them), or why they cannot be loaded. */
interface Internals {
  EventedModel: any
  PrismaEventLog: any
  REPLAY_PAGE_SIZE: number
}

async function loadInternals(): Promise<Internals | string> {
  try {
    const eventedModel = await import(pathToFileURL(path.join(repoRoot, 'dist/extension/core/eventedModel.js')).href)
    const eventLog = await import(pathToFileURL(path.join(repoRoot, 'dist/extension/prisma/prismaEventLog.js')).href)
    const internals = { EventedModel: eventedModel.EventedModel, PrismaEventLog: eventLog.PrismaEventLog, REPLAY_PAGE_SIZE: eventLog.REPLAY_PAGE_SIZE }
    if (
      typeof internals.EventedModel !== 'function' ||
      typeof internals.PrismaEventLog !== 'function' ||
      typeof internals.PrismaEventLog.prototype.streamForReplay !== 'function'
    ) {
      return 'dist internals changed shape (EventedModel, PrismaEventLog.streamForReplay)'
    }
    if (typeof internals.EventedModel.prototype.replayStream !== 'function') return 'dist internals changed shape (EventedModel.replayStream)'
    return internals
  } catch (error) {
    return `dist internals not importable: ${(error as Error).message}`
  }
}

function openClient(job: ReplayJob, modules: Awaited<ReturnType<typeof loadBenchModules>>) {
  const adapter = job.provider === 'postgresql' ? new PrismaPg({ connectionString: job.url, max: 2 }) : new PrismaBetterSqlite3({ url: `file:${job.file}` })
  return new modules.PrismaClient({ adapter })
}

/**
 * The event delegate with a probe after each findMany, while its rows are still held: what a
 * streaming replay holds at once (a page, the state, the page before it if not yet collected).
 * `limit` probes only the first pages (memory per page does not depend on the history).
 */
function probingDelegate(events: any, probe: () => void, limit = Infinity) {
  let pages = 0
  return {
    findFirst: (args: object) => events.findFirst(args),
    create: (args: object) => events.create(args),
    findMany: async (args: object) => {
      const rows = await events.findMany(args)
      if (pages++ < limit) {
        holder.value = rows
        probe()
        holder.value = null
      }
      return rows
    },
  }
}

async function replayMode(job: ReplayJob): Promise<WorkerSizeResult[]> {
  const modules = await loadBenchModules(job.provider)
  const base = openClient(job, modules)
  const prisma = base.$extends(modules.spector())
  const internals = await loadInternals()
  const definition = modules.spectorSchema.models.find((m) => m.metadata.name === 'Item')!
  const results: WorkerSizeResult[] = []
  try {
    for (let i = 0; i < WARMUP; i++) await prisma.item.replay(job.records[0]!.id)
    for (const { size, id } of job.records) {
      // Heap growth and max RSS of the library's own replay.
      const memory = await measureMemory(() => prisma.item.replay(id))
      const timesMs: number[] = []
      let state: any
      for (let i = 0; i < job.reps[size]!; i++) timesMs.push(await timeIt(async () => (state = await prisma.item.replay(id))))
      if (!state || state.value !== size - 1) throw new Error(`replay of ${size} events gave value ${state?.value}, expected ${size - 1}`)
      if (typeof internals === 'string') {
        results.push({ size, timesMs, memory, unavailable: internals, breakdown: { unavailable: internals } })
        continue
      }
      const model = new internals.EventedModel(definition.metadata, definition.codec, definition.changeset)
      // What the same replay holds at once: probed after every page it reads (the library's code, the same options as replay).
      const live = await measureMemory(async (probe) => {
        const log = new internals.PrismaEventLog(probingDelegate(base.event, probe))
        const result = await model.replayStream(id, log.streamForReplay('Item', id, undefined, { hashes: false }))
        if (result.state?.value !== size - 1) throw new Error(`probed replay of ${size} events gave value ${result.state?.value}`)
      })
      memory.liveMB = live.liveMB
      const log = new internals.PrismaEventLog(base.event)
      const readAll = async () => {
        const events: unknown[] = []
        for await (const page of log.streamForReplay('Item', id, undefined, { hashes: false })) for (const e of page) events.push(e)
        return events
      }
      const events = await readAll()
      const findManyAll = () => base.event.findMany({ where: { recordId: id, sequence: { gte: 1 } }, orderBy: { sequence: 'asc' } })
      const findManyAllLiveMB = (await measureMemory(findManyAll)).liveMB
      const readMs: number[] = []
      const foldMs: number[] = []
      const decodeMs: number[] = []
      const validateMs: number[] = []
      const findManyAllMs: number[] = []
      for (let i = 0; i < job.reps[size]!; i++) {
        readMs.push(
          await timeIt(async () => {
            for await (const _page of log.streamForReplay('Item', id, undefined, { hashes: false }));
          }),
        )
        foldMs.push(await timeIt(() => model.replay(id, events)))
        decodeMs.push(
          await timeIt(() => {
            for (const e of events as any[]) definition.codec.decodeAttrs(e.payload)
          }),
        )
        validateMs.push(
          await timeIt(() => {
            for (const _ of events) definition.codec.validateState(state)
          }),
        )
        findManyAllMs.push(await timeIt(findManyAll))
      }
      results.push({
        size,
        timesMs,
        memory,
        pageSize: internals.REPLAY_PAGE_SIZE,
        breakdown: { readMs, foldMs, decodeMs, validateMs, findManyAllMs, findManyAllLiveMB },
      })
    }
  } finally {
    await base.$disconnect()
  }
  return results
}

/**
 * The library's replay (PrismaEventLog.streamForReplay folded by EventedModel.replayStream, the
 * code `prisma.item.replay` runs) at each of `job.pageSizes`, interleaved in rounds whose order
 * rotates; live memory probed over the first pages. How REPLAY_PAGE_SIZE was chosen.
 */
async function pageSizesMode(job: ReplayJob): Promise<WorkerSizeResult[]> {
  const modules = await loadBenchModules(job.provider)
  const internals = await loadInternals()
  if (typeof internals === 'string') {
    return job.records.map(({ size }) => ({
      size,
      timesMs: [],
      memory: { heapBeforeMB: NaN, heapPeakDeltaMB: NaN, liveMB: NaN, maxRssDeltaMB: NaN, maxRssMB: NaN },
      unavailable: internals,
    }))
  }
  const definition = modules.spectorSchema.models.find((m) => m.metadata.name === 'Item')!
  const model = new internals.EventedModel(definition.metadata, definition.codec, definition.changeset)
  const base = openClient(job, modules)
  const log = new internals.PrismaEventLog(base.event)
  const replay = async (id: string, pageSize: number) =>
    (await model.replayStream(id, log.streamForReplay('Item', id, undefined, { pageSize, hashes: false }))).state
  const results: WorkerSizeResult[] = []
  try {
    for (let i = 0; i < WARMUP; i++) for (const pageSize of job.pageSizes) await replay(job.records[0]!.id, pageSize)
    for (const { size, id } of job.records) {
      const times = new Map<number, number[]>(job.pageSizes.map((p) => [p, []]))
      for (let round = 0; round < job.reps[size]!; round++) {
        const order = job.pageSizes.map((_, i) => job.pageSizes[(i + round) % job.pageSizes.length]!)
        for (const pageSize of order) {
          let state: any
          times.get(pageSize)!.push(await timeIt(async () => (state = await replay(id, pageSize))))
          if (state?.value !== size - 1) throw new Error(`replay of ${size} events in pages of ${pageSize} gave value ${state?.value}`)
        }
      }
      const pageSizes = []
      for (const pageSize of job.pageSizes) {
        const live = await measureMemory(async (probe) => {
          const probed = new internals.PrismaEventLog(probingDelegate(base.event, probe, 3))
          await model.replayStream(id, probed.streamForReplay('Item', id, undefined, { pageSize, hashes: false }))
        })
        pageSizes.push({ pageSize, timesMs: times.get(pageSize)!, liveMB: live.liveMB })
      }
      results.push({ size, timesMs: [], memory: { heapBeforeMB: NaN, heapPeakDeltaMB: NaN, liveMB: NaN, maxRssDeltaMB: NaN, maxRssMB: NaN }, pageSizes })
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
const results = job.mode === 'raw' ? await rawMode(job) : job.mode === 'pageSizes' ? await pageSizesMode(job) : await replayMode(job)
process.stdout.write(`RESULT ${JSON.stringify(results)}\n`)
process.exit(0)
