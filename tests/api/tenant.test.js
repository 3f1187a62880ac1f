// Tenant isolation, generated from the route table: every route that takes
// an id is called by account B with account A's ids and must answer 404
// (never 403, never data). A route added to routes.def without a factory
// below fails this test, so new routes are covered by construction.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, startServer, createAccount, client, assertError } = require('./helpers');

let server, api, a, b;
// Both accounts take card payments on the sandbox, so a refusal can only
// come from the id, never from POS being off.
async function posOn(acct) {
  await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'Main', timezone: 'America/Chicago' } });
  const r = await api('POST', '/v1/pos_settings/activate', { key: acct.key, body: { gateway: 'sandbox', merchant_mode: 'single' } });
  assert.equal(r.status, 200, r.text);
  const bank = await api('POST', '/v1/bank_accounts', { key: acct.key, body: {
    holder_name: 'Owner', routing_number: '110000000', account_number: '000123456789' } });
  assert.equal(bank.status, 201, bank.text);
}
before(async () => {
  server = await startServer();
  api = client(server.base);
  a = createAccount(server, 'Tenant A');
  b = createAccount(server, 'Tenant B');
  await posOn(a);
  await posOn(b);
});
after(async () => { await server.stop(); });

function routesWithIds() {
  const text = fs.readFileSync(path.join(ROOT, 'src/http/routes.def'), 'utf8');
  const re = /^ROUTE\((\w+),\s*"([^"]+)",\s*(\w+),\s*(\w+),\s*([^,]+),/gm;
  const out = [];
  for (const m of text.matchAll(re)) {
    if (m[2].includes(':') && !m[5].includes('RF_PUBLIC')) out.push({ method: m[1], path: m[2], handler: m[3] });
  }
  return out;
}

const seq = () => Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
const idem = () => ({ 'idempotency-key': 'tenant-' + seq() });
async function clinicOf(acct) {
  return (await api('GET', '/v1/clinics', { key: acct.key })).body.data[0].id;
}
async function tokenOf(acct, number = '4242424242424242') {
  return (await api('POST', '/sandbox/v1/tokens', { key: acct.key, body: { number, exp_month: 12, exp_year: 2031, cvc: '123' } })).body.id;
}
async function paymentOf(acct, number) {
  const r = await api('POST', '/v1/payments', { key: acct.key, headers: idem(), body: {
    amount: 2500, currency: 'USD', clinic: await clinicOf(acct), capture: false, source: { type: 'token', token: await tokenOf(acct, number) } } });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}
async function readerOf(acct) {
  return (await api('POST', '/v1/card_readers', { key: acct.key, body: { clinic: await clinicOf(acct), serial_number: 'SER-' + seq() } })).body;
}
// A settled day with a disputed payment: one payout and one dispute, made once.
let settled;
async function settledDay(acct) {
  if (!settled) {
    const id = await paymentOf(acct, '4000000000000259');
    await api('POST', `/v1/payments/${id}/capture`, { key: acct.key, headers: idem(), body: {} });
    await api('POST', '/sandbox/v1/test_clock/advance', { key: acct.key, body: { seconds: 3 * 86400 } });
    settled = {
      payout: (await api('GET', '/v1/payouts', { key: acct.key })).body.data[0].id,
      dispute: (await api('GET', '/v1/disputes', { key: acct.key })).body.data[0].id,
    };
  }
  return settled;
}

async function membershipTier(acct) {
  const prog = (await api('POST', '/v1/membership_programs', { key: acct.key, body: { name: 'Club' } })).body.id;
  return (await api('POST', `/v1/membership_programs/${prog}/tiers`, { key: acct.key, body: { name: 'Gold', monthly_fee: 1000, setup_fee: 500 } })).body;
}

