/**
 * comparableValue: how prisma-spector tells whether another extension changed a field of its row
 * write. Prisma deep-copies the arguments between query hooks, so copies must compare equal and
 * real changes (including null to missing) must not.
 */
import assert from 'node:assert/strict'
import { test } from 'vitest'
import { Decimal, DbNull, JsonNull } from '@prisma/client/runtime/client'
import { comparableValue } from '../../extension/prisma/comparableValue.ts'

test('copies that Prisma makes between query hooks compare equal', () => {
  assert.equal(comparableValue(new Date('2026-01-01T00:00:00Z')), comparableValue(new Date('2026-01-01T00:00:00Z')))
  assert.equal(comparableValue(new Decimal('10.50')), comparableValue(new Decimal('10.50')))
  assert.equal(comparableValue(10n), comparableValue(10n))
  assert.equal(comparableValue(new Uint8Array([1, 2])), comparableValue(new Uint8Array([1, 2])))
  assert.equal(comparableValue({ a: [1, { b: 'x' }] }), comparableValue({ a: [1, { b: 'x' }] }))
  assert.equal(comparableValue(DbNull), comparableValue(DbNull))
})

test('real changes compare different, null and missing included', () => {
  assert.notEqual(comparableValue(null), comparableValue(undefined))
  assert.notEqual(comparableValue(' lamp'), comparableValue('LAMP'))
  assert.notEqual(comparableValue(new Decimal('10.5')), comparableValue(new Decimal('10.51')))
  assert.notEqual(comparableValue(10n), comparableValue(10))
  assert.notEqual(comparableValue(10n), comparableValue('10'))
  assert.notEqual(comparableValue(DbNull), comparableValue(JsonNull))
  assert.notEqual(comparableValue(new Uint8Array([1, 2])), comparableValue(new Uint8Array([1, 3])))
})
