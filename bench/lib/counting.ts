/**
 * A driver-adapter wrapper that records every round trip Prisma makes: each query or statement
 * with its SQL text, how long the driver took and whether the database refused it. Used by the
 * profiling passes ("where the time goes") and by scenario 5, which counts rollbacks and refused
 * statements (each a command run again); the other timed scenarios run on the unwrapped adapter.
 *
 * `BEGIN` is counted when Prisma starts a transaction (the adapters issue it inside
 * `startTransaction`); `COMMIT`/`ROLLBACK` and nested SAVEPOINTs arrive as ordinary statements.
 */

export interface RoundTrip {
  sql: string
  ms: number
  /** The database refused it (a constraint, a conflict): the caller saw an error. */
  failed?: boolean
}

export class QueryRecorder {
  trips: RoundTrip[] = []
  recording = true

  record(sql: string, ms: number, failed = false): void {
    if (this.recording) this.trips.push(failed ? { sql, ms, failed } : { sql, ms })
  }

  /** Runs fn and returns the round trips it made, with its wall time. */
  async capture(fn: () => Promise<unknown>): Promise<{ trips: RoundTrip[]; wallMs: number }> {
    const before = this.trips.length
    const start = performance.now()
    await fn()
    const wallMs = performance.now() - start
    return { trips: this.trips.slice(before), wallMs }
  }

  clear(): void {
    this.trips = []
  }
}

type AnyObject = Record<string | symbol, any>

const TIMED = new Set(['queryRaw', 'executeRaw'])
const SAVEPOINTS: Record<string, (name: string) => string> = {
  createSavepoint: (name) => `SAVEPOINT ${name}`,
  releaseSavepoint: (name) => `RELEASE SAVEPOINT ${name}`,
  rollbackToSavepoint: (name) => `ROLLBACK TO SAVEPOINT ${name}`,
}

function wrapQueryable<T extends AnyObject>(target: T, recorder: QueryRecorder): T {
  return new Proxy(target, {
    get(obj, prop) {
      const value: any = Reflect.get(obj, prop, obj)
      if (typeof value !== 'function') return value
      const name = String(prop)
      if (TIMED.has(name)) {
        return async (query: { sql: string }) => {
          const start = performance.now()
          let failed = true
          try {
            const result = await value.call(obj, query)
            failed = false
            return result
          } finally {
            recorder.record(query.sql, performance.now() - start, failed)
          }
        }
      }
      if (name in SAVEPOINTS) {
        return async (savepoint: string) => {
          const start = performance.now()
          try {
            return await value.call(obj, savepoint)
          } finally {
            recorder.record(SAVEPOINTS[name]!(savepoint), performance.now() - start)
          }
        }
      }
      if (name === 'startTransaction') {
        return async (...args: unknown[]) => {
          const start = performance.now()
          const tx = await value.apply(obj, args)
          recorder.record('BEGIN', performance.now() - start)
          return wrapQueryable(tx, recorder)
        }
      }
      return value.bind(obj)
    },
  })
}

/** Wraps a Prisma driver-adapter factory (PrismaPg, PrismaBetterSqlite3, ...). */
export function recordingAdapter<F extends AnyObject>(factory: F, recorder: QueryRecorder): F {
  return new Proxy(factory, {
    get(obj, prop) {
      const value: any = Reflect.get(obj, prop, obj)
      if (prop === 'connect' && typeof value === 'function') {
        return async (...args: unknown[]) => wrapQueryable(await value.apply(obj, args), recorder)
      }
      return typeof value === 'function' ? value.bind(obj) : value
    },
  })
}

/** A short label for a statement: its verb and table, e.g. `INSERT Event RETURNING`, `SELECT Item FOR UPDATE`. */
export function statementLabel(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim()
  const verb = s.split(' ', 1)[0]!.toUpperCase()
  const ident = '(?:"[^"]+"|\\x60[^\\x60]+\\x60|\\w+)'
  const table = (keyword: string) => {
    const match = new RegExp(`\\b${keyword}\\s+(${ident}(?:\\.${ident})*)`, 'i').exec(s)
    return match
      ? match[1]!
          .split('.')
          .pop()!
          .replace(/["\x60]/g, '')
      : '?'
  }
  const returning = /\bRETURNING\b/i.test(s) ? ' RETURNING' : ''
  switch (verb) {
    case 'SELECT':
      return `SELECT ${table('FROM')}${/FOR UPDATE/i.test(s) ? ' FOR UPDATE' : /\bLIMIT\b/i.test(s) ? ' LIMIT' : ''}`
    case 'INSERT':
      return `INSERT ${table('INTO')}${returning}`
    case 'UPDATE':
      return `UPDATE ${table('UPDATE')}${returning}`
    case 'DELETE':
      return `DELETE ${table('FROM')}${returning}`
    default:
      return s.length > 40 ? `${s.slice(0, 40)}...` : s
  }
}
