/**
 * Attr helpers, the port of Spector's `get_attr` / `fetch_attr`. Attrs reach a changeset with the
 * same keys live and on replay, so these are plain lookups that tell "absent" from "null".
 */

/** The value of `key`, or `fallback` when the key is absent (a present null stays null). */
export function getAttr<T = unknown>(attrs: object, key: string, fallback?: T): T | undefined {
  return Object.hasOwn(attrs, key) ? ((attrs as Record<string, unknown>)[key] as T) : fallback
}

/** `{ ok: true, value }` when `key` is present (even if null), `{ ok: false }` when absent. */
export function fetchAttr<T = unknown>(attrs: object, key: string): { ok: true; value: T } | { ok: false } {
  return Object.hasOwn(attrs, key) ? { ok: true, value: (attrs as Record<string, unknown>)[key] as T } : { ok: false }
}
