/**
 * The Prisma client extension. The generated `spector()` calls this with the models' metadata,
 * codecs and changesets, and gives the result its per-model types.
 *
 * Model methods (not query hooks) carry the writes, because only a model method learns, through
 * `Prisma.getExtensionContext(this).$parent`, the client it was called on: the transaction client
 * when the caller is inside `$transaction`. Overriding `create`/`update`/`upsert`/`delete` means
 * an extension chained after this one makes `$parent` reach these overrides again; prisma-spector's
 * own row write is recognised there (see ownRowWrite.ts) and goes straight down to Prisma.
 *
 * The generated `spector()` applies two layers: first `query` (the hooks), then `model` and
 * `client`. The row write, made through `$parent` of the model layer, so runs through every query
 * extension chained before prisma-spector and then through prisma-spector's hook, the last one
 * before the database: the place to see what really reaches the row.
 */
import { Prisma } from '@prisma/client/extension'
import type { Changeset } from '../core/changeset.ts'
import { SpectorConfigurationError, SpectorUnsupportedWriteError } from '../core/errors.ts'
import { EventedModel, type State } from '../core/eventedModel.ts'
import type { ModelMetadata, RelationGraph } from '../core/metadata.ts'
import type { JsonObject, ModelCodec } from '../core/payloadCodec.ts'
import { dialectFor } from '../dialects/dialectFor.ts'
import { EventedDelegate, type SpectorOptions } from './eventedDelegate.ts'
import { findNestedEventedWrite } from './findNestedEventedWrite.ts'
import { Integrity, type VerifyHashChainOptions } from './integrity.ts'
import { LazyCommand } from './lazyCommand.ts'
import { isOwnRowWrite, rewritesOfOwnRowWrite, RowWriteRewritten } from './ownRowWrite.ts'
import { modelMethodParent } from './prismaCompat.ts'
import { runWithExtensionRewrites, type CallerData } from './extensionRewrites.ts'
import type { Until } from './recordReads.ts'
import { withTriggerErrors } from './triggerErrors.ts'
import { SpectorApi } from './spectorApi.ts'

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
type Args = Record<string, any>

const objects = (...values: unknown[]) => values.filter((v): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v))

/** Where each command's caller gave the data its row writes are made from (see extensionRewrites.ts). */
const callerData: Record<string, (args: Args) => CallerData> = {
  create: (args) => () => objects(args?.data),
  update: (args) => () => objects(args?.data),
  upsert: (args) => (rowOperation) => objects(rowOperation === 'create' ? args?.create : args?.update),
  createMany: (args) => () => objects(...(Array.isArray(args?.data) ? args.data : [args?.data])),
  updateMany: (args) => () => objects(args?.data),
}
callerData.createManyAndReturn = callerData.createMany!
callerData.updateManyAndReturn = callerData.updateMany!

