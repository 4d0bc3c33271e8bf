/**
 * The MySQL/MariaDB CREATE script for a Prisma datamodel (DMMF), written in TypeScript because
 * @prisma/schema-engine-wasm has no MySQL support (see schema-engine.ts), so `createScript(schema,
 * 'mysql')` cannot ask the engine.
 *
 * It reproduces what `prisma migrate diff --from-empty --to-schema <schema> --script` prints for
 * the mysql provider (prisma-engines' sql_schema_calculator + mysql renderer + sql-ddl), for the
 * subset of schema features our tests use:
 *
 * - one `CREATE TABLE` per model (schema order), then one per implicit many-to-many relation
 *   (`_RelationName` with columns `A`, `B`, `UNIQUE INDEX _X_AB_unique`, `INDEX _X_B_index`),
 *   then one `ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY` per relation;
 * - columns in field order: `VARCHAR(191)`, `INTEGER`, `BIGINT`, `DOUBLE`, `DECIMAL(65, 30)`,
 *   `BOOLEAN`, `DATETIME(3)`, `JSON`, `LONGBLOB`, `ENUM(...)`, or the `@db.*` native type;
 *   `NOT NULL` / `NULL`; `AUTO_INCREMENT`; literal defaults, `CURRENT_TIMESTAMP(p)` for `now()`,
 *   raw `dbgenerated("...")` text (no DB default for Json and Bytes, as in Prisma, nor for
 *   client-side defaults such as `uuid()` / `cuid()`);
 * - indexes inline in the CREATE TABLE (unique, normal, fulltext, with `length` and `sort`),
 *   then `PRIMARY KEY (...)`; default names `{table}_{cols}_key` / `_idx` / `_fkey` cut to 64
 *   bytes like Prisma's ConstraintNames; explicit `map:` names of indexes are honoured;
 * - `DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci` on every table.
 *
 * Like Prisma, it does NOT write an index for foreign-key columns: InnoDB creates one itself when
 * the constraint is added (named after the constraint, e.g. `Child_parentId_fkey`) unless an
 * existing index already starts with those columns.
 *
 * Not derivable from the DMMF, hence not reproduced: a relation's `map:` (foreign keys always get
 * the default `{table}_{cols}_fkey` name), and the literal spelling of decimal defaults
 * (`@default(2.50)` arrives as the number 2.5 and is rendered `2.5`).
 * Scalar lists and composite types are refused (MySQL has neither). `relationMode = "prisma"` is not
 * visible in the DMMF either, so foreign keys are always emitted.
 */
import type { DMMF } from '@prisma/generator-helper'

type Datamodel = DMMF.Datamodel
type Model = DMMF.Model
type Field = DMMF.Field
type DatamodelEnum = DMMF.DatamodelEnum

/** MySQL's identifier limit (bytes), which Prisma also applies to its default constraint names. */
const MAX_IDENTIFIER_LENGTH = 64
const INDENT = '    '
const TABLE_OPTIONS = 'DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci'

interface IndexColumn {
  name: string
  length?: number | undefined
  sortOrder?: 'asc' | 'desc' | undefined
}

interface TableIndex {
  type: 'unique' | 'normal' | 'fulltext'
  name: string
  columns: IndexColumn[]
}

interface Table {
  name: string
  columns: string[]
  indexes: TableIndex[]
  primaryKey: IndexColumn[]
}

interface ForeignKey {
  table: string
  name: string
  columns: string[]
  referencedTable: string
  referencedColumns: string[]
  onDelete: string
  onUpdate: string
}

