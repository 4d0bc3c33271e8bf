/**
 * The studio's stylesheet, client script and icon, served by the studio process itself (no CDN:
 * the studio works offline). The script only enhances: every page reads and links without it; it
 * runs the verify buttons (progress streamed from the server) and loads savepoint checks.
 * It writes database values into the page with textContent only.
 */

export const studioCss = `
:root { --fg: #1d2330; --muted: #5d6675; --line: #dde2ea; --bg: #f6f7f9; --card: #fff; --accent: #3451b2; --ok: #17803d; --bad: #b42318; --warn: #a15c07; --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid #f0b429; outline-offset: 2px; }
.top { display: flex; align-items: center; gap: 20px; padding: 10px 24px; background: #141a26; color: #fff; flex-wrap: wrap; }
.top .brand { color: #fff; font-weight: 700; text-decoration: none; font-size: 16px; }
.top .brand span { color: #9db4ff; font-weight: 500; }
.top nav { display: flex; gap: 14px; flex-wrap: wrap; flex: 1; }
.top nav a { color: #d5dcf0; text-decoration: none; }
.top nav a:hover { color: #fff; text-decoration: underline; }
.readonly { font-size: 12px; border: 1px solid #4b5874; border-radius: 10px; padding: 1px 8px; color: #c8d1e6; }
main { padding: 16px 24px 48px; max-width: 1280px; margin: 0 auto; }
.crumbs { color: var(--muted); margin-bottom: 6px; }
h1 { font-size: 22px; margin: 4px 0 14px; word-break: break-all; }
h2 { font-size: 16px; margin: 26px 0 10px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin-bottom: 16px; }
table { border-collapse: collapse; width: 100%; background: var(--card); border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: #eef1f6; font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: #3b4556; }
tbody th { font-weight: 600; color: #3b4556; }
tr:last-child td { border-bottom: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono, td.value, pre { font-family: var(--mono); font-size: 12.5px; }
td.value { white-space: pre-wrap; word-break: break-word; max-width: 420px; }
.muted { color: var(--muted); }
.badge { display: inline-block; font-size: 11.5px; border-radius: 10px; padding: 1px 8px; border: 1px solid var(--line); background: #f0f2f6; white-space: nowrap; }
.badge.hashed { background: #e8f0ff; border-color: #bfd0ff; color: #243f91; }
.badge.logonly { background: #f4ecff; border-color: #dccbff; color: #5b2aa8; }
.badge.action { font-family: var(--mono); }
.ok { color: var(--ok); font-weight: 600; }
.bad, .error { color: var(--bad); font-weight: 600; }
.change { display: block; font-family: var(--mono); font-size: 12.5px; }
.change .field { color: #3b4556; font-weight: 600; }
.change del { color: var(--bad); text-decoration: line-through; text-decoration-color: #e7a29b; }
.change ins { color: var(--ok); text-decoration: none; }
tr.drift td { background: #fff4f2; }
.drift-note { color: var(--bad); font-size: 12px; display: block; }
tr.current-event td { background: #fffbe6; }
form.inline { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin: 0 0 12px; }
input, select, button { font: inherit; padding: 5px 9px; border: 1px solid #b9c1cf; border-radius: 6px; background: #fff; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button[disabled] { opacity: .6; cursor: progress; }
.nowrap, time { white-space: nowrap; }
.pager { display: flex; gap: 14px; margin: 10px 0; align-items: center; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.status { margin-top: 8px; min-height: 1.4em; }
progress { width: 220px; vertical-align: middle; }
svg.chart rect { fill: #6b86d6; }
svg.chart rect.zero { fill: #d5dbe8; }
svg.graph text { font: 12px system-ui, sans-serif; fill: var(--fg); }
svg.graph .edge { fill: none; stroke: #8a97b3; stroke-width: 1.6; }
svg.graph circle { stroke: #fff; stroke-width: 2; }
svg.graph a:focus-visible circle { stroke: #f0b429; stroke-width: 4; }
.legend { font-size: 12px; color: var(--muted); }
.stat { font-size: 20px; font-weight: 650; }
`

export const studioJs = `
'use strict';
(function () {
  function text(el, value) { el.textContent = value; }
  function link(href, label) { var a = document.createElement('a'); a.href = href; a.textContent = label; return a; }
  function runVerify(button) {
    var status = document.getElementById(button.getAttribute('aria-controls'));
    var bar = status.querySelector('progress');
    var line = status.querySelector('.line');
    var params = new URLSearchParams();
    if (button.dataset.model) params.set('model', button.dataset.model);
    if (button.dataset.record) params.set('record', button.dataset.record);
    button.disabled = true;
    bar.hidden = false;
    bar.removeAttribute('value');
    text(line, 'verifying…');
    line.className = 'line';
    var source = new EventSource('/verify/stream?' + params.toString());
    source.addEventListener('progress', function (e) { text(line, 'verifying… ' + JSON.parse(e.data).events + ' events'); });
    source.addEventListener('done', function (e) {
      source.close();
      button.disabled = false;
      bar.hidden = true;
      var r = JSON.parse(e.data);
      line.replaceChildren();
      if (r.ok) { line.className = 'line ok'; text(line, 'ok: ' + r.events + ' events in ' + r.records + ' records verified'); return; }
      if (r.error) { line.className = 'line bad'; text(line, 'could not verify: ' + r.error); return; }
      var f = r.failure;
      line.className = 'line bad';
      line.append('BROKEN (' + f.kind + ') after ' + r.events + ' events: ' + f.message + ' — record ');
      line.append(f.model ? link('/m/' + encodeURIComponent(f.model) + '/r/' + encodeURIComponent(f.recordId), f.recordId) : f.recordId);
      if (f.sequence !== null) line.append(', event ' + (f.eventId || '') + ', sequence ' + f.sequence);
    });
    source.onerror = function () { source.close(); button.disabled = false; bar.hidden = true; line.className = 'line bad'; text(line, 'the connection to the studio was lost'); };
  }
  function runFetch(button) {
    var target = document.getElementById(button.getAttribute('aria-controls'));
    button.disabled = true;
    text(target, 'checking…');
    fetch(button.dataset.fetch, { headers: { accept: 'text/html' } }).then(function (r) { return r.text(); }).then(function (fragment) {
      // The fragment is rendered (and escaped) by the studio server.
      target.innerHTML = fragment;
      button.disabled = false;
    }, function () { text(target, 'failed'); button.disabled = false; });
  }
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button[data-verify], button[data-fetch]');
    if (!button) return;
    event.preventDefault();
    if (button.hasAttribute('data-verify')) runVerify(button); else runFetch(button);
  });
})();
`

export const faviconSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#141a26"/><circle cx="5" cy="5" r="2" fill="#9db4ff"/><circle cx="11" cy="11" r="2" fill="#9db4ff"/><path d="M5 5 L11 11" stroke="#9db4ff" stroke-width="1.5"/></svg>`
