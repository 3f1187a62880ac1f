// /v1/promotions: BOGO, discount groups and packages that the pricing
// engine applies at checkout (docs/promotions.md). CRUD by admins, read by
// any staff; every bad input refused with the member named and nothing
// written; another account's ids are 404; and the promotions in effect at
// the invoice's clinic priced into POST /v1/invoices/preview with the
// worked examples of docs/pricing.md, to the cent.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startServer, createAccount, client, assertError, signIn } = require('./helpers');

let server, api, p;
const ZERO = (prefix) => `${prefix}_${'0'.repeat(26)}`;
const as = (s) => ({ headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });

async function staff(acct, role) {
  const email = `${role}-${crypto.randomBytes(4).toString('hex')}@promo.example`;
  const r = await api('POST', '/v1/users', { key: acct.key, body: { email, name: role, role, password: 'promotion password' } });
  assert.equal(r.status, 201, r.text);
  return signIn(server.base, email, 'promotion password');
}

async function make(acct, path, body) {
  const r = await api('POST', path, { key: acct.key, body });
  assert.equal(r.status, 201, `${path}: ${r.text}`);
  return r.body;
}

before(async () => {
  server = await startServer();
  api = client(server.base);
  p = createAccount(server, 'Promo Practice');
  p.clinic = await make(p, '/v1/clinics', { name: 'Main', tax_rate_bps: 1000 });
  p.clinic2 = await make(p, '/v1/clinics', { name: 'Second' });
  const svc = (name, price) => make(p, '/v1/services', { name, price });
  const prd = (name, price) => make(p, '/v1/products', { name, price, sku: name.toUpperCase() + '-' + crypto.randomBytes(3).toString('hex') });
  p.hydrafacial = await svc('Hydrafacial', 19900);
  p.peel = await svc('Peel', 15000);
  p.botox = await svc('Botox unit', 1200);
  p.filler = await svc('Filler', 65000);
  p.cleanser = await prd('Cleanser', 2450);
  p.toner = await prd('Toner', 1800);
  p.archived = await svc('Old', 100);
  await api('DELETE', `/v1/services/${p.archived.id}`, { key: p.key });
  p.front = await staff(p, 'front_desk');
  p.provider = await staff(p, 'provider');
  p.admin = await staff(p, 'admin');
});
after(async () => { await server.stop(); });

const latestEvent = async (acct) => (await api('GET', '/v1/audit_events?limit=1', { key: acct.key })).body.data[0].id;
const listAll = async (acct, q = '') => (await api('GET', '/v1/promotions?limit=100' + q, { key: acct.key })).body.data;
const preview = (clinic, lines, opts = {}) => api('POST', '/v1/invoices/preview', {
  ...(opts.session ? as(opts.session) : { key: (opts.acct || p).key }),
  body: { clinic: clinic.id, lines: lines.map(([item, quantity]) => ({ item: item.id, quantity })) },
});

