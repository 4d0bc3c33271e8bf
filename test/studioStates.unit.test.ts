/**
 * The studio's kept states (extension/studio/recordStates.ts) over a fake log: one fold per cold
 * request, later requests resume from the nearest checkpoint, new events keep the checkpoints,
 * a rewritten or cut-back log drops them, old checkpoints are folded again, and only a bounded
 * number of records is kept.
 */
import assert from 'node:assert/strict'
import { test } from 'vitest'
import { RecordStates } from '../extension/studio/recordStates.ts'
import type { StudioModel } from '../extension/studio/studioSource.ts'

const model = { name: 'Item' } as StudioModel

/** Records whose state is the sum of their events' amounts; counts the events each replay folds. */
function fakeLog() {
  const records = new Map<string, { id: string; amount: number }[]>()
  const log = {
    folded: 0,
    add(recordId: string, count: number) {
      const events = records.get(recordId) ?? []
      for (let i = 0; i < count; i++) events.push({ id: `${recordId}-${events.length + 1}`, amount: 1 })
      records.set(recordId, events)
    },
    events: (recordId: string) => records.get(recordId)!,
    sum: (recordId: string, sequence: number) =>
      records
        .get(recordId)!
        .slice(0, sequence)
        .reduce((a, e) => a + e.amount, 0),
    source: {
      eventAt: async (_: StudioModel, recordId: string, sequence: number) => {
        const event = records.get(recordId)?.[sequence - 1]
        return event ? { id: event.id, hash: '' } : null
      },
      delegate: () => ({
        replay: async (recordId: string, options: { from: { sequence: number; state: { sum: number } | null }; until: { sequence: number } }) => {
          let sum = options.from.state?.sum ?? 0
          for (const event of records.get(recordId)!.slice(options.from.sequence, options.until.sequence)) sum += event.amount
          log.folded += options.until.sequence - options.from.sequence
          return { sum }
        },
      }),
    } as never,
  }
  return log
}

const sums = (states: Map<number, Record<string, unknown> | null>) => Object.fromEntries([...states].map(([k, v]) => [k, v?.sum ?? null]))

test('a cold request folds the log once; later pages resume from checkpoints and fold at most one spacing per state', async () => {
  const log = fakeLog()
  log.add('a', 100_000)
  const states = new RecordStates(log.source, { spacing: 5000 })
  assert.deepEqual(sums(await states.at(model, 'a', [100_000, 99_950, 0], 100_000)), { 0: null, 99950: 99_950, 100000: 100_000 })
  assert.equal(log.folded, 100_000)
  assert.equal(states.size, 19)
  log.folded = 0
  assert.deepEqual(sums(await states.at(model, 'a', [49_950, 50_000, 100_000], 100_000)), { 49950: 49_950, 50000: 50_000, 100000: 100_000 })
  assert.equal(log.folded, 4950 + 5000, 'from checkpoint 45,000 to 49,950; 50,000 is a checkpoint; from 95,000 to 100,000')
})

test('new events keep the checkpoints; a log rewritten from an event drops those at and after it; an old checkpoint is folded again', async () => {
  const log = fakeLog()
  log.add('a', 20)
  let now = 0
  const states = new RecordStates(log.source, { spacing: 5, now: () => now })
  await states.at(model, 'a', [20], 20)
  assert.equal(states.size, 3)

  log.add('a', 3)
  log.folded = 0
  assert.deepEqual(sums(await states.at(model, 'a', [18, 23], 23)), { 18: 18, 23: 23 })
  assert.ok(log.folded <= 8, `folded ${log.folded}`)

  // The log cut back to event 9 and written again (new ids from event 10): checkpoints 10, 15 and 20 no longer hold.
  const events = log.events('a')
  for (let i = 9; i < events.length; i++) events[i] = { id: `rewritten-${i + 1}`, amount: i === 9 ? 100 : 1 }
  assert.deepEqual(sums(await states.at(model, 'a', [23], 23)), { 23: 122 })

  // Edited in place (same id): invisible to the check until the checkpoint is older than maxAge.
  log.events('a')[2]!.amount = 1000
  now = 10 * 60_000
  assert.deepEqual(sums(await states.at(model, 'a', [12, 23], 23)), { 12: 1110, 23: 1121 })
})

test('records shorter than a spacing keep nothing; only recordsKept records keep checkpoints', async () => {
  const log = fakeLog()
  for (const id of ['short', 'a', 'b', 'c']) log.add(id, id === 'short' ? 4 : 12)
  const states = new RecordStates(log.source, { spacing: 5, recordsKept: 2 })
  assert.deepEqual(sums(await states.at(model, 'short', [2, 4], 4)), { 2: 2, 4: 4 })
  assert.equal(states.size, 0)
  for (const id of ['a', 'b', 'c']) await states.at(model, id, [12], 12)
  assert.equal(states.size, 4)
  log.folded = 0
  await states.at(model, 'a', [12], 12)
  assert.equal(log.folded, 12, 'the least recently used record was dropped')
})

test('two requests for one record at once: the second waits and resumes from what the first kept', async () => {
  const log = fakeLog()
  log.add('a', 100_000)
  const states = new RecordStates(log.source, { spacing: 5000 })
  const [first, second] = await Promise.all([states.at(model, 'a', [100_000], 100_000), states.at(model, 'a', [99_950], 100_000)])
  assert.deepEqual([sums(first), sums(second)], [{ 100000: 100_000 }, { 99950: 99_950 }])
  assert.equal(log.folded, 100_000 + 4950)
})
