// Financing settings (Cherry and Klarna connections, head admin only) and
// the connectors' charge list, over HTTP on SQLite and on PostgreSQL
// (POISE_TEST_ENGINE). Charges, refunds and cancels have no route of
// their own (checkout makes them); tests/unit/financing covers them on
// both engines.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startServer, createAccount, client, assertError, signIn } = require('./helpers');

let server, api;
before(async () => {
  server = await startServer();
  api = client(server.base);
});
after(async () => { await server.stop(); });

const PASSWORD = 'financing test password';
const connect = (acct, body, headers = {}) =>
  api('POST', '/v1/financing_connections', { key: acct.key, body, headers });
const cherry = { provider: 'cherry', merchant_id: 'chy-merchant-1042', mode: 'sandbox' };

async function auditActions(acct, objectId) {
  const r = await api('GET', `/v1/audit_events?object_id=${objectId}&limit=100`, { key: acct.key });
  assert.equal(r.status, 200, r.text);
  return r.body.data.map((e) => e.action).sort();
}

test('connect, list, 409 twice, disconnect by id and by provider, reconnect', async () => {
  const a = createAccount(server, 'Glow Financing');
  const empty = await api('GET', '/v1/financing_connections', { key: a.key });
  assert.equal(empty.status, 200, empty.text);
  assert.deepEqual(empty.body, { object: 'list', data: [], has_more: false });

  const c = await connect(a, cherry);
  assert.equal(c.status, 201, c.text);
  assert.match(c.body.id, /^fc_[0-9a-z]{26}$/);
  assert.equal(c.body.object, 'financing_connection');
  assert.equal(c.body.provider, 'cherry');
  assert.equal(c.body.mode, 'sandbox');
  assert.equal(c.body.merchant_id, 'chy-merchant-1042');
  assert.equal(c.body.merchant_name, 'Glow Financing'); // the practice's
  assert.equal(c.body.status, 'connected');
  assert.equal(c.body.connected_by, a.userId);
  assert.equal(typeof c.body.connected, 'number');
  assert.equal(c.body.disconnected, null);
  assert.equal(c.body.disconnected_by, null);

  // Connected already: with the same merchant or another one.
  assertError(await connect(a, cherry), 409, 'financing_connected', 'provider');
  assertError(await connect(a, { ...cherry, merchant_id: 'other' }), 409, 'financing_connected');

  const k = await connect(a, { provider: 'klarna', merchant_id: 'KL.us-77', mode: 'sandbox', merchant_name: 'Glow Downtown' });
  assert.equal(k.status, 201, k.text);
  assert.equal(k.body.merchant_name, 'Glow Downtown');

  const list = await api('GET', '/v1/financing_connections', { key: a.key });
  assert.deepEqual(list.body.data.map((x) => x.id), [k.body.id, c.body.id]);
  const page = await api('GET', '/v1/financing_connections?limit=1', { key: a.key });
  assert.equal(page.body.data.length, 1);
  assert.equal(page.body.has_more, true);
  const rest = await api('GET', `/v1/financing_connections?limit=1&starting_after=${k.body.id}`, { key: a.key });
  assert.deepEqual(rest.body.data.map((x) => x.id), [c.body.id]);
  assert.equal(rest.body.has_more, false);

  // Disconnect by id, then again: 409; by provider when none: 404.
  const d = await api('DELETE', `/v1/financing_connections/${c.body.id}`, { key: a.key });
  assert.equal(d.status, 200, d.text);
  assert.equal(d.body.status, 'disconnected');
  assert.equal(d.body.disconnected_by, a.userId);
  assert.equal(typeof d.body.disconnected, 'number');
  assertError(await api('DELETE', `/v1/financing_connections/${c.body.id}`, { key: a.key }),
    409, 'financing_disconnected', 'id');
  assertError(await api('DELETE', '/v1/financing_connections/cherry', { key: a.key }), 404, 'resource_missing');
  assertError(await api('DELETE', '/v1/financing_connections/fc_00000000000000000000000000', { key: a.key }), 404);
  assertError(await api('DELETE', '/v1/financing_connections/nonsense', { key: a.key }), 404);

  // Connecting again makes a new connection; the old one stays as history.
  const again = await connect(a, { ...cherry, merchant_id: 'chy-merchant-2000' });
  assert.equal(again.status, 201, again.text);
  assert.notEqual(again.body.id, c.body.id);
  const byName = await api('DELETE', '/v1/financing_connections/klarna', { key: a.key });
  assert.equal(byName.status, 200, byName.text);
  assert.equal(byName.body.id, k.body.id);
  assert.equal(byName.body.status, 'disconnected');
  const all = (await api('GET', '/v1/financing_connections', { key: a.key })).body.data;
  assert.deepEqual(all.map((x) => [x.provider, x.status]),
    [['cherry', 'connected'], ['klarna', 'disconnected'], ['cherry', 'disconnected']]);

  assert.deepEqual(await auditActions(a, c.body.id), ['financing.connect', 'financing.disconnect']);
  assert.deepEqual(await auditActions(a, again.body.id), ['financing.connect']);
});

