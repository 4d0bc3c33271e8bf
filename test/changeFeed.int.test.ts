/**
 * The change feed never skips an event: 8 writers whose transactions start, write, wait and
 * commit (or roll back) in a random order, while a reader polls the feed with small random page
 * sizes. At the end the reader has seen every committed event exactly once, nothing of the
 * rolled-back ones, positions rising, and each record's events in sequence order. Several rounds.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { SpectorConfigurationError } from 'prisma-spector'
import { providersUnderTest } from './support/databases.ts'
import { withFeed } from './support/feedClient.ts'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const random = (n: number) => Math.floor(Math.random() * n)

class RolledBack extends Error {}

for (const provider of providersUnderTest()) {
  describe(`change feed on ${provider}`, () => {
    test('8 concurrent writers committing in random order while a reader polls: every committed event exactly once, none skipped, per-record order kept (4 rounds)', () =>
      withFeed(provider, async ({ prisma, base }) => {
        for (let round = 0; round < 4; round++) {
          const start = (await prisma.$spector.feed({ after: 0, limit: 1_000_000 })).position
          const shared = await prisma.item.create({ data: { name: `shared ${round}`, value: 0 } })
          let writing = true
          const writer = async (w: number) => {
            const own: string[] = []
            for (let t = 0; t < 5; t++) {
              await pause(random(10))
              try {
                await prisma.$transaction(
                  async (tx) => {
                    await pause(random(8))
                    const item = await tx.item.create({ data: { name: `w${w} t${t}`, value: t } })
                    await tx.note.create({ data: { text: `w${w} t${t}` } })
                    if (own.length) await tx.item.execute(own[random(own.length)]!, 'increment', { by: 1 })
                    await pause(random(8))
                    if (random(6) === 0) throw new RolledBack()
                    own.push(item.id)
                  },
                  { maxWait: 60_000, timeout: 60_000 },
                )
              } catch (error) {
                if (!(error instanceof RolledBack)) throw error
              }
              // A one-command transaction of prisma-spector's own, on a record every writer touches.
              await prisma.item.execute(shared.id, 'increment', { by: 1 })
            }
          }
          const seen: { id: string; position: number; recordId: string; sequence: number }[] = []
          const reader = (async () => {
            let after = start
            for (;;) {
              const done = !writing
              const page = await prisma.$spector.feed({ after, limit: 1 + random(7) })
              seen.push(...page.events)
              after = page.position
              if (done && page.events.length === 0) return
              if (page.events.length === 0) await pause(random(5))
            }
          })()
          await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)))
          writing = false
          await reader

          const committed = await base.event.findMany({ where: { position: { gt: start } }, orderBy: { position: 'asc' } })
          const ids = seen.map((e) => e.id)
          assert.equal(new Set(ids).size, ids.length, 'no event read twice')
          assert.deepEqual(
            ids,
            committed.map((e) => e.id),
            'every committed event, in position order, none skipped',
          )
          for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.position > seen[i - 1]!.position)
          const last = new Map<string, number>()
          for (const event of seen) {
            assert.equal(event.sequence, (last.get(event.recordId) ?? 0) + 1, `record ${event.recordId} in sequence order`)
            last.set(event.recordId, event.sequence)
          }
          // The shared record: 40 increments after its insert.
          assert.equal(last.get(shared.id), 41)
        }
      }))

    test('models filters by evented model; a page resumes where the last one ended; bad positions are refused', () =>
      withFeed(provider, async ({ prisma }) => {
        const item = await prisma.item.create({ data: { name: 'A' } })
        await prisma.note.create({ data: { text: 'n' } })
        await prisma.item.update({ where: { id: item.id }, data: { value: 1 } })
        const notes = await prisma.$spector.feed({ models: ['Note'] })
        assert.deepEqual(
          notes.events.map((e) => [e.modelName, e.action, e.position]),
          [['Note', 'insert', 2]],
        )
        const first = await prisma.$spector.feed({ limit: 2 })
        assert.deepEqual(
          first.events.map((e) => e.position),
          [1, 2],
        )
        const rest = await prisma.$spector.feed({ after: first.position })
        assert.deepEqual(
          rest.events.map((e) => [e.modelName, e.action]),
          [['Item', 'update']],
        )
        assert.equal((await prisma.$spector.feed({ after: rest.position })).position, rest.position)
        await assert.rejects(prisma.$spector.feed({ after: -1 }), SpectorConfigurationError)
        await assert.rejects(prisma.$spector.feed({ models: ['Category'] }), SpectorConfigurationError)
      }))
  })
}
