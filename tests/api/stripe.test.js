// The Stripe gateway end to end: Poise configured against the local Stripe
// stand-in (tests/standin/stripe.js), POS activated with gateway "stripe",
// payments and declines through Stripe's API shapes, and webhooks signed
// by Stripe's own library (stripe npm: webhooks.generateTestHeaderString),
// so the Stripe-Signature check is proven against Stripe's code: a valid
// event is applied once, a replay is acknowledged as a duplicate, a changed
// body, a wrong secret and a stale timestamp are refused.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const path = require('node:path');
const Stripe = require('stripe');
const { startServer, createAccount, client, assertError } = require('./helpers');

const SECRET = 'whsec_' + crypto.randomBytes(16).toString('hex');
const stripe = Stripe('sk_test_standin');
let standin, standinUrl, server, api, p;

before(async () => {
  standin = spawn(process.execPath, [path.join(__dirname, '..', 'standin', 'stripe.js'), '0'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    standin.stdout.on('data', (d) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    standin.on('exit', (c) => reject(new Error('stand-in exited ' + c)));
  });
  standinUrl = `http://127.0.0.1:${port}`;
  process.env.POISE_STRIPE_API_URL = standinUrl;
  process.env.POISE_STRIPE_SECRET_KEY = 'sk_test_standin';
  process.env.POISE_STRIPE_WEBHOOK_SECRET = SECRET;
  server = await startServer();
  api = client(server.base);
  p = createAccount(server, 'Stripe Practice');
  p.clinic = (await api('POST', '/v1/clinics', { key: p.key, body: { name: 'Main', timezone: 'America/New_York' } })).body;
  const act = await api('POST', '/v1/pos_settings/activate', { key: p.key, body: { gateway: 'stripe', merchant_mode: 'single' } });
  assert.equal(act.status, 200, act.text);
});
after(async () => {
  await server.stop();
  standin.kill();
});

const pay = (body, k = crypto.randomUUID()) => api('POST', '/v1/payments', { key: p.key,
  headers: { 'idempotency-key': k }, body: { currency: 'USD', clinic: p.clinic.id, ...body } });

async function state() {
  return (await fetch(standinUrl + '/_standin/state')).json();
}

test('a payment through Stripe: PaymentIntent confirmed with the key, fee recorded', async () => {
  const k = crypto.randomUUID();
  const r = await pay({ amount: 10000, source: { type: 'token', token: 'pm_card_visa' } }, k);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.status, 'succeeded');
  assert.equal(r.body.fee, 320);
  assert.equal(r.body.card.last4, '4242');
  const s = await state();
  const pis = s.requests.filter((q) => q.method === 'POST' && q.path === '/v1/payment_intents');
  assert.equal(pis.length, 1);
  assert.ok(pis[0].idempotency_key, 'sent with an Idempotency-Key');
});

test('a Stripe decline is 402 with its decline_code', async () => {
  const r = await pay({ amount: 5000, source: { type: 'token', token: 'pm_card_chargeDeclinedInsufficientFunds' } });
  const e = assertError(r, 402, 'card_declined');
  assert.equal(e.decline_code, 'insufficient_funds');
  assert.equal(e.payment.status, 'failed');
});

test('webhooks signed by Stripe\'s library: applied once, replay is a duplicate, tampering refused', async () => {
  const r = await pay({ amount: 2000, capture: false, source: { type: 'token', token: 'pm_card_visa' } });
  assert.equal(r.body.status, 'requires_capture', r.text);
  const s = await state();
  const pi = s.payment_intents.find((x) => x.metadata && x.metadata.poise_payment === r.body.id) ||
    s.payment_intents[s.payment_intents.length - 1];
  const account = s.accounts[0];
  // Capture at Stripe directly (as the Dashboard would), then tell Poise.
  const cap = await fetch(`${standinUrl}/v1/payment_intents/${pi.id}/capture`, { method: 'POST',
    headers: { authorization: 'Bearer sk_test_standin', 'stripe-version': '2024-06-20',
      'content-type': 'application/x-www-form-urlencoded', 'stripe-account': account }, body: '' });
  assert.equal(cap.status, 200, await cap.text());
  const payload = JSON.stringify({ id: 'evt_' + crypto.randomBytes(8).toString('hex'), object: 'event',
    type: 'payment_intent.succeeded', account, created: Math.floor(Date.now() / 1000),
    data: { object: { id: pi.id, object: 'payment_intent' } } });
  const header = stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
  const post = (h, body = payload) => api('POST', '/v1/webhooks/stripe', { raw: body, headers: { 'stripe-signature': h } });
  const first = await post(header);
  assert.equal(first.status, 200, first.text);
  assert.equal(first.body.duplicate, false);
  const g = await api('GET', `/v1/payments/${r.body.id}`, { key: p.key });
  assert.equal(g.body.status, 'succeeded', 'the event moved the payment');
  assert.equal(g.body.amount_captured, 2000);
  const again = await post(stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }));
  assert.equal(again.status, 200);
  assert.equal(again.body.duplicate, true, 'a redelivery is acknowledged, not applied');
  assertError(await post(header, payload.replace('"object":"event"', '"object":"evenT"')), 400, 'signature_invalid');
  assertError(await post(stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_wrong' })), 400, 'signature_invalid');
  const old = Math.floor(Date.now() / 1000) - 301;
  assertError(await post(stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: old })), 400, 'signature_invalid');
  assertError(await post(undefined), 400, 'signature_invalid');
  // An older event arriving late (out of order) cannot move it back.
  const late = JSON.stringify({ id: 'evt_' + crypto.randomBytes(8).toString('hex'), object: 'event',
    type: 'payment_intent.amount_capturable_updated', account, created: Math.floor(Date.now() / 1000) - 60,
    data: { object: { id: pi.id, object: 'payment_intent', status: 'requires_capture' } } });
  const lateRes = await post(stripe.webhooks.generateTestHeaderString({ payload: late, secret: SECRET }), late);
  assert.equal(lateRes.status, 200, lateRes.text);
  assert.equal(lateRes.body.duplicate, false);
  const after = await api('GET', `/v1/payments/${r.body.id}`, { key: p.key });
  assert.deepEqual(after.body, g.body, 'refused and late deliveries changed nothing');
});
