// /v1/patients: create, read, update, archive, list and search, with
// normalised e-mail and phone, date-of-birth rules, role limits on
// archiving, pagination over lists and searches, an audit trail that names
// fields but never their values, and Idempotency-Key replay.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startServer, createAccount, client, assertError, signIn } = require('./helpers');

let server, api, acct;
before(async () => {
  server = await startServer();
  api = client(server.base);
  acct = createAccount(server, 'Patient Practice');
});
after(async () => { await server.stop(); });

const NO_PAT = 'pat_00000000000000000000000000';
const PAT_RE = /^pat_[0-9a-z]{26}$/;
const PASSWORD = 'front desk password 1';
const q = encodeURIComponent;

// E-mail, phone and notes values sent in any request; none of them may
// reach the audit trail or the server log. (Dates of birth are checked
// against the audit trail in their own test: the log has dates of its own.)
const PERSONAL = new Set();
const remember = (body) => {
  for (const k of ['email', 'phone', 'notes']) {
    if (typeof body[k] === 'string' && body[k].trim().length >= 6) PERSONAL.add(body[k].trim());
  }
};

async function mk(body, a = acct) {
  remember(body);
  const r = await api('POST', '/v1/patients', { key: a.key, body });
  assert.equal(r.status, 201, `POST /v1/patients ${JSON.stringify(body)}: ${r.text}`);
  return r.body;
}
const get = (path, a = acct) => api('GET', path, { key: a.key });
const patch = (id, body, a = acct) => { remember(body); return api('PATCH', `/v1/patients/${id}`, { key: a.key, body }); };

// Audit events about one object, newest first.
async function auditOf(objectId, a = acct) {
  const r = await api('GET', `/v1/audit_events?object_id=${objectId}&limit=100`, { key: a.key });
  assert.equal(r.status, 200, r.text);
  for (const e of r.body.data) assert.equal(e.object_id, objectId);
  return r.body.data;
}

// Every patient of an account, active and archived.
async function allPatients(a = acct) {
  const out = [];
  for (const archived of ['false', 'true']) {
    let after = null;
    for (;;) {
      const r = await get(`/v1/patients?limit=100&archived=${archived}` + (after ? `&starting_after=${after}` : ''), a);
      assert.equal(r.status, 200, r.text);
      out.push(...r.body.data);
      if (!r.body.has_more) break;
      after = r.body.data.at(-1).id;
    }
  }
  return out;
}

// A 400 whose whole response does not repeat the refused value.
function assertRefused(r, param, code, value) {
  const e = assertError(r, 400, code, param);
  if (typeof value === 'string' && value.trim().length >= 4) {
    assert.ok(!r.text.includes(value.trim()), `error must not echo the ${param}: ${r.text}`);
    assert.ok(!r.text.includes(JSON.stringify(value).slice(1, -1)), `error must not echo the ${param}: ${r.text}`);
  }
  return e;
}

// Search keys as the API documents them: last name, then first name,
// case-insensitive, then id.
const cmpPatients = (a, b) => {
  const k = (p) => [p.last_name.toLowerCase(), p.first_name.toLowerCase(), p.id];
  const ka = k(a), kb = k(b);
  for (let i = 0; i < 3; i++) {
    if (ka[i] < kb[i]) return -1;
    if (ka[i] > kb[i]) return 1;
  }
  return 0;
};
function assertSorted(list, what) {
  const sorted = [...list].sort(cmpPatients);
  assert.deepEqual(list.map((p) => p.id), sorted.map((p) => p.id),
    `${what} ordered by last name then first name: ${list.map((p) => p.name).join(', ')}`);
}

// ------------------------------------------------------------------ create

test('create: minimal and full records, normalised, then get', async () => {
  const min = await api('POST', '/v1/patients', { key: acct.key, body: { first_name: 'Ava', last_name: 'Stone' } });
  assert.equal(min.status, 201, min.text);
  const m = min.body;
  assert.match(m.id, PAT_RE);
  assert.equal(m.object, 'patient');
  assert.equal(m.first_name, 'Ava');
  assert.equal(m.last_name, 'Stone');
  assert.equal(m.name, 'Ava Stone');
  for (const k of ['email', 'phone', 'date_of_birth', 'notes']) assert.equal(m[k], null, k);
  assert.equal(m.archived, false);
  assert.ok(Number.isInteger(m.created));
  assert.ok(Math.abs(m.created - Date.now() / 1000) < 60, 'created is Unix seconds');
  assert.equal(m.updated, m.created);
  assert.deepEqual((await get(`/v1/patients/${m.id}`)).body, m);

  const notes = 'Prefers afternoons.\nAllergic to lidocaine — use benzocaine.';
  const full = await mk({
    first_name: '  Jane ', last_name: ' Doe  ', email: '  Jane.Doe@Example.COM ',
    phone: '(512) 555-0134', date_of_birth: '1985-04-23', notes,
  });
  assert.equal(full.first_name, 'Jane', 'names are trimmed');
  assert.equal(full.last_name, 'Doe');
  assert.equal(full.name, 'Jane Doe');
  assert.equal(full.email, 'jane.doe@example.com');
  assert.equal(full.phone, '+15125550134');
  assert.equal(full.date_of_birth, '1985-04-23');
  assert.equal(full.notes, notes, 'notes kept as sent');
  assert.deepEqual((await get(`/v1/patients/${full.id}`)).body, full);

  // Blank optional text is the same as none; null is accepted on create.
  const blank = await mk({ first_name: 'Blank', last_name: 'Fields', email: '   ', phone: '', notes: ' \n ', date_of_birth: null });
  for (const k of ['email', 'phone', 'date_of_birth', 'notes']) assert.equal(blank[k], null, k);

  // Unicode names are kept; the response carries no other members.
  const u = await mk({ first_name: 'Zoë', last_name: 'Ñúñez-O\'Brien' });
  assert.equal(u.name, 'Zoë Ñúñez-O\'Brien');
  assert.deepEqual(Object.keys(u).sort(), ['archived', 'created', 'date_of_birth', 'email', 'first_name', 'id',
    'last_name', 'name', 'notes', 'object', 'phone', 'updated']);
});

test('create: phone numbers are stored in E.164', async () => {
  const cases = [
    ['(512) 555-0134', '+15125550134'],
    ['512.555.0134', '+15125550134'],
    ['512 555 0134', '+15125550134'],
    ['5125550134', '+15125550134'],
    ['1-512-555-0134', '+15125550134'],
    ['+1 (512) 555-0134', '+15125550134'],
    ['  +1 512 555 0134  ', '+15125550134'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+48 22 555 01 23', '+48225550123'],
    ['+61 2-9374-4000', '+61293744000'],
  ];
  for (const [input, want] of cases) {
    const p = await mk({ first_name: 'Phone', last_name: 'Format', phone: input });
    assert.equal(p.phone, want, input);
  }
  // The same on update.
  const p = await mk({ first_name: 'Phone', last_name: 'Update' });
  for (const [input, want] of cases) {
    const r = await patch(p.id, { phone: input });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.phone, want, input);
  }
});

