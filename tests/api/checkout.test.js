// Paying invoices: POST /v1/invoices/:id/payments with split tenders (card
// by token, card on file, a reader payment; cash with change; check;
// external), tips split over providers, all or nothing on a decline, the
// two-clerks race, never overpaid, stock leaving the shelf, idempotent
// retries — over HTTP, on SQLite and on PostgreSQL (POISE_TEST_ENGINE).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startServer, client, assertError } = require('./helpers');
const { checkoutKit } = require('./checkout_kit');

let server, api;
let key, practice, invoice, token, payInvoice, getInvoice, drawerCash, stockOf, payments, check;
before(async () => {
  server = await startServer();
  api = client(server.base);
  ({ key, practice, invoice, token, payInvoice, getInvoice, drawerCash, stockOf, payments, check } = checkoutKit(server, api));
});
after(async () => { await server.stop(); });

test('split tender: card + cash with change, a tip split over two providers; paid, stock out, drawer in', async () => {
  const p = await practice('Split');
  const inv = await invoice(p);
  assert.equal(inv.total, 43483);
  const k = key();
  const body = {
    tenders: [
      { method: 'card', amount: 30000, tip: 2000, token: await token(p) },
      { method: 'cash', amount: 15000, tip: 1001, register: 'front-1' },
    ],
    tips: { split: 'equal', providers: [{ provider: p.prov1.id }, { provider: p.prov2.id }] },
  };
  const r = await payInvoice(p, inv.id, body, k);
  assert.equal(r.status, 201, r.text);
  // Cash: 150.00 handed over, 10.01 of it a tip; 134.83 owed after the card.
  assert.equal(r.body.amount, 43483);
  assert.equal(r.body.tip, 3001);
  assert.equal(r.body.change_due, 15000 - 1001 - 13483);
  assert.equal(r.body.invoice.status, 'paid');
  assert.equal(r.body.invoice.amount_due, 0);
  assert.equal(r.body.invoice.tip, 3001);
  const [card, cash] = r.body.tenders;
  assert.deepEqual([card.method, card.amount, card.tip, card.card.last4, card.card.brand], ['card', 30000, 2000, '4242', 'visa']);
  assert.deepEqual([cash.method, cash.amount, cash.tip, cash.received, cash.change], ['cash', 13483, 1001, 15000, 516]);
  assert.deepEqual(r.body.tips.map((t) => [t.provider, t.amount]).sort(),
    [[p.prov1.id, 1501], [p.prov2.id, 1500]].sort());
  // The card leg is one captured payment of amount + tip.
  const pay = (await api('GET', `/v1/payments/${card.payment}`, { key: p.key })).body;
  assert.equal(pay.status, 'succeeded');
  assert.equal(pay.amount_captured, 32000);
  // The drawer took what stayed in it: the cash applied plus its tip.
  const d = await drawerCash(p);
  assert.equal(d.cash_balance, 10000 + 13483 + 1001);
  assert.equal(await stockOf(p), 3, 'two serums left the shelf');
  // A retry answers the same and changes nothing.
  const again = await payInvoice(p, inv.id, body, k);
  assert.equal(again.status, 201, again.text);
  assert.equal(again.body.id, r.body.id);
  assert.equal((await payments(p)).length, 1);
  assert.equal((await drawerCash(p)).cash_balance, d.cash_balance);
  // The invoice shows what paid it; a paid invoice takes no more.
  const g = await getInvoice(p, inv.id);
  assert.equal(g.tenders.length, 2);
  assert.equal(g.tips.length, 2);
  assertError(await payInvoice(p, inv.id, { tenders: [{ method: 'check', amount: 100, reference: '1001' }] }), 409, 'invoice_not_payable');
  assert.match(check(server.db), /ok|OK|passed/i);
});