test('create, read, list in priority order, change and archive a promotion', async () => {
  const a = createAccount(server, 'Promo CRUD');
  const c = await make(a, '/v1/clinics', { name: 'C' });
  const s1 = await make(a, '/v1/services', { name: 'S1', price: 1000 });
  const s2 = await make(a, '/v1/services', { name: 'S2', price: 2000 });
  const bogo = await make(a, '/v1/promotions', { name: 'Buy one get one', kind: 'bogo', items: [s1.id] });
  assert.match(bogo.id, /^prm_/);
  assert.deepEqual(
    [bogo.object, bogo.kind, bogo.items, bogo.get_items, bogo.buy_quantity, bogo.get_quantity, bogo.discount, bogo.package_price],
    ['promotion', 'bogo', [s1.id], null, 1, 1, { percent_bps: 10000 }, null], 'BOGO defaults: buy 1, get 1 of the same set free');
  assert.deepEqual([bogo.currency, bogo.clinics, bogo.starts_at, bogo.ends_at, bogo.active, bogo.archived, bogo.in_effect, bogo.priority],
    ['USD', [], null, null, true, false, true, 0]);
  const group = await make(a, '/v1/promotions', { name: '10% off', kind: 'group', items: [s1.id, s2.id], discount: { percent_bps: 1000 },
    clinics: [c.id], priority: 1 });
  const pkg = await make(a, '/v1/promotions', { name: 'Bundle', kind: 'package', items: [s1.id, s2.id], package_price: 2500, priority: 0,
    starts_at: 2000000000, ends_at: 2100000000 });
  assert.deepEqual([pkg.package_price, pkg.discount, pkg.starts_at, pkg.ends_at, pkg.in_effect], [2500, null, 2000000000, 2100000000, false]);
  assert.deepEqual((await api('GET', `/v1/promotions/${group.id}`, { key: a.key })).body, group);
  // Priority order (lower first), then oldest first.
  assert.deepEqual((await listAll(a)).map((x) => x.id), [bogo.id, pkg.id, group.id]);
  assert.deepEqual((await listAll(a, '&active=true')).map((x) => x.id), [bogo.id, group.id], 'in effect now');
  assert.deepEqual((await listAll(a, '&active=false')).map((x) => x.id), [pkg.id], 'not yet started');
  const other = await make(a, '/v1/clinics', { name: 'Other' });
  assert.deepEqual((await listAll(a, '&clinic=' + other.id)).map((x) => x.id), [bogo.id, pkg.id], 'all-clinic ones, not another clinic\'s');
  // Pages follow the same order.
  const page1 = await api('GET', '/v1/promotions?limit=2', { key: a.key });
  assert.deepEqual([page1.body.data.length, page1.body.has_more], [2, true]);
  const page2 = await api('GET', `/v1/promotions?limit=2&starting_after=${page1.body.data[1].id}`, { key: a.key });
  assert.deepEqual(page2.body.data.map((x) => x.id), [group.id]);
  // Change: fields given only; lists replace; dates clear with null.
  const u = await api('PATCH', `/v1/promotions/${group.id}`, { key: a.key, body: { name: 'Fifteen', discount: { amount: 300 }, clinics: null, priority: 7 } });
  assert.equal(u.status, 200, u.text);
  assert.deepEqual([u.body.name, u.body.discount, u.body.clinics, u.body.priority, u.body.items], ['Fifteen', { amount: 300 }, [], 7, [s1.id, s2.id]]);
  const u2 = await api('PATCH', `/v1/promotions/${pkg.id}`, { key: a.key, body: { starts_at: null, ends_at: null, active: false } });
  assert.deepEqual([u2.body.starts_at, u2.body.ends_at, u2.body.active, u2.body.in_effect], [null, null, false, false]);
  const u3 = await api('PATCH', `/v1/promotions/${bogo.id}`, { key: a.key, body: { get_items: [s2.id], buy_quantity: 2, discount: { percent_bps: 5000 }, kind: 'bogo' } });
  assert.deepEqual([u3.body.get_items, u3.body.buy_quantity, u3.body.discount], [[s2.id], 2, { percent_bps: 5000 }]);
  // DELETE archives: gone from the list, still readable, listed with ?archived=true.
  const d = await api('DELETE', `/v1/promotions/${pkg.id}`, { key: a.key });
  assert.equal(d.status, 200, d.text);
  assert.deepEqual([d.body.id, d.body.archived, d.body.in_effect], [pkg.id, true, false]);
  assert.equal((await api('DELETE', `/v1/promotions/${pkg.id}`, { key: a.key })).status, 200, 'archiving twice is a no-op');
  assert.deepEqual((await listAll(a)).map((x) => x.id), [bogo.id, group.id]);
  assert.deepEqual((await listAll(a, '&archived=true')).map((x) => x.id), [pkg.id]);
  // Every write was audited.
  const ev = (await api('GET', '/v1/audit_events?object_type=promotion&limit=100', { key: a.key })).body.data;
  assert.deepEqual(ev.map((e) => e.action).sort(), ['promotion.archive', 'promotion.create', 'promotion.create', 'promotion.create',
    'promotion.update', 'promotion.update', 'promotion.update'].sort());
});

