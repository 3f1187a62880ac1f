// Tenant isolation, generated from the route table: every route that takes
// an id is called by account B with account A's ids and must answer 404
// (never 403, never data). A route added to routes.def without a factory
// below fails this test, so new routes are covered by construction.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, startServer, createAccount, client, assertError } = require('./helpers');

let server, api, a, b;
before(async () => {
  server = await startServer();
  api = client(server.base);
  a = createAccount(server, 'Tenant A');
  b = createAccount(server, 'Tenant B');
});
after(async () => { await server.stop(); });

function routesWithIds() {
  const text = fs.readFileSync(path.join(ROOT, 'src/http/routes.def'), 'utf8');
  const re = /^ROUTE\((\w+),\s*"([^"]+)",\s*(\w+),\s*(\w+),\s*([^,]+),/gm;
  const out = [];
  for (const m of text.matchAll(re)) {
    if (m[2].includes(':') && !m[5].includes('RF_PUBLIC')) out.push({ method: m[1], path: m[2], handler: m[3] });
  }
  return out;
}

// Factories: create an object in account `acct` and return its id.
const factories = {
  clinics: async (acct) => (await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'C' } })).body.id,
  categories: async (acct) => (await api('POST', '/v1/categories', { key: acct.key, body: { name: 'Cat' } })).body.id,
  services: async (acct) => (await api('POST', '/v1/services', { key: acct.key, body: { name: 'S', price: 100 } })).body.id,
  products: async (acct) => (await api('POST', '/v1/products', { key: acct.key, body: { name: 'P', sku: 'SKU-' + Date.now() + Math.random().toString(36).slice(2, 6), price: 100, cost: 50 } })).body.id,
  patients: async (acct) => (await api('POST', '/v1/patients', { key: acct.key, body: { first_name: 'Pat', last_name: 'Ient' } })).body.id,
  users: async (acct) => (await api('POST', '/v1/users', { key: acct.key, body: { email: `u${Date.now()}${Math.random().toString(36).slice(2, 6)}@t.example`, name: 'U', role: 'front_desk' } })).body.id,
  api_keys: async (acct) => (await api('POST', '/v1/api_keys', { key: acct.key, body: { name: 'K' } })).body.id,
};
// A valid body for routes that require members, so only the id can fail.
const validBodies = { '/v1/products/:id/stock/:clinic': { quantity: 1 } };
// Parameters other than the first ":id" in a path, resolved in the caller's own account.
const ownParams = { clinic: 'clinics' };

test('every id route answers 404 to another account', async () => {
  const routes = routesWithIds();
  assert.ok(routes.length >= 10, 'routes parsed: ' + routes.length);
  for (const r of routes) {
    const resource = r.path.split('/')[2];
    const make = factories[resource];
    assert.ok(make, `no tenant-test factory for ${r.method} ${r.path}: add one`);
    const foreignId = await make(a);
    assert.ok(foreignId, `factory for ${resource} made an object`);
    let p = r.path.replace(':id', foreignId);
    for (const [name, res] of Object.entries(ownParams)) {
      if (p.includes(':' + name)) p = p.replace(':' + name, await factories[res](b));
    }
    assert.ok(!p.includes(':'), 'all params bound: ' + p);
    const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : (validBodies[r.path] || {});
    const res = await api(r.method, p, { key: b.key, body });
    assertError(res, 404, undefined);
    assert.ok(!res.text.includes(a.accountId), `${r.method} ${r.path} leaks nothing`);
    // And the owner can still reach it (the id was real).
    if (r.method === 'GET') {
      const own = await api('GET', p.replace(/\/stock\/.*/, ''), { key: a.key });
      assert.equal(own.status, 200, `${p} exists for its owner`);
    }
  }
});

test('lists never show another account\'s objects', async () => {
  await factories.clinics(a);
  await factories.patients(a);
  for (const p of ['/v1/clinics', '/v1/patients', '/v1/users', '/v1/api_keys', '/v1/audit_events', '/v1/services', '/v1/products', '/v1/categories']) {
    const r = await api('GET', p + '?limit=100', { key: b.key });
    assert.equal(r.status, 200, p + ': ' + r.text);
    assert.ok(!r.text.includes(a.accountId) && !r.text.includes(a.userId), p + ' leaks nothing');
  }
});
