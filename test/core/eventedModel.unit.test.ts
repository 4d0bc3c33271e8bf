/**
 * The event-log core alone: replay (of an array and of a stream of pages), versions, savepoints,
 * validation and stamping, with an in-memory codec and no database or Prisma; and the event log's
 * paged read for replay over an in-memory stand-in for the Prisma delegate.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { Invalid, type Changeset } from '../../extension/core/changeset.ts'
import type { StoredEvent } from '../../extension/core/eventLog.ts'
import { EventedModel } from '../../extension/core/eventedModel.ts'
import { SpectorReplayError, SpectorUnknownActionError, SpectorValidationError } from '../../extension/core/errors.ts'
import type { ModelMetadata } from '../../extension/core/metadata.ts'
import type { JsonObject, ModelCodec } from '../../extension/core/payloadCodec.ts'
import { PrismaEventLog, type EventDelegate } from '../../extension/prisma/prismaEventLog.ts'

interface Note {
  id: string
  title: string
  body: string | null
  edits: number
  createdAt: Date
  updatedAt: Date
}

const metadata: ModelMetadata = {
  name: 'Note',
  eventName: 'Note',
  delegate: 'note',
  idField: 'id',
  version: 2,
  actions: ['edit'],
  fields: [
    { name: 'id', type: 'String', kind: 'scalar', isList: false, isRequired: true, isId: true, isUpdatedAt: false },
    { name: 'title', type: 'String', kind: 'scalar', isList: false, isRequired: true, isId: false, isUpdatedAt: false },
    { name: 'body', type: 'String', kind: 'scalar', isList: false, isRequired: false, isId: false, isUpdatedAt: false },
    { name: 'edits', type: 'Int', kind: 'scalar', isList: false, isRequired: true, isId: false, isUpdatedAt: false, default: { kind: 'value', value: 0 } },
    { name: 'createdAt', type: 'DateTime', kind: 'scalar', isList: false, isRequired: true, isId: false, isUpdatedAt: false, default: { kind: 'now' } },
    { name: 'updatedAt', type: 'DateTime', kind: 'scalar', isList: false, isRequired: true, isId: false, isUpdatedAt: true },
  ],
  relations: [],
  events: { model: 'Event', delegate: 'event' },
}

/** A hand-written codec: dates travel as ISO strings, titles must be strings. */
const codec: ModelCodec<Note> = {
  decodeAttrs(payload) {
    const out: Record<string, unknown> = { ...payload }
    for (const key of ['createdAt', 'updatedAt']) if (typeof payload[key] === 'string') out[key] = new Date(payload[key] as string)
    if ('title' in payload && typeof payload.title !== 'string') return { ok: false, errors: { title: ['expected a string'] } }
    return { ok: true, value: out }
  },
  validateState(candidate) {
    const errors: Record<string, string[]> = {}
    if (typeof candidate.title !== 'string') errors.title = ['is required']
    if (!(candidate.createdAt instanceof Date)) errors.createdAt = ['is required']
    return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: candidate as unknown as Note }
  },
}

const seen: { action: string; version: number; replaying: boolean; eventId: string }[] = []
const changeset: Changeset<Note> = {
  apply(state, attrs, ctx) {
    seen.push({ action: ctx.action, version: ctx.version, replaying: ctx.replaying, eventId: ctx.eventId })
    // Version 0 called the title "heading"; versions 0 and 1 had no edits counter.
    if (ctx.versionIs(0)) attrs = { ...attrs, title: attrs.heading }
    if (ctx.action === 'edit') {
      if (!state) return ctx.invalid({ _: 'cannot edit a note that does not exist' })
      return ctx.cast(state, { body: attrs.body, edits: ctx.versionIn({ from: 0, to: 1 }) ? state.edits : state.edits + 1, updatedAt: attrs.updatedAt })
    }
    if (attrs.title === '') return new Invalid({ title: ['must not be empty'] })
    return ctx.cast(state, attrs)
  },
}

const model = new EventedModel<Note>(metadata, codec, changeset)
const recordId = '0190a0a0-0000-7000-8000-00000000000a'

