// What admins set up for checkout besides promotions (docs/promotions.md):
// the invoice settings (discount limit and disclaimer; read by any staff,
// changed by the head admin only), the discount limit as pricing enforces
// it, and the POS quick-button groups. Bad input is refused naming the
// member and writes nothing; another account's ids are 404.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startServer, createAccount, client, assertError, signIn } = require('./helpers');

let server, api, p;
const ZERO = (prefix) => `${prefix}_${'0'.repeat(26)}`;
const as = (s) => ({ headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });

async function staff(acct, role) {
  const email = `${role}-${crypto.randomBytes(4).toString('hex')}@settings.example`;
  const r = await api('POST', '/v1/users', { key: acct.key, body: { email, name: role, role, password: 'settings password' } });
  assert.equal(r.status, 201, r.text);
  return signIn(server.base, email, 'settings password');
}

async function make(acct, path, body) {
  const r = await api('POST', path, { key: acct.key, body });
  assert.equal(r.status, 201, `${path}: ${r.text}`);
  return r.body;
}

before(async () => {
  server = await startServer();
  api = client(server.base);
  p = createAccount(server, 'Settings Practice');
  p.clinic = await make(p, '/v1/clinics', { name: 'Main' });
  p.clinic2 = await make(p, '/v1/clinics', { name: 'Second' });
  p.botox = await make(p, '/v1/services', { name: 'Botox', price: 10000 });
  p.serum = await make(p, '/v1/products', { name: 'Serum', sku: 'SER-1', price: 5000 });
  p.front = await staff(p, 'front_desk');
  p.provider = await staff(p, 'provider');
  p.admin = await staff(p, 'admin');
});
after(async () => { await server.stop(); });

const latestEvent = async (acct) => (await api('GET', '/v1/audit_events?limit=1', { key: acct.key })).body.data[0].id;
const settings = (who) => api('GET', '/v1/invoice_settings', who);

test('invoice settings: defaults, read by every role, changed by the head admin only', async () => {
  for (const who of [{ key: p.key }, as(p.front), as(p.provider), as(p.admin)]) {
    const r = await settings(who);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { object: 'invoice_settings', discount_limit_bps: 2000, disclaimer: '' });
  }
  const mark = await latestEvent(p);
  for (const who of [p.front, p.provider, p.admin]) {
    assertError(await api('PATCH', '/v1/invoice_settings', { ...as(who), body: { disclaimer: 'Mine' } }), 403, 'forbidden');
  }
  assert.equal(await latestEvent(p), mark, 'nothing written');
  const disclaimer = 'All sales final.\nResults vary; see your provider.';
  const r = await api('PATCH', '/v1/invoice_settings', { key: p.key, body: { disclaimer } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { object: 'invoice_settings', discount_limit_bps: 2000, disclaimer });
  const r2 = await api('PATCH', '/v1/invoice_settings', { key: p.key, body: { discount_limit_bps: 1500 } });
  assert.deepEqual([r2.body.discount_limit_bps, r2.body.disclaimer], [1500, disclaimer], 'the other member is kept');
  assert.deepEqual((await settings(as(p.front))).body, r2.body, 'the front desk reads the disclaimer');
  const ev = (await api('GET', '/v1/audit_events?object_type=invoice_settings', { key: p.key })).body.data;
  assert.deepEqual(ev.map((e) => e.action), ['invoice_settings.update', 'invoice_settings.update']);
  const cleared = await api('PATCH', '/v1/invoice_settings', { key: p.key, body: { disclaimer: null, discount_limit_bps: 2000 } });
  assert.deepEqual([cleared.body.disclaimer, cleared.body.discount_limit_bps], ['', 2000]);
});

