/**
 * One `spectorAdapter(...)` factory handed to two PrismaClients: a module-level adapter that a
 * re-created client reuses (a dev server's reload, a test suite, a client per tenant made from one
 * adapter). Found by a stranger's test.
 *
 * spectorAdapter used to remember the connection a factory opened last, and a direct write of
 * either client took that one: client 1's creates and known-record commands ran on client 2's
 * connection, outside client 1's adapter lock, so on SQLite, while client 1's own transaction held
 * the write lock, better-sqlite3 waited for it synchronously through its busy timeout, the event
 * loop stopped, and client 1's transaction could not finish until the wait gave up. Now a factory
 * with two connections open writes through Prisma (spectorAdapter.ts, `connectionsOf`).
 */
import assert from 'node:assert/strict'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { spectorAdapter } from 'prisma-spector'
import { describe, test } from 'vitest'
import { providersUnderTest } from './support/databases.ts'
import { withExample } from './support/exampleClient.ts'

describe.runIf(providersUnderTest().includes('sqlite'))('one spectorAdapter factory, two clients (SQLite)', () => {
  test("a client's direct write runs on its own connection: no event-loop stall while its own transaction is open", () =>
    withExample('sqlite', async (ctx) => {
      const factory = spectorAdapter(new PrismaBetterSqlite3({ url: ctx.db.url, timeout: 2_000 }))
      const PrismaClient = ctx.base.constructor as new (options: object) => typeof ctx.base
      const first = new PrismaClient({ adapter: factory })
      const second = new PrismaClient({ adapter: factory })
      try {
        const prisma = first.$extends(ctx.spector())
        await first.$connect()
        await second.$connect()
        let longestStall = 0
        let last = Date.now()
        const ticker = setInterval(() => {
          longestStall = Math.max(longestStall, Date.now() - last)
          last = Date.now()
        }, 10)
        const started = Date.now()
        const own = first.$transaction(async (tx) => {
          await tx.category.create({ data: { name: 'held' } })
          await new Promise((resolve) => setTimeout(resolve, 300))
        })
        await new Promise((resolve) => setTimeout(resolve, 50))
        const created = prisma.item.create({ data: { name: 'Lamp', value: 1 } })
        await Promise.all([own, created])
        clearInterval(ticker)
        assert.deepEqual({ stalledOver500ms: longestStall > 500, tookOver1s: Date.now() - started > 1_000 }, { stalledOver500ms: false, tookOver1s: false })
        assert.deepEqual((await prisma.item.check()).drifted, [])
      } finally {
        await first.$disconnect()
        await second.$disconnect()
      }
    }))
})
