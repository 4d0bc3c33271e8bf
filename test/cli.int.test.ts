/**
 * The spector command line, run as a process against a real database of each provider.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, test } from 'vitest'
import { providersUnderTest } from './support/databases.ts'
import { withExample } from './support/exampleClient.ts'
import { withLegacy } from './support/legacyClient.ts'
import { loadPreparedSchema, repoRoot } from './support/testSchemas.ts'

const cli = path.join(repoRoot, 'dist/extension/cli/spector.js')

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
          assert.deepEqual(asJson.map((r: { action: string }) => r.action), ['insert', 'update', 'increment'])

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

          await ctx.db.exec(`UPDATE ${ctx.q('Event')} SET ${ctx.q('action')} = 'archive' WHERE ${ctx.q('recordId')} = '${item.id}' AND ${ctx.q('sequence')} = 2`)
          const broken = spector('verify')
          assert.equal(broken.code, 1)
          assert.match(broken.out, /BROKEN \(edited\)/)
        } finally {
          fs.rmSync(path.dirname(file), { recursive: true, force: true })
        }
      }))
  })
}

for (const provider of providersUnderTest()) {
  test(`spector bringup imports legacy rows in place, on ${provider}`, () =>
    withLegacy(provider, async ({ base, prisma, url }) => {
      await base.post.create({ data: { id: 'legacy-1', title: 'Old', createdAt: new Date('2020-01-01T00:00:00Z') } })
      await base.post.create({ data: { id: 'legacy-2', title: 'Older', createdAt: new Date('2019-01-01T00:00:00Z') } })
      const generated = loadPreparedSchema('legacy', provider).spectorModule
      const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'bringup', 'Post', ...args, '--generated', generated, '--url', url], { cwd: repoRoot, encoding: 'utf8' })
      const imported = run('--keep-ids', '--action', 'import')
      assert.equal(imported.status, 0, imported.stderr)
      assert.match(imported.stdout, /Post: 2 rows without events imported in place/)
      assert.deepEqual((await prisma.post.events('legacy-2')).map((e) => e.action), ['import'])
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

test('usage errors exit 2 and say what is wrong', () => {
  const noUrl = spawnSync(process.execPath, [cli, 'verify', '--generated', 'nowhere.ts'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } })
  assert.equal(noUrl.status, 2)
  assert.match(noUrl.stderr, /no database: pass --url or set DATABASE_URL/)
  const unknown = spawnSync(process.execPath, [cli, 'explode'], { cwd: repoRoot, encoding: 'utf8' })
  assert.equal(unknown.status, 2)
  assert.match(unknown.stderr, /unknown command "explode"/)
})
