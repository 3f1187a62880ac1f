// The role matrix, generated from the route table: every non-public route
// is called by a signed-in user of each role (front_desk < provider <
// admin < head_admin). Below the route's minimum role the answer is 403
// "forbidden"; at or above it, anything but 403 (a dummy id or an empty
// body may well give 400 or 404). A route added to routes.def is covered
// by construction. API keys act with the role of the user who made them.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { ROOT, startServer, createAccount, client, assertError, signIn } = require('./helpers');

const RANK = { ROLE_FRONT_DESK: 1, ROLE_PROVIDER: 2, ROLE_ADMIN: 3, ROLE_HEAD_ADMIN: 4 };
const ROLES = ['front_desk', 'provider', 'admin', 'head_admin'];
const rankOf = (role) => ROLES.indexOf(role) + 1;
const PASSWORD = 'role matrix password';

// Dummy ids: well-formed, so handlers get past id parsing, but unknown.
const PREFIX = {
  clinics: 'cln', categories: 'cat', services: 'svc', products: 'prd',
  patients: 'pat', users: 'usr', api_keys: 'key', clinic: 'cln',
  promotions: 'prm', quick_buttons: 'qbt',
  membership_programs: 'mpr', membership_tiers: 'mtr', memberships: 'mem',
};
const dummyId = (name) => `${PREFIX[name] || 'xxx'}_${'0'.repeat(26)}`;

function routes() {
  const text = fs.readFileSync(path.join(ROOT, 'src/http/routes.def'), 'utf8');
  const re = /^ROUTE\((\w+),\s*"([^"]+)",\s*(\w+),\s*(\w+),\s*([^,]+),/gm;
  const out = [];
  for (const m of text.matchAll(re)) {
    const flags = m[5];
    if (flags.includes('RF_PUBLIC') || flags.includes('RF_TEST')) continue;
    assert.ok(m[4] in RANK, `known minimum role ${m[4]} for ${m[1]} ${m[2]}`);
    const resource = m[2].split('/')[2];
    const p = m[2].split('/').map((seg) => {
      if (!seg.startsWith(':')) return seg;
      return dummyId(seg === ':id' ? resource : seg.slice(1));
    }).join('/');
    out.push({
      method: m[1], route: m[2], path: p, min: RANK[m[4]], minName: m[4],
      session: flags.includes('RF_SESSION'),
    });
  }
  return out;
}

let server, api, acct;
const users = {}; // role -> {user, email, session}
const authAs = (s) => ({ headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });

before(async () => {
  server = await startServer();
  api = client(server.base);
  acct = createAccount(server, 'Role Matrix Practice');
  users.head_admin = { user: { id: acct.userId }, email: acct.email, password: acct.password };
  for (const role of ['admin', 'provider', 'front_desk']) {
    const email = `${role}-${process.pid}-${crypto.randomBytes(3).toString('hex')}@roles.example`;
    const r = await api('POST', '/v1/users', { key: acct.key, body: { email, name: 'Matrix ' + role, role, password: PASSWORD } });
    assert.equal(r.status, 201, r.text);
    users[role] = { user: r.body, email, password: PASSWORD };
  }
  for (const role of ROLES) {
    const u = users[role];
    u.session = await signIn(server.base, u.email, u.password);
    const me = await api('GET', '/v1/me', { headers: { cookie: u.session.cookie } });
    assert.equal(me.body.user.role, role, 'signed in as ' + role);
  }
});
after(async () => { await server.stop(); });

const hasBody = (method) => method !== 'GET' && method !== 'DELETE';

// Call route r with the given request options (a session's or a key's).
async function call(r, opts, body = hasBody(r.method) ? {} : undefined) {
  return api(r.method, r.path, { ...opts, ...(body !== undefined ? { body } : {}) });
}

