// The Clearent gateway end to end against the local stand-in
// (tests/standin/clearent.js): activation for an all-US practice, a sale
// with a Clearent token (made at Clearent's tokenization endpoint, as its
// hosted field would), a decline with its reason, and a refund.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const path = require('node:path');
const { startServer, createAccount, client, assertError } = require('./helpers');

let standin, standinUrl, server, api, p;

before(async () => {
  standin = spawn(process.execPath, [path.join(__dirname, '..', 'standin', 'clearent.js'), '0'],
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
  process.env.POISE_CLEARENT_API_URL = standinUrl;
  process.env.POISE_CLEARENT_API_KEY = 'clearent_test_key';
  server = await startServer();
  api = client(server.base);
  p = createAccount(server, 'Clearent Practice');
  p.clinic = (await api('POST', '/v1/clinics', { key: p.key, body: { name: 'Main', timezone: 'America/Chicago' } })).body;
  const act = await api('POST', '/v1/pos_settings/activate', { key: p.key, body: { gateway: 'clearent', merchant_mode: 'single' } });
  assert.equal(act.status, 200, act.text);
});
after(async () => {
  await server.stop();
  standin.kill();
});

async function clearentToken(card) {
  const r = await fetch(standinUrl + '/rest/v2/tokens', { method: 'POST',
    headers: { 'api-key': 'clearent_test_key', 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ card, 'exp-date': '1231' }) });
  const j = await r.json();
  assert.equal(r.status, 200, JSON.stringify(j));
  return j.payload.tokenResponse ? j.payload.tokenResponse['token-id'] : j.payload['token-id'] || JSON.stringify(j);
}

const pay = (body) => api('POST', '/v1/payments', { key: p.key,
  headers: { 'idempotency-key': crypto.randomUUID() }, body: { currency: 'USD', clinic: p.clinic.id, ...body } });

test('a sale, a decline and a refund through Clearent', async () => {
  const ok = await pay({ amount: 4550, source: { type: 'token', token: await clearentToken('4242424242424242') } });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.status, 'succeeded');
  assert.equal(ok.body.amount_captured, 4550);
  const no = await pay({ amount: 1000, source: { type: 'token', token: await clearentToken('4000000000009995') } });
  const e = assertError(no, 402);
  assert.equal(e.payment.status, 'failed');
  const rf = await api('POST', '/v1/refunds', { key: p.key, headers: { 'idempotency-key': crypto.randomUUID() },
    body: { payment: ok.body.id, amount: 1050 } });
  assert.equal(rf.status, 201, rf.text);
  assert.equal(rf.body.status, 'succeeded');
  const g = await api('GET', `/v1/payments/${ok.body.id}`, { key: p.key });
  assert.equal(g.body.amount_refunded, 1050);
});
