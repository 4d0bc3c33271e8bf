/**
 * One throwaway application for an e2e case: a folder under this run's temp root whose
 * node_modules links to a dependency tree that installed the packed prisma-spector (see
 * globalSetup.ts). It runs what a user runs — `prisma generate`, `tsc`, `node` or `tsx` — as
 * child processes, and creates its SQLite tables from its own schema, since `prisma migrate`
 * needs the native schema engine this machine cannot download.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { inject } from 'vitest'
import { diffCreateScript } from '../../../prisma/schemaEngine.ts'
import type { DependencyTreeName } from './paths.ts'

const run = promisify(execFile)

export interface CommandOutcome {
  /** The command line, for messages. */
  command: string
  code: number
  stdout: string
  stderr: string
}

export interface E2eProject {
  dir: string
  /** What every command gets as DATABASE_URL: the project's SQLite file, or the database the test made (see `databaseUrl` option). */
  databaseUrl: string
  write(relative: string, text: string): void
  read(relative: string): string
  exists(relative: string): boolean
  /**
   * Runs a command in the project folder, found as npm scripts and `npx` find it (node_modules/.bin
   * first, then PATH); never throws on a failed run. `env` entries set to undefined are removed.
   */
  run(command: string, args: string[], env?: Record<string, string | undefined>): Promise<CommandOutcome>
  /** Creates the tables of the project's schema (a file or a folder of .prisma files) in its SQLite database. */
  createTables(schemaPath: string): Promise<void>
  remove(): void
}

/** At most two child processes per test file at a time: the machine has two cores. */
const slots = { free: 2, waiting: [] as Array<() => void> }

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (slots.free === 0) await new Promise<void>((resolve) => slots.waiting.push(resolve))
  else slots.free--
  try {
    return await work()
  } finally {
    const next = slots.waiting.shift()
    if (next) next()
    else slots.free++
  }
}

export interface E2eProjectOptions {
  tree?: DependencyTreeName
  packageType?: 'module' | 'commonjs'
  /**
   * A database the test created and fills itself (a PostgreSQL one, say), given to every command
   * instead of the project's SQLite file; `createTables` is then not for this project.
   */
  databaseUrl?: string
}

export function createE2eProject(name: string, options: E2eProjectOptions = {}): E2eProject {
  const root = inject('e2eRoot')
  const tree = options.tree ?? 'zod4'
  const dir = path.join(root, 'apps', name)
  fs.mkdirSync(dir, { recursive: true })
  fs.symlinkSync(path.join(root, 'trees', tree, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: `bank-${name}`, private: true, type: options.packageType ?? 'module' }, null, 2)}\n`,
  )
  const databaseFile = path.join(dir, 'dev.db')
  const databaseUrl = options.databaseUrl ?? `file:${databaseFile}`

  const environment = (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      // Generation does not use the native schema engine; Prisma only needs the variable to point at an executable.
      PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
      NO_COLOR: '1',
      // As `npx` and npm scripts do: Prisma starts `provider = "prisma-spector"` through the PATH.
      // `node` is the one running the tests.
      PATH: [path.join(dir, 'node_modules/.bin'), path.dirname(process.execPath), process.env['PATH'] ?? ''].join(path.delimiter),
    }
    // Vitest's own loader options must not leak into the user's processes.
    delete env['NODE_OPTIONS']
    for (const [key, value] of Object.entries(extra)) {
      if (value === undefined) delete env[key]
      else env[key] = value
    }
    return env
  }

  const exec = (file: string, args: string[], env?: Record<string, string | undefined>): Promise<CommandOutcome> =>
    withSlot(async () => {
      const command = [file, ...args].join(' ')
      try {
        const { stdout, stderr } = await run(file, args, { cwd: dir, env: environment(env), maxBuffer: 16 * 1024 * 1024, timeout: 150_000 })
        return { command, code: 0, stdout, stderr }
      } catch (error) {
        const e = error as { code?: number | string; stdout?: string; stderr?: string }
        if (e.stdout === undefined) throw error
        return { command, code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout, stderr: e.stderr ?? '' }
      }
    })

  return {
    dir,
    databaseUrl,
    write(relative, text) {
      const file = path.join(dir, relative)
      fs.mkdirSync(path.dirname(file), { recursive: true })
      fs.writeFileSync(file, text)
    },
    read(relative) {
      return fs.readFileSync(path.join(dir, relative), 'utf8')
    },
    exists(relative) {
      return fs.existsSync(path.join(dir, relative))
    },
    run(command, args, env) {
      return exec(command, args, env)
    },
    async createTables(schemaPath) {
      if (options.databaseUrl) throw new Error(`createTables makes SQLite tables; ${name} runs on ${databaseUrl}, whose tables its test creates`)
      const absolute = path.join(dir, schemaPath)
      const files = fs.statSync(absolute).isDirectory()
        ? fs
            .readdirSync(absolute)
            .filter((file) => file.endsWith('.prisma'))
            .sort()
            .map((file) => path.join(absolute, file))
        : [absolute]
      const schemaText = files.map((file) => fs.readFileSync(file, 'utf8')).join('\n')
      const script = await diffCreateScript(schemaText, 'sqlite')
      const db = new Database(databaseFile)
      try {
        db.exec(script)
      } finally {
        db.close()
      }
    },
    remove() {
      // Removes the node_modules link, not the shared tree it points to.
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Fails with the command's whole output unless it exited 0; returns its stdout. */
export function expectSuccess(outcome: CommandOutcome): string {
  if (outcome.code !== 0) {
    throw new Error(`\`${outcome.command}\` exited ${outcome.code}:\n${outcome.stdout}\n${outcome.stderr}`.trimEnd())
  }
  return outcome.stdout
}
