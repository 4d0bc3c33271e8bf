/**
 * Integrity checks over the event log through a Prisma client: hash-chain verification (streamed
 * in pages, one record in memory at a time), checkpoints, and savepoint verification.
 */
import { ChainVerifier, type Checkpoint, type VerifyResult } from '../core/chainVerifier.ts'
import { SpectorConfigurationError, SpectorHashChainError, SpectorSavepointError } from '../core/errors.ts'
import type { EventedModel } from '../core/eventedModel.ts'
import { linksOfEvent } from '../core/eventLinks.ts'
import { EventHasher } from '../core/hashChain.ts'
import type { EventLogMetadata, ModelMetadata } from '../core/metadata.ts'
import { diffStates } from '../core/stateDiff.ts'
import { storedEventSelect } from './fullSelect.ts'
import { PrismaEventLinks } from './prismaEventLinks.ts'
import { PrismaEventLog, toStoredEvent, type EventDelegate } from './prismaEventLog.ts'

type AnyClient = Record<string, any>

export interface VerifyHashChainOptions {
  /** Only this evented model's records (its name, e.g. `Item`). */
  model?: string
  /** Only this record. */
  recordId?: string
  /** A checkpoint taken earlier: also finds truncated and vanished records, and rewritten history. */
  against?: Checkpoint
  /** Events read per query. Default 1000. */
  batchSize?: number
  /** Called after every page with the number of events verified so far. */
  onProgress?: (events: number) => void
}

export type SavepointVerification = { ok: true; savepoints: number } | { ok: false; savepoints: number; error: SpectorSavepointError }

export class Integrity {
  private readonly models: readonly ModelMetadata[]
  private readonly hasher: EventHasher

  constructor(models: readonly ModelMetadata[], hashKey?: string | Uint8Array) {
    this.models = models
    this.hasher = new EventHasher(hashKey)
  }

  /** Walks the hashed event log and returns the first break, or how much was verified. */
  async verifyHashChain(client: AnyClient, options: VerifyHashChainOptions = {}): Promise<VerifyResult> {
    const { log, where } = this.scope(options)
    if (options.against) this.checkCheckpoint(options.against, options)
    const verifier = new ChainVerifier(this.hasher, { against: options.against, chain: log.chain })
    for await (const event of this.events(client, log, where, options)) {
      const failure = verifier.push(event)
      if (failure) return { ok: false, events: verifier.events, records: verifier.records, failure }
    }
    const failure = verifier.finish()
    return failure
      ? { ok: false, events: verifier.events, records: verifier.records, failure }
      : { ok: true, events: verifier.events, records: verifier.records }
  }

  async verifyHashChainOrThrow(client: AnyClient, options: VerifyHashChainOptions = {}): Promise<{ events: number; records: number }> {
    const result = await this.verifyHashChain(client, options)
    if (!result.ok) throw new SpectorHashChainError(result.failure)
    return { events: result.events, records: result.records }
  }

  /**
   * Verifies the chain and returns a checkpoint of the log as it is: keep it outside the database
   * and pass it later as `against`. Throws `SpectorHashChainError` if the chain is already broken.
   */
  async checkpoint(client: AnyClient, options: Pick<VerifyHashChainOptions, 'model' | 'batchSize' | 'onProgress'> = {}): Promise<Checkpoint> {
    const { log, where } = this.scope(options)
    const verifier = new ChainVerifier(this.hasher, { collectHeads: true, chain: log.chain })
    for await (const event of this.events(client, log, where, options)) {
      const failure = verifier.push(event)
      if (failure) throw new SpectorHashChainError(failure)
    }
    const failure = verifier.finish()
    if (failure) throw new SpectorHashChainError(failure)
    return { ...verifier.checkpointOf(), ...(options.model ? { model: options.model } : {}) }
  }

  /**
   * Replays a record from its first event and checks that every savepoint holds exactly the state
   * the events before it give. The failure names the savepoint event and each differing field.
   */
  async verifySavepoints(client: AnyClient, model: EventedModel<any>, recordId: string): Promise<SavepointVerification> {
    const meta = model.metadata
    const events = await new PrismaEventLog(client[meta.events.delegate] as EventDelegate, meta.events).readAll(meta.eventName, recordId)
    const fields = meta.fields.map((f) => f.name)
    let state: Record<string, unknown> | null = null
    let savepoints = 0
    for (const event of events) {
      if (event.action === 'savepoint') {
        savepoints++
        const saved = model.step(recordId, null, event) as Record<string, unknown>
        const differences = diffStates(fields, state ?? {}, saved)
        if (differences.length) {
          return { ok: false, savepoints, error: new SpectorSavepointError(meta.name, recordId, event.id, event.sequence, differences) }
        }
      }
      state = model.step(recordId, state, event) as Record<string, unknown> | null
    }
    return { ok: true, savepoints }
  }

