/**
 * Where the e2e harness finds this checkout, and the dependency trees it installs once per run
 * (see globalSetup.ts): one per zod line the package promises to work with.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

const checkoutZod = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules/zod/package.json'), 'utf8')) as { version: string }).version

/** The zod version each tree installs next to the packed prisma-spector. */
export const dependencyTrees = {
  /** zod 4, the version this checkout is developed with. */
  zod4: { zod: checkoutZod },
  /** zod 3.25 (its last release), the most installed line, which ships the v4 API under `zod/v4`. */
  zod3: { zod: '3.25.76' },
} as const

export type DependencyTreeName = keyof typeof dependencyTrees
