/**
 * Per-provider copies of a schema, generated into test/.generated/<name>/<provider>/ with their own
 * Prisma client and prisma-spector module, and the CREATE script for each. The example schema's
 * changesets folder is shared: the generator never overwrites a changeset that exists.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { prismaGenerate } from '../../prisma/generate.ts'
import { createScript, withProvider, type Provider } from './databases.ts'
import { mysqlCreateScript } from './mysqlCreateScript.ts'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const generatedRoot = path.join(repoRoot, 'test/.generated')

export interface PreparedSchema {
  dir: string
  clientModule: string
  spectorModule: string
  createSql: string
}

/** Swaps a schema's generator blocks for ones that write into `dir`. */
export function schemaFor(schemaText: string, provider: Provider, dir: string, changesets: string): string {
  const withoutGenerators = schemaText.replace(/^generator\s+\w+\s*\{[^}]*\}\s*$/gm, '')
  const generators = [
    `generator client {\n  provider = "prisma-client"\n  output   = "${path.join(dir, 'client')}"\n}`,
    `generator spector {\n  provider   = "node ${path.join(repoRoot, 'dist/generator/bin.js')}"\n  output     = "${path.join(dir, 'spector')}"\n  changesets = "${changesets}"\n}`,
  ]
  // The wasm schema engine cannot write MySQL DDL; the DMMF lets test support write it instead.
  if (provider === 'mysql') {
    generators.push(`generator dmmf {\n  provider = "node ${path.join(repoRoot, 'test/support/dumpDmmfGenerator.mjs')}"\n  output   = "${dir}"\n}`)
  }
  return withProvider(`${generators.join('\n\n')}\n${withoutGenerators}`, provider)
}

export function schemaDir(name: string, provider: Provider): string {
  return path.join(generatedRoot, name, provider)
}

/** Generates client + spector module for one provider and writes create.sql beside them. */
export async function prepareSchema(name: string, schemaPath: string, changesets: string, provider: Provider): Promise<PreparedSchema> {
  const dir = schemaDir(name, provider)
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  const text = schemaFor(fs.readFileSync(schemaPath, 'utf8'), provider, dir, changesets)
  const file = path.join(dir, 'schema.prisma')
  fs.writeFileSync(file, text)
  prismaGenerate(file, { quiet: true })
  const createSql =
    provider === 'mysql' ? mysqlCreateScript(JSON.parse(fs.readFileSync(path.join(dir, 'datamodel.json'), 'utf8'))) : await createScript(text, provider)
  fs.writeFileSync(path.join(dir, 'create.sql'), createSql)
  return loadPreparedSchema(name, provider)
}

export function loadPreparedSchema(name: string, provider: Provider): PreparedSchema {
  const dir = schemaDir(name, provider)
  const sqlFile = path.join(dir, 'create.sql')
  if (!fs.existsSync(sqlFile)) {
    throw new Error(`${dir} is not prepared: run \`npm test\` (or \`tsx test/support/prepare.ts\`) first`)
  }
  return {
    dir,
    clientModule: path.join(dir, 'client/client.ts'),
    spectorModule: path.join(dir, 'spector/index.ts'),
    createSql: fs.readFileSync(sqlFile, 'utf8'),
  }
}
