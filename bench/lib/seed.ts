/**
 * Fast seeding of long histories with raw multi-row INSERTs, in the row format prisma-spector
 * itself writes (extension/prisma/prismaEventLog.ts, extension/core/eventedModel.ts):
 *
 * - `id` a UUIDv7; the insert event's id is the record id;
 * - `payload` the encoded attrs: an insert holds the fields given plus the defaults Prisma would
 *   fill (`createdAt`, `updatedAt` as ISO strings), an update the changed fields plus `updatedAt`;
 * - `sequence` 1..n per record, `action` 'insert' then 'update', `version` the model's version;
 * - `insertedAt` a timestamp (SQLite: ISO text with `+00:00`, as the Prisma adapter writes it).
 *
 * `verifySeedFormat` checks these rows against rows the library wrote, replays them through the
 * library and runs `check()`, so a change of the library's row format fails the bench loudly
 * instead of measuring garbage.
 */
import { uuidv7 } from 'uuidv7'
import type { BenchContext, RawDriver } from './harness.ts'

export const ITEM_VERSION = 1
const EVENT_COLUMNS = ['id', 'recordId', 'model', 'action', 'payload', 'version', 'sequence', 'insertedAt'] as const

export interface EventRow {
  id: string
  recordId: string
  action: string
  payload: Record<string, unknown>
  sequence: number
  at: Date
  /** A hashed log's chain (`SeedOptions.hasher`). */
  hash?: Uint8Array
  prevHash?: Uint8Array | null
}

/** The library's EventHasher (dist/extension/core/hashChain.js), for seeding a hashed log. */
export interface SeedHasher {
  hash(event: object, prevHash: Uint8Array | null): Uint8Array
}

export interface SeedOptions {
  /** Seed a hashed log: every event gets the hash the library would give it, chained per record. */
  hasher?: SeedHasher
  /** The records are new: their rows are inserted in multi-row INSERTs (no DELETE first). */
  freshRows?: boolean
}

function timestamp(raw: RawDriver, date: Date): string {
  // PostgreSQL: TIMESTAMP(3) without time zone holds UTC (as Prisma writes it); SQLite: the adapter's text format.
  return raw.provider === 'sqlite' ? date.toISOString().replace('Z', '+00:00') : date.toISOString()
}

/** Multi-row INSERTs of event rows, in batches, in one transaction (with hash and prevHash when the rows carry hashes). */
export async function insertEvents(raw: RawDriver, rows: EventRow[]): Promise<void> {
  const batch = raw.provider === 'postgresql' ? 1000 : 500
  const hashed = rows[0]?.hash !== undefined
  const names = hashed ? [...EVENT_COLUMNS, 'hash', 'prevHash'] : EVENT_COLUMNS
  const width = names.length
  const columns = names.map((c) => `"${c}"`).join(', ')
  const placeholders = (count: number) =>
    Array.from(
      { length: count },
      (_, r) => `(${Array.from({ length: width }, (_, c) => (raw.provider === 'postgresql' ? `$${r * width + c + 1}` : '?')).join(', ')})`,
    ).join(', ')
  const fullSql = `INSERT INTO "Event" (${columns}) VALUES ${placeholders(batch)}`
  await raw.transaction(async () => {
    for (let start = 0; start < rows.length; start += batch) {
      const chunk = rows.slice(start, start + batch)
      const params: unknown[] = []
      for (const row of chunk) {
        params.push(row.id, row.recordId, 'Item', row.action, JSON.stringify(row.payload), ITEM_VERSION, row.sequence, timestamp(raw, row.at))
        if (hashed) params.push(Buffer.from(row.hash!), row.prevHash ? Buffer.from(row.prevHash) : null)
      }
      const sql = chunk.length === batch ? fullSql : `INSERT INTO "Event" (${columns}) VALUES ${placeholders(chunk.length)}`
      await raw.run(sql, params)
    }
  })
}

