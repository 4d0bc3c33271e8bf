/**
 * The projection the subscriber tests build (ItemTotal: per Item, how many events and the last
 * name and value), written batch by batch and rebuilt from the whole log to compare.
 */

export interface ItemTotal {
  itemId: string
  events: number
  value: number | null
  name: string
}

/** One event's effect on a total. */
export function addEvent(total: ItemTotal | undefined, event: { recordId: string; payload: unknown }): ItemTotal {
  const payload = event.payload as { name?: string; value?: number | null }
  return {
    itemId: event.recordId,
    events: (total?.events ?? 0) + 1,
    value: payload.value !== undefined ? payload.value : (total?.value ?? null),
    name: payload.name ?? total?.name ?? '',
  }
}

/** The projection computed from every Item event, in position order. */
export function rebuild(events: readonly { recordId: string; model: string; payload: unknown }[]): ItemTotal[] {
  const totals = new Map<string, ItemTotal>()
  for (const event of events) if (event.model === 'Item') totals.set(event.recordId, addEvent(totals.get(event.recordId), event))
  return [...totals.values()].sort((a, b) => (a.itemId < b.itemId ? -1 : 1))
}