function event(sequence: number, action: string, payload: JsonObject, version = 2): StoredEvent {
  return {
    id: sequence === 1 ? recordId : `0190a0a0-0000-7000-8000-0000000000${String(sequence).padStart(2, '0')}`,
    recordId,
    model: 'Note',
    action,
    payload,
    version,
    sequence,
    insertedAt: new Date(),
    hash: null,
    prevHash: null,
    metadata: null,
  }
}

const t0 = '2026-01-01T00:00:00.000Z'
const t1 = '2026-01-02T00:00:00.000Z'

describe('EventedModel.replay', () => {
  test('folds events in order through the changeset, with version and event id in the context', () => {
    seen.length = 0
    const result = model.replay(recordId, [
      event(1, 'insert', { title: 'Hello', createdAt: t0, updatedAt: t0, edits: 0 }),
      event(2, 'edit', { body: 'first', updatedAt: t1 }),
      event(3, 'update', { title: 'Hello again', updatedAt: t1 }),
    ])
    assert.equal(result.sequence, 3)
    assert.equal(result.applied, 3)
    assert.deepEqual(result.state, { id: recordId, title: 'Hello again', body: 'first', edits: 1, createdAt: new Date(t0), updatedAt: new Date(t1) })
    assert.deepEqual(
      seen.map((s) => [s.action, s.replaying, s.eventId.slice(-2)]),
      [
        ['insert', true, '0a'],
        ['edit', true, '02'],
        ['update', true, '03'],
      ],
    )
  })

  test('old versions are migrated by version guards every time they are replayed', () => {
    const result = model.replay(recordId, [
      event(1, 'insert', { heading: 'Old style', createdAt: t0, updatedAt: t0, edits: 0 }, 0),
      event(2, 'edit', { body: 'v1 edit', updatedAt: t1 }, 1),
      event(3, 'edit', { body: 'v2 edit', updatedAt: t1 }, 2),
    ])
    assert.equal(result.state!.title, 'Old style')
    // The v1 edit did not count, the v2 edit did.
    assert.equal(result.state!.edits, 1)
  })

  test('a savepoint replaces the state; a delete ends it', () => {
    const afterSavepoint = model.replay(recordId, [
      event(1, 'insert', { title: 'A', createdAt: t0, updatedAt: t0 }),
      event(2, 'savepoint', { title: 'From savepoint', body: null, edits: 7, createdAt: t0, updatedAt: t1 }),
    ])
    assert.equal(afterSavepoint.state!.title, 'From savepoint')
    assert.equal(afterSavepoint.state!.edits, 7)
    const deleted = model.replay(recordId, [event(1, 'insert', { title: 'A', createdAt: t0, updatedAt: t0 }), event(2, 'delete', {})])
    assert.equal(deleted.state, null)
    assert.equal(deleted.deleted, true)
    assert.equal(model.replay(recordId, []).state, null)
  })

  test('an event that no longer decodes or validates names the event and the field', () => {
    assert.throws(
      () => model.replay(recordId, [event(1, 'insert', { title: 'A', createdAt: t0, updatedAt: t0 }), event(2, 'update', { title: 5 })]),
      (e: unknown) => e instanceof SpectorReplayError && e.sequence === 2 && e.fields.includes('title') && e.code === 'SPECTOR_REPLAY',
    )
    assert.throws(
      () => model.replay(recordId, [event(1, 'insert', { body: 'no title', createdAt: t0, updatedAt: t0 })]),
      (e: unknown) => e instanceof SpectorReplayError && e.eventId === recordId && e.fields.includes('title'),
    )
  })
})

