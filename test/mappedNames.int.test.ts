/**
 * Issue 11, "Mapped names": a schema whose every table and column has a database name of its own
 * (`@@map`, `@map`, snake_case) works through the whole write path on every database: the SQL the
 * library writes by hand (event insert, record lock, table-chain head, link reads, the append-only
 * and same-record triggers) uses the database's names, not Prisma's.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { providersUnderTest } from './support/databases.ts'
import { withMappedNames } from './support/mappedNamesClient.ts'

for (const provider of providersUnderTest()) {
  describe(`mapped names on ${provider}`, () => {
    test('create, update, execute, savepoint, replay and delete on a snake_case schema', () =>
      withMappedNames(provider, async ({ prisma, base }) => {
        const customer = await prisma.customer.create({ data: { fullName: 'Ada' } })
        await prisma.customer.update({ where: { id: customer.id }, data: { fullName: 'Ada L.' } })
        await prisma.customer.execute(customer.id, 'rename', { fullName: 'Ada Lovelace' })
        await prisma.customer.savepoint(customer.id)
        const renamed = await prisma.customer.execute(customer.id, 'note', {})
        assert.equal(renamed.fullName, 'Ada Lovelace')
        assert.equal(renamed.notes, 1)
        assert.deepEqual(await prisma.customer.replay(customer.id), await base.customer.findUnique({ where: { id: customer.id } }))

        const events = await base.event.findMany({ where: { recordId: customer.id }, orderBy: { sequence: 'asc' } })
        assert.deepEqual(
          events.map((e) => [e.sequence, e.action]),
          // savepointEvery=3 appends the savepoint at 4; 5 is the explicit one.
          [
            [1, 'insert'],
            [2, 'update'],
            [3, 'rename'],
            [4, 'savepoint'],
            [5, 'savepoint'],
            [6, 'note'],
          ],
        )
        assert.ok(events.every((e) => e.model === 'Customer' && e.hash?.length === 32))
        assert.deepEqual((await prisma.customer.replay(customer.id, { until: { sequence: 2 } }))?.fullName, 'Ada L.')

        await prisma.customer.delete({ where: { id: customer.id } })
        assert.equal(await base.customer.findUnique({ where: { id: customer.id } }), null)
        assert.equal(await prisma.customer.replay(customer.id), null)
        assert.equal((await prisma.customer.check()).drifted.length, 0)
      }))

    test('links on a mapped link table: written with the event, read back both ways and with the history', () =>
      withMappedNames(provider, async ({ prisma }) => {
        const customer = await prisma.customer.create({ data: { fullName: 'Grace' } })
        const [insert] = await prisma.customer.events(customer.id)
        await prisma.customer.execute(customer.id, 'note', { followsUp: [insert!.id] })
        const events = await prisma.customer.events(customer.id, { links: true })
        const note = events.at(-1)!
        assert.deepEqual(note.links, { followsUp: [insert!.id] })
        const incoming = await prisma.customer.links(insert!.id, { direction: 'incoming' })
        assert.deepEqual(
          incoming.map((l) => [l.name, l.from, l.to, l.event.id]),
          [['followsUp', note.id, insert!.id, note.id]],
        )
      }))

    test('the append-only and same-record triggers guard the mapped tables', () =>
      withMappedNames(provider, async ({ prisma, sql }) => {
        const a = await prisma.customer.create({ data: { fullName: 'A' } })
        const b = await prisma.customer.create({ data: { fullName: 'B' } })
        await assert.rejects(sql(`UPDATE {events} SET {action_name} = 'forged' WHERE {record_id} = '${a.id}'`), /append-only/)
        await assert.rejects(sql(`DELETE FROM {events} WHERE {record_id} = '${a.id}'`), /append-only/)
        await assert.rejects(
          sql(`INSERT INTO {event_follow_ups} ({event_id}, {follows_event_id}) VALUES ('${a.id}', '${b.id}')`),
          /must join two events of one record/,
        )
        await sql(`INSERT INTO {event_follow_ups} ({event_id}, {follows_event_id}) VALUES ('${a.id}', '${a.id}')`)
        await assert.rejects(sql(`DELETE FROM {event_follow_ups} WHERE {event_id} = '${a.id}'`), /append-only/)
        await prisma.ledgerEntry.create({ data: { amountCents: 1 } })
        await assert.rejects(sql(`DELETE FROM {ledger_events}`), /append-only/)
      }))

    test('hash chains verify: per record on the mapped event table, whole-table on the mapped ledger', () =>
      withMappedNames(provider, async ({ prisma, base }) => {
        const customer = await prisma.customer.create({ data: { fullName: 'Hash' } })
        await prisma.customer.execute(customer.id, 'rename', { fullName: 'Hashed' })
        assert.deepEqual(await prisma.$verifyHashChain({ model: 'Customer' }), { ok: true, events: 2, records: 1 })

        const first = await prisma.ledgerEntry.create({ data: { amountCents: 100 } })
        const second = await prisma.ledgerEntry.create({ data: { amountCents: 250 } })
        await prisma.ledgerEntry.update({ where: { id: first.id }, data: { amountCents: 150 } })
        const ledger = await base.ledgerEvent.findMany({ orderBy: { position: 'asc' } })
        assert.deepEqual(
          ledger.map((e) => [e.position, e.recordId, e.sequence]),
          [
            [1, first.id, 1],
            [2, second.id, 1],
            [3, first.id, 2],
          ],
        )
        for (let i = 1; i < ledger.length; i++) assert.deepEqual(ledger[i]!.prevHash, ledger[i - 1]!.hash)

        // A row edited behind the library's back shows in the drift check, read through the mapped columns.
        await base.customer.update({ where: { id: customer.id }, data: { fullName: 'edited' } })
        assert.deepEqual(
          (await prisma.customer.check()).drifted.map((d) => d.id),
          [customer.id],
        )
      }))
  })
}
