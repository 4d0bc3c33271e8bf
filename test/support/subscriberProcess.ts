/**
 * A subscriber as its own process, for the crash tests: `tsx subscriberProcess.ts <provider> <url>
 * [caught-up]`. Builds ItemTotal batch by batch; in the middle of each batch it prints `mid <n>`
 * and waits a little, so a SIGKILL sent on that line lands inside an open transaction.
 */
import type { Provider } from './databases.ts'
import { openFeedClient } from './feedProcess.ts'
import { addEvent } from './itemTotals.ts'

const [provider, url, mode] = process.argv.slice(2) as [Provider, string, string | undefined]
const { base, prisma } = await openFeedClient(provider, url)
let batches = 0
const result = await prisma.$spector.subscribe(
  'totals',
  async (events, tx) => {
    const items = events.filter((e) => e.modelName === 'Item')
    for (const [i, event] of items.entries()) {
      const current = await tx.itemTotal.findUnique({ where: { itemId: event.recordId } })
      const next = addEvent(current ?? undefined, event)
      await tx.itemTotal.upsert({ where: { itemId: next.itemId }, create: next, update: next })
      if (i === Math.floor(items.length / 2)) {
        process.stdout.write(`mid ${++batches}\n`)
        await new Promise((resolve) => setTimeout(resolve, 40))
      }
    }
  },
  { batchSize: 7, stopWhenCaughtUp: mode === 'caught-up', pollInterval: 20 },
)
process.stdout.write(`done ${result.position}\n`)
await base.$disconnect()