/** The CREATE script Prisma's schema engine would produce for MySQL/MariaDB from an empty database, for the subset of schema features our tests use. */
export function mysqlCreateScript(datamodel: DMMF.Datamodel): string {
  const ctx = new Context(datamodel)
  const tables: Table[] = []
  const foreignKeys: ForeignKey[] = []

  for (const model of datamodel.models) tables.push(modelTable(model, ctx))
  for (const model of datamodel.models) foreignKeys.push(...inlineForeignKeys(model, ctx))
  for (const relation of manyToManyRelations(ctx)) {
    const { table, foreignKeys: joinForeignKeys } = joinTable(relation, ctx)
    tables.push(table)
    foreignKeys.push(...joinForeignKeys)
  }

  const steps = [
    ...tables.map((table) => step('CreateTable', renderCreateTable(table))),
    ...foreignKeys.map((fk) => step('AddForeignKey', renderAddForeignKey(fk))),
  ]
  // Same framing as the engine's script rendering: "-- Step\n<sql>;\n", steps separated by a blank line.
  return steps.length === 0 ? '-- This is an empty migration.' : steps.join('\n')
}

// ---------------------------------------------------------------- lookups

class Context {
  readonly models = new Map<string, Model>()
  readonly enums = new Map<string, DatamodelEnum>()

  constructor(readonly datamodel: Datamodel) {
    for (const model of datamodel.models) this.models.set(model.name, model)
    for (const e of datamodel.enums) this.enums.set(e.name, e)
    if (datamodel.types && datamodel.types.length > 0) {
      throw new Error(`mysqlCreateScript: composite types (${datamodel.types.map((t) => t.name).join(', ')}) are not supported on MySQL`)
    }
  }

  model(name: string): Model {
    const model = this.models.get(name)
    if (!model) throw new Error(`mysqlCreateScript: unknown model ${name}`)
    return model
  }

  /** Indexes of the model from `datamodel.indexes` (Prisma 5+ DMMF), or undefined for an older DMMF without them. */
  indexesOf(model: Model): DMMF.Index[] | undefined {
    const all = (this.datamodel as { readonly indexes?: readonly DMMF.Index[] }).indexes
    if (!Array.isArray(all)) return undefined
    return all.filter((index) => index.model === model.name)
  }
}

function tableName(model: Model): string {
  return model.dbName ?? model.name
}

function columnName(field: Field): string {
  return field.dbName ?? field.name
}

function scalarField(model: Model, name: string): Field {
  const field = model.fields.find((f) => f.name === name)
  if (!field) throw new Error(`mysqlCreateScript: model ${model.name} has no field ${name}`)
  if (field.kind === 'object') throw new Error(`mysqlCreateScript: ${model.name}.${name} is a relation field, not a column`)
  return field
}

function isColumn(field: Field): boolean {
  return field.kind === 'scalar' || field.kind === 'enum' || field.kind === 'unsupported'
}

// ---------------------------------------------------------------- model tables

function modelTable(model: Model, ctx: Context): Table {
  const table = tableName(model)
  const columns = model.fields.filter(isColumn).map((field) => renderColumn(model, field, ctx))
  const indexes = ctx.indexesOf(model)
  return {
    name: table,
    columns,
    indexes: indexes ? indexesFromDmmf(model, indexes) : indexesFromFields(model),
    primaryKey: indexes ? primaryKeyFromDmmf(model, indexes) : primaryKeyFromFields(model),
  }
}

function indexesFromDmmf(model: Model, indexes: DMMF.Index[]): TableIndex[] {
  const result: TableIndex[] = []
  for (const index of indexes) {
    if (index.type === 'id') continue
    const columns = index.fields.map((f) => ({
      name: columnName(scalarField(model, f.name)),
      length: f.length,
      sortOrder: f.sortOrder,
    }))
    const suffix = index.type === 'unique' ? '_key' : '_idx'
    result.push({
      type: index.type,
      name:
        index.dbName ??
        defaultIndexName(
          tableName(model),
          columns.map((c) => c.name),
          suffix,
        ),
      columns,
    })
  }
  return result
}

function primaryKeyFromDmmf(model: Model, indexes: DMMF.Index[]): IndexColumn[] {
  const id = indexes.find((index) => index.type === 'id')
  if (!id) return primaryKeyFromFields(model)
  return id.fields.map((f) => ({ name: columnName(scalarField(model, f.name)), length: f.length, sortOrder: f.sortOrder }))
}

