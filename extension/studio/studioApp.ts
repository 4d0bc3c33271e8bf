/**
 * The studio's routes, as a Hono app. Only GET (and HEAD) exist: no endpoint writes. Every
 * response carries a Content-Security-Policy that allows the studio's own script and stylesheet
 * only, so even a value that escaped escaping could not run. With a token, every request must
 * carry it (once as `?token=`, then the cookie it sets, or as a bearer token).
 */
import { timingSafeEqual } from 'node:crypto'
import { Hono, type Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { streamSSE } from 'hono/streaming'
import { faviconSvg, studioCss, studioJs } from './assets.ts'
import { diffPage } from './diffPage.ts'
import { driftPage } from './driftPage.ts'
import { html, type Html } from './html.ts'
import { notFoundPage } from './layout.ts'
import { overviewPage } from './overviewPage.ts'
import { recordPage } from './recordPage.ts'
import { recordsPage } from './recordsPage.ts'
import type { StudioSource } from './studioSource.ts'

export interface StudioAppOptions {
  /** When set, every request must present it. */
  token?: string
  /** Host names the Host header may carry (against DNS rebinding); any when empty. */
  allowedHosts?: readonly string[]
}

const csp =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
const TOKEN_COOKIE = 'spector_studio_token'

export function createStudioApp(source: StudioSource, options: StudioAppOptions = {}): Hono {
  const app = new Hono()

  app.use('*', async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD')
      return c.text('spector studio is read-only: only GET requests are served', 405, { allow: 'GET, HEAD' })
    if (options.allowedHosts?.length) {
      const host = (c.req.header('host') ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
      if (!options.allowedHosts.includes(host)) return c.text(`spector studio: unexpected Host header "${host}"`, 403)
    }
    if (options.token) {
      const given = c.req.query('token') ?? getCookie(c, TOKEN_COOKIE) ?? c.req.header('authorization')?.replace(/^Bearer /, '')
      if (!given || !sameSecret(given, options.token)) return c.text('spector studio: a token is required (open the URL the studio printed)', 401)
      if (c.req.query('token')) setCookie(c, TOKEN_COOKIE, options.token, { httpOnly: true, sameSite: 'Strict', path: '/' })
    }
    await next()
    c.header('content-security-policy', csp)
    c.header('x-content-type-options', 'nosniff')
    c.header('referrer-policy', 'no-referrer')
    c.header('cache-control', c.req.path.startsWith('/assets/') ? 'max-age=300' : 'no-store')
  })

  app.get('/assets/studio.css', (c) => c.body(studioCss, 200, { 'content-type': 'text/css; charset=utf-8' }))
  app.get('/assets/studio.js', (c) => c.body(studioJs, 200, { 'content-type': 'text/javascript; charset=utf-8' }))
  app.get('/assets/favicon.svg', (c) => c.body(faviconSvg, 200, { 'content-type': 'image/svg+xml' }))

  app.get('/', async (c) => page(c, await overviewPage(source)))
  app.get('/drift', async (c) => page(c, await driftPage(source)))
  app.get('/m/:model', async (c) => {
    const model = source.model(c.req.param('model'))
    if (!model) return page(c, notFoundPage(`No evented model ${c.req.param('model')}.`, source.models), 404)
    return page(c, await recordsPage(source, model, { before: c.req.query('before'), field: c.req.query('field'), q: c.req.query('q') }))
  })
  app.get('/m/:model/r/:id', async (c) => {
    const model = source.model(c.req.param('model'))
    if (!model) return page(c, notFoundPage(`No evented model ${c.req.param('model')}.`, source.models), 404)
    return page(c, await recordPage(source, model, c.req.param('id'), { page: c.req.query('page'), asOf: c.req.query('asOf') }))
  })
  app.get('/m/:model/r/:id/diff', async (c) => {
    const model = source.model(c.req.param('model'))
    if (!model) return page(c, notFoundPage(`No evented model ${c.req.param('model')}.`, source.models), 404)
    return page(c, await diffPage(source, model, c.req.param('id'), { from: c.req.query('from'), to: c.req.query('to') }))
  })
  app.get('/m/:model/r/:id/savepoints', async (c) => {
    const model = source.model(c.req.param('model'))
    if (!model) return c.text('no such model', 404)
    const result = await source.delegate(model).verifySavepoints(c.req.param('id'))
    const fragment = result.ok
      ? html`<span class="ok">ok: ${result.savepoints} ${result.savepoints === 1 ? 'savepoint' : 'savepoints'} match the events before them</span>`
      : html`<span class="bad">savepoint broken: ${result.error.message}</span>`
    return c.html(fragment.text)
  })
  app.get('/verify/stream', (c) =>
    streamSSE(c, async (stream) => {
      let last = 0
      const model = c.req.query('model') || undefined
      const recordId = c.req.query('record') || undefined
      try {
        const result = await source.client.$verifyHashChain({
          model,
          recordId,
          onProgress: (events: number) => {
            if (Date.now() - last < 100) return
            last = Date.now()
            void stream.writeSSE({ event: 'progress', data: JSON.stringify({ events }) })
          },
        })
        await stream.writeSSE({ event: 'done', data: JSON.stringify(result) })
      } catch (error) {
        await stream.writeSSE({ event: 'done', data: JSON.stringify({ ok: false, error: (error as Error).message }) })
      }
    }),
  )

  app.notFound((c) => page(c, notFoundPage(`Nothing at ${c.req.path}.`, source.models), 404))
  app.onError((error, c) => {
    const notFound = (error as { code?: string }).code === 'NOT_FOUND'
    return page(c, notFoundPage(error.message, source.models, notFound ? 'Not found' : 'Could not read this'), notFound ? 404 : 500)
  })
  return app
}

function page(c: Context, body: Html, status: 200 | 404 | 500 = 200): Response {
  return c.html(body.text, status)
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
