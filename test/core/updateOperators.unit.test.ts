/**
 * Prisma's update operators resolved against replayed state: the event records the value.
 */
import assert from 'node:assert/strict'
import { test } from 'vitest'
import { Decimal } from '@prisma/client/runtime/client'
import { SpectorValidationError } from '../../extension/core/errors.ts'
import { resolveUpdateOperators } from '../../extension/core/updateOperators.ts'
import { plainModel, scalarField } from './metadataFixtures.ts'

const field = scalarField
const model = plainModel('Counter', [
  field('id', 'String', { isId: true }),
  field('n', 'Int'),
  field('f', 'Float'),
  field('big', 'BigInt'),
  field('dec', 'Decimal'),
  field('tags', 'String', { isList: true }),
  field('doc', 'Json'),
  field('name', 'String'),
])
const state = { id: 'x', n: 7, f: 1.5, big: 10n, dec: new Decimal('1.1'), tags: ['a'], doc: { increment: 1 }, name: 'n' }
const resolve = (data: Record<string, unknown>) => resolveUpdateOperators(model, state, data)

test('arithmetic operators produce the value, with integer division truncated', () => {
  assert.deepEqual(resolve({ n: { increment: 3 } }), { n: 10 })
  assert.deepEqual(resolve({ n: { decrement: 10 } }), { n: -3 })
  assert.deepEqual(resolve({ n: { multiply: 2 } }), { n: 14 })
  assert.deepEqual(resolve({ n: { divide: 2 } }), { n: 3 })
  assert.deepEqual(resolve({ f: { divide: 2 } }), { f: 0.75 })
  assert.deepEqual(resolve({ big: { increment: 5n } }), { big: 15n })
  assert.deepEqual(resolve({ big: { divide: 3 } }), { big: 3n })
  assert.equal(String(resolve({ dec: { multiply: 3 } }).dec), '3.3')
  assert.deepEqual(resolveUpdateOperators(model, { ...state, n: null }, { n: { increment: 1 } }), { n: null })
})

test('set and push; Json values and plain values pass through untouched', () => {
  assert.deepEqual(resolve({ name: { set: 'm' }, tags: { push: 'b' } }), { name: 'm', tags: ['a', 'b'] })
  assert.deepEqual(resolve({ tags: { push: ['b', 'c'] } }), { tags: ['a', 'b', 'c'] })
  assert.deepEqual(resolve({ doc: { increment: 5 }, name: 'plain' }), { doc: { increment: 5 }, name: 'plain' })
  assert.deepEqual(resolve({ unknownField: { increment: 1 } }), { unknownField: { increment: 1 } })
})

test('misuse is a validation error naming the field', () => {
  const rejects = (data: Record<string, unknown>, fieldName: string, message: RegExp) =>
    assert.throws(
      () => resolve(data),
      (e: unknown) => e instanceof SpectorValidationError && e.fields.join() === fieldName && message.test(e.message),
    )
  rejects({ n: { explode: 1 } }, 'n', /unknown update operator "explode"/)
  rejects({ n: { increment: 1, decrement: 1 } }, 'n', /exactly one operator/)
  rejects({ n: { increment: '1' } }, 'n', /needs a whole number/)
  rejects({ n: { multiply: 0.5 } }, 'n', /needs a whole number, got 0.5/)
  rejects({ dec: { divide: 0 } }, 'dec', /division by zero/)
  rejects({ dec: { increment: 'abc' } }, 'dec', /needs a decimal number/)
  rejects({ n: { divide: 0 } }, 'n', /division by zero/)
  rejects({ name: { increment: 1 } }, 'name', /numeric fields only/)
  rejects({ name: { push: 'x' } }, 'name', /list fields only/)
})

test('MySQL integer divide rounds half away from zero, as Prisma does there (33 / 2 = 17, -33 / 2 = -17, 35 / 4 = 9)', () => {
  const divide = (n: number | bigint, by: number, field = 'n') =>
    resolveUpdateOperators(model, { ...state, [field]: n }, { [field]: { divide: by } }, 'update', 'round')[field]
  assert.equal(divide(33, 2), 17)
  assert.equal(divide(-33, 2), -17)
  assert.equal(divide(33, -2), -17)
  assert.equal(divide(35, 4), 9)
  assert.equal(divide(34, 4), 9)
  assert.equal(divide(33, 4), 8)
  assert.equal(divide(33n, 2, 'big'), 17n)
  assert.equal(divide(-33n, 2, 'big'), -17n)
  // PostgreSQL and SQLite truncate.
  assert.equal(resolveUpdateOperators(model, { ...state, n: 33 }, { n: { divide: 2 } }, 'update', 'truncate').n, 16)
})
