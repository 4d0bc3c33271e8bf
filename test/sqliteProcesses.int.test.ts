/**
 * SQLite with several writer processes on one database file: the library's own transactions take
 * SQLite's write lock up front (waiting on it through the driver's busy timeout) and retry
 * SQLITE_BUSY, so concurrent processes' commands all land, each as event + row.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, test } from 'vitest'
import { providersUnderTest } from './support/databases.ts'
import { withExample } from './support/exampleClient.ts'
import { loadPreparedSchema } from './support/testSchemas.ts'

const run = promisify(execFile)
const writer = fileURLToPath(new URL('./support/sqliteWriterProcess.ts', import.meta.url))
const processes = 4
const commandsPerProcess = 60

interface WriterReport {
  increments: Record<string, number>
  created: string[]
  failures: string[]
}

describe.runIf(providersUnderTest().includes('sqlite'))('SQLite with several writer processes', () => {
  test(`${processes} processes x ${commandsPerProcess} commands on one file (execute on two shared records, create): every command lands, no SQLITE_BUSY`, () =>
    withExample('sqlite', async (ctx) => {
      const shared = [await ctx.prisma.item.create({ data: { name: 'A', value: 0 } }), await ctx.prisma.item.create({ data: { name: 'B', value: 0 } })]
      const prepared = loadPreparedSchema('example', 'sqlite')
      const args = [prepared.clientModule, prepared.spectorModule, ctx.db.url, shared.map((r) => r.id).join(','), String(commandsPerProcess)]
      const reports = await Promise.all(
        Array.from({ length: processes }, async () => {
          const { stdout } = await run(process.execPath, ['--import', 'tsx', writer, ...args], { timeout: 120_000 })
          return JSON.parse(stdout.trim().split('\n').at(-1)!) as WriterReport
        }),
      )
      assert.deepEqual(
        reports.flatMap((r) => r.failures),
        [],
      )
      const total = reports.reduce((sum, r) => sum + Object.values(r.increments).reduce((a, b) => a + b, 0), 0)
      assert.equal(total, (processes * commandsPerProcess * 9) / 10)
      for (const record of shared) {
        const increments = reports.reduce((sum, r) => sum + (r.increments[record.id] ?? 0), 0)
        const events = await ctx.prisma.item.events(record.id)
        assert.deepEqual(
          events.map((e) => e.sequence),
          Array.from({ length: increments + 1 }, (_, i) => i + 1),
        )
        assert.equal((await ctx.base.item.findUnique({ where: { id: record.id } }))!.value, increments)
        assert.equal((await ctx.prisma.item.replay(record.id))!.value, increments)
      }
      const created = reports.flatMap((r) => r.created)
      assert.equal(created.length, (processes * commandsPerProcess) / 10)
      assert.equal(await ctx.base.item.count(), shared.length + created.length)
      assert.deepEqual((await ctx.prisma.item.check()).drifted, [])
    }))
})
