/**
 * Scenario 6, hash chain cost: evented writes on a hashed event log (`@events(hashed=true)`, one
 * chain per record) against the same writes on an unhashed one, and how fast `$verifyHashChain`
 * and `$checkpoint` walk a log.
 */
import type { BenchConfig } from '../lib/config.ts'
import { openBench, type BenchProvider } from '../lib/harness.ts'
import { interleave, ratio, summarize, type Summary } from '../lib/stats.ts'
import { times, type ScenarioResult, type TableSpec } from '../lib/report.ts'
import { barChart, PALETTE } from '../lib/svg.ts'

interface WriteResult extends Summary {
  variant: string
  /** median / the same write on the unhashed log */
  vsUnhashed: number
}

interface VerifyResult {
  events: number
  verifyMs: number
  verifyEventsPerSec: number
  checkpointMs: number
  checkpointEventsPerSec: number
}

const LABELS: Record<string, string> = {
  createPlain: 'create, unhashed log',
  createHashed: 'create, hashed log',
  updatePlain: 'update, unhashed log',
  updateHashed: 'update, hashed log',
}

async function runProvider(config: BenchConfig, provider: BenchProvider): Promise<{ writes: WriteResult[]; verify: VerifyResult }> {
  // savepointEvery keeps the updated record's replay short on both logs: the difference is the hash.
  const plain = await openBench(provider, { spectorOptions: { savepointEvery: 50 } })
  const hashed = await openBench(provider, { schema: 'benchHashed', spectorOptions: { savepointEvery: 50 } })
  try {
    const target = {
      plain: (await plain.prisma.item.create({ data: { name: 'u', value: 0 } })).id,
      hashed: (await hashed.prisma.item.create({ data: { name: 'h', value: 0 } })).id,
    }
    const latencies = await interleave(
      [
        { name: 'createPlain', run: (i) => plain.prisma.item.create({ data: { name: `p-${i}`, value: i } }) },
        { name: 'createHashed', run: (i) => hashed.prisma.item.create({ data: { name: `h-${i}`, value: i } }) },
        { name: 'updatePlain', run: (i) => plain.prisma.item.update({ where: { id: target.plain }, data: { value: i } }) },
        { name: 'updateHashed', run: (i) => hashed.prisma.item.update({ where: { id: target.hashed }, data: { value: i } }) },
      ],
      config.hashChain,
    )
    const summaries = new Map([...latencies].map(([name, values]) => [name, summarize(values)]))
    const writes = [...summaries].map(([variant, s]) => ({
      variant,
      ...s,
      vsUnhashed: ratio(s.medianMs, summaries.get(variant.startsWith('create') ? 'createPlain' : 'updatePlain')!.medianMs),
    }))

    // A log of records x events, written through the library, then walked.
    for (let r = 0; r < config.hashChain.records; r++) {
      const { id } = await hashed.prisma.item.create({ data: { name: `v-${r}`, value: 0 } })
      for (let e = 1; e < config.hashChain.eventsPerRecord; e++) await hashed.prisma.item.update({ where: { id }, data: { value: e } })
    }
    let start = performance.now()
    const verified = await hashed.prisma.$verifyHashChain()
    const verifyMs = performance.now() - start
    if (!verified.ok) throw new Error(`hash chain: the bench's own log does not verify: ${verified.failure.message}`)
    start = performance.now()
    await hashed.prisma.$checkpoint()
    const checkpointMs = performance.now() - start
    return {
      writes,
      verify: {
        events: verified.events,
        verifyMs,
        verifyEventsPerSec: (verified.events / verifyMs) * 1000,
        checkpointMs,
        checkpointEventsPerSec: (verified.events / checkpointMs) * 1000,
      },
    }
  } finally {
    await plain.close()
    await hashed.close()
  }
}

export async function runHashChainScenario(config: BenchConfig, subtitle: string[]): Promise<ScenarioResult> {
  const data: Record<string, { writes: WriteResult[]; verify: VerifyResult }> = {}
  const tables: TableSpec[] = []
  for (const provider of config.providers) {
    const result = await runProvider(config, provider)
    data[provider] = result
    tables.push({
      title: `6. Hash chain cost - ${provider} (${result.writes[0]!.n} writes per variant, interleaved rounds)`,
      columns: ['variant', 'median ms', 'p95 ms', 'ops/s', 'x unhashed'],
      rows: result.writes.map((w) => [LABELS[w.variant], w.medianMs, w.p95Ms, w.opsPerSec, times(w.vsUnhashed)]),
      notes: [
        `$verifyHashChain: ${result.verify.events.toLocaleString('en-US')} events in ${result.verify.verifyMs.toFixed(0)} ms = ${Math.round(result.verify.verifyEventsPerSec).toLocaleString('en-US')} events/s; ` +
          `$checkpoint: ${result.verify.checkpointMs.toFixed(0)} ms = ${Math.round(result.verify.checkpointEventsPerSec).toLocaleString('en-US')} events/s`,
      ],
    })
  }
  const chart = barChart({
    title: 'Scenario 6 - hash chain cost: writes on a hashed vs an unhashed log',
    subtitle: [
      ...subtitle,
      'Bars: median latency; whisker: p95. Lower is better.',
      ...Object.entries(data).map(
        ([p, d]) =>
          `${p}: verification ${Math.round(d.verify.verifyEventsPerSec).toLocaleString('en-US')} events/s over ${d.verify.events.toLocaleString('en-US')} events`,
      ),
    ],
    axisLabel: 'latency per write, ms',
    groups: Object.entries(data).map(([provider, d]) => ({
      label: provider,
      bars: d.writes.map((w, i) => ({
        label: LABELS[w.variant]!,
        value: w.medianMs,
        whisker: w.p95Ms,
        color: PALETTE[i],
        note: `ms (${times(w.vsUnhashed)} unhashed)`,
      })),
    })),
  })
  return {
    id: '6',
    title: 'Hash chain cost',
    status: 'ok',
    data,
    tables,
    chart: { file: '6-hash-chain.svg', svg: chart },
    targets: [],
    notes: [],
  }
}
