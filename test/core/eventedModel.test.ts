/**
 * The event-log core alone: replay, versions, savepoints, validation and stamping, with an
 * in-memory codec and no database or Prisma.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Invalid, type Changeset } from '../../extension/core/changeset.ts'
import type { StoredEvent } from '../../extension/core/eventLog.ts'
import { EventedModel } from '../../extension/core/eventedModel.ts'
import { SpectorReplayError, SpectorUnknownActionError, SpectorValidationError } from '../../extension/core/errors.ts'
import type { ModelMetadata } from '../../extension/core/metadata.ts'
import type { JsonObject, ModelCodec } from '../../extension/core/payloadCodec.ts'

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
    assert.deepEqual(seen.map((s) => [s.action, s.replaying, s.eventId.slice(-2)]), [['insert', true, '0a'], ['edit', true, '02'], ['update', true, '03']])
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

describe('renamed actions', () => {
  test('an event stored under an alias reaches the changeset under the current name', () => {
    const renamed = new EventedModel<Note>({ ...metadata, aliases: { revise: 'edit' } }, codec, changeset)
    seen.length = 0
    const result = renamed.replay(recordId, [
      event(1, 'insert', { title: 'T', createdAt: t0, updatedAt: t0, edits: 0 }),
      event(2, 'revise', { body: 'old name', updatedAt: t1 }),
    ])
    assert.deepEqual(seen.map((s) => s.action), ['insert', 'edit'])
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
    assert.deepEqual(seen.map((s) => s.replaying), [false, true])
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
    assert.throws(
      () => model.prepare(null, 'insert', { title: 'x', at: new Date(Number.NaN) }, { recordId, eventId: recordId, now }),
      SpectorValidationError,
    )
  })

  test('only declared custom actions can be executed', () => {
    model.assertCustomAction('edit')
    assert.throws(() => model.assertCustomAction('publish'), (e: unknown) => e instanceof SpectorUnknownActionError && /publish/.test(e.message) && /edit/.test(e.message))
  })

  test('a savepoint payload holds every field by default, or what the changeset says', () => {
    const state = model.prepare(null, 'insert', { title: 'S' }, { recordId, eventId: recordId, now }).state
    assert.deepEqual(Object.keys(model.savepointPayload(state)).sort(), ['body', 'createdAt', 'edits', 'id', 'title', 'updatedAt'])
    const custom = new EventedModel<Note>(metadata, codec, { ...changeset, savepoint: (record) => ({ title: record.title }) })
    assert.deepEqual(custom.savepointPayload(state), { title: 'S' })
  })
})
