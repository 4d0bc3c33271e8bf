/**
 * What the numbers were measured on: the machine, the database servers and their durability
 * settings, the code under test, and signs of other load while the bench ran.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import * as mariadb from 'mariadb'
import { repoRoot } from '../../test/support/testSchemas.ts'

export interface MachineInfo {
  nproc: number
  cpuModel: string
  memoryGiB: number
  os: string
  node: string
  postgres?: { version: string; synchronous_commit: string; fsync: string; wal_sync_method: string; shared_buffers: string }
  /** The settings that decide what a commit waits for (redo log flush, binary log sync). */
  mariadb?: {
    version: string
    innodb_flush_log_at_trx_commit: string
    sync_binlog: string
    log_bin: string
    innodb_doublewrite: string
    transaction_isolation: string
  }
  sqlite: { version: string; journal_mode: string; synchronous: string; note: string }
  prisma: string
  git: { commit: string; dirty: boolean; dirtyFiles: string[] }
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'))
    if (line) return line.split(':').slice(1).join(':').trim()
  } catch {}
  return os.cpus()[0]?.model ?? 'unknown'
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trimEnd()
  } catch {
    return ''
  }
}

function packageVersion(name: string): string {
  try {
    return JSON.parse(readFileSync(`${repoRoot}/node_modules/${name}/package.json`, 'utf8')).version
  } catch {
    return 'unknown'
  }
}

export const PG_SERVER = { host: '127.0.0.1', port: 5432, user: 'root', database: 'postgres' }
export const MARIADB_SERVER = { host: '127.0.0.1', port: 3306, user: 'root', password: '' }

/** The servers whose versions and durability settings the run records (those it uses). */
export interface MachineServers {
  postgres: boolean
  mariadb: boolean
}

export async function machineInfo(servers: MachineServers): Promise<MachineInfo> {
  const status = git(['status', '--porcelain'])
  const dirtyFiles = status
    ? status
        .split('\n')
        .map((l) => l.slice(3))
        .filter((f) => !f.startsWith('bench/results/'))
    : []
  // The pragmas a fresh database file gets, as the Prisma adapter opens it (better-sqlite3 defaults).
  const file = path.join(os.tmpdir(), `spector-bench-pragmas-${process.pid}.db`)
  const sqlite = new Database(file)
  const sqliteVersion = (sqlite.prepare('select sqlite_version() v').get() as { v: string }).v
  const journalMode = String(sqlite.pragma('journal_mode', { simple: true }))
  const synchronous = Number(sqlite.pragma('synchronous', { simple: true }))
  sqlite.close()
  rmSync(file, { force: true })
  const info: MachineInfo = {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel: cpuModel(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    sqlite: {
      version: sqliteVersion,
      journal_mode: journalMode,
      synchronous: ['off', 'normal', 'full', 'extra'][synchronous] ?? String(synchronous),
      note: 'better-sqlite3 defaults, used by scenarios 1-3; scenario 4 runs in WAL mode (Emmett switches its file to WAL) with synchronous=FULL on both sides',
    },
    prisma: packageVersion('@prisma/client'),
    git: { commit: git(['rev-parse', '--short', 'HEAD']) || 'unknown', dirty: dirtyFiles.length > 0, dirtyFiles },
  }
  if (servers.postgres) {
    const client = new pg.Client(PG_SERVER)
    await client.connect()
    try {
      const setting = async (name: string) => (await client.query(`SHOW ${name}`)).rows[0][name] as string
      info.postgres = {
        version: ((await client.query('SHOW server_version')).rows[0].server_version as string).split(' ')[0]!,
        synchronous_commit: await setting('synchronous_commit'),
        fsync: await setting('fsync'),
        wal_sync_method: await setting('wal_sync_method'),
        shared_buffers: await setting('shared_buffers'),
      }
    } finally {
      await client.end()
    }
  }
  if (servers.mariadb) {
    const connection = await mariadb.createConnection(MARIADB_SERVER)
    try {
      const rows: { Variable_name: string; Value: string }[] = await connection.query(
        `SHOW GLOBAL VARIABLES WHERE Variable_name IN ('version', 'innodb_flush_log_at_trx_commit', 'sync_binlog', 'log_bin', 'innodb_doublewrite', 'tx_isolation', 'transaction_isolation')`,
      )
      const setting = (...names: string[]) => rows.find((r) => names.includes(r.Variable_name))?.Value ?? 'unknown'
      info.mariadb = {
        version: setting('version'),
        innodb_flush_log_at_trx_commit: setting('innodb_flush_log_at_trx_commit'),
        sync_binlog: setting('sync_binlog'),
        log_bin: setting('log_bin'),
        innodb_doublewrite: setting('innodb_doublewrite'),
        transaction_isolation: setting('transaction_isolation', 'tx_isolation'),
      }
    } finally {
      await connection.end()
    }
  }
  return info
}

export interface LoadSample {
  at: string
  loadavg1: number
  /** Processes running node's test runner (`--test`): a concurrent `npm test`. */
  testProcesses: number
  /** Databases named like the test harness's, on PostgreSQL and MariaDB, that this bench did not create (a concurrent `npm test`). */
  otherTestDatabases: number | null
}

export async function loadSample(ownDatabases: () => Set<string>): Promise<LoadSample> {
  // Test databases on both servers: a concurrent test run may be limited to one provider.
  const names: string[] = []
  let reached = false
  try {
    const client = new pg.Client(PG_SERVER)
    await client.connect()
    try {
      const rows = (await client.query(`SELECT datname FROM pg_database WHERE datname LIKE 'spector_t_%'`)).rows as { datname: string }[]
      names.push(...rows.map((r) => r.datname))
      reached = true
    } finally {
      await client.end()
    }
  } catch {}
  try {
    const connection = await mariadb.createConnection({ ...MARIADB_SERVER, connectTimeout: 1000 })
    try {
      const rows: Record<string, string>[] = await connection.query(`SHOW DATABASES LIKE 'spector\\_t\\_%'`)
      names.push(...rows.map((r) => Object.values(r)[0]!))
      reached = true
    } finally {
      await connection.end()
    }
  } catch {}
  const own = ownDatabases()
  const otherTestDatabases = reached ? names.filter((name) => !own.has(name)).length : null
  return { at: new Date().toISOString(), loadavg1: Math.round(os.loadavg()[0]! * 100) / 100, testProcesses: testProcesses(), otherTestDatabases }
}

function testProcesses(): number {
  let count = 0
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
        if (/node$/.test(args[0] ?? '') && args.some((a) => a === '--test' || a.startsWith('--test-'))) count++
      } catch {}
    }
  } catch {}
  return count
}

/** Samples the load every `everyMs` until stopped; returns the samples. */
export function startLoadMonitor(ownDatabases: () => Set<string>, everyMs = 2000): { stop(): Promise<LoadSample[]> } {
  const samples: Promise<LoadSample>[] = []
  const timer = setInterval(() => samples.push(loadSample(ownDatabases)), everyMs)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      return Promise.all(samples)
    },
  }
}