test('a decline anywhere pays nothing: the other holds are released and the 402 names the tender', async () => {
  const p = await practice('Decline');
  const inv = await invoice(p);
  const k = key();
  const body = { tenders: [
    { method: 'card', amount: 20000, token: await token(p) },
    { method: 'card', amount: 23483, token: await token(p, '4000000000000002') },
  ] };
  const r = await payInvoice(p, inv.id, body, k);
  assertError(r, 402, 'card_declined', 'tenders[1]');
  const g = await getInvoice(p, inv.id);
  assert.equal(g.status, 'open');
  assert.equal(g.amount_paid, 0);
  assert.deepEqual(g.tenders, []);
  const ps = await payments(p);
  assert.deepEqual(ps.map((x) => x.status).sort(), ['canceled', 'failed']);
  assert.equal(await stockOf(p), 5);
  // The same request again answers the same, without touching a card.
  assertError(await payInvoice(p, inv.id, body, k), 402, 'card_declined', 'tenders[1]');
  assert.equal((await payments(p)).length, 2);
  // A new attempt with a good card goes through.
  const ok = await payInvoice(p, inv.id, { tenders: [{ method: 'card', amount: 43483, token: await token(p) }] });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.invoice.status, 'paid');
});

test('partial payments, check and external tenders; a draft is finalized when paid', async () => {
  const p = await practice('Partial');
  const inv = await invoice(p, { finalize: false });
  assert.equal(inv.status, 'draft');
  const a = await payInvoice(p, inv.id, { tenders: [{ method: 'check', amount: 10000, reference: 'CHK 1042' }] });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.body.invoice.status, 'partially_paid');
  assert.match(a.body.invoice.number, /^GLO-\d{6}$/);
  assert.equal(a.body.invoice.amount_due, 33483);
  assert.equal(await stockOf(p), 5, 'stock moves when paid in full');
  const bal = (await api('GET', `/v1/patients/${p.patient.id}/balance`, { key: p.key })).body;
  assert.equal(bal.owed, 33483);
  const b = await payInvoice(p, inv.id, { tenders: [{ method: 'external', amount: 33483, reference: 'CareCredit 88' }] });
  assert.equal(b.status, 201, b.text);
  assert.equal(b.body.invoice.status, 'paid');
  assert.equal(await stockOf(p), 3);
  assert.deepEqual((await getInvoice(p, inv.id)).tenders.map((t) => [t.method, t.amount, t.reference]),
    [['check', 10000, 'CHK 1042'], ['external', 33483, 'CareCredit 88']]);
});

test('card on file and a reader payment authorized first are tenders too', async () => {
  const p = await practice('Sources');
  const inv = await invoice(p);
  const card = await api('POST', `/v1/patients/${p.patient.id}/cards`, { key: p.key,
    headers: { 'idempotency-key': key() }, body: { token: await token(p, '5555555555554444') } });
  assert.equal(card.status, 201, card.text);
  await api('POST', '/v1/card_readers', { key: p.key, body: { clinic: p.clinic.id, serial_number: 'WSC-1', label: 'Desk' } });
  const rd = (await api('GET', '/v1/card_readers', { key: p.key })).body.data[0];
  const held = await api('POST', `/v1/card_readers/${rd.id}/process_payment`, { key: p.key,
    headers: { 'idempotency-key': key() }, body: { payment: { amount: 13483, currency: 'USD', patient: p.patient.id, capture: false } } });
  assert.equal(held.status, 201, held.text);
  const tap = await api('POST', '/sandbox/v1/readers/WSC-1/present_card', { key: p.key, body: { number: '378282246310005' } });
  assert.equal(tap.status, 200, tap.text);
  assert.equal((await api('GET', `/v1/payments/${held.body.id}`, { key: p.key })).body.status, 'requires_capture');
  // A reader payment of another amount is refused, changing nothing.
  assertError(await payInvoice(p, inv.id, { tenders: [{ method: 'card', amount: 100, payment: held.body.id }] }), 422, 'payment_mismatch', 'tenders[0].payment');
  const r = await payInvoice(p, inv.id, { tenders: [
    { method: 'card', amount: 30000, card: card.body.id },
    { method: 'card', amount: 13483, payment: held.body.id },
  ] });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.body.tenders.map((t) => t.card.brand), ['mastercard', 'amex']);
  assert.equal((await api('GET', `/v1/payments/${held.body.id}`, { key: p.key })).body.status, 'succeeded');
  // The reader payment paid this invoice; it cannot pay another.
  const inv2 = await invoice(p);
  assertError(await payInvoice(p, inv2.id, { tenders: [{ method: 'card', amount: 13483, payment: held.body.id }] }), 409, 'payment_used');
});

