/**
 * Annotation mistakes Prisma would pass over in silence (issue 11 §4): each gives a warning naming
 * the file and line (or model and field) and the likely fix; a correct schema gives none.
 * Also the generator block's own options (a misspelled `changesets` fails) and the zod version check.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { annotationWarnings, meantAnnotation } from '../../generator/annotationWarnings.ts'
import { checkZodVersion } from '../../generator/checkPrismaVersion.ts'
import { SpectorGeneratorError } from '../../generator/errors.ts'
import { checkGeneratorOptions } from '../../generator/generate.ts'
import type { Locate } from '../../generator/readSpectorSchema.ts'
import { datamodel, eventedModel, eventsModel, field, idField, model } from './dmmf.ts'

const locate: Locate = (_name, documentationLine) => ({ file: 'schema.prisma', line: documentationLine === undefined ? 10 : 11 + documentationLine })

describe('annotationWarnings', () => {
  test('`// @evented` (two slashes) above a model: file, line, model and the three-slash fix', () => {
    const text = ['/// @events', 'model Event {', '  id String @id', '}', '', '// @evented(version=1)', 'model Item {', '  id String @id', '}'].join('\n')
    const warnings = annotationWarnings(datamodel([eventsModel(), model('Item', [idField()])]), [{ path: 'prisma/schema.prisma', text }], locate)
    assert.deepEqual(warnings, [
      'prisma/schema.prisma:6: "// @evented(version=1)" (above model Item) is a plain comment, which Prisma does not pass to generators, so it is ignored; write it with three slashes: /// @evented(version=1)',
    ])
  })

  test('`//@Events` inside a model block is named as such, with the corrected name', () => {
    const text = ['model Log {', '  //@Events', '  id String @id', '}'].join('\n')
    const [warning] = annotationWarnings(datamodel([model('Log', [idField()])]), [{ path: 'a.prisma', text }], locate)
    assert.match(warning!, /^a\.prisma:2: "\/\/@Events" \(inside model Log\) is a plain comment.*three slashes: \/\/\/ @events$/)
  })

  test('`/// @Evented` (wrong case) and `/// @evnted` (misspelled) name the model, the line and the annotation meant', () => {
    const warnings = annotationWarnings(
      datamodel([eventsModel(), eventedModel('Item', '@Evented(version=1)'), model('Note', [idField()], { doc: ['A note.', '@evnted'] })]),
      [],
      locate,
    )
    assert.deepEqual(warnings, [
      'schema.prisma:11: model Item: "@Evented" is not a prisma-spector annotation, so it is ignored; did you mean @evented?',
      'schema.prisma:12: model Note: "@evnted" is not a prisma-spector annotation, so it is ignored; did you mean @evented?',
    ])
  })

  test('`/// @evented` on a field names the model and field and says where annotations go', () => {
    const item = model('Item', [idField(), field('name', 'String', { documentation: 'The name.\n@evented' })])
    const [warning] = annotationWarnings(datamodel([eventsModel(), item]), [], locate)
    assert.equal(
      warning,
      'schema.prisma:10: model Item, field "name": "@evented" documents a field, so it is ignored; annotations go in the /// lines right above `model Item {`',
    )
  })

  test('a correct schema and unrelated @words give no warning', () => {
    const text = [
      '/// @events',
      'model Event {',
      '  id String @id // @id is fine',
      '}',
      '// @see the docs',
      '/// @evented',
      'model Item {',
      '  id String @id',
      '}',
    ].join('\n')
    const note = model('Note', [idField(), field('body', 'String', { documentation: '@deprecated use text' })], { doc: ['@see Item', '@param x'] })
    assert.deepEqual(annotationWarnings(datamodel([eventsModel(), eventedModel('Item'), note]), [{ path: 's.prisma', text }], locate), [])
    assert.equal(meantAnnotation('events'), undefined)
    assert.equal(meantAnnotation('event'), 'events')
    assert.equal(meantAnnotation('eventlinks'), 'eventLinks')
  })
})

describe('generator options', () => {
  test('a misspelled `changesets` option fails, suggesting the right name', () => {
    assert.throws(
      () => checkGeneratorOptions({ changeset: '../src/changesets' }),
      (e: unknown) =>
        e instanceof SpectorGeneratorError &&
        /unknown option "changeset" in the spector generator block \(did you mean "changesets"\?\); it takes: changesets/.test(e.message),
    )
    assert.throws(() => checkGeneratorOptions({ colour: 'red' }), /unknown option "colour"/)
    checkGeneratorOptions({ changesets: '../src/changesets' })
    checkGeneratorOptions({})
  })
})

describe('zod version', () => {
  test('zod 3.25+ and 4 are accepted (they ship zod/v4)', () => {
    for (const version of ['3.25.0', '3.25.76', '4.0.0', '4.6.7']) checkZodVersion(version)
  })

  test('older zod, or none, is refused saying what to install', () => {
    assert.throws(
      () => checkZodVersion('3.24.2'),
      (e: unknown) =>
        e instanceof SpectorGeneratorError && /zod 3\.24\.2 is installed, but the generated code needs zod >=3\.25 \(it imports "zod\/v4"/.test(e.message),
    )
    assert.throws(() => checkZodVersion(undefined), /zod is not installed/)
  })
})
