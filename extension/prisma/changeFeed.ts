/**
 * The change feed: the event log read in commit order, resumable after any position.
 *
 * The definition that matters: a reader that has read up to position P never later misses an
 * event that commits with a position at or below P. Clocks and UUIDv7 ids are not commit order,
 * and neither is an auto-increment (a transaction can take 11, another 12 and commit first). So
 * an append takes its position under a lock the transaction keeps until it commits (PostgreSQL:
 * a transaction-scoped advisory lock; MySQL/MariaDB: `FOR UPDATE` on the newest event; SQLite: its
 * one writer at a time), the same step a table-wide hash chain takes (dialects/*.ts,
 * `tableChainHead`). While a transaction holds position p uncommitted, nobody can take p + 1, so
 * every committed position above the ones a reader saw comes after them: reading
 * `position > P ORDER BY position` is all a reader needs. The price is that writers to a feed's
 * log take turns from their first append to their commit (as Commanded's `$all` stream does).
 */
import { SpectorConfigurationError } from '../core/errors.ts'
import type { StoredEvent } from '../core/eventLog.ts'
import type { EventLogMetadata, ModelMetadata } from '../core/metadata.ts'
import { dialectFor } from '../dialects/dialectFor.ts'
import type { EventDelegate } from './prismaEventLog.ts'
import { toStoredEvent } from './prismaEventLog.ts'
import type { AnyClient } from './spectorOptions.ts'

export interface FeedOptions {
  /** Read the events after this position (0, the default: from the start). */
  after?: number
  /** At most this many events (default 100). */
  limit?: number
  /** Only the events of these evented models (their Prisma names). */
  models?: readonly string[]
}

/** An event as the feed gives it: its place in commit order, and the evented model's Prisma name. */
export interface FeedEvent<Meta = StoredEvent['metadata']> extends Omit<StoredEvent, 'position' | 'metadata'> {
  position: number
  /** The evented model's Prisma name (`model` is the stable name stored in the event). */
  modelName: string
  metadata: Meta | null
}

export interface FeedPage<Meta = StoredEvent['metadata']> {
  events: FeedEvent<Meta>[]
  /** Where the next read resumes: the last event's position, or `after` when there was none. */
  position: number
}

export class ChangeFeed {
  readonly log: EventLogMetadata
  /** Stored event name -> Prisma model name, and back. */
  private readonly prismaNames: Map<string, string>
  private readonly eventNames: Map<string, string>

  /** Reads run in a transaction of their own (see `Dialect.readsSeeOpenTransactions`). */
  private readonly ownTransaction: boolean

  constructor(log: EventLogMetadata, models: readonly ModelMetadata[], provider: string) {
    this.log = log
    this.ownTransaction = dialectFor(provider).readsSeeOpenTransactions
    const own = models.filter((m) => m.events.model === log.model)
    this.prismaNames = new Map(own.map((m) => [m.eventName, m.name]))
    this.eventNames = new Map(own.map((m) => [m.name, m.eventName]))
  }

  /** The feed of the schema's one positioned log (or the one named `events`); null when there is none. */
  static of(models: readonly ModelMetadata[], provider: string, events?: string): ChangeFeed | null {
    const logs = new Map(models.filter((m) => m.events.feed || m.events.chain === 'table').map((m) => [m.events.model, m.events]))
    if (events !== undefined) {
      const log = logs.get(events)
      return log ? new ChangeFeed(log, models, provider) : null
    }
    if (logs.size > 1) {
      throw new SpectorConfigurationError(
        '(schema)',
        `the schema has several event logs with a feed (${[...logs.keys()].join(', ')}): name one with the \`feedEvents\` option`,
      )
    }
    const [log] = logs.values()
    return log ? new ChangeFeed(log, models, provider) : null
  }

  /** The events after `after`, in commit order (see the file comment for why that is safe to resume from). */
  async read<Meta = StoredEvent['metadata']>(client: AnyClient, options: FeedOptions = {}): Promise<FeedPage<Meta>> {
    const after = options.after ?? 0
    const limit = options.limit ?? 100
    if (!Number.isInteger(after) || after < 0)
      throw new SpectorConfigurationError(this.log.model, `feed: "after" must be a position (a whole number >= 0), got ${String(after)}`)
    if (!Number.isInteger(limit) || limit < 1)
      throw new SpectorConfigurationError(this.log.model, `feed: "limit" must be a whole number >= 1, got ${String(limit)}`)
    const where: Record<string, unknown> = { position: { gt: after } }
    if (options.models) where.model = { in: options.models.map((name) => this.eventName(name)) }
    const query = (on: AnyClient) => (on[this.log.delegate] as EventDelegate).findMany({ where, orderBy: { position: 'asc' }, take: limit })
    // On a client (not a transaction client) where reads could see another transaction's uncommitted events.
    const rows: Record<string, unknown>[] =
      this.ownTransaction && typeof client.$connect === 'function' ? await client.$transaction(query) : await query(client)
    const events = rows.map((row) => {
      const event = toStoredEvent(row)
      return {
        ...event,
        position: Number(event.position),
        modelName: this.prismaNames.get(event.model) ?? event.model,
        metadata: event.metadata as Meta | null,
      }
    })
    return { events, position: events.length ? events[events.length - 1]!.position : after }
  }

  private eventName(model: string): string {
    const name = this.eventNames.get(model)
    if (!name)
      throw new SpectorConfigurationError(
        model,
        `feed: ${model} is not an evented model of the ${this.log.model} log (have: ${[...this.eventNames.keys()].join(', ')})`,
      )
    return name
  }
}
