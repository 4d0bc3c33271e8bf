/**
 * Log-only models (@evented(table=false)): commands append events and return the state; no row is
 * written; what needs rows is refused with a clear error; concurrent writers take turns through
 * the (recordId, sequence) key.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { SpectorNotFoundError, SpectorUnsupportedWriteError, SpectorValidationError } from 'prisma-spector'
import { providersUnderTest } from './support/databases.ts'
import { withGuides } from './support/guidesClient.ts'

for (const provider of providersUnderTest()) {
  describe(`log-only models on ${provider}`, () => {
    test('create, update, upsert and delete return states and write no row', () =>
      withGuides(provider, async ({ prisma, base }) => {
        const doc = await prisma.typedDoc.create({ data: { content: 'draft' } })
        assert.deepEqual(doc, { id: doc.id, content: 'draft', version: 1 })
        const updated = await prisma.typedDoc.update({ where: { id: doc.id }, data: { content: 'edited' } })
        assert.deepEqual(updated, { id: doc.id, content: 'edited', version: 1 })
        const upserted = await prisma.typedDoc.upsert({ where: { id: doc.id }, create: { content: 'new' }, update: { content: 'upserted' } })
        assert.equal(upserted.content, 'upserted')
        const created = await prisma.typedDoc.upsert({ where: { id: 'nothing-here' }, create: { content: 'new' }, update: { content: 'x' } })
        assert.notEqual(created.id, 'nothing-here')
        assert.equal(await base.typedDoc.count(), 0)

        const deleted = await prisma.typedDoc.delete({ where: { id: doc.id } })
        assert.equal(deleted.content, 'upserted')
        assert.equal(await prisma.typedDoc.replay(doc.id), null)
        assert.deepEqual(
          (await prisma.typedDoc.events(doc.id)).map((e) => e.action),
          ['insert', 'update', 'update', 'delete'],
        )
        await assert.rejects(
          prisma.typedDoc.update({ where: { id: doc.id }, data: { content: 'again' } }),
          (e: unknown) => e instanceof SpectorNotFoundError && e.reason === 'deleted',
        )
        await assert.rejects(prisma.typedDoc.delete({ where: { id: doc.id } }), (e: unknown) => e instanceof SpectorNotFoundError && e.reason === 'deleted')
        await assert.rejects(
          prisma.typedDoc.execute('never-was', 'revise', { content: 'x' }),
          (e: unknown) => e instanceof SpectorNotFoundError && e.reason === 'no-events',
        )
      }))

    test('what needs rows is refused, naming the model and what to do', () =>
      withGuides(provider, async ({ prisma }) => {
        const doc = await prisma.typedDoc.create({ data: { content: 'draft' } })
        const refusals = [
          () => prisma.typedDoc.update({ where: { content: 'draft' } as never, data: { content: 'x' } }),
          () => (prisma.typedDoc as any).updateMany({ data: { content: 'x' } }),
          () => (prisma.typedDoc as any).deleteMany({}),
          () => (prisma.typedDoc as any).materialize(doc.id),
          () => (prisma.typedDoc as any).check(),
          () => (prisma.typedDoc as any).bringup(),
        ]
        for (const attempt of refusals) {
          await assert.rejects(attempt(), (e: unknown) => e instanceof SpectorUnsupportedWriteError && e.model === 'TypedDoc' && /log-only/.test(e.message))
        }
        // The changeset still validates: a document needs content.
        await assert.rejects(prisma.typedDoc.create({ data: {} }), (e: unknown) => e instanceof SpectorValidationError && e.fields.includes('content'))
        assert.equal((await prisma.typedDoc.events(doc.id)).length, 1)
      }))

    test('concurrent appends to one record all land, in one order, without gaps', () =>
      withGuides(provider, async ({ prisma }) => {
        const chat = await prisma.basicChat.create({ data: { userId: 'u0', content: 'start' } })
        const writers = 6
        await Promise.all(
          Array.from({ length: writers }, (_, i) =>
            prisma.basicChat.update({ where: { id: chat.id }, data: { userId: `u${i + 1}`, content: `message ${i + 1}` } }),
          ),
        )
        const events = await prisma.basicChat.events(chat.id)
        assert.deepEqual(
          events.map((e) => e.sequence),
          Array.from({ length: writers + 1 }, (_, i) => i + 1),
        )
        const state = await prisma.basicChat.replay(chat.id)
        assert.equal((state!.messages as unknown[]).length, writers + 1)
      }))
  })
}
