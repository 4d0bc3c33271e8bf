/**
 * Event links in the database: the triggers from applyEventLinkConstraints refuse a link between
 * events of different records and any change to a written link; the client refuses to rewrite
 * link rows; prepareEvent's metadata reaches the event.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { SpectorUnsupportedWriteError, SpectorValidationError } from 'prisma-spector'
import type { ChatMessage } from './schemas/changesets/AiChat.ts'
import { providersUnderTest } from './support/databases.ts'
import { withGuides } from './support/guidesClient.ts'

for (const provider of providersUnderTest()) {
  describe(`event links in the database, on ${provider}`, () => {
    test('a raw link between two records is refused; one within a record is accepted; links cannot change', () =>
      withGuides(provider, async ({ base, prisma, q }) => {
        const chat = await prisma.aiChat.create({ data: { role: 'user', content: 'one' } })
        const other = await prisma.aiChat.create({ data: { role: 'user', content: 'other' } })
        const reply = await prisma.aiChat.execute(chat.id, 'append', { to: chat.id, role: 'assistant', content: 'two' })
        const replyId = (reply.messages as unknown as ChatMessage[])[1]!.id
        const insert = (from: string, to: string) =>
          base.$executeRawUnsafe(`INSERT INTO ${q('AiChatAncestor')} (${q('eventId')}, ${q('ancestorId')}) VALUES ('${from}', '${to}')`)

        await assert.rejects(insert(replyId, other.id), /must join two events of one record/)
        await assert.rejects(insert(replyId, 'no-such-event'), /must join two events of one record/)
        assert.equal(await base.aiChatAncestor.count(), 1)
        // Within one record the database has no objection (the app's own rules are prepareEvent's business).
        const third = await prisma.aiChat.execute(chat.id, 'append', { to: replyId, role: 'user', content: 'three' })
        const thirdId = (third.messages as unknown as ChatMessage[])[2]!.id
        assert.equal(await base.aiChatAncestor.count(), 3)
        await assert.rejects(base.$executeRawUnsafe(`UPDATE ${q('AiChatAncestor')} SET ${q('ancestorId')} = '${thirdId}'`), /append-only/)
        await assert.rejects(base.$executeRawUnsafe(`DELETE FROM ${q('AiChatAncestor')}`), /append-only/)
        assert.equal(await base.aiChatAncestor.count(), 3)
      }))

    test('a link across records written through the client fails with SpectorValidationError and the trigger message, not P2003', () =>
      withGuides(provider, async ({ prisma }) => {
        const chat = await prisma.aiChat.create({ data: { role: 'user', content: 'one' } })
        const other = await prisma.aiChat.create({ data: { role: 'user', content: 'other' } })
        const reply = await prisma.aiChat.execute(chat.id, 'append', { to: chat.id, role: 'assistant', content: 'two' })
        const replyId = (reply.messages as unknown as ChatMessage[])[1]!.id
        const refused = (operation: string) => (e: unknown) => {
          assert.ok(e instanceof SpectorValidationError, String(e))
          assert.deepEqual([e.model, e.action, e.fields], ['AiChatAncestor', operation, ['links.ancestors']])
          assert.match(e.message, /prisma-spector: a link in ancestors must join two events of one record \(AiChatAncestor\)/)
          assert.ok((e as Error & { cause?: unknown }).cause, 'the database error is the cause')
          return true
        }
        await assert.rejects(prisma.aiChatAncestor.create({ data: { eventId: replyId, ancestorId: other.id } }), refused('create'))
        await assert.rejects(prisma.aiChatAncestor.createMany({ data: [{ eventId: replyId, ancestorId: other.id }] }), refused('createMany'))
        assert.equal(await prisma.aiChatAncestor.count(), 1)
      }))

    test('the extended client refuses to update or delete links', () =>
      withGuides(provider, async ({ prisma }) => {
        const chat = await prisma.aiChat.create({ data: { role: 'user', content: 'one' } })
        await prisma.aiChat.execute(chat.id, 'append', { to: chat.id, role: 'assistant', content: 'two' })
        for (const attempt of [() => prisma.aiChatAncestor.deleteMany({}), () => prisma.aiChatAncestor.updateMany({ data: { ancestorId: 'x' } })]) {
          await assert.rejects(attempt(), (e: unknown) => e instanceof SpectorUnsupportedWriteError && e.model === 'AiChatAncestor')
        }
        assert.equal(await prisma.aiChatAncestor.count(), 1)
      }))

    test('the hash chain covers links: a link slipped in by hand breaks the chain at its event', () =>
      withGuides(provider, async ({ base, prisma, q }) => {
        const doc = await prisma.typedDoc.create({ data: { content: 'v1' } })
        await prisma.typedDoc.execute(doc.id, 'revise', { content: 'v2', supersedes: doc.id })
        assert.deepEqual(await prisma.$verifyHashChain({ model: 'TypedDoc' }), { ok: true, events: 2, records: 1 })
        const revise = (await prisma.typedDoc.events(doc.id)).find((e) => e.action === 'revise')!
        // Both events belong to the document, so the same-record trigger lets this in; the chain does not.
        await base.$executeRawUnsafe(
          `INSERT INTO ${q('TypedEventLink')} (${q('eventId')}, ${q('linkedId')}, ${q('type')}) VALUES ('${doc.id}', '${revise.id}', 'reference')`,
        )
        const result = await prisma.$verifyHashChain({ model: 'TypedDoc' })
        assert.equal(result.ok, false)
        assert.deepEqual(result.ok ? null : [result.failure.kind, result.failure.eventId], ['edited', doc.id])
      }))

    test('event columns get their defaults as with Prisma create: insertedAt from the database, uuid() from the client', () =>
      withGuides(provider, async ({ prisma }) => {
        const chat = await prisma.aiChat.create({ data: { role: 'user', content: 'Hi' } })
        await prisma.aiChat.execute(chat.id, 'append', { to: chat.id, role: 'assistant', content: 'Hello' })
        const times = (await prisma.aiChat.events(chat.id)).map((e) => e.insertedAt.toISOString())
        assert.deepEqual(times, ['2001-02-03T04:05:06.000Z', '2001-02-03T04:05:06.000Z'])
        // A log with a column of its own that only Prisma's client fills (traceId @default(uuid())) gets it filled.
        const basic = await prisma.basicChat.create({ data: { userId: 'u1', content: 'Hi' } })
        await prisma.basicChat.update({ where: { id: basic.id }, data: { userId: 'u2', content: 'Hello' } })
        const traces = (await prisma.basicChatEvent.findMany({ where: { recordId: basic.id } })).map((e) => e.traceId)
        assert.equal(new Set(traces).size, 2)
        for (const trace of traces) assert.match(trace, /^[0-9a-f-]{36}$/)
        // A log with @default(now()) gets the client's time.
        const doc = await prisma.typedDoc.create({ data: { content: 'v1' } })
        assert.ok(Date.now() - (await prisma.typedDoc.events(doc.id))[0]!.insertedAt.getTime() < 60_000)
      }))

    test('prepareEvent sets the metadata stored with the event', () =>
      withGuides(provider, async ({ prisma }) => {
        const doc = await prisma.typedDoc.create({ data: { content: 'v1' } })
        await prisma.typedDoc.execute(doc.id, 'revise', { content: 'v2', supersedes: doc.id })
        assert.deepEqual(
          (await prisma.typedDoc.events(doc.id)).map((e) => e.metadata),
          [null, { reason: `supersedes ${doc.id}` }],
        )
      }))
  })
}