// Factories: create an object in account `acct` and return its id.
const factories = {
  clinics: async (acct) => (await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'C' } })).body.id,
  categories: async (acct) => (await api('POST', '/v1/categories', { key: acct.key, body: { name: 'Cat' } })).body.id,
  services: async (acct) => (await api('POST', '/v1/services', { key: acct.key, body: { name: 'S', price: 100 } })).body.id,
  products: async (acct) => (await api('POST', '/v1/products', { key: acct.key, body: { name: 'P', sku: 'SKU-' + Date.now() + Math.random().toString(36).slice(2, 6), price: 100, cost: 50 } })).body.id,
  patients: async (acct) => (await api('POST', '/v1/patients', { key: acct.key, body: { first_name: 'Pat', last_name: 'Ient' } })).body.id,
  users: async (acct) => (await api('POST', '/v1/users', { key: acct.key, body: { email: `u${Date.now()}${Math.random().toString(36).slice(2, 6)}@t.example`, name: 'U', role: 'front_desk' } })).body.id,
  api_keys: async (acct) => (await api('POST', '/v1/api_keys', { key: acct.key, body: { name: 'K' } })).body.id,
  payments: (acct) => paymentOf(acct),
  refunds: async (acct) => {
    const id = await paymentOf(acct);
    await api('POST', `/v1/payments/${id}/capture`, { key: acct.key, headers: idem(), body: {} });
    return (await api('POST', '/v1/refunds', { key: acct.key, headers: idem(), body: { payment: id, amount: 100 } })).body.id;
  },
  bank_accounts: async (acct) => (await api('POST', '/v1/bank_accounts', { key: acct.key, body: {
    holder_name: 'Owner', routing_number: '110000000', account_number: '000555566667' } })).body.id,
  card_readers: async (acct) => (await readerOf(acct)).id,
  sandbox_readers: async (acct) => (await readerOf(acct)).serial_number,
  cards: async (acct) => {
    const pat = await factories.patients(acct);
    return (await api('POST', `/v1/patients/${pat}/cards`, { key: acct.key, body: { token: await tokenOf(acct) } })).body.id;
  },
  invoices: async (acct) => {
    const svc = (await api('POST', '/v1/services', { key: acct.key, body: { name: 'S', price: 100 } })).body.id;
    return (await api('POST', '/v1/invoices', { key: acct.key, body: { clinic: await clinicOf(acct), lines: [{ item: svc, quantity: 1 }] } })).body.id;
  },
  payouts: async (acct) => (await settledDay(acct)).payout,
  disputes: async (acct) => (await settledDay(acct)).dispute,
  // Cherry connected once per account; later calls find that connection.
  financing_connections: async (acct) => {
    const r = await api('POST', '/v1/financing_connections', { key: acct.key, body: {
      provider: 'cherry', merchant_id: 'chy-tenant', mode: 'sandbox' } });
    if (r.status === 201) return r.body.id;
    const list = (await api('GET', '/v1/financing_connections', { key: acct.key })).body.data;
    return list.find((c) => c.provider === 'cherry' && c.status === 'connected').id;
  },
  promotions: async (acct) => {
    const svc = await factories.services(acct);
    return (await api('POST', '/v1/promotions', { key: acct.key, body: { name: 'Promo', kind: 'group', items: [svc], discount: { percent_bps: 1000 } } })).body.id;
  },
  quick_buttons: async (acct) => {
    const svc = await factories.services(acct);
    return (await api('POST', '/v1/quick_buttons', { key: acct.key, body: { name: 'Group', items: [{ item: svc }] } })).body.id;
  },
  membership_programs: async (acct) => (await api('POST', '/v1/membership_programs', { key: acct.key, body: { name: 'Club' } })).body.id,
  membership_tiers: async (acct) => (await membershipTier(acct)).id,
  memberships: async (acct) => {
    const pat = await factories.patients(acct);
    const tier = await membershipTier(acct);
    const card = (await api('POST', `/v1/patients/${pat}/cards`, { key: acct.key, body: { token: await tokenOf(acct) } })).body.id;
    const r = await api('POST', '/v1/memberships', { key: acct.key, headers: idem(), body: { patient: pat, tier: tier.id, card, clinic: await clinicOf(acct) } });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  },
  messages: async (acct) => {
    const inv = await factories.invoices(acct);
    const r = await api('POST', `/v1/invoices/${inv}/send_receipt`, { key: acct.key, body: { email: 'patient@tenant.example' } });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  },
  cash_drawers: async (acct) => {
    const clinic = await factories.clinics(acct);
    return (await api('POST', '/v1/cash_drawers', { key: acct.key, headers: idem(),
      body: { clinic, register: 'r1', opening_float: 1000 } })).body.id;
  },
};
// A valid body for routes that require members, so only the id can fail.
const validBodies = {
  '/v1/products/:id/stock/:clinic': { quantity: 1 },
  '/v1/card_readers/:id/process_payment': { payment: { amount: 100, currency: 'USD' } },
  '/v1/disputes/:id/evidence': { evidence: { uncategorized_text: 'x' } },
  '/sandbox/v1/readers/:serial/present_card': { number: '4242424242424242' },
  '/v1/patients/:id/cards': { token: 'tok_x' },
  '/v1/invoices/:id/change_provider': { provider: 'usr_00000000000000000000000000' },
  '/v1/cash_drawers/:id/movements': { direction: 'in', amount: 100, reason: 'change' },
  '/v1/cash_drawers/:id/close': { counted: 0 },
  '/v1/membership_programs/:id/tiers': { name: 'Gold', monthly_fee: 1000 },
  '/v1/invoices/:id/send_receipt': { email: 'patient@tenant.example' },
};
// Parameters other than the first ":id" in a path, resolved in the caller's own account.
const ownParams = { clinic: 'clinics', card: 'cards' };