test('create: a bad phone is 400 param phone and is not echoed', async () => {
  const bad = [
    '555-0134', // 7 digits without a country code
    '51255501345', // 11 digits, not starting with 1
    '(012) 555-0134', // area code starts with 0
    '(512) 155-0134', // exchange starts with 1
    '+1 555 0134', // +1 needs 10 digits after it
    '+0 20 7946 0958', // country codes never start with 0
    '+44 20 7946 0958 1234', // more than 15 digits
    '512-555-0134 x12', // an extension
    '512-555-O134', // a letter O
    '++1 512 555 0134',
    '+1 512 555 0134 +1',
    '12345', // too short
    'call me',
    '+',
    '()-.',
  ];
  const before = (await allPatients()).length;
  for (const phone of bad) {
    assertRefused(await api('POST', '/v1/patients', { key: acct.key, body: { first_name: 'Bad', last_name: 'Phone', phone } }),
      'phone', 'parameter_invalid', phone);
  }
  assert.equal((await allPatients()).length, before, 'nothing created');
});

test('create: e-mail is lower-cased; a bad one is 400 param email with a clear message that does not echo it', async () => {
  const ok = [
    ['Jane.Doe+Spa@Example.COM', 'jane.doe+spa@example.com'],
    ['  MARY@Mail.Clinic-Example.co.uk\t', 'mary@mail.clinic-example.co.uk'],
    ["o'brien@example.ie", "o'brien@example.ie"],
  ];
  for (const [input, want] of ok) {
    const p = await mk({ first_name: 'Mail', last_name: 'Ok', email: input });
    assert.equal(p.email, want, input);
  }
  const bad = [
    'jane.doe.mailbox.test', // no @
    'jane.doe@', // nothing after @
    '@mailbox.test', // nothing before @
    'jane@@mailbox.test',
    'jane@doe@mailbox.test',
    'jane doe@mailbox.test', // a space
    'Jane Doe <jane.doe@mailbox.test>', // a display name
    'jane.doe@mailbox.test, john@mailbox.test', // a list
    'jane;doe@mailbox.test',
    'jane.doe@localhost', // no dot in the domain
    'jane.doe@mail_box.test',
    'jane.doe@-mailbox.test',
    'jane.doe@mailbox-.test',
    'jane.doe@mailbox..test',
    'jane.doe@mailbox.test.',
    'jane.doe@mail box.test',
    'x'.repeat(250) + '@mailbox.test', // over 254 bytes
  ];
  const before = (await allPatients()).length;
  for (const email of bad) {
    const r = await api('POST', '/v1/patients', { key: acct.key, body: { first_name: 'Bad', last_name: 'Mail', email } });
    const e = assertRefused(r, 'email', 'parameter_invalid', email);
    assert.match(e.message, /e-?mail/i, `a clear message for ${email}: ${e.message}`);
    const local = email.split('@')[0].trim();
    if (local.length >= 4) assert.ok(!r.text.includes(local), `the local part is not echoed: ${r.text}`);
  }
  assert.equal((await allPatients()).length, before, 'nothing created');
});

test('create: date_of_birth is a real YYYY-MM-DD date from 1900 on and not in the future', async () => {
  const today = new Date().toISOString().slice(0, 10);
  for (const dob of ['1900-01-01', '2000-02-29', '1985-12-31', today]) {
    const p = await mk({ first_name: 'Born', last_name: 'Ok', date_of_birth: dob });
    assert.equal(p.date_of_birth, dob);
  }
  const inTwoDays = new Date(Date.now() + 2 * 86400000).toISOString().slice(0, 10);
  const bad = [
    ['1899-12-31', 'parameter_out_of_range'],
    ['0001-01-01', 'parameter_out_of_range'],
    [inTwoDays, 'parameter_out_of_range'],
    ['2999-01-01', 'parameter_out_of_range'],
    ['2023-02-29', 'parameter_invalid'],
    ['1900-02-29', 'parameter_invalid'],
    ['1985-04-31', 'parameter_invalid'],
    ['1985-13-01', 'parameter_invalid'],
    ['1985-00-10', 'parameter_invalid'],
    ['1985-04-00', 'parameter_invalid'],
    ['1985-4-23', 'parameter_invalid'],
    ['04/23/1985', 'parameter_invalid'],
    ['23.04.1985', 'parameter_invalid'],
    ['19850423', 'parameter_invalid'],
    ['1985-04-23T00:00:00Z', 'parameter_invalid'],
    ['1985/04/23', 'parameter_invalid'],
    ['April 23, 1985', 'parameter_invalid'],
    ['１９８５-04-23', 'parameter_invalid'],
  ];
  const before = (await allPatients()).length;
  for (const [dob, code] of bad) {
    assertRefused(await api('POST', '/v1/patients', { key: acct.key, body: { first_name: 'Bad', last_name: 'Dob', date_of_birth: dob } }),
      'date_of_birth', code, dob);
  }
  assertError(await api('POST', '/v1/patients', { key: acct.key, body: { first_name: 'Bad', last_name: 'Dob', date_of_birth: 19850423 } }),
    400, 'parameter_invalid_type', 'date_of_birth');
  assert.equal((await allPatients()).length, before, 'nothing created');
});

test('create: notes are at most 4000 bytes', async () => {
  assert.equal((await mk({ first_name: 'Notes', last_name: 'Max', notes: 'n'.repeat(4000) })).notes.length, 4000);
  assert.equal((await mk({ first_name: 'Notes', last_name: 'Utf8', notes: 'é'.repeat(2000) })).notes, 'é'.repeat(2000));
  const before = (await allPatients()).length;
  for (const notes of ['n'.repeat(4001), 'é'.repeat(2001), 'n'.repeat(20000)]) {
    assertRefused(await api('POST', '/v1/patients', { key: acct.key, body: { first_name: 'Notes', last_name: 'Over', notes } }),
      'notes', 'parameter_invalid', notes);
  }
  assert.equal((await allPatients()).length, before);
});

