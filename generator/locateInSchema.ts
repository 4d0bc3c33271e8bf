/**
 * Finds the file and line of a model (and of an annotation above it) in the schema files, so that
 * generator errors can point at them. DMMF carries no positions, so this reads the files.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { SchemaLocation } from './errors.ts'
import type { Locate } from './readSpectorSchema.ts'

/** `schemaPath` is the schema file, or the folder of a multi-file schema. */
export function schemaLocator(schemaPath: string | undefined): Locate {
  if (!schemaPath) return () => undefined
  const files = schemaFiles(schemaPath)
  const cwd = process.cwd()
  return (model, documentationLine) => {
    const declaration = new RegExp(`^\\s*model\\s+${model}\\s*\\{`)
    for (const file of files) {
      const lines = file.text.split('\n')
      const index = lines.findIndex((l) => declaration.test(l))
      if (index < 0) continue
      let line = index + 1
      if (documentationLine !== undefined) {
        // The documentation is the run of /// lines right above the model.
        let start = index
        while (start > 0 && /^\s*\/\/\//.test(lines[start - 1]!)) start--
        const docLines = lines.slice(start, index).filter((l) => /^\s*\/\/\//.test(l))
        if (documentationLine < docLines.length) line = start + documentationLine + 1
      }
      return { file: path.relative(cwd, file.path) || file.path, line } satisfies SchemaLocation
    }
    return undefined
  }
}

/** The text of the schema file, or of every .prisma file of a multi-file schema folder. */
export function schemaFiles(schemaPath: string): { path: string; text: string }[] {
  try {
    const stat = fs.statSync(schemaPath)
    const paths = stat.isDirectory()
      ? fs
          .readdirSync(schemaPath, { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.prisma'))
          .map((f) => path.join(schemaPath, f))
      : [schemaPath]
    return paths.map((p) => ({ path: p, text: fs.readFileSync(p, 'utf8') }))
  } catch {
    return []
  }
}
