// Memberships, first part (issue 7; checkout's member pricing of issue 6):
// programs and tiers with member prices (admin), enrolment of a patient
// that charges the setup fee and first month to a card on file exactly
// once, and the member price / tier % in an invoice preview — over HTTP,
// on SQLite and on PostgreSQL (POISE_TEST_ENGINE).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { BIN, startServer, createAccount, client, assertError, signIn } = require('./helpers');

let server, api, p;
const key = () => crypto.randomUUID();
const PASSWORD = 'membership test password';

// A practice on the sandbox with one clinic (8.25% tax), a non-taxable
// service, a taxable product and a front desk, provider and admin user.
async function practice(name, { activate = true } = {}) {
  const acct = createAccount(server, name);
  const k = { key: acct.key };
  acct.clinic = (await api('POST', '/v1/clinics', { ...k, body: {
    name: 'Glow Chicago', timezone: 'America/Chicago', tax_rate_bps: 825 } })).body;
  acct.patient = await patient(acct, 'Ava', 'Stone');
  if (activate) {
    const r = await api('POST', '/v1/pos_settings/activate', { ...k, body: { gateway: 'sandbox', merchant_mode: 'single' } });
    assert.equal(r.status, 200, r.text);
  }
  acct.botox = (await api('POST', '/v1/services', { ...k, body: { name: 'Botox 20u', price: 24000 } })).body;
  acct.filler = (await api('POST', '/v1/services', { ...k, body: { name: 'Filler', price: 60000 } })).body;
  acct.serum = (await api('POST', '/v1/products', { ...k, body: { name: 'Serum', sku: 'SER-' + key().slice(0, 8), price: 8999, cost: 3000 } })).body;
  return acct;
}

async function patient(acct, first, last) {
  const r = await api('POST', '/v1/patients', { key: acct.key, body: { first_name: first, last_name: last } });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function staff(acct, role) {
  const email = `${role}-${key().slice(0, 8)}@members.example`;
  const r = await api('POST', '/v1/users', { key: acct.key, body: { email, name: role, role, password: PASSWORD } });
  assert.equal(r.status, 201, r.text);
  const s = await signIn(server.base, email, PASSWORD);
  return { headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } };
}

async function card(acct, pat, number = '4242424242424242') {
  const t = await api('POST', '/sandbox/v1/tokens', { key: acct.key, body: { number, exp_month: 12, exp_year: 2031, cvc: '123' } });
  assert.equal(t.status, 201, t.text);
  const c = await api('POST', `/v1/patients/${pat.id}/cards`, { key: acct.key, body: { token: t.body.id } });
  assert.equal(c.status, 201, c.text);
  return c.body;
}

