// /v1/users: create with each role, who may change whom, validation,
// disabling and its effect on sessions and keys, paging; and the
// head-admin transfer (POST /v1/account/transfer_head_admin).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startServer, createAccount, client, assertError, signIn } = require('./helpers');

let server, api, acct;
before(async () => {
  server = await startServer();
  api = client(server.base);
  acct = createAccount(server, 'Users Practice');
});
after(async () => { await server.stop(); });

const PASSWORD = 'a long password 1';
const NO_USR = 'usr_00000000000000000000000000';
const email = (tag = 'u') => `${tag}-${process.pid}-${crypto.randomBytes(4).toString('hex')}@users.example`;
// Request options for a signed-in session (cookie and CSRF header).
const as = (s, extra = {}) => ({ ...extra, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });

async function mkUser(role, { a = acct, password = PASSWORD, name = 'Staff ' + role, mail = email(role) } = {}) {
  const body = { email: mail, name, role };
  if (password !== null) body.password = password;
  const r = await api('POST', '/v1/users', { key: a.key, body });
  assert.equal(r.status, 201, r.text);
  return r.body;
}
// A user of role with a password, signed in.
async function staff(role, a = acct) {
  const u = await mkUser(role, { a });
  return { user: u, session: await signIn(server.base, u.email, PASSWORD) };
}
async function auditOf(objectId, a = acct) {
  const r = await api('GET', `/v1/audit_events?object_id=${objectId}&limit=100`, { key: a.key });
  assert.equal(r.status, 200, r.text);
  return r.body.data;
}
const userCount = async (a = acct) => (await api('GET', '/v1/users?limit=100', { key: a.key })).body.data.length;

test('create a user of each role; the e-mail is normalised', async () => {
  for (const role of ['admin', 'provider', 'front_desk']) {
    const mail = email(role);
    const r = await api('POST', '/v1/users', { key: acct.key, body: {
      email: '  ' + mail.toUpperCase() + ' ', name: 'New ' + role, role, password: PASSWORD } });
    assert.equal(r.status, 201, r.text);
    const u = r.body;
    assert.match(u.id, /^usr_[0-9a-z]{26}$/);
    assert.equal(u.object, 'user');
    assert.equal(u.email, mail, 'trimmed and lower-cased');
    assert.equal(u.name, 'New ' + role);
    assert.equal(u.role, role);
    assert.equal(u.disabled, false);
    assert.equal(u.can_sign_in, true);
    assert.ok(Math.abs(u.created - Date.now() / 1000) < 60);
    assert.ok(!JSON.stringify(u).includes('password') && !JSON.stringify(u).includes('hash'));
    assert.deepEqual((await api('GET', `/v1/users/${u.id}`, { key: acct.key })).body, u);
    const ev = await auditOf(u.id);
    assert.deepEqual(ev.map((e) => e.action), ['user.create']);
    assert.deepEqual(ev[0].summary, { email: mail, name: 'New ' + role, role, has_password: true });
    assert.ok(!JSON.stringify(ev).includes(PASSWORD));
    // Each can sign in and sees its role.
    const s = await signIn(server.base, mail, PASSWORD);
    const me = await api('GET', '/v1/me', { headers: { cookie: s.cookie } });
    assert.equal(me.body.user.role, role);
  }
  const nopw = await mkUser('front_desk', { password: null });
  assert.equal(nopw.can_sign_in, false);
  assert.equal((await auditOf(nopw.id))[0].summary.has_password, false);
});

test('role head_admin and unknown roles are refused with 400 param role', async () => {
  const before = await userCount();
  for (const role of ['head_admin', 'owner', 'Admin', '']) {
    assertError(await api('POST', '/v1/users', { key: acct.key, body: { email: email(), name: 'X', role, password: PASSWORD } }),
      400, 'parameter_invalid', 'role');
  }
  assertError(await api('POST', '/v1/users', { key: acct.key, body: { email: email(), name: 'X', role: 3 } }),
    400, 'parameter_invalid_type', 'role');
  assert.equal(await userCount(), before);
});

