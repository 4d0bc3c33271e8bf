/**
 * Customer (test/schemas/mappedNames.prisma): `rename` sets the name, `note` counts a note and
 * links its event to the earlier events it follows up (`followsUp: [eventId]`).
 */
import { getAttr } from 'prisma-spector'
import type { CustomerChangeset } from '../../.generated/mappedNames/sqlite/spector/Customer.ts'

export const changeset: CustomerChangeset = {
  apply(state, attrs, ctx) {
    if (ctx.action === 'note') return ctx.cast(state, { notes: (state?.notes ?? 0) + 1 })
    return ctx.cast(state, attrs)
  },

  prepareEvent(event, _existingEvents, attrs) {
    const followsUp = getAttr(attrs, 'followsUp')
    if (event.action === 'note' && Array.isArray(followsUp)) event.links.followsUp = followsUp as string[]
  },
}