/** Fallback for a DMMF without `datamodel.indexes`: @unique fields, then @@unique (no @@index information there). */
function indexesFromFields(model: Model): TableIndex[] {
  const table = tableName(model)
  const result: TableIndex[] = []
  for (const field of model.fields) {
    if (!field.isUnique) continue
    const columns = [{ name: columnName(field) }]
    result.push({ type: 'unique', name: defaultIndexName(table, [columnName(field)], '_key'), columns })
  }
  for (const fields of model.uniqueFields) {
    const names = fields.map((name) => columnName(scalarField(model, name)))
    result.push({ type: 'unique', name: defaultIndexName(table, names, '_key'), columns: names.map((name) => ({ name })) })
  }
  return result
}

function primaryKeyFromFields(model: Model): IndexColumn[] {
  if (model.primaryKey) return model.primaryKey.fields.map((name) => ({ name: columnName(scalarField(model, name)) }))
  return model.fields.filter((f) => f.isId).map((f) => ({ name: columnName(f) }))
}

/** ConstraintNames::index_name_impl: `{table}_{col}_{col}` cut to 64 bytes minus the suffix, then the suffix. */
function defaultIndexName(table: string, columns: readonly string[], suffix: string): string {
  return truncateBytes(`${table}_${columns.join('_')}`, MAX_IDENTIFIER_LENGTH - suffix.length) + suffix
}

/** ConstraintNames::foreign_key_constraint_name. */
function defaultForeignKeyName(table: string, columns: readonly string[]): string {
  return `${truncateBytes(`${table}_${columns.join('_')}`, MAX_IDENTIFIER_LENGTH - 5)}_fkey`
}

/** Cuts `s` to at most `maxBytes` UTF-8 bytes without splitting a character. */
function truncateBytes(s: string, maxBytes: number): string {
  const bytes = Buffer.from(s, 'utf8')
  if (bytes.length <= maxBytes) return s
  let end = maxBytes
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--
  return bytes.subarray(0, end).toString('utf8')
}

/** The first `maxChars` Unicode characters of `s`. */
function truncateChars(s: string, maxChars: number): string {
  const chars = Array.from(s)
  return chars.length <= maxChars ? s : chars.slice(0, maxChars).join('')
}

// ---------------------------------------------------------------- columns

function renderColumn(model: Model, field: Field, ctx: Context): string {
  if (field.isList) {
    throw new Error(`mysqlCreateScript: ${model.name}.${field.name} is a scalar list (${field.type}[]); scalar lists are not supported on MySQL`)
  }
  let sql = `${quoteIdent(columnName(field))} ${columnType(model, field, ctx)}`
  sql += field.isRequired ? ' NOT NULL' : ' NULL'
  if (isFunctionDefault(field.default) && field.default.name === 'autoincrement') sql += ' AUTO_INCREMENT'
  const dflt = renderDefault(model, field, ctx)
  if (dflt !== undefined) sql += ` DEFAULT ${dflt}`
  return sql
}

function columnType(model: Model, field: Field, ctx: Context): string {
  if (field.kind === 'enum') {
    const values = enumOf(field, ctx).values.map((v) => quoteString(v.dbName ?? v.name))
    return `ENUM(${values.join(', ')})`
  }
  if (field.kind === 'unsupported') return field.type
  if (field.nativeType) return nativeType(model, field, field.nativeType)
  switch (field.type) {
    case 'String':
      return 'VARCHAR(191)'
    case 'Int':
      return 'INTEGER'
    case 'BigInt':
      return 'BIGINT'
    case 'Float':
      return 'DOUBLE'
    case 'Decimal':
      return 'DECIMAL(65, 30)'
    case 'Boolean':
      return 'BOOLEAN'
    case 'DateTime':
      return 'DATETIME(3)'
    case 'Json':
      return 'JSON'
    case 'Bytes':
      return 'LONGBLOB'
    default:
      throw new Error(`mysqlCreateScript: ${model.name}.${field.name} has unsupported type ${field.type}`)
  }
}

