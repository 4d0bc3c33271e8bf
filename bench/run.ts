/**
 * `npm run bench`: prisma-spector against plain Prisma, the raw driver and Emmett, side by side,
 * on SQLite and PostgreSQL (issue 6), and on MariaDB in the scenarios written for it (issue 15).
 * Tables go to stdout, progress to stderr; a JSON file per run, latest.json and one SVG chart per
 * scenario go to bench/results/ (see bench/README.md).
 *
 * Targets are reported as met or missed, never asserted: the exit code is non-zero only when a
 * scenario failed to run.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseConfig, type BenchConfig, type ScenarioId } from './lib/config.ts'
import { closeAll, openDatabaseNames, prepareBenchSchemas, type BenchProvider } from './lib/harness.ts'
import { repoRoot } from '../test/support/testSchemas.ts'
import { loadSample, machineInfo, startLoadMonitor, type LoadSample, type MachineInfo } from './lib/machine.ts'
import { renderTable, renderTargets, type ScenarioResult } from './lib/report.ts'
import { runCreateScenario } from './scenarios/create.ts'
import { runUpdateScenario } from './scenarios/update.ts'
import { runReplayScenario } from './scenarios/replay.ts'
import { runAppendsScenario } from './scenarios/appends.ts'
import { runConcurrencyScenario } from './scenarios/concurrency.ts'
import { runHashChainScenario } from './scenarios/hashChain.ts'
import { runProfile } from './scenarios/profile.ts'
import { runFeedScenario } from './scenarios/feed.ts'
import { runStudioScenario } from './scenarios/studio.ts'
import { runWholeLogScenario } from './scenarios/wholeLog.ts'

type Runner = (config: BenchConfig, subtitle: string[]) => Promise<ScenarioResult>

const ALL: BenchProvider[] = ['sqlite', 'postgresql', 'mysql']
/** Scenarios whose seeding, raw SQL or workers were written for SQLite and PostgreSQL only. */
const NOT_MARIADB: BenchProvider[] = ['sqlite', 'postgresql']

/** Each scenario with the providers it runs on; run() gets a config holding only those. */
const RUNNERS: Record<ScenarioId, { title: string; run: Runner; providers: BenchProvider[] }> = {
  '1': { title: 'Create', run: runCreateScenario, providers: ALL },
  '2': { title: 'Update as history grows', run: runUpdateScenario, providers: NOT_MARIADB },
  '3': { title: 'Replay', run: runReplayScenario, providers: NOT_MARIADB },
  '4': { title: 'Appends against Emmett', run: runAppendsScenario, providers: ALL },
  '5': { title: 'Concurrency (PostgreSQL)', run: runConcurrencyScenario, providers: ['postgresql'] },
  '6': { title: 'Hash chain cost', run: runHashChainScenario, providers: NOT_MARIADB },
  '7': { title: 'Change feed and relay (PostgreSQL)', run: runFeedScenario, providers: ['postgresql'] },
  '8': { title: 'Studio record page', run: runStudioScenario, providers: NOT_MARIADB },
  '9': { title: 'Whole-log reads: check() and $verifyHashChain', run: runWholeLogScenario, providers: NOT_MARIADB },
  profile: { title: 'Where the time goes', run: runProfile, providers: NOT_MARIADB },
}

/**
 * Runs a scenario on the providers it supports among the run's; the others are named in a note,
 * so a skipped provider is visible in the output rather than silently missing.
 */
async function runOnSupportedProviders(id: ScenarioId, config: BenchConfig, subtitle: string[]): Promise<ScenarioResult> {
  const { title, run, providers } = RUNNERS[id]
  const supported = config.providers.filter((p) => providers.includes(p))
  const skipped = config.providers.filter((p) => !providers.includes(p))
  const skipNote = skipped.length ? [`scenario ${id} skipped on ${skipped.join(', ')}: it runs on ${providers.join(', ')} only`] : []
  if (skipped.length) progress(skipNote[0]!)
  if (!supported.length) return { id, title, status: 'ok', data: { skipped }, tables: [], targets: [], notes: skipNote }
  const result = await run({ ...config, providers: supported }, subtitle)
  return { ...result, notes: [...result.notes, ...skipNote] }
}

