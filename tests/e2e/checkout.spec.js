// The front desk's day in the browser, through the real server: a provider
// invoices a member patient (member discount) for a Botox and two serums
// (buy one, get one free) and sends it to the front desk; the desk checks
// it out with a keyed card and cash (change due), a tip split between two
// providers; prints the receipt; refunds one line; and closes the drawer
// with the expected cash, over/short zero. And a card-present tender: the
// amount goes to a reader, the card is tapped, the checkout captures it.
// Screenshots go to /tmp/poise-shots/.
'use strict';

const fs = require('node:fs');
const crypto = require('node:crypto');
const { test, expect, newPractice, submitSignIn, signInPractice, navLink, settle, watchPage } = require('./fixtures');

const SHOTS = '/tmp/poise-shots';
fs.mkdirSync(SHOTS, { recursive: true });

const usd = (cents) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);

async function shoot(page, name) {
  await settle(page);
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true, animations: 'disabled', caret: 'hide' });
}

// A practice with POS on the sandbox, a member patient, a BOGO on the
// serum, two providers and a front desk who can sign in, and an open drawer.
async function setUp(playwright, baseURL) {
  const p = await newPractice(playwright, baseURL, { name: 'Checkout Day', activate: true });
  const get = async (url) => (await p.request.get(url)).json();
  p.botox = await p.post('/v1/services', { name: 'Botox 20u', price: 24000 });
  p.serum = await p.post('/v1/products', { name: 'Vitamin C Serum', sku: 'VCS-' + crypto.randomBytes(3).toString('hex'), price: 8999, cost: 3000 });
  const stock = await p.request.put(`/v1/products/${p.serum.id}/stock/${p.clinic.id}`, { data: { quantity: 10 } });
  expect(stock.status()).toBe(200);
  await p.post('/v1/promotions', { name: 'Serum BOGO', kind: 'bogo', items: [p.serum.id] });
  const prog = await p.post('/v1/membership_programs', { name: 'Glow Club' });
  const tier = await p.post(`/v1/membership_programs/${prog.id}/tiers`, { name: 'Gold', discount_bps: 1000, monthly_fee: 9900 });
  const tok = await p.post('/sandbox/v1/tokens', { number: '4242424242424242', exp_month: 12, exp_year: 2031, cvc: '123' });
  const card = await p.post(`/v1/patients/${p.patient.id}/cards`, { token: tok.id });
  await p.post('/v1/memberships', { patient: p.patient.id, tier: tier.id, card: card.id, clinic: p.clinic.id, agreement_signature: 'Ava Stone' });
  const pw = 'checkout day 2026';
  const user = (name, role) => p.post('/v1/users', { name, role, password: pw,
    email: `${role}-${crypto.randomBytes(3).toString('hex')}@e2e.example` });
  p.prov1 = { ...(await user('Dr. Maya Cole', 'provider')), password: pw };
  p.prov2 = { ...(await user('Dr. Omar Reed', 'provider')), password: pw };
  p.desk = { ...(await user('Jess Front', 'front_desk')), password: pw };
  p.drawer = await p.post('/v1/cash_drawers', { clinic: p.clinic.id, register: 'front-1', opening_float: 10000 });
  p.get = get;
  return p;
}

async function signInAs(page, u) {
  await page.goto('/');
  await submitSignIn(page, u.email, { password: u.password });
}

