/**
 * How the spector command line prints values (issue: `spector history` printed BigInt as `123n`, a
 * Decimal in quotes, bytes as `<n bytes>`, and threw on a BigInt inside a Json value): one rule
 * for tables and --json, with BigInt, Decimal and Bytes as strings in JSON.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { Decimal } from '@prisma/client/runtime/client'
import { printableJson, printableValue } from '../../extension/core/printableValue.ts'
import { renderTable, show } from '../../extension/cli/render.ts'

const at = new Date('2026-02-03T04:05:06.789Z')

describe('printableValue', () => {
  test('BigInt as its digits, Decimal as its text, DateTime as ISO, bytes as lowercase hex', () => {
    assert.equal(printableValue(12345678901234567890n), '12345678901234567890')
    assert.equal(printableValue(-5n), '-5')
    assert.equal(printableValue(new Decimal('1.50')), '1.5')
    assert.equal(printableValue(new Decimal('12345678901234567890.123456789')), '12345678901234567890.123456789')
    assert.equal(printableValue(at), '2026-02-03T04:05:06.789Z')
    assert.equal(printableValue(new Uint8Array([0, 255, 16])), '00ff10')
    assert.equal(printableValue(Buffer.from([0xde, 0xad])), 'dead')
    // A view into a larger buffer prints only its own bytes.
    assert.equal(printableValue(new Uint8Array([1, 2, 3, 4]).subarray(1, 3)), '0203')
  })

  test('Json values keep their shape with their leaves converted; plain values pass through', () => {
    assert.deepEqual(printableValue({ a: [1n, { b: new Decimal('2.5'), c: at }], d: null, e: 'x', f: true, g: 1.5 }), {
      a: ['1', { b: '2.5', c: '2026-02-03T04:05:06.789Z' }],
      d: null,
      e: 'x',
      f: true,
      g: 1.5,
    })
    assert.equal(printableValue(null), null)
    assert.equal(printableValue(undefined), undefined)
  })

  test('printableJson: BigInt, Decimal and bytes are JSON strings; a Buffer is not { type, data }', () => {
    const state = { big: 9007199254740993n, price: new Decimal('1.25'), at, blob: Buffer.from([1, 2]), bytes: new Uint8Array([255]) }
    assert.deepEqual(JSON.parse(printableJson(state)), {
      big: '9007199254740993',
      price: '1.25',
      at: '2026-02-03T04:05:06.789Z',
      blob: '0102',
      bytes: 'ff',
    })
    assert.equal(printableJson({ a: 1n }, 0), '{"a":"1"}')
  })
})

describe('table cells', () => {
  test('show prints the same text as --json, without an n suffix or quotes', () => {
    assert.equal(show(123n), '123')
    assert.equal(show(new Decimal('0.10')), '0.1')
    assert.equal(show(at), '2026-02-03T04:05:06.789Z')
    assert.equal(show(new Uint8Array([0, 255, 16])), '00ff10')
    assert.equal(show({ n: 1n, d: new Decimal('3.5') }), '{"n":"1","d":"3.5"}')
    assert.equal(show(null), '∅')
    assert.equal(show('text'), 'text')
  })

  test('renderTable prints BigInt and Decimal cells as their digits', () => {
    const table = renderTable([
      { field: 'big', value: 42n },
      { field: 'price', value: new Decimal('9.99') },
    ])
    assert.match(table, /^big +42$/m)
    assert.match(table, /^price +9\.99$/m)
    assert.doesNotMatch(table, /42n|"9\.99"/)
  })
})
