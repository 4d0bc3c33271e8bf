/**
 * Emits `<output>/index.ts`: the typed `spector()` entry point users pass to `$extends`, wiring each
 * evented model's metadata and codec to the changeset in the user's changesets folder.
 */
import type { ModelMetadata, RelationGraph } from '../extension/core/metadata.ts'
import { header } from './emitModelModule.ts'
import type { ImportPaths } from './importPaths.ts'
import { lowerFirst } from './names.ts'

export function emitIndex(models: readonly ModelMetadata[], relations: RelationGraph, provider: string, paths: ImportPaths): string {
  const lines: string[] = [header, '']
  lines.push(`import { createSpectorExtension, type ActionSchemasOf, type JsonValue, type SpectorOptions, type SpectorSchema } from 'prisma-spector'`)
  lines.push(`import { Prisma } from '${paths.client}'`)
  lines.push(`/** The Prisma client this module was generated with (the spector command line uses it). */`)
  lines.push(`export { PrismaClient } from '${paths.client}'`)
  for (const m of models) {
    lines.push(`import { ${lowerFirst(m.name)}Metadata, ${lowerFirst(m.name)}Codec, type ${m.name}SpectorMethods } from './${m.name}${paths.extension}'`)
    lines.push(`import { changeset as ${lowerFirst(m.name)}Changeset } from '${paths.changeset(m.name)}'`)
  }
  lines.push('')
  for (const m of models) lines.push(`export * from './${m.name}${paths.extension}'`)
  lines.push(
    '',
    '/** Every evented model of the schema, with its changeset. */',
    'export const spectorSchema: SpectorSchema = {',
    `  provider: ${JSON.stringify(provider)},`,
    '  models: [',
    ...models.map((m) => `    { metadata: ${lowerFirst(m.name)}Metadata, codec: ${lowerFirst(m.name)}Codec, changeset: ${lowerFirst(m.name)}Changeset },`),
    '  ],',
    `  relations: ${JSON.stringify(relations)},`,
    '}',
    '',
    '/** The methods prisma-spector adds to (or takes over on) each evented model. */',
    'export type SpectorModels = {',
    ...models.map((m) => `  ${m.delegate}: ${m.name}SpectorMethods<ActionSchemasOf<typeof ${lowerFirst(m.name)}Changeset>>`),
    '}',
    '',
    '/**',
    ' * The prisma-spector client extension:',
    ' *',
    ' *     const prisma = new PrismaClient({ adapter }).$extends(spector())',
    ' *',
    ' * `metadataSchema` (zod) types and checks the metadata `$spector.withContext` and the `context` option give events.',
    ' */',
    'export function spector<Meta = Record<string, JsonValue>>(options: SpectorOptions<Meta> = {}) {',
    '  const extension = createSpectorExtension<Meta>(spectorSchema, options)',
    '  return Prisma.defineExtension((client) => {',
    '    // `$spector` needs the extended client (feed reads, subscriber transactions): bound once it exists.',
    '    const $spector = extension.api()',
    "    // Two layers: the row-write gate first, then Prisma's writes as commands, run on the gated client (see spectorExtension.ts).",
    '    const gated = client.$extends({ name: `${extension.name}:row-writes`, query: extension.query as {} })',
    '    const extended = gated.$extends({',
    '      name: extension.name,',
    '      query: extension.commands(gated) as {},',
    '      model: extension.model as unknown as SpectorModels,',
    '      client: { ...extension.client, $spector },',
    '    })',
    '    $spector.bind(extended)',
    '    return extended',
    '  })',
    '}',
    '',
  )
  return lines.join('\n')
}
