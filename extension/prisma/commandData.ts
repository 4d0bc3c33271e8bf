/**
 * A command's data on its way in and the state on its way to the row: checks a create/update
 * `data` (no id, no nested writes, no unknown fields), turns Prisma's null sentinels into plain
 * nulls for the event, and back into `DbNull`/`JsonNull` for the row's Json columns.
 */
import { DbNull, JsonNull, isAnyNull, isDbNull, isJsonNull } from '@prisma/client/runtime/client'
import type { EventedModel, State } from '../core/eventedModel.ts'
import { SpectorIdNotAllowedError, SpectorUnsupportedWriteError, SpectorValidationError } from '../core/errors.ts'

export class CommandData<S extends State = State> {
  private readonly model: EventedModel<S>
  private readonly fieldNames: Set<string>
  private readonly relationNames: Set<string>
  private readonly jsonFields: { name: string; required: boolean }[]

  constructor(model: EventedModel<S>) {
    this.model = model
    this.fieldNames = new Set(model.metadata.fields.map((f) => f.name))
    this.relationNames = new Set(model.metadata.relations.map((r) => r.name))
    this.jsonFields = model.metadata.fields.filter((f) => f.type === 'Json' && !f.isList).map((f) => ({ name: f.name, required: f.isRequired }))
  }

  /** Checks a create/update `data`: no id, no nested writes through relations, no unknown fields. */
  writableData(operation: string, data: unknown): Record<string, unknown> {
    const meta = this.model.metadata
    if (!data || typeof data !== 'object' || Array.isArray(data)) {
      throw new SpectorValidationError(meta.name, operation, { data: ['must be an object'] })
    }
    const record = data as Record<string, unknown>
    if (record[meta.idField] !== undefined) throw new SpectorIdNotAllowedError(meta.name, meta.idField)
    const unknown: Record<string, string[]> = {}
    for (const key of Object.keys(record)) {
      if (this.relationNames.has(key)) {
        throw new SpectorUnsupportedWriteError(
          meta.name,
          operation,
          `nested write through relation "${key}" is not recorded in the event log; write the foreign key field instead, or write the related record on its own`,
          `${meta.name}.${key}`,
        )
      }
      // A log-only model has no row to write, so its commands carry whatever attrs its changeset reads.
      if (!this.fieldNames.has(key) && meta.logOnly !== true) unknown[key] = [`is not a field of ${meta.name}`]
    }
    if (Object.keys(unknown).length) throw new SpectorValidationError(meta.name, operation, unknown)
    return withPlainNulls(record)
  }

  /** The state as row data: every model field (a Json null as `DbNull`, or `JsonNull` where the column is required). */
  rowData(state: S, omitId: boolean): Record<string, unknown> {
    const data = this.model.pickFields(state as Record<string, unknown>)
    if (omitId) delete data[this.model.metadata.idField]
    for (const { name, required } of this.jsonFields) if (data[name] === null) data[name] = required ? JsonNull : DbNull
    return data
  }
}

/** `Prisma.DbNull` / `JsonNull` / `AnyNull` become null in the event (the row gets DbNull back, or JsonNull where required). */
export function withPlainNulls(data: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined
  for (const [key, value] of Object.entries(data)) {
    if (value !== null && typeof value === 'object' && (isDbNull(value) || isJsonNull(value) || isAnyNull(value))) {
      out ??= { ...data }
      out[key] = null
    }
  }
  return out ?? data
}
