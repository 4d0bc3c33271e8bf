/**
 * mysqlCreateScript against real DMMF: `prisma generate` (offline) writes a MySQL Prisma client and,
 * through dumpDmmfGenerator.mjs, the DMMF datamodel into a temp directory; the script is compared
 * with the expected text and then applied to a fresh MariaDB database, which the generated client
 * reads and writes.
 *
 *     npx vitest run test/support/mysqlCreateScript.int.test.ts
 */
import { afterAll, beforeAll, describe, test } from 'vitest'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { DMMF } from '@prisma/generator-helper'
import { createTestDatabase, providersUnderTest, type TestDatabase } from './databases.ts'
import { mysqlCreateScript } from './mysqlCreateScript.ts'
import { MYSQL_THING_FIXTURE } from './thingFixture.ts'

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = join(here, '..', '..')
const require = createRequire(import.meta.url)

const MODELS = `
enum Level {
  LOW
  MEDIUM @map("medium")
  HIGH
}

model Item {
  id        String    @id
  count     Int?
  big       BigInt
  ratio     Float
  price     Decimal
  active    Boolean   @default(false)
  createdAt DateTime  @default(now())
  updatedAt DateTime  @updatedAt
  data      Json
  extra     Json?
  blob      Bytes?
  level     Level     @default(MEDIUM)
  email     String    @unique
  a         String
  b         Int
  c         String
  note      String?   @db.Text
  code      String    @default("it's") @db.VarChar(20)
  stamp     DateTime? @db.DateTime(6)
  children  Child[]
  tags      Tag[]

  @@unique([a, b])
  @@index([c])
}

model Child {
  id     Int    @id @default(autoincrement())
  itemId String
  item   Item   @relation(fields: [itemId], references: [id])
  tagKey Int?   @map("tag_key")
  tag    Tag?   @relation(fields: [tagKey], references: [key])
}

model Tag {
  key      Int     @id @default(autoincrement()) @map("tag_key")
  niceName String  @map("nice_name")
  children Child[]
  items    Item[]

  @@index([niceName])
  @@map("tags")
}

model Thing {
  id      String   @id
  payload Json
  at      DateTime @default(now())
  n       Int
  @@unique([id, n])
}
`

/** Verified by hand against prisma-engines' MySQL calculator/renderer (and, for Thing, real CLI output). */
const EXPECTED = `-- CreateTable
CREATE TABLE \`Item\` (
    \`id\` VARCHAR(191) NOT NULL,
    \`count\` INTEGER NULL,
    \`big\` BIGINT NOT NULL,
    \`ratio\` DOUBLE NOT NULL,
    \`price\` DECIMAL(65, 30) NOT NULL,
    \`active\` BOOLEAN NOT NULL DEFAULT false,
    \`createdAt\` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    \`updatedAt\` DATETIME(3) NOT NULL,
    \`data\` JSON NOT NULL,
    \`extra\` JSON NULL,
    \`blob\` LONGBLOB NULL,
    \`level\` ENUM('LOW', 'medium', 'HIGH') NOT NULL DEFAULT 'medium',
    \`email\` VARCHAR(191) NOT NULL,
    \`a\` VARCHAR(191) NOT NULL,
    \`b\` INTEGER NOT NULL,
    \`c\` VARCHAR(191) NOT NULL,
    \`note\` TEXT NULL,
    \`code\` VARCHAR(20) NOT NULL DEFAULT 'it''s',
    \`stamp\` DATETIME(6) NULL,

    UNIQUE INDEX \`Item_email_key\`(\`email\`),
    INDEX \`Item_c_idx\`(\`c\`),
    UNIQUE INDEX \`Item_a_b_key\`(\`a\`, \`b\`),
    PRIMARY KEY (\`id\`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE \`Child\` (
    \`id\` INTEGER NOT NULL AUTO_INCREMENT,
    \`itemId\` VARCHAR(191) NOT NULL,
    \`tag_key\` INTEGER NULL,

    PRIMARY KEY (\`id\`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE \`tags\` (
    \`tag_key\` INTEGER NOT NULL AUTO_INCREMENT,
    \`nice_name\` VARCHAR(191) NOT NULL,

    INDEX \`tags_nice_name_idx\`(\`nice_name\`),
    PRIMARY KEY (\`tag_key\`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE \`Thing\` (
    \`id\` VARCHAR(191) NOT NULL,
    \`payload\` JSON NOT NULL,
    \`at\` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    \`n\` INTEGER NOT NULL,

    UNIQUE INDEX \`Thing_id_n_key\`(\`id\`, \`n\`),
    PRIMARY KEY (\`id\`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE \`_ItemToTag\` (
    \`A\` VARCHAR(191) NOT NULL,
    \`B\` INTEGER NOT NULL,

    UNIQUE INDEX \`_ItemToTag_AB_unique\`(\`A\`, \`B\`),
    INDEX \`_ItemToTag_B_index\`(\`B\`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE \`Child\` ADD CONSTRAINT \`Child_itemId_fkey\` FOREIGN KEY (\`itemId\`) REFERENCES \`Item\`(\`id\`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE \`Child\` ADD CONSTRAINT \`Child_tag_key_fkey\` FOREIGN KEY (\`tag_key\`) REFERENCES \`tags\`(\`tag_key\`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE \`_ItemToTag\` ADD CONSTRAINT \`_ItemToTag_A_fkey\` FOREIGN KEY (\`A\`) REFERENCES \`Item\`(\`id\`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE \`_ItemToTag\` ADD CONSTRAINT \`_ItemToTag_B_fkey\` FOREIGN KEY (\`B\`) REFERENCES \`tags\`(\`tag_key\`) ON DELETE CASCADE ON UPDATE CASCADE;
`