test('any staff reads promotions; only admins write them', async () => {
  const mine = await make(p, '/v1/promotions', { name: 'Role check', kind: 'group', items: [p.toner.id], discount: { percent_bps: 100 }, active: false });
  for (const s of [p.front, p.provider]) {
    assert.equal((await api('GET', '/v1/promotions', as(s))).status, 200);
    assert.equal((await api('GET', `/v1/promotions/${mine.id}`, as(s))).status, 200);
  }
  const mark = await latestEvent(p);
  const body = { name: 'Nope', kind: 'group', items: [p.toner.id], discount: { percent_bps: 100 } };
  for (const s of [p.front, p.provider]) {
    assertError(await api('POST', '/v1/promotions', { ...as(s), body }), 403, 'forbidden');
    assertError(await api('PATCH', `/v1/promotions/${mine.id}`, { ...as(s), body: { name: 'Nope' } }), 403, 'forbidden');
    assertError(await api('DELETE', `/v1/promotions/${mine.id}`, as(s)), 403, 'forbidden');
  }
  assert.equal(await latestEvent(p), mark, 'nothing written');
  assert.equal((await api('GET', `/v1/promotions/${mine.id}`, { key: p.key })).body.name, 'Role check');
  const byAdmin = await api('POST', '/v1/promotions', { ...as(p.admin), body: { ...body, name: 'By admin', active: false } });
  assert.equal(byAdmin.status, 201, byAdmin.text);
  assert.equal((await api('DELETE', `/v1/promotions/${byAdmin.body.id}`, as(p.admin))).status, 200);
  await api('DELETE', `/v1/promotions/${mine.id}`, { key: p.key });
});