test('invoice settings: bad input names the member and changes nothing', async () => {
  const a = createAccount(server, 'Settings Bad Input');
  await api('PATCH', '/v1/invoice_settings', { key: a.key, body: { discount_limit_bps: 1000, disclaimer: 'Kept' } });
  const before = (await settings({ key: a.key })).body;
  const mark = await latestEvent(a);
  const cases = [
    [{ discount_limit_bps: 10001 }, 'discount_limit_bps', 'parameter_out_of_range'],
    [{ discount_limit_bps: -1 }, 'discount_limit_bps', 'parameter_out_of_range'],
    [{ discount_limit_bps: 12.5 }, 'discount_limit_bps', 'parameter_invalid_type'],
    [{ discount_limit_bps: '2000' }, 'discount_limit_bps', 'parameter_invalid_type'],
    [{ discount_limit_bps: null }, 'discount_limit_bps', 'parameter_invalid_type'],
    [{ disclaimer: 'x'.repeat(2001) }, 'disclaimer', 'parameter_invalid'],
    [{ disclaimer: 42 }, 'disclaimer', 'parameter_invalid_type'],
    [{ disclaimer: 'ok', footer: 'no' }, 'footer', 'parameter_unknown'],
  ];
  for (const [body, param, code] of cases) {
    assertError(await api('PATCH', '/v1/invoice_settings', { key: a.key, body }), 400, code, param);
  }
  assertError(await api('PATCH', '/v1/invoice_settings', { key: a.key, raw: '[1]' }), 400, 'invalid_json');
  assert.deepEqual((await settings({ key: a.key })).body, before);
  assert.equal(await latestEvent(a), mark, 'no audit event');
  assert.equal((await api('PATCH', '/v1/invoice_settings', { key: a.key, body: { disclaimer: 'x'.repeat(2000) } })).status, 200);
  // Each account has its own.
  assert.notEqual((await settings({ key: p.key })).body.disclaimer, 'x'.repeat(2000));
});

test('the discount limit setting moves the front desk\'s 403 threshold; admins stay unlimited', async () => {
  const a = createAccount(server, 'Limit Practice');
  const clinic = await make(a, '/v1/clinics', { name: 'C' });
  const svc = await make(a, '/v1/services', { name: 'S', price: 10000 });
  const front = await staff(a, 'front_desk');
  const provider = await staff(a, 'provider');
  const admin = await staff(a, 'admin');
  const price = (who, pct) => api('POST', '/v1/invoices/preview', { ...who, body: { clinic: clinic.id,
    lines: [{ item: svc.id, quantity: 1, discount: { percent_bps: pct } }] } });
  const limit = (bps) => api('PATCH', '/v1/invoice_settings', { key: a.key, body: { discount_limit_bps: bps } });
  // The default: 20%.
  assert.equal((await price(as(front), 2000)).status, 200);
  assertError(await price(as(front), 2001), 403, 'discount_limit_exceeded');
  // Raised to 30%: 25% is now fine, 35% is not.
  assert.equal((await limit(3000)).status, 200);
  const ok = await price(as(front), 2500);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.net, 7500);
  assert.equal((await price(as(provider), 3000)).status, 200);
  assertError(await price(as(front), 3500), 403, 'discount_limit_exceeded', 'lines[0].discount');
  assertError(await price(as(provider), 3001), 403, 'discount_limit_exceeded');
  // Lowered to 0: no custom discount at all, but a 0% one is fine.
  await limit(0);
  assertError(await price(as(front), 1), 403, 'discount_limit_exceeded');
  assert.equal((await price(as(front), 0)).status, 200);
  // Saving an invoice is held to the same limit.
  assertError(await api('POST', '/v1/invoices', { ...as(front), body: { clinic: clinic.id,
    lines: [{ item: svc.id, quantity: 1, discount: { amount: 1 } }] } }), 403, 'discount_limit_exceeded');
  // Admins and the head admin have no limit, whatever the setting.
  for (const who of [as(admin), { key: a.key }]) {
    const r = await price(who, 9000);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.net, 1000);
  }
});