test('create: names are required, trimmed, 1..100 bytes, without control characters', async () => {
  assertError(await api('POST', '/v1/patients', { key: acct.key, body: { last_name: 'Doe' } }), 400, 'parameter_missing', 'first_name');
  assertError(await api('POST', '/v1/patients', { key: acct.key, body: { first_name: 'Jane' } }), 400, 'parameter_missing', 'last_name');
  assertError(await api('POST', '/v1/patients', { key: acct.key, body: {} }), 400, 'parameter_missing');
  assertError(await api('POST', '/v1/patients', { key: acct.key }), 400, 'parameter_missing');
  const before = (await allPatients()).length;
  for (const param of ['first_name', 'last_name']) {
    for (const bad of ['', '   ', 'x'.repeat(101), 'Tab\there', 'Bell\u0007', 'New\nline', 'Del\u007f']) {
      const body = { first_name: 'Jane', last_name: 'Doe', [param]: bad };
      assertError(await api('POST', '/v1/patients', { key: acct.key, body }), 400, 'parameter_invalid', param);
    }
  }
  assert.equal((await allPatients()).length, before);
  const long = await mk({ first_name: 'f'.repeat(100), last_name: '  ' + 'l'.repeat(100) + '  ' });
  assert.equal(long.first_name.length, 100);
  assert.equal(long.last_name, 'l'.repeat(100));
});

test('create: unknown members, wrong types and bad JSON are 400 and create nothing', async () => {
  const base = { first_name: 'Type', last_name: 'Check' };
  const cases = [
    [{ archived: true }, 'archived', 'parameter_unknown'],
    [{ archived: false }, 'archived', 'parameter_unknown'],
    [{ id: NO_PAT }, 'id', 'parameter_unknown'],
    [{ name: 'Type Check' }, 'name', 'parameter_unknown'],
    [{ dob: '1985-04-23' }, 'dob', 'parameter_unknown'],
    [{ Email: 'a@b.test' }, 'Email', 'parameter_unknown'],
    [{ first_name: 5 }, 'first_name', 'parameter_invalid_type'],
    [{ first_name: null }, 'first_name', 'parameter_invalid_type'],
    [{ last_name: ['Doe'] }, 'last_name', 'parameter_invalid_type'],
    [{ last_name: { v: 'Doe' } }, 'last_name', 'parameter_invalid_type'],
    [{ email: 5 }, 'email', 'parameter_invalid_type'],
    [{ email: true }, 'email', 'parameter_invalid_type'],
    [{ email: ['jane@x.test'] }, 'email', 'parameter_invalid_type'],
    [{ phone: 5125550134 }, 'phone', 'parameter_invalid_type'],
    [{ date_of_birth: 19850423 }, 'date_of_birth', 'parameter_invalid_type'],
    [{ notes: {} }, 'notes', 'parameter_invalid_type'],
    [{ notes: 1 }, 'notes', 'parameter_invalid_type'],
  ];
  const before = (await allPatients()).length;
  for (const [extra, param, code] of cases) {
    assertError(await api('POST', '/v1/patients', { key: acct.key, body: { ...base, ...extra } }), 400, code, param);
  }
  assertError(await api('POST', '/v1/patients', { key: acct.key, raw: '[{"first_name":"A","last_name":"B"}]' }), 400, 'invalid_json');
  assertError(await api('POST', '/v1/patients', { key: acct.key, raw: '{"first_name":"A","last_name":"B"' }), 400, 'invalid_json');
  assertError(await api('POST', '/v1/patients', { key: acct.key, raw: '{"first_name":"A","first_name":"C","last_name":"B"}' }), 400);
  assertError(await api('POST', '/v1/patients', { key: acct.key, raw: '{"first_name":"A\\u0000B","last_name":"B"}' }), 400);
  assert.equal((await allPatients()).length, before, 'nothing created');
});

// -------------------------------------------------------------------- read

test('get: unknown, malformed and other-account ids are 404', async () => {
  const other = createAccount(server, 'Other Patient Practice');
  const theirs = await mk({ first_name: 'Their', last_name: 'Patient', email: 'their.patient@other.test' }, other);
  const mine = await mk({ first_name: 'My', last_name: 'Patient' });
  for (const id of [NO_PAT, 'garbage', 'pat_', 'PAT_00000000000000000000000000', 'cln_00000000000000000000000000', theirs.id]) {
    assertError(await get(`/v1/patients/${id}`), 404, 'resource_missing');
    assertError(await patch(id, { first_name: 'Hijack' }), 404, 'resource_missing');
    assertError(await api('DELETE', `/v1/patients/${id}`, { key: acct.key }), 404, 'resource_missing');
  }
  // Theirs is untouched, and neither account sees the other's patients.
  assert.deepEqual((await get(`/v1/patients/${theirs.id}`, other)).body, theirs);
  assertError(await get(`/v1/patients/${mine.id}`, other), 404, 'resource_missing');
  assert.ok(!(await allPatients()).some((p) => p.id === theirs.id));
  assert.deepEqual((await get('/v1/patients?query=their', acct)).body.data, []);
  assert.deepEqual((await get(`/v1/patients?query=${q('their.patient@')}`, acct)).body.data, []);
  assert.deepEqual((await get('/v1/patients', other)).body.data.map((p) => p.id), [theirs.id]);
  assert.deepEqual(await auditOf(theirs.id), [], 'their audit events are not listed here');
});

// ------------------------------------------------------------------ update

