/**
 * Direct writes (extension/prisma/directWrite.ts): a client made with `spectorAdapter(adapter)`
 * writes an evented create, and a command on a record it knows, on Prisma's connection itself:
 * PostgreSQL's one statement, or on SQLite and MariaDB one transaction of prisma-spector's own
 * statements. These tests hold it to
 * what Prisma's own write gives (every type, mapped names and enum values), show which path ran by
 * the statements sent, and check that what the database refuses leaves nothing behind and gets
 * Prisma's answer.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { SpectorConnectionError, SpectorNotFoundError, spectorAdapter } from 'prisma-spector'
import type { PrismaClient as AllTypesClient } from './.generated/allTypes/sqlite/client/client.ts'
import type * as AllTypesSpector from './.generated/allTypes/sqlite/spector/index.ts'
import { assertEveryTypeWrites, loadAllTypes } from './support/allTypesClient.ts'
import { type Provider, providersUnderTest } from './support/databases.ts'
import { withExample, type ExampleContext } from './support/exampleClient.ts'
import { withMappedNames } from './support/mappedNamesClient.ts'
import { withPreparedSchema, type ClientOptions } from './support/preparedClient.ts'
import { StatementLog } from './support/statementLog.ts'

/** What a direct write sends: PostgreSQL's one statement; elsewhere the row (and, on MariaDB, its read back), then the event, in one transaction. */
function direct(provider: Provider, write: 'INSERT' | 'UPDATE', row: string, events: string): string[] {
  if (provider === 'postgresql') return ['WITH']
  return ['BEGIN', `${write} ${row}`, ...(provider === 'mysql' ? ['SELECT'] : []), `INSERT ${events}`, 'COMMIT']
}

/** A client made with spectorAdapter around a counting adapter. */
function wrapped(log: StatementLog): ClientOptions {
  return { adapter: (factory) => spectorAdapter(log.factory(factory)) }
}

async function assertLog(prisma: ExampleContext['prisma'], id: string, expected: [string, number][]): Promise<void> {
  assert.deepEqual(
    (await prisma.item.events(id)).map((e) => [e.action, e.sequence]),
    expected,
  )
  assert.deepEqual((await prisma.item.check()).drifted, [])
}

const providers = providersUnderTest()

