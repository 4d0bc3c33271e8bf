/**
 * The column behind each evented field (FieldMetadata.native): what `@db.*` attributes and the
 * providers' default column types narrow, as the runtime needs it to make events hold what the
 * database holds (issue 10 §1: Decimal scale, VarChar length, timestamp precision, Real, small ints).
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { nativeColumn, withNativeColumns } from '../../generator/nativeColumns.ts'
import { readSpectorSchema } from '../../generator/readSpectorSchema.ts'
import { datamodel, eventedModel, eventsModel, field, idField, optional } from './dmmf.ts'
import { findDialect } from '../../extension/dialects/dialectFor.ts'

const postgresql = findDialect('postgresql')!.nativeColumnTypes!
const mysql = findDialect('mysql')!.nativeColumnTypes!

const db = (type: string, args: string[] = []) => ({ nativeType: [type, args] as [string, string[]] })

describe('nativeColumn: declared @db types', () => {
  test('@db.Decimal(18, 2): precision and scale', () => {
    assert.deepEqual(nativeColumn(field('balance', 'Decimal', db('Decimal', ['18', '2'])), postgresql), {
      type: 'Decimal',
      args: [18, 2],
      declared: true,
      decimal: { precision: 18, scale: 2 },
    })
    assert.deepEqual(nativeColumn(field('balance', 'Decimal', db('Decimal', ['18', '2'])), mysql)?.decimal, { precision: 18, scale: 2 })
  })

  test('a bare @db.Decimal: any value on PostgreSQL, DECIMAL(10, 0) on MySQL', () => {
    assert.deepEqual(nativeColumn(field('d', 'Decimal', db('Decimal')), postgresql), { type: 'Decimal', args: [], declared: true })
    assert.deepEqual(nativeColumn(field('d', 'Decimal', db('Decimal')), mysql)?.decimal, { precision: 10, scale: 0 })
    assert.deepEqual(nativeColumn(field('m', 'Decimal', db('Money')), postgresql)?.decimal, { precision: 19, scale: 2 })
  })

  test('@db.VarChar(n) and @db.Char(n): the length, Char padded', () => {
    assert.deepEqual(nativeColumn(field('code', 'String', db('VarChar', ['20'])), postgresql), { type: 'VarChar', args: [20], declared: true, maxLength: 20 })
    assert.deepEqual(nativeColumn(field('code', 'String', db('Char', ['3'])), mysql), { type: 'Char', args: [3], declared: true, maxLength: 3, padded: true })
    assert.equal(nativeColumn(field('code', 'String', db('VarChar')), postgresql)?.maxLength, undefined, 'a bare varchar has no limit on PostgreSQL')
  })

  test('MySQL text types are limited in bytes; PostgreSQL text is not limited', () => {
    assert.equal(nativeColumn(field('t', 'String', db('TinyText')), mysql)?.maxBytes, 255)
    assert.equal(nativeColumn(field('t', 'String', db('Text')), mysql)?.maxBytes, 65_535)
    assert.deepEqual(nativeColumn(field('t', 'String', db('Text')), postgresql), { type: 'Text', args: [], declared: true })
  })

  test('time precision: Timestamp(n), Timestamptz(n), Time(n), DateTime(n), and the bare defaults', () => {
    assert.equal(nativeColumn(field('at', 'DateTime', db('Timestamp', ['0'])), postgresql)?.fractionalSeconds, 0)
    assert.equal(nativeColumn(field('at', 'DateTime', db('Timestamptz', ['6'])), postgresql)?.fractionalSeconds, 6)
    assert.equal(nativeColumn(field('at', 'DateTime', db('Timestamptz')), postgresql)?.fractionalSeconds, 6)
    assert.equal(nativeColumn(field('at', 'DateTime', db('DateTime', ['2'])), mysql)?.fractionalSeconds, 2)
    assert.equal(nativeColumn(field('at', 'DateTime', db('DateTime')), mysql)?.fractionalSeconds, 0)
    assert.deepEqual(nativeColumn(field('at', 'DateTime', db('Time', ['1'])), postgresql), {
      type: 'Time',
      args: [1],
      declared: true,
      fractionalSeconds: 1,
      timeOnly: true,
    })
    assert.deepEqual(nativeColumn(field('day', 'DateTime', db('Date')), mysql), { type: 'Date', args: [], declared: true, dateOnly: true })
  })

  test('single-precision floats: @db.Real on PostgreSQL, @db.Float on MySQL; double precision narrows nothing', () => {
    assert.equal(nativeColumn(field('r', 'Float', db('Real')), postgresql)?.float32, true)
    assert.equal(nativeColumn(field('r', 'Float', db('Float')), mysql)?.float32, true)
    assert.deepEqual(nativeColumn(field('r', 'Float', db('DoublePrecision')), postgresql), { type: 'DoublePrecision', args: [], declared: true })
  })

  test('small and unsigned integer types: their ranges, as strings', () => {
    assert.deepEqual(nativeColumn(field('n', 'Int', db('SmallInt')), postgresql)?.integer, { min: '-32768', max: '32767' })
    assert.deepEqual(nativeColumn(field('n', 'Int', db('TinyInt')), mysql)?.integer, { min: '-128', max: '127' })
    assert.deepEqual(nativeColumn(field('n', 'Int', db('UnsignedTinyInt')), mysql)?.integer, { min: '0', max: '255' })
    assert.deepEqual(nativeColumn(field('n', 'Int', db('MediumInt')), mysql)?.integer, { min: '-8388608', max: '8388607' })
    assert.deepEqual(nativeColumn(field('n', 'BigInt', db('UnsignedBigInt')), mysql)?.integer, { min: '0', max: '18446744073709551615' })
  })
})

describe('nativeColumn: the provider default without @db', () => {
  test('Decimal is decimal(65, 30) on PostgreSQL and MySQL', () => {
    for (const types of [postgresql, mysql]) {
      assert.deepEqual(nativeColumn(field('d', 'Decimal'), types), { type: 'Decimal', args: [65, 30], declared: false, decimal: { precision: 65, scale: 30 } })
    }
  })

  test('Int is 32-bit, BigInt 64-bit', () => {
    assert.deepEqual(nativeColumn(field('n', 'Int'), postgresql), {
      type: 'Integer',
      args: [],
      declared: false,
      integer: { min: '-2147483648', max: '2147483647' },
    })
    assert.deepEqual(nativeColumn(field('n', 'Int'), mysql)?.integer, { min: '-2147483648', max: '2147483647' })
    assert.deepEqual(nativeColumn(field('n', 'BigInt'), mysql)?.integer, { min: '-9223372036854775808', max: '9223372036854775807' })
  })

  test('String is unlimited text on PostgreSQL and varchar(191) on MySQL; DateTime keeps milliseconds', () => {
    assert.deepEqual(nativeColumn(field('s', 'String'), postgresql), { type: 'Text', args: [], declared: false })
    assert.deepEqual(nativeColumn(field('s', 'String'), mysql), { type: 'VarChar', args: [191], declared: false, maxLength: 191 })
    assert.deepEqual(nativeColumn(field('at', 'DateTime'), postgresql), { type: 'Timestamp', args: [3], declared: false, fractionalSeconds: 3 })
    assert.deepEqual(nativeColumn(field('at', 'DateTime'), mysql), { type: 'DateTime', args: [3], declared: false, fractionalSeconds: 3 })
  })

  test('types whose column holds every value have none: Boolean, Json, Bytes, enums', () => {
    for (const type of ['Boolean', 'Json', 'Bytes']) assert.equal(nativeColumn(field('x', type), postgresql), undefined, type)
    assert.equal(nativeColumn(field('s', 'Status', { kind: 'enum' }), mysql), undefined)
  })
})

describe('withNativeColumns: the metadata the generated module carries', () => {
  const account = eventedModel('Account', '@evented', [
    idField(),
    field('balance', 'Decimal', db('Decimal', ['18', '2'])),
    optional('note', 'String', db('VarChar', ['40'])),
    field('open', 'Boolean'),
  ])
  const dm = datamodel([eventsModel(), account])
  const models = readSpectorSchema(dm).models

  test('each field of an evented model gets its column on PostgreSQL and MySQL', () => {
    const [m] = withNativeColumns(models, dm, 'postgresql')
    const native = Object.fromEntries(m!.fields.map((f) => [f.name, f.native]))
    assert.deepEqual(native, {
      id: { type: 'Text', args: [], declared: false },
      balance: { type: 'Decimal', args: [18, 2], declared: true, decimal: { precision: 18, scale: 2 } },
      note: { type: 'VarChar', args: [40], declared: true, maxLength: 40 },
      open: undefined,
    })
    assert.deepEqual(withNativeColumns(models, dm, 'mysql')[0]!.fields[0]!.native, { type: 'VarChar', args: [191], declared: false, maxLength: 191 })
  })

  test('SQLite: no native columns', () => {
    const [m] = withNativeColumns(models, dm, 'sqlite')
    assert.ok(m!.fields.every((f) => f.native === undefined))
  })
})
