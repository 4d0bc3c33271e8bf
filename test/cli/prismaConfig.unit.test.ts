/**
 * Where the spector command line finds Prisma's config loader (issue: only where npm hoists
 * @prisma/config, so a pnpm project's prisma.config.ts was not read): from the project, else
 * through the project's prisma (pnpm keeps @prisma/config beside it in node_modules/.pnpm), with
 * an error that names every place looked at when neither has it. Packages here are stubs in
 * temp folders laid out as npm and pnpm lay them out.
 */
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, test } from 'vitest'
import { findPrismaConfigFile, PrismaConfigLoaderNotFound, projectDir, resolvePrismaConfigLoader } from '../../extension/cli/prismaConfig.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

function tempDir(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'spector-config-')))
  dirs.push(dir)
  return dir
}

/** A stub package at `dir`: package.json with `name` and an index.js entry. */
function stubPackage(dir: string, name: string): string {
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '7.10.1', main: 'index.js' }))
  fs.writeFileSync(path.join(dir, 'index.js'), 'module.exports = {}\n')
  return path.join(dir, 'index.js')
}

function symlink(target: string, at: string): void {
  fs.mkdirSync(path.dirname(at), { recursive: true })
  fs.symlinkSync(target, at, 'dir')
}

describe('resolvePrismaConfigLoader', () => {
  test('npm: @prisma/config hoisted into the project', () => {
    const project = tempDir()
    fs.writeFileSync(path.join(project, 'package.json'), '{}')
    const entry = stubPackage(path.join(project, 'node_modules/@prisma/config'), '@prisma/config')
    assert.equal(resolvePrismaConfigLoader([project]), entry)
  })

  test('pnpm: only prisma is linked into the project; @prisma/config is found beside it in the store', () => {
    const project = tempDir()
    fs.writeFileSync(path.join(project, 'package.json'), '{}')
    const store = path.join(project, 'node_modules/.pnpm/prisma@7.10.1/node_modules')
    stubPackage(path.join(store, 'prisma'), 'prisma')
    const entry = stubPackage(path.join(project, 'node_modules/.pnpm/@prisma+config@7.10.1/node_modules/@prisma/config'), '@prisma/config')
    symlink(path.join(project, 'node_modules/.pnpm/@prisma+config@7.10.1/node_modules/@prisma/config'), path.join(store, '@prisma/config'))
    symlink(path.join(store, 'prisma'), path.join(project, 'node_modules/prisma'))
    assert.throws(() => fs.accessSync(path.join(project, 'node_modules/@prisma/config')), 'not hoisted, as pnpm leaves it')
    assert.equal(resolvePrismaConfigLoader([project]), entry)
  })

  test('from a subfolder of the project (node resolution walks up)', () => {
    const project = tempDir()
    const entry = stubPackage(path.join(project, 'node_modules/@prisma/config'), '@prisma/config')
    fs.mkdirSync(path.join(project, 'packages/app'), { recursive: true })
    assert.equal(resolvePrismaConfigLoader([path.join(project, 'packages/app')]), entry)
  })

  test('neither: an error naming each place looked at', () => {
    const project = tempDir()
    const other = tempDir()
    assert.throws(
      () => resolvePrismaConfigLoader([project, path.join(other, 'cli.js')]),
      (error: unknown) => {
        assert.ok(error instanceof PrismaConfigLoaderNotFound)
        assert.deepEqual(error.lookedIn, [
          `@prisma/config from ${project}`,
          `@prisma/config beside prisma/package.json from ${project}`,
          `@prisma/config from ${path.join(other, 'cli.js')}`,
          `@prisma/config beside prisma/package.json from ${path.join(other, 'cli.js')}`,
        ])
        assert.match(error.message, /@prisma\/config \(installed with prisma\) was not found; looked for @prisma\/config from .*npm install -D prisma/)
        return true
      },
    )
  })
})

describe('the config file and the project', () => {
  test("Prisma's config file names, prisma7.config first", () => {
    const dir = tempDir()
    assert.equal(findPrismaConfigFile(dir), undefined)
    fs.mkdirSync(path.join(dir, '.config'))
    fs.writeFileSync(path.join(dir, '.config/prisma.ts'), '')
    assert.equal(findPrismaConfigFile(dir), path.join(dir, '.config/prisma.ts'))
    fs.writeFileSync(path.join(dir, 'prisma.config.mts'), '')
    assert.equal(findPrismaConfigFile(dir), path.join(dir, 'prisma.config.mts'))
    fs.writeFileSync(path.join(dir, 'prisma7.config.ts'), '')
    assert.equal(findPrismaConfigFile(dir), path.join(dir, 'prisma7.config.ts'))
  })

  test('projectDir: the nearest folder with a package.json', () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'package.json'), '{}')
    fs.mkdirSync(path.join(dir, 'src/deep'), { recursive: true })
    assert.equal(projectDir(path.join(dir, 'src/deep')), dir)
  })
})
