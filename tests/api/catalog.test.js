// /v1/categories, /v1/services, /v1/products and stock per clinic: create,
// read, update, list (filters and pagination), archive-instead-of-delete,
// validation that changes nothing, sku uniqueness, and the audit trail.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, createAccount, client, assertError } = require('./helpers');

let server, api, acct;
before(async () => {
  server = await startServer();
  api = client(server.base);
  acct = createAccount(server, 'Catalog Practice');
});
after(async () => { await server.stop(); });

const NO_CAT = 'cat_00000000000000000000000000';
const NO_SVC = 'svc_00000000000000000000000000';
const NO_PRD = 'prd_00000000000000000000000000';
const NO_CLN = 'cln_00000000000000000000000000';
const ID_RE = (p) => new RegExp(`^${p}_[0-9a-z]{26}$`);

let skuSeq = 0;
const sku = (p = 'SKU') => `${p}-${process.pid}-${++skuSeq}`;

async function mk(path, body, a = acct) {
  const r = await api('POST', path, { key: a.key, body });
  assert.equal(r.status, 201, `POST ${path}: ${r.text}`);
  return r.body;
}
const mkCat = (name = 'Injectables', a) => mk('/v1/categories', { name }, a);
const mkSvc = (body = {}, a) => mk('/v1/services', { name: 'Botox', price: 1200, ...body }, a);
const mkPrd = (body = {}, a) => mk('/v1/products', { name: 'SPF 50', sku: sku(), price: 4800, ...body }, a);
const mkClinic = async (a = acct) => mk('/v1/clinics', { name: 'Clinic ' + (++skuSeq) }, a);
const get = async (path, a = acct) => api('GET', path, { key: a.key });

// Request options with body base overridden by extra: an object, or raw
// JSON text for what JS cannot send (a real such as 14.0 keeps its
// decimal point only as text).
function withBody(base, extra, opts) {
  if (typeof extra !== 'string') return { ...opts, body: { ...base, ...extra } };
  const keys = [...extra.matchAll(/"(\w+)"\s*:/g)].map((m) => m[1]);
  const rest = Object.fromEntries(Object.entries(base).filter(([k]) => !keys.includes(k)));
  const members = [JSON.stringify(rest).slice(1, -1), extra.trim().slice(1, -1)].filter((x) => x.length);
  return { ...opts, raw: '{' + members.join(',') + '}' };
}

// Audit events about one object, newest first.
async function auditOf(objectId, a = acct) {
  const r = await api('GET', `/v1/audit_events?object_id=${objectId}&limit=100`, { key: a.key });
  assert.equal(r.status, 200, r.text);
  for (const e of r.body.data) assert.equal(e.object_id, objectId);
  return r.body.data;
}

// Run each bad request, expect 400 naming param, and check that the object
// (GET path) and its audit trail are exactly as before.
async function refusedLeavesNothing(objPath, objId, cases, send) {
  const before = (await get(objPath)).body;
  const auditBefore = await auditOf(objId);
  for (const [body, param, code] of cases) {
    const r = await send(body);
    assertError(r, 400, code, param);
  }
  assert.deepEqual((await get(objPath)).body, before, 'object unchanged after refused writes');
  assert.deepEqual(await auditOf(objId), auditBefore, 'no audit events for refused writes');
}

// ---------------------------------------------------------------- categories

test('category: create, get, update, with audit events', async () => {
  const c = await api('POST', '/v1/categories', { key: acct.key, body: { name: 'Neurotoxins' } });
  assert.equal(c.status, 201, c.text);
  assert.match(c.body.id, ID_RE('cat'));
  assert.equal(c.body.object, 'category');
  assert.equal(c.body.name, 'Neurotoxins');
  assert.equal(c.body.archived, false);
  assert.ok(Math.abs(c.body.created - Date.now() / 1000) < 60, 'created is Unix seconds');
  assert.equal(typeof c.body.updated, 'number');
  assert.deepEqual((await get(`/v1/categories/${c.body.id}`)).body, c.body);

  const u = await api('PATCH', `/v1/categories/${c.body.id}`, { key: acct.key, body: { name: 'Neuromodulators' } });
  assert.equal(u.status, 200, u.text);
  assert.equal(u.body.name, 'Neuromodulators');
  assert.equal(u.body.archived, false);
  assert.equal(u.body.created, c.body.created);
  assert.deepEqual((await get(`/v1/categories/${c.body.id}`)).body, u.body);

  const ar = await api('PATCH', `/v1/categories/${c.body.id}`, { key: acct.key, body: { archived: true } });
  assert.equal(ar.status, 200);
  assert.equal(ar.body.archived, true);
  assert.equal(ar.body.name, 'Neuromodulators', 'unmentioned fields kept');

  const ev = await auditOf(c.body.id);
  assert.deepEqual(ev.map((e) => e.action), ['category.update', 'category.update', 'category.create']);
  assert.deepEqual(ev[2].summary, { name: 'Neurotoxins', archived: false });
  assert.deepEqual(ev[1].summary, { name: 'Neuromodulators' });
  assert.deepEqual(ev[0].summary, { archived: true });
  for (const e of ev) assert.equal(e.object_type, 'category');
});

