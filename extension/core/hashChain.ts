/**
 * Tamper evidence: every event of a hashed event log carries a hash that covers its content and
 * the hash of the record's previous event, so editing, removing or reordering an event breaks the
 * chain. One chain per record: writers to different records never wait for each other.
 *
 * An event's hash is SHA-256 (or HMAC-SHA-256 with a secret key) of the UTF-8 bytes of
 *
 *     canonicalJson({ chain: "prisma-spector/1", id, recordId, model, action, sequence, version,
 *                     payload, metadata, prevHash })
 *
 * with `prevHash` the previous event's hash as lowercase hex (null for sequence 1), `payload` and
 * `metadata` the stored JSON (metadata null when absent), and canonicalJson RFC 8785. Where the
 * log gives events a `position` (a change feed, `@events(feed=true)`, or a table chain), it is
 * added; with one chain for the whole table (`@events(chain=table)`), `prevHash` is the hash of
 * the event at the previous position. An event that made links (`@eventLinks`) adds
 * `links`: per link table, the ids it links to (typed: `{ to, type }`), sorted; an event without
 * links hashes exactly as before links existed.
 */
import { createHash, createHmac } from 'node:crypto'
import { canonicalJson } from './canonicalJson.ts'
import type { EventLinks } from './changeset.ts'
import type { JsonObject, JsonValue } from './payloadCodec.ts'

export const chainFormat = 'prisma-spector/1'

export type HashAlgorithm = 'sha256' | 'hmac-sha256'

/** What an event's hash covers. */
export interface HashedEvent {
  id: string
  recordId: string
  model: string
  action: string
  sequence: number
  version: number
  payload: JsonObject
  metadata: JsonValue | null
  /** Only in a table-wide chain. */
  position?: number | null
  /** The links the event made, per link table. */
  links?: Partial<EventLinks> | null
}

export function toHex(bytes: Uint8Array | null | undefined): string | null {
  return bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex') : null
}

/** The exact text that is hashed for an event. */
export function hashInput(event: HashedEvent, prevHash: Uint8Array | null): string {
  return canonicalJson({
    chain: chainFormat,
    id: event.id,
    recordId: event.recordId,
    model: event.model,
    action: event.action,
    sequence: event.sequence,
    version: event.version,
    payload: event.payload,
    metadata: event.metadata ?? null,
    prevHash: toHex(prevHash),
    ...(event.position === undefined || event.position === null ? {} : { position: event.position }),
    ...linksToHash(event.links),
  })
}

/** `{ links }` in a stable order, or nothing when the event made no links. */
function linksToHash(links: Partial<EventLinks> | null | undefined): { links?: Record<string, JsonValue[]> } {
  if (!links) return {}
  const out: Record<string, JsonValue[]> = {}
  for (const [name, values] of Object.entries(links)) {
    if (!values?.length) continue
    const key = (v: string | { to: string; type: string | number }) => (typeof v === 'string' ? v : `${v.to}\u0000${typeof v.type}:${v.type}`)
    out[name] = [...values]
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
      .map((v) => (typeof v === 'string' ? v : { to: v.to, type: v.type }))
  }
  return Object.keys(out).length ? { links: out } : {}
}

export class EventHasher {
  readonly algorithm: HashAlgorithm
  private readonly key: Uint8Array | undefined

  /** With a key, hashes are HMAC-SHA-256: whoever lacks the key cannot forge a consistent chain. */
  constructor(key?: string | Uint8Array) {
    this.key = key === undefined ? undefined : typeof key === 'string' ? Buffer.from(key, 'utf8') : key
    if (this.key !== undefined && this.key.length < 16) throw new RangeError('a hash-chain key needs at least 16 bytes')
    this.algorithm = this.key ? 'hmac-sha256' : 'sha256'
  }

  hash(event: HashedEvent, prevHash: Uint8Array | null): Uint8Array<ArrayBuffer> {
    const input = hashInput(event, prevHash)
    const h = this.key ? createHmac('sha256', this.key) : createHash('sha256')
    return new Uint8Array(h.update(input, 'utf8').digest())
  }
}

export function sameBytes(a: Uint8Array | null | undefined, b: Uint8Array | null | undefined): boolean {
  if (!a || !b) return !a && !b
  return Buffer.compare(a, b) === 0
}
