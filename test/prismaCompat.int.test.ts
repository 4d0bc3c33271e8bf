/**
 * The Prisma behaviour prisma-spector relies on without it being public API (extension/prisma/
 * prismaCompat.ts), checked against the installed @prisma/client. Each test names the version it
 * was verified on and the one installed: when a Prisma 7.x minor moves one, that test fails.
 */
import assert from 'node:assert/strict'
import { AsyncLocalStorage } from 'node:async_hooks'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, test } from 'vitest'
import { Prisma } from '@prisma/client/extension'
import { applyAppendOnlyEventLog } from 'prisma-spector'
import { LazyCommand } from '../extension/prisma/lazyCommand.ts'
import {
  clientAdapterFactory,
  driverErrorCause,
  driverErrorCode,
  driverErrorMessage,
  interactiveTransactionOf,
  isInsideTransaction,
  isTransactionStartTimeout,
  hasGlobalOmit,
  markOwnQueryHooks,
  modelMethodParent,
  passesOnlyOwnHooks,
  prismaObservesQueries,
  prismaPromiseTag,
  queryGoesToEngine,
  startPrismaPromise,
  transactionClientFor,
  transactionScopeOf,
} from '../extension/prisma/prismaCompat.ts'
import { providersUnderTest } from './support/databases.ts'
import { withExample } from './support/exampleClient.ts'

const verifiedOn = '7.10.0'
const installed: string = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@prisma/client/package.json'), 'utf8')).version
const versions = `verified on Prisma ${verifiedOn}, installed ${installed}`

/** The database's own code for a primary-key violation, as the driver adapters report it (SQLite's by name). */
const uniqueViolationCode = { sqlite: /^SQLITE_CONSTRAINT_PRIMARYKEY$/, postgresql: /^23505$/, mysql: /^1062$/ }

test(`the installed Prisma is a 7.x (${versions})`, () => {
  assert.match(installed, /^7\./)
})

