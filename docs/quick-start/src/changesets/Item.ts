import { z } from 'zod/v4'
import type { ItemChangeset } from '../../generated/spector/Item.js'

export const changeset = {
  // Optional: the attrs a custom action takes (see "Declaring a custom action's attrs" below).
  actions: {
    archive: z.object({ archivedAt: z.date().optional() }),
  },
  apply(state, attrs, ctx) {
    // Version guard: events written by version 0 called `name` "title".
    if (ctx.versionIs(0)) attrs = { ...attrs, name: attrs.title as string }
    // ctx.action: 'insert' | 'update' | 'savepoint' | 'archive' | 'restore'
    switch (ctx.action) {
      case 'archive':
        if (state?.archivedAt) return ctx.invalid({ archivedAt: 'is already set' })
        return ctx.cast(state, { archivedAt: attrs.archivedAt ?? attrs.updatedAt, updatedAt: attrs.updatedAt })
      case 'restore':
        return ctx.cast(state, { archivedAt: null, updatedAt: attrs.updatedAt })
      default:
        return ctx.cast(state, attrs)
    }
  },
  // savepoint(record, version) { return { ...record } }   // what a savepoint stores (default: every field)
} satisfies ItemChangeset