describe('EventedModel.replayStream', () => {
  const hash = (n: number) => new Uint8Array([n])
  const history = () => [
    { ...event(1, 'insert', { title: 'Hello', createdAt: t0, updatedAt: t0, edits: 0 }), hash: hash(1) },
    { ...event(2, 'edit', { body: 'first', updatedAt: t1 }), hash: hash(2) },
    { ...event(3, 'edit', { body: 'second', updatedAt: t1 }, 1), hash: hash(3) },
    { ...event(4, 'update', { title: 'Hello again', updatedAt: t1 }), hash: hash(4) },
  ]
  /** Pages of `size` events, recording when each page is pulled and whether the stream was closed. */
  function paged<E>(events: E[], size: number, log: string[] = []) {
    return (async function* () {
      try {
        for (let i = 0; i < events.length; i += size) {
          log.push(`page ${i / size + 1}`)
          await new Promise((resolve) => setImmediate(resolve))
          yield events.slice(i, i + size)
        }
      } finally {
        log.push('closed')
      }
    })()
  }

  test('folds pages as they arrive, to what replay gives, with the first action, the count and the last hash', async () => {
    const events = history()
    const whole = model.replay(recordId, events)
    const log: string[] = []
    seen.length = 0
    const streamed = await model.replayStream(recordId, paged(events, 3, log))
    assert.deepEqual(streamed.state, whole.state)
    assert.equal(streamed.state!.edits, 1, "the v1 edit did not count: the version guard saw each event's own version")
    assert.equal(streamed.sequence, 4)
    assert.equal(streamed.applied, 4)
    assert.equal(streamed.deleted, false)
    assert.equal(streamed.firstAction, 'insert')
    assert.deepEqual(streamed.lastHash, hash(4))
    assert.deepEqual(log, ['page 1', 'page 2', 'closed'])
    assert.deepEqual(
      seen.map((s) => [s.action, s.version, s.eventId.slice(-2), s.replaying]),
      [
        ['insert', 2, '0a', true],
        ['edit', 2, '02', true],
        ['edit', 1, '03', true],
        ['update', 2, '04', true],
      ],
    )
  })

  test('a page is folded before the next one is read', async () => {
    const log: string[] = []
    const folding: Changeset<Note> = {
      apply(state, attrs, ctx) {
        log.push(`apply ${ctx.eventId.slice(-2)}`)
        return changeset.apply(state, attrs, ctx)
      },
    }
    await new EventedModel<Note>(metadata, codec, folding).replayStream(recordId, paged(history(), 2, log))
    assert.deepEqual(log, ['page 1', 'apply 0a', 'apply 02', 'page 2', 'apply 03', 'apply 04', 'closed'])
  })

  test('from a savepoint: the first action says so; a delete ends the state; no events, no state', async () => {
    const fromSavepoint = await model.replayStream(
      recordId,
      paged(
        [event(5, 'savepoint', { title: 'Saved', body: null, edits: 7, createdAt: t0, updatedAt: t1 }), event(6, 'edit', { body: 'after', updatedAt: t1 })],
        1,
      ),
    )
    assert.equal(fromSavepoint.firstAction, 'savepoint')
    assert.equal(fromSavepoint.applied, 2)
    assert.equal(fromSavepoint.state!.edits, 8)
    assert.equal(fromSavepoint.lastHash, null)
    const deleted = await model.replayStream(recordId, paged([event(1, 'insert', { title: 'A', createdAt: t0, updatedAt: t0 }), event(2, 'delete', {})], 5))
    assert.equal(deleted.state, null)
    assert.equal(deleted.deleted, true)
    assert.equal(deleted.sequence, 2)
    const none = await model.replayStream(recordId, paged([], 5))
    assert.deepEqual(none, { state: null, sequence: 0, applied: 0, deleted: false, firstAction: null, lastHash: null })
  })

  test('an event that no longer decodes rejects the fold and closes the stream', async () => {
    const log: string[] = []
    const events = [event(1, 'insert', { title: 'A', createdAt: t0, updatedAt: t0 }), event(2, 'update', { title: 5 }), event(3, 'update', { title: 'B' })]
    await assert.rejects(
      model.replayStream(recordId, paged(events, 2, log)),
      (e: unknown) => e instanceof SpectorReplayError && e.sequence === 2 && e.fields.includes('title'),
    )
    assert.deepEqual(log, ['page 1', 'closed'])
  })
})

