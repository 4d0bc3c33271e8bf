/**
 * Issue 10 §4 "Payload encoding" and "MySQL integer divide": every Decimal and BigInt value in a
 * payload is a string whatever its source (a filled-in `@default(0)`, a JS number, a savepoint),
 * and an integer `divide` gives what Prisma's own update gives on the same database (PostgreSQL
 * and SQLite truncate 33 / 2 to 16, MySQL/MariaDB round it to 17), event and row agreeing.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { providersUnderTest } from './support/databases.ts'
import { withNativeTypes } from './support/nativeTypesClient.ts'

const decimalFields = ['balance', 'opening', 'rate', 'wide']

for (const provider of providersUnderTest()) {
  describe(`payload encoding on ${provider}`, () => {
    test('a filled-in Decimal @default(0), a JS number for a Decimal and a number for a BigInt are stored as strings', () =>
      withNativeTypes(provider, async (ctx) => {
        const { id } = await ctx.prisma.account.create({ data: { balance: 5, wide: 0.25, big: 7 as unknown as bigint } })
        const payload = await ctx.lastPayload(id)
        assert.equal(payload.opening, '0')
        assert.equal(payload.balance, '5')
        assert.equal(payload.wide, '0.25')
        assert.equal(payload.big, '7')
        await ctx.agree(id)
      }))

    test('every Decimal and BigInt of every payload is a string, savepoints included', () =>
      withNativeTypes(provider, async (ctx) => {
        const { account } = ctx.prisma
        const { id } = await account.create({ data: { balance: 1.5, rate: 0.5, big: 12n } })
        await account.update({ where: { id }, data: { balance: { increment: 2 }, big: { multiply: 3 }, rate: 1 } })
        await account.updateMany({ where: { id }, data: { wide: 3 } })
        await account.savepoint(id)
        const events = await account.events(id)
        assert.equal(events.length, 4)
        for (const event of events) {
          for (const field of [...decimalFields, 'big']) {
            const value = event.payload[field]
            if (value !== undefined && value !== null) assert.equal(typeof value, 'string', `${event.action} ${field}: ${JSON.stringify(value)}`)
          }
        }
        assert.equal(events.at(-1)!.payload.balance, '3.5')
        assert.equal(events.at(-1)!.payload.big, '36')
        await ctx.agree(id)
      }))
  })

  describe(`integer divide on ${provider}`, () => {
    test(`Int and BigInt divide give what Prisma's own update gives on ${provider} (${provider === 'mysql' ? 'rounded: 33 / 2 = 17' : 'truncated: 33 / 2 = 16'})`, () =>
      withNativeTypes(provider, async (ctx) => {
        const cases: [number, number][] = [
          [33, 2],
          [-33, 2],
          [35, 4],
          [33, 4],
          [7, -2],
        ]
        for (const [dividend, divisor] of cases) {
          const plain = await ctx.base.account.create({ data: { id: `plain${dividend}_${divisor}`, balance: '0', count: dividend, big: BigInt(dividend) } })
          const byPrisma = await ctx.base.account.update({ where: { id: plain.id }, data: { count: { divide: divisor }, big: { divide: divisor } } })
          await ctx.base.account.delete({ where: { id: plain.id } })
          const { id } = await ctx.prisma.account.create({ data: { balance: '0', count: dividend, big: BigInt(dividend) } })
          const evented = await ctx.prisma.account.update({ where: { id }, data: { count: { divide: divisor }, big: { divide: divisor } } })
          assert.equal(evented.count, byPrisma.count, `${dividend} / ${divisor}`)
          assert.equal(evented.big, byPrisma.big, `${dividend}n / ${divisor}`)
          assert.equal((await ctx.lastPayload(id)).count, byPrisma.count)
          await ctx.agree(id)
        }
        const { id } = await ctx.prisma.account.create({ data: { balance: '0', count: 33 } })
        const divided = await ctx.prisma.account.update({ where: { id }, data: { count: { divide: 2 } } })
        assert.equal(divided.count, provider === 'mysql' ? 17 : 16)
      }))
  })
}
