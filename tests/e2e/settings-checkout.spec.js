// Checkout settings in the browser (issue 6, "Screens"), each test in a
// practice of its own: the head admin sets the discount limit and the
// invoice disclaimer and connects Cherry in sandbox mode (the server's
// refusal of an unknown merchant shows at the field); an admin, who sees
// neither of those pages, creates a BOGO promotion (a server error at its
// field first), a quick-button group and a membership tier with a member
// price; a provider enrols a patient in a tier on the patient page, and
// the invoice editor shows the quick buttons, adds their items and shows
// the member price and the BOGO as the server priced them; a clerk
// merges two open invoices of one patient from the patient page, after
// seeing the server refuse two of different clinics.
// Screenshots go to /tmp/poise-shots/.
'use strict';

const fs = require('node:fs');
const crypto = require('node:crypto');
const {
  test, expect, newPractice, signInPractice, submitSignIn, navLink, settle,
} = require('./fixtures');

const SHOTS = '/tmp/poise-shots';
fs.mkdirSync(SHOTS, { recursive: true });

const usd = (cents) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);

async function shoot(page, name) {
  await settle(page);
  await page.evaluate(() => {
    if (document.activeElement) document.activeElement.blur();
    for (const t of document.querySelectorAll('.toasts')) t.style.display = 'none';
  });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true, animations: 'disabled', caret: 'hide' });
  await page.evaluate(() => { for (const t of document.querySelectorAll('.toasts')) t.style.display = ''; });
}

function apiResponse(page, method, path) {
  return page.waitForResponse((r) => r.request().method() === method && new URL(r.url()).pathname === path);
}

// A practice with POS on the sandbox, a small catalog, and an admin and a
// provider who can sign in.
async function setUp(playwright, baseURL, name) {
  const p = await newPractice(playwright, baseURL, { name, activate: true });
  p.get = async (url) => {
    const r = await p.request.get(url);
    expect(r.status(), `GET ${url}: ${await r.text()}`).toBe(200);
    return r.json();
  };
  p.botox = await p.post('/v1/services', { name: 'Botox 20u', price: 24000 });
  p.filler = await p.post('/v1/services', { name: 'Lip Filler', price: 60000 });
  p.serum = await p.post('/v1/products', { name: 'Vitamin C Serum', sku: 'VCS-' + crypto.randomBytes(3).toString('hex'), price: 8999, cost: 3000 });
  const pw = 'checkout settings 2026';
  const user = async (uname, role) => ({
    ...(await p.post('/v1/users', { name: uname, role, password: pw, email: `${role}-${crypto.randomBytes(3).toString('hex')}@e2e.example` })),
    password: pw,
  });
  p.admin = await user('Dana Admin', 'admin');
  p.provider = await user('Dr. Lee Park', 'provider');
  return p;
}

async function signInAs(page, u) {
  await page.goto('/');
  await submitSignIn(page, u.email, { password: u.password });
}

const subnav = (page) => page.getByRole('navigation', { name: 'Checkout settings' });

