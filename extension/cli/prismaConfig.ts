/**
 * The project's Prisma config (prisma.config.ts and the other names Prisma 7 looks for), read with
 * Prisma's own loader from `@prisma/config`, as the Prisma CLI reads it: the datasource url and the
 * schema path the command line needs.
 *
 * `@prisma/config` is a dependency of `prisma`, not of the project, so it is only sometimes where
 * the project can require it: npm hoists it to node_modules/@prisma/config, pnpm keeps it beside
 * prisma in node_modules/.pnpm/prisma@x/node_modules. It is resolved from the project first, then
 * from the project's `prisma` (its package.json, then `@prisma/config` from there), then the same
 * two from this package (prisma is its peer); a config file with none of them is a set-up error
 * that names every place looked at.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { DatabaseSetupError } from './databaseSetupError.ts'

export interface PrismaConfig {
  /** The config file, absolute. */
  file: string
  /** The datasource url, when the config gives one. */
  url?: string | undefined
  /** The schema path (a .prisma file or a folder of them), absolute, when the config gives one. */
  schema?: string | undefined
}

const extensions = ['.js', '.ts', '.mjs', '.cjs', '.mts', '.cts']

/** The config files Prisma 7 looks for in a folder, in its order (@prisma/config's findPrismaConfigFile). */
const configCandidates = [
  ...extensions.map((e) => `prisma7.config${e}`),
  ...extensions.map((e) => path.join('.config', `prisma7${e}`)),
  ...['prisma.config', path.join('.config', 'prisma'), path.join('.config', 'prisma.config')].flatMap((base) => [
    ...extensions.map((e) => `${base}${e}`),
    ...extensions.map((e) => path.join(base, `index${e}`)),
  ]),
]

/** The Prisma config file in `dir`, if there is one. */
export function findPrismaConfigFile(dir: string): string | undefined {
  return configCandidates.map((c) => path.resolve(dir, c)).find((file) => fs.statSync(file, { throwIfNoEntry: false })?.isFile())
}

/** Thrown when no `@prisma/config` can be found; `lookedIn` lists each place tried. */
export class PrismaConfigLoaderNotFound extends DatabaseSetupError {
  constructor(readonly lookedIn: string[]) {
    super(
      `cannot read the Prisma config: @prisma/config (installed with prisma) was not found; looked for ${lookedIn.join(', ')}. ` +
        'Install prisma in the project (npm install -D prisma), or pass --url and --generated',
    )
  }
}

/**
 * The entry of `@prisma/config`: required from each of `from` (a project folder or a file of a
 * package), directly and then through that place's `prisma` package.
 */
export function resolvePrismaConfigLoader(from: string[]): string {
  const lookedIn: string[] = []
  for (const origin of from) {
    const require = createRequire(fs.statSync(origin, { throwIfNoEntry: false })?.isDirectory() ? path.join(origin, 'noop.js') : origin)
    lookedIn.push(`@prisma/config from ${origin}`)
    try {
      return require.resolve('@prisma/config')
    } catch {}
    lookedIn.push(`@prisma/config beside prisma/package.json from ${origin}`)
    try {
      const prismaManifest = require.resolve('prisma/package.json')
      return createRequire(prismaManifest).resolve('@prisma/config')
    } catch {}
  }
  throw new PrismaConfigLoaderNotFound(lookedIn)
}

/** The folder of the nearest package.json at or above `dir` (the project), else `dir`. */
export function projectDir(dir: string): string {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if (fs.existsSync(path.join(at, 'package.json'))) return at
    if (path.dirname(at) === at) return path.resolve(dir)
  }
}

const loaded = new Map<string, Promise<PrismaConfig | undefined>>()

/** The Prisma config of the project in `cwd` (loaded once per folder), or undefined when it has none. */
export function loadPrismaConfig(cwd: string): Promise<PrismaConfig | undefined> {
  const key = path.resolve(cwd)
  let config = loaded.get(key)
  if (!config) {
    config = readPrismaConfig(key)
    loaded.set(key, config)
  }
  return config
}

async function readPrismaConfig(cwd: string): Promise<PrismaConfig | undefined> {
  const file = findPrismaConfigFile(cwd)
  if (!file) return undefined
  const loader = resolvePrismaConfigLoader([...new Set([cwd, projectDir(cwd)])].concat(fileURLToPath(import.meta.url)))
  const { loadConfigFromFile } = await import(pathToFileURL(loader).href)
  const { config, error, resolvedPath } = await loadConfigFromFile({ configRoot: cwd })
  if (error) {
    if (error._tag === 'ConfigFileNotFound') return undefined
    throw new DatabaseSetupError(`could not load ${file}: ${error.error?.message ?? error._tag}`)
  }
  const url = config?.datasource?.url
  const schema = config?.schema
  return {
    file: resolvedPath ?? file,
    url: typeof url === 'string' && url ? url : undefined,
    schema: typeof schema === 'string' && schema ? path.resolve(path.dirname(resolvedPath ?? file), schema) : undefined,
  }
}
