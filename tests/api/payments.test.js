// Card payments through the sandbox gateway: POS activation, bank
// accounts, readers, tokens, payments (automatic and manual capture,
// declines), idempotency, refunds, cards on file, card-present payments,
// webhooks, payouts with their deposit report, disputes and connection
// fees — all over HTTP, on SQLite and on PostgreSQL (POISE_TEST_ENGINE).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { startServer, createAccount, client, assertError } = require('./helpers');

const BIN = path.resolve(__dirname, '..', '..', process.env.POISE_BIN || 'build/poise-san');
const DAY = 24 * 60 * 60;

let server, api;
before(async () => {
  server = await startServer();
  api = client(server.base);
});
after(async () => { await server.stop(); });

const key = () => crypto.randomUUID();

// A practice with one Chicago clinic, POS on the sandbox (single mode).
async function practice(name = 'Pay Practice', { activate = true } = {}) {
  const acct = createAccount(server, name);
  const clinic = (await api('POST', '/v1/clinics', { key: acct.key, body: {
    name: 'Glow Chicago', timezone: 'America/Chicago',
    address: { line1: '1 Main St', city: 'Chicago', state: 'IL', postal_code: '60601' } } })).body;
  const patient = (await api('POST', '/v1/patients', { key: acct.key, body: {
    first_name: 'Ava', last_name: 'Stone', email: `ava-${key()}@example.com` } })).body;
  if (activate) {
    const r = await api('POST', '/v1/pos_settings/activate', { key: acct.key,
      body: { gateway: 'sandbox', merchant_mode: 'single' } });
    assert.equal(r.status, 200, r.text);
  }
  return { ...acct, clinic, patient };
}