/** mysql_renderer::render_column_type for `@db.*` attributes. */
function nativeType(model: Model, field: Field, [name, args]: readonly [string, readonly string[]]): string {
  const optionalArg = args.length > 0 ? `(${args[0]})` : ''
  const requiredArg = () => {
    if (args.length === 0) throw new Error(`mysqlCreateScript: ${model.name}.${field.name}: @db.${name} needs an argument`)
    return `(${args[0]})`
  }
  switch (name) {
    case 'Int':
      return 'INTEGER'
    case 'SmallInt':
      return 'SMALLINT'
    case 'TinyInt':
      return field.type === 'Boolean' ? 'BOOLEAN' : 'TINYINT'
    case 'MediumInt':
      return 'MEDIUMINT'
    case 'BigInt':
      return 'BIGINT'
    case 'Decimal':
      return args.length >= 2 ? `DECIMAL(${args[0]}, ${args[1]})` : 'DECIMAL'
    case 'Float':
      return 'FLOAT'
    case 'Double':
      return 'DOUBLE'
    case 'Bit':
      return `BIT${requiredArg()}`
    case 'Char':
      return `CHAR${requiredArg()}`
    case 'VarChar':
      return `VARCHAR${requiredArg()}`
    case 'Binary':
      return `BINARY${requiredArg()}`
    case 'VarBinary':
      return `VARBINARY${requiredArg()}`
    case 'TinyBlob':
    case 'Blob':
    case 'MediumBlob':
    case 'LongBlob':
    case 'TinyText':
    case 'Text':
    case 'MediumText':
    case 'LongText':
    case 'Date':
    case 'Year':
    case 'Json':
      return name.toUpperCase()
    case 'Time':
    case 'DateTime':
    case 'Timestamp':
      return `${name.toUpperCase()}${optionalArg}`
    case 'UnsignedInt':
      return 'INTEGER UNSIGNED'
    case 'UnsignedSmallInt':
      return 'SMALLINT UNSIGNED'
    case 'UnsignedTinyInt':
      return 'TINYINT UNSIGNED'
    case 'UnsignedMediumInt':
      return 'MEDIUMINT UNSIGNED'
    case 'UnsignedBigInt':
      return 'BIGINT UNSIGNED'
    default:
      throw new Error(`mysqlCreateScript: ${model.name}.${field.name}: unknown MySQL native type @db.${name}`)
  }
}

function enumOf(field: Field, ctx: Context): DatamodelEnum {
  const e = ctx.enums.get(field.type)
  if (!e) throw new Error(`mysqlCreateScript: unknown enum ${field.type}`)
  return e
}

function isFunctionDefault(value: Field['default']): value is DMMF.FieldDefault {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** mysql_renderer::render_default, or undefined for no DEFAULT clause. */
function renderDefault(model: Model, field: Field, ctx: Context): string | undefined {
  const value = field.default
  if (value === undefined || value === null) return undefined
  if (isFunctionDefault(value)) {
    switch (value.name) {
      case 'now':
        return `CURRENT_TIMESTAMP(${timestampPrecision(field) ?? 3})`
      case 'dbgenerated': {
        const expression = value.args[0]
        return typeof expression === 'string' && expression !== '' ? expression : undefined
      }
      default:
        // autoincrement() is AUTO_INCREMENT; uuid(), cuid(), nanoid(), ulid() are filled in by the client.
        return undefined
    }
  }
  if (Array.isArray(value)) {
    throw new Error(`mysqlCreateScript: ${model.name}.${field.name}: list defaults are not supported on MySQL`)
  }
  // Prisma renders no literal defaults for JSON and binary columns (MySQL rejects them).
  if (field.type === 'Json' || field.type === 'Bytes') return undefined
  if (field.kind === 'enum') {
    const member = enumOf(field, ctx).values.find((v) => v.name === value)
    return quoteString(member?.dbName ?? String(value))
  }
  if (field.type === 'String') return quoteString(String(value))
  if (field.type === 'DateTime') return quoteString(rfc3339(String(value)))
  return String(value)
}

function timestampPrecision(field: Field): number | undefined {
  const [name, args] = field.nativeType ?? []
  if (name !== 'DateTime' && name !== 'Timestamp' && name !== 'Time') return undefined
  const arg = args?.[0]
  return arg === undefined ? undefined : Number(arg)
}

/** chrono's `DateTime::to_rfc3339()` of an RFC 3339 literal: fraction of 0/3/6/9 digits, `Z` as `+00:00`. */
function rfc3339(literal: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(literal)
  if (!match) return literal
  const [, date, time, fraction = '', offset = 'Z'] = match
  const nanos = fraction.padEnd(9, '0')
  let frac = ''
  if (/[1-9]/.test(nanos)) {
    frac = nanos.endsWith('000000') ? nanos.slice(0, 3) : nanos.endsWith('000') ? nanos.slice(0, 6) : nanos
    frac = `.${frac}`
  }
  const zone = offset.toUpperCase() === 'Z' ? '+00:00' : offset
  return `${date}T${time}${frac}${zone}`
}

// ---------------------------------------------------------------- relations

const REFERENTIAL_ACTIONS: Record<string, string> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
}

