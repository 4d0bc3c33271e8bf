/**
 * HTML for the studio's pages: a tagged template that escapes every interpolated value (database
 * values are never trusted: a payload holding `<script>` must show as text), and the way values
 * are written out for people.
 */
import { printableValue } from '../core/printableValue.ts'

/** Markup that is already safe: produced by `html` (or a constant of the studio's own). */
export class Html {
  readonly text: string
  constructor(text: string) {
    this.text = text
  }
  toString(): string {
    return this.text
  }
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c]!)
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[]

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return ''
  if (part instanceof Html) return part.text
  if (Array.isArray(part)) return part.map(render).join('')
  return escapeHtml(String(part))
}

/** `html\`<td>${value}</td>\``: every value escaped, unless it is `Html` itself; arrays are joined. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!
  return new Html(out)
}

/** A path with each dynamic segment URL-encoded: `href('m', model, 'r', id)`. */
export function href(...segments: string[]): string {
  return `/${segments.map(encodeURIComponent).join('/')}`
}

/** A query string from the defined entries. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value))
  const text = search.toString()
  return text ? `?${text}` : ''
}

/** A value as a person reads it, as the CLI prints it (core/printableValue.ts): ISO dates, BigInt digits, hex bytes, Decimal text, JSON compact. */
export function show(value: unknown): string {
  if (value === null || value === undefined) return '∅'
  const printable = printableValue(value)
  return typeof printable === 'object' && printable !== null ? JSON.stringify(printable) : String(printable)
}

/** `show`, with a JSON array written one item a line (a conversation's messages read as a list). */
export function showBlock(value: unknown): string {
  if (Array.isArray(value) && value.length > 1) return `[\n${value.map((item) => `  ${show(item)}`).join(',\n')}\n]`
  return show(value)
}

/** `show`, cut to `max` characters (the whole value in the title). */
export function shortValue(value: unknown, max = 80): Html {
  const text = show(value)
  return text.length > max ? html`<span title="${text}">${text.slice(0, max - 1)}…</span>` : html`${text}`
}

/** The tail of a UUID, enough to tell events apart on one page. */
export function shortId(id: string): string {
  return id.length > 12 ? `…${id.slice(-8)}` : id
}

export function time(date: Date | null | undefined): Html {
  if (!date) return html`∅`
  const iso = date.toISOString()
  return html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</time>`
}
