/**
 * Tamper evidence on a real database: events are edited, swapped, deleted and forged through raw
 * SQL, and verification names each break; checkpoints catch what a chain alone cannot.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { EventHasher, SpectorConfigurationError, SpectorHashChainError, SpectorSavepointError, type Checkpoint } from 'prisma-spector'
import { providersUnderTest, type Provider } from './support/databases.ts'
import { withExample, type ExampleContext } from './support/exampleClient.ts'

function bytes(provider: Provider, value: Uint8Array | null): string {
  if (!value) return 'NULL'
  const hex = Buffer.from(value).toString('hex')
  return provider === 'postgresql' ? `decode('${hex}', 'hex')` : provider === 'mysql' ? `UNHEX('${hex}')` : `X'${hex}'`
}

/** Three records with a few events each, one with a savepoint. */
async function history(ctx: ExampleContext, client = ctx.prisma) {
  const a = await client.item.create({ data: { name: 'A', value: 1 } })
  await client.item.update({ where: { id: a.id }, data: { value: 2 } })
  await client.item.savepoint(a.id)
  await client.item.execute(a.id, 'increment', { by: 3 })
  const b = await client.item.create({ data: { name: 'B' } })
  await client.item.execute(b.id, 'archive', {})
  await client.item.execute(b.id, 'restore', {})
  const c = await client.item.create({ data: { name: 'C' } })
  return { a: a.id, b: b.id, c: c.id }
}

async function eventsOf(ctx: ExampleContext, recordId: string) {
  return ctx.base.event.findMany({ where: { recordId }, orderBy: { sequence: 'asc' } })
}

/** On the table-chain variant of the example: positions 1..3 from two records. */
function onTableChain(provider: Provider, fn: (ctx: ExampleContext) => Promise<void>) {
  return withExample(
    provider,
    async (ctx) => {
      const a = await ctx.prisma.item.create({ data: { name: 'A' } })
      await ctx.prisma.item.create({ data: { name: 'B' } })
      await ctx.prisma.item.update({ where: { id: a.id }, data: { value: 1 } })
      await fn(ctx)
    },
    'tableChain',
  )
}

/** Raw SQL with {Identifier} quoted for the provider. */
function sql(ctx: ExampleContext, text: string) {
  return ctx.db.exec(text.replace(/\{(\w+)\}/g, (_, name: string) => ctx.q(name)))
}

