// Invoices in the browser: a provider builds an invoice with two lines, a
// line discount and an invoice discount, sees the totals the server priced
// (checked against POST /v1/invoices/preview), finalizes it and sends it
// to the front desk; the front desk finds it in the clinic's queue and
// opens its checkout. Also: a discount over the provider's limit shows the
// server's refusal at the line, and a quote converts to an invoice.
// Paying is not tested here: POST /v1/invoices/:id/payments is not built
// yet. Screenshots go to /tmp/poise-shots/.
'use strict';

const fs = require('node:fs');
const {
  test, expect, navLink, signIn, settle, watchPage, apiGet,
} = require('./fixtures');

const SHOTS = '/tmp/poise-shots';
fs.mkdirSync(SHOTS, { recursive: true });

async function shoot(page, name) {
  await settle(page);
  await page.evaluate(() => {
    if (document.activeElement) document.activeElement.blur();
    for (const t of document.querySelectorAll('.toasts')) t.style.display = 'none';
  });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true, animations: 'disabled', caret: 'hide' });
  await page.evaluate(() => { for (const t of document.querySelectorAll('.toasts')) t.style.display = ''; });
}

// Cents as the app shows them (en-US, USD).
const usd = (cents) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function newPatient(api, first) {
  const stamp = Date.now().toString(36);
  const r = await api.post('/v1/patients', { data: { first_name: first, last_name: `Ledger${stamp}` } });
  expect(r.status(), await r.text()).toBe(201);
  return r.json();
}

async function pickPatient(page, p) {
  await page.locator('#ie-patient').fill(p.last_name);
  await page.getByRole('button', { name: new RegExp(escapeRe(p.name)) }).click();
  await expect(page.getByText(p.name, { exact: true }).first()).toBeVisible();
}

// Type into the item search and add the top match with Enter.
async function addItem(page, text) {
  const box = page.getByRole('combobox', { name: 'Add an item' });
  await box.fill(text);
  await expect(page.getByRole('listbox', { name: 'Matching items' }).getByRole('option').first()).toBeVisible();
  await box.press('Enter');
}

function previewDone(page) {
  return page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/v1/invoices/preview');
}

// The value of a totals row ("Subtotal", "Total", …) inside `scope`.
function totalsRow(scope, label) {
  return scope.locator('.totals-row').filter({ has: scope.page().getByText(label, { exact: true }) }).locator('dd');
}

