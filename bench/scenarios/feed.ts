/**
 * Scenario 7, change feed and relay (PostgreSQL): how fast `$spector.feed` pages through a log
 * with a feed (`@events(feed=true)`), and how fast `spector relay` moves it into NATS JetStream
 * (one publish after the other's ack, position stored per batch). Uses the feed test schema
 * (test/schemas/feed.prisma, prepared here when missing) and the NATS server at 127.0.0.1:4222.
 */
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { relay } from '../../extension/cli/relay.ts'
import { withFeed } from '../../test/support/feedClient.ts'
import { loadPreparedSchema, prepareSchema, repoRoot } from '../../test/support/testSchemas.ts'
import { readStream } from '../../test/support/natsServer.ts'
import type { BenchConfig } from '../lib/config.ts'
import type { ScenarioResult } from '../lib/report.ts'

interface FeedResult {
  events: number
  writeMs: number
  readMs: number
  readEventsPerSec: number
  relayMs: number | null
  relayEventsPerSec: number | null
  relayNote?: string
}

async function measure(config: BenchConfig): Promise<FeedResult> {
  try {
    loadPreparedSchema('feed', 'postgresql')
  } catch {
    await prepareSchema('feed', path.join(repoRoot, 'test/schemas/feed.prisma'), path.join(repoRoot, 'prisma/changesets'), 'postgresql')
  }
  return withFeed('postgresql', async ({ prisma }) => {
    const { events, pageSize, relayBatch } = config.feed
    let start = performance.now()
    for (let written = 0; written < events; written += 100) {
      await prisma.item.createMany({ data: Array.from({ length: Math.min(100, events - written) }, (_, i) => ({ name: `item ${written + i}`, value: i })) })
    }
    const writeMs = performance.now() - start

    start = performance.now()
    let read = 0
    for (let after = 0; ; ) {
      const page = await prisma.$spector.feed({ after, limit: pageSize })
      if (!page.events.length) break
      read += page.events.length
      after = page.position
    }
    const readMs = performance.now() - start
    if (read !== events) throw new Error(`feed: read ${read} events of ${events}`)

    const stream = `BENCH${randomBytes(4).toString('hex')}`
    try {
      start = performance.now()
      const result = await relay(prisma, { nats: 'nats://127.0.0.1:4222', stream, subject: `${stream}.{model}.{action}`, batchSize: relayBatch, once: true })
      const relayMs = performance.now() - start
      if (result.relayed !== events) throw new Error(`relay: ${result.relayed} of ${events} events`)
      await readStream(stream, true).catch(() => undefined)
      return { events, writeMs, readMs, readEventsPerSec: (read / readMs) * 1000, relayMs, relayEventsPerSec: (events / relayMs) * 1000 }
    } catch (error) {
      return {
        events,
        writeMs,
        readMs,
        readEventsPerSec: (read / readMs) * 1000,
        relayMs: null,
        relayEventsPerSec: null,
        relayNote: `relay not measured: ${(error as Error).message}`,
      }
    }
  })
}

export async function runFeedScenario(config: BenchConfig): Promise<ScenarioResult> {
  const r = await measure(config)
  const rate = (n: number | null) => (n === null ? 'n/a' : Math.round(n).toLocaleString('en-US'))
  return {
    id: '7',
    title: 'Change feed and relay (PostgreSQL)',
    status: 'ok',
    data: r,
    tables: [
      {
        title: `7. Change feed and relay - postgresql (${r.events.toLocaleString('en-US')} events; feed pages of ${config.feed.pageSize}, relay batches of ${config.feed.relayBatch})`,
        columns: ['what', 'ms', 'events/s'],
        rows: [
          ['write (createMany, 100 a call)', Math.round(r.writeMs), rate((r.events / r.writeMs) * 1000)],
          ['feed read, all pages', Math.round(r.readMs), rate(r.readEventsPerSec)],
          ['relay to JetStream (publish, ack, one at a time)', r.relayMs === null ? 'n/a' : Math.round(r.relayMs), rate(r.relayEventsPerSec)],
        ],
        notes: r.relayNote ? [r.relayNote] : [],
      },
    ],
    targets: [],
    notes: [],
  }
}
