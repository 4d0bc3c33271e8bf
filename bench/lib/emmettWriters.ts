/**
 * Emmett on PostgreSQL as concurrent writers use it (scenario 5): single-event appends with an
 * expected stream version, retried on a version conflict after reading what the stream gained.
 *
 * The store gets a pg pool of its own, sized like Prisma's in the same run (Emmett's default pool
 * has 10 connections: 16 writers would queue in Emmett's pool instead of at the database).
 *
 * Writers share what the process knows of each stream's version, as prisma-spector's writers
 * share one client's recent states: a writer appends at the version last seen by any of them,
 * reads the stream only when it knows nothing of it, and after a conflict reads only the events
 * after the version it expected (what a process keeping its state would read), then tries again.
 */
import { isExpectedVersionConflictError } from '@event-driven-io/emmett'
import pg from 'pg'

type EventStore = {
  appendToStream(stream: string, events: object[], options?: { expectedStreamVersion?: bigint }): Promise<{ nextExpectedStreamVersion: bigint }>
  readStream(
    stream: string,
    options?: { from?: bigint },
  ): Promise<{ currentStreamVersion: bigint; streamExists: boolean; events: { metadata: { streamPosition: bigint } }[] }>
  close(): Promise<void>
}

/** A conflict that never resolves would be a bug of the bench: give up (counted as an error) after this many tries. */
const MAX_TRIES = 1000

export class EmmettWriters {
  private readonly known = new Map<string, bigint>()

  private constructor(
    private readonly store: EventStore,
    private readonly pool: pg.Pool,
  ) {}

  /** The store on `url`, its schema created (outside any timing), on a pool of `poolSize` connections. */
  static async open(url: string, poolSize: number): Promise<EmmettWriters> {
    const { getPostgreSQLEventStore } = await import('@event-driven-io/emmett-postgresql')
    const pool = new pg.Pool({ connectionString: url, max: poolSize })
    // An idle connection the server ends (the database dropped after a failure) must not crash the bench.
    pool.on('error', () => {})
    const store = getPostgreSQLEventStore(url, { schema: { autoMigration: 'CreateOrUpdate' }, connectionOptions: { pool } } as any) as unknown as EventStore
    await store.readStream('emmett-writers-migration')
    return new EmmettWriters(store, pool)
  }

  /** Appends one event to `stream` at the version the process knows; the version conflicts it met on the way. */
  async append(stream: string, event: { type: string; data: Record<string, unknown> }): Promise<{ conflicts: number }> {
    let expected = this.known.get(stream) ?? (await this.readVersion(stream))
    for (let conflicts = 0; conflicts < MAX_TRIES; conflicts++) {
      try {
        const { nextExpectedStreamVersion } = await this.store.appendToStream(stream, [event], { expectedStreamVersion: expected })
        this.learn(stream, nextExpectedStreamVersion)
        return { conflicts }
      } catch (error) {
        if (!isExpectedVersionConflictError(error)) throw error
        // The stream moved past `expected`: only the events after it are new.
        const newer = await this.store.readStream(stream, { from: expected + 1n })
        expected = newer.streamExists ? newer.currentStreamVersion : await this.readVersion(stream)
        this.learn(stream, expected)
      }
    }
    throw new Error(`Emmett append to ${stream}: still conflicting after ${MAX_TRIES} tries`)
  }

  /** Appends the stream's first event (outside timing): the stream then exists, as a seeded record does. */
  async create(stream: string, event: { type: string; data: Record<string, unknown> }): Promise<void> {
    await this.store.appendToStream(stream, [event])
  }

  /** Whether the stream's events are numbered 1..n and its version is n; n. */
  async check(stream: string): Promise<{ contiguous: boolean; version: number }> {
    const { events, currentStreamVersion } = await this.store.readStream(stream)
    const contiguous = events.every((e, i) => e.metadata.streamPosition === BigInt(i + 1)) && currentStreamVersion === BigInt(events.length)
    return { contiguous, version: Number(currentStreamVersion) }
  }

  async close(): Promise<void> {
    await this.store.close().catch(() => {})
    await this.pool.end()
  }

  private async readVersion(stream: string): Promise<bigint> {
    const { currentStreamVersion } = await this.store.readStream(stream)
    this.learn(stream, currentStreamVersion)
    return currentStreamVersion
  }

  /** Versions only grow: a writer that learned an older one late does not move the shared one back. */
  private learn(stream: string, version: bigint): void {
    const current = this.known.get(stream)
    if (current === undefined || version > current) this.known.set(stream, version)
  }
}