function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`)
}

function describeMachine(m: MachineInfo): string[] {
  const pg = m.postgres
    ? `PostgreSQL ${m.postgres.version} (synchronous_commit=${m.postgres.synchronous_commit}, fsync=${m.postgres.fsync})`
    : 'PostgreSQL not used'
  const maria = m.mariadb
    ? `; MariaDB ${m.mariadb.version.split('-')[0]} (innodb_flush_log_at_trx_commit=${m.mariadb.innodb_flush_log_at_trx_commit}, log_bin=${m.mariadb.log_bin})`
    : ''
  return [
    `${m.cpuModel}, ${m.nproc} cores, ${m.memoryGiB} GiB; ${pg}${maria}; SQLite ${m.sqlite.version} (journal_mode=${m.sqlite.journal_mode}, synchronous=${m.sqlite.synchronous})`,
    `node ${m.node}, Prisma ${m.prisma}, prisma-spector ${m.git.commit}${m.git.dirty ? ' + uncommitted changes' : ''}`,
  ]
}

async function main(): Promise<number> {
  const config = parseConfig(process.argv.slice(2))
  if (process.argv.includes('--help')) {
    process.stdout.write(
      'usage: npm run bench [-- --quick] [--only=1,2,3,4,5,6,7,8,9,profile] [--providers=sqlite,postgresql,mysql] [--savepoint-every=N] [--out=DIR]\n',
    )
    return 0
  }
  const started = Date.now()
  let interrupted = false
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130)
    interrupted = true
    progress('interrupted: dropping the bench databases')
    void closeAll().finally(() => process.exit(130))
  })
  progress(
    `${config.quick ? 'quick' : 'full'} run: scenarios ${config.scenarios.join(', ')} on ${config.providers.join(', ')}; results to ${path.relative(process.cwd(), config.outDir) || '.'}`,
  )
  await prepareBenchSchemas(config.providers)
  progress(`generated the bench schema (test/.generated/bench/) in ${Date.now() - started} ms`)
  const machine = await machineInfo({
    postgres: config.providers.includes('postgresql') || config.scenarios.includes('5'),
    mariadb: config.providers.includes('mysql'),
  })
  const subtitle = describeMachine(machine)
  if (config.quick) subtitle.push('QUICK RUN (tiny sizes): proves the benchmarks work; the numbers are not meaningful.')

  const results: (ScenarioResult & {
    load: { before: LoadSample; after: LoadSample; maxLoadavg1: number; maxTestProcesses: number; maxOtherTestDatabases: number }
  })[] = []
  for (const id of config.scenarios) {
    const { title } = RUNNERS[id]
    progress(`scenario ${id}: ${title}`)
    const before = await loadSample(openDatabaseNames)
    const monitor = startLoadMonitor(openDatabaseNames)
    const t0 = Date.now()
    let result: ScenarioResult
    try {
      result = await runOnSupportedProviders(id, config, subtitle)
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
      progress(`scenario ${id} FAILED: ${message}`)
      result = { id, title, status: 'failed', data: null, tables: [], targets: [], notes: [], error: message }
    }
    result.durationMs = Date.now() - t0
    const after = await loadSample(openDatabaseNames)
    const samples = [before, ...(await monitor.stop()), after]
    const load = {
      before,
      after,
      maxLoadavg1: Math.max(...samples.map((s) => s.loadavg1)),
      maxTestProcesses: Math.max(...samples.map((s) => s.testProcesses)),
      maxOtherTestDatabases: Math.max(...samples.map((s) => s.otherTestDatabases ?? 0)),
    }
    results.push({ ...result, load })
    progress(
      `scenario ${id} ${result.status} in ${(result.durationMs / 1000).toFixed(1)} s (max load ${load.maxLoadavg1}; concurrent test processes ${load.maxTestProcesses}, other test databases ${load.maxOtherTestDatabases})`,
    )
    for (const table of result.tables) process.stdout.write(`\n${renderTable(table)}\n`)
    for (const note of result.notes) process.stdout.write(`  note: ${note}\n`)
    if (result.status !== 'ok') process.stdout.write(`\n${id}. ${title}: ${result.status.toUpperCase()}${result.error ? `\n${result.error}` : ''}\n`)
  }

  const targets = results.flatMap((r) => r.targets)
  if (targets.length) process.stdout.write(`\n${renderTable(renderTargets(targets))}\n`)

  const stamp = new Date(started)
    .toISOString()
    .replace(/[:]/g, '-')
    .replace(/\.\d+Z$/, 'Z')
  const noisy = results.some((r) => r.load.maxTestProcesses > 0 || r.load.maxOtherTestDatabases > 0)
  const output = {
    bench: 'prisma-spector',
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    mode: config.quick ? 'quick' : config.partial ? 'partial' : 'full',
    args: process.argv.slice(2),
    machine,
    concurrentLoadSeen: noisy,
    config: {
      ...config,
      outDir: path.relative(repoRoot, config.outDir) || '.',
      update: { ...config.update, records: config.update.sizes.map((s) => [s, config.update.records(s)]) },
      replay: { ...config.replay, reps: config.replay.sizes.map((s) => [s, config.replay.reps(s)]) },
    },
    targets,
    scenarios: results.map(({ chart, ...rest }) => ({ ...rest, chart: chart ? chart.file : null })),
  }
  mkdirSync(config.outDir, { recursive: true })
  const json = `${JSON.stringify(output, (_k, v) => (typeof v === 'bigint' ? v.toString() : typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`
  // Quick runs keep only latest.json: they prove the benchmarks work, their numbers are not kept.
  if (!config.quick) writeFileSync(path.join(config.outDir, `${stamp}.json`), json)
  writeFileSync(path.join(config.outDir, 'latest.json'), json)
  for (const r of results) if (r.chart) writeFileSync(path.join(config.outDir, r.chart.file), r.chart.svg)
  const rel = (f: string) => path.relative(process.cwd(), path.join(config.outDir, f))
  process.stdout.write(
    `\nResults: ${config.quick ? '' : `${rel(`${stamp}.json`)} and `}${rel('latest.json')}; charts: ${results
      .filter((r) => r.chart)
      .map((r) => rel(r.chart!.file))
      .join(', ')}\n`,
  )
  if (noisy) {
    const which = results.filter((r) => r.load.maxTestProcesses > 0 || r.load.maxOtherTestDatabases > 0).map((r) => r.id)
    process.stdout.write(
      `Warning: a concurrent \`npm test\` (node --test processes or other test databases) ran during scenario(s) ${which.join(', ')}: those numbers are noisy.\n`,
    )
  }
  progress(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return results.some((r) => r.status === 'failed') ? 1 : 0
}

main().then(
  async (code) => {
    await closeAll()
    process.exit(code)
  },
  async (error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    await closeAll()
    process.exit(1)
  },
)
