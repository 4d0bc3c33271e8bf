/**
 * Errors raised by prisma-spector's own database triggers (append-only event and link tables, the
 * same-record link check), turned into the documented Spector errors with the trigger's message.
 * Without this, Prisma reports them by the database's error class: on SQLite a `RAISE(ABORT)` in
 * a trigger reads as P2003 "Foreign key constraint violated", on PostgreSQL and MySQL as a bare
 * database error.
 */
import { SpectorUnsupportedWriteError, SpectorValidationError, type SpectorError } from '../core/errors.ts'
import { triggerOfMessage, type TriggerRefusal } from '../dialects/statements.ts'
import { driverErrorMessage } from './prismaCompat.ts'

/**
 * The Spector error for a trigger's refusal (`SpectorUnsupportedWriteError` for a change to an
 * append-only table, `SpectorValidationError` naming `links.<name>` for a link across records),
 * with the database error as its `cause`; null when the error is not a trigger's. `model` may
 * depend on the refusal (raw SQL: the event log the trigger names).
 */
export function spectorErrorOfTrigger(error: unknown, model: string | ((trigger: TriggerRefusal) => string), operation: string): SpectorError | null {
  const message = driverErrorMessage(error)
  const trigger = message === undefined ? null : triggerOfMessage(message)
  if (!trigger || message === undefined) return null
  const modelName = typeof model === 'string' ? model : model(trigger)
  const mapped =
    trigger.trigger === 'append-only'
      ? new SpectorUnsupportedWriteError(modelName, operation, message)
      : new SpectorValidationError(modelName, operation, { [`links.${trigger.linkName}`]: [message] })
  return Object.assign(mapped, { cause: error })
}

/** Runs a write on an event or link table, rethrowing a trigger's refusal as its Spector error. */
export async function withTriggerErrors<T>(model: string, operation: string, write: () => PromiseLike<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    throw spectorErrorOfTrigger(error, model, operation) ?? error
  }
}
