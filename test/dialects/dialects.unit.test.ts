/**
 * The dialects without a database: every statement of every dialect names tables and columns by
 * their database names (`@@map`, `@map`, `@@schema`), never by the Prisma names; identifiers are
 * escaped; a provider without a dialect is a configuration error naming it.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { providers } from '../../extension/dialects/dialect.ts'
import { dialectFor, findDialect } from '../../extension/dialects/dialectFor.ts'
import { eventTableOf, linkTableOf, rowTableOf } from '../../extension/dialects/tables.ts'
import { SpectorConfigurationError } from '../../extension/core/errors.ts'
import type { EventLinkMetadata, ModelMetadata } from '../../extension/core/metadata.ts'

const events = eventTableOf({
  model: 'Event',
  dbName: 'events',
  dbSchema: 'audit',
  columns: { id: 'event_id', recordId: 'record_id', insertedAt: 'inserted_at', hash: 'event_hash', prevHash: 'prev_hash', position: 'chain_position' },
})
const linkMetadata: EventLinkMetadata = {
  name: 'followsUp',
  model: 'EventFollowUp',
  delegate: 'eventFollowUp',
  dbName: 'event_follow_ups',
  dbSchema: 'audit',
  from: { name: 'eventId', dbName: 'event_id' },
  to: { name: 'followsId', dbName: 'follows_event_id' },
  type: { name: 'kind', dbName: 'link_kind', scalar: 'String' },
}
const link = linkTableOf(linkMetadata)
const customer = rowTableOf({
  name: 'Customer',
  dbName: 'customers',
  dbSchema: 'sales',
  idField: 'id',
  fields: [{ name: 'id', dbName: 'customer_id', type: 'String', kind: 'scalar', isList: false, isRequired: true, isId: true, isUpdatedAt: false }],
} as unknown as ModelMetadata)

/** Prisma names that differ from the database names above: none may appear quoted in a statement. */
const prismaNames = ['Event', 'recordId', 'insertedAt', 'prevHash', 'EventFollowUp', 'eventId', 'followsId', 'kind', 'Customer']

for (const provider of providers) {
  describe(`the ${provider} dialect`, () => {
    const dialect = dialectFor(provider)
    const statements = [
      dialect.lockRecord(customer) ?? '',
      dialect.insertEvent(events, { withPosition: true, databaseTime: false }).sql,
      dialect.tableChainHead(events).head,
      ...dialect.appendOnly(events),
      ...dialect.sameRecordLink(events, link, 'followsUp'),
      dialect.recordLinks(events, link),
      dialect.takeWriteLock(events) ?? '',
    ]

    test('every statement uses the database names', () => {
      for (const statement of statements) {
        for (const name of prismaNames) assert.ok(!statement.includes(dialect.quote(name)), `${dialect.quote(name)} in ${statement}`)
      }
      const insert = dialect.insertEvent(events, { withPosition: true, databaseTime: false }).sql
      for (const column of ['event_id', 'record_id', 'inserted_at', 'event_hash', 'prev_hash', 'chain_position'])
        assert.ok(insert.includes(dialect.quote(column)), insert)
      assert.ok(dialect.recordLinks(events, link).includes(dialect.quote('link_kind')))
    })

    test('the event insert leaves insertedAt to the database when asked, and its arguments follow its columns', () => {
      const { sql, args } = dialect.insertEvent(events, { withPosition: false, databaseTime: true })
      assert.ok(!sql.includes('inserted_at') && !sql.includes('chain_position'))
      const event = { id: 'e', recordId: 'r', model: 'M', action: 'insert', payload: {}, version: 1, sequence: 1, metadata: null }
      const columns = sql.slice(sql.indexOf('(') + 1, sql.indexOf(')')).split(', ')
      assert.equal(args(event, new Date()).length, columns.length)
    })

    test('identifiers are escaped, schemas qualify tables where the database has them', () => {
      assert.equal(dialect.quote('a"b`c'), provider === 'mysql' ? '`a"b``c`' : '"a""b`c"')
      const qualified = dialect.table({ name: 'events', schema: 'audit' })
      assert.equal(qualified, provider === 'sqlite' ? dialect.quote('events') : `${dialect.quote('audit')}.${dialect.quote('events')}`)
      assert.equal(dialect.lockRecord(customer) !== null, dialect.supportsRowLocks)
    })
  })
}

describe('dialectFor', () => {
  test('a provider without a dialect is a configuration error naming it; findDialect says undefined', () => {
    assert.throws(
      () => dialectFor('sqlserver'),
      (e: unknown) => e instanceof SpectorConfigurationError && /sqlserver/.test(e.message),
    )
    assert.equal(findDialect('mongodb'), undefined)
    assert.equal(findDialect('cockroachdb')?.supportsReturning, true)
    assert.equal(findDialect('mysql')?.supportsReturning, false)
  })
})
