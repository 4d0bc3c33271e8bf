/**
 * Type tests of the generated API: a generated temporary project, a usage file that uses the API
 * the right way and (under `@ts-expect-error`) the wrong ways, and `tsc --noEmit` over it all,
 * the untouched changeset stubs included. A second `tsc` run over a copy without the
 * `@ts-expect-error` comments checks that each wrong usage fails for the reason it claims.
 * Nothing here runs the generated code; no database is needed.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, test } from 'vitest'
import { promisify } from 'node:util'
import { createTempProject, exampleModels, repoRoot, type TempProject } from './project.ts'

const run = promisify(execFile)

/**
 * Each `@ts-expect-error` is followed by the message the unchecked copy must report on the next
 * line (a regex source, after `=>`).
 */
const usage = `import type { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { Invalid } from 'prisma-spector'
import { PrismaClient, type Item } from './generated/client/client.ts'
import { spector, type ItemAction, type ItemChangeset, type ItemCustomAction, type NoteChangeset } from './generated/spector/index.ts'

declare const adapter: PrismaBetterSqlite3

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
export const customActions: Equal<ItemCustomAction, 'archive' | 'restore'> = true
export const allActions: Equal<ItemAction, 'insert' | 'update' | 'savepoint' | 'archive' | 'restore'> = true

export async function usage(id: string): Promise<void> {
  const prisma = new PrismaClient({ adapter }).$extends(spector())

  const created = await prisma.item.create({ data: { name: 'Lamp', value: 3 } })
  const createdId: string = created.id
  const picked = await prisma.item.create({ data: { name: 'Chair' }, select: { id: true, name: true } })
  const pickedName: string = picked.name
  const archived: Item = await prisma.item.execute(createdId, 'archive', { archivedAt: new Date() })
  await prisma.item.execute(id, 'restore')
  await prisma.item.execute(id, 'archive', { archivedAt: null, reason: 'extra attrs are allowed' }, { expectedSequence: 2 })
  await prisma.item.update({ where: { id }, data: { value: { increment: 1 } } })
  const replayed: Item | null = await prisma.item.replay(id, { until: new Date() })
  const note = await prisma.note.create({ data: { body: 'hi' } })
  const noteId: string = note.uuid
  const found = await prisma.item.findMany({ where: { name: 'Lamp' } })
  void [pickedName, archived, replayed, noteId, found]

  // @ts-expect-error => Argument of type '"nope"' is not assignable to parameter of type 'ItemCustomAction'
  await prisma.item.execute(id, 'nope', {})
  // @ts-expect-error => Argument of type '"insert"' is not assignable to parameter of type 'ItemCustomAction'
  await prisma.item.execute(id, 'insert', {})
  // @ts-expect-error => Type 'string' is not assignable to type 'Date'
  await prisma.item.execute(id, 'archive', { archivedAt: 'yesterday' })
  // @ts-expect-error => Type 'string' is not assignable to type 'undefined'
  await prisma.item.create({ data: { id: 'mine', name: 'Lamp' } })
  // @ts-expect-error => Type 'string' is not assignable to type 'undefined'
  await prisma.note.create({ data: { uuid: 'mine', body: 'hi' } })
  // @ts-expect-error => Type 'string' is not assignable to type 'undefined'
  await prisma.item.update({ where: { id }, data: { id: 'other' } })
  // @ts-expect-error => Type '{ create: { label: string; }[]; }' is not assignable to type 'undefined'
  await prisma.item.create({ data: { name: 'Lamp', tags: { create: [{ label: 'x' }] } } })
  // Bulk writes are evented, one event per record; their data has the same rules as create/update.
  await prisma.item.createMany({ data: [{ name: 'Lamp' }] })
  await prisma.item.deleteMany({ where: {} })
  // @ts-expect-error => Type 'string' is not assignable to type 'undefined'
  await prisma.item.createMany({ data: [{ id: 'mine', name: 'Lamp' }] })
  // @ts-expect-error => Type 'true' is not assignable to type 'false'
  await prisma.item.createMany({ data: [{ name: 'Lamp' }], skipDuplicates: true })
  // @ts-expect-error => Argument of type '"anything"' is not assignable to parameter of type 'never'
  await prisma.note.execute(id, 'anything')

  // The id and nested writes are refused on every create and upsert, data held in a variable included.
  const mine = { id: 'mine', name: 'Lamp' }
  const nestedCreate = { name: 'Lamp', tags: { create: [{ label: 'x' }] } }
  const nestedConnect = { name: 'Lamp', tags: { connect: [{ id: 1 }] } }
  // @ts-expect-error => is not assignable to type 'ItemCreateData'
  await prisma.item.create({ data: mine })
  // @ts-expect-error => is not assignable to type 'ItemCreateData'
  await prisma.item.create({ data: nestedCreate })
  // @ts-expect-error => is not assignable to type 'ItemCreateData'
  await prisma.item.create({ data: nestedConnect, select: { id: true } })
  // @ts-expect-error => Type '{ connect: { id: number; }[]; }' is not assignable to type 'undefined'
  await prisma.item.create({ data: { name: 'Lamp', tags: { connect: [{ id: 1 }] } } })
  // @ts-expect-error => is not assignable to type 'ItemCreateData'
  await prisma.item.createMany({ data: [mine] })
  // @ts-expect-error => is not assignable to type 'ItemCreateData | ItemCreateData[]'
  await prisma.item.createMany({ data: nestedConnect })
  // @ts-expect-error => Type 'string' is not assignable to type 'undefined'
  await prisma.item.createManyAndReturn({ data: [{ id: 'mine', name: 'Lamp' }] })
  // @ts-expect-error => is not assignable to type 'ItemCreateData'
  await prisma.item.createManyAndReturn({ data: [nestedCreate] })
  // @ts-expect-error => is not assignable to type 'ItemCreateData'
  await prisma.item.upsert({ where: { id }, create: mine, update: {} })
  // @ts-expect-error => Type '{ connect: { id: number; }[]; }' is not assignable to type 'undefined'
  await prisma.item.upsert({ where: { id }, create: { name: 'Lamp', tags: { connect: [{ id: 1 }] } }, update: {} })
  // @ts-expect-error => is not assignable to type 'ItemUpdateData'
  await prisma.item.upsert({ where: { id }, create: { name: 'Lamp' }, update: mine })
  // @ts-expect-error => is not assignable to type 'ItemUpdateData'
  await prisma.item.update({ where: { id }, data: nestedConnect })
  // @ts-expect-error => is not assignable to type 'ItemUpdateData'
  await prisma.item.updateMany({ where: {}, data: mine })
  // Without them, the same calls compile.
  await prisma.item.create({ data: { name: 'Lamp' }, select: { id: true } })
  await prisma.item.createManyAndReturn({ data: [{ name: 'Lamp' }] })
  await prisma.item.upsert({ where: { id }, create: { name: 'Lamp' }, update: { value: { increment: 1 } } })
}

export const itemChangeset: ItemChangeset = {
  apply(state, attrs, ctx) {
    // @ts-expect-error => This comparison appears to be unintentional because the types 'ItemAction' and '"nope"' have no overlap
    if (ctx.action === 'nope') return state!
    // @ts-expect-error => This comparison appears to be unintentional because the types 'ItemAction' and '"delete"' have no overlap
    if (ctx.action === 'delete') return state!
    switch (ctx.action) {
      case 'archive':
        if (state?.archivedAt) return ctx.invalid({ archivedAt: 'is already set' })
        return ctx.cast(state, { archivedAt: attrs.archivedAt ?? new Date() })
      case 'restore':
        return ctx.cast(state, { archivedAt: null })
      // @ts-expect-error => Type '"purge"' is not comparable to type 'ItemAction'
      case 'purge':
        return ctx.cast(state, attrs)
      default:
        if (ctx.versionIs(0) && typeof attrs.title === 'string') attrs = { ...attrs, name: attrs.title }
        return ctx.cast(state, attrs)
    }
  },
}

export const noteChangeset: NoteChangeset = {
  apply(state, attrs, ctx) {
    const invalid: Invalid = ctx.invalid({ body: 'is required' })
    if (!attrs.body && !state) return invalid
    // @ts-expect-error => Type 'string | undefined' is not assignable to type 'number | undefined'
    const length: number | undefined = state?.body
    void length
    return ctx.cast(state, attrs)
  },
}
`