describe('PrismaEventLog.streamForReplay, over an in-memory delegate', () => {
  type Row = Record<string, unknown> & { recordId: string; sequence: number }
  /** Enough of a Prisma delegate for the log's reads: equality, gt/gte/lte on sequence, orderBy sequence, take, select. */
  function memoryDelegate(rows: Row[]) {
    const calls: { op: string; where: Record<string, any>; take?: number; select?: Record<string, boolean> }[] = []
    const matches = (row: Row, where: Record<string, any>) =>
      Object.entries(where).every(([key, cond]) =>
        cond !== null && typeof cond === 'object'
          ? (cond.gt === undefined || (row[key] as number) > cond.gt) &&
            (cond.gte === undefined || (row[key] as number) >= cond.gte) &&
            (cond.lte === undefined || (row[key] as number) <= cond.lte)
          : row[key] === cond,
      )
    const pick = (row: Row, select?: Record<string, boolean>) => (select ? Object.fromEntries(Object.keys(select).map((k) => [k, row[k]])) : { ...row })
    const found = (args: any) =>
      rows.filter((r) => matches(r, args.where)).sort((a, b) => (args.orderBy?.sequence === 'desc' ? b.sequence - a.sequence : a.sequence - b.sequence))
    const delegate: EventDelegate = {
      async findFirst(args: any) {
        calls.push({ op: 'findFirst', where: args.where })
        const row = found(args)[0]
        return row ? pick(row, args.select) : null
      },
      async findMany(args: any) {
        calls.push({ op: 'findMany', where: args.where, take: args.take, select: args.select })
        return found(args)
          .slice(0, args.take ?? Infinity)
          .map((r) => pick(r, args.select))
      },
      async create() {
        throw new Error('read only')
      },
    }
    return { delegate, calls }
  }
  const payloads: Record<string, JsonObject> = {
    insert: { title: 'T', createdAt: t0, updatedAt: t0, edits: 0 },
    edit: { body: 'b', updatedAt: t1 },
    savepoint: { title: 'Saved', body: null, edits: 10, createdAt: t0, updatedAt: t1 },
  }
  // 12 events: insert, edits, a savepoint at 5, edits; each with a one-byte hash.
  const actions = ['insert', 'edit', 'edit', 'edit', 'savepoint', 'edit', 'edit', 'edit', 'edit', 'edit', 'edit', 'edit']
  const rows: Row[] = actions.map((action, i) => ({ ...event(i + 1, action, payloads[action]!), hash: new Uint8Array([i + 1]) }))
  const sequences = (pages: { sequence: number }[][]) => pages.map((page) => page.map((e) => e.sequence))
  async function collect<T>(stream: AsyncIterable<T[]>): Promise<T[][]> {
    const pages: T[][] = []
    for await (const page of stream) pages.push(page)
    return pages
  }

  test('pages of the given size from the newest savepoint, each read after the last sequence, only the needed columns', async () => {
    const { delegate, calls } = memoryDelegate(rows)
    const pages = await collect(new PrismaEventLog(delegate).streamForReplay('Note', recordId, undefined, { pageSize: 3 }))
    assert.deepEqual(sequences(pages), [
      [5, 6, 7],
      [8, 9, 10],
      [11, 12],
    ])
    // The newest page first (no savepoint among its 3 events, and more before them): then the
    // savepoint lookup and the pages from the savepoint.
    assert.deepEqual(
      calls.map((c) => [c.op, c.where.sequence, c.take]),
      [
        ['findMany', undefined, 3],
        ['findFirst', {}, undefined],
        ['findMany', { gt: 4 }, 3],
        ['findMany', { gt: 7 }, 3],
        ['findMany', { gt: 10 }, 3],
      ],
    )
    assert.deepEqual(Object.keys(calls[2]!.select!).sort(), ['action', 'hash', 'id', 'model', 'payload', 'sequence', 'version'])
    assert.deepEqual(Object.keys(calls[3]!.select!).sort(), ['action', 'hash', 'id', 'payload', 'sequence', 'version'])
    const first = pages[0]![0]!
    assert.deepEqual(first, {
      id: rows[4]!.id,
      recordId,
      model: 'Note',
      action: 'savepoint',
      payload: payloads.savepoint,
      version: 2,
      sequence: 5,
      hash: new Uint8Array([5]),
    })
    const all = pages.flat()
    assert.deepEqual(await new PrismaEventLog(memoryDelegate(rows).delegate).readForReplay('Note', recordId), all)
    // Folded page by page, the state is what the whole array gives.
    const folded = await model.replayStream(recordId, new PrismaEventLog(delegate).streamForReplay('Note', recordId, undefined, { pageSize: 3 }))
    assert.deepEqual(folded.state, model.replay(recordId, all).state)
    assert.equal(folded.state!.edits, 17)
    assert.deepEqual([folded.firstAction, folded.applied, folded.sequence, folded.lastHash], ['savepoint', 8, 12, new Uint8Array([12])])
  })

  test('a whole history whose newest events reach a savepoint or its first event is one read; `until` bounds the pages; hashes can be left out', async () => {
    const short = memoryDelegate(rows)
    assert.deepEqual(sequences(await collect(new PrismaEventLog(short.delegate).streamForReplay('Note', recordId))), [[5, 6, 7, 8, 9, 10, 11, 12]])
    assert.deepEqual(
      short.calls.map((c) => c.op),
      ['findMany'],
    )
    // No savepoint: the newest events reach back to the first one.
    const noSavepoint = rows.filter((r) => r.sequence < 5)
    const fromStart = memoryDelegate(noSavepoint)
    assert.deepEqual(sequences(await collect(new PrismaEventLog(fromStart.delegate).streamForReplay('Note', recordId))), [[1, 2, 3, 4]])
    assert.deepEqual(
      fromStart.calls.map((c) => c.op),
      ['findMany'],
    )
    // newestFirst sets how many newest events are read first (a model's savepointEvery + 1).
    const told = memoryDelegate(rows)
    assert.deepEqual(sequences(await collect(new PrismaEventLog(told.delegate).streamForReplay('Note', recordId, undefined, { newestFirst: 8 }))), [
      [5, 6, 7, 8, 9, 10, 11, 12],
    ])
    assert.deepEqual(
      told.calls.map((c) => [c.op, c.take]),
      [['findMany', 8]],
    )
    const tooFew = memoryDelegate(rows)
    await collect(new PrismaEventLog(tooFew.delegate).streamForReplay('Note', recordId, undefined, { newestFirst: 7 }))
    assert.deepEqual(
      tooFew.calls.map((c) => c.op),
      ['findMany', 'findFirst', 'findMany'],
    )
    // Exactly a page of newest events and no savepoint among them: the savepoint lookup and the
    // pages from the start follow (a full page is followed by one more read).
    const full = memoryDelegate(noSavepoint)
    assert.deepEqual(sequences(await collect(new PrismaEventLog(full.delegate).streamForReplay('Note', recordId, undefined, { pageSize: 4 }))), [[1, 2, 3, 4]])
    assert.deepEqual(
      full.calls.map((c) => c.op),
      ['findMany', 'findFirst', 'findMany', 'findMany'],
    )
    const bounded = memoryDelegate(rows)
    const until = await collect(new PrismaEventLog(bounded.delegate).streamForReplay('Note', recordId, { sequence: 9 }, { pageSize: 3 }))
    assert.deepEqual(sequences(until), [
      [5, 6, 7],
      [8, 9],
    ])
    assert.deepEqual(sequences(await collect(new PrismaEventLog(bounded.delegate).streamForReplay('Note', recordId, { sequence: 4 }, { pageSize: 2 }))), [
      [1, 2],
      [3, 4],
    ])
    assert.equal(bounded.calls.at(-1)!.where.sequence.gt, 2, 'no read after the page that reached the bound')
    const unhashed = memoryDelegate(rows)
    const pages = await collect(new PrismaEventLog(unhashed.delegate).streamForReplay('Note', recordId, undefined, { hashes: false }))
    assert.ok(pages.flat().every((e) => e.hash === null))
    assert.ok(unhashed.calls.every((c) => c.op !== 'findMany' || !('hash' in c.select!)))
  })

  test("another model's record reads as none; a bad page size is refused", async () => {
    const { delegate } = memoryDelegate(rows)
    assert.deepEqual(await collect(new PrismaEventLog(delegate).streamForReplay('Other', recordId)), [])
    await assert.rejects(collect(new PrismaEventLog(delegate).streamForReplay('Note', recordId, undefined, { pageSize: 0 })), RangeError)
  })
})

