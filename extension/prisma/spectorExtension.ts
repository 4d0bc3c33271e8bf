/**
 * The Prisma client extension. The generated `spector()` calls this with the models' metadata,
 * codecs and changesets, and gives the result its per-model types.
 *
 * It applies two layers to the client it extends:
 * 1. The row-write gate (`query`): a query hook on every model that refuses nested writes into
 *    evented models and updates of the event log, and checks prisma-spector's own row writes.
 * 2. On the gated client: the command hooks (`commands`), in which Prisma's own writes on an
 *    evented model (`create`, `update`, `upsert`, `delete`, the bulk ones) run as commands; the
 *    model methods prisma-spector adds (`execute`, `replay`, `savepoint`, `history`...); and the
 *    client methods (`$verifyHashChain`, `$checkpoint`, `$spector`).
 *
 * Prisma's writes are not overridden as model methods: an override shadows the operation on every
 * client chained after, whose query hooks and result extensions would then never see it. As query
 * hooks, the writes pass every extension in the order they were chained: those before
 * prisma-spector rewrite the call's data before the command sees it, those after see the row write
 * (callerRowWrite.ts), and result extensions compute their fields on the result.
 *
 * prisma-spector's own methods learn the client they were called on through
 * `Prisma.getExtensionContext(this).$parent` (a transaction client inside `$transaction`); their
 * row writes go through it, so through the extensions chained before prisma-spector and the gate.
 */
import { Prisma } from '@prisma/client/extension'
import type { Changeset } from '../core/changeset.ts'
import { SpectorConfigurationError, SpectorUnsupportedWriteError } from '../core/errors.ts'
import { EventedModel, type State } from '../core/eventedModel.ts'
import type { ModelMetadata, RelationGraph } from '../core/metadata.ts'
import type { JsonObject, ModelCodec } from '../core/payloadCodec.ts'
import { dialectFor } from '../dialects/dialectFor.ts'
import type { TriggerRefusal } from '../dialects/statements.ts'
import { EventedDelegate, type SpectorOptions } from './eventedDelegate.ts'
import { findNestedEventedWrite } from './findNestedEventedWrite.ts'
import { Integrity, type VerifyHashChainOptions } from './integrity.ts'
import { batchRefusal, LazyCommand } from './lazyCommand.ts'
import { isOwnRowWriteAtCommandHook, rewritesOfOwnRowWrite, RowWriteRewritten, withModelMethodClient } from './ownRowWrite.ts'
import { markOwnQueryHooks, modelMethodModel, modelMethodParent, transactionClientFor, type QueryHookRequest } from './prismaCompat.ts'
import { withCallerRowWrite, type QueryContinuation } from './callerRowWrite.ts'
import { runWithExtensionRewrites, type CallerData } from './extensionRewrites.ts'
import type { Until } from './recordReads.ts'
import { spectorErrorOfTrigger, withTriggerErrors } from './triggerErrors.ts'
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

/** Prisma's write operations, each run as a command by the command hook. */
const commandOperations: Record<string, (delegate: EventedDelegate<any>, client: Args, args: any) => Promise<unknown>> = {
  create: (delegate, client, args) => delegate.create(client, args),
  update: (delegate, client, args) => delegate.update(client, args),
  upsert: (delegate, client, args) => delegate.upsert(client, args),
  delete: (delegate, client, args) => delegate.delete(client, args),
  createMany: (delegate, client, args) => delegate.createMany(client, args),
  createManyAndReturn: (delegate, client, args) => delegate.createMany(client, args, true),
  updateMany: (delegate, client, args) => delegate.updateMany(client, args),
  updateManyAndReturn: (delegate, client, args) => delegate.updateMany(client, args, true),
  deleteMany: (delegate, client, args) => delegate.deleteMany(client, args),
}

interface QueryHookParams {
  args: unknown
  query: QueryContinuation
  __internalParams?: QueryHookRequest
}

/**
 * The command hook: Prisma's writes on evented models (`create`, `update`, `upsert`, `delete` and
 * the bulk ones) run as commands here, in a query hook, so that every extension sees them as it
 * sees any write. Those chained before prisma-spector have had the call (their rewrites of its
 * data are what the changeset gets); the command runs on `gated` (the client below this hook) in
 * a transaction of its own, or in the caller's, found from the request; the row write goes on down
 * the caller's query (callerRowWrite.ts), through the extensions chained after prisma-spector, and
 * its result comes back through Prisma's request, where result extensions compute their fields.
 */