test('two clerks paying one invoice at once: one wins, the other gets 409; never overpaid', async () => {
  const p = await practice('Race');
  for (let round = 0; round < 3; round++) {
    const inv = await invoice(p, { lines: [{ item: p.botox.id, quantity: 1 }] });
    const tries = await Promise.all([0, 1].map(async () => payInvoice(p, inv.id,
      { tenders: [{ method: 'card', amount: inv.total, token: await token(p) }] })));
    const codes = tries.map((t) => t.status).sort();
    assert.deepEqual(codes, [201, 409], tries.map((t) => t.text).join('\n'));
    const lost = tries.find((t) => t.status === 409);
    assert.ok(['invoice_payment_in_progress', 'invoice_not_payable'].includes(lost.body.error.code), lost.text);
    const g = await getInvoice(p, inv.id);
    assert.equal(g.amount_paid, inv.total);
    assert.equal(g.tenders.length, 1);
  }
  const captured = (await payments(p)).filter((x) => x.status === 'succeeded');
  assert.equal(captured.length, 3, 'one captured payment per invoice');
});

test('bad input is refused with the member named and changes nothing', async () => {
  const p = await practice('Bad Input');
  const inv = await invoice(p);
  const tok = await token(p);
  const cases = [
    [{}, 400, 'parameter_missing', 'tenders'],
    [{ tenders: [] }, 400, undefined, 'tenders'],
    [{ tenders: [{ method: 'bitcoin', amount: 100 }] }, 400, 'parameter_invalid', 'tenders[0].method'],
    [{ tenders: [{ method: 'card', amount: 100 }] }, 400, 'parameter_missing', 'tenders[0]'],
    [{ tenders: [{ method: 'card', amount: 0, token: tok }] }, 400, undefined, 'tenders[0].amount'],
    [{ tenders: [{ method: 'card', amount: 100, number: '4242424242424242' }] }, 400, undefined, 'tenders[0].number'],
    [{ tenders: [{ method: 'cash', amount: 100 }] }, 400, 'parameter_missing', 'tenders[0].register'],
    [{ tenders: [{ method: 'check', amount: 100 }] }, 400, 'parameter_missing', 'tenders[0].reference'],
    [{ tenders: [{ method: 'check', amount: 43484, reference: '1' }] }, 422, 'amount_exceeds_balance', 'tenders'],
    [{ tenders: [{ method: 'cash', amount: 100, register: 'front-1' }, { method: 'cash', amount: 100, register: 'front-1' }] }, 400, 'parameter_invalid', 'tenders[1].method'],
    [{ tenders: [{ method: 'cash', amount: 100, tip: 200, register: 'front-1' }] }, 400, 'parameter_invalid', 'tenders[0].tip'],
    [{ tenders: [{ method: 'cash', amount: 100, register: 'back-9' }] }, 409, 'no_open_drawer', 'tenders[0].register'],
    [{ tenders: [{ method: 'check', amount: 100, tip: 50, reference: '1' }], tips: { providers: [{ provider: 'usr_nope' }] } }, 400, 'parameter_invalid', 'tips.providers'],
    [{ tenders: [{ method: 'check', amount: 100, tip: 50, reference: '1' }], tips: { split: 'amount', providers: [{ provider: p.prov1.id, share: 10 }] } }, 400, undefined, 'tips.shares'],
  ];
  for (const [body, status, code, param] of cases)
    assertError(await payInvoice(p, inv.id, body), status, code, param);
  assertError(await api('POST', `/v1/invoices/${inv.id}/payments`, { key: p.key,
    body: { tenders: [{ method: 'check', amount: 100, reference: '1' }] } }), 400, 'parameter_missing', 'Idempotency-Key');
  const g = await getInvoice(p, inv.id);
  assert.equal(g.amount_paid, 0);
  assert.deepEqual(g.tenders, []);
  assert.equal((await payments(p)).length, 0);
  assert.equal((await drawerCash(p)).cash_balance, 10000);
  // Not payable: a quote, a void invoice; nor another account's invoice.
  const q = await api('POST', '/v1/invoices', { key: p.key, body: { clinic: p.clinic.id, kind: 'quote', lines: [{ item: p.botox.id, quantity: 1 }] } });
  assertError(await payInvoice(p, q.body.id, { tenders: [{ method: 'check', amount: 100, reference: '1' }] }), 409, 'invoice_not_payable');
  const v = await invoice(p);
  assert.equal((await api('POST', `/v1/invoices/${v.id}/void`, { key: p.key, body: {} })).status, 200);
  assertError(await payInvoice(p, v.id, { tenders: [{ method: 'check', amount: 100, reference: '1' }] }), 409, 'invoice_not_payable');
  const other = await practice('Other Account', { drawer: false });
  assertError(await payInvoice(other, inv.id, { tenders: [{ method: 'check', amount: 100, reference: '1' }] }), 404);
});

