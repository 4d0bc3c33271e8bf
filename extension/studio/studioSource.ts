/**
 * What the studio reads, in one place: the models the generated schema describes and, for each,
 * the library's read API (`history`, `diff`, `replay`, `events`, `links`, `check`,
 * `verifySavepoints`, `$verifyHashChain`), and the states of long records it keeps between requests
 * (recordStates.ts). Listing and counting go through the Prisma delegates
 * (of the model and of its event log): no SQL of the studio's own, and nothing here writes.
 */
import type { ModelMetadata } from '../core/metadata.ts'
import { RecordStates, type RecordStatesOptions } from './recordStates.ts'

type AnyClient = Record<string, any>

/** An evented model as the studio shows it. */
export interface StudioModel {
  name: string
  metadata: ModelMetadata
  logOnly: boolean
  hashed: boolean
  /** The model's fields, id first. */
  fields: string[]
}

export interface RecordPage {
  /** Each record: its id and, for a table-backed model, its row. */
  records: { id: string; row: Record<string, unknown> | null }[]
  /** The id to continue after (older records), when there are more. */
  next: string | null
}

export const RECORDS_PER_PAGE = 50

const searchableTypes = new Set(['String', 'Int', 'BigInt', 'Float', 'Decimal', 'Boolean'])

export class StudioSource {
  readonly client: AnyClient
  readonly models: StudioModel[]
  /** States of records at checkpoints, kept between requests (see recordStates.ts). */
  readonly states: RecordStates

  constructor(client: AnyClient, schema: { models: readonly { metadata: ModelMetadata }[] }, options: { states?: RecordStatesOptions } = {}) {
    this.client = client
    this.states = new RecordStates(this, options.states)
    this.models = schema.models.map(({ metadata }) => ({
      name: metadata.name,
      metadata,
      logOnly: metadata.logOnly === true,
      hashed: metadata.events.hashed === true,
      fields: [metadata.idField, ...metadata.fields.map((f) => f.name).filter((f) => f !== metadata.idField)],
    }))
  }

  model(name: string): StudioModel | undefined {
    return this.models.find((m) => m.name === name)
  }

  /** The model's delegate with prisma-spector's methods (`history`, `replay`, ...). */
  delegate(model: StudioModel): AnyClient {
    return this.client[model.metadata.delegate]
  }

  private eventsOf(model: StudioModel): AnyClient {
    return this.client[model.metadata.events.delegate]
  }

  /** Fields a record search can compare (strings by substring, the others by value). */
  searchableFields(model: StudioModel): string[] {
    if (model.logOnly) return [model.metadata.idField]
    return model.metadata.fields.filter((f) => !f.isList && (searchableTypes.has(f.type) || f.kind === 'enum')).map((f) => f.name)
  }

  async recordCount(model: StudioModel): Promise<number> {
    if (model.logOnly) return this.eventsOf(model).count({ where: { model: model.metadata.eventName, sequence: 1 } })
    return this.delegate(model).count()
  }

  async eventCount(model: StudioModel): Promise<number> {
    return this.eventsOf(model).count({ where: { model: model.metadata.eventName } })
  }

  /**
   * Events per day for `days` days, ending on the day of the model's newest event (UTC). A log that
   * holds one model's events only is counted on `insertedAt` alone, which its index answers.
   */
  async eventsPerDay(model: StudioModel, days = 30): Promise<{ day: string; count: number }[]> {
    const shared = this.models.some((m) => m !== model && m.metadata.events.model === model.metadata.events.model)
    const ofModel = shared ? { model: model.metadata.eventName } : {}
    const newest = await this.eventsOf(model).findFirst({ where: ofModel, orderBy: { insertedAt: 'desc' }, select: { insertedAt: true } })
    if (!newest) return []
    const end = new Date(newest.insertedAt as Date)
    end.setUTCHours(24, 0, 0, 0)
    const out: { day: string; count: number }[] = []
    for (let i = days; i >= 1; i--) {
      const from = new Date(end.getTime() - i * 86_400_000)
      const to = new Date(from.getTime() + 86_400_000)
      const count = await this.eventsOf(model).count({ where: { ...ofModel, insertedAt: { gte: from, lt: to } } })
      out.push({ day: from.toISOString().slice(0, 10), count })
    }
    return out
  }

