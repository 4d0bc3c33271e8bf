/**
 * Every Prisma scalar type survives the trip into an event payload and back: in memory through
 * the generated zod codec (the core alone), and through each database.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { EventedModel } from '../extension/core/eventedModel.ts'
import type { StoredEvent } from '../extension/core/eventLog.ts'
import { SpectorValidationError } from '../extension/core/errors.ts'
import { providersUnderTest } from './support/databases.ts'
import { loadAllTypes, withAllTypes } from './support/allTypesClient.ts'

const { Prisma, spectorModule } = await loadAllTypes('sqlite')

function sample() {
  return {
    text: 'héllo — ✓ "quoted" \\ back\nslash 🎉',
    flag: true,
    count: -2147483648,
    big: 9007199254740993n * 1000n,
    ratio: 0.1 + 0.2,
    // SQLite keeps decimals as REAL, so stay within what a double holds exactly enough.
    price: new Prisma.Decimal('1234567.125'),
    at: new Date('2026-02-03T04:05:06.789Z'),
    doc: { nested: { list: [1, 'two', null, true], empty: {} }, ключ: 'значение' },
    blob: new Uint8Array([0, 1, 2, 253, 254, 255]),
    mood: 'GRUMPY' as const,
    maybeText: null,
    maybeBig: -5n,
    maybePrice: null,
    maybeAt: new Date('1969-12-31T23:59:59.999Z'),
    maybeDoc: Prisma.DbNull,
    maybeBlob: null,
    maybeMood: 'HAPPY' as const,
  }
}

describe('payload round trip in memory (generated codec, no database)', () => {
  const model = new EventedModel(spectorModule.sampleMetadata, spectorModule.sampleCodec, spectorModule.spectorSchema.models[0]!.changeset)
  const recordId = '0190a0a0-0000-7000-8000-0000000000b1'

  test('encode -> JSON text -> decode -> replay gives back every value', () => {
    const input = { ...sample(), maybeDoc: null }
    const prepared = model.prepare(null, 'insert', input, { recordId, eventId: recordId, now: new Date() })
    const stored: StoredEvent = {
      id: recordId,
      recordId,
      model: 'Sample',
      action: 'insert',
      version: 0,
      sequence: 1,
      insertedAt: new Date(),
      payload: JSON.parse(JSON.stringify(prepared.payload)),
      hash: null,
      prevHash: null,
      metadata: null,
    }
    const replayed = model.replay(recordId, [stored]).state as Record<string, unknown>
    assert.deepEqual(replayed, prepared.state)
    for (const [key, value] of Object.entries(input)) assert.deepEqual(replayed[key], value, key)
    assert.equal(typeof stored.payload.big, 'string')
    assert.equal(stored.payload.blob, 'AAEC/f7/')
    assert.equal(stored.payload.price, '1234567.125')
    // Defaults the engine would fill in are filled in (and recorded) by prisma-spector.
    assert.match(replayed.token as string, /^[0-9a-f-]{36}$/)
    assert.equal(stored.payload.token, replayed.token)
  })

  test('wrong types are rejected with the field named', () => {
    for (const [field, value] of [
      ['big', 1.5],
      ['price', 'abc'],
      ['at', 'not a date'],
      ['mood', 'SLEEPY'],
      ['count', 1.5],
      ['flag', 'yes'],
    ] as const) {
      assert.throws(
        () => model.prepare(null, 'insert', { ...sample(), [field]: value }, { recordId, eventId: recordId, now: new Date() }),
        (e: unknown) => e instanceof SpectorValidationError && e.fields.includes(field),
        field,
      )
    }
  })
})

for (const provider of providersUnderTest()) {
  describe(`payload round trip on ${provider}`, () => {
    test("a Float beyond 2^63 is held as Prisma's own write stores it (16 significant digits), in the event and the row; one rounded past the largest double is refused naming the field", () =>
      withAllTypes(provider, async ({ prisma, base, Prisma }) => {
        const fields = { text: 't', big: 1n, price: new Prisma.Decimal(1), at: new Date(0), doc: {}, blob: new Uint8Array([1]) }
        const values = [1.2345678901234568e21, 123456789012345680000, -1.2345678901234567e200, 2 ** 60, 0.30000000000000004, 1.2345678901234566e-7]
        for (const [i, ratio] of values.entries()) {
          // What Prisma itself writes and reads back, without prisma-spector.
          const plain = await base.sample.create({ data: { key: `plain-${i}`, ...fields, ratio } })
          const evented = await prisma.sample.create({ data: { ...fields, ratio } })
          assert.equal(evented.ratio, plain.ratio, String(ratio))
          assert.equal((await base.sample.findUniqueOrThrow({ where: { key: evented.key } })).ratio, plain.ratio)
          assert.equal((await prisma.sample.events(evented.key))[0]!.payload.ratio, plain.ratio)
        }
        await assert.rejects(
          prisma.sample.create({ data: { ...fields, ratio: 1.7976931348623155e308 } }),
          // The extension throws the package's own class (dist): told by its code here.
          (error: unknown) => (error as { code?: string }).code === 'SPECTOR_VALIDATION' && (error as { fields?: string[] }).fields?.join() === 'ratio',
        )
        // The plain rows have no events: only the evented ones are checked.
        await base.sample.deleteMany({ where: { key: { startsWith: 'plain-' } } })
        assert.deepEqual((await prisma.sample.check()).drifted, [])
      }))

    test('a Json attr holding objects with toJSON() (a Money class) is stored as JSON.stringify writes it, in the event and the row alike', () =>
      withAllTypes(provider, async ({ prisma, base, Prisma }) => {
        class Money {
          constructor(
            readonly cents: number,
            readonly currency: string,
          ) {}
          toJSON() {
            return `${(this.cents / 100).toFixed(2)} ${this.currency}`
          }
        }
        const sample = await prisma.sample.create({
          data: { text: 't', big: 1n, ratio: 1, price: new Prisma.Decimal(1), at: new Date(0), doc: {}, blob: new Uint8Array([1]) },
        })
        // execute hands its attrs to prisma-spector as they are (Prisma's own operations copy
        // theirs for query extensions first, which turns a class instance into its fields).
        const doc = { price: new Money(1250, 'EUR'), fees: [new Money(5, 'EUR')] } as unknown as Record<string, string>
        await prisma.sample.execute(sample.key, 'touch', { doc })
        const stored = { price: '12.50 EUR', fees: ['0.05 EUR'] }
        const last = (await prisma.sample.events(sample.key)).at(-1)
        assert.equal(last?.action, 'touch')
        assert.deepEqual((last!.payload as { doc: unknown }).doc, stored)
        assert.deepEqual((await base.sample.findUniqueOrThrow({ where: { key: sample.key } })).doc, stored)
        assert.deepEqual((await prisma.sample.replay(sample.key))?.doc, stored)
        assert.deepEqual((await prisma.sample.check()).drifted, [])
      }))

    test('row, replay and input agree on every type', () =>
      withAllTypes(provider, async ({ prisma, base }) => {
        const input = sample()
        const created = await prisma.sample.create({ data: input })
        const row = await base.sample.findUnique({ where: { key: created.key } })
        assert.deepEqual(await prisma.sample.replay(created.key), row)
        // Prisma takes Prisma.DbNull for a null Json column, and reads it back as null.
        for (const [key, value] of Object.entries({ ...input, maybeDoc: null })) assert.deepEqual((row as Record<string, unknown>)[key], value, key)
        const updated = await prisma.sample.update({
          where: { key: created.key },
          data: { big: { increment: 1n }, price: { multiply: 2 }, doc: [1, 2], maybeBlob: new Uint8Array([9]), maybeDoc: { a: 1 } },
        })
        assert.equal(updated.big, input.big + 1n)
        assert.equal(updated.price.toString(), '2469134.25')
        assert.deepEqual(await prisma.sample.replay(created.key), updated)
        if (provider === 'postgresql') {
          // Decimal arithmetic keeps the database's precision, not decimal.js's default 20 digits.
          const wide = await prisma.sample.update({ where: { key: created.key }, data: { price: '12345678901234567890.123456789' } })
          assert.equal(wide.price.toString(), '12345678901234567890.123456789')
          const doubled = await prisma.sample.update({ where: { key: created.key }, data: { price: { multiply: 2 } } })
          assert.equal(doubled.price.toString(), '24691357802469135780.246913578')
          assert.deepEqual(await prisma.sample.replay(created.key), doubled)
        }
        const cleared = await prisma.sample.update({ where: { key: created.key }, data: { maybeDoc: Prisma.DbNull, maybeAt: null } })
        assert.equal(cleared.maybeDoc, null)
        assert.deepEqual(await prisma.sample.replay(created.key), cleared)
      }))
  })
}
