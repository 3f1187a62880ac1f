// The web app's files: served at / from memory, index.html for app routes,
// versioned /assets/<hash>/ URLs with immutable caching, gzip, and a CSP
// that allows no inline script. Uses its own small web directory so it
// tests the server, not the app.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { startServer, createAccount, client } = require('./helpers');

let server, webDir, api;
const appJs = 'export const greeting = "hello";\n' + '// padding\n'.repeat(200);

before(async () => {
  webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'poise-web-'));
  fs.writeFileSync(path.join(webDir, 'index.html'),
    '<!doctype html><html><head><link rel="stylesheet" href="%ASSETS%/app.css">' +
    '<script type="module" src="%ASSETS%/app.js"></script></head><body></body></html>\n');
  fs.writeFileSync(path.join(webDir, 'app.js'), appJs);
  fs.writeFileSync(path.join(webDir, 'app.css'), 'body { margin: 0; }\n');
  fs.mkdirSync(path.join(webDir, 'screens'));
  fs.writeFileSync(path.join(webDir, 'screens', 'one.js'), 'export default 1;\n');
  fs.writeFileSync(path.join(webDir, '.hidden'), 'secret');
  fs.writeFileSync(path.join(webDir, 'robots.txt'), 'User-agent: *\n');
  server = await startServer({ extraArgs: ['--web', webDir] });
  api = client(server.base);
});
after(async () => {
  await server.stop();
  fs.rmSync(webDir, { recursive: true, force: true });
});

async function get(p, headers = {}) {
  const res = await fetch(server.base + p, { headers });
  const buf = Buffer.from(await res.arrayBuffer());
  return { res, buf };
}

async function assetBase() {
  const { buf } = await get('/');
  const m = /href="(\/assets\/[0-9a-f]{10})\/app\.css"/.exec(buf.toString());
  assert.ok(m, 'index.html names the versioned asset base: ' + buf);
  return m[1];
}

test('/ serves index.html with the asset version, no-cache and a strict CSP', async () => {
  const { res, buf } = await get('/');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.equal(res.headers.get('cache-control'), 'no-cache');
  const csp = res.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.ok(!buf.toString().includes('%ASSETS%'));
  assert.match(buf.toString(), /src="\/assets\/[0-9a-f]{10}\/app\.js"/);
});

test('app routes get index.html (history routing); API paths do not', async () => {
  for (const p of ['/patients', '/patients/pat_123', '/catalog/services', '/signin']) {
    const { res, buf } = await get(p);
    assert.equal(res.status, 200, p);
    assert.match(buf.toString(), /^<!doctype html>/, p);
  }
  const api404 = await get('/v1/nothing-here');
  assert.equal(api404.res.status, 404);
  assert.match(api404.res.headers.get('content-type'), /application\/json/);
});

test('versioned assets are immutable; other versions and unknown files are 404', async () => {
  const base = await assetBase();
  const { res, buf } = await get(base + '/app.js');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/javascript/);
  assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(buf.toString(), appJs);
  const nested = await get(base + '/screens/one.js');
  assert.equal(nested.buf.toString(), 'export default 1;\n');
  assert.equal((await get('/assets/0000000000/app.js')).res.status, 404);
  assert.equal((await get(base + '/missing.js')).res.status, 404);
  assert.equal((await get(base + '/.hidden')).res.status, 404, 'hidden files are not served');
  assert.equal((await get(base + '/../index.html')).res.status, 404);
  const robots = await get('/robots.txt');
  assert.equal(robots.res.status, 200);
  assert.equal((await get('/nope.txt')).res.status, 404);
});

test('gzip when the client accepts it, identical content either way', async () => {
  const base = await assetBase();
  const res = await new Promise((resolve, reject) => {
    const url = new URL(server.base + base + '/app.js');
    require('node:http').get({ host: url.hostname, port: url.port, path: url.pathname,
      headers: { 'accept-encoding': 'gzip' } }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => resolve({ headers: r.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
  assert.equal(res.headers['content-encoding'], 'gzip');
  assert.equal(res.headers.vary, 'Accept-Encoding');
  assert.ok(res.body.length < Buffer.byteLength(appJs) / 2, 'compressed');
  assert.equal(zlib.gunzipSync(res.body).toString(), appJs);
});

test('the API is unchanged beside the app', async () => {
  const acct = createAccount(server, 'Static Practice');
  const me = await api('GET', '/v1/me', { key: acct.key });
  assert.equal(me.status, 200);
  assert.equal((await get('/healthz')).res.status, 200);
});
