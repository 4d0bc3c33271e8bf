/**
 * The project shapes users actually have (issue 11): for each configuration, a fresh application
 * installs prisma-spector from this checkout's `npm pack` tarball, runs the real `prisma generate`,
 * compiles with `tsc` under that configuration's tsconfig, and runs the bank program on SQLite —
 * compiled JS under plain `node` where the configuration emits, `tsx` where it does not (bundler).
 * A case fails with the step and the command's output. The `spector` CLI then runs in some of
 * those projects as a user runs it there: no DATABASE_URL, no --generated, only prisma.config.ts.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { afterAll, describe, test } from 'vitest'
import {
  bankModels,
  bankProgram,
  bankSchema,
  chainedOutcome,
  eventLogModel,
  expectedOutcome,
  generatorBlocks,
  prismaConfig,
  snakeCaseEventLogModel,
  tsconfig,
  type ChainOrder,
  type ClientGeneratorOptions,
} from './harness/bankApp.ts'
import { createE2eProject, expectSuccess, type E2eProject } from './harness/e2eProject.ts'
import type { DependencyTreeName } from './harness/paths.ts'

interface MatrixCase {
  /** The project folder's name. */
  name: string
  tree?: DependencyTreeName
  packageType?: 'module' | 'commonjs'
  client?: ClientGeneratorOptions
  /** Split the schema into prisma/schema/*.prisma. */
  schemaFolder?: boolean
  /** The @events model (default: as the README pastes it). */
  eventLog?: string
  /** The extension the changeset stubs are written with (default 'ts'). */
  changesetExtension?: string
  compilerOptions: Record<string, unknown>
  importSuffix: string
  clientModule?: string
  /** 'node': `tsc` emits into dist and node runs it; 'tsx': `tsc --noEmit`, then tsx runs the sources. */
  runner: 'node' | 'tsx'
  /** Other extensions chained before and after spector(), in this order after it (see bankProgram). */
  chained?: ChainOrder
}

const emitting = { outDir: 'dist', rootDir: '.' }

const cases = {
  bundler: {
    name: 'bundler',
    // Next.js / Vite: the bundler resolves extensionless imports; tsc only type-checks.
    compilerOptions: { module: 'esnext', moduleResolution: 'bundler', noEmit: true, allowJs: true, jsx: 'preserve' },
    importSuffix: '',
    runner: 'tsx',
  },
  nodenext: {
    name: 'nodenext',
    compilerOptions: { module: 'nodenext', ...emitting },
    importSuffix: '.js',
    runner: 'node',
  },
  commonjs: {
    name: 'commonjs',
    packageType: 'commonjs',
    // A CommonJS app on TypeScript 5: `module: commonjs` resolves as node10. verbatimModuleSyntax
    // forbids `import` in CommonJS files, so such apps leave it off.
    compilerOptions: { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true, verbatimModuleSyntax: false, ...emitting },
    importSuffix: '',
    runner: 'node',
  },
  commonjsNodenext: {
    name: 'commonjs-nodenext',
    packageType: 'commonjs',
    // `npm init -y` (no "type": CommonJS) then `tsc --init` (nodenext). tsc --init's
    // verbatimModuleSyntax refuses `import` in CommonJS files, the app's own included, so it is off.
    compilerOptions: { module: 'nodenext', verbatimModuleSyntax: false, ...emitting },
    importSuffix: '.js',
    runner: 'node',
  },
  mts: {
    name: 'mts',
    client: { extra: ['generatedFileExtension = "mts"'] },
    changesetExtension: 'mts',
    compilerOptions: { module: 'nodenext', ...emitting },
    importSuffix: '.mjs',
    runner: 'node',
  },
  prismaClientJs: {
    name: 'prisma-client-js',
    client: { provider: 'prisma-client-js' },
    compilerOptions: { module: 'esnext', moduleResolution: 'bundler', noEmit: true },
    importSuffix: '',
    clientModule: 'index',
    runner: 'tsx',
  },
  schemaFolder: {
    name: 'schema-folder',
    schemaFolder: true,
    compilerOptions: { module: 'nodenext', ...emitting },
    importSuffix: '.js',
    runner: 'node',
  },
  snakeCaseEventLog: {
    name: 'snake-case-event-log',
    eventLog: snakeCaseEventLogModel,
    compilerOptions: { module: 'nodenext', ...emitting },
    importSuffix: '.js',
    runner: 'node',
  },
  chained: {
    name: 'chained-extensions',
    compilerOptions: { module: 'nodenext', ...emitting },
    importSuffix: '.js',
    runner: 'node',
    chained: 'result-last',
  },
  chainedLoggerLast: {
    name: 'chained-extensions-logger-last',
    compilerOptions: { module: 'nodenext', ...emitting },
    importSuffix: '.js',
    runner: 'node',
    chained: 'logger-last',
  },
  zod3: {
    name: 'zod3',
    tree: 'zod3',
    compilerOptions: { module: 'nodenext', ...emitting },
    importSuffix: '.js',
    runner: 'node',
  },
} satisfies Record<string, MatrixCase>

