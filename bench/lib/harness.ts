/**
 * Bench databases: the bench schema (bench/schema.prisma) generated per provider with the test
 * harness (test/support/testSchemas.ts -> test/.generated/bench/<provider>/), a fresh database
 * per benchmark (test/support/databases.ts), the plain and the extended Prisma client (made with
 * `spectorAdapter`, as the README sets prisma-spector up, unless a scenario asks otherwise), and a
 * raw driver connection (pg / better-sqlite3 / mariadb) on the same database.
 */
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import Database from 'better-sqlite3'
import pg from 'pg'
import * as mariadb from 'mariadb'
import { createTestDatabase, type TestDatabase } from '../../test/support/databases.ts'
import { generatedRoot, loadPreparedSchema, prepareSchema, repoRoot } from '../../test/support/testSchemas.ts'
import { spectorAdapter } from 'prisma-spector'
import { QueryRecorder, recordingAdapter } from './counting.ts'

/** `mysql` is Prisma's provider name; the bench runs it on MariaDB (`@prisma/adapter-mariadb`). */
export type BenchProvider = 'sqlite' | 'postgresql' | 'mysql'

export const BENCH_SCHEMA = path.join(repoRoot, 'bench/schema.prisma')
export const BENCH_CHANGESETS = path.join(repoRoot, 'bench/changesets')

/** A provider as tables and charts name it: `mysql` is MariaDB here. */
export function providerLabel(provider: BenchProvider): string {
  return provider === 'mysql' ? 'mysql (MariaDB)' : provider
}

/** The bench schemas: `bench`, and `benchHashed`, the same with `@events(hashed=true)` (scenario 6). */
export type BenchSchema = 'bench' | 'benchHashed'

/**
 * Generates the bench schemas' Prisma clients and prisma-spector modules for each provider. No
 * MariaDB scenario uses the hashed schema (scenarios 6 and 9 skip MariaDB), so it is not generated
 * there: each generation costs seconds of a run.
 */
export async function prepareBenchSchemas(providers: BenchProvider[]): Promise<void> {
  const hashed = path.join(generatedRoot, 'benchHashed.prisma')
  fs.mkdirSync(generatedRoot, { recursive: true })
  fs.writeFileSync(hashed, fs.readFileSync(BENCH_SCHEMA, 'utf8').replace(/^\/\/\/ @events$/m, '/// @events(hashed=true)'))
  for (const provider of providers) {
    await prepareSchema('bench', BENCH_SCHEMA, BENCH_CHANGESETS, provider)
    if (provider !== 'mysql') await prepareSchema('benchHashed', hashed, BENCH_CHANGESETS, provider)
  }
}

export interface BenchModules {
  PrismaClient: new (options: object) => any
  spector: (options?: object) => any
  spectorSchema: { provider: string; models: readonly { metadata: any; codec: any; changeset: any }[] }
  createSql: string
}

const modules = new Map<string, Promise<BenchModules>>()

export function loadBenchModules(provider: BenchProvider, schema: BenchSchema = 'bench'): Promise<BenchModules> {
  let loaded = modules.get(`${schema}/${provider}`)
  if (!loaded) {
    const prepared = loadPreparedSchema(schema, provider)
    loaded = Promise.all([import(pathToFileURL(prepared.clientModule).href), import(pathToFileURL(prepared.spectorModule).href)]).then(([client, spector]) => ({
      PrismaClient: client.PrismaClient,
      spector: spector.spector,
      spectorSchema: spector.spectorSchema,
      createSql: prepared.createSql,
    }))
    modules.set(`${schema}/${provider}`, loaded)
  }
  return loaded
}

// ------------------------------------------------------------------------------- raw driver

/** One plain-driver connection: `$1` placeholders on PostgreSQL, `?` on SQLite and MariaDB. */
export interface RawDriver {
  provider: BenchProvider
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>
  run(sql: string, params?: unknown[]): Promise<void>
  /** Runs fn between BEGIN and COMMIT (ROLLBACK when it throws). */
  transaction<T>(fn: () => Promise<T>): Promise<T>
  close(): Promise<void>
}

/**
 * A RawDriver over `send`, which sends one statement and returns its rows: every driver takes the
 * same path for queries, writes and BEGIN / COMMIT / ROLLBACK.
 */
function rawDriverOver(provider: BenchProvider, send: (sql: string, params: unknown[]) => Promise<unknown[]>, close: () => Promise<void>): RawDriver {
  return {
    provider,
    async query<T>(sql: string, params: unknown[] = []) {
      return (await send(sql, params)) as T[]
    },
    async run(sql, params = []) {
      await send(sql, params)
    },
    async transaction(fn) {
      await send('BEGIN', [])
      try {
        const result = await fn()
        await send('COMMIT', [])
        return result
      } catch (error) {
        await send('ROLLBACK', [])
        throw error
      }
    },
    close,
  }
}

