/**
 * Note (prisma/feed.prisma for the demo, test/schemas/feed.prisma for the tests): a plain evented
 * model beside Item, so that the change feed and the actor queries span two models. Its
 * `prepareEvent` extends the metadata the request context put there (and shows that it saw it).
 */
import type { NoteChangeset } from '../generated/feed/spector/Note.ts'

export const changeset: NoteChangeset = {
  apply(state, attrs, ctx) {
    return ctx.cast(state, attrs)
  },
  prepareEvent(event) {
    const context = (event.metadata ?? {}) as Record<string, unknown>
    event.metadata = { ...context, preparedFor: typeof context.actor === 'string' ? context.actor : null }
    return event
  },
}
