/**
 * What each dialect makes of a database error, read out of the shapes Prisma 7 throws: a
 * deadlock, a serialization failure, SQLite's busy lock and a lost connection are told apart, and
 * anything else is left to pass unchanged (the transaction policy retries or wraps only these).
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { dialectFor } from '../../extension/dialects/dialectFor.ts'
import { databaseErrorOf, isTransactionStartTimeout, isUniqueViolationOn } from '../../extension/prisma/prismaCompat.ts'

/** Prisma's known request error around a driver adapter error, as a model query throws it. */
function prismaError(code: string, cause: Record<string, unknown>, modelName?: string) {
  return Object.assign(new Error(`prisma ${code}`), { code, meta: { modelName, driverAdapterError: { cause } } })
}

const classify = (provider: string, error: unknown) => dialectFor(provider).classifyError(databaseErrorOf(error)!)

describe('database errors by dialect', () => {
  test('PostgreSQL: 40P01 deadlock, 40001 serialization failure, 57P01 and node-postgres messages a lost connection, a unique violation nothing', () => {
    assert.equal(
      classify('postgresql', prismaError('P2034', { kind: 'TransactionWriteConflict', originalCode: '40P01', originalMessage: 'deadlock detected' })),
      'deadlock',
    )
    assert.equal(classify('postgresql', prismaError('P2010', { kind: 'TransactionWriteConflict', originalCode: '40001' })), 'serialization')
    assert.equal(
      classify(
        'postgresql',
        prismaError('P2039', { kind: 'postgres', originalCode: '57P01', originalMessage: 'terminating connection due to administrator command' }),
      ),
      'connection',
    )
    assert.equal(classify('postgresql', new Error('Client has encountered a connection error and is not queryable')), 'connection')
    assert.equal(classify('postgresql', new Error('Connection terminated unexpectedly')), 'connection')
    assert.equal(classify('postgresql', prismaError('P2002', { kind: 'UniqueConstraintViolation', originalCode: '23505' })), null)
  })

  test('MariaDB/MySQL: 1213 deadlock, 1020 serialization failure, KILL and dropped sockets a lost connection', () => {
    assert.equal(classify('mysql', prismaError('P2034', { kind: 'TransactionWriteConflict', originalCode: '1213' })), 'deadlock')
    assert.equal(classify('mysql', prismaError('P2039', { kind: 'mysql', originalCode: '1020' })), 'serialization')
    assert.equal(classify('mysql', prismaError('P2039', { kind: 'mysql', originalCode: '1927', originalMessage: 'Connection was killed' })), 'connection')
    assert.equal(
      classify('mysql', prismaError('P2010', { kind: 'mysql', originalCode: '45009', originalMessage: 'socket has unexpectedly been closed' })),
      'connection',
    )
    assert.equal(classify('mysql', prismaError('P2039', { kind: 'mysql', originalCode: '1062' })), null)
  })

  test('SQLite: SQLITE_BUSY and its extended codes are busy; a constraint failure is nothing', () => {
    assert.equal(
      classify('sqlite', prismaError('P1008', { kind: 'SocketTimeout', originalCode: 'SQLITE_BUSY', originalMessage: 'database is locked' })),
      'busy',
    )
    assert.equal(classify('sqlite', prismaError('P2010', { kind: 'SocketTimeout', originalCode: 'SQLITE_BUSY_SNAPSHOT' })), 'busy')
    assert.equal(classify('sqlite', prismaError('P2003', { kind: 'ForeignKeyConstraintViolation', originalCode: 'SQLITE_CONSTRAINT_TRIGGER' })), null)
  })

  test("a failed COMMIT's DriverAdapterError, passed on unwrapped, is read like a wrapped one", () => {
    const commitError = Object.assign(new Error('terminating connection due to administrator command'), {
      name: 'DriverAdapterError',
      cause: { kind: 'postgres', originalCode: '57P01', originalMessage: 'terminating connection due to administrator command' },
    })
    assert.equal(classify('postgresql', commitError), 'connection')
  })

  test("a unique violation is a taken sequence only on the event log's model (or the raw event insert); a start timeout is P2028 before the start", () => {
    assert.equal(isUniqueViolationOn(prismaError('P2002', { kind: 'UniqueConstraintViolation' }, 'Event'), 'Event'), true)
    assert.equal(isUniqueViolationOn(prismaError('P2002', { kind: 'UniqueConstraintViolation' }, 'Item'), 'Event'), false)
    assert.equal(isUniqueViolationOn(prismaError('P2010', { kind: 'UniqueConstraintViolation' }), 'Event'), true)
    assert.equal(
      isTransactionStartTimeout(Object.assign(new Error('Transaction API error: Unable to start a transaction in the given time.'), { code: 'P2028' })),
      true,
    )
    assert.equal(
      isTransactionStartTimeout(Object.assign(new Error('Transaction API error: A query cannot be executed on an expired transaction.'), { code: 'P2028' })),
      false,
    )
  })
})
