/**
 * Transactions that fail: deadlocks between callers' transactions, concurrent commands on one
 * transaction client, connections killed mid-command, transactions that cannot start in time.
 * The bar: a write lands as event + row or leaves nothing, and the caller gets a typed error.
 */
import assert from 'node:assert/strict'
import pg from 'pg'
import * as mariadb from 'mariadb'
import { describe, test } from 'vitest'
import { SpectorConflictError, SpectorConnectionError } from 'prisma-spector'
import { providersUnderTest, type Provider } from './support/databases.ts'
import { withExample, type ExampleContext } from './support/exampleClient.ts'

/** A promise and its resolver: lets two transactions take their first locks before either asks for the second. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

/** What `promise` rejects with, or null when it resolves. */
function failureOf(promise: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(promise).then(
    () => null,
    (error: unknown) => error,
  )
}

/** Both records' rows equal their replays and the drift check is clean. */
async function assertConsistent(ctx: ExampleContext, ids: string[]): Promise<void> {
  for (const id of ids) {
    const row = await ctx.base.item.findUnique({ where: { id } })
    assert.equal(row!.value, (await ctx.prisma.item.replay(id))!.value)
  }
  assert.deepEqual((await ctx.prisma.item.check()).drifted, [])
}

/**
 * Two callers' transactions: the first executes on A then B, the second on B then A, each waiting
 * for the other's first command before its second. `afterConflict` runs in the victim after its
 * conflict (to try more commands). Returns both outcomes and how long the victim waited once both
 * held their first lock (reported, not asserted).
 */
async function crossedTransactions(ctx: ExampleContext, a: string, b: string, afterConflict?: (tx: any) => Promise<void>) {
  const firstDone = [signal(), signal()]
  // From the moment both hold their first lock: the victim's wait is the database's deadlock detection.
  let started = 0
  const run = (index: 0 | 1, first: string, second: string) =>
    ctx.prisma.$transaction(async (tx) => {
      await tx.item.execute(first, 'increment', { by: 1 })
      firstDone[index]!.resolve()
      await firstDone[1 - index]!.promise
      started ||= Date.now()
      try {
        await tx.item.execute(second, 'increment', { by: 10 })
      } catch (error) {
        victimMs = Date.now() - started
        if (afterConflict) await afterConflict(tx).catch((later: unknown) => laterErrors.push(later))
        throw error
      }
    })
  let victimMs = -1
  const laterErrors: unknown[] = []
  const results = await Promise.allSettled([run(0, a, b), run(1, b, a)])
  return { results, victimMs, laterErrors }
}

/** The one rejected transaction failed with a deadlock conflict carrying the database's error; the other committed. */
function assertOneDeadlockVictim(results: PromiseSettledResult<unknown>[]): void {
  const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  assert.equal(rejected.length, 1, `exactly one transaction fails: ${rejected.map((r) => String(r.reason)).join(' | ')}`)
  const error = rejected[0]!.reason
  assert.ok(error instanceof SpectorConflictError, `a SpectorConflictError, got ${String(error)}`)
  assert.equal(error.code, 'SPECTOR_CONFLICT')
  assert.equal(error.reason, 'deadlock')
  assert.match(error.message, /deadlock/)
  assert.ok(error.cause, 'cause is the database error')
}

