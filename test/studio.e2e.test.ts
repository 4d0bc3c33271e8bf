/**
 * `spector studio` in a real browser (Debian's chromium driven by playwright-core), on a seeded
 * SQLite database and on PostgreSQL: what a person sees on each page, a tampered event and a
 * drifted row found, database values shown as text (never as markup), every control reachable
 * with the keyboard, and a studio that refuses to serve others without a token and never writes.
 *
 * With SPECTOR_STUDIO_SCREENSHOTS=1 it also writes docs/studio/*.png (SQLite run).
 */
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, test } from 'vitest'
import { startStudio, StudioRefusedError, type RunningStudio } from '../extension/studio/studioServer.ts'
import { providersUnderTest } from './support/databases.ts'
import { withExample, type ExampleContext } from './support/exampleClient.ts'
import { withGuides } from './support/guidesClient.ts'
import { repoRoot } from './support/testSchemas.ts'

const chromiumPath = '/usr/bin/chromium'
const haveChromium = fs.existsSync(chromiumPath)
if (!haveChromium) console.warn(`studio browser tests skipped: ${chromiumPath} is missing (apt-get install -y chromium)`)
const screenshots = process.env.SPECTOR_STUDIO_SCREENSHOTS === '1'
const providers = providersUnderTest().filter((p) => p === 'sqlite' || p === 'postgresql')

let browser: Browser
beforeAll(async () => {
  if (!haveChromium) return
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  })
})
afterAll(async () => {
  await browser?.close()
})

async function withStudio<T>(client: object, schema: { models: readonly never[] } | object, fn: (studio: RunningStudio, page: Page) => Promise<T>): Promise<T> {
  const studio = await startStudio({ client: client as never, schema: schema as never, port: 0 })
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  try {
    return await fn(studio, page)
  } finally {
    await context.close()
    await studio.close()
  }
}

/** The text a person sees (innerText: rendered, hidden parts left out), not the DOM's textContent. */
// biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what the assertions are about
const text = (page: Page, selector = 'main') => page.locator(selector).innerText()

async function shot(page: Page, name: string, provider: string) {
  if (!screenshots || provider !== 'sqlite') return
  fs.mkdirSync(path.join(repoRoot, 'docs/studio'), { recursive: true })
  // A short viewport: the full-page shot is as tall as the page, not padded to the window.
  const size = page.viewportSize()!
  await page.setViewportSize({ width: size.width, height: 300 })
  await page.screenshot({ path: path.join(repoRoot, 'docs/studio', `${name}.png`), fullPage: true })
  await page.setViewportSize(size)
}

/** Items with a history, one with markup in its name, one drifted row; returns the lamp. */
async function seed(ctx: ExampleContext) {
  const { prisma } = ctx
  const lamp = await prisma.item.create({ data: { name: 'Lamp', value: 1 } })
  await prisma.item.update({ where: { id: lamp.id }, data: { name: 'Desk lamp' } })
  await prisma.item.execute(lamp.id, 'increment', { by: 2 })
  await prisma.item.execute(lamp.id, 'archive', { archivedAt: new Date('2026-11-01T09:00:00Z') })
  const xss = await prisma.item.create({ data: { name: '<script>window.__xss = 1</script>"><img src=x onerror="window.__xss = 2">', value: 7 } })
  const chair = await prisma.item.create({ data: { name: 'Chair', value: 3 } })
  await ctx.db.exec(`UPDATE ${ctx.q('Item')} SET ${ctx.q('name')} = 'Edited behind the log' WHERE ${ctx.q('id')} = '${chair.id}'`)
  return { lamp, xss, chair }
}