const tsconfig = (files: string[]) =>
  JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        allowImportingTsExtensions: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      },
      files,
    },
    null,
    2,
  )

interface Expectation {
  /** 1-based line of the code that must fail. */
  line: number
  message: string
}

function expectations(text: string): Expectation[] {
  const out: Expectation[] = []
  text.split('\n').forEach((line, index) => {
    const m = /\/\/ @ts-expect-error => (.*)$/.exec(line)
    if (m) out.push({ line: index + 2, message: m[1]! })
  })
  return out
}

async function tsc(project: TempProject, config: string): Promise<{ code: number; output: string }> {
  const bin = path.join(repoRoot, 'node_modules/typescript/bin/tsc')
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, '--noEmit', '--pretty', 'false', '-p', config], { cwd: project.dir })
    return { code: 0, output: stdout + stderr }
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string }
    if (typeof e.code !== 'number') throw error
    return { code: e.code, output: `${e.stdout ?? ''}${e.stderr ?? ''}` }
  }
}

describe('types of the generated API', () => {
  let project: TempProject
  let stubs: Record<string, string>
  let checked: { code: number; output: string }
  let unchecked: { code: number; output: string }

  beforeAll(async () => {
    project = createTempProject('types')
    project.writeSchema(exampleModels())
    project.generateOk()
    stubs = Object.fromEntries(['Item.ts', 'Note.ts'].map((f) => [f, fs.readFileSync(path.join(project.changesetsDir, f), 'utf8')]))

    fs.writeFileSync(path.join(project.dir, 'usage.ts'), usage)
    fs.writeFileSync(path.join(project.dir, 'usage-unchecked.ts'), usage.replaceAll('// @ts-expect-error =>', '// expect-error =>'))
    const generated = ['generated/spector/index.ts', 'generated/spector/Item.ts', 'generated/spector/Note.ts']
    const changesets = ['src/changesets/Item.ts', 'src/changesets/Note.ts']
    fs.writeFileSync(path.join(project.dir, 'tsconfig.json'), tsconfig(['usage.ts', ...generated, ...changesets]))
    fs.writeFileSync(path.join(project.dir, 'tsconfig.unchecked.json'), tsconfig(['usage-unchecked.ts']))
    ;[checked, unchecked] = await Promise.all([tsc(project, 'tsconfig.json'), tsc(project, 'tsconfig.unchecked.json')])
  })
  afterAll(() => project?.remove())

  test('the generated module, the untouched changeset stubs and the usage compile; every @ts-expect-error is used', () => {
    assert.equal(checked.output, '')
    assert.equal(checked.code, 0)
    for (const [file, text] of Object.entries(stubs)) {
      assert.equal(fs.readFileSync(path.join(project.changesetsDir, file), 'utf8'), text, `${file} was compiled as generated`)
    }
  })

  test('each wrong usage fails for the reason it claims, and nothing else fails', () => {
    const errors = unchecked.output
      .split('\n')
      .filter((l) => l.startsWith('usage-unchecked.ts('))
      .map((l) => {
        const m = /^usage-unchecked\.ts\((\d+),\d+\): error (TS\d+: .*)$/.exec(l)
        assert.ok(m, l)
        return { line: Number(m[1]), message: m[2]! }
      })
    assert.equal(unchecked.code, 2, unchecked.output)
    const expected = expectations(usage)
    assert.ok(expected.length >= 27)
    for (const e of expected) {
      const here = errors.filter((x) => x.line === e.line)
      assert.ok(
        here.some((x) => x.message.includes(e.message)),
        `line ${e.line}: expected an error containing "${e.message}", got ${JSON.stringify(here.map((x) => x.message))}`,
      )
    }
    const unexpected = errors.filter((x) => !expected.some((e) => e.line === x.line))
    assert.deepEqual(unexpected, [])
    // Nothing outside the usage file failed.
    assert.deepEqual(
      unchecked.output.split('\n').filter((l) => /error TS/.test(l) && !l.startsWith('usage-unchecked.ts(')),
      [],
    )
  })
})
