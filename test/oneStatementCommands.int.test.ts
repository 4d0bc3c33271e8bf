/**
 * The one-statement path (extension/prisma/directCommand.ts): on PostgreSQL a create, and a
 * command on a record whose committed state this process knows, write the row and the event in
 * one statement with prisma-spector's own SQL. These tests hold it to what Prisma's own write
 * gives: the same rows and results for every type, mapped names and mapped enum values, the
 * statement count that shows which path ran, the extensions that must see the row write (then the
 * transaction runs), and a connection killed while the statement runs.
 */
import assert from 'node:assert/strict'
import pg from 'pg'
import { describe, test } from 'vitest'
import { Prisma as ExtensionPrisma } from '@prisma/client/extension'
import { SpectorConnectionError, SpectorNotFoundError } from 'prisma-spector'
import type { PrismaClient as AllTypesClient } from './.generated/allTypes/sqlite/client/client.ts'
import type * as AllTypesSpector from './.generated/allTypes/sqlite/spector/index.ts'
import { assertEveryTypeWrites, loadAllTypes } from './support/allTypesClient.ts'
import { providersUnderTest } from './support/databases.ts'
import { withExample, type ExampleContext } from './support/exampleClient.ts'
import { withMappedNames } from './support/mappedNamesClient.ts'
import { withPreparedSchema } from './support/preparedClient.ts'

/** Runs `fn`, counting the statements node-postgres sends meanwhile (one call of Client.query each), and keeping their first words. */
async function counted<T>(fn: () => Promise<T>): Promise<{ result: T; statements: number; sent: string[] }> {
  const original = pg.Client.prototype.query
  const sent: string[] = []
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: unknown })?.text ?? '')
    sent.push(text.trim().split(/\s+/)[0]!.toUpperCase())
    return (original as (...a: unknown[]) => unknown).apply(this, args)
  } as typeof original
  try {
    return { result: await fn(), statements: sent.length, sent }
  } finally {
    pg.Client.prototype.query = original
  }
}

/** The record's events as [action, sequence], and no drift between rows and log. */
async function assertLog(ctx: ExampleContext, id: string, expected: [string, number][]): Promise<void> {
  assert.deepEqual(
    (await ctx.prisma.item.events(id)).map((e) => [e.action, e.sequence]),
    expected,
  )
  assert.deepEqual((await ctx.prisma.item.check()).drifted, [])
}

const onPostgres = providersUnderTest().filter((p) => p === 'postgresql')

