/**
 * Custom actions whose attrs the changeset declares (`actions: { archive: z.object(...) }` in
 * prisma/changesets/Item.ts): `execute` is typed per action and checks the attrs before anything
 * is written, so a misspelt key never reaches the immutable log (issue 10 §4). Each refused call
 * below is also a compile error (`@ts-expect-error`, checked by `npm run typecheck`).
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { SpectorValidationError } from 'prisma-spector'
import { providersUnderTest } from './support/databases.ts'
import { withExample, type ExampleContext } from './support/exampleClient.ts'

/** The record's events and row, to show that a refused command wrote nothing. */
async function snapshot(ctx: ExampleContext, id: string) {
  return { events: (await ctx.prisma.item.events(id)).map((e) => e.id), row: await ctx.base.item.findUniqueOrThrow({ where: { id } }) }
}

/** An assert.rejects check: a SpectorValidationError naming exactly these fields. */
function refusal(fields: string[]) {
  return (e: unknown) => {
    assert.ok(e instanceof SpectorValidationError, String(e))
    assert.deepEqual(e.fields, fields)
    return true
  }
}

for (const provider of providersUnderTest()) {
  describe(`declared custom action attrs, on ${provider}`, () => {
    test('execute attrs with a misspelt key are refused by the action schema and nothing is written', () =>
      withExample(provider, async (ctx) => {
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp' } })
        const before = await snapshot(ctx, item.id)
        const when = new Date('2026-01-02T03:04:05.000Z')
        // @ts-expect-error archviedAt is not an attr of archive
        await assert.rejects(ctx.prisma.item.execute(item.id, 'archive', { archviedAt: when }), (e: unknown) => {
          assert.ok(e instanceof SpectorValidationError)
          assert.equal(e.model, 'Item')
          assert.equal(e.action, 'archive')
          assert.deepEqual(e.errors, { archviedAt: ['is not an attr of archive'] })
          return true
        })
        assert.deepEqual(await snapshot(ctx, item.id), before)
        // Spelt right, it is written.
        assert.deepEqual((await ctx.prisma.item.execute(item.id, 'archive', { archivedAt: when })).archivedAt, when)
      }))

    test('execute attrs of the wrong type are refused by the action schema and nothing is written', () =>
      withExample(provider, async (ctx) => {
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp', value: 1 } })
        const before = await snapshot(ctx, item.id)
        // @ts-expect-error by is a number
        await assert.rejects(ctx.prisma.item.execute(item.id, 'increment', { by: '2' }), refusal(['by']))
        await assert.rejects(ctx.prisma.item.execute(item.id, 'increment', { by: 1.5 }), refusal(['by']))
        // @ts-expect-error archivedAt is a Date
        await assert.rejects(ctx.prisma.item.execute(item.id, 'archive', { archivedAt: 'yesterday' }), refusal(['archivedAt']))
        assert.deepEqual(await snapshot(ctx, item.id), before)
        // The attrs the schema accepts reach the changeset; none at all is fine when the schema allows it.
        assert.equal((await ctx.prisma.item.execute(item.id, 'increment', { by: 2 })).value, 3)
        assert.equal((await ctx.prisma.item.execute(item.id, 'increment')).value, 4)
        assert.deepEqual(
          (await ctx.prisma.item.events(item.id)).map((e) => e.payload.by ?? null),
          [null, 2, null],
        )
      }))

    test('execute of an action without a declared schema takes any attrs, as before', () =>
      withExample(provider, async (ctx) => {
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp' } })
        await ctx.prisma.item.execute(item.id, 'archive', {})
        await ctx.prisma.item.execute(item.id, 'restore', { reason: 'back in stock' })
        const [, , restore] = await ctx.prisma.item.events(item.id)
        assert.equal(restore!.payload.reason, 'back in stock')
        assert.equal((await ctx.prisma.item.replay(item.id))!.archivedAt, null)
      }))
  })
}