test('every bad input is refused naming the member, and nothing is written', async () => {
  const a = createAccount(server, 'Promo Bad Input');
  const s = await make(a, '/v1/services', { name: 'S', price: 1000 });
  const t = await make(a, '/v1/services', { name: 'T', price: 500 });
  const eur = await make(a, '/v1/services', { name: 'E', price: 500, currency: 'EUR' });
  const old = await make(a, '/v1/services', { name: 'Old', price: 500 });
  await api('DELETE', `/v1/services/${old.id}`, { key: a.key });
  const c = await make(a, '/v1/clinics', { name: 'C' });
  const eurClinic = await make(a, '/v1/clinics', { name: 'Lyon', currency: 'EUR', country: 'FR' });
  const group = { name: 'G', kind: 'group', items: [s.id], discount: { percent_bps: 1000 } };
  const bogo = { name: 'B', kind: 'bogo', items: [s.id] };
  const pkg = { name: 'P', kind: 'package', items: [s.id, t.id], package_price: 1200 };
  const cases = [
    [{ ...group, name: undefined }, 'name', 'parameter_missing'],
    [{ ...group, name: '' }, 'name'],
    [{ ...group, name: 'x'.repeat(101) }, 'name'],
    [{ ...group, name: '   ' }, 'name'],
    [{ ...group, name: 'Half\u0007off' }, 'name'],
    [{ ...group, kind: undefined }, 'kind', 'parameter_missing'],
    [{ ...group, kind: 'bxgy' }, 'kind'],
    [{ ...group, items: undefined }, 'items', 'parameter_missing'],
    [{ ...group, items: [] }, 'items'],
    [{ ...group, items: s.id }, 'items', 'parameter_invalid_type'],
    [{ ...group, items: [s.id, 42] }, 'items[1]', 'parameter_invalid_type'],
    [{ ...group, items: [s.id, ZERO('svc')] }, 'items[1]', 'resource_missing'],
    [{ ...group, items: [p.botox.id] }, 'items[0]', 'resource_missing'], // another account's
    [{ ...group, items: [old.id] }, 'items[0]'], // archived
    [{ ...group, items: [s.id, t.id, s.id] }, 'items[2]'],
    [{ ...group, items: [s.id, eur.id] }, 'items[1]'], // two currencies
    [{ ...group, items: Array.from({ length: 65 }, (_, i) => `svc_${String(i).padStart(26, '0')}`) }, 'items'],
    [{ ...group, discount: undefined }, 'discount', 'parameter_missing'],
    [{ ...group, discount: null }, 'discount', 'parameter_missing'],
    [{ ...group, discount: { percent_bps: 10001 } }, 'discount.percent_bps'],
    [{ ...group, discount: { percent_bps: -1 } }, 'discount.percent_bps'],
    [{ ...group, discount: { amount: 0 } }, 'discount.amount'],
    [{ ...group, discount: { amount: 12.5 } }, 'discount.amount', 'parameter_invalid_type'],
    [{ ...group, discount: { percent_bps: 10, amount: 5 } }, 'discount'],
    [{ ...group, discount: {} }, 'discount'],
    [{ ...group, discount: { off: 5 } }, 'discount.off', 'parameter_unknown'],
    [{ ...group, buy_quantity: 2 }, 'buy_quantity'],
    [{ ...group, get_items: [s.id] }, 'get_items'],
    [{ ...group, package_price: 100 }, 'package_price'],
    [{ ...bogo, discount: { amount: 100 } }, 'discount'],
    [{ ...bogo, buy_quantity: 0 }, 'buy_quantity'],
    [{ ...bogo, get_quantity: 10001 }, 'get_quantity'],
    [{ ...bogo, get_items: [] }, 'get_items'],
    [{ ...bogo, get_items: [ZERO('prd')] }, 'get_items[0]', 'resource_missing'],
    [{ ...bogo, get_items: [eur.id] }, 'get_items[0]'],
    [{ ...bogo, package_price: 5 }, 'package_price'],
    [{ ...pkg, package_price: undefined }, 'package_price', 'parameter_missing'],
    [{ ...pkg, package_price: -1 }, 'package_price'],
    [{ ...pkg, package_price: 100000001 }, 'package_price'],
    [{ ...pkg, discount: { percent_bps: 1000 } }, 'discount'],
    [{ ...pkg, get_quantity: 1 }, 'get_quantity'],
    [{ ...pkg, items: [s.id, s.id] }, 'items[1]'],
    [{ ...group, starts_at: 2000000000, ends_at: 2000000000 }, 'ends_at'],
    [{ ...group, starts_at: 2000000001, ends_at: 2000000000 }, 'ends_at'],
    [{ ...group, starts_at: 0 }, 'starts_at'],
    [{ ...group, starts_at: 1.5 }, 'starts_at', 'parameter_invalid_type'],
    [{ ...group, ends_at: 253402300800 }, 'ends_at'],
    [{ ...group, clinics: [ZERO('cln')] }, 'clinics[0]', 'resource_missing'],
    [{ ...group, clinics: [p.clinic.id] }, 'clinics[0]', 'resource_missing'], // another account's
    [{ ...group, clinics: [c.id, c.id] }, 'clinics[1]'],
    [{ ...group, clinics: [eurClinic.id] }, 'clinics[0]'], // sells in EUR
    [{ ...group, clinics: 'all' }, 'clinics', 'parameter_invalid_type'],
    [{ ...group, priority: -1 }, 'priority'],
    [{ ...group, priority: 1000001 }, 'priority'],
    [{ ...group, active: 'yes' }, 'active', 'parameter_invalid_type'],
    [{ ...group, colour: 'red' }, 'colour', 'parameter_unknown'],
  ];
  const mark = await latestEvent(a);
  for (const [body, param, code] of cases) {
    const r = await api('POST', '/v1/promotions', { key: a.key, body });
    const e = assertError(r, 400, code, param);
    assert.ok(e.message.length > 10, e.message);
  }
  assertError(await api('POST', '/v1/promotions', { key: a.key, raw: '{"name":' }), 400, 'invalid_json');
  assert.equal(await latestEvent(a), mark, 'no audit event');
  assert.deepEqual(await listAll(a), [], 'no promotion');

  // A change is checked the same way and leaves the promotion as it was.
  const g = await make(a, '/v1/promotions', group);
  const mark2 = await latestEvent(a);
  const changes = [
    [{ kind: 'bogo' }, 'kind'],
    [{ items: [old.id] }, 'items[0]'],
    [{ items: [s.id, eur.id] }, 'items[1]'],
    [{ discount: null }, 'discount', 'parameter_missing'],
    [{ buy_quantity: 3 }, 'buy_quantity'],
    [{ clinics: [eurClinic.id] }, 'clinics[0]'],
    [{ starts_at: 2000000000, ends_at: 1900000000 }, 'ends_at'],
    [{ name: null }, 'name'],
  ];
  for (const [body, param, code] of changes) {
    assertError(await api('PATCH', `/v1/promotions/${g.id}`, { key: a.key, body }), 400, code, param);
  }
  assert.equal(await latestEvent(a), mark2, 'no audit event');
  assert.deepEqual((await api('GET', `/v1/promotions/${g.id}`, { key: a.key })).body, g);
  // Bad list filters.
  assertError(await api('GET', '/v1/promotions?active=yes', { key: a.key }), 400, 'parameter_invalid', 'active');
  assertError(await api('GET', '/v1/promotions?archived=1', { key: a.key }), 400, 'parameter_invalid', 'archived');
  assertError(await api('GET', '/v1/promotions?clinic=main', { key: a.key }), 400, 'parameter_invalid', 'clinic');
  assertError(await api('GET', '/v1/promotions?limit=0', { key: a.key }), 400, undefined, 'limit');
  assertError(await api('GET', `/v1/promotions/${ZERO('prm')}`, { key: a.key }), 404, 'resource_missing', 'id');
  assertError(await api('GET', '/v1/promotions/nonsense', { key: a.key }), 404);
});

