/**
 * Parses the `@evented(...)`, `@events(...)` and `@eventLinks(...)` annotations of a model's `///` documentation.
 *
 * Grammar (whitespace allowed between tokens):
 *   annotation := '@' name [ '(' [ option { ',' option } [ ',' ] ] ')' ]
 *   option     := key '=' value
 *   value      := integer | identifier | "string" | true | false | '[' [ item { ',' item } [ ',' ] ] ']'
 *   item       := value | identifier '=' identifier      (a pair such as publish=release, kept as "publish=release")
 */

export type AnnotationValue = number | string | boolean | AnnotationValue[]

export interface Annotation {
  name: string
  options: Map<string, AnnotationValue>
  /** The 0-based index of the documentation line it was found on. */
  lineIndex: number
}

export class AnnotationSyntaxError extends Error {
  readonly lineIndex: number
  constructor(message: string, lineIndex: number) {
    super(message)
    this.lineIndex = lineIndex
  }
}

const names = ['evented', 'events', 'eventLinks'] as const
export type AnnotationName = (typeof names)[number]

/** Finds the `@evented` / `@events` / `@eventLinks` annotations in a documentation string. */
export function parseAnnotations(documentation: string | undefined): Annotation[] {
  if (!documentation) return []
  const found: Annotation[] = []
  documentation.split('\n').forEach((raw, lineIndex) => {
    const line = raw.trim()
    const match = /^@([A-Za-z_][A-Za-z0-9_]*)/.exec(line)
    if (!match || !(names as readonly string[]).includes(match[1]!)) return
    found.push(parseAnnotation(line, lineIndex))
  })
  return found
}

/** Parses one annotation line such as `@evented(version=1, actions=[archive])`. */
export function parseAnnotation(text: string, lineIndex = 0): Annotation {
  const p = new Parser(text, lineIndex)
  return p.annotation()
}

class Parser {
  private pos = 0
  constructor(
    private readonly text: string,
    private readonly lineIndex: number,
  ) {}

  annotation(): Annotation {
    this.expect('@')
    const name = this.identifier('an annotation name')
    const options = new Map<string, AnnotationValue>()
    this.skipSpace()
    if (this.peek() === '(') {
      this.pos++
      this.skipSpace()
      while (this.peek() !== ')') {
        const key = this.identifier('an option name')
        if (options.has(key)) this.fail(`option "${key}" is given twice`)
        this.skipSpace()
        this.expect('=', `after "${key}"`)
        options.set(key, this.value())
        this.skipSpace()
        if (this.peek() === ',') {
          this.pos++
          this.skipSpace()
        } else if (this.peek() !== ')') {
          this.fail(`expected "," or ")" after option "${key}"`)
        }
      }
      this.pos++
    }
    this.skipSpace()
    if (this.pos < this.text.length) this.fail(`unexpected "${this.text.slice(this.pos)}" after the annotation`)
    return { name, options, lineIndex: this.lineIndex }
  }

  private value(): AnnotationValue {
    this.skipSpace()
    const c = this.peek()
    if (c === '[') {
      this.pos++
      const items: AnnotationValue[] = []
      this.skipSpace()
      while (this.peek() !== ']') {
        const item = this.value()
        this.skipSpace()
        if (this.peek() === '=' && typeof item === 'string') {
          this.pos++
          items.push(`${item}=${this.identifier('a name after "="')}`)
          this.skipSpace()
        } else items.push(item)
        if (this.peek() === ',') {
          this.pos++
          this.skipSpace()
        } else if (this.peek() !== ']') {
          this.fail('expected "," or "]" in a list')
        }
      }
      this.pos++
      return items
    }
    if (c === '"') {
      const end = this.text.indexOf('"', this.pos + 1)
      if (end < 0) this.fail('unterminated string')
      const s = this.text.slice(this.pos + 1, end)
      this.pos = end + 1
      return s
    }
    if (c !== undefined && /[-0-9]/.test(c)) {
      const m = /^-?[0-9]+(?![A-Za-z0-9_.])/.exec(this.text.slice(this.pos))
      if (!m) this.fail(`expected a whole number at "${this.text.slice(this.pos)}"`)
      this.pos += m![0].length
      return Number(m![0])
    }
    const id = this.identifier('a value')
    if (id === 'true') return true
    if (id === 'false') return false
    return id
  }

  private identifier(what: string): string {
    this.skipSpace()
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos))
    if (!m) this.fail(`expected ${what} at ${this.here()}`)
    this.pos += m![0].length
    return m![0]
  }

  private expect(c: string, context = ''): void {
    this.skipSpace()
    if (this.peek() !== c) this.fail(`expected "${c}"${context ? ` ${context}` : ''} at ${this.here()}`)
    this.pos++
  }

  private here(): string {
    return this.pos >= this.text.length ? 'the end' : `"${this.text.slice(this.pos)}"`
  }

  private peek(): string | undefined {
    return this.text[this.pos]
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++
  }

  private fail(message: string): never {
    throw new AnnotationSyntaxError(`malformed annotation "${this.text}": ${message}`, this.lineIndex)
  }
}