test('not enough stock: refused before any card is touched', async () => {
  const p = await practice('Stock');
  const inv = await invoice(p, { lines: [{ item: p.serum.id, quantity: 6 }] });
  assertError(await payInvoice(p, inv.id, { tenders: [{ method: 'card', amount: inv.total, token: await token(p) }] }), 422, 'insufficient_stock');
  assert.equal((await getInvoice(p, inv.id)).amount_paid, 0);
  assert.equal(await stockOf(p), 5);
});

const refund = (p, id, body, k = key()) => api('POST', `/v1/invoices/${id}/refunds`,
  { key: p.key, headers: { 'idempotency-key': k }, body });

test('refunds go back to the tenders that paid, tax and tips in proportion, exact to the cent; restock', async () => {
  const p = await practice('Refunds');
  const inv = await invoice(p);
  const paid = await payInvoice(p, inv.id, { tenders: [
    { method: 'card', amount: 30000, tip: 2000, token: await token(p) },
    { method: 'cash', amount: 15000, tip: 1001, register: 'front-1' }] });
  assert.equal(paid.status, 201, paid.text);
  const [cardT] = paid.body.tenders;
  assert.equal(await stockOf(p), 3);
  // One of the two serums: net 179.98 / 2 = 89.99; tax 14.85 / 2 = 7.425 -> 7.43.
  const k = key();
  const r1 = await refund(p, inv.id, { lines: [{ line: 2, quantity: 1 }], restock: true, reason: 'allergy' }, k);
  assert.equal(r1.status, 201, r1.text);
  assert.deepEqual([r1.body.net, r1.body.tax, r1.body.amount], [8999, 743, 9742]);
  // Tips: 30.01 * 97.42 / 434.83 = 6.7235 -> 6.72.
  assert.equal(r1.body.tip, 672);
  // Over the tenders by what each paid (300.00 and 134.83), largest remainder.
  assert.deepEqual(r1.body.tenders.map((t) => [t.amount, t.tip]).sort(), [[3021, 224], [6721, 448]].sort());
  assert.equal(r1.body.invoice.status, 'partially_refunded');
  assert.equal(r1.body.invoice.amount_refunded, 9742);
  assert.equal(r1.body.invoice.lines[1].refunded_quantity, 1);
  assert.equal(await stockOf(p), 4, 'restocked');
  const pay1 = (await api('GET', `/v1/payments/${cardT.payment}`, { key: p.key })).body;
  assert.equal(pay1.amount_refunded, 6721 + 448);
  assert.equal((await drawerCash(p)).cash_balance, 10000 + 13483 + 1001 - 3021 - 224);
  // A retry answers the same refund and moves nothing.
  const again = await refund(p, inv.id, { lines: [{ line: 2, quantity: 1 }], restock: true, reason: 'allergy' }, k);
  assert.equal(again.status, 201, again.text);
  assert.equal(again.body.id, r1.body.id);
  assert.equal((await api('GET', `/v1/payments/${cardT.payment}`, { key: p.key })).body.amount_refunded, 7169);
  // Everything else: every cent and every tip back, nothing over.
  const r2 = await refund(p, inv.id, { lines: [{ line: 1, quantity: 1 }, { line: 2, quantity: 1 }] });
  assert.equal(r2.status, 201, r2.text);
  assert.equal(r2.body.amount, 43483 - 9742);
  assert.equal(r2.body.tip, 3001 - 672);
  const g = await getInvoice(p, inv.id);
  assert.equal(g.status, 'refunded');
  assert.equal(g.amount_refunded, 43483);
  assert.equal(g.tip_refunded, 3001);
  assert.deepEqual(g.tenders.map((t) => [t.amount_refunded, t.tip_refunded]), [[30000, 2000], [13483, 1001]]);
  assert.deepEqual(g.tips.map((t) => t.refunded), g.tips.map((t) => t.amount));
  assert.equal(g.refunds.length, 2);
  assert.equal((await api('GET', `/v1/payments/${cardT.payment}`, { key: p.key })).body.amount_refunded, 32000);
  assert.equal((await drawerCash(p)).cash_balance, 10000, 'the cash all went back');
  assert.equal(await stockOf(p), 4, 'the second refund did not restock');
  assertError(await refund(p, inv.id, { amount: 1 }), 409, 'invoice_not_refundable');
  assert.match(check(server.db), /check passed/);
});