test('live mode is not available; the sandbox refuses unknown merchants', async () => {
  const a = createAccount(server, 'Live Practice');
  assertError(await connect(a, { ...cherry, mode: 'live' }), 422, 'live_unavailable', 'mode');
  assertError(await connect(a, { provider: 'klarna', merchant_id: 'unknown-1', mode: 'sandbox' }),
    422, 'merchant_not_found', 'merchant_id');
  // Nothing was kept.
  assert.equal((await api('GET', '/v1/financing_connections', { key: a.key })).body.data.length, 0);
  assert.equal((await connect(a, cherry)).status, 201);
});

test('bad input names the parameter', async () => {
  const a = createAccount(server, 'Bad Input');
  const cases = [
    [{}, 'parameter_missing', 'provider'],
    [{ merchant_id: 'm', mode: 'sandbox' }, 'parameter_missing', 'provider'],
    [{ provider: 'cherry', mode: 'sandbox' }, 'parameter_missing', 'merchant_id'],
    [{ provider: 'cherry', merchant_id: 'm' }, 'parameter_missing', 'mode'],
    [{ ...cherry, provider: 'affirm' }, 'parameter_invalid', 'provider'],
    [{ ...cherry, provider: 7 }, undefined, 'provider'],
    [{ ...cherry, mode: 'production' }, 'parameter_invalid', 'mode'],
    [{ ...cherry, merchant_id: 'has space' }, 'parameter_invalid', 'merchant_id'],
    [{ ...cherry, merchant_id: '' }, undefined, 'merchant_id'],
    [{ ...cherry, merchant_id: 'x'.repeat(61) }, undefined, 'merchant_id'],
    [{ ...cherry, merchant_name: 'n'.repeat(101) }, undefined, 'merchant_name'],
    [{ ...cherry, merchant_name: null }, undefined, 'merchant_name'],
    [{ ...cherry, colour: 'red' }, undefined, 'colour'],
  ];
  for (const [body, code, param] of cases) {
    assertError(await connect(a, body), 400, code, param);
  }
  assertError(await api('POST', '/v1/financing_connections', { key: a.key, raw: '{"provider":' }), 400, 'invalid_json');
  assert.equal((await api('GET', '/v1/financing_connections', { key: a.key })).body.data.length, 0);
  assertError(await api('GET', '/v1/financing_connections?limit=0', { key: a.key }), 400, 'parameter_invalid', 'limit');
});

