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

test('invoices: create priced from the catalog, get, list, delete a draft', async () => {
  const r = await api('POST', '/v1/invoices', { key: p.key, body: { clinic: p.clinic.id, provider: p.prov.id,
    lines: [{ item: p.serum.id, quantity: 2 }, { item: p.botox.id, quantity: 1, discount: { percent_bps: 1000 } }] } });
  assert.equal(r.status, 201, r.text);
  assert.match(r.body.id, /^inv_/);
  assert.equal(r.body.status, 'draft');
  assert.equal(r.body.number, null);
  assert.equal(r.body.lines.length, 2);
  assert.equal(r.body.lines[1].net, 21600);
  assert.equal(r.body.total, r.body.lines.reduce((s, l) => s + l.total, 0));
  assert.equal(r.body.amount_due, r.body.total);
  const g = await api('GET', `/v1/invoices/${r.body.id}`, { key: p.key });
  const { tenders, tips, refunds, ...detail } = g.body;
  assert.deepEqual([tenders, tips, refunds], [[], [], []], 'the detail lists what paid it: nothing yet');
  assert.deepEqual(detail, r.body);
  const q = await api('POST', '/v1/invoices', { key: p.key, body: { clinic: p.clinic.id, kind: 'quote', lines: [{ item: p.botox.id, quantity: 2 }] } });
  assert.equal(q.body.status, 'quote');
  const list = await api('GET', '/v1/invoices?status=quote', { key: p.key });
  assert.deepEqual(list.body.data.map((x) => x.id), [q.body.id]);
  assert.equal((await api('DELETE', `/v1/invoices/${q.body.id}`, { key: p.key })).status, 200);
  assertError(await api('GET', `/v1/invoices/${q.body.id}`, { key: p.key }), 404);
  assertError(await api('POST', '/v1/invoices', { key: p.key, body: { clinic: p.clinic.id, kind: 'bill', lines: [{ item: p.botox.id, quantity: 1 }] } }), 400, undefined, 'kind');
  assertError(await api('POST', '/v1/invoices', { key: p.key, body: { clinic: p.clinic.id, provider: 'usr_00000000000000000000000000', lines: [{ item: p.botox.id, quantity: 1 }] } }), 404, undefined, 'provider');
  const big = await api('POST', '/v1/invoices', { key: p.key, body: { clinic: p.clinic.id, lines: [{ item: p.botox.id, quantity: 1, discount: { percent_bps: 3000 } }] } });
  assert.equal(big.status, 201, 'the head admin has no discount limit: ' + big.text);
  const fd = await api('POST', '/v1/invoices', { headers: { cookie: p.frontSession.cookie, 'x-csrf-token': p.frontSession.csrf },
    body: { clinic: p.clinic.id, lines: [{ item: p.botox.id, quantity: 1, discount: { percent_bps: 3000 } }] } });
  assertError(fd, 403, 'discount_limit_exceeded');
});

test('finalize numbers each clinic\'s invoices without gaps, also when many finalize at once', async () => {
  const mk = async () => (await api('POST', '/v1/invoices', { key: p.key, body: { clinic: p.clinic.id, lines: [{ item: p.botox.id, quantity: 1 }] } })).body.id;
  const ids = [];
  for (let i = 0; i < 12; i++) ids.push(await mk());
  const rs = await Promise.all(ids.map((id) => api('POST', `/v1/invoices/${id}/finalize`, { key: p.key })));
  assert.deepEqual(rs.map((r) => r.status), rs.map(() => 200), rs.map((r) => r.text).join('\n'));
  const numbers = rs.map((r) => r.body.number).sort();
  const first = Number(numbers[0].split('-')[1]);
  assert.match(numbers[0], /^MAI-\d{6}$/, 'three letters of the clinic, six digits');
  assert.deepEqual(numbers.map((n) => Number(n.split('-')[1])), numbers.map((_, i) => first + i), 'consecutive, no gaps');
  assert.equal(rs[0].body.status, 'open');
  assertError(await api('POST', `/v1/invoices/${ids[0]}/finalize`, { key: p.key }), 409, 'invoice_not_draft');
  assertError(await api('DELETE', `/v1/invoices/${ids[0]}`, { key: p.key }), 409, 'invoice_not_draft');
  // A quote finalizes into an invoice too.
  const q = (await api('POST', '/v1/invoices', { key: p.key, body: { clinic: p.clinic.id, kind: 'quote', lines: [{ item: p.botox.id, quantity: 1 }] } })).body;
  const fq = await api('POST', `/v1/invoices/${q.id}/finalize`, { key: p.key });
  assert.equal(fq.body.kind, 'invoice');
  assert.equal(Number(fq.body.number.split('-')[1]), first + numbers.length);
});