test('quick buttons: create, list in position order per clinic, change, delete', async () => {
  const a = createAccount(server, 'Quick Buttons');
  const c1 = await make(a, '/v1/clinics', { name: 'One' });
  const c2 = await make(a, '/v1/clinics', { name: 'Two' });
  const s = await make(a, '/v1/services', { name: 'Botox', price: 1200 });
  const pr = await make(a, '/v1/products', { name: 'Serum', sku: 'SER-9', price: 5000 });
  const everywhere = await make(a, '/v1/quick_buttons', { name: 'Favourites', position: 2, items: [{ item: pr.id }, { item: s.id, kind: 'service' }] });
  assert.match(everywhere.id, /^qbt_/);
  assert.deepEqual([everywhere.object, everywhere.name, everywhere.position, everywhere.clinic],
    ['quick_button_group', 'Favourites', 2, null]);
  assert.deepEqual(everywhere.items, [{ kind: 'product', item: pr.id }, { kind: 'service', item: s.id }], 'kinds from the catalog, order kept');
  const one = await make(a, '/v1/quick_buttons', { name: 'Injectables', position: 1, clinic: c1.id, items: [{ item: s.id }] });
  const two = await make(a, '/v1/quick_buttons', { name: 'Empty for now', clinic: c2.id });
  assert.deepEqual([two.position, two.items], [0, []]);
  const list = async (q = '') => (await api('GET', '/v1/quick_buttons' + q, { key: a.key })).body.data.map((g) => g.id);
  assert.deepEqual(await list(), [two.id, one.id, everywhere.id], 'by position');
  assert.deepEqual(await list('?clinic=' + c1.id), [one.id, everywhere.id], 'this clinic\'s and every clinic\'s');
  assert.deepEqual(await list('?clinic=' + c2.id), [two.id, everywhere.id]);
  const page = await api('GET', '/v1/quick_buttons?limit=2', { key: a.key });
  assert.deepEqual([page.body.data.length, page.body.has_more], [2, true]);
  assert.deepEqual((await api('GET', `/v1/quick_buttons?limit=2&starting_after=${page.body.data[1].id}`, { key: a.key })).body.data.map((g) => g.id),
    [everywhere.id]);
  assert.deepEqual((await api('GET', `/v1/quick_buttons/${one.id}`, { key: a.key })).body, one);
  // Change: items replace the list; clinic null makes it every clinic's.
  const u = await api('PATCH', `/v1/quick_buttons/${one.id}`, { key: a.key, body: { name: 'Top', clinic: null, position: 5,
    items: [{ item: pr.id }, { item: s.id }] } });
  assert.equal(u.status, 200, u.text);
  assert.deepEqual([u.body.name, u.body.clinic, u.body.position, u.body.items.map((x) => x.item)], ['Top', null, 5, [pr.id, s.id]]);
  const u2 = await api('PATCH', `/v1/quick_buttons/${one.id}`, { key: a.key, body: { name: 'Top two' } });
  assert.deepEqual([u2.body.name, u2.body.items.length], ['Top two', 2], 'items kept');
  // An archived item is kept in a group written before; new writes refuse it.
  await api('DELETE', `/v1/products/${pr.id}`, { key: a.key });
  assert.equal((await api('PATCH', `/v1/quick_buttons/${one.id}`, { key: a.key, body: { position: 6 } })).status, 200);
  assertError(await api('PATCH', `/v1/quick_buttons/${one.id}`, { key: a.key, body: { items: [{ item: pr.id }] } }), 400, undefined, 'items[0]');
  // Delete.
  const d = await api('DELETE', `/v1/quick_buttons/${two.id}`, { key: a.key });
  assert.deepEqual(d.body, { id: two.id, object: 'quick_button_group', deleted: true });
  assertError(await api('GET', `/v1/quick_buttons/${two.id}`, { key: a.key }), 404);
  assertError(await api('DELETE', `/v1/quick_buttons/${two.id}`, { key: a.key }), 404);
  const ev = (await api('GET', '/v1/audit_events?object_type=quick_button_group&limit=100', { key: a.key })).body.data.map((e) => e.action);
  assert.deepEqual(ev.sort(), ['quick_button_group.create', 'quick_button_group.create', 'quick_button_group.create',
    'quick_button_group.delete', 'quick_button_group.update', 'quick_button_group.update', 'quick_button_group.update'].sort());
});

