/**
 * bringup: rows written before the model was evented get their first event, keep their timestamps,
 * and (new ids) have what referenced them re-pointed; all in one transaction, with progress.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { SpectorUnknownActionError, SpectorUnsupportedWriteError, SpectorValidationError } from 'prisma-spector'
import { providersUnderTest } from './support/databases.ts'
import { withLegacy, type LegacyContext } from './support/legacyClient.ts'

const old = new Date('2021-03-04T05:06:07.000Z')
const later = new Date('2022-01-02T03:04:05.000Z')

/** Two posts the pre-event app wrote, one with a comment, and one post written through prisma-spector. */
async function seed({ base, prisma }: LegacyContext) {
  await base.post.create({ data: { id: 'legacy-a', title: 'Alpha', createdAt: old, updatedAt: later } })
  await base.post.create({ data: { id: 'legacy-b', title: 'Beta', createdAt: old, updatedAt: old } })
  await base.comment.create({ data: { id: 'comment-1', body: 'first!', postId: 'legacy-a' } })
  return prisma.post.create({ data: { title: 'Evented already' } })
}

for (const provider of providersUnderTest()) {
  describe(`bringup on ${provider}`, () => {
    test('imports rows without events under new ids, keeps timestamps, transfers references, reports progress', () =>
      withLegacy(provider, async (ctx) => {
        const { prisma, base } = ctx
        const evented = await seed(ctx)
        const progress: string[] = []
        const result = await prisma.post.bringup({
          transfer: (tx, oldRow, newRecord) => tx.comment.updateMany({ where: { postId: oldRow.id }, data: { postId: newRecord.id } }),
          onProgress: ({ done, total }) => progress.push(`${done}/${total}`),
        })
        assert.equal(result.count, 2)
        assert.deepEqual(progress, ['0/2', '1/2', '2/2'])
        assert.deepEqual(
          result.records.map((r) => r.previousId),
          ['legacy-a', 'legacy-b'],
        )
        const alpha = result.records[0]!.id
        assert.notEqual(alpha, 'legacy-a')

        // Old rows are gone; the new ones carry the original timestamps, in the row and in the log.
        assert.equal(await base.post.count({ where: { id: { in: ['legacy-a', 'legacy-b'] } } }), 0)
        const row = await base.post.findUniqueOrThrow({ where: { id: alpha } })
        assert.deepEqual([row.title, row.createdAt.toISOString(), row.updatedAt.toISOString()], ['Alpha', old.toISOString(), later.toISOString()])
        const replayed = await prisma.post.replay(alpha)
        assert.deepEqual([replayed!.createdAt.toISOString(), replayed!.updatedAt.toISOString()], [old.toISOString(), later.toISOString()])
        assert.deepEqual(
          (await prisma.post.events(alpha)).map((e) => e.action),
          ['insert'],
        )
        // The comment follows its post; the evented post was left alone.
        assert.equal((await base.comment.findUniqueOrThrow({ where: { id: 'comment-1' } })).postId, alpha)
        assert.deepEqual(
          (await prisma.post.events(evented.id)).map((e) => e.action),
          ['insert'],
        )
        // The imported records are ordinary evented records now, and a second bringup finds nothing.
        await prisma.post.update({ where: { id: alpha }, data: { title: 'Alpha 2' } })
        assert.equal((await prisma.post.replay(alpha))!.title, 'Alpha 2')
        assert.equal((await prisma.post.bringup()).count, 0)
        assert.deepEqual((await prisma.post.check()).drifted, [])
      }))

    test('keepIds imports in place under a custom action: same ids, nothing to transfer', () =>
      withLegacy(provider, async (ctx) => {
        const { prisma, base } = ctx
        await seed(ctx)
        const result = await prisma.post.bringup({ action: 'import', keepIds: true })
        assert.deepEqual(result.records, [
          { previousId: 'legacy-a', id: 'legacy-a' },
          { previousId: 'legacy-b', id: 'legacy-b' },
        ])
        const events = await prisma.post.events('legacy-a')
        assert.deepEqual(
          events.map((e) => [e.action, e.sequence]),
          [['import', 1]],
        )
        // The changeset saw the action: its import clause marks the title.
        assert.equal((await base.post.findUniqueOrThrow({ where: { id: 'legacy-a' } })).title, 'Alpha (imported)')
        assert.equal((await base.comment.findUniqueOrThrow({ where: { id: 'comment-1' } })).postId, 'legacy-a')
        assert.equal((await prisma.post.replay('legacy-b'))!.createdAt.toISOString(), old.toISOString())
        assert.deepEqual((await prisma.post.check()).drifted, [])
      }))

    test('bringup with a custom action and attrs that omit @default(now()) and @updatedAt fields fills them as insert does', () =>
      withLegacy(provider, async (ctx) => {
        const { prisma, base } = ctx
        await seed(ctx)
        const before = Date.now()
        const imported = await prisma.post.bringup({
          action: 'import',
          attrs: (row) => ({ title: row.title }),
          transfer: (tx, oldRow, newRecord) => tx.comment.updateMany({ where: { postId: oldRow.id }, data: { postId: newRecord.id } }),
        })
        assert.equal(imported.count, 2)
        for (const { id } of imported.records) {
          const [first] = await prisma.post.events(id)
          assert.equal(first!.action, 'import')
          // The first event holds the defaults it was given, so replay and row agree on them.
          for (const field of ['createdAt', 'updatedAt'] as const) {
            assert.equal(typeof first!.payload[field], 'string', `${field} in the import event`)
            assert.ok(Date.parse(first!.payload[field] as string) >= before - 1000, field)
          }
          const row = await base.post.findUniqueOrThrow({ where: { id } })
          assert.deepEqual((await prisma.post.replay(id))!.createdAt, row.createdAt)
        }
        assert.deepEqual((await prisma.post.check()).drifted, [])
      }))

    test('bringup keepIds with a custom action and attrs without defaults fills them on the first event', () =>
      withLegacy(provider, async (ctx) => {
        const { prisma } = ctx
        await seed(ctx)
        const result = await prisma.post.bringup({ action: 'import', keepIds: true, attrs: (row) => ({ title: row.title }) })
        assert.equal(result.count, 2)
        const replayed = await prisma.post.replay('legacy-a')
        assert.ok(replayed!.createdAt instanceof Date && !Number.isNaN(replayed!.createdAt.getTime()))
        assert.deepEqual((await prisma.post.check()).drifted, [])
      }))

    test('one failing row rolls the whole import back; an unknown action is refused up front', () =>
      withLegacy(provider, async (ctx) => {
        const { prisma, base } = ctx
        await seed(ctx)
        await assert.rejects(prisma.post.bringup({ action: 'publish' }), SpectorUnknownActionError)
        // A row still referenced after transfer cannot go: the error says what to do.
        await assert.rejects(
          prisma.post.bringup(),
          (e: unknown) => e instanceof SpectorUnsupportedWriteError && /legacy-a is still referenced.*transfer/.test(e.message),
        )
        // A row the changeset rejects (the second one) undoes the first one's import too.
        await assert.rejects(
          prisma.post.bringup({
            attrs: (row) => (row.id === 'legacy-b' ? { title: 42 as unknown as string } : { title: row.title }),
            transfer: (tx, oldRow, newRecord) => tx.comment.updateMany({ where: { postId: oldRow.id }, data: { postId: newRecord.id } }),
          }),
          (e: unknown) => e instanceof SpectorValidationError && e.fields.includes('title'),
        )
        assert.equal((await base.comment.findUniqueOrThrow({ where: { id: 'comment-1' } })).postId, 'legacy-a')
        assert.equal(await base.post.count({ where: { id: { in: ['legacy-a', 'legacy-b'] } } }), 2)
        assert.equal(await base.event.count(), 1)
      }))
  })
}