/** Runs `prisma generate` offline for `schemaFile` (the native schema engine is never needed for generate). */
function prismaGenerate(schemaFile: string): void {
  execFileSync(process.execPath, [require.resolve('prisma/build/index.js'), 'generate', '--schema', schemaFile], {
    cwd: dirname(schemaFile),
    stdio: 'pipe',
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
  })
}

let dir = ''
let datamodel: DMMF.Datamodel

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'spector-mysql-script-'))
  // The generated client imports @prisma/client/runtime/...: let it resolve from the repo.
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir')
  const generator = join(here, 'dumpDmmfGenerator.mjs')
  const schema = `generator client {
  provider = "prisma-client"
  output   = "${join(dir, 'client')}"
}

generator dmmf {
  provider = "node ${generator}"
  output   = "${dir}"
}

datasource db {
  provider = "mysql"
}
${MODELS}`
  const schemaFile = join(dir, 'schema.prisma')
  writeFileSync(schemaFile, schema)
  prismaGenerate(schemaFile)
  datamodel = JSON.parse(readFileSync(join(dir, 'datamodel.json'), 'utf8')) as DMMF.Datamodel
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('mysqlCreateScript', () => {
  test('produces the script prisma migrate diff would', () => {
    const script = mysqlCreateScript(datamodel)
    if (process.env['SPECTOR_PRINT_SCRIPTS']) console.log(script)
    assert.equal(script, EXPECTED)
  })

  test('matches real Prisma CLI output for the harness fixture', () => {
    const thing = { ...datamodel, models: datamodel.models.filter((m) => m.name === 'Thing') }
    assert.equal(mysqlCreateScript(thing), MYSQL_THING_FIXTURE)
  })

  test('rejects scalar lists', () => {
    const models = datamodel.models.map((m) => (m.name !== 'Thing' ? m : { ...m, fields: m.fields.map((f) => (f.name === 'n' ? { ...f, isList: true } : f)) }))
    assert.throws(() => mysqlCreateScript({ ...datamodel, models }), /Thing\.n is a scalar list \(Int\[\]\).*not supported on MySQL/)
  })

  test('cuts default constraint names to 64 bytes like Prisma', () => {
    const long = 'x'.repeat(70)
    const models = datamodel.models.map((m) => (m.name === 'Thing' ? { ...m, dbName: long } : m))
    const script = mysqlCreateScript({ ...datamodel, models: models.filter((m) => m.name === 'Thing') })
    assert.ok(script.includes(`UNIQUE INDEX \`${'x'.repeat(60)}_key\`(\`id\`, \`n\`)`), script)
  })
})

