/**
 * Sizes and repetitions of a full run and of `--quick`, and the command line.
 *
 *   npm run bench                       every scenario, full sizes (~10 minutes on 2 cores)
 *   npm run bench -- --quick            every scenario at tiny sizes (CI smoke run, well under a minute)
 *   npm run bench -- --only=1,4         some scenarios (written to bench/results/partial/)
 *   npm run bench -- --providers=sqlite only SQLite (scenario 5 is PostgreSQL-only and is skipped)
 *   npm run bench -- --providers=mysql  MariaDB (scenarios 1 and 4 only; the others say they skip it)
 *   npm run bench -- --savepoint-every=50   the savepoint policy of scenarios 2 and 4 (default 100; quick 10)
 *   npm run bench -- --out=DIR          where JSON and charts go
 */
import path from 'node:path'
import { repoRoot } from '../../test/support/testSchemas.ts'
import type { BenchProvider } from './harness.ts'

export const SCENARIO_IDS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'profile'] as const
export type ScenarioId = (typeof SCENARIO_IDS)[number]

export interface BenchConfig {
  quick: boolean
  providers: BenchProvider[]
  scenarios: ScenarioId[]
  outDir: string
  /** Whether this is less than a full run (--only, or a provider of the default set left out): results go to partial/. */
  partial: boolean
  create: { warmup: number; rounds: number; perRound: number }
  update: { sizes: number[]; records: (size: number) => number; savepointEvery: number; warmup: number; plainOps: number }
  /** pageSizes: the replay page sizes compared (the library's own is REPLAY_PAGE_SIZE). */
  replay: { sizes: number[]; reps: (size: number) => number; pageSizes: number[] }
  appends: { warmup: number; rounds: number; perRound: number; savepointEvery: number }
  /**
   * Scenario 5: writer counts; updates per run (split over the writers); updates each distinct
   * record gets; how many records the writers share in the shared-records runs (issue 15's target
   * says 100); rounds of every variant, the order rotating from round to round.
   */
  concurrency: { writers: number[]; totalOps: number; updatesPerRecord: number; sharedRecords: number; rounds: number }
  profile: { ops: number; history: number; microIterations: number }
  hashChain: { warmup: number; rounds: number; perRound: number; records: number; eventsPerRecord: number }
  /** Scenario 7: events in the log, the feed's page size, the relay's batch size. */
  feed: { events: number; pageSize: number; relayBatch: number }
  /** Scenario 8: events of the record the studio opens. */
  studio: { events: number }
  /** Scenario 9: `check()` and `$verifyHashChain` over a hashed log of records x eventsPerRecord events. */
  wholeLog: { records: number; eventsPerRecord: number }
}

/**
 * The providers of a run without `--providers`. MariaDB is among them: only scenarios 1 and 4 run
 * on it (the others say they skip it), which adds seconds to `--quick` (CI) and about a minute and
 * a half to a full run, and issue 15's create target is stated for MariaDB too.
 */
export const DEFAULT_PROVIDERS: readonly BenchProvider[] = ['sqlite', 'postgresql', 'mysql']

const PROVIDER_NAMES: Record<string, BenchProvider> = {
  sqlite: 'sqlite',
  postgresql: 'postgresql',
  postgres: 'postgresql',
  pg: 'postgresql',
  mysql: 'mysql',
  mariadb: 'mysql',
}

function argValue(args: string[], name: string): string | undefined {
  const prefix = `--${name}=`
  const inline = args.find((a) => a.startsWith(prefix))
  if (inline) return inline.slice(prefix.length)
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}

export function parseConfig(args: string[]): BenchConfig {
  const known = ['--quick', '--only', '--providers', '--savepoint-every', '--out', '--help']
  for (const a of args) {
    if (a.startsWith('--') && !known.some((k) => a === k || a.startsWith(`${k}=`))) throw new Error(`bench: unknown option ${a} (known: ${known.join(' ')})`)
  }
  const quick = args.includes('--quick')
  const providerArg = argValue(args, 'providers')
  const providers: BenchProvider[] = providerArg ? [] : [...DEFAULT_PROVIDERS]
  for (const name of providerArg?.split(',') ?? []) {
    const provider = PROVIDER_NAMES[name.trim().toLowerCase()]
    if (!provider) throw new Error(`bench: unknown provider ${name} (sqlite, postgresql, mysql; mariadb is mysql)`)
    if (!providers.includes(provider)) providers.push(provider)
  }
  const onlyArg = argValue(args, 'only')
  const scenarios = onlyArg ? (onlyArg.split(',').map((s) => s.trim()) as ScenarioId[]) : [...SCENARIO_IDS]
  for (const s of scenarios) if (!SCENARIO_IDS.includes(s)) throw new Error(`bench: unknown scenario ${s} (${SCENARIO_IDS.join(', ')})`)
  const partial = Boolean(onlyArg) || DEFAULT_PROVIDERS.some((p) => !providers.includes(p))
  const outDir = path.resolve(argValue(args, 'out') ?? path.join(repoRoot, 'bench/results', quick ? 'quick' : partial ? 'partial' : ''))
  const savepointEveryArg = argValue(args, 'savepoint-every')
  const savepointEvery = savepointEveryArg ? Number(savepointEveryArg) : quick ? 10 : 100
  if (!Number.isInteger(savepointEvery) || savepointEvery < 1) throw new Error('bench: --savepoint-every takes a positive integer')

  if (quick) {
    return {
      quick,
      providers,
      scenarios,
      outDir,
      partial,
      create: { warmup: 3, rounds: 2, perRound: 5 },
      update: { sizes: [1, 10, 100], records: () => 3, savepointEvery, warmup: 2, plainOps: 5 },
      replay: { sizes: [100, 1000], reps: () => 2, pageSizes: [100, 500] },
      appends: { warmup: 2, rounds: 2, perRound: 5, savepointEvery },
      concurrency: { writers: [1, 4, 8, 16], totalOps: 32, updatesPerRecord: 2, sharedRecords: 100, rounds: 1 },
      profile: { ops: 5, history: 50, microIterations: 200 },
      hashChain: { warmup: 2, rounds: 2, perRound: 5, records: 10, eventsPerRecord: 3 },
      feed: { events: 400, pageSize: 100, relayBatch: 100 },
      studio: { events: 2000 },
      wholeLog: { records: 200, eventsPerRecord: 3 },
    }
  }
  return {
    quick,
    providers,
    scenarios,
    outDir,
    partial,
    create: { warmup: 50, rounds: 10, perRound: 100 },
    update: {
      sizes: [1, 100, 1000, 10_000],
      records: (size) => (size >= 10_000 ? 16 : size >= 1000 ? 30 : 60),
      savepointEvery,
      warmup: 10,
      plainOps: 100,
    },
    replay: { sizes: [1000, 10_000, 100_000], reps: (size) => (size >= 100_000 ? 5 : size >= 10_000 ? 7 : 15), pageSizes: [500, 1000, 2000, 5000, 10_000] },
    appends: { warmup: 20, rounds: 8, perRound: 100, savepointEvery },
    concurrency: { writers: [1, 4, 8, 16], totalOps: 480, updatesPerRecord: 5, sharedRecords: 100, rounds: 3 },
    profile: { ops: 60, history: 1000, microIterations: 20_000 },
    hashChain: { warmup: 20, rounds: 8, perRound: 50, records: 500, eventsPerRecord: 10 },
    feed: { events: 20_000, pageSize: 500, relayBatch: 500 },
    studio: { events: 100_000 },
    wholeLog: { records: 50_000, eventsPerRecord: 3 },
  }
}
