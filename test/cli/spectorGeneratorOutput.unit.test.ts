/**
 * The spector command line finds the generated module where the schema's prisma-spector generator
 * writes it (issue: it looked only at ./generated/spector): the block's `output` resolved from the
 * folder of the .prisma file that declares it, as Prisma does, through prisma.config.ts's `schema`
 * (a file or a folder of files) or Prisma's default schema places; --generated still wins.
 */
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, test } from 'vitest'
import { findGenerated } from '../../extension/cli/generatedModule.ts'
import { generatorBlocks, spectorGeneratorOutput } from '../../extension/cli/spectorGeneratorOutput.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

/** A temp project with these files (relative path -> text); returns its folder. */
function project(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'spector-output-')))
  dirs.push(dir)
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), text)
  }
  return dir
}

const client = 'generator client {\n  provider = "prisma-client"\n  output   = "../generated/prisma"\n}\n'
const spectorBlock = (output?: string, provider = 'prisma-spector') =>
  `generator spector {\n  provider   = "${provider}"\n${output === undefined ? '' : `  output     = ${output}\n`}  changesets = "../src/changesets"\n}\n`

describe('generator blocks read from schema text', () => {
  test('string values, env(), comments and braces inside strings', () => {
    const text = [
      '// generator commented { provider = "prisma-spector" }',
      'generator spector { // the one',
      '  provider = "prisma-spector" /// trailing',
      '  output   = "../out/{weird}//name"',
      '  other    = env("SPECTOR_OUT")',
      '  list     = ["a", "b"]',
      '}',
      'model Item {',
      '  id String @id // generator fake { }',
      '}',
    ].join('\n')
    const blocks = generatorBlocks(text, '/p/schema.prisma')
    assert.equal(blocks.length, 1)
    assert.deepEqual(blocks[0]!.fields, {
      provider: { text: 'prisma-spector' },
      output: { text: '../out/{weird}//name' },
      other: { env: 'SPECTOR_OUT' },
      list: { raw: '["a", "b"]' },
    })
  })
})

describe('the prisma-spector generator output', () => {
  test('resolved from the folder of the schema file, a custom output included', () => {
    const dir = project({ 'prisma/schema.prisma': client + spectorBlock('"../src/spector-gen"') })
    assert.equal(spectorGeneratorOutput(path.join(dir, 'prisma/schema.prisma'))?.dir, path.join(dir, 'src/spector-gen'))
  })

  test('in a schema folder, from the folder of the file that declares the generator (nested files too)', () => {
    const dir = project({
      'prisma/schema/main.prisma': client,
      'prisma/schema/generators/spector.prisma': spectorBlock('"../../../lib/spector"'),
      'prisma/schema/models.prisma': 'model Item {\n  id String @id\n}\n',
    })
    assert.equal(spectorGeneratorOutput(path.join(dir, 'prisma/schema'))?.dir, path.join(dir, 'lib/spector'))
  })

  test('without output, the generator default ../generated/spector from the schema file', () => {
    const dir = project({ 'prisma/schema.prisma': client + spectorBlock() })
    assert.equal(spectorGeneratorOutput(path.join(dir, 'prisma/schema.prisma'))?.dir, path.join(dir, 'generated/spector'))
  })

  test('any provider naming prisma-spector (a node path to its bin); env("VAR") outputs read from the environment', () => {
    const provider = 'node node_modules/prisma-spector/dist/generator/bin.js'
    const dir = project({ 'schema.prisma': client + spectorBlock('env("SPECTOR_OUTPUT")', provider) })
    const schema = path.join(dir, 'schema.prisma')
    assert.equal(spectorGeneratorOutput(schema, { SPECTOR_OUTPUT: './gen' })?.dir, path.join(dir, 'gen'))
    assert.throws(() => spectorGeneratorOutput(schema, {}), /env\("SPECTOR_OUTPUT"\), which is not set/)
  })

  test('no prisma-spector generator: none; two of them: an error naming both', () => {
    const dir = project({ 'a.prisma': client, 'b/two.prisma': spectorBlock('"x"') + spectorBlock('"y"').replace('spector {', 'other {') })
    assert.equal(spectorGeneratorOutput(path.join(dir, 'a.prisma')), undefined)
    assert.throws(
      () => spectorGeneratorOutput(path.join(dir, 'b')),
      /2 prisma-spector generators \(spector in .*two\.prisma, other in .*two\.prisma\): pass --generated/,
    )
  })
})

describe('findGenerated', () => {
  const index = 'export {}\n'

  test('through prisma.config.ts: a schema folder whose generator writes to a custom output (index.mts)', async () => {
    const dir = project({
      'prisma.config.ts': "export default { schema: 'db/schema' }\n",
      'db/schema/main.prisma': client + spectorBlock('"../../app/spector"'),
      'app/spector/index.mts': index,
      // The default place holds a stale module: the generator's output wins over it.
      'generated/spector/index.ts': index,
    })
    assert.equal(await findGenerated(undefined, dir), path.join(dir, 'app/spector/index.mts'))
  })

  test("without a config, Prisma's default schema places (./schema.prisma, ./prisma/schema.prisma)", async () => {
    const dir = project({ 'prisma/schema.prisma': client + spectorBlock('"../out"'), 'out/index.ts': index })
    assert.equal(await findGenerated(undefined, dir), path.join(dir, 'out/index.ts'))
  })

  test('--generated wins; relative to the cwd', async () => {
    const dir = project({ 'prisma/schema.prisma': client + spectorBlock('"../out"'), 'out/index.ts': index, 'mine/index.ts': index })
    assert.equal(await findGenerated('mine/index.ts', dir), path.join(dir, 'mine/index.ts'))
    await assert.rejects(findGenerated('nowhere.ts', dir), /no generated prisma-spector module at .*nowhere\.ts \(from --generated\)/)
  })

  test('a generator whose output holds no module yet: the error names the folder and the schema file', async () => {
    const dir = project({ 'prisma/schema.prisma': client + spectorBlock('"../out"'), 'generated/spector/index.ts': index })
    await assert.rejects(findGenerated(undefined, dir), (error: Error) => {
      assert.match(
        error.message,
        /no generated prisma-spector module \(index\.ts, \.mts or \.cts\) in .*\/out, the output of generator spector in prisma\/schema\.prisma/,
      )
      return true
    })
  })

  test('a config that cannot be loaded here (an env() only the app sets): the default places, and its error if they fail too', async () => {
    const throwing = "throw new Error('Cannot resolve environment variable: NOPE_URL.')\nexport default {}\n"
    const dir = project({ 'prisma.config.ts': throwing, 'prisma/schema.prisma': client + spectorBlock('"../out"'), 'out/index.ts': index })
    assert.equal(await findGenerated(undefined, dir), path.join(dir, 'out/index.ts'))
    await assert.rejects(findGenerated(undefined, project({ 'prisma.config.ts': throwing })), /the Prisma config was not read: .*NOPE_URL/)
  })

  test('no schema or no prisma-spector generator: ./generated/spector, as before', async () => {
    const bare = project({ 'generated/spector/index.cts': index })
    assert.equal(await findGenerated(undefined, bare), path.join(bare, 'generated/spector/index.cts'))
    const dir = project({ 'schema.prisma': client, 'generated/spector/index.ts': index })
    assert.equal(await findGenerated(undefined, dir), path.join(dir, 'generated/spector/index.ts'))
    await assert.rejects(findGenerated(undefined, project({ 'schema.prisma': client })), /schema\.prisma has no generator whose provider is prisma-spector/)
  })
})