describe.skipIf(onPostgres.length === 0)('one-statement commands on postgresql', () => {
  const provider = 'postgresql' as const

  test('every Prisma type: create, update and execute each run one statement, return what Prisma reads back and what the transaction path returns', async () => {
    const { Prisma } = await loadAllTypes(provider)
    await withPreparedSchema<AllTypesClient, typeof AllTypesSpector, void>('allTypes', provider, ({ base, module }) =>
      assertEveryTypeWrites(base, module, Prisma, async (write, run) => {
        const { result, statements } = await counted(run)
        if (write === 'transaction') assert.ok(statements >= 4, `the transaction path took ${statements} statements`)
        else assert.equal(statements, 1, write)
        return result
      }),
    )
  })

  test('snake_case tables and columns, enum values stored under other names, a hashed log with mapped columns', () =>
    withMappedNames(provider, async ({ base, prisma }) => {
      const created = await counted(() => prisma.supplier.create({ data: { legalName: 'Acme Ltd', rating: '4.5' } }))
      assert.equal(created.statements, 1)
      const { id } = created.result
      assert.equal(created.result.status, 'Active')
      const held = await counted(() => prisma.supplier.execute(id, 'hold', {}))
      assert.equal(held.statements, 1)
      assert.equal((held.result as { status: string }).status, 'OnHold')
      const renamed = await counted(() => prisma.supplier.update({ where: { id }, data: { legalName: 'Acme Group' } }))
      assert.equal(renamed.statements, 1)
      assert.deepEqual(renamed.result, await base.supplier.findUniqueOrThrow({ where: { id } }))
      const stored = (await base.$queryRawUnsafe('SELECT status_code::text AS status, legal_name FROM suppliers WHERE supplier_id = $1', id)) as unknown[]
      assert.deepEqual(stored, [{ status: 'on_hold', legal_name: 'Acme Group' }])
      assert.deepEqual(
        (await prisma.supplier.events(id)).map((e) => [e.action, e.sequence]),
        [
          ['insert', 1],
          ['hold', 2],
          ['update', 3],
        ],
      )
      assert.equal((await prisma.$verifyHashChain({ model: 'Supplier' })).ok, true)
      assert.deepEqual((await prisma.supplier.check()).drifted, [])
    }))

  test('a query extension chained after spector() sees each row write: those commands take the transaction; a result extension still computes its field on one-statement results', () =>
    withExample(provider, async (ctx) => {
      const seen: string[] = []
      const logged = ctx.prisma.$extends({
        query: {
          $allModels: {
            $allOperations({ model, operation, args, query }) {
              seen.push(`${model}.${operation}`)
              return query(args)
            },
          },
        },
      })
      const created = await counted(() => logged.item.create({ data: { name: 'Lamp', value: 1 } }))
      const updated = await counted(() => logged.item.update({ where: { id: created.result.id }, data: { value: 2 } }))
      assert.deepEqual(seen, ['Item.create', 'Item.update'])
      assert.ok(created.statements >= 4 && updated.statements >= 4, `${created.statements}, ${updated.statements}`)

      const labelled = ctx.prisma.$extends({ result: { item: { label: { needs: { name: true, value: true }, compute: (i) => `${i.name} x${i.value}` } } } })
      const lamp = await counted(() => labelled.item.create({ data: { name: 'Desk', value: 3 } }))
      assert.equal(lamp.statements, 1)
      // The write methods' types do not show computed fields (README); they are there at run time.
      assert.equal((lamp.result as { label?: string }).label, 'Desk x3')
      const more = await counted(() => labelled.item.update({ where: { id: lamp.result.id }, data: { value: { increment: 1 } } }))
      assert.equal(more.statements, 1)
      assert.equal((more.result as { label?: string }).label, 'Desk x4')
      // select, omit and include shape the result: Prisma's own write runs.
      const selected = await counted(() => ctx.prisma.item.update({ where: { id: lamp.result.id }, data: { value: 5 }, select: { value: true } }))
      assert.deepEqual(selected.result, { value: 5 })
      assert.ok(selected.statements >= 4)
    }))

  test('execute on a client with extensions chained after spector(): the last one sees the row write and computes its field, so the transaction runs', () =>
    withExample(provider, async (ctx) => {
      const seen: string[] = []
      const chained = ctx.prisma
        .$extends({ result: { item: { label: { needs: { name: true, value: true }, compute: (i) => `${i.name} x${i.value}` } } } })
        .$extends({
          query: {
            $allModels: {
              $allOperations({ model, operation, args, query }) {
                seen.push(`${model}.${operation}`)
                return query(args)
              },
            },
          },
        })
      const { id } = await ctx.prisma.item.create({ data: { name: 'Lamp', value: 0 } })
      const executed = await counted(() => chained.item.execute(id, 'increment', { by: 2 }))
      assert.ok(executed.statements >= 4, executed.sent.join(', '))
      assert.ok(seen.includes('Item.update'), seen.join(', '))
      assert.equal((executed.result as { label?: string }).label, 'Lamp x2')
      // Called on the client that ends with spector(), the same command is one statement.
      const direct = await counted(() => ctx.prisma.item.execute(id, 'increment', { by: 1 }))
      assert.equal(direct.statements, 1)
      await assertLog(ctx, id, [
        ['insert', 1],
        ['increment', 2],
        ['increment', 3],
      ])
    }))

  test('an extension before spector() with a query hook on the model: execute writes its row through it, in the transaction', () =>
    withExample(provider, async (ctx) => {
      const seen: string[] = []
      const spied = ctx.base
        .$extends(
          ExtensionPrisma.defineExtension({
            query: {
              item: {
                update({ args, query }) {
                  seen.push('Item.update')
                  return query(args)
                },
              },
            },
          }),
        )
        .$extends(ctx.spector())
      const { id } = await spied.item.create({ data: { name: 'Lamp', value: 0 } })
      seen.length = 0
      const executed = await counted(() => spied.item.execute(id, 'increment', { by: 2 }))
      assert.deepEqual(seen, ['Item.update'])
      assert.ok(executed.statements >= 4)
      assert.equal((executed.result as { value: number }).value, 2)
    }))

  // An event log whose recordId column is a uuid column (`recordId String @db.Uuid`: every record
  // id is a UUIDv7) beside models with text ids: the event's record id is text on the row's side.
  test('an event log with a uuid recordId column and a model with a text id: create, update and execute still run one statement', () =>
    withExample(provider, async (ctx) => {
      await ctx.base.$executeRawUnsafe(`ALTER TABLE "Event" ALTER COLUMN "recordId" TYPE uuid USING "recordId"::uuid`)
      const created = await counted(() => ctx.prisma.item.create({ data: { name: 'Lamp', value: 0 } }))
      const { id } = created.result
      const updated = await counted(() => ctx.prisma.item.update({ where: { id }, data: { value: 1 } }))
      const executed = await counted(() => ctx.prisma.item.execute(id, 'increment', { by: 2 }))
      assert.deepEqual([created.statements, updated.statements, executed.statements], [1, 1, 1])
      assert.equal((executed.result as { value: number }).value, 3)
      await assertLog(ctx, id, [
        ['insert', 1],
        ['update', 2],
        ['increment', 3],
      ])
    }))

  // A database whose event log lets a NULL recordId in (a column left nullable by hand, unlike the
  // schema) must not get an event of no record when the row is gone.
  test('a row deleted behind the log: the statement appends no event, also where the log would take one without a record id', () =>
    withExample(provider, async (ctx) => {
      await ctx.base.$executeRawUnsafe(`ALTER TABLE "Event" ALTER COLUMN "recordId" DROP NOT NULL`)
      const { id } = await ctx.prisma.item.create({ data: { name: 'Lamp', value: 0 } })
      await ctx.base.$executeRawUnsafe(`DELETE FROM "Item" WHERE "id" = $1`, id)
      await assert.rejects(
        ctx.prisma.item.update({ where: { id }, data: { value: 1 } }),
        (error: unknown) => error instanceof SpectorNotFoundError && error.reason === 'no-row',
      )
      const orphans = (await ctx.base.$queryRawUnsafe(`SELECT count(*)::int AS n FROM "Event" WHERE "recordId" IS NULL`)) as { n: number }[]
      assert.deepEqual(orphans, [{ n: 0 }])
      assert.deepEqual(
        (await ctx.prisma.item.events(id)).map((e) => e.action),
        ['insert'],
      )
    }))

  test('a record this process does not know: its committed events are read outside a transaction, then one statement writes; a writer that moved it meanwhile is refused and the command runs locked', () =>
    withExample(provider, async (ctx) => {
      const other = ctx.base.$extends(ctx.spector())
      const { id } = await other.item.create({ data: { name: 'Lamp', value: 0 } })
      await other.item.execute(id, 'increment', { by: 1 })
      const cold = await counted(() => ctx.prisma.item.execute(id, 'increment', { by: 2 }))
      assert.equal(cold.sent.includes('BEGIN'), false, cold.sent.join(', '))
      assert.ok(cold.statements <= 3, cold.sent.join(', '))
      assert.equal(cold.sent.at(-1), 'WITH')
      assert.equal((cold.result as { value: number }).value, 3)
      // The other client's state is stale now: its next command is refused by the key and runs locked.
      const stale = await counted(() => other.item.update({ where: { id }, data: { value: { increment: 4 } } }))
      assert.ok(stale.sent.includes('BEGIN'), stale.sent.join(', '))
      assert.equal(stale.result.value, 7)
      await assertLog(ctx, id, [
        ['insert', 1],
        ['increment', 2],
        ['increment', 3],
        ['update', 4],
      ])
    }))

  test('a connection killed while the statement runs: SpectorConnectionError with the outcome unknown, and the command is not run again', () =>
    withExample(provider, async (ctx) => {
      const { id } = await ctx.prisma.item.create({ data: { name: 'Lamp', value: 0 } })
      await ctx.prisma.item.execute(id, 'increment', { by: 1 })
      // A trigger holds the statement long enough to kill its connection from outside.
      await ctx.base.$executeRawUnsafe(`CREATE FUNCTION slow_item() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(5); RETURN NEW; END $$`)
      await ctx.base.$executeRawUnsafe(`CREATE TRIGGER slow_item BEFORE UPDATE ON "Item" FOR EACH ROW EXECUTE FUNCTION slow_item()`)
      const killer = new pg.Client({ connectionString: ctx.db.url })
      await killer.connect()
      try {
        const running = ctx.prisma.item.execute(id, 'increment', { by: 1 }).then(
          () => assert.fail('expected the connection to be lost'),
          (error: unknown) => error,
        )
        let killed = 0
        for (let i = 0; i < 100 && killed === 0; i++) {
          await new Promise((resolve) => setTimeout(resolve, 50))
          const result = await killer.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'WITH "spector_row"%'`,
          )
          killed = result.rowCount ?? 0
        }
        assert.equal(killed, 1)
        const error = await running
        assert.ok(error instanceof SpectorConnectionError, String(error))
        assert.equal(error.outcome, 'unknown')
      } finally {
        await killer.query(`DROP TRIGGER slow_item ON "Item"`)
        await killer.end()
      }
      // The killed statement wrote nothing, and nothing ran it again.
      assert.deepEqual(
        (await ctx.prisma.item.events(id)).map((e) => e.action),
        ['insert', 'increment'],
      )
      assert.equal((await ctx.base.item.findUniqueOrThrow({ where: { id } })).value, 1)
      const next = await ctx.prisma.item.execute(id, 'increment', { by: 1 })
      assert.equal((next as { value: number }).value, 2)
      assert.deepEqual((await ctx.prisma.item.check()).drifted, [])
    }))
})
