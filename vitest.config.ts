/**
 * Three projects, by what a test needs:
 * - unit: no database and no generated client (`*.unit.test.ts`), runs in seconds;
 * - int: every provider under test (`SPECTOR_TEST_PROVIDERS`), each test on a database of its own;
 * - int-direct: the write-path suites again, their clients made with `spectorAdapter`, so that every
 *   create and known-record command they make takes the direct write (README, "Direct writes");
 * - e2e: a temporary project that runs the real `prisma generate` and `tsc`.
 * `npm test` prepares what int and e2e need (build, generate, typecheck) and runs all three.
 */
import { defineConfig } from 'vitest/config'

const excluded = ['test/.generated/**', 'node_modules/**', 'dist/**']

/** The suites of what Prisma users rely on in a write (types, names, extensions, omit, transactions, concurrency, refusals). */
const directWriteSuites = [
  'writePath',
  'optimisticCommands',
  'chainedExtensions',
  'globalOmit',
  'guarantees',
  'payloadTypes',
  'payloadEncoding',
  'nativeTypes',
  'mappedNames',
  'concurrency',
  'transactions',
  'badInput',
  'unknownFields',
  'stateCache',
  'requestContext',
  'sqliteProcesses',
].map((name) => `test/${name}.int.test.ts`)

export default defineConfig({
  test: {
    // Suites talk to real databases and spawn processes: a hung one should fail, not stall CI.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Native drivers (better-sqlite3) and process-wide state (AsyncLocalStorage, pools) want processes, not threads.
    pool: 'forks',
    // Two cores on the machines this runs on: two files at a time.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.unit.test.ts'], exclude: excluded } },
      // Database suites one file at a time: their concurrency tests size pools and waits for a quiet machine.
      { extends: true, test: { name: 'int', include: ['test/**/*.int.test.ts'], exclude: excluded, fileParallelism: false } },
      {
        extends: true,
        test: { name: 'int-direct', include: directWriteSuites, exclude: excluded, fileParallelism: false, env: { SPECTOR_TEST_ADAPTER: 'spector' } },
      },
      // e2e: test/e2e/harness/globalSetup.ts packs this checkout once per run and installs the tarball for the temp projects.
      {
        extends: true,
        test: { name: 'e2e', include: ['test/**/*.e2e.test.ts'], exclude: excluded, globalSetup: ['test/e2e/harness/globalSetup.ts'] },
      },
    ],
  },
})
