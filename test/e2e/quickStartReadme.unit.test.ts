/**
 * The README's Quick start and docs/quick-start, which the e2e suite runs, must not drift: every
 * file there is a marked block of the Quick start with the same text, and the Quick start shows
 * no import that nodenext or plain Node ESM would refuse.
 */
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'vitest'
import { quickStartBlocks, quickStartDir, quickStartFiles, readmeQuickStart } from './harness/quickStart.ts'

test('each file of docs/quick-start is a marked block of the README Quick start, verbatim', () => {
  const blocks = quickStartBlocks()
  const fileBlocks = [...blocks.keys()].filter((name) => name !== 'commands').sort()
  assert.deepEqual(fileBlocks, quickStartFiles())
  for (const file of fileBlocks) {
    assert.equal(blocks.get(file), fs.readFileSync(path.join(quickStartDir, file), 'utf8'), `README block for ${file} differs from docs/quick-start/${file}`)
  }
})

test('the Quick start imports files, not directories (nodenext and Node ESM refuse a directory import)', () => {
  const imports = [...readmeQuickStart().matchAll(/from '(\.{1,2}\/[^']*)'/g)].map((match) => match[1]!)
  assert.ok(imports.length > 0)
  for (const specifier of imports) assert.match(specifier, /\.(js|mjs|cjs)$/, `import of '${specifier}'`)
})

test('the Quick start has the datasource block and prisma.config.ts that Prisma 7 needs', () => {
  const blocks = quickStartBlocks()
  assert.match(blocks.get('prisma/schema.prisma') ?? '', /^datasource db \{/m)
  assert.match(blocks.get('prisma.config.ts') ?? '', /defineConfig\(\{[\s\S]*datasource: \{ url:/)
})