test('a draft changes and is priced again; the front-desk queue; quotes convert; providers change', async () => {
  const body = { clinic: p.clinic.id, provider: p.prov.id, lines: [{ item: p.botox.id, quantity: 1 }] };
  const d = (await api('POST', '/v1/invoices', { key: p.key, body })).body;
  const u = await api('PATCH', `/v1/invoices/${d.id}`, { key: p.key, body: {
    lines: [{ item: p.botox.id, quantity: 2 }, { item: p.serum.id, quantity: 1 }], discount: { amount: 500 } } });
  assert.equal(u.status, 200, u.text);
  assert.equal(u.body.lines.length, 2);
  assert.equal(u.body.discount_total, 500);
  assert.equal(u.body.total, u.body.lines.reduce((s, l) => s + l.total, 0));
  const u2 = await api('PATCH', `/v1/invoices/${d.id}`, { key: p.key, body: { discount: null } });
  assert.equal(u2.body.discount, null);
  assert.equal(u2.body.lines.length, 2, 'the lines are kept');
  assert.equal(u2.body.discount_total, 0);
  assertError(await api('PATCH', `/v1/invoices/${d.id}`, { key: p.key, body: { lines: [] } }), 400, undefined, 'lines');
  // The provider sends it to the front desk; it waits in the clinic's queue.
  assert.equal(d.queued, null, 'not at the desk before it is sent');
  const sent = await api('POST', `/v1/invoices/${d.id}/send_to_front_desk`, { key: p.key });
  assert.equal(sent.status, 200, sent.text);
  assert.ok(sent.body.queued > 0, 'the invoice says since when it waits at the desk');
  const queue = await api('GET', `/v1/front_desk_queue?clinic=${p.clinic.id}`, { key: p.key });
  assert.ok(queue.body.data.some((x) => x.id === d.id && x.queued > 0));
  assertError(await api('GET', '/v1/front_desk_queue', { key: p.key }), 400, 'parameter_missing', 'clinic');
  // Finalized: no more changes.
  await api('POST', `/v1/invoices/${d.id}/finalize`, { key: p.key });
  assertError(await api('PATCH', `/v1/invoices/${d.id}`, { key: p.key, body: { discount: null } }), 409, 'invoice_not_draft');
  // A quote is not checked out until it converts.
  const q = (await api('POST', '/v1/invoices', { key: p.key, body: { ...body, kind: 'quote' } })).body;
  assertError(await api('POST', `/v1/invoices/${q.id}/send_to_front_desk`, { key: p.key }), 409, 'invoice_not_payable');
  const c = await api('POST', `/v1/invoices/${q.id}/convert`, { key: p.key });
  assert.deepEqual([c.body.kind, c.body.status, c.body.total], ['invoice', 'draft', q.total]);
  assertError(await api('POST', `/v1/invoices/${q.id}/convert`, { key: p.key }), 409, 'invoice_not_quote');
  const cp = await api('POST', `/v1/invoices/${q.id}/change_provider`, { key: p.key, body: { provider: p.front.id } });
  assert.equal(cp.body.provider, p.front.id);
  assertError(await api('POST', `/v1/invoices/${q.id}/change_provider`, { key: p.key, body: { provider: 'usr_00000000000000000000000000' } }), 404, undefined, 'provider');
  assertError(await api('POST', `/v1/invoices/${q.id}/change_provider`, { key: p.key, body: {} }), 400, 'parameter_missing', 'provider');
});

test('void an unpaid invoice; what a patient owes', async () => {
  const pat = (await api('POST', '/v1/patients', { key: p.key, body: { first_name: 'Owe', last_name: 'Money' } })).body;
  const mk = async (qty) => {
    const d = (await api('POST', '/v1/invoices', { key: p.key, body: { clinic: p.clinic.id, patient: pat.id, lines: [{ item: p.serum.id, quantity: qty }] } })).body;
    return (await api('POST', `/v1/invoices/${d.id}/finalize`, { key: p.key })).body;
  };
  const zero = await api('GET', `/v1/patients/${pat.id}/balance`, { key: p.key });
  assert.deepEqual([zero.body.owed, zero.body.open_invoices], [0, 0]);
  const a = await mk(1);
  const b = await mk(2);
  const bal = await api('GET', `/v1/patients/${pat.id}/balance`, { key: p.key });
  assert.deepEqual([bal.body.owed, bal.body.open_invoices, bal.body.currency], [a.total + b.total, 2, 'USD']);
  const v = await api('POST', `/v1/invoices/${a.id}/void`, { key: p.key });
  assert.equal(v.status, 200, v.text);
  assert.equal(v.body.status, 'void');
  assert.equal(v.body.number, a.number, 'a void invoice keeps its number');
  assertError(await api('POST', `/v1/invoices/${a.id}/void`, { key: p.key }), 409, 'invoice_not_voidable');
  const q = (await api('POST', '/v1/invoices', { key: p.key, body: { clinic: p.clinic.id, kind: 'quote', lines: [{ item: p.serum.id, quantity: 1 }] } })).body;
  assertError(await api('POST', `/v1/invoices/${q.id}/void`, { key: p.key }), 409, 'invoice_not_voidable');
  assertError(await api('POST', `/v1/invoices/${b.id}/void`, { headers: { cookie: p.frontSession.cookie, 'x-csrf-token': p.frontSession.csrf } }), 403);
  const after = await api('GET', `/v1/patients/${pat.id}/balance`, { key: p.key });
  assert.deepEqual([after.body.owed, after.body.open_invoices], [b.total, 1]);
  assertError(await api('GET', '/v1/patients/pat_00000000000000000000000000/balance', { key: p.key }), 404);
});

test('an invoice says where it came from: procedure, treatment plan or quick pay', async () => {
  const mk = (body) => api('POST', '/v1/invoices', { key: p.key, body: { clinic: p.clinic.id, lines: [{ item: p.botox.id, quantity: 1 }], ...body } });
  assert.equal((await mk({})).body.source, 'quick_pay');
  const r = await mk({ source: 'procedure' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.source, 'procedure');
  assert.equal((await api('GET', `/v1/invoices/${r.body.id}`, { key: p.key })).body.source, 'procedure');
  assert.equal((await mk({ source: 'treatment_plan' })).body.source, 'treatment_plan');
  assertError(await mk({ source: 'walk_in' }), 400, 'parameter_invalid', 'source');
});