const mysqlSkip = providersUnderTest().includes('mysql') ? false : 'mysql is not in SPECTOR_TEST_PROVIDERS'

describe.skipIf(mysqlSkip)('mysqlCreateScript on MariaDB through the generated PrismaClient', () => {
  let db: TestDatabase | undefined
  // The generated client's types live in the temp directory; the test works with it untyped.
  let prisma: any
  let Prisma: any

  beforeAll(async () => {
    db = await createTestDatabase('mysql', mysqlCreateScript(datamodel))
    const mod = await import(pathToFileURL(join(dir, 'client', 'client.ts')).href)
    Prisma = mod.Prisma
    prisma = new mod.PrismaClient({ adapter: db.adapter })
  })

  afterAll(async () => {
    await prisma?.$disconnect()
    await db?.drop()
  })

  test('create / findUnique / update / delete round-trip every column type', async () => {
    const bytes = Uint8Array.from([0, 1, 2, 250, 255])
    const data = { nested: { list: [1, 'two', null, true], n: 1.5 }, text: 'héllo ✓' }
    const stamp = new Date('2024-05-06T07:08:09.123Z')
    const before = Date.now()
    const created = await prisma.item.create({
      data: {
        id: 'item-1',
        count: 7,
        big: 9007199254740993n, // above Number.MAX_SAFE_INTEGER
        ratio: 0.125,
        price: new Prisma.Decimal('12345678901234567890.123456789012345678901234567890'),
        data,
        extra: [1, 2, 3],
        blob: bytes,
        email: 'one@example.com',
        a: 'a',
        b: 1,
        c: 'c',
        note: 'x'.repeat(1000),
        stamp,
      },
    })
    assert.equal(created.active, false)
    assert.equal(created.level, 'MEDIUM')
    assert.equal(created.code, "it's")
    assert.ok(created.createdAt instanceof Date && created.createdAt.getTime() >= before - 2000)

    const found = await prisma.item.findUnique({ where: { id: 'item-1' } })
    assert.ok(found)
    assert.equal(found.count, 7)
    assert.equal(found.big, 9007199254740993n)
    assert.equal(found.ratio, 0.125)
    assert.ok(Prisma.Decimal.isDecimal(found.price))
    assert.equal(found.price.toFixed(30), '12345678901234567890.123456789012345678901234567890')
    assert.equal(found.active, false)
    assert.equal(found.createdAt.getTime(), created.createdAt.getTime())
    assert.equal(found.updatedAt.getTime(), created.updatedAt.getTime())
    assert.deepEqual(found.data, data)
    assert.deepEqual(found.extra, [1, 2, 3])
    assert.deepEqual(Uint8Array.from(found.blob), bytes)
    assert.equal(found.level, 'MEDIUM')
    assert.equal(found.email, 'one@example.com')
    assert.equal(found.note, 'x'.repeat(1000))
    assert.equal(found.stamp.getTime(), stamp.getTime())

    // The enum's @map value is what the database stores.
    const [raw] = await db!.query<{ level: string }>('SELECT `level` FROM `Item` WHERE `id` = ?', ['item-1'])
    assert.equal(raw?.level, 'medium')

    const updated = await prisma.item.update({
      where: { id: 'item-1' },
      data: {
        count: null,
        big: -5n,
        price: new Prisma.Decimal('-0.000000000000000000000000000001'),
        active: true,
        data: { replaced: true },
        extra: Prisma.DbNull,
        blob: null,
        level: 'HIGH',
        stamp: null,
      },
    })
    assert.ok(updated.updatedAt.getTime() >= found.updatedAt.getTime())
    const reread = await prisma.item.findUnique({ where: { email: 'one@example.com' } })
    assert.equal(reread.count, null)
    assert.equal(reread.big, -5n)
    assert.equal(reread.price.toString(), '-1e-30')
    assert.equal(reread.active, true)
    assert.deepEqual(reread.data, { replaced: true })
    assert.equal(reread.extra, null)
    assert.equal(reread.blob, null)
    assert.equal(reread.level, 'HIGH')
    assert.equal(reread.stamp, null)
    // The compound unique is usable as a where input.
    assert.equal((await prisma.item.findUnique({ where: { a_b: { a: 'a', b: 1 } } })).id, 'item-1')

    await prisma.item.delete({ where: { id: 'item-1' } })
    assert.equal(await prisma.item.findUnique({ where: { id: 'item-1' } }), null)
  })

  test('unique violations surface as P2002', async () => {
    const base = { big: 1n, ratio: 1, price: 1, data: {}, c: 'c' }
    await prisma.item.create({ data: { ...base, id: 'u1', email: 'dup@example.com', a: 'x', b: 1 } })
    await assert.rejects(
      prisma.item.create({ data: { ...base, id: 'u2', email: 'dup@example.com', a: 'y', b: 2 } }),
      (error: { code?: string }) => error.code === 'P2002',
    )
    await assert.rejects(
      prisma.item.create({ data: { ...base, id: 'u3', email: 'other@example.com', a: 'x', b: 1 } }),
      (error: { code?: string }) => error.code === 'P2002',
    )
    await assert.rejects(
      prisma.item.create({ data: { ...base, id: 'u1', email: 'third@example.com', a: 'z', b: 3 } }),
      (error: { code?: string }) => error.code === 'P2002',
    )
    await prisma.item.delete({ where: { id: 'u1' } })
  })

  test('foreign keys are enforced, with RESTRICT and SET NULL as declared', async () => {
    await assert.rejects(prisma.child.create({ data: { itemId: 'missing' } }), (error: { code?: string }) => error.code === 'P2003')

    await prisma.item.create({
      data: { id: 'parent', big: 1n, ratio: 1, price: 1, data: {}, email: 'p@example.com', a: 'p', b: 1, c: 'c' },
    })
    const tag = await prisma.tag.create({ data: { niceName: 'red', items: { connect: { id: 'parent' } } } })
    assert.equal(typeof tag.key, 'number')
    const child = await prisma.child.create({ data: { itemId: 'parent', tagKey: tag.key } })
    assert.equal(typeof child.id, 'number')

    const withRelations = await prisma.item.findUnique({
      where: { id: 'parent' },
      include: { children: true, tags: true },
    })
    assert.deepEqual(
      withRelations.children.map((c: { id: number }) => c.id),
      [child.id],
    )
    assert.deepEqual(
      withRelations.tags.map((t: { niceName: string }) => t.niceName),
      ['red'],
    )

    // Required relation: ON DELETE RESTRICT.
    await assert.rejects(prisma.item.delete({ where: { id: 'parent' } }), (error: { code?: string }) => error.code === 'P2003')
    // Optional relation: ON DELETE SET NULL; implicit m-n rows: ON DELETE CASCADE.
    await prisma.tag.delete({ where: { key: tag.key } })
    assert.equal((await prisma.child.findUnique({ where: { id: child.id } })).tagKey, null)
    const joinRows = await db!.query('SELECT * FROM `_ItemToTag`')
    assert.equal(joinRows.length, 0)

    await prisma.child.delete({ where: { id: child.id } })
    await prisma.item.delete({ where: { id: 'parent' } })
  })

  test('MariaDB backs each foreign key with an index named after the constraint', async () => {
    const rows = await db!.query<{ TABLE_NAME: string; INDEX_NAME: string }>(
      `SELECT DISTINCT TABLE_NAME, INDEX_NAME FROM information_schema.STATISTICS
       WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('Child', '_ItemToTag') ORDER BY TABLE_NAME, INDEX_NAME`,
    )
    assert.deepEqual(
      rows.map((r) => `${r.TABLE_NAME}.${r.INDEX_NAME}`),
      [
        'Child.Child_itemId_fkey',
        'Child.Child_tag_key_fkey',
        'Child.PRIMARY',
        // No separate index for A: the unique index (A, B) already starts with it.
        '_ItemToTag._ItemToTag_AB_unique',
        '_ItemToTag._ItemToTag_B_index',
      ],
    )
  })
})