test('a provider invoices two lines with discounts at the server\'s prices, finalizes it and sends it to the desk, which finds it in its queue', async ({ page, api, browser, baseURL, problems }) => {
  const patient = await newPatient(api, 'Ivy');
  const services = await apiGet(api, '/v1/services?limit=100');
  const products = await apiGet(api, '/v1/products?limit=100');
  const botox = services.data.find((s) => s.name === 'Botox (per unit)');
  const serum = products.data.find((p) => p.sku === 'SKM-CEFERULIC');
  expect(serum.taxable).toBe(true);

  await signIn(page, 'provider');
  await navLink(page, 'Invoices').click();
  // Loaded on first use, the screen still takes the focus to its heading.
  await expect(page.getByRole('heading', { name: 'Invoices', level: 1 })).toBeFocused();
  await page.getByRole('link', { name: 'New invoice' }).click();
  await expect(page.getByRole('heading', { name: 'New invoice', level: 1 })).toBeVisible();
  // A provider's own invoice: they are its provider.
  await expect(page.locator('#ie-provider option:checked')).toHaveText(/Sarah Mitchell/);
  await pickPatient(page, patient);

  await addItem(page, 'botox');
  await page.getByLabel('Quantity of Botox (per unit)').fill('20');
  await addItem(page, 'skm-ceferulic'); // by SKU
  await page.getByLabel(`Discount on ${serum.name}`, { exact: true }).fill('10');
  await page.getByRole('group', { name: 'Invoice discount unit' }).getByRole('button', { name: 'Discount as amount' }).click();
  const priced = previewDone(page);
  await page.getByLabel('Invoice discount', { exact: true }).fill('20');
  expect((await priced).status()).toBe(200);
  await expect(page.getByText('Priced by the server.')).toBeVisible();

  // What the pricing engine says of the same invoice.
  const clinicId = await page.locator('#ie-clinic').inputValue();
  const pr = await api.post('/v1/invoices/preview', { data: {
    clinic: clinicId, patient: patient.id,
    lines: [{ item: botox.id, quantity: 20 }, { item: serum.id, quantity: 1, discount: { percent_bps: 1000 } }],
    discount: { amount: 2000 },
  } });
  expect(pr.status(), await pr.text()).toBe(200);
  const want = await pr.json();
  const foot = page.locator('.editor-totals');
  await expect(totalsRow(foot, 'Subtotal')).toHaveText(usd(want.gross));
  await expect(totalsRow(foot, 'Discounts')).toHaveText('−' + usd(want.discount));
  await expect(totalsRow(foot, 'Tax')).toHaveText(usd(want.tax));
  await expect(totalsRow(foot, 'Total')).toHaveText(usd(want.total));
  // Each line shows its net, and the shares of the discounts it carries.
  expect(want.tax).toBeGreaterThan(0);
  const serumRow = page.getByRole('row').filter({ hasText: serum.name });
  await expect(serumRow).toContainText(usd(want.lines[1].net));
  await expect(serumRow).toContainText('Line discount −' + usd(want.lines[1].line_discount));
  await expect(serumRow).toContainText('Invoice discount −' + usd(want.lines[1].invoice_discount));
  await expect(serumRow).toContainText('Tax ' + usd(want.lines[1].tax));
  await shoot(page, 'invoice-editor');

  await page.getByRole('button', { name: 'Create invoice' }).click();
  await expect(page).toHaveURL(/\/invoices\/inv_[0-9a-z]+$/);
  const id = new URL(page.url()).pathname.split('/').pop();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Draft invoice');
  const saved = await apiGet(api, `/v1/invoices/${id}`);
  expect([saved.gross, saved.discount_total, saved.tax, saved.total]).toEqual([want.gross, want.discount, want.tax, want.total]);
  await expect(totalsRow(page.locator('.lines-foot'), 'Total')).toHaveText(usd(saved.total));

  await page.getByRole('button', { name: 'Finalize' }).click();
  const dlg = page.getByRole('dialog', { name: 'Finalize this invoice?' });
  await dlg.getByRole('button', { name: 'Finalize' }).click();
  await expect(dlg).toHaveCount(0);
  const open = await apiGet(api, `/v1/invoices/${id}`);
  expect(open.status).toBe('open');
  expect(open.number).toMatch(/^[A-Z]{3}-\d{6}$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(open.number);
  await expect(page.getByText('Open', { exact: true }).first()).toBeVisible();

  await page.getByRole('button', { name: 'Send to front desk' }).click();
  await expect(page.getByText('At front desk', { exact: true }).first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send to front desk' })).toHaveCount(0);
  await shoot(page, 'invoice-detail');

  // The list, filtered to open invoices, has it.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
  await page.getByLabel('Status').selectOption('open');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/status=open/);
  await expect(page.getByRole('link', { name: open.number })).toBeVisible();
  await shoot(page, 'invoice-list');

  // The front desk, signed in elsewhere, sees it waiting and opens its checkout.
  const desk = await browser.newContext({ baseURL, viewport: { width: 1024, height: 768 } });
  try {
    const dp = await desk.newPage();
    watchPage(dp, problems);
    await signIn(dp, 'front_desk');
    await navLink(dp, 'Front desk').click();
    await expect(dp.getByRole('heading', { name: 'Front desk', level: 1 })).toBeVisible();
    const row = dp.getByRole('row').filter({ hasText: open.number });
    await expect(row).toContainText(patient.name);
    await expect(row).toContainText('with Sarah Mitchell');
    await expect(row).toContainText(usd(open.amount_due));
    await shoot(dp, 'front-desk-queue');
    await row.getByRole('button', { name: /^Check out/ }).click();
    await expect(dp).toHaveURL(new RegExp(`/invoices/${id}/checkout$`));
    await expect(dp.getByRole('heading', { level: 1 })).toContainText(`Check out ${open.number}`);
    await expect(dp.locator('.due-row')).toContainText(usd(open.amount_due));
    // The tender panel starts on card with the amount due filled in.
    await expect(dp.getByLabel('Amount', { exact: true })).toHaveValue((open.amount_due / 100).toFixed(2));
    await shoot(dp, 'checkout');
    // Alt+2 switches to cash; Enter adds the tender (cash needs an open drawer first).
    await dp.keyboard.press('Alt+2');
    await expect(dp.getByRole('button', { name: /^Cash/ })).toHaveAttribute('aria-pressed', 'true');
    await expect(dp.getByLabel('Amount', { exact: true })).toBeFocused();
  } finally {
    await desk.close();
  }
});

test('a discount over a provider\'s limit is refused by the server at its line; nothing is saved', async ({ page, api }) => {
  const patient = await newPatient(api, 'Opal');
  await signIn(page, 'provider', '/invoices/new');
  await expect(page.getByRole('heading', { name: 'New invoice', level: 1 })).toBeVisible();
  await pickPatient(page, patient);
  await addItem(page, 'dermaplaning');
  const priced = previewDone(page);
  await page.getByLabel('Discount on Dermaplaning', { exact: true }).fill('50');
  expect((await priced).status()).toBe(403);
  const row = page.getByRole('row').filter({ hasText: 'Dermaplaning' });
  await expect(row.locator('.field-error')).toBeVisible();
  await expect(page.getByLabel('Discount on Dermaplaning', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: 'Create invoice' }).click();
  await expect(row.locator('.field-error')).toBeVisible();
  await expect(page).toHaveURL(/\/invoices\/new$/);
  const list = await apiGet(api, `/v1/invoices?patient=${patient.id}`);
  expect(list.data).toEqual([]);
  // Within the limit it prices again.
  await page.getByLabel('Discount on Dermaplaning', { exact: true }).fill('15');
  await expect(page.getByText('Priced by the server.')).toBeVisible();
  await expect(row.locator('.field-error')).toHaveCount(0);
});

test('a quote is saved, converted to a draft invoice, and a draft is deleted', async ({ page, api }) => {
  const patient = await newPatient(api, 'Quill');
  // From the patient's Invoices tab: the quote is for that patient.
  await signIn(page, 'front_desk', `/patients/${patient.id}`);
  await expect(page.getByText('No invoices yet')).toBeVisible();
  await page.getByRole('link', { name: 'New quote' }).click();
  await expect(page.getByRole('heading', { name: 'New quote', level: 1 })).toBeVisible();
  await expect(page.getByText(patient.name, { exact: true }).first()).toBeVisible();
  await addItem(page, 'vi peel');
  await expect(page.getByText('Priced by the server.')).toBeVisible();
  await page.keyboard.press('Control+Enter');
  await expect(page).toHaveURL(/\/invoices\/inv_/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Quote');
  await page.getByRole('button', { name: 'Convert to invoice' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Draft invoice');
  const id = new URL(page.url()).pathname.split('/').pop();
  expect((await apiGet(api, `/v1/invoices/${id}`)).kind).toBe('invoice');

  // Edit the draft: a second line, priced again on save.
  await page.getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByRole('heading', { name: 'Edit draft invoice', level: 1 })).toBeVisible();
  await addItem(page, 'glycolic');
  await expect(page.getByText('Priced by the server.')).toBeVisible();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page).toHaveURL(new RegExp(`/invoices/${id}$`));
  const edited = await apiGet(api, `/v1/invoices/${id}`);
  expect(edited.lines.map((l) => l.name)).toEqual(['VI Peel', 'Glycolic Peel']);
  await expect(totalsRow(page.locator('.lines-foot'), 'Total')).toHaveText(usd(edited.total));

  // The patient's page lists it.
  await page.getByRole('link', { name: patient.name }).first().click();
  await expect(page).toHaveURL(new RegExp(`/patients/${patient.id}`));
  await expect(page.getByRole('row').filter({ hasText: 'Draft invoice' })).toContainText(usd(edited.total));
  await page.getByRole('link', { name: 'Draft invoice' }).click();

  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page).toHaveURL(/\/invoices$/);
  expect((await api.get(`/v1/invoices/${id}`)).status()).toBe(404);
});
