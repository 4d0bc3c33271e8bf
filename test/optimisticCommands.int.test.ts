/**
 * The optimistic path of commands (optimisticCommand.ts): a command on a record whose committed
 * state this process knows writes the row and appends the event without a lock or a read first.
 * These tests make that knowledge stale in each way it can go stale (another client's writes, a
 * caller's transaction rolled back, a row deleted behind the log, an expected sequence) and check
 * that every command still lands in order with the row equal to the replay.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { Prisma } from '@prisma/client/extension'
import { SpectorConflictError, SpectorNotFoundError } from 'prisma-spector'
import { providersUnderTest } from './support/databases.ts'
import { withExample, type ExampleContext } from './support/exampleClient.ts'

/** Sequences 1..n without a gap, the row equal to the replay, no drift. */
async function assertConsistent(ctx: ExampleContext, id: string, actions: string[]): Promise<void> {
  const events = await ctx.prisma.item.events(id)
  assert.deepEqual(
    events.map((e) => e.action),
    actions,
  )
  assert.deepEqual(
    events.map((e) => e.sequence),
    actions.map((_, i) => i + 1),
  )
  const row = await ctx.base.item.findUniqueOrThrow({ where: { id } })
  const replayed = await ctx.prisma.item.replay(id)
  assert.equal(replayed?.name, row.name)
  assert.equal(replayed?.value, row.value)
  assert.deepEqual((await ctx.prisma.item.check()).drifted, [])
}

/** A query extension chained before spector(): it sees the statements a command makes through the client below it. */
function spy(seen: string[]) {
  return Prisma.defineExtension({
    name: 'spy',
    query: {
      $allModels: {
        $allOperations({ model, operation, args, query }) {
          seen.push(`${model}.${operation}`)
          return query(args)
        },
      },
      $queryRawUnsafe({ args, query }) {
        // The row lock is a SELECT; a command's one statement (PostgreSQL) starts WITH.
        seen.push(`$queryRawUnsafe ${String((args as unknown[])[0]).split(' ')[0]}`)
        return query(args)
      },
    },
  })
}

/** Whether a command read before it wrote: the row lock (PostgreSQL, MySQL) or the newest-event check (every database). */
const readFirst = (seen: string[]) => seen.some((s) => s === '$queryRawUnsafe SELECT' || s === 'Event.findFirst')