for (const provider of providersUnderTest()) {
  describe(`Prisma internals prisma-spector relies on, on ${provider}`, () => {
    test(`a PrismaPromise is tagged '${prismaPromiseTag}' and a batch $transaction asks a LazyCommand to join (${versions})`, () =>
      withExample(provider, async ({ base }) => {
        assert.equal(Object.prototype.toString.call(base.item.count()), `[object ${prismaPromiseTag}]`)
        let ran = false
        const lazy = new LazyCommand('Item', 'create', async () => {
          ran = true
          return null
        })
        await assert.rejects(base.$transaction([lazy as any]), (e: { code?: string }) => e.code === 'SPECTOR_UNSUPPORTED_WRITE')
        assert.equal(ran, false)
      }))

    test(`a PrismaPromise runs its query hooks when then() is called, in that caller's async context (${versions})`, () =>
      withExample(provider, async ({ base }) => {
        const context = new AsyncLocalStorage<string>()
        const seen: (string | undefined)[] = []
        const client = base.$extends({
          query: { item: { findMany: ({ args, query }) => (seen.push(context.getStore()), query(args)) } },
        })
        await context.run('started', () => startPrismaPromise(client.item.findMany()))
        // Made in a context but awaited outside it: the hooks run in the awaiting one.
        const made = context.run('made', () => client.item.findMany())
        await made
        assert.deepEqual(seen, ['started', undefined])
      }))

    test(`$parent in a model method is the client minus its last extension, so an override re-enters itself (${versions})`, () =>
      withExample(provider, async ({ base }) => {
        const probe = Prisma.defineExtension({
          name: 'probe',
          model: {
            item: {
              parentOfCall(this: unknown) {
                return modelMethodParent(this)
              },
            },
          },
        })
        const other = Prisma.defineExtension({ name: 'other', model: { item: { unrelated: () => 1 } } })
        const alone = base.$extends(probe) as any
        const chained = alone.$extends(other) as any
        // Chained after: $parent still carries the override (the re-entry ownRowWrite.ts handles).
        assert.equal(typeof chained.item.parentOfCall().item.parentOfCall, 'function')
        // Applied last: $parent is the client below it, without the override.
        assert.equal(alone.item.parentOfCall().item.parentOfCall, undefined)
        // Called on a transaction client, $parent is a transaction client too.
        await chained.$transaction(async (tx: any) => {
          assert.equal(isInsideTransaction(tx.item.parentOfCall()), true)
        })
        assert.equal(isInsideTransaction(chained.item.parentOfCall()), false)
      }))

    test(`a transaction client is the only client without $connect (${versions})`, () =>
      withExample(provider, async ({ base, prisma }) => {
        assert.equal(isInsideTransaction(base), false)
        assert.equal(isInsideTransaction(prisma), false)
        await base.$transaction(async (tx) => {
          assert.equal(isInsideTransaction(tx), true)
          // Nested (a SAVEPOINT since Prisma 7.5): still a transaction client.
          await (tx as any).$transaction(async (inner: any) => assert.equal(isInsideTransaction(inner), true))
        })
        await prisma.$transaction(async (tx) => assert.equal(isInsideTransaction(tx), true))
      }))

    test(`a driver error carries the database's own code in meta.driverAdapterError.cause (${versions})`, () =>
      withExample(provider, async ({ base, q }) => {
        const insert = `INSERT INTO ${q('Category')} (${q('id')}, ${q('name')}) VALUES ('same', 'a')`
        await base.$executeRawUnsafe(insert)
        const error = await base.$executeRawUnsafe(insert).then(
          () => assert.fail('expected a unique violation'),
          (e: unknown) => e,
        )
        assert.equal((error as { code?: string }).code, 'P2010')
        assert.equal(driverErrorCause(error).kind, 'UniqueConstraintViolation')
        assert.match(driverErrorCode(error) ?? '', uniqueViolationCode[provider])
        assert.equal(driverErrorCode(new Error('not from a driver')), undefined)
      }))

    test(`a model operation's driver error carries a trigger's own message in meta.driverAdapterError.cause (${versions})`, () =>
      withExample(provider, async (ctx) => {
        await applyAppendOnlyEventLog(ctx.base, ctx.spectorSchema)
        await ctx.prisma.item.create({ data: { name: 'Lamp' } })
        const error = await ctx.base.event.deleteMany({}).then(
          () => assert.fail('expected the append-only trigger to refuse'),
          (e: unknown) => e,
        )
        assert.equal(driverErrorMessage(error), 'prisma-spector: the event log Event is append-only (DELETE refused)')
        assert.equal(driverErrorMessage(new Error('not from a driver')), undefined)
      }))

    test(`a transaction client carries its transaction and nesting level, and a level admits one nested $transaction at a time (${versions})`, () =>
      withExample(provider, async ({ base }) => {
        assert.equal(transactionScopeOf(base), null)
        await base.$transaction(async (tx) => {
          const outer = transactionScopeOf(tx)!
          assert.ok(outer.transactionId && outer.scopeId)
          let release!: () => void
          const held = new Promise<void>((resolve) => (release = resolve))
          const first = (tx as any).$transaction(async (inner: any) => {
            const nested = transactionScopeOf(inner)!
            assert.equal(nested.transactionId, outer.transactionId)
            assert.notEqual(nested.scopeId, outer.scopeId)
            await held
          })
          // Why evented commands on one transaction client take turns (transactionQueue.ts).
          await assert.rejects(
            (tx as any).$transaction(async () => {}),
            /Concurrent nested transactions are not supported/,
          )
          release()
          await first
        })
      }))

    test(`a query hook sees its request's transaction, query(args, request) runs the rest in the transaction request names, and _createItxClient joins a running one (${versions})`, () =>
      withExample(provider, async ({ base }) => {
        const seen: unknown[] = []
        const hooked = base.$extends({
          query: {
            category: {
              create: ({ args, query, __internalParams }: any) => {
                seen.push(__internalParams?.transaction)
                return query(args)
              },
            },
          },
        })
        await hooked.category.create({ data: { name: 'outside' } })
        assert.equal(seen[0], undefined)
        await assert.rejects(
          hooked.$transaction(async (tx) => {
            await tx.category.create({ data: { name: 'inside' } })
            const transaction = (await interactiveTransactionOf(tx))!
            assert.equal(transaction.kind, 'itx')
            assert.deepEqual(seen[1], transaction)
            // A client of another level (here the base client) made for the same transaction writes in it.
            const joined = transactionClientFor(base, transaction)
            assert.equal(isInsideTransaction(joined), true)
            await joined.category.create({ data: { name: 'joined' } })
            assert.equal(await tx.category.count(), 3)
            throw new Error('undo')
          }),
          /undo/,
        )
        assert.equal(await base.category.count(), 1)
        // The rest of a call's chain run in a transaction the hook opened: rolled back with it.
        const rerouted = base.$extends({
          query: {
            category: {
              create: ({ args, query, __internalParams }: any) =>
                base.$transaction(async (tx) => {
                  await query(args, { ...__internalParams, transaction: await interactiveTransactionOf(tx) })
                  assert.equal(await tx.category.count(), 2)
                  throw new Error('undo')
                }),
            },
          },
        })
        await assert.rejects(rerouted.category.create({ data: { name: 'rerouted' } }), /undo/)
        assert.equal(await base.category.count(), 1)
        assert.equal(await interactiveTransactionOf(base), undefined)
      }))

    test(`a transaction that cannot start within maxWait is a P2028 "Unable to start a transaction" (${versions})`, () =>
      withExample(provider, async ({ base }) => {
        let release!: () => void
        const held = new Promise<void>((resolve) => (release = resolve))
        // SQLite's adapter runs one transaction at a time; the others' pools are filled up.
        const holders = Array.from({ length: provider === 'sqlite' ? 1 : 4 }, () => base.$transaction(() => held, { timeout: 20_000 }))
        await new Promise((resolve) => setTimeout(resolve, 200))
        const error = await base
          .$transaction(async () => {}, { maxWait: 50 })
          .then(
            () => assert.fail('expected a start timeout'),
            (e: unknown) => e,
          )
        release()
        await Promise.all(holders)
        assert.equal(isTransactionStartTimeout(error), true, String(error))
      }))

    test(`a query hook's query() says whether another hook is chained after it, without running that hook or the query (${versions})`, () =>
      withExample(provider, async ({ base }) => {
        const answers: boolean[] = []
        const probing = Prisma.defineExtension({
          query: {
            category: {
              async create({ args, query, __internalParams }: any) {
                answers.push(await queryGoesToEngine(query, __internalParams))
                return query(args)
              },
            },
          },
        })
        const seenAfter: string[] = []
        const after = Prisma.defineExtension({
          query: {
            $allModels: {
              $allOperations({ operation, args, query }) {
                seenAfter.push(operation)
                return query(args)
              },
            },
          },
        })
        await base.$extends(probing).category.create({ data: { name: 'last' } })
        await base
          .$extends(probing)
          .$extends(after)
          .category.create({ data: { name: 'followed' } })
        assert.deepEqual(answers, [true, false])
        // The hook after saw the one create it was sent, not the probe; each create wrote one row.
        assert.deepEqual(seenAfter, ['create'])
        assert.equal(await base.category.count(), 2)
      }))

    test(`a client lists the query hooks a call passes, by reference, its computed fields and its global omit (${versions})`, () =>
      withExample(provider, async ({ base, db }) => {
        const own = ({ args, query }: { args: any; query: (args: any) => Promise<unknown> }) => query(args)
        markOwnQueryHooks([own])
        const ours = base.$extends({ query: { category: { update: own } } })
        assert.equal(passesOnlyOwnHooks(base, 'category', 'Category', 'update'), true)
        assert.equal(passesOnlyOwnHooks(ours, 'category', 'Category', 'update'), true)
        const theirs = ours.$extends({ query: { $allModels: { $allOperations: ({ args, query }) => query(args) } } })
        assert.equal(passesOnlyOwnHooks(theirs, 'category', 'Category', 'update'), false)
        const computed = ours.$extends({ result: { category: { label: { needs: { name: true }, compute: (c) => `#${c.name}` } } } })
        assert.equal(passesOnlyOwnHooks(computed, 'category', 'Category', 'update'), false)
        assert.equal(passesOnlyOwnHooks(computed, 'item', 'Item', 'update'), true)
        assert.equal(hasGlobalOmit(base, 'category'), false)
        const PrismaClient = (base as unknown as { constructor: new (options: object) => typeof base }).constructor
        const omitting = new PrismaClient({ adapter: db.adapter, omit: { category: { name: true } } })
        try {
          assert.equal(hasGlobalOmit(omitting, 'category'), true)
          assert.equal(hasGlobalOmit(omitting.$extends({}), 'category'), true)
          assert.equal(passesOnlyOwnHooks(omitting, 'category', 'Category', 'update'), false)
          assert.equal(passesOnlyOwnHooks(omitting, 'item', 'Item', 'update'), true)
        } finally {
          await omitting.$disconnect()
        }
      }))
    test(`a client keeps its adapter factory in _engineConfig, and says whether it logs, traces or comments its queries or has a transaction option (${versions})`, () =>
      withExample(provider, async ({ base, db }) => {
        const PrismaClient = (base as unknown as { constructor: new (options: object) => typeof base }).constructor
        assert.equal(clientAdapterFactory(base), db.adapter)
        assert.equal(clientAdapterFactory(base.$extends({})), db.adapter)
        assert.equal(prismaObservesQueries(base), false)
        assert.equal(prismaObservesQueries(base.$extends({})), false)
        const observing = [
          new PrismaClient({ adapter: db.adapter, log: ['query'] }),
          new PrismaClient({ adapter: db.adapter, log: [{ emit: 'event', level: 'query' }] }),
          new PrismaClient({ adapter: db.adapter, comments: [() => ({ route: '/x' })] }),
          new PrismaClient({ adapter: db.adapter, transactionOptions: { isolationLevel: 'Serializable' } }),
        ]
        try {
          for (const client of observing) assert.equal(prismaObservesQueries(client.$extends({})), true)
          // Logging other levels does not show queries.
          const warnings = new PrismaClient({ adapter: db.adapter, log: ['warn'] })
          assert.equal(prismaObservesQueries(warnings), false)
          await warnings.$disconnect()
        } finally {
          for (const client of observing) await client.$disconnect()
        }
      }))
  })
}
