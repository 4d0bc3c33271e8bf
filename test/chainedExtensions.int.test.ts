/**
 * prisma-spector with other extensions applied before and after it: one event per write, no
 * recursion, transactions still joined; a query extension chained before it that rewrites a
 * write's data changes the event as it changes the row; extensions chained after it keep working.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { Prisma } from '@prisma/client/extension'
import { SpectorUnsupportedWriteError } from 'prisma-spector'
import { providersUnderTest } from './support/databases.ts'
import { withExample, type ExampleContext } from './support/exampleClient.ts'

function others(seen: string[]) {
  return {
    logging: Prisma.defineExtension({
      name: 'logging',
      query: {
        $allModels: {
          async $allOperations({ model, operation, args, query }) {
            seen.push(`${model}.${operation}`)
            return query(args)
          },
        },
      },
    }),
    result: Prisma.defineExtension({
      name: 'shout',
      result: { item: { shout: { needs: { name: true }, compute: (item: { name: string }) => item.name.toUpperCase() } } },
    }),
    model: Prisma.defineExtension({
      name: 'helpers',
      model: {
        item: {
          async named(this: unknown, name: string) {
            return (Prisma.getExtensionContext(this) as any).findFirst({ where: { name } })
          },
        },
      },
    }),
  }
}

type Chain = (ctx: ExampleContext, seen: string[]) => any
const chains: Record<string, Chain> = {
  'spector first, others after': (ctx, seen) => {
    const o = others(seen)
    return ctx.base.$extends(ctx.spector()).$extends(o.logging).$extends(o.result).$extends(o.model)
  },
  'others first, spector after': (ctx, seen) => {
    const o = others(seen)
    return ctx.base.$extends(o.logging).$extends(o.result).$extends(o.model).$extends(ctx.spector())
  },
  'spector in the middle': (ctx, seen) => {
    const o = others(seen)
    return ctx.base.$extends(o.logging).$extends(ctx.spector()).$extends(o.result).$extends(o.model)
  },
}

type Data = Record<string, unknown> | undefined

/**
 * A query extension of the kinds users write: trims and upper-cases `name`, adds a default
 * `value` on create, and stamps every new Item with a tenant (here its category).
 */
function rewriting(tenant: string) {
  const shape = (data: Data, creating: boolean): Data => {
    if (!data) return data
    const out = { ...data }
    if (typeof out.name === 'string') out.name = out.name.trim().toUpperCase()
    if (creating) {
      out.value ??= 7
      out.categoryId = tenant
    }
    return out
  }
  return Prisma.defineExtension({
    name: 'rewriting',
    query: {
      item: {
        create: ({ args, query }) => query({ ...args, data: shape(args.data as Data, true) } as typeof args),
        update: ({ args, query }) => query({ ...args, data: shape(args.data as Data, false) } as typeof args),
        upsert: ({ args, query }) => query({ ...args, create: shape(args.create as Data, true), update: shape(args.update as Data, false) } as typeof args),
        createMany: ({ args, query }) => query({ ...args, data: ([] as Data[]).concat(args.data as Data).map((d) => shape(d, true)) } as typeof args),
      },
    },
  })
}

async function tenantOf(ctx: ExampleContext): Promise<string> {
  return (await ctx.base.category.create({ data: { name: 'tenant' } })).id
}

/** Row, replay and events agree, and check() finds no drift. */
async function assertRowMatchesEvents(ctx: ExampleContext, client: any, id: string, expected: Record<string, unknown>) {
  const row = await ctx.base.item.findUniqueOrThrow({ where: { id } })
  const replayed = await client.item.replay(id)
  for (const [field, value] of Object.entries(expected)) {
    assert.deepEqual((row as Record<string, unknown>)[field], value, `row ${field}`)
    assert.deepEqual(replayed[field], value, `replay ${field}`)
  }
  assert.deepEqual((await client.item.check()).drifted, [])
}

const rewriteChains: Record<string, (ctx: ExampleContext, tenant: string, seen: string[]) => any> = {
  'a rewriting extension chained before spector': (ctx, tenant) => ctx.base.$extends(rewriting(tenant)).$extends(ctx.spector()),
  'a rewriting extension before spector and logging after it': (ctx, tenant, seen) =>
    ctx.base.$extends(rewriting(tenant)).$extends(ctx.spector()).$extends(others(seen).logging),
  'logging, then a rewriting extension, then spector': (ctx, tenant, seen) =>
    ctx.base.$extends(others(seen).logging).$extends(rewriting(tenant)).$extends(ctx.spector()).$extends(others([]).model),
}

