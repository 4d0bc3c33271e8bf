/**
 * A client built with a global `omit` (issue 10 §4): commands answer as plain Prisma would on that
 * client (omitted fields left out of results unless asked for), while the library's own reads
 * (check, bringup, replay, events, the hash chain) still see every field and column.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { providersUnderTest } from './support/databases.ts'
import { withExample, type ExampleContext } from './support/exampleClient.ts'

/** The example's client with `value` omitted from items and most event columns omitted from the log. */
function omittingClient(ctx: ExampleContext) {
  const PrismaClient = ctx.base.constructor as new (options: object) => ExampleContext['base']
  const plain = new PrismaClient({
    adapter: ctx.db.adapter,
    omit: { item: { value: true }, event: { payload: true, hash: true, prevHash: true, metadata: true, insertedAt: true } },
  })
  return { plain, prisma: plain.$extends(ctx.spector()) }
}

for (const provider of providersUnderTest()) {
  describe(`a client with a global omit, on ${provider}`, () => {
    test('global omit: check() reports no drift for an omitted field, and command results omit it as plain Prisma does', () =>
      withExample(provider, async (ctx) => {
        const { plain, prisma } = omittingClient(ctx)
        try {
          const created = await prisma.item.create({ data: { name: 'Lamp', value: 3 } })
          assert.equal('value' in created, false, 'create result')
          const plainRow = await plain.item.findUniqueOrThrow({ where: { id: created.id } })
          assert.deepEqual(Object.keys(created).sort(), Object.keys(plainRow).sort())
          const updated = await prisma.item.update({ where: { id: created.id }, data: { name: 'Lamp 2' } })
          assert.equal('value' in updated, false, 'update result')
          const incremented = await prisma.item.execute(created.id, 'increment', { by: 2 })
          assert.equal('value' in incremented, false, 'execute result')
          // Asked for, the field is there, as with Prisma.
          const selected = await prisma.item.update({ where: { id: created.id }, data: { name: 'Lamp 3' }, select: { value: true } })
          assert.deepEqual(selected, { value: 5 })
          const unomitted = await prisma.item.update({ where: { id: created.id }, data: { name: 'Lamp 4' }, omit: { value: false } })
          assert.equal(unomitted.value, 5)

          // The library's reads see every field and column.
          assert.deepEqual((await prisma.item.check()).drifted, [])
          assert.equal((await prisma.item.replay(created.id))!.value, 5)
          const events = await prisma.item.events(created.id)
          assert.deepEqual(
            events.map((e) => [e.action, e.payload.value ?? null]),
            [
              ['insert', 3],
              ['update', null],
              ['increment', null],
              ['update', null],
              ['update', null],
            ],
          )
          assert.ok(events.every((e) => e.hash instanceof Uint8Array && e.insertedAt instanceof Date))
          assert.deepEqual(await prisma.$verifyHashChain(), { ok: true, events: 5, records: 1 })
          assert.equal((await prisma.item.materialize(created.id)).name, 'Lamp 4')
        } finally {
          await plain.$disconnect()
        }
      }))

    test('global omit: bringup imports the omitted field of a legacy row', () =>
      withExample(provider, async (ctx) => {
        const { plain, prisma } = omittingClient(ctx)
        try {
          await ctx.base.item.create({ data: { id: 'legacy', name: 'Old', value: 7 } })
          const result = await prisma.item.bringup({ keepIds: true })
          assert.equal(result.count, 1)
          assert.equal((await prisma.item.replay('legacy'))!.value, 7)
          assert.equal((await ctx.base.item.findUniqueOrThrow({ where: { id: 'legacy' } })).value, 7)
          assert.deepEqual((await prisma.item.check()).drifted, [])
        } finally {
          await plain.$disconnect()
        }
      }))
  })
}
