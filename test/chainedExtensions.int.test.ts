/**
 * prisma-spector with other extensions applied before and after it: one event per write, no
 * recursion, transactions still joined.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { Prisma } from '@prisma/client/extension'
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
    result: Prisma.defineExtension({ name: 'shout', result: { item: { shout: { needs: { name: true }, compute: (item: { name: string }) => item.name.toUpperCase() } } } }),
    model: Prisma.defineExtension({ name: 'helpers', model: { item: { async named(this: unknown, name: string) { return (Prisma.getExtensionContext(this) as any).findFirst({ where: { name } }) } } } }),
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
          assert.deepEqual((await client.item.events(item.id)).map((e: { action: string }) => e.action), ['insert', 'update', 'archive'])
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
  })
}
