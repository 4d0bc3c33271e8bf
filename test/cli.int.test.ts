/**
 * The spector command line, run as a process against a real database of each provider.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, test } from 'vitest'
import { appendOnlySql } from 'prisma-spector'
import { createTestDatabase, providersUnderTest } from './support/databases.ts'
import { withExample } from './support/exampleClient.ts'
import { withLegacy } from './support/legacyClient.ts'
import { withPreparedSchema } from './support/preparedClient.ts'
import { loadPreparedSchema, repoRoot } from './support/testSchemas.ts'

const cli = path.join(repoRoot, 'dist/extension/cli/spector.js')

// The allTypes client, untyped: this file checks what the command line prints, not the client's types.
type AnyModule = { spector(): object }
type AnyPrisma = { $disconnect(): Promise<void>; $extends(extension: object): any }

/** Runs the CLI in `cwd` (default the repository) with DATABASE_URL as given (default unset). */
function runCli(args: string[], options: { cwd?: string; databaseUrl?: string } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: options.databaseUrl ?? '' },
  })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

for (const provider of providersUnderTest()) {
  describe(`spector command line on ${provider}`, () => {
    test('verify, checkpoint, history, replay and check, for people and as JSON, with exit codes', () =>
      withExample(provider, async (ctx) => {
        const generated = loadPreparedSchema('example', provider).spectorModule
        const spector = (...args: string[]) => {
          const r = spawnSync(process.execPath, [cli, ...args, '--generated', generated], {
            cwd: repoRoot,
            encoding: 'utf8',
            env: { ...process.env, DATABASE_URL: ctx.db.url },
          })
          return { code: r.status, out: r.stdout, err: r.stderr }
        }
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp', value: 1 } })
        await ctx.prisma.item.update({ where: { id: item.id }, data: { name: 'Desk lamp' } })
        await ctx.prisma.item.execute(item.id, 'increment', { by: 2 })

        const verified = spector('verify')
        assert.equal(verified.code, 0, verified.err)
        assert.match(verified.out, /ok: 3 events in 1 records verified/)

        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'spector-cli-')), 'checkpoint.json')
        try {
          assert.equal(spector('checkpoint', '--out', file).code, 0)
          assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).events, 3)

          const history = spector('history', 'Item', item.id)
          assert.equal(history.code, 0, history.err)
          assert.match(history.out, /update .*name: Lamp → Desk lamp/)
          assert.match(history.out, /increment .*value: 1 → 3/)
          const asJson = JSON.parse(spector('history', 'Item', item.id, '--json').out)
          assert.deepEqual(
            asJson.map((r: { action: string }) => r.action),
            ['insert', 'update', 'increment'],
          )

          const replayed = JSON.parse(spector('replay', 'Item', item.id, '--until', '2', '--json').out)
          assert.deepEqual([replayed.name, replayed.value], ['Desk lamp', 1])

          await ctx.db.exec(`UPDATE ${ctx.q('Item')} SET ${ctx.q('name')} = 'Hacked' WHERE ${ctx.q('id')} = '${item.id}'`)
          const check = spector('check')
          assert.equal(check.code, 1)
          assert.match(check.out, /Item: 1 records checked, 1 drifted/)
          assert.match(check.out, /changed +name +Desk lamp +Hacked/)

          const [, , third] = await ctx.prisma.item.events(item.id)
          await ctx.db.exec(`DELETE FROM ${ctx.q('Event')} WHERE ${ctx.q('id')} = '${third!.id}'`)
          assert.equal(spector('verify').code, 0, 'the chain alone cannot see a deleted tail')
          const against = spector('verify', '--against', file, '--json')
          assert.equal(against.code, 1)
          assert.equal(JSON.parse(against.out).failure.kind, 'truncated')

          await ctx.db.exec(
            `UPDATE ${ctx.q('Event')} SET ${ctx.q('action')} = 'archive' WHERE ${ctx.q('recordId')} = '${item.id}' AND ${ctx.q('sequence')} = 2`,
          )
          const broken = spector('verify')
          assert.equal(broken.code, 1)
          assert.match(broken.out, /BROKEN \(edited\)/)
          const checkpoint = spector('checkpoint')
          assert.equal(checkpoint.code, 1, 'checkpoint exits 1 as verify does for the same break')
          assert.match(checkpoint.out, /BROKEN \(edited\): event \S+ was changed after it was written/)
          assert.equal(JSON.parse(spector('checkpoint', '--json').out).failure.kind, 'edited')
        } finally {
          fs.rmSync(path.dirname(file), { recursive: true, force: true })
        }
      }))

    test('replay and history of an unknown id exit 1 with a not-found message', () =>
      withExample(provider, async (ctx) => {
        const generated = loadPreparedSchema('example', provider).spectorModule
        for (const command of ['replay', 'history']) {
          const r = runCli([command, 'Item', 'no-such-id', '--generated', generated], { databaseUrl: ctx.db.url })
          assert.equal(r.code, 1, r.err)
          assert.match(r.err, /Item no-such-id: no such record/)
        }
        assert.equal(JSON.parse(runCli(['replay', 'Item', 'no-such-id', '--json', '--generated', generated], { databaseUrl: ctx.db.url }).out), null)
      }))

    test('a keyed log verified without the key, or with another key, exits 2 naming --hash-key, not BROKEN', () =>
      withExample(provider, async (ctx) => {
        const key = 'the secret key of this deployment'
        const keyed = ctx.base.$extends(ctx.spector({ hashKey: key }))
        await keyed.item.create({ data: { name: 'Lamp' } })
        const generated = loadPreparedSchema('example', provider).spectorModule
        const verify = (...args: string[]) => runCli(['verify', '--generated', generated, ...args], { databaseUrl: ctx.db.url })
        const keyless = verify()
        assert.equal(keyless.code, 2)
        assert.match(keyless.err, /this log is keyed and no key was given.*--hash-key/)
        assert.doesNotMatch(keyless.out + keyless.err, /BROKEN/)
        const wrong = verify('--hash-key', 'another key, not the right one')
        assert.deepEqual([wrong.code, /the key does not match/.test(wrong.err)], [2, true], wrong.err)
        assert.equal(verify('--hash-key', key).code, 0)
        assert.equal(JSON.parse(verify('--json').out).error.code, 'SPECTOR_CONFIGURATION')
      }))

    test('the database URL comes from prisma.config.ts when neither --url nor DATABASE_URL is given', () =>
      withExample(provider, async (ctx) => {
        await ctx.prisma.item.create({ data: { name: 'Lamp' } })
        const project = fs.mkdtempSync(path.join(os.tmpdir(), 'spector-cli-config-'))
        try {
          fs.writeFileSync(
            path.join(project, 'prisma.config.ts'),
            `export default { schema: 'schema.prisma', datasource: { url: ${JSON.stringify(ctx.db.url)} } }\n`,
          )
          const generated = loadPreparedSchema('example', provider).spectorModule
          const fromConfig = runCli(['verify', '--generated', generated], { cwd: project })
          assert.equal(fromConfig.code, 0, fromConfig.err)
          assert.match(fromConfig.out, /ok: 1 events in 1 records verified/)
          // --url wins over the config.
          const wins = runCli(['verify', '--generated', generated, '--url', 'file:./nowhere.db'], { cwd: project })
          assert.deepEqual([wins.code, /no SQLite database at/.test(wins.err)], [2, true], wins.err)
        } finally {
          fs.rmSync(project, { recursive: true, force: true })
        }
      }))

    test("without --generated, the module is found at the output of the schema's prisma-spector generator (a schema folder read through prisma.config.ts)", () =>
      withExample(provider, async (ctx) => {
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp' } })
        await ctx.prisma.item.update({ where: { id: item.id }, data: { name: 'Desk lamp' } })
        const project = fs.mkdtempSync(path.join(os.tmpdir(), 'spector-cli-output-'))
        try {
          const schemaFolder = path.join(project, 'prisma', 'schema')
          fs.mkdirSync(path.join(schemaFolder, 'generators'), { recursive: true })
          fs.writeFileSync(
            path.join(project, 'prisma.config.ts'),
            `export default { schema: 'prisma/schema', datasource: { url: ${JSON.stringify(ctx.db.url)} } }\n`,
          )
          // The output is relative to the file that declares the generator, as Prisma resolves it.
          const generatorFile = path.join(schemaFolder, 'generators', 'spector.prisma')
          const output = path.relative(path.dirname(generatorFile), path.dirname(loadPreparedSchema('example', provider).spectorModule))
          fs.writeFileSync(generatorFile, `generator spector {\n  provider = "prisma-spector"\n  output   = ${JSON.stringify(output)}\n}\n`)
          fs.writeFileSync(path.join(schemaFolder, 'main.prisma'), `datasource db {\n  provider = "${provider}"\n}\n`)
          const history = runCli(['history', 'Item', item.id], { cwd: project })
          assert.equal(history.code, 0, history.err)
          assert.match(history.out, /update .*name: Lamp → Desk lamp/)
        } finally {
          fs.rmSync(project, { recursive: true, force: true })
        }
      }))

    test('history and replay print BigInt, Decimal, DateTime and Bytes as digits, text, ISO and hex, in tables and JSON', () =>
      withPreparedSchema<AnyPrisma, AnyModule, void>('allTypes', provider, async ({ base, module, url }) => {
        const prisma = base.$extends(module.spector())
        const at = new Date('2026-02-03T04:05:06.789Z')
        const created = await prisma.sample.create({
          data: { text: 't', big: 9007199254740993n, ratio: 0.5, price: '1.25', at, doc: { n: 1 }, blob: new Uint8Array([0, 255, 16]) },
        })
        await prisma.sample.update({ where: { key: created.key }, data: { big: 12n, price: '2.5', blob: new Uint8Array([171]) } })
        const generated = loadPreparedSchema('allTypes', provider).spectorModule
        const spector = (...args: string[]) => runCli([...args, '--generated', generated], { databaseUrl: url })

        const history = spector('history', 'Sample', created.key)
        assert.equal(history.code, 0, history.err)
        assert.match(history.out, /big: 9007199254740993 → 12/)
        assert.match(history.out, /price: 1\.25 → 2\.5/)
        assert.match(history.out, /blob: 00ff10 → ab/)
        assert.match(history.out, /at: ∅ → 2026-02-03T04:05:06\.789Z/)
        assert.doesNotMatch(history.out, /\d+n\b|"2\.5"|bytes>/)

        const replayed = spector('replay', 'Sample', created.key)
        assert.equal(replayed.code, 0, replayed.err)
        assert.match(replayed.out, /^big +12$/m)
        assert.match(replayed.out, /^price +2\.5$/m)
        assert.match(replayed.out, /^blob +ab$/m)

        const json = JSON.parse(spector('replay', 'Sample', created.key, '--until', '1', '--json').out)
        assert.deepEqual([json.big, json.price, json.at, json.blob], ['9007199254740993', '1.25', '2026-02-03T04:05:06.789Z', '00ff10'])
        const historyJson = JSON.parse(spector('history', 'Sample', created.key, '--json').out)
        const bigChange = historyJson[1].changes.find((c: { field: string }) => c.field === 'big')
        assert.deepEqual([bigChange.before, bigChange.after], ['9007199254740993', '12'])
      }))

    test("a database without the event table says so without Prisma's invocation wrapping", async () => {
      const db = await createTestDatabase(provider, 'CREATE TABLE unrelated (id INT PRIMARY KEY)')
      try {
        const r = runCli(['verify', '--generated', loadPreparedSchema('example', provider).spectorModule], { databaseUrl: db.url })
        assert.equal(r.code, 2)
        assert.match(r.err, /Event/)
        assert.doesNotMatch(r.err, /Invalid `|invocation/)
      } finally {
        await db.drop()
      }
    })

    test('sql append-only takes the provider and the event table from the generated module', () => {
      const r = runCli(['sql', 'append-only', '--generated', loadPreparedSchema('example', provider).spectorModule])
      assert.equal(r.code, 0, r.err)
      assert.equal(
        r.out,
        `-- prisma-spector: the event log Event is append-only\n${appendOnlySql(provider, 'Event')
          .map((st) => `${st};`)
          .join('\n\n')}\n`,
      )
    })
  })
}

for (const provider of providersUnderTest()) {
  test(`spector bringup imports legacy rows in place, on ${provider}`, () =>
    withLegacy(provider, async ({ base, prisma, url }) => {
      await base.post.create({ data: { id: 'legacy-1', title: 'Old', createdAt: new Date('2020-01-01T00:00:00Z') } })
      await base.post.create({ data: { id: 'legacy-2', title: 'Older', createdAt: new Date('2019-01-01T00:00:00Z') } })
      const generated = loadPreparedSchema('legacy', provider).spectorModule
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [cli, 'bringup', 'Post', ...args, '--generated', generated, '--url', url], { cwd: repoRoot, encoding: 'utf8' })
      const imported = run('--keep-ids', '--action', 'import')
      assert.equal(imported.status, 0, imported.stderr)
      assert.match(imported.stdout, /Post: 2 rows without events imported in place/)
      assert.deepEqual(
        (await prisma.post.events('legacy-2')).map((e) => e.action),
        ['import'],
      )
      assert.equal(JSON.parse(run('--keep-ids', '--json').stdout).count, 0)
      const unknown = run('--action', 'publish')
      assert.equal(unknown.status, 2)
      assert.match(unknown.stderr, /Post has no action "publish" \(custom actions: import, tag/)
    }))
}

test('spector sql links prints the link triggers of the generated schema', () => {
  const generated = loadPreparedSchema('guides', providersUnderTest()[0]!).spectorModule
  const r = spawnSync(process.execPath, [cli, 'sql', 'links', '--generated', generated], { cwd: repoRoot, encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  for (const table of ['AiChatAncestor', 'basic_chat_edits', 'TypedEventLink']) assert.match(r.stdout, new RegExp(`${table}_same_record`))
})

test('usage errors exit 2 and say what is wrong, with a short usage line, not the whole help', () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'spector-cli-empty-'))
  try {
    const noUrl = runCli(['verify', '--generated', 'nowhere.ts'], { cwd: empty })
    assert.equal(noUrl.code, 2)
    assert.match(noUrl.err, /no database: pass --url, set DATABASE_URL, or give prisma.config.ts a datasource url/)
  } finally {
    fs.rmSync(empty, { recursive: true, force: true })
  }
  for (const [args, message] of [
    [['explode'], /unknown command "explode"/],
    [['verify', '--frobnicate'], /Unknown option '--frobnicate'/],
  ] as const) {
    const r = runCli([...args])
    assert.equal(r.code, 2)
    assert.match(r.err, message)
    assert.match(r.err, /^usage: spector <verify\|checkpoint/m)
    assert.doesNotMatch(r.err, /commands:|exit codes:/, 'the short usage line, not the help')
  }
})

test('spector -- --help prints the help, exit codes included', () => {
  const r = runCli(['--', '--help'])
  assert.equal(r.code, 0, r.err)
  assert.match(r.out, /^usage: spector <command>/)
  assert.match(r.out, /exit codes:\n +0 +done/)
})

test('--json is JSON for set-up errors too', () => {
  for (const args of [
    ['verify', '--frobnicate', '--json'],
    ['verify', '--json', '--generated', 'nowhere.ts', '--url', 'file:./x.db'],
  ]) {
    const r = runCli(args)
    assert.equal(r.code, 2)
    assert.equal(r.err, '')
    const { error } = JSON.parse(r.out)
    assert.equal(typeof error.message, 'string')
    assert.match(error.code, /^(USAGE|DATABASE|SPECTOR_)/)
  }
})

test('a file: URL to a missing SQLite file is an error, and no empty database is created', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spector-cli-sqlite-'))
  try {
    const missing = path.join(dir, 'missing.db')
    const r = runCli(['verify', '--url', `file:${missing}`, '--generated', loadPreparedSchema('example', 'sqlite').spectorModule])
    assert.equal(r.code, 2)
    assert.match(r.err, new RegExp(`no SQLite database at ${missing}`))
    assert.equal(fs.existsSync(missing), false)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

if (providersUnderTest().includes('mysql')) {
  test('an unreachable MariaDB/MySQL server or a missing database is said plainly, not as a pool timeout', () => {
    const generated = loadPreparedSchema('example', 'mysql').spectorModule
    const port = runCli(['verify', '--url', 'mysql://root@127.0.0.1:1/spector', '--generated', generated])
    assert.equal(port.code, 2)
    assert.match(port.err, /cannot reach 127\.0\.0\.1:1/)
    const database = runCli(['verify', '--url', 'mysql://root@127.0.0.1:3306/spector_no_such_database', '--generated', generated])
    assert.equal(database.code, 2)
    assert.match(database.err, /database spector_no_such_database does not exist/)
    assert.doesNotMatch(port.err + database.err, /pool timeout|45028/)
  })
}
