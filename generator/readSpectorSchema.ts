/**
 * Reads the DMMF: finds the `@events` models and the `@evented` models, checks them, and returns
 * the metadata the runtime needs. Pure: DMMF in, metadata (or every problem found) out.
 */
import type { DMMF } from '@prisma/generator-helper'
import type { EventLinkMetadata, FieldDefault, FieldMetadata, ModelMetadata, RelationGraph, RelationMetadata } from '../extension/core/metadata.ts'
import { builtInActions } from '../extension/core/metadata.ts'
import { SpectorGeneratorError, SpectorGeneratorErrors, type SchemaLocation } from './errors.ts'
import { AnnotationSyntaxError, parseAnnotations, type Annotation, type AnnotationValue } from './parseAnnotation.ts'
import { checkEventsModel, checkPositionColumn, eventColumns, eventsModelBlock, eventTableNames } from './eventsModel.ts'
import { lowerFirst } from './names.ts'

export interface SpectorSchemaDescription {
  eventsModels: string[]
  models: ModelMetadata[]
  /** Enum name -> its values, for the enums evented models use. */
  enums: Record<string, string[]>
  /** Every relation of every model (the runtime refuses nested writes that reach evented models). */
  relations: RelationGraph
}

/** Finds where a model (and a documentation line above it) sits in the schema files. */
export type Locate = (model: string, documentationLine?: number) => SchemaLocation | undefined

const scalarTypes = new Set(['String', 'Boolean', 'Int', 'BigInt', 'Float', 'Decimal', 'DateTime', 'Json', 'Bytes'])
const eventedOptions = ['version', 'actions', 'events', 'savepointEvery', 'aliases', 'name', 'table'] as const
const eventLinksOptions: readonly string[] = ['name', 'events', 'to']
const eventsOptions: readonly string[] = ['hashed', 'chain', 'feed']
const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/

