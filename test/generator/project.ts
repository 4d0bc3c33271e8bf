/**
 * A throwaway project in the OS temp folder for end-to-end generator tests: a schema whose
 * generators write into it, and a node_modules of symlinks so that the generated code resolves
 * 'prisma-spector' (this repository, as an installed package would) and its dependencies.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** The repository's node_modules entries a generated project needs (types for tsc included). */
const linkedModules = ['@prisma', '@types', 'prisma', 'zod', 'uuidv7']

export interface TempProjectOptions {
  /** The client generator's provider (default `prisma-client`). */
  clientProvider?: string
  /** Extra lines in the client generator block, such as `generatedFileExtension = "mts"`. */
  clientSettings?: string
  /** Extra lines in the spector generator block. */
  spectorSettings?: string
  /** package.json `type` (default `module`; undefined in the object = CommonJS). */
  packageType?: 'module' | 'commonjs'
  /** A folder to install as node_modules/zod instead of the repository's zod. */
  zodDir?: string
  /** The datasource provider (default sqlite; generation needs no database). */
  provider?: 'sqlite' | 'postgresql' | 'mysql'
}

export interface GenerateOutcome {
  ok: boolean
  /** The exit code of `prisma generate`. */
  status: number | null
  stdout: string
  stderr: string
}

export interface TempProject {
  dir: string
  schemaFile: string
  /** The prisma-spector generator's output folder. */
  spectorDir: string
  clientDir: string
  changesetsDir: string
  /** Writes schema.prisma: the generator blocks, the datasource, then `models`. */
  writeSchema(models: string): string
  /** Runs `prisma generate` on schema.prisma (cwd: the project); never throws on a failed run. */
  generate(): GenerateOutcome
  /** Like generate(), but fails with Prisma's output when the run fails; returns what it printed. */
  generateOk(): string
  remove(): void
}

export function createTempProject(prefix: string, options: TempProjectOptions = {}): TempProject {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `spector-${prefix}-`)))
  const modules = path.join(dir, 'node_modules')
  fs.mkdirSync(modules)
  fs.symlinkSync(repoRoot, path.join(modules, 'prisma-spector'), 'dir')
  for (const name of linkedModules) {
    const target = name === 'zod' && options.zodDir ? options.zodDir : path.join(repoRoot, 'node_modules', name)
    fs.symlinkSync(target, path.join(modules, name), 'dir')
  }
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `spector-${prefix}`, private: true, type: options.packageType ?? 'module' }, null, 2))

  const project: TempProject = {
    dir,
    schemaFile: path.join(dir, 'schema.prisma'),
    spectorDir: path.join(dir, 'generated/spector'),
    clientDir: path.join(dir, 'generated/client'),
    changesetsDir: path.join(dir, 'src/changesets'),
    writeSchema(models) {
      const text = `${generatorBlocks(project, options)}\n${models.trim()}\n`
      fs.writeFileSync(project.schemaFile, text)
      return text
    },
    generate() {
      try {
        const stdout = execFileSync(process.execPath, [prismaCli, 'generate', '--schema', project.schemaFile], {
          cwd: dir,
          encoding: 'utf8',
          stdio: 'pipe',
          env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
        })
        return { ok: true, status: 0, stdout, stderr: '' }
      } catch (error) {
        const e = error as { status?: number | null; stdout?: Buffer | string; stderr?: Buffer | string }
        if (e.status === undefined) throw error
        return { ok: false, status: e.status, stdout: String(e.stdout ?? ''), stderr: String(e.stderr ?? '') }
      }
    },
    generateOk() {
      const outcome = project.generate()
      if (!outcome.ok) throw new Error(`prisma generate failed (exit ${outcome.status}):\n${outcome.stderr}${outcome.stdout}`)
      return outcome.stdout
    },
    remove() {
      // fs.rmSync does not follow the node_modules symlinks: only the links go.
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
  return project
}

const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js')

function generatorBlocks(project: TempProject, options: TempProjectOptions): string {
  return `generator client {
  provider = "${options.clientProvider ?? 'prisma-client'}"
  output   = "${project.clientDir}"
  ${options.clientSettings ?? ''}
}

generator spector {
  provider   = "node ${path.join(repoRoot, 'dist/generator/bin.js')}"
  output     = "${project.spectorDir}"
  changesets = "${project.changesetsDir}"
  ${options.spectorSettings ?? ''}
}

datasource db {
  provider = "${options.provider ?? 'sqlite'}"
}
`
}

/** The @events model, as users paste it. */
export const eventsModelText = `/// The event log.
/// @events
model Event {
  id         String   @id
  recordId   String
  model      String
  action     String
  payload    Json
  version    Int
  sequence   Int
  insertedAt DateTime @default(now())
  hash       Bytes?
  prevHash   Bytes?
  metadata   Json?

  @@unique([recordId, sequence])
  @@index([model])
}`

/** Two evented models (one with a non-`id` primary key), an enum and a plain related model. */
export function exampleModels(itemAnnotation = '@evented(version=1, actions=[archive, restore])'): string {
  return `${eventsModelText}

enum Status {
  DRAFT
  PUBLISHED
}

/// Something on a shelf.
/// ${itemAnnotation}
model Item {
  id         String    @id
  name       String
  value      Int?      @default(0)
  status     Status    @default(DRAFT)
  archivedAt DateTime?
  createdAt  DateTime  @default(now())
  updatedAt  DateTime  @updatedAt
  tags       Tag[]
}

/// @evented
model Note {
  uuid String @id
  body String
  ref  String @default(uuid(7))
}

model Tag {
  id     Int    @id @default(autoincrement())
  label  String
  item   Item   @relation(fields: [itemId], references: [id])
  itemId String
}`
}

/** The 1-based line of the first line of `text` that contains `needle`. */
export function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle))
  if (index < 0) throw new Error(`"${needle}" is not in the text`)
  return index + 1
}

/** The metadata object a generated model module exports. */
export function readMetadata(project: TempProject, model: string): Record<string, unknown> {
  const text = fs.readFileSync(path.join(project.spectorDir, `${model}.ts`), 'utf8')
  const match = /Metadata = (\{[\s\S]*?\n\}) as const satisfies ModelMetadata/.exec(text)
  if (!match) throw new Error(`no metadata in ${model}.ts`)
  return JSON.parse(match[1]!) as Record<string, unknown>
}