/** Writes the application of a case: package, tsconfig, Prisma config and schema, program. */
function scaffold(matrixCase: MatrixCase): E2eProject {
  const project = createE2eProject(matrixCase.name, { tree: matrixCase.tree ?? 'zod4', packageType: matrixCase.packageType ?? 'module' })
  project.write('tsconfig.json', tsconfig(matrixCase.compilerOptions))
  if (matrixCase.schemaFolder) {
    project.write('prisma.config.ts', prismaConfig('prisma/schema'))
    project.write('prisma/schema/main.prisma', generatorBlocks('../../', matrixCase.client))
    project.write('prisma/schema/events.prisma', matrixCase.eventLog ?? eventLogModel)
    project.write('prisma/schema/bank.prisma', bankModels)
  } else {
    project.write('prisma.config.ts', prismaConfig('prisma/schema.prisma'))
    project.write('prisma/schema.prisma', bankSchema(matrixCase.client, matrixCase.eventLog))
  }
  project.write('src/main.ts', bankProgram(matrixCase.importSuffix, matrixCase.clientModule, matrixCase.chained))
  return project
}

async function generate(project: E2eProject): Promise<string> {
  const outcome = await project.run('prisma', ['generate'])
  return expectSuccess(outcome)
}

/** tsc in the case's configuration, then the program; returns what the program printed. */
async function compileAndRun(project: E2eProject, matrixCase: MatrixCase): Promise<Record<string, unknown>> {
  expectSuccess(await project.run('tsc', ['-p', 'tsconfig.json']))
  await project.createTables(matrixCase.schemaFolder ? 'prisma/schema' : 'prisma/schema.prisma')
  const outcome = matrixCase.runner === 'node' ? await project.run('node', [path.join('dist', 'src', 'main.js')]) : await project.run('tsx', ['src/main.ts'])
  const printed = expectSuccess(outcome).trim().split('\n').at(-1) ?? ''
  return JSON.parse(printed) as Record<string, unknown>
}

function assertBankOutcome(outcome: Record<string, unknown>, chained?: ChainOrder): void {
  const { accountId, ...rest } = outcome
  assert.equal(typeof accountId, 'string')
  assert.deepEqual(rest, chained ? { ...expectedOutcome, ...chainedOutcome } : expectedOutcome)
}

function installedZodMajor(project: E2eProject): number {
  const manifest = JSON.parse(project.read('node_modules/zod/package.json')) as { version: string }
  return Number(manifest.version.split('.')[0])
}

interface BuiltCase {
  project: E2eProject
  /** What the bank program printed. */
  outcome: Record<string, unknown>
}

/** Generate, compile and run a case end to end, and check what the program printed. */
async function buildCase(matrixCase: MatrixCase): Promise<BuiltCase> {
  const project = scaffold(matrixCase)
  projects.push(project)
  await generate(project)
  const stub = `src/changesets/Account.${matrixCase.changesetExtension ?? 'ts'}`
  assert.ok(project.exists(stub), `prisma generate writes the Account changeset stub ${stub}`)
  const outcome = await compileAndRun(project, matrixCase)
  assertBankOutcome(outcome, matrixCase.chained)
  return { project, outcome }
}

const projects: E2eProject[] = []
const builds = new Map<MatrixCase, Promise<BuiltCase>>()

/** A case's build, run once: its own test awaits it, and so do the tests that use its project afterwards (the CLI). */
function built(matrixCase: MatrixCase): Promise<BuiltCase> {
  let build = builds.get(matrixCase)
  if (!build) {
    build = buildCase(matrixCase)
    // The case's own test reports the failure; later users see it again when they await.
    build.catch(() => undefined)
    builds.set(matrixCase, build)
  }
  return build
}

