// How `poise serve` serves the app (issue 4, "Stack"): a Content-Security-
// Policy with no inline script, cache-busting asset names with a long
// Cache-Control, gzip, deep links answered with the app, /v1 left to the
// API.
'use strict';

const { test, expect } = require('./fixtures');

// A content hash in the path (/assets/<hash>/app.js, as poise serve
// does), in the file name (app.3f9a1c2e.js) or in a query (?v=3f9a1c2e).
const HASHED = /^\/assets\/[0-9a-f]{8,}\/|[.\-_~][0-9A-Za-z]{8,}\.[a-z0-9]+$|[?&]v=[0-9A-Za-z]{6,}/;

function directive(csp, name) {
  const d = csp.split(';').map((s) => s.trim().split(/\s+/)).find((p) => p[0] === name);
  return d ? d.slice(1) : null;
}

test('the app page has a CSP without inline script, and is revalidated', async ({ request }) => {
  const res = await request.get('/');
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toMatch(/^text\/html/);
  const csp = res.headers()['content-security-policy'];
  expect(csp, 'Content-Security-Policy header').toBeTruthy();
  const scripts = directive(csp, 'script-src') || directive(csp, 'default-src');
  expect(scripts, `script-src or default-src in ${csp}`).toBeTruthy();
  expect(scripts).not.toContain("'unsafe-inline'");
  expect(scripts).not.toContain("'unsafe-eval'");
  expect(scripts).not.toContain('*');
  // The page itself carries no script to run inline.
  const html = await res.text();
  const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)]
    .filter(([, attrs, body]) => !/\bsrc=/.test(attrs) && body.trim() !== '' &&
      !/type=["']?importmap/.test(attrs));
  expect(inline.map((m) => m[0].slice(0, 120))).toEqual([]);
  // The page names the current assets, so it must not be cached for long.
  const cc = res.headers()['cache-control'] || '';
  expect(cc, `Cache-Control of / is "${cc}"`).toMatch(/no-cache|no-store|max-age=0\b/);
});

test('deep links are answered with the app; /v1 stays the API', async ({ request }) => {
  const root = await (await request.get('/')).text();
  for (const p of ['/patients', '/catalog', '/users']) {
    const res = await request.get(p, { headers: { Accept: 'text/html' } });
    expect(res.status(), p).toBe(200);
    expect(await res.text(), p).toBe(root);
  }
  const api = await request.get('/v1/no_such_thing');
  expect([401, 404]).toContain(api.status());
  expect(api.headers()['content-type']).toMatch(/^application\/json/);
});

test('every asset the app loads is cache-busted, long-cached and gzipped', async ({ page }) => {
  const assets = [];
  page.on('response', async (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/v1/') || r.request().resourceType() === 'document') return;
    assets.push({ url: u.pathname + u.search, status: r.status(), headers: await r.allHeaders(),
      size: (await r.body().catch(() => Buffer.alloc(0))).length });
  });
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(assets.length, 'assets loaded').toBeGreaterThan(0);

  const bad = [];
  for (const a of assets) {
    const cc = a.headers['cache-control'] || '';
    const maxAge = Number((/max-age=(\d+)/.exec(cc) || [])[1] || 0);
    if (a.status !== 200) bad.push(`${a.url}: HTTP ${a.status}`);
    if (!HASHED.test(a.url)) bad.push(`${a.url}: no content hash in its name`);
    if (maxAge < 86400 * 30) bad.push(`${a.url}: Cache-Control "${cc}" (want max-age >= 30 days, immutable)`);
    const type = a.headers['content-type'] || '';
    if (/javascript|css|svg|json|html/.test(type) && a.size > 1024 &&
      !/gzip|br/.test(a.headers['content-encoding'] || '')) {
      bad.push(`${a.url}: ${a.size} bytes of ${type} not compressed`);
    }
    if (/\.m?js(\?|$)/.test(a.url) && !/javascript/.test(type)) bad.push(`${a.url}: Content-Type ${type}`);
  }
  expect(bad).toEqual([]);
});