test('provider to front desk: member discount, BOGO, card + cash, tips split, receipt, refund, drawer closes even', async ({ page, browser, baseURL, playwright, problems }) => {
  test.setTimeout(120000);
  const p = await setUp(playwright, baseURL);
  try {
    // The provider invoices the member patient and sends it to the desk.
    await signInAs(page, p.prov1);
    await page.goto('/invoices/new');
    await page.locator('#ie-patient').fill('Stone');
    await page.getByRole('button', { name: /Ava Stone/ }).click();
    for (const [text, qty] of [['Botox 20u', null], ['Vitamin C', '2']]) {
      const box = page.getByRole('combobox', { name: 'Add an item' });
      await box.fill(text);
      await expect(page.getByRole('listbox', { name: 'Matching items' }).getByRole('option').first()).toBeVisible();
      await box.press('Enter');
      if (qty) await page.getByLabel('Quantity of Vitamin C Serum').fill(qty);
    }
    await expect(page.getByText('Priced by the server.')).toBeVisible();
    await page.getByRole('button', { name: 'Create invoice' }).click();
    await expect(page).toHaveURL(/\/invoices\/inv_[0-9a-z]+$/);
    const id = new URL(page.url()).pathname.split('/').pop();
    const priced = await p.get(`/v1/invoices/${id}`);
    // Member: 10% off everything (Botox 240.00 -> 216.00; two serums
    // 179.98 -> 161.98); then the BOGO makes one of the two free: 80.99.
    expect(priced.lines.map((l) => [l.name, l.net])).toEqual([['Botox 20u', 21600], ['Vitamin C Serum', 8099]]);
    await page.getByRole('button', { name: 'Finalize' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Finalize' }).click();
    await page.getByRole('button', { name: 'Send to front desk' }).click();
    await expect(page.getByText('At front desk', { exact: true }).first()).toBeVisible();
    const inv = await p.get(`/v1/invoices/${id}`);

    // The desk checks it out: a keyed card with a tip, cash with change.
    const desk = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 } });
    const dp = await desk.newPage();
    watchPage(dp, problems);
    await signInAs(dp, p.desk);
    await navLink(dp, 'Front desk').click();
    await dp.getByRole('row').filter({ hasText: inv.number }).getByRole('button', { name: /^Check out/ }).click();
    await expect(dp.getByRole('heading', { level: 1 })).toContainText(inv.number);
    const card = 20000;
    await dp.getByLabel('Amount', { exact: true }).fill((card / 100).toFixed(2));
    await dp.getByLabel('Tip (optional)').fill('30.00');
    await dp.getByLabel('Card number').fill('4242 4242 4242 4242');
    await dp.getByLabel('Expiry (MM/YY)').fill('12/31');
    await dp.getByLabel('CVC').fill('123');
    await dp.getByRole('button', { name: /^Add card tender/ }).click();
    await expect(dp.getByRole('list', { name: 'Tenders' })).toContainText('4242');
    await dp.keyboard.press('Alt+2');
    const rest = inv.amount_due - card;
    await expect(dp.getByLabel('Amount', { exact: true })).toHaveValue((rest / 100).toFixed(2));
    await dp.getByLabel('Cash received').fill('120.00');
    await dp.getByRole('button', { name: /^Add cash tender/ }).click();
    // The tip goes to two providers, equally.
    const split = dp.getByRole('group', { name: /Tips/ });
    await split.getByRole('button', { name: '+ Add a provider' }).click();
    await dp.locator('#tip-p-1').selectOption({ label: 'Dr. Omar Reed' });
    await expect(split).toContainText(usd(1500));
    await shoot(dp, 'checkout-tenders');
    await dp.getByRole('button', { name: /^Take / }).click();
    await expect(dp.getByText('Paid in full')).toBeVisible();
    const change = 12000 - rest;
    await expect(dp.locator('.change-due')).toHaveText(usd(change));
    await shoot(dp, 'checkout-paid');
    const paid = await p.get(`/v1/invoices/${id}`);
    expect(paid.status).toBe('paid');
    expect(paid.tips.map((t) => t.amount).sort()).toEqual([1500, 1500]);

    // The invoice: print the receipt, refund the Botox.
    await dp.goto(`/invoices/${id}`);
    const print = dp.getByRole('link', { name: 'Print receipt' });
    const pdf = await dp.request.get(await print.getAttribute('href'));
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await expect(dp.getByRole('region', { name: 'Payments' })).toContainText('Visa ending in 4242');
    await dp.getByRole('button', { name: 'Refund' }).click();
    const dlg = dp.getByRole('dialog', { name: 'Refund' });
    await dlg.getByLabel(/^Botox 20u/).fill('1');
    await dlg.getByRole('button', { name: 'Refund' }).click();
    await expect(dlg).toHaveCount(0);
    const refunded = await p.get(`/v1/invoices/${id}`);
    expect(refunded.status).toBe('partially_refunded');
    expect(refunded.amount_refunded).toBe(21600);
    await expect(dp.getByRole('region', { name: 'Payments' })).toContainText('Refund');
    await shoot(dp, 'invoice-refunded');

    // The drawer closes with exactly what it should hold.
    const report = await p.get(`/v1/cash_drawers/${p.drawer.id}`);
    const cashBack = refunded.refunds[0].tenders
      .filter((t) => paid.tenders.find((x) => x.id === t.tender).method === 'cash')
      .reduce((s, t) => s + t.amount + t.tip, 0);
    expect(report.expected).toBe(10000 + rest - cashBack);
    await dp.goto(`/cash-drawer/${p.drawer.id}`);
    await dp.getByRole('button', { name: 'Close drawer' }).click();
    const close = dp.getByRole('dialog');
    await close.getByLabel('Counted cash').fill((report.expected / 100).toFixed(2));
    await close.getByRole('button', { name: 'Close drawer' }).click();
    await expect(close).toHaveCount(0);
    const closed = await p.get(`/v1/cash_drawers/${p.drawer.id}`);
    expect([closed.status, closed.over_short]).toEqual(['closed', 0]);
    await shoot(dp, 'drawer-closed-even');
    await desk.close();
  } finally {
    await p.dispose();
  }
});

test('a card-present tender: the amount goes to the reader, the card is tapped, the checkout captures it', async ({ page, baseURL, playwright }) => {
  const p = await newPractice(playwright, baseURL, { name: 'Reader Desk', activate: true });
  try {
    await p.post('/v1/card_readers', { clinic: p.clinic.id, serial_number: 'WPE-E2E-CO-1', label: 'Front reader' });
    const svc = await p.post('/v1/services', { name: 'Microneedling', price: 35000 });
    const inv = await p.post('/v1/invoices', { clinic: p.clinic.id, patient: p.patient.id, lines: [{ item: svc.id, quantity: 1 }] });
    await p.post(`/v1/invoices/${inv.id}/finalize`, {});
    await signInPractice(page, p, `/invoices/${inv.id}/checkout`);
    await page.getByRole('group', { name: 'Card' }).getByRole('button', { name: 'Reader' }).click();
    await expect(page.locator('#tn-reader option:checked')).toHaveText(/Front reader/);
    await page.getByRole('button', { name: /^Add card tender/ }).click();
    await page.getByRole('button', { name: /^Take / }).click();
    const waiting = page.getByRole('status').filter({ hasText: 'Waiting for the card on Front reader' });
    await expect(waiting).toContainText('$350.00');
    await waiting.getByRole('button', { name: /Tap a test card/ }).click();
    await expect(page.getByText('Paid in full')).toBeVisible();
    const v = await (await p.request.get(`/v1/invoices/${inv.id}`)).json();
    expect(v.status).toBe('paid');
    expect(v.tenders[0].card.last4).toBe('4242');
    const pay = await (await p.request.get(`/v1/payments/${v.tenders[0].payment}`)).json();
    expect([pay.status, pay.card_present, pay.amount_captured]).toEqual(['succeeded', true, 35000]);
  } finally {
    await p.dispose();
  }
});