async function program(acct, body = {}) {
  const r = await api('POST', '/v1/membership_programs', { key: acct.key, body: {
    name: 'Glow Club', agreement: 'I agree to a monthly charge until I cancel.', ...body } });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function tier(acct, prog, body = {}) {
  const r = await api('POST', `/v1/membership_programs/${prog.id}/tiers`, { key: acct.key, body: {
    name: 'Gold', discount_bps: 1000, monthly_fee: 9900, setup_fee: 2500, ...body } });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

const enrol = (acct, body, k = key(), opts = {}) => api('POST', '/v1/memberships', {
  key: acct.key, ...opts, headers: { 'idempotency-key': k, ...(opts.headers || {}) }, body });

function check(db) {
  return execFileSync(BIN, ['check', '--db', db], {
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' }, stdio: 'pipe' }).toString();
}

const charges = async (acct) => (await api('GET', '/sandbox/v1/charges?limit=100', { key: acct.key })).body;

before(async () => {
  server = await startServer();
  api = client(server.base);
  p = await practice('Members Practice');
});
after(async () => { await server.stop(); });

test('programs and tiers: create, read, list, update; each new agreement text is a version', async () => {
  const prog = await program(p, { description: 'Our loyalty club', color: '#C0FFEE', portal_enabled: true });
  assert.match(prog.id, /^mpr_/);
  assert.equal(prog.object, 'membership_program');
  assert.deepEqual([prog.agreement_version, prog.portal_enabled, prog.color, prog.archived], [1, true, '#C0FFEE', false]);
  assert.deepEqual(prog.tiers, []);
  const gold = await tier(p, prog, { thank_you_message: 'Welcome to Gold!', member_prices: [{ item: p.botox.id, price: 20000 }] });
  assert.match(gold.id, /^mtr_/);
  assert.deepEqual([gold.program, gold.currency, gold.discount_bps, gold.monthly_fee, gold.setup_fee, gold.fee_to_wallet],
    [prog.id, 'USD', 1000, 9900, 2500, false]);
  assert.deepEqual(gold.member_prices, [{ item: p.botox.id, price: 20000 }]);
  const silver = await tier(p, prog, { name: 'Silver', discount_bps: 0, monthly_fee: 4900, setup_fee: 0 });
  const got = await api('GET', `/v1/membership_programs/${prog.id}`, { key: p.key });
  assert.equal(got.status, 200, got.text);
  assert.deepEqual(got.body.tiers.map((t) => [t.id, t.member_prices.length]).sort(),
    [[gold.id, 1], [silver.id, 0]].sort());

  // member_prices replaces the set; fees change for members who enrol from now on.
  const up = await api('PATCH', `/v1/membership_tiers/${gold.id}`, { key: p.key, body: {
    monthly_fee: 10900, member_prices: [{ item: p.serum.id, price: 7000 }, { item: p.filler.id, price: 50000 }] } });
  assert.equal(up.status, 200, up.text);
  assert.equal(up.body.monthly_fee, 10900);
  assert.deepEqual(up.body.member_prices.map((x) => [x.item, x.price]).sort(),
    [[p.serum.id, 7000], [p.filler.id, 50000]].sort());
  const t2 = await api('GET', `/v1/membership_tiers/${gold.id}`, { key: p.key });
  assert.deepEqual(t2.body, up.body);
  const cleared = await api('PATCH', `/v1/membership_tiers/${silver.id}`, { key: p.key, body: { member_prices: [], color: '#333333' } });
  assert.deepEqual([cleared.body.member_prices, cleared.body.color], [[], '#333333']);

  // A new agreement text is the next version; the same text or another field is not.
  const v2 = await api('PATCH', `/v1/membership_programs/${prog.id}`, { key: p.key, body: { agreement: 'Version two.' } });
  assert.deepEqual([v2.body.agreement, v2.body.agreement_version], ['Version two.', 2]);
  const same = await api('PATCH', `/v1/membership_programs/${prog.id}`, { key: p.key, body: { agreement: 'Version two.', name: 'Glow Club+' } });
  assert.deepEqual([same.body.name, same.body.agreement_version], ['Glow Club+', 2]);
  const none = await api('PATCH', `/v1/membership_programs/${prog.id}`, { key: p.key, body: { agreement: null } });
  assert.deepEqual([none.body.agreement, none.body.agreement_version], [null, 2]);

  // Lists: live programs, or archived ones.
  const other = await program(p, { name: 'Old Club' });
  const arch = await api('PATCH', `/v1/membership_programs/${other.id}`, { key: p.key, body: { archived: true } });
  assert.equal(arch.body.archived, true);
  const live = (await api('GET', '/v1/membership_programs?limit=100', { key: p.key })).body.data.map((x) => x.id);
  assert.ok(live.includes(prog.id) && !live.includes(other.id));
  const archived = (await api('GET', '/v1/membership_programs?archived=true', { key: p.key })).body.data.map((x) => x.id);
  assert.deepEqual(archived, [other.id]);
  const listed = (await api('GET', '/v1/membership_programs?limit=100', { key: p.key })).body.data.find((x) => x.id === prog.id);
  assert.equal(listed.tiers.length, 2, 'lists carry the tiers too');
  assertError(await api('GET', '/v1/membership_programs?archived=maybe', { key: p.key }), 400, 'parameter_invalid', 'archived');
  assertError(await api('POST', `/v1/membership_programs/${other.id}/tiers`, { key: p.key, body: { name: 'Late', monthly_fee: 100 } }), 409, 'program_archived');
});

test('roles: staff read programs; only admins write them, and a refused write changes nothing', async () => {
  const prog = await program(p, { name: 'Role Club' });
  const t = await tier(p, prog);
  const fd = await staff(p, 'front_desk');
  const pv = await staff(p, 'provider');
  const ad = await staff(p, 'admin');
  assert.equal((await api('GET', `/v1/membership_programs/${prog.id}`, fd)).status, 200);
  assert.equal((await api('GET', `/v1/membership_tiers/${t.id}`, pv)).status, 200);
  assert.equal((await api('GET', '/v1/membership_programs', fd)).status, 200);
  assertError(await api('POST', '/v1/membership_programs', { ...fd, body: { name: 'FD Club' } }), 403, 'forbidden');
  assertError(await api('PATCH', `/v1/membership_programs/${prog.id}`, { ...pv, body: { name: 'PV' } }), 403, 'forbidden');
  assertError(await api('POST', `/v1/membership_programs/${prog.id}/tiers`, { ...pv, body: { name: 'PV', monthly_fee: 1 } }), 403, 'forbidden');
  assertError(await api('PATCH', `/v1/membership_tiers/${t.id}`, { ...fd, body: { discount_bps: 10000 } }), 403, 'forbidden');
  const after1 = (await api('GET', `/v1/membership_programs/${prog.id}`, { key: p.key })).body;
  assert.equal(after1.name, 'Role Club');
  assert.deepEqual(after1.tiers.map((x) => [x.name, x.discount_bps]), [['Gold', 1000]]);
  const names = (await api('GET', '/v1/membership_programs?limit=100', { key: p.key })).body.data.map((x) => x.name);
  assert.ok(!names.includes('FD Club'));
  const ok = await api('PATCH', `/v1/membership_tiers/${t.id}`, { ...ad, body: { discount_bps: 1500 } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.discount_bps, 1500);
});

test('bad input names the member and changes nothing', async () => {
  const k = { key: p.key };
  assertError(await api('POST', '/v1/membership_programs', { ...k, body: {} }), 400, 'parameter_missing', 'name');
  assertError(await api('POST', '/v1/membership_programs', { ...k, body: { name: '  ' } }), 400, 'parameter_invalid', 'name');
  assertError(await api('POST', '/v1/membership_programs', { ...k, body: { name: 'X', color: 'red' } }), 400, 'parameter_invalid', 'color');
  assertError(await api('POST', '/v1/membership_programs', { ...k, body: { name: 'X', colour: '#ffffff' } }), 400, 'parameter_unknown', 'colour');
  assertError(await api('POST', '/v1/membership_programs', { ...k, body: { name: 'X', agreement: '' } }), 400, 'parameter_invalid', 'agreement');
  assertError(await api('POST', '/v1/membership_programs', { ...k, body: { name: 'X', portal_enabled: 'yes' } }), 400, undefined, 'portal_enabled');
  const prog = await program(p, { name: 'Strict Club' });
  const base = `/v1/membership_programs/${prog.id}/tiers`;
  const bad = [
    [{ name: 'T' }, 'monthly_fee'],
    [{ monthly_fee: 100 }, 'name'],
    [{ name: 'T', monthly_fee: 100, discount_bps: 10001 }, 'discount_bps'],
    [{ name: 'T', monthly_fee: -1 }, 'monthly_fee'],
    [{ name: 'T', monthly_fee: 99.5 }, 'monthly_fee'],
    [{ name: 'T', monthly_fee: 100, setup_fee: '25' }, 'setup_fee'],
    [{ name: 'T', monthly_fee: 100, currency: 'DOLLARS' }, 'currency'],
    [{ name: 'T', monthly_fee: 100, currency: 'XXY' }, 'currency'],
    [{ name: 'T', monthly_fee: 100, archived: true }, 'archived'],
    [{ name: 'T', monthly_fee: 100, member_prices: [{ item: p.botox.id, price: 1 }, { item: 'svc_00000000000000000000000000', price: 1 }] }, 'member_prices[1].item'],
    [{ name: 'T', monthly_fee: 100, member_prices: [{ item: p.botox.id, price: 1 }, { item: p.botox.id, price: 2 }] }, 'member_prices[1].item'],
    [{ name: 'T', monthly_fee: 100, member_prices: [{ item: p.botox.id, price: 1.5 }] }, 'member_prices[0].price'],
    [{ name: 'T', monthly_fee: 100, member_prices: [{ item: p.botox.id, price: -1 }] }, 'member_prices[0].price'],
    [{ name: 'T', monthly_fee: 100, member_prices: [{ item: p.botox.id }] }, 'member_prices[0].price'],
    [{ name: 'T', monthly_fee: 100, currency: 'EUR', member_prices: [{ item: p.botox.id, price: 1 }] }, 'member_prices[0].item'],
  ];
  for (const [body, param] of bad) {
    assertError(await api('POST', base, { ...k, body }), 400, undefined, param);
  }
  assertError(await api('POST', '/v1/membership_programs/mpr_00000000000000000000000000/tiers', { ...k, body: { name: 'T', monthly_fee: 1 } }), 404);
  const t = await tier(p, prog);
  assertError(await api('PATCH', `/v1/membership_tiers/${t.id}`, { ...k, body: { currency: 'EUR' } }), 400, 'parameter_unknown', 'currency');
  assertError(await api('PATCH', `/v1/membership_tiers/${t.id}`, { ...k, body: { discount_bps: -5 } }), 400, undefined, 'discount_bps');
  assertError(await api('PATCH', `/v1/membership_tiers/${t.id}`, { ...k, body: { name: '' } }), 400, undefined, 'name');
  assertError(await api('PATCH', `/v1/membership_tiers/${t.id}`, { ...k, body: { member_prices: [{ item: p.serum.id, price: 1 }, { item: 'nope', price: 2 }] } }), 400, undefined, 'member_prices[1].item');
  assertError(await api('PATCH', `/v1/membership_programs/${prog.id}`, { ...k, body: { color: '#12' } }), 400, 'parameter_invalid', 'color');
  assertError(await api('PATCH', '/v1/membership_tiers/mtr_00000000000000000000000000', { ...k, body: { name: 'X' } }), 404);
  const now = (await api('GET', `/v1/membership_programs/${prog.id}`, k)).body;
  assert.equal(now.tiers.length, 1, 'only the good tier was made');
  assert.deepEqual([now.tiers[0].discount_bps, now.tiers[0].name, now.tiers[0].member_prices], [1000, 'Gold', []]);
  assert.equal(now.color, null);
});

test('enrolment: setup fee + first month charged once under a retried Idempotency-Key; one current membership per patient', async () => {
  const prog = await program(p, { name: 'Enrol Club' });
  const t = await tier(p, prog, { thank_you_message: 'Thanks!' });
  const pat = await patient(p, 'Enid', 'Roll');
  const c = await card(p, pat);
  const before = (await charges(p)).total_count;
  const k = key();
  const body = { patient: pat.id, tier: t.id, card: c.id, agreement_signature: 'Enid Roll', agreement_version: 1 };
  const r = await enrol(p, body, k);
  assert.equal(r.status, 201, r.text);
  const m = r.body;
  assert.match(m.id, /^mem_/);
  assert.deepEqual([m.status, m.patient, m.tier, m.clinic, m.card, m.monthly_fee, m.setup_fee, m.currency],
    ['active', pat.id, t.id, p.clinic.id, c.id, 9900, 2500, 'USD']);
  assert.deepEqual([m.agreement_signature.name, m.agreement_signature.agreement_version], ['Enid Roll', 1]);
  assert.match(m.agreement_signature.ip, /^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
  assert.ok(Math.abs(m.agreement_signature.signed - Date.now() / 1000) < 600);
  assert.ok(m.billing_day >= 1 && m.billing_day <= 31);
  const days = (m.current_period_end - m.current_period_start) / 86400;
  assert.ok(days >= 28 && days <= 31, 'a period is a calendar month: ' + days);
  assert.match(m.enrolment_payment, /^pay_/);

  const again = await enrol(p, body, k);
  assert.equal(again.status, 201);
  assert.equal(again.text, r.text, 'the replay is the same response');
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assertError(await enrol(p, { ...body, agreement_signature: 'Someone Else' }, k), 409);

  const ch = await charges(p);
  assert.equal(ch.total_count, before + 1, 'one charge at the processor');
  assert.equal(ch.keys_with_many_charges, 0);
  const pay = await api('GET', `/v1/payments/${m.enrolment_payment}`, { key: p.key });
  assert.deepEqual([pay.body.status, pay.body.amount, pay.body.amount_captured, pay.body.patient, pay.body.source.card],
    ['succeeded', 12400, 12400, pat.id, c.id]);
  assert.equal(pay.body.metadata.membership, m.id);
  const pays = (await api('GET', `/v1/payments?patient=${pat.id}`, { key: p.key })).body.data;
  assert.deepEqual(pays.map((x) => x.id), [m.enrolment_payment]);

  assert.deepEqual((await api('GET', `/v1/memberships/${m.id}`, { key: p.key })).body, m);
  const list = await api('GET', `/v1/memberships?patient=${pat.id}`, { key: p.key });
  assert.deepEqual(list.body.data.map((x) => x.id), [m.id]);
  assert.deepEqual((await api('GET', `/v1/memberships?status=active&tier=${t.id}`, { key: p.key })).body.data.map((x) => x.id), [m.id]);
  assertError(await api('GET', '/v1/memberships?status=paused', { key: p.key }), 400, 'parameter_invalid', 'status');
  assertError(await api('GET', '/v1/memberships?patient=bob', { key: p.key }), 400, 'parameter_invalid', 'patient');

  // A second current membership for the same patient: 409, nothing charged.
  const t2 = await tier(p, prog, { name: 'Platinum' });
  assertError(await enrol(p, { ...body, tier: t2.id }), 409, 'membership_exists', 'patient');
  assert.equal((await charges(p)).total_count, before + 1);
  assert.equal((await api('GET', `/v1/memberships?patient=${pat.id}`, { key: p.key })).body.data.length, 1);

  // Fees edited later apply to new members: this one keeps 99.00 a month.
  await api('PATCH', `/v1/membership_tiers/${t.id}`, { key: p.key, body: { monthly_fee: 12900 } });
  assert.equal((await api('GET', `/v1/memberships/${m.id}`, { key: p.key })).body.monthly_fee, 9900);
});

test('concurrent enrolments of one patient: one membership, one charge; the ledger balances', async () => {
  const prog = await program(p, { name: 'Race Club', agreement: null });
  const t = await tier(p, prog);
  const pat = await patient(p, 'Rae', 'Sing');
  const c = await card(p, pat);
  const before = (await charges(p)).total_count;
  const body = { patient: pat.id, tier: t.id, card: c.id };
  const rs = await Promise.all(Array.from({ length: 8 }, () => enrol(p, body)));
  const statuses = rs.map((r) => r.status).sort();
  assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409, 409, 409], rs.map((r) => r.text).join('\n'));
  for (const r of rs.filter((x) => x.status === 409)) assertError(r, 409, 'membership_exists');
  // The same key sent eight times at once: one enrolment, one charge.
  const pat2 = await patient(p, 'Kay', 'Same');
  const c2 = await card(p, pat2);
  const k = key();
  const same = await Promise.all(Array.from({ length: 8 }, () => enrol(p, { ...body, patient: pat2.id, card: c2.id }, k)));
  assert.ok(same.some((r) => r.status === 201), same.map((r) => r.text).join('\n'));
  assert.ok(same.every((r) => r.status === 201 || r.status === 409), same.map((r) => r.text).join('\n'));
  const ch = await charges(p);
  assert.equal(ch.total_count, before + 2, 'one charge per patient');
  assert.equal(ch.keys_with_many_charges, 0);
  for (const x of [pat, pat2]) {
    const ms = (await api('GET', `/v1/memberships?patient=${x.id}`, { key: p.key })).body.data;
    assert.deepEqual(ms.map((m) => m.status), ['active']);
  }
  assert.match(check(server.db), /ok|OK|passed/i);
});

test('a declined card: 402 naming the failed membership, no active membership; a retry answers the same', async () => {
  const prog = await program(p, { name: 'Decline Club', agreement: null });
  const t = await tier(p, prog);
  const pat = await patient(p, 'Dee', 'Klein');
  const bad = await card(p, pat, '4000000000000341'); // saves, but every charge declines
  const succeeded = (await charges(p)).data.filter((x) => x.status === 'succeeded').length;
  const k = key();
  const body = { patient: pat.id, tier: t.id, card: bad.id };
  const r = await enrol(p, body, k);
  const e = assertError(r, 402, 'card_declined');
  assert.equal(e.type, 'card_error');
  assert.equal(e.membership.status, 'failed');
  assert.equal(e.membership.agreement_signature, null, 'no agreement, no signature');
  assert.match(e.membership.enrolment_payment, /^pay_/);
  const pay = await api('GET', `/v1/payments/${e.membership.enrolment_payment}`, { key: p.key });
  assert.deepEqual([pay.body.status, pay.body.amount_captured], ['failed', 0]);
  const again = await enrol(p, body, k);
  assert.equal(again.status, 402);
  assert.equal(again.body.error.membership.id, e.membership.id, 'the same failed membership');
  assert.equal(again.body.error.membership.enrolment_payment, e.membership.enrolment_payment, 'and the same payment');
  const ms = (await api('GET', `/v1/memberships?patient=${pat.id}`, { key: p.key })).body.data;
  assert.deepEqual(ms.map((x) => x.status), ['failed'], 'no active membership');
  const ch = await charges(p);
  assert.equal(ch.keys_with_many_charges, 0);
  assert.equal(ch.data.filter((x) => x.status === 'succeeded').length, succeeded, 'nothing was captured');
  // Member pricing ignores it; a good card enrols the patient afterwards.
  const pv = await api('POST', '/v1/invoices/preview', { key: p.key, body: { clinic: p.clinic.id, patient: pat.id, lines: [{ item: p.filler.id, quantity: 1 }] } });
  assert.deepEqual([pv.body.membership_tier, pv.body.lines[0].tier_discount], [null, 0]);
  const good = await card(p, pat);
  const ok = await enrol(p, { ...body, card: good.id });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.status, 'active');
});

test('enrolment refuses bad input, others\' cards, archived tiers, stale agreements and POS off; nothing is charged', async () => {
  const prog = await program(p, { name: 'Refusal Club' });
  const t = await tier(p, prog);
  const pat = await patient(p, 'Rita', 'Fuse');
  const c = await card(p, pat);
  const stranger = await patient(p, 'Stan', 'Ger');
  const theirs = await card(p, stranger);
  const before = (await charges(p)).total_count;
  const ok = { patient: pat.id, tier: t.id, card: c.id, agreement_signature: 'Rita Fuse' };
  const noKey = await api('POST', '/v1/memberships', { key: p.key, body: ok });
  assertError(noKey, 400, 'parameter_missing', 'Idempotency-Key');
  assertError(await enrol(p, { ...ok, patient: undefined }), 400, 'parameter_missing', 'patient');
  assertError(await enrol(p, { ...ok, tier: 42 }), 400, undefined, 'tier');
  assertError(await enrol(p, { ...ok, card: undefined }), 400, 'parameter_missing', 'card');
  assertError(await enrol(p, { ...ok, agreement_signature: undefined }), 400, 'parameter_missing', 'agreement_signature');
  assertError(await enrol(p, { ...ok, agreement_signature: '   ' }), 400, 'parameter_invalid', 'agreement_signature');
  assertError(await enrol(p, { ...ok, agreement_version: 0 }), 400, undefined, 'agreement_version');
  assertError(await enrol(p, { ...ok, card: theirs.id }), 404, undefined, 'card');
  assertError(await enrol(p, { ...ok, patient: 'pat_00000000000000000000000000' }), 404, undefined, 'patient');
  assertError(await enrol(p, { ...ok, tier: 'mtr_00000000000000000000000000' }), 404, undefined, 'tier');
  assertError(await enrol(p, { ...ok, clinic: 'cln_00000000000000000000000000' }), 404, undefined, 'clinic');
  await api('PATCH', `/v1/membership_programs/${prog.id}`, { key: p.key, body: { agreement: 'New terms.' } });
  assertError(await enrol(p, { ...ok, agreement_version: 1 }), 409, 'agreement_changed', 'agreement_version');
  const archived = await tier(p, prog, { name: 'Retired' });
  await api('PATCH', `/v1/membership_tiers/${archived.id}`, { key: p.key, body: { archived: true } });
  assertError(await enrol(p, { ...ok, tier: archived.id }), 409, 'tier_archived', 'tier');
  assert.equal((await charges(p)).total_count, before, 'nothing was charged');
  assert.deepEqual((await api('GET', `/v1/memberships?patient=${pat.id}`, { key: p.key })).body.data, [], 'nothing was recorded');

  // Two live clinics: say which one takes the payments.
  const two = await practice('Two Clinics');
  await api('POST', '/v1/clinics', { key: two.key, body: { name: 'Glow Denver', timezone: 'America/Denver' } });
  const t2 = await tier(two, await program(two));
  const c2 = await card(two, two.patient);
  const body2 = { patient: two.patient.id, tier: t2.id, card: c2.id, agreement_signature: 'Ava Stone' };
  assertError(await enrol(two, body2), 400, 'parameter_missing', 'clinic');
  const fine = await enrol(two, { ...body2, clinic: two.clinic.id });
  assert.equal(fine.status, 201, fine.text);

  // POS off: 422, as for any payment.
  const off = await practice('POS Off', { activate: false });
  const t3 = await tier(off, await program(off));
  assertError(await enrol(off, { patient: off.patient.id, tier: t3.id, card: 'card_00000000000000000000000000', agreement_signature: 'A' }), 422, 'pos_inactive');
});

test('member pricing: the member price where set, the tier % elsewhere, exact to the cent; a non-member pays list price', async () => {
  const prog = await program(p, { name: 'Pricing Club' });
  // 12.5% off, and Botox at 200.00 instead of 240.00.
  const t = await tier(p, prog, { name: 'Pricing Gold', discount_bps: 1250, member_prices: [{ item: p.botox.id, price: 20000 }] });
  const member = await patient(p, 'Mia', 'Member');
  const c = await card(p, member);
  const r = await enrol(p, { patient: member.id, tier: t.id, card: c.id, agreement_signature: 'Mia Member' });
  assert.equal(r.status, 201, r.text);
  const lines = [{ item: p.botox.id, quantity: 1 }, { item: p.serum.id, quantity: 3 }, { item: p.filler.id, quantity: 1 }];
  const pv = await api('POST', '/v1/invoices/preview', { key: p.key, body: { clinic: p.clinic.id, patient: member.id, lines } });
  assert.equal(pv.status, 200, pv.text);
  assert.deepEqual(pv.body.membership_tier, { id: t.id, name: 'Pricing Gold', discount_bps: 1250 });
  const [b, s, f] = pv.body.lines;
  // Botox: the member price, no tier %.
  assert.deepEqual([b.unit_price, b.unit_price_source, b.gross, b.tier_discount, b.net, b.tax], [20000, 'member', 20000, 0, 20000, 0]);
  // Serum: 3 x 89.99 = 269.97; 12.5% = 33.74625 -> 33.75 (half up); 236.22 taxed 8.25% = 19.48815 -> 19.49.
  assert.deepEqual([s.unit_price, s.unit_price_source, s.gross, s.tier_discount, s.net, s.tax, s.total], [8999, 'list', 26997, 3375, 23622, 1949, 25571]);
  // Filler: 600.00 less 12.5% = 525.00.
  assert.deepEqual([f.unit_price, f.unit_price_source, f.tier_discount, f.net], [60000, 'list', 7500, 52500]);
  assert.deepEqual([pv.body.net, pv.body.tax, pv.body.total], [96122, 1949, 98071]);

  // A member price changed on the tier applies at once.
  await api('PATCH', `/v1/membership_tiers/${t.id}`, { key: p.key, body: { member_prices: [{ item: p.filler.id, price: 55555 }] } });
  const pv2 = await api('POST', '/v1/invoices/preview', { key: p.key, body: { clinic: p.clinic.id, patient: member.id, lines } });
  assert.deepEqual(pv2.body.lines.map((x) => [x.unit_price, x.unit_price_source, x.tier_discount]),
    [[24000, 'list', 3000], [8999, 'list', 3375], [55555, 'member', 0]]);

  // A saved invoice is priced the same way.
  const inv = await api('POST', '/v1/invoices', { key: p.key, body: { clinic: p.clinic.id, patient: member.id, lines } });
  assert.equal(inv.status, 201, inv.text);
  assert.equal(inv.body.total, pv2.body.total);
  assert.deepEqual(inv.body.lines.map((x) => x.unit_price), [24000, 8999, 55555]);

  // A non-member, and no patient at all: list prices, no tier.
  const other = await patient(p, 'Noah', 'Nonmember');
  for (const body of [{ patient: other.id }, {}]) {
    const n = await api('POST', '/v1/invoices/preview', { key: p.key, body: { clinic: p.clinic.id, lines, ...body } });
    assert.equal(n.status, 200, n.text);
    assert.equal(n.body.membership_tier, null);
    assert.deepEqual(n.body.lines.map((x) => [x.unit_price, x.unit_price_source, x.tier_discount]),
      [[24000, 'list', 0], [8999, 'list', 0], [60000, 'list', 0]]);
    // 240.00 + 269.97 + 600.00; tax 8.25% of 269.97 = 22.272525 -> 22.27.
    assert.deepEqual([n.body.net, n.body.tax, n.body.total], [110997, 2227, 113224]);
  }
});

test('a tier that charges nothing enrols without a card and without a payment', async () => {
  const prog = await program(p, { name: 'Free Club', agreement: null });
  const t = await tier(p, prog, { name: 'Friends', discount_bps: 500, monthly_fee: 0, setup_fee: 0 });
  const pat = await patient(p, 'Fran', 'Free');
  const before = (await charges(p)).total_count;
  const r = await enrol(p, { patient: pat.id, tier: t.id });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.body.status, r.body.card, r.body.enrolment_payment, r.body.agreement_signature], ['active', null, null, null]);
  assert.equal((await charges(p)).total_count, before);
  const pv = await api('POST', '/v1/invoices/preview', { key: p.key, body: { clinic: p.clinic.id, patient: pat.id, lines: [{ item: p.filler.id, quantity: 1 }] } });
  assert.equal(pv.body.lines[0].tier_discount, 3000);
});

test('another account sees none of it', async () => {
  const q = await practice('Other Practice');
  const prog = await program(p, { name: 'Private Club' });
  const t = await tier(p, prog, { name: 'Private' });
  const pat = await patient(p, 'Pri', 'Vate');
  const c = await card(p, pat);
  const m = (await enrol(p, { patient: pat.id, tier: t.id, card: c.id, agreement_signature: 'Pri Vate' })).body;
  for (const path of [`/v1/membership_programs/${prog.id}`, `/v1/membership_tiers/${t.id}`, `/v1/memberships/${m.id}`]) {
    assertError(await api('GET', path, { key: q.key }), 404);
  }
  const qc = await card(q, q.patient);
  assertError(await enrol(q, { patient: q.patient.id, tier: t.id, card: qc.id, agreement_signature: 'Q' }), 404, undefined, 'tier');
  assertError(await enrol(q, { patient: pat.id, tier: t.id, card: c.id, agreement_signature: 'Q' }), 404);
  assert.deepEqual((await api('GET', '/v1/membership_programs', { key: q.key })).body.data, []);
  assert.deepEqual((await api('GET', `/v1/memberships?patient=${pat.id}`, { key: q.key })).body.data, []);
  // Account q's member pricing never sees account p's membership.
  const pv = await api('POST', '/v1/invoices/preview', { key: q.key, body: { clinic: q.clinic.id, patient: pat.id, lines: [{ item: q.botox.id, quantity: 1 }] } });
  assertError(pv, 404, undefined, 'patient');
});
