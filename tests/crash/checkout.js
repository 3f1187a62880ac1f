#!/usr/bin/env node
// Crash storm at the front desk: invoices of 3 lines paid by card + cash
// (some cards decline) while the server is killed with SIGKILL at random
// moments. Unanswered payments are retried with their key and body after
// each restart; a last burst is killed in flight and left to the recovery
// pass (`poise jobs run-once`). In the end no invoice is paid twice or
// half-recorded: each is paid in full by exactly its two tenders, or not
// at all (a card leg the kill cut off before the gateway is abandoned by
// recovery: nothing charged, the invoice unpaid, the checkout answering
// 400 payment_abandoned); no card hold is left open and no payment pending; every card leg
// has at most one charge at the sandbox; the drawer holds exactly the
// cash of the tenders; and `poise check` (ledger, audit, invoices) passes.
//
// Usage: node tests/crash/checkout.js [--kills N] [--workers N] [--seed S]
// Engine: POISE_TEST_ENGINE=postgres with scripts/with-postgres, else SQLite.
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const { BIN, ENGINE, arg, rand, freeDb, freePort, cli, start, caller, all } = require('./lib');

const KILLS = arg('--kills', 10);
const WORKERS = arg('--workers', 8);
const FLOAT = 50000;

async function main() {
  const db = freeDb();
  const port = await freePort();
  const owner = JSON.parse(cli(['accounts', 'create', '--name', 'Crash Desk', '--email',
    `desk-${process.pid}@test.example`, '--password-stdin'], db.url, 'correct horse battery\n'));
  let server = await start(db.url, port);
  const call = caller(`http://127.0.0.1:${port}`, owner.api_key.secret);
  const must = async (method, p, body) => {
    const r = await call(method, p, body, { 'idempotency-key': crypto.randomUUID() });
    if (r.status >= 300) throw new Error(`${p}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const clinic = (await must('POST', '/v1/clinics', { name: 'Main', tax_rate_bps: 825, timezone: 'America/Chicago' })).id;
  const items = [];
  for (const [name, price] of [['Botox', 24000], ['Peel', 15000], ['Filler', 65000]])
    items.push((await must('POST', '/v1/services', { name, price })).id);
  await must('POST', '/v1/pos_settings/activate', { gateway: 'sandbox', merchant_mode: 'single' });
  const drawer = (await must('POST', '/v1/cash_drawers', { clinic, register: 'front-1', opening_float: FLOAT })).id;

  const keys = new Map(); // key -> {invoice, total, body, answer}
  let up = true;
  let stopping = false;
  async function newCheckout(number) {
    const inv = await call('POST', '/v1/invoices', { clinic, provider: owner.user.id, lines: items.map((item) => ({ item, quantity: 1 + Math.floor(rand() * 2) })) });
    if (inv.status !== 201) return null;
    const tok = await call('POST', '/sandbox/v1/tokens', { number, exp_month: 12, exp_year: 2031, cvc: '123' });
    if (tok.status !== 201) return null;
    const card = Math.floor(inv.body.total / 2);
    const body = { tenders: [
      { method: 'card', amount: card, tip: 500, token: tok.body.id },
      { method: 'cash', amount: inv.body.total - card + 1000, register: 'front-1' }] };
    const key = crypto.randomUUID();
    keys.set(key, { invoice: inv.body.id, total: inv.body.total, body, answer: null });
    return key;
  }
  async function attempt(key) {
    const k = keys.get(key);
    try {
      const r = await call('POST', `/v1/invoices/${k.invoice}/payments`, k.body, { 'idempotency-key': key });
      // A card leg the kill cut off before it reached the gateway is
      // abandoned by the recovery pass (nothing charged): an answer too.
      if (r.status === 201 || r.status === 402 ||
          (r.status === 400 && r.body.error.code === 'payment_abandoned')) k.answer = r;
      else if (![409, 502, 503].includes(r.status)) throw new Error(`unexpected ${r.status} ${JSON.stringify(r.body)}`);
    } catch (e) {
      if (e.message.startsWith('unexpected')) throw e;
    }
  }
  async function worker() {
    while (!stopping) {
      if (!up) { await new Promise((r) => setTimeout(r, 20)); continue; }
      let key;
      try {
        key = await newCheckout(rand() < 0.15 ? '4000000000000002' : '4242424242424242');
      } catch { continue; }
      if (key) await attempt(key);
    }
  }
  const retryOpen = async () => {
    for (let round = 0; round < 50; round++) {
      const open = [...keys.keys()].filter((k) => keys.get(k).answer === null);
      if (open.length === 0) return;
      await Promise.all(open.map(attempt));
    }
  };

  const workers = Array.from({ length: WORKERS }, worker);
  for (let i = 0; i < KILLS; i++) {
    await new Promise((r) => setTimeout(r, 100 + rand() * 500));
    up = false;
    server.kill('SIGKILL');
    await server.dead;
    server = await start(db.url, port);
    up = true;
    await retryOpen();
    process.stdout.write(`kill ${i + 1}/${KILLS}: ${keys.size} checkouts\n`);
  }
  stopping = true;
  await Promise.all(workers);
  await retryOpen();

  // The burst: killed in flight, never retried before recovery runs.
  const burst = [];
  for (let i = 0; i < 24; i++) {
    const key = await newCheckout('4242424242424242');
    if (key) burst.push(key);
  }
  const inflight = burst.map(attempt);
  await new Promise((r) => setTimeout(r, 5 + rand() * 40));
  server.kill('SIGKILL');
  await server.dead;
  await Promise.all(inflight);
  const openAtKill = burst.filter((k) => keys.get(k).answer === null).length;
  execFileSync(BIN, ['jobs', 'run-once', '--db', db.url], {
    env: { ...process.env, POISE_PAYMENT_RECOVER_AFTER_MS: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  server = await start(db.url, port);
  // What recovery left behind, before any retry touches it.
  const holds = (await all(call, '/v1/payments?status=requires_capture')).length;
  const pending = (await all(call, '/v1/payments?status=pending')).length;
  await retryOpen(); // a checkout recovery finished answers as it ended

  const problems = [];
  let paid = 0;
  let declined = 0;
  let abandoned = 0;
  let cashIn = 0;
  for (const [key, k] of keys.entries()) {
    const inv = (await call('GET', `/v1/invoices/${k.invoice}`)).body;
    const a = k.answer;
    if (a === null) { problems.push(`${key}: no answer`); continue; }
    if (a.status === 201) {
      paid++;
      if (inv.status !== 'paid' || inv.amount_paid !== k.total || inv.tenders.length !== 2 || inv.tip !== 500)
        problems.push(`${k.invoice}: answered paid but ${inv.status} ${inv.amount_paid}/${k.total} with ${inv.tenders.length} tenders`);
      for (const t of inv.tenders) if (t.method === 'cash') cashIn += t.amount + t.tip;
    } else {
      if (a.status === 400) abandoned++;
      else declined++;
      if (inv.amount_paid !== 0 || inv.tenders.length !== 0)
        problems.push(`${k.invoice}: ${a.body.error.code} but ${inv.status} with ${inv.amount_paid} paid`);
    }
  }
  const charges = (await call('GET', '/sandbox/v1/charges?limit=1000')).body;
  const cash = (await call('GET', `/v1/cash_drawers/${drawer}`)).body.cash_balance;
  if (cash !== FLOAT + cashIn) problems.push(`drawer holds ${cash}, tenders say ${FLOAT + cashIn}`);
  server.kill('SIGTERM');
  await server.dead;
  let checked;
  try { checked = cli(['check'], db.url); } catch (e) { checked = e.stdout.toString(); problems.push('poise check failed'); }
  const report = { engine: ENGINE, kills: KILLS, checkouts: keys.size, paid, declined, abandoned,
    burst: burst.length, burst_open_at_kill: openAtKill, holds_after_recovery: holds, pending_after_recovery: pending,
    keys_with_many_charges: charges.keys_with_many_charges, problems: problems.length };
  console.log(JSON.stringify(report));
  db.cleanup();
  if (holds !== 0 || pending !== 0 || charges.keys_with_many_charges !== 0 || problems.length > 0) {
    console.error('FAILED', problems.slice(0, 20), checked);
    process.exit(1);
  }
  console.log('ok: no invoice paid twice or half-recorded; no hold or pending payment left; ' +
    'one charge per card leg; the drawer matches its tenders; poise check passed');
}

main().catch((e) => { console.error(e); process.exit(1); });
