/**
 * The `@evented(...)` / `@events(...)` annotation parser: what it accepts, and that every malformed
 * annotation is rejected with a message that quotes it and says what is wrong.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { AnnotationSyntaxError, parseAnnotation, parseAnnotations, type Annotation, type AnnotationValue } from '../../generator/parseAnnotation.ts'

function options(annotation: Annotation): Record<string, AnnotationValue> {
  return Object.fromEntries(annotation.options)
}

/** Asserts `text` is rejected with a message matching `message`, quoting the annotation. */
function rejects(text: string, message: RegExp): AnnotationSyntaxError {
  let caught: unknown
  try {
    parseAnnotation(text, 4)
  } catch (error) {
    caught = error
  }
  assert.ok(caught instanceof AnnotationSyntaxError, `expected ${JSON.stringify(text)} to be rejected, got ${String(caught)}`)
  assert.ok(caught.message.startsWith(`malformed annotation "${text}": `), caught.message)
  assert.match(caught.message, message)
  assert.equal(caught.lineIndex, 4)
  return caught
}

describe('parseAnnotation: accepted forms', () => {
  test('a bare @evented has no options', () => {
    const a = parseAnnotation('@evented')
    assert.equal(a.name, 'evented')
    assert.equal(a.options.size, 0)
    assert.equal(a.lineIndex, 0)
  })

  test('empty parentheses are the same as none', () => {
    assert.equal(parseAnnotation('@evented()').options.size, 0)
    assert.equal(parseAnnotation('@events( )').options.size, 0)
  })

  test('whole numbers, including negative ones', () => {
    assert.deepEqual(options(parseAnnotation('@evented(version=3)')), { version: 3 })
    assert.deepEqual(options(parseAnnotation('@evented(version=0)')), { version: 0 })
    assert.deepEqual(options(parseAnnotation('@evented(version=-2)')), { version: -2 })
    assert.deepEqual(options(parseAnnotation('@evented(version=120)')), { version: 120 })
  })

  test('lists of identifiers, empty lists and nested lists', () => {
    assert.deepEqual(options(parseAnnotation('@evented(actions=[archive, restore])')), { actions: ['archive', 'restore'] })
    assert.deepEqual(options(parseAnnotation('@evented(actions=[])')), { actions: [] })
    assert.deepEqual(options(parseAnnotation('@evented(x=[[1, 2], [], a])')), { x: [[1, 2], [], 'a'] })
  })

  test('trailing commas in lists and option lists', () => {
    const a = parseAnnotation('@evented(version=1, actions=[archive, restore,],)')
    assert.deepEqual(options(a), { version: 1, actions: ['archive', 'restore'] })
  })

  test('whitespace anywhere between tokens, and around the annotation', () => {
    const a = parseAnnotation('  @evented ( version = 2 ,\tactions = [ archive ,restore ] , events = Audit )  ')
    assert.equal(a.name, 'evented')
    assert.deepEqual(options(a), { version: 2, actions: ['archive', 'restore'], events: 'Audit' })
  })

  test('strings keep their content, spaces and punctuation included', () => {
    assert.deepEqual(options(parseAnnotation('@evented(events="Audit", note="a, b = [c]")')), { events: 'Audit', note: 'a, b = [c]' })
    assert.deepEqual(options(parseAnnotation('@evented(note="")')), { note: '' })
  })

  test('true and false are booleans, other identifiers are strings', () => {
    assert.deepEqual(options(parseAnnotation('@evented(a=true, b=false, c=True, d=trueish)')), { a: true, b: false, c: 'True', d: 'trueish' })
  })

  test('options keep their order', () => {
    const a = parseAnnotation('@evented(events=Event, version=1, actions=[a])')
    assert.deepEqual([...a.options.keys()], ['events', 'version', 'actions'])
  })

  test('@events parses with the same grammar', () => {
    const a = parseAnnotation('@events', 2)
    assert.equal(a.name, 'events')
    assert.equal(a.lineIndex, 2)
  })
})