test('update: changes only the given fields; null clears optional ones', async () => {
  const a = createAccount(server, 'Clock Practice');
  const p = await mk({ first_name: 'Lena', last_name: 'Park', email: 'lena.park@mailbox.test', phone: '512-555-0142',
    date_of_birth: '1990-06-15', notes: 'Sensitive skin.' }, a);
  await api('POST', '/v1/test_helpers/advance_clock', { key: a.key, body: { seconds: 120 } });

  const u1 = await patch(p.id, { phone: '(737) 555-0188' }, a);
  assert.equal(u1.status, 200, u1.text);
  assert.deepEqual(u1.body, { ...p, phone: '+17375550188', updated: u1.body.updated });
  assert.ok(u1.body.updated >= p.created + 120, 'updated moves with the clock');
  assert.equal(u1.body.created, p.created, 'created never changes');
  assert.deepEqual((await get(`/v1/patients/${p.id}`, a)).body, u1.body);

  const u2 = await patch(p.id, { first_name: 'Helena', email: 'HELENA.Park@Mailbox.Test' }, a);
  assert.equal(u2.status, 200, u2.text);
  assert.equal(u2.body.first_name, 'Helena');
  assert.equal(u2.body.name, 'Helena Park');
  assert.equal(u2.body.email, 'helena.park@mailbox.test');
  assert.equal(u2.body.phone, '+17375550188');
  assert.equal(u2.body.notes, 'Sensitive skin.');

  for (const k of ['email', 'phone', 'date_of_birth', 'notes']) {
    const r = await patch(p.id, { [k]: null }, a);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body[k], null, `${k} cleared`);
  }
  const cleared = (await get(`/v1/patients/${p.id}`, a)).body;
  assert.equal(cleared.first_name, 'Helena');
  assert.equal(cleared.last_name, 'Park');
  for (const k of ['email', 'phone', 'date_of_birth', 'notes']) assert.equal(cleared[k], null, k);
  // A blank value clears as null does.
  await patch(p.id, { email: 'helena@mailbox.test' }, a);
  assert.equal((await patch(p.id, { email: '  ' }, a)).body.email, null);

  // Names cannot be cleared.
  assertError(await patch(p.id, { first_name: null }, a), 400, 'parameter_invalid_type', 'first_name');
  assertError(await patch(p.id, { last_name: '' }, a), 400, 'parameter_invalid', 'last_name');

  // A patch that changes nothing (an empty one, or the same values in
  // another spelling) leaves updated and the audit trail alone.
  await patch(p.id, { email: 'helena@mailbox.test', phone: '512-555-0142' }, a);
  const now = (await get(`/v1/patients/${p.id}`, a)).body;
  const events = await auditOf(p.id, a);
  await api('POST', '/v1/test_helpers/advance_clock', { key: a.key, body: { seconds: 60 } });
  for (const body of [{}, { email: 'Helena@MAILBOX.test' }, { phone: '+1 (512) 555-0142' }, { first_name: ' Helena ' }, { archived: false }]) {
    const r = await patch(p.id, body, a);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, now, JSON.stringify(body));
  }
  assert.deepEqual((await get(`/v1/patients/${p.id}`, a)).body, now);
  assert.deepEqual(await auditOf(p.id, a), events, 'no audit events for no-op patches');
});

test('update: bad values are 400 and change nothing, even alongside good ones', async () => {
  const p = await mk({ first_name: 'Nora', last_name: 'Quinn', email: 'nora.quinn@mailbox.test', phone: '214-555-0163',
    date_of_birth: '1978-09-09', notes: 'Returning client.' });
  const cases = [
    [{ email: 'nora.quinn@' }, 'email', 'parameter_invalid'],
    [{ email: 'nora quinn@mailbox.test' }, 'email', 'parameter_invalid'],
    [{ phone: '555-0163' }, 'phone', 'parameter_invalid'],
    [{ phone: '(014) 555-0163' }, 'phone', 'parameter_invalid'],
    [{ date_of_birth: '1978-02-30' }, 'date_of_birth', 'parameter_invalid'],
    [{ date_of_birth: '1899-01-01' }, 'date_of_birth', 'parameter_out_of_range'],
    [{ date_of_birth: '3000-01-01' }, 'date_of_birth', 'parameter_out_of_range'],
    [{ notes: 'x'.repeat(4001) }, 'notes', 'parameter_invalid'],
    [{ first_name: '' }, 'first_name', 'parameter_invalid'],
    [{ last_name: 'q'.repeat(101) }, 'last_name', 'parameter_invalid'],
    [{ first_name: null }, 'first_name', 'parameter_invalid_type'],
    [{ archived: 'true' }, 'archived', 'parameter_invalid_type'],
    [{ archived: null }, 'archived', 'parameter_invalid_type'],
    [{ email: 42 }, 'email', 'parameter_invalid_type'],
    [{ name: 'Nora Q' }, 'name', 'parameter_unknown'],
    [{ created: 0 }, 'created', 'parameter_unknown'],
    [{ first_name: 'Changed', notes: 'Changed too', email: 'still@bad' }, 'email', 'parameter_invalid'],
    [{ last_name: 'Changed', phone: 'not a phone' }, 'phone', 'parameter_invalid'],
    [{ email: 'changed@mailbox.test', date_of_birth: '1978-9-9' }, 'date_of_birth', 'parameter_invalid'],
    [{ first_name: 'Changed', colour: 'red' }, 'colour', 'parameter_unknown'],
  ];
  const before = (await get(`/v1/patients/${p.id}`)).body;
  const auditBefore = await auditOf(p.id);
  for (const [body, param, code] of cases) {
    const value = body[param];
    assertRefused(await patch(p.id, body), param, code, ['email', 'phone', 'date_of_birth'].includes(param) ? value : undefined);
  }
  assertError(await api('PATCH', `/v1/patients/${p.id}`, { key: acct.key, raw: '{"first_name": "A",' }), 400, 'invalid_json');
  assertError(await api('PATCH', `/v1/patients/${p.id}`, { key: acct.key, raw: '"Nora"' }), 400, 'invalid_json');
  assert.deepEqual((await get(`/v1/patients/${p.id}`)).body, before, 'patient unchanged after refused writes');
  assert.deepEqual(await auditOf(p.id), auditBefore, 'no audit events for refused writes');
});

// ------------------------------------------------------- roles and archive

