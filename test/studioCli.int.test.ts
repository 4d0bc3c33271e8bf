/**
 * `spector studio` and `spector history` as processes on a real database of each provider: the
 * studio prints its URL and serves until SIGTERM, refuses a public host without a token; history
 * prints what the library's `history` returns, the actor included.
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, test } from 'vitest'
import { providersUnderTest } from './support/databases.ts'
import { withExample } from './support/exampleClient.ts'
import { withGuides } from './support/guidesClient.ts'
import { loadPreparedSchema, repoRoot } from './support/testSchemas.ts'

const cli = path.join(repoRoot, 'dist/extension/cli/spector.js')

/** Starts the studio process; resolves with its URL (printed on stdout) and a way to stop it. */
function startStudioProcess(args: string[], env: NodeJS.ProcessEnv): Promise<{ url: string; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, [cli, 'studio', ...args], { cwd: repoRoot, env: { ...process.env, ...env } })
  let out = ''
  let err = ''
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => (err += chunk))
    child.stdout.on('data', (chunk) => {
      out += chunk
      const url = /on (http:\/\/\S+)/.exec(out)?.[1]
      if (url) {
        resolve({
          url,
          stop: () => {
            child.kill('SIGTERM')
            return exited
          },
        })
      }
    })
    void exited.then((code) => reject(new Error(`studio exited with ${code} before printing its URL:\n${out}${err}`)))
  })
}

for (const provider of providersUnderTest()) {
  describe(`spector studio and history commands on ${provider}`, () => {
    test('spector studio prints its URL, serves the overview and record pages, and exits 0 on SIGTERM', () =>
      withExample(provider, async (ctx) => {
        const item = await ctx.prisma.item.create({ data: { name: 'Lamp', value: 1 } })
        await ctx.prisma.item.update({ where: { id: item.id }, data: { name: 'Desk lamp' } })
        const generated = loadPreparedSchema('example', provider).spectorModule
        const studio = await startStudioProcess(['--port', '0', '--generated', generated], { DATABASE_URL: ctx.db.url })
        try {
          assert.match(studio.url, /^http:\/\/127\.0\.0\.1:\d+\/$/)
          const overview = await (await fetch(studio.url)).text()
          assert.match(overview, /<a href="\/m\/Item">Item<\/a>/)
          const record = await (await fetch(`${studio.url}m/Item/r/${item.id}`)).text()
          assert.match(record, /name<\/span>: <del>Lamp<\/del> → <ins>Desk lamp<\/ins>/)
        } finally {
          assert.equal(await studio.stop(), 0)
        }
      }))

    test('spector studio on a public host without --token refuses (exit 2) and serves nothing', () =>
      withExample(provider, async (ctx) => {
        const generated = loadPreparedSchema('example', provider).spectorModule
        const r = spawnSync(process.execPath, [cli, 'studio', '--host', '0.0.0.0', '--port', '0', '--generated', generated], {
          cwd: repoRoot,
          encoding: 'utf8',
          env: { ...process.env, DATABASE_URL: ctx.db.url },
        })
        assert.equal(r.status, 2)
        assert.match(r.stderr, /refusing to serve the studio on 0\.0\.0\.0.*--token/)
        assert.equal(r.stdout, '')
      }))

    test('spector history prints the library history: the actor column, and as JSON what history() returns', () =>
      withGuides(provider, async ({ prisma, url }) => {
        const doc = await prisma.typedDoc.create({ data: { content: 'v1' } })
        await prisma.typedDoc.execute(doc.id, 'revise', { content: 'v2', supersedes: doc.id, actor: 'alice' })
        const generated = loadPreparedSchema('guides', provider).spectorModule
        const run = (...args: string[]) =>
          spawnSync(process.execPath, [cli, 'history', 'TypedDoc', doc.id, ...args, '--generated', generated], {
            cwd: repoRoot,
            encoding: 'utf8',
            env: { ...process.env, DATABASE_URL: url },
          })
        const table = run()
        assert.equal(table.status, 0, table.stderr)
        assert.match(table.stdout, /sequence +action +version +insertedAt +actor +event +changes/)
        assert.match(table.stdout, /2 +revise +\d+ +\S+ +alice +\S+ +content: v1 → v2; version: 1 → 2/)
        const asJson = JSON.parse(run('--json').stdout)
        const history = JSON.parse(JSON.stringify(await prisma.typedDoc.history(doc.id)))
        assert.deepEqual(asJson, history)
      }))
  })
}
