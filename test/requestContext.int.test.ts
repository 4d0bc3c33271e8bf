/**
 * Actor and request context: every kind of write made in a `$spector.withContext` scope (or under
 * the `context` option) carries it in `metadata`; prepareEvent sees and extends it; concurrent
 * scopes never leak into each other; a forged actor breaks the hash chain; a metadataSchema
 * refuses a bad context and types what is read back; the events of one actor or request are found
 * across models.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { z } from 'zod/v4'
import { SpectorValidationError } from 'prisma-spector'
import { providersUnderTest } from './support/databases.ts'
import { withFeed } from './support/feedClient.ts'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

for (const provider of providersUnderTest()) {
  describe(`request context on ${provider}`, () => {
    test('every kind of write in a scope carries the context: create, update, upsert, delete, execute, bulk writes, savepoints, bringup', () =>
      withFeed(provider, async ({ prisma, base, q }) => {
        const context = { actor: 'alice', reason: 'refund', requestId: 'req-1' }
        // A row written before Item was evented, for bringup.
        await base.$executeRawUnsafe(
          `INSERT INTO ${q('Item')} (${q('id')}, ${q('name')}, ${q('createdAt')}, ${q('updatedAt')}) VALUES ('legacy-1', 'Legacy', '2024-01-01 00:00:00', '2024-01-01 00:00:00')`,
        )
        await prisma.$spector.withContext(context, async () => {
          const a = await prisma.item.create({ data: { name: 'A', value: 1 } })
          await prisma.item.update({ where: { id: a.id }, data: { value: 2 } })
          await prisma.item.upsert({ where: { id: a.id }, create: { name: 'never' }, update: { value: 3 } })
          const b = await prisma.item.upsert({ where: { id: 'absent' }, create: { name: 'B' }, update: {} })
          await prisma.item.execute(a.id, 'increment', { by: 2 })
          await prisma.item.savepoint(a.id)
          await prisma.item.createMany({ data: [{ name: 'C' }, { name: 'D' }] })
          await prisma.item.updateMany({ where: { name: { in: ['C', 'D'] } }, data: { value: 9 } })
          await prisma.item.deleteMany({ where: { name: 'D' } })
          await prisma.item.delete({ where: { id: b.id } })
          await prisma.item.bringup({ keepIds: true })
          // Inside a caller's transaction too.
          await prisma.$transaction(async (tx) => {
            await tx.item.create({ data: { name: 'in tx' } })
          })
        })
        const events = await base.event.findMany({ orderBy: { position: 'asc' } })
        const actions = new Set(events.map((e) => e.action))
        for (const action of ['insert', 'update', 'increment', 'savepoint', 'delete']) assert.ok(actions.has(action), `an ${action} event was written`)
        assert.ok(
          events.some((e) => e.recordId === 'legacy-1'),
          'bringup wrote an event',
        )
        assert.ok(events.length >= 14)
        for (const event of events) assert.deepEqual(event.metadata, context, `${event.action} event of ${event.recordId}`)
      }))

    test('scopes nest (inner keys win); the context option fills what no scope says; prepareEvent sees and extends it', () =>
      withFeed(
        provider,
        async ({ prisma, base }) => {
          const outer = await prisma.note.create({ data: { text: 'no scope' } })
          await prisma.$spector.withContext({ actor: 'alice', requestId: 'r1' }, () =>
            prisma.$spector.withContext({ actor: 'bob' }, () => prisma.note.create({ data: { text: 'nested, returned unawaited' } })),
          )
          const events = await base.event.findMany({ orderBy: { position: 'asc' } })
          assert.deepEqual(events[0]!.metadata, { tenant: 'acme', preparedFor: null })
          assert.equal(events[0]!.recordId, outer.id)
          assert.deepEqual(events[1]!.metadata, { tenant: 'acme', actor: 'bob', requestId: 'r1', preparedFor: 'bob' })
        },
        { context: () => ({ tenant: 'acme' }) },
      ))

    test('concurrent requests with different actors do not leak into each other', () =>
      withFeed(provider, async ({ prisma, base }) => {
        const actors = Array.from({ length: 12 }, (_, i) => `user-${i}`)
        await Promise.all(
          actors.map((actor, i) =>
            prisma.$spector.withContext({ actor, requestId: `req-${i}` }, async () => {
              await pause(Math.random() * 20)
              const item = await prisma.item.create({ data: { name: actor, value: 0 } })
              await pause(Math.random() * 20)
              await prisma.item.execute(item.id, 'increment', { by: 1 })
              await prisma.note.create({ data: { text: actor } })
            }),
          ),
        )
        const events = await base.event.findMany()
        assert.equal(events.length, actors.length * 3)
        const items = new Map((await base.item.findMany()).map((item) => [item.id, item.name]))
        const notes = new Map((await base.note.findMany()).map((note) => [note.id, note.text]))
        for (const event of events) {
          const owner = items.get(event.recordId) ?? notes.get(event.recordId)
          const metadata = event.metadata as { actor: string; requestId: string }
          assert.equal(metadata.actor, owner, `event ${event.id} of ${owner}`)
          assert.equal(metadata.requestId, `req-${actors.indexOf(owner!)}`)
        }
        // Outside every scope nothing is carried.
        const after = await prisma.item.create({ data: { name: 'after' } })
        assert.equal((await base.event.findFirst({ where: { recordId: after.id } }))!.metadata, null)
      }))

    test('a forged actor fails $verifyHashChain as an edited event', () =>
      withFeed(provider, async ({ prisma, base, q }) => {
        const item = await prisma.$spector.withContext({ actor: 'alice' }, () => prisma.item.create({ data: { name: 'Ledger' } }))
        // Another record, left alone: with every event edited the verifier suspects a missing key instead.
        await prisma.$spector.withContext({ actor: 'bob' }, () => prisma.item.create({ data: { name: 'Other' } }))
        assert.equal((await prisma.$verifyHashChain()).ok, true)
        await base.$executeRawUnsafe(`UPDATE ${q('Event')} SET ${q('metadata')} = '{"actor":"mallory"}' WHERE ${q('recordId')} = '${item.id}'`)
        const result = await prisma.$verifyHashChain()
        assert.ok(!result.ok)
        assert.equal(result.failure.kind, 'edited')
        assert.equal(result.failure.recordId, item.id)
      }))

    test('a metadataSchema refuses a bad context with a typed error and nothing is written; what it accepts reads back typed', () =>
      withFeed(
        provider,
        async ({ prisma, base }) => {
          await assert.rejects(
            prisma.$spector.withContext({ actor: 42 as unknown as string }, () => prisma.item.create({ data: { name: 'X' } })),
            (error: unknown) => {
              assert.ok(error instanceof SpectorValidationError, String(error))
              assert.equal(error.code, 'SPECTOR_VALIDATION')
              assert.deepEqual(error.fields, ['actor'])
              return true
            },
          )
          assert.equal(await base.event.count(), 0)
          await prisma.$spector.withContext({ actor: 'alice', requestId: 'r-9' }, () => prisma.item.create({ data: { name: 'Y' } }))
          const page = await prisma.$spector.feed()
          const actor: string | undefined = page.events[0]!.metadata?.actor
          assert.equal(actor, 'alice')
          // @ts-expect-error: the schema has no `team`
          assert.equal(page.events[0]!.metadata?.team, undefined)
        },
        { metadataSchema: z.object({ actor: z.string(), requestId: z.string().optional() }) },
      ))

    test("eventsWhere finds one actor's and one request's events across models, oldest first", () =>
      withFeed(provider, async ({ prisma }) => {
        await prisma.$spector.withContext({ actor: 'alice', requestId: 'r1' }, async () => {
          const item = await prisma.item.create({ data: { name: 'A' } })
          await prisma.note.create({ data: { text: 'by alice' } })
          await prisma.item.update({ where: { id: item.id }, data: { value: 1 } })
        })
        await prisma.$spector.withContext({ actor: 'bob', requestId: 'r2' }, () => prisma.note.create({ data: { text: 'by bob' } }))
        const alice = await prisma.$spector.eventsWhere({ actor: 'alice' })
        assert.deepEqual(
          alice.map((e) => [e.model, e.action]),
          [
            ['Item', 'insert'],
            ['Note', 'insert'],
            ['Item', 'update'],
          ],
        )
        assert.deepEqual(
          (await prisma.$spector.eventsWhere({ requestId: 'r2' })).map((e) => (e.metadata as { actor: string }).actor),
          ['bob'],
        )
        assert.equal((await prisma.$spector.eventsWhere({ actor: 'alice', requestId: 'r2' })).length, 0)
        assert.deepEqual(
          (await prisma.$spector.eventsWhere({ actor: 'alice' }, { models: ['Note'] })).map((e) => e.model),
          ['Note'],
        )
      }))
  })
}
