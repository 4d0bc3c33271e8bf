/**
 * The generator refuses Prisma majors it does not support, with a message saying why.
 */
import assert from 'node:assert/strict'
import { test } from 'vitest'
import { checkPrismaVersion, installedPrismaVersion } from '../../generator/checkPrismaVersion.ts'
import { SpectorGeneratorError } from '../../generator/errors.ts'

test('Prisma 7.5 and later 7.x are accepted', () => {
  for (const version of ['7.5.0', '7.10.1', '7.99.0-dev.3']) checkPrismaVersion(version)
})

test('Prisma 8 and Prisma before 7.5 are refused, saying why', () => {
  assert.throws(
    () => checkPrismaVersion('8.0.0'),
    (e: unknown) =>
      e instanceof SpectorGeneratorError &&
      /Prisma 8\.0\.0 is installed, but prisma-spector needs Prisma >=7\.5 <8/.test(e.message) &&
      /no generator blocks/.test(e.message),
  )
  assert.throws(
    () => checkPrismaVersion('7.4.2'),
    (e: unknown) => e instanceof SpectorGeneratorError && /nested transactions, added in 7\.5/.test(e.message),
  )
  assert.throws(() => checkPrismaVersion('6.19.0'), SpectorGeneratorError)
})

test('the installed version is read from the project', () => {
  assert.match(installedPrismaVersion(process.cwd()) ?? '', /^7\.\d+\.\d+/)
})
