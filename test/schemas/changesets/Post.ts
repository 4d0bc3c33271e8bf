/**
 * Post: ordinary fields through `ctx.cast`, plus `tags`, kept in the state beyond the model's
 * fields and written as PostTag rows by prepareMaterialization. `import` is bringup's action.
 */
import { Invalid } from 'prisma-spector'
import type { PostChangeset } from '../../.generated/legacy/sqlite/spector/Post.ts'

type TaggedPost = { tags?: string[] }

export const changeset: PostChangeset = {
  apply(state, attrs, ctx) {
    const tags = (state as TaggedPost | null)?.tags ?? []
    if (ctx.action === 'tag') {
      if (!Array.isArray(attrs.tags) || !attrs.tags.every((t) => typeof t === 'string')) return ctx.invalid({ tags: 'must be a list of tag names' })
      const next = ctx.cast(state, { updatedAt: attrs.updatedAt })
      return next instanceof Invalid ? next : { ...next, tags: [...new Set(attrs.tags as string[])].sort() }
    }
    if (ctx.action === 'import' && typeof attrs.title === 'string') attrs = { ...attrs, title: `${attrs.title} (imported)` }
    const next = ctx.cast(state, attrs)
    return next instanceof Invalid ? next : { ...next, tags: Array.isArray(attrs.tags) ? (attrs.tags as string[]) : tags }
  },

  savepoint(record) {
    return { ...record }
  },

  prepareMaterialization(data, { operation, state }) {
    const tags = (state as TaggedPost).tags ?? []
    const rows = tags.map((tag) => ({ tag }))
    return { ...data, tags: operation === 'create' ? { create: rows } : { deleteMany: {}, create: rows } }
  },
}
