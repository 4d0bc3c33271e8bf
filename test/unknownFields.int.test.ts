/**
 * Unknown fields in a command's data (issue 10 §4): a `SpectorValidationError` naming each field,
 * as the README says and as Prisma's own validation error for an unknown argument, with nothing
 * written, on create, update, upsert and the bulk writes.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { SpectorValidationError } from 'prisma-spector'
import { providersUnderTest } from './support/databases.ts'
import { withExample } from './support/exampleClient.ts'

function refusedNaming(field: string, operation: string) {
  return (e: unknown) => {
    assert.ok(e instanceof SpectorValidationError, String(e))
    assert.deepEqual([e.model, e.action, e.errors], ['Item', operation, { [field]: ['is not a field of Item'] }])
    return true
  }
}

for (const provider of providersUnderTest()) {
  describe(`unknown fields on ${provider}`, () => {
    test('unknown fields in data are a SpectorValidationError naming the field, and nothing is written', () =>
      withExample(provider, async (ctx) => {
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp' } })
        const data = { name: 'Lamp', colour: 'red' } as unknown as { name: string }
        await assert.rejects(ctx.prisma.item.create({ data }), refusedNaming('colour', 'create'))
        await assert.rejects(ctx.prisma.item.update({ where: { id: item.id }, data }), refusedNaming('colour', 'update'))
        await assert.rejects(ctx.prisma.item.upsert({ where: { id: item.id }, create: data, update: data }), refusedNaming('colour', 'upsert'))
        await assert.rejects(ctx.prisma.item.createMany({ data: [data] }), refusedNaming('colour', 'createMany'))
        await assert.rejects(ctx.prisma.item.updateMany({ where: {}, data }), refusedNaming('colour', 'updateMany'))
        assert.equal(await ctx.base.event.count(), 1)
        assert.equal(await ctx.base.item.count(), 1)
      }))
  })
}
