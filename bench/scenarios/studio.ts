/**
 * Scenario 8, the studio's record page (issue 14: "a record with 100k events opens in under a
 * second"): one record of `config.studio.events` events and no savepoint (the worst case: every
 * state before a page is a replay from event 1), the studio started on the bench database, and
 * the record page fetched over HTTP: the newest timeline page, a middle one and the oldest, each
 * first in a fresh studio (nothing kept from an earlier request: the floor is one replay of the
 * record), then browsing in one studio (newest first, older pages, again, the state as of an
 * event in the middle, and pages after a new event was appended). Each response is checked for
 * the before → after it must show, so a fast wrong page fails the scenario.
 */
import { startStudio } from '../../extension/studio/studioServer.ts'
import { EVENTS_PER_PAGE } from '../../extension/studio/recordTimeline.ts'
import type { BenchConfig } from '../lib/config.ts'
import { type BenchProvider, withBench } from '../lib/harness.ts'
import type { ScenarioResult, TargetResult } from '../lib/report.ts'
import { seedRecords, verifySeedFormat } from '../lib/seed.ts'

interface Fetch {
  what: string
  ms: number
}

/** `value` of the seeded Item after event `sequence` (the insert sets 0, each update adds 1). */
const valueAt = (sequence: number) => sequence - 1

async function measure(provider: BenchProvider, events: number): Promise<{ replayMs: number; fetches: Fetch[] }> {
  return withBench(provider, {}, async (ctx) => {
    await verifySeedFormat(ctx)
    const [seeded] = await seedRecords(ctx.raw, 1, events, 'studio')
    if (provider === 'postgresql') await ctx.raw.run('ANALYZE "Event"')
    const id = seeded!.id
    let start = performance.now()
    await ctx.prisma.item.replay(id)
    const replayMs = performance.now() - start
    const fetches: Fetch[] = []
    let studio = await startStudio({ client: ctx.prisma, schema: ctx.modules.spectorSchema, port: 0 })
    const get = async (what: string, query: string, expected: string) => {
      start = performance.now()
      const response = await fetch(`${studio.url}m/Item/r/${id}${query}`)
      const body = await response.text()
      fetches.push({ what, ms: performance.now() - start })
      if (response.status !== 200 || !body.includes(expected)) throw new Error(`studio ${what}: status ${response.status}, expected ${expected} on the page`)
    }
    /** The row of event `sequence` shows value before → after. */
    const change = (sequence: number) => `value</span>: <del>${valueAt(sequence - 1)}</del> → <ins>${valueAt(sequence)}</ins>`
    const pages = Math.ceil(events / EVENTS_PER_PAGE)
    const middle = Math.floor(pages / 2)
    const points = [
      { name: 'newest page', query: '', expected: change(events) },
      { name: `middle page (${middle + 1} of ${pages})`, query: `?page=${middle}`, expected: change(events - middle * EVENTS_PER_PAGE) },
      { name: `oldest page (${pages} of ${pages})`, query: `?page=${pages - 1}`, expected: change(2) },
    ]
    try {
      // Each page first in a studio of its own: nothing kept from an earlier request.
      for (const p of points) {
        await studio.close()
        studio = await startStudio({ client: ctx.prisma, schema: ctx.modules.spectorSchema, port: 0 })
        await get(`${p.name}, cold (fresh studio)`, p.query, p.expected)
      }
      // Browsing in one studio: newest first, then older pages, a state, new events.
      await studio.close()
      studio = await startStudio({ client: ctx.prisma, schema: ctx.modules.spectorSchema, port: 0 })
      await get(`${points[0]!.name}, cold (browsing starts here)`, points[0]!.query, points[0]!.expected)
      for (const p of points.slice(1)) await get(`${p.name}, browsing`, p.query, p.expected)
      for (const p of points) await get(`${p.name}, again`, p.query, p.expected)
      const asOf = Math.floor(events / 2)
      await get('state as of the middle event', `?asOf=${asOf}&page=${middle}`, `as of event #${asOf}`)
      await ctx.prisma.item.update({ where: { id }, data: { value: { increment: 1 } } })
      await get('newest page after a new event', '', change(events + 1))
      // Pages count from the newest event: event 2 may now be on another page.
      await get('the page of event 2 after a new event', `?page=${Math.floor((events + 1 - 2) / EVENTS_PER_PAGE)}`, change(2))
    } finally {
      await studio.close()
    }
    return { replayMs, fetches }
  })
}

export async function runStudioScenario(config: BenchConfig): Promise<ScenarioResult> {
  const { events } = config.studio
  const data: Record<string, { replayMs: number; fetches: Fetch[] }> = {}
  const targets: TargetResult[] = []
  for (const provider of config.providers) {
    const result = await measure(provider, events)
    data[provider] = result
    const cold = Math.max(...result.fetches.filter((f) => f.what.includes('cold')).map((f) => f.ms))
    const warm = Math.max(...result.fetches.filter((f) => !f.what.includes('cold')).map((f) => f.ms))
    const status = (measured: number) => (config.quick ? 'not measured' : measured < 1000 ? 'met' : 'missed')
    const note = config.quick ? { note: 'quick sizes' } : {}
    targets.push({
      id: '8',
      target: `a record of ${events.toLocaleString('en-US')} events without savepoints: every page opens in < 1 s once the studio has read it`,
      provider,
      measured: `${Math.round(warm)} ms (slowest page while browsing)`,
      status: status(warm),
      ...note,
    })
    targets.push({
      id: '8',
      target: `the same record, any page, first request of a fresh studio, < 1 s (floor: one replay of the record)`,
      provider,
      measured: `${Math.round(cold)} ms (replay(id) alone: ${Math.round(result.replayMs)} ms)`,
      status: status(cold),
      ...note,
    })
  }
  return {
    id: '8',
    title: 'Studio record page',
    status: 'ok',
    data,
    tables: config.providers.map((provider) => ({
      title: `8. Studio record page - ${provider} (one record of ${events.toLocaleString('en-US')} events, no savepoint; GET over HTTP)`,
      columns: ['fetch', 'ms'],
      rows: [['replay(id) alone, for reference', Math.round(data[provider]!.replayMs)], ...data[provider]!.fetches.map((f) => [f.what, Math.round(f.ms)])],
    })),
    targets,
    notes: [],
  }
}
