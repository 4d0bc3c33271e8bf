/**
 * Issue 10 §1 "SQLite lone surrogates" and §3 "Wrong answers on bad input": ids that are not
 * non-empty strings, an `until` of the wrong shape, text that is not valid Unicode (on every
 * database), NUL characters (PostgreSQL cannot store them) and Json nested past the documented
 * limit are refused with a SpectorValidationError naming the argument or field, and nothing is
 * written. Where the database keeps the value, event and row agree.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { SpectorValidationError } from 'prisma-spector'
import { providersUnderTest } from './support/databases.ts'
import { withNativeTypes, type NativeTypesContext } from './support/nativeTypesClient.ts'

function namesOnly(name: string, message?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof SpectorValidationError, `expected a SpectorValidationError, got ${String(error)}`)
    assert.deepEqual(error.fields, [name])
    if (message) assert.match(error.message, message)
    return true
  }
}

async function refusedWrite(ctx: NativeTypesContext, field: string, write: () => Promise<unknown>, message?: RegExp): Promise<void> {
  const before = await ctx.counts()
  await assert.rejects(write, namesOnly(field, message))
  assert.deepEqual(await ctx.counts(), before)
}

function nested(depth: number): unknown {
  let value: unknown = 'leaf'
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { down: value }
  return value
}

for (const provider of providersUnderTest()) {
  describe(`bad input on ${provider}`, () => {
    test('events(undefined), replay(undefined), savepoint(undefined) and every call taking an id refuse an id that is not a non-empty string', () =>
      withNativeTypes(provider, async (ctx) => {
        const { account } = ctx.prisma
        const { id } = await account.create({ data: { balance: '1' } })
        const before = await ctx.counts()
        for (const bad of [undefined, null, '', 42, {}, ['x']] as unknown as string[]) {
          await assert.rejects(account.events(bad), namesOnly('id', /non-empty string/))
          await assert.rejects(account.replay(bad), namesOnly('id'))
          await assert.rejects(account.savepoint(bad), namesOnly('id'))
          await assert.rejects(account.execute(bad, 'deposit', { amount: '1' }), namesOnly('id'))
          await assert.rejects(account.materialize(bad), namesOnly('id'))
        }
        assert.deepEqual(await ctx.counts(), before)
        assert.equal((await account.events(id)).length, 1)
      }))

    test('replay(id, { until }) refuses 42, true, {}, null, an invalid Date and { sequence: "abc" }, naming until', () =>
      withNativeTypes(provider, async (ctx) => {
        const { account } = ctx.prisma
        const { id } = await account.create({ data: { balance: '1' } })
        await account.update({ where: { id }, data: { balance: '2' } })
        for (const bad of [42, true, {}, null, new Date('x'), { sequence: 'abc' }, { sequence: 0 }, { sequence: 1.5 }, { sequence: 1, extra: 1 }, '']) {
          await assert.rejects(account.replay(id, { until: bad as never }), namesOnly('until'), JSON.stringify(bad))
          await assert.rejects(account.events(id, { until: bad as never }), namesOnly('until'))
        }
        const [first] = await account.events(id)
        assert.equal(String((await account.replay(id, { until: { sequence: 1 } }))?.balance), '1')
        assert.equal(String((await account.replay(id, { until: first!.id }))?.balance), '1')
        assert.equal(String((await account.replay(id, { until: new Date() }))?.balance), '2')
      }))

    test('lone surrogates are refused naming the field, in a string and inside Json, on every database', () =>
      withNativeTypes(provider, async (ctx) => {
        const { account } = ctx.prisma
        await refusedWrite(ctx, 'note', () => account.create({ data: { balance: '0', note: 'x\ud800y' } }), /lone surrogate \(U\+D800/)
        await refusedWrite(ctx, 'note', () => account.create({ data: { balance: '0', note: 'x\udc00' } }))
        await refusedWrite(ctx, 'doc', () => account.create({ data: { balance: '0', doc: { list: ['fine', 'x\ud800'] } } }))
        await refusedWrite(ctx, 'doc', () => account.create({ data: { balance: '0', doc: { ['key\udbff']: 1 } } }))
        const { id } = await account.create({ data: { balance: '0', note: 'pairs are fine: 🎉 \ud83c\udf89' } })
        await refusedWrite(ctx, 'note', () => account.update({ where: { id }, data: { note: '\ud800' } }))
        await refusedWrite(ctx, 'amount', () => account.execute(id, 'deposit', { amount: '1\ud800' }))
        assert.equal((await ctx.agree(id)).note, 'pairs are fine: 🎉 🎉')
      }))

    test(`NUL characters ${provider === 'postgresql' ? 'are refused naming the field (PostgreSQL cannot store them)' : 'are kept, event and row agreeing'}`, () =>
      withNativeTypes(provider, async (ctx) => {
        const { account } = ctx.prisma
        if (provider === 'postgresql') {
          await refusedWrite(ctx, 'note', () => account.create({ data: { balance: '0', note: 'a\u0000b' } }), /NUL/)
          await refusedWrite(ctx, 'doc', () => account.create({ data: { balance: '0', doc: { a: 'x\u0000' } } }))
          await refusedWrite(ctx, 'doc', () => account.create({ data: { balance: '0', doc: { ['k\u0000']: 1 } } }))
        } else {
          const { id } = await account.create({ data: { balance: '0', note: 'a\u0000b', doc: { a: 'x\u0000' } } })
          assert.equal((await ctx.agree(id)).note, 'a\u0000b')
        }
      }))

    test('Json nested deeper than the limit is refused naming the field and the limit; the limit itself is accepted; 10,000 deep writes nothing', () =>
      withNativeTypes(provider, async (ctx) => {
        const limit = provider === 'mysql' ? 30 : 256
        await refusedWrite(
          ctx,
          'doc',
          () => ctx.prisma.account.create({ data: { balance: '0', doc: nested(limit + 1) as object } }),
          new RegExp(`deeper than ${limit} levels`),
        )
        // Prisma copies a call's arguments for its query extensions before any runs; 10,000 levels
        // overflow that copy's recursion (on any client with an extension), so the write never starts.
        const before = await ctx.counts()
        await assert.rejects(ctx.prisma.account.create({ data: { balance: '0', doc: nested(10_000) as object } }), RangeError)
        assert.deepEqual(await ctx.counts(), before)
        // execute checks its attrs itself, before Prisma sees them.
        const { id: existing } = await ctx.prisma.account.create({ data: { balance: '0' } })
        await refusedWrite(
          ctx,
          'doc',
          () => ctx.prisma.account.execute(existing, 'deposit', { doc: nested(10_000) as object }),
          new RegExp(`deeper than ${limit} levels`),
        )
        const { id } = await ctx.prisma.account.create({ data: { balance: '0', doc: nested(limit) as object } })
        await ctx.agree(id)
      }))

    test('Int overflow names the field on every database that refuses it; a NaN or Infinity Float names its field', () =>
      withNativeTypes(provider, async (ctx) => {
        if (provider !== 'sqlite') await refusedWrite(ctx, 'count', () => ctx.prisma.account.create({ data: { balance: '0', count: 2 ** 31 } }))
        await refusedWrite(ctx, 'double', () => ctx.prisma.account.create({ data: { balance: '0', double: Number.NaN } }))
        await refusedWrite(ctx, 'double', () => ctx.prisma.account.create({ data: { balance: '0', double: Number.POSITIVE_INFINITY } }))
      }))
  })
}
