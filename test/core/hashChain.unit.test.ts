/**
 * The canonical encoding and the event hash, with fixed vectors another implementation can
 * reproduce; and the chain walker on in-memory events.
 */
import assert from 'node:assert/strict'
import { createHash, createHmac } from 'node:crypto'
import { describe, test } from 'vitest'
import { canonicalJson } from '../../extension/core/canonicalJson.ts'
import { ChainVerifier, merkleRoot } from '../../extension/core/chainVerifier.ts'
import type { StoredEvent } from '../../extension/core/eventLog.ts'
import { EventHasher, hashInput, toHex } from '../../extension/core/hashChain.ts'

describe('canonicalJson (RFC 8785)', () => {
  test('fixed vectors', () => {
    const vectors: [unknown, string][] = [
      [{ b: 1, a: [true, null, 'x'] }, '{"a":[true,null,"x"],"b":1}'],
      [{ '€': 1, '\u0080': 2, a: 3, Z: 4, '': 5 }, '{"":5,"Z":4,"a":3,"\u0080":2,"€":1}'],
      // Keys compare as UTF-16 code units: U+1F600 (surrogates D83D DE00) sorts before U+FB01.
      [{ '\uFB01': 1, '😀': 2 }, '{"😀":2,"\uFB01":1}'],
      [[1, 1.5, -0, 1e21, 1e-7, 0.1 + 0.2, 123456789012345680000], '[1,1.5,0,1e+21,1e-7,0.30000000000000004,123456789012345680000]'],
      ['tab\t"quote"\\ \u0001 é 🎉', '"tab\\t\\"quote\\"\\\\ \\u0001 é 🎉"'],
      [{ nested: { z: {}, y: [] }, undef: undefined }, '{"nested":{"y":[],"z":{}}}'],
    ]
    for (const [value, expected] of vectors) assert.equal(canonicalJson(value), expected)
    assert.throws(() => canonicalJson(Number.NaN), /no form/)
    assert.throws(() => canonicalJson({ big: 1n }), /no form/)
  })
})

describe('event hash', () => {
  const event = {
    id: '0190a0a0-0000-7000-8000-000000000001',
    recordId: '0190a0a0-0000-7000-8000-000000000001',
    model: 'Item',
    action: 'insert',
    sequence: 1,
    version: 1,
    payload: { name: 'Lamp', value: 3, createdAt: '2026-01-01T00:00:00.000Z' },
    metadata: null,
  }
  const input =
    '{"action":"insert","chain":"prisma-spector/1","id":"0190a0a0-0000-7000-8000-000000000001","metadata":null,"model":"Item",' +
    '"payload":{"createdAt":"2026-01-01T00:00:00.000Z","name":"Lamp","value":3},"prevHash":null,' +
    '"recordId":"0190a0a0-0000-7000-8000-000000000001","sequence":1,"version":1}'

  test('the hashed text is the canonical JSON of the event and the previous hash', () => {
    assert.equal(hashInput(event, null), input)
    assert.match(hashInput({ ...event, sequence: 2 }, new Uint8Array([0xab, 0x01])), /"prevHash":"ab01"/)
  })

  test('links join the text sorted, and only when the event made some', () => {
    assert.equal(hashInput({ ...event, links: { ancestors: [], links: [] } }, null), input)
    const withLinks = hashInput(
      {
        ...event,
        links: {
          ancestors: ['b', 'a'],
          links: [
            { to: 'b', type: 'parent' },
            { to: 'a', type: 'supersedes' },
          ],
        },
      },
      null,
    )
    assert.match(withLinks, /"links":\{"ancestors":\["a","b"\],"links":\[\{"to":"a","type":"supersedes"\},\{"to":"b","type":"parent"\}\]\}/)
    assert.equal(
      hashInput(
        {
          ...event,
          links: {
            links: [
              { to: 'a', type: 'supersedes' },
              { to: 'b', type: 'parent' },
            ],
            ancestors: ['a', 'b'],
          },
        },
        null,
      ),
      withLinks,
    )
  })

  test('SHA-256 and HMAC-SHA-256 of that text', () => {
    const plain = new EventHasher().hash(event, null)
    assert.equal(toHex(plain), createHash('sha256').update(input).digest('hex'))
    const key = 'a secret of at least 16 bytes'
    assert.equal(toHex(new EventHasher(key).hash(event, null)), createHmac('sha256', key).update(input).digest('hex'))
    assert.equal(new EventHasher(key).algorithm, 'hmac-sha256')
    assert.throws(() => new EventHasher('short'), /16 bytes/)
  })
})

describe('ChainVerifier', () => {
  const hasher = new EventHasher()
  function chain(recordId: string, actions: string[]): StoredEvent[] {
    const out: StoredEvent[] = []
    let prev: Uint8Array | null = null
    actions.forEach((action, i) => {
      const e = { id: `${recordId}-${i + 1}`, recordId, model: 'Item', action, sequence: i + 1, version: 0, payload: { n: i }, metadata: null }
      const hash = hasher.hash(e, prev)
      out.push({ ...e, insertedAt: new Date(), hash, prevHash: prev })
      prev = hash
    })
    return out
  }
  function run(events: StoredEvent[], verifier = new ChainVerifier(hasher)) {
    for (const e of events) {
      const f = verifier.push(e)
      if (f) return f
    }
    return verifier.finish()
  }

  test('an intact log verifies; each kind of break is named', () => {
    const a = chain('a', ['insert', 'update', 'update'])
    const b = chain('b', ['insert', 'savepoint', 'delete'])
    assert.equal(run([...a, ...b]), null)
    assert.equal(run([a[0]!, { ...a[1]!, payload: { n: 99 } }, a[2]!])?.kind, 'edited')
    assert.equal(run([a[0]!, a[2]!])?.kind, 'missing')
    assert.equal(
      run([
        { ...a[1]!, sequence: 1 },
        { ...a[0]!, sequence: 2 },
      ])?.kind,
      'reordered',
    )
    assert.equal(run([a[0]!, { ...a[1]!, hash: null }])?.message, 'event a-2 has no hash')
  })

  test('a checkpoint finds truncation, vanished records and consistent rewrites', () => {
    const a = chain('a', ['insert', 'update', 'update'])
    const b = chain('b', ['insert'])
    const taking = new ChainVerifier(hasher, { collectHeads: true })
    run([...a, ...b], taking)
    const checkpoint = taking.checkpointOf()
    assert.deepEqual([checkpoint.events, checkpoint.records, checkpoint.heads.length], [4, 2, 2])
    const later = chain('a', ['insert', 'update', 'update', 'update'])
    assert.equal(run([...later, ...b], new ChainVerifier(hasher, { against: checkpoint })), null)
    assert.equal(run([a[0]!, a[1]!, ...b], new ChainVerifier(hasher, { against: checkpoint }))?.kind, 'truncated')
    assert.equal(run(a, new ChainVerifier(hasher, { against: checkpoint }))?.kind, 'vanished')
    const rewritten = chain('a', ['insert', 'archive', 'update'])
    assert.equal(run([...rewritten, ...b], new ChainVerifier(hasher, { against: checkpoint }))?.kind, 'edited')
  })

  test('merkle root of nothing, one leaf and several', () => {
    assert.equal(merkleRoot([]), createHash('sha256').digest('hex'))
    const leaf = createHash('sha256').update('x').digest()
    assert.equal(merkleRoot([leaf]), leaf.toString('hex'))
    assert.notEqual(merkleRoot([leaf, leaf, leaf]), merkleRoot([leaf, leaf]))
  })
})
