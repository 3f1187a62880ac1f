// Sessions, CSRF, idle expiry (test clock), sign-in throttling, API keys,
// the account and the head-admin transfer.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, createAccount, client, assertError, signIn } = require('./helpers');

let server, api, acct;
before(async () => {
  server = await startServer();
  api = client(server.base);
  acct = createAccount(server, 'Auth Practice');
});
after(async () => { await server.stop(); });

test('sign in sets an HttpOnly SameSite=Strict cookie and returns a CSRF token', async () => {
  const res = await fetch(server.base + '/v1/sessions', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: acct.email.toUpperCase(), password: acct.password }),
  });
  assert.equal(res.status, 201);
  const cookie = res.headers.get('set-cookie');
  assert.match(cookie, /^poise_session=acct_[0-9a-z]+\.[0-9a-z]{32}; Path=\/; HttpOnly; SameSite=Strict$/);
  const body = await res.json();
  assert.equal(body.object, 'session');
  assert.equal(body.account, acct.accountId);
  assert.equal(body.user, acct.userId);
  assert.match(body.csrf_token, /^[0-9a-z]{32}$/);
});

test('GET /v1/me with a session and with an API key', async () => {
  const s = await signIn(server.base, acct.email, acct.password);
  const r = await api('GET', '/v1/me', { headers: { cookie: s.cookie } });
  assert.equal(r.status, 200);
  assert.equal(r.body.user.id, acct.userId);
  assert.equal(r.body.user.role, 'head_admin');
  assert.equal(r.body.account.id, acct.accountId);
  assert.equal(r.body.auth, 'session');
  assert.equal(r.body.csrf_token, s.csrf, 'a new tab can recover the CSRF token');
  assert.ok(!('password_hash' in r.body.user));
  const k = await api('GET', '/v1/me', { key: acct.key });
  assert.equal(k.body.auth, 'api_key');
  assert.ok(!('csrf_token' in k.body));
});

test('cookie-authenticated writes need the X-CSRF-Token header', async () => {
  const s = await signIn(server.base, acct.email, acct.password);
  assertError(await api('POST', '/v1/clinics', { headers: { cookie: s.cookie }, body: { name: 'No CSRF' } }),
    403, 'csrf_token_invalid');
  assertError(await api('POST', '/v1/clinics', {
    headers: { cookie: s.cookie, 'x-csrf-token': 'a'.repeat(32) }, body: { name: 'Bad CSRF' } }),
  403, 'csrf_token_invalid');
  const ok = await api('POST', '/v1/clinics', {
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, body: { name: 'With CSRF' } });
  assert.equal(ok.status, 201);
  const list = await api('GET', '/v1/clinics', { key: acct.key });
  assert.deepEqual(list.body.data.map((c) => c.name).filter((n) => n.includes('CSRF')), ['With CSRF']);
});

test('wrong password is 401 and leaves no session', async () => {
  const r = await api('POST', '/v1/sessions', { body: { email: acct.email, password: 'wrong password!' } });
  assertError(r, 401, 'invalid_credentials');
  assert.equal(r.headers.get('set-cookie'), null);
  assertError(await api('POST', '/v1/sessions', { body: { email: 'nobody@nowhere.example', password: 'x'.repeat(12) } }),
    401, 'invalid_credentials');
});

test('sign-in input is validated', async () => {
  assertError(await api('POST', '/v1/sessions', { body: { email: acct.email } }), 400, 'parameter_missing', 'password');
  assertError(await api('POST', '/v1/sessions', { body: { email: 'not-an-email', password: 'x' } }), 400, undefined, 'email');
});

test('DELETE /v1/sessions/current signs out', async () => {
  const s = await signIn(server.base, acct.email, acct.password);
  const h = { cookie: s.cookie, 'x-csrf-token': s.csrf };
  const r = await api('DELETE', '/v1/sessions/current', { headers: h });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('set-cookie'), /Max-Age=0/);
  assertError(await api('GET', '/v1/me', { headers: { cookie: s.cookie } }), 401, 'session_expired');
  // An API key cannot "sign out".
  assertError(await api('DELETE', '/v1/sessions/current', { key: acct.key }), 400, 'session_required');
});