export function readSpectorSchema(datamodel: DMMF.Datamodel, locate: Locate = () => undefined): SpectorSchemaDescription {
  const errors: SpectorGeneratorError[] = []
  const fail = (model: string, message: string, line?: number) => errors.push(new SpectorGeneratorError(model, message, locate(model, line)))

  const annotated: { model: DMMF.Model; evented?: Annotation; events?: Annotation; eventLinks?: Annotation }[] = []
  let brokenEventsAnnotation = false
  for (const model of datamodel.models) {
    let annotations: Annotation[]
    try {
      annotations = parseAnnotations(model.documentation)
    } catch (error) {
      if (!(error instanceof AnnotationSyntaxError)) throw error
      fail(model.name, error.message, error.lineIndex)
      // A malformed @events annotation already says what is wrong; do not also report "no @events model".
      if (/^\s*@events\b/.test(model.documentation?.split('\n')[error.lineIndex] ?? '')) brokenEventsAnnotation = true
      continue
    }
    const entry: (typeof annotated)[number] = { model }
    for (const a of annotations) {
      const slot = a.name as 'evented' | 'events' | 'eventLinks'
      if (entry[slot]) fail(model.name, `@${slot} is given twice`, a.lineIndex)
      entry[slot] = a
    }
    const kinds = (['evented', 'events', 'eventLinks'] as const).filter((k) => entry[k])
    if (kinds.length > 1) {
      fail(model.name, `a model cannot be both ${kinds.map((k) => `@${k}`).join(' and ')}`, Math.max(...kinds.map((k) => entry[k]!.lineIndex)))
      continue
    }
    if (kinds.length) annotated.push(entry)
  }

  const eventsModels = annotated.filter((a) => a.events).map((a) => a.model)
  const hashedLogs = new Set<string>()
  const tableChains = new Set<string>()
  const feeds = new Set<string>()
  for (const { model, events } of annotated.filter((a) => a.events)) {
    checkOptions(model.name, events!, eventsOptions, fail)
    const hashed = events!.options.get('hashed') ?? false
    if (typeof hashed !== 'boolean') fail(model.name, `@events option "hashed" must be true or false, got ${show(hashed)}`, events!.lineIndex)
    else if (hashed) hashedLogs.add(model.name)
    const chain = events!.options.get('chain') ?? 'record'
    if (chain !== 'record' && chain !== 'table') {
      fail(model.name, `@events option "chain" must be record or table, got ${show(chain)}`, events!.lineIndex)
    } else if (chain === 'table') {
      if (!hashed) fail(model.name, '@events(chain=table) needs hashed=true: the chain is a hash chain', events!.lineIndex)
      const position = model.fields.find((f) => f.name === 'position')
      const unique =
        position?.isUnique ||
        model.uniqueFields.some((u) => u.length === 1 && u[0] === 'position') ||
        model.uniqueIndexes.some((u) => u.fields.length === 1 && u.fields[0] === 'position')
      if (position?.type !== 'Int' || !position.isRequired || position.isList || !unique) {
        fail(
          model.name,
          '@events(chain=table) needs a field "position Int @unique": the place of each event in the one chain of the whole table',
          events!.lineIndex,
        )
      } else tableChains.add(model.name)
    }
    const feed = events!.options.get('feed') ?? false
    if (typeof feed !== 'boolean') fail(model.name, `@events option "feed" must be true or false, got ${show(feed)}`, events!.lineIndex)
    else if (feed) {
      const problems = checkPositionColumn(model, '@events(feed=true)')
      for (const problem of problems) fail(model.name, problem, events!.lineIndex)
      if (!problems.length) feeds.add(model.name)
    }
    for (const problem of checkEventsModel(model)) fail(model.name, problem, events!.lineIndex)
  }

  const linkTables = readLinkTables(
    annotated.filter((a) => a.eventLinks).map((a) => ({ model: a.model, annotation: a.eventLinks! })),
    eventsModels,
    datamodel,
    fail,
  )

  const models: ModelMetadata[] = []
  const enums: Record<string, string[]> = {}
  const eventedEntries = annotated.filter((a) => a.evented)
  if (eventedEntries.length && !eventsModels.length && !brokenEventsAnnotation) {
    errors.push(
      new SpectorGeneratorError(
        eventedEntries[0]!.model.name,
        `is @evented but the schema has no @events model to hold its events. Add this model to your schema:\n\n${eventsModelBlock()}\n`,
        locate(eventedEntries[0]!.model.name, eventedEntries[0]!.evented!.lineIndex),
      ),
    )
  }
  for (const { model, evented } of eventedEntries) {
    const line = evented!.lineIndex
    const before = errors.length
    const fault = (message: string) => fail(model.name, message, line)
    checkOptions(model.name, evented!, eventedOptions, fail)

    const version = evented!.options.get('version') ?? 0
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
      fault(`@evented option "version" must be a whole number >= 0, got ${show(version)}`)
    }

    const savepointEvery = evented!.options.get('savepointEvery')
    if (savepointEvery !== undefined && (typeof savepointEvery !== 'number' || !Number.isInteger(savepointEvery) || savepointEvery < 2)) {
      fault(`@evented option "savepointEvery" must be a whole number >= 2, got ${show(savepointEvery)}`)
    }

    const actionsValue = evented!.options.get('actions') ?? []
    const actions: string[] = []
    if (!Array.isArray(actionsValue)) fault(`@evented option "actions" must be a list such as [archive, restore], got ${show(actionsValue)}`)
    else {
      for (const action of actionsValue) {
        if (typeof action !== 'string' || !identifier.test(action)) {
          fault(`@evented action ${show(action)} is not a name (letters, digits and _)`)
        } else if ((builtInActions as readonly string[]).includes(action)) {
          fault(`@evented action "${action}" is built in (${builtInActions.join(', ')}); choose another name`)
        } else if (actions.includes(action)) {
          fault(`@evented action "${action}" is listed twice`)
        } else actions.push(action)
      }
    }

    // aliases=[publish=release]: events stored as "release" are read as "publish" (an action renamed).
    const aliases: Record<string, string> = {}
    const aliasesValue = evented!.options.get('aliases') ?? []
    if (!Array.isArray(aliasesValue)) fault(`@evented option "aliases" must be a list such as [publish=release], got ${show(aliasesValue)}`)
    else {
      for (const pair of aliasesValue) {
        const [now, old] = typeof pair === 'string' ? pair.split('=') : []
        if (!now || !old) {
          fault(`@evented alias ${show(pair)} must be current=old, such as publish=release`)
        } else if (!actions.includes(now) && now !== 'update' && now !== 'insert') {
          fault(`@evented alias "${pair}": "${now}" is not an action of the model (actions: ${actions.join(', ') || 'none'})`)
        } else if (actions.includes(old) || (builtInActions as readonly string[]).includes(old)) {
          fault(`@evented alias "${pair}": "${old}" is still an action; an alias names an action that no longer exists`)
        } else if (aliases[old]) {
          fault(`@evented alias "${pair}": "${old}" is already an alias of "${aliases[old]}"`)
        } else aliases[old] = now
      }
    }
    // name=OldName: the model was renamed; its events keep (and new events get) the old, stable name.
    const eventName = evented!.options.get('name') ?? model.name
    if (typeof eventName !== 'string' || !identifier.test(eventName)) fault(`@evented option "name" must be a model name, got ${show(eventName)}`)
    // table=false: a log-only model (Spector's embedded schemas); commands return the state, no row is written.
    const table = evented!.options.get('table') ?? true
    if (typeof table !== 'boolean') fault(`@evented option "table" must be true or false, got ${show(table)}`)

    let eventsModel = eventsModels[0]
    const eventsOption = evented!.options.get('events')
    if (eventsOption !== undefined) {
      eventsModel = eventsModels.find((m) => m.name === eventsOption)
      if (!eventsModel) {
        fault(
          `@evented option "events" names ${show(eventsOption)}, which is not an @events model (have: ${eventsModels.map((m) => m.name).join(', ') || 'none'})`,
        )
      }
    } else if (eventsModels.length > 1) {
      fault(`the schema has several @events models (${eventsModels.map((m) => m.name).join(', ')}); say which with @evented(events=Name)`)
    }

    const ids = model.fields.filter((f) => f.isId)
    if (model.primaryKey || ids.length !== 1) {
      fault('an evented model needs a primary key of exactly one String field (prisma-spector sets it to the id of the first event)')
    } else if (ids[0]!.type !== 'String' || ids[0]!.isList) {
      fault(`its primary key "${ids[0]!.name}" is ${ids[0]!.type}; it must be String (prisma-spector sets it to the UUIDv7 of the first event)`)
    } else if (ids[0]!.hasDefaultValue) {
      fault(`its primary key "${ids[0]!.name}" has a @default; remove it: prisma-spector assigns the id (the first event's UUIDv7)`)
    }

    const fields: FieldMetadata[] = []
    const relations: RelationMetadata[] = []
    for (const field of model.fields) {
      if (field.kind === 'object') {
        if (table === false) {
          fault(
            `relation "${field.name}": a log-only model (@evented(table=false)) keeps no row, so it cannot hold relations; keep the related id in a String field`,
          )
          continue
        }
        relations.push({ name: field.name, model: field.type as string })
        for (const problem of referentialActionProblems(model.name, field)) fault(problem)
        continue
      }
      if (field.kind === 'unsupported') {
        fault(`field "${field.name}" has an Unsupported type, which events cannot carry`)
        continue
      }
      if (field.kind === 'enum') {
        const def = datamodel.enums.find((e) => e.name === field.type)
        if (def) enums[def.name] = def.values.map((v) => v.name)
      } else if (!scalarTypes.has(field.type as string)) {
        fault(`field "${field.name}" has type ${String(field.type)}, which events cannot carry`)
        continue
      }
      const meta: FieldMetadata = {
        name: field.name,
        type: field.type as string,
        kind: field.kind === 'enum' ? 'enum' : 'scalar',
        isList: field.isList,
        isRequired: field.isRequired,
        isId: field.isId,
        isUpdatedAt: Boolean(field.isUpdatedAt),
      }
      if (field.dbName && field.dbName !== field.name) meta.dbName = field.dbName
      if (field.kind === 'enum') {
        const mapped = (datamodel.enums.find((e) => e.name === field.type)?.values ?? []).filter((v) => v.dbName && v.dbName !== v.name)
        if (mapped.length) meta.enumDbValues = Object.fromEntries(mapped.map((v) => [v.name, v.dbName as string]))
      }
      if (field.hasDefaultValue && !field.isId) {
        const def = fieldDefault(field)
        if (typeof def === 'string') fault(`field "${field.name}": ${def}`)
        else meta.default = def
      }
      fields.push(meta)
    }

    // No events model: already reported (no @events model, or an unknown events= name).
    if (errors.length > before || !eventsModel) continue
    const links = linkTables.filter((l) => l.events === eventsModel!.name).map((l) => l.link)
    models.push({
      name: model.name,
      eventName: eventName as string,
      delegate: lowerFirst(model.name),
      ...(table === false ? { logOnly: true } : {}),
      ...(model.dbName ? { dbName: model.dbName } : {}),
      ...(model.schema ? { dbSchema: model.schema } : {}),
      idField: ids[0]!.name,
      version: version as number,
      ...(typeof savepointEvery === 'number' ? { savepointEvery } : {}),
      actions,
      ...(Object.keys(aliases).length ? { aliases } : {}),
      fields,
      relations,
      events: {
        model: eventsModel!.name,
        delegate: lowerFirst(eventsModel!.name),
        ...(eventsModel!.dbName ? { dbName: eventsModel!.dbName } : {}),
        ...eventTableNames(eventsModel!),
        ...(hashedLogs.has(eventsModel!.name) ? { hashed: true } : {}),
        ...(tableChains.has(eventsModel!.name) ? { chain: 'table' as const } : {}),
        ...(feeds.has(eventsModel!.name) ? { feed: true } : {}),
        ...(links.length ? { links } : {}),
        ...(databaseTime(eventsModel!) ? { databaseTime: true } : {}),
        ...(clientDefaults(eventsModel!) ? { clientDefaults: true } : {}),
      },
    })
  }

  if (errors.length) throw new SpectorGeneratorErrors(errors)
  return { eventsModels: eventsModels.map((m) => m.name), models, enums, relations: relationGraph(datamodel) }
}