for (const provider of providersUnderTest()) {
  describe(`transactions on ${provider}`, () => {
    if (provider !== 'sqlite') {
      test("deadlock between two callers' transactions: the victim fails at once with a SpectorConflictError and rolls back whole, the other commits", () =>
        withExample(provider, async (ctx) => {
          const a = await ctx.prisma.item.create({ data: { name: 'A', value: 0 } })
          const b = await ctx.prisma.item.create({ data: { name: 'B', value: 0 } })
          const { results, victimMs } = await crossedTransactions(ctx, a.id, b.id)
          assertOneDeadlockVictim(results)
          console.log(`${provider}: deadlock victim failed after ${victimMs} ms`)
          // The winner's two increments landed (1 on its first record, 10 on its second); nothing of the victim's.
          const winnerFirst = results[0]!.status === 'fulfilled' ? a.id : b.id
          const winnerSecond = winnerFirst === a.id ? b.id : a.id
          assert.equal((await ctx.prisma.item.replay(winnerFirst))!.value, 1)
          assert.equal((await ctx.prisma.item.replay(winnerSecond))!.value, 10)
          assert.equal((await ctx.prisma.item.events(a.id)).length, 2)
          assert.equal((await ctx.prisma.item.events(b.id)).length, 2)
          await assertConsistent(ctx, [a.id, b.id])
        }))

      test('deadlock victim that catches the conflict and carries on: later evented commands in its transaction are refused, nothing of it is written', () =>
        withExample(provider, async (ctx) => {
          const a = await ctx.prisma.item.create({ data: { name: 'A', value: 0 } })
          const b = await ctx.prisma.item.create({ data: { name: 'B', value: 0 } })
          const c = await ctx.prisma.item.create({ data: { name: 'C', value: 0 } })
          const { results, laterErrors } = await crossedTransactions(ctx, a.id, b.id, async (tx) => {
            await tx.item.execute(c.id, 'increment', { by: 100 })
          })
          assertOneDeadlockVictim(results)
          assert.equal(laterErrors.length, 1)
          assert.ok(laterErrors[0] instanceof SpectorConflictError && laterErrors[0].reason === 'deadlock', String(laterErrors[0]))
          assert.match((laterErrors[0] as Error).message, /earlier command in this transaction failed/)
          assert.equal((await ctx.prisma.item.events(c.id)).length, 1)
          assert.equal((await ctx.base.item.findUnique({ where: { id: c.id } }))!.value, 0)
          await assertConsistent(ctx, [a.id, b.id, c.id])
        }))
    }

    test('Promise.all of commands inside one interactive transaction: all land in that transaction, in turn', () =>
      withExample(provider, async (ctx) => {
        const a = await ctx.prisma.item.create({ data: { name: 'A', value: 0 } })
        const b = await ctx.prisma.item.create({ data: { name: 'B', value: 0 } })
        const created = await ctx.prisma.$transaction(async (tx) => {
          const [, , , , made] = await Promise.all([
            tx.item.execute(a.id, 'increment', { by: 1 }),
            tx.item.execute(b.id, 'increment', { by: 2 }),
            tx.item.update({ where: { id: a.id }, data: { value: { increment: 3 } } }),
            tx.item.execute(a.id, 'increment', { by: 4 }),
            tx.item.create({ data: { name: 'C', value: 5 } }),
            tx.category.create({ data: { name: 'plain' } }),
          ])
          return made
        })
        assert.equal((await ctx.prisma.item.replay(a.id))!.value, 8)
        assert.equal((await ctx.prisma.item.replay(b.id))!.value, 2)
        assert.deepEqual(
          (await ctx.prisma.item.events(a.id)).map((e) => e.sequence),
          [1, 2, 3, 4],
        )
        await assertConsistent(ctx, [a.id, b.id, (created as { id: string }).id])
      }))

    test('Promise.all of commands inside one interactive transaction that throws: nothing of any of them is written', () =>
      withExample(provider, async (ctx) => {
        const a = await ctx.prisma.item.create({ data: { name: 'A', value: 0 } })
        await assert.rejects(
          ctx.prisma.$transaction(async (tx) => {
            await Promise.all([
              tx.item.execute(a.id, 'increment', { by: 1 }),
              tx.item.create({ data: { name: 'B' } }),
              tx.item.execute(a.id, 'increment', { by: 2 }),
            ])
            throw new Error('caller gives up')
          }),
          /caller gives up/,
        )
        assert.equal((await ctx.prisma.item.events(a.id)).length, 1)
        assert.equal(await ctx.base.item.count(), 1)
        await assertConsistent(ctx, [a.id])
      }))

    test('transactions the library opens that cannot start in time (P2028 on start) are started again: 30 concurrent increments with maxWait 1 ms all land', () =>
      withExample(provider, async (ctx) => {
        const item = await ctx.prisma.item.create({ data: { name: 'Counter', value: 0 } })
        // maxWait 1 ms: nearly every start times out while another command holds the transaction slot.
        const tight = ctx.base.$extends(ctx.spector({ transactionOptions: { maxWait: 1 }, maxRetries: 1000 }))
        await Promise.all(Array.from({ length: 30 }, () => tight.item.execute(item.id, 'increment', { by: 1 })))
        assert.deepEqual(
          (await ctx.prisma.item.events(item.id)).map((e) => e.sequence),
          Array.from({ length: 31 }, (_, i) => i + 1),
        )
        await assertConsistent(ctx, [item.id])
      }))

    if (provider !== 'sqlite') {
      test('a connection killed while a command waits for a lock, in a transaction the library opened: SpectorConnectionError "not-written", nothing written, the client still works', () =>
        withExample(provider, async (ctx) => {
          const item = await ctx.prisma.item.create({ data: { name: 'A', value: 0 } })
          // The transaction's path (on PostgreSQL the command would otherwise be one statement: oneStatementCommands.int.test.ts).
          const inTransaction = ctx.base.$extends(ctx.spector({ optimistic: false }))
          const failure = await withRowLocked(ctx, item.id, async (killWaiter) => {
            const command = failureOf(inTransaction.item.execute(item.id, 'increment', { by: 1 }))
            await killWaiter()
            return command
          })
          assert.ok(failure instanceof SpectorConnectionError, `a SpectorConnectionError, got ${String(failure)}`)
          assert.equal(failure.code, 'SPECTOR_CONNECTION')
          assert.equal(failure.outcome, 'not-written')
          assert.ok(failure.cause)
          assert.equal((await ctx.prisma.item.events(item.id)).length, 1)
          await ctx.prisma.item.execute(item.id, 'increment', { by: 2 })
          assert.equal((await ctx.prisma.item.replay(item.id))!.value, 2)
          await assertConsistent(ctx, [item.id])
        }))

      test('a connection killed while a command waits for a lock, inside a caller\'s transaction: SpectorConnectionError "not-written", the caller\'s transaction is gone whole', () =>
        withExample(provider, async (ctx) => {
          const item = await ctx.prisma.item.create({ data: { name: 'A', value: 0 } })
          const other = await ctx.prisma.item.create({ data: { name: 'B', value: 0 } })
          const failure = await withRowLocked(ctx, item.id, async (killWaiter) => {
            const transaction = failureOf(
              ctx.prisma.$transaction(async (tx) => {
                await tx.item.execute(other.id, 'increment', { by: 5 })
                await tx.item.execute(item.id, 'increment', { by: 1 })
              }),
            )
            await killWaiter()
            return transaction
          })
          assert.ok(failure instanceof SpectorConnectionError, `a SpectorConnectionError, got ${String(failure)}`)
          assert.equal(failure.outcome, 'not-written')
          assert.equal((await ctx.prisma.item.events(other.id)).length, 1)
          assert.equal((await ctx.prisma.item.events(item.id)).length, 1)
          await assertConsistent(ctx, [item.id, other.id])
        }))
    }

    if (provider === 'postgresql') {
      test('a connection killed during COMMIT of a transaction the library opened: SpectorConnectionError "unknown"', () =>
        withExample(provider, async (ctx) => {
          const item = await ctx.prisma.item.create({ data: { name: 'A', value: 0 } })
          // A deferred constraint trigger runs at COMMIT: it sleeps there, and the backend is terminated mid-COMMIT.
          await ctx.db.exec(`
            CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(30); RETURN NULL; END $$;
            CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON "Event" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit();`)
          const inTransaction = ctx.base.$extends(ctx.spector({ optimistic: false }))
          const command = failureOf(inTransaction.item.execute(item.id, 'increment', { by: 1 }))
          await terminatePostgresBackend(ctx, `state = 'active' AND query = 'COMMIT'`)
          const failure = await command
          assert.ok(failure instanceof SpectorConnectionError, `a SpectorConnectionError, got ${String(failure)}`)
          assert.equal(failure.outcome, 'unknown')
          await ctx.db.exec('DROP TRIGGER slow_commit ON "Event"')
          // The server rolled it back: the caller learns that by reading, as the error says.
          assert.deepEqual(await ctx.db.query('SELECT sequence FROM "Event" WHERE "recordId" = $1', [item.id]), [{ sequence: 1 }])
          // pg-pool may hand the terminated connection out once more (a read fails, not a write): let it.
          await ctx.base.$queryRawUnsafe('SELECT 1').catch(() => {})
          await assertConsistent(ctx, [item.id])
        }))
    }
  })
}