describe.each(providers)('direct writes on %s', (provider) => {
  test('every Prisma type: create, update and execute each run one transaction of the library, return what Prisma reads back and what the transaction path returns', async () => {
    const { Prisma } = await loadAllTypes(provider)
    const log = new StatementLog()
    const [creates, updates] = [direct(provider, 'INSERT', 'Sample', 'Event'), direct(provider, 'UPDATE', 'Sample', 'Event')]
    await withPreparedSchema<AllTypesClient, typeof AllTypesSpector, void>(
      'allTypes',
      provider,
      ({ base, module }) =>
        assertEveryTypeWrites(base, module, Prisma, async (write, run) => {
          const { result, sent } = await log.during(run)
          if (write === 'transaction') assert.notDeepEqual(sent, creates)
          else assert.deepEqual(sent, write === 'create' ? creates : updates)
          return result
        }),
      wrapped(log),
    )
  })

  test('snake_case tables and columns, enum values stored under other names, a hashed log with mapped columns', async () => {
    const log = new StatementLog()
    const [creates, updates] = [direct(provider, 'INSERT', 'suppliers', 'events'), direct(provider, 'UPDATE', 'suppliers', 'events')]
    await withMappedNames(
      provider,
      async ({ base, prisma }) => {
        const created = await log.during(() => prisma.supplier.create({ data: { legalName: 'Acme Ltd', rating: '4.5' } }))
        assert.deepEqual(created.sent, creates)
        const { id } = created.result
        assert.equal(created.result.status, 'Active')
        const held = await log.during(() => prisma.supplier.execute(id, 'hold', {}))
        assert.deepEqual(held.sent, updates)
        assert.equal((held.result as { status: string }).status, 'OnHold')
        const renamed = await log.during(() => prisma.supplier.update({ where: { id }, data: { legalName: 'Acme Group' } }))
        assert.deepEqual(renamed.sent, updates)
        assert.deepEqual(renamed.result, await base.supplier.findUniqueOrThrow({ where: { id } }))
        const stored = (await base.$queryRawUnsafe(
          provider === 'postgresql'
            ? 'SELECT status_code::text AS status, legal_name FROM suppliers WHERE supplier_id = $1'
            : 'SELECT status_code AS status, legal_name FROM suppliers WHERE supplier_id = ?',
          id,
        )) as unknown[]
        assert.deepEqual(stored, [{ status: 'on_hold', legal_name: 'Acme Group' }])
        assert.equal((await prisma.$verifyHashChain({ model: 'Supplier' })).ok, true)
        assert.deepEqual((await prisma.supplier.check()).drifted, [])
      },
      wrapped(log),
    )
  })

  test('without spectorAdapter, with Prisma logging queries, or inside a caller transaction: Prisma runs the write, as before', async () => {
    const log = new StatementLog()
    const creates = direct(provider, 'INSERT', 'Item', 'Event')
    await withExample(
      provider,
      async (ctx) => {
        const first = await log.during(() => ctx.prisma.item.create({ data: { name: 'Lamp', value: 0 } }))
        assert.deepEqual(first.sent, creates)
        // The same database through a client made without the wrapper.
        const plain = new (ctx.base.constructor as new (options: object) => typeof ctx.base)({ adapter: log.factory(ctx.db.adapter) })
        const logged = new (ctx.base.constructor as new (options: object) => typeof ctx.base)({
          adapter: spectorAdapter(log.factory(ctx.db.adapter)),
          log: ['query'],
        })
        try {
          const queries: string[] = []
          logged.$on('query' as never, ((event: { query: string }) => queries.push(event.query)) as never)
          for (const client of [plain, logged]) {
            const viaPrisma = await log.during(() => client.$extends(ctx.spector()).item.create({ data: { name: 'Desk', value: 1 } }))
            // PostgreSQL's one statement reads the same either way; Prisma's query log below shows who sent it.
            if (provider === 'postgresql') assert.deepEqual(viaPrisma.sent, ['WITH'])
            else assert.notDeepEqual(viaPrisma.sent, creates, client === plain ? 'without the wrapper' : 'with query logging')
          }
          // Prisma logged the row's INSERT: it ran it.
          assert.ok(
            queries.some((q) => /INSERT INTO .*Item/.test(q)),
            queries.join('\n'),
          )
        } finally {
          await plain.$disconnect()
          await logged.$disconnect()
        }
        const inTransaction = await log.during(() => ctx.prisma.$transaction((tx) => tx.item.create({ data: { name: 'Shelf', value: 2 } })))
        assert.notDeepEqual(inTransaction.sent, creates)
        await assertLog(ctx.prisma, first.result.id, [['insert', 1]])
      },
      'example',
      wrapped(log),
    )
  })

  test('what the database refuses leaves nothing behind and gets the answer Prisma gives: a missing foreign key, a stale state, a row deleted behind the log', async () => {
    const log = new StatementLog()
    await withExample(
      provider,
      async (ctx) => {
        const slow = ctx.base.$extends(ctx.spector({ optimistic: false }))
        const refusal = async (client: typeof ctx.prisma) =>
          client.item.create({ data: { name: 'Orphan', value: 0, categoryId: 'no-such-category' } }).then(
            () => assert.fail('expected the foreign key to refuse the create'),
            (error: { code?: string }) => error.code,
          )
        const expected = await refusal(slow)
        assert.equal(expected, 'P2003')
        assert.equal(await refusal(ctx.prisma), expected)
        assert.equal(await ctx.base.item.count(), 0)
        assert.equal(await ctx.base.event.count(), 0)

        // Another client moves the record: this one's known state is stale, the key refuses it, the locked path runs.
        const { id } = await ctx.prisma.item.create({ data: { name: 'Lamp', value: 0 } })
        const other = ctx.base.$extends(ctx.spector())
        await other.item.execute(id, 'increment', { by: 1 })
        const stale = await log.during(() => ctx.prisma.item.execute(id, 'increment', { by: 2 }))
        assert.equal((stale.result as { value: number }).value, 3)
        // Refused (a ROLLBACK, or PostgreSQL's statement failing on its own), then the locked path's transaction.
        const refused = provider === 'postgresql' ? ['WITH'] : ['BEGIN', 'UPDATE Item', ...(provider === 'mysql' ? ['SELECT'] : []), 'INSERT Event', 'ROLLBACK']
        assert.deepEqual(stale.sent.slice(0, refused.length + 1), [...refused, 'BEGIN'], stale.sent.join(', '))
        await assertLog(ctx.prisma, id, [
          ['insert', 1],
          ['increment', 2],
          ['increment', 3],
        ])

        await ctx.base.$executeRawUnsafe(`DELETE FROM ${ctx.q('Item')} WHERE ${ctx.q('id')} = ${ctx.p(1)}`, id)
        await assert.rejects(
          ctx.prisma.item.update({ where: { id }, data: { value: 1 } }),
          (error: unknown) => error instanceof SpectorNotFoundError && error.reason === 'no-row',
        )
        assert.deepEqual(
          (await ctx.prisma.item.events(id)).map((e) => e.action),
          ['insert', 'increment', 'increment'],
        )
      },
      'example',
      wrapped(log),
    )
  })

  test('eight writers on one record and eight creates at once: every command lands once, in order, and the log agrees with the rows', async () => {
    const log = new StatementLog()
    await withExample(
      provider,
      async (ctx) => {
        const { id } = await ctx.prisma.item.create({ data: { name: 'Lamp', value: 0 } })
        const second = ctx.base.$extends(ctx.spector())
        await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 ? second : ctx.prisma).item
              .execute(id, 'increment', { by: 1 })
              .then(() => (i % 2 ? second : ctx.prisma).item.update({ where: { id }, data: { value: { increment: 1 } } })),
          ),
        )
        const created = await Promise.all(Array.from({ length: 8 }, (_, i) => ctx.prisma.item.create({ data: { name: `Item ${i}`, value: i } })))
        assert.equal((await ctx.base.item.findUniqueOrThrow({ where: { id } })).value, 16)
        const events = await ctx.prisma.item.events(id)
        assert.deepEqual(
          events.map((e) => e.sequence),
          Array.from({ length: 17 }, (_, i) => i + 1),
        )
        assert.equal(await ctx.base.item.count(), 9)
        for (const row of created) assert.deepEqual(row, await ctx.base.item.findUniqueOrThrow({ where: { id: row.id } }))
        assert.deepEqual((await ctx.prisma.item.check()).drifted, [])
      },
      'example',
      wrapped(log),
    )
  })
  test('after $disconnect, the next write works (Prisma connects again) and the writes after it are direct again', async () => {
    const log = new StatementLog()
    await withExample(
      provider,
      async (ctx) => {
        const { id } = await ctx.prisma.item.create({ data: { name: 'Lamp', value: 0 } })
        await ctx.base.$disconnect()
        const again = await ctx.prisma.item.create({ data: { name: 'Desk', value: 1 } })
        assert.deepEqual(again, await ctx.base.item.findUniqueOrThrow({ where: { id: again.id } }))
        const next = await log.during(() => ctx.prisma.item.update({ where: { id: again.id }, data: { value: 2 } }))
        assert.deepEqual(next.sent, direct(provider, 'UPDATE', 'Item', 'Event'))
        await ctx.prisma.item.execute(id, 'increment', { by: 1 })
        await assertLog(ctx.prisma, again.id, [
          ['insert', 1],
          ['update', 2],
        ])
      },
      'example',
      wrapped(log),
    )
  })
  // SQLite has no connection to lose.
  test.skipIf(provider === 'sqlite')(
    "a connection killed while the direct write runs: SpectorConnectionError (unknown during PostgreSQL's statement, not written before MariaDB's COMMIT), and the command is not run again",
    async () => {
      const log = new StatementLog()
      await withExample(
        provider,
        async (ctx) => {
          const { id } = await ctx.prisma.item.create({ data: { name: 'Lamp', value: 0 } })
          await ctx.prisma.item.execute(id, 'increment', { by: 1 })
          // A trigger holds the row write long enough to kill its connection from outside (MariaDB shows the trigger's statement).
          if (provider === 'postgresql') {
            await ctx.base.$executeRawUnsafe(`CREATE FUNCTION slow_item() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(5); RETURN NEW; END $$`)
            await ctx.base.$executeRawUnsafe(`CREATE TRIGGER slow_item BEFORE UPDATE ON "Item" FOR EACH ROW EXECUTE FUNCTION slow_item()`)
          } else {
            await ctx.base.$executeRawUnsafe('CREATE TRIGGER slow_item BEFORE UPDATE ON `Item` FOR EACH ROW BEGIN DO SLEEP(5); END')
          }
          const running = ctx.prisma.item.execute(id, 'increment', { by: 1 }).then(
            () => assert.fail('expected the connection to be lost'),
            (error: unknown) => error,
          )
          const find =
            provider === 'postgresql'
              ? `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'WITH "spector_row"%'`
              : "SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND info = 'DO SLEEP(5)'"
          let killed = 0
          for (let i = 0; i < 100 && killed === 0; i++) {
            await new Promise((resolve) => setTimeout(resolve, 50))
            const found = (await ctx.base.$queryRawUnsafe(find)) as { id?: bigint | number }[]
            if (provider === 'mysql') for (const { id: thread } of found) await ctx.base.$executeRawUnsafe(`KILL ${Number(thread)}`)
            killed = found.length
          }
          assert.equal(killed, 1)
          const error = await running
          assert.ok(error instanceof SpectorConnectionError, String(error))
          assert.equal(error.outcome, provider === 'postgresql' ? 'unknown' : 'not-written')
          await ctx.base.$executeRawUnsafe(provider === 'postgresql' ? 'DROP TRIGGER slow_item ON "Item"' : 'DROP TRIGGER slow_item')
          // The killed write left nothing, and nothing ran it again.
          assert.deepEqual(
            (await ctx.prisma.item.events(id)).map((e) => e.action),
            ['insert', 'increment'],
          )
          assert.equal((await ctx.base.item.findUniqueOrThrow({ where: { id } })).value, 1)
          const next = await ctx.prisma.item.execute(id, 'increment', { by: 1 })
          assert.equal((next as { value: number }).value, 2)
          assert.deepEqual((await ctx.prisma.item.check()).drifted, [])
        },
        'example',
        wrapped(log),
      )
    },
  )
})