for (const provider of providersUnderTest()) {
  describe(`chained extensions on ${provider}`, () => {
    for (const [name, chain] of Object.entries(chains)) {
      test(`${name}: one event per write, no recursion, transactions joined`, () =>
        withExample(provider, async (ctx) => {
          const seen: string[] = []
          const client = chain(ctx, seen)
          const item = await client.item.create({ data: { name: 'Lamp' } })
          await client.item.update({ where: { id: item.id }, data: { value: 2 } })
          await client.item.execute(item.id, 'archive', {})
          assert.deepEqual(
            (await client.item.events(item.id)).map((e: { action: string }) => e.action),
            ['insert', 'update', 'archive'],
          )
          assert.equal(await ctx.base.event.count(), 3)
          // The other extensions still work.
          assert.equal((await client.item.named('Lamp')).id, item.id)
          assert.equal((await client.item.findUnique({ where: { id: item.id } })).shout, 'LAMP')
          assert.ok(seen.includes('Item.findUnique'))
          // A caller's transaction that throws still takes the events with it.
          await assert.rejects(
            client.$transaction(async (tx: any) => {
              await tx.item.create({ data: { name: 'Rolled back' } })
              await tx.item.execute(item.id, 'restore', {})
              throw new Error('undo')
            }),
            /undo/,
          )
          assert.equal(await ctx.base.event.count(), 3)
          assert.equal(await ctx.base.item.count(), 1)
          await client.item.delete({ where: { id: item.id } })
          assert.equal(await ctx.base.event.count(), 4)
        }))
    }

    for (const [name, chain] of Object.entries(rewriteChains)) {
      test(`${name}: the event holds what the extension made of the write, on create, update, upsert and createMany`, () =>
        withExample(provider, async (ctx) => {
          const tenant = await tenantOf(ctx)
          const client = chain(ctx, tenant, [])
          const item = await client.item.create({ data: { name: '  desk lamp ' } })
          assert.equal(item.name, 'DESK LAMP')
          const [insert] = await client.item.events(item.id)
          assert.equal(insert.payload.name, 'DESK LAMP')
          assert.equal(insert.payload.value, 7)
          assert.equal(insert.payload.categoryId, tenant)
          await assertRowMatchesEvents(ctx, client, item.id, { name: 'DESK LAMP', value: 7, categoryId: tenant })

          await client.item.update({ where: { id: item.id }, data: { name: ' floor lamp', value: 3 } })
          assert.equal((await client.item.events(item.id)).at(-1).payload.name, 'FLOOR LAMP')
          await assertRowMatchesEvents(ctx, client, item.id, { name: 'FLOOR LAMP', value: 3, categoryId: tenant })

          const upserted = await client.item.upsert({ where: { id: item.id }, create: { name: 'x' }, update: { name: 'reading lamp ' } })
          assert.equal(upserted.name, 'READING LAMP')
          const created = await client.item.upsert({ where: { id: 'missing' }, create: { name: ' shade' }, update: {} })
          await assertRowMatchesEvents(ctx, client, created.id, { name: 'SHADE', value: 7, categoryId: tenant })

          assert.deepEqual(await client.item.createMany({ data: [{ name: ' a ' }, { name: ' b', value: 1 }] }), { count: 2 })
          const many = await ctx.base.item.findMany({ where: { name: { in: ['A', 'B'] } }, orderBy: { name: 'asc' } })
          assert.deepEqual(
            many.map((row) => [row.name, row.value, row.categoryId]),
            [
              ['A', 7, tenant],
              ['B', 1, tenant],
            ],
          )
          for (const row of many) await assertRowMatchesEvents(ctx, client, row.id, { name: row.name, value: row.value })
          // One event per record: the stopped row writes left nothing behind.
          assert.equal(await ctx.base.event.count(), 6)
        }))

      test(`${name}: inside a caller's transaction the rewritten write joins it and rolls back with it`, () =>
        withExample(provider, async (ctx) => {
          const tenant = await tenantOf(ctx)
          const client = chain(ctx, tenant, [])
          const kept = await client.$transaction(async (tx: any) => tx.item.create({ data: { name: ' kept ' } }))
          await assertRowMatchesEvents(ctx, client, kept.id, { name: 'KEPT', value: 7, categoryId: tenant })
          await assert.rejects(
            client.$transaction(async (tx: any) => {
              await tx.item.create({ data: { name: ' gone ' } })
              await tx.item.update({ where: { id: kept.id }, data: { name: ' renamed' } })
              throw new Error('undo')
            }),
            /undo/,
          )
          assert.equal(await ctx.base.item.count(), 1)
          assert.equal(await ctx.base.event.count(), 1)
          await assertRowMatchesEvents(ctx, client, kept.id, { name: 'KEPT' })
        }))
    }

    test("a rewrite that never settles: Prisma writes take the value it made; a model method's row write is refused, nothing written", () =>
      withExample(provider, async (ctx) => {
        // Not idempotent: every pass adds another "!".
        const shouting = Prisma.defineExtension({
          name: 'shouting',
          query: {
            item: {
              create: ({ args, query }) =>
                query({ ...args, data: { ...(args.data as object), name: `${(args.data as { name: string }).name}!` } } as typeof args),
              update: ({ args, query }) => {
                const data = args.data as { name?: unknown }
                return query((typeof data.name === 'string' ? { ...args, data: { ...data, name: `${data.name}!` } } : args) as typeof args)
              },
            },
          },
        })
        const client = ctx.base.$extends(shouting).$extends(ctx.spector())
        // The call itself passes the extension once, before the command: the event and the row hold what it made.
        const item = await client.item.create({ data: { name: 'Lamp' } })
        assert.equal(item.name, 'Lamp!')
        await assertRowMatchesEvents(ctx, client, item.id, { name: 'Lamp!' })
        await client.item.update({ where: { id: item.id }, data: { name: 'Desk' } })
        await assertRowMatchesEvents(ctx, client, item.id, { name: 'Desk!' })
        // execute's row write passes the extension on its way down and would never hold what the event says.
        const error = await client.item.execute(item.id, 'restore', {}).then(
          () => assert.fail('expected a refusal'),
          (e: unknown) => e,
        )
        assert.ok(error instanceof SpectorUnsupportedWriteError, String(error))
        assert.equal(error.path, 'Item.name')
        assert.match(error.message, /query extension chained before prisma-spector changes Item\.name/)
        assert.equal(await ctx.base.event.count(), 2)
        await assertRowMatchesEvents(ctx, client, item.id, { name: 'Desk!' })
      }))

    test('logging chained after spector sees each evented write once, inside a transaction too, and bulk writes per record', () =>
      withExample(provider, async (ctx) => {
        const seen: string[] = []
        const client = ctx.base.$extends(ctx.spector()).$extends(others(seen).logging)
        const writes = () => seen.filter((s) => /^Item\.(create|update|upsert|delete)/.test(s))
        const item = await client.item.create({ data: { name: 'Lamp' } })
        await client.item.update({ where: { id: item.id }, data: { value: 2 } })
        await client.item.upsert({ where: { id: item.id }, create: { name: 'x' }, update: { value: 3 } })
        await client.item.upsert({ where: { id: 'missing' }, create: { name: 'Shade' }, update: {} })
        await client.item.delete({ where: { id: item.id } })
        assert.deepEqual(writes(), ['Item.create', 'Item.update', 'Item.upsert', 'Item.upsert', 'Item.delete'])
        seen.length = 0
        await client.$transaction(async (tx: any) => {
          await tx.item.create({ data: { name: 'In a transaction' } })
        })
        assert.deepEqual(writes(), ['Item.create'])
        seen.length = 0
        await client.item.createMany({ data: [{ name: 'a' }, { name: 'b' }] })
        await client.item.updateMany({ where: { name: { in: ['a', 'b'] } }, data: { value: 9 } })
        await client.item.deleteMany({ where: { name: { in: ['a', 'b'] } } })
        assert.deepEqual(writes(), ['Item.createMany', 'Item.createMany', 'Item.updateMany', 'Item.updateMany', 'Item.deleteMany', 'Item.deleteMany'])
        // What it saw is what was written: one event per record and write.
        assert.equal(await ctx.base.event.count(), 5 + 1 + 6)
        assert.deepEqual((await client.item.check()).drifted, [])
      }))

    test('a result extension chained after spector computes its fields on every write result', () =>
      withExample(provider, async (ctx) => {
        const client: any = ctx.base.$extends(ctx.spector()).$extends(others([]).result)
        const item = await client.item.create({ data: { name: 'Lamp' } })
        assert.equal(item.shout, 'LAMP')
        assert.equal((await client.item.findUnique({ where: { id: item.id } }))?.shout, 'LAMP')
        assert.equal((await client.item.update({ where: { id: item.id }, data: { name: 'Desk' } })).shout, 'DESK')
        assert.equal((await client.item.upsert({ where: { id: item.id }, create: { name: 'x' }, update: { name: 'Bed' } })).shout, 'BED')
        const selected = await client.item.update({ where: { id: item.id }, data: { name: 'Chair' }, select: { id: true, shout: true } })
        // A proxy, as Prisma's own results with computed fields are: compared by what reads see.
        assert.deepEqual(Object.keys(selected), ['id', 'shout'])
        assert.equal(selected.shout, 'CHAIR')
        const rows = await client.item.createManyAndReturn({ data: [{ name: 'a' }, { name: 'b' }] })
        assert.deepEqual(rows.map((r: { shout: string }) => r.shout).sort(), ['A', 'B'])
        assert.equal((await client.$transaction(async (tx: any) => tx.item.create({ data: { name: 'Sofa' } }))).shout, 'SOFA')
        assert.equal((await client.item.delete({ where: { id: item.id } })).shout, 'CHAIR')
      }))

    test('a query extension chained after spector that rewrites the row write changes the row only: check() reports it', () =>
      withExample(provider, async (ctx) => {
        const after = Prisma.defineExtension({
          name: 'after',
          query: { item: { update: ({ args, query }) => query({ ...args, data: { ...(args.data as object), value: 99 } } as typeof args) } },
        })
        const client: any = ctx.base.$extends(ctx.spector()).$extends(after)
        const item = await client.item.create({ data: { name: 'Lamp' } })
        await client.item.update({ where: { id: item.id }, data: { name: 'Desk' } })
        // The event holds the value the changeset made; the row got 99 from an extension below prisma-spector: drift.
        assert.equal((await ctx.base.item.findUniqueOrThrow({ where: { id: item.id } })).value, 99)
        assert.deepEqual(
          (await client.item.check()).drifted.map((d: { id: string }) => d.id),
          [item.id],
        )
      }))

    test('an extension that puts a write in a batch $transaction of its own (a row-level-security setting first) is refused before or after spector, nothing written', () =>
      withExample(provider, async (ctx) => {
        const rowLevelSecurity = (client: any) =>
          Prisma.defineExtension({
            name: 'row-level-security',
            query: {
              $allModels: {
                async $allOperations({ args, query }) {
                  // As the common pattern does: a session setting, then the query, in one batch.
                  const [, result] = await client.$transaction([client.category.count(), query(args)])
                  return result
                },
              },
            },
          })
        const after: any = ctx.base.$extends(ctx.spector()).$extends(rowLevelSecurity(ctx.base))
        await assert.rejects(
          after.item.create({ data: { name: 'Lamp' } }),
          (e: unknown) => e instanceof SpectorUnsupportedWriteError && /chained after prisma-spector runs the row write in a batch/.test(e.message),
        )
        const before: any = ctx.base.$extends(rowLevelSecurity(ctx.base)).$extends(ctx.spector())
        await assert.rejects(
          before.item.create({ data: { name: 'Lamp' } }),
          (e: unknown) => e instanceof SpectorUnsupportedWriteError && /cannot join a batch/.test(e.message),
        )
        assert.equal(await ctx.base.item.count(), 0)
        assert.equal(await ctx.base.event.count(), 0)
        // Reads and plain models keep going through it.
        await after.category.create({ data: { name: 'Lamps' } })
        assert.equal(await before.category.count(), 1)
      }))

    test('logging chained before spector sees each evented write once', () =>
      withExample(provider, async (ctx) => {
        const seen: string[] = []
        const client = ctx.base.$extends(others(seen).logging).$extends(ctx.spector()).$extends(others([]).model)
        const item = await client.item.create({ data: { name: 'Lamp' } })
        await client.item.update({ where: { id: item.id }, data: { value: 2 } })
        await client.item.delete({ where: { id: item.id } })
        assert.deepEqual(
          seen.filter((s) => /^Item\.(create|update|upsert|delete)$/.test(s)),
          ['Item.create', 'Item.update', 'Item.delete'],
        )
      }))
  })
}