export interface SeededState {
  id: string
  name: string
  value: number
  createdAt: Date
  updatedAt: Date
  sequence: number
}

/** The insert event of a new record (sequence 1) and its state. */
export function insertEvent(name: string, value: number, at: Date): { row: EventRow; state: SeededState } {
  const id = uuidv7()
  const iso = at.toISOString()
  return {
    row: { id, recordId: id, action: 'insert', payload: { name, value, createdAt: iso, updatedAt: iso }, sequence: 1, at },
    state: { id, name, value, createdAt: at, updatedAt: at, sequence: 1 },
  }
}

/** `count` update events after `state` (value + 1 each, 1 ms apart); advances `state`. */
export function updateEvents(state: SeededState, count: number): EventRow[] {
  const rows: EventRow[] = []
  for (let k = 0; k < count; k++) {
    const at = new Date(state.updatedAt.getTime() + 1)
    state.value += 1
    state.sequence += 1
    state.updatedAt = at
    rows.push({
      id: uuidv7(),
      recordId: state.id,
      action: 'update',
      payload: { value: state.value, updatedAt: at.toISOString() },
      sequence: state.sequence,
      at,
    })
  }
  return rows
}

/** Writes the Item rows of seeded records (the row is what replay of their events gives). */
export async function upsertItemRows(raw: RawDriver, states: SeededState[]): Promise<void> {
  await raw.transaction(async () => {
    for (const s of states) {
      const ph = (n: number) => (raw.provider === 'postgresql' ? `$${n}` : '?')
      await raw.run(`DELETE FROM "Item" WHERE "id" = ${ph(1)}`, [s.id])
      await raw.run(
        `INSERT INTO "Item" ("id", "name", "value", "archivedAt", "createdAt", "updatedAt") VALUES (${ph(1)}, ${ph(2)}, ${ph(3)}, NULL, ${ph(4)}, ${ph(5)})`,
        [s.id, s.name, s.value, timestamp(raw, s.createdAt), timestamp(raw, s.updatedAt)],
      )
    }
  })
}

/** New Item rows in multi-row INSERTs, in one transaction. */
export async function insertItemRows(raw: RawDriver, states: SeededState[]): Promise<void> {
  const batch = 500
  const ph = (n: number) => (raw.provider === 'postgresql' ? `$${n}` : '?')
  await raw.transaction(async () => {
    for (let start = 0; start < states.length; start += batch) {
      const chunk = states.slice(start, start + batch)
      const values = chunk.map((_, i) => `(${ph(i * 5 + 1)}, ${ph(i * 5 + 2)}, ${ph(i * 5 + 3)}, NULL, ${ph(i * 5 + 4)}, ${ph(i * 5 + 5)})`).join(', ')
      const params = chunk.flatMap((s) => [s.id, s.name, s.value, timestamp(raw, s.createdAt), timestamp(raw, s.updatedAt)])
      await raw.run(`INSERT INTO "Item" ("id", "name", "value", "archivedAt", "createdAt", "updatedAt") VALUES ${values}`, params)
    }
  })
}

/** Chains a record's rows (ordered by sequence) as the library hashes them. */
function chain(rows: EventRow[], hasher: SeedHasher): void {
  let prev: Uint8Array | null = null
  for (const row of rows) {
    const event = { ...row, model: 'Item', version: ITEM_VERSION, metadata: null }
    row.prevHash = prev
    row.hash = hasher.hash(event, prev)
    prev = row.hash
  }
}

/**
 * Seeds `records` records of `events` events each (insert + updates), rows included. The start
 * time lies far enough in the past that later live writes come after every seeded event.
 */
