/**
 * Nested writes never bypass the log: a write on another model that would create, update or
 * delete evented records through a relation is refused with the relation path; writes that only
 * touch the outer row (a foreign key) pass.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { SpectorUnsupportedWriteError } from 'prisma-spector'
import { findNestedEventedWrite } from '../extension/prisma/findNestedEventedWrite.ts'
import type { RelationGraph } from '../extension/core/metadata.ts'
import { providersUnderTest } from './support/databases.ts'
import { withExample, type ExampleContext } from './support/exampleClient.ts'

describe('findNestedEventedWrite (no database)', () => {
  const graph: RelationGraph = {
    User: { posts: { model: 'Post', holdsForeignKey: false }, favourite: { model: 'Item', holdsForeignKey: true } },
    Post: { author: { model: 'User', holdsForeignKey: true }, items: { model: 'Item', holdsForeignKey: false } },
    Item: { post: { model: 'Post', holdsForeignKey: true } },
  }
  const evented = new Set(['Item'])
  const find = (model: string, operation: string, args: unknown) => findNestedEventedWrite(graph, evented, model, operation, args)

  test('finds writes into evented models at any depth, with the path', () => {
    assert.deepEqual(find('Post', 'create', { data: { items: { create: [{ name: 'x' }] } } }), { path: 'Post.items', operation: 'create', model: 'Item' })
    assert.deepEqual(find('User', 'update', { where: {}, data: { posts: { create: { items: { connectOrCreate: {} } } } } }), {
      path: 'User.posts.items',
      operation: 'connectOrCreate',
      model: 'Item',
    })
    assert.deepEqual(find('User', 'upsert', { where: {}, create: {}, update: { posts: { update: { where: {}, data: { items: { deleteMany: {} } } } } } }), {
      path: 'User.posts.items',
      operation: 'deleteMany',
      model: 'Item',
    })
    assert.deepEqual(find('User', 'createMany', { data: [{}, { posts: { createMany: { data: [{ items: { set: [] } }] } } }] })?.path, 'User.posts.items')
    assert.deepEqual(find('User', 'create', { data: { favourite: { create: {} } } })?.operation, 'create')
  })

  test('lets through what changes only the outer row, and what never reaches an evented model', () => {
    assert.equal(find('User', 'create', { data: { favourite: { connect: { id: 'x' } } } }), null)
    assert.equal(find('User', 'update', { where: {}, data: { favourite: { disconnect: true } } }), null)
    assert.equal(find('User', 'create', { data: { posts: { create: { title: 't' } } } }), null)
    assert.equal(find('Post', 'delete', { where: {} }), null)
    assert.equal(find('Post', 'findMany', { include: { items: true } }), null)
  })
})

for (const provider of providersUnderTest()) {
  describe(`nested writes on ${provider}`, () => {
    async function refused(ctx: ExampleContext, write: () => Promise<unknown>, path: string, operation: string) {
      const before = { events: await ctx.base.event.count(), items: await ctx.base.item.count(), categories: await ctx.base.category.count() }
      await assert.rejects(write(), (e: unknown) => {
        assert.ok(e instanceof SpectorUnsupportedWriteError, String(e))
        assert.equal(e.path, path)
        assert.match(e.message, new RegExp(`nested "${operation}" at ${path.replace('.', '\\.')}`))
        return true
      })
      assert.deepEqual({ events: await ctx.base.event.count(), items: await ctx.base.item.count(), categories: await ctx.base.category.count() }, before)
    }

    test('creating, updating or deleting Items through a Category is refused and writes nothing', () =>
      withExample(provider, async (ctx) => {
        const category = await ctx.prisma.category.create({ data: { name: 'Lights' } })
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp', categoryId: category.id } })
        await refused(
          ctx,
          () => ctx.prisma.category.create({ data: { name: 'Desks', items: { create: [{ id: 'x', name: 'Desk' }] } } }),
          'Category.items',
          'create',
        )
        await refused(
          ctx,
          () => ctx.prisma.category.update({ where: { id: category.id }, data: { items: { updateMany: { where: {}, data: { name: 'All' } } } } }),
          'Category.items',
          'updateMany',
        )
        await refused(
          ctx,
          () => ctx.prisma.category.update({ where: { id: category.id }, data: { items: { disconnect: { id: item.id } } } }),
          'Category.items',
          'disconnect',
        )
        await refused(
          ctx,
          () => ctx.prisma.category.update({ where: { id: category.id }, data: { items: { deleteMany: {} } } }),
          'Category.items',
          'deleteMany',
        )
        await refused(
          ctx,
          () =>
            ctx.prisma.category.upsert({
              where: { id: 'nope' },
              create: { name: 'x', items: { connectOrCreate: { where: { id: 'y' }, create: { id: 'y', name: 'y' } } } },
              update: {},
            }),
          'Category.items',
          'connectOrCreate',
        )
        assert.equal((await ctx.prisma.item.replay(item.id))!.categoryId, category.id)
      }))

    test('writes to the evented model through its own relation are refused; its foreign key is evented', () =>
      withExample(provider, async (ctx) => {
        await assert.rejects(
          ctx.prisma.item.create({ data: { name: 'Lamp', category: { create: { name: 'New' } } } as any }),
          (e: unknown) => e instanceof SpectorUnsupportedWriteError && e.path === 'Item.category',
        )
        const category = await ctx.prisma.category.create({ data: { name: 'Lights' } })
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp', categoryId: category.id } })
        const moved = await ctx.prisma.item.update({ where: { id: item.id }, data: { categoryId: null }, include: { category: true } })
        assert.equal(moved.category, null)
        assert.deepEqual(
          (await ctx.prisma.item.events(item.id)).map((e) => e.payload.categoryId),
          [category.id, null],
        )
        // Category writes that do not reach Items are plain Prisma; reads with include work.
        await ctx.prisma.category.update({ where: { id: category.id }, data: { name: 'Lamps' } })
        const withItems = await ctx.prisma.category.findUnique({ where: { id: category.id }, include: { items: true } })
        assert.deepEqual(withItems!.items, [])
        // The database refuses to delete a Category that Items still point at (onDelete: Restrict).
        await ctx.prisma.item.update({ where: { id: item.id }, data: { categoryId: category.id } })
        await assert.rejects(ctx.prisma.category.delete({ where: { id: category.id } }))
        assert.equal((await ctx.prisma.item.replay(item.id))!.categoryId, category.id)
      }))
  })
}
