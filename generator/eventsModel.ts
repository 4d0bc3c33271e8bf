/**
 * The columns an `@events` model must have, the check, and the block to paste when it is missing.
 */
import type { DMMF } from '@prisma/generator-helper'
import type { EventLogMetadata } from '../extension/core/metadata.ts'

interface Column {
  name: string
  type: string
  required: boolean
  purpose: string
}

export const eventColumns: readonly Column[] = [
  { name: 'id', type: 'String', required: true, purpose: 'the event id (UUIDv7), @id' },
  { name: 'recordId', type: 'String', required: true, purpose: "the record's id (its first event's id)" },
  { name: 'model', type: 'String', required: true, purpose: 'the evented model' },
  { name: 'action', type: 'String', required: true, purpose: 'insert, update, delete, savepoint or a custom action' },
  { name: 'payload', type: 'Json', required: true, purpose: 'the attrs of the event' },
  { name: 'version', type: 'Int', required: true, purpose: 'the schema version the event was written with' },
  { name: 'sequence', type: 'Int', required: true, purpose: '1, 2, 3... per record' },
  { name: 'insertedAt', type: 'DateTime', required: true, purpose: 'when it was written' },
  { name: 'hash', type: 'Bytes', required: false, purpose: 'hash-chain link (nullable)' },
  { name: 'prevHash', type: 'Bytes', required: false, purpose: "the previous event's hash (nullable)" },
  { name: 'metadata', type: 'Json', required: false, purpose: 'who and why (nullable)' },
]

/** The model block users paste into their schema; `feed`: with the `position` a change feed reads by. */
export function eventsModelBlock(name = 'Event', options: { feed?: boolean } = {}): string {
  return [
    '/// @events',
    `model ${name} {`,
    '  id         String   @id',
    '  recordId   String',
    '  model      String',
    '  action     String',
    '  payload    Json',
    '  version    Int',
    '  sequence   Int',
    '  insertedAt DateTime @default(now())',
    '  hash       Bytes?',
    '  prevHash   Bytes?',
    '  metadata   Json?',
    ...(options.feed ? ['  position   Int      @unique'] : []),
    '',
    '  @@unique([recordId, sequence])',
    '  @@index([model])',
    '  @@index([insertedAt])',
    '}',
  ].join('\n')
}

/** Problems with an `@events` model, each a sentence naming the field. */
export function checkEventsModel(model: DMMF.Model): string[] {
  const problems: string[] = []
  for (const column of eventColumns) {
    const field = model.fields.find((f) => f.name === column.name)
    const wanted = `${column.type}${column.required ? '' : '?'}`
    if (!field) {
      problems.push(`@events model is missing field "${column.name} ${wanted}" (${column.purpose})`)
      continue
    }
    const actual = `${String(field.type)}${field.isList ? '[]' : field.isRequired ? '' : '?'}`
    if (field.kind === 'object' || field.type !== column.type || field.isList || field.isRequired !== column.required) {
      problems.push(`@events field "${column.name}" is ${actual}; it must be ${wanted} (${column.purpose})`)
    }
  }
  const id = model.fields.find((f) => f.name === 'id')
  if (id && !id.isId) problems.push('@events field "id" must be the @id')
  const uniques = [...model.uniqueFields, ...model.uniqueIndexes.map((u) => u.fields)]
  if (!uniques.some((fields) => fields.length === 2 && fields[0] === 'recordId' && fields[1] === 'sequence')) {
    problems.push("@events model needs @@unique([recordId, sequence]): it is what stops two writers from taking the same place in a record's history")
  }
  return problems
}

/**
 * `@events(feed=true)` (and `chain=table`) needs `position Int @unique`: each append
 * takes the next position under a lock held until commit, so positions are in commit order and a
 * change feed can resume after any of them (README, "Change feed"). Empty when the field is right.
 */
export function checkPositionColumn(model: DMMF.Model, annotation: string): string[] {
  const position = model.fields.find((f) => f.name === 'position')
  const unique =
    position?.isUnique ||
    model.uniqueFields.some((u) => u.length === 1 && u[0] === 'position') ||
    model.uniqueIndexes.some((u) => u.fields.length === 1 && u.fields[0] === 'position')
  if (position && position.type === 'Int' && position.isRequired && !position.isList && unique) return []
  return [
    `${annotation} needs a field "position Int @unique": the place of each event in commit order, taken under a lock at append. ` +
      `The block to paste:\n\n${eventsModelBlock(model.name, { feed: true })}\n`,
  ]
}

/**
 * The event table's database names besides its table name: its schema (`@@schema`) and the
 * columns whose `@map` names them differently from their fields, for the SQL the runtime writes.
 */
export function eventTableNames(events: DMMF.Model): Pick<EventLogMetadata, 'dbSchema' | 'columns'> {
  const columns = Object.fromEntries(events.fields.filter((f) => f.kind !== 'object' && f.dbName && f.dbName !== f.name).map((f) => [f.name, f.dbName!]))
  return { ...(events.schema ? { dbSchema: events.schema } : {}), ...(Object.keys(columns).length ? { columns } : {}) }
}
