/**
 * A COMMIT that SQLite refuses as busy: in its default rollback journal, a COMMIT waits (through
 * the driver's busy timeout) for readers of other connections to finish, here a reader holding a
 * read transaction open (a report, a backup, a `sqlite3` shell). Found by a stranger's test of
 * `spectorAdapter` (two processes on one file).
 *
 * SQLite keeps a transaction whose COMMIT it refused as busy open, and Prisma's transaction
 * manager, on a failed COMMIT, only releases the adapter's lock (`BetterSQLite3Transaction.
 * rollback()` sends no ROLLBACK). Before the fix the transaction stayed open on the connection: the
 * library's retry of the busy conflict sent BEGIN, which failed ("cannot start a transaction within
 * a transaction", a raw P2039 to the caller), the adapter's `startTransaction` kept its lock when
 * BEGIN threw, and from then on every transaction of that client waited forever, and what the
 * client wrote outside transactions landed in the open transaction and was never committed.
 *
 * Now a client made with spectorAdapter ends such a transaction with a ROLLBACK before the
 * connection is handed back (failedCommitGuard.ts), and without spectorAdapter the library's
 * transaction policy sends the ROLLBACK when its own COMMIT was refused as busy. The README's
 * promise (Guarantees, SQLite with several processes) holds: a SQLITE_BUSY is retried like any
 * conflict and then fails as `SpectorConflictError` (`reason: 'busy'`), with nothing written.
 */
import assert from 'node:assert/strict'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import Database from 'better-sqlite3'
import { SpectorConflictError, spectorAdapter } from 'prisma-spector'
import { describe, test } from 'vitest'
import { providersUnderTest } from './support/databases.ts'
import { withExample } from './support/exampleClient.ts'

/** Settles within `ms`, or says it is still pending. */
function within<T>(promise: Promise<T>, ms: number): Promise<{ value?: T; error?: unknown; pending?: true }> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<{ pending: true }>((resolve) => {
    timer = setTimeout(() => resolve({ pending: true }), ms)
  })
  return Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    late,
  ]).finally(() => clearTimeout(timer))
}

/** No problems noted, and every row equals its replay. */
async function settled(problems: string[], prisma: { item: { check(): Promise<{ drifted: unknown[] }> } }): Promise<void> {
  assert.deepEqual(problems, [])
  assert.deepEqual((await prisma.item.check()).drifted, [])
}

/** Ends the reader's transaction and closes it; a client whose adapter lock leaked cannot disconnect cleanly either: do not wait on it. */
async function release(reader: Database.Database, base: { $disconnect(): Promise<void> }): Promise<void> {
  if (reader.inTransaction) reader.exec('COMMIT')
  reader.close()
  await within(base.$disconnect(), 2_000)
}

