/**
 * Test-database harness for the integration tests.
 *
 * Each test creates its own database with `createTestDatabase(provider, await createScript(schema, provider))`
 * and removes it with `drop()` when done. The Prisma adapter factory on the handle is for
 * `new PrismaClient({ adapter })`; the client owns that pool and must be `$disconnect()`ed before
 * `drop()`. The harness only owns the plain-driver connections behind `exec` / `query`.
 *
 * Servers: PostgreSQL at 127.0.0.1:5432 (user root, trust auth), MariaDB at 127.0.0.1:3306
 * (user root, empty password). SQLite databases are files under `os.tmpdir()/spector-tests/`.
 *
 * Placeholders in `query(sql, params)` are the plain driver's own: `?` for SQLite and MariaDB,
 * `$1, $2, ...` for PostgreSQL.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import * as mariadb from 'mariadb'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaMariaDb } from '@prisma/adapter-mariadb'
import { spectorAdapter } from 'prisma-spector'
import { diffCreateScript } from '../../prisma/schemaEngine.ts'

export type Provider = 'sqlite' | 'postgresql' | 'mysql'

export const allProviders: Provider[] = ['sqlite', 'postgresql', 'mysql']

const PROVIDER_ALIASES: Record<string, Provider> = {
  sqlite: 'sqlite',
  postgresql: 'postgresql',
  postgres: 'postgresql',
  mysql: 'mysql',
  mariadb: 'mysql',
}

/** From env SPECTOR_TEST_PROVIDERS (comma list; 'mariadb' accepted as alias of 'mysql'), default all three. */
export function providersUnderTest(): Provider[] {
  const raw = process.env['SPECTOR_TEST_PROVIDERS']?.trim()
  if (!raw) return [...allProviders]
  const result: Provider[] = []
  for (const part of raw.split(',')) {
    const key = part.trim().toLowerCase()
    if (key === '') continue
    const provider = PROVIDER_ALIASES[key]
    if (!provider) {
      throw new Error(`SPECTOR_TEST_PROVIDERS: unknown provider "${part.trim()}" (expected a comma list of sqlite, postgresql, mysql/mariadb)`)
    }
    if (!result.includes(provider)) result.push(provider)
  }
  return result.length > 0 ? result : [...allProviders]
}

const DATASOURCE_BLOCK = /datasource\s+(\w+)\s*\{([^}]*)\}/
const PROVIDER_PROPERTY = /(\bprovider\s*=\s*)"[^"]*"/

/**
 * Returns the schema text with the datasource provider replaced (the schema has
 * `datasource db { provider = "..." }` and no url).
 *
 * A datasource block written on one line is also expanded onto several lines, because the
 * Prisma schema parser rejects `datasource db { provider = "sqlite" }` on a single line.
 */
export function withProvider(schemaText: string, provider: Provider): string {
  const match = DATASOURCE_BLOCK.exec(schemaText)
  if (!match) throw new Error('withProvider: the schema has no `datasource` block')
  const [block, name, body = ''] = match
  if (!PROVIDER_PROPERTY.test(body)) throw new Error('withProvider: the datasource block has no `provider = "..."`')
  let newBody = body.replace(PROVIDER_PROPERTY, `$1"${provider}"`)
  if (!newBody.includes('\n')) newBody = `\n  ${newBody.trim()}\n`
  return `${schemaText.slice(0, match.index)}datasource ${name} {${newBody}}${schemaText.slice(match.index + block.length)}`
}

const scriptCache = new Map<string, Promise<string>>()

/**
 * The CREATE script (SQL text) for the schema on that provider, produced by
 * @prisma/schema-engine-wasm's diff from empty to the datamodel with `script: true`.
 * The schema's datasource provider is replaced by `provider` first (see `withProvider`).
 * Results are cached in memory per (provider, schemaText).
 *
 * Rejects for 'mysql': the wasm engine has no MySQL support (see schema-engine.ts).
 */