for (const provider of providers) {
  describe.skipIf(!haveChromium)(`spector studio in chromium on ${provider}`, () => {
    test('overview → model → record → an event diff → state as of → verify; drift; a tampered event shows as broken', () =>
      withExample(provider, async (ctx) => {
        const { lamp, chair } = await seed(ctx)
        await withStudio(ctx.prisma, ctx.spectorSchema, async (studio, page) => {
          await page.goto(studio.url)
          const overview = await text(page)
          assert.match(overview, /Item\s+table\s+3\s+6/)
          assert.match(overview, /hashed/)

          await page.getByRole('link', { name: 'Item', exact: true }).first().click()
          assert.match(await text(page, 'h1'), /^Item/)
          assert.match(await text(page), /Desk lamp/)
          await page.getByLabel('Search text').fill('Desk')
          await page.getByLabel('Search in').selectOption('name')
          await page.getByRole('button', { name: 'Search' }).click()
          const found = await text(page, 'tbody')
          assert.match(found, /Desk lamp/)
          assert.doesNotMatch(found, /Chair/)
          await shot(page, 'records', provider)

          await page.getByRole('link', { name: lamp.id }).click()
          const record = await text(page)
          assert.match(record, /4 events/)
          assert.match(record, /name: Lamp → Desk lamp/)
          assert.match(record, /value: 1 → 3/)
          assert.match(record, /archivedAt: ∅ → 2026-11-01T09:00:00.000Z/)
          assert.match(record, /The row matches the replay of its events/)
          await shot(page, 'record', provider)

          await page.getByRole('link', { name: 'diff of event 2' }).click()
          const diff = await text(page)
          assert.match(diff, /Diff of Item/)
          assert.match(diff, /name\s+Lamp\s+Desk lamp/)
          await page.getByRole('link', { name: '← back to the record' }).click()

          await page.getByRole('link', { name: 'state as of event 1' }).click()
          const state = await text(page, '#state + form + p + table')
          assert.match(state, /as of event #1/i)
          assert.match(state, /name\s+Lamp\s+Desk lamp/)
          assert.match(state, /value\s+1\s+3/)

          await page.getByRole('button', { name: 'Verify savepoints' }).click()
          await page.getByText(/ok: 0 savepoints match/).waitFor()
          await page.getByRole('button', { name: 'Verify this record' }).click()
          await page.getByText(/ok: 4 events in 1 records verified/).waitFor()

          await page.goto(studio.url)
          await page.getByRole('button', { name: 'Verify hash chain' }).click()
          await page.getByText(/ok: 6 events in 3 records verified/).waitFor()
          await shot(page, 'overview', provider)

          await page.getByRole('link', { name: 'Drift', exact: true }).click()
          const drift = await text(page)
          assert.match(drift, /Item: 3 records checked, 1 drifted/)
          assert.match(drift, new RegExp(`${chair.id}\\s+changed\\s+name\\s+Chair\\s+Edited behind the log`))
          await shot(page, 'drift', provider)
          await page.getByRole('link', { name: chair.id }).click()
          assert.match(await text(page), /drift: the log says Chair/)

          // An event edited in the database: the chain breaks there.
          const [, second] = await ctx.prisma.item.events(lamp.id)
          await ctx.db.exec(`UPDATE ${ctx.q('Event')} SET ${ctx.q('payload')} = '{"name":"Forged"}' WHERE ${ctx.q('id')} = '${second!.id}'`)
          await page.goto(studio.url)
          await page.getByRole('button', { name: 'Verify hash chain' }).click()
          const broken = page.getByText(/BROKEN \(edited\)/)
          await broken.waitFor()
          assert.match(await text(page, '#verify-status'), new RegExp(`${lamp.id}, event ${second!.id}, sequence 2`))
        })
      }))

    test('database values render as text: a name holding <script> and "><img onerror> runs nothing', () =>
      withExample(provider, async (ctx) => {
        const { xss } = await seed(ctx)
        await withStudio(ctx.prisma, ctx.spectorSchema, async (studio, page) => {
          const errors: string[] = []
          page.on('pageerror', (e) => errors.push(e.message))
          for (const url of [`${studio.url}m/Item`, `${studio.url}m/Item/r/${xss.id}`, `${studio.url}m/Item/r/${xss.id}/diff?from=0&to=1`]) {
            await page.goto(url)
            assert.match(await text(page), /<script>window.__xss = 1<\/script>"><img src=x onerror="w/)
            assert.equal(await page.evaluate(() => (window as { __xss?: number }).__xss), undefined)
            assert.equal(await page.locator('main img').count(), 0)
            assert.equal(await page.locator('main script').count(), 0)
          }
          assert.deepEqual(errors, [])
        })
      }))

    test('keyboard: Tab reaches every link, button and field of the overview, records, record and drift pages', () =>
      withExample(provider, async (ctx) => {
        const { lamp } = await seed(ctx)
        await withStudio(ctx.prisma, ctx.spectorSchema, async (studio, page) => {
          for (const url of [studio.url, `${studio.url}m/Item`, `${studio.url}drift`, `${studio.url}m/Item/r/${lamp.id}`]) {
            await page.goto(url)
            const controls = await page.evaluate(() => {
              const all = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select')]
              for (const [i, el] of all.entries()) el.setAttribute('data-control', String(i))
              return all.length
            })
            const reached = new Set<string>()
            for (let i = 0; i < controls + 3; i++) {
              await page.keyboard.press('Tab')
              const id = await page.evaluate(() => document.activeElement?.getAttribute('data-control') ?? null)
              if (id !== null) reached.add(id)
            }
            assert.equal(reached.size, controls, `${url}: Tab reached ${reached.size} of ${controls} controls`)
          }
          // Enter on a focused link follows it.
          await page.getByRole('link', { name: 'diff of event 2' }).focus()
          await page.keyboard.press('Enter')
          await page.waitForURL(/\/diff\?/)
          assert.match(await text(page), /Lamp\s+Desk lamp/)
        })
      }))

    test('the AI-chat conversation tree draws as its branches; a long history pages', () =>
      withGuides(provider, async ({ prisma, spectorSchema }) => {
        const chat = await prisma.aiChat.create({ data: { role: 'user', content: 'Hello, how are you?' } })
        const answered = await prisma.aiChat.execute(chat.id, 'append', { to: chat.id, role: 'assistant', content: "I'm doing well, thank you!" })
        const answer = (answered.messages as { id: string }[])[1]!.id
        await prisma.aiChat.execute(chat.id, 'append', { to: chat.id, role: 'user', content: 'Actually, let me rephrase that...' })
        await prisma.aiChat.execute(chat.id, 'append', { to: answer, role: 'user', content: 'Great! What can you do?' })
        const long = await prisma.typedDoc.create({ data: { content: 'v1' } })
        for (let i = 2; i <= 120; i++) await prisma.typedDoc.execute(long.id, 'revise', { content: `v${i}` })
        await withStudio(prisma, spectorSchema, async (studio, page) => {
          await page.goto(`${studio.url}m/AiChat`)
          await page.getByRole('link', { name: chat.id }).click()
          const graph = page.locator('svg.graph')
          assert.match(await text(page), /2 branches/)
          const labels = await graph.locator('text').allTextContents()
          assert.deepEqual(
            labels.map((l) => l.replace(/\s+/g, ' ')),
            [
              '#1 insert user · Hello, how are you?',
              "#2 append assistant · I'm doing well, thank you!",
              '#3 append user · Actually, let me rephrase that...',
              '#4 append user · Great! What can you do?',
            ],
          )
          // One edge per message but the first: the tree, not every ancestor link.
          assert.equal(await graph.locator('path.edge').count(), 3)
          assert.match(await text(page, '#timeline ~ table tbody'), /ancestors → #2 ancestors → #1/)
          await shot(page, 'conversation', provider)

          await page.goto(`${studio.url}m/TypedDoc/r/${long.id}`)
          assert.match(await text(page), /page 1 of 3/)
          assert.equal(await page.locator('#timeline ~ table tbody tr').count(), 50)
          assert.match(await text(page, '#timeline ~ table tbody tr:first-child'), /^120\s+revise/)
          await page.getByRole('link', { name: 'older events →' }).first().click()
          assert.match(await text(page, '#timeline ~ table tbody tr:first-child'), /^70\s+revise[\s\S]*content: v69 → v70/)
        })
      }))
  })
}

describe('spector studio serves only what it should', () => {
  test('a non-loopback host without a token is refused; with one, requests need it; only GET is served', () =>
    withExample(providers[0] ?? 'sqlite', async (ctx) => {
      await assert.rejects(startStudio({ client: ctx.prisma, schema: ctx.spectorSchema, host: '0.0.0.0', port: 0 }), StudioRefusedError)
      const studio = await startStudio({ client: ctx.prisma, schema: ctx.spectorSchema, host: '0.0.0.0', port: 0, token: 'a-token-of-16-chars-or-more' })
      try {
        const origin = new URL(studio.url).origin.replace('0.0.0.0', '127.0.0.1')
        const refused = await fetch(`${origin}/`)
        assert.equal(refused.status, 401)
        assert.match(await refused.text(), /a token is required/)
        const allowed = await fetch(`${origin}/?token=a-token-of-16-chars-or-more`)
        assert.match(await allowed.text(), /Overview/)
        assert.match(allowed.headers.get('content-security-policy') ?? '', /script-src 'self'/)
        const posted = await fetch(`${origin}/m/Item`, { method: 'POST', headers: { authorization: 'Bearer a-token-of-16-chars-or-more' } })
        assert.equal(posted.status, 405)
        assert.match(await posted.text(), /read-only/)
      } finally {
        await studio.close()
      }
    }))
})