test('another account\'s promotions are 404 and never listed', async () => {
  const a = createAccount(server, 'Promo Tenant A');
  const b = createAccount(server, 'Promo Tenant B');
  const s = await make(a, '/v1/services', { name: 'S', price: 1000 });
  const x = await make(a, '/v1/promotions', { name: 'Mine', kind: 'group', items: [s.id], discount: { percent_bps: 500 } });
  assertError(await api('GET', `/v1/promotions/${x.id}`, { key: b.key }), 404);
  assertError(await api('PATCH', `/v1/promotions/${x.id}`, { key: b.key, body: { name: 'Theirs' } }), 404);
  assertError(await api('DELETE', `/v1/promotions/${x.id}`, { key: b.key }), 404);
  assert.deepEqual(await listAll(b), []);
  assert.deepEqual((await api('GET', `/v1/promotions/${x.id}`, { key: a.key })).body, x, 'unchanged');
});

// The promotions of these tests are scoped to a clinic of their own so
// they never meet; their numbers are docs/pricing.md's worked examples.
async function clinicWith(name, promos) {
  const c = await make(p, '/v1/clinics', { name, tax_rate_bps: 0 });
  const made = [];
  for (const x of promos) made.push(await make(p, '/v1/promotions', { clinics: [c.id], ...x }));
  return { clinic: c, promos: made };
}

