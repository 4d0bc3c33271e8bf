/**
 * The record page of a long record, with the studio's kept states (recordStates.ts, here with a
 * checkpoint every 5 events), renders exactly what a studio that keeps nothing renders: every
 * timeline page, a state as of an event and diffs between sequences, again after new events, and after the log was
 * rewritten from an event (new ids, another payload). On every provider.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, test } from 'vitest'
import { createStudioApp } from '../extension/studio/studioApp.ts'
import { StudioSource } from '../extension/studio/studioSource.ts'
import { providersUnderTest } from './support/databases.ts'
import { withExample } from './support/exampleClient.ts'

for (const provider of providersUnderTest()) {
  describe(`studio record pages with kept states on ${provider}`, () => {
    test('every page, a state as of an event and diffs read as without kept states: cold, warm, after new events and after a rewrite', () =>
      withExample(provider, async (ctx) => {
        const { prisma } = ctx
        const item = await prisma.item.create({ data: { name: 'n0', value: 0 } })
        for (let i = 1; i < 130; i++) {
          if (i % 7 === 0) await prisma.item.execute(item.id, 'increment', { by: 10 })
          else await prisma.item.update({ where: { id: item.id }, data: { name: `n${i}` } })
        }
        const kept = new StudioSource(prisma, ctx.spectorSchema, { states: { spacing: 5 } })
        const keptApp = createStudioApp(kept)
        const page = async (app: ReturnType<typeof createStudioApp>, query: string) => {
          const response = await app.request(`/m/Item/r/${item.id}${query}`)
          assert.equal(response.status, 200)
          return response.text()
        }
        const compare = async (queries: string[], what: string) => {
          const fresh = createStudioApp(new StudioSource(prisma, ctx.spectorSchema))
          for (const query of queries) assert.equal(await page(keptApp, query), await page(fresh, query), `${what}: ${query || 'newest page'}`)
        }
        const queries = [
          '',
          '?page=1',
          '?page=2',
          '?asOf=64&page=1',
          '?asOf=3&page=2',
          '?page=1',
          '/diff?from=0&to=1',
          '/diff?from=42&to=43',
          '/diff?from=3&to=120',
        ]
        await compare(queries, 'cold, then warm')
        assert.ok(kept.states.size > 0, 'checkpoints were kept')
        assert.match(await page(keptApp, '?page=2'), /value<\/span>: <del>0<\/del> → <ins>10<\/ins>/)

        for (let i = 0; i < 3; i++) await prisma.item.execute(item.id, 'increment', { by: 1 })
        await compare(queries, 'after new events')
        assert.match(await page(keptApp, ''), /value<\/span>: <del>182<\/del> → <ins>183<\/ins>/)

        // The log cut back to event 42 and written again: event 43 increments by 1000 instead of 10, every later id is new.
        const events = await prisma.item.events(item.id)
        assert.deepEqual([events[42]!.action, events[42]!.payload.by], ['increment', 10])
        const q = ctx.q
        const payload = JSON.stringify({ ...events[42]!.payload, by: 1000 })
        await ctx.db.exec(`UPDATE ${q('Event')} SET ${q('payload')} = '${payload}' WHERE ${q('id')} = '${events[42]!.id}'`)
        for (const e of events.slice(42)) await ctx.db.exec(`UPDATE ${q('Event')} SET ${q('id')} = '${randomUUID()}' WHERE ${q('id')} = '${e.id}'`)
        await compare(queries, 'after a rewrite')
        assert.match(await page(keptApp, ''), /value<\/span>: <del>1172<\/del> → <ins>1173<\/ins>/)
      }))
  })
}
