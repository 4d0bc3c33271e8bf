/**
 * Once per e2e run, before any e2e file: packs this checkout with `npm pack` (as a user would get
 * it from the registry) and installs that tarball into two shared dependency trees under the OS
 * temp folder, one per zod major the package must work with. Every e2e project then links its
 * node_modules to one of them, so a configuration costs a `prisma generate`, a `tsc` and a run,
 * not an install. Removed again when the run ends.
 *
 * The package under test comes only from the tarball. What the tarball does not ship and a user
 * installs beside it (prisma, @prisma/client, the SQLite and PostgreSQL adapters, typescript, tsx) is linked from
 * this checkout's node_modules: the same versions, no registry, no native rebuild.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import type { TestProject } from 'vitest/node'
import { dependencyTrees, repoRoot, type DependencyTreeName } from './paths.ts'

const run = promisify(execFile)

/** What a user installs next to prisma-spector, linked from this checkout. */
const linkedPackages = [
  'prisma',
  '@prisma/client',
  '@prisma/adapter-better-sqlite3',
  'better-sqlite3',
  '@prisma/adapter-pg',
  'pg',
  '@types/pg',
  'typescript',
  'tsx',
  '@types/node',
]

/** Commands of the linked packages a project runs, as `npm install` would link them. */
const linkedBins: Record<string, string> = {
  prisma: 'prisma/build/index.js',
  tsc: 'typescript/bin/tsc',
  tsx: 'tsx/dist/cli.mjs',
}

const npmFlags = ['--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--legacy-peer-deps', '--loglevel=error']

declare module 'vitest' {
  export interface ProvidedContext {
    /** The temp folder holding the tarball, the dependency trees and every project of this run. */
    e2eRoot: string
    /** The `npm pack` tarball of this checkout. */
    e2eTarball: string
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'spector-e2e-')))
  const tarball = await packCheckout(root)
  await Promise.all((Object.keys(dependencyTrees) as DependencyTreeName[]).map((name) => installTree(root, name, tarball)))
  project.provide('e2eRoot', root)
  project.provide('e2eTarball', tarball)
  return () => {
    if (!process.env.SPECTOR_E2E_KEEP) fs.rmSync(root, { recursive: true, force: true })
  }
}

/** `npm pack` of this checkout; builds first when the package has no prepack script doing it. */
async function packCheckout(root: string): Promise<string> {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }
  if (!manifest.scripts?.['prepack']) await run('npm', ['run', 'build'], { cwd: repoRoot })
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', root, '--loglevel=error'], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
  })
  // Lifecycle scripts (prepack) may print before the JSON.
  const packed = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>
  return path.join(root, packed[0]!.filename)
}

async function installTree(root: string, name: DependencyTreeName, tarball: string): Promise<void> {
  const dir = path.join(root, 'trees', name)
  fs.mkdirSync(dir, { recursive: true })
  const dependencies = { 'prisma-spector': `file:${tarball}`, zod: dependencyTrees[name].zod }
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `e2e-${name}`, private: true, dependencies }, null, 2))
  try {
    await run('npm', ['install', ...npmFlags], { cwd: dir, maxBuffer: 16 * 1024 * 1024 })
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string }
    throw new Error(`npm install in ${dir} failed:\n${e.stderr ?? ''}${e.stdout ?? ''}`, { cause: error })
  }
  const modules = path.join(dir, 'node_modules')
  // npm hoists a package's dependencies beside it, and code may rely on that (the spector CLI
  // loads the project's @prisma/config, a dependency of prisma): link those as well.
  const hoisted = linkedPackages.flatMap((name) => Object.keys(manifestOf(name).dependencies ?? {}))
  for (const name of [...linkedPackages, ...hoisted]) {
    const target = path.join(modules, name)
    if (fs.existsSync(target) || !fs.existsSync(path.join(repoRoot, 'node_modules', name))) continue
    fs.mkdirSync(path.dirname(target), { recursive: true })
    fs.symlinkSync(path.join(repoRoot, 'node_modules', name), target, 'dir')
  }
  fs.mkdirSync(path.join(modules, '.bin'), { recursive: true })
  for (const [bin, file] of Object.entries(linkedBins)) {
    const link = path.join(modules, '.bin', bin)
    if (!fs.existsSync(link)) fs.symlinkSync(path.join('..', file), link)
  }
}

function manifestOf(name: string): { dependencies?: Record<string, string> } {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }
}