test('BOGO applied in the preview: buy 2 get 1 free, the cheapest free (example 4)', async () => {
  const { clinic, promos: [b] } = await clinicWith('Bogo', [
    { name: 'Buy 2 get 1', kind: 'bogo', items: [p.cleanser.id, p.toner.id], buy_quantity: 2, get_quantity: 1 }]);
  const r = await preview(clinic, [[p.cleanser, 2], [p.toner, 1]]);
  assert.equal(r.status, 200, r.text);
  const [c, t] = r.body.lines;
  assert.deepEqual([c.gross, c.promotion_discount, c.net, c.promotion], [4900, 0, 4900, b.id]);
  assert.deepEqual([t.gross, t.promotion_discount, t.net, t.promotion], [1800, 1800, 0, b.id]);
  assert.deepEqual([r.body.gross, r.body.discount, r.body.net], [6700, 1800, 4900]);
  // Buy a Hydrafacial, get a peel 50% off: the second peel is full price (example 5).
  const { clinic: c5, promos: [b5] } = await clinicWith('Bogo 5', [
    { name: 'Peel half off', kind: 'bogo', items: [p.hydrafacial.id], get_items: [p.peel.id], discount: { percent_bps: 5000 } }]);
  const r5 = await preview(c5, [[p.hydrafacial, 1], [p.peel, 2]]);
  assert.deepEqual(r5.body.lines.map((l) => [l.promotion_discount, l.net, l.promotion]), [[0, 19900, b5.id], [7500, 22500, b5.id]]);
  assert.equal(r5.body.net, 42400);
  // Not enough units: the offer does not apply and names no promotion.
  const r0 = await preview(clinic, [[p.cleanser, 2]]);
  assert.deepEqual(r0.body.lines.map((l) => [l.promotion_discount, l.promotion]), [[0, null]]);
});

test('discount groups applied in the preview: $50 split exactly (example 6) and 10% off (example 7)', async () => {
  const { clinic, promos: [g] } = await clinicWith('Group', [
    { name: '$50 off injectables', kind: 'group', items: [p.botox.id, p.filler.id], discount: { amount: 5000 } }]);
  const r = await preview(clinic, [[p.botox, 20], [p.filler, 1], [p.cleanser, 1]]);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.lines.map((l) => [l.gross, l.promotion_discount, l.net, l.promotion]),
    [[24000, 1348, 22652, g.id], [65000, 3652, 61348, g.id], [2450, 0, 2450, null]]);
  assert.deepEqual([r.body.discount, r.body.net], [5000, 86450]);
  const { clinic: c7 } = await clinicWith('Group 7', [
    { name: '10% off', kind: 'group', items: [p.peel.id, p.hydrafacial.id], discount: { percent_bps: 1000 } }]);
  const r7 = await preview(c7, [[p.peel, 1], [p.hydrafacial, 1], [p.cleanser, 1]]);
  assert.deepEqual(r7.body.lines.map((l) => l.promotion_discount), [1500, 1990, 0]);
  assert.equal(r7.body.net, 33860);
});

test('a package applied in the preview: "Glow" for $300 split by list price (example 8)', async () => {
  const { clinic, promos: [g] } = await clinicWith('Package', [
    { name: 'Glow', kind: 'package', items: [p.hydrafacial.id, p.peel.id, p.cleanser.id], package_price: 30000 }]);
  const r = await preview(clinic, [[p.hydrafacial, 1], [p.peel, 1], [p.cleanser, 1]]);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.lines.map((l) => [l.net, l.promotion_discount, l.promotion]),
    [[15984, 3916, g.id], [12048, 2952, g.id], [1968, 482, g.id]]);
  assert.deepEqual([r.body.discount, r.body.net], [7350, 30000]);
  // A saved invoice is priced the same way.
  const inv = await api('POST', '/v1/invoices', { key: p.key, body: { clinic: clinic.id,
    lines: [{ item: p.hydrafacial.id, quantity: 1 }, { item: p.peel.id, quantity: 1 }, { item: p.cleanser.id, quantity: 1 }] } });
  assert.equal(inv.status, 201, inv.text);
  assert.deepEqual([inv.body.net, inv.body.discount_total], [30000, 7350]);
});