test('refund by amount, and refunds that ask too much are refused and change nothing', async () => {
  const p = await practice('Refund Rules');
  const unpaid = await invoice(p);
  assertError(await refund(p, unpaid.id, { amount: 100 }), 409, 'invoice_not_refundable');
  const inv = await invoice(p, { lines: [{ item: p.botox.id, quantity: 2 }] });
  const paid = await payInvoice(p, inv.id, { tenders: [{ method: 'check', amount: 30000, reference: '1042' }] });
  assert.equal(paid.body.invoice.status, 'partially_paid');
  const cases = [
    [{}, 400, 'parameter_missing', 'lines'],
    [{ amount: 100, lines: [{ line: 1, quantity: 1 }] }, 400, 'parameter_missing', 'lines'],
    [{ amount: 100, restock: true }, 400, 'parameter_invalid', 'restock'],
    [{ lines: [{ line: 9, quantity: 1 }] }, 400, 'parameter_invalid', 'lines[0].line'],
    [{ lines: [{ line: 1, quantity: 3 }] }, 422, 'refund_exceeds_paid', 'lines[0].quantity'],
    [{ lines: [{ line: 1, quantity: 1 }, { line: 1, quantity: 1 }] }, 400, 'parameter_invalid', 'lines[1].line'],
    // Two Botox are 480.00; only 300.00 was paid.
    [{ lines: [{ line: 1, quantity: 2 }] }, 422, 'refund_exceeds_paid', 'lines'],
    [{ amount: 30001 }, 422, 'refund_exceeds_paid', 'amount'],
    [{ amount: 0 }, 400, undefined, 'amount'],
  ];
  for (const [body, status, code, param] of cases)
    assertError(await refund(p, inv.id, body), status, code, param);
  let g = await getInvoice(p, inv.id);
  assert.equal(g.amount_refunded, 0);
  assert.deepEqual(g.refunds, []);
  const r = await refund(p, inv.id, { amount: 10000, reason: 'goodwill' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.body.amount, r.body.net, r.body.tax, r.body.tip], [10000, 10000, 0, 0]);
  g = await getInvoice(p, inv.id);
  assert.equal(g.status, 'partially_refunded');
  assert.deepEqual(g.tenders.map((t) => t.amount_refunded), [10000]);
  const other = await practice('Refund Other', { drawer: false });
  assertError(await refund(other, inv.id, { amount: 1 }), 404);
});

test('Cherry and Klarna are tenders: approved with a card, a decline releases the card, refunds go back', async () => {
  const p = await practice('Financing');
  const inv = await invoice(p);
  assertError(await payInvoice(p, inv.id, { tenders: [{ method: 'cherry', amount: 10000 }] }), 422, 'financing_not_connected', 'tenders[0].method');
  const c = await api('POST', '/v1/financing_connections', { key: p.key, body: { provider: 'cherry', merchant_id: 'glow-1', mode: 'sandbox' } });
  assert.equal(c.status, 201, c.text);
  // $230.13 ends in .13: Cherry declines the application.
  const no = await payInvoice(p, inv.id, { tenders: [
    { method: 'card', amount: 20470, token: await token(p) },
    { method: 'cherry', amount: 23013 }] });
  assertError(no, 402, 'financing_declined', 'tenders[1]');
  assert.deepEqual((await payments(p)).map((x) => x.status), ['canceled']);
  assert.equal((await getInvoice(p, inv.id)).amount_paid, 0);
  const ok = await payInvoice(p, inv.id, { tenders: [
    { method: 'card', amount: 20483, token: await token(p) },
    { method: 'cherry', amount: 23000 }] });
  assert.equal(ok.status, 201, ok.text);
  const fin = ok.body.tenders[1];
  assert.equal(fin.method, 'cherry');
  assert.ok(fin.reference, 'the connector reference is kept');
  const charges = (await api('GET', '/v1/financing_charges?provider=cherry', { key: p.key })).body.data;
  assert.deepEqual(charges.map((x) => [x.status, x.amount]).sort(), [['approved', 23000], ['declined', 23013]].sort());
  const r = await refund(p, inv.id, { amount: 43483 });
  assert.equal(r.status, 201, r.text);
  const back = (await api('GET', '/v1/financing_charges?provider=cherry', { key: p.key })).body.data.find((x) => x.status === 'approved');
  assert.equal(back.amount_refunded, 23000);
  assert.equal((await getInvoice(p, inv.id)).status, 'refunded');
});

