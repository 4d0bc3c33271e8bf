/**
 * Durable subscribers: the projection and the position move commit together, so a subscriber
 * killed with SIGKILL in the middle of a batch and restarted leaves the projection equal to a
 * full rebuild from the log (no event counted twice, none lost).
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import path from 'node:path'
import { describe, test } from 'vitest'
import { SpectorConfigurationError } from 'prisma-spector'
import { providersUnderTest } from './support/databases.ts'
import { withFeed } from './support/feedClient.ts'
import { addEvent, rebuild } from './support/itemTotals.ts'
import { repoRoot } from './support/testSchemas.ts'

const script = path.join(repoRoot, 'test/support/subscriberProcess.ts')

/** Starts the subscriber process (node itself, so that SIGKILL reaches it, not a tsx wrapper); `killAfter`: SIGKILL it on its n-th `mid` line. Resolves with its output and exit. */
function runSubscriber(provider: string, url: string, options: { killAfter?: number; caughtUp?: boolean }) {
  return new Promise<{ code: number | null; signal: string | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, provider, url, ...(options.caughtUp ? ['caught-up'] : [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    let mids = 0
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      mids = (output.match(/^mid /gm) ?? []).length
      if (options.killAfter !== undefined && mids >= options.killAfter) child.kill('SIGKILL')
    })
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('exit', (code, signal) => resolve({ code, signal, output }))
  })
}

for (const provider of providersUnderTest()) {
  describe(`subscriptions on ${provider}`, () => {
    test('a subscriber killed with SIGKILL mid-batch and restarted: the projection equals a full rebuild, the position is the last event', () =>
      withFeed(provider, async ({ prisma, base, url }) => {
        const items = []
        for (let i = 0; i < 6; i++) items.push(await prisma.item.create({ data: { name: `item ${i}`, value: 0 } }))
        for (let round = 0; round < 5; round++) {
          for (const item of items) await prisma.item.update({ where: { id: item.id }, data: { value: round + 1 } })
          await prisma.note.create({ data: { text: `round ${round}` } })
        }
        const killed = await runSubscriber(provider, url, { killAfter: 3 })
        assert.equal(killed.signal, 'SIGKILL', killed.output)
        // Partial, and consistent: what it committed is a prefix of the log.
        const stored = (await base.spectorSubscription.findUnique({ where: { name: 'totals' } }))!.position
        const all = await base.event.findMany({ orderBy: { position: 'asc' } })
        assert.ok(stored < all[all.length - 1]!.position, `stopped early (at ${stored})`)
        const prefix = all.filter((e) => e.position <= stored)
        assert.deepEqual(await totals(base), rebuild(prefix))

        // More events while it is down, then a restart that runs until it has caught up.
        for (const item of items.slice(0, 3)) await prisma.item.execute(item.id, 'increment', { by: 5 })
        const restarted = await runSubscriber(provider, url, { caughtUp: true })
        assert.equal(restarted.code, 0, restarted.output)
        const everything = await base.event.findMany({ orderBy: { position: 'asc' } })
        assert.deepEqual(await totals(base), rebuild(everything))
        assert.equal((await base.spectorSubscription.findUnique({ where: { name: 'totals' } }))!.position, everything[everything.length - 1]!.position)
      }))

    test('the handler gets the transaction: a failing batch moves neither the projection nor the position; a signal stops the consumer', () =>
      withFeed(provider, async ({ prisma, base }) => {
        const item = await prisma.item.create({ data: { name: 'A', value: 1 } })
        await assert.rejects(
          prisma.$spector.subscribe(
            'failing',
            async (events, tx) => {
              await tx.itemTotal.create({ data: addEvent(undefined, events[0]!) })
              throw new Error('projection bug')
            },
            { stopWhenCaughtUp: true },
          ),
          /projection bug/,
        )
        assert.equal(await base.itemTotal.count(), 0)
        assert.equal((await base.spectorSubscription.findUnique({ where: { name: 'failing' } }))!.position, 0)

        const controller = new AbortController()
        const seen: string[] = []
        const running = prisma.$spector.subscribe(
          'live',
          (events) => {
            seen.push(...events.map((e) => e.id))
            if (seen.length >= 2) controller.abort()
          },
          { signal: controller.signal, pollInterval: 10 },
        )
        await prisma.item.update({ where: { id: item.id }, data: { value: 2 } })
        const result = await running
        assert.equal(result.events, 2)
        assert.equal(result.position, 2)
        await assert.rejects(
          prisma.$spector.subscribe('x', () => {}, { store: 'nope' }),
          SpectorConfigurationError,
        )
      }))
  })
}

async function totals(base: { itemTotal: { findMany(args: object): Promise<{ itemId: string; events: number; value: number | null; name: string }[]> } }) {
  return base.itemTotal.findMany({ orderBy: { itemId: 'asc' } })
}
