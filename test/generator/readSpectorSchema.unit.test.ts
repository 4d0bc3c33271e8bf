/**
 * The schema reader on hand-built DMMF: every problem the issue lists is reported as a
 * SpectorGeneratorError naming the model and the annotation's line, all problems of a run at once,
 * and a valid schema produces the metadata the runtime reads.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import type { DMMF } from '@prisma/generator-helper'
import { SpectorGeneratorError, SpectorGeneratorErrors } from '../../generator/errors.ts'
import { eventsModelBlock } from '../../generator/eventsModel.ts'
import { readSpectorSchema, type Locate } from '../../generator/readSpectorSchema.ts'
import { datamodel, enumType, eventColumns, eventedModel, eventsModel, field, idField, model, optional, relation } from './dmmf.ts'

/** Pretends each model lives in `<Model>.prisma`, at line 100, its documentation on lines 101, 102... */
const locate: Locate = (name, documentationLine) => ({
  file: `${name}.prisma`,
  line: documentationLine === undefined ? 100 : 101 + documentationLine,
})

/** Runs the reader, expecting it to fail; returns the errors it reported. */
function problems(dm: DMMF.Datamodel): readonly SpectorGeneratorError[] {
  let caught: unknown
  try {
    readSpectorSchema(dm, locate)
  } catch (error) {
    caught = error
  }
  assert.ok(caught instanceof SpectorGeneratorErrors, `expected SpectorGeneratorErrors, got ${String(caught)}`)
  assert.equal(caught.code, 'SPECTOR_GENERATOR')
  assert.ok(caught.errors.length > 0)
  for (const error of caught.errors) assert.ok(error instanceof SpectorGeneratorError)
  assert.equal(caught.message, caught.errors.map((e) => e.message).join('\n'))
  return caught.errors
}

/** Expects exactly one problem, on `modelName`, at documentation line `docLine`, matching `message`. */
function oneProblem(dm: DMMF.Datamodel, modelName: string, message: RegExp, docLine = 0): SpectorGeneratorError {
  const errors = problems(dm)
  assert.equal(errors.length, 1, errors.map((e) => e.message).join('\n'))
  const [error] = errors
  assert.equal(error!.model, modelName)
  assert.deepEqual(error!.location, { file: `${modelName}.prisma`, line: 101 + docLine })
  assert.match(error!.message, message)
  assert.ok(error!.message.startsWith(`prisma-spector: model ${modelName} (${modelName}.prisma:${101 + docLine}): `), error!.message)
  return error!
}

/** The @events model plus the given evented models. */
function schema(...models: DMMF.Model[]): DMMF.Datamodel {
  return datamodel([eventsModel(), ...models])
}

