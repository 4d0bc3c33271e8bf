/**
 * Runs `prisma generate` for a schema. Offline machines cannot download Prisma's native schema
 * engine, which generation does not use; pointing PRISMA_SCHEMA_ENGINE_BINARY at any executable
 * (node itself) lets the CLI start without it.
 *
 *     tsx prisma/generate.ts [path/to/schema.prisma]
 */
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)

export function prismaGenerate(schemaPath: string, options: { quiet?: boolean } = {}): void {
  const cli = require.resolve('prisma/build/index.js')
  execFileSync(process.execPath, [cli, 'generate', '--schema', path.resolve(schemaPath)], {
    cwd: path.dirname(path.resolve(schemaPath)),
    stdio: options.quiet ? 'pipe' : 'inherit',
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
  })
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  prismaGenerate(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'schema.prisma'))
}
