/**
 * The package as npm ships it: `npm pack` of this repository, unpacked into the node_modules of a
 * throwaway project, as `npm install prisma-spector` would leave it. Two kinds of project use it:
 * CommonJS with TypeScript's `moduleResolution: node` (the node10 resolution that needs the
 * top-level `types`/`typesVersions`), and ESM with `nodenext`. In each, `tsc` must find the types
 * and the emitted JavaScript must load the package with Node: `require('prisma-spector')` through
 * require(esm) (Node >= 20.19, the package's engines), `import` natively.
 *
 * The pack skips the `prepack` build (--ignore-scripts): a build wipes dist/, which the suites running
 * beside this one load. `npm test` builds first; `npm run lint:package` packs with the build.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, test } from 'vitest'
import { repoRoot } from './generator/project.ts'

/** What the package needs from node_modules besides itself (peers and dependencies, and types for tsc). */
const linkedModules = ['@prisma', '@types', 'zod', 'uuidv7']
const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc')

let packed: string
let workspace: string

beforeAll(() => {
  workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'spector-package-')))
  const json = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', workspace], { cwd: repoRoot, encoding: 'utf8' })
  packed = path.join(workspace, (JSON.parse(json) as { filename: string }[])[0]!.filename)
})

afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }))

/** A project with `files`, prisma-spector unpacked from the tarball and its dependencies linked. */
function project(name: string, files: Record<string, string>): string {
  const dir = path.join(workspace, name)
  const installed = path.join(dir, 'node_modules/prisma-spector')
  fs.mkdirSync(installed, { recursive: true })
  execFileSync('tar', ['-xzf', packed, '-C', installed, '--strip-components=1'])
  for (const module of linkedModules) fs.symlinkSync(path.join(repoRoot, 'node_modules', module), path.join(dir, 'node_modules', module), 'dir')
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), text)
  }
  return dir
}

/** Runs tsc in `dir`; fails with its diagnostics. */
function typecheck(dir: string): void {
  try {
    execFileSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8' })
  } catch (error) {
    assert.fail(`tsc failed in ${path.basename(dir)}:\n${(error as { stdout?: string }).stdout}`)
  }
}

const node = (dir: string, file: string) => JSON.parse(execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' })) as Record<string, unknown>

/** Uses values and types from both entry points; the @ts-expect-error lines fail if the types are `any`. */
const usage = (importLines: string) => `${importLines}

const hasher = new EventHasher()
const algorithm: HashAlgorithm = hasher.algorithm
// @ts-expect-error the algorithm is a string union, not a number
const wrong: number = hasher.algorithm
const kind: ChainBreakKind = 'duplicated'
const error = new SpectorConfigurationError('Item', 'not set up')
console.log(JSON.stringify({ algorithm, kind, canonical: canonicalJson({ b: 1, a: [2] }), code: error.code, spectorError: error instanceof SpectorError, generator: typeof onGenerate, wrong: typeof wrong }))
`

const expected = {
  algorithm: 'sha256',
  kind: 'duplicated',
  canonical: '{"a":[2],"b":1}',
  code: 'SPECTOR_CONFIGURATION',
  spectorError: true,
  generator: 'function',
  wrong: 'string',
}

describe('the packed package', () => {
  test('holds the built entry points, the types, LICENSE and README, and no sources or tests', () => {
    const listing = execFileSync('tar', ['-tzf', packed], { encoding: 'utf8' }).split('\n').filter(Boolean)
    for (const file of [
      'package/LICENSE',
      'package/README.md',
      'package/package.json',
      'package/dist/extension/index.js',
      'package/dist/extension/index.d.ts',
      'package/dist/generator/handler.js',
      'package/dist/generator/bin.js',
      'package/dist/extension/cli/spector.js',
    ]) {
      assert.ok(listing.includes(file), `${file} is packed`)
    }
    assert.deepEqual(
      listing.filter((f) => /\.test\.|^package\/(extension|generator|test)\//.test(f)),
      [],
    )
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', packed, 'package/package.json'], { encoding: 'utf8' }))
    assert.equal(manifest.peerDependencies.zod, '>=3.25 <5')
    assert.equal(manifest.dependencies.zod, undefined)
    for (const [name, range] of Object.entries(manifest.dependencies as Record<string, string>)) assert.match(range, /^[\^~>]/, `${name} is a range`)
  })

  test('a CommonJS project with moduleResolution node finds the types, and require() loads the package', () => {
    const dir = project('commonjs', {
      'package.json': JSON.stringify({ name: 'consumer-cjs', private: true, type: 'commonjs' }),
      'tsconfig.json': JSON.stringify({
        compilerOptions: { module: 'commonjs', moduleResolution: 'node', target: 'es2022', strict: true, skipLibCheck: true, outDir: 'out', types: ['node'] },
        include: ['src'],
      }),
      'src/index.ts': usage(
        "import { EventHasher, SpectorConfigurationError, SpectorError, canonicalJson, type ChainBreakKind, type HashAlgorithm } from 'prisma-spector'\nimport { onGenerate } from 'prisma-spector/generator'",
      ),
      'plain.cjs':
        "const spector = require('prisma-spector')\nconsole.log(JSON.stringify({ hasher: typeof spector.EventHasher, generator: typeof require('prisma-spector/generator').onGenerate }))\n",
    })
    typecheck(dir)
    assert.match(fs.readFileSync(path.join(dir, 'out/index.js'), 'utf8'), /require\("prisma-spector"\)/)
    assert.deepEqual(node(dir, 'out/index.js'), expected)
    assert.deepEqual(node(dir, 'plain.cjs'), { hasher: 'function', generator: 'function' })
  })

  test('an ESM project with nodenext finds the types, and import loads the package', () => {
    const dir = project('nodenext', {
      'package.json': JSON.stringify({ name: 'consumer-esm', private: true, type: 'module' }),
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          verbatimModuleSyntax: true,
          skipLibCheck: true,
          outDir: 'out',
          types: ['node'],
        },
        include: ['src'],
      }),
      'src/index.ts': usage(
        "import { EventHasher, SpectorConfigurationError, SpectorError, canonicalJson, type ChainBreakKind, type HashAlgorithm } from 'prisma-spector'\nimport { onGenerate } from 'prisma-spector/generator'",
      ),
    })
    typecheck(dir)
    assert.match(fs.readFileSync(path.join(dir, 'out/index.js'), 'utf8'), /from 'prisma-spector'/)
    assert.deepEqual(node(dir, 'out/index.js'), expected)
  })
})
