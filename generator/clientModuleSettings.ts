/**
 * The file extensions and module format of the `prisma-client` generator of the same schema, so
 * that the spector module is written and imports exactly as Prisma's client does: the client
 * generator's `generatedFileExtension`, `importFileExtension` and `moduleFormat` when set, and where
 * not, inferred by Prisma's rules from the tsconfig nearest the client's output folder.
 */
import fs from 'node:fs'
import { SpectorGeneratorError } from './errors.ts'
import { findUp, nearestTsconfig, type CompilerOptions } from './readTsconfig.ts'

export interface ClientModuleSettings {
  /** The extension of the generated files: `ts`, `mts` or `cts`. */
  generatedFileExtension: string
  /** The extension relative imports carry: `''`, `js`, `ts`, `mjs`... */
  importFileExtension: string
  /** Whether the generated TypeScript is compiled to ES modules or CommonJS. */
  moduleFormat: 'esm' | 'cjs'
}

type GeneratorConfig = Record<string, string | string[] | undefined>

export function clientModuleSettings(config: GeneratorConfig, clientOutput: string): ClientModuleSettings {
  const compilerOptions = nearestTsconfig(clientOutput)?.compilerOptions
  const generatedFileExtension = setting(config, 'generatedFileExtension') ?? 'ts'
  const importFileExtension =
    setting(config, 'importFileExtension') ?? inferredImportExtension(compilerOptions, generatedFileExtension, setting(config, 'runtime'))
  const format = setting(config, 'moduleFormat')
  if (format !== undefined && format !== 'esm' && format !== 'cjs') {
    throw new SpectorGeneratorError(undefined, `the client generator's moduleFormat is ${JSON.stringify(format)}; expected "esm" or "cjs"`)
  }
  const moduleFormat = format ?? inferredModuleFormat(compilerOptions, generatedFileExtension, importFileExtension, clientOutput)
  return { generatedFileExtension, importFileExtension, moduleFormat }
}

function setting(config: GeneratorConfig, key: string): string | undefined {
  const value = config[key]
  if (value === undefined || typeof value === 'string') return value
  throw new SpectorGeneratorError(undefined, `the client generator's ${key} must be a string, got ${JSON.stringify(value)}`)
}

/** Prisma's rule: keep `.ts` where TypeScript allows it, none under bundler or CommonJS, else the emitted JS extension. */
function inferredImportExtension(options: CompilerOptions | undefined, generated: string, runtime: string | undefined): string {
  if (runtime === 'deno' || !options) return generated
  if (options['allowImportingTsExtensions'] || options['rewriteRelativeImportExtensions']) return generated
  if (lower(options['module']) === 'commonjs' || lower(options['moduleResolution']) === 'bundler') return ''
  return ({ ts: 'js', mts: 'mjs', cts: 'cjs' } as Record<string, string>)[generated] ?? generated
}

/** Prisma's rule: tsconfig `module` decides (node16/nodenext: the nearest package.json's `type`), else the extensions. */
function inferredModuleFormat(options: CompilerOptions | undefined, generated: string, imported: string, outputDir: string): 'esm' | 'cjs' {
  const module = lower(options?.['module'])
  if (!module) return generated === 'cts' || imported === 'cjs' ? 'cjs' : 'esm'
  if (module === 'commonjs') return 'cjs'
  if (module !== 'node16' && module !== 'nodenext') return 'esm'
  const packageJson = findUp(outputDir, 'package.json')
  if (!packageJson) return 'cjs'
  try {
    return (JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { type?: unknown }).type === 'module' ? 'esm' : 'cjs'
  } catch {
    return 'cjs'
  }
}

function lower(value: unknown): string | undefined {
  return typeof value === 'string' ? value.toLowerCase() : undefined
}