test('void of a paid invoice the same day: card voided (no fee), cash back, stock back; a settled card refuses', async () => {
  const p = await practice('Void Paid');
  const inv = await invoice(p);
  const paid = await payInvoice(p, inv.id, { tenders: [
    { method: 'card', amount: 30000, tip: 1000, token: await token(p) },
    { method: 'cash', amount: 13483, register: 'front-1' }] });
  assert.equal(paid.status, 201, paid.text);
  assert.equal(await stockOf(p), 3);
  assertError(await api('POST', `/v1/invoices/${inv.id}/void`, { key: p.key, body: {} }), 400, 'parameter_missing', 'Idempotency-Key');
  const k = key();
  const v = await api('POST', `/v1/invoices/${inv.id}/void`, { key: p.key, headers: { 'idempotency-key': k }, body: {} });
  assert.equal(v.status, 200, v.text);
  assert.equal(v.body.status, 'void');
  const pay = (await api('GET', `/v1/payments/${paid.body.tenders[0].payment}`, { key: p.key })).body;
  assert.equal(pay.status, 'canceled', 'voided at the gateway, not refunded');
  assert.equal(pay.amount_refunded, 0);
  assert.equal(pay.fee, 0);
  assert.equal((await drawerCash(p)).cash_balance, 10000);
  assert.equal(await stockOf(p), 5);
  const g = await getInvoice(p, inv.id);
  assert.deepEqual(g.refunds.map((r) => [r.status, r.amount, r.tip]), [['succeeded', 43483, 1000]]);
  assert.match(check(server.db), /check passed/);
  // A card that has settled cannot be voided: refund instead.
  const inv2 = await invoice(p, { lines: [{ item: p.botox.id, quantity: 1 }] });
  assert.equal((await payInvoice(p, inv2.id, { tenders: [{ method: 'card', amount: inv2.total, token: await token(p) }] })).status, 201);
  const adv = await api('POST', '/sandbox/v1/test_clock/advance', { key: p.key, body: { seconds: 2 * 24 * 3600 } });
  assert.equal(adv.status, 200, adv.text);
  assertError(await api('POST', `/v1/invoices/${inv2.id}/void`, { key: p.key, headers: { 'idempotency-key': key() }, body: {} }), 409, 'invoice_settled');
  assert.equal((await getInvoice(p, inv2.id)).status, 'paid');
  const r = await refund(p, inv2.id, { amount: inv2.total });
  assert.equal(r.status, 201, r.text);
  assertError(await api('POST', `/v1/invoices/${inv2.id}/void`, { key: p.key, headers: { 'idempotency-key': key() }, body: {} }), 409, 'invoice_not_voidable');
});

test('merge: open invoices of one patient become one, priced as they were; the others void', async () => {
  const p = await practice('Merge');
  const a = await invoice(p, { lines: [{ item: p.botox.id, quantity: 1 }] });
  const bDraft = await api('POST', '/v1/invoices', { key: p.key, body: { clinic: p.clinic.id, patient: p.patient.id,
    lines: [{ item: p.serum.id, quantity: 2, discount: { amount: 500 } }], discount: { percent_bps: 1000 } } });
  assert.equal(bDraft.status, 201, bDraft.text);
  const b = bDraft.body;
  const before = (await api('GET', `/v1/patients/${p.patient.id}/balance`, { key: p.key })).body.owed;
  const m = await api('POST', '/v1/invoices/merge', { key: p.key, body: { invoices: [a.id, b.id] } });
  assert.equal(m.status, 201, m.text);
  assert.equal(m.body.status, 'open');
  assert.match(m.body.number, /^GLO-\d{6}$/);
  assert.equal(m.body.total, a.total + b.total, 'owes exactly what the two did');
  assert.equal(m.body.tax, a.tax + b.tax);
  assert.deepEqual(m.body.lines.map((l) => [l.line, l.item, l.total]),
    [[1, p.botox.id, a.lines[0].total], [2, p.serum.id, b.lines[0].total]]);
  for (const id of [a.id, b.id]) {
    const g = await getInvoice(p, id);
    assert.deepEqual([g.status, g.merged_into], ['void', m.body.id]);
  }
  const after = (await api('GET', `/v1/patients/${p.patient.id}/balance`, { key: p.key })).body.owed;
  assert.equal(after, before + b.total, 'the draft was not owed; now it is, in the merged invoice');
  assert.equal((await payInvoice(p, m.body.id, { tenders: [{ method: 'check', amount: m.body.total, reference: '9' }] })).status, 201);
});

