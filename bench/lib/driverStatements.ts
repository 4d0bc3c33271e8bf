/**
 * Statements counted at the database driver, below Prisma's adapter and beside the raw driver, so
 * that prisma-spector, plain Prisma, the raw driver and Emmett are counted the same way: each call
 * that sends one statement to the database (one round trip) counts once.
 *
 * - PostgreSQL: `pg` Client.query (the Prisma adapter's pool, the raw client, Emmett's pool).
 * - SQLite: better-sqlite3 Statement run / all / get / iterate (a statement prepared once and run
 *   many times, as the raw driver does, counts every run), and the native `sqlite3` module's
 *   run / all / get (Emmett).
 * - MariaDB: the `mariadb` driver's Connection query / prepareExecute / batch, the methods its
 *   promise API and its pool end in (the Prisma adapter runs statements with pool.execute and
 *   BEGIN / COMMIT with connection.query). The adapter may load its own copy of `mariadb`
 *   (node_modules/@prisma/adapter-mariadb/node_modules/mariadb): both copies are patched.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import Database from 'better-sqlite3'
import pg from 'pg'
import type { BenchProvider } from './harness.ts'

const require = createRequire(import.meta.url)

type Patch = [prototype: any, method: string]

/** The root folder of the `mariadb` package that a module at `fromFile` loads. */
function mariadbPackageDir(fromFile: string): string {
  let dir = path.dirname(createRequire(fromFile).resolve('mariadb'))
  for (;;) {
    const manifest = path.join(dir, 'package.json')
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'mariadb') return dir
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`bench: no mariadb package above ${fromFile}`)
    dir = parent
  }
}

let mariadbConnections: Promise<Set<any>> | undefined

/**
 * The `mariadb` Connection classes in use: the one the Prisma adapter loads and the one the bench
 * and the test harness load. `lib/connection.js` is the module both the CommonJS (3.4) and the ESM
 * (3.5) builds of the promise API import, so importing it by path yields the class they use.
 */
function mariadbConnectionClasses(): Promise<Set<any>> {
  mariadbConnections ??= (async () => {
    const dirs = new Set([mariadbPackageDir(require.resolve('@prisma/adapter-mariadb')), mariadbPackageDir(fileURLToPath(import.meta.url))])
    const classes = new Set<any>()
    for (const dir of dirs) classes.add((await import(pathToFileURL(path.join(dir, 'lib/connection.js')).href)).default)
    return classes
  })()
  return mariadbConnections
}

let sqliteStatement: any

/** better-sqlite3's Statement prototype (the package does not export the class). */
function betterSqliteStatementPrototype(): any {
  if (!sqliteStatement) {
    const db = new Database(':memory:')
    sqliteStatement = Object.getPrototypeOf(db.prepare('SELECT 1'))
    db.close()
  }
  return sqliteStatement
}

async function patchesFor(provider: BenchProvider): Promise<Patch[]> {
  switch (provider) {
    case 'postgresql':
      return [[pg.Client.prototype, 'query']]
    case 'sqlite': {
      const patches: Patch[] = ['run', 'all', 'get', 'iterate'].map((name) => [betterSqliteStatementPrototype(), name])
      try {
        const sqlite3 = require('sqlite3')
        for (const name of ['run', 'all', 'get']) patches.push([sqlite3.Database.prototype, name])
      } catch {
        // no native sqlite3: Emmett does not run either
      }
      return patches
    }
    case 'mysql':
      return [...(await mariadbConnectionClasses())].flatMap((Connection) =>
        ['query', 'prepareExecute', 'batch'].map((name): Patch => [Connection.prototype, name]),
      )
  }
}

/** Counts the statements the drivers of `provider` send while fn runs. */
export async function countDriverStatements(provider: BenchProvider, fn: () => Promise<unknown>): Promise<number> {
  const patches = await patchesFor(provider)
  let calls = 0
  const originals = patches.map(([proto, name]) => proto[name])
  patches.forEach(([proto, name], i) => {
    const original = originals[i]
    proto[name] = function (this: unknown, ...args: unknown[]) {
      calls++
      return original.apply(this, args)
    }
  })
  try {
    await fn()
  } finally {
    for (const [i, [proto, name]] of patches.entries()) proto[name] = originals[i]
  }
  return calls
}