describe('readSpectorSchema: annotation problems', () => {
  test('a malformed annotation names the model, the line of the annotation and what is wrong', () => {
    const item = model('Item', [idField(), field('name', 'String')], { doc: ['An item.', '', '@evented(version=1'] })
    oneProblem(schema(item), 'Item', /malformed annotation "@evented\(version=1": expected "," or "\)" after option "version"/, 2)
  })

  test('a malformed @events annotation is reported once, not also as "no @events model"', () => {
    const dm = datamodel([eventsModel('Event', { doc: ['@events(]'] }), eventedModel('Item')])
    oneProblem(dm, 'Event', /malformed annotation "@events\(\]"/)
  })

  test('an unknown @evented option', () => {
    oneProblem(
      schema(eventedModel('Item', '@evented(versoin=1)')),
      'Item',
      /@evented has an unknown option "versoin" \(known options: version, actions, events, savepointEvery, aliases, name, table\)/,
    )
  })

  test('@evented(savepointEvery=N) sets the savepoint policy; it must be a whole number >= 2', () => {
    const ok = readSpectorSchema(datamodel([eventsModel('Event'), eventedModel('Item', '@evented(savepointEvery=100)')]), locate)
    assert.equal(ok.models[0]!.savepointEvery, 100)
    oneProblem(
      datamodel([eventsModel('Event'), eventedModel('Item', '@evented(savepointEvery=1)')]),
      'Item',
      /"savepointEvery" must be a whole number >= 2, got 1/,
    )
  })

  test('an unknown @events option', () => {
    const dm = datamodel([eventsModel('Event', { doc: ['The log.', '@events(retention=30)'] }), eventedModel('Item')])
    oneProblem(dm, 'Event', /@events has an unknown option "retention" \(known options: hashed, chain, feed\)/, 1)
  })

  test('@events(hashed=true) marks the log hashed; bad hashed and chain values are errors', () => {
    const result = readSpectorSchema(datamodel([eventsModel('Event', { doc: ['@events(hashed=true, chain=record)'] }), eventedModel('Item')]), locate)
    assert.equal(result.models[0]!.events.hashed, true)
    oneProblem(datamodel([eventsModel('Event', { doc: ['@events(hashed=yes)'] }), eventedModel('Item')]), 'Event', /"hashed" must be true or false, got "yes"/)
    oneProblem(
      datamodel([eventsModel('Event', { doc: ['@events(hashed=true, chain=table)'] }), eventedModel('Item')]),
      'Event',
      /chain=table\) needs a field "position Int @unique"/,
    )
    oneProblem(
      datamodel([eventsModel('Event', { doc: ['@events(chain=block)'] }), eventedModel('Item')]),
      'Event',
      /"chain" must be record or table, got "block"/,
    )
  })

  test('@events(feed=true) needs "position Int @unique" and prints the block to paste; with it the log has a feed', () => {
    const feedLog = (fields: DMMF.Field[]) => eventsModel('Event', { doc: ['@events(feed=true)'], fields: [...eventColumns(), ...fields] })
    const problem = oneProblem(datamodel([feedLog([]), eventedModel('Item')]), 'Event', /feed=true\) needs a field "position Int @unique"/)
    assert.ok(problem.message.includes(eventsModelBlock('Event', { feed: true })))
    assert.match(eventsModelBlock('Event', { feed: true }), /\n {2}position {3}Int {6}@unique\n/)
    oneProblem(datamodel([feedLog([field('position', 'Int')]), eventedModel('Item')]), 'Event', /needs a field "position Int @unique"/)
    oneProblem(datamodel([feedLog([field('position', 'BigInt', { isUnique: true })]), eventedModel('Item')]), 'Event', /needs a field "position Int @unique"/)
    oneProblem(datamodel([eventsModel('Event', { doc: ['@events(feed=yes)'] }), eventedModel('Item')]), 'Event', /"feed" must be true or false, got "yes"/)
    const result = readSpectorSchema(datamodel([feedLog([field('position', 'Int', { isUnique: true })]), eventedModel('Item')]), locate)
    assert.equal(result.models[0]!.events.feed, true)
  })

  for (const action of ['insert', 'update', 'delete', 'savepoint']) {
    test(`an action named like the built-in "${action}"`, () => {
      oneProblem(
        schema(eventedModel('Item', `@evented(actions=[archive, ${action}])`)),
        'Item',
        new RegExp(`@evented action "${action}" is built in \\(insert, update, delete, savepoint\\); choose another name`),
      )
    })
  }

  test('an action listed twice', () => {
    oneProblem(schema(eventedModel('Item', '@evented(actions=[archive, restore, archive])')), 'Item', /@evented action "archive" is listed twice/)
  })

  test('an action that is not a name', () => {
    oneProblem(schema(eventedModel('Item', '@evented(actions=["archive it"])')), 'Item', /@evented action "archive it" is not a name/)
    oneProblem(schema(eventedModel('Item', '@evented(actions=[1])')), 'Item', /@evented action 1 is not a name/)
    oneProblem(schema(eventedModel('Item', '@evented(actions=[[a]])')), 'Item', /@evented action \["a"\] is not a name/)
  })

  test('actions that are not a list', () => {
    oneProblem(
      schema(eventedModel('Item', '@evented(actions=archive)')),
      'Item',
      /@evented option "actions" must be a list such as \[archive, restore\], got "archive"/,
    )
  })

  test('a version that is not a whole number >= 0', () => {
    const message = /@evented option "version" must be a whole number >= 0/
    oneProblem(schema(eventedModel('Item', '@evented(version=-1)')), 'Item', message)
    oneProblem(schema(eventedModel('Item', '@evented(version="1")')), 'Item', /must be a whole number >= 0, got "1"/)
    oneProblem(schema(eventedModel('Item', '@evented(version=true)')), 'Item', message)
    oneProblem(schema(eventedModel('Item', '@evented(version=[1])')), 'Item', message)
  })

  test('@evented given twice', () => {
    const item = model('Item', [idField()], { doc: ['@evented', '@evented(version=1)'] })
    oneProblem(schema(item), 'Item', /@evented is given twice/, 1)
  })

  test('a model both @evented and @events', () => {
    const both = model('Both', eventColumns(), { doc: ['@events', '@evented'], uniqueFields: [['recordId', 'sequence']] })
    oneProblem(datamodel([eventsModel(), both]), 'Both', /a model cannot be both @evented and @events/, 1)
  })
})