test('category: bad input is 400 naming the member and changes nothing', async () => {
  assertError(await api('POST', '/v1/categories', { key: acct.key, body: {} }), 400, 'parameter_missing', 'name');
  assertError(await api('POST', '/v1/categories', { key: acct.key }), 400, 'parameter_missing', 'name');
  const c = await mkCat('Fillers');
  const cases = [
    [{ name: '' }, 'name', 'parameter_invalid'],
    [{ name: '   ' }, 'name', 'parameter_invalid'],
    [{ name: 'x'.repeat(101) }, 'name', 'parameter_invalid'],
    [{ name: 'Tab\there' }, 'name', 'parameter_invalid'],
    [{ name: 5 }, 'name', 'parameter_invalid_type'],
    [{ name: null }, 'name', 'parameter_invalid_type'],
    [{ name: ['x'] }, 'name', 'parameter_invalid_type'],
    [{ archived: 'yes' }, 'archived', 'parameter_invalid_type'],
    [{ archived: 1 }, 'archived', 'parameter_invalid_type'],
    [{ colour: 'red' }, 'colour', 'parameter_unknown'],
    [{ name: 'Ok', price: 100 }, 'price', 'parameter_unknown'],
  ];
  await refusedLeavesNothing(`/v1/categories/${c.id}`, c.id, cases,
    (body) => api('PATCH', `/v1/categories/${c.id}`, withBody({}, body, { key: acct.key })));
  // The same on create: nothing is created.
  const countBefore = (await get('/v1/categories?limit=100')).body.data.length;
  for (const [body, param, code] of cases) {
    assertError(await api('POST', '/v1/categories', withBody({ name: 'Create Me' }, body, { key: acct.key })), 400, code, param);
  }
  assertError(await api('POST', '/v1/categories', { key: acct.key, raw: '[1,2]' }), 400, 'invalid_json');
  assertError(await api('POST', '/v1/categories', { key: acct.key, raw: '{"name": "A", "name": "B"}' }), 400);
  assert.equal((await get('/v1/categories?limit=100')).body.data.length, countBefore);
  // 100 bytes is the limit, not over it.
  const max = await api('POST', '/v1/categories', { key: acct.key, body: { name: 'y'.repeat(100) } });
  assert.equal(max.status, 201, max.text);
});

test('category: unknown and malformed ids are 404', async () => {
  for (const id of [NO_CAT, 'garbage', 'svc_00000000000000000000000000']) {
    assertError(await get(`/v1/categories/${id}`), 404, 'resource_missing');
    assertError(await api('PATCH', `/v1/categories/${id}`, { key: acct.key, body: { name: 'x' } }), 404, 'resource_missing');
    assertError(await api('DELETE', `/v1/categories/${id}`, { key: acct.key }), 404, 'resource_missing');
  }
});

test('category: an unused category is deleted, a used one archived', async () => {
  const unused = await mkCat('Unused');
  const del = await api('DELETE', `/v1/categories/${unused.id}`, { key: acct.key });
  assert.equal(del.status, 200, del.text);
  assert.deepEqual(del.body, { id: unused.id, object: 'category', deleted: true });
  assertError(await get(`/v1/categories/${unused.id}`), 404, 'resource_missing');
  assertError(await api('DELETE', `/v1/categories/${unused.id}`, { key: acct.key }), 404, 'resource_missing');
  const delEv = await auditOf(unused.id);
  assert.deepEqual(delEv.map((e) => e.action), ['category.delete', 'category.create']);
  assert.equal(delEv[0].summary.name, 'Unused');

  // Used by a service.
  const bySvc = await mkCat('Used by service');
  const s = await mkSvc({ category: bySvc.id });
  const kept = await api('DELETE', `/v1/categories/${bySvc.id}`, { key: acct.key });
  assert.equal(kept.status, 200, kept.text);
  assert.equal(kept.body.id, bySvc.id);
  assert.equal(kept.body.object, 'category');
  assert.equal(kept.body.archived, true);
  assert.ok(!('deleted' in kept.body));
  assert.equal((await get(`/v1/categories/${bySvc.id}`)).body.archived, true);
  assert.equal((await get(`/v1/services/${s.id}`)).body.category, bySvc.id, 'the service keeps its category');
  const ev = await auditOf(bySvc.id);
  assert.deepEqual(ev.map((e) => e.action), ['category.archive', 'category.create']);
  assert.equal(ev[0].summary.reason, 'in_use');
  assert.equal(ev[0].summary.archived, true);
  // Deleting it again: still kept, no second event.
  const again = await api('DELETE', `/v1/categories/${bySvc.id}`, { key: acct.key });
  assert.equal(again.status, 200);
  assert.equal(again.body.archived, true);
  assert.equal((await auditOf(bySvc.id)).length, 2);

  // Used by a product only (even an archived one).
  const byPrd = await mkCat('Used by product');
  const p = await mkPrd({ category: byPrd.id });
  await api('DELETE', `/v1/products/${p.id}`, { key: acct.key });
  const kept2 = await api('DELETE', `/v1/categories/${byPrd.id}`, { key: acct.key });
  assert.equal(kept2.status, 200);
  assert.equal(kept2.body.archived, true);
  assert.equal((await get(`/v1/categories/${byPrd.id}`)).status, 200);
});

// ------------------------------------------------------------------ services

