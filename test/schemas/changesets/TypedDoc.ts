/**
 * Guide 3, typed links: a `revise` makes a new version of the document and, given `supersedes`,
 * links the revision to the event it supersedes with a link of type `supersedes`.
 */
import { getAttr } from 'prisma-spector'
import type { TypedDocChangeset } from '../../.generated/guides/sqlite/spector/TypedDoc.ts'

export const changeset: TypedDocChangeset = {
  apply(state, attrs, ctx) {
    if (ctx.action === 'revise') return ctx.cast(state, { content: attrs.content, version: (state?.version ?? 1) + 1 })
    return ctx.cast(state, attrs)
  },

  prepareEvent(event, existingEvents, attrs) {
    const superseded = getAttr(attrs, 'supersedes')
    if (typeof superseded === 'string' && existingEvents.some((e) => e.id === superseded)) {
      event.links.links = [{ to: superseded, type: 'supersedes' }]
      // Who and why travel in the event's metadata column.
      const actor = getAttr(attrs, 'actor')
      event.metadata = { reason: `supersedes ${superseded}`, ...(typeof actor === 'string' ? { actor } : {}) }
    }
    return event
  },
}
