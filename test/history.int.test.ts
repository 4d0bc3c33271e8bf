/**
 * History as data (issue 13 §2): `history(id)` lists each event with who/when and the fields it
 * changed, before → after, computed by replaying the events through the changeset; `diff(id,
 * from, to)` compares two points. On every provider.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { SpectorNotFoundError, SpectorValidationError } from 'prisma-spector'
import { providersUnderTest } from './support/databases.ts'
import { withExample } from './support/exampleClient.ts'
import { withGuides } from './support/guidesClient.ts'

const withoutTimestamps = <C extends { field: string }>(changes: C[]) => changes.filter((c) => c.field !== 'updatedAt' && c.field !== 'createdAt')

for (const provider of providersUnderTest()) {
  describe(`history and diff on ${provider}`, () => {
    test('history: each event with the fields it changed, before → after, as Prisma values; a custom action shows its effect on the state', () =>
      withExample(provider, async ({ prisma }) => {
        const item = await prisma.item.create({ data: { name: 'Lamp', value: 1 } })
        await prisma.item.update({ where: { id: item.id }, data: { name: 'Desk lamp' } })
        await prisma.item.execute(item.id, 'increment', { by: 2 })
        await prisma.item.execute(item.id, 'archive', { archivedAt: new Date('2026-11-01T09:00:00Z') })
        const history = await prisma.item.history(item.id)
        const events = await prisma.item.events(item.id)
        assert.deepEqual(
          history.map((h) => [h.id, h.sequence, h.action, h.version]),
          events.map((e) => [e.id, e.sequence, e.action, e.version]),
        )
        assert.deepEqual(withoutTimestamps(history[0]!.changes), [
          { field: 'id', before: null, after: item.id },
          { field: 'name', before: null, after: 'Lamp' },
          { field: 'value', before: null, after: 1 },
        ])
        assert.deepEqual(withoutTimestamps(history[1]!.changes), [{ field: 'name', before: 'Lamp', after: 'Desk lamp' }])
        assert.deepEqual(withoutTimestamps(history[2]!.changes), [{ field: 'value', before: 1, after: 3 }])
        const archived = withoutTimestamps(history[3]!.changes)
        assert.equal(archived.length, 1)
        assert.ok(archived[0]!.after instanceof Date, 'a DateTime field comes back as a Date')
        assert.equal((archived[0]!.after as Date).toISOString(), '2026-11-01T09:00:00.000Z')
        assert.ok(history.every((h) => h.insertedAt instanceof Date && h.actor === null && h.metadata === null))
      }))

    test('history pages: after + take give the same entries as the whole history, across a savepoint', () =>
      withExample(provider, async ({ prisma }) => {
        const item = await prisma.item.create({ data: { name: 'n0', value: 0 } })
        for (let i = 1; i <= 6; i++) {
          await prisma.item.update({ where: { id: item.id }, data: { name: `n${i}`, value: i } })
          if (i === 3) await prisma.item.savepoint(item.id)
        }
        const whole = await prisma.item.history(item.id)
        assert.equal(whole.length, 8)
        assert.deepEqual(whole[4]!.changes, [], 'the savepoint changes nothing')
        for (const after of [0, 2, 4, 5]) {
          const page = await prisma.item.history(item.id, { after: { sequence: after }, take: 3 })
          assert.deepEqual(page, whole.slice(after, after + 3))
        }
        const byEvent = await prisma.item.history(item.id, { after: whole[5]!.id })
        assert.deepEqual(byEvent, whole.slice(6))
        assert.deepEqual(await prisma.item.history(item.id, { until: { sequence: 2 } }), whole.slice(0, 2))
      }))

    test('replay and history resume from a state the caller holds (from): the same states and entries, nothing before it read again', () =>
      withExample(provider, async ({ prisma }) => {
        const item = await prisma.item.create({ data: { name: 'n0', value: 0 } })
        for (let i = 1; i <= 5; i++) {
          await prisma.item.execute(item.id, 'increment', { by: 1 })
          if (i === 2) await prisma.item.savepoint(item.id)
        }
        // 1 insert (value 0), 2 and 3 increments, 4 a savepoint (value 2), 5, 6 and 7 increments (value 5).
        const whole = await prisma.item.history(item.id)
        const latest = await prisma.item.replay(item.id)
        for (const at of [0, 1, 3, 4, 6, 7]) {
          const from = { sequence: at, state: at === 0 ? null : await prisma.item.replay(item.id, { until: { sequence: at } }) }
          assert.deepEqual(await prisma.item.replay(item.id, { from }), latest, `replay from ${at}`)
          assert.deepEqual(await prisma.item.history(item.id, { from, take: 2 }), whole.slice(at, at + 2), `history from ${at}`)
          if (at) assert.deepEqual(await prisma.item.replay(item.id, { from, until: { sequence: at } }), from.state, 'until the point itself: its state')
        }

        // The state given is folded on (not read again): value 100 after event 2, event 3 adds 1.
        const forged = { ...(await prisma.item.replay(item.id, { until: { sequence: 2 } }))!, value: 100 }
        assert.equal((await prisma.item.replay(item.id, { from: { sequence: 2, state: forged }, until: { sequence: 3 } }))!.value, 101)
        const [third] = await prisma.item.history(item.id, { from: { sequence: 2, state: forged }, take: 1 })
        assert.deepEqual(withoutTimestamps(third!.changes), [{ field: 'value', before: 100, after: 101 }])
        // A savepoint after it resets the state, as in any replay.
        assert.equal((await prisma.item.replay(item.id, { from: { sequence: 2, state: forged }, until: { sequence: 5 } }))!.value, 3)

        const refused = (call: Promise<unknown>, pattern: RegExp) =>
          assert.rejects(call, (e: unknown) => e instanceof SpectorValidationError && pattern.test(e.message))
        await refused(prisma.item.replay(item.id, { from: { sequence: 5, state: latest }, until: { sequence: 3 } }), /until.*before from/)
        await refused(prisma.item.replay(item.id, { from: { sequence: -1, state: null } }), /sequence must be a whole number >= 0/)
        await refused(prisma.item.replay(item.id, { from: { sequence: 1 } as never }), /state must be/)
        await refused(prisma.item.replay(item.id, { from: { sequence: 1, state: null }, only: [item.id] }), /cannot be combined with only/)
        await refused(prisma.item.history(item.id, { from: { sequence: 1, state: null }, after: { sequence: 1 } }), /cannot be combined with after/)
      }))

    test('history with fields keeps only the events that changed them; a delete takes every field to null', () =>
      withExample(provider, async ({ prisma }) => {
        const item = await prisma.item.create({ data: { name: 'Lamp', value: 1 } })
        await prisma.item.update({ where: { id: item.id }, data: { name: 'Desk lamp' } })
        await prisma.item.update({ where: { id: item.id }, data: { value: 5 } })
        await prisma.item.delete({ where: { id: item.id } })
        const values = await prisma.item.history(item.id, { fields: ['value'] })
        assert.deepEqual(
          values.map((h) => [h.action, h.changes]),
          [
            ['insert', [{ field: 'value', before: null, after: 1 }]],
            ['update', [{ field: 'value', before: 1, after: 5 }]],
            ['delete', [{ field: 'value', before: 5, after: null }]],
          ],
        )
        await assert.rejects(
          prisma.item.history(item.id, { fields: ['colour' as never] }),
          (e: unknown) => e instanceof SpectorValidationError && /colour is not a field of Item/.test(e.message),
        )
      }))

    test('diff between two points given as sequences, event ids and dates', () =>
      withExample(provider, async ({ prisma }) => {
        const item = await prisma.item.create({ data: { name: 'Lamp', value: 1 } })
        await prisma.item.update({ where: { id: item.id }, data: { name: 'Desk lamp' } })
        await prisma.item.execute(item.id, 'increment', { by: 2 })
        const [first, , third] = await prisma.item.events(item.id)
        const expected = [
          { field: 'name', before: 'Lamp', after: 'Desk lamp' },
          { field: 'value', before: 1, after: 3 },
        ]
        assert.deepEqual(withoutTimestamps(await prisma.item.diff(item.id, { sequence: 1 }, { sequence: 3 })), expected)
        assert.deepEqual(withoutTimestamps(await prisma.item.diff(item.id, first!.id, third!.id)), expected)
        assert.deepEqual(await prisma.item.diff(item.id, { sequence: 2 }, new Date(Date.now() + 60_000), { fields: ['value'] }), [
          { field: 'value', before: 1, after: 3 },
        ])
        assert.deepEqual(await prisma.item.diff(item.id, { sequence: 3 }, third!.id), [])
        const fromNothing = await prisma.item.diff(item.id, { sequence: 0 }, { sequence: 1 }, { fields: ['name'] })
        assert.deepEqual(fromNothing, [{ field: 'name', before: null, after: 'Lamp' }])
        await assert.rejects(prisma.item.diff(item.id, 'no-such-event', { sequence: 1 }), SpectorNotFoundError)
      }))

    test('history and diff on a client whose global omit hides event columns still read every column', () =>
      withExample(provider, async (ctx) => {
        const PrismaClient = ctx.base.constructor as new (options: object) => typeof ctx.base
        const plain = new PrismaClient({ adapter: ctx.db.adapter, omit: { event: { payload: true, metadata: true, insertedAt: true } } })
        try {
          const prisma = plain.$extends(ctx.spector())
          const item = await prisma.item.create({ data: { name: 'Lamp', value: 1 } })
          await prisma.item.update({ where: { id: item.id }, data: { name: 'Desk lamp' } })
          const page = await prisma.item.history(item.id, { after: { sequence: 1 }, fields: ['name'] })
          assert.deepEqual(
            page.map((h) => [h.sequence, h.changes]),
            [[2, [{ field: 'name', before: 'Lamp', after: 'Desk lamp' }]]],
          )
          assert.ok(page[0]!.insertedAt instanceof Date)
          assert.deepEqual(await prisma.item.diff(item.id, { sequence: 1 }, { sequence: 2 }, { fields: ['name'] }), [
            { field: 'name', before: 'Lamp', after: 'Desk lamp' },
          ])
        } finally {
          await plain.$disconnect()
        }
      }))

    test('history names the actor the event metadata carries', () =>
      withGuides(provider, async ({ prisma }) => {
        const doc = await prisma.typedDoc.create({ data: { content: 'v1' } })
        await prisma.typedDoc.execute(doc.id, 'revise', { content: 'v2', supersedes: doc.id, actor: 'alice' })
        const history = await prisma.typedDoc.history(doc.id)
        assert.deepEqual(
          history.map((h) => h.actor),
          [null, 'alice'],
        )
        assert.deepEqual(history[1]!.metadata, { reason: `supersedes ${doc.id}`, actor: 'alice' })
        assert.deepEqual(history[1]!.changes, [
          { field: 'content', before: 'v1', after: 'v2' },
          { field: 'version', before: 1, after: 2 },
        ])
      }))
  })
}