test('quick buttons: any staff reads, admins write; bad input and other accounts refused', async () => {
  const g = await make(p, '/v1/quick_buttons', { name: 'Desk', items: [{ item: p.botox.id }] });
  for (const s of [p.front, p.provider]) {
    assert.equal((await api('GET', '/v1/quick_buttons', as(s))).status, 200);
    assert.equal((await api('GET', `/v1/quick_buttons/${g.id}`, as(s))).status, 200);
  }
  const mark = await latestEvent(p);
  for (const s of [p.front, p.provider]) {
    assertError(await api('POST', '/v1/quick_buttons', { ...as(s), body: { name: 'X' } }), 403, 'forbidden');
    assertError(await api('PATCH', `/v1/quick_buttons/${g.id}`, { ...as(s), body: { name: 'X' } }), 403, 'forbidden');
    assertError(await api('DELETE', `/v1/quick_buttons/${g.id}`, as(s)), 403, 'forbidden');
  }
  const other = createAccount(server, 'Quick Other');
  const theirs = await make(other, '/v1/services', { name: 'Theirs', price: 1 });
  const cases = [
    [{}, 'name', 'parameter_missing'],
    [{ name: '' }, 'name'],
    [{ name: 'x'.repeat(61) }, 'name'],
    [{ name: ' ' }, 'name'],
    [{ name: 'Tab\there' }, 'name'],
    [{ name: 'X', position: -1 }, 'position'],
    [{ name: 'X', position: 1000001 }, 'position'],
    [{ name: 'X', clinic: ZERO('cln') }, 'clinic', 'resource_missing'],
    [{ name: 'X', clinic: 7 }, 'clinic', 'parameter_invalid_type'],
    [{ name: 'X', items: 'all' }, 'items', 'parameter_invalid_type'],
    [{ name: 'X', items: [p.botox.id] }, 'items[0]', 'parameter_invalid_type'],
    [{ name: 'X', items: [{}] }, 'items[0].item', 'parameter_missing'],
    [{ name: 'X', items: [{ item: p.botox.id, qty: 2 }] }, 'items[0].qty', 'parameter_unknown'],
    [{ name: 'X', items: [{ item: p.botox.id }, { item: ZERO('prd') }] }, 'items[1]', 'resource_missing'],
    [{ name: 'X', items: [{ item: theirs.id }] }, 'items[0]', 'resource_missing'],
    [{ name: 'X', items: [{ item: p.botox.id }, { item: p.botox.id }] }, 'items[1]'],
    [{ name: 'X', items: [{ item: p.botox.id, kind: 'product' }] }, 'items[0].kind'],
    [{ name: 'X', items: Array.from({ length: 101 }, () => ({ item: p.botox.id })) }, 'items'],
  ];
  for (const [body, param, code] of cases) {
    assertError(await api('POST', '/v1/quick_buttons', { key: p.key, body }), 400, code, param);
  }
  assertError(await api('PATCH', `/v1/quick_buttons/${g.id}`, { key: p.key, body: { clinic: ZERO('cln') } }), 400, 'resource_missing', 'clinic');
  assertError(await api('GET', '/v1/quick_buttons?clinic=one', { key: p.key }), 400, 'parameter_invalid', 'clinic');
  assert.equal(await latestEvent(p), mark, 'nothing written');
  assert.deepEqual((await api('GET', `/v1/quick_buttons/${g.id}`, { key: p.key })).body, g);
  // Another account's group is not there for them.
  assertError(await api('GET', `/v1/quick_buttons/${g.id}`, { key: other.key }), 404);
  assertError(await api('PATCH', `/v1/quick_buttons/${g.id}`, { key: other.key, body: { name: 'Mine' } }), 404);
  assertError(await api('DELETE', `/v1/quick_buttons/${g.id}`, { key: other.key }), 404);
  assert.deepEqual((await api('GET', '/v1/quick_buttons', { key: other.key })).body.data, []);
  assert.equal((await api('DELETE', `/v1/quick_buttons/${g.id}`, as(p.admin))).status, 200, 'an admin deletes');
});
