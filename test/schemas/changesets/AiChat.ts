/**
 * Guide 1, the AI chat: every message is an event; an `append` answers an earlier message (`to`),
 * and `prepareEvent` links it to that message and all of its ancestors, so each message knows
 * its branch of the conversation without walking the tree.
 */
import { getAttr } from 'prisma-spector'
import type { AiChatChangeset } from '../../.generated/guides/sqlite/spector/AiChat.ts'

export interface ChatMessage {
  id: string
  role: 'user' | 'assistant' | 'system'
  content: string
}

const roles = ['user', 'assistant', 'system']

export const changeset: AiChatChangeset = {
  apply(state, attrs, ctx) {
    if (ctx.action === 'savepoint') return ctx.cast(null, attrs)
    const role = getAttr(attrs, 'role')
    const content = getAttr(attrs, 'content')
    if (typeof role !== 'string' || !roles.includes(role)) return ctx.invalid({ role: 'must be user, assistant or system' })
    if (typeof content !== 'string' || !content) return ctx.invalid({ content: 'is required' })
    if (ctx.action === 'append' && typeof getAttr(attrs, 'to') !== 'string') return ctx.invalid({ to: 'is required: the message this one follows' })
    const messages = [...((state?.messages ?? []) as unknown as ChatMessage[]), { id: ctx.eventId, role, content }]
    return ctx.cast(state, { messages: messages as never })
  },

  prepareEvent(event, existingEvents, attrs) {
    const to = getAttr(attrs, 'to')
    if (typeof to !== 'string') return event
    const parent = existingEvents.find((e) => e.id === to)
    // An unknown `to` is linked as given: prisma-spector refuses a link outside the record.
    event.links.ancestors = parent ? [parent.id, ...parent.links.ancestors] : [to]
    return event
  },
}
