/**
 * prepareMaterialization: the changeset adjusts the row write, inside the transaction, for what
 * lives outside the model's scalar fields (here a post's tags, written as PostTag rows).
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import type * as LegacySpector from './.generated/legacy/sqlite/spector/index.ts'
import { providersUnderTest } from './support/databases.ts'
import { withLegacy } from './support/legacyClient.ts'
import { withPreparedSchema } from './support/preparedClient.ts'
import type { PrismaClient as LegacyClient } from './.generated/legacy/sqlite/client/client.ts'

for (const provider of providersUnderTest()) {
  describe(`prepareMaterialization on ${provider}`, () => {
    test('create, update, custom actions and materialize write the relation rows from the state', () =>
      withLegacy(provider, async ({ prisma, base }) => {
        const tagsOf = async (postId: string) => (await base.postTag.findMany({ where: { postId }, orderBy: { tag: 'asc' } })).map((t) => t.tag)
        const post = await prisma.post.create({ data: { title: 'Hello' } })
        assert.deepEqual(await tagsOf(post.id), [])
        await prisma.post.execute(post.id, 'tag', { tags: ['prisma', 'events', 'prisma'] })
        assert.deepEqual(await tagsOf(post.id), ['events', 'prisma'])
        // An ordinary update rewrites the row, and the tags with it, from the replayed state.
        await prisma.post.update({ where: { id: post.id }, data: { title: 'Hello again' } })
        assert.deepEqual(await tagsOf(post.id), ['events', 'prisma'])
        // The tags are in the events: a savepoint keeps them, and materialize rebuilds the rows.
        await prisma.post.savepoint(post.id)
        await prisma.post.execute(post.id, 'tag', { tags: ['sql'] })
        await base.postTag.deleteMany({ where: { postId: post.id } })
        await prisma.post.materialize(post.id)
        assert.deepEqual(await tagsOf(post.id), ['sql'])
        assert.deepEqual(((await prisma.post.replay(post.id)) as unknown as { tags: string[] }).tags, ['sql'])
      }))

    test('a rejected command writes no relation rows', () =>
      withLegacy(provider, async ({ prisma, base }) => {
        const post = await prisma.post.create({ data: { title: 'Hello' } })
        await prisma.post.execute(post.id, 'tag', { tags: ['kept'] })
        await assert.rejects(prisma.post.execute(post.id, 'tag', { tags: 'not-a-list' }), /tags/)
        assert.deepEqual(
          (await base.postTag.findMany({ where: { postId: post.id } })).map((t) => t.tag),
          ['kept'],
        )
        assert.equal((await prisma.post.events(post.id)).length, 2)
      }))

    test('materialize of a missing row calls prepareMaterialization once, with operation create', () =>
      withPreparedSchema<LegacyClient, typeof LegacySpector, void>('legacy', provider, async ({ base, module }) => {
        const prisma = base.$extends(module.spector())
        const changeset = module.spectorSchema.models.find((m) => m.metadata.name === 'Post')!.changeset
        const original = changeset.prepareMaterialization!
        const post = await prisma.post.create({ data: { title: 'Hello' } })
        await prisma.post.execute(post.id, 'tag', { tags: ['kept'] })
        const calls: string[] = []
        changeset.prepareMaterialization = function (data, ctx) {
          calls.push(`${ctx.operation}:${ctx.action}`)
          return original.call(this, data, ctx)
        }
        try {
          await base.postTag.deleteMany({ where: { postId: post.id } })
          await base.post.delete({ where: { id: post.id } })
          await prisma.post.materialize(post.id)
          assert.deepEqual(calls, ['create:materialize'])
          assert.deepEqual(
            (await base.postTag.findMany({ where: { postId: post.id } })).map((t) => t.tag),
            ['kept'],
          )
          // A row that is there is updated, once.
          calls.length = 0
          await prisma.post.materialize(post.id)
          assert.deepEqual(calls, ['update:materialize'])
        } finally {
          changeset.prepareMaterialization = original
        }
      }))
  })
}