/**
 * The `@eventLinks` models: each holds `eventId` (the linking event), one String column naming the
 * event it links to, and optionally `type` (String, Int or an enum) for typed links; its @id or
 * @@unique covers those columns. Relation fields (to the @events model) are allowed, never required.
 */
function readLinkTables(
  entries: { model: DMMF.Model; annotation: Annotation }[],
  eventsModels: DMMF.Model[],
  datamodel: DMMF.Datamodel,
  fail: (model: string, message: string, line?: number) => void,
): { events: string; link: EventLinkMetadata }[] {
  const out: { events: string; link: EventLinkMetadata }[] = []
  for (const { model, annotation } of entries) {
    const fault = (message: string) => fail(model.name, message, annotation.lineIndex)
    checkOptions(model.name, annotation, eventLinksOptions, fail)
    const before = out.length
    let problems = 0
    const problem = (message: string) => {
      problems++
      fault(message)
    }
    const name = annotation.options.get('name') ?? lowerFirst(model.name)
    if (typeof name !== 'string' || !identifier.test(name)) problem(`@eventLinks option "name" must be a name (letters, digits and _), got ${show(name)}`)

    let events = eventsModels.length === 1 ? eventsModels[0] : undefined
    const eventsOption = annotation.options.get('events')
    if (eventsOption !== undefined) {
      events = eventsModels.find((m) => m.name === eventsOption)
      if (!events)
        problem(
          `@eventLinks option "events" names ${show(eventsOption)}, which is not an @events model (have: ${eventsModels.map((m) => m.name).join(', ') || 'none'})`,
        )
    } else if (eventsModels.length > 1) {
      problem(
        `the schema has several @events models (${eventsModels.map((m) => m.name).join(', ')}); say which this link table joins with @eventLinks(events=Name)`,
      )
    } else if (!events) problem('@eventLinks needs an @events model in the schema: links join its events')

    const scalars = model.fields.filter((f) => f.kind !== 'object')
    const from = scalars.find((f) => f.name === 'eventId')
    if (from?.type !== 'String' || !from.isRequired || from.isList) {
      problem('an @eventLinks model needs a field "eventId String": the event that makes the link')
    }
    const type = scalars.find((f) => f.name === 'type')
    const toOption = annotation.options.get('to')
    const candidates = scalars.filter((f) => f.name !== 'eventId' && f.name !== 'type')
    const to = toOption !== undefined ? candidates.find((f) => f.name === toOption) : candidates.length === 1 ? candidates[0] : undefined
    if (toOption !== undefined && !to) problem(`@eventLinks option "to" names ${show(toOption)}, which is not a field of ${model.name}`)
    else if (!to) {
      // Without eventId the other columns cannot be told apart: that problem is reported already.
      if (from)
        problem(
          `an @eventLinks model needs exactly one more String field, the event linked to (such as "ancestorId String"), besides eventId and an optional type; found ${candidates.map((f) => f.name).join(', ') || 'none'}`,
        )
      else problems++
    } else if (to.type !== 'String' || !to.isRequired || to.isList) problem(`@eventLinks field "${to.name}" must be String (the id of the event linked to)`)
    const extra = candidates.filter((f) => f !== to)
    if (to && extra.length) problem(`@eventLinks models hold only eventId, ${to.name} and an optional type; remove ${extra.map((f) => f.name).join(', ')}`)
    let typeMeta: EventLinkMetadata['type']
    if (type) {
      const enumDef = type.kind === 'enum' ? datamodel.enums.find((e) => e.name === type.type) : undefined
      if (!type.isRequired || type.isList || (!enumDef && type.type !== 'String' && type.type !== 'Int')) {
        problem(`@eventLinks field "type" must be a required String, Int or enum, got ${String(type.type)}${type.isList ? '[]' : type.isRequired ? '' : '?'}`)
      } else {
        typeMeta = {
          name: type.name,
          ...(type.dbName && type.dbName !== type.name ? { dbName: type.dbName } : {}),
          scalar: enumDef ? 'enum' : (type.type as 'String' | 'Int'),
          ...(enumDef ? { values: enumDef.values.map((v) => v.name) } : {}),
        }
      }
    }
    if (from && to) {
      const key = [from.name, to.name, ...(type ? [type.name] : [])].sort().join(',')
      const identities = [model.primaryKey?.fields ?? [], ...model.uniqueFields, ...model.uniqueIndexes.map((u) => u.fields)].map((f) =>
        [...f].sort().join(','),
      )
      if (!identities.includes(key)) {
        const list = [from.name, to.name, ...(type ? [type.name] : [])].join(', ')
        problem(`an @eventLinks model needs @@id([${list}]) (or @@unique): a link is written once, and Prisma needs an identity for the row`)
      }
    }
    if (problems || !events || !from || !to) continue
    const duplicate = out
      .slice(0, before)
      .concat(out)
      .find((l) => l.events === events!.name && l.link.name === name)
    if (duplicate) {
      fault(`@eventLinks name "${name}" is taken by ${duplicate.link.model}; give one of them another name=`)
      continue
    }
    out.push({
      events: events.name,
      link: {
        name: name as string,
        model: model.name,
        delegate: lowerFirst(model.name),
        ...(model.dbName ? { dbName: model.dbName } : {}),
        ...(model.schema ? { dbSchema: model.schema } : {}),
        from: { name: from.name, ...(from.dbName && from.dbName !== from.name ? { dbName: from.dbName } : {}) },
        to: { name: to.name, ...(to.dbName && to.dbName !== to.name ? { dbName: to.dbName } : {}) },
        ...(typeMeta ? { type: typeMeta } : {}),
      },
    })
  }
  return out
}

