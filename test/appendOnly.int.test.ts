/**
 * The event log is append-only: through the client (update/delete on the @events model are
 * refused) and in the database (triggers from appendOnlyEventLogSql reject raw UPDATE/DELETE).
 */
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, test } from 'vitest'
import { applyAppendOnlyEventLog, SpectorUnsupportedWriteError } from 'prisma-spector'
import { providersUnderTest } from './support/databases.ts'
import { withExample } from './support/exampleClient.ts'
import { spectorErrorOfTrigger } from '../extension/prisma/triggerErrors.ts'
import { repoRoot } from './support/testSchemas.ts'

for (const provider of providersUnderTest()) {
  describe(`append-only event log on ${provider}`, () => {
    test('the extended client refuses to update or delete events', () =>
      withExample(provider, async (ctx) => {
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp' } })
        for (const attempt of [
          () => ctx.prisma.event.update({ where: { id: item.id }, data: { action: 'forged' } }),
          () => ctx.prisma.event.updateMany({ data: { version: 9 } }),
          () => ctx.prisma.event.delete({ where: { id: item.id } }),
          () => ctx.prisma.event.deleteMany({}),
        ]) {
          await assert.rejects(attempt(), (e: unknown) => e instanceof SpectorUnsupportedWriteError && /append-only/.test(e.message) && e.model === 'Event')
        }
        assert.deepEqual(
          (await ctx.prisma.item.events(item.id)).map((e) => e.action),
          ['insert'],
        )
      }))

    test('an append-only trigger error is recognised as SpectorUnsupportedWriteError with the trigger message, not P2003', () =>
      withExample(provider, async (ctx) => {
        await applyAppendOnlyEventLog(ctx.base, ctx.spectorSchema)
        await ctx.prisma.item.create({ data: { name: 'Lamp' } })
        // Prisma without the extension reports the trigger by its error class (P2003 on SQLite).
        const raw = await ctx.base.event.deleteMany({}).then(
          () => assert.fail('the trigger let a delete through'),
          (e: unknown) => e,
        )
        const mapped = spectorErrorOfTrigger(raw, 'Event', 'deleteMany')
        // (extension source imported here, so its class is compared by name and code)
        assert.deepEqual([mapped?.name, mapped?.code, mapped?.model], ['SpectorUnsupportedWriteError', 'SPECTOR_UNSUPPORTED_WRITE', 'Event'], String(raw))
        assert.equal(mapped!.message, 'Event.deleteMany refused: prisma-spector: the event log Event is append-only (DELETE refused)')
        assert.equal((mapped as Error & { cause?: unknown }).cause, raw)
        // Anything else is left alone.
        const other = await ctx.base.item
          .create({ data: { id: 'dup', name: 'x' } })
          .then(() => ctx.base.item.create({ data: { id: 'dup', name: 'y' } }))
          .then(
            () => null,
            (e: unknown) => e,
          )
        assert.equal(spectorErrorOfTrigger(other, 'Item', 'create'), null)
        assert.equal(await ctx.base.event.count(), 1)
      }))

    test('with the triggers applied, raw UPDATE and DELETE of events fail while commands go on', () =>
      withExample(provider, async (ctx) => {
        await applyAppendOnlyEventLog(ctx.base, ctx.spectorSchema)
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp' } })
        await ctx.prisma.item.execute(item.id, 'increment', { by: 2 })
        await ctx.prisma.item.savepoint(item.id)
        const tampering = [
          `UPDATE ${ctx.q('Event')} SET ${ctx.q('action')} = 'forged' WHERE ${ctx.q('id')} = '${item.id}'`,
          `DELETE FROM ${ctx.q('Event')} WHERE ${ctx.q('recordId')} = '${item.id}'`,
          ...(provider === 'postgresql' ? [`TRUNCATE ${ctx.q('Event')}`] : []),
        ]
        for (const sql of tampering) await assert.rejects(ctx.db.exec(sql), /append-only/, sql)
        await assert.rejects(ctx.base.event.deleteMany({}))
        assert.deepEqual(
          (await ctx.prisma.item.events(item.id)).map((e) => e.action),
          ['insert', 'increment', 'savepoint'],
        )
        await ctx.prisma.item.delete({ where: { id: item.id } })
        assert.equal((await ctx.prisma.item.events(item.id)).length, 4)
      }))

    test('raw SQL through the extended client that a trigger refuses is a SpectorUnsupportedWriteError naming the event model, and rolls back a caller transaction whole', () =>
      withExample(provider, async (ctx) => {
        await applyAppendOnlyEventLog(ctx.base, ctx.spectorSchema)
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp' } })
        const update = `UPDATE ${ctx.q('Event')} SET ${ctx.q('action')} = 'forged' WHERE ${ctx.q('id')} = '${item.id}'`
        const refused = (e: unknown) =>
          e instanceof SpectorUnsupportedWriteError &&
          e.model === 'Event' &&
          /append-only \(UPDATE refused\)/.test(e.message) &&
          !!(e as { cause?: unknown }).cause
        await assert.rejects(ctx.prisma.$executeRawUnsafe(update), refused)
        await assert.rejects(
          ctx.prisma.$executeRawUnsafe(`DELETE FROM ${ctx.q('Event')} WHERE ${ctx.q('id')} = '${item.id}'`),
          (e: unknown) => e instanceof SpectorUnsupportedWriteError && e.model === 'Event' && /DELETE refused/.test(e.message),
        )
        await assert.rejects(
          ctx.prisma.$transaction(async (tx) => {
            await tx.item.update({ where: { id: item.id }, data: { name: 'Desk' } })
            await tx.$executeRawUnsafe(update)
          }),
          refused,
        )
        assert.deepEqual(
          (await ctx.prisma.item.events(item.id)).map((e) => e.action),
          ['insert'],
        )
        assert.equal((await ctx.base.item.findUniqueOrThrow({ where: { id: item.id } })).name, 'Lamp')
      }))
  })
}

for (const provider of providersUnderTest()) {
  describe(`spector sql append-only on ${provider}`, () => {
    test('its output, run as a migration file, makes the event table append-only', () =>
      withExample(provider, async (ctx) => {
        const cli = path.join(repoRoot, 'dist/extension/cli/spector.js')
        const migration = execFileSync(process.execPath, [cli, 'sql', 'append-only', '--provider', provider, '--table', 'Event'], { encoding: 'utf8' })
        await ctx.db.exec(migration)
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp' } })
        await assert.rejects(ctx.db.exec(`DELETE FROM ${ctx.q('Event')} WHERE ${ctx.q('id')} = '${item.id}'`), /append-only/)
        assert.equal(await ctx.base.event.count(), 1)
      }))
  })
}

test('spector without a command prints its usage and exits 2', () => {
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'dist/extension/cli/spector.js')], { encoding: 'utf8' })
  assert.equal(result.status, 2)
  assert.match(result.stdout, /usage: spector <command>/)
  assert.match(result.stdout, /sql append-only \[--provider/)
})