export function createScript(schemaText: string, provider: Provider): Promise<string> {
  const key = `${provider}\u0000${schemaText}`
  let script = scriptCache.get(key)
  if (!script) {
    script = diffCreateScript(withProvider(schemaText, provider), provider)
    scriptCache.set(key, script)
    // Do not cache failures: a later call may succeed (e.g. once the server is up).
    script.catch(() => scriptCache.delete(key))
  }
  return script
}

export interface TestDatabase {
  provider: Provider
  /** The database name (or, for SQLite, the file path). */
  name: string
  /** file:... for SQLite, postgresql://root@127.0.0.1:5432/<name>, mysql://root@127.0.0.1:3306/<name>. */
  url: string
  /** A Prisma 7 driver adapter factory for the database: pass to `new PrismaClient({ adapter })`. */
  adapter: PrismaBetterSqlite3 | PrismaPg | PrismaMariaDb
  /** Runs raw SQL (possibly several statements) with the plain driver. */
  exec(sql: string): Promise<void>
  /** Plain-driver read; placeholders are the driver's own (`?`, or `$1` on PostgreSQL). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>
  /** Drops the database / deletes the file and closes the plain-driver connections. Idempotent. */
  drop(): Promise<void>
}

export interface TestDatabaseOptions {
  /** Maximum connections of the Prisma adapter's pool (PostgreSQL `max`, MariaDB `connectionLimit`). Default 4. */
  adapterPoolSize?: number
}

/**
 * The adapter factory as the tests hand it to Prisma: wrapped with `spectorAdapter` when
 * SPECTOR_TEST_ADAPTER=spector (vitest's `int-direct` project runs the write-path suites so, every
 * create and known-record command taking the direct write), as it is otherwise.
 */
function testAdapter<F extends PrismaBetterSqlite3 | PrismaPg | PrismaMariaDb>(factory: F): F {
  return process.env['SPECTOR_TEST_ADAPTER'] === 'spector' ? spectorAdapter(factory) : factory
}

const PG = { host: '127.0.0.1', port: 5432, user: 'root' } as const
const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root', password: '' } as const
const DEFAULT_ADAPTER_POOL_SIZE = 4

function uniqueName(): string {
  return `spector_t_${randomBytes(6).toString('hex')}`
}

/** Creates a fresh uniquely named database (prefix `spector_t_` + random), applies createSql, returns the handle. */
export async function createTestDatabase(provider: Provider, createSql: string, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const poolSize = options.adapterPoolSize ?? DEFAULT_ADAPTER_POOL_SIZE
  switch (provider) {
    case 'sqlite':
      return createSqlite(createSql)
    case 'postgresql':
      return createPostgres(createSql, poolSize)
    case 'mysql':
      return createMysql(createSql, poolSize)
    default: {
      const never: never = provider
      throw new Error(`createTestDatabase: unknown provider ${String(never)}`)
    }
  }
}

/** Runs `drop` only once, however often it is called; later calls await the first. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined
  return () => (running ??= fn())
}

// ---------------------------------------------------------------- SQLite

const SQLITE_DIR = join(tmpdir(), 'spector-tests')

async function createSqlite(createSql: string): Promise<TestDatabase> {
  mkdirSync(SQLITE_DIR, { recursive: true })
  const file = join(SQLITE_DIR, `${uniqueName()}.db`)
  const url = `file:${file}`
  // timeout 0: the only other writer is a Prisma client in this same thread, which cannot
  // finish while we busy-wait, so fail with SQLITE_BUSY at once instead of freezing for 5 s.
  const db = new Database(file, { timeout: 0 })
  const drop = once(async () => {
    if (db.open) db.close()
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(file + suffix, { force: true })
  })
  try {
    db.exec(createSql)
  } catch (error) {
    await drop()
    throw error
  }
  return {
    provider: 'sqlite',
    name: file,
    url,
    adapter: testAdapter(new PrismaBetterSqlite3({ url })),
    async exec(sql) {
      db.exec(sql)
    },
    async query<T>(sql: string, params: unknown[] = []) {
      return db.prepare(sql).all(...params) as T[]
    },
    drop,
  }
}

// ---------------------------------------------------------------- PostgreSQL

let pgAdmin: pg.Pool | undefined

/** A one-connection pool on database `postgres` for CREATE/DROP DATABASE; it never keeps the process alive. */
function pgAdminPool(): pg.Pool {
  if (!pgAdmin) {
    pgAdmin = new pg.Pool({ ...PG, database: 'postgres', max: 1, idleTimeoutMillis: 2000, allowExitOnIdle: true })
    pgAdmin.on('error', () => {}) // an idle admin client dropped by the server is simply replaced
  }
  return pgAdmin
}

