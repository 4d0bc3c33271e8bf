/**
 * What the generator tells the runtime about an evented model and its event log.
 * Plain data, no Prisma types: the event-log core reads only this.
 */

/** Prisma scalar types the payload codec knows how to carry through JSON. */
export type ScalarType = 'String' | 'Boolean' | 'Int' | 'BigInt' | 'Float' | 'Decimal' | 'DateTime' | 'Json' | 'Bytes'

/** How a field's value is filled in when a create leaves it out. */
export type FieldDefault = { kind: 'now' } | { kind: 'value'; value: unknown } | { kind: 'uuid'; version: 4 | 7 }

export interface FieldMetadata {
  name: string
  /** The column name (`@map`), when it differs from the field name. */
  dbName?: string
  /** A scalar type, or the name of an enum. */
  type: string
  kind: 'scalar' | 'enum'
  isList: boolean
  isRequired: boolean
  isId: boolean
  /** `@updatedAt`: stamped with the command's time on every event that is not a delete. */
  isUpdatedAt: boolean
  /** An enum field whose values are stored under other names (`@map` on the enum's values): value -> stored name, for those that differ. */
  enumDbValues?: Readonly<Record<string, string>>
  default?: FieldDefault
  /**
   * The database column behind the field, where it can hold less than the Prisma type: the event
   * must hold what the column holds (a Decimal rounded to its scale, a string within its length...).
   * Set for String, Int, BigInt, Float, Decimal and DateTime fields on PostgreSQL and MySQL/MariaDB;
   * absent on SQLite, whose columns keep what Prisma passes.
   */
  native?: NativeColumn
}

/**
 * A field's column type, from its `@db.*` attribute or, without one, the provider's default for the
 * Prisma type (PostgreSQL: `text`, `integer`, `decimal(65,30)`, `double precision`, `timestamp(3)`;
 * MySQL: `varchar(191)`, `int`, `decimal(65,30)`, `double`, `datetime(3)`). The optional limits
 * below spell out what the column narrows, so the runtime needs no per-provider knowledge:
 *
 *     price Decimal @db.Decimal(18, 2)  ->  { type: 'Decimal', args: [18, 2], declared: true, decimal: { precision: 18, scale: 2 } }
 *     code  String  @db.VarChar(20)     ->  { type: 'VarChar', args: [20], declared: true, maxLength: 20 }
 *     at    DateTime @db.Timestamptz(0) ->  { type: 'Timestamptz', args: [0], declared: true, fractionalSeconds: 0 }
 *     n     Int     @db.SmallInt        ->  { type: 'SmallInt', args: [], declared: true, integer: { min: '-32768', max: '32767' } }
 */
export interface NativeColumn {
  /** The native type name as `@db.` spells it (`Decimal`, `VarChar`, `Timestamptz`, `Real`...), or the provider's default. */
  type: string
  /** Its numeric arguments, as written (`@db.Decimal(18, 2)` -> [18, 2]); the default's when not declared. */
  args: readonly number[]
  /** Whether the schema declares it (`@db.*`), rather than it being the provider's default. */
  declared: boolean
  /** Fixed-point: at most `precision` digits, `scale` of them after the point (values round to `scale`). */
  decimal?: { precision: number; scale: number }
  /** Text: at most this many characters (`VarChar(n)`, `Char(n)`, MySQL's default `varchar(191)`). */
  maxLength?: number
  /** Text: at most this many bytes of UTF-8 (MySQL `TinyText`, `Text`, `MediumText`). */
  maxBytes?: number
  /** `Char(n)`: the database pads shorter values with spaces to n characters. */
  padded?: boolean
  /** `Uuid`: the database takes a UUID in any of its spellings and reads it back lowercase, hyphenated. */
  uuid?: boolean
  /** Integers: the range the column holds, as decimal strings (BigInt-safe). */
  integer?: { min: string; max: string }
  /** `Real` / MySQL `Float`: a 32-bit float, so values round to single precision. */
  float32?: boolean
  /** Date and time: the digits of the second kept after the point (0..6; JS Dates carry 3). */
  fractionalSeconds?: number
  /** `Date`: only the calendar day is kept. `Time` / `Timetz`: only the time of day. */
  dateOnly?: boolean
  timeOnly?: boolean
}