describe.runIf(providersUnderTest().includes('sqlite'))('a COMMIT refused as busy by a reader of another connection (SQLite, rollback journal)', () => {
  test.each([
    ['with spectorAdapter', true],
    ['without spectorAdapter', false],
  ])('%s: the command fails as a documented conflict, and the client keeps working and committing', (_, wrap) =>
    withExample('sqlite', async (ctx) => {
      const { id } = await ctx.prisma.item.create({ data: { name: 'Lamp', value: 0 } })
      const factory = new PrismaBetterSqlite3({ url: ctx.db.url, timeout: 100 })
      const PrismaClient = ctx.base.constructor as new (options: object) => typeof ctx.base
      const base = new PrismaClient({ adapter: wrap ? spectorAdapter(factory) : factory })
      const prisma = base.$extends(ctx.spector())
      const reader = new Database(ctx.db.name, { timeout: 0 })
      try {
        assert.equal(reader.pragma('journal_mode', { simple: true }), 'delete')
        await prisma.item.execute(id, 'increment', { by: 1 }) // known to the client, direct when wrapped

        const problems: string[] = []
        reader.exec('BEGIN')
        reader.prepare('SELECT count(*) FROM Item').get()
        const refused = await within(prisma.item.execute(id, 'increment', { by: 1 }), 10_000)
        reader.exec('COMMIT')
        if (!(refused.error instanceof SpectorConflictError && refused.error.reason === 'busy')) {
          problems.push(`busy command: ${refused.pending ? 'still pending after 10 s' : String((refused.error as Error | undefined)?.message ?? 'succeeded')}`)
        }

        // The reader is gone: the client's next command and a plain write commit.
        const next = await within(prisma.item.execute(id, 'increment', { by: 1 }), 5_000)
        if (next.pending || next.error !== undefined)
          problems.push(`next command: ${next.pending ? 'still pending after 5 s' : String((next.error as Error).message)}`)
        const plain = await within(base.category.create({ data: { name: 'after the busy commit' } }), 5_000)
        if (plain.pending || plain.error !== undefined)
          problems.push(`plain create: ${plain.pending ? 'still pending after 5 s' : String((plain.error as Error).message)}`)
        // What another connection sees (one whose read the client's open transaction does not block).
        const committed = new Database(ctx.db.name, { readonly: true, timeout: 0 })
        try {
          const categories = (committed.prepare('SELECT count(*) AS n FROM Category').get() as { n: number }).n
          if (categories !== 1) problems.push(`plain create committed: ${categories} rows seen by another connection`)
          const value = (committed.prepare('SELECT value FROM Item WHERE id = ?').get(id) as { value: number }).value
          if (value !== 2) problems.push(`Item.value seen by another connection: ${value}, expected 2`)
        } catch (error) {
          problems.push(`another connection's read: ${(error as Error).message}`)
        } finally {
          committed.close()
        }
        await settled(problems, prisma)
      } finally {
        await release(reader, base)
      }
    }),
  )

  // Found by a stranger's test: the fix above without spectorAdapter (transactionPolicy.ts,
  // endRefusedCommit) sends its ROLLBACK only after Prisma released the adapter's lock. With a few
  // commands at once, the next one's BEGIN runs first, on the still-open transaction: it fails
  // ("cannot start a transaction within a transaction", a raw P2039 to that caller), the adapter
  // keeps its lock for good, and every later transaction of the client waits forever.
  test('without spectorAdapter: concurrent commands while the COMMIT is refused each fail as a conflict or commit later, and the client keeps working', () =>
    withExample('sqlite', async (ctx) => {
      const ids: string[] = []
      for (let i = 0; i < 3; i++) ids.push((await ctx.prisma.item.create({ data: { name: `Lamp ${i}`, value: 0 } })).id)
      const PrismaClient = ctx.base.constructor as new (options: object) => typeof ctx.base
      const base = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: ctx.db.url, timeout: 100 }) })
      const prisma = base.$extends(ctx.spector())
      const reader = new Database(ctx.db.name, { timeout: 0 })
      try {
        await prisma.item.execute(ids[0]!, 'increment', { by: 1 }) // connected
        reader.exec('BEGIN')
        reader.prepare('SELECT count(*) FROM Item').get()
        const commands = [
          ...ids.map((id) => prisma.item.execute(id, 'increment', { by: 1 })),
          prisma.item.create({ data: { name: 'Desk', value: 0 } }),
          prisma.item.create({ data: { name: 'Chair', value: 0 } }),
        ].map((command) => within(command, 15_000))
        await new Promise((resolve) => setTimeout(resolve, 1_500))
        reader.exec('COMMIT')
        const problems: string[] = []
        for (const [i, outcome] of (await Promise.all(commands)).entries()) {
          if (outcome.pending) problems.push(`command ${i}: still pending 13 s after the reader finished`)
          else if (outcome.error !== undefined && !(outcome.error instanceof SpectorConflictError && outcome.error.reason === 'busy'))
            problems.push(
              `command ${i}: ${String((outcome.error as Error).message)
                .split('\n')
                .filter(Boolean)
                .at(-1)}`,
            )
        }
        const next = await within(prisma.item.execute(ids[1]!, 'increment', { by: 1 }), 5_000)
        if (next.pending || next.error !== undefined)
          problems.push(`next command: ${next.pending ? 'still pending after 5 s' : String((next.error as Error).message)}`)
        await settled(problems, prisma)
      } finally {
        await release(reader, base)
      }
    }))
})
