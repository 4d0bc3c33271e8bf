/**
 * The import extension and module format the spector generator takes from the `prisma-client`
 * generator: its own settings when given, else Prisma's inference from the tsconfig nearest the
 * client's output folder (issue 11 §1: `.ts` imports fail tsc under bundler, nodenext and CommonJS).
 */
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, test } from 'vitest'
import { clientModuleSettings } from '../../generator/clientModuleSettings.ts'
import { SpectorGeneratorError } from '../../generator/errors.ts'
import { nearestTsconfig, parseJsonc } from '../../generator/readTsconfig.ts'

const made: string[] = []
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

/** A temp project with these files; returns the client output folder inside it (not created). */
function projectWith(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spector-settings-'))
  made.push(dir)
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content))
  }
  return path.join(dir, 'generated/prisma')
}

const tsconfig = (compilerOptions: Record<string, unknown>) => ({ compilerOptions })

describe('clientModuleSettings: inferred as Prisma does', () => {
  test('no tsconfig: .ts imports, ES modules', () => {
    assert.deepEqual(clientModuleSettings({}, projectWith({})), { generatedFileExtension: 'ts', importFileExtension: 'ts', moduleFormat: 'esm' })
  })

  test('moduleResolution bundler (tsc --init, Vite, Next): no extension', () => {
    const out = projectWith({ 'tsconfig.json': tsconfig({ module: 'ESNext', moduleResolution: 'Bundler' }) })
    assert.deepEqual(clientModuleSettings({}, out), { generatedFileExtension: 'ts', importFileExtension: '', moduleFormat: 'esm' })
  })

  test('module commonjs: no extension, CommonJS', () => {
    const out = projectWith({ 'tsconfig.json': tsconfig({ module: 'commonjs' }) })
    assert.deepEqual(clientModuleSettings({}, out), { generatedFileExtension: 'ts', importFileExtension: '', moduleFormat: 'cjs' })
  })

  test('nodenext: .js imports; the nearest package.json type decides the format', () => {
    const esm = projectWith({ 'tsconfig.json': tsconfig({ module: 'nodenext' }), 'package.json': { type: 'module' } })
    assert.deepEqual(clientModuleSettings({}, esm), { generatedFileExtension: 'ts', importFileExtension: 'js', moduleFormat: 'esm' })
    const cjs = projectWith({ 'tsconfig.json': tsconfig({ module: 'NodeNext' }), 'package.json': {} })
    assert.deepEqual(clientModuleSettings({}, cjs), { generatedFileExtension: 'ts', importFileExtension: 'js', moduleFormat: 'cjs' })
  })

  test('generatedFileExtension "mts" under nodenext imports .mjs; "cts" without tsconfig module is CommonJS', () => {
    const out = projectWith({ 'tsconfig.json': tsconfig({ module: 'nodenext' }), 'package.json': { type: 'module' } })
    assert.deepEqual(clientModuleSettings({ generatedFileExtension: 'mts' }, out), {
      generatedFileExtension: 'mts',
      importFileExtension: 'mjs',
      moduleFormat: 'esm',
    })
    assert.equal(clientModuleSettings({ generatedFileExtension: 'cts' }, projectWith({})).moduleFormat, 'cjs')
  })

  test('allowImportingTsExtensions or rewriteRelativeImportExtensions keep the generated extension', () => {
    const a = projectWith({ 'tsconfig.json': tsconfig({ module: 'nodenext', allowImportingTsExtensions: true }) })
    assert.equal(clientModuleSettings({}, a).importFileExtension, 'ts')
    const b = projectWith({ 'tsconfig.json': tsconfig({ module: 'nodenext', rewriteRelativeImportExtensions: true }) })
    assert.equal(clientModuleSettings({ generatedFileExtension: 'mts' }, b).importFileExtension, 'mts')
  })

  test('a tsconfig with comments and trailing commas, extending a file and a package', () => {
    const out = projectWith({
      'tsconfig.base.json': tsconfig({ module: 'ESNext', moduleResolution: 'bundler' }),
      'node_modules/@acme/tsconfig/node.json': tsconfig({ module: 'commonjs' }),
      'tsconfig.json': `{
        // the app
        "extends": "./tsconfig.base", /* merged under this one */
        "compilerOptions": { "strict": true, "paths": { "@/*": ["./src/*"], }, },
      }`,
      'sub/tsconfig.json': '{ "extends": "@acme/tsconfig/node.json" }',
    })
    assert.equal(clientModuleSettings({}, out).importFileExtension, '')
    assert.deepEqual(nearestTsconfig(path.join(path.dirname(path.dirname(out)), 'sub/deeper'))?.compilerOptions, { module: 'commonjs' })
    assert.deepEqual(parseJsonc('{ "a": "// not a comment", "b": [1, 2,], }'), { a: '// not a comment', b: [1, 2] })
  })
})

describe("clientModuleSettings: the client generator's own settings win", () => {
  test('importFileExtension, generatedFileExtension and moduleFormat as set', () => {
    const out = projectWith({ 'tsconfig.json': tsconfig({ moduleResolution: 'bundler' }) })
    assert.deepEqual(clientModuleSettings({ importFileExtension: 'js', generatedFileExtension: 'mts', moduleFormat: 'cjs' }, out), {
      generatedFileExtension: 'mts',
      importFileExtension: 'js',
      moduleFormat: 'cjs',
    })
  })

  test('a moduleFormat that is neither esm nor cjs is refused', () => {
    assert.throws(
      () => clientModuleSettings({ moduleFormat: 'umd' }, projectWith({})),
      (e: unknown) => e instanceof SpectorGeneratorError && /moduleFormat is "umd"; expected "esm" or "cjs"/.test(e.message),
    )
  })
})
