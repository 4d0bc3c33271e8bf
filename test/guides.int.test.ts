/**
 * Spector's three guides, step by step, with the results its reference lists (section 12): the AI
 * chat with conversation branches, the basic chat with edit history (and a command after the edit,
 * where Spector's version of the guide breaks), and typed links with `supersedes`.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { SpectorValidationError } from 'prisma-spector'
import type { ChatMessage } from './schemas/changesets/AiChat.ts'
import type { BasicMessage } from './schemas/changesets/BasicChat.ts'
import { providersUnderTest } from './support/databases.ts'
import { withGuides, type GuidesContext } from './support/guidesClient.ts'

type Prisma = GuidesContext['prisma']

/** The branch that ends at `tailId`: the message, the messages before it, oldest first. */
async function getBranch(prisma: Prisma, chatId: string, tailId: string): Promise<ChatMessage[]> {
  const ancestors = await prisma.aiChat.links(tailId, { direction: 'outgoing', name: 'ancestors' })
  const chat = await prisma.aiChat.replay(chatId, { only: [...ancestors.map((l) => l.to), tailId] })
  return chat!.messages as unknown as ChatMessage[]
}

const bare = (messages: unknown) => (messages as ChatMessage[]).map(({ role, content }) => ({ role, content }))

for (const provider of providersUnderTest()) {
  describe(`guide: AI chat with conversation branches, on ${provider}`, () => {
    test('appends and branches follow the guide, and each branch replays on its own', () =>
      withGuides(provider, async ({ prisma }) => {
        // 1. A chat starts with the user's message; its id is the id of that first event.
        const chat = await prisma.aiChat.create({ data: { role: 'user', content: 'Hello, how are you?' } })
        assert.deepEqual(bare(chat.messages), [{ role: 'user', content: 'Hello, how are you?' }])
        assert.equal((chat.messages as unknown as ChatMessage[])[0]!.id, chat.id)
        assert.deepEqual(await prisma.aiChat.links(chat.id, { direction: 'outgoing' }), [])

        // 2. The assistant answers the first message: linked to it.
        const answered = await prisma.aiChat.execute(chat.id, 'append', { to: chat.id, role: 'assistant', content: "I'm doing well, thank you!" })
        assert.deepEqual(bare(answered.messages), [
          { role: 'user', content: 'Hello, how are you?' },
          { role: 'assistant', content: "I'm doing well, thank you!" },
        ])
        const baseId = (answered.messages as unknown as ChatMessage[])[1]!.id

        // 3. The user rephrases: a second branch from the first message.
        const branched = await prisma.aiChat.execute(chat.id, 'append', { to: chat.id, role: 'user', content: 'Actually, let me rephrase that...' })
        const all = branched.messages as unknown as ChatMessage[]
        assert.equal(all.length, 3)
        const branchId = all[2]!.id
        assert.deepEqual(
          all.map((m) => m.id),
          [chat.id, baseId, branchId],
        )
        const ancestorsOf = async (id: string) => (await prisma.aiChat.links(id, { direction: 'outgoing', name: 'ancestors' })).map((l) => l.to)
        assert.deepEqual(await ancestorsOf(baseId), [chat.id])
        assert.deepEqual(await ancestorsOf(branchId), [chat.id])
        // The root knows both answers, from the other side.
        assert.deepEqual((await prisma.aiChat.links(chat.id, { direction: 'incoming' })).map((l) => l.from).sort(), [baseId, branchId].sort())

        // 4 and 5. Each branch on its own.
        assert.deepEqual(bare(await getBranch(prisma, chat.id, baseId)), [
          { role: 'user', content: 'Hello, how are you?' },
          { role: 'assistant', content: "I'm doing well, thank you!" },
        ])
        assert.deepEqual(bare(await getBranch(prisma, chat.id, branchId)), [
          { role: 'user', content: 'Hello, how are you?' },
          { role: 'user', content: 'Actually, let me rephrase that...' },
        ])
      }))

    test('a reply deep in a branch links to every message above it, and to nothing below or beside', () =>
      withGuides(provider, async ({ prisma }) => {
        // A -> B -> C, then D answers B: D's ancestors are {A, B}, not C; a second answer to B too.
        const a = await prisma.aiChat.create({ data: { role: 'user', content: 'A' } })
        const idOf = (chat: { messages: unknown }) => (chat.messages as ChatMessage[]).at(-1)!.id
        const b = idOf(await prisma.aiChat.execute(a.id, 'append', { to: a.id, role: 'assistant', content: 'B' }))
        const c = idOf(await prisma.aiChat.execute(a.id, 'append', { to: b, role: 'user', content: 'C' }))
        const d = idOf(await prisma.aiChat.execute(a.id, 'append', { to: b, role: 'user', content: 'D' }))
        const e = idOf(await prisma.aiChat.execute(a.id, 'append', { to: b, role: 'user', content: 'E' }))
        const events = await prisma.aiChat.events(a.id, { links: true })
        const ancestors = new Map(events.map((ev) => [ev.id, [...ev.links.ancestors].sort()]))
        assert.deepEqual(ancestors.get(a.id), [])
        assert.deepEqual(ancestors.get(c), [a.id, b].sort())
        assert.deepEqual(ancestors.get(d), [a.id, b].sort())
        assert.deepEqual(ancestors.get(e), [a.id, b].sort())
        assert.deepEqual(
          bare(await getBranch(prisma, a.id, d)).map((m) => m.content),
          ['A', 'B', 'D'],
        )
      }))

    test('an append without `to`, or to another chat, is refused and writes nothing', () =>
      withGuides(provider, async ({ prisma }) => {
        const chat = await prisma.aiChat.create({ data: { role: 'user', content: 'Hi' } })
        const other = await prisma.aiChat.create({ data: { role: 'user', content: 'Elsewhere' } })
        await assert.rejects(
          prisma.aiChat.execute(chat.id, 'append', { role: 'user', content: 'lost' }),
          (e: unknown) => e instanceof SpectorValidationError && e.fields.includes('to'),
        )
        await assert.rejects(
          prisma.aiChat.execute(chat.id, 'append', { to: other.id, role: 'user', content: 'crossed' }),
          (e: unknown) =>
            e instanceof SpectorValidationError && e.fields.includes('links.ancestors') && /not an earlier event of this AiChat record/.test(e.message),
        )
        assert.equal((await prisma.aiChat.events(chat.id)).length, 1)
        assert.equal(((await prisma.aiChat.replay(chat.id))!.messages as unknown as ChatMessage[]).length, 1)
      }))
  })

  describe(`guide: basic chat with edit history, on ${provider}`, () => {
    test('messages, an edit linked to what it edits, its history, and commands after the edit', () =>
      withGuides(provider, async ({ prisma }) => {
        const u1 = 'user-1'
        const u2 = 'user-2'
        const content = (chat: { messages: unknown }) => (chat.messages as BasicMessage[]).map((m) => [m.userId, m.content])

        // 1. The first message.
        let chat = await prisma.basicChat.create({ data: { userId: u1, content: 'Hello everyone!' } })
        assert.deepEqual(content(chat), [[u1, 'Hello everyone!']])
        // 2. A reply: newest first.
        chat = await prisma.basicChat.update({ where: { id: chat.id }, data: { userId: u2, content: 'Hi there!' } })
        assert.deepEqual(content(chat), [
          [u2, 'Hi there!'],
          [u1, 'Hello everyone!'],
        ])
        // 3. Edit the first message (its id is the chat's first event, the chat id).
        const firstId = (chat.messages as unknown as BasicMessage[])[1]!.id
        assert.equal(firstId, chat.id)
        chat = await prisma.basicChat.execute(chat.id, 'edit', { edits: firstId, content: 'Hello everyone! (edited)' })
        assert.deepEqual(content(chat), [
          [u2, 'Hi there!'],
          [u1, 'Hello everyone! (edited)'],
        ])

        const events = await prisma.basicChat.events(chat.id, { links: true })
        const edit = events.find((e) => e.action === 'edit')!
        assert.deepEqual(edit.links.edits, [firstId])

        // list_messages: the events that no edit replaced.
        const edited = new Set(events.flatMap((e) => e.links.edits))
        assert.deepEqual(
          events.filter((e) => !edited.has(e.id)).map((e) => e.action),
          ['update', 'edit'],
        )
        // get_edit_history: the edit and what it edits, oldest first.
        const history = await prisma.basicChat.links(edit.id, { direction: 'outgoing', name: 'edits' })
        assert.deepEqual([...history.map((l) => l.event.id), edit.id], [firstId, edit.id])

        // After the edit, the chat still replays and takes commands (Spector's guide breaks here).
        chat = await prisma.basicChat.update({ where: { id: chat.id }, data: { userId: u1, content: 'Glad to be here' } })
        assert.deepEqual(content(chat), [
          [u1, 'Glad to be here'],
          [u2, 'Hi there!'],
          [u1, 'Hello everyone! (edited)'],
        ])
        assert.deepEqual(content((await prisma.basicChat.replay(chat.id))!), content(chat))
        // And through a savepoint.
        await prisma.basicChat.savepoint(chat.id)
        chat = await prisma.basicChat.execute(chat.id, 'edit', { edits: firstId, content: 'Hello again (edited twice)' })
        assert.deepEqual(content((await prisma.basicChat.replay(chat.id))!).at(-1), [u1, 'Hello again (edited twice)'])
        assert.deepEqual((await prisma.basicChat.links(firstId, { direction: 'incoming' })).length, 2)
      }))
  })

  describe(`guide: typed links with supersedes, on ${provider}`, () => {
    test('a revision supersedes the draft, and the link reads both ways with its type', () =>
      withGuides(provider, async ({ prisma }) => {
        // 1. The first draft, version 1.
        let doc = await prisma.typedDoc.create({ data: { content: 'First draft' } })
        assert.deepEqual([doc.content, doc.version], ['First draft', 1])
        // 2. A revision that supersedes it.
        doc = await prisma.typedDoc.execute(doc.id, 'revise', { content: 'Second draft', supersedes: doc.id })
        assert.deepEqual([doc.content, doc.version], ['Second draft', 2])
        // 3. What supersedes the draft: one event, the revise.
        const superseding = await prisma.typedDoc.links(doc.id, { direction: 'incoming', type: 'supersedes' })
        assert.deepEqual(
          superseding.map((l) => [l.event.action, l.type]),
          [['revise', 'supersedes']],
        )
        // 4. What the revise supersedes: the first event, whose id is the document's.
        const revise = (await prisma.typedDoc.events(doc.id)).find((e) => e.action === 'revise')!
        const superseded = await prisma.typedDoc.links(revise.id, { direction: 'outgoing', type: 'supersedes' })
        assert.deepEqual(
          superseded.map((l) => l.event.id),
          [doc.id],
        )
        assert.deepEqual(await prisma.typedDoc.links(revise.id, { type: 'reference' }), [])
        // 5. With links loaded, the revise has one link, of type supersedes.
        const loaded = await prisma.typedDoc.events(doc.id, { links: true })
        assert.deepEqual(
          loaded.map((e) => e.links.links),
          [[], [{ to: doc.id, type: 'supersedes' }]],
        )
      }))
  })
}
