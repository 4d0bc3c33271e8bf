/**
 * `spector relay`: publishes the change feed to a NATS JetStream stream, in position order, one
 * event after the other's ack. Each message carries the event id as `Nats-Msg-Id` (JetStream drops
 * a repeat within the stream's duplicate window) and its position as `Spector-Position`.
 *
 * The relay's position lives in the subscriptions table (`relay:<stream>` unless named) and moves
 * only after the acks of a batch. After a crash the batch in flight is published again: the
 * duplicate window drops it, and at start the relay also resumes after the position of the
 * stream's newest message when that is ahead, so a restart after the window adds no duplicate
 * either (as long as the relay is the only publisher to its subjects in that stream).
 *
 * Why one at a time: with several publishes in flight, a NATS restart can lose one and keep the
 * next (buffered across the reconnect); publishing the lost one again would put a record's events
 * out of order in the stream. The NATS clients are optional peer dependencies, loaded here only.
 */
import { SpectorConfigurationError } from '../core/errors.ts'
import type { FeedEvent } from '../prisma/changeFeed.ts'
import { pause } from '../prisma/subscription.ts'
import type { AnyClient } from './generatedModule.ts'

export interface RelayOptions {
  /** NATS server URL(s), comma separated. */
  nats: string
  stream: string
  /** Subject template: `{model}`, `{action}` and `{recordId}` are replaced. */
  subject: string
  /** The name the position is stored under. Default `relay:<stream>`. */
  name?: string
  batchSize?: number
  pollInterval?: number
  /** Return once nothing is left to publish. */
  once?: boolean
  signal?: AbortSignal
  onProgress?(progress: RelayProgress): void
}

export interface RelayProgress {
  /** Events acked by JetStream in this run (duplicates included). */
  relayed: number
  /** Of those, the ones JetStream had already (dropped as duplicates). */
  duplicates: number
  /** The stored position. */
  position: number
  /** A NATS problem being retried, if any. */
  retrying?: string
}

type Nats = typeof import('@nats-io/transport-node')
type JetStream = typeof import('@nats-io/jetstream')

async function loadNats(): Promise<{ nats: Nats; jetstream: JetStream }> {
  try {
    return { nats: await import('@nats-io/transport-node'), jetstream: await import('@nats-io/jetstream') }
  } catch (error) {
    throw new SpectorConfigurationError(
      '(relay)',
      `spector relay needs the NATS clients: npm install @nats-io/transport-node @nats-io/jetstream (${(error as Error).message})`,
    )
  }
}

const subjectToken = /\{(model|action|recordId)\}/g

/** The subject of one event; its tokens must not hold what NATS subjects reserve. */
export function subjectOf(template: string, event: Pick<FeedEvent, 'modelName' | 'action' | 'recordId'>): string {
  return template.replace(subjectToken, (_, key: 'model' | 'action' | 'recordId') => {
    const value = key === 'model' ? event.modelName : event[key]
    if (/[\s.*>]/.test(value)) throw new SpectorConfigurationError(event.modelName, `relay: ${key} "${value}" cannot be a NATS subject token`)
    return value
  })
}

/** The message body: the event as JSON, the evented model under its Prisma name. */
function messageOf(event: FeedEvent): string {
  const { id, position, modelName, model, recordId, action, sequence, version, insertedAt, payload, metadata } = event
  return JSON.stringify({ id, position, model: modelName, eventName: model, recordId, action, sequence, version, insertedAt, payload, metadata })
}

export async function relay(prisma: AnyClient, options: RelayOptions): Promise<RelayProgress> {
  const { nats, jetstream } = await loadNats()
  const store = prisma.spectorSubscription
  if (!store)
    throw new SpectorConfigurationError(
      '(schema)',
      'spector relay keeps its position in the SpectorSubscription model: add it to the schema (see the README, "Subscribers")',
    )
  const name = options.name ?? `relay:${options.stream}`
  const nc = await nats.connect({ servers: options.nats.split(','), maxReconnectAttempts: -1, reconnectTimeWait: 200, name: 'spector-relay' })
  const progress: RelayProgress = { relayed: 0, duplicates: 0, position: 0 }
  try {
    const jsm = await jetstream.jetstreamManager(nc)
    const js = jetstream.jetstream(nc)
    await jsm.streams.info(options.stream).catch(async () => {
      await jsm.streams.add({ name: options.stream, subjects: [options.subject.replace(subjectToken, '*')] })
    })
    const row = (await store.findUnique({ where: { name } })) ?? (await store.create({ data: { name, position: 0 } }))
    progress.position = Math.max(row.position, await newestPublished(jsm, options.stream))
    const save = () => store.update({ where: { name }, data: { position: progress.position } })
    await save()
    options.onProgress?.(progress)
    while (!options.signal?.aborted) {
      const page = await prisma.$spector.feed({ after: progress.position, limit: options.batchSize ?? 100 })
      if (!page.events.length) {
        if (options.once) break
        await pause(options.pollInterval ?? 200, options.signal)
        continue
      }
      for (const event of page.events as FeedEvent[]) {
        if (options.signal?.aborted) break
        const headers = nats.headers()
        headers.set('Spector-Position', String(event.position))
        for (;;) {
          try {
            const ack = await js.publish(subjectOf(options.subject, event), messageOf(event), { msgID: event.id, headers, timeout: 2000 })
            if (ack.duplicate) progress.duplicates++
            break
          } catch (error) {
            // NATS down or restarting: the same event again (its id makes a stored one a duplicate).
            if (options.signal?.aborted) break
            options.onProgress?.({ ...progress, retrying: (error as Error).message })
            await pause(250, options.signal)
          }
        }
        if (options.signal?.aborted) break
        progress.relayed++
        progress.position = event.position
      }
      await save()
      options.onProgress?.(progress)
    }
    await save()
    return progress
  } finally {
    await nc.drain().catch(() => nc.close())
  }
}

/** The `Spector-Position` of the stream's newest message (0 when empty or not ours). */
async function newestPublished(jsm: import('@nats-io/jetstream').JetStreamManager, stream: string): Promise<number> {
  const info = await jsm.streams.info(stream)
  if (!info.state.last_seq) return 0
  const message = await jsm.streams.getMessage(stream, { seq: info.state.last_seq }).catch(() => null)
  const position = Number(message?.header?.get('Spector-Position'))
  return Number.isInteger(position) && position > 0 ? position : 0
}