test('bad input is 400 naming the member and creates nothing', async () => {
  const base = { email: email('bad'), name: 'Bad Input', role: 'provider', password: PASSWORD };
  const cases = [
    [{ email: undefined }, 'email', 'parameter_missing'],
    [{ name: undefined }, 'name', 'parameter_missing'],
    [{ role: undefined }, 'role', 'parameter_missing'],
    [{ email: 'not-an-email' }, 'email', 'parameter_invalid'],
    [{ email: 'two@@example.com' }, 'email', 'parameter_invalid'],
    [{ email: 'no@dot' }, 'email', 'parameter_invalid'],
    [{ email: 'sp ace@example.com' }, 'email', 'parameter_invalid'],
    [{ email: '' }, 'email', 'parameter_invalid'],
    [{ email: 42 }, 'email', 'parameter_invalid_type'],
    [{ name: '' }, 'name', 'parameter_invalid'],
    [{ name: '   ' }, 'name', 'parameter_invalid'],
    [{ name: 'n'.repeat(201) }, 'name', 'parameter_invalid'],
    [{ password: 'short pw!' }, 'password', 'parameter_invalid'],
    [{ password: '' }, 'password', 'parameter_invalid'],
    [{ password: 'p'.repeat(201) }, 'password', 'parameter_invalid'],
    [{ password: null }, 'password', 'parameter_invalid_type'],
    [{ password: 1234567890 }, 'password', 'parameter_invalid_type'],
    [{ disabled: true }, 'disabled', 'parameter_unknown'],
    [{ account: acct.accountId }, 'account', 'parameter_unknown'],
  ];
  const before = await userCount();
  for (const [over, param, code] of cases) {
    const body = { ...base, ...over };
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    assertError(await api('POST', '/v1/users', { key: acct.key, body }), 400, code, param);
  }
  assertError(await api('POST', '/v1/users', { key: acct.key }), 400, 'parameter_missing');
  assert.equal(await userCount(), before);
  // The same e-mail is still free afterwards, and a 10-character password is enough.
  const ok = await api('POST', '/v1/users', { key: acct.key, body: { ...base, password: '0123456789' } });
  assert.equal(ok.status, 201, ok.text);
  await signIn(server.base, base.email, '0123456789');
});

test('a duplicate e-mail is 409 email_taken, in any case and in any account', async () => {
  const u = await mkUser('provider');
  const before = await userCount();
  for (const mail of [u.email, u.email.toUpperCase(), acct.email]) {
    assertError(await api('POST', '/v1/users', { key: acct.key, body: { email: mail, name: 'Dup', role: 'front_desk' } }),
      409, 'email_taken', 'email');
  }
  assert.equal(await userCount(), before);
  const other = createAccount(server, 'Other Users Practice');
  assertError(await api('POST', '/v1/users', { key: other.key, body: { email: u.email, name: 'Dup', role: 'front_desk' } }),
    409, 'email_taken', 'email');
  assertError(await api('POST', '/v1/users', { key: other.key, body: { email: acct.email, name: 'Dup', role: 'front_desk' } }),
    409, 'email_taken', 'email');
  assert.equal(await userCount(other), 1);
});

test('a user without a password cannot sign in until one is set', async () => {
  const u = await mkUser('front_desk', { password: null });
  assert.equal(u.can_sign_in, false);
  for (const pw of [PASSWORD, 'x', 'anything at all']) {
    const r = await api('POST', '/v1/sessions', { body: { email: u.email, password: pw } });
    assertError(r, 401, 'invalid_credentials');
    assert.equal(r.headers.get('set-cookie'), null);
  }
  const set = await api('PATCH', `/v1/users/${u.id}`, { key: acct.key, body: { password: 'finally a password' } });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.body.can_sign_in, true);
  await signIn(server.base, u.email, 'finally a password');
});

