/**
 * Issue 10 §1 "Decimal scale" and the other native column types: a write through the extended
 * client lands as an event and a row that agree (the event holds what the column holds: rounded as
 * the database rounds, on PostgreSQL and MariaDB as verified on the servers), or, when the column
 * cannot hold the value, is refused with the field named and leaves nothing. After every case
 * `row == replay(id)` and `check()` is clean. SQLite's columns keep what they are given, except a
 * Decimal, which SQLite keeps as a double.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { SpectorValidationError } from 'prisma-spector'
import { providersUnderTest, type Provider } from './support/databases.ts'
import { withNativeTypes, type NativeTypesContext } from './support/nativeTypesClient.ts'

/** What each database holds, per case (SQLite: no native types). */
const held = {
  postgresql: {
    float: '0.3',
    multiplied: '0.45',
    sum: '0.46',
    divided: '0.15',
    incremented: '0.15',
    deposited: '0.16',
    third: 0.33333334,
    second: '2026-01-01T00:00:01.000Z',
    centi: '2026-01-01T00:00:00.130Z',
    clock: '1970-01-01T12:34:57.000Z',
    lastClock: '1970-01-01T00:00:00.000Z',
    initials: 'ab ',
  },
  mysql: {
    float: '0.3',
    multiplied: '0.45',
    sum: '0.46',
    divided: '0.15',
    incremented: '0.15',
    deposited: '0.16',
    third: 0.3333333432674408,
    second: '2026-01-01T00:00:00.000Z',
    centi: '2026-01-01T00:00:00.120Z',
    clock: '1970-01-01T12:34:56.000Z',
    lastClock: '1970-01-01T23:59:59.000Z',
    initials: 'ab',
  },
  sqlite: {
    float: '0.30000000000000004',
    multiplied: '0.45000000000000007',
    sum: '0.45500000000000007',
    divided: '0.1516666666666667',
    incremented: '0.1526666666666667',
    deposited: '0.1576666666666667',
    third: 1 / 3,
    second: '2026-01-01T00:00:00.500Z',
    centi: '2026-01-01T00:00:00.125Z',
    clock: '2026-01-01T12:34:56.789Z',
    lastClock: '2026-01-01T23:59:59.600Z',
    initials: 'ab',
  },
} satisfies Record<Provider, unknown>

/** A refused command: a SpectorValidationError naming exactly `field`, and no event or row more than before. */
async function refused(ctx: NativeTypesContext, field: string, write: () => Promise<unknown>, message?: RegExp): Promise<void> {
  const before = await ctx.counts()
  await assert.rejects(write, (error: unknown) => {
    assert.ok(error instanceof SpectorValidationError, `expected a SpectorValidationError, got ${String(error)}`)
    assert.deepEqual(error.fields, [field])
    if (message) assert.match(error.message, message)
    return true
  })
  assert.deepEqual(await ctx.counts(), before)
}

