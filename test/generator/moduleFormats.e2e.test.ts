/**
 * The generated code compiles (and, where the configuration emits JavaScript, runs under Node) in
 * the project set-ups users have (issue 11 §1): a temporary project per set-up runs the real
 * `prisma generate`, then `tsc` over the generated module, the untouched changeset stubs and a small
 * app, with the strictest options in common use and no `// @ts-nocheck` of ours.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, test } from 'vitest'
import { createTempProject, exampleModels, repoRoot, type TempProject, type TempProjectOptions } from './project.ts'

const run = promisify(execFile)
assert.ok(fs.existsSync(path.join(repoRoot, 'dist/generator/bin.js')), 'run `npm run build` first: the schema starts dist/generator/bin.js')

const strict = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noPropertyAccessFromIndexSignature: true,
  skipLibCheck: true,
  types: ['node'],
  target: 'ES2022',
}

interface Setup {
  name: string
  project: TempProjectOptions
  compilerOptions: Record<string, unknown>
  /** The extension the generated files have, and the one their relative imports carry. */
  fileExtension: string
  importExtension: string
  /** Whether `tsc` emits JavaScript that the test then runs with Node. */
  runs: boolean
}

const setups: Setup[] = [
  {
    name: 'moduleResolution bundler (tsc --init, Vite, Next)',
    project: {},
    compilerOptions: { ...strict, module: 'ESNext', moduleResolution: 'bundler', verbatimModuleSyntax: true, noEmit: true },
    fileExtension: '.ts',
    importExtension: '',
    runs: false,
  },
  {
    name: 'nodenext, ES modules, emitting JavaScript',
    project: {},
    compilerOptions: { ...strict, module: 'nodenext', verbatimModuleSyntax: true, outDir: 'dist' },
    fileExtension: '.ts',
    importExtension: '.js',
    runs: true,
  },
  {
    // verbatimModuleSyntax forbids import syntax in CommonJS files, Prisma's client included: left out.
    name: 'nodenext, CommonJS package, emitting JavaScript',
    project: { packageType: 'commonjs' },
    compilerOptions: { ...strict, module: 'nodenext', outDir: 'dist' },
    fileExtension: '.ts',
    importExtension: '.js',
    runs: true,
  },
  {
    // moduleResolution node10 (commonjs' default) reads no package "exports": the package's top-level
    // `types` and `typesVersions` are what it finds.
    name: 'module commonjs',
    project: { packageType: 'commonjs' },
    compilerOptions: { ...strict, module: 'commonjs', esModuleInterop: true, noEmit: true },
    fileExtension: '.ts',
    importExtension: '',
    runs: false,
  },
  {
    name: 'generatedFileExtension "mts" under nodenext',
    project: { clientSettings: 'generatedFileExtension = "mts"' },
    compilerOptions: { ...strict, module: 'nodenext', verbatimModuleSyntax: true, noEmit: true },
    fileExtension: '.mts',
    importExtension: '.mjs',
    runs: false,
  },
]

/** The app: builds the extension and lists the evented models. */
const app = (importExtension: string) => `import { spector, spectorSchema, type ItemChangeset } from './generated/spector/index${importExtension}'

const extension = spector()
const changeset: ItemChangeset = spectorSchema.models[0]!.changeset as ItemChangeset
console.log(JSON.stringify({ models: spectorSchema.models.map((m) => m.metadata.name), extension: typeof extension, apply: typeof changeset.apply }))
`

async function tsc(project: TempProject): Promise<string> {
  const bin = path.join(repoRoot, 'node_modules/typescript/bin/tsc')
  try {
    await run(process.execPath, [bin, '--pretty', 'false', '-p', 'tsconfig.json'], { cwd: project.dir })
    return ''
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string }
    return `${e.stdout ?? ''}${e.stderr ?? ''}` || String(error)
  }
}

const projects: TempProject[] = []
afterAll(() => {
  for (const project of projects) project.remove()
})