test('a retried connect with the same Idempotency-Key replays the first answer', async () => {
  const a = createAccount(server, 'Replay');
  const headers = { 'idempotency-key': crypto.randomUUID() };
  const first = await connect(a, cherry, headers);
  assert.equal(first.status, 201, first.text);
  const second = await connect(a, cherry, headers);
  assert.equal(second.status, 201, second.text);
  assert.equal(second.body.id, first.body.id);
  assert.equal(second.headers.get('idempotent-replayed'), 'true');
  assertError(await connect(a, { ...cherry, merchant_id: 'changed' }, headers), 409);
  assert.equal((await api('GET', '/v1/financing_connections', { key: a.key })).body.data.length, 1);
});

test('only the head admin connects and disconnects; admins read the charges', async () => {
  const a = createAccount(server, 'Roles');
  const c = (await connect(a, cherry)).body;
  const sessions = {};
  for (const role of ['admin', 'provider', 'front_desk']) {
    const email = `${role}-${crypto.randomBytes(4).toString('hex')}@financing.example`;
    const u = await api('POST', '/v1/users', { key: a.key, body: { email, name: role, role, password: PASSWORD } });
    assert.equal(u.status, 201, u.text);
    const s = await signIn(server.base, email, PASSWORD);
    sessions[role] = { headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } };
  }
  for (const role of ['admin', 'provider', 'front_desk']) {
    const as = sessions[role];
    assertError(await api('GET', '/v1/financing_connections', as), 403, 'forbidden');
    assertError(await api('POST', '/v1/financing_connections', { ...as, body: { provider: 'klarna', merchant_id: 'k', mode: 'sandbox' } }), 403, 'forbidden');
    assertError(await api('DELETE', `/v1/financing_connections/${c.id}`, as), 403, 'forbidden');
    assertError(await api('DELETE', '/v1/financing_connections/cherry', as), 403, 'forbidden');
  }
  for (const role of ['provider', 'front_desk']) {
    assertError(await api('GET', '/v1/financing_charges?provider=cherry', sessions[role]), 403, 'forbidden');
  }
  const charges = await api('GET', '/v1/financing_charges?provider=cherry', sessions.admin);
  assert.equal(charges.status, 200, charges.text);
  // Nothing changed.
  const list = (await api('GET', '/v1/financing_connections', { key: a.key })).body.data;
  assert.deepEqual(list.map((x) => [x.id, x.status]), [[c.id, 'connected']]);
  assert.deepEqual(await auditActions(a, c.id), ['financing.connect']);
});

test('another account\'s connection is 404, and lists show only one\'s own', async () => {
  const a = createAccount(server, 'Tenant A');
  const b = createAccount(server, 'Tenant B');
  const ca = (await connect(a, cherry)).body;
  assertError(await api('DELETE', `/v1/financing_connections/${ca.id}`, { key: b.key }), 404, 'resource_missing');
  assertError(await api('DELETE', '/v1/financing_connections/cherry', { key: b.key }), 404);
  // B may connect the same merchant id: connections are per practice.
  const cb = await connect(b, cherry);
  assert.equal(cb.status, 201, cb.text);
  const lb = await api('GET', '/v1/financing_connections', { key: b.key });
  assert.deepEqual(lb.body.data.map((x) => x.id), [cb.body.id]);
  assert.ok(!lb.text.includes(a.accountId) && !lb.text.includes(a.userId));
  assert.equal((await api('GET', '/v1/financing_connections', { key: a.key })).body.data[0].status, 'connected');
});

test('the financing charges list needs a provider and is empty before checkout', async () => {
  const a = createAccount(server, 'Charges');
  assertError(await api('GET', '/v1/financing_charges', { key: a.key }), 400, 'parameter_missing', 'provider');
  assertError(await api('GET', '/v1/financing_charges?provider=affirm', { key: a.key }), 400, 'parameter_invalid', 'provider');
  assertError(await api('GET', '/v1/financing_charges?provider=cherry&limit=101', { key: a.key }), 400, 'parameter_invalid', 'limit');
  for (const provider of ['cherry', 'klarna']) {
    const r = await api('GET', `/v1/financing_charges?provider=${provider}`, { key: a.key });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { object: 'list', data: [], has_more: false });
  }
});
