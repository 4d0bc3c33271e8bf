/**
 * The Prisma client extension. The generated `spector()` calls this with the models' metadata,
 * codecs and changesets, and gives the result its per-model types.
 *
 * Model methods (not query hooks) carry the writes, because only a model method learns, through
 * `Prisma.getExtensionContext(this).$parent`, the client it was called on: the transaction client
 * when the caller is inside `$transaction`. Overriding `create`/`update`/`upsert`/`delete` means
 * an extension chained after this one makes `$parent` reach these overrides again; prisma-spector's
 * own row write is recognised there (see ownRowWrite.ts) and goes straight down to Prisma.
 */
import { Prisma } from '@prisma/client/extension'
import type { Changeset } from '../core/changeset.ts'
import { SpectorConfigurationError, SpectorUnsupportedWriteError } from '../core/errors.ts'
import { EventedModel, type State } from '../core/eventedModel.ts'
import type { ModelMetadata, RelationGraph } from '../core/metadata.ts'
import type { ModelCodec } from '../core/payloadCodec.ts'
import { EventedDelegate, type SpectorOptions } from './eventedDelegate.ts'
import { findNestedEventedWrite } from './findNestedEventedWrite.ts'
import { Integrity, type VerifyHashChainOptions } from './integrity.ts'
import { LazyCommand } from './lazyCommand.ts'
import { isOwnRowWrite } from './ownRowWrite.ts'
import type { Until } from './recordReads.ts'

export interface SpectorModelDefinition<S extends State = State> {
  metadata: ModelMetadata
  codec: ModelCodec<S>
  changeset: Changeset<S, any, any>
}

export interface SpectorSchema {
  /** The datasource provider the schema was generated for. */
  provider: string
  models: readonly SpectorModelDefinition<any>[]
  /** Every relation of every model, to refuse nested writes that reach an evented model. */
  relations?: RelationGraph
}

type Delegate = Record<string, (...args: any[]) => PromiseLike<unknown>>

function parentOf(self: unknown): Record<string, any> {
  return (Prisma.getExtensionContext(self as object) as unknown as { $parent: Record<string, any> }).$parent
}

/** Builds the model methods of one evented model. */
export function modelComponent(delegate: EventedDelegate<any>, integrity: Integrity): Delegate {
  const name = delegate.model.metadata.delegate
  const model = delegate.model.metadata.name
  const component: Delegate = {}

  for (const operation of ['create', 'update', 'upsert', 'delete'] as const) {
    component[operation] = function (this: unknown, args: Record<string, any>) {
      const parent = parentOf(this)
      if (isOwnRowWrite(name, operation)) return parent[name][operation](args)
      return new LazyCommand(model, operation, () => delegate[operation](parent, args))
    }
  }
  const bulk = {
    createMany: (parent: Record<string, any>, args: any) => delegate.createMany(parent, args),
    createManyAndReturn: (parent: Record<string, any>, args: any) => delegate.createMany(parent, args, true),
    updateMany: (parent: Record<string, any>, args: any) => delegate.updateMany(parent, args),
    updateManyAndReturn: (parent: Record<string, any>, args: any) => delegate.updateMany(parent, args, true),
    deleteMany: (parent: Record<string, any>, args: any) => delegate.deleteMany(parent, args),
  }
  for (const [operation, run] of Object.entries(bulk)) {
    component[operation] = function (this: unknown, args: Record<string, any>) {
      const parent = parentOf(this)
      return new LazyCommand(model, operation, () => run(parent, args))
    }
  }
  component.execute = function (this: unknown, id: string, action: string, attrs: Record<string, unknown>, options?: object) {
    const parent = parentOf(this)
    return new LazyCommand(model, 'execute', () => delegate.execute(parent, id, action, attrs, options))
  }
  component.replay = function (this: unknown, id: string, options?: object) {
    return delegate.replay(parentOf(this), id, options)
  }
  component.savepoint = function (this: unknown, id: string) {
    const parent = parentOf(this)
    return new LazyCommand(model, 'savepoint', () => delegate.savepoint(parent, id))
  }
  component.check = function (this: unknown, options?: object) {
    return delegate.check(parentOf(this), options)
  }
  component.materialize = function (this: unknown, id: string) {
    const parent = parentOf(this)
    return new LazyCommand(model, 'materialize', () => delegate.materialize(parent, id))
  }
  component.verifySavepoints = function (this: unknown, id: string) {
    return integrity.verifySavepoints(parentOf(this), delegate.model, id)
  }
  component.events = function (this: unknown, id: string, options?: object) {
    return delegate.events(parentOf(this), id, options)
  }
  component.history = function (this: unknown, id: string, options?: object) {
    return delegate.history(parentOf(this), id, options)
  }
  component.diff = function (this: unknown, id: string, from: Until, to: Until, options?: object) {
    return delegate.diff(parentOf(this), id, from, to, options)
  }
  component.links = function (this: unknown, eventId: string, options?: object) {
    return delegate.eventLinks(parentOf(this), eventId, options)
  }
  component.bringup = function (this: unknown, options?: object) {
    const parent = parentOf(this)
    return new LazyCommand(model, 'bringup', () => delegate.bringup(parent, options))
  }
  return component
}