async function createPostgres(createSql: string, poolSize: number): Promise<TestDatabase> {
  const name = uniqueName()
  const url = `postgresql://${PG.user}@${PG.host}:${PG.port}/${name}`
  await pgAdminPool().query(`CREATE DATABASE "${name}"`)
  const pool = new pg.Pool({ ...PG, database: name, max: 2, allowExitOnIdle: true })
  pool.on('error', () => {})
  const drop = once(async () => {
    await pool.end()
    // FORCE terminates connections a test left open (e.g. a PrismaClient not disconnected).
    await pgAdminPool().query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  })
  try {
    await pool.query(createSql)
  } catch (error) {
    await drop()
    throw error
  }
  return {
    provider: 'postgresql',
    name,
    url,
    adapter: testAdapter(new PrismaPg({ connectionString: url, max: poolSize })),
    async exec(sql) {
      await pool.query(sql)
    },
    async query<T>(sql: string, params: unknown[] = []) {
      const result = await pool.query(sql, params)
      return result.rows as T[]
    },
    drop,
  }
}

// ---------------------------------------------------------------- MariaDB / MySQL

/** Runs `fn` on a fresh server-level connection (no default database) and closes it afterwards. */
async function withMysqlAdmin<T>(fn: (conn: mariadb.Connection) => Promise<T>): Promise<T> {
  const conn = await mariadb.createConnection({ ...MYSQL })
  try {
    return await fn(conn)
  } finally {
    await conn.end().catch(() => conn.destroy())
  }
}

async function dropMysqlDatabase(name: string): Promise<void> {
  await withMysqlAdmin(async (conn) => {
    // DROP DATABASE only waits when another session holds a metadata lock (an open
    // transaction on one of its tables). If that happens, kill those sessions and retry.
    await conn.query('SET SESSION lock_wait_timeout = 2')
    try {
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``)
    } catch (error) {
      const sessions: { ID: number | bigint }[] = await conn.query('SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()', [
        name,
      ])
      for (const { ID } of sessions) await conn.query(`KILL CONNECTION ${String(ID)}`).catch(() => {})
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``).catch((retryError: unknown) => {
        throw new Error(`could not drop MariaDB database ${name}: ${String(retryError)}`, { cause: error })
      })
    }
  })
}

async function createMysql(createSql: string, poolSize: number): Promise<TestDatabase> {
  const name = uniqueName()
  const url = `mysql://${MYSQL.user}@${MYSQL.host}:${MYSQL.port}/${name}`
  await withMysqlAdmin((conn) => conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`))
  // One plain-driver connection (the driver queues commands on it), opened here and closed by drop().
  let conn: mariadb.Connection | undefined
  const drop = once(async () => {
    if (conn) await conn.end().catch(() => conn?.destroy())
    await dropMysqlDatabase(name)
  })
  try {
    conn = await mariadb.createConnection({ ...MYSQL, database: name, multipleStatements: true })
    await conn.query(createSql)
  } catch (error) {
    await drop()
    throw error
  }
  const plain = conn
  return {
    provider: 'mysql',
    name,
    url,
    adapter: testAdapter(new PrismaMariaDb({ ...MYSQL, database: name, connectionLimit: poolSize })),
    async exec(sql) {
      await plain.query(sql)
    },
    async query<T>(sql: string, params: unknown[] = []) {
      const rows: unknown = await plain.query(sql, params)
      return (Array.isArray(rows) ? [...rows] : []) as T[]
    },
    drop,
  }
}
