/**
 * Run once before the tests: generates the example schema for every provider under test.
 */
import path from 'node:path'
import { providersUnderTest } from './databases.ts'
import { prepareSchema, repoRoot } from './testSchemas.ts'

const started = Date.now()
for (const provider of providersUnderTest()) {
  await prepareSchema('example', path.join(repoRoot, 'prisma/schema.prisma'), path.join(repoRoot, 'prisma/changesets'), provider)
  await prepareSchema('tableChain', path.join(repoRoot, 'test/schemas/tableChain.prisma'), path.join(repoRoot, 'prisma/changesets'), provider)
  await prepareSchema('guides', path.join(repoRoot, 'test/schemas/guides.prisma'), path.join(repoRoot, 'test/schemas/changesets'), provider)
  await prepareSchema('legacy', path.join(repoRoot, 'test/schemas/legacy.prisma'), path.join(repoRoot, 'test/schemas/changesets'), provider)
  await prepareSchema('allTypes', path.join(repoRoot, 'test/schemas/allTypes.prisma'), path.join(repoRoot, 'test/schemas/changesets'), provider)
  // Native column types differ per database: one schema file for each.
  await prepareSchema(
    'nativeTypes',
    path.join(repoRoot, `test/schemas/nativeTypes.${provider}.prisma`),
    path.join(repoRoot, 'test/schemas/changesets'),
    provider,
  )
  await prepareSchema('feed', path.join(repoRoot, 'test/schemas/feed.prisma'), path.join(repoRoot, 'prisma/changesets'), provider)
  await prepareSchema('mappedNames', path.join(repoRoot, 'test/schemas/mappedNames.prisma'), path.join(repoRoot, 'test/schemas/changesets'), provider)
}
console.log(`prepared test schemas in ${Date.now() - started} ms`)
