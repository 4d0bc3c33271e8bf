/**
 * Loads @prisma/schema-engine-wasm (once per process) and turns a Prisma schema
 * into the SQL script that creates it from an empty database, using the
 * engine's `diff` from `{ tag: 'empty' }` to `{ tag: 'schemaDatamodel' }`.
 *
 * Loading: the package's main entry (`schema_engine.js`) does
 * `import * as wasm from "./schema_engine_bg.wasm"`, which Node cannot import
 * without --experimental-wasm-modules. So we import the JS glue
 * (`schema_engine_bg.js`, exported as `@prisma/schema-engine-wasm/schema_engine_bg`),
 * instantiate `schema_engine_bg.wasm` ourselves with the glue module as the
 * import object for './schema_engine_bg.js', hand the instance's exports to the
 * glue with `__wbg_set_wasm`, and call `__wbindgen_start`.
 *
 * The engine needs a migration-aware driver adapter factory wrapped with
 * `bindMigrationAwareSqlAdapterFactory`. Only PostgreSQL and SQLite are compiled
 * into this wasm build: it has no MySQL "flavour". With a MySQL adapter the
 * engine panics ("Unsupported adapter provider: Mysql") and the panic surfaces as
 * an uncaught `RuntimeError: unreachable` that kills the process; with a MySQL
 * schema and any other adapter it rejects with "`mysql` is not a supported
 * connector." So MySQL is refused here before the engine is touched.
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import * as engineGlue from '@prisma/schema-engine-wasm/schema_engine_bg'
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg'
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils'
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'

export type EngineProvider = 'sqlite' | 'postgresql' | 'mysql'

/** Where the engine diff connects for PostgreSQL (any existing database will do; nothing is written). */
export const PG_ENGINE_URL = 'postgresql://root@127.0.0.1:5432/postgres'

interface GlueInternals {
  __wbg_set_wasm(exports: WebAssembly.Exports): void
}

interface PanicRegistry {
  set_message(message: string): void
}

let lastPanic: string | undefined
let loaded: Promise<typeof engineGlue> | undefined

function loadEngine(): Promise<typeof engineGlue> {
  loaded ??= (async () => {
    // The glue reports Rust panics through this global (the Prisma CLI installs it).
    const g = globalThis as unknown as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry }
    g.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message(message: string) {
        lastPanic = message
        process.emitWarning(`schema-engine-wasm panicked: ${message}`)
      },
    }
    const require = createRequire(import.meta.url)
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')
    const bytes = await readFile(gluePath.replace(/\.js$/, '.wasm'))
    const { instance } = await WebAssembly.instantiate(bytes, {
      './schema_engine_bg.js': engineGlue as unknown as WebAssembly.ModuleImports,
    })
    ;(engineGlue as unknown as GlueInternals).__wbg_set_wasm(instance.exports)
    const start = instance.exports['__wbindgen_start']
    if (typeof start === 'function') start()
    return engineGlue
  })()
  return loaded
}

/** The git hash the loaded wasm engine reports. */
export async function schemaEngineVersion(): Promise<string> {
  return (await loadEngine()).version()
}

// One engine call at a time: a panic poisons the whole wasm instance, and there is
// nothing to gain from concurrency on a 2-core machine.
let queue: Promise<unknown> = Promise.resolve()
function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn)
  queue = run.catch(() => undefined)
  return run
}

/**
 * Runs the engine's diff empty -> datamodel with `script: true`.
 * `schemaText`'s datasource provider must already be `provider`.
 */
export function diffCreateScript(schemaText: string, provider: EngineProvider): Promise<string> {
  if (provider === 'mysql') {
    return Promise.reject(
      new Error(
        'createScript(mysql): @prisma/schema-engine-wasm has no MySQL support in this build ' +
          '(only the postgres and sqlite flavours are compiled in). A MySQL adapter makes the engine ' +
          'panic with "Unsupported adapter provider: Mysql" (uncatchable, kills the process); a ' +
          'mysql schema with another adapter fails with "`mysql` is not a supported connector."',
      ),
    )
  }
  return serialized(async () => {
    const glue = await loadEngine()
    let pool: pg.Pool | undefined
    let factory: SqlMigrationAwareDriverAdapterFactory
    if (provider === 'postgresql') {
      // We own this pool (PrismaPg does not end external pools) and end it below.
      pool = new pg.Pool({ connectionString: PG_ENGINE_URL, max: 1, allowExitOnIdle: true })
      factory = new PrismaPg(pool)
    } else {
      factory = new PrismaBetterSqlite3({ url: ':memory:' })
    }
    let engine: SchemaEngine | undefined
    const logs: string[] = []
    try {
      lastPanic = undefined
      engine = await glue.SchemaEngine.new(
        { datamodels: [['schema.prisma', schemaText]] },
        (line: string) => {
          logs.push(line)
        },
        bindMigrationAwareSqlAdapterFactory(factory),
      )
      const result = await engine.diff({
        from: { tag: 'empty' },
        to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schemaText }] },
        script: true,
        exitCode: null,
        filters: { externalTables: [], externalEnums: [] },
      })
      if (result.stdout == null) throw new Error(`schema engine diff returned no script (exitCode ${result.exitCode})`)
      return result.stdout
    } catch (error) {
      const detail = lastPanic ? ` (panic: ${lastPanic})` : ''
      throw new Error(`schema-engine-wasm diff failed for ${provider}${detail}: ${String(error)}`, { cause: error })
    } finally {
      engine?.free()
      await pool?.end()
    }
  })
}
