// The sandbox's processing fees are configurable (POISE_SANDBOX_CNP_* and
// POISE_SANDBOX_CP_*; docs/operations.md): a server started with 1.00% + 0
// card-not-present charges exactly that, rounded half up.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startServer, createAccount, client } = require('./helpers');

let server, api;
before(async () => {
  process.env.POISE_SANDBOX_CNP_BPS = '100';
  process.env.POISE_SANDBOX_CNP_FIXED = '0';
  server = await startServer();
  api = client(server.base);
});
after(async () => { await server.stop(); });

test('configured card-not-present pricing', async () => {
  const p = createAccount(server, 'Fees');
  const clinic = (await api('POST', '/v1/clinics', { key: p.key, body: { name: 'Main' } })).body;
  assert.equal((await api('POST', '/v1/pos_settings/activate', { key: p.key,
    body: { gateway: 'sandbox', merchant_mode: 'single' } })).status, 200);
  for (const [amount, fee] of [[10000, 100], [12350, 124], [12349, 123]]) {
    const tok = (await api('POST', '/sandbox/v1/tokens', { key: p.key,
      body: { number: '4242424242424242', exp_month: 12, exp_year: 2031, cvc: '123' } })).body.id;
    const r = await api('POST', '/v1/payments', { key: p.key, headers: { 'idempotency-key': crypto.randomUUID() },
      body: { amount, currency: 'USD', clinic: clinic.id, source: { type: 'token', token: tok } } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.fee, fee, `1% of ${amount}, half up`);
  }
});
