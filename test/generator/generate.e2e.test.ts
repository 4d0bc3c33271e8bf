/**
 * `prisma generate` end to end, in a temporary project: the generated module, the changeset stubs
 * (created once, never overwritten), and failing runs that name the model, the schema file and
 * line, and the problem. Needs `npm run build` (the schema runs dist/generator/bin.js).
 */
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, test } from 'vitest'
import { eventsModelBlock } from '../../generator/eventsModel.ts'
import { header } from '../../generator/emitModelModule.ts'
import { createTempProject, eventsModelText, exampleModels, lineOf, readMetadata, repoRoot, type TempProject } from './project.ts'

assert.ok(fs.existsSync(path.join(repoRoot, 'dist/generator/bin.js')), 'run `npm run build` first: the schema starts dist/generator/bin.js')

function read(file: string): string {
  return fs.readFileSync(file, 'utf8')
}

function sorted(dir: string): string[] {
  return fs.readdirSync(dir).sort()
}

describe('prisma generate: a valid schema', () => {
  let project: TempProject
  let firstItemStub: string
  let firstStdout: string

  beforeAll(() => {
    project = createTempProject('e2e')
    project.writeSchema(exampleModels())
    firstStdout = project.generateOk()
    firstItemStub = read(path.join(project.changesetsDir, 'Item.ts'))
  })
  afterAll(() => project?.remove())

  test('writes index.ts and one module per evented model, and the Prisma client', () => {
    assert.deepEqual(sorted(project.spectorDir), ['Item.ts', 'Note.ts', 'index.ts'])
    assert.ok(fs.existsSync(path.join(project.clientDir, 'client.ts')))
    for (const file of sorted(project.spectorDir)) assert.ok(read(path.join(project.spectorDir, file)).startsWith(header), file)

    const index = read(path.join(project.spectorDir, 'index.ts'))
    assert.match(index, /from '\.\.\/client\/client\.ts'/)
    assert.match(index, /import \{ changeset as itemChangeset \} from '\.\.\/\.\.\/src\/changesets\/Item\.ts'/)
    assert.match(index, /import \{ changeset as noteChangeset \} from '\.\.\/\.\.\/src\/changesets\/Note\.ts'/)
    assert.match(index, /provider: "sqlite"/)
    assert.match(index, /export function spector<Meta = Record<string, JsonValue>>\(options: SpectorOptions<Meta> = \{\}\)/)
  })

  test('the module carries the model metadata', () => {
    const item = readMetadata(project, 'Item')
    assert.equal(item.version, 1)
    assert.deepEqual(item.actions, ['archive', 'restore'])
    assert.equal(item.idField, 'id')
    assert.deepEqual(item.relations, [{ name: 'tags', model: 'Tag' }])
    assert.deepEqual(item.events, { model: 'Event', delegate: 'event' })
    const fields = item.fields as { name: string; default?: unknown; isUpdatedAt: boolean; kind: string }[]
    assert.deepEqual(
      fields.map((f) => f.name),
      ['id', 'name', 'value', 'status', 'archivedAt', 'createdAt', 'updatedAt'],
    )
    assert.deepEqual(fields.find((f) => f.name === 'value')!.default, { kind: 'value', value: 0 })
    assert.deepEqual(fields.find((f) => f.name === 'status')!.default, { kind: 'value', value: 'DRAFT' })
    assert.equal(fields.find((f) => f.name === 'status')!.kind, 'enum')
    assert.deepEqual(fields.find((f) => f.name === 'createdAt')!.default, { kind: 'now' })
    assert.equal(fields.find((f) => f.name === 'updatedAt')!.isUpdatedAt, true)

    const note = readMetadata(project, 'Note')
    assert.equal(note.idField, 'uuid')
    assert.equal(note.version, 0)
    assert.deepEqual(note.actions, [])
    assert.deepEqual((note.fields as { name: string; default?: unknown }[]).find((f) => f.name === 'ref')!.default, { kind: 'uuid', version: 7 })

    const itemModule = read(path.join(project.spectorDir, 'Item.ts'))
    assert.match(itemModule, /export type ItemCustomAction = 'archive' \| 'restore'\n/)
    assert.match(itemModule, /export type ItemAction = 'insert' \| 'update' \| 'savepoint' \| 'archive' \| 'restore'\n/)
    assert.match(itemModule, /status: z\.enum\(\["DRAFT","PUBLISHED"\]\)/)
    assert.match(read(path.join(project.spectorDir, 'Note.ts')), /export type NoteCustomAction = never\n/)
  })

  test('creates one changeset stub per evented model, with a commented case per action and a version guard', () => {
    assert.deepEqual(sorted(project.changesetsDir), ['Item.ts', 'Note.ts'])
    const item = firstItemStub
    assert.match(item, /import type \{ ItemChangeset \} from '\.\.\/\.\.\/generated\/spector\/Item\.ts'/)
    assert.match(item, /^export const changeset = \{$/m)
    assert.match(item, /^\} satisfies ItemChangeset$/m)
    // How to declare an action's attrs, commented out: the stub needs nothing but the generated module.
    assert.match(item, /^\/\/ import \{ z \} from 'zod\/v4'$/m)
    assert.match(item, /^ {2}\/\/ actions: \{\n {2}\/\/ {3}archive: z\.object\(/m)
    assert.match(item, /^ {6}\/\/ case 'archive':$/m)
    assert.match(item, /^ {6}\/\/ case 'restore':$/m)
    assert.match(item, /\/\/ +if \(ctx\.versionIs\(0\)\)/)
    assert.match(item, /switch \(ctx\.action\) \{/)
    // Untouched, it accepts every field: the default branch casts the attrs.
    assert.match(item, /^ {6}default:\n {8}return ctx\.cast\(state, attrs\)$/m)
    assert.doesNotMatch(item, /^\s*case /m, 'the custom cases are comments')

    const note = read(path.join(project.changesetsDir, 'Note.ts'))
    assert.match(note, /import type \{ NoteChangeset \} from '\.\.\/\.\.\/generated\/spector\/Note\.ts'/)
    assert.doesNotMatch(note, /case '/)
    assert.match(note, /ctx\.versionIs\(0\)/)
  })

  test('prints each changeset stub it creates', () => {
    assert.match(firstStdout, /^prisma-spector: created src\/changesets\/Item\.ts \(a changeset stub: yours to edit, never overwritten\)$/m)
    assert.match(firstStdout, /^prisma-spector: created src\/changesets\/Note\.ts /m)
    assert.doesNotMatch(firstStdout, /warning/)
  })

  test('a second run keeps an edited changeset, re-creates a deleted one, and rewrites the module', () => {
    const itemStub = path.join(project.changesetsDir, 'Item.ts')
    const noteStub = path.join(project.changesetsDir, 'Note.ts')
    const marker = '\n// my own change, not to be overwritten\n'
    fs.appendFileSync(itemStub, marker)
    fs.rmSync(noteStub)

    project.writeSchema(exampleModels('@evented(version=2, actions=[archive, restore, purge])'))
    const stdout = project.generateOk()
    assert.doesNotMatch(stdout, /created src\/changesets\/Item\.ts/, 'nothing is said of a stub that exists')
    assert.match(stdout, /^prisma-spector: created src\/changesets\/Note\.ts /m)

    assert.equal(read(itemStub), firstItemStub + marker)
    assert.doesNotMatch(read(itemStub), /purge/)
    assert.ok(fs.existsSync(noteStub), 'a missing stub is created again')

    const item = readMetadata(project, 'Item')
    assert.equal(item.version, 2)
    assert.deepEqual(item.actions, ['archive', 'restore', 'purge'])
    assert.match(read(path.join(project.spectorDir, 'Item.ts')), /export type ItemCustomAction = 'archive' \| 'restore' \| 'purge'\n/)
  })

  test('a model that is no longer evented loses its module, not its changeset; foreign files stay', () => {
    const mine = path.join(project.spectorDir, 'mine.ts')
    fs.writeFileSync(mine, '// a file the generator did not write\n')
    project.writeSchema(exampleModels('@evented(version=2, actions=[archive, restore, purge])').replace('/// @evented\nmodel Note', 'model Note'))
    project.generateOk()

    assert.deepEqual(sorted(project.spectorDir), ['Item.ts', 'index.ts', 'mine.ts'])
    assert.doesNotMatch(read(path.join(project.spectorDir, 'index.ts')), /Note/)
    assert.deepEqual(sorted(project.changesetsDir), ['Item.ts', 'Note.ts'])
  })
})

describe('prisma generate: a schema with problems fails, naming the model, file, line and problem', () => {
  let project: TempProject

  beforeAll(() => {
    project = createTempProject('e2e-fail')
  })
  afterAll(() => project?.remove())

  /** Writes the schema, runs generate, expects it to fail, returns stderr. */
  function fails(models: string): { text: string; stderr: string } {
    const text = project.writeSchema(models)
    const outcome = project.generate()
    assert.equal(outcome.ok, false, 'prisma generate should fail')
    assert.notEqual(outcome.status, 0)
    return { text, stderr: outcome.stderr }
  }

  test('an action named like a built-in', () => {
    const { text, stderr } = fails(exampleModels('@evented(version=1, actions=[archive, insert])'))
    const line = lineOf(text, '@evented(version=1, actions=[archive, insert])')
    assert.match(stderr, new RegExp(`prisma-spector: model Item \\(schema\\.prisma:${line}\\): @evented action "insert" is built in`))
    assert.ok(!fs.existsSync(project.spectorDir), 'nothing is generated by a failed run')
    assert.ok(!fs.existsSync(project.changesetsDir), 'no changeset is created by a failed run')
  })

  test('a malformed annotation, under other documentation lines', () => {
    const { text, stderr } = fails(exampleModels('@evented(version=1, actions=[archive'))
    const line = lineOf(text, '@evented(version=1, actions=[archive')
    assert.equal(line, lineOf(text, '/// Something on a shelf.') + 1)
    assert.match(
      stderr,
      new RegExp(
        `prisma-spector: model Item \\(schema\\.prisma:${line}\\): malformed annotation "@evented\\(version=1, actions=\\[archive": expected "," or "\\]" in a list`,
      ),
    )
  })

  test('every problem is printed in one run', () => {
    const models = exampleModels('@evented(version=1, actions=[archive, archive], colour=red)').replace(
      '/// @evented\nmodel Note {\n  uuid String @id',
      '/// @evented\nmodel Note {\n  uuid Int @id',
    )
    const { text, stderr } = fails(models)
    const itemLine = lineOf(text, 'colour=red')
    const noteLine = lineOf(text, 'model Note') - 1
    assert.match(stderr, new RegExp(`model Item \\(schema\\.prisma:${itemLine}\\): @evented has an unknown option "colour"`))
    assert.match(stderr, new RegExp(`model Item \\(schema\\.prisma:${itemLine}\\): @evented action "archive" is listed twice`))
    assert.match(stderr, new RegExp(`model Note \\(schema\\.prisma:${noteLine}\\): its primary key "uuid" is Int; it must be String`))
  })

  test('no @events model: prints the model block to paste', () => {
    const { text, stderr } = fails(exampleModels().replace(eventsModelText, ''))
    const line = lineOf(text, '@evented(version=1')
    assert.match(stderr, new RegExp(`model Item \\(schema\\.prisma:${line}\\): is @evented but the schema has no @events model`))
    assert.ok(stderr.includes(eventsModelBlock()), stderr)
  })

  test('an @events model missing a column, and one with a wrong type', () => {
    const broken = exampleModels().replace('  metadata   Json?\n', '').replace('  version    Int\n', '  version    String\n')
    const { text, stderr } = fails(broken)
    const line = lineOf(text, '/// @events')
    assert.match(stderr, new RegExp(`model Event \\(schema\\.prisma:${line}\\): @events model is missing field "metadata Json\\?"`))
    assert.match(stderr, new RegExp(`model Event \\(schema\\.prisma:${line}\\): @events field "version" is String; it must be Int`))
  })

  test('an evented id with a @default, and an unsupported default', () => {
    const { text, stderr } = fails(
      exampleModels()
        .replace('  id         String    @id\n  name', '  id         String    @id @default(cuid())\n  name')
        .replace('  value      Int?      @default(0)', '  value      String?   @default(cuid())'),
    )
    const line = lineOf(text, '@evented(version=1')
    assert.match(stderr, new RegExp(`model Item \\(schema\\.prisma:${line}\\): its primary key "id" has a @default`))
    assert.match(stderr, new RegExp(`model Item \\(schema\\.prisma:${line}\\): field "value": @default\\(cuid\\(\\)\\) is computed by the database or engine`))
  })
})

describe('prisma generate: annotation mistakes Prisma ignores are not silent', () => {
  let project: TempProject

  beforeAll(() => {
    project = createTempProject('e2e-warn')
  })
  afterAll(() => project?.remove())

  test('`// @evented`, `/// @Evented` and `/// @evented` on a field: a warning each on stdout, naming the place and the fix', () => {
    const models = exampleModels()
      .replace('/// @evented\nmodel Note', '// @evented\nmodel Note')
      .replace('  name       String\n', '  /// @evented\n  name       String\n')
    const text = project.writeSchema(`${models}\n\n/// @Evented\nmodel Draft {\n  id String @id\n}`)
    const stdout = project.generateOk()
    assert.match(
      stdout,
      new RegExp(
        `^prisma-spector: warning: schema\\.prisma:${text.split('\n').indexOf('// @evented') + 1}: "// @evented" \\(above model Note\\) is a plain comment, .*three slashes: /// @evented$`,
        'm',
      ),
    )
    assert.match(
      stdout,
      new RegExp(
        `^prisma-spector: warning: schema\\.prisma:${lineOf(text, '/// @Evented')}: model Draft: "@Evented" is not a prisma-spector annotation, so it is ignored; did you mean @evented\\?$`,
        'm',
      ),
    )
    assert.match(stdout, /^prisma-spector: warning: schema\.prisma:\d+: model Item, field "name": "@evented" documents a field, so it is ignored/m)
    assert.deepEqual(sorted(project.spectorDir), ['Item.ts', 'index.ts'], 'the mistaken models stay plain')
  })

  test('a misspelled generator option fails, naming it and the right one', () => {
    const spelled = createTempProject('e2e-option', { spectorSettings: 'changeset = "../src/changesets"' })
    try {
      spelled.writeSchema(exampleModels())
      const outcome = spelled.generate()
      assert.equal(outcome.ok, false)
      assert.match(outcome.stderr, /unknown option "changeset" in the spector generator block \(did you mean "changesets"\?\)/)
    } finally {
      spelled.remove()
    }
  })
})

describe("prisma generate: each field's database column in the metadata (native types)", () => {
  const account = `${eventsModelText}

/// @evented
model Account {
  id      String   @id
  balance Decimal  @db.Decimal(18, 2)
  rate    Decimal
  code    String   @db.VarChar(20)
  at      DateTime @db.Timestamp(0)
  ratio   Float    @db.Real
  small   Int      @db.SmallInt
  open    Boolean
}`

  test('PostgreSQL: @db attributes as Prisma reads them, and the provider defaults', () => {
    const project = createTempProject('e2e-native', { provider: 'postgresql' })
    try {
      project.writeSchema(account)
      project.generateOk()
      const fields = readMetadata(project, 'Account').fields as { name: string; native?: unknown }[]
      assert.deepEqual(Object.fromEntries(fields.map((f) => [f.name, f.native ?? null])), {
        id: { type: 'Text', args: [], declared: false },
        balance: { type: 'Decimal', args: [18, 2], declared: true, decimal: { precision: 18, scale: 2 } },
        rate: { type: 'Decimal', args: [65, 30], declared: false, decimal: { precision: 65, scale: 30 } },
        code: { type: 'VarChar', args: [20], declared: true, maxLength: 20 },
        at: { type: 'Timestamp', args: [0], declared: true, fractionalSeconds: 0 },
        ratio: { type: 'Real', args: [], declared: true, float32: true },
        small: { type: 'SmallInt', args: [], declared: true, integer: { min: '-32768', max: '32767' } },
        open: null,
      })
    } finally {
      project.remove()
    }
  })
})