describe('readSpectorSchema: the primary key of an evented model', () => {
  test('no @id at all', () => {
    const item = eventedModel('Item', '@evented', [field('name', 'String', { isUnique: true })])
    oneProblem(schema(item), 'Item', /an evented model needs a primary key of exactly one String field/)
  })

  test('a compound @@id', () => {
    const item = model('Item', [field('a', 'String'), field('b', 'String')], { doc: ['@evented'], primaryKey: { name: null, fields: ['a', 'b'] } })
    oneProblem(schema(item), 'Item', /an evented model needs a primary key of exactly one String field/)
  })

  test('an Int id', () => {
    const item = eventedModel('Item', '@evented', [field('id', 'Int', { isId: true }), field('name', 'String')])
    oneProblem(schema(item), 'Item', /its primary key "id" is Int; it must be String/)
  })

  test('a list id', () => {
    const item = eventedModel('Item', '@evented', [field('id', 'String', { isId: true, isList: true })])
    oneProblem(schema(item), 'Item', /its primary key "id" is String; it must be String/)
  })

  test('an id with a @default', () => {
    const uuid = eventedModel('Item', '@evented', [idField('id', { default: { name: 'uuid', args: [4] } }), field('name', 'String')])
    oneProblem(schema(uuid), 'Item', /its primary key "id" has a @default; remove it: prisma-spector assigns the id/)
    const literal = eventedModel('Item', '@evented', [idField('id', { default: 'fixed' })])
    oneProblem(schema(literal), 'Item', /its primary key "id" has a @default/)
  })
})

describe('readSpectorSchema: fields of an evented model', () => {
  for (const [name, args] of [
    ['autoincrement', []],
    ['cuid', [1]],
    ['dbgenerated', ['gen_random_uuid()']],
    ['nanoid', []],
  ] as const) {
    test(`@default(${name}()) on an evented field is refused`, () => {
      const item = eventedModel('Item', '@evented', [
        idField(),
        field('n', name === 'autoincrement' ? 'Int' : 'String', { default: { name, args: [...args] } }),
      ])
      oneProblem(
        schema(item),
        'Item',
        new RegExp(`field "n": @default\\(${name}\\(\\)\\) is computed by the database or engine, so events could not replay it`),
      )
    })
  }

  test('such a default on a model that is not evented is none of our business', () => {
    const counter = model('Counter', [field('id', 'Int', { isId: true, default: { name: 'autoincrement', args: [] } })])
    const result = readSpectorSchema(schema(eventedModel('Item'), counter), locate)
    assert.deepEqual(
      result.models.map((m) => m.name),
      ['Item'],
    )
  })

  test('an Unsupported field', () => {
    const item = eventedModel('Item', '@evented', [idField(), field('geo', 'geometry', { kind: 'unsupported' })])
    oneProblem(schema(item), 'Item', /field "geo" has an Unsupported type, which events cannot carry/)
  })

  test('a scalar of a type events cannot carry', () => {
    const item = eventedModel('Item', '@evented', [idField(), field('weird', 'Blob')])
    oneProblem(schema(item), 'Item', /field "weird" has type Blob, which events cannot carry/)
  })
})

