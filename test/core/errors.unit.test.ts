/**
 * Error messages read as sentences: a SpectorNotFoundError for a `where` that matched no row says
 * so once ("No Order record matches: where ..."), not "No Order record matches was not found".
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { SpectorNotFoundError } from '../../extension/core/errors.ts'

describe('SpectorNotFoundError messages', () => {
  test('a where that matched no row, and a record by id for each reason', () => {
    assert.equal(
      new SpectorNotFoundError('Order', undefined, 'no-row', 'where {"id":"a","title":"x"}').message,
      'No Order record matches: where {"id":"a","title":"x"}',
    )
    assert.equal(new SpectorNotFoundError('Order', 'a', 'no-row').message, 'Order a was not found')
    assert.equal(new SpectorNotFoundError('Order', 'a', 'deleted').message, 'Order a was deleted')
    assert.match(new SpectorNotFoundError('Order', 'a', 'no-events').message, /^Order a has no events/)
  })
})
