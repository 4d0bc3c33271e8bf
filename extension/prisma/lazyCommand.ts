/**
 * What an evented write returns: a promise that starts only when awaited, like Prisma's own
 * PrismaPromise. Being lazy is what lets a batch `$transaction([...])` refuse it before anything
 * was written: Prisma asks each element to join the batch, and an evented write, which needs its
 * own reads and two writes, answers with an error instead of running outside the batch.
 */
import { SpectorUnsupportedWriteError } from '../core/errors.ts'
import { prismaPromiseTag } from './prismaCompat.ts'

export class LazyCommand<T> implements PromiseLike<T> {
  private started: Promise<T> | undefined
  private readonly run: () => Promise<T>
  private readonly model: string
  private readonly operation: string

  constructor(model: string, operation: string, run: () => Promise<T>) {
    this.model = model
    this.operation = operation
    this.run = run
  }

  // Prisma's batch $transaction accepts only elements tagged like this, then calls requestTransaction (see prismaCompat.ts).
  get [Symbol.toStringTag](): string {
    return prismaPromiseTag
  }

  /** Called by `$transaction([...])`: evented writes cannot be part of a batch. */
  requestTransaction(): Promise<never> {
    return Promise.reject(batchRefusal(this.model, this.operation))
  }

  private promise(): Promise<T> {
    this.started ??= this.run()
    return this.started
  }

  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.promise().then(onFulfilled, onRejected)
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.promise().catch(onRejected)
  }

  finally(onFinally?: (() => void) | null): Promise<T> {
    return this.promise().finally(onFinally)
  }
}

/** Why an evented write cannot be part of a batch `$transaction([...])`. */
export function batchRefusal(model: string, operation: string): SpectorUnsupportedWriteError {
  return new SpectorUnsupportedWriteError(
    model,
    operation,
    'an evented write cannot join a batch $transaction([...]), which runs fixed queries; use an interactive ' +
      '$transaction(async (tx) => { ... }) instead. Nothing in the batch was written.',
  )
}
