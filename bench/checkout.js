#!/usr/bin/env node
// bench/checkout.js - checkouts per second over HTTP. One checkout is what
// the front desk does: POST /v1/invoices with 3 lines, then POST
// /v1/invoices/:id/payments with a card (sandbox token, captured) and
// cash with change, each with its own Idempotency-Key. CONNS checkouts
// run at once, each on its own keep-alive connection, for SECONDS; the
// latency is the whole checkout's (both requests).
//
// Usage: node bench/checkout.js BASE_URL API_KEY SECONDS CONNS [COUNT]
//   With COUNT, run exactly COUNT checkouts one at a time instead, for
//   counting syncs: after the set-up it prints "ready" and waits for a line
//   on stdin before it starts.
// Prints one JSON line: {checkouts, seconds, per_s, p50_ms, p99_ms, errors}.
// Set-up (a clinic at 8.25% tax, 3 services, POS on the sandbox, an open
// drawer at register "front-1", one card token per checkout) is done
// first and not timed.
'use strict';
const http = require('node:http');
const crypto = require('node:crypto');

const [base, key, secondsArg, connsArg, countArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const conns = Number(connsArg);
const count = countArg ? Number(countArg) : 0;
const url = new URL(base);
const agent = new http.Agent({ keepAlive: true, maxSockets: conns });

function call(method, path, body, idem) {
  const data = body ? JSON.stringify(body) : '';
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json',
    'content-length': Buffer.byteLength(data) };
  if (idem) headers['idempotency-key'] = idem;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode, body: text ? JSON.parse(text) : null });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

async function must(method, path, body) {
  const r = await call(method, path, body, crypto.randomUUID());
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function setup(tokensNeeded) {
  const clinic = await must('POST', '/v1/clinics', { name: 'Bench checkout', tax_rate_bps: 825, timezone: 'America/Chicago' });
  const items = [];
  for (const [name, price] of [['Botox 20u', 24000], ['Peel', 15000], ['Filler', 65000]])
    items.push((await must('POST', '/v1/services', { name, price, taxable: true })).id);
  await must('POST', '/v1/pos_settings/activate', { gateway: 'sandbox', merchant_mode: 'single' });
  await must('POST', '/v1/cash_drawers', { clinic: clinic.id, register: 'front-1', opening_float: 10000 });
  const tokens = [];
  let next = 0;
  async function worker() {
    while (next < tokensNeeded) {
      next++;
      tokens.push((await must('POST', '/sandbox/v1/tokens',
        { number: '4242424242424242', exp_month: 12, exp_year: 2031, cvc: '123' })).id);
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker));
  return { clinic: clinic.id, items, tokens };
}

async function checkout(s) {
  const inv = await call('POST', '/v1/invoices', { clinic: s.clinic,
    lines: s.items.map((item) => ({ item, quantity: 1 })) }, crypto.randomUUID());
  if (inv.status !== 201) return false;
  const tok = s.tokens.pop();
  if (!tok) return false;
  const total = inv.body.total;
  const card = total - 5000;
  const pay = await call('POST', `/v1/invoices/${inv.body.id}/payments`, { tenders: [
    { method: 'card', amount: card, token: tok },
    { method: 'cash', amount: 6000, register: 'front-1' }] }, crypto.randomUUID());
  return pay.status === 201 && pay.body.invoice.status === 'paid';
}

function pct(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function main() {
  // Tokens: a generous guess of what the run can use (they are cheap).
  const s = await setup(count || Math.max(2000, seconds * 1500));
  if (count) {
    process.stdout.write('ready\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
    process.stdin.pause();
  }
  const lat = [];
  let errors = 0;
  let done = 0;
  const t0 = process.hrtime.bigint();
  const until = t0 + BigInt(Math.round(seconds * 1e9));
  async function loop() {
    for (;;) {
      if (count ? done + errors >= count : process.hrtime.bigint() >= until) return;
      if (s.tokens.length === 0) return;
      const a = process.hrtime.bigint();
      let ok = false;
      try { ok = await checkout(s); } catch { ok = false; }
      if (ok) { done++; lat.push(Number(process.hrtime.bigint() - a) / 1e6); } else errors++;
    }
  }
  await Promise.all(Array.from({ length: count ? 1 : conns }, loop));
  const took = Number(process.hrtime.bigint() - t0) / 1e9;
  lat.sort((x, y) => x - y);
  console.log(JSON.stringify({ checkouts: done, seconds: Math.round(took * 100) / 100,
    per_s: Math.round(done / took), p50_ms: Math.round(pct(lat, 0.5) * 100) / 100,
    p99_ms: Math.round(pct(lat, 0.99) * 100) / 100, errors }));
  agent.destroy();
}

main().catch((e) => { console.error(e.message); process.exit(1); });
