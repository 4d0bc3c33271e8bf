/**
 * Latency statistics and the timing loops the scenarios share.
 */

export interface Summary {
  /** Operations measured. */
  n: number
  medianMs: number
  p95Ms: number
  meanMs: number
  minMs: number
  maxMs: number
  /** Sum of the measured latencies. */
  totalMs: number
  /** n / totalMs: operations per second for one sequential caller. */
  opsPerSec: number
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

export function summarize(latenciesMs: number[]): Summary {
  const sorted = [...latenciesMs].sort((a, b) => a - b)
  const n = sorted.length
  const totalMs = sorted.reduce((sum, v) => sum + v, 0)
  return {
    n,
    medianMs: n ? (n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2) : NaN,
    p95Ms: percentile(sorted, 95),
    meanMs: n ? totalMs / n : NaN,
    minMs: n ? sorted[0]! : NaN,
    maxMs: n ? sorted[n - 1]! : NaN,
    totalMs,
    opsPerSec: totalMs > 0 ? (n * 1000) / totalMs : NaN,
  }
}

export async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

export interface Variant {
  name: string
  /** One operation; i counts this variant's operations from 0 (warm-up included). */
  run(i: number): Promise<unknown>
}

export interface InterleaveOptions {
  warmup: number
  rounds: number
  perRound: number
}

/**
 * Runs the variants in rounds, `perRound` operations of each per round, the order rotating from
 * round to round, so that background load (another process on the machine) spreads evenly over
 * the variants instead of falling on whichever ran while it happened.
 */
export async function interleave(variants: Variant[], options: InterleaveOptions): Promise<Map<string, number[]>> {
  const counters = new Map(variants.map((v) => [v.name, 0]))
  const latencies = new Map(variants.map((v) => [v.name, [] as number[]]))
  const next = (v: Variant) => {
    const i = counters.get(v.name)!
    counters.set(v.name, i + 1)
    return i
  }
  for (const v of variants) for (let i = 0; i < options.warmup; i++) await v.run(next(v))
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(round + k) % variants.length]!
      const out = latencies.get(v.name)!
      for (let j = 0; j < options.perRound; j++) {
        const i = next(v)
        const start = performance.now()
        await v.run(i)
        out.push(performance.now() - start)
      }
    }
  }
  return latencies
}

export function ratio(value: number, baseline: number): number {
  return baseline > 0 && Number.isFinite(value) ? value / baseline : NaN
}

export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value
  const f = 10 ** digits
  return Math.round(value * f) / f
}
