#!/usr/bin/env node
// bench/pay_setup.js - get an account ready for the payments benchmark:
// a clinic, POS on the sandbox gateway, and N one-time card tokens from
// the sandbox's card field (4242 4242 4242 4242), written one per line to
// TOKENS_FILE. Prints the clinic id.
//
// Usage: node bench/pay_setup.js BASE_URL API_KEY N TOKENS_FILE
'use strict';
const fs = require('node:fs');

const [base, key, nArg, file] = process.argv.slice(2);
const n = Number(nArg);
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

async function post(p, body) {
  const r = await fetch(base + p, { method: 'POST', headers, body: JSON.stringify(body) });
  const j = await r.json();
  if (r.status >= 300) throw new Error(`${p}: ${r.status} ${JSON.stringify(j)}`);
  return j;
}

async function main() {
  const clinic = await post('/v1/clinics', { name: 'Bench clinic', timezone: 'America/Chicago' });
  await post('/v1/pos_settings/activate', { gateway: 'sandbox', merchant_mode: 'single' });
  const tokens = new Array(n);
  let next = 0;
  async function worker() {
    while (next < n) {
      const i = next++;
      tokens[i] = (await post('/sandbox/v1/tokens',
        { number: '4242424242424242', exp_month: 12, exp_year: 2031, cvc: '123' })).id;
    }
  }
  await Promise.all(Array.from({ length: 32 }, worker));
  fs.writeFileSync(file, tokens.join('\n') + '\n');
  console.log(clinic.id);
}

main().catch((e) => { console.error(e.message); process.exit(1); });