/** Builds the model methods of one evented model. */
export function modelComponent(delegate: EventedDelegate<any>, integrity: Integrity): Delegate {
  const name = delegate.model.metadata.delegate
  const model = delegate.model.metadata.name
  const component: Delegate = {}
  const command = <A, T>(operation: string, args: A, data: ((args: A) => CallerData) | null, run: (args: A) => Promise<T>) =>
    new LazyCommand(model, operation, () => runWithExtensionRewrites(model, operation, args, data, run))

  for (const operation of ['create', 'update', 'upsert', 'delete'] as const) {
    component[operation] = function (this: unknown, args: Args) {
      const parent = modelMethodParent(this)
      if (isOwnRowWrite(name, operation)) return parent[name][operation](args)
      return command(operation, args, callerData[operation] ?? null, (a) => delegate[operation](parent, a))
    }
  }
  const bulk = {
    createMany: (parent: Args, args: any) => delegate.createMany(parent, args),
    createManyAndReturn: (parent: Args, args: any) => delegate.createMany(parent, args, true),
    updateMany: (parent: Args, args: any) => delegate.updateMany(parent, args),
    updateManyAndReturn: (parent: Args, args: any) => delegate.updateMany(parent, args, true),
    deleteMany: (parent: Args, args: any) => delegate.deleteMany(parent, args),
  }
  for (const [operation, run] of Object.entries(bulk)) {
    component[operation] = function (this: unknown, args: Args) {
      const parent = modelMethodParent(this)
      return command(operation, args, callerData[operation] ?? null, (a) => run(parent, a))
    }
  }
  component.execute = function (this: unknown, id: string, action: string, attrs: Args, options?: object) {
    const parent = modelMethodParent(this)
    return command(
      'execute',
      attrs,
      (a) => () => objects(a),
      (a) => delegate.execute(parent, id, action, a, options),
    )
  }
  component.replay = function (this: unknown, id: string, options?: object) {
    return delegate.replay(modelMethodParent(this), id, options)
  }
  component.savepoint = function (this: unknown, id: string) {
    const parent = modelMethodParent(this)
    return command('savepoint', id, null, (i) => delegate.savepoint(parent, i))
  }
  component.check = function (this: unknown, options?: object) {
    return delegate.check(modelMethodParent(this), options)
  }
  component.materialize = function (this: unknown, id: string) {
    const parent = modelMethodParent(this)
    return command('materialize', id, null, (i) => delegate.materialize(parent, i))
  }
  component.verifySavepoints = function (this: unknown, id: string) {
    return integrity.verifySavepoints(modelMethodParent(this), delegate.model, id)
  }
  component.events = function (this: unknown, id: string, options?: object) {
    return delegate.events(modelMethodParent(this), id, options)
  }
  component.history = function (this: unknown, id: string, options?: object) {
    return delegate.history(modelMethodParent(this), id, options)
  }
  component.diff = function (this: unknown, id: string, from: Until, to: Until, options?: object) {
    return delegate.diff(modelMethodParent(this), id, from, to, options)
  }
  component.links = function (this: unknown, eventId: string, options?: object) {
    return delegate.eventLinks(modelMethodParent(this), eventId, options)
  }
  component.bringup = function (this: unknown, options?: object) {
    const parent = modelMethodParent(this)
    return command('bringup', options, null, (o) => delegate.bringup(parent, o))
  }
  return component
}

/**
 * A query hook on every model. A model that is not evented: its writes may carry nested writes
 * into an evented model, which would change rows without events; those are refused, naming the
 * path. An evented model: prisma-spector's own row write arrives here last, after the query
 * extensions chained before prisma-spector (the generated `spector()` applies this hook in a layer
 * of its own, below the model methods); when they rewrote its data, the command runs again with
 * their values (extensionRewrites.ts).
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
        // The database's triggers (appendOnlyEventLogSql, eventLinkConstraintsSql) may refuse what gets this far.
        if (model && eventLogs.has(model) && insertingOperations.has(operation))
          return withTriggerErrors(model, operation, () => query(args) as PromiseLike<unknown>)
        if (model && evented.has(model)) {
          // prisma-spector's own row write, as the extensions chained before it left it.
          const rewrites = rewritesOfOwnRowWrite(delegates.get(model)!, operation, args as Args)
          if (rewrites?.length) throw new RowWriteRewritten(operation, rewrites)
        } else if (model) {
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
const insertingOperations = new Set(['create', 'createMany', 'createManyAndReturn'])

/** The extension's parts for `$extends`, untyped; the generated `spector()` types and wraps them. */
export function createSpectorExtension<Meta = JsonObject>(
  schema: SpectorSchema,
  options: SpectorOptions<Meta> = {},
): {
  name: string
  model: Record<string, Delegate>
  query: ReturnType<typeof nestedWriteGuard>
  client: ReturnType<typeof clientComponent>
  /** A new `$spector` for one extended client; the generated `spector()` binds it. */
  api: () => SpectorApi<Meta>
} {
  const model: Record<string, Delegate> = {}
  const integrity = new Integrity(
    schema.models.map((m) => m.metadata),
    options.hashKey,
  )
  for (const definition of schema.models) {
    if (!definition.changeset || typeof definition.changeset.apply !== 'function') {
      throw new SpectorConfigurationError(
        definition.metadata.name,
        `${definition.metadata.name}: its changeset module must export \`changeset\` with an apply() function`,
      )
    }
    const evented = new EventedModel(definition.metadata, definition.codec, definition.changeset, dialectFor(schema.provider).columns)
    model[definition.metadata.delegate] = modelComponent(new EventedDelegate(evented, options, schema.provider), integrity)
  }
  const metadata = schema.models.map((m) => m.metadata)
  const api = () => new SpectorApi<Meta>(metadata, schema.provider, options)
  return { name: 'prisma-spector', model, query: nestedWriteGuard(schema), client: clientComponent(integrity), api }
}