test('sessions expire after 12 hours idle (test clock)', async () => {
  const a = createAccount(server, 'Clock Practice');
  const s = await signIn(server.base, a.email, a.password);
  const me = () => api('GET', '/v1/me', { headers: { cookie: s.cookie } });
  assert.equal((await me()).status, 200);
  // 11 hours idle: still valid, and the use refreshes it.
  let adv = await api('POST', '/v1/test_helpers/advance_clock', { key: a.key, body: { seconds: 11 * 3600 } });
  assert.equal(adv.status, 200);
  assert.equal((await me()).status, 200);
  adv = await api('POST', '/v1/test_helpers/advance_clock', { key: a.key, body: { seconds: 11 * 3600 } });
  assert.equal((await me()).status, 200, 'activity kept the session alive');
  adv = await api('POST', '/v1/test_helpers/advance_clock', { key: a.key, body: { seconds: 12 * 3600 + 5 } });
  assertError(await me(), 401, 'session_expired');
});

test('10 failed sign-ins in 15 minutes give 429 with Retry-After', async () => {
  const a = createAccount(server, 'Throttle Practice');
  for (let i = 0; i < 10; i++) {
    assertError(await api('POST', '/v1/sessions', { body: { email: a.email, password: 'wrong-' + i + 'xxxxx' } }), 401);
  }
  const r = await api('POST', '/v1/sessions', { body: { email: a.email, password: a.password } });
  assertError(r, 429, 'too_many_attempts');
  const retry = Number(r.headers.get('retry-after'));
  assert.ok(retry > 0 && retry <= 900, 'Retry-After ' + retry);
  // Another e-mail is not affected.
  await signIn(server.base, acct.email, acct.password);
});

test('API keys: create shows the secret once, list masks it, revoke stops it', async () => {
  const c = await api('POST', '/v1/api_keys', { key: acct.key, body: { name: 'Reporting' }, headers: { 'idempotency-key': 'k-' + Date.now() } });
  assert.equal(c.status, 201);
  assert.match(c.body.secret, /^sk_live_acct_[0-9a-z]{26}_[0-9a-z]{32}$/);
  assert.equal(c.body.last4, c.body.secret.slice(-4));
  const me = await api('GET', '/v1/me', { key: c.body.secret });
  assert.equal(me.status, 200);
  assert.equal(me.body.user.id, acct.userId, 'a key acts as its creator');
  const list = await api('GET', '/v1/api_keys', { key: acct.key });
  assert.equal(list.status, 200);
  const found = list.body.data.find((k) => k.id === c.body.id);
  assert.ok(found);
  assert.ok(!('secret' in found), 'secret never listed');
  assert.ok(!JSON.stringify(list.body).includes(c.body.secret));
  const del = await api('DELETE', `/v1/api_keys/${c.body.id}`, { key: acct.key });
  assert.equal(del.status, 200);
  assert.equal(del.body.revoked, true);
  assertError(await api('GET', '/v1/me', { key: c.body.secret }), 401);
  assertError(await api('POST', '/v1/api_keys', { key: acct.key, body: {} }), 400, 'parameter_missing', 'name');
  assertError(await api('DELETE', '/v1/api_keys/key_nope', { key: acct.key }), 404);
});

test('account: get and patch (head admin), bad currency refused', async () => {
  const g = await api('GET', '/v1/account', { key: acct.key });
  assert.equal(g.status, 200);
  assert.equal(g.body.id, acct.accountId);
  assert.equal(g.body.currency, 'USD');
  assert.equal(g.body.head_admin, acct.userId);
  const p = await api('PATCH', '/v1/account', { key: acct.key, body: { name: 'Renamed Practice' } });
  assert.equal(p.status, 200);
  assert.equal(p.body.name, 'Renamed Practice');
  assertError(await api('PATCH', '/v1/account', { key: acct.key, body: { currency: 'XXX' } }), 400, 'parameter_invalid', 'currency');
  assert.equal((await api('GET', '/v1/account', { key: acct.key })).body.currency, 'USD');
});

test('behind a TLS proxy (--secure-cookies) the session cookie is Secure', async () => {
  const tls = await startServer({ extraArgs: ['--secure-cookies'] });
  try {
    const a = createAccount(tls, 'TLS Practice');
    const res = await fetch(tls.base + '/v1/sessions', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: a.email, password: a.password }),
    });
    assert.equal(res.status, 201);
    assert.match(res.headers.get('set-cookie'), /; HttpOnly; SameSite=Strict; Secure$/);
  } finally {
    await tls.stop();
  }
});