afterAll(() => {
  if (!process.env['SPECTOR_E2E_KEEP']) for (const project of projects) project.remove()
})

/** `spector <args>` in a built project as a user runs it there: no DATABASE_URL, only prisma.config.ts. */
async function spectorCli(project: E2eProject, args: string[]): Promise<string> {
  return expectSuccess(await project.run('spector', args, { DATABASE_URL: undefined }))
}

/**
 * The cases start together and queue for the file's two process slots, so a case's time includes
 * its wait: the default test timeout would fail the last ones on a busy machine.
 */
const queuedCase = { timeout: 600_000 }

describe.concurrent('a bank app on SQLite: prisma generate, tsc, create + execute + replay', queuedCase, () => {
  test('moduleResolution bundler (Next.js / Vite tsconfig), run with tsx', async () => {
    await built(cases.bundler)
  })

  test('nodenext + emit (tsc --init) on zod 4, run with node', async () => {
    const { project } = await built(cases.nodenext)
    assert.equal(installedZodMajor(project), 4)
  })

  test('CommonJS (module commonjs, node10 resolution), run with node', async () => {
    await built(cases.commonjs)
  })

  test('CommonJS package under nodenext (npm init + tsc --init), run with node (require of the ESM package)', async () => {
    await built(cases.commonjsNodenext)
  })

  test('generatedFileExtension = "mts" under nodenext, run with node', async () => {
    const { project } = await built(cases.mts)
    assert.ok(project.exists('generated/prisma/client.mts'), 'the Prisma client is written as .mts')
  })

  test('prisma-client-js: refused at generate time naming prisma-client, or working end to end', async () => {
    const project = scaffold(cases.prismaClientJs)
    projects.push(project)
    const outcome = await project.run('prisma', ['generate'])
    if (outcome.code !== 0) {
      assert.match(`${outcome.stdout}${outcome.stderr}`, /prisma-client-js/)
      assert.match(`${outcome.stdout}${outcome.stderr}`, /"prisma-client"/)
      return
    }
    assertBankOutcome(await compileAndRun(project, cases.prismaClientJs))
  })

  test('a multi-file schema folder (prisma/schema/*.prisma), run with node', async () => {
    await built(cases.schemaFolder)
  })

  // Issue 11 §2: every statement the library writes by hand uses the database names Prisma maps to.
  test('a snake_case event log (@map columns, @@map table) under nodenext, run with node', async () => {
    await built(cases.snakeCaseEventLog)
  })

  // Issue 10: an extension chained before spector() rewrites the call; those chained after see the row write and compute on its result.
  test('other extensions chained before and after spector() under nodenext, run with node', async () => {
    await built(cases.chained)
  })

  // An outsider's trial: with the logging extension last, execute's row write skipped it (it goes
  // through the client minus its last extension), and with the result extension last, execute's
  // result had no computed field, where Prisma's own update gave both.
  test('other extensions chained after spector() in the other order (the logging one last): the logger sees execute, its result has the computed field', async () => {
    await built(cases.chainedLoggerLast)
  })

  test('nodenext + emit on zod 3.25 (the v4 API under zod/v4), run with node', async () => {
    const { project } = await built(cases.zod3)
    assert.equal(installedZodMajor(project), 3)
  })
})

describe.concurrent('the spector CLI in those projects finds the database and the generated module through prisma.config.ts', queuedCase, () => {
  test('history of an account (nodenext)', async () => {
    const { project, outcome } = await built(cases.nodenext)
    const printed = await spectorCli(project, ['history', 'Account', String(outcome['accountId'])])
    for (const action of ['insert', 'update', 'freeze']) assert.match(printed, new RegExp(`\\b${action}\\b`))
  })

  test('check with generatedFileExtension = "mts" (generated/spector/index.mts)', async () => {
    const { project } = await built(cases.mts)
    assert.match(await spectorCli(project, ['check']), /Account: 1 records checked, 0 drifted/)
  })

  test('check with a multi-file schema folder', async () => {
    const { project } = await built(cases.schemaFolder)
    assert.match(await spectorCli(project, ['check']), /Account: 1 records checked, 0 drifted/)
  })
})
