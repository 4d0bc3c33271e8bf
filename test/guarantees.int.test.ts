/**
 * What an evented model keeps of plain Prisma, and what it adds: reads are untouched, writers on
 * different records do not wait for each other, and drift between rows and log is reported.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { SpectorNotFoundError, SpectorUnsupportedWriteError } from 'prisma-spector'
import { providersUnderTest } from './support/databases.ts'
import { withExample } from './support/exampleClient.ts'

for (const provider of providersUnderTest()) {
  describe(`guarantees on ${provider}`, () => {
    if (provider !== 'mysql') {
      test('a database trigger that skips the row write (BEFORE ... RETURN NULL, RAISE(IGNORE)): the command is refused and its event is not written', () =>
        withExample(provider, async (ctx) => {
          if (provider === 'postgresql') {
            await ctx.base.$executeRawUnsafe(
              `CREATE FUNCTION skip_item() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.name = 'skip' THEN RETURN NULL; END IF; RETURN NEW; END $$`,
            )
            await ctx.base.$executeRawUnsafe('CREATE TRIGGER skip_item BEFORE INSERT OR UPDATE ON "Item" FOR EACH ROW EXECUTE FUNCTION skip_item()')
          } else {
            await ctx.base.$executeRawUnsafe(`CREATE TRIGGER skip_item BEFORE INSERT ON Item WHEN NEW.name = 'skip' BEGIN SELECT RAISE(IGNORE); END`)
          }
          const skipped = (error: unknown) => error instanceof SpectorUnsupportedWriteError && /wrote no Item row/.test(error.message)
          await assert.rejects(ctx.prisma.item.create({ data: { name: 'skip', value: 1 } }), skipped)
          await assert.rejects(ctx.prisma.item.createMany({ data: [{ name: 'fine' }, { name: 'skip' }] }), skipped)
          assert.equal(await ctx.base.event.count(), 0)
          assert.equal(await ctx.base.item.count(), 0)
          const { id } = await ctx.prisma.item.create({ data: { name: 'kept', value: 1 } })
          if (provider === 'postgresql') {
            // A skipped update: Prisma's own P2025 (no record updated), and no event.
            const notUpdated = (error: unknown) => skipped(error) || (error as { code?: string }).code === 'P2025'
            await assert.rejects(ctx.prisma.item.update({ where: { id }, data: { name: 'skip' } }), notUpdated)
            await assert.rejects(
              ctx.prisma.$transaction(async (tx) => tx.item.update({ where: { id }, data: { name: 'skip' } })),
              notUpdated,
            )
          }
          assert.deepEqual(
            (await ctx.prisma.item.events(id)).map((e) => e.action),
            ['insert'],
          )
          assert.deepEqual((await ctx.prisma.item.check()).drifted, [])
        }))
    }

    test('reads on evented models behave exactly as plain Prisma', () =>
      withExample(provider, async (ctx) => {
        const category = await ctx.prisma.category.create({ data: { name: 'Lights' } })
        for (const [name, value] of [
          ['a', 1],
          ['b', 2],
          ['c', 2],
          ['d', null],
        ] as const) {
          await ctx.prisma.item.create({ data: { name, value, categoryId: name === 'a' ? category.id : null } })
        }
        const reads = (c: typeof ctx.base) =>
          Promise.all([
            c.item.findMany({ where: { value: 2 }, orderBy: { name: 'desc' }, select: { name: true } }),
            c.item.findFirst({ where: { name: 'a' }, include: { category: true } }),
            c.item.findUnique({ where: { id: 'nope' } }),
            c.item.count({ where: { value: { not: null } } }),
            c.item.aggregate({ _sum: { value: true }, _max: { name: true } }),
            c.item.groupBy({ by: ['value'], _count: { _all: true }, orderBy: { value: 'asc' } }),
            c.category.findUnique({ where: { id: category.id }, include: { items: { select: { name: true } } } }),
          ])
        assert.deepEqual(await reads(ctx.prisma as unknown as typeof ctx.base), await reads(ctx.base))
        await assert.rejects(ctx.prisma.item.findUniqueOrThrow({ where: { id: 'nope' } }), (e: unknown) => (e as { code?: string }).code === 'P2025')
      }))

    test('check() reports rows edited, rows without events and records whose row vanished', () =>
      withExample(provider, async (ctx) => {
        const edited = await ctx.prisma.item.create({ data: { name: 'Edited', value: 1 } })
        const vanished = await ctx.prisma.item.create({ data: { name: 'Vanished' } })
        const fine = await ctx.prisma.item.create({ data: { name: 'Fine' } })
        await ctx.prisma.item.delete({ where: { id: (await ctx.prisma.item.create({ data: { name: 'Deleted' } })).id } })
        await ctx.db.exec(`UPDATE ${ctx.q('Item')} SET ${ctx.q('value')} = 2, ${ctx.q('name')} = 'Hacked' WHERE ${ctx.q('id')} = '${edited.id}'`)
        await ctx.db.exec(`DELETE FROM ${ctx.q('Item')} WHERE ${ctx.q('id')} = '${vanished.id}'`)
        await ctx.base.item.create({ data: { id: 'legacy-row', name: 'Legacy' } })
        const report = await ctx.prisma.item.check({ batchSize: 2 })
        assert.equal(report.model, 'Item')
        const byId = Object.fromEntries(report.drifted.map((d) => [d.id, d]))
        assert.deepEqual(Object.keys(byId).sort(), [edited.id, vanished.id, 'legacy-row'].sort())
        assert.deepEqual(
          byId[edited.id]!.differences.map((d) => [d.field, d.expected, d.actual]),
          [
            ['name', 'Edited', 'Hacked'],
            ['value', 1, 2],
          ],
        )
        assert.equal(byId[vanished.id]!.kind, 'missing-row')
        assert.equal(byId['legacy-row']!.kind, 'no-events')
        assert.equal(byId[fine.id], undefined)
      }))

    test('check() replays each record from its newest savepoint, across pages of rows and of events', () =>
      withExample(provider, async (ctx) => {
        // batchSize 2 reads 20 events a query: the long histories below span several event pages.
        const long = await ctx.prisma.item.create({ data: { name: 'Long', value: 0 } })
        for (let i = 1; i <= 30; i++) await ctx.prisma.item.execute(long.id, 'increment', { by: 1 })
        // Deleted records between two rows' ids: the first page's id range is mostly their events, so later pages read by id.
        for (let r = 0; r < 2; r++) {
          const gone = await ctx.prisma.item.create({ data: { name: `Gone ${r}`, value: 0 } })
          for (let i = 1; i <= 40; i++) await ctx.prisma.item.execute(gone.id, 'increment', { by: 1 })
          await ctx.prisma.item.delete({ where: { id: gone.id } })
        }
        const saved = await ctx.prisma.item.create({ data: { name: 'Saved', value: 0 } })
        for (let i = 1; i <= 25; i++) {
          await ctx.prisma.item.execute(saved.id, 'increment', { by: 1 })
          if (i === 12 || i === 24) await ctx.prisma.item.savepoint(saved.id)
        }
        const short = await Promise.all(['a', 'b', 'c'].map((name) => ctx.prisma.item.create({ data: { name, value: 1 } })))
        assert.deepEqual((await ctx.prisma.item.check({ batchSize: 2 })).drifted, [])
        await ctx.db.exec(`UPDATE ${ctx.q('Item')} SET ${ctx.q('value')} = 99 WHERE ${ctx.q('id')} IN ('${long.id}', '${saved.id}', '${short[1]!.id}')`)
        await ctx.db.exec(`DELETE FROM ${ctx.q('Item')} WHERE ${ctx.q('id')} = '${short[2]!.id}'`)
        const report = await ctx.prisma.item.check({ batchSize: 2 })
        const expected = [
          { id: long.id, kind: 'changed', differences: [{ field: 'value', expected: 30, actual: 99 }] },
          { id: saved.id, kind: 'changed', differences: [{ field: 'value', expected: 25, actual: 99 }] },
          { id: short[1]!.id, kind: 'changed', differences: [{ field: 'value', expected: 1, actual: 99 }] },
          { id: short[2]!.id, kind: 'missing-row', differences: [] },
        ]
        const sort = (d: { id: string }[]) => [...d].sort((a, b) => (a.id < b.id ? -1 : 1))
        assert.deepEqual(sort(report.drifted.filter((d) => d.kind === 'changed')), sort(expected.filter((d) => d.kind === 'changed')))
        assert.deepEqual(report.drifted.at(-1), expected[3], 'missing rows come after the rows, as the second pass finds them')
        assert.equal(report.checked, 7, 'five rows or records, and the two deleted records')
        assert.deepEqual((await ctx.prisma.item.check()).drifted, report.drifted, 'the default page sizes give the same report')
      }))

    test('materialize() writes a row back from the log, and refuses unknown and deleted records', () =>
      withExample(provider, async (ctx) => {
        const lost = await ctx.prisma.item.create({ data: { name: 'Lost', value: 1 } })
        await ctx.prisma.item.execute(lost.id, 'increment', { by: 4 })
        const edited = await ctx.prisma.item.create({ data: { name: 'Edited' } })
        await ctx.db.exec(`DELETE FROM ${ctx.q('Item')} WHERE ${ctx.q('id')} = '${lost.id}'`)
        await ctx.db.exec(`UPDATE ${ctx.q('Item')} SET ${ctx.q('name')} = 'Hacked' WHERE ${ctx.q('id')} = '${edited.id}'`)
        assert.equal((await ctx.prisma.item.check()).drifted.length, 2)
        const restored = await ctx.prisma.item.materialize(lost.id)
        assert.deepEqual(restored, await ctx.prisma.item.replay(lost.id))
        assert.equal(restored.value, 5)
        assert.equal((await ctx.prisma.item.materialize(edited.id)).name, 'Edited')
        assert.deepEqual((await ctx.prisma.item.check()).drifted, [])
        assert.equal((await ctx.prisma.item.events(lost.id)).length, 2, 'materialize appends no event')
        await assert.rejects(
          ctx.prisma.item.materialize('0190a0a0-0000-7000-8000-0000000000ff'),
          (e: unknown) => e instanceof SpectorNotFoundError && e.reason === 'no-events',
        )
        await ctx.prisma.item.delete({ where: { id: edited.id } })
        await assert.rejects(ctx.prisma.item.materialize(edited.id), (e: unknown) => e instanceof SpectorNotFoundError && e.reason === 'deleted')
      }))

    if (provider !== 'sqlite') {
      // SQLite admits one writer at a time for the whole database; the servers lock rows.
      test('a command holding one record does not hold up commands on another', () =>
        withExample(provider, async (ctx) => {
          const a = await ctx.prisma.item.create({ data: { name: 'A', value: 0 } })
          const b = await ctx.prisma.item.create({ data: { name: 'B', value: 0 } })
          let release!: () => void
          const gate = new Promise<void>((resolve) => (release = resolve))
          let holding!: () => void
          const held = new Promise<void>((resolve) => (holding = resolve))
          const slow = ctx.prisma.$transaction(async (tx) => {
            await tx.item.execute(a.id, 'increment', {})
            holding()
            await gate
          })
          await held
          // If B waited for A's lock, only this fallback would free it; it must not be needed.
          let freedByFallback = false
          const fallback = setTimeout(() => {
            freedByFallback = true
            release()
          }, 3000)
          await ctx.prisma.item.execute(b.id, 'increment', {})
          const bFinishedWhileAHeld = !freedByFallback
          release()
          clearTimeout(fallback)
          await slow
          assert.ok(bFinishedWhileAHeld, 'the write to B had to wait for the transaction holding A')
          assert.equal((await ctx.prisma.item.replay(a.id))!.value, 1)
          assert.equal((await ctx.prisma.item.replay(b.id))!.value, 1)
        }))
    }
  })
}
