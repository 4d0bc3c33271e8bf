/**
 * Model metadata for core unit tests, as the generator would emit it: a scalar field with the
 * generator's defaults, and a model with no actions, relations or renames around given fields.
 */
import type { FieldMetadata, ModelMetadata } from '../../extension/core/metadata.ts'

export function scalarField(name: string, type: string, extra: Partial<FieldMetadata> = {}): FieldMetadata {
  return { name, type, kind: 'scalar', isList: false, isRequired: false, isId: false, isUpdatedAt: false, ...extra }
}

export function plainModel(name: string, fields: readonly FieldMetadata[]): ModelMetadata {
  const delegate = name.charAt(0).toLowerCase() + name.slice(1)
  return { name, eventName: name, delegate, idField: 'id', version: 0, actions: [], relations: [], events: { model: 'Event', delegate: 'event' }, fields }
}
