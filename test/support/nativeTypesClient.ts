/**
 * The nativeTypes test schema (test/schemas/nativeTypes.<provider>.prisma: the same Account with
 * each database's native column types) on a fresh database of one provider, with what the tests
 * read back: the row, the replay, the stored payloads and the drift check.
 */
import assert from 'node:assert/strict'
import type { PrismaClient as NativeTypesClient } from '../.generated/nativeTypes/sqlite/client/client.ts'
import type * as NativeTypesSpector from '../.generated/nativeTypes/sqlite/spector/index.ts'
import type { Provider } from './databases.ts'
import { withPreparedSchema } from './preparedClient.ts'

function extend(base: NativeTypesClient, spector: typeof NativeTypesSpector) {
  return base.$extends(spector.spector())
}

export interface NativeTypesContext {
  provider: Provider
  base: NativeTypesClient
  prisma: ReturnType<typeof extend>
  /** The payload of the record's newest event. */
  lastPayload(id: string): Promise<Record<string, unknown>>
  /** Asserts the row equals the replay and the drift check is clean; returns the row. */
  agree(id: string): Promise<Record<string, unknown>>
  /** How many events and rows there are (to show that a refused write left nothing). */
  counts(): Promise<{ events: number; rows: number }>
}

export function withNativeTypes<T>(provider: Provider, fn: (ctx: NativeTypesContext) => Promise<T>): Promise<T> {
  return withPreparedSchema<NativeTypesClient, typeof NativeTypesSpector, T>('nativeTypes', provider, ({ base, module }) => {
    const prisma = extend(base, module)
    return fn({
      provider,
      base,
      prisma,
      async lastPayload(id) {
        const event = await base.event.findFirst({ where: { recordId: id }, orderBy: { sequence: 'desc' } })
        assert.ok(event, `no events for ${id}`)
        return event.payload as Record<string, unknown>
      },
      async agree(id) {
        const row = await base.account.findUnique({ where: { id } })
        assert.ok(row, `no row for ${id}`)
        assert.deepEqual(await prisma.account.replay(id), row)
        assert.deepEqual((await prisma.account.check()).drifted, [])
        return row as unknown as Record<string, unknown>
      },
      async counts() {
        return { events: await base.event.count(), rows: await base.account.count() }
      },
    })
  })
}
