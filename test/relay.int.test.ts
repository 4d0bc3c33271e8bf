/**
 * `spector relay`: the change feed into a NATS JetStream stream. Killed with SIGKILL mid-stream
 * and restarted, with NATS restarted under the running relay and events written meanwhile, the
 * stream holds each event exactly once, each record's events in sequence order; SIGTERM stops it
 * cleanly with its position stored.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { afterAll, describe, test } from 'vitest'
import { providersUnderTest } from './support/databases.ts'
import { withFeed } from './support/feedClient.ts'
import { ensureNats, natsUrl, readStream, restartNats } from './support/natsServer.ts'
import { loadPreparedSchema, repoRoot } from './support/testSchemas.ts'

const cli = path.join(repoRoot, 'dist/extension/cli/spector.js')

/** The relay as its own process; `waitFor(re)` resolves when its stderr matches. */
function startRelay(provider: 'sqlite' | 'postgresql' | 'mysql', url: string, stream: string, extra: string[] = []) {
  const args = [
    cli,
    'relay',
    '--url',
    url,
    '--generated',
    loadPreparedSchema('feed', provider).spectorModule,
    '--nats',
    natsUrl,
    '--stream',
    stream,
    '--subject',
    `${stream}.{model}.{action}`,
    '--batch-size',
    '4',
    ...extra,
  ]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  const waiters: { re: RegExp; resolve: () => void }[] = []
  const check = () => {
    for (const w of [...waiters]) if (w.re.test(err)) waiters.splice(waiters.indexOf(w), 1), w.resolve()
  }
  child.stdout.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr.on('data', (c: Buffer) => ((err += c.toString()), check()))
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  return {
    child,
    exit,
    output: () => `${out}\n${err}`,
    stdout: () => out,
    waitFor: (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ re, resolve })
        check()
        exit.then(() => reject(new Error(`relay exited before ${re}:\n${out}\n${err}`)))
      }),
  }
}

afterAll(ensureNats)

for (const provider of providersUnderTest()) {
  describe(`relay on ${provider}`, () => {
    test('SIGKILL mid-stream, restart, NATS restarted under it, SIGTERM, --once: the stream holds each event exactly once, in per-record order', () =>
      withFeed(provider, async ({ prisma, base, url }) => {
        await ensureNats()
        const stream = `T${randomBytes(4).toString('hex')}`
        const items: { id: string }[] = []
        for (let i = 0; i < 4; i++) items.push(await prisma.item.create({ data: { name: `item ${i}`, value: 0 } }))
        for (let round = 1; round <= 6; round++) for (const item of items) await prisma.item.update({ where: { id: item.id }, data: { value: round } })
        const writeMore = async (n: number) => {
          for (let i = 0; i < n; i++) {
            await prisma.item.execute(items[i % items.length]!.id, 'increment', { by: 1 })
            if (i % 3 === 0) await prisma.note.create({ data: { text: `note ${i}` } })
          }
        }

        // 1. Killed with SIGKILL after a few batches.
        const first = startRelay(provider, url, stream)
        await first.waitFor(/position ([1-9]\d*), ([89]|\d\d+) relayed/)
        first.child.kill('SIGKILL')
        assert.equal((await first.exit).signal, 'SIGKILL')

        // 2. Restarted; events written and NATS restarted while it runs; then SIGTERM.
        const second = startRelay(provider, url, stream)
        await second.waitFor(/position \d+, [1-9]\d* relayed/)
        await Promise.all([writeMore(12), restartNats()])
        await writeMore(6)
        const last = () => base.event.findFirst({ orderBy: { position: 'desc' } }).then((e) => e!.position)
        const target = await last()
        await second.waitFor(new RegExp(`position ${target},`))
        second.child.kill('SIGTERM')
        const stopped = await second.exit
        assert.equal(stopped.code, 0, second.output())
        if (process.env.SPECTOR_RELAY_LOG) console.log(second.output())
        assert.match(second.stdout(), new RegExp(`relay stopped: position ${target}`))
        assert.equal((await base.spectorSubscription.findUnique({ where: { name: `relay:${stream}` } }))!.position, target)

        // 3. More events, and a run that returns once caught up.
        await writeMore(5)
        const third = startRelay(provider, url, stream, ['--once'])
        assert.equal((await third.exit).code, 0, third.output())

        const events = await base.event.findMany({ orderBy: { position: 'asc' } })
        const messages = await readStream(stream, true)
        const ids = messages.map((m) => m.id)
        assert.equal(new Set(ids).size, ids.length, 'no event twice in the stream')
        assert.deepEqual([...ids].sort(), events.map((e) => e.id).sort(), 'every event in the stream')
        for (const m of messages) {
          assert.equal(m.msgId, m.id)
          assert.equal(m.subject, `${stream}.${m.model}.${m.action}`)
        }
        const sequences = new Map<string, number>()
        for (const m of messages) {
          assert.equal(m.sequence, (sequences.get(m.recordId) ?? 0) + 1, `record ${m.recordId} in order`)
          sequences.set(m.recordId, m.sequence)
        }
      }))
  })
}