export async function openRawDriver(db: TestDatabase): Promise<RawDriver> {
  if (db.provider === 'postgresql') {
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    client.on('error', () => {})
    return rawDriverOver(
      'postgresql',
      async (sql, params) => (await client.query(sql, params)).rows,
      () => client.end(),
    )
  }
  if (db.provider === 'sqlite') {
    const sqlite = new Database(db.name)
    // Each statement is prepared once and reused, as an application on better-sqlite3 would.
    const statements = new Map<string, Database.Statement>()
    const prepare = (sql: string) => {
      let statement = statements.get(sql)
      if (!statement) statements.set(sql, (statement = sqlite.prepare(sql)))
      return statement
    }
    return rawDriverOver(
      'sqlite',
      async (sql, params) => {
        const statement = prepare(sql)
        if (statement.reader) return statement.all(...params)
        statement.run(...params)
        return []
      },
      async () => {
        sqlite.close()
      },
    )
  }
  if (db.provider === 'mysql') {
    // Text protocol (client-side placeholders), one round trip per statement: the driver's
    // ordinary query path. The adapter's own pool takes the binary protocol (execute) instead.
    const url = new URL(db.url)
    const connection = await mariadb.createConnection({
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1),
    })
    return rawDriverOver(
      'mysql',
      async (sql, params) => {
        const rows: unknown = await connection.query(sql, params)
        return Array.isArray(rows) ? [...rows] : []
      },
      () => connection.end(),
    )
  }
  throw new Error(`bench: provider ${db.provider} is not benchmarked`)
}

// ------------------------------------------------------------------------------- databases

export interface BenchContext {
  provider: BenchProvider
  db: TestDatabase
  modules: BenchModules
  /** Prisma without prisma-spector. */
  base: any
  /** Prisma with prisma-spector. */
  prisma: any
  raw: RawDriver
  /** Set when opened with `record: true`: the round trips of `base` and `prisma`. */
  recorder?: QueryRecorder
  /** A quoted identifier for raw SQL: `"Event"`, or `` `Event` `` on MariaDB. */
  q(identifier: string): string
  /** The raw driver's n-th placeholder: `$n` on PostgreSQL, `?` elsewhere. */
  p(n: number): string
}

export interface OpenOptions {
  /** Pool size of the Prisma adapter on PostgreSQL and MariaDB (default 4, as in the tests). */
  poolSize?: number
  /** Wrap the Prisma adapter to record every round trip (profiling only). */
  record?: boolean
  /** Options passed to `spector()`. */
  spectorOptions?: object
  /** Which bench schema (default `bench`). */
  schema?: BenchSchema
  /**
   * Make the clients with `spectorAdapter(adapter)`, as the README sets prisma-spector up (default
   * true): creates and known-record commands then write on Prisma's connection itself.
   */
  spectorAdapter?: boolean
}

const open = new Set<() => Promise<void>>()
const openNames = new Set<string>()

/** The names of the bench databases open right now. */
export function openDatabaseNames(): Set<string> {
  return new Set(openNames)
}

/** Drops every bench database still open (on Ctrl-C). */
export async function closeAll(): Promise<void> {
  await Promise.allSettled([...open].map((close) => close()))
}

/** A fresh database with the bench schema; `close()` disconnects and drops it. */
export async function openBench(provider: BenchProvider, options: OpenOptions = {}): Promise<BenchContext & { close(): Promise<void> }> {
  const modules = await loadBenchModules(provider, options.schema)
  const db = await createTestDatabase(provider, modules.createSql, { adapterPoolSize: options.poolSize ?? 4 })
  openNames.add(db.name)
  const recorder = options.record ? new QueryRecorder() : undefined
  const recorded = recorder ? recordingAdapter(db.adapter as any, recorder) : db.adapter
  const adapter = options.spectorAdapter === false ? recorded : spectorAdapter(recorded as any)
  const base = new modules.PrismaClient({ adapter })
  const prisma = base.$extends(modules.spector(options.spectorOptions))
  let raw: RawDriver
  try {
    await base.$connect()
    raw = await openRawDriver(db)
  } catch (error) {
    await base.$disconnect().catch(() => {})
    await db.drop()
    openNames.delete(db.name)
    throw error
  }
  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= (async () => {
      open.delete(close)
      await raw.close().catch(() => {})
      await base.$disconnect().catch(() => {})
      await db.drop()
      openNames.delete(db.name)
    })())
  open.add(close)
  return {
    provider,
    db,
    modules,
    base,
    prisma,
    raw,
    ...(recorder ? { recorder } : {}),
    q: (id) => (provider === 'mysql' ? `\`${id}\`` : `"${id}"`),
    p: (n) => (provider === 'postgresql' ? `$${n}` : '?'),
    close,
  }
}

/**
 * Whether the library under test has the `savepointEvery` option (it landed while the bench was
 * written): a client with savepointEvery 2 must append a savepoint within two updates.
 */
export async function supportsSavepointEvery(ctx: BenchContext): Promise<boolean> {
  try {
    const client = ctx.base.$extends(ctx.modules.spector({ savepointEvery: 2 }))
    const { id } = await client.item.create({ data: { name: 'probe', value: 0 } })
    for (let i = 0; i < 2; i++) await client.item.update({ where: { id }, data: { value: { increment: 1 } } })
    const { q, p } = ctx
    const rows = await ctx.raw.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ${q('Event')} WHERE ${q('recordId')} = ${p(1)} AND ${q('action')} = 'savepoint'`,
      [id],
    )
    return Number(rows[0]?.n ?? 0) > 0
  } catch {
    return false
  }
}

/** Runs fn on a fresh bench database and drops it afterwards. */
export async function withBench<T>(provider: BenchProvider, options: OpenOptions, fn: (ctx: BenchContext) => Promise<T>): Promise<T> {
  const ctx = await openBench(provider, options)
  try {
    return await fn(ctx)
  } finally {
    await ctx.close()
  }
}
