// Shared by the checkout tests: a practice ready to check out (clinic at
// 8.25% tax, POS on the sandbox, a patient, two providers, a service, a
// counted product, an open drawer) and the calls they make.
'use strict';
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { createAccount } = require('./helpers');

const BIN = path.resolve(__dirname, '..', '..', process.env.POISE_BIN || 'build/poise-san');

function checkoutKit(server, api) {
  const key = () => crypto.randomUUID();

  // A practice: one clinic at 8.25% tax, POS on the sandbox, a patient, two
  // providers, a service, a counted product, and an open drawer at front-1.
  async function practice(name, { drawer = true } = {}) {
    const p = createAccount(server, name);
    const post = async (url, body) => {
      const r = await api('POST', url, { key: p.key, headers: { 'idempotency-key': key() }, body });
      assert.ok(r.status === 200 || r.status === 201, `${url}: ${r.text}`);
      return r.body;
    };
    p.clinic = await post('/v1/clinics', { name: 'Glow Chicago', tax_rate_bps: 825, timezone: 'America/Chicago' });
    p.patient = await post('/v1/patients', { first_name: 'Ava', last_name: 'Stone' });
    p.botox = await post('/v1/services', { name: 'Botox 20u', price: 24000 });
    p.serum = await post('/v1/products', { name: 'Serum', sku: 'SER-' + key().slice(0, 6), price: 8999, cost: 3000 });
    const stock = await api('PUT', `/v1/products/${p.serum.id}/stock/${p.clinic.id}`, { key: p.key, body: { quantity: 5 } });
    assert.equal(stock.status, 200, stock.text);
    p.prov1 = await post('/v1/users', { email: `p1-${key()}@t.example`, name: 'Dr. One', role: 'provider' });
    p.prov2 = await post('/v1/users', { email: `p2-${key()}@t.example`, name: 'Dr. Two', role: 'provider' });
    const act = await api('POST', '/v1/pos_settings/activate', { key: p.key, body: { gateway: 'sandbox', merchant_mode: 'single' } });
    assert.equal(act.status, 200, act.text);
    if (drawer)
      p.drawer = await post('/v1/cash_drawers', { clinic: p.clinic.id, register: 'front-1', opening_float: 10000 });
    return p;
  }

  // An open invoice: Botox + 2 serums = 240.00 + 179.98 + 14.85 tax = 434.83.
  async function invoice(p, { finalize = true, lines } = {}) {
    const r = await api('POST', '/v1/invoices', { key: p.key, body: {
      clinic: p.clinic.id, patient: p.patient.id, provider: p.prov1.id,
      lines: lines || [{ item: p.botox.id, quantity: 1 }, { item: p.serum.id, quantity: 2 }] } });
    assert.equal(r.status, 201, r.text);
    if (!finalize)
      return r.body;
    const f = await api('POST', `/v1/invoices/${r.body.id}/finalize`, { key: p.key, body: {} });
    assert.equal(f.status, 200, f.text);
    return f.body;
  }

  async function token(p, number = '4242424242424242') {
    const r = await api('POST', '/sandbox/v1/tokens', { key: p.key,
      body: { number, exp_month: 12, exp_year: 2031, cvc: '123' } });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  }

  const payInvoice = (p, id, body, k = key()) => api('POST', `/v1/invoices/${id}/payments`,
    { key: p.key, headers: { 'idempotency-key': k }, body });
  const getInvoice = async (p, id) => (await api('GET', `/v1/invoices/${id}`, { key: p.key })).body;
  const drawerCash = async (p) => (await api('GET', `/v1/cash_drawers/${p.drawer.id}`, { key: p.key })).body;
  const stockOf = async (p) => {
    const r = await api('GET', `/v1/products/${p.serum.id}`, { key: p.key });
    return (r.body.stock || []).find((s) => s.clinic === p.clinic.id)?.quantity;
  };
  const payments = async (p) => (await api('GET', '/v1/payments?limit=100', { key: p.key })).body.data;

  function check(db) {
    return execFileSync(BIN, ['check', '--db', db], {
      env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' }, stdio: 'pipe' }).toString();
  }

  return { key, practice, invoice, token, payInvoice, getInvoice, drawerCash, stockOf, payments, check };
}

module.exports = { checkoutKit };
