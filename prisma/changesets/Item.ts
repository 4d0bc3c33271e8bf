/**
 * The changeset of Item: how each event changes an Item. prisma-spector created this file once
 * from its stub; it is the example's own code now and is never overwritten.
 *
 * `apply` runs for every new command and again, in order, for every stored event when an Item is
 * replayed, so it is a pure function of (state, attrs, ctx).
 */
import { z } from 'zod/v4'
import type { ItemChangeset } from '../generated/spector/Item.ts'

export const changeset = {
  // The attrs of archive and increment, checked (and typed) before anything is written: a
  // misspelt key such as { archviedAt } is refused. restore takes any attrs.
  actions: {
    archive: z.object({ archivedAt: z.date().optional() }),
    increment: z.object({ by: z.number().int().optional() }),
  },

  apply(state, attrs, ctx) {
    // Version 0 of Item called `name` "title". Events written then still say `title`; this guard
    // maps them onto today's shape every time they are replayed. The stored events never change.
    if (ctx.versionIs(0) && attrs.title !== undefined) {
      const { title, ...rest } = attrs
      attrs = { ...rest, name: title as string }
    }

    switch (ctx.action) {
      case 'archive':
        if (state?.archivedAt) return ctx.invalid({ archivedAt: 'is already set: the item is archived' })
        return ctx.cast(state, { archivedAt: attrs.archivedAt ?? attrs.updatedAt, updatedAt: attrs.updatedAt })
      case 'restore':
        return ctx.cast(state, { archivedAt: null, updatedAt: attrs.updatedAt })
      case 'increment': {
        const by = typeof attrs.by === 'number' ? attrs.by : 1
        return ctx.cast(state, { value: (state?.value ?? 0) + by, updatedAt: attrs.updatedAt })
      }
      default:
        if (attrs.name !== undefined && typeof attrs.name === 'string' && !attrs.name.trim()) {
          return ctx.invalid({ name: 'must not be blank' })
        }
        return ctx.cast(state, attrs)
    }
  },
} satisfies ItemChangeset
