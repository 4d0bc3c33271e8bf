/**
 * The studio's pure parts: escaping, the link graph's reduction of flat ancestor links to a tree,
 * and which sequences a timeline page holds.
 */
import assert from 'node:assert/strict'
import { test } from 'vitest'
import { html, show } from '../extension/studio/html.ts'
import { reduceLinks } from '../extension/studio/linkGraph.ts'
import { pageWindow } from '../extension/studio/recordTimeline.ts'

test('html escapes every interpolated value, nested templates stay markup', () => {
  const value = `<script>alert(1)</script>"><img src=x onerror='x'>&`
  assert.equal(
    html`<td title="${value}">${value}</td>`.text,
    '<td title="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=&#39;x&#39;&gt;&amp;">&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=&#39;x&#39;&gt;&amp;</td>',
  )
  assert.equal(html`<ul>${['a<b', html`<li>${'c>d'}</li>`]}</ul>`.text, '<ul>a&lt;b<li>c&gt;d</li></ul>')
  // As the CLI prints values: BigInt as its digits, bytes in hex, Json leaves the same way.
  assert.equal(show(9_007_199_254_740_993n), '9007199254740993')
  assert.equal(show(new Uint8Array([1, 255])), '01ff')
  assert.equal(show({ big: 12n, at: new Date('2026-01-02T03:04:05Z') }), '{"big":"12","at":"2026-01-02T03:04:05.000Z"}')
  assert.equal(show(new Date('2026-01-02T03:04:05Z')), '2026-01-02T03:04:05.000Z')
})

test('reduceLinks: messages that link to every ancestor reduce to each message under the one it answers', () => {
  // A → B → C, and D answers B (so D's ancestors are B and A), E answers A.
  const event = (id: string, sequence: number, targets: string[]) => ({ id, sequence, action: 'append', label: id, targets })
  const reduced = reduceLinks([event('A', 1, []), event('B', 2, ['A']), event('C', 3, ['B', 'A']), event('D', 4, ['B', 'A']), event('E', 5, ['A'])])
  assert.deepEqual(Object.fromEntries(reduced), { A: [], B: ['A'], C: ['B'], D: ['B'], E: ['A'] })
})

test('pageWindow: page 0 holds the newest events, the last page the oldest', () => {
  assert.deepEqual(pageWindow(120, 0), { after: 70, take: 50, pages: 3 })
  assert.deepEqual(pageWindow(120, 2), { after: 0, take: 20, pages: 3 })
  assert.deepEqual(pageWindow(50, 0), { after: 0, take: 50, pages: 1 })
  assert.deepEqual(pageWindow(100_000, 1999), { after: 0, take: 50, pages: 2000 })
})
