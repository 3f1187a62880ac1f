// Text2Pay: the front desk sends a payment link (SMS or e-mail, through
// the outbox); the patient opens /pay/<token> (public routes), tokenizes a
// card at the sandbox card field and pays what is owed; a paid or expired
// link says so and takes no money; unknown tokens are 404 — over HTTP, on
// SQLite and on PostgreSQL (POISE_TEST_ENGINE).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, client, assertError } = require('./helpers');
const { checkoutKit } = require('./checkout_kit');

let server, api, kit;
before(async () => {
  server = await startServer();
  api = client(server.base);
  kit = checkoutKit(server, api);
});
after(async () => { await server.stop(); });

const link = (p, id, body) => api('POST', `/v1/invoices/${id}/payment_links`, { key: p.key, body });
const page = (token) => api('GET', `/v1/public/payment_links/${token}`);
const card = (token, number = '4242424242424242') => api('POST', `/v1/public/payment_links/${token}/card_tokens`,
  { body: { number, exp_month: 12, exp_year: 2031, cvc: '123' } });
const pay = (token, cardToken, k = kit.key()) => api('POST', `/v1/public/payment_links/${token}/pay`,
  { headers: { 'idempotency-key': k }, body: { card_token: cardToken } });
const tokenOf = (url) => url.split('/pay/')[1];

test('a link by SMS: the message carries it; the patient pays what is owed; a paid link says so', async () => {
  const p = await kit.practice('Text2Pay', { drawer: false });
  const inv = await kit.invoice(p);
  const r = await link(p, inv.id, { channel: 'sms', to: '(312) 555-0142' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.body.channel, r.body.to, r.body.status], ['sms', '+13125550142', 'active']);
  assert.match(r.body.url, /^http:\/\/127\.0\.0\.1:\d+\/pay\/[0-9a-z]{32}$/);
  const token = tokenOf(r.body.url);
  // The outbox has the message, with the link in it.
  const msgs = (await api('GET', `/v1/messages?source_id=${r.body.id}`, { key: p.key })).body.data;
  assert.equal(msgs.length, 1);
  assert.equal(msgs[0].channel, 'sms');
  assert.ok(msgs[0].body.includes(r.body.url), msgs[0].body);
  // The page: what is owed, nothing else of the account.
  const g = await page(token);
  assert.equal(g.status, 200, g.text);
  assert.deepEqual([g.body.state, g.body.amount_due, g.body.invoice, g.body.currency], ['payable', 43483, inv.number, 'USD']);
  assert.equal(g.body.lines.length, 2);
  assert.ok(!g.text.includes(p.patient.id) && !g.text.includes('acct_'), 'no ids of the account');
  // A decline takes nothing and leaves the link payable.
  const bad = await card(token, '4000000000000002');
  assert.equal(bad.status, 201, bad.text);
  assertError(await pay(token, bad.body.id), 402, 'card_declined');
  assert.equal((await page(token)).body.state, 'payable');
  // The card: tokenized at the sandbox's field, then paid under a key.
  const c = await card(token);
  assert.equal(c.status, 201, c.text);
  assert.equal(c.body.card.last4, '4242');
  const k = kit.key();
  const paid = await pay(token, c.body.id, k);
  assert.equal(paid.status, 201, paid.text);
  assert.deepEqual([paid.body.amount, paid.body.amount_due], [43483, 0]);
  const again = await pay(token, c.body.id, k);
  assert.equal(again.status, 201, again.text);
  assert.equal((await kit.payments(p)).filter((x) => x.status === 'succeeded').length, 1, 'charged once');
  const v = await kit.getInvoice(p, inv.id);
  assert.equal(v.status, 'paid');
  assert.equal(v.tenders[0].card.last4, '4242');
  assert.equal((await page(token)).body.state, 'paid');
  assertError(await pay(token, (await card(token)).body?.id || 'tok_x'), 409, 'link_paid');
  const list = (await api('GET', `/v1/invoices/${inv.id}/payment_links`, { key: p.key })).body.data;
  assert.deepEqual(list.map((l) => l.status), ['paid']);
  assert.match(kit.check(server.db), /check passed/);
});

test('an expired link takes no money; unknown tokens are 404', async () => {
  const p = await kit.practice('Text2Pay Expiry', { drawer: false });
  const inv = await kit.invoice(p);
  const r = await link(p, inv.id, { channel: 'email', to: 'Ava@Example.com', expires_in_hours: 1 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.to, 'ava@example.com');
  const token = tokenOf(r.body.url);
  const c = await card(token);
  assert.equal(c.status, 201, c.text);
  const adv = await api('POST', '/sandbox/v1/test_clock/advance', { key: p.key, body: { seconds: 2 * 3600 } });
  assert.equal(adv.status, 200, adv.text);
  assert.equal((await page(token)).body.state, 'expired');
  assertError(await pay(token, c.body.id), 409, 'link_expired');
  assertError(await card(token), 409, 'link_expired');
  assert.equal((await kit.getInvoice(p, inv.id)).amount_paid, 0);
  assert.equal((await api('GET', `/v1/invoices/${inv.id}/payment_links`, { key: p.key })).body.data[0].status, 'expired');
  assertError(await page('a'.repeat(32)), 404);
  assertError(await page('short'), 404);
  assertError(await pay('b'.repeat(32), 'tok_x'), 404);
});

test('bad input is refused with the member named; nothing is sent', async () => {
  const p = await kit.practice('Text2Pay Rules', { drawer: false });
  const inv = await kit.invoice(p);
  assertError(await link(p, inv.id, {}), 400, 'parameter_missing', 'channel');
  assertError(await link(p, inv.id, { channel: 'fax' }), 400, 'parameter_invalid', 'channel');
  assertError(await link(p, inv.id, { channel: 'sms' }), 400, 'parameter_missing', 'to');
  assertError(await link(p, inv.id, { channel: 'sms', to: '12' }), 400, undefined, 'to');
  assertError(await link(p, inv.id, { channel: 'email', to: 'not-an-address' }), 400, undefined, 'to');
  assertError(await link(p, inv.id, { channel: 'sms', to: '3125550142', expires_in_hours: 0 }), 400, undefined, 'expires_in_hours');
  const draft = await kit.invoice(p, { finalize: false });
  assertError(await link(p, draft.id, { channel: 'sms', to: '3125550142' }), 409, 'invoice_not_payable');
  const paid = await kit.invoice(p);
  assert.equal((await kit.payInvoice(p, paid.id, { tenders: [{ method: 'check', amount: paid.total, reference: '1' }] })).status, 201);
  assertError(await link(p, paid.id, { channel: 'sms', to: '3125550142' }), 409, 'invoice_not_payable');
  const other = await kit.practice('Text2Pay Stranger', { drawer: false });
  assertError(await link(other, inv.id, { channel: 'sms', to: '3125550142' }), 404);
  assertError(await api('GET', `/v1/invoices/${inv.id}/payment_links`, { key: other.key }), 404);
  assert.equal((await api('GET', '/v1/messages', { key: p.key })).body.data.length, 0);
  // A pay request needs its key and a card token.
  const r = await link(p, inv.id, { channel: 'sms', to: '3125550142' });
  const token = tokenOf(r.body.url);
  assertError(await api('POST', `/v1/public/payment_links/${token}/pay`, { body: { card_token: 'tok_x' } }), 400, 'parameter_missing', 'Idempotency-Key');
  assertError(await pay(token, undefined), 400, 'parameter_missing', 'card_token');
  assertError(await api('POST', `/v1/public/payment_links/${token}/card_tokens`, { body: { number: '4242424242424242' } }), 400, 'parameter_missing');
});