test('head admin sets the discount limit and the disclaimer, and connects Cherry in sandbox mode', async ({ page, playwright, baseURL }) => {
  test.setTimeout(60000);
  const p = await setUp(playwright, baseURL, 'Settings Head');
  try {
    await signInPractice(page, p);
    await navLink(page, 'Checkout settings').click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Promotions');
    await subnav(page).getByRole('link', { name: 'Invoice settings' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Invoice settings');
    await expect(page.getByLabel('Discount limit')).toHaveValue('20');

    // A limit over 100% is refused before it is sent.
    await page.getByLabel('Discount limit').fill('150');
    await page.getByRole('button', { name: 'Save invoice settings' }).click();
    await expect(page.getByLabel('Discount limit')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText('Enter a percent from 0 to 100')).toBeVisible();

    const disclaimer = 'All treatment sales are final. Results vary from patient to patient.';
    await page.getByLabel('Discount limit').fill('15');
    await page.getByLabel('Invoice disclaimer').fill(disclaimer);
    await expect(page.getByLabel('How the disclaimer prints')).toContainText(disclaimer);
    const saved = apiResponse(page, 'PATCH', '/v1/invoice_settings');
    await page.getByRole('button', { name: 'Save invoice settings' }).click();
    expect((await saved).status()).toBe(200);
    await expect(page.getByText('Invoice settings saved')).toBeVisible();
    await expect(page.getByText('may give up to 15% off')).toBeVisible();
    expect(await p.get('/v1/invoice_settings')).toMatchObject({ discount_limit_bps: 1500, disclaimer });
    await shoot(page, 'settings-invoice');

    // Financing: an unknown merchant is refused at its field, then Cherry connects.
    await subnav(page).getByRole('link', { name: 'Financing' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Financing');
    const cherry = page.getByRole('region', { name: 'Cherry' });
    await expect(cherry).toContainText('Not connected');
    await cherry.getByRole('button', { name: 'Connect Cherry' }).click();
    const dlg = page.getByRole('dialog', { name: 'Connect Cherry' });
    await expect(dlg.getByRole('radio', { name: /Sandbox/ })).toBeChecked();
    await expect(dlg.getByRole('radio', { name: /Live/ })).toBeDisabled();
    await dlg.getByLabel('Merchant ID').fill('unknown-merchant');
    await dlg.getByRole('button', { name: 'Connect Cherry' }).click();
    await expect(dlg.getByLabel('Merchant ID')).toHaveAttribute('aria-invalid', 'true');
    await expect(dlg).toContainText("Cherry has no merchant 'unknown-merchant'");
    await expect(dlg.getByLabel('Merchant ID')).toBeFocused();
    await dlg.getByLabel('Merchant ID').fill('chy-e2e-1042');
    await dlg.getByRole('button', { name: 'Connect Cherry' }).click();
    await expect(dlg).toHaveCount(0);
    await expect(cherry).toContainText('Connected');
    await expect(cherry).toContainText('Sandbox');
    await expect(cherry).toContainText('chy-e2e-1042');
    await expect(page.getByRole('region', { name: 'Klarna' })).toContainText('Not connected');
    const conns = await p.get('/v1/financing_connections');
    expect(conns.data.map((c) => [c.provider, c.mode, c.merchant_id, c.status])).toEqual([['cherry', 'sandbox', 'chy-e2e-1042', 'connected']]);
    await shoot(page, 'settings-financing');
  } finally {
    await p.dispose();
  }
});

test('an admin creates a BOGO promotion, a quick-button group and a membership tier; invoice settings and financing stay hidden', async ({ page, playwright, baseURL }) => {
  test.setTimeout(90000);
  const p = await setUp(playwright, baseURL, 'Settings Admin');
  try {
    await signInAs(page, p.admin);
    await expect(navLink(page, 'POS settings')).toHaveCount(0);
    await navLink(page, 'Checkout settings').click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Promotions');
    await expect(subnav(page).getByRole('link')).toHaveText(['Promotions', 'Quick buttons', 'Memberships']);
    for (const path of ['/settings/invoices', '/settings/financing']) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 }), path).toHaveText(/access/i);
    }

    // A BOGO on the serum: a last day before the first is the server's to refuse, at that field.
    await page.goto('/settings/promotions');
    await page.getByRole('button', { name: 'New promotion' }).first().click();
    const dlg = page.getByRole('dialog', { name: 'New promotion' });
    await dlg.getByLabel('Name', { exact: true }).fill('Serum BOGO');
    await expect(dlg.getByRole('radio', { name: /Buy X, get Y/ })).toBeChecked();
    const bought = dlg.getByRole('combobox', { name: 'Items bought' });
    await bought.fill('vitamin');
    await expect(dlg.getByRole('option', { name: /Vitamin C Serum/ })).toBeVisible();
    await bought.press('Enter');
    await expect(dlg.getByRole('list', { name: 'Items bought' })).toContainText('Vitamin C Serum');
    await dlg.getByLabel('First day (optional)').fill('2030-01-10');
    await dlg.getByLabel('Last day (optional)').fill('2030-01-01');
    const refused = apiResponse(page, 'POST', '/v1/promotions');
    await dlg.getByRole('button', { name: 'Create promotion' }).click();
    const r = await refused;
    expect(r.status()).toBe(400);
    const err = (await r.json()).error;
    expect(err.param).toBe('ends_at');
    await expect(dlg.getByLabel('Last day (optional)')).toHaveAttribute('aria-invalid', 'true');
    await expect(dlg).toContainText(err.message);
    await dlg.getByLabel('First day (optional)').fill('');
    await dlg.getByLabel('Last day (optional)').fill('');
    await dlg.getByRole('button', { name: 'Create promotion' }).click();
    await expect(dlg).toHaveCount(0);
    const row = page.getByRole('row').filter({ hasText: 'Serum BOGO' });
    await expect(row).toContainText('Buy 1, get 1 free');
    await expect(row).toContainText('Active');
    await expect(row).toContainText('All clinics');
    const promos = await p.get('/v1/promotions');
    expect(promos.data.map((x) => [x.name, x.kind, x.items, x.buy_quantity, x.get_quantity, x.discount])).toEqual([
      ['Serum BOGO', 'bogo', [p.serum.id], 1, 1, { percent_bps: 10000 }]]);
    await shoot(page, 'settings-promotions');

    // A quick-button group of Botox and the serum.
    await subnav(page).getByRole('link', { name: 'Quick buttons' }).click();
    await page.getByRole('button', { name: 'New group' }).first().click();
    const qd = page.getByRole('dialog', { name: 'New quick button group' });
    await qd.getByLabel('Name', { exact: true }).fill('Botox and serum');
    const box = qd.getByRole('combobox', { name: 'Buttons' });
    for (const text of ['botox', 'vitamin']) {
      await box.fill(text);
      await expect(qd.getByRole('listbox').getByRole('option').first()).toBeVisible();
      await box.press('Enter');
    }
    await expect(qd.getByRole('list', { name: 'Buttons' }).getByRole('listitem')).toHaveCount(2);
    await qd.getByRole('button', { name: 'Create group' }).click();
    await expect(qd).toHaveCount(0);
    await expect(page.getByRole('row').filter({ hasText: 'Botox and serum' })).toContainText('Vitamin C Serum');
    const groups = await p.get('/v1/quick_buttons');
    expect(groups.data.map((g) => [g.name, g.clinic, g.items.map((x) => x.item)])).toEqual([['Botox and serum', null, [p.botox.id, p.serum.id]]]);
    await shoot(page, 'settings-quick-buttons');

    // A program and a tier: 10% off, Botox at a member price.
    await subnav(page).getByRole('link', { name: 'Memberships' }).click();
    await page.getByRole('button', { name: 'New program' }).first().click();
    const pd = page.getByRole('dialog', { name: 'New membership program' });
    await pd.getByLabel('Name', { exact: true }).fill('Glow Club');
    await pd.getByRole('button', { name: 'Create program' }).click();
    await expect(pd).toHaveCount(0);
    await page.getByRole('button', { name: 'Add a tier to Glow Club' }).click();
    const td = page.getByRole('dialog', { name: 'Add a tier to Glow Club' });
    await td.getByLabel('Tier name').fill('Gold');
    await td.getByLabel('Member discount').fill('10');
    await td.getByLabel('Monthly fee').fill('99');
    const mp = td.getByRole('combobox', { name: 'Add a member price' });
    await mp.fill('botox');
    await expect(td.getByRole('option', { name: /Botox 20u/ })).toBeVisible();
    await mp.press('Enter');
    await td.getByLabel('Member price of Botox 20u').fill('200');
    await td.getByRole('button', { name: 'Add tier' }).click();
    await expect(td).toHaveCount(0);
    const gold = page.getByRole('region', { name: 'Glow Club' }).getByRole('row').filter({ hasText: 'Gold' });
    await expect(gold).toContainText('10% off');
    await expect(gold).toContainText('Botox 20u');
    await expect(gold).toContainText(usd(20000));
    await expect(gold).toContainText(usd(9900));
    const progs = await p.get('/v1/membership_programs');
    expect(progs.data[0].tiers.map((t) => [t.name, t.discount_bps, t.monthly_fee, t.member_prices])).toEqual([
      ['Gold', 1000, 9900, [{ item: p.botox.id, price: 20000 }]]]);
    await shoot(page, 'settings-memberships');
  } finally {
    await p.dispose();
  }
});

