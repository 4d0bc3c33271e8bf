/**
 * `npm run demo`: a short story on an embedded SQLite database (prisma/demo.db, made fresh from
 * prisma/schema.prisma each run). Every write to Item becomes an event; the row is a projection
 * that can always be rebuilt from the log.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { applyAppendOnlyEventLog, EventHasher, SpectorValidationError, spectorAdapter, type StoredEvent } from 'prisma-spector'
import { PrismaClient } from './generated/client/client.ts'
import { spector, spectorSchema } from './generated/spector/index.ts'
import { PrismaClient as FeedClient } from './generated/feed/client/client.ts'
import { spector as feedSpector } from './generated/feed/spector/index.ts'
import { diffCreateScript } from './schemaEngine.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const file = path.join(here, 'demo.db')

// ---- a fresh database from the schema ------------------------------------------------------------
fs.rmSync(file, { force: true })
const sqlite = new Database(file)
sqlite.exec(await diffCreateScript(fs.readFileSync(path.join(here, 'schema.prisma'), 'utf8'), 'sqlite'))

// spectorAdapter: creates and commands write on Prisma's connection directly (README, "Direct writes").
const base = new PrismaClient({ adapter: spectorAdapter(new PrismaBetterSqlite3({ url: `file:${file}` })) })
const prisma = base.$extends(spector())

// ---- printing -------------------------------------------------------------------------------------
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s)
function heading(step: string, text: string) {
  console.log(`\n${bold(`${step}  ${text}`)}`)
}
function show(value: unknown): string {
  if (value === null || value === undefined) return '·'
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', '')
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}
function table(rows: Record<string, unknown>[]) {
  if (!rows.length) return console.log('  (none)')
  const columns = Object.keys(rows[0]!)
  const cells = rows.map((r) => columns.map((c) => show(r[c])))
  const widths = columns.map((c, i) => Math.min(70, Math.max(c.length, ...cells.map((r) => r[i]!.length))))
  const line = (values: string[]) => `  ${values.map((v, i) => (v.length > widths[i]! ? `${v.slice(0, widths[i]! - 1)}…` : v.padEnd(widths[i]!))).join('  ')}`
  console.log(line(columns))
  console.log(`  ${widths.map((w) => '─'.repeat(w)).join('  ')}`)
  for (const r of cells) console.log(line(r))
}
const short = (id: string) => `…${id.slice(-6)}`
function log(events: StoredEvent[]) {
  table(events.map((e) => ({ seq: e.sequence, action: e.action, v: e.version, event: short(e.id), payload: e.payload })))
}
function state(label: string, item: { name: string; value: number | null; archivedAt: Date | null; updatedAt: Date } | null) {
  console.log(
    `  ${label.padEnd(22)} ${item ? `name=${show(item.name)}  value=${show(item.value)}  archivedAt=${show(item.archivedAt)}` : 'null (no such record)'}`,
  )
}

// ---- the story ------------------------------------------------------------------------------------
heading('1', 'Create an Item: an insert event and the row, in one transaction')
const lamp = await prisma.item.create({ data: { name: 'Lamp', value: 1 } })
console.log(`  id = ${lamp.id}  (the id of its first event, a UUIDv7)`)
log(await prisma.item.events(lamp.id))

heading('2', 'Update it, then run custom actions (archive, increment)')
await prisma.item.update({ where: { id: lamp.id }, data: { name: 'Desk lamp' } })
await prisma.item.update({ where: { id: lamp.id }, data: { value: { increment: 2 } } })
await prisma.item.execute(lamp.id, 'archive', { archivedAt: new Date('2026-11-01T09:00:00Z') })
await prisma.item.execute(lamp.id, 'increment', { by: 10 })
log(await prisma.item.events(lamp.id))
console.log('  ({ increment: 2 } is stored as the value it produced, so replay needs no operator.)')

heading('3', 'Bad input is refused and nothing is written')
try {
  await prisma.item.execute(lamp.id, 'archive', {})
} catch (error) {
  if (!(error instanceof SpectorValidationError)) throw error
  console.log(`  ${error.name} [${error.code}]: ${error.message}`)
}
console.log(`  events of the lamp: still ${(await prisma.item.events(lamp.id)).length}`)

heading('4', 'The row is a projection: replay rebuilds it from the log alone')
state('row', await base.item.findUnique({ where: { id: lamp.id } }))
state('replay', await prisma.item.replay(lamp.id))

heading('5', 'Replay as of earlier points in history')
const events = await prisma.item.events(lamp.id)
state(`until event #2`, await prisma.item.replay(lamp.id, { until: events[1]!.id }))
state(`until sequence 3`, await prisma.item.replay(lamp.id, { until: { sequence: 3 } }))
state(`until 1970`, await prisma.item.replay(lamp.id, { until: new Date(0) }))

heading('6', 'Schema versions: an event written by version 0, when `name` was called `title`')
const legacyId = '0190f000-0000-7000-8000-000000000001'
const legacy = {
  id: legacyId,
  recordId: legacyId,
  model: 'Item',
  action: 'insert',
  version: 0,
  sequence: 1,
  metadata: null,
  payload: { title: 'Old lamp', value: 7, createdAt: '2019-03-01T00:00:00.000Z', updatedAt: '2019-03-01T00:00:00.000Z' },
}
// The log is hashed (@events(hashed=true)), so the old event carries its hash like any other.
await base.event.create({ data: { ...legacy, metadata: undefined, hash: new EventHasher().hash(legacy, null) } })
log(await prisma.item.events(legacyId))
state('replay (v0 → v1)', await prisma.item.replay(legacyId))
console.log("  (the changeset's version guard maps `title` to `name`; the stored event is never rewritten)")

heading('7', 'A savepoint: a snapshot event that replay starts from')
await prisma.item.savepoint(lamp.id)
await prisma.item.execute(lamp.id, 'restore', {})
log(await prisma.item.events(lamp.id))
state('replay', await prisma.item.replay(lamp.id))
console.log('  (replay read only the savepoint and the event after it)')

heading('8', 'Integrity: a row edited behind the log is found by check() and corrected by the next command')
sqlite.prepare(`UPDATE "Item" SET "name" = 'Hacked' WHERE "id" = ?`).run(lamp.id)
async function drift() {
  const report = await prisma.item.check()
  console.log(`  check(): ${report.checked} records looked at, ${report.drifted.length} drifted`)
  table(
    report.drifted.flatMap((d) =>
      d.differences.length
        ? d.differences.map((f) => ({ record: short(d.id), kind: d.kind, field: f.field, log: f.expected, row: f.actual }))
        : [{ record: short(d.id), kind: d.kind, field: '', log: null as unknown, row: null as unknown }],
    ),
  )
}
await drift()
console.log('  (the legacy record of step 6 has events but no row: that is drift too)')
await prisma.item.execute(lamp.id, 'increment', { by: 1 })
console.log('  after the next command on the lamp:')
await drift()

heading('9', 'Tamper evidence: every event is hashed and chained to the one before it')
const checkpoint = await prisma.$checkpoint()
console.log(`  checkpoint: ${checkpoint.events} events in ${checkpoint.records} records, root ${checkpoint.root.slice(0, 16)}…  (keep it outside the database)`)
const victim = (await prisma.item.events(lamp.id))[2]!
sqlite.prepare(`UPDATE "Event" SET "payload" = '{"value": 1000000}' WHERE "id" = ?`).run(victim.id)
const broken = await prisma.$verifyHashChain()
if (!broken.ok) console.log(`  after a raw UPDATE of event #3: ${broken.failure.kind}: ${broken.failure.message}`)
sqlite.prepare(`UPDATE "Event" SET "payload" = ? WHERE "id" = ?`).run(JSON.stringify(victim.payload), victim.id)
sqlite.prepare(`DELETE FROM "Event" WHERE "recordId" = ?`).run(legacyId)
const vanished = await prisma.$verifyHashChain({ against: checkpoint })
if (!vanished.ok) console.log(`  after deleting a whole record's events: the chain alone sees nothing, the checkpoint says ${vanished.failure.kind}`)
await base.event.create({ data: { ...legacy, metadata: undefined, hash: new EventHasher().hash(legacy, null) } })

heading('10', 'The log is append-only, in the database too')
await applyAppendOnlyEventLog(base, spectorSchema)
for (const sql of [`UPDATE "Event" SET "action" = 'forged'`, `DELETE FROM "Event"`]) {
  try {
    sqlite.exec(sql)
    console.log(`  ${sql}: went through?!`)
  } catch (error) {
    console.log(`  ${sql.padEnd(38)} → ${(error as Error).message}`)
  }
}

heading('11', 'Delete: a delete event, the row removed, history kept')
await prisma.item.delete({ where: { id: lamp.id } })
log(await prisma.item.events(lamp.id))
state('row', await base.item.findUnique({ where: { id: lamp.id } }))
state('replay', await prisma.item.replay(lamp.id))
state('replay until seq 8', await prisma.item.replay(lamp.id, { until: { sequence: 8 } }))

heading('11+', 'History as data: what each event changed, before → after, computed by replay')
const history = await prisma.item.history(lamp.id)
table(
  history.map((h) => ({
    seq: h.sequence,
    action: h.action,
    actor: h.actor,
    changed: h.changes
      .filter((c) => c.field !== 'updatedAt')
      .map((c) => `${c.field}: ${show(c.before)} → ${show(c.after)}`)
      .join('; '),
  })),
)

heading('∑', 'The whole event log')
const all = await base.event.findMany({ orderBy: [{ recordId: 'asc' }, { sequence: 'asc' }] })
table(all.map((e) => ({ record: short(e.recordId), seq: e.sequence, action: e.action, v: e.version, insertedAt: e.insertedAt })))

heading('✓', 'Verify the whole log against the checkpoint taken in step 9')
const final = await prisma.$verifyHashChain({ against: checkpoint })
console.log(
  final.ok
    ? `  ok: ${final.events} events in ${final.records} records, nothing edited, missing, reordered, truncated or vanished`
    : `  BROKEN: ${final.failure.message}`,
)

await base.$disconnect()
sqlite.close()

// ---- the change feed (prisma/feed.prisma: @events(feed=true), a subscriptions table, a projection) --
const feedFile = path.join(here, 'demo-feed.db')
fs.rmSync(feedFile, { force: true })
new Database(feedFile).exec(await diffCreateScript(fs.readFileSync(path.join(here, 'feed.prisma'), 'utf8'), 'sqlite'))
const feedBase = new FeedClient({ adapter: new PrismaBetterSqlite3({ url: `file:${feedFile}` }) })
const shop = feedBase.$extends(feedSpector())

heading('12', 'Who changed what: a request context lands in every event written in its scope')
const [pen, cup] = await shop.$spector.withContext({ actor: 'alice', reason: 'new stock', requestId: 'req-1' }, () =>
  Promise.all([shop.item.create({ data: { name: 'Pen', value: 10 } }), shop.item.create({ data: { name: 'Cup', value: 4 } })]),
)
await shop.$spector.withContext({ actor: 'bob', reason: 'stock count', requestId: 'req-2' }, async () => {
  await shop.item.update({ where: { id: pen!.id }, data: { value: 8 } })
  await shop.item.execute(cup!.id, 'increment', { by: 2 })
})
await shop.$spector.withContext({ actor: 'carol', reason: 'discontinued', requestId: 'req-3' }, () => shop.item.delete({ where: { id: cup!.id } }))
const feed = await shop.$spector.feed()
table(
  feed.events.map((e) => ({
    position: e.position,
    record: short(e.recordId),
    action: e.action,
    actor: e.metadata?.actor,
    reason: e.metadata?.reason,
    payload: e.payload,
  })),
)
console.log(`  bob's events, any model: ${(await shop.$spector.eventsWhere({ actor: 'bob' })).map((e) => e.action).join(', ')}`)

heading('13', 'A subscriber builds a projection; its position commits with it, so a crash never counts twice')
const project = () =>
  shop.$spector.subscribe(
    'item-totals',
    async (events, tx) => {
      for (const e of events.filter((event) => event.modelName === 'Item')) {
        const payload = e.payload as { name?: string; value?: number }
        const total = await tx.itemTotal.findUnique({ where: { itemId: e.recordId } })
        const row = {
          itemId: e.recordId,
          events: (total?.events ?? 0) + 1,
          name: payload.name ?? total?.name ?? '',
          value: payload.value ?? total?.value ?? null,
        }
        await tx.itemTotal.upsert({ where: { itemId: e.recordId }, create: row, update: row })
      }
    },
    { batchSize: 2, stopWhenCaughtUp: true },
  )
console.log(`  first run: ${(await project()).events} events`)
await shop.item.update({ where: { id: pen!.id }, data: { value: 7 } })
const second = await project()
console.log(`  after one more write: ${second.events} event, stored position ${second.position}`)
table(await feedBase.itemTotal.findMany())
await feedBase.$disconnect()

console.log(
  `\nDatabases left at ${path.relative(process.cwd(), file)} and ${path.relative(process.cwd(), feedFile)} for a look (sqlite3 ${path.relative(process.cwd(), file)} 'select * from Event').`,
)
console.log(`\n${bold('Look at it in the browser')} (read-only, on 127.0.0.1:5556):`)
console.log(`  npm run studio`)
console.log(
  `  (which runs: node dist/extension/cli/spector.js studio --url file:${path.relative(process.cwd(), file)} --generated ${path.relative(process.cwd(), path.join(here, 'generated/spector/index.ts'))};`,
)
console.log(`   in your project: npx spector studio)`)
