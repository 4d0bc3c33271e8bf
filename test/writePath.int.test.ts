/**
 * The write path of an evented model, on every provider under test: each write appends an event
 * and writes the row in one transaction, replay rebuilds the row from the log, bad input writes
 * nothing.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import {
  SpectorIdNotAllowedError,
  SpectorNotFoundError,
  SpectorReplayError,
  SpectorUnknownActionError,
  SpectorUnsupportedWriteError,
  SpectorValidationError,
} from 'prisma-spector'
import { providersUnderTest } from './support/databases.ts'
import { withExample, type ExampleContext } from './support/exampleClient.ts'

const providers = providersUnderTest()

async function counts(ctx: ExampleContext) {
  return { events: await ctx.base.event.count(), items: await ctx.base.item.count() }
}

/** The row as stored, without Prisma's extension in the way. */
async function row(ctx: ExampleContext, id: string) {
  return ctx.base.item.findUnique({ where: { id } })
}

for (const provider of providers) {
  describe(`write path on ${provider}`, () => {
    test('create appends an insert event whose id is the record id, and writes the row', () =>
      withExample(provider, async (ctx) => {
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp', value: 3 } })
        const events = await ctx.prisma.item.events(item.id)
        assert.equal(events.length, 1)
        const [insert] = events
        assert.equal(insert!.id, item.id)
        assert.equal(insert!.recordId, item.id)
        assert.equal(insert!.action, 'insert')
        assert.equal(insert!.sequence, 1)
        assert.equal(insert!.version, 1)
        assert.equal(insert!.model, 'Item')
        assert.deepEqual(Object.keys(insert!.payload).sort(), ['createdAt', 'name', 'updatedAt', 'value'])
        assert.match(item.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
        assert.deepEqual(await row(ctx, item.id), item)
        assert.deepEqual(await ctx.prisma.item.replay(item.id), item)
      }))

    test('create honours select, and reads behave as plain Prisma', () =>
      withExample(provider, async (ctx) => {
        const created = await ctx.prisma.item.create({ data: { name: 'Chair' }, select: { id: true, name: true } })
        assert.deepEqual(Object.keys(created).sort(), ['id', 'name'])
        await ctx.prisma.item.create({ data: { name: 'Table', value: 7 } })
        assert.equal(await ctx.prisma.item.count(), 2)
        const found = await ctx.prisma.item.findMany({ where: { value: { gt: 5 } }, select: { name: true } })
        assert.deepEqual(found, [{ name: 'Table' }])
        const agg = await ctx.prisma.item.aggregate({ _sum: { value: true } })
        assert.equal(agg._sum.value, 7)
      }))

    test("Prisma's fluent API on an evented write returns the relation, with the event and row written", () =>
      withExample(provider, async (ctx) => {
        const category = await ctx.base.category.create({ data: { name: 'Lamps' } })
        // The evented create is Prisma's own operation, so `.category()` selects through it.
        const viaCreate = await (ctx.prisma.item.create({ data: { name: 'Desk lamp', categoryId: category.id } }) as any).category()
        assert.deepEqual(viaCreate, { id: category.id, name: 'Lamps' })
        const item = await ctx.base.item.findFirstOrThrow({ where: { name: 'Desk lamp' } })
        const viaUpdate = await (ctx.prisma.item.update({ where: { id: item.id }, data: { value: 3 } }) as any).category()
        assert.equal(viaUpdate.name, 'Lamps')
        assert.deepEqual(
          (await ctx.prisma.item.events(item.id)).map((e) => e.action),
          ['insert', 'update'],
        )
        assert.equal((await ctx.prisma.item.replay(item.id))?.value, 3)
        assert.equal((await ctx.base.item.findUniqueOrThrow({ where: { id: item.id } })).value, 3)
      }))

    test('a caller-supplied id is refused and nothing is written', () =>
      withExample(provider, async (ctx) => {
        await assert.rejects(
          // @ts-expect-error the id is assigned by prisma-spector
          ctx.prisma.item.create({ data: { id: 'mine', name: 'Lamp' } }),
          (e: unknown) => e instanceof SpectorIdNotAllowedError && e.code === 'SPECTOR_ID_NOT_ALLOWED' && /Item\.id/.test(e.message),
        )
        assert.deepEqual(await counts(ctx), { events: 0, items: 0 })
      }))

    test('rejected attrs throw a validation error naming the fields, and write nothing', () =>
      withExample(provider, async (ctx) => {
        await assert.rejects(
          // @ts-expect-error name must be a string
          ctx.prisma.item.create({ data: { name: 42 } }),
          (e: unknown) => e instanceof SpectorValidationError && e.fields.includes('name') && e.model === 'Item',
        )
        await assert.rejects(ctx.prisma.item.create({ data: { name: '   ' } }), (e: unknown) => {
          assert.ok(e instanceof SpectorValidationError)
          assert.deepEqual(e.errors, { name: ['must not be blank'] })
          return true
        })
        await assert.rejects(
          // @ts-expect-error not a field of Item
          ctx.prisma.item.create({ data: { name: 'x', colour: 'red' } }),
          (e: unknown) => e instanceof SpectorValidationError && e.fields.includes('colour'),
        )
        assert.deepEqual(await counts(ctx), { events: 0, items: 0 })
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp' } })
        await assert.rejects(ctx.prisma.item.update({ where: { id: item.id }, data: { name: '' } }), SpectorValidationError)
        assert.deepEqual(await counts(ctx), { events: 1, items: 1 })
        assert.equal((await row(ctx, item.id))!.name, 'Lamp')
      }))

    test('update replays, appends the next event and rewrites the whole row from the log', () =>
      withExample(provider, async (ctx) => {
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp', value: 1 } })
        // Someone edits the row behind the library's back ...
        await ctx.db.exec(`UPDATE ${ctx.q('Item')} SET ${ctx.q('value')} = 99 WHERE ${ctx.q('id')} = '${item.id}'`)
        const updated = await ctx.prisma.item.update({ where: { id: item.id }, data: { name: 'Desk lamp' } })
        // ... and the next command corrects it from the log.
        assert.equal(updated.value, 1)
        assert.equal(updated.name, 'Desk lamp')
        assert.ok(updated.updatedAt.getTime() >= item.updatedAt.getTime())
        assert.deepEqual(updated.createdAt, item.createdAt)
        const events = await ctx.prisma.item.events(item.id)
        assert.deepEqual(
          events.map((e) => [e.action, e.sequence]),
          [
            ['insert', 1],
            ['update', 2],
          ],
        )
        assert.deepEqual(await row(ctx, item.id), updated)
        assert.deepEqual(await ctx.prisma.item.replay(item.id), updated)
      }))

    test('update operators are resolved against the replayed state and recorded as values', () =>
      withExample(provider, async (ctx) => {
        const item = await ctx.prisma.item.create({ data: { name: 'Counter', value: 10 } })
        await ctx.prisma.item.update({ where: { id: item.id }, data: { value: { increment: 5 } } })
        await ctx.prisma.item.update({ where: { id: item.id }, data: { value: { multiply: 3 } } })
        const last = await ctx.prisma.item.update({ where: { id: item.id }, data: { value: { decrement: 1 }, name: { set: 'Counted' } } })
        assert.equal(last.value, 44)
        assert.equal(last.name, 'Counted')
        const events = await ctx.prisma.item.events(item.id)
        assert.deepEqual(
          events.map((e) => e.payload.value),
          [10, 15, 45, 44],
        )
        assert.deepEqual(await ctx.prisma.item.replay(item.id), last)
      }))

    test('upsert creates when missing and updates when present', () =>
      withExample(provider, async (ctx) => {
        const missing = '0190a0a0-0000-7000-8000-000000000000'
        const created = await ctx.prisma.item.upsert({ where: { id: missing }, create: { name: 'New' }, update: { name: 'Updated' } })
        assert.notEqual(created.id, missing)
        assert.equal(created.name, 'New')
        const updated = await ctx.prisma.item.upsert({ where: { id: created.id }, create: { name: 'New' }, update: { name: 'Updated' } })
        assert.equal(updated.name, 'Updated')
        assert.deepEqual(
          (await ctx.prisma.item.events(created.id)).map((e) => e.action),
          ['insert', 'update'],
        )
      }))

    test('execute runs a custom action through the changeset', () =>
      withExample(provider, async (ctx) => {
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp', value: 1 } })
        const when = new Date('2026-01-02T03:04:05.678Z')
        const archived = await ctx.prisma.item.execute(item.id, 'archive', { archivedAt: when })
        assert.deepEqual(archived.archivedAt, when)
        const bumped = await ctx.prisma.item.execute(item.id, 'increment', { by: 4 })
        assert.equal(bumped.value, 5)
        const events = await ctx.prisma.item.events(item.id)
        assert.deepEqual(
          events.map((e) => e.action),
          ['insert', 'archive', 'increment'],
        )
        assert.equal(events[2]!.payload.by, 4)
        assert.deepEqual(await ctx.prisma.item.replay(item.id), bumped)
        assert.deepEqual(await row(ctx, item.id), bumped)
        // The changeset can refuse a command: nothing is written.
        await assert.rejects(
          ctx.prisma.item.execute(item.id, 'archive', {}),
          (e: unknown) => e instanceof SpectorValidationError && e.fields.includes('archivedAt') && e.action === 'archive',
        )
        assert.equal((await ctx.prisma.item.events(item.id)).length, 3)
        await assert.rejects(
          // @ts-expect-error not an action of Item
          ctx.prisma.item.execute(item.id, 'explode', {}),
          (e: unknown) => e instanceof SpectorUnknownActionError && /archive, restore, increment/.test(e.message),
        )
      }))

    test('commands on an unknown or deleted record throw a typed not-found error', () =>
      withExample(provider, async (ctx) => {
        const unknown = '0190a0a0-0000-7000-8000-000000000001'
        for (const attempt of [
          () => ctx.prisma.item.update({ where: { id: unknown }, data: { name: 'x' } }),
          () => ctx.prisma.item.delete({ where: { id: unknown } }),
          () => ctx.prisma.item.execute(unknown, 'archive', {}),
          () => ctx.prisma.item.savepoint(unknown),
        ]) {
          await assert.rejects(attempt(), (e: unknown) => e instanceof SpectorNotFoundError && e.code === 'SPECTOR_NOT_FOUND' && e.prismaCode === 'P2025')
        }
        assert.equal(await ctx.prisma.item.replay(unknown), null)
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp' } })
        await ctx.prisma.item.delete({ where: { id: item.id } })
        await assert.rejects(ctx.prisma.item.execute(item.id, 'archive', {}), (e: unknown) => e instanceof SpectorNotFoundError && e.reason === 'deleted')
      }))

    test('delete appends a delete event and removes the row; replay then gives null', () =>
      withExample(provider, async (ctx) => {
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp' } })
        await ctx.prisma.item.update({ where: { id: item.id }, data: { value: 2 } })
        const deleted = await ctx.prisma.item.delete({ where: { id: item.id } })
        assert.equal(deleted.value, 2)
        assert.equal(await row(ctx, item.id), null)
        assert.equal(await ctx.prisma.item.replay(item.id), null)
        const events = await ctx.prisma.item.events(item.id)
        assert.deepEqual(
          events.map((e) => [e.action, e.sequence]),
          [
            ['insert', 1],
            ['update', 2],
            ['delete', 3],
          ],
        )
        assert.deepEqual(events[2]!.payload, {})
        // The state before the delete is still in the log.
        assert.equal((await ctx.prisma.item.replay(item.id, { until: { sequence: 2 } }))!.value, 2)
      }))

    test('replay as of a past point: an event id, a date or a sequence', () =>
      withExample(provider, async (ctx) => {
        const item = await ctx.prisma.item.create({ data: { name: 'v1' } })
        await ctx.prisma.item.update({ where: { id: item.id }, data: { name: 'v2' } })
        const [, second] = await ctx.prisma.item.events(item.id)
        await new Promise((r) => setTimeout(r, 15))
        const between = new Date()
        await new Promise((r) => setTimeout(r, 15))
        await ctx.prisma.item.update({ where: { id: item.id }, data: { name: 'v3' } })
        assert.equal((await ctx.prisma.item.replay(item.id, { until: item.id }))!.name, 'v1')
        assert.equal((await ctx.prisma.item.replay(item.id, { until: second!.id }))!.name, 'v2')
        assert.equal((await ctx.prisma.item.replay(item.id, { until: between }))!.name, 'v2')
        assert.equal((await ctx.prisma.item.replay(item.id, { until: { sequence: 3 } }))!.name, 'v3')
        assert.equal(await ctx.prisma.item.replay(item.id, { until: new Date(0) }), null)
        assert.deepEqual(
          (await ctx.prisma.item.events(item.id, { until: second!.id })).map((e) => e.sequence),
          [1, 2],
        )
        await assert.rejects(ctx.prisma.item.replay(item.id, { until: '0190a0a0-0000-7000-8000-00000000dead' }), SpectorNotFoundError)
      }))

    test('a savepoint stores the full state and replay starts from the newest one', () =>
      withExample(provider, async (ctx) => {
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp', value: 1 } })
        await ctx.prisma.item.update({ where: { id: item.id }, data: { value: 2 } })
        const saved = await ctx.prisma.item.savepoint(item.id)
        assert.equal(saved.value, 2)
        const after = await ctx.prisma.item.update({ where: { id: item.id }, data: { name: 'Desk lamp' } })
        const events = await ctx.prisma.item.events(item.id)
        assert.deepEqual(
          events.map((e) => e.action),
          ['insert', 'update', 'savepoint', 'update'],
        )
        assert.equal(events[2]!.payload.value, 2)
        // Prove replay starts at the savepoint: make an event before it unreadable; replay and
        // commands still work, because they never read it.
        await ctx.db.exec(`UPDATE ${ctx.q('Event')} SET ${ctx.q('payload')} = '{"value": "not a number"}' WHERE ${ctx.q('id')} = '${events[1]!.id}'`)
        assert.deepEqual(await ctx.prisma.item.replay(item.id), after)
        const next = await ctx.prisma.item.update({ where: { id: item.id }, data: { value: { increment: 1 } } })
        assert.equal(next.value, 3)
        // Replaying as of a point before the savepoint has to read that event, and says which one fails.
        await assert.rejects(
          ctx.prisma.item.replay(item.id, { until: { sequence: 2 } }),
          (e: unknown) => e instanceof SpectorReplayError && e.eventId === events[1]!.id && e.sequence === 2 && e.fields.includes('value'),
        )
      }))

    test('savepointEvery appends a savepoint after every N events, so replay stays short', () =>
      withExample(provider, async (ctx) => {
        const prisma = ctx.base.$extends(ctx.spector({ savepointEvery: 4 }))
        const item = await prisma.item.create({ data: { name: 'Counter', value: 0 } })
        for (let i = 0; i < 9; i++) await prisma.item.execute(item.id, 'increment', {})
        const events = await prisma.item.events(item.id)
        assert.deepEqual(
          events.filter((e) => e.action === 'savepoint').map((e) => e.sequence),
          [5, 10],
          events.map((e) => `${e.sequence}:${e.action}`).join(' '),
        )
        assert.equal(events.length, 12)
        assert.equal((await prisma.item.replay(item.id))!.value, 9)
        assert.deepEqual(await prisma.item.verifySavepoints(item.id), { ok: true, savepoints: 2 })
        assert.throws(() => ctx.base.$extends(ctx.spector({ savepointEvery: 1 })), /savepointEvery must be a whole number >= 2/)
      }))

    test('timestamps in the payload are restored exactly on replay', () =>
      withExample(provider, async (ctx) => {
        const createdAt = new Date('2020-05-06T07:08:09.123Z')
        const item = await ctx.prisma.item.create({ data: { name: 'Old lamp', createdAt } })
        assert.deepEqual(item.createdAt, createdAt)
        await new Promise((r) => setTimeout(r, 5))
        const updated = await ctx.prisma.item.update({ where: { id: item.id }, data: { value: 1 } })
        assert.ok(updated.updatedAt > item.updatedAt)
        const replayed = await ctx.prisma.item.replay(item.id)
        assert.deepEqual(replayed!.createdAt, createdAt)
        assert.deepEqual(replayed!.updatedAt, updated.updatedAt)
      }))

    test('schema versions: a version guard migrates events written before a field rename', () =>
      withExample(provider, async (ctx) => {
        // An Item written by version 0 of the schema, when `name` was called `title`.
        const id = '0190a0a0-0000-7000-8000-0000000000a0'
        await ctx.base.event.create({
          data: {
            id,
            recordId: id,
            model: 'Item',
            action: 'insert',
            version: 0,
            sequence: 1,
            payload: { title: 'Legacy lamp', createdAt: '2019-01-01T00:00:00.000Z', updatedAt: '2019-01-01T00:00:00.000Z' },
          },
        })
        const replayed = await ctx.prisma.item.replay(id)
        assert.equal(replayed!.name, 'Legacy lamp')
        await ctx.base.item.create({ data: replayed! })
        const updated = await ctx.prisma.item.update({ where: { id }, data: { value: 5 } })
        assert.equal(updated.name, 'Legacy lamp')
        const events = await ctx.prisma.item.events(id)
        assert.deepEqual(
          events.map((e) => e.version),
          [0, 1],
        )
      }))

    test('bulk writes append one event per affected record, in one transaction', () =>
      withExample(provider, async (ctx) => {
        const created = await ctx.prisma.item.createMany({
          data: [
            { name: 'a', value: 1 },
            { name: 'b', value: 2 },
            { name: 'c', value: 3 },
          ],
        })
        assert.deepEqual(created, { count: 3 })
        const updated = await ctx.prisma.item.updateMany({ where: { value: { gte: 2 } }, data: { value: { increment: 10 } } })
        assert.deepEqual(updated, { count: 2 })
        const deleted = await ctx.prisma.item.deleteMany({ where: { name: 'a' } })
        assert.deepEqual(deleted, { count: 1 })
        const events = await ctx.base.event.findMany({ orderBy: [{ recordId: 'asc' }, { sequence: 'asc' }] })
        const byRecord = new Map<string, string[]>()
        for (const e of events) byRecord.set(e.recordId, [...(byRecord.get(e.recordId) ?? []), `${e.sequence}:${e.action}`])
        assert.deepEqual([...byRecord.values()].map((v) => v.join(' ')).sort(), ['1:insert 2:delete', '1:insert 2:update', '1:insert 2:update'])
        const rows = await ctx.base.item.findMany({ orderBy: { name: 'asc' } })
        assert.deepEqual(
          rows.map((r) => [r.name, r.value]),
          [
            ['b', 12],
            ['c', 13],
          ],
        )
        for (const r of rows) assert.deepEqual(await ctx.prisma.item.replay(r.id), r)
        assert.deepEqual(await ctx.prisma.item.updateMany({ where: { name: 'nothing' }, data: { value: 0 } }), { count: 0 })
        assert.deepEqual(await ctx.prisma.item.deleteMany({ limit: 1 }), { count: 1 })
        if (provider !== 'mysql') {
          const returned = await ctx.prisma.item.createManyAndReturn({ data: [{ name: 'd' }], select: { name: true } })
          assert.deepEqual(returned, [{ name: 'd' }])
          const changed = await ctx.prisma.item.updateManyAndReturn({ where: { name: 'd' }, data: { name: 'e' } })
          assert.equal(changed[0]!.name, 'e')
          assert.deepEqual(
            (await ctx.prisma.item.events(changed[0]!.id)).map((e) => e.action),
            ['insert', 'update'],
          )
        }
      }))

    test('a bulk write that fails on one record writes nothing at all', () =>
      withExample(provider, async (ctx) => {
        await assert.rejects(
          ctx.prisma.item.createMany({ data: [{ name: 'ok' }, { name: '' }] }),
          (e: unknown) => e instanceof SpectorValidationError && e.fields.includes('name'),
        )
        assert.deepEqual(await counts(ctx), { events: 0, items: 0 })
        await ctx.prisma.item.createMany({ data: [{ name: 'a' }, { name: 'b' }] })
        await assert.rejects(ctx.prisma.item.updateMany({ data: { name: '' } }), SpectorValidationError)
        assert.deepEqual(await counts(ctx), { events: 2, items: 2 })
        await assert.rejects(
          // @ts-expect-error skipDuplicates cannot be evented
          ctx.prisma.item.createMany({ data: [{ name: 'x' }], skipDuplicates: true }),
          (e: unknown) => e instanceof SpectorUnsupportedWriteError && /skipDuplicates/.test(e.message),
        )
        assert.deepEqual(await counts(ctx), { events: 2, items: 2 })
      }))
  })

  describe(`atomicity on ${provider}`, () => {
    /** Makes the database refuse Item rows named 'boom', after prisma-spector has written the event. */
    async function refuseBoom(ctx: ExampleContext) {
      if (provider === 'sqlite') {
        await ctx.db.exec(`CREATE TRIGGER refuse_boom BEFORE INSERT ON "Item" WHEN NEW.name = 'boom' BEGIN SELECT RAISE(ABORT, 'boom refused'); END;
          CREATE TRIGGER refuse_boom_update BEFORE UPDATE ON "Item" WHEN NEW.name = 'boom' BEGIN SELECT RAISE(ABORT, 'boom refused'); END;`)
      } else {
        await ctx.db.exec(`ALTER TABLE ${ctx.q('Item')} ADD CONSTRAINT refuse_boom CHECK (${ctx.q('name')} <> 'boom')`)
      }
    }

    test('a row write that fails after the event was written leaves neither', () =>
      withExample(provider, async (ctx) => {
        await refuseBoom(ctx)
        await assert.rejects(ctx.prisma.item.create({ data: { name: 'boom' } }))
        assert.deepEqual(await counts(ctx), { events: 0, items: 0 })
        const item = await ctx.prisma.item.create({ data: { name: 'fine' } })
        await assert.rejects(ctx.prisma.item.update({ where: { id: item.id }, data: { name: 'boom' } }))
        assert.deepEqual(await counts(ctx), { events: 1, items: 1 })
        assert.equal((await ctx.prisma.item.replay(item.id))!.name, 'fine')
      }))

    test("writes inside a user's $transaction that throws leave neither events nor rows", () =>
      withExample(provider, async (ctx) => {
        const kept = await ctx.prisma.item.create({ data: { name: 'kept' } })
        await assert.rejects(
          ctx.prisma.$transaction(async (tx) => {
            const a = await tx.item.create({ data: { name: 'a' } })
            await tx.item.update({ where: { id: a.id }, data: { name: 'a2' } })
            await tx.item.execute(kept.id, 'archive', {})
            await tx.item.savepoint(kept.id)
            await tx.item.delete({ where: { id: kept.id } })
            throw new Error('caller changed its mind')
          }),
          /caller changed its mind/,
        )
        assert.deepEqual(await counts(ctx), { events: 1, items: 1 })
        assert.equal((await ctx.prisma.item.replay(kept.id))!.archivedAt, null)
      }))

    test("writes inside a user's $transaction commit with it, events and rows together", () =>
      withExample(provider, async (ctx) => {
        const id = await ctx.prisma.$transaction(async (tx) => {
          const a = await tx.item.create({ data: { name: 'a' } })
          await tx.item.execute(a.id, 'increment', { by: 2 })
          // Reads inside the transaction see its own events.
          assert.equal((await tx.item.replay(a.id))!.value, 2)
          return a.id
        })
        assert.deepEqual(await counts(ctx), { events: 2, items: 1 })
        assert.equal((await row(ctx, id))!.value, 2)
      }))
  })
}

for (const provider of providers) {
  describe(`transactions on ${provider}`, () => {
    test('a batch $transaction([...]) with an evented write is refused before anything is written', () =>
      withExample(provider, async (ctx) => {
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp' } })
        for (const batch of [
          () => [ctx.prisma.item.create({ data: { name: 'a' } }), ctx.prisma.event.count()],
          () => [ctx.prisma.event.count(), ctx.prisma.item.update({ where: { id: item.id }, data: { name: 'b' } })],
          () => [ctx.prisma.item.execute(item.id, 'archive', {})],
        ]) {
          await assert.rejects(
            ctx.prisma.$transaction(batch() as any),
            (e: unknown) => e instanceof SpectorUnsupportedWriteError && /batch \$transaction/.test(e.message) && e.model === 'Item',
          )
        }
        assert.deepEqual(await counts(ctx), { events: 1, items: 1 })
        assert.equal((await row(ctx, item.id))!.name, 'Lamp')
        // Reads in a batch are plain Prisma.
        assert.deepEqual(await ctx.prisma.$transaction([ctx.prisma.item.count(), ctx.prisma.event.count()]), [1, 1])
      }))

    test('evented writes start only when awaited, like Prisma promises', () =>
      withExample(provider, async (ctx) => {
        const pending = ctx.prisma.item.create({ data: { name: 'Later' } })
        await new Promise((r) => setTimeout(r, 20))
        assert.deepEqual(await counts(ctx), { events: 0, items: 0 })
        await pending
        assert.deepEqual(await counts(ctx), { events: 1, items: 1 })
      }))

    test('a nested $transaction on a transaction client is part of the outer one', () =>
      withExample(provider, async (ctx) => {
        await assert.rejects(
          ctx.prisma.$transaction(async (tx) => {
            await tx.item.create({ data: { name: 'outer' } })
            await tx.$transaction(async (inner) => {
              await inner.item.create({ data: { name: 'inner' } })
            })
            throw new Error('outer fails')
          }),
          /outer fails/,
        )
        assert.deepEqual(await counts(ctx), { events: 0, items: 0 })
        await assert.rejects(
          ctx.prisma.$transaction(async (tx) => {
            await tx.item.create({ data: { name: 'kept' } })
            await tx.$transaction(async (inner) => {
              await inner.item.create({ data: { name: 'inner' } })
              throw new Error('inner fails')
            })
          }),
          /inner fails/,
        )
        assert.deepEqual(await counts(ctx), { events: 0, items: 0 })
        await ctx.prisma.$transaction(async (tx) => {
          await tx.item.create({ data: { name: 'kept' } })
          await tx.$transaction(async (inner) => inner.item.create({ data: { name: 'inner' } }))
        })
        assert.deepEqual(await counts(ctx), { events: 2, items: 2 })
      }))
  })
}