describe('renamed actions', () => {
  test('an event stored under an alias reaches the changeset under the current name', () => {
    const renamed = new EventedModel<Note>({ ...metadata, aliases: { revise: 'edit' } }, codec, changeset)
    seen.length = 0
    const result = renamed.replay(recordId, [
      event(1, 'insert', { title: 'T', createdAt: t0, updatedAt: t0, edits: 0 }),
      event(2, 'revise', { body: 'old name', updatedAt: t1 }),
    ])
    assert.deepEqual(
      seen.map((s) => s.action),
      ['insert', 'edit'],
    )
    assert.equal(result.state!.body, 'old name')
    assert.equal(result.state!.edits, 1)
  })
})

describe('EventedModel.prepare', () => {
  const now = new Date('2026-03-04T05:06:07.089Z')
  test('an insert is stamped with @default and @updatedAt values, which land in the payload', () => {
    const prepared = model.prepare(null, 'insert', { title: 'New' }, { recordId, eventId: recordId, now })
    assert.deepEqual(prepared.payload, { title: 'New', edits: 0, createdAt: now.toISOString(), updatedAt: now.toISOString() })
    assert.deepEqual(prepared.state, { id: recordId, title: 'New', body: null, edits: 0, createdAt: now, updatedAt: now })
  })

  test('a given value wins over the stamp; an update stamps only @updatedAt', () => {
    const created = new Date('2020-01-01T00:00:00.000Z')
    const inserted = model.prepare(null, 'insert', { title: 'New', createdAt: created }, { recordId, eventId: recordId, now })
    assert.deepEqual(inserted.state.createdAt, created)
    const later = new Date('2026-03-05T00:00:00.000Z')
    const updated = model.prepare(inserted.state, 'update', { body: 'x' }, { recordId, eventId: 'e2', now: later })
    assert.deepEqual(updated.payload, { body: 'x', updatedAt: later.toISOString() })
    assert.deepEqual(updated.state.createdAt, created)
  })

  test('live attrs reach the changeset exactly as a replay of the stored payload would', () => {
    seen.length = 0
    const live = model.prepare(null, 'insert', { title: 'Same', createdAt: new Date(t0) }, { recordId, eventId: recordId, now })
    const replayed = model.replay(recordId, [event(1, 'insert', JSON.parse(JSON.stringify(live.payload)))])
    assert.deepEqual(replayed.state, live.state)
    assert.deepEqual(
      seen.map((s) => s.replaying),
      [false, true],
    )
  })

  test('the codec and the changeset can reject a command; the error names model, action and field', () => {
    assert.throws(
      () => model.prepare(null, 'insert', { title: 42 }, { recordId, eventId: recordId, now }),
      (e: unknown) => e instanceof SpectorValidationError && e.model === 'Note' && e.action === 'insert' && e.fields.join() === 'title',
    )
    assert.throws(
      () => model.prepare(null, 'insert', { title: '' }, { recordId, eventId: recordId, now }),
      (e: unknown) => e instanceof SpectorValidationError && /Note\.insert rejected: title: must not be empty/.test(e.message),
    )
    assert.throws(
      () => model.prepare(null, 'edit', { body: 'x' }, { recordId, eventId: recordId, now }),
      (e: unknown) => e instanceof SpectorValidationError && e.fields.join() === '_',
    )
    assert.throws(() => model.prepare(null, 'insert', { title: 'x', at: new Date(Number.NaN) }, { recordId, eventId: recordId, now }), SpectorValidationError)
  })

  test('only declared custom actions can be executed', () => {
    model.assertCustomAction('edit')
    assert.throws(
      () => model.assertCustomAction('publish'),
      (e: unknown) => e instanceof SpectorUnknownActionError && /publish/.test(e.message) && /edit/.test(e.message),
    )
  })

  test('a savepoint payload holds every field by default, or what the changeset says', () => {
    const state = model.prepare(null, 'insert', { title: 'S' }, { recordId, eventId: recordId, now }).state
    assert.deepEqual(Object.keys(model.savepointPayload(state)).sort(), ['body', 'createdAt', 'edits', 'id', 'title', 'updatedAt'])
    const custom = new EventedModel<Note>(metadata, codec, { ...changeset, savepoint: (record) => ({ title: record.title }) })
    assert.deepEqual(custom.savepointPayload(state), { title: 'S' })
  })
})
