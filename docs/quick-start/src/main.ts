import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { spectorAdapter } from 'prisma-spector'
import { PrismaClient } from '../generated/prisma/client.js'
import { spector } from '../generated/spector/index.js'

// spectorAdapter lets prisma-spector write creates and commands on Prisma's own connection (fast path).
const adapter = spectorAdapter(new PrismaBetterSqlite3({ url: process.env['DATABASE_URL'] ?? 'file:./dev.db' }))
const prisma = new PrismaClient({ adapter }).$extends(spector())

const item = await prisma.item.create({ data: { name: 'Lamp' } }) // insert event + row
await prisma.item.update({ where: { id: item.id }, data: { value: { increment: 1 } } })
await prisma.item.execute(item.id, 'archive', { archivedAt: new Date() }) // custom action
const events = await prisma.item.events(item.id) // the record's events, in order
console.log(events.map((event) => event.action)) // [ 'insert', 'update', 'archive' ]
console.log(await prisma.item.replay(item.id)) // state from the log alone
console.log(await prisma.item.replay(item.id, { until: events[0]!.id })) // ... or a Date, or { sequence }
await prisma.item.savepoint(item.id) // snapshot; replay starts there
console.log(await prisma.item.check()) // rows that differ from their replay
await prisma.item.delete({ where: { id: item.id } }) // delete event + row removed
await prisma.$disconnect()
