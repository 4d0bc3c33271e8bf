/**
 * Guide 2, the basic chat: messages newest first; `edit` changes the content of an earlier message
 * and links the edit to the event of that message. The edit reads its attrs by name, the same live
 * and on replay, so commands after an edit keep working (Spector's version of this guide breaks there).
 */
import { getAttr } from 'prisma-spector'
import type { BasicChatChangeset } from '../../.generated/guides/sqlite/spector/BasicChat.ts'

export interface BasicMessage {
  id: string
  userId: string
  content: string
}

export const changeset: BasicChatChangeset = {
  apply(state, attrs, ctx) {
    if (ctx.action === 'savepoint') return ctx.cast(null, attrs)
    const messages = (state?.messages ?? []) as unknown as BasicMessage[]
    const content = getAttr(attrs, 'content')
    if (typeof content !== 'string' || !content) return ctx.invalid({ content: 'is required' })
    if (ctx.action === 'edit') {
      const edits = getAttr(attrs, 'edits')
      if (!messages.some((m) => m.id === edits)) return ctx.invalid({ edits: 'is not a message of this chat' })
      return ctx.cast(state, { messages: messages.map((m) => (m.id === edits ? { ...m, content } : m)) as never })
    }
    const userId = getAttr(attrs, 'userId')
    if (typeof userId !== 'string' || !userId) return ctx.invalid({ userId: 'is required' })
    return ctx.cast(state, { messages: [{ id: ctx.eventId, userId, content }, ...messages] as never })
  },

  prepareEvent(event, _existingEvents, attrs) {
    const edits = getAttr(attrs, 'edits')
    if (event.action === 'edit' && typeof edits === 'string') event.links.edits = [edits]
  },
}
