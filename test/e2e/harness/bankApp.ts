/**
 * The application every matrix case builds, written as an outsider would: a bank whose owners and
 * accounts are evented, with the column types and names of an existing database (Decimal, BigInt,
 * an enum, Json, unique fields, snake_case `@map`/`@@map` tables and columns; the event log as the
 * README pastes it, or snake_case too for its own case), plain models related to evented ones
 * with explicit referential actions, and a program that creates, updates, executes a custom action,
 * replays and checks. Only what differs between configurations (generator options, import paths,
 * tsconfig) is a parameter.
 */
import { eventsModelText } from '../../generator/project.ts'

export interface ClientGeneratorOptions {
  provider?: 'prisma-client' | 'prisma-client-js'
  /** Extra lines in the client generator block, e.g. `moduleFormat = "cjs"`. */
  extra?: string[]
}

/** The generator and datasource blocks; `outputPrefix` leads from the schema file's folder to the project. */
export function generatorBlocks(outputPrefix: string, client: ClientGeneratorOptions = {}, provider: 'sqlite' | 'postgresql' = 'sqlite'): string {
  const extra = (client.extra ?? []).map((line) => `  ${line}\n`).join('')
  return `generator client {
  provider = "${client.provider ?? 'prisma-client'}"
  output   = "${outputPrefix}generated/prisma"
${extra}}

generator spector {
  provider   = "prisma-spector"
  output     = "${outputPrefix}generated/spector"
  changesets = "${outputPrefix}src/changesets"
}

datasource db {
  provider = "${provider}"
}
`
}

/** The event log as the README's block pastes it (shared with the generator's e2e tests). */
export const eventLogModel = `${eventsModelText}\n`

/**
 * The event log of an existing snake_case database: every column and the table mapped (issue 11 §2).
 * `recordIdNativeType` gives the record id column a type of the database's own (`@db.Uuid`).
 */
export function snakeCaseEventLog(recordIdNativeType?: string): string {
  return `/// The bank's event log.
/// @events
model Event {
  id         String   @id
  recordId   String   ${recordIdNativeType ? `${recordIdNativeType} ` : ''}@map("record_id")
  model      String
  action     String
  payload    Json
  version    Int
  sequence   Int
  insertedAt DateTime @default(now()) @map("inserted_at")
  hash       Bytes?
  prevHash   Bytes?   @map("prev_hash")
  metadata   Json?

  @@unique([recordId, sequence])
  @@index([model])
  @@map("events")
}
`
}

export const snakeCaseEventLogModel = snakeCaseEventLog()

/**
 * Owners and accounts (evented), branches and statements (plain). SQLite has no `@db.Decimal`,
 * so the balance is a plain Decimal here.
 */
export const bankModels = `enum AccountStatus {
  OPEN
  FROZEN
  CLOSED
}

/// A customer.
/// @evented(version=1)
model Owner {
  id        String    @id
  email     String    @unique
  fullName  String    @map("full_name")
  profile   Json?
  createdAt DateTime  @default(now()) @map("created_at")
  updatedAt DateTime  @updatedAt @map("updated_at")
  accounts  Account[]

  @@map("owners")
}

/// @evented(version=1, actions=[freeze, close])
model Account {
  id         String        @id
  iban       String        @unique
  balance    Decimal       @default(0)
  limitCents BigInt        @default(0) @map("limit_cents")
  status     AccountStatus @default(OPEN)
  frozenAt   DateTime?     @map("frozen_at")
  openedAt   DateTime      @default(now()) @map("opened_at")
  ownerId    String        @map("owner_id")
  owner      Owner         @relation(fields: [ownerId], references: [id], onDelete: Restrict, onUpdate: Restrict)
  branchId   Int?          @map("branch_id")
  branch     Branch?       @relation(fields: [branchId], references: [id], onDelete: Restrict, onUpdate: Restrict)
  statements Statement[]

  @@map("accounts")
}

/// Reference data, not evented.
model Branch {
  id       Int       @id @default(autoincrement())
  code     String    @unique
  name     String
  accounts Account[]

  @@map("branches")
}

/// Plain rows that point at an evented account.
model Statement {
  id        Int     @id @default(autoincrement())
  period    String
  accountId String  @map("account_id")
  account   Account @relation(fields: [accountId], references: [id], onDelete: Restrict, onUpdate: Restrict)

  @@unique([accountId, period])
  @@map("statements")
}
`

/** The whole schema in one file at prisma/schema.prisma. */
export function bankSchema(client: ClientGeneratorOptions = {}, eventLog = eventLogModel): string {
  return `${generatorBlocks('../', client)}\n${eventLog}\n${bankModels}`
}

/** prisma.config.ts as Prisma 7 wants it: the schema's place and the database URL. */
export function prismaConfig(schema: string): string {
  return `import { defineConfig } from 'prisma/config'

export default defineConfig({
  schema: '${schema}',
  datasource: { url: process.env['DATABASE_URL'] ?? 'file:./dev.db' },
})
`
}

/**
 * The program: every statement a new user writes on day one. `importSuffix` is what the
 * configuration puts after a relative module path ('' for bundler and CommonJS, '.js', '.mjs');
 * `clientModule` the Prisma client's entry in its output folder ('index' for prisma-client-js).
 * It prints one JSON line for the test to compare; Decimal and BigInt values as strings.
 *
 * `chained`: the client also has a query extension chained before `spector()` (trims an owner's
 * name) and, after it, a logging query extension and a result extension (an account's `label`), in
 * the given order, and the program prints what those saw (see `chainedOutcome`).
 */