describe.each(setups)('generated code under $name', (setup) => {
  test("imports as Prisma's client does, compiles with strict options, and runs where emitted", async () => {
    const project = createTempProject('formats', setup.project)
    projects.push(project)
    const appFile = `main${setup.fileExtension}`
    fs.writeFileSync(path.join(project.dir, appFile), app(setup.importExtension))
    fs.writeFileSync(
      path.join(project.dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { ...setup.compilerOptions, rootDir: '.' }, include: [appFile, 'generated/**/*', 'src/**/*'] }, null, 2),
    )
    project.writeSchema(exampleModels())
    project.generateOk()

    const files = fs.readdirSync(project.spectorDir).sort()
    assert.deepEqual(files, [`Item${setup.fileExtension}`, `Note${setup.fileExtension}`, `index${setup.fileExtension}`])
    assert.ok(fs.existsSync(path.join(project.changesetsDir, `Item${setup.fileExtension}`)))
    const index = fs.readFileSync(path.join(project.spectorDir, `index${setup.fileExtension}`), 'utf8')
    const relative = [...index.matchAll(/from '(\.[^']+)'/g)].map((m) => m[1]!)
    assert.ok(relative.length >= 6, index)
    for (const specifier of relative)
      assert.ok(
        specifier.endsWith(`/${path.basename(specifier, setup.importExtension)}${setup.importExtension}`) &&
          (setup.importExtension || !/\.[cm]?[jt]s$/.test(specifier)),
        `${specifier} should end with "${setup.importExtension}"`,
      )
    // Prisma's own client, generated in the same project, imports the same way.
    const client = fs.readFileSync(path.join(project.clientDir, `client${setup.fileExtension}`), 'utf8')
    assert.match(client, new RegExp(`from ["']\\./enums${setup.importExtension.replace('.', '\\.')}["']`))
    for (const file of [...files.map((f) => path.join(project.spectorDir, f)), path.join(project.changesetsDir, `Item${setup.fileExtension}`)]) {
      assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /@ts-nocheck/)
    }

    assert.equal(await tsc(project), '')
    if (!setup.runs) return
    const { stdout } = await run(process.execPath, [path.join(project.dir, 'dist', 'main.js')], { cwd: project.dir })
    assert.deepEqual(JSON.parse(stdout), { models: ['Item', 'Note'], extension: 'function', apply: 'function' })
  })
})

describe('the old prisma-client-js generator', () => {
  test('is refused at generate time, saying to use prisma-client', () => {
    const project = createTempProject('client-js', { clientProvider: 'prisma-client-js' })
    projects.push(project)
    project.writeSchema(exampleModels())
    const outcome = project.generate()
    assert.equal(outcome.ok, false)
    assert.match(
      outcome.stderr,
      /prisma-spector: the schema uses the old `prisma-client-js` generator, which prisma-spector does not support: use `generator client \{ provider = "prisma-client"/,
    )
    assert.ok(!fs.existsSync(project.spectorDir), 'nothing is generated')
  })
})

describe('zod 3.25 (its zod/v4)', () => {
  test('the generated code compiles against it and the generator accepts it; zod 3.24 is refused', async () => {
    const packs = fs.mkdtempSync(path.join(os.tmpdir(), 'spector-zod-'))
    try {
      const zodDir = async (version: string) => {
        const { stdout } = await run('npm', ['pack', `zod@${version}`, '--silent', '--pack-destination', packs], { cwd: packs })
        const dir = path.join(packs, version)
        fs.mkdirSync(dir)
        await run('tar', ['xzf', path.join(packs, stdout.trim()), '-C', dir, '--strip-components=1'])
        return dir
      }
      const project = createTempProject('zod3', { zodDir: await zodDir('3.25.76') })
      projects.push(project)
      fs.writeFileSync(path.join(project.dir, 'main.ts'), app(''))
      fs.writeFileSync(
        path.join(project.dir, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { ...setups[0]!.compilerOptions }, include: ['main.ts', 'generated/**/*', 'src/**/*'] }, null, 2),
      )
      project.writeSchema(exampleModels())
      project.generateOk()
      assert.match(fs.readFileSync(path.join(project.spectorDir, 'Item.ts'), 'utf8'), /^import \{ z \} from 'zod\/v4'$/m)
      assert.equal(await tsc(project), '')

      const old = createTempProject('zod324', { zodDir: await zodDir('3.24.2') })
      projects.push(old)
      old.writeSchema(exampleModels())
      const outcome = old.generate()
      assert.equal(outcome.ok, false)
      assert.match(outcome.stderr, /zod 3\.24\.2 is installed, but the generated code needs zod >=3\.25/)
    } finally {
      fs.rmSync(packs, { recursive: true, force: true })
    }
  })
})