describe('parseAnnotations: documentation with several lines', () => {
  test('no documentation, no annotations', () => {
    assert.deepEqual(parseAnnotations(undefined), [])
    assert.deepEqual(parseAnnotations(''), [])
    assert.deepEqual(parseAnnotations('Just a description.\nOn two lines.'), [])
  })

  test('only a line starting with @evented / @events counts, with its 0-based line index', () => {
    const doc = [
      'An item on the shelf.',
      '',
      ' @evented(version=2, actions=[archive])',
      'Written by @evented models only.',
      '@deprecated',
      '@eventedish(x=1)',
      '@eventsX',
    ].join('\n')
    const found = parseAnnotations(doc)
    assert.equal(found.length, 1)
    assert.equal(found[0]!.name, 'evented')
    assert.equal(found[0]!.lineIndex, 2)
    assert.deepEqual(options(found[0]!), { version: 2, actions: ['archive'] })
  })

  test('other annotations and prose that mentions @evented are left alone, even when they would not parse', () => {
    assert.deepEqual(parseAnnotations('@deprecated(use="Other"\nsee @evented(\n@map[broken'), [])
  })

  test('returns every @evented / @events line (the schema reader reports duplicates)', () => {
    const found = parseAnnotations('@events\nsome text\n@evented(version=1)')
    assert.deepEqual(
      found.map((a) => [a.name, a.lineIndex]),
      [
        ['events', 0],
        ['evented', 2],
      ],
    )
  })

  test('a malformed annotation line throws with that line index', () => {
    assert.throws(
      () => parseAnnotations('First line.\nSecond line.\n@evented(version=1'),
      (error: unknown) => error instanceof AnnotationSyntaxError && error.lineIndex === 2 && /malformed annotation "@evented\(version=1"/.test(error.message),
    )
  })
})

describe('parseAnnotation: malformed annotations', () => {
  test('missing ")"', () => {
    rejects('@evented(version=1', /expected "," or "\)" after option "version"/)
    rejects('@evented(version=1, actions=[a]', /expected "," or "\)" after option "actions"/)
    rejects('@evented(', /expected an option name at the end/)
    rejects('@evented(version=1,', /expected an option name at the end/)
  })

  test('missing "="', () => {
    rejects('@evented(version 1)', /expected "=" after "version" at "1\)"/)
    rejects('@evented(version)', /expected "=" after "version" at "\)"/)
    rejects('@evented(actions=[a], version)', /expected "=" after "version"/)
  })

  test('missing value', () => {
    rejects('@evented(version=)', /expected a value at "\)"/)
    rejects('@evented(version=,)', /expected a value at ",\)"/)
  })

  test('unterminated list', () => {
    rejects('@evented(actions=[archive, restore)', /expected "," or "\]" in a list/)
    rejects('@evented(actions=[archive restore])', /expected "," or "\]" in a list/)
    rejects('@evented(actions=[archive,', /expected a value at the end/)
    rejects('@evented(actions=[', /expected a value at the end/)
  })

  test('unterminated string', () => {
    rejects('@evented(events="Audit)', /unterminated string/)
    rejects('@evented(actions=["a, b])', /unterminated string/)
  })

  test('garbage after ")" or after a bare name', () => {
    rejects('@evented(version=1) trailing', /unexpected "trailing" after the annotation/)
    rejects('@evented(version=1))', /unexpected "\)" after the annotation/)
    rejects('@evented version=1', /unexpected "version=1" after the annotation/)
    rejects('@evented[actions=a]', /unexpected "\[actions=a\]" after the annotation/)
  })

  test('an option given twice', () => {
    rejects('@evented(version=1, version=2)', /option "version" is given twice/)
    rejects('@evented(actions=[a], version=1, actions=[b])', /option "actions" is given twice/)
  })

  test('numbers that are not whole numbers', () => {
    rejects('@evented(version=1.5)', /expected a whole number at "1\.5\)"/)
    rejects('@evented(version=12.5)', /expected a whole number at "12\.5\)"/)
    rejects('@evented(version=10x)', /expected a whole number at "10x\)"/)
    rejects('@evented(version=-)', /expected a whole number at "-\)"/)
    rejects('@evented(actions=[1e3])', /expected a whole number at "1e3\]\)"/)
  })

  test('option names must be identifiers', () => {
    rejects('@evented(1=2)', /expected an option name at "1=2\)"/)
    rejects('@evented("version"=1)', /expected an option name at/)
    rejects('@evented(,)', /expected an option name at ",\)"/)
  })

  test('text that is not an annotation', () => {
    rejects('evented', /expected "@" at "evented"/)
    rejects('@', /expected an annotation name at the end/)
    rejects('@(version=1)', /expected an annotation name at "\(version=1\)"/)
  })
})

test('pairs in a list: aliases=[publish=release]', () => {
  const a = parseAnnotation('@evented(actions=[publish], aliases=[publish=release, hide = conceal])')
  assert.deepEqual(a.options.get('aliases'), ['publish=release', 'hide=conceal'])
  assert.throws(() => parseAnnotation('@evented(aliases=[publish=])'), /expected a name after "="/)
})
