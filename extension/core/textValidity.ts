/**
 * Text no database keeps as it was given, found before anything is written: a lone UTF-16
 * surrogate (`'x\ud800y'`: SQLite stores U+FFFD in the row and the escape in the event, PostgreSQL
 * and MariaDB refuse it in JSON), a NUL character where the database cannot hold one (PostgreSQL
 * text and jsonb), and JSON nested deeper than the limit (MariaDB refuses 32 levels; deeper than a
 * few thousand overflows the stack on the way to any database). Walks the value without recursion,
 * so the depth check itself cannot overflow.
 */

/** A code point in Unicode's surrogate category: in a `u` regex, only a lone surrogate is one. */
const loneSurrogate = /\p{Cs}/u

export interface TextRules {
  refusesNul: boolean
  /** The most levels of arrays and objects allowed inside the value. */
  maxDepth: number
}

/** What is wrong with the text in `value` (strings, array items, object keys and values), or undefined. */
export function textProblem(value: unknown, rules: TextRules): string | undefined {
  if (typeof value === 'string') return stringProblem(value, rules)
  if (value === null || typeof value !== 'object' || !isContainer(value)) return undefined
  // The deepest each container was checked at: one met again deeper (shared, or a cycle) is walked again, with less room left.
  const checkedAt = new Map<object, number>()
  const pending: [object, number][] = [[value, 1]]
  while (pending.length) {
    const [container, depth] = pending.pop()!
    if (depth > rules.maxDepth) return `nests deeper than ${rules.maxDepth} levels of arrays and objects (the limit on this database)`
    if ((checkedAt.get(container) ?? 0) >= depth) continue
    checkedAt.set(container, depth)
    const entries: [string | undefined, unknown][] = Array.isArray(container) ? container.map((item) => [undefined, item]) : Object.entries(container)
    for (const [key, item] of entries) {
      const problem =
        (key === undefined ? undefined : stringProblem(key, rules, 'a key')) ?? (typeof item === 'string' ? stringProblem(item, rules) : undefined)
      if (problem) return problem
      if (item !== null && typeof item === 'object' && isContainer(item)) pending.push([item, depth + 1])
    }
  }
  return undefined
}

function stringProblem(text: string, rules: TextRules, what = 'text'): string | undefined {
  const surrogate = loneSurrogate.exec(text)
  if (surrogate) {
    const unit = surrogate[0].charCodeAt(0).toString(16).toUpperCase()
    return `${what} with a lone surrogate (U+${unit} at index ${surrogate.index}) is not valid Unicode`
  }
  if (rules.refusesNul) {
    const nul = text.indexOf('\u0000')
    if (nul >= 0) return `${what} with a NUL character (U+0000 at index ${nul}) cannot be stored in this database`
  }
  return undefined
}

/** Arrays and plain objects (what JSON nests); Dates, bytes and Decimals are leaves. */
function isContainer(value: object): boolean {
  if (Array.isArray(value)) return true
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