for (const provider of providersUnderTest()) {
  describe(`optimistic commands on ${provider}`, () => {
    test('two clients (two processes) writing one record in turn: each stale append is refused by the key and runs again locked', () =>
      withExample(provider, async (ctx) => {
        const other = ctx.base.$extends(ctx.spector())
        const { id } = await ctx.prisma.item.create({ data: { name: 'Lamp', value: 0 } })
        await ctx.prisma.item.update({ where: { id }, data: { value: { increment: 1 } } })
        await other.item.update({ where: { id }, data: { value: { increment: 10 } } })
        // This client's known state says value 1 at sequence 2: stale.
        await ctx.prisma.item.update({ where: { id }, data: { value: { increment: 100 } } })
        await ctx.prisma.item.execute(id, 'increment', { by: 1000 })
        await other.item.execute(id, 'increment', { by: 10_000 })
        assert.equal((await ctx.base.item.findUniqueOrThrow({ where: { id } })).value, 11_111)
        await assertConsistent(ctx, id, ['insert', 'update', 'update', 'update', 'increment', 'increment'])
      }))

    test("a state written in a caller's transaction that rolled back is not taken for committed", () =>
      withExample(provider, async (ctx) => {
        const { id } = await ctx.prisma.item.create({ data: { name: 'Lamp', value: 1 } })
        await ctx.prisma.item.update({ where: { id }, data: { value: 2 } })
        await assert.rejects(
          ctx.prisma.$transaction(async (tx) => {
            await tx.item.update({ where: { id }, data: { value: 3 } })
            throw new Error('undo')
          }),
          /undo/,
        )
        await ctx.prisma.item.update({ where: { id }, data: { value: { increment: 5 } } })
        assert.equal((await ctx.base.item.findUniqueOrThrow({ where: { id } })).value, 7)
        await assertConsistent(ctx, id, ['insert', 'update', 'update'])
      }))

    test('a row deleted behind the log, an expected sequence and a deleted record give the locked path its answer', () =>
      withExample(provider, async (ctx) => {
        const other = ctx.base.$extends(ctx.spector())
        const { id } = await ctx.prisma.item.create({ data: { name: 'Lamp', value: 1 } })
        await ctx.prisma.item.update({ where: { id }, data: { value: 2 } })
        // Another writer moved it to sequence 3; this client still knows sequence 2.
        await other.item.update({ where: { id }, data: { value: 3 } })
        await assert.rejects(ctx.prisma.item.update({ where: { id }, data: { value: 4 }, expectedSequence: 2 }), SpectorConflictError)
        await ctx.prisma.item.update({ where: { id }, data: { value: 4 }, expectedSequence: 3 })
        await assertConsistent(ctx, id, ['insert', 'update', 'update', 'update'])
        // The row removed without an event: the optimistic update finds no row, the locked one says so.
        await ctx.base.item.delete({ where: { id } })
        await assert.rejects(
          ctx.prisma.item.update({ where: { id }, data: { value: 5 } }),
          (e: unknown) => e instanceof SpectorNotFoundError && e.reason === 'no-row',
        )
        assert.equal(await ctx.base.event.count({ where: { recordId: id } }), 4)
        // Deleted through another client: the append collides with its delete event.
        const second = await ctx.prisma.item.create({ data: { name: 'Desk' } })
        await ctx.prisma.item.update({ where: { id: second.id }, data: { value: 1 } })
        await other.item.delete({ where: { id: second.id } })
        await assert.rejects(
          ctx.prisma.item.execute(second.id, 'increment', { by: 1 }),
          (e: unknown) => e instanceof SpectorNotFoundError && e.reason === 'deleted',
        )
      }))

    test('concurrent commands of one process on one record, and a savepoint policy, stay in order', () =>
      withExample(provider, async (ctx) => {
        const client = ctx.base.$extends(ctx.spector({ savepointEvery: 3 }))
        const { id } = await client.item.create({ data: { name: 'Lamp', value: 0 } })
        await Promise.all(Array.from({ length: 12 }, () => client.item.execute(id, 'increment', { by: 1 })))
        assert.equal((await ctx.base.item.findUniqueOrThrow({ where: { id } })).value, 12)
        const events = await client.item.events(id)
        assert.deepEqual(
          events.map((e) => e.sequence),
          events.map((_, i) => i + 1),
        )
        assert.equal(events.filter((e) => e.action === 'increment').length, 12)
        assert.ok(events.some((e) => e.action === 'savepoint'))
        assert.equal((await client.item.replay(id))?.value, 12)
        assert.equal((await client.item.verifySavepoints(id)).ok, true)
      }))

    test('a command on a record whose committed state is known reads nothing first; with optimistic: false it locks and reads', () =>
      withExample(provider, async (ctx) => {
        const seen: string[] = []
        const optimistic = ctx.base.$extends(spy(seen)).$extends(ctx.spector())
        const { id } = await optimistic.item.create({ data: { name: 'Lamp', value: 0 } })
        seen.length = 0
        await optimistic.item.execute(id, 'increment', { by: 2 })
        await optimistic.item.update({ where: { id }, data: { name: 'Desk' } })
        assert.equal(readFirst(seen), false, seen.join(', '))
        // Inside a caller's transaction the state is not known to be committed: the locked path.
        await optimistic.$transaction(async (tx) => tx.item.execute(id, 'increment', { by: 1 }))
        assert.equal(readFirst(seen), true, seen.join(', '))

        const lockedSeen: string[] = []
        const locked = ctx.base.$extends(spy(lockedSeen)).$extends(ctx.spector({ optimistic: false }))
        const other = await locked.item.create({ data: { name: 'Shade', value: 0 } })
        lockedSeen.length = 0
        for (let i = 0; i < 3; i++) await locked.item.execute(other.id, 'increment', { by: 2 })
        assert.equal(lockedSeen.filter((s) => s === 'Event.findFirst').length, 3, lockedSeen.join(', '))
        await locked.item.update({ where: { id: other.id }, data: { name: 'Desk' } })
        await assertConsistent(ctx, other.id, ['insert', 'increment', 'increment', 'increment', 'update'])
        assert.equal((await ctx.base.item.findUniqueOrThrow({ where: { id: other.id } })).value, 6)
        await assertConsistent(ctx, id, ['insert', 'increment', 'update', 'increment'])
      }))
  })
}