export async function seedRecords(raw: RawDriver, records: number, events: number, name = 'seeded', options: SeedOptions = {}): Promise<SeededState[]> {
  const start = Date.now() - (events + 10) * records - 60_000
  const states: SeededState[] = []
  let rows: EventRow[] = []
  for (let r = 0; r < records; r++) {
    const { row, state } = insertEvent(`${name}-${r}`, 0, new Date(start + r * (events + 1)))
    const history = [row, ...updateEvents(state, events - 1)]
    if (options.hasher) chain(history, options.hasher)
    rows.push(...history)
    states.push(state)
    if (rows.length >= 20_000) {
      await insertEvents(raw, rows)
      rows = []
    }
  }
  if (rows.length) await insertEvents(raw, rows)
  if (options.freshRows) await insertItemRows(raw, states)
  else await upsertItemRows(raw, states)
  return states
}

/**
 * Fails unless seeded rows look like library-written rows and replay/check accept them (and, on
 * a hashed log seeded with `hasher`, the hash chain verifies).
 */
export async function verifySeedFormat(ctx: BenchContext, options: Pick<SeedOptions, 'hasher'> = {}): Promise<{ ok: true; checked: number }> {
  const live = await ctx.prisma.item.create({ data: { name: 'format-check', value: 0 } })
  await ctx.prisma.item.update({ where: { id: live.id }, data: { value: { increment: 1 } } })
  const [seeded] = await seedRecords(ctx.raw, 1, 3, 'format-check', options)
  const ph = ctx.p(1)
  const rowsOf = (id: string) => ctx.raw.query<Record<string, unknown>>(`SELECT * FROM "Event" WHERE "recordId" = ${ph} ORDER BY "sequence"`, [id])
  const liveRows = await rowsOf(live.id)
  const seededRows = await rowsOf(seeded!.id)
  const problems: string[] = []
  const payloadKeys = (row: Record<string, unknown>) => {
    const payload = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload
    return Object.keys(payload as object)
      .sort()
      .join(',')
  }
  const shape = (row: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? 'null' : v instanceof Date ? 'date' : typeof v]))
  for (const k of [0, 1]) {
    const a = liveRows[k]!
    const b = seededRows[k]!
    if (payloadKeys(a) !== payloadKeys(b)) problems.push(`${a.action} payload keys: library ${payloadKeys(a)}, seed ${payloadKeys(b)}`)
    if (JSON.stringify(shape(a)) !== JSON.stringify(shape(b)))
      problems.push(`${a.action} column types: library ${JSON.stringify(shape(a))}, seed ${JSON.stringify(shape(b))}`)
    if (a.version !== b.version) problems.push(`version: library ${String(a.version)}, seed ${String(b.version)}`)
    if (ctx.provider === 'sqlite') {
      const format = (v: unknown) => String(v).replace(/\d/g, '9')
      if (format(a.insertedAt) !== format(b.insertedAt)) problems.push(`insertedAt format: library ${String(a.insertedAt)}, seed ${String(b.insertedAt)}`)
    }
  }
  const replayed = await ctx.prisma.item.replay(seeded!.id)
  if (!replayed || replayed.value !== seeded!.value || replayed.updatedAt.getTime() !== seeded!.updatedAt.getTime()) {
    problems.push(`replay of a seeded record gave ${JSON.stringify(replayed)}, expected value ${seeded!.value}`)
  }
  const report = await ctx.prisma.item.check()
  if (report.drifted.length) problems.push(`check() found drift: ${JSON.stringify(report.drifted)}`)
  if (options.hasher) {
    const verified = await ctx.prisma.$verifyHashChain()
    if (!verified.ok) problems.push(`the seeded hash chain does not verify: ${verified.failure.message}`)
  }
  if (problems.length) throw new Error(`bench seed format does not match the library's rows:\n  ${problems.join('\n  ')}`)
  // Leave the database as it was for the scenario.
  await ctx.raw.run(`DELETE FROM "Event" WHERE "recordId" IN (${ph}, ${ctx.p(2)})`, [live.id, seeded!.id])
  await ctx.raw.run(`DELETE FROM "Item" WHERE "id" IN (${ph}, ${ctx.p(2)})`, [live.id, seeded!.id])
  return { ok: true, checked: report.checked }
}
