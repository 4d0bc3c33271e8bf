/**
 * `prisma.$spector`: what is about the whole log rather than one model. The request context
 * (`withContext`), the change feed (`feed`), durable consumers (`subscribe`) and the events of one
 * actor or request across models (`eventsWhere`). Bound to the client the extension made, so
 * feed reads and subscriber transactions run with prisma-spector's model methods in place.
 */
import { SpectorConfigurationError } from '../core/errors.ts'
import type { StoredEvent } from '../core/eventLog.ts'
import type { ModelMetadata } from '../core/metadata.ts'
import type { JsonObject } from '../core/payloadCodec.ts'
import { dialectFor } from '../dialects/dialectFor.ts'
import { eventTableOf } from '../dialects/tables.ts'
import { ChangeFeed, type FeedOptions, type FeedPage } from './changeFeed.ts'
import type { EventDelegate } from './prismaEventLog.ts'
import { toStoredEvent } from './prismaEventLog.ts'
import { currentContext, runWithContext, type ContextOptions } from './requestContext.ts'
import type { AnyClient } from './spectorOptions.ts'
import { runSubscription, type SubscribeOptions, type SubscriptionHandler, type SubscriptionResult } from './subscription.ts'

export interface EventsWhereOptions {
  /** Only these evented models (Prisma names). */
  models?: readonly string[]
  /** At most this many events per event log (default 1000). */
  limit?: number
}

const metadataKey = /^[A-Za-z_][A-Za-z0-9_]*$/

export class SpectorApi<Meta = JsonObject> {
  private client: AnyClient | undefined
  private feedOf: ChangeFeed | null | undefined
  private readonly models: readonly ModelMetadata[]
  private readonly provider: string
  private readonly options: ContextOptions & { feedEvents?: string }

  constructor(models: readonly ModelMetadata[], provider: string, options: ContextOptions & { feedEvents?: string }) {
    this.models = models
    this.provider = provider
    this.options = options
  }

  /** Called once by the generated `spector()` with the client `$extends` returned. */
  bind(client: AnyClient): this {
    this.client = client
    return this
  }

  /**
   * Runs `fn` in a scope: every event it writes (any model, any write) carries `context` in its
   * metadata, merged over an enclosing scope's and the `context` option's. Concurrent scopes never
   * see each other's context. A write `fn` returns unawaited still runs in the scope.
   */
  withContext<R>(context: Partial<Meta> & JsonObject, fn: () => R | PromiseLike<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      try {
        runWithContext(
          context,
          () => {
            const result = fn()
            // Start a lazy write (LazyCommand) here, inside the scope, not where the caller awaits it.
            if (result && typeof (result as PromiseLike<R>).then === 'function') (result as PromiseLike<R>).then(resolve, reject)
            else resolve(result as R)
          },
          this.options,
        )
      } catch (error) {
        // A bad context (metadataSchema) or a throwing `fn`: the promise rejects, nothing was written.
        reject(error)
      }
    })
  }

  /** The context a write made here and now would carry, or null. */
  context(): (Meta & JsonObject) | null {
    return currentContext(this.options) as (Meta & JsonObject) | null
  }

  /** The events after `after` in commit order; resume with the page's `position`. */
  feed(options: FeedOptions = {}): Promise<FeedPage<Meta>> {
    return this.changeFeed().read<Meta>(this.bound(), options)
  }

  /** A durable consumer named `name`: runs until `signal` aborts (or, with `stopWhenCaughtUp`, until nothing is left). */
  subscribe(name: string, handler: SubscriptionHandler<Meta>, options: SubscribeOptions = {}): Promise<SubscriptionResult> {
    return runSubscription(this.bound(), this.changeFeed(), name, handler, options)
  }

  /** The events (any model) whose metadata has each given key equal to the given text, e.g. `{ actor: 'alice' }`, oldest first. */
  async eventsWhere(
    metadata: Partial<Record<keyof Meta & string, string>>,
    options: EventsWhereOptions = {},
  ): Promise<(Omit<StoredEvent, 'metadata'> & { metadata: Meta | null })[]> {
    const entries = Object.entries(metadata).filter(([, value]) => value !== undefined) as [string, string][]
    if (!entries.length || entries.some(([key, value]) => !metadataKey.test(key) || typeof value !== 'string')) {
      throw new SpectorConfigurationError(
        '(metadata)',
        `eventsWhere needs at least one metadata key (a plain name) with a string value, got ${JSON.stringify(metadata)}`,
      )
    }
    const models = options.models ? this.models.filter((m) => options.models!.includes(m.name)) : this.models
    const dialect = dialectFor(this.provider)
    const client = this.bound()
    const found: StoredEvent[] = []
    for (const log of new Map(models.map((m) => [m.events.model, m.events])).values()) {
      const sql = dialect.eventsByMetadata(
        eventTableOf(log),
        entries.map(([key]) => key),
        options.limit ?? 1000,
      )
      const ids = ((await client.$queryRawUnsafe(sql, ...entries.map(([, value]) => value))) as { id: string }[]).map((row) => row.id)
      if (!ids.length) continue
      const names = models.filter((m) => m.events.model === log.model).map((m) => m.eventName)
      const rows = await (client[log.delegate] as EventDelegate).findMany({
        where: { id: { in: ids }, model: { in: names } },
        orderBy: [{ insertedAt: 'asc' }, { id: 'asc' }],
      })
      found.push(...rows.map(toStoredEvent))
    }
    return found.sort((a, b) => a.insertedAt.getTime() - b.insertedAt.getTime() || (a.id < b.id ? -1 : 1)) as (Omit<StoredEvent, 'metadata'> & {
      metadata: Meta | null
    })[]
  }

  private changeFeed(): ChangeFeed {
    this.feedOf ??= ChangeFeed.of(this.models, this.provider, this.options.feedEvents)
    if (!this.feedOf) {
      throw new SpectorConfigurationError(
        '(schema)',
        'no event log has a feed: annotate the @events model `/// @events(feed=true)` and give it `position Int @unique` (prisma generate prints the block)',
      )
    }
    return this.feedOf
  }

  private bound(): AnyClient {
    if (!this.client) throw new SpectorConfigurationError('(schema)', '$spector is not bound to a client: use the generated spector() with $extends')
    return this.client
  }
}