export function bankProgram(importSuffix: string, clientModule = 'client', chained: ChainOrder | false = false): string {
  return `import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaClient } from '../generated/prisma/${clientModule}${importSuffix}'
import { spector } from '../generated/spector/index${importSuffix}'

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))

async function main(): Promise<void> {
  const url = process.env['DATABASE_URL']
  if (!url) throw new Error('DATABASE_URL is not set')
${chained ? chainedClient(chained) : '  const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url }) }).$extends(spector())'}
  try {
    const branch = await prisma.branch.create({ data: { code: 'LDN', name: 'London' } })
    const owner = await prisma.owner.create({
      data: { email: 'ada@example.com', fullName: ${chained ? "'  Ada Lovelace  '" : "'Ada Lovelace'"}, profile: { tier: 'gold', tags: ['early'] } },
    })
    const account = await prisma.account.create({
      data: { iban: 'GB82WEST12345698765432', balance: '100.25', limitCents: 9_007_199_254_740_993n, ownerId: owner.id, branchId: branch.id },
    })
    await prisma.account.update({ where: { id: account.id }, data: { balance: { increment: '0.75' } } })
    const frozen = await prisma.account.execute(account.id, 'freeze', { status: 'FROZEN', frozenAt: new Date('2026-01-02T03:04:05.000Z') })
    await prisma.statement.create({ data: { accountId: account.id, period: '2026-01' } })
    await prisma.owner.update({ where: { email: 'ada@example.com' }, data: { fullName: 'Augusta Ada King' } })

    const row = await prisma.account.findUniqueOrThrow({ where: { iban: 'GB82WEST12345698765432' } })
    // The row as the log knows it (the chained client's result extension adds \`label\` to reads).
    ${chained ? 'const { label: _label, ...comparedRow } = row' : 'const comparedRow = row'}
    const replayed = await prisma.account.replay(account.id)
    const events = await prisma.account.events(account.id)
    const ownerRow = await prisma.owner.findUniqueOrThrow({ where: { id: owner.id } })
    const ownerReplayed = await prisma.owner.replay(owner.id)
    const drift = [await prisma.owner.check(), await prisma.account.check()].flatMap((report) => report.drifted)
    console.log(
      JSON.stringify({
        balance: row.balance.toString(),
        limitCents: row.limitCents.toString(),
        status: row.status,
        actions: events.map((event) => event.action),
        replayMatchesRow: JSON.stringify(plain(replayed)) === JSON.stringify(plain(comparedRow)),
        ownerReplayMatchesRow: JSON.stringify(plain(ownerReplayed)) === JSON.stringify(plain(ownerRow)),
        ownerName: ownerReplayed?.fullName,
        drift: plain(drift),
        accountId: account.id,${chained ? chainedOutputs : ''}
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
}

/**
 * Which of the two extensions chained after spector() comes last: the logging one or the result
 * one. Users chain them in either order, and prisma-spector's own methods (`execute`) must give
 * both what a Prisma write gives them whichever is last.
 */
export type ChainOrder = 'result-last' | 'logger-last'

/** The chained client (see bankProgram): one extension before spector(), two after, in `order`. */
function chainedClient(order: ChainOrder): string {
  const audit = `
    .$extends({
      name: 'audit',
      query: {
        $allModels: {
          $allOperations: ({ model, operation, args, query }) => {
            seen.push(\`\${model}.\${operation}\`)
            return query(args)
          },
        },
      },
    })`
  const label = `
    .$extends({
      name: 'label',
      result: { account: { label: { needs: { iban: true }, compute: (account) => account.iban.slice(0, 4) } } },
    })`
  return `  const seen: string[] = []
  const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url }) })
    .$extends({
      name: 'trim-names',
      query: {
        owner: {
          create: ({ args, query }) => query({ ...args, data: { ...args.data, fullName: args.data.fullName.trim() } }),
        },
      },
    })
    .$extends(spector())${order === 'result-last' ? audit + label : label + audit}`
}

/** What the chained program prints besides the bank's outcome. */
const chainedOutputs = `
        seenAfter: seen.filter((s) => /^(Owner|Account)\\.(create|update|upsert|delete)$/.test(s)),
        labelOnCreate: (account as { label?: string }).label,
        labelOnExecute: (frozen as { label?: string }).label,
        labelOnRead: row.label,
        ownerNameInFirstEvent: (await prisma.owner.events(owner.id))[0]?.payload['fullName'],`

/** What the chained program prints besides `expectedOutcome`. */
export const chainedOutcome = {
  seenAfter: ['Owner.create', 'Account.create', 'Account.update', 'Account.update', 'Owner.update'],
  labelOnCreate: 'GB82',
  labelOnExecute: 'GB82',
  labelOnRead: 'GB82',
  ownerNameInFirstEvent: 'Ada Lovelace',
}

/** What the program prints when everything works (accountId aside). */
export const expectedOutcome = {
  balance: '101',
  limitCents: '9007199254740993',
  status: 'FROZEN',
  actions: ['insert', 'update', 'freeze'],
  replayMatchesRow: true,
  ownerReplayMatchesRow: true,
  ownerName: 'Augusta Ada King',
  drift: [],
}

/**
 * The strict compiler options of `tsc --init` (TypeScript 5.9) plus what the issue names, shared by
 * every configuration: the generated code must compile under all of them without `@ts-nocheck`.
 */
export const strictOptions = {
  target: 'es2022',
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noPropertyAccessFromIndexSignature: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  noUncheckedSideEffectImports: true,
  moduleDetection: 'force',
  skipLibCheck: true,
  types: ['node'],
}

export function tsconfig(compilerOptions: Record<string, unknown>): string {
  return `${JSON.stringify({ compilerOptions: { ...strictOptions, ...compilerOptions }, include: ['src', 'generated'] }, null, 2)}\n`
}
