// Text2Pay in the browser: the front desk sends a payment link from the
// invoice; the patient opens it without signing in, pays with a test card
// through the processor's card field, and the link then says the invoice
// is paid. Screenshots go to /tmp/poise-shots/.
'use strict';

const fs = require('node:fs');
const { test, expect, newPractice, signInPractice, settle } = require('./fixtures');

const SHOTS = '/tmp/poise-shots';
fs.mkdirSync(SHOTS, { recursive: true });

test('send a payment link; the patient pays it on the public page; a paid link says so', async ({ page, browser, baseURL, playwright }) => {
  const p = await newPractice(playwright, baseURL, { name: 'Text2Pay Glow', activate: true });
  try {
    const svc = await p.post('/v1/services', { name: 'HydraFacial', price: 19900 });
    const inv = await p.post('/v1/invoices', { clinic: p.clinic.id, patient: p.patient.id, lines: [{ item: svc.id, quantity: 1 }] });
    await p.post(`/v1/invoices/${inv.id}/finalize`, {});

    await signInPractice(page, p, `/invoices/${inv.id}`);
    await page.getByRole('button', { name: 'Send payment link' }).click();
    const dlg = page.getByRole('dialog', { name: 'Send a payment link' });
    await dlg.getByLabel('Mobile number').fill('(312) 555-0142');
    await dlg.getByRole('button', { name: 'Send link' }).click();
    const sent = page.getByRole('dialog', { name: 'Payment link sent' });
    await expect(sent).toContainText('+13125550142');
    const url = await sent.locator('#plk-url').inputValue();
    expect(url).toMatch(/\/pay\/[0-9a-z]{32}$/);
    await sent.getByRole('button', { name: 'Done' }).click();

    // The patient's phone: no session.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const pp = await phone.newPage();
    await pp.goto(url);
    await expect(pp.getByRole('heading', { level: 1 })).toContainText('Invoice');
    await expect(pp.getByText('$199.00').first()).toBeVisible();
    await pp.getByLabel('Card number').fill('4242 4242 4242 4242');
    await pp.getByLabel('Expiry (MM/YY)').fill('12/31');
    await pp.getByLabel('CVC').fill('123');
    await settle(pp);
    await pp.screenshot({ path: `${SHOTS}/paylink-form.png`, fullPage: true });
    await pp.getByRole('button', { name: 'Pay $199.00' }).click();
    await expect(pp.getByRole('heading', { name: 'Thank you' })).toBeVisible();
    await expect(pp.getByRole('status')).toContainText('$199.00 paid');
    await pp.screenshot({ path: `${SHOTS}/paylink-paid.png`, fullPage: true });
    const r = await p.request.get(`/v1/invoices/${inv.id}`);
    expect((await r.json()).status).toBe('paid');
    // Opened again, the link says the invoice is paid and takes nothing.
    await pp.reload();
    await expect(pp.getByText('This invoice is paid. Nothing is owed.')).toBeVisible();
    await expect(pp.getByRole('button', { name: /^Pay/ })).toHaveCount(0);
    await pp.goto(url.replace(/[0-9a-z]{32}$/, 'x'.repeat(32)));
    await expect(pp.getByRole('heading', { name: 'This link does not exist' })).toBeVisible();
    await phone.close();
  } finally {
    await p.dispose();
  }
});