test('merge refuses invoices of two patients, paid ones, and bad input; nothing changes', async () => {
  const p = await practice('Merge Rules');
  const other = (await api('POST', '/v1/patients', { key: p.key, body: { first_name: 'Zed', last_name: 'Ray' } })).body;
  const a = await invoice(p, { lines: [{ item: p.botox.id, quantity: 1 }] });
  const b = await invoice(p, { lines: [{ item: p.botox.id, quantity: 1 }] });
  const zr = await api('POST', '/v1/invoices', { key: p.key, body: { clinic: p.clinic.id, patient: other.id, lines: [{ item: p.botox.id, quantity: 1 }] } });
  const paid = await invoice(p, { lines: [{ item: p.botox.id, quantity: 1 }] });
  assert.equal((await payInvoice(p, paid.id, { tenders: [{ method: 'check', amount: 100, reference: '1' }] })).status, 201);
  const merge = (invoices) => api('POST', '/v1/invoices/merge', { key: p.key, body: { invoices } });
  assertError(await merge([a.id, zr.body.id]), 422, 'invoices_not_mergeable', 'invoices[1]');
  assertError(await merge([a.id, paid.id]), 422, 'invoices_not_mergeable', 'invoices[1]');
  assertError(await merge([a.id, a.id]), 422, 'invoices_not_mergeable', 'invoices[1]');
  assertError(await merge([a.id]), 400, undefined, 'invoices');
  assertError(await merge([a.id, 42]), 400, 'parameter_invalid_type', 'invoices[1]');
  assertError(await merge([a.id, 'inv_01m89v59x3ph82g72bdn8w60py']), 404, undefined, 'invoices[1]');
  const stranger = await practice('Merge Stranger', { drawer: false });
  assertError(await api('POST', '/v1/invoices/merge', { key: stranger.key, body: { invoices: [a.id, b.id] } }), 404);
  for (const id of [a.id, b.id])
    assert.deepEqual([(await getInvoice(p, id)).status, (await getInvoice(p, id)).merged_into], ['open', null]);
});

test('the invoice list filters by provider, status and created range; bad filters are refused', async () => {
  const p = await practice('List Filters', { drawer: false });
  const mine = await invoice(p);
  const other = await api('POST', '/v1/invoices', { key: p.key, body: { clinic: p.clinic.id, patient: p.patient.id,
    provider: p.prov2.id, lines: [{ item: p.botox.id, quantity: 1 }] } });
  const ids = async (q) => {
    const r = await api('GET', '/v1/invoices' + q, { key: p.key });
    assert.equal(r.status, 200, q + ': ' + r.text);
    return r.body.data.map((x) => x.id);
  };
  assert.deepEqual(await ids(`?provider=${p.prov1.id}`), [mine.id]);
  assert.deepEqual(await ids(`?provider=${p.prov2.id}`), [other.body.id]);
  assert.deepEqual(await ids(`?provider=${p.prov2.id}&status=draft`), [other.body.id]);
  assert.deepEqual(await ids(`?provider=${p.prov2.id}&status=open`), []);
  const t = Math.floor(Date.now() / 1000);
  assert.deepEqual((await ids(`?created[gte]=${t - 3600}`)).sort(), [mine.id, other.body.id].sort());
  assert.deepEqual(await ids(`?created[lt]=${t - 3600}`), []);
  assertError(await api('GET', '/v1/invoices?created[gte]=yesterday', { key: p.key }), 400, 'parameter_invalid', 'created[gte]');
  assertError(await api('GET', '/v1/invoices?status=unpaid', { key: p.key }), 400, 'parameter_invalid', 'status');
});