test('front desk: may create, read and edit patients but not archive or restore them', async () => {
  const email = `desk-${process.pid}-${crypto.randomBytes(3).toString('hex')}@roles.example`;
  const u = await api('POST', '/v1/users', { key: acct.key, body: { email, name: 'Front Desk', role: 'front_desk', password: PASSWORD } });
  assert.equal(u.status, 201, u.text);
  const s = await signIn(server.base, email, PASSWORD);
  const desk = (extra = {}) => ({ ...extra, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });

  const c = await api('POST', '/v1/patients', desk({ body: { first_name: 'Desk', last_name: 'Made', phone: '512 555 0150' } }));
  assert.equal(c.status, 201, c.text);
  const id = c.body.id;
  assert.equal((await api('GET', `/v1/patients/${id}`, desk())).status, 200);
  const e = await api('PATCH', `/v1/patients/${id}`, desk({ body: { last_name: 'Edited', notes: 'Called to confirm.' } }));
  assert.equal(e.status, 200, e.text);
  assert.equal(e.body.name, 'Desk Edited');
  // archived: false on an active patient is no change, so it is allowed.
  assert.equal((await api('PATCH', `/v1/patients/${id}`, desk({ body: { archived: false } }))).status, 200);

  const before = (await get(`/v1/patients/${id}`)).body;
  const auditBefore = await auditOf(id);
  assertError(await api('PATCH', `/v1/patients/${id}`, desk({ body: { archived: true } })), 403, 'forbidden');
  assertError(await api('PATCH', `/v1/patients/${id}`, desk({ body: { archived: true, first_name: 'Sneaky' } })), 403, 'forbidden');
  assertError(await api('DELETE', `/v1/patients/${id}`, desk()), 403, 'forbidden');
  assertError(await api('DELETE', `/v1/patients/${NO_PAT}`, desk()), 403, 'forbidden');
  assert.deepEqual((await get(`/v1/patients/${id}`)).body, before, 'refused writes change nothing');
  assert.deepEqual(await auditOf(id), auditBefore);

  // The desk's writes are its own in the audit trail.
  const ev = await auditOf(id);
  assert.deepEqual(ev.map((x) => x.action), ['patient.update', 'patient.create']);
  for (const x of ev) assert.equal(x.actor, u.body.id, 'actor is the front-desk user');

  // Archived by an admin: the desk still reads and edits, but cannot restore.
  const ar = await api('DELETE', `/v1/patients/${id}`, { key: acct.key });
  assert.equal(ar.status, 200, ar.text);
  assert.equal(ar.body.archived, true);
  assertError(await api('PATCH', `/v1/patients/${id}`, desk({ body: { archived: false } })), 403, 'forbidden');
  assert.equal((await get(`/v1/patients/${id}`)).body.archived, true);
  const n = await api('PATCH', `/v1/patients/${id}`, desk({ body: { notes: 'Asked to be removed from lists.' } }));
  assert.equal(n.status, 200, n.text);
  assert.equal(n.body.archived, true);
  remember({ notes: 'Asked to be removed from lists.', phone: '512 555 0150' });
  remember({ notes: 'Called to confirm.' });
  const listed = await api('GET', '/v1/patients?archived=true&limit=100', desk());
  assert.equal(listed.status, 200);
  assert.ok(listed.body.data.some((p) => p.id === id));

  // An admin may archive and restore through PATCH as well.
  const restore = await patch(id, { archived: false });
  assert.equal(restore.status, 200, restore.text);
  assert.equal(restore.body.archived, false);
  const again = await patch(id, { archived: true });
  assert.equal(again.status, 200);
  assert.equal(again.body.archived, true);
  const ev2 = await auditOf(id);
  assert.deepEqual(ev2.slice(0, 2).map((x) => [x.action, x.summary]),
    [['patient.update', { changed: ['archived'] }], ['patient.update', { changed: ['archived'] }]]);
});

test('delete archives: gone from the default list and search, shown with ?archived=true', async () => {
  const a = createAccount(server, 'Archive Practice');
  const keep = await mk({ first_name: 'Keep', last_name: 'Archer' }, a);
  const gone = await mk({ first_name: 'Gone', last_name: 'Archer', email: 'gone.archer@mailbox.test' }, a);
  const d = await api('DELETE', `/v1/patients/${gone.id}`, { key: a.key });
  assert.equal(d.status, 200, d.text);
  assert.deepEqual(d.body, { ...gone, archived: true, updated: d.body.updated });
  assert.deepEqual((await get(`/v1/patients/${gone.id}`, a)).body, d.body, 'still readable by id');

  const ids = async (path) => {
    const r = await get(path, a);
    assert.equal(r.status, 200, r.text);
    return r.body.data.map((p) => p.id);
  };
  assert.deepEqual(await ids('/v1/patients'), [keep.id]);
  assert.deepEqual(await ids('/v1/patients?archived=false'), [keep.id]);
  assert.deepEqual(await ids('/v1/patients?archived=true'), [gone.id]);
  assert.deepEqual(await ids('/v1/patients?query=archer'), [keep.id]);
  assert.deepEqual(await ids('/v1/patients?query=archer&archived=true'), [gone.id]);
  assert.deepEqual(await ids(`/v1/patients?query=${q('gone.archer@')}`), []);
  assert.deepEqual(await ids(`/v1/patients?query=${q('gone.archer@')}&archived=true`), [gone.id]);
  for (const bad of ['yes', '1', 'TRUE', '']) {
    assertError(await get(`/v1/patients?archived=${bad}`, a), 400, 'parameter_invalid', 'archived');
  }

  // Archiving again is a no-op without a second event.
  const d2 = await api('DELETE', `/v1/patients/${gone.id}`, { key: a.key });
  assert.equal(d2.status, 200);
  assert.deepEqual(d2.body, d.body);
  const ev = await auditOf(gone.id, a);
  assert.deepEqual(ev.map((e) => e.action), ['patient.archive', 'patient.create']);

  // Restored by PATCH, it is listed again.
  const r = await patch(gone.id, { archived: false }, a);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(await ids('/v1/patients'), [gone.id, keep.id], '"Archer Gone" before "Archer Keep"');
  assert.deepEqual(await ids('/v1/patients?archived=true'), []);
});

// ---------------------------------------------------------- search fixture

// ~30 patients in an account of their own, created once.
const PEOPLE = [
  ['Jane', 'Doe', 'jane.doe@example.com', '(512) 555-0134'],
  ['John', 'Doe', 'JDoe@Example.org', '512-555-0199'],
  ['Janet', 'Smith', 'janet.smith@mail.example', '+1 737 555 0101'],
  ['Jan', 'Kowalski', 'jan.k@example.pl', '+48 22 555 01 23'],
  ['Mary Ann', 'Jones', 'maryann@example.com', '214-555-0111'],
  ['Mary', 'Johnson', null, '512 555 0177'],
  ['Dorian', 'Janssen', 'dj@example.nl', null],
  ['Ana', 'De La Cruz', 'ana.delacruz@example.mx', '(305) 555-0148'],
  ['Liam', "O'Brien", null, null],
  ['Olivia', 'obrien', 'olivia@example.ie', null],
  ['Noah', 'Lee', 'noah@lee.example', null],
  ['Emma', 'Lee', null, '(646) 555-0120'],
  ['Kim', 'Lee', null, null],
  ['kim', 'lee', null, null],
  ['KIM', 'LEE', null, null],
  ['Zoe', 'Zimmerman', null, null],
  ['Adam', 'Zimmer', null, null],
  ['Chloe', 'Martin', 'CHLOE.Martin@Example.COM', null],
  ['Martin', 'Scott', 'm.scott@example.com', null],
  ['Sophia', 'Garcia', null, '(415) 555-0190'],
  ['Isabella', 'Garcia', null, null],
  ['Mia', 'Hernandez', null, null],
  ['Lucas', 'Brown', null, null],
  ['Ethan', 'Brown', null, null],
  ['Ava', 'Wilson', null, null],
  ['William', 'Taylor', null, null],
  ['Grace', 'Anderson', 'grace@example.co.uk', '+44 20 7946 0958'],
  ['Henry', 'Thomas', null, null],
  ['Ella', 'White', null, null],
  ['Jack', 'Harris', null, null],
  ['Lily', 'Clark', null, null],
  ['Peter', 'Parker', 'spidey@example.com', null],
];
let fixture = null;
async function searchFixture() {
  if (fixture) return fixture;
  const a = createAccount(server, 'Search Practice');
  const byName = {};
  const all = [];
  for (const [first_name, last_name, email, phone] of PEOPLE) {
    const body = { first_name, last_name };
    if (email) body.email = email;
    if (phone) body.phone = phone;
    const p = await mk(body, a);
    all.push(p);
    (byName[`${first_name} ${last_name}`] ||= []).push(p.id);
  }
  fixture = { a, all, byName };
  return fixture;
}