/**
 * Locks the record's row from a connection of its own, runs `fn` with a function that waits until
 * a Prisma connection waits for that lock and kills it, then releases the lock.
 */
async function withRowLocked<T>(ctx: ExampleContext, id: string, fn: (killWaiter: () => Promise<void>) => Promise<T>): Promise<T> {
  if (ctx.provider === 'postgresql') {
    const holder = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'root', database: ctx.db.name })
    await holder.connect()
    try {
      await holder.query('BEGIN')
      await holder.query('SELECT 1 FROM "Item" WHERE id = $1 FOR UPDATE', [id])
      return await fn(() => terminatePostgresBackend(ctx, `wait_event_type = 'Lock'`))
    } finally {
      await holder.query('ROLLBACK').catch(() => {})
      await holder.end()
    }
  }
  const holder = await mariadb.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database: ctx.db.name })
  try {
    await holder.query('BEGIN')
    await holder.query('SELECT 1 FROM `Item` WHERE id = ? FOR UPDATE', [id])
    return await fn(() => killMysqlWaiter(ctx, holder))
  } finally {
    await holder.query('ROLLBACK').catch(() => {})
    await holder.end().catch(() => holder.destroy())
  }
}

async function poll<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const found = await read()
    if (found !== undefined) return found
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`timed out waiting for ${what}`)
}

async function terminatePostgresBackend(ctx: ExampleContext, condition: string): Promise<void> {
  const pid = await poll(condition, async () => {
    const rows = await ctx.db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND ${condition}`, [
      ctx.db.name,
    ])
    return rows[0]?.pid
  })
  await ctx.db.query('SELECT pg_terminate_backend($1)', [pid])
}

async function killMysqlWaiter(ctx: ExampleContext, holder: mariadb.Connection): Promise<void> {
  const holderId = holder.threadId
  const id = await poll('a connection waiting for the row lock', async () => {
    const rows = await ctx.db.query<{ ID: number | bigint }>(
      // The locked path waits in its SELECT ... FOR UPDATE, the optimistic one in its UPDATE of the row.
      "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> ? AND ID <> CONNECTION_ID() AND (INFO LIKE '%FOR UPDATE%' OR INFO LIKE 'UPDATE%')",
      [ctx.db.name, holderId],
    )
    return rows[0]?.ID
  })
  await ctx.db.exec(`KILL CONNECTION ${String(id)}`)
}

export type { Provider }
