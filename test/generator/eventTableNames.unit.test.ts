/**
 * The event table's database names in the generated metadata (issue 11, "Mapped names"): its
 * schema and every `@map`ped column, so the runtime's SQL can name them; nothing when unmapped.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { readSpectorSchema } from '../../generator/readSpectorSchema.ts'
import { datamodel, eventColumns, eventedModel, eventsModel, field, model } from './dmmf.ts'

describe('event table names in the metadata', () => {
  test('mapped columns and the schema are recorded; an unmapped table adds nothing', () => {
    const mappedColumns = eventColumns().map((f) =>
      f.name === 'recordId' || f.name === 'prevHash' ? { ...f, dbName: f.name === 'recordId' ? 'record_id' : 'prev_hash' } : f,
    )
    const mapped = { ...eventsModel('Event', { fields: mappedColumns }), dbName: 'events', schema: 'audit' }
    const [item] = readSpectorSchema(datamodel([mapped, eventedModel('Item')])).models
    assert.deepEqual(
      { dbName: item!.events.dbName, dbSchema: item!.events.dbSchema, columns: item!.events.columns },
      { dbName: 'events', dbSchema: 'audit', columns: { recordId: 'record_id', prevHash: 'prev_hash' } },
    )

    const [plain] = readSpectorSchema(datamodel([eventsModel(), eventedModel('Item')])).models
    assert.ok(!('columns' in plain!.events) && !('dbSchema' in plain!.events))
  })

  test('a link table records its schema', () => {
    const link = model('Link', [field('eventId', 'String'), field('previousId', 'String')], {
      doc: ['@eventLinks(name=previous)'],
      primaryKey: { name: null, fields: ['eventId', 'previousId'] },
    })
    const linkModel = { ...link, schema: 'audit' }
    const [item] = readSpectorSchema(datamodel([eventsModel(), linkModel, eventedModel('Item')])).models
    assert.equal(item!.events.links?.[0]?.dbSchema, 'audit')
  })
})