/** A relation field of an evented model (nested writes through it are refused). */
export interface RelationMetadata {
  name: string
  model: string
}

/** A column of a link table: the field, and its column name when `@map` changes it. */
export interface LinkColumn {
  name: string
  dbName?: string
}

/**
 * A link table (`@eventLinks`): edges between two events of the same record. `from` is the event
 * that links (written with the link), `to` the earlier event it points at.
 */
export interface EventLinkMetadata {
  /** The name changesets and queries use: `links: { ancestors: [...] }`. */
  name: string
  /** The Prisma model of the link table, and its client property. */
  model: string
  delegate: string
  dbName?: string
  /** Its schema (`@@schema`, PostgreSQL `multiSchema`), if any. */
  dbSchema?: string
  from: LinkColumn
  to: LinkColumn
  /** Typed links: the column saying what the link means, and its values when it is an enum. */
  type?: LinkColumn & { scalar: 'String' | 'Int' | 'enum'; values?: readonly string[] }
}

export interface EventLogMetadata {
  /** The Prisma model name of the event table, e.g. `Event`. */
  model: string
  /** The client property for it, e.g. `event`. */
  delegate: string
  /** Its table name (`@@map`), when it differs from the model name. */
  dbName?: string
  /** Its schema (`@@schema`, PostgreSQL `multiSchema`), if any. */
  dbSchema?: string
  /** The column names (`@map`) of the event table's fields whose column is not named as the field. */
  columns?: Readonly<Record<string, string>>
  /** `@events(hashed=true)`: every event carries a hash chained to the record's previous event. */
  hashed?: boolean
  /** `@events(chain=table)`: one chain through the whole table, ordered by a `position` column. Default: one chain per record. */
  chain?: 'record' | 'table'
  /**
   * `@events(feed=true)`: every append takes the next `position` under a lock held until commit,
   * so `$spector.feed()` can read the log in commit order and resume after any position.
   */
  feed?: boolean
  /** The link tables between this log's events. */
  links?: readonly EventLinkMetadata[]
  /** `insertedAt` is filled by the database (`@default(dbgenerated(...))`), not by the client. */
  databaseTime?: boolean
  /**
   * The table has columns of its own whose defaults only Prisma's client fills (`uuid()`, `cuid()`...):
   * events are then appended through Prisma's create rather than the prepared INSERT.
   */
  clientDefaults?: boolean
}

export interface ModelMetadata {
  /** The Prisma model name, e.g. `Item`. */
  name: string
  /** The stable name written into each event's `model` column (`@evented(name=...)` after a rename). */
  eventName: string
  /** The client property, e.g. `item`. */
  delegate: string
  /** The table name (`@@map`), when it differs from the model name; and its schema, if any. */
  dbName?: string
  dbSchema?: string
  /** `@evented(table=false)`: the model keeps no row; its state lives in the log alone. */
  logOnly?: boolean
  /** The single string primary-key field. */
  idField: string
  /** The schema version stamped on every new event. */
  version: number
  /** `@evented(savepointEvery=N)`: a savepoint after every N events of a record. */
  savepointEvery?: number
  /** Custom actions, besides insert, update, delete and savepoint. */
  actions: readonly string[]
  /** Renamed actions: stored (old) name -> current name, applied when events are replayed. */
  aliases?: Readonly<Record<string, string>>
  /** Scalar and enum fields: the state that events build. */
  fields: readonly FieldMetadata[]
  relations: readonly RelationMetadata[]
  events: EventLogMetadata
}

/** Actions every evented model has. */
export const builtInActions = ['insert', 'update', 'delete', 'savepoint'] as const
export type BuiltInAction = (typeof builtInActions)[number]

/** A relation field of any model, for finding nested writes that would reach an evented model. */
export interface RelationEdge {
  /** The related model. */
  model: string
  /** Whether the foreign key sits on this side (so `connect` / `disconnect` change only this row). */
  holdsForeignKey: boolean
}

/** Model name -> relation field -> edge, for every model of the schema. */
export type RelationGraph = Record<string, Record<string, RelationEdge>>
