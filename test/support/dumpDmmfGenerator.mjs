/**
 * A tiny Prisma generator that writes the DMMF datamodel of the schema to `<output>/datamodel.json`.
 *
 * Use it from a schema (with an absolute path):
 *
 *     generator dmmf {
 *       provider = "node /abs/path/to/test/support/dumpDmmfGenerator.mjs"
 *       output   = "/abs/or/relative/dir"
 *     }
 *
 * `prisma generate` then writes `JSON.stringify(options.dmmf.datamodel)` there (the directory is
 * created if needed). Plain ESM JavaScript so that the Prisma CLI can start it with plain `node`.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import generatorHelper from '@prisma/generator-helper'

generatorHelper.generatorHandler({
  onManifest: () => ({ prettyName: 'dmmf dump' }),
  onGenerate: async (options) => {
    const dir = options.generator.output?.value
    if (!dir) throw new Error('dumpDmmfGenerator: the generator block needs an `output` directory')
    await mkdir(dir, { recursive: true })
    await writeFile(path.join(dir, 'datamodel.json'), `${JSON.stringify(options.dmmf.datamodel, null, 2)}\n`)
  },
})