function referentialAction(model: Model, field: Field, action: string): string {
  const sql = REFERENTIAL_ACTIONS[action]
  if (!sql) throw new Error(`mysqlCreateScript: ${model.name}.${field.name}: unknown referential action ${action}`)
  return sql
}

/** Foreign keys of the relation fields of `model` that hold `fields: [...]` (the referencing side). */
function inlineForeignKeys(model: Model, ctx: Context): ForeignKey[] {
  const result: ForeignKey[] = []
  for (const field of model.fields) {
    if (field.kind !== 'object' || !field.relationFromFields || field.relationFromFields.length === 0) continue
    const referenced = ctx.model(field.type)
    const columns = field.relationFromFields.map((name) => columnName(scalarField(model, name)))
    const referencedColumns = (field.relationToFields ?? []).map((name) => columnName(scalarField(referenced, name)))
    // Prisma's defaults: onDelete Restrict when the relation is required (the relation field or any of its
    // scalar fields), else SetNull; onUpdate Cascade.
    const required = field.isRequired || field.relationFromFields.some((name) => scalarField(model, name).isRequired)
    const onDelete = field.relationOnDelete ?? (required ? 'Restrict' : 'SetNull')
    const onUpdate = field.relationOnUpdate ?? 'Cascade'
    result.push({
      table: tableName(model),
      name: defaultForeignKeyName(tableName(model), columns),
      columns,
      referencedTable: tableName(referenced),
      referencedColumns,
      onDelete: referentialAction(model, field, onDelete),
      onUpdate: referentialAction(model, field, onUpdate),
    })
  }
  return result
}

interface ManyToMany {
  name: string
  /** The model whose name sorts first (for a self-relation, both are the same model). */
  modelA: Model
  modelB: Model
}

/** Implicit many-to-many relations (list relation fields on both sides, no `fields:`), in order of first appearance. */
function manyToManyRelations(ctx: Context): ManyToMany[] {
  const seen = new Set<string>()
  const result: ManyToMany[] = []
  for (const model of ctx.datamodel.models) {
    for (const field of model.fields) {
      if (field.kind !== 'object' || !field.isList || !field.relationName) continue
      if (seen.has(field.relationName)) continue
      const other = ctx.model(field.type)
      const opposite = other.fields.find((f) => f.kind === 'object' && f.relationName === field.relationName && f !== field && f.type === model.name)
      if (!opposite?.isList) continue
      seen.add(field.relationName)
      const [modelA, modelB] = model.name <= other.name ? [model, other] : [other, model]
      result.push({ name: field.relationName, modelA, modelB })
    }
  }
  return result
}