test('update name, role, disabled and password; audit lists what changed, never the password', async () => {
  const u = await mkUser('front_desk', { name: 'Jo Front' });
  let r = await api('PATCH', `/v1/users/${u.id}`, { key: acct.key, body: { name: 'Jo Provider', role: 'provider' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.name, 'Jo Provider');
  assert.equal(r.body.role, 'provider');
  assert.equal(r.body.email, u.email);
  r = await api('PATCH', `/v1/users/${u.id}`, { key: acct.key, body: { role: 'admin' } });
  assert.equal(r.body.role, 'admin', 'the head admin grants admin');
  r = await api('PATCH', `/v1/users/${u.id}`, { key: acct.key, body: { disabled: true } });
  assert.equal(r.body.disabled, true);
  assert.equal(r.body.can_sign_in, false);
  r = await api('PATCH', `/v1/users/${u.id}`, { key: acct.key, body: { disabled: false, password: 'a brand new secret' } });
  assert.equal(r.body.disabled, false);
  assert.equal(r.body.can_sign_in, true);
  assert.deepEqual((await api('GET', `/v1/users/${u.id}`, { key: acct.key })).body, r.body);
  assertError(await api('POST', '/v1/sessions', { body: { email: u.email, password: PASSWORD } }), 401, 'invalid_credentials');
  await signIn(server.base, u.email, 'a brand new secret');

  // Unchanged values write nothing.
  const nBefore = (await auditOf(u.id)).length;
  const same = await api('PATCH', `/v1/users/${u.id}`, { key: acct.key, body: { name: 'Jo Provider', role: 'admin', disabled: false } });
  assert.equal(same.status, 200);
  assert.equal((await auditOf(u.id)).length, nBefore);

  const ev = (await auditOf(u.id)).filter((e) => e.action === 'user.update');
  assert.equal(ev.length, 4);
  assert.deepEqual(ev[3].summary, { changed: ['name', 'role'], name: 'Jo Provider', role: 'provider' });
  assert.deepEqual(ev[2].summary, { changed: ['role'], role: 'admin' });
  assert.deepEqual(ev[1].summary, { changed: ['disabled'], disabled: true });
  assert.deepEqual(ev[0].summary, { changed: ['disabled', 'password'], disabled: false });
  assert.ok(!JSON.stringify(ev).includes('a brand new secret'));
});

test('bad updates are 400 and change nothing', async () => {
  const u = await mkUser('provider', { name: 'Stays Same' });
  const before = (await api('GET', `/v1/users/${u.id}`, { key: acct.key })).body;
  const n = (await auditOf(u.id)).length;
  const cases = [
    [{ name: '' }, 'name', 'parameter_invalid'],
    [{ name: ' \t ' }, 'name', 'parameter_invalid'],
    [{ role: 'owner' }, 'role', 'parameter_invalid'],
    [{ role: 'head_admin' }, 'role', 'parameter_invalid'],
    [{ disabled: 'yes' }, 'disabled', 'parameter_invalid_type'],
    [{ password: 'short' }, 'password', 'parameter_invalid'],
    [{ password: '' }, 'password', 'parameter_invalid'],
    [{ email: email() }, 'email', 'parameter_unknown'],
    [{ name: 'Valid', password: 'short' }, 'password', 'parameter_invalid'],
    [{ role: 'front_desk', name: '' }, 'name', 'parameter_invalid'],
  ];
  for (const [body, param, code] of cases) {
    assertError(await api('PATCH', `/v1/users/${u.id}`, { key: acct.key, body }), 400, code, param);
  }
  assert.deepEqual((await api('GET', `/v1/users/${u.id}`, { key: acct.key })).body, before);
  assert.equal((await auditOf(u.id)).length, n);
  await signIn(server.base, u.email, PASSWORD);
});

test('an admin manages providers and front desk but not admins', async () => {
  const { user: admin, session: s } = await staff('admin');
  const before = await userCount();
  const r = await api('POST', '/v1/users', as(s, { body: { email: email(), name: 'Admin Two', role: 'admin', password: PASSWORD } }));
  assertError(r, 403, 'forbidden');
  assert.equal(await userCount(), before, 'nothing created');

  const p = await api('POST', '/v1/users', as(s, { body: { email: email(), name: 'By Admin', role: 'provider', password: PASSWORD } }));
  assert.equal(p.status, 201, p.text);
  const renamed = await api('PATCH', `/v1/users/${p.body.id}`, as(s, { body: { name: 'Renamed By Admin', role: 'front_desk' } }));
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal(renamed.body.role, 'front_desk');
  // Promoting to admin is the head admin's call.
  assertError(await api('PATCH', `/v1/users/${p.body.id}`, as(s, { body: { role: 'admin' } })), 403, 'forbidden', 'role');
  assert.equal((await api('GET', `/v1/users/${p.body.id}`, { key: acct.key })).body.role, 'front_desk');

  const other = await mkUser('admin');
  for (const body of [{ name: 'Nope' }, { disabled: true }, { role: 'provider' }, { password: 'another password' }]) {
    assertError(await api('PATCH', `/v1/users/${other.id}`, as(s, { body })), 403, 'forbidden');
  }
  assertError(await api('PATCH', `/v1/users/${acct.userId}`, as(s, { body: { name: 'Nope' } })), 403, 'forbidden');
  // Nor may an admin demote themselves.
  assertError(await api('PATCH', `/v1/users/${admin.id}`, as(s, { body: { role: 'provider' } })), 403, 'forbidden', 'role');
  assert.deepEqual((await api('GET', `/v1/users/${other.id}`, { key: acct.key })).body, other, 'the other admin is unchanged');
  // But may rename themselves.
  const self = await api('PATCH', `/v1/users/${admin.id}`, as(s, { body: { name: 'Self Renamed' } }));
  assert.equal(self.status, 200, self.text);

  // Providers and front desk can read users but change none.
  for (const role of ['provider', 'front_desk']) {
    const { session: low } = await staff(role);
    assert.equal((await api('GET', '/v1/users', as(low))).status, 200);
    assert.equal((await api('GET', `/v1/users/${admin.id}`, as(low))).status, 200);
    assertError(await api('POST', '/v1/users', as(low, { body: { email: email(), name: 'X', role: 'front_desk' } })), 403, 'forbidden');
    assertError(await api('PATCH', `/v1/users/${p.body.id}`, as(low, { body: { name: 'X' } })), 403, 'forbidden');
  }
});

test('disabling a user ends their sessions and stops their keys; re-enabling restores sign-in', async () => {
  const { user: admin, session: s } = await staff('admin');
  const s2 = await signIn(server.base, admin.email, PASSWORD);
  const key = await api('POST', '/v1/api_keys', as(s, { body: { name: 'Admin key' } }));
  assert.equal(key.status, 201, key.text);
  assert.equal((await api('GET', '/v1/me', { key: key.body.secret })).status, 200);

  const d = await api('PATCH', `/v1/users/${admin.id}`, { key: acct.key, body: { disabled: true } });
  assert.equal(d.status, 200, d.text);
  for (const sess of [s, s2]) {
    assertError(await api('GET', '/v1/me', { headers: { cookie: sess.cookie } }), 401);
    assertError(await api('POST', '/v1/clinics', as(sess, { body: { name: 'After disable' } })), 401);
  }
  assertError(await api('GET', '/v1/me', { key: key.body.secret }), 401, 'user_disabled');
  assertError(await api('POST', '/v1/sessions', { body: { email: admin.email, password: PASSWORD } }), 401, 'invalid_credentials');
  const names = (await api('GET', '/v1/clinics?limit=100', { key: acct.key })).body.data.map((c) => c.name);
  assert.ok(!names.includes('After disable'));

  const e = await api('PATCH', `/v1/users/${admin.id}`, { key: acct.key, body: { disabled: false } });
  assert.equal(e.status, 200);
  const s3 = await signIn(server.base, admin.email, PASSWORD);
  assert.equal((await api('GET', '/v1/me', { headers: { cookie: s3.cookie } })).status, 200);
  assertError(await api('GET', '/v1/me', { headers: { cookie: s.cookie } }), 401, 'session_expired'); // ended sessions stay ended
});

test('changing a user\'s role or password ends their sessions; other users keep theirs', async () => {
  const { user: a, session: sa } = await staff('provider');
  const { session: sb } = await staff('provider');
  assert.equal((await api('PATCH', `/v1/users/${a.id}`, { key: acct.key, body: { role: 'front_desk' } })).status, 200);
  assertError(await api('GET', '/v1/me', { headers: { cookie: sa.cookie } }), 401, 'session_expired');
  assert.equal((await api('GET', '/v1/me', { headers: { cookie: sb.cookie } })).status, 200);
  const sa2 = await signIn(server.base, a.email, PASSWORD);
  assert.equal((await api('PATCH', `/v1/users/${a.id}`, { key: acct.key, body: { password: 'rotated password' } })).status, 200);
  assertError(await api('GET', '/v1/me', { headers: { cookie: sa2.cookie } }), 401, 'session_expired');
  // A name change does not.
  const sa3 = await signIn(server.base, a.email, 'rotated password');
  assert.equal((await api('PATCH', `/v1/users/${a.id}`, { key: acct.key, body: { name: 'Just A Name' } })).status, 200);
  assert.equal((await api('GET', '/v1/me', { headers: { cookie: sa3.cookie } })).status, 200);
});

test('the head admin cannot be disabled or demoted (422); no one can disable themselves', async () => {
  const a = createAccount(server, 'Locked Head');
  const head = await signIn(server.base, a.email, a.password);
  const before = (await api('GET', `/v1/users/${a.userId}`, { key: a.key })).body;
  assertError(await api('PATCH', `/v1/users/${a.userId}`, { key: a.key, body: { disabled: true } }), 422, 'head_admin_locked', 'disabled');
  assertError(await api('PATCH', `/v1/users/${a.userId}`, as(head, { body: { disabled: true } })), 422, 'head_admin_locked', 'disabled');
  for (const role of ['admin', 'provider', 'front_desk']) {
    assertError(await api('PATCH', `/v1/users/${a.userId}`, { key: a.key, body: { role } }), 422, 'head_admin_locked', 'role');
  }
  // Nor by an admin.
  const { session: adminS, user: admin } = await staff('admin', a);
  assertError(await api('PATCH', `/v1/users/${a.userId}`, as(adminS, { body: { role: 'provider' } })), 422, 'head_admin_locked', 'role');
  assertError(await api('PATCH', `/v1/users/${a.userId}`, as(adminS, { body: { disabled: true } })), 422, 'head_admin_locked', 'disabled');
  // An admin cannot disable themselves.
  assertError(await api('PATCH', `/v1/users/${admin.id}`, as(adminS, { body: { disabled: true } })), 422, 'cannot_disable_self', 'disabled');
  assert.equal((await api('GET', `/v1/users/${admin.id}`, { key: a.key })).body.disabled, false);
  assert.equal((await api('GET', '/v1/me', { headers: { cookie: adminS.cookie } })).status, 200, 'still signed in');
  // Head admin unchanged, still signed in, may still rename themselves.
  assert.deepEqual((await api('GET', `/v1/users/${a.userId}`, { key: a.key })).body, before);
  assert.equal((await api('GET', '/v1/me', { headers: { cookie: head.cookie } })).status, 200);
  const rn = await api('PATCH', `/v1/users/${a.userId}`, as(head, { body: { name: 'Dr. Head' } }));
  assert.equal(rn.status, 200, rn.text);
  assert.equal(rn.body.role, 'head_admin');
  assert.equal((await api('GET', '/v1/account', { key: a.key })).body.head_admin, a.userId);
});

test('list pages with limit and starting_after', async () => {
  const a = createAccount(server, 'User Paging');
  const ids = [a.userId];
  for (let i = 0; i < 5; i++) ids.push((await mkUser('front_desk', { a, password: null, name: 'Page ' + i })).id);
  assert.deepEqual([...ids].sort(), ids, 'ids increase with creation');
  const p1 = await api('GET', '/v1/users?limit=2', { key: a.key });
  assert.equal(p1.status, 200);
  assert.equal(p1.body.object, 'list');
  assert.deepEqual(p1.body.data.map((u) => u.id), ids.slice(0, 2));
  assert.equal(p1.body.data[0].role, 'head_admin');
  assert.equal(p1.body.has_more, true);
  const p2 = await api('GET', `/v1/users?limit=2&starting_after=${ids[1]}`, { key: a.key });
  assert.deepEqual(p2.body.data.map((u) => u.id), ids.slice(2, 4));
  assert.equal(p2.body.has_more, true);
  const p3 = await api('GET', `/v1/users?limit=2&starting_after=${ids[3]}`, { key: a.key });
  assert.deepEqual(p3.body.data.map((u) => u.id), ids.slice(4));
  assert.equal(p3.body.has_more, false);
  const all = await api('GET', '/v1/users', { key: a.key });
  assert.deepEqual(all.body.data.map((u) => u.id), ids);
  assert.equal(all.body.has_more, false);
  for (const u of all.body.data) assert.ok(!('password_hash' in u));
  for (const bad of ['0', '101', 'x', '-1']) {
    assertError(await api('GET', `/v1/users?limit=${bad}`, { key: a.key }), 400, 'parameter_invalid', 'limit');
  }
});

test('unknown and malformed user ids are 404', async () => {
  for (const id of [NO_USR, 'garbage', 'cln_00000000000000000000000000']) {
    assertError(await api('GET', `/v1/users/${id}`, { key: acct.key }), 404, 'resource_missing');
    assertError(await api('PATCH', `/v1/users/${id}`, { key: acct.key, body: { name: 'x' } }), 404, 'resource_missing');
  }
  // Another account's user is unknown here.
  const other = createAccount(server, 'Foreign Users');
  assertError(await api('GET', `/v1/users/${other.userId}`, { key: acct.key }), 404, 'resource_missing');
  assertError(await api('PATCH', `/v1/users/${other.userId}`, { key: acct.key, body: { disabled: true } }), 404);
});

// ---------------------------------------------------------- head-admin transfer

test('transfer_head_admin makes the target head admin and the old one admin', async () => {
  const a = createAccount(server, 'Transfer Practice');
  const oldHead = await signIn(server.base, a.email, a.password);
  const { user: target, session: ts } = await staff('provider', a);
  const r = await api('POST', '/v1/account/transfer_head_admin', as(oldHead, { body: { user: target.id } }));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.object, 'account');
  assert.equal(r.body.id, a.accountId);
  assert.equal(r.body.head_admin, target.id);
  assert.equal((await api('GET', '/v1/account', { key: a.key })).body.head_admin, target.id);

  const again = await signIn(server.base, a.email, a.password);
  const meOld = await api('GET', '/v1/me', { headers: { cookie: again.cookie } });
  assert.equal(meOld.body.user.role, 'admin', 'the old head admin is now an admin');
  assert.equal(meOld.body.account.head_admin, target.id);
  assert.equal((await api('GET', '/v1/me', { key: a.key })).body.user.role, 'admin', 'their key acts as admin');
  const meNew = await api('GET', '/v1/me', { headers: { cookie: ts.cookie } });
  assert.equal(meNew.body.user.role, 'head_admin');
  assert.equal(meNew.body.account.head_admin, target.id);
  const users = (await api('GET', '/v1/users?limit=100', { key: a.key })).body.data;
  assert.deepEqual(users.filter((u) => u.role === 'head_admin').map((u) => u.id), [target.id], 'exactly one head admin');

  // The powers moved with the role.
  assertError(await api('PATCH', '/v1/account', { key: a.key, body: { name: 'Old Head Try' } }), 403, 'forbidden');
  assertError(await api('POST', '/v1/account/transfer_head_admin', { key: a.key, body: { user: a.userId } }), 403, 'forbidden');
  const p = await api('PATCH', '/v1/account', as(ts, { body: { name: 'New Head Rename' } }));
  assert.equal(p.status, 200, p.text);
  // The new head admin may now manage the old one, who is a plain admin.
  const dis = await api('PATCH', `/v1/users/${a.userId}`, as(ts, { body: { role: 'provider' } }));
  assert.equal(dis.status, 200, dis.text);
  assertError(await api('PATCH', `/v1/users/${target.id}`, as(ts, { body: { disabled: true } })), 422, 'head_admin_locked');

  // a.key now acts as a provider after the demotion above: read the
  // audit trail with the new head admin's session.
  const ev2 = await api('GET', `/v1/audit_events?object_id=${a.accountId}&limit=100`, { headers: { cookie: ts.cookie } });
  assert.equal(ev2.status, 200, ev2.text);
  const t = ev2.body.data.find((e) => e.action === 'account.transfer_head_admin');
  assert.ok(t, 'transfer audited');
  assert.deepEqual(t.summary, { from: a.userId, to: target.id });
  assert.equal(t.actor, a.userId);
});

test('transfer_head_admin is refused for an ineligible user and for anyone but the head admin', async () => {
  const a = createAccount(server, 'Refused Transfer');
  const disabled = await mkUser('admin', { a });
  await api('PATCH', `/v1/users/${disabled.id}`, { key: a.key, body: { disabled: true } });
  const nopw = await mkUser('admin', { a, password: null });
  const { user: admin, session: adminS } = await staff('admin', a);
  const eligible = await mkUser('provider', { a });
  const t = (body, opts = { key: a.key }) => api('POST', '/v1/account/transfer_head_admin', { ...opts, body });

  assertError(await t({ user: disabled.id }), 422, 'user_ineligible', 'user');
  assertError(await t({ user: nopw.id }), 422, 'user_ineligible', 'user');
  assertError(await t({ user: a.userId }), 422, 'user_ineligible', 'user');
  assertError(await t({ user: NO_USR }), 404, 'resource_missing', 'user');
  assertError(await t({ user: 'garbage' }), 404, 'resource_missing', 'user');
  assertError(await t({ user: 'u'.repeat(65) }), 400, 'parameter_invalid', 'user');
  const foreign = createAccount(server, 'Foreign Head');
  assertError(await t({ user: foreign.userId }), 404, 'resource_missing', 'user');
  assertError(await t({}), 400, 'parameter_missing', 'user');
  assertError(await t({ user: '' }), 400, 'parameter_invalid', 'user');
  assertError(await t({ user: 5 }), 400, 'parameter_invalid_type', 'user');
  assertError(await t({ user: eligible.id, force: true }), 400, 'parameter_unknown', 'force');
  // An admin may not call it, not even naming themselves.
  assertError(await t({ user: admin.id }, as(adminS)), 403, 'forbidden');
  assertError(await t({ user: eligible.id }, as(adminS)), 403, 'forbidden');
  // A key an admin made acts as that admin.
  const k = await api('POST', '/v1/api_keys', as(adminS, { body: { name: 'Admin key' } }));
  assertError(await t({ user: admin.id }, { key: k.body.secret }), 403, 'forbidden');

  // Nothing moved.
  assert.equal((await api('GET', '/v1/account', { key: a.key })).body.head_admin, a.userId);
  const roles = Object.fromEntries((await api('GET', '/v1/users?limit=100', { key: a.key })).body.data.map((u) => [u.id, u.role]));
  assert.equal(roles[a.userId], 'head_admin');
  assert.equal(roles[admin.id], 'admin');
  assert.equal(roles[disabled.id], 'admin');
  assert.equal(roles[nopw.id], 'admin');
  const ev = await api('GET', `/v1/audit_events?object_id=${a.accountId}&action=account.transfer_head_admin`, { key: a.key });
  assert.deepEqual(ev.body.data, []);

  // Once the no-password user has one, the transfer goes through.
  await api('PATCH', `/v1/users/${nopw.id}`, { key: a.key, body: { password: 'now i can sign in' } });
  const ok = await t({ user: nopw.id });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.head_admin, nopw.id);
});
