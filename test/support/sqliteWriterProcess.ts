/**
 * One writer process of the multi-process SQLite test (test/sqliteProcesses.int.test.ts): opens
 * the example schema's client on a database file with prisma-spector and runs commands one after
 * another, then prints what happened as one JSON line.
 *
 * Arguments: clientModule spectorModule databaseUrl recordIds(comma-separated) commandCount
 */
import { pathToFileURL } from 'node:url'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'

const [clientModule, spectorModule, url, ids, count] = process.argv.slice(2)
const { PrismaClient } = await import(pathToFileURL(clientModule!).href)
const { spector } = await import(pathToFileURL(spectorModule!).href)
const base = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: url! }) })
const prisma = base.$extends(spector())
const recordIds = ids!.split(',')
const increments: Record<string, number> = {}
const created: string[] = []
const failures: string[] = []
for (let i = 0; i < Number(count); i++) {
  try {
    // Every tenth command creates a record; the others increment one of the shared records.
    if (i % 10 === 9) {
      created.push((await prisma.item.create({ data: { name: `made by ${process.pid}`, value: 0 } })).id)
    } else {
      const id = recordIds[i % recordIds.length]!
      await prisma.item.execute(id, 'increment', { by: 1 })
      increments[id] = (increments[id] ?? 0) + 1
    }
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string }
    failures.push(`${e?.name} ${e?.code}: ${e?.message}`)
  }
}
await base.$disconnect()
console.log(JSON.stringify({ increments, created, failures }))