for (const provider of providersUnderTest()) {
  describe(`tamper evidence on ${provider}`, () => {
    test('an untouched log verifies, savepoints included; every event is hashed and linked', () =>
      withExample(provider, async (ctx) => {
        const ids = await history(ctx)
        const result = await ctx.prisma.$verifyHashChain({ batchSize: 3 })
        assert.deepEqual(result, { ok: true, events: 8, records: 3 })
        const a = await eventsOf(ctx, ids.a)
        assert.ok(a.every((e) => e.hash?.length === 32))
        assert.equal(a[0]!.prevHash, null)
        for (let i = 1; i < a.length; i++) assert.deepEqual(a[i]!.prevHash, a[i - 1]!.hash)
        assert.deepEqual(await ctx.prisma.$verifyHashChainOrThrow({ model: 'Item', recordId: ids.a }), { events: 4, records: 1 })
      }))

    test('an edited payload, a changed action, swapped sequences, a deleted middle event are each found', () =>
      withExample(provider, async (ctx) => {
        const ids = await history(ctx)
        const [, second, third] = await eventsOf(ctx, ids.a)
        const expectBreak = async (kind: string, eventId: string | null) => {
          const r = await ctx.prisma.$verifyHashChain({ recordId: ids.a })
          assert.equal(r.ok, false)
          if (!r.ok) {
            assert.equal(r.failure.kind, kind)
            assert.equal(r.failure.eventId, eventId)
            assert.equal(r.failure.recordId, ids.a)
          }
          await assert.rejects(
            ctx.prisma.$verifyHashChainOrThrow({ recordId: ids.a }),
            (e: unknown) => e instanceof SpectorHashChainError && e.kind === kind && e.code === 'SPECTOR_HASH_CHAIN',
          )
        }
        const payload = second!.payload
        await sql(ctx, `UPDATE {Event} SET {payload} = '{"value": 200, "updatedAt": "2026-01-01T00:00:00.000Z"}' WHERE {id} = '${second!.id}'`)
        await expectBreak('edited', second!.id)
        await sql(ctx, `UPDATE {Event} SET {payload} = '${JSON.stringify(payload)}' WHERE {id} = '${second!.id}'`)
        assert.equal((await ctx.prisma.$verifyHashChain({ recordId: ids.a })).ok, true)

        await sql(ctx, `UPDATE {Event} SET {action} = 'archive' WHERE {id} = '${second!.id}'`)
        await expectBreak('edited', second!.id)
        await sql(ctx, `UPDATE {Event} SET {action} = 'update' WHERE {id} = '${second!.id}'`)

        await sql(ctx, `UPDATE {Event} SET {sequence} = 100 WHERE {id} = '${second!.id}'`)
        await sql(ctx, `UPDATE {Event} SET {sequence} = 2 WHERE {id} = '${third!.id}'`)
        await sql(ctx, `UPDATE {Event} SET {sequence} = 3 WHERE {id} = '${second!.id}'`)
        await expectBreak('reordered', third!.id)
        await sql(ctx, `UPDATE {Event} SET {sequence} = 100 WHERE {id} = '${second!.id}'`)
        await sql(ctx, `UPDATE {Event} SET {sequence} = 3 WHERE {id} = '${third!.id}'`)
        await sql(ctx, `UPDATE {Event} SET {sequence} = 2 WHERE {id} = '${second!.id}'`)
        assert.equal((await ctx.prisma.$verifyHashChain()).ok, true)

        await sql(ctx, `DELETE FROM {Event} WHERE {id} = '${second!.id}'`)
        await expectBreak('missing', third!.id)
      }))

    test('deleting the newest events or a whole record is invisible to the chain, and found by a checkpoint', () =>
      withExample(provider, async (ctx) => {
        const ids = await history(ctx)
        const checkpoint: Checkpoint = JSON.parse(JSON.stringify(await ctx.prisma.$checkpoint()))
        assert.deepEqual([checkpoint.events, checkpoint.records, checkpoint.algorithm], [8, 3, 'sha256'])
        // The log may grow after a checkpoint.
        await ctx.prisma.item.execute(ids.c, 'archive', {})
        await ctx.prisma.item.create({ data: { name: 'D' } })
        assert.equal((await ctx.prisma.$verifyHashChain({ against: checkpoint })).ok, true)

        const b = await eventsOf(ctx, ids.b)
        await sql(ctx, `DELETE FROM {Event} WHERE {id} = '${b.at(-1)!.id}'`)
        assert.equal((await ctx.prisma.$verifyHashChain()).ok, true, 'a chain alone cannot see a deleted tail')
        const truncated = await ctx.prisma.$verifyHashChain({ against: checkpoint })
        assert.ok(!truncated.ok && truncated.failure.kind === 'truncated' && truncated.failure.recordId === ids.b)

        await sql(ctx, `DELETE FROM {Event} WHERE {recordId} = '${ids.b}'`)
        assert.equal((await ctx.prisma.$verifyHashChain()).ok, true)
        const vanished = await ctx.prisma.$verifyHashChain({ against: checkpoint })
        assert.ok(!vanished.ok && vanished.failure.kind === 'vanished' && vanished.failure.recordId === ids.b)
      }))

    test('a chain forged without the key fails against keyed hashes; a keyless forgery is caught by a checkpoint', () =>
      withExample(provider, async (ctx) => {
        const key = 'the secret key of this deployment'
        const keyed = ctx.base.$extends(ctx.spector({ hashKey: key }))
        const ids = await history(ctx, keyed as unknown as typeof ctx.prisma)
        assert.equal((await keyed.$verifyHashChain()).ok, true)
        // Without the key, the chain does not verify at all (a set-up error, tested below).
        await assert.rejects(ctx.prisma.$verifyHashChain(), SpectorConfigurationError)
        const checkpoint = await keyed.$checkpoint()

        /** Rewrites record a's second event and re-hashes the rest of its chain with `hasher`. */
        async function forge(hasher: EventHasher) {
          const events = await eventsOf(ctx, ids.a)
          let prev: Uint8Array | null = events[0]!.hash
          for (const e of events.slice(1)) {
            const payload = e.sequence === 2 ? { ...(e.payload as object), value: 1000 } : e.payload
            const hash: Uint8Array = hasher.hash({ ...e, payload: payload as never, metadata: null }, prev)
            await sql(
              ctx,
              `UPDATE {Event} SET {payload} = '${JSON.stringify(payload)}', {prevHash} = ${bytes(provider, prev)}, {hash} = ${bytes(provider, hash)} WHERE {id} = '${e.id}'`,
            )
            prev = hash
          }
        }
        await forge(new EventHasher())
        const keyedResult = await keyed.$verifyHashChain()
        assert.ok(!keyedResult.ok && keyedResult.failure.kind === 'edited' && keyedResult.failure.sequence === 2)

        // Someone who has the key (or a log without a key) can forge a consistent chain; a checkpoint still sees it.
        await forge(new EventHasher(key))
        assert.equal((await keyed.$verifyHashChain()).ok, true)
        const result = await keyed.$verifyHashChain({ against: checkpoint })
        assert.ok(!result.ok && result.failure.kind === 'edited' && result.failure.recordId === ids.a)
      }))

    test('a duplicated (recordId, sequence) at a verify page boundary and inside a page is found, naming both events', () =>
      withExample(provider, async (ctx) => {
        const ids = await history(ctx)
        const checkpoint: Checkpoint = JSON.parse(JSON.stringify(await ctx.prisma.$checkpoint()))
        // The unique index would refuse the copy: an attacker with table rights drops it first.
        await sql(ctx, provider === 'mysql' ? 'ALTER TABLE {Event} DROP INDEX {Event_recordId_sequence_key}' : 'DROP INDEX {Event_recordId_sequence_key}')
        const ordered = [...(await eventsOf(ctx, ids.a)), ...(await eventsOf(ctx, ids.b)), ...(await eventsOf(ctx, ids.c))]
        assert.deepEqual([ordered.length, [ids.a, ids.b, ids.c].sort()], [8, [ids.a, ids.b, ids.c]])
        /** A second row at the place of `original`, with a forged payload, sorting right after it. */
        async function duplicate(original: (typeof ordered)[number], id: string) {
          const { insertedAt: _, ...row } = original
          await ctx.base.event.create({ data: { ...row, id, payload: { ...(row.payload as object), name: 'Forged' }, metadata: undefined } })
        }
        // batchSize 3 pages the log as [a1 a2 a3] [a4 b1 b2] [b3 c1]: a copy of a3 is the first row of page two.
        for (const [original, where] of [
          [ordered[2]!, 'at a page boundary'],
          [ordered[4]!, 'inside a page'],
        ] as const) {
          const forged = 'ffffffff-ffff-7fff-bfff-ffffffffffff'
          await duplicate(original, forged)
          for (const against of [undefined, checkpoint]) {
            const result = await ctx.prisma.$verifyHashChain({ batchSize: 3, against })
            assert.ok(!result.ok, `a duplicate ${where} is found${against ? ' against a checkpoint' : ''}`)
            assert.equal(result.failure.kind, 'duplicated', result.failure.message)
            assert.deepEqual([result.failure.recordId, result.failure.eventId, result.failure.sequence], [original.recordId, forged, original.sequence])
            assert.ok(result.failure.message.includes(original.id) && result.failure.message.includes(forged), result.failure.message)
          }
          await assert.rejects(ctx.prisma.$checkpoint({ batchSize: 3 }), (e: unknown) => e instanceof SpectorHashChainError && e.kind === 'duplicated')
          await sql(ctx, `DELETE FROM {Event} WHERE {id} = '${forged}'`)
          assert.equal((await ctx.prisma.$verifyHashChain({ batchSize: 3, against: checkpoint })).ok, true)
        }
      }))

    test('a keyed log verified without the key, or with another key, is a set-up error naming the key, not an edit', () =>
      withExample(provider, async (ctx) => {
        const keyed = ctx.base.$extends(ctx.spector({ hashKey: 'the secret key of this deployment' }))
        await history(ctx, keyed as unknown as typeof ctx.prisma)
        assert.equal((await keyed.$verifyHashChain()).ok, true)
        await assert.rejects(
          ctx.prisma.$verifyHashChain(),
          (e: unknown) => e instanceof SpectorConfigurationError && /this log is keyed and no key was given/.test(e.message),
        )
        await assert.rejects(ctx.prisma.$checkpoint(), /this log is keyed and no key was given/)
        const wrong = ctx.base.$extends(ctx.spector({ hashKey: 'another key, not the right one' }))
        await assert.rejects(
          wrong.$verifyHashChain({ batchSize: 2 }),
          (e: unknown) => e instanceof SpectorConfigurationError && /the key does not match/.test(e.message),
        )
        // An unkeyed log whose first event was edited is still an edit: the events after it match.
        const plain = await ctx.prisma.item.create({ data: { name: 'Plain' } })
        await ctx.prisma.item.update({ where: { id: plain.id }, data: { value: 5 } })
        const [first] = await eventsOf(ctx, plain.id)
        await sql(ctx, `UPDATE {Event} SET {payload} = '{"name": "Edited", "value": 0}' WHERE {id} = '${first!.id}'`)
        const result = await ctx.prisma.$verifyHashChain({ recordId: plain.id })
        assert.ok(!result.ok && result.failure.kind === 'edited' && result.failure.eventId === first!.id)
      }))

    test('a duplicated position of a table chain at a verify page boundary is found, naming both events', () =>
      onTableChain(provider, async (ctx) => {
        for (const index of ['Event_position_key', 'Event_recordId_sequence_key']) {
          await sql(ctx, provider === 'mysql' ? `ALTER TABLE {Event} DROP INDEX {${index}}` : `DROP INDEX {${index}}`)
        }
        const rows = (await ctx.base.event.findMany()) as unknown as ({ position: number; id: string; insertedAt?: Date } & Record<string, unknown>)[]
        const { insertedAt: _, ...second } = rows.find((r) => r.position === 2)!
        const forged = 'ffffffff-ffff-7fff-bfff-ffffffffffff'
        await ctx.base.event.create({ data: { ...second, id: forged, payload: { name: 'Forged' }, metadata: undefined } as never })
        // batchSize 2 pages the chain as [1 2] [2' 3]: the copy opens the second page.
        const result = await ctx.prisma.$verifyHashChain({ batchSize: 2 })
        assert.ok(!result.ok && result.failure.kind === 'duplicated', JSON.stringify(result))
        assert.equal(result.failure.eventId, forged)
        assert.match(result.failure.message, new RegExp(`${second.id} and ${forged} both claim position 2 of the table chain`))
      }))

    test('a truncated table chain names the position it ends at, not a sequence', () =>
      onTableChain(provider, async (ctx) => {
        const checkpoint = await ctx.prisma.$checkpoint()
        await sql(ctx, 'DELETE FROM {Event} WHERE {position} = 3')
        const result = await ctx.prisma.$verifyHashChain({ against: checkpoint })
        assert.ok(!result.ok && result.failure.kind === 'truncated')
        assert.match(result.failure.message, /^the table chain ends at position 2; at the checkpoint it had 3 events/)
        assert.doesNotMatch(result.failure.message, /sequence/)
      }))

    test('renaming an action keeps old events readable and verifiable', () =>
      withExample(provider, async (ctx) => {
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp' } })
        const [insert] = await eventsOf(ctx, item.id)
        // An event written when `archive` was still called `shelve` (aliases=[archive=shelve]).
        const old = {
          id: '0190a0a0-0000-7000-8000-0000000000aa',
          recordId: item.id,
          model: 'Item',
          action: 'shelve',
          sequence: 2,
          version: 1,
          metadata: null,
          payload: { archivedAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z' },
        }
        await ctx.base.event.create({ data: { ...old, metadata: undefined, prevHash: insert!.hash, hash: new EventHasher().hash(old, insert!.hash) } })
        assert.deepEqual((await ctx.prisma.item.replay(item.id))!.archivedAt, new Date('2025-01-01T00:00:00.000Z'))
        assert.equal((await ctx.prisma.$verifyHashChain()).ok, true)
        // The changeset saw "archive": a second archive is refused as the archive handler refuses it.
        await assert.rejects(ctx.prisma.item.execute(item.id, 'archive', {}), /already set/)
        await ctx.prisma.item.execute(item.id, 'restore', {})
        assert.deepEqual(
          (await ctx.prisma.item.events(item.id)).map((e) => e.action),
          ['insert', 'shelve', 'restore'],
        )
      }))

    test('verifySavepoints replays from the start and names the savepoint event and each differing field', () =>
      withExample(provider, async (ctx) => {
        const ids = await history(ctx)
        assert.deepEqual(await ctx.prisma.item.verifySavepoints(ids.a), { ok: true, savepoints: 1 })
        assert.deepEqual(await ctx.prisma.item.verifySavepoints(ids.b), { ok: true, savepoints: 0 })
        const savepoint = (await eventsOf(ctx, ids.a)).find((e) => e.action === 'savepoint')!
        const payload = { ...(savepoint.payload as Record<string, unknown>), value: 7, name: 'Wrong' }
        await sql(ctx, `UPDATE {Event} SET {payload} = '${JSON.stringify(payload)}' WHERE {id} = '${savepoint.id}'`)
        const result = await ctx.prisma.item.verifySavepoints(ids.a)
        assert.equal(result.ok, false)
        if (!result.ok) {
          assert.ok(result.error instanceof SpectorSavepointError)
          assert.equal(result.error.savepointEventId, savepoint.id)
          assert.notEqual(result.error.savepointEventId, ids.a)
          assert.deepEqual(
            result.error.differences.map((d) => [d.field, d.expected, d.actual]),
            [
              ['name', 'A', 'Wrong'],
              ['value', 2, 7],
            ],
          )
          assert.match(result.error.message, /value: expected 2, got 7/)
        }
      }))
  })
}
