/**
 * Child process of scenario 9: runs one whole-log read (`prisma.item.check()` or
 * `prisma.$verifyHashChain()`) in a fresh process, so that its peak memory is its own. Started by
 * wholeLog.ts with the job in BENCH_WHOLE_LOG_JOB; prints one line `RESULT {json}`.
 *
 * Memory: after a full GC, the heap is sampled every millisecond while the read runs (garbage
 * included: V8 collects lazily) and once right after it; `maxRSS` is the process's peak resident
 * size (getrusage), before and after the read.
 */
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaPg } from '@prisma/adapter-pg'
import { loadBenchModules, type BenchProvider } from '../lib/harness.ts'

export interface WholeLogJob {
  operation: 'check' | 'verify'
  provider: BenchProvider
  url: string
  /** SQLite file. */
  file: string
  /**
   * Also measure what the read holds at once: a full GC and heapUsed after a query the read makes
   * (while its result is still held), at most one every `probeEveryMs` ms. Slower: a separate run.
   */
  probeEveryMs?: number
}

export interface WholeLogResult {
  operation: WholeLogJob['operation']
  ms: number
  /** check: rows and logged records looked at; verify: records. */
  records: number
  /** verify: events verified. */
  events: number
  /** check: drifted records (the seeded log has none). */
  drifted: number
  heapBeforeMB: number
  /** Probed runs: the most reachable at once after a full GC (heapUsed minus heapUsed before), the query's result included. */
  liveMB?: number
  /** Probed runs: how many probes were taken. */
  probes?: number
  /** Highest heapUsed seen during and right after the read, minus heapUsed before. */
  heapPeakDeltaMB: number
  /** Peak RSS of the process before the read (client loaded and connected) and after it. */
  maxRssBeforeMB: number
  maxRssMB: number
}

const MB = 1024 * 1024
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})

async function run(job: WholeLogJob): Promise<WholeLogResult> {
  const modules = await loadBenchModules(job.provider, 'benchHashed')
  const adapter = job.provider === 'postgresql' ? new PrismaPg({ connectionString: job.url, max: 2 }) : new PrismaBetterSqlite3({ url: `file:${job.file}` })
  const base = new modules.PrismaClient({ adapter })
  let probe: (() => void) | undefined
  let lastProbe = 0
  // Below prisma-spector: sees every query the library makes, with its result still held.
  const probing = job.probeEveryMs
    ? base.$extends({
        query: {
          async $allOperations({ args, query }: { args: unknown; query: (args: unknown) => Promise<unknown> }) {
            const result = await query(args)
            if (probe && performance.now() - lastProbe >= job.probeEveryMs!) probe()
            return result
          },
        },
      })
    : base
  const prisma = probing.$extends(modules.spector())
  try {
    // Connected and compiled before measuring: one small read of each kind.
    await prisma.item.findFirst({ select: { id: true } })
    await prisma.event.findFirst({ select: { id: true } })
    for (let i = 0; i < 3; i++) gc()
    const before = process.memoryUsage().heapUsed
    const rssBefore = process.resourceUsage().maxRSS
    let peak = before
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed)
    }, 1)
    let livePeak = 0
    let probes = 0
    if (job.probeEveryMs) {
      probe = () => {
        peak = Math.max(peak, process.memoryUsage().heapUsed)
        gc()
        gc()
        livePeak = Math.max(livePeak, process.memoryUsage().heapUsed - before)
        probes++
        lastProbe = performance.now()
      }
    }
    const start = performance.now()
    let records = 0
    let events = 0
    let drifted = 0
    if (job.operation === 'check') {
      const report = await prisma.item.check()
      records = report.checked
      drifted = report.drifted.length
    } else {
      const result = await prisma.$verifyHashChain()
      if (!result.ok) throw new Error(`the seeded log does not verify: ${result.failure.message}`)
      records = result.records
      events = result.events
    }
    const ms = performance.now() - start
    peak = Math.max(peak, process.memoryUsage().heapUsed)
    clearInterval(timer)
    return {
      operation: job.operation,
      ms,
      records,
      events,
      drifted,
      heapBeforeMB: before / MB,
      ...(job.probeEveryMs ? { liveMB: livePeak / MB, probes } : {}),
      heapPeakDeltaMB: (peak - before) / MB,
      maxRssBeforeMB: rssBefore / 1024,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
    }
  } finally {
    await base.$disconnect()
  }
}

const job = JSON.parse(process.env.BENCH_WHOLE_LOG_JOB ?? 'null') as WholeLogJob | null
if (!job) {
  process.stderr.write('wholeLogWorker: BENCH_WHOLE_LOG_JOB is not set (this file is started by bench/scenarios/wholeLog.ts)\n')
  process.exit(2)
}
const result = await run(job)
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`)
process.exit(0)
