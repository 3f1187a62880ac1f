// /v1/clinics: create, read, update, list with pagination, validation.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, createAccount, client, assertError } = require('./helpers');

let server, api, acct;
before(async () => {
  server = await startServer();
  api = client(server.base);
  acct = createAccount(server, 'Clinic Practice');
});
after(async () => { await server.stop(); });

test('create with defaults, then get', async () => {
  const r = await api('POST', '/v1/clinics', { key: acct.key, body: {
    name: 'Glow Austin', address: { line1: '2410 S Lamar Blvd', city: 'Austin', state: 'TX', postal_code: '78704' },
    timezone: 'America/Chicago', tax_rate_bps: 825 } });
  assert.equal(r.status, 201, r.text);
  assert.match(r.body.id, /^cln_[0-9a-z]{26}$/);
  assert.equal(r.body.object, 'clinic');
  assert.equal(r.body.country, 'US');
  assert.equal(r.body.currency, 'USD');
  assert.equal(r.body.tax_rate_bps, 825);
  assert.equal(r.body.address.state, 'TX');
  assert.equal(r.body.address.line2, null);
  assert.ok(Math.abs(r.body.created - Date.now() / 1000) < 60, 'created is Unix seconds');
  const g = await api('GET', `/v1/clinics/${r.body.id}`, { key: acct.key });
  assert.deepEqual(g.body, r.body);
});

test('update changes only the given fields', async () => {
  const c = (await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'Edit Me', timezone: 'America/Phoenix', tax_rate_bps: 805 } })).body;
  const u = await api('PATCH', `/v1/clinics/${c.id}`, { key: acct.key, body: { name: 'Edited', address: { city: 'Scottsdale' } } });
  assert.equal(u.status, 200, u.text);
  assert.equal(u.body.name, 'Edited');
  assert.equal(u.body.address.city, 'Scottsdale');
  assert.equal(u.body.timezone, 'America/Phoenix');
  assert.equal(u.body.tax_rate_bps, 805);
  const cleared = await api('PATCH', `/v1/clinics/${c.id}`, { key: acct.key, body: { address: { city: null } } });
  assert.equal(cleared.body.address.city, null);
});

test('validation errors name the field and change nothing', async () => {
  const c = (await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'Valid' } })).body;
  const cases = [
    [{ timezone: 'Mars/Base' }, 'timezone'],
    [{ country: 'usa' }, 'country'],
    [{ address: { state: 'ZZ' } }, 'address.state'],
    [{ address: { postal_code: '7870' } }, 'address.postal_code'],
    [{ currency: 'ABC' }, 'currency'],
    [{ name: '' }, 'name'],
  ];
  for (const [body, param] of cases) {
    assertError(await api('PATCH', `/v1/clinics/${c.id}`, { key: acct.key, body }), 400, undefined, param);
    assertError(await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'X', ...body } }), 400, undefined, param);
  }
  const after = await api('GET', `/v1/clinics/${c.id}`, { key: acct.key });
  assert.deepEqual(after.body, c);
  assertError(await api('POST', '/v1/clinics', { key: acct.key, body: {} }), 400, 'parameter_missing', 'name');
});

test('unknown and malformed ids are 404', async () => {
  assertError(await api('GET', '/v1/clinics/cln_00000000000000000000000000', { key: acct.key }), 404, 'resource_missing');
  assertError(await api('GET', '/v1/clinics/garbage', { key: acct.key }), 404, 'resource_missing');
  assertError(await api('PATCH', '/v1/clinics/cln_00000000000000000000000000', { key: acct.key, body: { name: 'x' } }), 404);
});

test('list pages with limit and starting_after', async () => {
  const a2 = createAccount(server, 'Paging Practice');
  const ids = [];
  for (let i = 0; i < 7; i++) ids.push((await api('POST', '/v1/clinics', { key: a2.key, body: { name: 'C' + i } })).body.id);
  const p1 = await api('GET', '/v1/clinics?limit=3', { key: a2.key });
  assert.equal(p1.body.object, 'list');
  assert.deepEqual(p1.body.data.map((c) => c.id), ids.slice(0, 3));
  assert.equal(p1.body.has_more, true);
  const p3 = await api('GET', `/v1/clinics?limit=3&starting_after=${ids[5]}`, { key: a2.key });
  assert.deepEqual(p3.body.data.map((c) => c.id), [ids[6]]);
  assert.equal(p3.body.has_more, false);
  const all = await api('GET', '/v1/clinics', { key: a2.key });
  assert.equal(all.body.data.length, 7, 'default limit 20');
  for (const bad of ['0', '101', 'x', '-1', '2.5']) {
    assertError(await api('GET', `/v1/clinics?limit=${bad}`, { key: a2.key }), 400, 'parameter_invalid', 'limit');
  }
});

test('a new clinic takes the account currency unless given one', async () => {
  const a3 = createAccount(server, 'Euro Practice');
  await api('PATCH', '/v1/account', { key: a3.key, body: { currency: 'EUR' } });
  const c = await api('POST', '/v1/clinics', { key: a3.key, body: { name: 'Dublin', country: 'IE', timezone: 'Europe/Dublin' } });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.body.currency, 'EUR');
  const u = await api('POST', '/v1/clinics', { key: a3.key, body: { name: 'Austin', currency: 'USD' } });
  assert.equal(u.body.currency, 'USD');
});