  /**
   * A page of records, newest first (record ids are their first event's UUIDv7, so id order is
   * creation order), after `before`; with `search`, those whose field holds the text.
   */
  async records(model: StudioModel, options: { before?: string; field?: string; text?: string }): Promise<RecordPage> {
    const { idField, eventName } = model.metadata
    const take = RECORDS_PER_PAGE + 1
    const text = options.text?.trim()
    if (model.logOnly) {
      const where = { model: eventName, sequence: 1, recordId: { ...(text ? { contains: text } : {}), ...(options.before ? { lt: options.before } : {}) } }
      const rows: { recordId: string }[] = await this.eventsOf(model).findMany({ where, orderBy: { recordId: 'desc' }, take, select: { recordId: true } })
      return page(rows.map((r) => ({ id: r.recordId, row: null })))
    }
    const filter = text ? this.fieldFilter(model, options.field ?? idField, text) : {}
    const where = options.before ? { AND: [filter, { [idField]: { lt: options.before } }] } : filter
    const rows: Record<string, unknown>[] = await this.delegate(model).findMany({ where, orderBy: { [idField]: 'desc' }, take })
    return page(rows.map((row) => ({ id: row[idField] as string, row })))
  }

  /** A Prisma `where` for "field holds text": a substring for strings, the value for the others (none matches a bad value). */
  private fieldFilter(model: StudioModel, fieldName: string, text: string): Record<string, unknown> {
    const field = model.metadata.fields.find((f) => f.name === fieldName)
    if (!field || !this.searchableFields(model).includes(fieldName)) return { [model.metadata.idField]: { contains: text } }
    if (field.kind === 'enum') return { [fieldName]: text }
    switch (field.type) {
      case 'String':
        return { [fieldName]: { contains: text } }
      case 'Boolean':
        return text === 'true' || text === 'false' ? { [fieldName]: text === 'true' } : nothing(model)
      case 'BigInt':
        return /^-?\d+$/.test(text) ? { [fieldName]: BigInt(text) } : nothing(model)
      default: {
        const number = Number(text)
        const fits = Number.isFinite(number) && (field.type !== 'Int' || Number.isInteger(number))
        return fits ? { [fieldName]: number } : nothing(model)
      }
    }
  }

  /** The record's newest sequence (0 when it has no events). */
  async lastSequence(model: StudioModel, id: string): Promise<number> {
    const last = await this.eventsOf(model).findFirst({
      where: { recordId: id, model: model.metadata.eventName },
      orderBy: { sequence: 'desc' },
      select: { sequence: true },
    })
    return (last?.sequence as number | undefined) ?? 0
  }

  /** The id and hash (hex; '' when none) of the record's event at `sequence`, or null when there is none. */
  async eventAt(model: StudioModel, id: string, sequence: number): Promise<{ id: string; hash: string } | null> {
    const event = await this.eventsOf(model).findFirst({ where: { recordId: id, sequence }, select: { id: true, hash: true, model: true } })
    if (!event || event.model !== model.metadata.eventName) return null
    return { id: event.id as string, hash: event.hash ? Buffer.from(event.hash as Uint8Array).toString('hex') : '' }
  }

  /** The record's row (null for a log-only model, or when it has none). */
  async row(model: StudioModel, id: string): Promise<Record<string, unknown> | null> {
    if (model.logOnly) return null
    return this.delegate(model).findUnique({ where: { [model.metadata.idField]: id } })
  }
}

function page(records: RecordPage['records']): RecordPage {
  const more = records.length > RECORDS_PER_PAGE
  const shown = more ? records.slice(0, RECORDS_PER_PAGE) : records
  return { records: shown, next: more ? shown[shown.length - 1]!.id : null }
}

/** A `where` that matches no record: a search value the field's type cannot hold. */
function nothing(model: StudioModel): Record<string, unknown> {
  return { [model.metadata.idField]: { in: [] } }
}