describe('readSpectorSchema: the @events model', () => {
  test('no @events model: the error names the evented model and prints the block to paste', () => {
    const dm = datamodel([eventedModel('Item', '@evented(actions=[archive])'), eventedModel('Note')])
    const error = oneProblem(dm, 'Item', /is @evented but the schema has no @events model to hold its events/)
    assert.ok(error.message.includes(`Add this model to your schema:\n\n${eventsModelBlock()}\n`), error.message)
  })

  test('the block to paste is itself a valid @events model', () => {
    const block = eventsModelBlock()
    assert.match(block, /^\/\/\/ @events\nmodel Event \{\n/)
    for (const column of eventColumns()) assert.match(block, new RegExp(`\\n  ${column.name} +${column.type}${column.isRequired ? '' : '\\?'}[ \\n]`))
    assert.match(block, /@@unique\(\[recordId, sequence\]\)/)
  })

  test('no annotations at all is fine: nothing to generate', () => {
    const result = readSpectorSchema(datamodel([model('Plain', [idField()])]), locate)
    assert.deepEqual(result, { eventsModels: [], models: [], enums: {}, relations: {} })
  })

  test('an @events model without evented models is fine', () => {
    const result = readSpectorSchema(datamodel([eventsModel()]), locate)
    assert.deepEqual(result, { eventsModels: ['Event'], models: [], enums: {}, relations: {} })
  })

  for (const column of ['id', 'recordId', 'model', 'action', 'payload', 'version', 'sequence', 'insertedAt']) {
    test(`an @events model missing the required column "${column}"`, () => {
      const fields = eventColumns().filter((f) => f.name !== column)
      const dm = datamodel([eventsModel('Event', { fields }), eventedModel('Item')])
      const errors = problems(dm)
      const error = errors.find((e) => e.message.includes(`is missing field "${column} `))
      assert.ok(error, errors.map((e) => e.message).join('\n'))
      assert.equal(error.model, 'Event')
      assert.deepEqual(error.location, { file: 'Event.prisma', line: 101 })
      // Without recordId the @@unique cannot hold either; nothing else may be reported.
      assert.ok(errors.every((e) => e.model === 'Event' && (e === error || /@@unique/.test(e.message))))
    })
  }

  test('the nullable columns (hash, prevHash, metadata) must exist too: the runtime writes them', () => {
    const fields = eventColumns().filter((f) => !['hash', 'prevHash', 'metadata'].includes(f.name))
    const errors = problems(datamodel([eventsModel('Event', { fields }), eventedModel('Item')]))
    assert.deepEqual(
      errors.map((e) => [e.model, /is missing field "(\w+ \w+\??)"/.exec(e.message)?.[1]]),
      [
        ['Event', 'hash Bytes?'],
        ['Event', 'prevHash Bytes?'],
        ['Event', 'metadata Json?'],
      ],
    )
  })

  test('a column of the wrong type', () => {
    const fields = eventColumns().map((f) => (f.name === 'payload' ? field('payload', 'String') : f))
    oneProblem(
      datamodel([eventsModel('Event', { fields }), eventedModel('Item')]),
      'Event',
      /@events field "payload" is String; it must be Json \(the attrs of the event\)/,
    )
  })

  test('a required column made optional, an optional one made required, a list', () => {
    const fields = eventColumns().map((f) => {
      if (f.name === 'sequence') return optional('sequence', 'Int')
      if (f.name === 'hash') return field('hash', 'Bytes')
      if (f.name === 'model') return field('model', 'String', { isList: true })
      return f
    })
    const errors = problems(datamodel([eventsModel('Event', { fields }), eventedModel('Item')]))
    assert.deepEqual(
      errors.map((e) => e.message.replace(/^prisma-spector: model Event \(Event\.prisma:101\): /, '')),
      [
        '@events field "model" is String[]; it must be String (the evented model)',
        '@events field "sequence" is Int?; it must be Int (1, 2, 3... per record)',
        '@events field "hash" is Bytes; it must be Bytes? (hash-chain link (nullable))',
      ],
    )
  })

  test('a relation where a column should be', () => {
    const fields = eventColumns().map((f) => (f.name === 'recordId' ? relation('recordId', 'String') : f))
    oneProblem(datamodel([eventsModel('Event', { fields }), eventedModel('Item')]), 'Event', /@events field "recordId" is String; it must be String/)
  })

  test('"id" that is not the @id', () => {
    const fields = [...eventColumns().map((f) => (f.name === 'id' ? field('id', 'String', { isUnique: true }) : f)), idField('pk')]
    oneProblem(datamodel([eventsModel('Event', { fields }), eventedModel('Item')]), 'Event', /@events field "id" must be the @id/)
  })

  test('no @@unique([recordId, sequence])', () => {
    oneProblem(
      datamodel([eventsModel('Event', { withoutUnique: true }), eventedModel('Item')]),
      'Event',
      /@events model needs @@unique\(\[recordId, sequence\]\)/,
    )
  })

  test('@@unique in the other order does not count', () => {
    const log = model('Event', eventColumns(), { doc: ['@events'], uniqueFields: [['sequence', 'recordId']] })
    oneProblem(datamodel([log, eventedModel('Item')]), 'Event', /needs @@unique\(\[recordId, sequence\]\)/)
  })

  test('a named @@unique (uniqueIndexes) counts', () => {
    const log = model('Event', eventColumns(), { doc: ['@events'], uniqueIndexes: [{ name: 'one_place', fields: ['recordId', 'sequence'] }] })
    assert.equal(readSpectorSchema(datamodel([log, eventedModel('Item')]), locate).models.length, 1)
  })

  test('events= naming a model that is not an @events model', () => {
    const dm = datamodel([eventsModel(), model('Audit', eventColumns()), eventedModel('Item', '@evented(events=Audit)')])
    oneProblem(dm, 'Item', /@evented option "events" names "Audit", which is not an @events model \(have: Event\)/)
  })

  test('events= naming an unknown model', () => {
    oneProblem(
      schema(eventedModel('Item', '@evented(events=Nope)')),
      'Item',
      /@evented option "events" names "Nope", which is not an @events model \(have: Event\)/,
    )
  })

  test('two @events models and no events=', () => {
    const dm = datamodel([eventsModel('Event'), eventsModel('Audit'), eventedModel('Item', '@evented(version=1)')])
    oneProblem(dm, 'Item', /the schema has several @events models \(Event, Audit\); say which with @evented\(events=Name\)/)
  })

  test('two @events models, each evented model choosing one', () => {
    const dm = datamodel([
      eventsModel('Event'),
      eventsModel('AuditLog'),
      eventedModel('Item', '@evented(events=AuditLog)'),
      eventedModel('Note', '@evented(events="Event")'),
    ])
    const result = readSpectorSchema(dm, locate)
    assert.deepEqual(result.eventsModels, ['Event', 'AuditLog'])
    assert.deepEqual(
      result.models.map((m) => [m.name, m.events]),
      [
        ['Item', { model: 'AuditLog', delegate: 'auditLog' }],
        ['Note', { model: 'Event', delegate: 'event' }],
      ],
    )
  })
})

describe('readSpectorSchema: several problems at once', () => {
  test('every problem of every model is reported in one run, in schema order', () => {
    const dm = datamodel([
      eventsModel('Event', { withoutUnique: true }),
      model('Broken', [idField()], { doc: ['@evented(version=1'] }),
      eventedModel('Item', '@evented(version="1", actions=[insert, archive, archive], colour=red)', [
        field('id', 'Int', { isId: true }),
        field('n', 'Int', { default: { name: 'autoincrement', args: [] } }),
      ]),
      eventedModel('Fine'),
      eventedModel('Note', '@evented(events=Missing)', [idField('id', { default: { name: 'cuid', args: [1] } })]),
    ])
    const errors = problems(dm)
    assert.deepEqual(
      errors.map((e) => [e.model, e.location?.line]),
      [
        ['Broken', 101],
        ['Event', 101],
        ['Item', 101],
        ['Item', 101],
        ['Item', 101],
        ['Item', 101],
        ['Item', 101],
        ['Item', 101],
        ['Note', 101],
        ['Note', 101],
      ],
    )
    const text = errors.map((e) => e.message).join('\n')
    for (const expected of [
      /model Broken .*malformed annotation/,
      /model Event .*@@unique/,
      /model Item .*unknown option "colour"/,
      /model Item .*"version" must be a whole number/,
      /model Item .*"insert" is built in/,
      /model Item .*"archive" is listed twice/,
      /model Item .*primary key "id" is Int/,
      /model Item .*field "n": @default\(autoincrement\(\)\)/,
      /model Note .*names "Missing"/,
      /model Note .*primary key "id" has a @default/,
    ]) {
      assert.match(text, expected)
    }
  })

  test('a model with problems does not stop the others from being checked', () => {
    const errors = problems(schema(eventedModel('A', '@evented(actions=[delete])'), eventedModel('B', '@evented(actions=[savepoint])')))
    assert.deepEqual(
      errors.map((e) => e.model),
      ['A', 'B'],
    )
  })

  test('without a locator the errors still name the model, with no location', () => {
    let caught: unknown
    try {
      readSpectorSchema(schema(eventedModel('Item', '@evented(actions=[update])')))
    } catch (error) {
      caught = error
    }
    assert.ok(caught instanceof SpectorGeneratorErrors)
    assert.equal(caught.errors[0]!.location, undefined)
    assert.match(caught.errors[0]!.message, /^prisma-spector: model Item: @evented action "update" is built in/)
  })
})

describe('readSpectorSchema: metadata of a valid schema', () => {
  const status = enumType('Status', ['DRAFT', 'PUBLISHED'])
  const unusedEnum = enumType('Unused', ['X'])
  const orderLine = model(
    'OrderLine',
    [
      idField('uuid'),
      field('name', 'String'),
      optional('value', 'Int', { default: 0 }),
      field('status', 'Status', { kind: 'enum', default: 'DRAFT' }),
      field('tags', 'String', { isList: true, default: [] }),
      field('archived', 'Boolean', { default: false }),
      optional('note', 'String'),
      field('ref', 'String', { default: { name: 'uuid', args: [7] } }),
      field('ref4', 'String', { default: { name: 'uuid', args: [4] } }),
      field('createdAt', 'DateTime', { default: { name: 'now', args: [] } }),
      field('updatedAt', 'DateTime', { isUpdatedAt: true }),
      field('price', 'Decimal'),
      field('big', 'BigInt'),
      optional('data', 'Json'),
      optional('blob', 'Bytes'),
      field('ratio', 'Float'),
      relation('order', 'Order', { relationFromFields: ['orderId'], relationToFields: ['id'], relationOnUpdate: 'Restrict' }),
      field('orderId', 'String'),
      relation('notes', 'Note', { isList: true }),
    ],
    { doc: ['A line of an order.', '', '@evented(version=3, actions=[archive, restore, reprice,])', 'More prose.'] },
  )
  const dm = datamodel(
    [
      eventsModel('EventLog', { doc: ['The log.', '@events()'] }),
      model('Order', [idField()]),
      orderLine,
      model('Note', [idField(), field('lineId', 'String')]),
    ],
    [status, unusedEnum],
  )

  test('the model: names, id field, version, actions, relations, events model', () => {
    const result = readSpectorSchema(dm, locate)
    assert.deepEqual(result.eventsModels, ['EventLog'])
    assert.equal(result.models.length, 1)
    const m = result.models[0]!
    assert.equal(m.name, 'OrderLine')
    assert.equal(m.eventName, 'OrderLine')
    assert.equal(m.delegate, 'orderLine')
    assert.equal(m.idField, 'uuid')
    assert.equal(m.version, 3)
    assert.deepEqual(m.actions, ['archive', 'restore', 'reprice'])
    assert.deepEqual(m.relations, [
      { name: 'order', model: 'Order' },
      { name: 'notes', model: 'Note' },
    ])
    assert.deepEqual(m.events, { model: 'EventLog', delegate: 'eventLog' })
  })

  test('the fields: scalars and enums in schema order, relations left out, defaults translated', () => {
    const m = readSpectorSchema(dm, locate).models[0]!
    const base = { kind: 'scalar', isList: false, isRequired: true, isId: false, isUpdatedAt: false }
    assert.deepEqual(m.fields, [
      { ...base, name: 'uuid', type: 'String', isId: true },
      { ...base, name: 'name', type: 'String' },
      { ...base, name: 'value', type: 'Int', isRequired: false, default: { kind: 'value', value: 0 } },
      { ...base, name: 'status', type: 'Status', kind: 'enum', default: { kind: 'value', value: 'DRAFT' } },
      { ...base, name: 'tags', type: 'String', isList: true, default: { kind: 'value', value: [] } },
      { ...base, name: 'archived', type: 'Boolean', default: { kind: 'value', value: false } },
      { ...base, name: 'note', type: 'String', isRequired: false },
      { ...base, name: 'ref', type: 'String', default: { kind: 'uuid', version: 7 } },
      { ...base, name: 'ref4', type: 'String', default: { kind: 'uuid', version: 4 } },
      { ...base, name: 'createdAt', type: 'DateTime', default: { kind: 'now' } },
      { ...base, name: 'updatedAt', type: 'DateTime', isUpdatedAt: true },
      { ...base, name: 'price', type: 'Decimal' },
      { ...base, name: 'big', type: 'BigInt' },
      { ...base, name: 'data', type: 'Json', isRequired: false },
      { ...base, name: 'blob', type: 'Bytes', isRequired: false },
      { ...base, name: 'ratio', type: 'Float' },
      { ...base, name: 'orderId', type: 'String' },
    ])
  })

  test('only the enums evented models use are returned', () => {
    assert.deepEqual(readSpectorSchema(dm, locate).enums, { Status: ['DRAFT', 'PUBLISHED'] })
  })

  test('defaults: a bare @evented is version 0 with no custom actions', () => {
    const m = readSpectorSchema(schema(eventedModel('Item')), locate).models[0]!
    assert.equal(m.version, 0)
    assert.deepEqual(m.actions, [])
    assert.equal(m.idField, 'id')
    assert.deepEqual(m.events, { model: 'Event', delegate: 'event' })
  })

  // Prisma gives a Json field's @default as the JSON text; the database default is the value it
  // spells, so the event and the row must hold that value, not the text as a JSON string.
  test('a Json @default is the JSON value its text spells', () => {
    const settings = eventedModel('Settings', '@evented', [
      idField(),
      field('prefs', 'Json', { default: '{"theme":"dark","sizes":[1,2]}' }),
      field('list', 'Json', { default: '[1, "x"]' }),
      field('word', 'Json', { default: '"quoted"' }),
      optional('count', 'Json', { default: '3' }),
    ])
    const defaults = Object.fromEntries(readSpectorSchema(schema(settings), locate).models[0]!.fields.map((f) => [f.name, f.default]))
    assert.deepEqual(defaults, {
      id: undefined,
      prefs: { kind: 'value', value: { theme: 'dark', sizes: [1, 2] } },
      list: { kind: 'value', value: [1, 'x'] },
      word: { kind: 'value', value: 'quoted' },
      count: { kind: 'value', value: 3 },
    })
  })

  test('models without annotations are ignored; evented models keep schema order', () => {
    const result = readSpectorSchema(schema(model('Plain', [idField()]), eventedModel('Zeta'), eventedModel('Alpha', '@evented(version=1)')), locate)
    assert.deepEqual(
      result.models.map((m) => m.name),
      ['Zeta', 'Alpha'],
    )
  })
})

describe('readSpectorSchema: renames', () => {
  test("aliases map an old action name to a current action; name keeps a renamed model's events", () => {
    const result = readSpectorSchema(
      datamodel([eventsModel('Event'), eventedModel('Post', '@evented(actions=[publish, hide], aliases=[publish=release, hide=conceal], name=Article)')]),
      locate,
    )
    assert.deepEqual(result.models[0]!.aliases, { release: 'publish', conceal: 'hide' })
    assert.equal(result.models[0]!.eventName, 'Article')
    assert.equal(result.models[0]!.name, 'Post')
  })

  test('bad aliases name the alias and what is wrong', () => {
    const dm = (annotation: string) => datamodel([eventsModel('Event'), eventedModel('Post', annotation)])
    oneProblem(
      dm('@evented(actions=[publish], aliases=[launch=release])'),
      'Post',
      /alias "launch=release": "launch" is not an action of the model \(actions: publish\)/,
    )
    oneProblem(dm('@evented(actions=[publish, release], aliases=[publish=release])'), 'Post', /"release" is still an action/)
    oneProblem(dm('@evented(actions=[publish], aliases=[publish])'), 'Post', /alias "publish" must be current=old/)
    oneProblem(dm('@evented(actions=[publish], aliases=[publish=a, publish=a])'), 'Post', /"a" is already an alias of "publish"/)
  })
})

describe('readSpectorSchema: link tables (@eventLinks) and log-only models', () => {
  const linkModel = (doc: string, fields = [field('eventId', 'String'), field('ancestorId', 'String')], key = ['eventId', 'ancestorId']) =>
    model('Ancestor', fields, { doc: [doc], primaryKey: { name: null, fields: key } })

  test('a link table joins its log: name, columns and (typed) values reach every model of that log', () => {
    const typed = model(
      'DocLink',
      [field('eventId', 'String'), field('linkedId', 'String', { dbName: 'linked_id' }), field('type', 'LinkType', { kind: 'enum' })],
      {
        doc: ['@eventLinks(name=links)'],
        primaryKey: { name: null, fields: ['eventId', 'linkedId', 'type'] },
      },
    )
    const dm = datamodel(
      [eventsModel(), eventedModel('Doc'), linkModel('@eventLinks(name=ancestors)'), typed],
      [enumType('LinkType', ['parent', 'supersedes'])],
    )
    const [doc] = readSpectorSchema(dm, locate).models
    assert.deepEqual(doc!.events.links, [
      { name: 'ancestors', model: 'Ancestor', delegate: 'ancestor', from: { name: 'eventId' }, to: { name: 'ancestorId' } },
      {
        name: 'links',
        model: 'DocLink',
        delegate: 'docLink',
        from: { name: 'eventId' },
        to: { name: 'linkedId', dbName: 'linked_id' },
        type: { name: 'type', scalar: 'enum', values: ['parent', 'supersedes'] },
      },
    ])
  })

  test('a link table without its identity, with an extra column, or without eventId is refused, naming the model and line', () => {
    oneProblem(schema(eventedModel('Doc'), linkModel('@eventLinks', undefined, ['eventId'])), 'Ancestor', /needs @@id\(\[eventId, ancestorId\]\)/)
    oneProblem(
      schema(eventedModel('Doc'), linkModel('@eventLinks', [field('eventId', 'String'), field('ancestorId', 'String'), field('note', 'String')])),
      'Ancestor',
      /needs exactly one more String field.*found ancestorId, note/,
    )
    oneProblem(
      schema(
        eventedModel('Doc'),
        linkModel('@eventLinks(to=ancestorId)', [field('eventId', 'String'), field('ancestorId', 'String'), field('note', 'String')]),
      ),
      'Ancestor',
      /hold only eventId, ancestorId and an optional type; remove note/,
    )
    oneProblem(
      schema(eventedModel('Doc'), linkModel('@eventLinks', [field('from', 'String'), field('ancestorId', 'String')], ['from', 'ancestorId'])),
      'Ancestor',
      /needs a field "eventId String"/,
    )
    oneProblem(schema(eventedModel('Doc'), linkModel('@eventLinks(kind=x)')), 'Ancestor', /unknown option "kind" \(known options: name, events, to\)/)
  })

  test('with several event logs a link table must say which one it joins', () => {
    const dm = datamodel([eventsModel('Event'), eventsModel('Other'), eventedModel('Doc', '@evented(events=Event)'), linkModel('@eventLinks')])
    oneProblem(dm, 'Ancestor', /several @events models \(Event, Other\); say which this link table joins with @eventLinks\(events=Name\)/)
  })

  test('two link tables of one log cannot share a name', () => {
    const other = model('Edit', [field('eventId', 'String'), field('previousId', 'String')], {
      doc: ['@eventLinks(name=ancestors)'],
      primaryKey: { name: null, fields: ['eventId', 'previousId'] },
    })
    oneProblem(schema(eventedModel('Doc'), linkModel('@eventLinks(name=ancestors)'), other), 'Edit', /name "ancestors" is taken by Ancestor/)
  })

  test('table=false makes a log-only model, which cannot hold relations', () => {
    const [chat] = readSpectorSchema(schema(eventedModel('Chat', '@evented(table=false)')), locate).models
    assert.equal(chat!.logOnly, true)
    const withRelation = eventedModel('Chat', '@evented(table=false)', [
      idField(),
      field('name', 'String'),
      relation('owner', 'User', { relationFromFields: ['ownerId'] }),
    ])
    oneProblem(schema(withRelation), 'Chat', /relation "owner": a log-only model \(@evented\(table=false\)\) keeps no row/)
    oneProblem(schema(eventedModel('Chat', '@evented(table=maybe)')), 'Chat', /"table" must be true or false, got "maybe"/)
  })
})

describe('readSpectorSchema: referential actions that would rewrite evented rows without events', () => {
  /** An evented Account holding a foreign key to a plain Branch, with the given relation options. */
  function account(options: Parameters<typeof relation>[2]) {
    return eventedModel('Account', '@evented', [
      idField(),
      optional('branchId', 'Int'),
      relation('branch', 'Branch', { relationFromFields: ['branchId'], relationToFields: ['id'], isRequired: false, ...options }),
    ])
  }
  const branch = model('Branch', [field('id', 'Int', { isId: true })])

  test('ON UPDATE CASCADE from a plain model: the default onUpdate (Cascade) is refused, naming the relation and the fix', () => {
    const error = oneProblem(
      datamodel([eventsModel(), account({ relationOnDelete: 'Restrict' }), branch]),
      'Account',
      /relation "branch" has onUpdate: Cascade \(Prisma's default\)/,
    )
    assert.match(error.message, /changing the id of a Branch would rewrite Account\.branchId in the database without events/)
    assert.match(error.message, /add onUpdate: Restrict \(or NoAction\) to the @relation/)
  })

  for (const action of ['Cascade', 'SetNull', 'SetDefault']) {
    test(`an explicit onUpdate: ${action} is refused`, () => {
      oneProblem(
        datamodel([eventsModel(), account({ relationOnDelete: 'Restrict', relationOnUpdate: action }), branch]),
        'Account',
        new RegExp(`relation "branch" has onUpdate: ${action}, `),
      )
    })
  }

  for (const action of ['Restrict', 'NoAction']) {
    test(`onUpdate: ${action} with onDelete: ${action} is accepted`, () => {
      const [m] = readSpectorSchema(datamodel([eventsModel(), account({ relationOnDelete: action, relationOnUpdate: action }), branch]), locate).models
      assert.deepEqual(m!.relations, [{ name: 'branch', model: 'Branch' }])
    })
  }

  test("onDelete and onUpdate problems of one relation are both reported, the optional relation's default onDelete included", () => {
    const messages = problems(datamodel([eventsModel(), account({}), branch])).map((e) => e.message)
    assert.equal(messages.length, 2, messages.join('\n'))
    assert.match(messages[0]!, /relation "branch" has onDelete: SetNull \(the default for an optional relation\)/)
    assert.match(messages[1]!, /relation "branch" has onUpdate: Cascade \(Prisma's default\)/)
  })

  test('a relation whose foreign key sits on the other (plain) model is not checked', () => {
    const item = eventedModel('Item', '@evented', [idField(), relation('tags', 'Tag', { isList: true })])
    const tag = model('Tag', [
      field('id', 'Int', { isId: true }),
      field('itemId', 'String'),
      relation('item', 'Item', { relationFromFields: ['itemId'], relationToFields: ['id'] }),
    ])
    assert.equal(readSpectorSchema(datamodel([eventsModel(), item, tag]), locate).models.length, 1)
  })
})
