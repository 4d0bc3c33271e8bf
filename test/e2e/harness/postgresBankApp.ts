/**
 * The bank app as an outsider runs it on PostgreSQL (where prisma-spector writes a create, and a
 * command on a record the process knows, as one statement of its own SQL): an existing snake_case
 * database whose event log keys records by a `uuid` column, beside an account with a mapped enum,
 * a `Decimal(18, 2)` and a Json column. The program counts the statements node-postgres sends per
 * command, compares each command's result with what Prisma reads back, and lets a second Node
 * process move the record before its own next command.
 */
import { generatorBlocks, snakeCaseEventLog } from './bankApp.ts'

/** The whole schema at prisma/schema.prisma. */
export const postgresBankSchema = `${generatorBlocks('../', {}, 'postgresql')}
${snakeCaseEventLog('@db.Uuid')}
enum AccountStatus {
  OPEN   @map("open")
  FROZEN @map("frozen")
  CLOSED @map("closed")

  @@map("account_status")
}

/// Its id is text, the log's record id a uuid: the statement's event takes the record id from the row.
/// @evented(version=1, actions=[freeze])
model Account {
  id         String        @id
  iban       String        @unique
  holderName String        @map("holder_name")
  balance    Decimal       @default(0) @db.Decimal(18, 2)
  status     AccountStatus @default(OPEN)
  profile    Json          @map("profile_data")
  frozenAt   DateTime?     @map("frozen_at")
  openedAt   DateTime      @default(now()) @map("opened_at")

  @@map("accounts")
}
`

/**
 * src/main.ts under nodenext (with SPECTOR_ADAPTER=1 its client is made with spectorAdapter). Run
 * with no argument it creates, updates and freezes an account,
 * runs itself again as `main.js other <id>` (which adds 10 to the balance), then closes the
 * account; it prints one JSON line (see `PostgresBankOutcome`). Decimal and Date values as JSON
 * gives them.
 */
export const postgresBankProgram = `import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { spectorAdapter } from 'prisma-spector'
import { PrismaClient } from '../generated/prisma/client.js'
import { spector } from '../generated/spector/index.js'

/** Statements node-postgres sent so far: one call of Client.query each. */
let sent = 0
const sendQuery = pg.Client.prototype.query
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  sent++
  return (sendQuery as (...a: unknown[]) => unknown).apply(this, args)
} as typeof sendQuery

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

async function main(): Promise<void> {
  const url = process.env['DATABASE_URL']
  if (!url) throw new Error('DATABASE_URL is not set')
  // SPECTOR_ADAPTER=1: the client made with spectorAdapter, whose direct writes go on Prisma's connection.
  const pgAdapter = new PrismaPg({ connectionString: url })
  const adapter = process.env['SPECTOR_ADAPTER'] === '1' ? spectorAdapter(pgAdapter) : pgAdapter
  // An extension before spector() sees the raw statements sent through Prisma: PostgreSQL's one
  // statement goes that way without spectorAdapter, on Prisma's connection itself with it.
  let rawQueries = 0
  const prisma = new PrismaClient({ adapter })
    .$extends({
      query: {
        $queryRawUnsafe({ args, query }) {
          rawQueries++
          return query(args)
        },
      },
    })
    .$extends(spector())
  try {
    if (process.argv[2] === 'other') {
      const id = process.argv[3] ?? ''
      const moved = await prisma.account.update({ where: { id }, data: { balance: { increment: '10' } } })
      console.log(JSON.stringify({ balance: moved.balance.toString() }))
      return
    }
    /** A command's result, the statements it sent, and whether it equals the row Prisma reads back. */
    const step = async (command: () => Promise<{ id: string }>) => {
      const before = sent
      const result = await command()
      const statements = sent - before
      const row = await prisma.account.findUniqueOrThrow({ where: { id: result.id } })
      return { statements, matchesRow: JSON.stringify(plain(result)) === JSON.stringify(plain(row)), result: plain(result) as Record<string, unknown> }
    }
    const create = await step(() =>
      prisma.account.create({
        data: { iban: 'DE89370400440532013000', holderName: 'Ada Lovelace', balance: '100.255', profile: { tier: 'gold', tags: ['early'], limits: { daily: 500 } } },
      }),
    )
    const id = String(create.result['id'])
    const update = await step(() => prisma.account.update({ where: { id }, data: { balance: { increment: '0.75' }, holderName: 'Augusta Ada King' } }))
    const execute = await step(() => prisma.account.execute(id, 'freeze', { status: 'FROZEN', frozenAt: new Date('2026-01-02T03:04:05.000Z') }))
    const rawQueriesOfCommands = rawQueries
    const driftBefore = (await prisma.account.check()).drifted
    const other = JSON.parse((await promisify(execFile)(process.execPath, [fileURLToPath(import.meta.url), 'other', id])).stdout) as unknown
    const afterOther = await step(() => prisma.account.update({ where: { id }, data: { status: 'CLOSED' } }))
    const events = await prisma.account.events(id)
    console.log(
      JSON.stringify({
        id,
        create,
        update,
        execute,
        rawQueriesOfCommands,
        other,
        afterOther,
        events: events.map((event) => [event.action, event.sequence]),
        driftBefore: plain(driftBefore),
        driftAfter: plain((await prisma.account.check()).drifted),
      }),
    )
  } finally {
    await prisma.$disconnect()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
`
