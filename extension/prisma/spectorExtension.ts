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
import { SpectorConfigurationError } from '../core/errors.ts'
import { EventedModel, type State } from '../core/eventedModel.ts'
import type { ModelMetadata } from '../core/metadata.ts'
import type { ModelCodec } from '../core/payloadCodec.ts'
import { EventedDelegate, refusedOperations, type SpectorOptions } from './eventedDelegate.ts'
import { isOwnRowWrite } from './ownRowWrite.ts'

export interface SpectorModelDefinition<S extends State = State> {
  metadata: ModelMetadata
  codec: ModelCodec<S>
  changeset: Changeset<S, any, any>
}

export interface SpectorSchema {
  /** The datasource provider the schema was generated for. */
  provider: string
  models: readonly SpectorModelDefinition<any>[]
}

type Delegate = Record<string, (...args: any[]) => Promise<unknown>>

function parentOf(self: unknown): Record<string, any> {
  return (Prisma.getExtensionContext(self as object) as unknown as { $parent: Record<string, any> }).$parent
}

/** Builds the model methods of one evented model. */
export function modelComponent(delegate: EventedDelegate<any>): Delegate {
  const name = delegate.model.metadata.delegate
  const component: Delegate = {}

  for (const operation of ['create', 'update', 'upsert', 'delete'] as const) {
    component[operation] = function (this: unknown, args: Record<string, any>) {
      const parent = parentOf(this)
      if (isOwnRowWrite(name, operation)) return parent[name][operation](args)
      return delegate[operation](parent, args)
    }
  }
  for (const operation of refusedOperations) {
    component[operation] = async function () {
      delegate.refuse(operation)
    }
  }
  component.execute = function (this: unknown, id: string, action: string, attrs: Record<string, unknown>, options?: object) {
    return delegate.execute(parentOf(this), id, action, attrs, options)
  }
  component.replay = function (this: unknown, id: string, options?: object) {
    return delegate.replay(parentOf(this), id, options)
  }
  component.savepoint = function (this: unknown, id: string) {
    return delegate.savepoint(parentOf(this), id)
  }
  component.check = function (this: unknown, options?: object) {
    return delegate.check(parentOf(this), options)
  }
  component.events = function (this: unknown, id: string, options?: object) {
    return delegate.events(parentOf(this), id, options)
  }
  return component
}

/** The extension's parts for `$extends`, untyped; the generated `spector()` types and wraps them. */
export function createSpectorExtension(schema: SpectorSchema, options: SpectorOptions = {}): { name: string; model: Record<string, Delegate> } {
  const model: Record<string, Delegate> = {}
  for (const definition of schema.models) {
    if (!definition.changeset || typeof definition.changeset.apply !== 'function') {
      throw new SpectorConfigurationError(
        definition.metadata.name,
        `${definition.metadata.name}: its changeset module must export \`changeset\` with an apply() function`,
      )
    }
    const evented = new EventedModel(definition.metadata, definition.codec, definition.changeset)
    model[definition.metadata.delegate] = modelComponent(new EventedDelegate(evented, options, schema.provider))
  }
  return { name: 'prisma-spector', model }
}