export function commandHooks(
  delegates: readonly EventedDelegate<any>[],
  provider: string,
  gated: Args,
): Record<string, Record<string, (params: QueryHookParams) => unknown>> {
  const hooks: Record<string, Record<string, (params: QueryHookParams) => unknown>> = {}
  const bulkReturning = provider !== 'mysql'
  for (const delegate of delegates) {
    const { name, delegate: delegateName, idField } = delegate.model.metadata
    const modelHooks: Record<string, (params: QueryHookParams) => unknown> = {}
    for (const [operation, run] of Object.entries(commandOperations)) {
      modelHooks[operation] = ({ args, query, __internalParams: request }) => {
        // A model method's row write (ownRowWrite.ts), on its way to the extensions chained after.
        if (isOwnRowWriteAtCommandHook(delegateName, operation)) return query(args)
        const transaction = request?.transaction
        // Left waiting, the batch's other queries never run: nothing of it is written.
        if (transaction?.kind === 'batch') throw batchRefusal(name, operation)
        const client = transaction?.kind === 'itx' ? transactionClientFor(gated, transaction) : gated
        return withCallerRowWrite({ model: name, delegate: delegateName, operation, idField, query, request, bulkReturning }, () => run(delegate, client, args))
      }
    }
    hooks[delegateName] = modelHooks
    markOwnQueryHooks(Object.values(modelHooks))
  }
  return hooks
}

/** Builds the model methods of one evented model: prisma-spector's own (Prisma's writes are commands in the command hook). */
export function modelComponent(delegate: EventedDelegate<any>, integrity: Integrity): Delegate {
  const { name: model, delegate: delegateName } = delegate.model.metadata
  const component: Delegate = {}
  // The row write goes through the model of the client the method was called on, every extension of it (ownRowWrite.ts).
  const command = <A, T>(self: unknown, operation: string, args: A, data: ((args: A) => CallerData) | null, run: (args: A) => Promise<T>) =>
    new LazyCommand(model, operation, () =>
      withModelMethodClient(delegateName, modelMethodModel(self), () => runWithExtensionRewrites(model, operation, args, data, run)),
    )
  component.execute = function (this: unknown, id: string, action: string, attrs: Args, options?: object) {
    const parent = modelMethodParent(this)
    return command(
      this,
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
    return command(this, 'savepoint', id, null, (i) => delegate.savepoint(parent, i))
  }
  component.check = function (this: unknown, options?: object) {
    return delegate.check(modelMethodParent(this), options)
  }
  component.materialize = function (this: unknown, id: string) {
    const parent = modelMethodParent(this)
    return command(this, 'materialize', id, null, (i) => delegate.materialize(parent, i))
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
    return command(this, 'bringup', options, null, (o) => delegate.bringup(parent, o))
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
  // Raw SQL refused by one of the triggers: the event log's model, found by the table the trigger names.
  const logByTable = new Map(schema.models.map((m) => [m.metadata.events.dbName ?? m.metadata.events.model, m.metadata.events.model]))
  const rawSql = ({ operation, args, query }: { operation: string; args: unknown; query: (args: unknown) => PromiseLike<unknown> }) =>
    query(args).then(undefined, (error: unknown) => {
      const model = (trigger: TriggerRefusal) => (trigger.trigger === 'append-only' ? (logByTable.get(trigger.table) ?? trigger.table) : trigger.linkName)
      throw spectorErrorOfTrigger(error, model, operation) ?? error
    })
  const guard = {
    $executeRaw: rawSql,
    $executeRawUnsafe: rawSql,
    $queryRaw: rawSql,
    $queryRawUnsafe: rawSql,
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
  markOwnQueryHooks([guard.$allModels.$allOperations, rawSql])
  return guard
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
  /** The row-write gate, applied first (the generated `spector()` puts it in a layer of its own). */
  query: ReturnType<typeof nestedWriteGuard>
  /** The command hooks, given the client with the gate applied; in the same layer as `model` and `client`. */
  commands: (gated: Args) => ReturnType<typeof commandHooks>
  client: ReturnType<typeof clientComponent>
  /** A new `$spector` for one extended client; the generated `spector()` binds it. */
  api: () => SpectorApi<Meta>
} {
  const model: Record<string, Delegate> = {}
  const delegates: EventedDelegate<any>[] = []
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
    const delegate = new EventedDelegate(evented, options, schema.provider)
    delegates.push(delegate)
    model[definition.metadata.delegate] = modelComponent(delegate, integrity)
  }
  const metadata = schema.models.map((m) => m.metadata)
  const api = () => new SpectorApi<Meta>(metadata, schema.provider, options)
  const commands = (gated: Args) => commandHooks(delegates, schema.provider, gated)
  return { name: 'prisma-spector', model, query: nestedWriteGuard(schema), commands, client: clientComponent(integrity), api }
}
