/**
 * Reads the tsconfig nearest a folder, as Prisma's `prisma-client` generator does to pick its import
 * extensions and module format: the first `tsconfig.json` found walking up, with the compiler
 * options of the configs it `extends` merged under its own. Only `compilerOptions` is read.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

export type CompilerOptions = Record<string, unknown>

export interface FoundTsconfig {
  path: string
  compilerOptions: CompilerOptions
}

export function nearestTsconfig(fromDir: string): FoundTsconfig | undefined {
  const file = findUp(path.resolve(fromDir), 'tsconfig.json')
  return file ? { path: file, compilerOptions: compilerOptionsOf(file, new Set()) } : undefined
}

/** The first `name` in `dir` or one of its parents. */
export function findUp(dir: string, name: string): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    const candidate = path.join(current, name)
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate
    if (path.dirname(current) === current) return undefined
  }
}

function compilerOptionsOf(file: string, seen: Set<string>): CompilerOptions {
  if (seen.has(file)) return {}
  seen.add(file)
  const config = parseJsonc(fs.readFileSync(file, 'utf8'), file) as { extends?: unknown; compilerOptions?: CompilerOptions }
  const bases =
    typeof config.extends === 'string'
      ? [config.extends]
      : Array.isArray(config.extends)
        ? config.extends.filter((e): e is string => typeof e === 'string')
        : []
  let merged: CompilerOptions = {}
  for (const base of bases) {
    const baseFile = resolveExtends(base, path.dirname(file))
    if (baseFile) merged = { ...merged, ...compilerOptionsOf(baseFile, seen) }
  }
  return { ...merged, ...(config.compilerOptions ?? {}) }
}

/** `extends`: a relative or absolute path (`.json` optional), or a package's config (`@tsconfig/node20/tsconfig.json`, `pkg`). */
function resolveExtends(specifier: string, fromDir: string): string | undefined {
  const candidates = (base: string) => [base, `${base}.json`, path.join(base, 'tsconfig.json')]
  if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
    return candidates(path.resolve(fromDir, specifier)).find((c) => fs.existsSync(c) && fs.statSync(c).isFile())
  }
  const require = createRequire(path.join(fromDir, 'noop.js'))
  for (const candidate of [specifier, `${specifier}.json`, `${specifier}/tsconfig.json`]) {
    try {
      return require.resolve(candidate)
    } catch {
      // try the next form
    }
  }
  return undefined
}

/** JSON with comments and trailing commas, as tsconfig files are written. */
export function parseJsonc(text: string, file = 'tsconfig.json'): unknown {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '"') {
      const end = stringEnd(text, i)
      out += text.slice(i, end)
      i = end - 1
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
      out += '\n'
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      i = end < 0 ? text.length : end + 1
    } else out += c
  }
  try {
    return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'))
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`)
  }
}

/** The index just after the string literal that starts at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === '"') return i + 1
  }
  return text.length
}