// The names a search returns, in order, with every page walked (limit
// small enough to page), checking order, has_more and duplicates.
async function search(text, { limit = 100, archived } = {}) {
  const { a } = await searchFixture();
  const out = [];
  let after = null;
  for (let i = 0; i < 100; i++) {
    const path = `/v1/patients?query=${q(text)}&limit=${limit}` + (after ? `&starting_after=${after}` : '')
      + (archived !== undefined ? `&archived=${archived}` : '');
    const r = await get(path, a);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    assert.equal(r.body.object, 'list');
    assert.ok(r.body.data.length <= limit);
    out.push(...r.body.data);
    if (!r.body.has_more) break;
    assert.equal(r.body.data.length, limit, 'a page with has_more is full');
    after = r.body.data.at(-1).id;
  }
  assert.equal(new Set(out.map((p) => p.id)).size, out.length, `no duplicates for ${text}`);
  assertSorted(out, `search ${JSON.stringify(text)}`);
  return out;
}
const names = (list) => list.map((p) => p.name);

// ----------------------------------------------------------------- search

test('search: one word is a case-insensitive prefix of the first name, last name or e-mail', async () => {
  assert.deepEqual(names(await search('jan')), ['Jane Doe', 'Dorian Janssen', 'Jan Kowalski', 'Janet Smith']);
  assert.deepEqual(names(await search('JANE')), ['Jane Doe', 'Janet Smith']);
  assert.deepEqual(names(await search('janet')), ['Janet Smith']);
  assert.deepEqual(names(await search('doe')), ['Jane Doe', 'John Doe']);
  assert.deepEqual(names(await search('Do')), ['Jane Doe', 'John Doe', 'Dorian Janssen']);
  assert.deepEqual(names(await search('  zimmer  ')), ['Adam Zimmer', 'Zoe Zimmerman']);
  assert.deepEqual(names(await search('zimmerm')), ['Zoe Zimmerman']);
  assert.deepEqual(names(await search('martin')), ['Chloe Martin', 'Martin Scott']);
  assert.deepEqual(names(await search("o'b")), ["Liam O'Brien"]);
  assert.deepEqual(names(await search('OBRIEN')), ['Olivia obrien']);
  assert.deepEqual(names(await search('garcia')), ['Isabella Garcia', 'Sophia Garcia']);
  // Ties in name are ordered by id, and every spelling matches.
  const kims = await search('kim');
  const kimIds = ['Kim Lee', 'kim lee', 'KIM LEE'].map((n) => fixture.byName[n][0]).sort();
  assert.deepEqual(kims.map((p) => p.id), kimIds);
  assert.deepEqual(names(await search('lee')).length, 5);
  assert.equal((await search('lee'))[0].name, 'Emma Lee');
  assert.equal((await search('lee'))[4].name, 'Noah Lee');
  // One word also matches the start of an e-mail address.
  assert.deepEqual(names(await search('spidey')), ['Peter Parker']);
  assert.deepEqual(names(await search('m.sc')), ['Martin Scott']);
  // No match is an empty list, not an error.
  assert.deepEqual(await search('xyzzy'), []);
  assert.deepEqual(await search('oe'), [], 'prefixes only, not substrings');
});

test('search: two words match "first last" and "last first"', async () => {
  assert.deepEqual(names(await search('jane doe')), ['Jane Doe']);
  assert.deepEqual(names(await search('Doe Jane')), ['Jane Doe']);
  assert.deepEqual(names(await search('doe  JOHN')), ['John Doe']);
  assert.deepEqual(names(await search('j doe')), ['Jane Doe', 'John Doe']);
  assert.deepEqual(names(await search('doe j')), ['Jane Doe', 'John Doe']);
  // "ja do": first Ja* and last Do*, or last Ja* and first Do*.
  assert.deepEqual(names(await search('ja do')), ['Jane Doe', 'Dorian Janssen']);
  const kims = (await search('kim')).map((p) => p.id);
  assert.equal(kims.length, 3);
  assert.deepEqual((await search('kim lee')).map((p) => p.id), kims);
  assert.deepEqual((await search('LEE KIM')).map((p) => p.id), kims);
  // Names with spaces in them.
  assert.deepEqual(names(await search('mary ann')), ['Mary Ann Jones']);
  assert.deepEqual(names(await search('mary ann jones')), ['Mary Ann Jones']);
  assert.deepEqual(names(await search('mary j')), ['Mary Johnson', 'Mary Ann Jones']);
  assert.deepEqual(names(await search('jones mary')), ['Mary Ann Jones']);
  assert.deepEqual(names(await search('de la cruz')), ['Ana De La Cruz']);
  assert.deepEqual(names(await search('ana de la')), ['Ana De La Cruz']);
  assert.deepEqual(names(await search('de la cruz ana')), ['Ana De La Cruz']);
  assert.deepEqual(names(await search('jane smith')), ['Janet Smith'], 'each word is a prefix');
  assert.deepEqual(await search('john smith'), []);
  assert.deepEqual(await search('doe doe'), []);
});

test('search: a query with @ is an e-mail prefix', async () => {
  assert.deepEqual(names(await search('jane.doe@')), ['Jane Doe']);
  assert.deepEqual(names(await search('jane.doe@example.com')), ['Jane Doe']);
  assert.deepEqual(names(await search('JDOE@EXAMPLE')), ['John Doe']);
  assert.deepEqual(names(await search('chloe.martin@example.com')), ['Chloe Martin']);
  assert.deepEqual(names(await search('noah@lee')), ['Noah Lee']);
  assert.deepEqual(await search('nobody@example.com'), []);
  assert.deepEqual(await search('@example.com'), [], 'a prefix, not a domain search');
  assert.deepEqual(await search('jane.doe@example.com.au'), []);
});

