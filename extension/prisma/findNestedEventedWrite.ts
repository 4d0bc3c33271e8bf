/**
 * Finds a nested write that would change an evented model without an event, such as
 * `category.create({ data: { items: { create: [...] } } })`. Query extensions never see nested
 * writes, so prisma-spector looks into the arguments of every top-level write instead.
 *
 * Allowed into an evented model: `connect` and `disconnect` from a side that holds the foreign
 * key (they change only the outer row). Everything else that reaches an evented model is reported.
 */
import type { RelationGraph } from '../core/metadata.ts'

export interface NestedEventedWrite {
  /** The relation path, e.g. `Category.items` or `User.posts.items`. */
  path: string
  /** The nested operation, e.g. `create`, `connectOrCreate`, `set`. */
  operation: string
  /** The evented model it would write. */
  model: string
}

const writeOperations = new Set(['create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'upsert'])

type Args = Record<string, unknown>

/** The first nested write into an evented model in a top-level write's arguments, or null. */
export function findNestedEventedWrite(
  graph: RelationGraph,
  evented: ReadonlySet<string>,
  model: string,
  operation: string,
  args: unknown,
): NestedEventedWrite | null {
  if (!writeOperations.has(operation) || !args || typeof args !== 'object') return null
  const a = args as Args
  const payloads = operation === 'upsert' ? [a.create, a.update] : [a.data]
  for (const payload of payloads) {
    const found = walkData(graph, evented, model, payload, model)
    if (found) return found
  }
  return null
}

function walkData(graph: RelationGraph, evented: ReadonlySet<string>, model: string, data: unknown, path: string): NestedEventedWrite | null {
  if (Array.isArray(data)) {
    for (const item of data) {
      const found = walkData(graph, evented, model, item, path)
      if (found) return found
    }
    return null
  }
  if (!data || typeof data !== 'object') return null
  const edges = graph[model]
  if (!edges) return null
  for (const [field, value] of Object.entries(data as Args)) {
    const edge = edges[field]
    if (!edge || !value || typeof value !== 'object') continue
    const here = `${path}.${field}`
    for (const [op, payload] of Object.entries(value as Args)) {
      if (payload === undefined) continue
      if (evented.has(edge.model)) {
        if (edge.holdsForeignKey && (op === 'connect' || op === 'disconnect')) continue
        return { path: here, operation: op, model: edge.model }
      }
      const found = walkNested(graph, evented, edge.model, op, payload, here)
      if (found) return found
    }
  }
  return null
}

/** Descends into the data a nested operation carries on a model that is not evented. */
function walkNested(graph: RelationGraph, evented: ReadonlySet<string>, model: string, op: string, payload: unknown, path: string): NestedEventedWrite | null {
  const items = Array.isArray(payload) ? payload : [payload]
  for (const item of items) {
    if (!item || typeof item !== 'object') continue
    const p = item as Args
    const datas =
      op === 'create'
        ? [p]
        : op === 'createMany'
          ? [p.data]
          : op === 'connectOrCreate'
            ? [p.create]
            : op === 'update' || op === 'updateMany'
              ? ['data' in p && 'where' in p ? p.data : p]
              : op === 'upsert'
                ? [p.create, p.update]
                : []
    for (const data of datas) {
      const found = walkData(graph, evented, model, data, path)
      if (found) return found
    }
  }
  return null
}
