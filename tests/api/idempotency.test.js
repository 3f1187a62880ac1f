// Idempotency-Key: replay, reuse with another body, concurrent duplicate,
// per-account scope, 24-hour lifetime, and failed requests leave nothing.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, createAccount, client, assertError } = require('./helpers');

let server, api, acct;
before(async () => {
  server = await startServer();
  api = client(server.base);
  acct = createAccount(server, 'Idem Practice');
});
after(async () => { await server.stop(); });

const key = () => 'idem-' + Math.random().toString(36).slice(2);
const clinicNames = async (k = acct.key) =>
  (await api('GET', '/v1/clinics?limit=100', { key: k })).body.data.map((c) => c.name);

test('a retry with the same key and body replays the first response', async () => {
  const k = key();
  const body = { name: 'Replay Clinic', tax_rate_bps: 825 };
  const first = await api('POST', '/v1/clinics', { key: acct.key, body, headers: { 'idempotency-key': k } });
  assert.equal(first.status, 201);
  assert.equal(first.headers.get('idempotent-replayed'), null);
  const second = await api('POST', '/v1/clinics', { key: acct.key, body, headers: { 'idempotency-key': k } });
  assert.equal(second.status, 201);
  assert.equal(second.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual(second.body, first.body);
  assert.equal((await clinicNames()).filter((n) => n === 'Replay Clinic').length, 1);
});

test('the same key with a different body is 409 idempotency_key_reused', async () => {
  const k = key();
  const a = await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'Reuse A' }, headers: { 'idempotency-key': k } });
  assert.equal(a.status, 201);
  const b = await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'Reuse B' }, headers: { 'idempotency-key': k } });
  assertError(b, 409, 'idempotency_key_reused', 'Idempotency-Key');
  assert.ok(!(await clinicNames()).includes('Reuse B'));
});

test('a concurrent duplicate while the first is in flight is 409 idempotency_in_progress', async () => {
  // Creating a user with a password runs Argon2id (tens of milliseconds),
  // so the duplicates arrive while the first is still being processed.
  const k = key();
  const email = `dup-${Date.now()}@test.example`;
  const body = { email, name: 'Dup User', role: 'front_desk', password: 'a long password 1' };
  const reqs = [];
  for (let i = 0; i < 4; i++) {
    reqs.push(api('POST', '/v1/users', { key: acct.key, body, headers: { 'idempotency-key': k } }));
    await new Promise((r) => setTimeout(r, 2));
  }
  const res = await Promise.all(reqs);
  const created = res.filter((r) => r.status === 201);
  const busy = res.filter((r) => r.status === 409);
  assert.ok(created.length >= 1, res.map((r) => r.status).join(','));
  assert.ok(busy.length >= 1, 'at least one duplicate overlapped: ' + res.map((r) => r.status).join(','));
  for (const r of busy) assertError(r, 409, 'idempotency_in_progress');
  for (const r of created) assert.equal(r.body.id, created[0].body.id, 'replays carry the same user');
  const users = (await api('GET', '/v1/users?limit=100', { key: acct.key })).body.data;
  assert.equal(users.filter((u) => u.email === email).length, 1, 'exactly one user created');
  // Once the first finished, a retry replays it.
  const retry = await api('POST', '/v1/users', { key: acct.key, body, headers: { 'idempotency-key': k } });
  assert.equal(retry.status, 201);
  assert.equal(retry.headers.get('idempotent-replayed'), 'true');
});

test('keys are scoped per account', async () => {
  const other = createAccount(server, 'Other Practice');
  const k = key();
  const a = await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'Scoped' }, headers: { 'idempotency-key': k } });
  const b = await api('POST', '/v1/clinics', { key: other.key, body: { name: 'Scoped' }, headers: { 'idempotency-key': k } });
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  assert.equal(b.headers.get('idempotent-replayed'), null);
  assert.notEqual(a.body.id, b.body.id);
});

test('keys expire after 24 hours (test clock)', async () => {
  const a2 = createAccount(server, 'Expiry Practice');
  const k = key();
  const body = { name: 'Expiring' };
  const first = await api('POST', '/v1/clinics', { key: a2.key, body, headers: { 'idempotency-key': k } });
  await api('POST', '/v1/test_helpers/advance_clock', { key: a2.key, body: { seconds: 24 * 3600 + 1 } });
  const again = await api('POST', '/v1/clinics', { key: a2.key, body, headers: { 'idempotency-key': k } });
  assert.equal(again.status, 201);
  assert.equal(again.headers.get('idempotent-replayed'), null);
  assert.notEqual(again.body.id, first.body.id);
});

test('a failed request stores no key and leaves nothing behind', async () => {
  const k = key();
  const bad = await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'Bad TZ', timezone: 'Mars/Olympus' }, headers: { 'idempotency-key': k } });
  assertError(bad, 400, 'parameter_invalid', 'timezone');
  assert.ok(!(await clinicNames()).includes('Bad TZ'));
  const audit = await api('GET', '/v1/audit_events?limit=100', { key: acct.key });
  assert.ok(!JSON.stringify(audit.body).includes('Bad TZ'));
  // The key was not consumed: a corrected request with it succeeds.
  const good = await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'Good TZ', timezone: 'America/Denver' }, headers: { 'idempotency-key': k } });
  assert.equal(good.status, 201);
});

test('an over-long key is 400', async () => {
  assertError(await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'x' }, headers: { 'idempotency-key': 'k'.repeat(256) } }),
    400, 'parameter_invalid', 'Idempotency-Key');
});
