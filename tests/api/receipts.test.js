// GET /v1/invoices/:id/receipt.pdf: a real PDF (rendered to PNG by
// poppler's pdftoppm), whose text (pdftotext -layout) has the practice,
// clinic, number, patient, provider, every line with its money
// right-aligned in columns, the totals, and the balance due; any staff
// member may print it; another account's invoice is 404. The tenders and
// disclaimer sections are checked on the renderer's own sample (the unit
// test's receipt, with a card and cash), since no API pays invoices yet:
// the card shows brand and last 4 only.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { ROOT, startServer, createAccount, client, assertError, signIn } = require('./helpers');

let server, api, p, dir;
before(async () => {
  server = await startServer();
  api = client(server.base);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poise-receipt-'));
  p = createAccount(server, 'Glow Aesthetics & Laser');
  p.clinic = (await api('POST', '/v1/clinics', { key: p.key, body: { name: 'Glow Downtown', tax_rate_bps: 825,
    timezone: 'America/Chicago', address: { line1: '1200 Market St', line2: 'Suite 300', city: 'Austin', state: 'TX', postal_code: '78701' } } })).body;
  const svc = (await api('POST', '/v1/services', { key: p.key, body: { name: 'Botox 20u', price: 24000 } })).body;
  const filler = (await api('POST', '/v1/services', { key: p.key, body: { name: 'Dermal filler, 1 syringe', price: 125000 } })).body;
  const serum = (await api('POST', '/v1/products', { key: p.key, body: { name: 'Vitamin C Serum', sku: 'SER-' + crypto.randomBytes(3).toString('hex'), price: 8999, cost: 3000 } })).body;
  const pat = (await api('POST', '/v1/patients', { key: p.key, body: { first_name: 'Zoë', last_name: 'Martínez' } })).body;
  const prov = (await api('POST', '/v1/users', { key: p.key, body: { email: `dr-${crypto.randomBytes(3).toString('hex')}@t.example`, name: 'Dr. Ana Reyes', role: 'provider' } })).body;
  const d = await api('POST', '/v1/invoices', { key: p.key, body: { clinic: p.clinic.id, patient: pat.id, provider: prov.id,
    lines: [{ item: svc.id, quantity: 1, discount: { percent_bps: 1000 } }, { item: serum.id, quantity: 2 }, { item: filler.id, quantity: 1 }],
    discount: { amount: 5000 } } });
  assert.equal(d.status, 201, d.text);
  p.invoice = (await api('POST', `/v1/invoices/${d.body.id}/finalize`, { key: p.key })).body;
});
after(async () => {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

// The words of a PDF with their boxes (pdftotext -bbox): [{text, xMin, xMax}].
function bboxWords(pdf) {
  const html = execFileSync('pdftotext', ['-bbox', pdf, '-']).toString();
  const re = /<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g;
  const unescape = (t) => t.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"');
  return [...html.matchAll(re)].map((m) => ({ text: unescape(m[3]), xMin: Number(m[1]), xMax: Number(m[2]) }));
}

async function receipt(id, opts = { headers: { authorization: `Bearer ${p.key}` } }) {
  const res = await fetch(`${server.base}/v1/invoices/${id}/receipt.pdf`, opts);
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// The cells of one text line, in order, separated by spaces, ending it.
const row = (...cells) => new RegExp(cells.map(esc).join('\\s+') + '\\s*$');
const money = (minor) => '$' + (minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

test('the receipt is a PDF that renders to a page', async () => {
  const r = await receipt(p.invoice.id);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.equal(r.headers.get('content-disposition'), `inline; filename="receipt-${p.invoice.number}.pdf"`);
  assert.equal(r.bytes.subarray(0, 5).toString(), '%PDF-');
  assert.ok(r.bytes.includes('%%EOF'));
  const pdf = path.join(dir, 'r.pdf');
  fs.writeFileSync(pdf, r.bytes);
  execFileSync('pdftoppm', ['-png', '-r', '100', pdf, path.join(dir, 'page')]);
  const png = fs.readFileSync(path.join(dir, 'page-1.png'));
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  // US Letter at 100 dpi, and far more than a blank page's bytes.
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [850, 1100]);
  assert.ok(png.length > 30000, 'a page with content: ' + png.length);
  assert.ok(!fs.existsSync(path.join(dir, 'page-2.png')), 'one page');
});

test('the text has the practice, the lines in columns, the totals and the balance due', async () => {
  const pdf = path.join(dir, 't.pdf');
  fs.writeFileSync(pdf, (await receipt(p.invoice.id)).bytes);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
  const lineOf = (re) => text.split('\n').find((l) => re.test(l)) || '';
  const v = p.invoice;
  for (const s of ['Glow Aesthetics & Laser', 'Glow Downtown', '1200 Market St', 'Suite 300', 'Austin, TX 78701',
    'Invoice', v.number, 'Zoë Martínez', 'Dr. Ana Reyes', 'Open', 'No payments recorded.']) {
    assert.ok(text.includes(s), `receipt shows ${s}:\n${text}`);
  }
  const [botox, serum, filler] = v.lines;
  // Item, quantity, unit price, discount and amount on one line, in order.
  assert.match(lineOf(/Botox 20u/), row('Botox 20u', '1', '$240.00', '-' + money(botox.discount_total), money(botox.net)));
  assert.match(lineOf(/Vitamin C Serum/), row('Vitamin C Serum', '2', '$89.99', '-' + money(serum.discount_total), money(serum.net)));
  assert.match(lineOf(/Dermal filler/), row('Dermal filler, 1 syringe', '1', '$1,250.00', '-' + money(filler.discount_total), money(filler.net)));
  assert.match(lineOf(/Subtotal/), row('Subtotal', money(v.gross)));
  assert.match(lineOf(/Discounts/), row('Discounts', '-' + money(v.discount_total)));
  assert.match(lineOf(/Tax/), row('Tax', money(v.tax)));
  assert.match(lineOf(/^\s*Total/), row('Total', money(v.total)));
  assert.match(lineOf(/Amount paid/), row('Amount paid', '$0.00'));
  // Unpaid: the balance due is the total.
  assert.match(lineOf(/Balance due/), row('Balance due', money(v.total)));
  // Money is right-aligned: each column's amounts end at one x.
  const words = bboxWords(pdf);
  const rightEdge = (w) => words.find((x) => x.text === w).xMax;
  for (const col of ['unit_price', 'net']) {
    const edges = v.lines.map((l) => rightEdge(money(l[col])));
    assert.ok(Math.max(...edges) - Math.min(...edges) < 0.5, `${col} column right-aligned: ${edges}`);
  }
  const totals = [v.gross, v.tax, v.total].map((m) => rightEdge(money(m)));
  assert.ok(Math.max(...totals) - Math.min(...totals) < 0.5, 'totals right-aligned: ' + totals);
  assert.doesNotMatch(text, /\d{13,19}/, 'no card number');
});

test('tenders show brand and last 4 only; the disclaimer prints (renderer sample)', (t) => {
  const unit = path.join(ROOT, 'build/unit_tests');
  if (!fs.existsSync(unit)) {
    t.skip('build/unit_tests is not built (make build/unit_tests)');
    return;
  }
  const out = path.join(dir, 'sample');
  execFileSync(unit, ['receipt_pdf_has_the_receipt'], { env: { ...process.env, POISE_RECEIPT_PDF_OUT: out, ASAN_OPTIONS: 'detect_leaks=1' } });
  const text = execFileSync('pdftotext', ['-layout', out + '.pdf', '-']).toString();
  assert.match(text, /Visa ending in 4242\s+\$310\.00/);
  assert.match(text, /Includes tip \$10\.00/);
  assert.match(text, /Cash\s+\$110\.83/);
  assert.match(text, /Cash received \$120\.00 · Change \$9\.17/);
  assert.match(text, /Tips\s+\$10\.00/);
  assert.match(text, /Dr\. Ana Reyes\s+\$10\.00/);
  assert.match(text, /Balance due\s+\$0\.00/);
  assert.match(text, /Results vary\. No refunds on injectables after treatment\./);
  assert.match(text, /\bReceipt\s*$/m);
  assert.doesNotMatch(text, /4242424242424242|\d{13,19}/);
});

test('any staff member prints it; another account\'s invoice is 404', async () => {
  const email = `fd-${crypto.randomBytes(3).toString('hex')}@t.example`;
  assert.equal((await api('POST', '/v1/users', { key: p.key, body: { email, name: 'Desk', role: 'front_desk', password: 'front desk password' } })).status, 201);
  const s = await signIn(server.base, email, 'front desk password');
  const r = await receipt(p.invoice.id, { headers: { cookie: s.cookie } });
  assert.equal(r.status, 200);
  assert.equal(r.bytes.subarray(0, 5).toString(), '%PDF-');
  const other = createAccount(server, 'Other');
  const res = await api('GET', `/v1/invoices/${p.invoice.id}/receipt.pdf`, { key: other.key });
  assertError(res, 404, undefined, 'id');
  assert.ok(!res.text.includes('Glow'));
  assertError(await api('GET', '/v1/invoices/inv_00000000000000000000000000/receipt.pdf', { key: p.key }), 404);
  assertError(await api('GET', `/v1/invoices/${p.invoice.id}/receipt.pdf`, {}), 401);
});

test('a quote and a draft print with their own titles', async () => {
  const svc = (await api('POST', '/v1/services', { key: p.key, body: { name: 'Peel', price: 15000 } })).body;
  const q = (await api('POST', '/v1/invoices', { key: p.key, body: { clinic: p.clinic.id, kind: 'quote', lines: [{ item: svc.id, quantity: 1 }] } })).body;
  const pdf = path.join(dir, 'q.pdf');
  fs.writeFileSync(pdf, (await receipt(q.id)).bytes);
  let text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
  assert.match(text, /Quote/);
  assert.doesNotMatch(text, /Number/, 'no number before it is finalized');
  const d = (await api('POST', '/v1/invoices', { key: p.key, body: { clinic: p.clinic.id, lines: [{ item: svc.id, quantity: 1 }] } })).body;
  fs.writeFileSync(pdf, (await receipt(d.id)).bytes);
  text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
  assert.match(text, /Draft invoice/);
});

test('a receipt paid through the API: tenders by brand and last 4, cash and change, tips per provider, the disclaimer', async () => {
  const a = createAccount(server, 'Paid Receipt Practice');
  const post = async (url, body) => {
    const r = await api('POST', url, { key: a.key, headers: { 'idempotency-key': crypto.randomUUID() }, body });
    assert.ok(r.status < 300, `${url}: ${r.text}`);
    return r.body;
  };
  const clinic = await post('/v1/clinics', { name: 'Glow Uptown', tax_rate_bps: 825, timezone: 'America/Chicago' });
  const svc = await post('/v1/services', { name: 'HydraFacial', price: 19900 });
  const prov = await post('/v1/users', { email: `dr-${crypto.randomBytes(3).toString('hex')}@t.example`, name: 'Dr. Lee Park', role: 'provider' });
  await post('/v1/pos_settings/activate', { gateway: 'sandbox', merchant_mode: 'single' });
  await post('/v1/cash_drawers', { clinic: clinic.id, register: 'front-1', opening_float: 5000 });
  const disc = await api('PATCH', '/v1/invoice_settings', { key: a.key, body: { disclaimer: 'All sales of skincare are final.' } });
  assert.equal(disc.status, 200, disc.text);
  const inv = await post('/v1/invoices', { clinic: clinic.id, provider: prov.id, lines: [{ item: svc.id, quantity: 1 }] });
  const tok = await post('/sandbox/v1/tokens', { number: '4242424242424242', exp_month: 12, exp_year: 2031, cvc: '123' });
  await post(`/v1/invoices/${inv.id}/payments`, { tenders: [
    { method: 'card', amount: 15000, tip: 1500, token: tok.id },
    { method: 'cash', amount: 6000, register: 'front-1' }] });
  const res = await fetch(`${server.base}/v1/invoices/${inv.id}/receipt.pdf`, { headers: { authorization: `Bearer ${a.key}` } });
  assert.equal(res.status, 200);
  const pdf = path.join(dir, 'paid.pdf');
  fs.writeFileSync(pdf, Buffer.from(await res.arrayBuffer()));
  const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
  assert.match(text, /Visa ending in 4242\s+\$165\.00/);
  assert.match(text, /Includes tip \$15\.00/);
  assert.match(text, /Cash\s+\$49\.00/);
  assert.match(text, /Cash received \$60\.00 · Change \$11\.00/);
  assert.match(text, /Dr\. Lee Park\s+\$15\.00/);
  assert.match(text, /Balance due\s+\$0\.00/);
  assert.match(text, /All sales of skincare are final\./);
  assert.match(text, /\bReceipt\s*$/m);
  assert.doesNotMatch(text, /4242424242424242|\d{13,19}/);
});