test('the route table parses', () => {
  const rs = routes();
  assert.ok(rs.length >= 30, 'routes parsed: ' + rs.length);
  // (No route needs exactly ROLE_PROVIDER yet; the matrix covers it when one does.)
  for (const name of ['ROLE_FRONT_DESK', 'ROLE_ADMIN', 'ROLE_HEAD_ADMIN']) {
    assert.ok(rs.some((r) => r.minName === name), 'some route needs ' + name);
  }
});

test('every route: a role below the minimum gets 403, at or above it does not', async () => {
  const failures = [];
  for (const r of routes()) {
    for (const role of ROLES) {
      const u = users[role];
      // A route that needs a session (sign out) gets a throwaway one.
      const s = r.session ? await signIn(server.base, u.email, u.password) : u.session;
      const res = await call(r, authAs(s));
      const label = `${role} ${r.method} ${r.route} (min ${r.minName}) -> ${res.status} ${res.text}`;
      if (rankOf(role) < r.min) {
        if (res.status !== 403 || res.body?.error?.code !== 'forbidden') failures.push('want 403 forbidden: ' + label);
        else assertError(res, 403, 'forbidden');
      } else if (res.status === 403 || res.status === 401 || res.status >= 500) {
        failures.push('want allowed: ' + label);
      }
    }
  }
  assert.deepEqual(failures, []);
  // The sessions used above are all still good.
  for (const role of ROLES) {
    assert.equal((await api('GET', '/v1/me', { headers: { cookie: users[role].session.cookie } })).status, 200);
  }
});