test('a provider enrols a patient, adds a quick-button group and sees the member price and the BOGO as the server priced them', async ({ page, playwright, baseURL }) => {
  test.setTimeout(60000);
  const p = await setUp(playwright, baseURL, 'Settings Editor');
  try {
    const promo = await p.post('/v1/promotions', { name: 'Serum BOGO', kind: 'bogo', items: [p.serum.id] });
    await p.post('/v1/quick_buttons', { name: 'Botox and serum', items: [{ item: p.botox.id }, { item: p.serum.id }] });
    await p.post('/v1/quick_buttons', { name: 'Filler', position: 2, items: [{ item: p.filler.id }] });
    const prog = await p.post('/v1/membership_programs', { name: 'Glow Club', agreement: 'I authorise Glow to charge my card monthly until I cancel.' });
    const tier = await p.post(`/v1/membership_programs/${prog.id}/tiers`, {
      name: 'Gold', discount_bps: 1000, monthly_fee: 9900, member_prices: [{ item: p.botox.id, price: 20000 }],
    });
    const tok = await p.post('/sandbox/v1/tokens', { number: '4242424242424242', exp_month: 12, exp_year: 2031, cvc: '123' });
    const card = await p.post(`/v1/patients/${p.patient.id}/cards`, { token: tok.id });

    // The provider enrols the patient on the patient page: the agreement, signed by name, the card on file.
    await signInAs(page, p.provider);
    await page.goto(`/patients/${p.patient.id}?tab=memberships`);
    await page.getByRole('button', { name: 'Enrol in a membership' }).click();
    const ed = page.getByRole('dialog', { name: 'Enrol Ava Stone' });
    await expect(ed.getByLabel('Tier')).toHaveValue(tier.id);
    await expect(ed.getByLabel('Card on file')).toHaveValue(card.id);
    await expect(ed.getByLabel('Agreement text')).toContainText('charge my card monthly');
    await ed.getByRole('button', { name: 'Enrol and charge' }).click();
    await expect(ed.getByLabel('Signature')).toHaveAttribute('aria-invalid', 'true');
    await ed.getByLabel('Signature').fill('Ava Stone');
    const enrolled = apiResponse(page, 'POST', '/v1/memberships');
    await ed.getByRole('button', { name: 'Enrol and charge' }).click();
    expect((await enrolled).status()).toBe(201);
    await expect(ed).toHaveCount(0);
    const memberRow = page.getByRole('tabpanel').getByRole('row').filter({ hasText: 'Glow Club · Gold' });
    await expect(memberRow).toContainText('Active');
    const mems = await p.get(`/v1/memberships?patient=${p.patient.id}`);
    expect(mems.data.map((m) => [m.tier, m.status, m.card, m.agreement_signature.name])).toEqual([[tier.id, 'active', card.id, 'Ava Stone']]);
    await shoot(page, 'patient-membership-enrolled');

    await page.goto(`/invoices/new?patient=${p.patient.id}`);
    await expect(page.getByText('Ava Stone', { exact: true })).toBeVisible();
    const quick = page.getByRole('group', { name: 'Quick buttons' });
    await expect(quick.getByRole('group')).toHaveCount(2);
    // One tap adds the group's items; the serum's own button adds one more.
    await quick.getByRole('button', { name: 'Add Botox and serum: Botox 20u, Vitamin C Serum' }).click();
    await quick.getByRole('button', { name: 'Add Vitamin C Serum', exact: true }).click();
    await expect(page.getByLabel('Quantity of Botox 20u')).toHaveValue('1');
    await expect(page.getByLabel('Quantity of Vitamin C Serum')).toHaveValue('2');
    await expect(page.getByText('Priced by the server.')).toBeVisible();

    // What the pricing engine says of the same invoice.
    const pr = await p.request.post('/v1/invoices/preview', { data: {
      clinic: p.clinic.id, patient: p.patient.id,
      lines: [{ item: p.botox.id, quantity: 1 }, { item: p.serum.id, quantity: 2 }],
    } });
    expect(pr.status(), await pr.text()).toBe(200);
    const want = await pr.json();
    expect(want.membership_tier).toMatchObject({ id: tier.id, name: 'Gold', discount_bps: 1000 });
    expect(want.lines.map((l) => [l.unit_price_source, l.promotion])).toEqual([['member', null], ['list', promo.id]]);
    expect(want.lines[1].promotion_discount).toBeGreaterThan(0);

    await expect(page.getByRole('status').filter({ hasText: 'Ava Stone is a Gold member.' })).toContainText('10%');
    const botoxRow = page.getByRole('row').filter({ hasText: 'Botox 20u' });
    await expect(botoxRow).toContainText('Member price');
    await expect(botoxRow).toContainText(`${usd(want.lines[0].unit_price)} each`);
    await expect(botoxRow).toContainText(usd(want.lines[0].net));
    const serumRow = page.getByRole('row').filter({ hasText: 'Vitamin C Serum' });
    await expect(serumRow).toContainText('Serum BOGO');
    await expect(serumRow).toContainText('Promotion −' + usd(want.lines[1].promotion_discount));
    await expect(serumRow).toContainText('Member discount −' + usd(want.lines[1].tier_discount));
    await expect(serumRow).toContainText(usd(want.lines[1].net));
    const total = page.locator('.editor-totals .totals-row').filter({ has: page.getByText('Total', { exact: true }) }).locator('dd');
    await expect(total).toHaveText(usd(want.total));
    await shoot(page, 'invoice-editor-quick-member-bogo');

    await page.getByRole('button', { name: 'Create invoice' }).click();
    await expect(page).toHaveURL(/\/invoices\/inv_[0-9a-z]+$/);
    const id = new URL(page.url()).pathname.split('/').pop();
    const inv = await p.get(`/v1/invoices/${id}`);
    expect(inv.lines.map((l) => [l.item, l.net])).toEqual(want.lines.map((l) => [l.item, l.net]));
    expect(inv.total).toBe(want.total);
  } finally {
    await p.dispose();
  }
});