test('service: create with defaults, get, update, with audit events', async () => {
  const r = await api('POST', '/v1/services', { key: acct.key, body: { name: 'Lip Filler', price: 65000 } });
  assert.equal(r.status, 201, r.text);
  const s = r.body;
  assert.match(s.id, ID_RE('svc'));
  assert.equal(s.object, 'service');
  assert.equal(s.name, 'Lip Filler');
  assert.equal(s.price, 65000);
  assert.equal(s.currency, 'USD');
  assert.equal(s.duration_min, 30);
  assert.equal(s.taxable, false);
  assert.equal(s.archived, false);
  assert.equal(s.category, null);
  assert.ok(Math.abs(s.created - Date.now() / 1000) < 60);
  assert.deepEqual((await get(`/v1/services/${s.id}`)).body, s);

  const cat = await mkCat('Fillers');
  const full = await mkSvc({ name: 'Cheek Filler', category: cat.id, price: 0, currency: 'EUR', duration_min: 1440, taxable: true });
  assert.equal(full.category, cat.id);
  assert.equal(full.price, 0);
  assert.equal(full.currency, 'EUR');
  assert.equal(full.duration_min, 1440);
  assert.equal(full.taxable, true);

  const u = await api('PATCH', `/v1/services/${s.id}`, { key: acct.key, body: { price: 70000, duration_min: 45, category: cat.id } });
  assert.equal(u.status, 200, u.text);
  assert.equal(u.body.price, 70000);
  assert.equal(u.body.duration_min, 45);
  assert.equal(u.body.category, cat.id);
  assert.equal(u.body.name, 'Lip Filler', 'unmentioned fields kept');
  assert.equal(u.body.currency, 'USD');
  const un = await api('PATCH', `/v1/services/${s.id}`, { key: acct.key, body: { category: null, taxable: true, name: 'Lips' } });
  assert.equal(un.status, 200, un.text);
  assert.equal(un.body.category, null);
  assert.equal(un.body.taxable, true);
  assert.equal(un.body.name, 'Lips');
  assert.deepEqual((await get(`/v1/services/${s.id}`)).body, un.body);

  const ev = await auditOf(s.id);
  assert.deepEqual(ev.map((e) => e.action), ['service.update', 'service.update', 'service.create']);
  assert.deepEqual(ev[2].summary, {
    name: 'Lip Filler', category: null, price: 65000, currency: 'USD', duration_min: 30, taxable: false, archived: false });
  assert.deepEqual(ev[1].summary, { category: cat.id, price: 70000, duration_min: 45 });
  assert.deepEqual(ev[0].summary, { name: 'Lips', category: null, taxable: true });
});

test('service: missing, mistyped and out-of-range members are 400 and change nothing', async () => {
  assertError(await api('POST', '/v1/services', { key: acct.key, body: { price: 100 } }), 400, 'parameter_missing', 'name');
  assertError(await api('POST', '/v1/services', { key: acct.key, body: { name: 'No Price' } }), 400, 'parameter_missing', 'price');
  const archivedCat = await mkCat('Archived');
  await api('PATCH', `/v1/categories/${archivedCat.id}`, { key: acct.key, body: { archived: true } });
  const s = await mkSvc({ name: 'Validate Me' });
  const cases = [
    [{ price: 14.5 }, 'price', 'parameter_invalid_type'],
    ['{"price": 14.0}', 'price', 'parameter_invalid_type'],
    ['{"price": 1e3}', 'price', 'parameter_invalid_type'],
    ['{"price": 1400.00}', 'price', 'parameter_invalid_type'],
    [{ price: '1400' }, 'price', 'parameter_invalid_type'],
    [{ price: null }, 'price', 'parameter_invalid_type'],
    [{ price: -1 }, 'price', 'parameter_out_of_range'],
    [{ price: 100000001 }, 'price', 'parameter_out_of_range'],
    [{ duration_min: -1 }, 'duration_min', 'parameter_out_of_range'],
    [{ duration_min: 1441 }, 'duration_min', 'parameter_out_of_range'],
    [{ duration_min: 30.5 }, 'duration_min', 'parameter_invalid_type'],
    [{ duration_min: '30' }, 'duration_min', 'parameter_invalid_type'],
    [{ currency: 'XXX' }, 'currency', 'parameter_invalid'],
    [{ currency: 'US' }, 'currency', 'parameter_invalid'],
    [{ currency: 840 }, 'currency', 'parameter_invalid_type'],
    [{ taxable: 'true' }, 'taxable', 'parameter_invalid_type'],
    [{ archived: 0 }, 'archived', 'parameter_invalid_type'],
    [{ name: '' }, 'name', 'parameter_invalid'],
    [{ name: ' ' }, 'name', 'parameter_invalid'],
    [{ name: 'z'.repeat(201) }, 'name', 'parameter_invalid'],
    [{ name: 'Bell\u0007' }, 'name', 'parameter_invalid'],
    [{ category: NO_CAT }, 'category', 'resource_missing'],
    [{ category: 'cat_garbage' }, 'category', undefined],
    [{ category: '' }, 'category', 'parameter_invalid'],
    [{ category: 7 }, 'category', 'parameter_invalid_type'],
    [{ category: archivedCat.id }, 'category', 'parameter_invalid'],
    [{ sku: 'ABC' }, 'sku', 'parameter_unknown'],
    [{ cost: 5 }, 'cost', 'parameter_unknown'],
  ];
  await refusedLeavesNothing(`/v1/services/${s.id}`, s.id, cases,
    (body) => api('PATCH', `/v1/services/${s.id}`, withBody({}, body, { key: acct.key })));
  const names = async () => (await get('/v1/services?limit=100')).body.data.map((x) => x.name)
    .concat((await get('/v1/services?limit=100&archived=true')).body.data.map((x) => x.name));
  const before = await names();
  for (const [body, param, code] of cases) {
    assertError(await api('POST', '/v1/services', withBody({ name: 'Never Made', price: 100 }, body, { key: acct.key })),
      400, code, param);
  }
  assert.deepEqual(await names(), before);
  assert.ok(!before.includes('Never Made'));
  // The edges themselves are accepted.
  for (const body of [{ price: 100000000 }, { price: 0 }, { duration_min: 0 }, { duration_min: 1440 }, { name: 'n'.repeat(200) }]) {
    const r = await api('PATCH', `/v1/services/${s.id}`, { key: acct.key, body });
    assert.equal(r.status, 200, JSON.stringify(body) + ': ' + r.text);
  }
});

