/**
 * Counts what reaches the database through a driver adapter factory: each statement's first word
 * (and a write's table),
 * `BEGIN` when a transaction starts (the adapters send it inside `startTransaction`), and
 * `COMMIT`/`ROLLBACK` where the adapter sends them itself (`usePhantomQuery`). Prisma's statements
 * and prisma-spector's own on the adapter's connection are counted alike.
 */
type AnyObject = Record<string | symbol, any>

/** `BEGIN`, `SELECT`...; a write with its table: `INSERT Item`, `UPDATE suppliers`. */
function describe(sql: string): string {
  const write = /^\s*(INSERT\s+INTO|UPDATE)\s+(?:[`"]?\w+[`"]?\.)?[`"]?(\w+)/i.exec(sql)
  if (write) return `${write[1]!.split(/\s+/)[0]!.toUpperCase()} ${write[2]}`
  return sql.trim().split(/\s+/)[0]!.toUpperCase()
}

/** Methods of `target` called on `target` itself (adapters keep private fields), `wrap` for some. */
function around<T extends AnyObject>(target: T, wrap: (name: string, method: (...args: any[]) => any) => ((...args: any[]) => any) | undefined): T {
  return new Proxy(target, {
    get(obj, property) {
      const value: unknown = Reflect.get(obj, property, obj)
      if (typeof value !== 'function') return value
      const bound = (value as (...args: any[]) => any).bind(obj)
      return wrap(String(property), bound) ?? bound
    },
  })
}

export class StatementLog {
  sent: string[] = []

  /** Runs fn and returns what it sent. */
  async during<T>(fn: () => Promise<T>): Promise<{ result: T; sent: string[] }> {
    const before = this.sent.length
    const result = await fn()
    return { result, sent: this.sent.slice(before) }
  }

  /** The factory, counting on every connection it opens. */
  factory<F extends object>(factory: F): F {
    const queryable = <Q extends AnyObject>(target: Q, phantom: boolean): Q =>
      around(target, (name, method) => {
        if (name === 'queryRaw' || name === 'executeRaw') {
          return (query: { sql: string }) => {
            this.sent.push(describe(query.sql))
            return method(query)
          }
        }
        if (phantom && (name === 'commit' || name === 'rollback')) {
          return () => {
            this.sent.push(name.toUpperCase())
            return method()
          }
        }
        if (name === 'startTransaction') {
          return async (...args: unknown[]) => {
            const tx = await method(...args)
            this.sent.push('BEGIN')
            return queryable(tx, tx.options?.usePhantomQuery === true)
          }
        }
        return undefined
      })
    return around(factory as AnyObject, (name, method) => (name === 'connect' ? async () => queryable(await method(), false) : undefined)) as F
  }
}
