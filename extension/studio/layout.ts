/**
 * The frame every studio page shares: head (the studio's own stylesheet and script, nothing from
 * elsewhere), the navigation, and a main landmark that holds the page.
 */
import { html, type Html } from './html.ts'
import type { StudioModel } from './studioSource.ts'

export interface Crumb {
  label: string
  href?: string
}

export function layout(title: string, crumbs: Crumb[], models: StudioModel[], body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · spector studio</title>
<link rel="stylesheet" href="/assets/studio.css">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<script src="/assets/studio.js" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/">spector <span>studio</span></a>
  <nav aria-label="Models">
    ${models.map((m) => html`<a href="/m/${encodeURIComponent(m.name)}">${m.name}</a>`)}
    <a href="/drift">Drift</a>
  </nav>
  <span class="readonly" title="No page or endpoint of the studio writes to the database">read-only</span>
</header>
<main>
  <nav class="crumbs" aria-label="Breadcrumb">${crumbs.map((c, i) => html`${i ? html`<span aria-hidden="true"> / </span>` : ''}${c.href ? html`<a href="${c.href}">${c.label}</a>` : html`<span aria-current="page">${c.label}</span>`}`)}</nav>
  ${body}
</main>
</body>
</html>`
}

/** A page for a request that names nothing the studio knows (an unknown model, record or event), or that failed. */
export function notFoundPage(message: string, models: StudioModel[], title = 'Not found'): Html {
  return layout(title, [{ label: 'Overview', href: '/' }, { label: title }], models, html`<h1>${title}</h1><p class="error">${message}</p>`)
}
