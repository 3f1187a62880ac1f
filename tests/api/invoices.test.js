// POST /v1/invoices/preview: an invoice priced from the catalog by the
// pricing engine (docs/pricing.md) without saving anything — member of
// every role from front desk up, exact to the cent, discount authority,
// and every bad input refused with the member named.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, createAccount, client, assertError, signIn } = require('./helpers');

let server, api, p;
before(async () => {
  server = await startServer();
  api = client(server.base);
  p = createAccount(server, 'Preview Practice');
  p.clinic = (await api('POST', '/v1/clinics', { key: p.key, body: { name: 'Main', tax_rate_bps: 825 } })).body;
  p.botox = (await api('POST', '/v1/services', { key: p.key, body: { name: 'Botox 20u', price: 24000 } })).body;
  p.serum = (await api('POST', '/v1/products', { key: p.key, body: { name: 'Serum', sku: 'SER-1', price: 8999, cost: 3000 } })).body;
  const fdEmail = `fd-${Date.now()}@t.example`;
  p.front = (await api('POST', '/v1/users', { key: p.key, body: { email: fdEmail, name: 'Front', role: 'front_desk', password: 'front desk password' } })).body;
  p.prov = (await api('POST', '/v1/users', { key: p.key, body: { email: `pr-${Date.now()}@t.example`, name: 'Prov', role: 'provider' } })).body;
  p.frontSession = await signIn(server.base, fdEmail, 'front desk password');
});
after(async () => { await server.stop(); });

const preview = (body, session) => api('POST', '/v1/invoices/preview', session
  ? { headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, body: { clinic: p.clinic.id, ...body } }
  : { key: p.key, body: { clinic: p.clinic.id, ...body } });

test('lines priced from the catalog; tax on taxable lines only; totals are the sum of the parts', async () => {
  assert.equal(p.botox.taxable, false);
  assert.equal(p.serum.taxable, true);
  const r = await preview({ lines: [{ item: p.botox.id, quantity: 1 }, { item: p.serum.id, quantity: 2 }] });
  assert.equal(r.status, 200, r.text);
  const [a, b] = r.body.lines;
  assert.deepEqual([a.unit_price, a.gross, a.tax, a.total], [24000, 24000, 0, 24000]);
  // 2 x 89.99 = 179.98; 8.25% = 14.84835 -> 14.85 (half up).
  assert.deepEqual([b.unit_price, b.gross, b.tax, b.total], [8999, 17998, 1485, 19483]);
  assert.equal(r.body.net, 41998);
  assert.equal(r.body.tax, 1485);
  assert.equal(r.body.total, 43483);
  assert.equal(r.body.currency, 'USD');
});

test('line and invoice discounts, allocated exactly; tips split to the cent', async () => {
  const r = await preview({
    lines: [{ item: p.botox.id, quantity: 1, discount: { amount: 1000 } }, { item: p.serum.id, quantity: 1 }],
    discount: { percent_bps: 1000 },
    tips: { amount: 1000, split: 'equal', providers: [{ provider: p.prov.id }, { provider: p.front.id }, { provider: p.userId }] },
  });
  assert.equal(r.status, 200, r.text);
  const [a, b] = r.body.lines;
  assert.equal(a.line_discount, 1000);
  assert.equal(a.invoice_discount + b.invoice_discount, r.body.discount - 1000, 'shares sum to the invoice discount');
  assert.equal(r.body.net, a.net + b.net);
  assert.equal(r.body.tax, a.tax + b.tax);
  assert.deepEqual(r.body.tips.map((t) => t.amount), [334, 333, 333]);
  assert.equal(r.body.total, r.body.net + r.body.tax + r.body.tip);
});

test('discount authority: front desk limited to 20%, the head admin is not', async () => {
  const body = { lines: [{ item: p.botox.id, quantity: 1, discount: { percent_bps: 2500 } }] };
  assertError(await preview(body, p.frontSession), 403, 'discount_limit_exceeded');
  assert.equal((await preview({ lines: [{ item: p.botox.id, quantity: 1, discount: { percent_bps: 2000 } }] }, p.frontSession)).status, 200);
  const admin = await preview(body);
  assert.equal(admin.status, 200, admin.text);
  assert.equal(admin.body.lines[0].net, 18000);
});

test('bad input names the member', async () => {
  assertError(await preview({ lines: [] }), 400, undefined, 'lines');
  assertError(await preview({}), 400, 'parameter_missing', 'lines');
  assertError(await preview({ lines: [{ item: p.botox.id, quantity: 0 }] }), 400, undefined, 'lines[0].quantity');
  assertError(await preview({ lines: [{ item: p.botox.id, quantity: 1.5 }] }), 400, undefined, 'lines[0].quantity');
  assertError(await preview({ lines: [{ item: p.botox.id, quantity: 1 }, { item: 'srv_00000000000000000000000000', quantity: 1 }] }), 400, undefined, 'lines[1].item');
  assertError(await preview({ lines: [{ item: p.botox.id, quantity: 1, discount: { percent_bps: 10001 } }] }), 400, undefined, 'lines[0].discount.percent_bps');
  assertError(await preview({ lines: [{ item: p.botox.id, quantity: 1, discount: { percent_bps: 10, amount: 5 } }] }), 400, undefined, 'lines[0].discount');
  assertError(await preview({ lines: [{ item: p.botox.id, quantity: 1 }], discount: { amount: -1 } }), 400, undefined, 'discount.amount');
  assertError(await preview({ lines: [{ item: p.botox.id, quantity: 1 }], tips: { amount: 100, providers: [{ provider: 'usr_00000000000000000000000000' }] } }), 400, undefined, 'tips.providers');
  assertError(await preview({ lines: [{ item: p.botox.id, quantity: 1 }], tips: { amount: 100, split: 'percent', providers: [{ provider: p.prov.id, share: 5000 }] } }), 400);
  assertError(await api('POST', '/v1/invoices/preview', { key: p.key, body: { clinic: 'cln_00000000000000000000000000', lines: [{ item: p.botox.id, quantity: 1 }] } }), 404, undefined, 'clinic');
  const other = createAccount(server, 'Other');
  const oc = (await api('POST', '/v1/clinics', { key: other.key, body: { name: 'O' } })).body;
  assertError(await api('POST', '/v1/invoices/preview', { key: other.key, body: { clinic: oc.id, lines: [{ item: p.botox.id, quantity: 1 }] } }), 400, undefined, 'lines[0].item');
});
