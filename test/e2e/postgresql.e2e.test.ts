/**
 * The bank app on PostgreSQL from the packed package: there prisma-spector writes a create, and a
 * command on a record the process knows, as one statement with its own SQL, so what an outsider's
 * schema names and types (a uuid record id in a snake_case event log, a mapped enum, a
 * Decimal(18, 2), Json) must hold in that SQL too. An event log with a `@db.Uuid` recordId made
 * every such statement fail, found by an outsider's trial from `npm pack`.
 *
 * The Prisma CLI cannot migrate on this machine: the test creates a database of its own from the
 * schema's CREATE script (the wasm schema engine, as the int tests do) and drops it afterwards.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { afterAll, describe, test } from 'vitest'
import { createScript, createTestDatabase, type TestDatabase } from '../support/databases.ts'
import { prismaConfig, tsconfig } from './harness/bankApp.ts'
import { createE2eProject, expectSuccess, type E2eProject } from './harness/e2eProject.ts'
import { postgresBankProgram, postgresBankSchema } from './harness/postgresBankApp.ts'

interface Step {
  statements: number
  matchesRow: boolean
  result: Record<string, unknown>
}

interface PostgresBankOutcome {
  id: string
  create: Step
  update: Step
  execute: Step
  /** Raw queries an extension before spector() saw during create, update and execute. */
  rawQueriesOfCommands: number
  other: { balance: string }
  afterOther: Step
  events: Array<[string, number]>
  driftBefore: unknown[]
  driftAfter: unknown[]
}

const cleanups: Array<() => Promise<void> | void> = []

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

describe('a bank app on PostgreSQL: prisma generate, tsc, one-statement commands', () => {
  test.each([
    ['', false],
    [', the client made with spectorAdapter', true],
  ])(
    'a snake_case event log with a uuid record_id, a mapped enum, Decimal(18, 2) and Json under nodenext, run with node; a second process moves the record%s',
    async (_, wrapped) => {
      const database: TestDatabase = await createTestDatabase('postgresql', await createScript(postgresBankSchema, 'postgresql'))
      cleanups.push(() => database.drop())
      const project: E2eProject = createE2eProject(wrapped ? 'postgresql-wrapped' : 'postgresql', { databaseUrl: database.url })
      if (!process.env['SPECTOR_E2E_KEEP']) cleanups.push(() => project.remove())
      project.write('tsconfig.json', tsconfig({ module: 'nodenext', outDir: 'dist', rootDir: '.' }))
      project.write('prisma.config.ts', prismaConfig('prisma/schema.prisma'))
      project.write('prisma/schema.prisma', postgresBankSchema)
      project.write('src/main.ts', postgresBankProgram)
      expectSuccess(await project.run('prisma', ['generate']))
      expectSuccess(await project.run('tsc', ['-p', 'tsconfig.json']))
      const printed = expectSuccess(await project.run('node', [path.join('dist', 'src', 'main.js')], wrapped ? { SPECTOR_ADAPTER: '1' } : undefined))
      const outcome = JSON.parse(printed.trim().split('\n').at(-1) ?? '') as PostgresBankOutcome

      // One statement each, giving what Prisma's own read gives: 100.255 comes back rounded to the column's scale.
      assert.deepEqual(
        [outcome.create, outcome.update, outcome.execute].map((step) => [step.statements, step.matchesRow]),
        [
          [1, true],
          [1, true],
          [1, true],
        ],
      )
      // Without spectorAdapter each statement goes through Prisma's $queryRawUnsafe; with it, on the connection.
      assert.equal(outcome.rawQueriesOfCommands, wrapped ? 0 : 3)
      assert.deepEqual([outcome.create.result['balance'], outcome.update.result['balance'], outcome.execute.result['balance']], ['100.26', '101.01', '101.01'])
      assert.equal(outcome.update.result['holderName'], 'Augusta Ada King')
      assert.deepEqual(outcome.create.result['profile'], { tier: 'gold', tags: ['early'], limits: { daily: 500 } })
      assert.deepEqual([outcome.execute.result['status'], outcome.execute.result['frozenAt']], ['FROZEN', '2026-01-02T03:04:05.000Z'])
      assert.deepEqual(outcome.driftBefore, [])

      // The other process wrote sequence 4 behind this one's back; its next command still lands, from the moved state.
      assert.deepEqual(outcome.other, { balance: '111.01' })
      assert.equal(outcome.afterOther.matchesRow, true)
      assert.deepEqual([outcome.afterOther.result['status'], outcome.afterOther.result['balance']], ['CLOSED', '111.01'])
      assert.deepEqual(outcome.events, [
        ['insert', 1],
        ['update', 2],
        ['freeze', 3],
        ['update', 4],
        ['update', 5],
      ])
      assert.deepEqual(outcome.driftAfter, [])

      // What the statements wrote, in the database's own names and values.
      assert.deepEqual(await database.query('SELECT status::text AS status, balance::text AS balance, holder_name FROM accounts WHERE id = $1', [outcome.id]), [
        { status: 'closed', balance: '111.01', holder_name: 'Augusta Ada King' },
      ])
      assert.deepEqual(await database.query('SELECT record_id::text AS record_id, count(*)::int AS events FROM events GROUP BY record_id'), [
        { record_id: outcome.id, events: 5 },
      ])
    },
  )
})
