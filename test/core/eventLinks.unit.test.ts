/**
 * The core's link checks, without a database: the links prepareEvent asks for become rows, or a
 * SpectorValidationError naming the link table and what is wrong with each value.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { linkRowsOf, linksOfEvent } from '../../extension/core/eventLinks.ts'
import { SpectorValidationError } from '../../extension/core/errors.ts'
import type { EventLinkMetadata } from '../../extension/core/metadata.ts'

const ancestors: EventLinkMetadata = { name: 'ancestors', model: 'Ancestor', delegate: 'ancestor', from: { name: 'eventId' }, to: { name: 'ancestorId' } }
const typed: EventLinkMetadata = {
  name: 'links',
  model: 'DocLink',
  delegate: 'docLink',
  from: { name: 'eventId' },
  to: { name: 'linkedId' },
  type: { name: 'type', scalar: 'enum', values: ['parent', 'supersedes'] },
}
const numbered: EventLinkMetadata = { ...typed, name: 'numbered', type: { name: 'type', scalar: 'Int' } }
const tables = [ancestors, typed, numbered]
const history = new Set(['e1', 'e2'])

function rejected(links: object): Record<string, string[]> {
  try {
    linkRowsOf('Doc', 'revise', tables, 'e3', links, history)
  } catch (error) {
    assert.ok(error instanceof SpectorValidationError)
    assert.equal(error.model, 'Doc')
    assert.equal(error.action, 'revise')
    return error.errors
  }
  assert.fail('expected a SpectorValidationError')
}

describe('linkRowsOf', () => {
  test('plain and typed links become rows, duplicates once', () => {
    const rows = linkRowsOf(
      'Doc',
      'revise',
      tables,
      'e3',
      { ancestors: ['e1', 'e2', 'e1'], links: [{ to: 'e1', type: 'supersedes' }], numbered: [{ to: 'e2', type: 7 }] },
      history,
    )
    assert.deepEqual(
      rows.map((r) => [r.table.name, r.rows]),
      [
        [
          'ancestors',
          [
            { from: 'e3', to: 'e1' },
            { from: 'e3', to: 'e2' },
          ],
        ],
        ['links', [{ from: 'e3', to: 'e1', type: 'supersedes' }]],
        ['numbered', [{ from: 'e3', to: 'e2', type: 7 }]],
      ],
    )
    assert.deepEqual(linkRowsOf('Doc', 'revise', tables, 'e3', {}, history), [])
    assert.deepEqual(linkRowsOf('Doc', 'revise', tables, 'e3', undefined, history), [])
  })

  test('each bad value is named under its link table', () => {
    assert.deepEqual(rejected({ ancestors: ['e9'] }), {
      'links.ancestors': ['event e9 is not an earlier event of this Doc record (links join events of one record)'],
    })
    assert.deepEqual(rejected({ ancestors: ['e3'] }), { 'links.ancestors': ['event e3 cannot link to itself'] })
    assert.match(rejected({ ancestors: [{ to: 'e1' }] })['links.ancestors']![0]!, /ancestors links are event ids \(strings\)/)
    assert.match(rejected({ links: ['e1'] })['links.links']![0]!, /typed: \{ to: <event id>, type: <type> \}/)
    assert.match(rejected({ links: [{ to: 'e1', type: 'cousin' }] })['links.links']![0]!, /"cousin" is not one of parent, supersedes/)
    assert.match(rejected({ numbered: [{ to: 'e1', type: 1.5 }] })['links.numbered']![0]!, /1.5 is not a whole number/)
    assert.match(rejected({ siblings: ['e1'] })['links.siblings']![0]!, /is not a link table of Doc's event log \(ancestors, links, numbered\)/)
    assert.match(rejected({ ancestors: 'e1' })['links.ancestors']![0]!, /must be a list/)
  })

  test('stored rows read back in the shape prepareEvent writes, every table present', () => {
    const rows = new Map([['links', [{ from: 'e3', to: 'e1', type: 'parent' }]]])
    assert.deepEqual(linksOfEvent(tables, rows), { ancestors: [], links: [{ to: 'e1', type: 'parent' }], numbered: [] })
    assert.deepEqual(linksOfEvent([ancestors], new Map([['ancestors', [{ from: 'e3', to: 'e2' }]]])), { ancestors: ['e2'] })
  })
})