test('priority decides which promotion a line takes part in', async () => {
  const { clinic, promos: [low, high] } = await clinicWith('Priority', [
    { name: 'Five percent', kind: 'group', items: [p.peel.id], discount: { percent_bps: 500 }, priority: 20 },
    { name: 'Ten percent', kind: 'group', items: [p.peel.id], discount: { percent_bps: 1000 }, priority: 10 }]);
  let r = await preview(clinic, [[p.peel, 1]]);
  assert.deepEqual([r.body.lines[0].promotion_discount, r.body.lines[0].promotion], [1500, high.id]);
  await api('PATCH', `/v1/promotions/${low.id}`, { key: p.key, body: { priority: 1 } });
  r = await preview(clinic, [[p.peel, 1]]);
  assert.deepEqual([r.body.lines[0].promotion_discount, r.body.lines[0].promotion], [750, low.id]);
});

test('only promotions in effect at the clinic apply: dates, other clinics, paused, archived, currency', async () => {
  const a = createAccount(server, 'Promo Dates');
  const c = await make(a, '/v1/clinics', { name: 'Here' });
  const elsewhere = await make(a, '/v1/clinics', { name: 'There' });
  const s = await make(a, '/v1/services', { name: 'S', price: 10000 });
  const now = s.created; // the server's clock, Unix seconds
  const mk = (body) => make(a, '/v1/promotions', { kind: 'group', items: [s.id], ...body });
  const later = await mk({ name: 'Starts in an hour', discount: { percent_bps: 1000 }, starts_at: now + 3600, ends_at: now + 3 * 3600 });
  await mk({ name: 'Ended', discount: { percent_bps: 2000 }, starts_at: now - 7200, ends_at: now - 3600 });
  await mk({ name: 'Other clinic', discount: { percent_bps: 3000 }, clinics: [elsewhere.id] });
  await mk({ name: 'Paused', discount: { percent_bps: 4000 }, active: false });
  const gone = await mk({ name: 'Archived', discount: { percent_bps: 5000 } });
  await api('DELETE', `/v1/promotions/${gone.id}`, { key: a.key });
  const at = async (clinic) => (await preview(clinic, [[s, 1]], { acct: a })).body.lines[0];
  assert.deepEqual([(await at(c)).promotion_discount, (await at(c)).promotion], [0, null], 'nothing in effect here');
  assert.equal((await at(elsewhere)).promotion_discount, 3000, 'the other clinic has its own');
  // Two hours on, the first one has started.
  assert.equal((await api('POST', '/v1/test_helpers/advance_clock', { key: a.key, body: { seconds: 2 * 3600 } })).status, 200);
  assert.deepEqual([(await at(c)).promotion_discount, (await at(c)).promotion], [1000, later.id]);
  assert.deepEqual((await api('GET', '/v1/promotions?active=true', { key: a.key })).body.data.map((x) => x.name).sort(),
    ['Other clinic', 'Starts in an hour']);
  // Two more hours: it has ended (ends_at is exclusive).
  await api('POST', '/v1/test_helpers/advance_clock', { key: a.key, body: { seconds: 2 * 3600 } });
  assert.equal((await at(c)).promotion_discount, 0);
  // A clinic selling in another currency never takes a USD promotion.
  const eurClinic = await make(a, '/v1/clinics', { name: 'Euro', currency: 'EUR', country: 'FR' });
  const eurSvc = await make(a, '/v1/services', { name: 'E', price: 1000, currency: 'EUR' });
  await mk({ name: 'All clinics in USD', discount: { percent_bps: 1000 } });
  const e = await preview(eurClinic, [[eurSvc, 1]], { acct: a });
  assert.deepEqual([e.status, e.body.lines[0].promotion_discount], [200, 0]);
});

test('a promotion is not a custom discount: the front desk\'s limit is untouched by it', async () => {
  const { clinic } = await clinicWith('Big promo', [
    { name: 'Half off', kind: 'group', items: [p.filler.id], discount: { percent_bps: 5000 } }]);
  const r = await preview(clinic, [[p.filler, 1]], { session: p.front });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.lines[0].net, 32500);
});
