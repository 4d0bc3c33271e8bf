/**
 * The Prisma generator protocol: `prisma generate` starts the bin, which answers the manifest and
 * generate requests here.
 */
import path from 'node:path'
import generatorHelper, { type GeneratorOptions } from '@prisma/generator-helper'
import { checkPrismaVersion, installedPrismaVersion } from './checkPrismaVersion.ts'
import { SpectorGeneratorError } from './errors.ts'
import { changesetsDir, generate } from './generate.ts'
import { schemaLocator } from './locateInSchema.ts'

const clientProviders = new Set(['prisma-client', 'prisma-client-js'])

export async function onGenerate(options: GeneratorOptions): Promise<void> {
  const schemaFile = options.generator.sourceFilePath || options.schemaPath
  const schemaDir = path.dirname(schemaFile)
  checkPrismaVersion(installedPrismaVersion(schemaDir))

  const output = options.generator.output?.value
  if (!output) throw new SpectorGeneratorError(undefined, 'the spector generator needs an `output` folder')
  const client = options.otherGenerators.find((g) => clientProviders.has(g.provider.value ?? ''))
  if (!client?.output?.value) {
    throw new SpectorGeneratorError(
      undefined,
      'no Prisma client generator found: add `generator client { provider = "prisma-client" output = "..." }` to the schema',
    )
  }
  const ext = client.config.importFileExtension
  const datasource = options.datasources[0]
  generate({
    datamodel: options.dmmf.datamodel,
    provider: datasource?.activeProvider ?? datasource?.provider ?? 'unknown',
    output,
    changesets: changesetsDir(options.generator.config, schemaDir),
    clientOutput: client.output.value,
    importFileExtension: typeof ext === 'string' ? ext : undefined,
    locate: schemaLocator(options.schemaPath),
  })
}

export function runGenerator(): void {
  generatorHelper.generatorHandler({
    onManifest: () => ({ prettyName: 'prisma-spector', defaultOutput: '../generated/spector' }),
    onGenerate,
  })
}
