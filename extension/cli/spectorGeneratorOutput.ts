/**
 * Where `prisma generate` wrote the prisma-spector module of a project: the `output` of the schema's
 * `generator ... { provider = "...prisma-spector..." }` block, resolved as Prisma resolves it —
 * relative to the folder of the .prisma file that declares the block (a file of a multi-file
 * schema folder included), `env("VAR")` read from the environment, and without `output` the
 * generator's default output (its manifest's `defaultOutput`) from that same folder.
 *
 * The schema is where the Prisma CLI looks for it: the config's `schema`, else ./schema.prisma,
 * else ./prisma/schema.prisma. DMMF is not at hand here, so the blocks are read from the text:
 * comments and strings are respected, one `key = value` per line as Prisma's grammar has it.
 */
import fs from 'node:fs'
import path from 'node:path'
import { schemaFiles } from '../../generator/locateInSchema.ts'
import { UsageError } from './commandLine.ts'

/** The generator's `defaultOutput` (its manifest): where it writes without an `output`, from the schema file's folder. */
export const defaultSpectorOutput = '../generated/spector'

/** A value of a generator block: a string literal, env("VAR"), or anything else as written. */
export type GeneratorValue = { text: string } | { env: string } | { raw: string }

export interface GeneratorBlock {
  name: string
  /** The .prisma file that declares it. */
  file: string
  fields: Record<string, GeneratorValue>
}

export interface SpectorGeneratorOutput {
  /** The output folder, absolute. */
  dir: string
  /** The generator block it comes from. */
  generator: GeneratorBlock
}

/** The schema the Prisma CLI would use in `cwd`: the config's, else ./schema.prisma, else ./prisma/schema.prisma. */
export function schemaPathIn(cwd: string, fromConfig: string | undefined): string | undefined {
  if (fromConfig) return fromConfig
  return [path.join(cwd, 'schema.prisma'), path.join(cwd, 'prisma', 'schema.prisma')].find((file) => fs.existsSync(file))
}

/** The prisma-spector generator's output folder of the schema at `schemaPath` (a file or a folder), if it has that generator. */
export function spectorGeneratorOutput(schemaPath: string, env: NodeJS.ProcessEnv = process.env): SpectorGeneratorOutput | undefined {
  const blocks = schemaFiles(schemaPath).flatMap((file) => generatorBlocks(file.text, file.path))
  const spector = blocks.filter((block) => {
    const provider = block.fields['provider']
    return provider !== undefined && /prisma-spector/.test(resolvedValue(provider, env) ?? '')
  })
  if (spector.length > 1) {
    throw new UsageError(
      `the schema has ${spector.length} prisma-spector generators (${spector.map((g) => `${g.name} in ${g.file}`).join(', ')}): pass --generated`,
    )
  }
  const generator = spector[0]
  if (!generator) return undefined
  const output = generator.fields['output']
  const value = output === undefined ? defaultSpectorOutput : resolvedValue(output, env)
  if (value === undefined) {
    throw new UsageError(`the output of generator ${generator.name} (${generator.file}) is ${describe(output!)}, which is not set: set it or pass --generated`)
  }
  return { dir: path.resolve(path.dirname(generator.file), value), generator }
}

function resolvedValue(value: GeneratorValue, env: NodeJS.ProcessEnv): string | undefined {
  if ('text' in value) return value.text
  if ('env' in value) return env[value.env] || undefined
  return value.raw
}

function describe(value: GeneratorValue): string {
  return 'env' in value ? `env("${value.env}")` : 'text' in value ? JSON.stringify(value.text) : value.raw
}

/** The generator blocks of one schema file's text. */
export function generatorBlocks(text: string, file: string): GeneratorBlock[] {
  const code = withoutComments(text)
  const blocks: GeneratorBlock[] = []
  const start = /(^|\n)[ \t]*generator[ \t]+([A-Za-z_][\w-]*)[ \t]*\{/g
  for (let match = start.exec(code); match; match = start.exec(code)) {
    const bodyStart = match.index + match[0].length
    const bodyEnd = closingBrace(code, bodyStart)
    const fields: Record<string, GeneratorValue> = {}
    for (const line of code.slice(bodyStart, bodyEnd).split('\n')) {
      const assignment = /^\s*([A-Za-z_]\w*)\s*=\s*(.*?)\s*$/.exec(line)
      if (assignment) fields[assignment[1]!] = parseValue(assignment[2]!)
    }
    blocks.push({ name: match[2]!, file, fields })
    start.lastIndex = bodyEnd
  }
  return blocks
}

function parseValue(written: string): GeneratorValue {
  const env = /^env\(\s*("(?:[^"\\]|\\.)*")\s*\)$/.exec(written)
  if (env) return { env: stringLiteral(env[1]!) }
  if (/^"(?:[^"\\]|\\.)*"$/.test(written)) return { text: stringLiteral(written) }
  return { raw: written }
}

/** A Prisma string literal's value (its escapes are JSON's). */
function stringLiteral(literal: string): string {
  try {
    return JSON.parse(literal) as string
  } catch {
    return literal.slice(1, -1)
  }
}

/** The index of the `}` that closes a block whose body starts at `from` (strings skipped); the text's end if none. */
function closingBrace(code: string, from: number): number {
  let depth = 0
  for (let i = from; i < code.length; i++) {
    const c = code[i]
    if (c === '"') i = stringEnd(code, i)
    else if (c === '{') depth++
    else if (c === '}') {
      if (depth === 0) return i
      depth--
    }
  }
  return code.length
}

/** The index of the quote that closes the string opened at `open`. */
function stringEnd(code: string, open: number): number {
  for (let i = open + 1; i < code.length; i++) {
    if (code[i] === '\\') i++
    else if (code[i] === '"' || code[i] === '\n') return i
  }
  return code.length
}

/** The text with `//` comments (`///` included) blanked out; strings and line breaks kept. */
function withoutComments(text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') {
      const end = stringEnd(text, i)
      out += text.slice(i, end + 1)
      i = end
    } else if (text[i] === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
      if (i < text.length) out += '\n'
    } else out += text[i]
  }
  return out
}
