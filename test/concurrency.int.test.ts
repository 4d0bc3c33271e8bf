/**
 * Concurrent commands on one record never lose an event nor leave a row that differs from its
 * replay; an expected sequence turns a lost race into a typed conflict.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { SpectorConflictError } from 'prisma-spector'
import { providersUnderTest } from './support/databases.ts'
import { withExample } from './support/exampleClient.ts'

for (const provider of providersUnderTest()) {
  describe(`concurrency on ${provider}`, () => {
    test('50 concurrent increments on one record: 51 events, sequences 1..51, row = replay = 50', () =>
      withExample(provider, async (ctx) => {
        const item = await ctx.prisma.item.create({ data: { name: 'Counter', value: 0 } })
        await Promise.all(Array.from({ length: 50 }, () => ctx.prisma.item.execute(item.id, 'increment', { by: 1 })))
        const events = await ctx.prisma.item.events(item.id)
        assert.deepEqual(
          events.map((e) => e.sequence),
          Array.from({ length: 51 }, (_, i) => i + 1),
        )
        assert.equal((await ctx.base.item.findUnique({ where: { id: item.id } }))!.value, 50)
        assert.equal((await ctx.prisma.item.replay(item.id))!.value, 50)
        assert.deepEqual((await ctx.prisma.item.check()).drifted, [])
      }))

    test('concurrent updates on different records all land', () =>
      withExample(provider, async (ctx) => {
        const items = await Promise.all(Array.from({ length: 8 }, (_, i) => ctx.prisma.item.create({ data: { name: `item ${i}`, value: 0 } })))
        await Promise.all(items.flatMap((item) => [1, 2, 3].map(() => ctx.prisma.item.update({ where: { id: item.id }, data: { value: { increment: 1 } } }))))
        for (const item of items) assert.equal((await ctx.prisma.item.replay(item.id))!.value, 3)
        assert.equal(await ctx.base.event.count(), 8 * 4)
      }))

    test('expectedSequence on execute and update: a command against a moved record fails with a conflict and writes nothing', () =>
      withExample(provider, async (ctx) => {
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp' } })
        await ctx.prisma.item.execute(item.id, 'increment', {}, { expectedSequence: 1 })
        await assert.rejects(ctx.prisma.item.execute(item.id, 'increment', {}, { expectedSequence: 1 }), (e: unknown) => {
          assert.ok(e instanceof SpectorConflictError)
          assert.equal(e.code, 'SPECTOR_CONFLICT')
          assert.equal(e.expectedSequence, 1)
          assert.equal(e.actualSequence, 2)
          return true
        })
        assert.equal((await ctx.prisma.item.events(item.id)).length, 2)
        const updated = await ctx.prisma.item.update({ where: { id: item.id }, data: { name: 'Desk lamp' }, expectedSequence: 2 })
        assert.equal(updated.name, 'Desk lamp')
        await assert.rejects(
          ctx.prisma.item.update({ where: { id: item.id }, data: { name: 'Stale' }, expectedSequence: 2 }),
          (e: unknown) => e instanceof SpectorConflictError && e.actualSequence === 3,
        )
        assert.equal((await ctx.prisma.item.replay(item.id))!.name, 'Desk lamp')
      }))
  })
}
