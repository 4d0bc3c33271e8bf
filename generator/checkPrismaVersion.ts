/**
 * prisma-spector supports Prisma >= 7.5 < 8: nested transactions (7.5) carry its atomicity, and
 * Prisma 8 drops generators and `$extends`. The installed `prisma` package decides. The generated
 * code imports `zod/v4`, which zod ships from 3.25 on: the application's zod is checked too.
 */
import { createRequire } from 'node:module'
import path from 'node:path'
import { SpectorGeneratorError } from './errors.ts'

export const supportedPrisma = '>=7.5 <8'

export function installedPrismaVersion(fromDir: string): string | undefined {
  const require = createRequire(path.join(fromDir, 'noop.js'))
  for (const pkg of ['prisma/package.json', '@prisma/client/package.json']) {
    try {
      return (require(pkg) as { version: string }).version
    } catch {
      // try the next one
    }
  }
  return undefined
}

/** Throws unless `version` is within >=7.5 <8. */
export function checkPrismaVersion(version: string | undefined): void {
  if (version === undefined) return
  const [major, minor] = version.split('.').map((part) => Number.parseInt(part, 10))
  if (major === 7 && (minor ?? 0) >= 5) return
  throw new SpectorGeneratorError(
    undefined,
    `Prisma ${version} is installed, but prisma-spector needs Prisma ${supportedPrisma}` +
      (major !== undefined && major >= 8
        ? ' (Prisma 8 has no generator blocks or $extends; stay on Prisma 7 for now)'
        : ' (it relies on nested transactions, added in 7.5)'),
  )
}

export const supportedZod = '>=3.25'

/** The version of the zod that code in `fromDir` imports, or undefined when none is installed. */
export function installedZodVersion(fromDir: string): string | undefined {
  try {
    return (createRequire(path.join(fromDir, 'noop.js'))('zod/package.json') as { version: string }).version
  } catch {
    return undefined
  }
}

/** Throws unless zod >= 3.25 (the first with `zod/v4`) is installed where the generated code lives. */
export function checkZodVersion(version: string | undefined): void {
  const [major, minor] = (version ?? '').split('.').map((part) => Number.parseInt(part, 10))
  if (major !== undefined && (major > 3 || (major === 3 && (minor ?? 0) >= 25))) return
  throw new SpectorGeneratorError(
    undefined,
    version === undefined
      ? `zod is not installed: the generated code validates events with it; run \`npm install zod\` (${supportedZod})`
      : `zod ${version} is installed, but the generated code needs zod ${supportedZod} (it imports "zod/v4", which zod 3.25 and 4 ship); run \`npm install zod@^4\``,
  )
}
