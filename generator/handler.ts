/**
 * The Prisma generator protocol: `prisma generate` starts the bin, which answers the manifest and
 * generate requests here. What it prints on stdout (the generator's stdout is Prisma's) tells the
 * user which changeset files it created and which annotations it had to ignore.
 */
import path from 'node:path'
import generatorHelper, { type GeneratorOptions } from '@prisma/generator-helper'
import { annotationWarnings } from './annotationWarnings.ts'
import { checkPrismaVersion, checkZodVersion, installedPrismaVersion, installedZodVersion } from './checkPrismaVersion.ts'
import { clientModuleSettings } from './clientModuleSettings.ts'
import { SpectorGeneratorError } from './errors.ts'
import { changesetsDir, checkGeneratorOptions, generate } from './generate.ts'
import { defaultSpectorOutput } from '../extension/cli/spectorGeneratorOutput.ts'
import { schemaFiles, schemaLocator } from './locateInSchema.ts'

export async function onGenerate(options: GeneratorOptions): Promise<void> {
  const schemaFile = options.generator.sourceFilePath || options.schemaPath
  const schemaDir = path.dirname(schemaFile)
  checkPrismaVersion(installedPrismaVersion(schemaDir))
  checkGeneratorOptions(options.generator.config)

  const output = options.generator.output?.value
  if (!output) throw new SpectorGeneratorError(undefined, 'the spector generator needs an `output` folder')
  checkZodVersion(installedZodVersion(output))
  const client = options.otherGenerators.find((g) => g.provider.value === 'prisma-client')
  if (!client && options.otherGenerators.some((g) => g.provider.value === 'prisma-client-js')) {
    throw new SpectorGeneratorError(
      undefined,
      'the schema uses the old `prisma-client-js` generator, which prisma-spector does not support: ' +
        'use `generator client { provider = "prisma-client" output = "../generated/prisma" }` and import PrismaClient from that folder',
    )
  }
  if (!client?.output?.value) {
    throw new SpectorGeneratorError(
      undefined,
      'no Prisma client generator found: add `generator client { provider = "prisma-client" output = "..." }` to the schema',
    )
  }
  const settings = clientModuleSettings(client.config, client.output.value)
  const locate = schemaLocator(options.schemaPath)
  const cwd = process.cwd()
  const shown = (file: string) => path.relative(cwd, file) || file
  const datasource = options.datasources[0]
  const result = generate({
    datamodel: options.dmmf.datamodel,
    provider: datasource?.activeProvider ?? datasource?.provider ?? 'unknown',
    output,
    changesets: changesetsDir(options.generator.config, schemaDir),
    clientOutput: client.output.value,
    generatedFileExtension: settings.generatedFileExtension,
    importFileExtension: settings.importFileExtension,
    locate,
  })
  const files = options.schemaPath ? schemaFiles(options.schemaPath).map((f) => ({ path: shown(f.path), text: f.text })) : []
  for (const warning of annotationWarnings(options.dmmf.datamodel, files, locate)) console.log(`prisma-spector: warning: ${warning}`)
  for (const file of result.createdChangesets) console.log(`prisma-spector: created ${shown(file)} (a changeset stub: yours to edit, never overwritten)`)
}

export function runGenerator(): void {
  generatorHelper.generatorHandler({
    onManifest: () => ({ prettyName: 'prisma-spector', defaultOutput: defaultSpectorOutput }),
    onGenerate,
  })
}