test('search: digits and phone punctuation are a phone prefix', async () => {
  const five12 = ['Jane Doe', 'John Doe', 'Mary Johnson'];
  assert.deepEqual(names(await search('(512) 555')), five12);
  assert.deepEqual(names(await search('+1 512')), five12);
  assert.deepEqual(names(await search('512')), five12);
  assert.deepEqual(names(await search('1-512-555')), five12);
  assert.deepEqual(names(await search('512.555.01')), five12);
  assert.deepEqual(names(await search('+1 (512) 555-013')), ['Jane Doe']);
  assert.deepEqual(names(await search('5125550134')), ['Jane Doe']);
  assert.deepEqual(names(await search('+15125550134')), ['Jane Doe']);
  assert.deepEqual(names(await search('737-555')), ['Janet Smith']);
  assert.deepEqual(names(await search('(646)')), ['Emma Lee']);
  assert.deepEqual(names(await search('+44 20')), ['Grace Anderson']);
  assert.deepEqual(names(await search('+44 20 7946 0958')), ['Grace Anderson']);
  assert.deepEqual(names(await search('+48 22')), ['Jan Kowalski']);
  assert.deepEqual(await search('(999) 555'), []);
  assert.deepEqual(await search('5125550134 9'), [], 'longer than any number');
});

test('search: query length and shape', async () => {
  const { a } = await searchFixture();
  const max = await get(`/v1/patients?query=${'a'.repeat(100)}`, a);
  assert.equal(max.status, 200, max.text);
  assert.deepEqual(max.body.data, []);
  const padded = await get(`/v1/patients?query=${q('  ' + 'a'.repeat(100) + '  ')}`, a);
  assert.equal(padded.status, 200, 'the limit applies after trimming: ' + padded.text);
  for (const long of ['a'.repeat(101), 'jane doe '.repeat(12), '5'.repeat(101), 'x'.repeat(90) + '@' + 'y'.repeat(20), 'é'.repeat(51)]) {
    assertError(await get(`/v1/patients?query=${q(long)}`, a), 400, 'parameter_invalid', 'query');
  }
  // An empty or blank query is the plain list.
  const all = (await get('/v1/patients?limit=100', a)).body.data.map((p) => p.id);
  assert.equal(all.length, PEOPLE.length);
  for (const blank of ['', '   ']) {
    const r = await get(`/v1/patients?limit=100&query=${q(blank)}`, a);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.data.map((p) => p.id), all);
  }
  // Non-ASCII text is matched as it is.
  assert.deepEqual((await get(`/v1/patients?query=${q('Zoë')}`, a)).body.data, []);
});

// ------------------------------------------------------------- pagination

test('pagination: the list walks every patient once, in name order', async () => {
  const { a, all } = await searchFixture();
  const full = await get('/v1/patients?limit=100', a);
  assert.equal(full.status, 200);
  assert.equal(full.body.has_more, false);
  assert.equal(full.body.data.length, all.length);
  assertSorted(full.body.data, 'the list');
  assert.deepEqual(new Set(full.body.data.map((p) => p.id)), new Set(all.map((p) => p.id)));
  assert.equal((await get('/v1/patients', a)).body.data.length, 20, 'default limit 20');
  assert.equal((await get('/v1/patients', a)).body.has_more, true);

  for (const limit of [1, 4, 7, 31, 32]) {
    const seen = [];
    let after = null;
    let pages = 0;
    for (;;) {
      const r = await get(`/v1/patients?limit=${limit}` + (after ? `&starting_after=${after}` : ''), a);
      assert.equal(r.status, 200, r.text);
      pages++;
      seen.push(...r.body.data.map((p) => p.id));
      if (!r.body.has_more) break;
      assert.equal(r.body.data.length, limit);
      after = r.body.data.at(-1).id;
    }
    assert.deepEqual(seen, full.body.data.map((p) => p.id), `limit ${limit}: no duplicates, no gaps`);
    assert.equal(pages, Math.max(1, Math.ceil(all.length / limit)), `limit ${limit}: pages`);
  }
  // Starting after the last patient is an empty last page.
  const last = await get(`/v1/patients?starting_after=${full.body.data.at(-1).id}`, a);
  assert.deepEqual(last.body, { object: 'list', data: [], has_more: false });
});

test('pagination: searches page with limit and starting_after', async () => {
  const { a } = await searchFixture();
  for (const text of ['lee', 'jan', 'ja do', 'kim lee', '512', 'doe', 'mary']) {
    const whole = await search(text);
    assert.ok(whole.length >= 2, text);
    for (const limit of [1, 2, 3]) {
      assert.deepEqual((await search(text, { limit })).map((p) => p.id), whole.map((p) => p.id), `${text} limit ${limit}`);
    }
  }
  // A cursor that is a patient outside the search still pages by name.
  const doe = (await get('/v1/patients?query=doe&limit=100', a)).body.data;
  const brown = fixture.byName['Lucas Brown'][0];
  const fromBrown = await get(`/v1/patients?query=doe&starting_after=${brown}`, a);
  assert.deepEqual(fromBrown.body.data.map((p) => p.id), doe.map((p) => p.id));
});

test('pagination: an unknown starting_after is 400 param starting_after; a bad limit 400 param limit', async () => {
  const { a } = await searchFixture();
  const other = createAccount(server, 'Cursor Practice');
  const foreign = await mk({ first_name: 'Foreign', last_name: 'Cursor' }, other);
  for (const after of [NO_PAT, 'garbage', foreign.id, 'cln_00000000000000000000000000', 'x'.repeat(65), '']) {
    for (const extra of ['', '&query=lee', '&query=512', `&query=${q('jane@')}`, '&query=jane%20doe', '&archived=true']) {
      assertError(await get(`/v1/patients?starting_after=${after}${extra}`, a), 400, 'parameter_invalid', 'starting_after');
    }
  }
  for (const bad of ['0', '101', 'x', '-1', '2.5', '']) {
    assertError(await get(`/v1/patients?limit=${bad}`, a), 400, 'parameter_invalid', 'limit');
    assertError(await get(`/v1/patients?query=lee&limit=${bad}`, a), 400, 'parameter_invalid', 'limit');
  }
});

test('list order keeps a last name together when another last name extends it with a space', async () => {
  // Last name, then first name: "De, Bob" and "De, Zed" come before
  // "De La Cruz, Ana", as "Van, Al" comes before "Van Der Berg, Cy".
  const a = createAccount(server, 'Spaced Surname Practice');
  for (const [first_name, last_name] of [['Zed', 'De'], ['Ana', 'De La Cruz'], ['Bob', 'De'], ['Cy', 'Van Der Berg'], ['Al', 'Van']]) {
    await mk({ first_name, last_name }, a);
  }
  const want = ['De, Bob', 'De, Zed', 'De La Cruz, Ana', 'Van, Al', 'Van Der Berg, Cy'];
  const shown = (r) => r.body.data.map((p) => `${p.last_name}, ${p.first_name}`);
  assert.deepEqual(shown(await get('/v1/patients', a)), want);
  assert.deepEqual(shown(await get('/v1/patients?query=de', a)), want.slice(0, 3));
});

