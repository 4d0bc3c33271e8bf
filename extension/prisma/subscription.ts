/**
 * A durable consumer of the change feed: its position is a row of the database, and each batch
 * runs in one transaction that reads the position, reads the events after it, gives them to the
 * handler with the transaction client, and moves the position. A projection written through that
 * client commits with the position move, or neither does: exactly once for projections in the
 * same database, at least once for anything else the handler does (use the event id to
 * de-duplicate). A crash loses the open batch only; the restart reads it again.
 *
 * The position moves by compare-and-set (`WHERE position = <read>`): a second consumer under the
 * same name that moved it first makes this batch roll back and start over from the new position.
 */
import { SpectorConfigurationError } from '../core/errors.ts'
import type { StoredEvent } from '../core/eventLog.ts'
import type { ChangeFeed, FeedEvent } from './changeFeed.ts'
import type { AnyClient } from './spectorOptions.ts'

/** The model to add to the schema for subscriptions' positions. */
export const subscriptionModelBlock = [
  'model SpectorSubscription {',
  '  name      String   @id',
  '  position  Int',
  '  updatedAt DateTime @updatedAt',
  '}',
].join('\n')

export interface SubscribeOptions {
  /** Events per batch (per transaction). Default 100. */
  batchSize?: number
  /** Stops the consumer after the batch in hand. */
  signal?: AbortSignal
  /** Only these evented models' events (Prisma names). */
  models?: readonly string[]
  /** How long to wait when caught up before reading again, in ms. Default 200. */
  pollInterval?: number
  /** Return once there is nothing left to read, instead of waiting for more. */
  stopWhenCaughtUp?: boolean
  /** The client property of the model holding the positions. Default `spectorSubscription`. */
  store?: string
  /** Options of each batch's transaction. Default: timeout 60 s. */
  transactionOptions?: { maxWait?: number; timeout?: number; isolationLevel?: string }
}

export type SubscriptionHandler<Meta = StoredEvent['metadata']> = (events: FeedEvent<Meta>[], tx: AnyClient) => unknown | Promise<unknown>

export interface SubscriptionResult {
  /** The stored position when the consumer stopped. */
  position: number
  /** Events handled (and committed) by this run. */
  events: number
}

/** Another consumer of the same name moved the position first: this batch rolls back. */
class PositionMoved extends Error {}

export async function runSubscription<Meta>(
  client: AnyClient,
  feed: ChangeFeed,
  name: string,
  handler: SubscriptionHandler<Meta>,
  options: SubscribeOptions = {},
): Promise<SubscriptionResult> {
  const store = options.store ?? 'spectorSubscription'
  const positions = client[store]
  if (!positions || typeof positions.findUnique !== 'function') {
    throw new SpectorConfigurationError(
      '(schema)',
      `subscribe: the client has no "${store}" model to keep subscription positions in. Add this model to your schema:\n\n${subscriptionModelBlock}\n`,
    )
  }
  const batchSize = options.batchSize ?? 100
  const transactionOptions = { maxWait: 10_000, timeout: 60_000, ...options.transactionOptions }
  await positions.create({ data: { name, position: 0 } }).catch(async (error: unknown) => {
    if (!(await positions.findUnique({ where: { name } }))) throw error
  })
  let handled = 0
  let position = 0
  while (!options.signal?.aborted) {
    let read: number
    try {
      read = await client.$transaction(async (tx: AnyClient) => {
        const row = await tx[store].findUnique({ where: { name } })
        position = row.position
        const page = await feed.read<Meta>(tx, { after: position, limit: batchSize, ...(options.models ? { models: options.models } : {}) })
        if (!page.events.length) return 0
        await handler(page.events, tx)
        const moved = await tx[store].updateMany({ where: { name, position }, data: { position: page.position } })
        if (moved.count !== 1) throw new PositionMoved()
        position = page.position
        return page.events.length
      }, transactionOptions)
    } catch (error) {
      if (error instanceof PositionMoved) continue
      throw error
    }
    handled += read
    if (read === 0) {
      if (options.stopWhenCaughtUp) break
      await pause(options.pollInterval ?? 200, options.signal)
    }
  }
  return { position, events: handled }
}

/** Waits `ms`, or less when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
  })
}
