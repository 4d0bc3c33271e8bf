/**
 * Which database the command line talks to and the Prisma driver adapter for it. The URL comes from
 * --url, else DATABASE_URL, else the datasource of the project's prisma.config.ts (read by
 * prismaConfig.ts as the Prisma CLI reads it). Before the adapter is made, the database is checked, so that a mistake reads as what it is at once: a missing SQLite file (the driver would
 * create an empty one), an unreachable MariaDB/MySQL server or a missing database (the pool would
 * retry for ~20 s and then report a pool timeout).
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { UsageError } from './commandLine.ts'
import { DatabaseSetupError } from './databaseSetupError.ts'
import { loadPrismaConfig } from './prismaConfig.ts'

/** The database URL and where it came from (for messages). */
export async function databaseUrl(given: string | undefined, cwd = process.cwd()): Promise<{ url: string; from: string }> {
  if (given) return { url: given, from: '--url' }
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, from: 'DATABASE_URL' }
  const config = await loadPrismaConfig(cwd)
  if (config?.url) return { url: config.url, from: path.relative(cwd, config.file) || config.file }
  throw new UsageError('no database: pass --url, set DATABASE_URL, or give prisma.config.ts a datasource url')
}

const projectRequire = (from: string) => createRequire(path.join(from, 'noop.js'))

/** A driver adapter for `url`, loaded from the project that holds the generated module (`from`). */
export async function adapterFor(url: string, from: string): Promise<unknown> {
  const require = projectRequire(from)
  const load = async (pkg: string) => {
    let resolved: string
    try {
      resolved = require.resolve(pkg)
    } catch {
      throw new UsageError(`${url.split(':')[0]} URLs need the ${pkg} package: npm install ${pkg}`)
    }
    return { module: await import(pathToFileURL(resolved).href), resolved }
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { PrismaPg } = (await load('@prisma/adapter-pg')).module
    return new PrismaPg({ connectionString: url })
  }
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) {
    const { module, resolved } = await load('@prisma/adapter-mariadb')
    const u = new URL(url)
    const config = {
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: u.pathname.slice(1),
    }
    await probeMariaDb(createRequire(resolved), config)
    return new module.PrismaMariaDb({ ...config, connectionLimit: 2 })
  }
  if (url.startsWith('file:')) {
    const file = sqliteFile(url)
    if (file !== ':memory:' && !fs.existsSync(file))
      throw new DatabaseSetupError(`no SQLite database at ${file} (from ${url}; relative paths start at ${process.cwd()})`)
    const { PrismaBetterSqlite3 } = (await load('@prisma/adapter-better-sqlite3')).module
    return new PrismaBetterSqlite3({ url })
  }
  throw new UsageError(`unsupported database URL ${url} (postgresql://, mysql://, mariadb:// or file:)`)
}

/** The path of a `file:` URL as the SQLite adapter opens it (query parameters off, relative to the cwd). */
function sqliteFile(url: string): string {
  const location = url.slice('file:'.length).replace(/\?.*$/, '')
  if (location.startsWith('//')) return fileURLToPath(url.replace(/\?.*$/, ''))
  return location === ':memory:' ? location : path.resolve(location)
}

/** One plain connection with a short timeout: says why the server cannot be used, within seconds. */
async function probeMariaDb(require: NodeJS.Require, config: { host: string; port: number; user: string; password: string; database: string }): Promise<void> {
  let mariadb: { createConnection(o: object): Promise<{ end(): Promise<void> }> }
  try {
    mariadb = require('mariadb')
  } catch {
    return // the adapter will say it
  }
  try {
    const connection = await mariadb.createConnection({ ...config, connectTimeout: 3000 })
    await connection.end()
  } catch (error) {
    const e = error as { code?: string; message: string }
    const where = `${config.host}:${config.port}`
    if (e.code === 'ER_BAD_DB_ERROR') throw new DatabaseSetupError(`database ${config.database} does not exist on ${where}`)
    if (e.code?.startsWith('ER_ACCESS_DENIED')) throw new DatabaseSetupError(`access denied for user ${config.user} on ${where}`)
    if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ER_CONNECTION_TIMEOUT'].includes(e.code ?? '') || /timeout/i.test(e.message)) {
      throw new DatabaseSetupError(`cannot reach ${where} (${e.code ?? e.message})`)
    }
    throw new DatabaseSetupError(`cannot use ${where}: ${e.message}`)
  }
}
