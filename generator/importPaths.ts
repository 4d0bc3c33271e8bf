/**
 * The module specifiers the generated files use, relative to where each file lives, with the
 * file extension the Prisma client generator uses for its own imports (see clientModuleSettings.ts).
 */
import path from 'node:path'

export interface ImportPaths {
  /** From the output folder to the Prisma client's entry (`client.ts`). */
  client: string
  /** From the output folder to a model's changeset module. */
  changeset(model: string): string
  /** From the changesets folder to a model's generated module. */
  modelModule(model: string): string
  /** The extension used on relative imports (`.ts`, `.js` or ''). */
  extension: string
}

export interface ImportPathOptions {
  output: string
  changesets: string
  clientOutput: string
  /** The client generator's import extension: 'ts', 'js', '' ... */
  importFileExtension: string
}

export function importPaths(options: ImportPathOptions): ImportPaths {
  const ext = options.importFileExtension ? `.${options.importFileExtension}` : ''
  const rel = (from: string, to: string) => {
    const r = path.relative(from, to).split(path.sep).join('/')
    return r.startsWith('.') ? r : `./${r}`
  }
  return {
    client: `${rel(options.output, path.join(options.clientOutput, 'client'))}${ext}`,
    changeset: (model) => `${rel(options.output, path.join(options.changesets, model))}${ext}`,
    modelModule: (model) => `${rel(options.changesets, path.join(options.output, model))}${ext}`,
    extension: ext,
  }
}