test('a clerk merges two open invoices of one patient from the patient page, after the server refuses two of different clinics', async ({ page, playwright, baseURL }) => {
  test.setTimeout(60000);
  const p = await setUp(playwright, baseURL, 'Settings Merge');
  try {
    const other = await p.post('/v1/clinics', {
      name: 'Glow Evanston', timezone: 'America/Chicago',
      address: { line1: '2 Main St', city: 'Evanston', state: 'IL', postal_code: '60201' },
    });
    const invoice = (clinic, item, quantity) => p.post('/v1/invoices', { clinic, patient: p.patient.id, lines: [{ item, quantity }] });
    const a = await invoice(p.clinic.id, p.botox.id, 1);
    const aOpen = await p.post(`/v1/invoices/${a.id}/finalize`, {});
    const b = await invoice(p.clinic.id, p.serum.id, 2);
    const c = await invoice(other.id, p.filler.id, 1);
    await signInPractice(page, p, `/patients/${p.patient.id}`);
    const tab = page.getByRole('tabpanel');
    await expect(tab.getByRole('row')).toHaveCount(4);
    const bar = tab.getByRole('group', { name: 'Merge invoices' });
    await expect(bar.getByRole('button', { name: 'Merge invoices' })).toBeDisabled();
    const pick = (v) => tab.getByRole('checkbox', { name: new RegExp(`${v.number || 'Draft invoice'} of .*${usd(v.total).replace('$', '\\$')}`) });
    await pick(aOpen).check();
    await pick(c).check();
    await bar.getByRole('button', { name: 'Merge 2 invoices' }).click();
    const dlg = page.getByRole('dialog', { name: 'Merge 2 invoices?' });
    const refused = apiResponse(page, 'POST', '/v1/invoices/merge');
    await dlg.getByRole('button', { name: 'Merge invoices' }).click();
    const no = await refused;
    expect(no.status()).toBe(422);
    const refusal = (await no.json()).error;
    expect(refusal.code).toBe('invoices_not_mergeable');
    expect(refusal.param).toMatch(/^invoices\[[01]\]$/);
    await expect(dlg.getByRole('alert')).toContainText(refusal.message);
    // The invoice the server named is marked in the dialog's list.
    await expect(dlg.getByRole('list', { name: 'Invoices to merge' }).locator('li.is-failed')).toHaveCount(1);
    await shoot(page, 'merge-refused');
    await dlg.getByRole('button', { name: 'Cancel' }).click();
    await expect(dlg).toHaveCount(0);

    await pick(c).uncheck();
    await pick(b).check();
    await bar.getByRole('button', { name: 'Merge 2 invoices' }).click();
    const merged = apiResponse(page, 'POST', '/v1/invoices/merge');
    await page.getByRole('dialog', { name: 'Merge 2 invoices?' }).getByRole('button', { name: 'Merge invoices' }).click();
    const res = await merged;
    expect(res.status()).toBe(201);
    const m = await res.json();
    await expect(page).toHaveURL(new RegExp(`/invoices/${m.id}$`));
    await expect(page.getByRole('heading', { level: 1 })).toContainText(m.number);
    await expect(page.getByText(`Merged into ${m.number}`)).toBeVisible();
    expect(m.total).toBe(aOpen.total + b.total);
    expect(m.lines.map((l) => l.item).sort()).toEqual([p.botox.id, p.serum.id].sort());
    for (const id of [aOpen.id, b.id]) {
      expect(await p.get(`/v1/invoices/${id}`)).toMatchObject({ status: 'void', merged_into: m.id });
    }
    expect((await p.get(`/v1/invoices/${c.id}`)).status).toBe('draft');
    await shoot(page, 'merge-done');

    // A merged invoice points to the one it became.
    await page.goto(`/invoices/${b.id}`);
    await expect(page.getByRole('link', { name: m.number })).toBeVisible();
  } finally {
    await p.dispose();
  }
});