/**
 * A query hook on every model that is not evented: its writes may carry nested writes into an
 * evented model, which would change rows without events. Those are refused, naming the path.
 */
function nestedWriteGuard(schema: SpectorSchema) {
  const graph = schema.relations ?? {}
  const evented = new Set(schema.models.map((m) => m.metadata.name))
  const delegates = new Map(schema.models.map((m) => [m.metadata.name, m.metadata.delegate]))
  // The event tables and their link tables: written once, never changed.
  const eventLogs = new Set(schema.models.flatMap((m) => [m.metadata.events.model, ...(m.metadata.events.links ?? []).map((l) => l.model)]))
  return {
    $allModels: {
      $allOperations({ model, operation, args, query }: { model?: string; operation: string; args: unknown; query: (args: unknown) => unknown }) {
        if (model && eventLogs.has(model) && rewritingOperations.has(operation)) {
          throw new SpectorUnsupportedWriteError(
            model,
            `${model}.${operation}`,
            'the event log is append-only: events are never updated or deleted (see appendOnlyEventLogSql for the database triggers that enforce it)',
          )
        }
        if (model && !evented.has(model)) {
          const nested = findNestedEventedWrite(graph, evented, model, operation, args)
          if (nested) {
            throw new SpectorUnsupportedWriteError(
              nested.model,
              `${model}.${operation}`,
              `the nested "${nested.operation}" at ${nested.path} would write ${nested.model} without an event; ` +
                `write the ${nested.model} records with prisma.${delegates.get(nested.model)} (create, update, execute) instead`,
              nested.path,
            )
          }
        }
        return query(args)
      },
    },
  }
}

/** Client-level methods: integrity checks over the whole event log. */
function clientComponent(integrity: Integrity) {
  const self = (that: unknown) => Prisma.getExtensionContext(that as object) as unknown as Record<string, any>
  return {
    $verifyHashChain(this: unknown, options?: VerifyHashChainOptions) {
      return integrity.verifyHashChain(self(this), options)
    },
    $verifyHashChainOrThrow(this: unknown, options?: VerifyHashChainOptions) {
      return integrity.verifyHashChainOrThrow(self(this), options)
    },
    $checkpoint(this: unknown, options?: Pick<VerifyHashChainOptions, 'model' | 'batchSize' | 'onProgress'>) {
      return integrity.checkpoint(self(this), options)
    },
  }
}

const rewritingOperations = new Set(['update', 'updateMany', 'updateManyAndReturn', 'upsert', 'delete', 'deleteMany'])

/** The extension's parts for `$extends`, untyped; the generated `spector()` types and wraps them. */
export function createSpectorExtension(
  schema: SpectorSchema,
  options: SpectorOptions = {},
): { name: string; model: Record<string, Delegate>; query: ReturnType<typeof nestedWriteGuard>; client: ReturnType<typeof clientComponent> } {
  const model: Record<string, Delegate> = {}
  const integrity = new Integrity(schema.models.map((m) => m.metadata), options.hashKey)
  for (const definition of schema.models) {
    if (!definition.changeset || typeof definition.changeset.apply !== 'function') {
      throw new SpectorConfigurationError(
        definition.metadata.name,
        `${definition.metadata.name}: its changeset module must export \`changeset\` with an apply() function`,
      )
    }
    const evented = new EventedModel(definition.metadata, definition.codec, definition.changeset)
    model[definition.metadata.delegate] = modelComponent(new EventedDelegate(evented, options, schema.provider), integrity)
  }
  return { name: 'prisma-spector', model, query: nestedWriteGuard(schema), client: clientComponent(integrity) }
}