test('search: archived patients are found only with ?archived=true', async () => {
  const a = createAccount(server, 'Archived Search Practice');
  const p1 = await mk({ first_name: 'Rita', last_name: 'Vale', phone: '(512) 555-0170', email: 'rita@vale.test' }, a);
  const p2 = await mk({ first_name: 'Rosa', last_name: 'Vale' }, a);
  assert.equal((await api('DELETE', `/v1/patients/${p1.id}`, { key: a.key })).status, 200);
  for (const text of ['vale', 'rita', 'rita vale', 'vale rita', '512 555', 'rita@']) {
    const active = (await get(`/v1/patients?query=${q(text)}`, a)).body.data.map((p) => p.id);
    const archived = (await get(`/v1/patients?query=${q(text)}&archived=true`, a)).body.data.map((p) => p.id);
    assert.ok(!active.includes(p1.id), text);
    assert.deepEqual(archived, [p1.id], text);
  }
  assert.deepEqual((await get('/v1/patients?query=vale', a)).body.data.map((p) => p.id), [p2.id]);
});

// ------------------------------------------------------------------ audit

test('audit: create, update and archive are recorded by field name, never by value', async () => {
  const body = { first_name: 'Audrey', last_name: 'Hale', email: 'audrey.hale@private.test', phone: '(469) 555-0175',
    date_of_birth: '1969-07-20', notes: 'History of keloid scarring; discuss before microneedling.' };
  const p = await mk(body);
  const u = await patch(p.id, { email: 'a.hale@private.test', notes: 'Now cleared for microneedling.', last_name: 'Hale' });
  assert.equal(u.status, 200, u.text);
  const u2 = await patch(p.id, { phone: null, date_of_birth: '1969-07-21' });
  assert.equal(u2.status, 200, u2.text);
  const d = await api('DELETE', `/v1/patients/${p.id}`, { key: acct.key });
  assert.equal(d.status, 200, d.text);

  const ev = await auditOf(p.id);
  assert.deepEqual(ev.map((e) => e.action), ['patient.archive', 'patient.update', 'patient.update', 'patient.create']);
  for (const e of ev) {
    assert.equal(e.object_type, 'patient');
    assert.equal(e.object, 'audit_event');
    assert.equal(typeof e.summary, 'object');
  }
  assert.deepEqual(ev[3].summary, { fields: ['first_name', 'last_name', 'email', 'phone', 'date_of_birth', 'notes'] });
  assert.deepEqual(ev[2].summary, { changed: ['email', 'notes'] }, 'unchanged last_name not listed');
  assert.deepEqual(ev[1].summary, { changed: ['phone', 'date_of_birth'] });
  const minimal = await mk({ first_name: 'Min', last_name: 'Imal' });
  assert.deepEqual((await auditOf(minimal.id))[0].summary, { fields: ['first_name', 'last_name'] });

  const text = JSON.stringify(ev);
  for (const v of ['audrey.hale', 'a.hale', 'private.test', '4695550175', '469) 555', '+14695550175', '1969-07-2',
    'keloid', 'microneedling']) {
    assert.ok(!text.includes(v), `audit events must not contain ${v}: ${text}`);
  }
  // Filtering by action finds them too.
  const byAction = await get(`/v1/audit_events?object_id=${p.id}&action=patient.archive`);
  assert.deepEqual(byAction.body.data.map((e) => e.id), [ev[0].id]);
});

test('audit: no event of the account ever carries a patient e-mail, phone, date of birth or notes', async () => {
  for (const a of [acct, (await searchFixture()).a]) {
    let after = null;
    const events = [];
    for (;;) {
      const r = await get('/v1/audit_events?limit=100' + (after ? `&starting_after=${after}` : ''), a);
      assert.equal(r.status, 200, r.text);
      events.push(...r.body.data);
      if (!r.body.has_more) break;
      after = r.body.data.at(-1).id;
    }
    assert.ok(events.some((e) => e.action === 'patient.create'));
    const text = JSON.stringify(events).toLowerCase();
    for (const v of PERSONAL) {
      assert.ok(!text.includes(v.toLowerCase()), `an audit event contains ${v}`);
    }
    for (const p of await allPatients(a)) {
      for (const k of ['email', 'phone', 'notes', 'date_of_birth']) {
        if (p[k]) assert.ok(!text.includes(p[k].toLowerCase()), `an audit event contains ${k} ${p[k]}`);
      }
    }
  }
});

// ------------------------------------------------------------ idempotency

test('idempotency: the same Idempotency-Key creates one patient and replays it', async () => {
  const a = createAccount(server, 'Idem Patient Practice');
  const k = 'pat-' + crypto.randomBytes(8).toString('hex');
  const body = { first_name: 'Ivy', last_name: 'Once', email: 'ivy.once@mailbox.test', phone: '(512) 555-0191' };
  remember(body);
  const first = await api('POST', '/v1/patients', { key: a.key, body, headers: { 'idempotency-key': k } });
  assert.equal(first.status, 201, first.text);
  assert.equal(first.headers.get('idempotent-replayed'), null);
  const second = await api('POST', '/v1/patients', { key: a.key, body, headers: { 'idempotency-key': k } });
  assert.equal(second.status, 201, second.text);
  assert.equal(second.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual(second.body, first.body);
  const list = (await get('/v1/patients?limit=100', a)).body.data;
  assert.deepEqual(list.map((p) => p.id), [first.body.id], 'exactly one patient');
  assert.equal((await auditOf(first.body.id, a)).length, 1, 'one create event');
  // Another body under the same key is refused and creates nothing.
  assertError(await api('POST', '/v1/patients', { key: a.key, body: { ...body, first_name: 'Ivan' }, headers: { 'idempotency-key': k } }),
    409, 'idempotency_key_reused', 'Idempotency-Key');
  // A different key creates a second patient with the same details.
  const third = await api('POST', '/v1/patients', { key: a.key, body, headers: { 'idempotency-key': k + '-2' } });
  assert.equal(third.status, 201);
  assert.notEqual(third.body.id, first.body.id);
  assert.equal((await get('/v1/patients?limit=100', a)).body.data.length, 2);
});

// -------------------------------------------------------------------- logs

test('the server log never carries patient e-mail, phone or notes', async () => {
  const logs = server.logs().toLowerCase();
  assert.ok(PERSONAL.size > 20, 'personal data was sent');
  for (const v of PERSONAL) assert.ok(!logs.includes(v.toLowerCase()), `the log contains ${v}`);
  for (const v of ['jane.doe@example.com', '+15125550134', 'spidey@']) assert.ok(!logs.includes(v), v);
});