  private checkCheckpoint(checkpoint: Checkpoint & { model?: string }, options: VerifyHashChainOptions): void {
    if (checkpoint.format !== 'prisma-spector-checkpoint/1') {
      throw new SpectorConfigurationError(options.model ?? '(log)', 'this is not a prisma-spector checkpoint (format prisma-spector-checkpoint/1)')
    }
    if (checkpoint.algorithm !== this.hasher.algorithm) {
      throw new SpectorConfigurationError(
        options.model ?? '(log)',
        `the checkpoint was taken with ${checkpoint.algorithm}, but this client hashes with ${this.hasher.algorithm} (is hashKey set the same?)`,
      )
    }
    if ((checkpoint.model ?? undefined) !== options.model || options.recordId) {
      throw new SpectorConfigurationError(
        options.model ?? '(log)',
        `verify against a checkpoint with the scope it was taken with (model: ${checkpoint.model ?? 'all'}) and no recordId`,
      )
    }
  }

  private scope(options: { model?: string; recordId?: string }): { log: EventLogMetadata; where: Record<string, unknown> } {
    const candidates = options.model ? this.models.filter((m) => m.name === options.model) : this.models
    if (options.model && !candidates.length) {
      throw new SpectorConfigurationError(options.model, `${options.model} is not an evented model (have: ${this.models.map((m) => m.name).join(', ')})`)
    }
    const logs = [...new Map(candidates.map((m) => [m.events.model, m.events])).values()]
    const hashed = logs.filter((l) => l.hashed)
    if (!hashed.length) {
      throw new SpectorConfigurationError(
        options.model ?? logs[0]?.model ?? '(log)',
        'no hashed event log: annotate the @events model with @events(hashed=true)',
      )
    }
    if (hashed.length > 1) {
      throw new SpectorConfigurationError(hashed[0]!.model, `several hashed event logs (${hashed.map((l) => l.model).join(', ')}); pass model to pick one`)
    }
    const log = hashed[0]!
    if (log.chain === 'table' && (options.model || options.recordId)) {
      throw new SpectorConfigurationError(
        options.model ?? log.model,
        'a table-wide chain (@events(chain=table)) is verified whole: leave out model and recordId',
      )
    }
    const where: Record<string, unknown> = {}
    if (options.model) where.model = candidates[0]!.eventName
    if (options.recordId) where.recordId = options.recordId
    return { log, where }
  }

  /**
   * The events in (recordId, sequence) order, or (table chain) position order, a page at a time.
   * Pages follow the full sort key, id last: a key that is unique by construction, so no row is
   * skipped at a page boundary even when the unique index on (recordId, sequence) was dropped and
   * two rows share a place (the verifier then reports them as duplicated).
   *
   * A page after the first is read in two steps that an index on the key's first column serves:
   * the rest of the chain the last page ended in (`recordId = x` and after it), then the chains
   * after it (`recordId > x`). With one condition `recordId > x OR (recordId = x AND ...)`,
   * PostgreSQL walked the index from the start of the log and filtered out every row before the
   * page (EXPLAIN: 75,000 rows removed for a page in the middle of 150,000): quadratic in the log.
   */
  private async *events(
    client: AnyClient,
    log: EventLogMetadata,
    where: Record<string, unknown>,
    options: { batchSize?: number; onProgress?: (events: number) => void },
  ) {
    const delegate = client[log.delegate] as EventDelegate
    const take = options.batchSize ?? 1000
    const [lead, ...rest] = log.chain === 'table' ? ['position', 'id'] : ['recordId', 'sequence', 'id']
    const orderBy = [lead!, ...rest].map((field) => ({ [field]: 'asc' }))
    const select = storedEventSelect(log)
    const read = (scope: Record<string, unknown> | null, count: number) =>
      delegate.findMany({ where: scope ? { AND: [where, scope] } : where, orderBy, take: count, select })
    const links = log.links?.length ? new PrismaEventLinks(log) : null
    let after: Record<string, unknown> | undefined
    let seen = 0
    for (;;) {
      let page: Record<string, unknown>[]
      if (!after) page = await read(null, take)
      else {
        page = await read({ [lead!]: after[lead!], OR: afterKey(rest, after) }, take)
        if (page.length < take) page = page.concat(await read({ [lead!]: { gt: after[lead!] } }, take - page.length))
      }
      // Hashes cover the links an event made: read them for the page.
      const linked = links
        ? await links.ofEvents(
            client,
            page.map((row) => row.id as string),
          )
        : null
      for (const row of page) {
        const event = toStoredEvent(row)
        yield linked ? { ...event, links: linksOfEvent(log.links!, linked.get(event.id)) } : event
      }
      seen += page.length
      options.onProgress?.(seen)
      if (page.length < take) return
      after = page[page.length - 1]!
    }
  }
}

/** Rows strictly after `last` in the order of `key`: (a > x) or (a = x and b > y) or ... */
function afterKey(key: string[], last: Record<string, unknown>): Record<string, unknown>[] {
  return key.map((field, i) => ({ ...Object.fromEntries(key.slice(0, i).map((k) => [k, last[k]])), [field]: { gt: last[field] } }))
}