/** Whether columns the user added to the event table have defaults that only Prisma's client fills. */
function clientDefaults(events: DMMF.Model): boolean {
  const standard = new Set([...eventColumns.map((c) => c.name), 'position'])
  return events.fields.some((f) => {
    const def = f.default as { name?: string } | undefined
    return (
      f.kind !== 'object' && !standard.has(f.name) && typeof def === 'object' && def !== null && ['uuid', 'cuid', 'nanoid', 'ulid'].includes(def.name ?? '')
    )
  })
}

/** Whether the database fills `insertedAt` itself (`@default(dbgenerated(...))`): appends then leave it out. */
function databaseTime(events: DMMF.Model): boolean {
  const def = events.fields.find((f) => f.name === 'insertedAt')?.default as { name?: string } | undefined
  return typeof def === 'object' && def !== null && def.name === 'dbgenerated'
}

/**
 * A foreign key on an evented model that the database itself rewrites (ON DELETE / ON UPDATE
 * CASCADE, SET NULL, SET DEFAULT) changes its rows without events. Prisma's defaults count:
 * onDelete SetNull for an optional relation, onUpdate Cascade for every relation.
 */
export function referentialActionProblems(model: string, field: DMMF.Field): string[] {
  if (!field.relationFromFields?.length) return []
  const rewrites = (action: string | undefined) => action === 'Cascade' || action === 'SetNull' || action === 'SetDefault'
  const problems: string[] = []
  const onDelete = field.relationOnDelete ?? (field.isRequired ? undefined : 'SetNull')
  if (rewrites(onDelete)) {
    problems.push(
      `relation "${field.name}" has onDelete: ${onDelete}${field.relationOnDelete ? '' : ' (the default for an optional relation)'}, ` +
        `so deleting a ${String(field.type)} would change ${model} rows in the database without events; ` +
        `add onDelete: Restrict (or NoAction) to the @relation and delete or update the ${model} records first`,
    )
  }
  const onUpdate = field.relationOnUpdate ?? 'Cascade'
  if (rewrites(onUpdate)) {
    problems.push(
      `relation "${field.name}" has onUpdate: ${onUpdate}${field.relationOnUpdate ? '' : " (Prisma's default)"}, ` +
        `so changing the id of a ${String(field.type)} would rewrite ${model}.${field.relationFromFields.join(', ')} in the database without events; ` +
        `add onUpdate: Restrict (or NoAction) to the @relation`,
    )
  }
  return problems
}

