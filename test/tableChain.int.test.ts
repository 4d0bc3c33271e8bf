/**
 * One hash chain through the whole event table (@events(hashed=true, chain=table)): every event
 * takes the next position and links to the event before it in the table, whatever its record.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { SpectorConfigurationError } from 'prisma-spector'
import { providersUnderTest } from './support/databases.ts'
import { withExample, type ExampleContext } from './support/exampleClient.ts'

const onTableChain = <T>(provider: Parameters<typeof withExample>[0], fn: (ctx: ExampleContext) => Promise<T>) => withExample(provider, fn, 'tableChain')

type EventRow = { id: string; recordId: string; position: number; hash: Uint8Array | null; prevHash: Uint8Array | null }

async function byPosition(ctx: ExampleContext): Promise<EventRow[]> {
  return (ctx.base.event as unknown as { findMany(a: object): Promise<EventRow[]> }).findMany({ orderBy: { position: 'asc' } })
}

for (const provider of providersUnderTest()) {
  describe(`table-wide hash chain on ${provider}`, () => {
    test('events of all records form one chain by position; concurrent writers take turns', () =>
      onTableChain(provider, async (ctx) => {
        const items = await Promise.all(Array.from({ length: 6 }, (_, i) => ctx.prisma.item.create({ data: { name: `item ${i}`, value: 0 } })))
        await Promise.all(items.flatMap((item) => [1, 2].map(() => ctx.prisma.item.execute(item.id, 'increment', {}))))
        await ctx.prisma.item.savepoint(items[0]!.id)
        const events = await byPosition(ctx)
        assert.deepEqual(
          events.map((e) => e.position),
          Array.from({ length: 19 }, (_, i) => i + 1),
        )
        assert.equal(events[0]!.prevHash, null)
        for (let i = 1; i < events.length; i++) assert.deepEqual(events[i]!.prevHash, events[i - 1]!.hash)
        assert.deepEqual(await ctx.prisma.$verifyHashChain({ batchSize: 4 }), { ok: true, events: 19, records: 1 })
        for (const item of items) assert.equal((await ctx.prisma.item.replay(item.id))!.value, 2)
      }))

    test('a deleted record shows as missing positions without a checkpoint; a deleted tail needs one', () =>
      onTableChain(provider, async (ctx) => {
        const a = await ctx.prisma.item.create({ data: { name: 'A' } })
        const b = await ctx.prisma.item.create({ data: { name: 'B' } })
        await ctx.prisma.item.update({ where: { id: a.id }, data: { value: 1 } })
        const checkpoint = await ctx.prisma.$checkpoint()
        assert.deepEqual(
          checkpoint.heads.map((h) => [h[0], h[1]]),
          [['*', 3]],
        )
        await ctx.prisma.item.update({ where: { id: b.id }, data: { value: 2 } })

        const newest = (await byPosition(ctx)).at(-1)!
        await ctx.db.exec(`DELETE FROM ${ctx.q('Event')} WHERE ${ctx.q('id')} = '${newest.id}'`)
        assert.equal((await ctx.prisma.$verifyHashChain()).ok, true, 'a deleted tail leaves a shorter, intact chain')
        assert.equal((await ctx.prisma.$verifyHashChain({ against: checkpoint })).ok, true, 'the checkpoint predates that event')
        await ctx.db.exec(`DELETE FROM ${ctx.q('Event')} WHERE ${ctx.q('position')} = 3`)
        const truncated = await ctx.prisma.$verifyHashChain({ against: checkpoint })
        assert.ok(!truncated.ok && truncated.failure.kind === 'truncated')

        await ctx.db.exec(`DELETE FROM ${ctx.q('Event')} WHERE ${ctx.q('recordId')} = '${a.id}'`)
        const missing = await ctx.prisma.$verifyHashChain()
        assert.ok(!missing.ok && missing.failure.kind === 'missing' && missing.failure.recordId === b.id, JSON.stringify(missing))
      }))

    test('an edited event breaks the chain; the chain is verified whole', () =>
      onTableChain(provider, async (ctx) => {
        const a = await ctx.prisma.item.create({ data: { name: 'A' } })
        await ctx.prisma.item.create({ data: { name: 'B' } })
        await ctx.db.exec(`UPDATE ${ctx.q('Event')} SET ${ctx.q('version')} = 0 WHERE ${ctx.q('id')} = '${a.id}'`)
        const edited = await ctx.prisma.$verifyHashChain()
        assert.ok(!edited.ok && edited.failure.kind === 'edited' && edited.failure.eventId === a.id)
        await assert.rejects(ctx.prisma.$verifyHashChain({ recordId: a.id }), SpectorConfigurationError)
      }))
  })
}