async function token(p, number = '4242424242424242', extra = {}) {
  const r = await api('POST', '/sandbox/v1/tokens', { key: p.key,
    body: { number, exp_month: 12, exp_year: 2031, cvc: number.startsWith('37') ? '1234' : '123', ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}

async function pay(p, body, k = key()) {
  return api('POST', '/v1/payments', { key: p.key, headers: { 'idempotency-key': k },
    body: { currency: 'USD', clinic: p.clinic.id, ...body } });
}

async function bank(p, account_number = '000123456789') {
  const r = await api('POST', '/v1/bank_accounts', { key: p.key, body: {
    holder_name: 'Glow Aesthetics LLC', routing_number: '110000000', account_number } });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

const advance = (p, seconds) => api('POST', '/sandbox/v1/test_clock/advance',
  { key: p.key, body: { seconds } });

function check(db) {
  return execFileSync(BIN, ['check', '--db', db], {
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' }, stdio: 'pipe' }).toString();
}

test('POS settings: off by default, activation, no-op repeat, conflicts, bad input', async () => {
  const p = await practice('Settings', { activate: false });
  const g = await api('GET', '/v1/pos_settings', { key: p.key });
  assert.equal(g.status, 200, g.text);
  assert.equal(g.body.status, 'inactive');
  assert.equal(g.body.connection_fee.amount, 1000);
  assertError(await pay(p, { amount: 1000, source: { type: 'token', token: 'tok_x' } }), 422, 'pos_inactive');
  assertError(await api('POST', '/v1/pos_settings/activate', { key: p.key,
    body: { gateway: 'square', merchant_mode: 'single' } }), 400, 'parameter_invalid', 'gateway');
  assertError(await api('POST', '/v1/pos_settings/activate', { key: p.key,
    body: { gateway: 'sandbox', merchant_mode: 'some' } }), 400, 'parameter_invalid', 'merchant_mode');
  assertError(await api('POST', '/v1/pos_settings/activate', { key: p.key, body: {} }), 400, 'parameter_missing');
  assert.equal((await api('GET', '/v1/pos_settings', { key: p.key })).body.status, 'inactive');
  const a = await api('POST', '/v1/pos_settings/activate', { key: p.key,
    body: { gateway: 'sandbox', merchant_mode: 'multiple' } });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.body.status, 'active');
  assert.equal(a.body.merchant_mode, 'multiple');
  assert.ok(!('webhook_secret' in a.body), 'the webhook secret is never returned');
  const again = await api('POST', '/v1/pos_settings/activate', { key: p.key,
    body: { gateway: 'sandbox', merchant_mode: 'multiple' } });
  assert.equal(again.status, 200);
  assertError(await api('POST', '/v1/pos_settings/activate', { key: p.key,
    body: { gateway: 'sandbox', merchant_mode: 'single' } }), 409, 'pos_active');
  const m = await api('GET', '/v1/merchant_accounts', { key: p.key });
  assert.equal(m.body.data.length, 1, 'one merchant account per clinic');
  assert.equal(m.body.data[0].clinic, p.clinic.id);
  // A second clinic gets its own merchant account, once.
  const c2 = (await api('POST', '/v1/clinics', { key: p.key, body: { name: 'Glow Denver', timezone: 'America/Denver' } })).body;
  const m2 = await api('POST', '/v1/merchant_accounts', { key: p.key, body: { clinic: c2.id } });
  assert.equal(m2.status, 201, m2.text);
  assertError(await api('POST', '/v1/merchant_accounts', { key: p.key, body: { clinic: c2.id } }), 409);
  assertError(await api('POST', '/v1/merchant_accounts', { key: p.key, body: { clinic: 'cln_00000000000000000000000000' } }), 404);
});

test('multiple mode: a payment settles to its clinic\'s merchant account and its payout', async () => {
  const p = await practice('Two clinics', { activate: false });
  const c2 = (await api('POST', '/v1/clinics', { key: p.key, body: { name: 'Glow Denver', timezone: 'America/Denver' } })).body;
  assert.equal((await api('POST', '/v1/pos_settings/activate', { key: p.key,
    body: { gateway: 'sandbox', merchant_mode: 'multiple' } })).status, 200);
  const merchants = (await api('GET', '/v1/merchant_accounts', { key: p.key })).body.data;
  const m1 = merchants.find((m) => m.clinic === p.clinic.id);
  const m2 = merchants.find((m) => m.clinic === c2.id);
  assert.ok(m1 && m2 && m1.id !== m2.id, 'one merchant account per clinic');
  // Each merchant account has its own bank account.
  for (const m of [m1, m2]) {
    const b = await api('POST', '/v1/bank_accounts', { key: p.key, body: { merchant_account: m.id,
      holder_name: 'Glow', routing_number: '110000000', account_number: m === m1 ? '000111122223' : '000444455556' } });
    assert.equal(b.status, 201, b.text);
    assert.equal(b.body.merchant_account, m.id);
  }
  assertError(await api('POST', '/v1/bank_accounts', { key: p.key, body: {
    holder_name: 'Glow', routing_number: '110000000', account_number: '000444455556' } }), 400, 'parameter_missing', 'merchant_account');
  const a = await pay(p, { amount: 10000, source: { type: 'token', token: await token(p) } });
  const b = await pay(p, { amount: 7000, clinic: c2.id, source: { type: 'token', token: await token(p) } });
  assert.equal(a.body.merchant_account, m1.id);
  assert.equal(b.body.merchant_account, m2.id);
  await advance(p, 3 * DAY);
  const payouts = (await api('GET', '/v1/payouts', { key: p.key })).body.data;
  for (const [pay1, m] of [[a, m1], [b, m2]]) {
    const po = payouts.find((x) => x.merchant_account === m.id);
    assert.ok(po, 'a payout for ' + m.id);
    const detail = await api('GET', `/v1/payouts/${po.id}`, { key: p.key });
    assert.ok(detail.body.items.some((it) => it.object === pay1.body.id), 'the payment is in its clinic\'s payout');
  }
});

test('Clearent only when every clinic is in the US', async () => {
  const p = await practice('Clearent', { activate: false });
  await api('POST', '/v1/clinics', { key: p.key, body: { name: 'Glow Toronto', country: 'CA', currency: 'CAD', timezone: 'America/Toronto' } });
  const r = await api('POST', '/v1/pos_settings/activate', { key: p.key,
    body: { gateway: 'clearent', merchant_mode: 'single' } });
  assertError(r, 422, 'gateway_unavailable', 'gateway');
  assert.match(r.body.error.message, /US/);
  assert.equal((await api('GET', '/v1/pos_settings', { key: p.key })).body.status, 'inactive');
});

test('bank accounts: ABA check, last 4 only, default rules', async () => {
  const p = await practice('Banks');
  assertError(await api('POST', '/v1/bank_accounts', { key: p.key, body: {
    holder_name: 'X', routing_number: '110000001', account_number: '000123456789' } }), 400, 'parameter_invalid', 'routing_number');
  assertError(await api('POST', '/v1/bank_accounts', { key: p.key, body: {
    holder_name: 'X', routing_number: '110000000', account_number: '12ab' } }), 400, undefined, 'account_number');
  const b1 = await bank(p, '000123456789');
  assert.equal(b1.last4, '6789');
  assert.equal(b1.default, true);
  assert.ok(!JSON.stringify(b1).includes('000123456789'), 'never the full number');
  const b2 = await bank(p, '000987654321');
  assert.equal(b2.default, false);
  const list = await api('GET', '/v1/bank_accounts', { key: p.key });
  assert.deepEqual(list.body.data.map((b) => b.last4), ['6789', '4321']);
  assert.ok(!list.text.includes('000987654321'));
  assertError(await api('DELETE', `/v1/bank_accounts/${b1.id}`, { key: p.key }), 409, 'bank_account_default');
  const d = await api('POST', `/v1/bank_accounts/${b2.id}/set_default`, { key: p.key });
  assert.equal(d.body.default, true);
  const del = await api('DELETE', `/v1/bank_accounts/${b1.id}`, { key: p.key });
  assert.equal(del.status, 200, del.text);
  const after = await api('GET', '/v1/bank_accounts', { key: p.key });
  assert.deepEqual(after.body.data.map((b) => [b.last4, b.default]), [['4321', true]]);
  // A payout on its way: its bank account cannot go until it arrives.
  await pay(p, { amount: 9000, source: { type: 'token', token: await token(p) } });
  await advance(p, DAY);
  const po = (await api('GET', '/v1/payouts', { key: p.key })).body.data;
  assert.equal(po.length, 1, 'one payout after one cut-off');
  assert.equal(po[0].status, 'in_transit');
  assert.equal(po[0].bank_account, b2.id);
  assertError(await api('DELETE', `/v1/bank_accounts/${b2.id}`, { key: p.key }), 409, 'payout_in_flight');
  await advance(p, DAY);
  assert.equal((await api('GET', `/v1/payouts/${po[0].id}`, { key: p.key })).body.status, 'paid');
  assert.equal((await api('DELETE', `/v1/bank_accounts/${b2.id}`, { key: p.key })).status, 200);
});

test('tokens: Luhn and expiry refused at the sandbox; /v1 refuses card numbers', async () => {
  const p = await practice('Tokens');
  assertError(await api('POST', '/sandbox/v1/tokens', { key: p.key,
    body: { number: '4242424242424241', exp_month: 12, exp_year: 2031, cvc: '123' } }), 400, 'incorrect_number', 'number');
  assertError(await api('POST', '/sandbox/v1/tokens', { key: p.key,
    body: { number: '4242424242424242', exp_month: 1, exp_year: 2020, cvc: '123' } }), 400);
  assertError(await pay(p, { amount: 1000, source: { type: 'token', number: '4242424242424242' } }), 400, 'card_data_refused', 'number');
  assertError(await pay(p, { amount: 1000, number: '4242424242424242', source: { type: 'token', token: 'tok_x' } }), 400, 'card_data_refused', 'number');
  const t = await api('POST', '/sandbox/v1/tokens', { key: p.key,
    body: { number: '4242 4242 4242 4242', exp_month: 12, exp_year: 2031, cvc: '123' } });
  assert.equal(t.status, 201, t.text);
  assert.match(t.body.id, /^tok_/);
  assert.deepEqual(t.body.card, { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2031 });
});

test('a payment with a token: fee, ledger, idempotent replay, key reuse', async () => {
  const p = await practice('Payments');
  const tok = await token(p);
  const k = key();
  const r = await pay(p, { amount: 12345, patient: p.patient.id, source: { type: 'token', token: tok },
    description: 'Botox', metadata: { invoice: 'INV-1' } }, k);
  assert.equal(r.status, 201, r.text);
  assert.match(r.body.id, /^pay_/);
  assert.equal(r.body.status, 'succeeded');
  assert.equal(r.body.amount_captured, 12345);
  // 2.9% of 12345 = 358.005 -> 358 (half up), + 30.
  assert.equal(r.body.fee, 388);
  assert.deepEqual(r.body.card, { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2031 });
  assert.deepEqual(r.body.metadata, { invoice: 'INV-1' });
  const again = await pay(p, { amount: 12345, patient: p.patient.id, source: { type: 'token', token: tok },
    description: 'Botox', metadata: { invoice: 'INV-1' } }, k);
  assert.equal(again.status, 201);
  assert.equal(again.text, r.text, 'the replay is the same response');
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assertError(await pay(p, { amount: 999, source: { type: 'token', token: tok } }, k), 409);
  const charges = await api('GET', '/sandbox/v1/charges', { key: p.key });
  assert.equal(charges.body.data.length, 1, 'one charge at the processor');
  assert.equal(charges.body.keys_with_many_charges, 0);
  const list = await api('GET', `/v1/payments?patient=${p.patient.id}`, { key: p.key });
  assert.deepEqual(list.body.data.map((x) => x.id), [r.body.id]);
  assert.match(check(server.db), /ok|OK|passed/i);
});

test('concurrent first payments of a new practice all succeed (ledger accounts made once)', async () => {
  const p = await practice('First day');
  const toks = await Promise.all(Array.from({ length: 16 }, () => token(p)));
  const rs = await Promise.all(toks.map((t) => pay(p, { amount: 1000, source: { type: 'token', token: t } })));
  assert.deepEqual(rs.map((r) => r.status), rs.map(() => 201), rs.map((r) => r.text).filter((t) => !t.includes('succeeded')).join('\n'));
  assert.match(check(server.db), /ok|OK|passed/i);
});

test('bad payment input is refused and records nothing', async () => {
  const p = await practice('Bad input');
  const tok = await token(p);
  const src = { type: 'token', token: tok };
  const noKey = await api('POST', '/v1/payments', { key: p.key, body: { amount: 100, currency: 'USD', clinic: p.clinic.id, source: src } });
  assertError(noKey, 400, 'parameter_missing', 'Idempotency-Key');
  assertError(await pay(p, { amount: 0, source: src }), 400, 'parameter_invalid', 'amount');
  assertError(await pay(p, { amount: -5, source: src }), 400, 'parameter_invalid', 'amount');
  assertError(await pay(p, { amount: 100000000, source: src }), 400, 'parameter_invalid', 'amount');
  assertError(await pay(p, { amount: 10.5, source: src }), 400, undefined, 'amount');
  assertError(await pay(p, { amount: '100', source: src }), 400, undefined, 'amount');
  assertError(await pay(p, { amount: 100, currency: 'EUR', source: src }), 400, 'parameter_invalid', 'currency');
  assertError(await pay(p, { amount: 100, source: { type: 'cash' } }), 400, 'parameter_invalid', 'source.type');
  assertError(await pay(p, { amount: 100, source: { type: 'token' } }), 400, 'parameter_missing', 'source.token');
  assertError(await pay(p, { amount: 100, patient: 'pat_00000000000000000000000000', source: src }), 404);
  assertError(await pay(p, { amount: 100, clinic: null, source: src }), 400, 'parameter_missing', 'clinic');
  const list = await api('GET', '/v1/payments', { key: p.key });
  assert.equal(list.body.data.length, 0, 'nothing recorded');
  // The token was not spent: it still pays.
  assert.equal((await pay(p, { amount: 100, source: src })).status, 201);
});

test('declines: 402 with decline_code and the failed payment; a retry answers the same', async () => {
  const p = await practice('Declines');
  const cases = [
    ['4000000000000002', 'card_declined', 'generic_decline'],
    ['4000000000009995', 'card_declined', 'insufficient_funds'],
    ['4000000000000069', 'expired_card', 'expired_card'],
    ['4000000000000127', 'incorrect_cvc', 'incorrect_cvc'],
  ];
  for (const [number, code, decline] of cases) {
    const k = key();
    const body = { amount: 5000, source: { type: 'token', token: await token(p, number) } };
    const r = await pay(p, body, k);
    const e = assertError(r, 402, code);
    assert.equal(e.type, 'card_error');
    assert.equal(e.decline_code, decline);
    assert.equal(e.payment.status, 'failed');
    assert.equal(e.payment.decline_code, decline);
    const again = await pay(p, body, k);
    assert.equal(again.status, 402);
    assert.equal(again.body.error.payment.id, e.payment.id, 'the same failed payment');
  }
  assertError(await pay(p, { amount: 5000, source: { type: 'token', token: 'tok_doesnotexist' } }), 400, 'token_invalid');
  const charges = await api('GET', '/sandbox/v1/charges', { key: p.key });
  assert.equal(charges.body.keys_with_many_charges, 0);
});

test('manual capture: hold, capture over the hold refused, partial capture, cancel', async () => {
  const p = await practice('Holds');
  const hold = await pay(p, { amount: 20000, capture: false, source: { type: 'token', token: await token(p) } });
  assert.equal(hold.status, 201, hold.text);
  assert.equal(hold.body.status, 'requires_capture');
  assert.equal(hold.body.amount_captured, 0);
  assert.equal(hold.body.fee, 0);
  assert.ok(hold.body.capture_before > hold.body.created);
  const cap = (id, body) => api('POST', `/v1/payments/${id}/capture`, { key: p.key,
    headers: { 'idempotency-key': key() }, body });
  assertError(await cap(hold.body.id, { amount: 20001 }), 400, 'amount_too_large', 'amount');
  assertError(await cap(hold.body.id, { amount: 0 }), 400, undefined, 'amount');
  const c = await cap(hold.body.id, { amount: 15000 });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.body.status, 'succeeded');
  assert.equal(c.body.amount_captured, 15000);
  assert.equal(c.body.fee, 465); // 435 + 30
  assertError(await cap(hold.body.id, {}), 400, 'payment_intent_unexpected_state');
  const hold2 = await pay(p, { amount: 5000, capture: false, source: { type: 'token', token: await token(p) } });
  const cancel = await api('POST', `/v1/payments/${hold2.body.id}/cancel`, { key: p.key, headers: { 'idempotency-key': key() } });
  assert.equal(cancel.status, 200, cancel.text);
  assert.equal(cancel.body.status, 'canceled');
  assertError(await cap(hold2.body.id, {}), 400, 'payment_intent_unexpected_state');
  assert.match(check(server.db), /ok|OK|passed/i);
});

test('refunds: partial, never more than what is left, fully refunded', async () => {
  const p = await practice('Refunds');
  const r = await pay(p, { amount: 10000, source: { type: 'token', token: await token(p) } });
  const refund = (body, k = key()) => api('POST', '/v1/refunds', { key: p.key, headers: { 'idempotency-key': k }, body });
  assertError(await refund({ payment: r.body.id, amount: 10001 }), 400, 'amount_too_large', 'amount');
  assertError(await refund({ payment: r.body.id, amount: 0 }), 400, undefined, 'amount');
  assertError(await refund({ payment: 'pay_00000000000000000000000000', amount: 100 }), 404);
  const k = key();
  const r1 = await refund({ payment: r.body.id, amount: 2500, reason: 'unhappy' }, k);
  assert.equal(r1.status, 201, r1.text);
  assert.equal(r1.body.status, 'succeeded');
  const replay = await refund({ payment: r.body.id, amount: 2500, reason: 'unhappy' }, k);
  assert.equal(replay.body.id, r1.body.id);
  assertError(await refund({ payment: r.body.id, amount: 7501 }), 400, 'amount_too_large');
  const r2 = await refund({ payment: r.body.id });
  assert.equal(r2.body.amount, 7500, 'no amount refunds what is left');
  assertError(await refund({ payment: r.body.id, amount: 1 }), 400, 'charge_already_refunded');
  const g = await api('GET', `/v1/payments/${r.body.id}`, { key: p.key });
  assert.equal(g.body.amount_refunded, 10000);
  assert.deepEqual(g.body.refunds.map((x) => x.amount), [2500, 7500]);
  assert.match(check(server.db), /ok|OK|passed/i);
});

test('concurrent full refunds: exactly one succeeds', async () => {
  const p = await practice('Refund race');
  const r = await pay(p, { amount: 4000, source: { type: 'token', token: await token(p) } });
  const results = await Promise.all(Array.from({ length: 8 }, () =>
    api('POST', '/v1/refunds', { key: p.key, headers: { 'idempotency-key': key() }, body: { payment: r.body.id, amount: 4000 } })));
  assert.equal(results.filter((x) => x.status === 201).length, 1, results.map((x) => x.status).join());
  const g = await api('GET', `/v1/payments/${r.body.id}`, { key: p.key });
  assert.equal(g.body.amount_refunded, 4000);
});

test('cards on file: save, list, pay, default, delete; 0341 saves but declines', async () => {
  const p = await practice('Cards');
  const add = (number) => token(p, number).then((t) => api('POST', `/v1/patients/${p.patient.id}/cards`, { key: p.key, body: { token: t } }));
  const c1 = await add('5555555555554444');
  assert.equal(c1.status, 201, c1.text);
  assert.deepEqual([c1.body.brand, c1.body.last4, c1.body.default], ['mastercard', '4444', true]);
  const c2 = (await add('4000000000000341')).body;
  assert.equal(c2.default, false);
  const list = await api('GET', `/v1/patients/${p.patient.id}/cards`, { key: p.key });
  assert.deepEqual(list.body.data.map((c) => c.last4), ['4444', '0341']);
  assert.ok(!list.text.includes('5555555555554444'));
  const ok = await pay(p, { amount: 3000, patient: p.patient.id, source: { type: 'card', card: c1.body.id } });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.card.last4, '4444');
  const no = await pay(p, { amount: 3000, patient: p.patient.id, source: { type: 'card', card: c2.id } });
  assertError(no, 402, 'card_declined');
  const other = (await api('POST', '/v1/patients', { key: p.key, body: { first_name: 'Bo', last_name: 'Lee' } })).body;
  assertError(await pay(p, { amount: 3000, patient: other.id, source: { type: 'card', card: c1.body.id } }), 404);
  const d = await api('POST', `/v1/patients/${p.patient.id}/cards/${c2.id}/set_default`, { key: p.key });
  assert.equal(d.body.default, true);
  const del = await api('DELETE', `/v1/patients/${p.patient.id}/cards/${c1.body.id}`, { key: p.key });
  assert.equal(del.status, 200, del.text);
  assertError(await pay(p, { amount: 3000, source: { type: 'card', card: c1.body.id } }), 404);
  assertError(await api('POST', `/v1/patients/${p.patient.id}/cards`, { key: p.key, body: { number: '4242424242424242' } }), 400, 'card_data_refused');
});

test('card present: process on a reader, tap, the webhook completes the payment', async () => {
  const p = await practice('Reader');
  const rd = await api('POST', '/v1/card_readers', { key: p.key, body: { clinic: p.clinic.id, serial_number: 'WSC-513-100', label: 'Front desk' } });
  assert.equal(rd.status, 201, rd.text);
  assertError(await api('POST', '/v1/card_readers', { key: p.key, body: { clinic: p.clinic.id, serial_number: 'WSC-513-100' } }), 409, 'reader_exists');
  const r = await api('POST', `/v1/card_readers/${rd.body.id}/process_payment`, { key: p.key,
    headers: { 'idempotency-key': key() }, body: { payment: { amount: 8000, currency: 'USD', patient: p.patient.id } } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.status, 'processing');
  assert.equal(r.body.card_present, true);
  const tap = await api('POST', '/sandbox/v1/readers/WSC-513-100/present_card', { key: p.key, body: { number: '4242424242424242' } });
  assert.equal(tap.status, 200, tap.text);
  const g = await api('GET', `/v1/payments/${r.body.id}`, { key: p.key });
  assert.equal(g.body.status, 'succeeded', g.text);
  assert.equal(g.body.fee, 223); // 2.6% of 8000 = 208, + 15
  assert.equal(g.body.card.last4, '4242');
  assertError(await api('POST', '/sandbox/v1/readers/WSC-513-100/present_card', { key: p.key, body: { number: '4242424242424242' } }), 409, 'reader_idle');
  const list = await api('GET', '/v1/card_readers', { key: p.key });
  assert.deepEqual(list.body.data.map((x) => x.serial_number), ['WSC-513-100']);
  assert.equal((await api('DELETE', `/v1/card_readers/${rd.body.id}`, { key: p.key })).status, 200);
  assert.equal((await api('GET', '/v1/card_readers', { key: p.key })).body.data.length, 0);
  assertError(await api('POST', `/v1/card_readers/${rd.body.id}/process_payment`, { key: p.key,
    headers: { 'idempotency-key': key() }, body: { payment: { amount: 100, currency: 'USD' } } }), 404);
});

test('payments list filters: patient, clinic, status, created range; bad filters refused', async () => {
  const p = await practice('Filters');
  const other = (await api('POST', '/v1/patients', { key: p.key, body: { first_name: 'Zed', last_name: 'Ray' } })).body;
  const ok = await pay(p, { amount: 1000, patient: p.patient.id, source: { type: 'token', token: await token(p) } });
  const held = await pay(p, { amount: 2000, patient: other.id, capture: false, source: { type: 'token', token: await token(p) } });
  const failed = await pay(p, { amount: 3000, source: { type: 'token', token: await token(p, '4000000000000002') } });
  const ids = async (q) => (await api('GET', '/v1/payments' + q, { key: p.key })).body.data.map((x) => x.id);
  assert.deepEqual(await ids(''), [failed.body.error.payment.id, held.body.id, ok.body.id], 'newest first');
  assert.deepEqual(await ids(`?patient=${other.id}`), [held.body.id]);
  assert.deepEqual(await ids('?status=requires_capture'), [held.body.id]);
  assert.deepEqual(await ids('?status=failed'), [failed.body.error.payment.id]);
  assert.deepEqual(await ids(`?clinic=${p.clinic.id}&status=succeeded`), [ok.body.id]);
  assert.deepEqual(await ids(`?created[gte]=${ok.body.created + 3600}`), []);
  assert.equal((await ids(`?created[gte]=${ok.body.created}&created[lt]=${ok.body.created + 3600}`)).length, 3);
  assert.deepEqual(await ids('?limit=1&starting_after=' + held.body.id), [ok.body.id]);
  assertError(await api('GET', '/v1/payments?created[gte]=yesterday', { key: p.key }), 400, 'parameter_invalid', 'created[gte]');
  assertError(await api('GET', '/v1/payments?status=paid', { key: p.key }), 400, 'parameter_invalid', 'status');
  assertError(await api('GET', '/v1/payments?limit=0', { key: p.key }), 400);
});

test('void: a payment not yet settled is canceled at the gateway, no fee', async () => {
  const p = await practice('Void');
  const r = await pay(p, { amount: 6000, source: { type: 'token', token: await token(p) } });
  assert.equal(r.body.status, 'succeeded');
  assert.ok(r.body.fee > 0);
  const v = await api('POST', `/v1/payments/${r.body.id}/cancel`, { key: p.key, headers: { 'idempotency-key': key() } });
  assert.equal(v.status, 200, v.text);
  assert.equal(v.body.status, 'canceled');
  assert.equal(v.body.fee, 0);
  assert.equal(v.body.amount_captured, 0);
  assertError(await api('POST', '/v1/refunds', { key: p.key, headers: { 'idempotency-key': key() }, body: { payment: r.body.id } }), 400, 'charge_not_refundable');
  // After settlement only a refund is possible.
  const s2 = await pay(p, { amount: 6000, source: { type: 'token', token: await token(p) } });
  await advance(p, DAY);
  assertError(await api('POST', `/v1/payments/${s2.body.id}/cancel`, { key: p.key, headers: { 'idempotency-key': key() } }), 409, 'charge_already_settled');
  assert.equal((await api('GET', `/v1/payments/${s2.body.id}`, { key: p.key })).body.status, 'succeeded');
  assert.match(check(server.db), /ok|OK|passed/i);
});

test('readers and reader orders: an unknown clinic is 404 and bills nothing; a retried order bills once', async () => {
  const p = await practice('Reader orders');
  assertError(await api('POST', '/v1/card_readers', { key: p.key, body: { clinic: 'cln_00000000000000000000000000', serial_number: 'SER-404' } }), 404, undefined, 'clinic');
  assertError(await api('POST', '/v1/card_reader_orders', { key: p.key, headers: { 'idempotency-key': key() },
    body: { clinic: 'nonsense', quantity: 1, shipping_name: 'X' } }), 404, undefined, 'clinic');
  assertError(await api('POST', '/v1/card_reader_orders', { key: p.key,
    body: { clinic: p.clinic.id, quantity: 1, shipping_name: 'X' } }), 400, 'parameter_missing', 'Idempotency-Key');
  assertError(await api('POST', '/v1/card_reader_orders', { key: p.key, headers: { 'idempotency-key': key() },
    body: { clinic: p.clinic.id, quantity: 21, shipping_name: 'X' } }), 400, undefined, 'quantity');
  assert.equal((await api('GET', '/v1/fee_statements', { key: p.key })).body.data.length, 0);
  const k = key();
  const body = { clinic: p.clinic.id, quantity: 3, shipping_name: 'Glow Chicago' };
  const o1 = await api('POST', '/v1/card_reader_orders', { key: p.key, headers: { 'idempotency-key': k }, body });
  assert.equal(o1.status, 201, o1.text);
  assert.deepEqual(o1.body.fee_statements.map((f) => [f.amount, f.status]), [[9900, 'pending'], [19800, 'charged']]);
  const o2 = await api('POST', '/v1/card_reader_orders', { key: p.key, headers: { 'idempotency-key': k }, body });
  assert.equal(o2.text, o1.text);
  assert.equal((await api('GET', '/v1/fee_statements', { key: p.key })).body.data.length, 2, 'billed once');
});

test('webhooks: a bad signature, an old timestamp or an unknown account is refused', async () => {
  const p = await practice('Hooks');
  const body = JSON.stringify({ id: 'evt_x', object: 'event', type: 'charge.succeeded', account: p.accountId,
    created: Math.floor(Date.now() / 1000), data: { object: { id: 'ch_x', object: 'charge' } } });
  const post = (sig, b = body) => api('POST', '/v1/webhooks/sandbox', { raw: b, headers: sig ? { 'stripe-signature': sig } : {} });
  const t = Math.floor(Date.now() / 1000);
  assertError(await post(null), 400, 'signature_invalid');
  assertError(await post(`t=${t},v1=${'0'.repeat(64)}`), 400, 'signature_invalid');
  assertError(await post(`t=${t - 400},v1=${'0'.repeat(64)}`), 400, 'signature_invalid');
  assertError(await post(`t=${t},v1=${'0'.repeat(64)}`, body.replace(p.accountId, 'acct_00000000000000000000000000')), 400, 'signature_invalid');
});

test('payouts: the deposit report sums to the payout; reader and fees deducted once', async () => {
  const p = await practice('Payouts');
  await bank(p);
  const order = await api('POST', '/v1/card_reader_orders', { key: p.key, headers: { 'idempotency-key': key() },
    body: { clinic: p.clinic.id, quantity: 1, shipping_name: 'Glow Chicago' } });
  assert.equal(order.status, 201, order.text);
  assert.equal(order.body.billing, 'first_payout');
  const second = await api('POST', '/v1/card_reader_orders', { key: p.key, headers: { 'idempotency-key': key() },
    body: { clinic: p.clinic.id, quantity: 2, shipping_name: 'Glow Chicago' } });
  assert.equal(second.body.billing, 'at_order');
  assert.equal(second.body.fee_statements[0].status, 'charged');
  assert.equal(second.body.fee_statements[0].amount, 19800);
  const a = await pay(p, { amount: 50000, source: { type: 'token', token: await token(p) } });
  const b = await pay(p, { amount: 20000, source: { type: 'token', token: await token(p) } });
  await api('POST', '/v1/refunds', { key: p.key, headers: { 'idempotency-key': key() }, body: { payment: b.body.id, amount: 5000 } });
  const adv = await advance(p, 3 * DAY);
  assert.equal(adv.status, 200, adv.text);
  const list = await api('GET', '/v1/payouts', { key: p.key });
  assert.ok(list.body.data.length >= 1, list.text);
  const po = await api('GET', `/v1/payouts/${list.body.data[list.body.data.length - 1].id}`, { key: p.key });
  const sum = po.body.items.reduce((s, it) => s + it.amount, 0);
  assert.equal(sum, po.body.amount, 'items sum exactly to the payout');
  const types = po.body.items.map((it) => it.type);
  assert.ok(types.includes('charge') && types.includes('fee') && types.includes('refund') && types.includes('deduction'), types.join());
  assert.ok(po.body.items.some((it) => it.object === a.body.id));
  const fees = await api('GET', '/v1/fee_statements', { key: p.key });
  const connection = fees.body.data.filter((f) => f.kind === 'connection_fee');
  assert.equal(connection.length, 1, 'one connection fee this month');
  assert.equal(connection[0].amount, 1000);
  const reader = fees.body.data.find((f) => f.kind === 'card_reader' && f.status !== 'charged');
  for (const f of [connection[0], reader]) {
    assert.equal(f.status, 'deducted', `${f.kind} taken from a payout`);
    assert.ok(list.body.data.some((x) => x.id === f.payout), `${f.kind} names its payout`);
  }
  await advance(p, 60);
  const fees2 = await api('GET', '/v1/fee_statements', { key: p.key });
  assert.equal(fees2.body.data.filter((f) => f.kind === 'connection_fee').length, 1, 'still once');
  assert.match(check(server.db), /ok|OK|passed/i);
});

test('disputes: 0259 disputed after settlement, refund blocked, evidence, won', async () => {
  const p = await practice('Disputes');
  await bank(p);
  const r = await pay(p, { amount: 30000, source: { type: 'token', token: await token(p, '4000000000000259') } });
  assert.equal(r.status, 201, r.text);
  await advance(p, 3 * DAY);
  const list = await api('GET', '/v1/disputes', { key: p.key });
  assert.equal(list.body.data.length, 1, list.text);
  const d = list.body.data[0];
  assert.equal(d.status, 'needs_response');
  assert.equal(d.reason, 'fraudulent');
  assert.equal(d.amount, 30000);
  assert.ok(d.due_by > d.created);
  const pay1 = await api('GET', `/v1/payments/${r.body.id}`, { key: p.key });
  assert.equal(pay1.body.disputed, true);
  assertError(await api('POST', '/v1/refunds', { key: p.key, headers: { 'idempotency-key': key() },
    body: { payment: r.body.id, amount: 100 } }), 400, 'charge_disputed');
  assertError(await api('POST', `/v1/disputes/${d.id}/evidence`, { key: p.key, body: { evidence: { x: 5 } } }), 400, 'parameter_invalid');
  const ev = await api('POST', `/v1/disputes/${d.id}/evidence`, { key: p.key,
    body: { evidence: { product_description: 'Botox 20 units', uncategorized_text: 'winning_evidence' } } });
  assert.equal(ev.status, 200, ev.text);
  assert.equal(ev.body.status, 'needs_response');
  const sub = await api('POST', `/v1/disputes/${d.id}/submit`, { key: p.key });
  assert.equal(sub.status, 200, sub.text);
  assert.equal(sub.body.status, 'under_review');
  assertError(await api('POST', `/v1/disputes/${d.id}/submit`, { key: p.key }), 409, 'dispute_not_open');
  await advance(p, 2 * DAY);
  const won = await api('GET', `/v1/disputes/${d.id}`, { key: p.key });
  assert.equal(won.body.status, 'won');
  assert.match(check(server.db), /ok|OK|passed/i);
});

test('deactivation lists what stops, then deletes saved cards', async () => {
  const p = await practice('Deactivate');
  const t = await token(p);
  await api('POST', `/v1/patients/${p.patient.id}/cards`, { key: p.key, body: { token: t } });
  const hold = await pay(p, { amount: 2500, capture: false, source: { type: 'token', token: await token(p) } });
  assert.equal(hold.body.status, 'requires_capture');
  const no = await api('POST', '/v1/pos_settings/deactivate', { key: p.key, body: {} });
  const e = assertError(no, 409, 'confirmation_required');
  assert.equal(e.would_stop.saved_cards, 1);
  assert.equal(e.would_stop.payments.open, 1);
  assert.ok('membership_billing' in e.would_stop && 'gift_cards' in e.would_stop);
  assert.equal((await api('GET', `/v1/patients/${p.patient.id}/cards`, { key: p.key })).body.data.length, 1);
  const yes = await api('POST', '/v1/pos_settings/deactivate', { key: p.key, body: { confirm: true } });
  assert.equal(yes.status, 200, yes.text);
  assert.equal(yes.body.status, 'inactive');
  assert.equal((await api('GET', `/v1/patients/${p.patient.id}/cards`, { key: p.key })).body.data.length, 0);
  assert.equal((await api('GET', `/v1/payments/${hold.body.id}`, { key: p.key })).body.status, 'canceled', 'the hold is released');
  assertError(await pay(p, { amount: 100, source: { type: 'token', token: await token(p).catch(() => 'tok_x') } }), 422, 'pos_inactive');
});

test('another account sees none of it', async () => {
  const a = await practice('Tenant A');
  const b = await practice('Tenant B');
  const r = await pay(a, { amount: 1500, source: { type: 'token', token: await token(a) } });
  assertError(await api('GET', `/v1/payments/${r.body.id}`, { key: b.key }), 404);
  assertError(await api('POST', `/v1/payments/${r.body.id}/capture`, { key: b.key, headers: { 'idempotency-key': key() } }), 404);
  assertError(await api('POST', '/v1/refunds', { key: b.key, headers: { 'idempotency-key': key() }, body: { payment: r.body.id } }), 404);
  const tokA = await token(a);
  assertError(await pay(b, { amount: 100, source: { type: 'token', token: tokA } }), 400, 'token_invalid');
  const listed = (await api('GET', '/v1/payments', { key: b.key })).body.data;
  assert.ok(listed.every((x) => x.id !== r.body.id), 'never A\'s payment');
  assert.deepEqual(listed.map((x) => x.status), ['failed'], 'only B\'s own refused attempt');
});