test('service: an item under a later-archived category can still be edited', async () => {
  const cat = await mkCat('Soon Archived');
  const s = await mkSvc({ category: cat.id });
  await api('PATCH', `/v1/categories/${cat.id}`, { key: acct.key, body: { archived: true } });
  const r = await api('PATCH', `/v1/services/${s.id}`, { key: acct.key, body: { price: 1300 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.category, cat.id);
  // Re-sending the same category is not a change either.
  assert.equal((await api('PATCH', `/v1/services/${s.id}`, { key: acct.key, body: { category: cat.id } })).status, 200);
});

test('service: DELETE archives; unknown ids are 404', async () => {
  const s = await mkSvc({ name: 'Retired Peel' });
  const d = await api('DELETE', `/v1/services/${s.id}`, { key: acct.key });
  assert.equal(d.status, 200, d.text);
  assert.equal(d.body.id, s.id);
  assert.equal(d.body.object, 'service');
  assert.equal(d.body.archived, true);
  assert.equal(d.body.name, 'Retired Peel');
  const g = await get(`/v1/services/${s.id}`);
  assert.equal(g.status, 200);
  assert.equal(g.body.archived, true);
  let ev = await auditOf(s.id);
  assert.deepEqual(ev.map((e) => e.action), ['service.archive', 'service.create']);
  assert.deepEqual(ev[0].summary, { archived: true });
  // Again: a no-op, no new event.
  const d2 = await api('DELETE', `/v1/services/${s.id}`, { key: acct.key });
  assert.equal(d2.status, 200);
  assert.equal(d2.body.archived, true);
  assert.equal((await auditOf(s.id)).length, 2);
  // Unarchive by PATCH.
  const un = await api('PATCH', `/v1/services/${s.id}`, { key: acct.key, body: { archived: false } });
  assert.equal(un.status, 200);
  assert.equal(un.body.archived, false);
  ev = await auditOf(s.id);
  assert.equal(ev[0].action, 'service.update');
  assert.deepEqual(ev[0].summary, { archived: false });

  for (const id of [NO_SVC, 'garbage', 'prd_00000000000000000000000000']) {
    assertError(await get(`/v1/services/${id}`), 404, 'resource_missing');
    assertError(await api('PATCH', `/v1/services/${id}`, { key: acct.key, body: { price: 1 } }), 404, 'resource_missing');
    assertError(await api('DELETE', `/v1/services/${id}`, { key: acct.key }), 404, 'resource_missing');
  }
});

test('another account\'s category is unknown here (400 param category)', async () => {
  const b = createAccount(server, 'Foreign Category');
  const theirs = await mkCat('Theirs', b);
  const s = await mkSvc({ name: 'Mine' });
  assertError(await api('POST', '/v1/services', { key: acct.key, body: { name: 'X', price: 1, category: theirs.id } }),
    400, 'resource_missing', 'category');
  assertError(await api('POST', '/v1/products', { key: acct.key, body: { name: 'X', sku: sku(), price: 1, category: theirs.id } }),
    400, 'resource_missing', 'category');
  assertError(await api('PATCH', `/v1/services/${s.id}`, { key: acct.key, body: { category: theirs.id } }),
    400, 'resource_missing', 'category');
  assert.equal((await get(`/v1/services/${s.id}`)).body.category, null);
  assert.deepEqual((await get(`/v1/services?category=${theirs.id}`)).body.data, []);
  assertError(await api('DELETE', `/v1/categories/${theirs.id}`, { key: acct.key }), 404, 'resource_missing');
  assert.equal((await get(`/v1/categories/${theirs.id}`, b)).body.archived, false);
});

// ------------------------------------------------------------------ products

test('product: create with defaults, get, update, with audit events', async () => {
  const code = sku('HA');
  const r = await api('POST', '/v1/products', { key: acct.key, body: { name: 'Hyaluronic Serum', sku: code, price: 8900 } });
  assert.equal(r.status, 201, r.text);
  const p = r.body;
  assert.match(p.id, ID_RE('prd'));
  assert.equal(p.object, 'product');
  assert.equal(p.sku, code);
  assert.equal(p.name, 'Hyaluronic Serum');
  assert.equal(p.price, 8900);
  assert.equal(p.cost, 0);
  assert.equal(p.currency, 'USD');
  assert.equal(p.taxable, true);
  assert.equal(p.archived, false);
  assert.equal(p.category, null);
  assert.deepEqual(p.stock, []);
  assert.deepEqual((await get(`/v1/products/${p.id}`)).body, p);

  const cat = await mkCat('Skincare');
  const code2 = sku('RET');
  const u = await api('PATCH', `/v1/products/${p.id}`, { key: acct.key, body: { sku: code2, cost: 3100, taxable: false, category: cat.id } });
  assert.equal(u.status, 200, u.text);
  assert.equal(u.body.sku, code2);
  assert.equal(u.body.cost, 3100);
  assert.equal(u.body.taxable, false);
  assert.equal(u.body.category, cat.id);
  assert.equal(u.body.price, 8900);
  assert.deepEqual((await get(`/v1/products/${p.id}`)).body, u.body);
  // Its own sku again is not a conflict.
  const same = await api('PATCH', `/v1/products/${p.id}`, { key: acct.key, body: { sku: code2, name: 'Retinol' } });
  assert.equal(same.status, 200, same.text);

  const ev = await auditOf(p.id);
  assert.deepEqual(ev.map((e) => e.action), ['product.update', 'product.update', 'product.create']);
  assert.deepEqual(ev[2].summary, {
    sku: code, name: 'Hyaluronic Serum', category: null, price: 8900, cost: 0, currency: 'USD', taxable: true, archived: false });
  assert.deepEqual(ev[1].summary, { sku: code2, category: cat.id, cost: 3100, taxable: false });
  assert.deepEqual(ev[0].summary, { sku: code2, name: 'Retinol' });
});

test('product: missing, mistyped and out-of-range members are 400 and change nothing', async () => {
  assertError(await api('POST', '/v1/products', { key: acct.key, body: { name: 'N', price: 1 } }), 400, 'parameter_missing', 'sku');
  assertError(await api('POST', '/v1/products', { key: acct.key, body: { sku: sku(), price: 1 } }), 400, 'parameter_missing', 'name');
  assertError(await api('POST', '/v1/products', { key: acct.key, body: { sku: sku(), name: 'N' } }), 400, 'parameter_missing', 'price');
  const p = await mkPrd({ name: 'Validate Product' });
  const cases = [
    ['{"price": 48.0}', 'price', 'parameter_invalid_type'],
    ['{"cost": 1.0E2}', 'cost', 'parameter_invalid_type'],
    [{ price: 48.5 }, 'price', 'parameter_invalid_type'],
    [{ price: '4800' }, 'price', 'parameter_invalid_type'],
    [{ price: -5 }, 'price', 'parameter_out_of_range'],
    [{ price: 100000001 }, 'price', 'parameter_out_of_range'],
    [{ cost: 12.25 }, 'cost', 'parameter_invalid_type'],
    [{ cost: -1 }, 'cost', 'parameter_out_of_range'],
    [{ cost: 100000001 }, 'cost', 'parameter_out_of_range'],
    [{ sku: '' }, 'sku', 'parameter_invalid'],
    [{ sku: 'has space' }, 'sku', 'parameter_invalid'],
    [{ sku: 'slash/sku' }, 'sku', 'parameter_invalid'],
    [{ sku: 'é-sku' }, 'sku', 'parameter_invalid'],
    [{ sku: 'S'.repeat(65) }, 'sku', 'parameter_invalid'],
    [{ sku: 12345 }, 'sku', 'parameter_invalid_type'],
    [{ sku: null }, 'sku', 'parameter_invalid_type'],
    [{ name: '' }, 'name', 'parameter_invalid'],
    [{ name: 'n'.repeat(201) }, 'name', 'parameter_invalid'],
    [{ currency: 'usd' }, 'currency', 'parameter_invalid'],
    [{ taxable: 'no' }, 'taxable', 'parameter_invalid_type'],
    [{ category: NO_CAT }, 'category', 'resource_missing'],
    [{ category: 'nope' }, 'category', undefined],
    [{ duration_min: 30 }, 'duration_min', 'parameter_unknown'],
    [{ stock: [] }, 'stock', 'parameter_unknown'],
    [{ quantity: 3 }, 'quantity', 'parameter_unknown'],
  ];
  await refusedLeavesNothing(`/v1/products/${p.id}`, p.id, cases,
    (body) => api('PATCH', `/v1/products/${p.id}`, withBody({}, body, { key: acct.key })));
  const count = async () => (await get('/v1/products?limit=100')).body.data.length;
  const before = await count();
  for (const [body, param, code] of cases) {
    assertError(await api('POST', '/v1/products', withBody({ name: 'Never', sku: sku('NEVER'), price: 1 }, body, { key: acct.key })),
      400, code, param);
  }
  assert.equal(await count(), before);
  // The edges are accepted.
  for (const body of [{ sku: 'S'.repeat(64) }, { sku: 'a.b_c-D9' }, { price: 100000000, cost: 100000000 }, { price: 0, cost: 0 }]) {
    const r = await api('PATCH', `/v1/products/${p.id}`, { key: acct.key, body });
    assert.equal(r.status, 200, JSON.stringify(body) + ': ' + r.text);
  }
});

test('product: a duplicate sku is 409 sku_taken; another account may use it', async () => {
  const code = sku('DUP');
  const first = await mkPrd({ sku: code, name: 'First' });
  const dup = await api('POST', '/v1/products', { key: acct.key, body: { name: 'Second', sku: code, price: 1 } });
  assertError(dup, 409, 'sku_taken', 'sku');
  assert.equal((await get('/v1/products?limit=100')).body.data.filter((x) => x.sku === code).length, 1);

  // Renaming another product onto it: 409, and the product is unchanged.
  const other = await mkPrd({ name: 'Other' });
  const ren = await api('PATCH', `/v1/products/${other.id}`, { key: acct.key, body: { sku: code, name: 'Renamed' } });
  assertError(ren, 409, 'sku_taken', 'sku');
  assert.deepEqual((await get(`/v1/products/${other.id}`)).body, other);
  assert.deepEqual((await auditOf(other.id)).map((e) => e.action), ['product.create']);

  // An archived product still holds its sku.
  await api('DELETE', `/v1/products/${first.id}`, { key: acct.key });
  assertError(await api('POST', '/v1/products', { key: acct.key, body: { name: 'Third', sku: code, price: 1 } }), 409, 'sku_taken', 'sku');

  // Another account is independent.
  const b = createAccount(server, 'Other Catalog');
  const there = await api('POST', '/v1/products', { key: b.key, body: { name: 'Theirs', sku: code, price: 1 } });
  assert.equal(there.status, 201, there.text);
  assert.notEqual(there.body.id, first.id);
});

test('product: concurrent creates with one sku make exactly one product', async () => {
  const code = sku('RACE');
  const res = await Promise.all(Array.from({ length: 6 }, (_, i) =>
    api('POST', '/v1/products', { key: acct.key, body: { name: 'Race ' + i, sku: code, price: 100 } })));
  const ok = res.filter((r) => r.status === 201);
  assert.equal(ok.length, 1, res.map((r) => r.status + ' ' + r.text).join('\n'));
  for (const r of res.filter((x) => x.status !== 201)) assertError(r, 409, 'sku_taken', 'sku');
  assert.equal((await get('/v1/products?limit=100')).body.data.filter((x) => x.sku === code).length, 1);
});

test('product: DELETE archives; unknown ids are 404', async () => {
  const p = await mkPrd({ name: 'Discontinued' });
  const d = await api('DELETE', `/v1/products/${p.id}`, { key: acct.key });
  assert.equal(d.status, 200, d.text);
  assert.equal(d.body.object, 'product');
  assert.equal(d.body.archived, true);
  assert.equal(d.body.sku, p.sku);
  assert.equal((await get(`/v1/products/${p.id}`)).body.archived, true);
  const ev = await auditOf(p.id);
  assert.deepEqual(ev.map((e) => e.action), ['product.archive', 'product.create']);
  assert.deepEqual(ev[0].summary, { archived: true });
  assert.equal((await api('DELETE', `/v1/products/${p.id}`, { key: acct.key })).status, 200);
  assert.equal((await auditOf(p.id)).length, 2, 'archiving again records nothing');

  for (const id of [NO_PRD, 'garbage', 'svc_00000000000000000000000000']) {
    assertError(await get(`/v1/products/${id}`), 404, 'resource_missing');
    assertError(await api('PATCH', `/v1/products/${id}`, { key: acct.key, body: { price: 1 } }), 404, 'resource_missing');
    assertError(await api('DELETE', `/v1/products/${id}`, { key: acct.key }), 404, 'resource_missing');
  }
});

// --------------------------------------------------------------------- stock

test('stock: set per clinic, replace, shown on get and list, audited', async () => {
  const p = await mkPrd({ name: 'Stocked Cream' });
  const c1 = await mkClinic();
  const c2 = await mkClinic();
  const r = await api('PUT', `/v1/products/${p.id}/stock/${c1.id}`, { key: acct.key, body: { quantity: 12 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.id, p.id);
  assert.equal(r.body.object, 'product');
  assert.deepEqual(r.body.stock, [{ clinic: c1.id, quantity: 12 }]);
  const r2 = await api('PUT', `/v1/products/${p.id}/stock/${c1.id}`, { key: acct.key, body: { quantity: 7 } });
  assert.deepEqual(r2.body.stock, [{ clinic: c1.id, quantity: 7 }], 'replaced, not added');
  const r3 = await api('PUT', `/v1/products/${p.id}/stock/${c2.id}`, { key: acct.key, body: { quantity: 0 } });
  assert.equal(r3.status, 200, r3.text);
  const expected = [{ clinic: c1.id, quantity: 7 }, { clinic: c2.id, quantity: 0 }]
    .sort((a, b) => (a.clinic < b.clinic ? -1 : 1));
  assert.deepEqual(r3.body.stock, expected, 'ordered by clinic id');
  assert.deepEqual((await get(`/v1/products/${p.id}`)).body.stock, expected);
  const listed = (await get('/v1/products?limit=100')).body.data.find((x) => x.id === p.id);
  assert.deepEqual(listed.stock, expected);
  // The maximum is accepted.
  const big = await api('PUT', `/v1/products/${p.id}/stock/${c2.id}`, { key: acct.key, body: { quantity: 1000000000 } });
  assert.equal(big.status, 200, big.text);

  const ev = (await auditOf(p.id)).filter((e) => e.action === 'product.stock_set');
  assert.equal(ev.length, 4);
  assert.deepEqual(ev[3].summary, { clinic: c1.id, quantity: 12, quantity_before: null });
  assert.deepEqual(ev[2].summary, { clinic: c1.id, quantity: 7, quantity_before: 12 });
  assert.deepEqual(ev[1].summary, { clinic: c2.id, quantity: 0, quantity_before: null });
  assert.deepEqual(ev[0].summary, { clinic: c2.id, quantity: 1000000000, quantity_before: 0 });
});

test('stock: bad quantity is 400, unknown product or clinic 404, and nothing changes', async () => {
  const p = await mkPrd({ name: 'Stock Errors' });
  const c = await mkClinic();
  await api('PUT', `/v1/products/${p.id}/stock/${c.id}`, { key: acct.key, body: { quantity: 5 } });
  const put = (body, prd = p.id, cln = c.id) => api('PUT', `/v1/products/${prd}/stock/${cln}`, withBody({}, body, { key: acct.key }));
  const cases = [
    [{}, 'quantity', 'parameter_missing'],
    [{ quantity: -1 }, 'quantity', 'parameter_out_of_range'],
    [{ quantity: 1000000001 }, 'quantity', 'parameter_out_of_range'],
    [{ quantity: 2.5 }, 'quantity', 'parameter_invalid_type'],
    ['{"quantity": 3.0}', 'quantity', 'parameter_invalid_type'],
    ['{"quantity": 5e0}', 'quantity', 'parameter_invalid_type'],
    [{ quantity: '3' }, 'quantity', 'parameter_invalid_type'],
    [{ quantity: null }, 'quantity', 'parameter_invalid_type'],
    [{ quantity: 3, clinic: c.id }, 'clinic', 'parameter_unknown'],
  ];
  await refusedLeavesNothing(`/v1/products/${p.id}`, p.id, cases, (body) => put(body));
  assertError(await api('PUT', `/v1/products/${p.id}/stock/${c.id}`, { key: acct.key }), 400, 'parameter_missing', 'quantity');

  // Unknown product, unknown clinic, another account's clinic, malformed ids.
  const b = createAccount(server, 'Foreign Clinic');
  const foreign = await mkClinic(b);
  assertError(await put({ quantity: 1 }, NO_PRD), 404, 'resource_missing', 'id');
  assertError(await put({ quantity: 1 }, 'garbage'), 404, 'resource_missing', 'id');
  assertError(await put({ quantity: 1 }, p.id, NO_CLN), 404, 'resource_missing', 'clinic');
  assertError(await put({ quantity: 1 }, p.id, 'garbage'), 404, 'resource_missing', 'clinic');
  assertError(await put({ quantity: 1 }, p.id, foreign.id), 404, 'resource_missing', 'clinic');
  const after = (await get(`/v1/products/${p.id}`)).body;
  assert.deepEqual(after.stock, [{ clinic: c.id, quantity: 5 }]);
  assert.equal((await auditOf(p.id)).filter((e) => e.action === 'product.stock_set').length, 1);
  // The other account's view of its clinic is untouched too.
  assert.equal((await get(`/v1/audit_events?object_id=${foreign.id}&limit=100`, b)).body.data.length, 1);
});

// --------------------------------------------------------------------- lists

test('lists: ?archived shows archived items instead of live ones', async () => {
  const a = createAccount(server, 'Archive Filter');
  const liveCat = await mkCat('Live', a);
  const deadCat = await mkCat('Dead', a);
  await api('PATCH', `/v1/categories/${deadCat.id}`, { key: a.key, body: { archived: true } });
  const liveSvc = await mkSvc({ name: 'Live S' }, a);
  const deadSvc = await mkSvc({ name: 'Dead S' }, a);
  await api('DELETE', `/v1/services/${deadSvc.id}`, { key: a.key });
  const livePrd = await mkPrd({ name: 'Live P' }, a);
  const deadPrd = await mkPrd({ name: 'Dead P' }, a);
  await api('DELETE', `/v1/products/${deadPrd.id}`, { key: a.key });
  const ids = async (p) => {
    const r = await get(p, a);
    assert.equal(r.status, 200, p + ': ' + r.text);
    assert.equal(r.body.object, 'list');
    assert.equal(r.body.has_more, false);
    return r.body.data.map((x) => x.id);
  };
  for (const [res, live, dead] of [['categories', liveCat, deadCat], ['services', liveSvc, deadSvc], ['products', livePrd, deadPrd]]) {
    assert.deepEqual(await ids(`/v1/${res}`), [live.id], res + ' default: live only');
    assert.deepEqual(await ids(`/v1/${res}?archived=false`), [live.id]);
    assert.deepEqual(await ids(`/v1/${res}?archived=true`), [dead.id], res + ' archived only');
    for (const bad of ['yes', '1', 'TRUE', '']) {
      assertError(await get(`/v1/${res}?archived=${bad}`, a), 400, 'parameter_invalid', 'archived');
    }
  }
});

test('lists: ?category filters services and products', async () => {
  const a = createAccount(server, 'Category Filter');
  const c1 = await mkCat('One', a);
  const c2 = await mkCat('Two', a);
  const s1 = await mkSvc({ category: c1.id }, a);
  const s2 = await mkSvc({ category: c2.id }, a);
  const s0 = await mkSvc({}, a);
  const s1b = await mkSvc({ category: c1.id, name: 'Archived in one' }, a);
  await api('DELETE', `/v1/services/${s1b.id}`, { key: a.key });
  const p1 = await mkPrd({ category: c1.id }, a);
  const p2 = await mkPrd({ category: c2.id }, a);
  await mkPrd({}, a);
  const ids = async (p) => (await get(p, a)).body.data.map((x) => x.id);
  assert.deepEqual(await ids(`/v1/services?category=${c1.id}`), [s1.id]);
  assert.deepEqual(await ids(`/v1/services?category=${c2.id}`), [s2.id]);
  assert.deepEqual(await ids(`/v1/services?category=${c1.id}&archived=true`), [s1b.id]);
  assert.deepEqual((await ids('/v1/services')).sort(), [s0.id, s1.id, s2.id].sort());
  assert.deepEqual(await ids(`/v1/products?category=${c1.id}`), [p1.id]);
  assert.deepEqual(await ids(`/v1/products?category=${c2.id}`), [p2.id]);
  assert.deepEqual(await ids(`/v1/services?category=${NO_CAT}`), []);
  assert.deepEqual(await ids(`/v1/products?category=${NO_CAT}`), []);
  for (const res of ['services', 'products']) {
    for (const bad of ['nope', 'svc_00000000000000000000000000', '']) {
      assertError(await get(`/v1/${res}?category=${bad}`, a), 400, 'parameter_invalid', 'category');
    }
  }
});

test('lists: pagination with limit, starting_after and has_more', async () => {
  const a = createAccount(server, 'Catalog Paging');
  const made = { categories: [], services: [], products: [] };
  for (let i = 0; i < 5; i++) {
    made.categories.push((await mkCat('Cat ' + i, a)).id);
    made.services.push((await mkSvc({ name: 'Svc ' + i }, a)).id);
    made.products.push((await mkPrd({ name: 'Prd ' + i }, a)).id);
  }
  for (const [res, all] of Object.entries(made)) {
    const ids = [...all].sort();
    assert.deepEqual(ids, all, res + ' ids increase with creation');
    const p1 = await get(`/v1/${res}?limit=2`, a);
    assert.equal(p1.status, 200, p1.text);
    assert.deepEqual(p1.body.data.map((x) => x.id), ids.slice(0, 2));
    assert.equal(p1.body.has_more, true);
    const p2 = await get(`/v1/${res}?limit=2&starting_after=${ids[1]}`, a);
    assert.deepEqual(p2.body.data.map((x) => x.id), ids.slice(2, 4));
    assert.equal(p2.body.has_more, true);
    const p3 = await get(`/v1/${res}?limit=2&starting_after=${ids[3]}`, a);
    assert.deepEqual(p3.body.data.map((x) => x.id), ids.slice(4));
    assert.equal(p3.body.has_more, false);
    const exact = await get(`/v1/${res}?limit=5`, a);
    assert.equal(exact.body.data.length, 5);
    assert.equal(exact.body.has_more, false, 'exactly limit items: no more');
    const all20 = await get(`/v1/${res}`, a);
    assert.deepEqual(all20.body.data.map((x) => x.id), ids);
    const end = await get(`/v1/${res}?starting_after=${ids[4]}`, a);
    assert.deepEqual(end.body.data, []);
    assert.equal(end.body.has_more, false);
    for (const bad of ['0', '101', 'x', '-1', '2.5']) {
      assertError(await get(`/v1/${res}?limit=${bad}`, a), 400, 'parameter_invalid', 'limit');
    }
    assertError(await get(`/v1/${res}?starting_after=`, a), 400, 'parameter_invalid', 'starting_after');
  }
  // Paging composes with the category filter.
  const cat = await mkCat('Paged', a);
  const inCat = [];
  for (let i = 0; i < 3; i++) inCat.push((await mkSvc({ name: 'In ' + i, category: cat.id }, a)).id);
  const f1 = await get(`/v1/services?category=${cat.id}&limit=2`, a);
  assert.deepEqual(f1.body.data.map((x) => x.id), inCat.slice(0, 2));
  assert.equal(f1.body.has_more, true);
  const f2 = await get(`/v1/services?category=${cat.id}&limit=2&starting_after=${inCat[1]}`, a);
  assert.deepEqual(f2.body.data.map((x) => x.id), inCat.slice(2));
  assert.equal(f2.body.has_more, false);
});

test('catalog writes need an API key or session', async () => {
  assertError(await api('POST', '/v1/categories', { body: { name: 'Anon' } }), 401);
  assertError(await api('GET', '/v1/services'), 401);
  assertError(await api('PUT', `/v1/products/${NO_PRD}/stock/${NO_CLN}`, { body: { quantity: 1 } }), 401);
});
