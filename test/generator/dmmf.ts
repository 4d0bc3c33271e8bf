/**
 * Hand-built DMMF for the generator's unit tests: the shapes `prisma generate` passes to a
 * generator (checked against a real dump), with only what a test cares about spelled out.
 */
import type { DMMF } from '@prisma/generator-helper'

type FieldOptions = Partial<Omit<DMMF.Field, 'name' | 'type'>>

/** A scalar field (pass `kind` for an enum, object or unsupported field). */
export function field(name: string, type: string, options: FieldOptions = {}): DMMF.Field {
  return {
    name,
    type,
    kind: 'scalar',
    isList: false,
    isRequired: true,
    isUnique: false,
    isId: false,
    isReadOnly: false,
    hasDefaultValue: options.default !== undefined,
    nativeType: null,
    isGenerated: false,
    isUpdatedAt: false,
    ...options,
  }
}

/** A `String @id` field. */
export function idField(name = 'id', options: FieldOptions = {}): DMMF.Field {
  return field(name, 'String', { isId: true, ...options })
}

/** An optional field (`Type?`). */
export function optional(name: string, type: string, options: FieldOptions = {}): DMMF.Field {
  return field(name, type, { isRequired: false, ...options })
}

/** A relation field. */
export function relation(name: string, model: string, options: FieldOptions = {}): DMMF.Field {
  return field(name, model, { kind: 'object', relationName: `${name}Relation`, relationFromFields: [], relationToFields: [], ...options })
}

interface ModelOptions {
  /** The `///` documentation, one string per line (without the slashes). */
  doc?: string[]
  primaryKey?: DMMF.PrimaryKey | null
  uniqueFields?: string[][]
  uniqueIndexes?: DMMF.uniqueIndex[]
}

export function model(name: string, fields: DMMF.Field[], options: ModelOptions = {}): DMMF.Model {
  return {
    name,
    dbName: null,
    schema: null,
    fields,
    primaryKey: options.primaryKey ?? null,
    uniqueFields: options.uniqueFields ?? [],
    uniqueIndexes: options.uniqueIndexes ?? [],
    isGenerated: false,
    ...(options.doc ? { documentation: options.doc.join('\n') } : {}),
  }
}

/** The columns of a valid `@events` model, as `eventsModelBlock()` prints them. */
export function eventColumns(): DMMF.Field[] {
  return [
    idField('id'),
    field('recordId', 'String'),
    field('model', 'String'),
    field('action', 'String'),
    field('payload', 'Json'),
    field('version', 'Int'),
    field('sequence', 'Int'),
    field('insertedAt', 'DateTime', { default: { name: 'now', args: [] } }),
    optional('hash', 'Bytes'),
    optional('prevHash', 'Bytes'),
    optional('metadata', 'Json'),
  ]
}

interface EventsModelOptions {
  doc?: string[]
  /** Replaces the standard columns (start from `eventColumns()`). */
  fields?: DMMF.Field[]
  /** Leave out `@@unique([recordId, sequence])`. */
  withoutUnique?: boolean
}

/** A valid `@events` model unless the options break it. */
export function eventsModel(name = 'Event', options: EventsModelOptions = {}): DMMF.Model {
  return model(name, options.fields ?? eventColumns(), {
    doc: options.doc ?? ['@events'],
    uniqueFields: options.withoutUnique ? [] : [['recordId', 'sequence']],
    uniqueIndexes: options.withoutUnique ? [] : [{ name: `${name}_recordId_sequence_key`, fields: ['recordId', 'sequence'] }],
  })
}

/** An `@evented` model with an id and a name, annotated with `annotation`. */
export function eventedModel(name: string, annotation = '@evented', fields?: DMMF.Field[]): DMMF.Model {
  return model(name, fields ?? [idField(), field('name', 'String')], { doc: [annotation] })
}

export function enumType(name: string, values: string[]): DMMF.DatamodelEnum {
  return { name, values: values.map((v) => ({ name: v, dbName: null })) }
}

export function datamodel(models: DMMF.Model[], enums: DMMF.DatamodelEnum[] = []): DMMF.Datamodel {
  return { models, enums, types: [], indexes: [] }
}