function joinTable(relation: ManyToMany, ctx: Context): { table: Table; foreignKeys: ForeignKey[] } {
  // The engine cuts these names by characters, not bytes (sql_schema_calculator::push_relation_tables).
  const name = truncateChars(`_${relation.name}`, MAX_IDENTIFIER_LENGTH)
  const idColumn = (model: Model) => {
    const pk = primaryKeyOf(model, ctx)
    const first = pk[0]
    if (!first) throw new Error(`mysqlCreateScript: model ${model.name} in relation ${relation.name} has no primary key`)
    const field = model.fields.find((f) => isColumn(f) && columnName(f) === first.name)
    if (!field) throw new Error(`mysqlCreateScript: model ${model.name} has no column ${first.name}`)
    return { column: first.name, type: columnType(model, field, ctx) }
  }
  const a = idColumn(relation.modelA)
  const b = idColumn(relation.modelB)
  const fkPrefix = truncateBytes(name, MAX_IDENTIFIER_LENGTH - '_A_fkey'.length)
  const table: Table = {
    name,
    columns: [`${quoteIdent('A')} ${a.type} NOT NULL`, `${quoteIdent('B')} ${b.type} NOT NULL`],
    indexes: [
      {
        type: 'unique',
        name: `${truncateChars(name, MAX_IDENTIFIER_LENGTH - '_AB_unique'.length)}_AB_unique`,
        columns: [{ name: 'A' }, { name: 'B' }],
      },
      { type: 'normal', name: `${truncateChars(name, MAX_IDENTIFIER_LENGTH - 8)}_B_index`, columns: [{ name: 'B' }] },
    ],
    primaryKey: [],
  }
  const foreignKeys: ForeignKey[] = [
    {
      table: name,
      name: `${fkPrefix}_A_fkey`,
      columns: ['A'],
      referencedTable: tableName(relation.modelA),
      referencedColumns: [a.column],
      onDelete: 'CASCADE',
      onUpdate: 'CASCADE',
    },
    {
      table: name,
      name: `${fkPrefix}_B_fkey`,
      columns: ['B'],
      referencedTable: tableName(relation.modelB),
      referencedColumns: [b.column],
      onDelete: 'CASCADE',
      onUpdate: 'CASCADE',
    },
  ]
  return { table, foreignKeys }
}

function primaryKeyOf(model: Model, ctx: Context): IndexColumn[] {
  const indexes = ctx.indexesOf(model)
  return indexes ? primaryKeyFromDmmf(model, indexes) : primaryKeyFromFields(model)
}

// ---------------------------------------------------------------- rendering (sql-ddl's mysql module)

function quoteIdent(name: string): string {
  return `\`${name}\``
}

function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

function renderIndexColumn(column: IndexColumn): string {
  let sql = quoteIdent(column.name)
  if (column.length !== undefined && column.length !== null) sql += `(${column.length})`
  if (column.sortOrder) sql += ` ${column.sortOrder.toUpperCase()}`
  return sql
}

function renderCreateTable(table: Table): string {
  const lines = table.columns.map((column) => INDENT + column)
  let sql = `CREATE TABLE ${quoteIdent(table.name)} (\n${lines.join(',\n')}`
  const constraints = table.indexes.map((index) => {
    const kind = index.type === 'unique' ? 'UNIQUE ' : index.type === 'fulltext' ? 'FULLTEXT ' : ''
    return `${INDENT}${kind}INDEX ${quoteIdent(index.name)}(${index.columns.map(renderIndexColumn).join(', ')})`
  })
  if (table.primaryKey.length > 0) {
    constraints.push(`${INDENT}PRIMARY KEY (${table.primaryKey.map(renderIndexColumn).join(', ')})`)
  }
  if (constraints.length > 0) sql += `,\n\n${constraints.join(',\n')}`
  return `${sql}\n) ${TABLE_OPTIONS}`
}

function renderAddForeignKey(fk: ForeignKey): string {
  return (
    `ALTER TABLE ${quoteIdent(fk.table)} ADD CONSTRAINT ${quoteIdent(fk.name)} ` +
    `FOREIGN KEY (${fk.columns.map(quoteIdent).join(', ')}) ` +
    `REFERENCES ${quoteIdent(fk.referencedTable)}(${fk.referencedColumns.map(quoteIdent).join(', ')}) ` +
    `ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`
  )
}

function step(kind: string, statement: string): string {
  return `-- ${kind}\n${statement};\n`
}
