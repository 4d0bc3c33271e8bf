/**
 * One generator run: read the schema, then write the regenerated module and any missing changeset
 * stubs. Separated from the JSON-RPC handler so tests can call it with a DMMF of their own.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { DMMF } from '@prisma/generator-helper'
import { SpectorGeneratorError } from './errors.ts'
import { emitChangesetStub } from './emitChangesetStub.ts'
import { emitIndex } from './emitIndex.ts'
import { emitModelModule, header } from './emitModelModule.ts'
import { importPaths } from './importPaths.ts'
import { withNativeColumns } from './nativeColumns.ts'
import { readSpectorSchema, type Locate } from './readSpectorSchema.ts'

export interface GenerateInput {
  datamodel: DMMF.Datamodel
  provider: string
  /** Where the regenerated module goes. */
  output: string
  /** Where user-owned changeset stubs go. */
  changesets: string
  /** The Prisma client generator's output folder. */
  clientOutput: string
  /** How the Prisma client generator writes and imports its files (clientModuleSettings.ts). */
  generatedFileExtension: string
  importFileExtension: string
  locate?: Locate
}

export interface GenerateResult {
  written: string[]
  /** Changeset stubs created by this run (existing ones are left alone). */
  createdChangesets: string[]
}

export function generate(input: GenerateInput): GenerateResult {
  const read = readSpectorSchema(input.datamodel, input.locate)
  const schema = { ...read, models: withNativeColumns(read.models, input.datamodel, input.provider) }
  const paths = importPaths(input)
  const written: string[] = []
  const createdChangesets: string[] = []

  fs.mkdirSync(input.output, { recursive: true })
  removeOwnFiles(input.output)
  const write = (file: string, text: string) => {
    fs.writeFileSync(file, text)
    written.push(file)
  }
  const ext = `.${input.generatedFileExtension}`
  for (const model of schema.models) write(path.join(input.output, `${model.name}${ext}`), emitModelModule(model, schema.enums, paths, input.provider))
  write(path.join(input.output, `index${ext}`), emitIndex(schema.models, schema.relations, input.provider, paths))

  if (schema.models.length) fs.mkdirSync(input.changesets, { recursive: true })
  for (const model of schema.models) {
    const file = path.join(input.changesets, `${model.name}${ext}`)
    if (fs.existsSync(file)) continue
    fs.writeFileSync(file, emitChangesetStub(model, paths), { flag: 'wx' })
    createdChangesets.push(file)
  }
  return { written, createdChangesets }
}

/** Deletes files an earlier run generated (a removed model's module), and nothing else. */
function removeOwnFiles(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name)
    if (!/\.[mc]?ts$/.test(name) || !fs.statSync(file).isFile()) continue
    if (fs.readFileSync(file, 'utf8').startsWith(header.split('\n')[0]!)) fs.rmSync(file)
  }
}

/** The options of the spector generator block (besides provider and output). */
const generatorOptions = ['changesets']

/** Refuses an option the generator does not know (a misspelled `changesets` would otherwise be ignored). */
export function checkGeneratorOptions(config: Record<string, string | string[] | undefined>): void {
  const unknown = Object.keys(config).filter((key) => !generatorOptions.includes(key))
  if (!unknown.length) return
  const near = (key: string) => (key.toLowerCase().startsWith('changeset') || 'changesets'.startsWith(key.toLowerCase()) ? ' (did you mean "changesets"?)' : '')
  throw new SpectorGeneratorError(
    undefined,
    unknown.map((key) => `unknown option "${key}" in the spector generator block${near(key)}; it takes: ${generatorOptions.join(', ')}`).join('\n'),
  )
}

/** Reads the generator's `changesets` setting, relative to the schema file. */
export function changesetsDir(config: Record<string, string | string[] | undefined>, schemaDir: string): string {
  const value = config.changesets
  if (value === undefined) return path.join(schemaDir, 'changesets')
  if (typeof value !== 'string' || !value.trim()) {
    throw new SpectorGeneratorError(undefined, 'generator option "changesets" must be a folder path, such as "../src/changesets"')
  }
  return path.resolve(schemaDir, value)
}