for (const provider of providersUnderTest()) {
  const narrows = provider !== 'sqlite'
  const expected = held[provider]

  describe(`native column types on ${provider}`, () => {
    test('Decimal scale: create with "10.005" in a Decimal(18, 2) stores 10.01 in the row and in the event', () =>
      withNativeTypes(provider, async (ctx) => {
        const { id } = await ctx.prisma.account.create({ data: { balance: '10.005' } })
        const row = await ctx.agree(id)
        assert.equal(String(row.balance), narrows ? '10.01' : '10.005')
        assert.equal((await ctx.lastPayload(id)).balance, narrows ? '10.01' : '10.005')
        const negative = await ctx.prisma.account.create({ data: { balance: '-10.005', rate: '0.00005' } })
        assert.equal(String((await ctx.agree(negative.id)).balance), narrows ? '-10.01' : '-10.005')
        assert.equal((await ctx.lastPayload(negative.id)).rate, narrows ? '0.0001' : '0.00005')
      }))

    test('Decimal scale: update with "3.333", a JS float 0.1 + 0.2, { multiply }, { divide }, updateMany { increment } and a changeset sum', () =>
      withNativeTypes(provider, async (ctx) => {
        const { account } = ctx.prisma
        const { id } = await account.create({ data: { balance: '1' } })
        await account.update({ where: { id }, data: { balance: '3.333' } })
        assert.equal(String((await ctx.agree(id)).balance), narrows ? '3.33' : '3.333')
        assert.equal((await ctx.lastPayload(id)).balance, narrows ? '3.33' : '3.333')
        const steps: [string, Record<string, unknown>, string][] = [
          ['float', { balance: 0.1 + 0.2 }, expected.float],
          ['multiplied', { balance: { multiply: '1.5' } }, expected.multiplied],
          ['sum', { balance: { increment: '0.005' } }, expected.sum],
          ['divided', { balance: { divide: 3 } }, expected.divided],
        ]
        for (const [name, data, value] of steps) {
          await account.update({ where: { id }, data })
          assert.equal(String((await ctx.agree(id)).balance), value, name)
          assert.equal((await ctx.lastPayload(id)).balance, value, name)
        }
        await account.updateMany({ where: { id }, data: { balance: { increment: '0.001' } } })
        assert.equal(String((await ctx.agree(id)).balance), expected.incremented)
        // deposit adds its amount in the changeset: the state holds a sum no attr gave, rounded live and in replay.
        await account.execute(id, 'deposit', { amount: '0.005' })
        assert.equal(String((await ctx.agree(id)).balance), expected.deposited)
        assert.equal(String((await account.replay(id))?.balance), expected.deposited)
      }))

    test('Decimal precision: a value with too many digits before the point is refused naming the field, nothing written', () =>
      withNativeTypes(provider, async (ctx) => {
        const { account } = ctx.prisma
        const { id } = await account.create({ data: { balance: '9999999999999999.99' } })
        if (narrows) {
          await refused(ctx, 'balance', () => account.create({ data: { balance: '10000000000000000' } }), /Decimal\(18, 2\)/)
          await refused(ctx, 'balance', () => account.create({ data: { balance: '9999999999999999.995' } }))
          await refused(ctx, 'balance', () => account.update({ where: { id }, data: { balance: { increment: 1 } } }))
          await refused(ctx, 'rate', () => account.update({ where: { id }, data: { rate: '12.5' } }))
        }
        await refused(ctx, 'balance', () => account.create({ data: { balance: 'ten' } }))
        await ctx.agree(id)
      }))

    test('Decimal without @db: PostgreSQL and MariaDB keep 30 places (decimal(65, 30)), SQLite a double', () =>
      withNativeTypes(provider, async (ctx) => {
        const { id } = await ctx.prisma.account.create({ data: { balance: '0', wide: '0.1234567890123456789012345678905' } })
        const wide = narrows ? '0.123456789012345678901234567891' : '0.12345678901234568'
        assert.equal(String((await ctx.agree(id)).wide), wide)
        assert.equal((await ctx.lastPayload(id)).wide, wide)
      }))

    test('VarChar(n) overflow is refused naming the field, not truncated; Char(n) reads back as the database pads it', () =>
      withNativeTypes(provider, async (ctx) => {
        const { account } = ctx.prisma
        const { id } = await account.create({ data: { balance: '0', code: '🎉🎉🎉🎉🎉🎉🎉🎉', initials: 'ab' } })
        assert.equal((await ctx.agree(id)).initials, expected.initials)
        assert.equal((await ctx.lastPayload(id)).initials, expected.initials)
        if (narrows) {
          await refused(ctx, 'code', () => account.update({ where: { id }, data: { code: 'abcdefghi' } }), /VarChar\(8\)/)
          await refused(ctx, 'initials', () => account.create({ data: { balance: '0', initials: 'abcd' } }))
        }
        await ctx.agree(id)
      }))

    if (provider === 'postgresql') {
      test('Uuid: any spelling PostgreSQL takes is held lowercase and hyphenated, in the row and the event alike (no drift); a non-UUID is refused naming the field', () =>
        withNativeTypes(provider, async (ctx) => {
          const { account } = ctx.prisma
          // Only the PostgreSQL schema has `ref` (the test context is typed from the SQLite one).
          const ref = (value: string) => ({ ref: value }) as object
          const { id } = await account.create({ data: { balance: '0', ...ref('{A0EEBC99-9C0B4EF8-BB6D6BB9-BD380A11}') } })
          assert.equal((await ctx.agree(id)).ref, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')
          assert.equal((await ctx.lastPayload(id)).ref, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')
          await account.update({ where: { id }, data: ref('B0EEBC999C0B4EF8BB6D6BB9BD380A11') })
          assert.equal((await ctx.agree(id)).ref, 'b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')
          await refused(ctx, 'ref', () => account.update({ where: { id }, data: ref('not-a-uuid') }), /not a UUID/)
        }))
    }

    test('Real is single precision: the event holds the float the column reads back; out of its range is refused', () =>
      withNativeTypes(provider, async (ctx) => {
        const { id } = await ctx.prisma.account.create({ data: { balance: '0', ratio: 1 / 3, double: 1 / 3 } })
        const row = await ctx.agree(id)
        assert.equal(row.ratio, expected.third)
        assert.equal(row.double, 1 / 3)
        assert.equal((await ctx.lastPayload(id)).ratio, expected.third)
        if (narrows) await refused(ctx, 'ratio', () => ctx.prisma.account.update({ where: { id }, data: { ratio: 1e39 } }), /32-bit float/)
      }))

    test('Timestamp(0), Timestamp(2), Date and Time(0) keep what the column keeps', () =>
      withNativeTypes(provider, async (ctx) => {
        const { id } = await ctx.prisma.account.create({
          data: {
            balance: '0',
            at: new Date('2026-01-01T00:00:00.500Z'),
            atCenti: new Date('2026-01-01T00:00:00.125Z'),
            day: new Date('2026-01-01T23:59:59.999Z'),
            clock: new Date('2026-01-01T12:34:56.789Z'),
          },
        })
        const row = await ctx.agree(id)
        assert.equal((row.at as Date).toISOString(), expected.second)
        assert.equal((row.atCenti as Date).toISOString(), expected.centi)
        assert.equal((row.day as Date).toISOString(), narrows ? '2026-01-01T00:00:00.000Z' : '2026-01-01T23:59:59.999Z')
        assert.equal((row.clock as Date).toISOString(), expected.clock)
        assert.equal((await ctx.lastPayload(id)).at, expected.second)
        // PostgreSQL rounds 23:59:59.6 up to midnight (Prisma writes only the time of day); MariaDB truncates.
        await ctx.prisma.account.update({ where: { id }, data: { clock: new Date('2026-01-01T23:59:59.600Z') } })
        assert.equal(((await ctx.agree(id)).clock as Date).toISOString(), expected.lastClock)
        await ctx.prisma.account.update({ where: { id }, data: { count: 1 } })
        await ctx.agree(id)
      }))

    test('Int overflow (2^31), SmallInt and BigInt out of range are refused naming the field', () =>
      withNativeTypes(provider, async (ctx) => {
        const { account } = ctx.prisma
        const { id } = await account.create({ data: { balance: '0', small: 32767, count: 2147483647, big: 9223372036854775807n } })
        await ctx.agree(id)
        if (narrows) {
          await refused(ctx, 'count', () => account.create({ data: { balance: '0', count: 2 ** 31 } }), /2147483648 is out of range/)
          await refused(ctx, 'count', () => account.update({ where: { id }, data: { count: { increment: 1 } } }))
          await refused(ctx, 'small', () => account.update({ where: { id }, data: { small: 32768 } }))
          await refused(ctx, 'big', () => account.update({ where: { id }, data: { big: { increment: 1 } } }))
        } else {
          // SQLite keeps 64-bit integers in an Int column, and Prisma reads them back.
          await account.update({ where: { id }, data: { count: { increment: 1 } } })
          assert.equal((await ctx.agree(id)).count, 2 ** 31)
        }
        await ctx.agree(id)
      }))

    if (provider === 'mysql') {
      test('MySQL Text over 65,535 bytes of UTF-8 is refused naming the field', () =>
        withNativeTypes(provider, async (ctx) => {
          await refused(ctx, 'note', () => ctx.prisma.account.create({ data: { balance: '0', note: 'é'.repeat(40_000) } }), /65535/)
        }))
    }
  })
}
