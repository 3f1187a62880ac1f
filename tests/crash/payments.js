#!/usr/bin/env node
// Crash storm: card payments with Idempotency-Keys while the server is
// killed with SIGKILL at random moments. Every request that got no answer
// is retried with its key (and the same body) after the restart. In the
// end every key must have exactly one charge at the sandbox processor and
// one payment in Poise, nothing may be left pending, and `poise check`
// (audit chain and ledger) must pass.
//
// Usage: node tests/crash/payments.js [--kills N] [--workers N] [--seed S]
// Engine: POISE_TEST_ENGINE=postgres with scripts/with-postgres, else SQLite.
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const { BIN, ENGINE, arg, rand, freeDb, freePort, cli, start, caller } = require('./lib');

const KILLS = arg('--kills', 20);
const WORKERS = arg('--workers', 16);

async function main() {
  const db = freeDb();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const owner = JSON.parse(cli(['accounts', 'create', '--name', 'Crash Practice', '--email',
    `crash-${process.pid}@test.example`, '--password-stdin'], db.url, 'correct horse battery\n'));
  let server = await start(db.url, port);
  const call = caller(base, owner.api_key.secret);
  const clinic = (await call('POST', '/v1/clinics', { name: 'Main', timezone: 'America/Chicago' })).body.id;
  const act = await call('POST', '/v1/pos_settings/activate', { gateway: 'sandbox', merchant_mode: 'single' });
  if (act.status !== 200) throw new Error('activate: ' + JSON.stringify(act.body));

  const keys = new Map(); // key -> {body, answer}
  let up = true;
  let stopping = false;
  // One worker: tokenize, pay with a fresh key; an unanswered request
  // stays in `keys` without an answer and is retried after the restart.
  async function worker() {
    while (!stopping) {
      if (!up) { await new Promise((r) => setTimeout(r, 20)); continue; }
      const number = rand() < 0.15 ? '4000000000000002' : '4242424242424242';
      let tok;
      try {
        tok = await call('POST', '/sandbox/v1/tokens', { number, exp_month: 12, exp_year: 2031, cvc: '123' });
      } catch { continue; }
      if (tok.status !== 201) continue;
      const key = crypto.randomUUID();
      const body = { amount: 100 + Math.floor(rand() * 100000), currency: 'USD', clinic, source: { type: 'token', token: tok.body.id } };
      keys.set(key, { body, answer: null });
      await attempt(key);
    }
  }
  async function attempt(key) {
    const k = keys.get(key);
    try {
      const r = await call('POST', '/v1/payments', k.body, { 'idempotency-key': key });
      if (r.status === 201 || r.status === 402) k.answer = r;
      else if (r.status !== 409 && r.status !== 503 && r.status !== 502) throw new Error(`unexpected ${r.status} ${JSON.stringify(r.body)}`);
    } catch (e) {
      if (e.message.startsWith('unexpected')) throw e;
    }
  }
  const workers = Array.from({ length: WORKERS }, worker);
  for (let i = 0; i < KILLS; i++) {
    await new Promise((r) => setTimeout(r, 50 + rand() * 400));
    up = false;
    server.kill('SIGKILL');
    await server.dead;
    server = await start(db.url, port);
    up = true;
    // Retry every unanswered key with its own key and body until answered.
    for (let round = 0; round < 50; round++) {
      const open = [...keys.keys()].filter((k) => keys.get(k).answer === null);
      if (open.length === 0) break;
      await Promise.all(open.map(attempt));
    }
    process.stdout.write(`kill ${i + 1}/${KILLS}: ${keys.size} keys\n`);
  }
  stopping = true;
  await Promise.all(workers);
  for (let round = 0; round < 50; round++) {
    const open = [...keys.keys()].filter((k) => keys.get(k).answer === null);
    if (open.length === 0) break;
    await Promise.all(open.map(attempt));
  }
  // Recovery: a burst killed in flight and never retried; `poise jobs
  // run-once` (no server running) must finish every payment left pending
  // by asking the sandbox for the charge made with its key.
  const burst = [];
  for (let i = 0; i < 64; i++) {
    let tok;
    try { tok = await call('POST', '/sandbox/v1/tokens', { number: '4242424242424242', exp_month: 12, exp_year: 2031, cvc: '123' }); } catch { break; }
    const key = crypto.randomUUID();
    keys.set(key, { body: { amount: 777, currency: 'USD', clinic, source: { type: 'token', token: tok.body.id } }, answer: null });
    burst.push(key);
  }
  // And refunds of earlier payments, in the same burst.
  const refunds = [];
  for (const k of keys.values()) {
    if (refunds.length >= 32) break;
    if (k.answer && k.answer.status === 201 && k.answer.body.status === 'succeeded')
      refunds.push({ payment: k.answer.body.id, amount: k.answer.body.amount, key: crypto.randomUUID(), answer: null });
  }
  const refund = async (r) => {
    try {
      const res = await call('POST', '/v1/refunds', { payment: r.payment, amount: r.amount }, { 'idempotency-key': r.key });
      if (res.status === 201) r.answer = res;
    } catch { /* killed: retried below */ }
  };
  const inflight = [...burst.map(attempt), ...refunds.map(refund)];
  await new Promise((r) => setTimeout(r, 5 + rand() * 30));
  server.kill('SIGKILL');
  await server.dead;
  await Promise.all(inflight);
  const recovered = execFileSync(BIN, ['jobs', 'run-once', '--db', db.url], {
    env: { ...process.env, POISE_PAYMENT_RECOVER_AFTER_MS: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  void recovered;
  server = await start(db.url, port);
  let pendingAfterRecovery = 0;
  for (let after = ''; ;) {
    const r = await call('GET', `/v1/payments?limit=100&status=pending${after ? '&starting_after=' + after : ''}`);
    pendingAfterRecovery += r.body.data.length;
    if (!r.body.has_more) break;
    after = r.body.data[r.body.data.length - 1].id;
  }
  const burstOpen = burst.filter((k) => keys.get(k).answer === null).length;
  const refundsOpen = refunds.filter((r) => r.answer === null).length;
  let refundProblems = 0;
  for (const r of refunds) {
    if (r.answer === null) await refund(r); // the recovered refund, or made now
    const g = await call('GET', `/v1/payments/${r.payment}`);
    const pendingRefunds = g.body.refunds.filter((x) => x.status === 'pending').length;
    if (r.answer === null || r.answer.body.status !== 'succeeded' || pendingRefunds !== 0 ||
        g.body.amount_refunded !== r.amount || g.body.refunds.length !== 1) refundProblems++;
  }
  for (const k of burst.filter((k) => keys.get(k).answer === null)) {
    const r = await call('POST', '/v1/payments', keys.get(k).body, { 'idempotency-key': k });
    keys.get(k).answer = r; // the recovered outcome, or a fresh one
  }

  // Verify: one payment per key, one charge per key (none for a payment
  // recovery found the gateway never charged), nothing pending.
  const unanswered = [...keys.values()].filter((k) => k.answer === null).length;
  const payIds = new Set();
  const abandoned = new Set();
  for (const [key, k] of keys.entries()) {
    if (k.answer.status === 400 && k.answer.body.error.code === 'payment_abandoned') {
      abandoned.add(key);
      continue;
    }
    if (k.answer.status !== 201 && k.answer.status !== 402) throw new Error('answer ' + JSON.stringify(k.answer));
    const p = k.answer.status === 201 ? k.answer.body : k.answer.body.error.payment;
    if (payIds.has(p.id)) throw new Error('two keys answered with one payment ' + p.id);
    payIds.add(p.id);
  }
  let payments = 0;
  let pending = 0;
  for (let after = ''; ;) {
    const r = await call('GET', `/v1/payments?limit=100${after ? '&starting_after=' + after : ''}`);
    payments += r.body.data.length;
    pending += r.body.data.filter((p) => p.status === 'pending').length;
    if (!r.body.has_more) break;
    after = r.body.data[r.body.data.length - 1].id;
  }
  const charges = { data: [], keys_with_many_charges: 0 };
  for (let offset = 0; ; offset += 1000) {
    const r = await call('GET', `/sandbox/v1/charges?limit=1000&offset=${offset}`);
    if (!r.body.data) throw new Error('charges: ' + JSON.stringify(r.body));
    charges.data.push(...r.body.data);
    charges.keys_with_many_charges = r.body.keys_with_many_charges;
    if (!r.body.has_more) break;
  }
  const gwKey = (k) => 'pay_' + crypto.createHash('sha256').update(`pay:${owner.account.id}:${k}`).digest('hex');
  const byKey = new Map();
  for (const c of charges.data) byKey.set(c.idempotency_key, (byKey.get(c.idempotency_key) || 0) + 1);
  const missing = [...keys.keys()].filter((k) => byKey.get(gwKey(k)) !== (abandoned.has(k) ? undefined : 1)).length;
  server.kill('SIGTERM');
  await server.dead;
  const checked = cli(['check'], db.url);
  const report = { engine: ENGINE, kills: KILLS, keys: keys.size, payments, charges: charges.data.length,
    keys_with_many_charges: charges.keys_with_many_charges, keys_without_one_charge: missing, unanswered, pending,
    recovery: { burst: burst.length, unanswered_at_kill: burstOpen, pending_after_recovery: pendingAfterRecovery, abandoned: abandoned.size,
      refunds: refunds.length, refunds_unanswered_at_kill: refundsOpen, refund_problems: refundProblems } };
  console.log(JSON.stringify(report));
  db.cleanup();
  const ok = unanswered === 0 && pending === 0 && pendingAfterRecovery === 0 && refundProblems === 0 && payments === keys.size &&
    charges.data.length === keys.size - abandoned.size && charges.keys_with_many_charges === 0 && missing === 0;
  if (!ok) { console.error('FAILED', checked); process.exit(1); }
  console.log('ok: every key has exactly one charge and one payment (none for ' + abandoned.size +
    ' abandoned before the gateway); recovery left nothing pending; poise check passed');
}

main().catch((e) => { console.error(e); process.exit(1); });