test('every id route answers 404 to another account', async () => {
  const routes = routesWithIds();
  assert.ok(routes.length >= 10, 'routes parsed: ' + routes.length);
  for (const r of routes) {
    const parts = r.path.split('/');
    const resource = parts[1] === 'sandbox' ? 'sandbox_' + parts[3] : parts[2];
    const make = factories[resource];
    assert.ok(make, `no tenant-test factory for ${r.method} ${r.path}: add one`);
    const foreignId = await make(a);
    assert.ok(foreignId, `factory for ${resource} made an object`);
    let p = r.path.replace(/:\w+/, foreignId);
    for (const [name, res] of Object.entries(ownParams)) {
      if (p.includes(':' + name)) p = p.replace(':' + name, await factories[res](b));
    }
    assert.ok(!p.includes(':'), 'all params bound: ' + p);
    const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : (validBodies[r.path] || {});
    const res = await api(r.method, p, { key: b.key, body, headers: r.method === 'POST' ? idem() : {} });
    assertError(res, 404, undefined);
    assert.ok(!res.text.includes(a.accountId), `${r.method} ${r.path} leaks nothing`);
    // And the owner can still reach it (the id was real).
    if (r.method === 'GET') {
      const own = await api('GET', p.replace(/\/stock\/.*/, ''), { key: a.key });
      assert.equal(own.status, 200, `${p} exists for its owner`);
    }
  }
});

test('lists never show another account\'s objects', async () => {
  await factories.clinics(a);
  await factories.patients(a);
  await factories.payments(a);
  await factories.card_readers(a);
  await factories.cash_drawers(a);
  await factories.financing_connections(a);
  await factories.promotions(a);
  await factories.quick_buttons(a);
  await factories.memberships(a);
  await factories.messages(a);
  await api('PATCH', '/v1/invoice_settings', { key: a.key, body: { disclaimer: 'Tenant A ' + a.accountId } });
  await settledDay(a);
  for (const p of ['/v1/clinics', '/v1/patients', '/v1/users', '/v1/api_keys', '/v1/audit_events', '/v1/services', '/v1/products', '/v1/categories',
    '/v1/invoices', '/v1/payments', '/v1/payouts', '/v1/disputes', '/v1/bank_accounts', '/v1/card_readers', '/v1/fee_statements', '/v1/merchant_accounts', '/v1/cash_drawers', '/v1/promotions', '/v1/quick_buttons', '/v1/invoice_settings', '/sandbox/v1/charges',
    '/v1/financing_connections', '/v1/membership_programs', '/v1/memberships', '/v1/messages']) {
    const r = await api('GET', p + '?limit=100', { key: b.key });
    assert.equal(r.status, 200, p + ': ' + r.text);
    assert.ok(!r.text.includes(a.accountId) && !r.text.includes(a.userId), p + ' leaks nothing');
  }
});
