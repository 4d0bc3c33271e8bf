/**
 * The recent-state cache: a command on a record this process wrote last skips the replay, and
 * never serves a state the log no longer ends with: another writer's event, a rolled-back
 * transaction, a delete, or an event appended behind the library's back all force a replay.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { copyState, RecentStates } from '../extension/core/recentStates.ts'
import { providersUnderTest } from './support/databases.ts'
import { withExample } from './support/exampleClient.ts'

describe('RecentStates', () => {
  test('serves copies, only while the newest event matches, least recently used out first', () => {
    const cache = new RecentStates<{ list: number[]; at: Date }>(2)
    const state = { list: [1], at: new Date(0) }
    cache.set('a', { eventId: 'e1', sequence: 1, hash: null, sinceSavepoint: 1, state })
    state.list.push(2)
    const hit = cache.get('a', 'e1')!
    assert.deepEqual(hit.state.list, [1], 'the kept state is a copy')
    hit.state.list.push(3)
    hit.state.at.setTime(5)
    assert.deepEqual(cache.get('a', 'e1')!.state, { list: [1], at: new Date(0) }, 'what is handed out is a copy too')
    assert.equal(cache.get('a', 'e2'), undefined, 'another newest event: a miss')
    assert.equal(cache.has('a'), false, 'and the stale entry is gone')
    cache.set('a', { eventId: 'e1', sequence: 1, hash: null, sinceSavepoint: 1, state })
    cache.set('b', { eventId: 'e1', sequence: 1, hash: null, sinceSavepoint: 1, state })
    cache.get('a', 'e1')
    cache.set('c', { eventId: 'e1', sequence: 1, hash: null, sinceSavepoint: 1, state })
    assert.deepEqual([cache.has('a'), cache.has('b'), cache.has('c')], [true, false, true])
    const off = new RecentStates(0)
    off.set('a', { eventId: 'e1', sequence: 1, hash: null, sinceSavepoint: 1, state })
    assert.equal(off.has('a'), false)
  })

  test('copyState keeps class instances it cannot copy, copies what it can', () => {
    class Money {
      constructor(readonly cents: number) {}
    }
    const money = new Money(5)
    const copy = copyState({ money, bytes: new Uint8Array([1]), nested: { a: [{ b: 1 }] } })
    assert.equal(copy.money, money)
    assert.deepEqual(copy.nested, { a: [{ b: 1 }] })
  })
})

for (const provider of providersUnderTest()) {
  describe(`recent-state cache on ${provider}`, () => {
    test('another client, a rollback, a raw append and a delete all make the next command replay', () =>
      withExample(provider, async (ctx) => {
        const other = ctx.base.$extends(ctx.spector())
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp', value: 0 } })
        await ctx.prisma.item.execute(item.id, 'increment', { by: 1 })
        // Another client (another cache) writes in between.
        await other.item.execute(item.id, 'increment', { by: 10 })
        assert.equal((await ctx.prisma.item.execute(item.id, 'increment', { by: 100 })).value, 111)
        // A command whose transaction rolls back leaves nothing behind, in the log or the cache.
        await assert.rejects(
          ctx.prisma.$transaction(async (tx) => {
            await tx.item.execute(item.id, 'increment', { by: 1000 })
            throw new Error('changed my mind')
          }),
          /changed my mind/,
        )
        assert.equal((await ctx.prisma.item.execute(item.id, 'increment', { by: 1 })).value, 112)
        // An event appended behind the library's back is replayed too.
        const last = (await ctx.prisma.item.events(item.id)).at(-1)!
        await ctx.base.event.create({
          data: {
            id: '00000000-0000-7000-8000-000000000001',
            recordId: item.id,
            model: 'Item',
            action: 'update',
            payload: { name: 'Renamed' },
            version: 1,
            sequence: last.sequence + 1,
          },
        })
        const after = await ctx.prisma.item.execute(item.id, 'increment', { by: 1 })
        assert.deepEqual([after.name, after.value], ['Renamed', 113])
        assert.deepEqual(await ctx.prisma.item.replay(item.id), after)
        // After a delete, the record is gone for commands, whatever was cached.
        await ctx.prisma.item.delete({ where: { id: item.id } })
        await assert.rejects(ctx.prisma.item.execute(item.id, 'increment', { by: 1 }), /deleted|not found/)
      }))
  })
}