function relationGraph(datamodel: DMMF.Datamodel): RelationGraph {
  const graph: RelationGraph = {}
  for (const model of datamodel.models) {
    const edges: RelationGraph[string] = {}
    for (const field of model.fields) {
      if (field.kind !== 'object') continue
      edges[field.name] = { model: field.type as string, holdsForeignKey: Boolean(field.relationFromFields?.length) }
    }
    if (Object.keys(edges).length) graph[model.name] = edges
  }
  return graph
}

function checkOptions(model: string, annotation: Annotation, known: readonly string[], fail: (model: string, message: string, line?: number) => void): void {
  for (const key of annotation.options.keys()) {
    if (!known.includes(key)) {
      const list = known.length ? `known options: ${known.join(', ')}` : 'it takes no options'
      fail(model, `@${annotation.name} has an unknown option "${key}" (${list})`, annotation.lineIndex)
    }
  }
}

/** The default prisma-spector can reproduce in an event, or a sentence saying why not. */
function fieldDefault(field: DMMF.Field): FieldDefault | string {
  const def = field.default as unknown
  if (def === undefined || def === null) return { kind: 'value', value: null }
  if (Array.isArray(def)) return { kind: 'value', value: def }
  // Prisma gives a Json default as its JSON text; the column's default is the value that text spells.
  if (field.type === 'Json' && typeof def === 'string') return { kind: 'value', value: JSON.parse(def) as unknown }
  if (typeof def !== 'object') return { kind: 'value', value: def }
  const fn = def as { name: string; args: unknown[] }
  if (fn.name === 'now') return { kind: 'now' }
  if (fn.name === 'uuid') {
    const version = fn.args[0] === 7 ? 7 : 4
    return { kind: 'uuid', version }
  }
  return `@default(${fn.name}()) is computed by the database or engine, so events could not replay it; use a literal, now() or uuid(), or set the value in your changeset`
}

function show(value: AnnotationValue | undefined): string {
  return JSON.stringify(value)
}
