/**
 * Bench databases: the bench schema (bench/schema.prisma) generated per provider with the test
 * harness (test/support/testSchemas.ts -> test/.generated/bench/<provider>/), a fresh database
 * per benchmark (test/support/databases.ts), the plain and the extended Prisma client, and a raw
 * driver connection (pg / better-sqlite3) on the same database.
 */
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import Database from 'better-sqlite3'
import pg from 'pg'
import { createTestDatabase, type TestDatabase } from '../../test/support/databases.ts'
import { generatedRoot, loadPreparedSchema, prepareSchema, repoRoot } from '../../test/support/testSchemas.ts'
import { QueryRecorder, recordingAdapter } from './counting.ts'

export type BenchProvider = 'sqlite' | 'postgresql'

export const BENCH_SCHEMA = path.join(repoRoot, 'bench/schema.prisma')
export const BENCH_CHANGESETS = path.join(repoRoot, 'bench/changesets')

/** The bench schemas: `bench`, and `benchHashed`, the same with `@events(hashed=true)` (scenario 6). */
export type BenchSchema = 'bench' | 'benchHashed'

/** Generates the bench schemas' Prisma clients and prisma-spector modules for each provider. */
export async function prepareBenchSchemas(providers: BenchProvider[]): Promise<void> {
  const hashed = path.join(generatedRoot, 'benchHashed.prisma')
  fs.mkdirSync(generatedRoot, { recursive: true })
  fs.writeFileSync(hashed, fs.readFileSync(BENCH_SCHEMA, 'utf8').replace(/^\/\/\/ @events$/m, '/// @events(hashed=true)'))
  for (const provider of providers) {
    await prepareSchema('bench', BENCH_SCHEMA, BENCH_CHANGESETS, provider)
    await prepareSchema('benchHashed', hashed, BENCH_CHANGESETS, provider)
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

/** One plain-driver connection: `$1` placeholders on PostgreSQL, `?` on SQLite. */
export interface RawDriver {
  provider: BenchProvider
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>
  run(sql: string, params?: unknown[]): Promise<void>
  /** Runs fn between BEGIN and COMMIT (ROLLBACK when it throws). */
  transaction<T>(fn: () => Promise<T>): Promise<T>
  close(): Promise<void>
}

export async function openRawDriver(db: TestDatabase): Promise<RawDriver> {
  if (db.provider === 'postgresql') {
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    client.on('error', () => {})
    return {
      provider: 'postgresql',
      async query<T>(sql: string, params: unknown[] = []) {
        return (await client.query(sql, params)).rows as T[]
      },
      async run(sql, params = []) {
        await client.query(sql, params)
      },
      async transaction(fn) {
        await client.query('BEGIN')
        try {
          const result = await fn()
          await client.query('COMMIT')
          return result
        } catch (error) {
          await client.query('ROLLBACK')
          throw error
        }
      },
      close: () => client.end(),
    }
  }
  if (db.provider === 'sqlite') {
    const sqlite = new Database(db.name)
    const statements = new Map<string, Database.Statement>()
    const prepare = (sql: string) => {
      let statement = statements.get(sql)
      if (!statement) statements.set(sql, (statement = sqlite.prepare(sql)))
      return statement
    }
    return {
      provider: 'sqlite',
      async query<T>(sql: string, params: unknown[] = []) {
        return prepare(sql).all(...params) as T[]
      },
      async run(sql, params = []) {
        prepare(sql).run(...params)
      },
      async transaction(fn) {
        prepare('BEGIN').run()
        try {
          const result = await fn()
          prepare('COMMIT').run()
          return result
        } catch (error) {
          prepare('ROLLBACK').run()
          throw error
        }
      },
      async close() {
        sqlite.close()
      },
    }
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
  q(identifier: string): string
  p(n: number): string
}

export interface OpenOptions {
  /** PostgreSQL pool size of the Prisma adapter (default 4, as in the tests). */
  poolSize?: number
  /** Wrap the Prisma adapter to record every round trip (profiling only). */
  record?: boolean
  /** Options passed to `spector()`. */
  spectorOptions?: object
  /** Which bench schema (default `bench`). */
  schema?: BenchSchema
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
  const adapter = recorder ? recordingAdapter(db.adapter as any, recorder) : db.adapter
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
    q: (id) => `"${id}"`,
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
    const rows = await ctx.raw.query<{ n: number }>(`SELECT COUNT(*) AS n FROM "Event" WHERE "recordId" = ${ctx.p(1)} AND "action" = 'savepoint'`, [id])
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
