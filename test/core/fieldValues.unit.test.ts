/**
 * The pure half of issue 10 §1/§3/§4 (no database): decimal text rounded half away from zero and
 * checked against precision, each column type's narrowing under each database's behaviour, text
 * that is not valid Unicode, Json depth, and the arguments that name a record or a point in its
 * history. The same rules against the real servers: test/nativeTypes.int.test.ts, badInput, payloadEncoding.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { Decimal } from '@prisma/client/runtime/client'
import { historyPoint, requireId } from '../../extension/core/callArguments.ts'
import { lenientColumns, type ColumnBehaviour } from '../../extension/core/columnBehaviour.ts'
import { fitDecimal } from '../../extension/core/decimalText.ts'
import { SpectorValidationError } from '../../extension/core/errors.ts'
import { FieldValues } from '../../extension/core/fieldValues.ts'
import type { FieldMetadata, NativeColumn } from '../../extension/core/metadata.ts'
import { textProblem } from '../../extension/core/textValidity.ts'
import { plainModel, scalarField } from './metadataFixtures.ts'

const field = (name: string, type: string, native?: NativeColumn, extra: Partial<FieldMetadata> = {}) =>
  scalarField(name, type, { ...(native ? { native } : {}), ...extra })
const col = (type: string, limits: Partial<NativeColumn> = {}): NativeColumn => ({ type, args: [], declared: true, ...limits })
const model = plainModel('Account', [
  field('id', 'String', undefined, { isId: true }),
  field('balance', 'Decimal', col('Decimal', { decimal: { precision: 18, scale: 2 } })),
  field('plain', 'Decimal'),
  field('big', 'BigInt', col('BigInt', { integer: { min: '-9223372036854775808', max: '9223372036854775807' } })),
  field('small', 'Int', col('SmallInt', { integer: { min: '-32768', max: '32767' } })),
  field('ratio', 'Float', col('Real', { float32: true })),
  field('at', 'DateTime', col('Timestamp', { fractionalSeconds: 0 })),
  field('clock', 'DateTime', col('Time', { fractionalSeconds: 0, timeOnly: true })),
  field('day', 'DateTime', col('Date', { dateOnly: true })),
  field('code', 'String', col('VarChar', { maxLength: 3 })),
  field('initials', 'String', col('Char', { maxLength: 3, padded: true })),
  field('ref', 'String', col('Uuid', { uuid: true })),
  field('prices', 'Decimal', col('Decimal', { decimal: { precision: 5, scale: 1 } }), { isList: true }),
  field('doc', 'Json'),
])
const postgresql: ColumnBehaviour = { ...lenientColumns, refusesNul: true }
const mariadb: ColumnBehaviour = { ...lenientColumns, fractionalSeconds: 'truncate', float32: 'widened', char: 'trim', integerDivision: 'round', jsonDepth: 30 }
const forEvent = (columns: ColumnBehaviour, attrs: Record<string, unknown>) => new FieldValues(model, columns).forEvent('update', attrs)
const refusal = (columns: ColumnBehaviour, attrs: Record<string, unknown>) => {
  try {
    forEvent(columns, attrs)
  } catch (error) {
    assert.ok(error instanceof SpectorValidationError)
    return error.errors
  }
  assert.fail(`accepted ${Object.keys(attrs).join()}`)
}

describe('decimal text', () => {
  test('rounds half away from zero to the scale, as PostgreSQL and MariaDB do', () => {
    const at2 = (text: string) => fitDecimal(text, { precision: 18, scale: 2 })
    assert.deepEqual(
      ['10.005', '-10.005', '10.0049999', '0.125', '0.995', '1e-7', '-0.001', '1e3', '1.50'].map((t) => at2(t)),
      [
        { ok: true, text: '10.01' },
        { ok: true, text: '-10.01' },
        { ok: true, text: '10' },
        { ok: true, text: '0.13' },
        { ok: true, text: '1' },
        { ok: true, text: '0' },
        { ok: true, text: '0' },
        { ok: true, text: '1000' },
        { ok: true, text: '1.5' },
      ],
    )
  })
  test('refuses what overflows the precision once rounded, and what is no decimal', () => {
    assert.equal(fitDecimal('9999999999999999.99', { precision: 18, scale: 2 }).ok, true)
    assert.equal(fitDecimal('9999999999999999.995', { precision: 18, scale: 2 }).ok, false)
    for (const bad of ['abc', '', '1e999999', 'NaN', 'Infinity', '0x1f']) assert.equal(fitDecimal(bad).ok, false, bad)
    assert.deepEqual(fitDecimal('00012.3400e1'), { ok: true, text: '123.4' })
  })
})

describe('field values for the event', () => {
  test('Decimal and BigInt become strings whatever their source; a Decimal list is rounded item by item', () => {
    assert.deepEqual(forEvent(lenientColumns, { balance: 0.1 + 0.2, plain: 0, big: 7, prices: [1.25, '2.35'] }), {
      balance: '0.3',
      plain: '0',
      big: '7',
      prices: ['1.3', '2.4'],
    })
    const given = forEvent(lenientColumns, { balance: new Decimal('10.005'), big: 5n })
    assert.equal(String(given.balance), '10.01')
    assert.equal(given.big, 5n)
    assert.deepEqual(refusal(lenientColumns, { prices: ['1', '12345'] }), {
      prices: ['item 1: "12345" does not fit Decimal(5, 1) (at most 4 digits before the point)'],
    })
  })
  test('integers out of their column range are refused naming the field', () => {
    assert.deepEqual(Object.keys(refusal(lenientColumns, { small: 32768, big: 2n ** 63n })), ['small', 'big'])
    assert.deepEqual(forEvent(lenientColumns, { small: -32768 }), { small: -32768 })
  })
  test('a Real holds a 32-bit float: PostgreSQL reads back its shortest decimal, MariaDB its exact value', () => {
    assert.equal(forEvent(postgresql, { ratio: 1 / 3 }).ratio, 0.33333334)
    assert.equal(forEvent(postgresql, { ratio: 0.1 }).ratio, 0.1)
    assert.equal(forEvent(mariadb, { ratio: 0.1 }).ratio, Math.fround(0.1))
    assert.deepEqual(Object.keys(refusal(postgresql, { ratio: 1e39 })), ['ratio'])
    assert.deepEqual(Object.keys(refusal(postgresql, { ratio: 1e-46 })), ['ratio'])
  })
  test('Timestamp(0): PostgreSQL rounds half away from 2000-01-01, MariaDB truncates; Date keeps the day, Time the time of day', () => {
    const iso = (columns: ColumnBehaviour, name: string, value: string) => (forEvent(columns, { [name]: new Date(value) })[name] as Date).toISOString()
    assert.equal(iso(postgresql, 'at', '2026-01-01T00:00:00.500Z'), '2026-01-01T00:00:01.000Z')
    assert.equal(iso(postgresql, 'at', '1999-12-31T23:59:59.500Z'), '1999-12-31T23:59:59.000Z')
    assert.equal(iso(mariadb, 'at', '2026-01-01T00:00:00.999Z'), '2026-01-01T00:00:00.000Z')
    assert.equal(iso(postgresql, 'day', '2026-01-01T23:59:59.999Z'), '2026-01-01T00:00:00.000Z')
    assert.equal(iso(postgresql, 'clock', '2026-05-05T12:34:56.789Z'), '1970-01-01T12:34:57.000Z')
    assert.equal(iso(postgresql, 'clock', '2026-05-05T23:59:59.600Z'), '1970-01-01T00:00:00.000Z')
    assert.equal(iso(mariadb, 'clock', '2026-05-05T23:59:59.600Z'), '1970-01-01T23:59:59.000Z')
    assert.deepEqual(Object.keys(refusal(postgresql, { at: new Date('x') })), ['at'])
  })
  test('VarChar(n) refuses more characters (not UTF-16 units); Char(n) is padded (PostgreSQL) or trimmed (MariaDB)', () => {
    assert.deepEqual(forEvent(postgresql, { code: '🎉🎉🎉' }), { code: '🎉🎉🎉' })
    assert.deepEqual(Object.keys(refusal(postgresql, { code: 'abcd' })), ['code'])
    assert.equal(forEvent(postgresql, { initials: 'a' }).initials, 'a  ')
    assert.equal(forEvent(mariadb, { initials: 'a  ' }).initials, 'a')
  })
  test('Uuid: every spelling PostgreSQL takes becomes its lowercase 8-4-4-4-12 form; anything else is refused naming the field; replay reshapes', () => {
    const canonical = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'
    for (const spelling of [
      'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
      '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',
      'a0eebc999c0b4ef8bb6d6bb9bd380a11',
      'a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11',
      '{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}',
      canonical,
    ]) {
      assert.equal(forEvent(postgresql, { ref: spelling }).ref, canonical, spelling)
    }
    for (const bad of [
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1',
      'a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11',
      '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      'g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      '-a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    ]) {
      assert.deepEqual(Object.keys(refusal(postgresql, { ref: bad })), ['ref'], bad)
    }
    assert.equal(forEvent(postgresql, { ref: null }).ref, null)
    assert.equal(new FieldValues(model, postgresql).forRow({ id: 'r', ref: 'A0EEBC999C0B4EF8BB6D6BB9BD380A11' }, 'update', false).ref, canonical)
  })
  test('the state a changeset computed is rounded the same way; replay reshapes without refusing', () => {
    const values = new FieldValues(model, postgresql)
    const state = { id: 'r', balance: new Decimal('1.675'), small: 40000 }
    assert.throws(
      () => values.forRow(state, 'deposit', true),
      (e: unknown) => e instanceof SpectorValidationError && e.fields.join() === 'small',
    )
    const replayed = values.forRow(state, 'deposit', false)
    assert.equal(String(replayed.balance), '1.68')
    assert.ok(Decimal.isDecimal(replayed.balance))
    assert.equal(replayed.small, 40000)
    const unchanged = { id: 'r', balance: new Decimal('1.5') }
    assert.equal(values.forRow(unchanged, 'update', false), unchanged)
  })
})

describe('text validity', () => {
  const rules = { refusesNul: true, maxDepth: 3 }
  test('lone surrogates anywhere (values, items, keys) and NUL where refused; pairs are fine', () => {
    assert.match(textProblem('x\ud800y', rules)!, /lone surrogate \(U\+D800 at index 1\)/)
    assert.match(textProblem(['ok', { a: 'x\udfff' }], rules)!, /U\+DFFF/)
    assert.match(textProblem({ ['k\ud800']: 1 }, rules)!, /a key with a lone surrogate/)
    assert.match(textProblem('a\u0000', rules)!, /NUL/)
    assert.equal(textProblem('a\u0000', { ...rules, refusesNul: false }), undefined)
    assert.equal(textProblem('🎉', rules), undefined)
  })
  test('depth counts levels of arrays and objects, without recursion (10,000 deep does not overflow the stack)', () => {
    assert.equal(textProblem({ a: [{ b: 1 }] }, rules), undefined)
    assert.match(textProblem({ a: [{ b: [] }] }, rules)!, /deeper than 3 levels/)
    let deep: unknown = 1
    for (let i = 0; i < 10_000; i++) deep = [deep]
    assert.match(textProblem(deep, rules)!, /deeper than 3/)
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    assert.match(textProblem(cycle, rules)!, /deeper/)
  })
})

describe('call arguments', () => {
  test('an id must be a non-empty string', () => {
    assert.equal(requireId('Account', 'replay', 'r1'), 'r1')
    for (const bad of [undefined, null, '', 0, {}])
      assert.throws(
        () => requireId('Account', 'replay', bad),
        (e: unknown) => e instanceof SpectorValidationError && e.fields.join() === 'id',
      )
  })
  test('until: an event id, a valid Date or { sequence: n >= 1 }', () => {
    const at = new Date()
    assert.deepEqual(historyPoint('Account', 'replay', 'e1'), { eventId: 'e1' })
    assert.deepEqual(historyPoint('Account', 'replay', at), { at })
    assert.deepEqual(historyPoint('Account', 'replay', { sequence: 2 }), { sequence: 2 })
    assert.equal(historyPoint('Account', 'replay', undefined), undefined)
    for (const bad of [42, true, {}, null, new Date('x'), { sequence: 'abc' }, { sequence: 0 }, []]) {
      assert.throws(
        () => historyPoint('Account', 'replay', bad),
        (e: unknown) => e instanceof SpectorValidationError && e.fields.join() === 'until',
        String(bad),
      )
    }
  })
})