test('the role check comes before the body: a forbidden write with a bad body is still 403', async () => {
  const failures = [];
  for (const r of routes().filter((x) => hasBody(x.method))) {
    for (const role of ROLES.filter((x) => rankOf(x) < r.min)) {
      const res = await api(r.method, r.path, { ...authAs(users[role].session), raw: '{not json' });
      if (res.status !== 403 || res.body?.error?.code !== 'forbidden') failures.push(`${role} ${r.method} ${r.route} -> ${res.status} ${res.text}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('every non-public route needs credentials', async () => {
  const failures = [];
  for (const r of routes()) {
    const res = await call(r, {});
    if (res.status !== 401) failures.push(`${r.method} ${r.route} -> ${res.status}`);
  }
  assert.deepEqual(failures, []);
});

test('forbidden writes with valid bodies change nothing', async () => {
  const fd = authAs(users.front_desk.session);
  const pv = authAs(users.provider.session);
  const ad = authAs(users.admin.session);
  const clinic = (await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'Real Clinic' } })).body;
  const patient = await api('POST', '/v1/patients', { key: acct.key, body: { first_name: 'Real', last_name: 'Patient' } });
  const latest = async () => (await api('GET', '/v1/audit_events?limit=1', { key: acct.key })).body.data[0].id;
  const mark = await latest();
  const tries = [
    ['POST', '/v1/clinics', fd, { name: 'FD Clinic' }],
    ['PATCH', `/v1/clinics/${clinic.id}`, pv, { name: 'PV Rename' }],
    ['POST', '/v1/categories', pv, { name: 'PV Category' }],
    ['POST', '/v1/services', fd, { name: 'FD Service', price: 100 }],
    ['POST', '/v1/products', pv, { name: 'PV Product', sku: 'PV-1', price: 100 }],
    ['POST', '/v1/api_keys', pv, { name: 'PV key' }],
    ['POST', '/v1/users', fd, { email: 'fd-made@roles.example', name: 'X', role: 'front_desk', password: PASSWORD }],
    ['PATCH', `/v1/users/${users.front_desk.user.id}`, pv, { role: 'admin' }],
    ['PATCH', '/v1/account', ad, { name: 'Admin Rename' }],
    ['POST', '/v1/account/transfer_head_admin', ad, { user: users.admin.user.id }],
  ];
  if (patient.status === 201) tries.push(['DELETE', `/v1/patients/${patient.body.id}`, pv, undefined]);
  for (const [method, p, who, body] of tries) {
    assertError(await api(method, p, { ...who, ...(body ? { body } : {}) }), 403, 'forbidden');
  }
  assert.equal(await latest(), mark, 'no audit event was written');
  assert.equal((await api('GET', '/v1/account', { key: acct.key })).body.name, 'Role Matrix Practice');
  assert.equal((await api('GET', '/v1/account', { key: acct.key })).body.head_admin, acct.userId);
  assert.equal((await api('GET', `/v1/clinics/${clinic.id}`, { key: acct.key })).body.name, 'Real Clinic');
  assert.equal((await api('GET', `/v1/users/${users.front_desk.user.id}`, { key: acct.key })).body.role, 'front_desk');
  const clinics = (await api('GET', '/v1/clinics?limit=100', { key: acct.key })).body.data.map((c) => c.name);
  assert.ok(!clinics.includes('FD Clinic'));
  assert.equal((await api('GET', '/v1/categories', { key: acct.key })).body.data.length, 0);
  assert.equal((await api('GET', '/v1/services', { key: acct.key })).body.data.length, 0);
  assert.equal((await api('GET', '/v1/products', { key: acct.key })).body.data.length, 0);
  if (patient.status === 201) {
    assert.equal((await api('GET', `/v1/patients/${patient.body.id}`, { key: acct.key })).status, 200);
  }
});

test('API keys act with their creator\'s role, and follow it when it changes', async () => {
  const a = createAccount(server, 'Key Roles');
  const email = `keyadmin-${process.pid}-${crypto.randomBytes(3).toString('hex')}@roles.example`;
  const made = await api('POST', '/v1/users', { key: a.key, body: { email, name: 'Key Admin', role: 'admin', password: PASSWORD } });
  assert.equal(made.status, 201, made.text);
  const s = await signIn(server.base, email, PASSWORD);
  const k = await api('POST', '/v1/api_keys', { ...authAs(s), body: { name: 'Admin made key' } });
  assert.equal(k.status, 201, k.text);
  const key = k.body.secret;
  assert.equal(k.body.user, made.body.id);

  const me = await api('GET', '/v1/me', { key });
  assert.equal(me.body.user.role, 'admin');
  assert.equal(me.body.auth, 'api_key');
  assertError(await api('PATCH', '/v1/account', { key, body: { name: 'Via Admin Key' } }), 403, 'forbidden');
  assert.equal((await api('GET', '/v1/account', { key: a.key })).body.name, 'Key Roles');

  // The whole matrix with the admin's key and the head admin's key.
  const failures = [];
  for (const [role, secret] of [['admin', key], ['head_admin', a.key]]) {
    for (const r of routes()) {
      if (r.session) continue; // sign-out needs a session, not a key (400 session_required)
      const res = await call(r, { key: secret });
      const label = `${role} key ${r.method} ${r.route} (min ${r.minName}) -> ${res.status} ${res.text}`;
      if (rankOf(role) < r.min) {
        if (res.status !== 403 || res.body?.error?.code !== 'forbidden') failures.push('want 403: ' + label);
      } else if (res.status === 403 || res.status === 401 || res.status >= 500) {
        failures.push('want allowed: ' + label);
      }
    }
  }
  assert.deepEqual(failures, []);

  // Demoted to provider: the same key loses admin rights at once.
  assert.equal((await api('GET', '/v1/api_keys', { key })).status, 200);
  const d = await api('PATCH', `/v1/users/${made.body.id}`, { key: a.key, body: { role: 'provider' } });
  assert.equal(d.status, 200, d.text);
  assert.equal((await api('GET', '/v1/me', { key })).body.user.role, 'provider');
  assertError(await api('GET', '/v1/api_keys', { key }), 403, 'forbidden');
  assertError(await api('POST', '/v1/clinics', { key, body: { name: 'Provider Clinic' } }), 403, 'forbidden');
  assert.equal((await api('GET', '/v1/clinics', { key })).status, 200);
  // Providers and front desk cannot make keys at all.
  const s2 = await signIn(server.base, email, PASSWORD);
  assertError(await api('POST', '/v1/api_keys', { ...authAs(s2), body: { name: 'Provider key' } }), 403, 'forbidden');
});
