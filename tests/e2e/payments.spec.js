// Card payments in the browser, on the sandbox gateway: turning POS on,
// bank accounts, keyed payments (approved and declined), refunds, cards on
// file, a card reader, payouts after the test clock moves, disputes, and
// who sees which of these screens. Each test that changes account-wide
// state has a practice of its own (newPractice); screenshots of the new
// screens go to build/screenshots/.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const {
  test, expect, navLink, signIn, settle, bodyRows, newPractice, signInPractice,
} = require('./fixtures');

const DIR = path.resolve(__dirname, '..', '..', 'build', 'screenshots');
fs.mkdirSync(DIR, { recursive: true });
const DAY = 24 * 60 * 60;

async function shoot(page, name) {
  await settle(page);
  await page.evaluate(() => {
    if (document.activeElement) document.activeElement.blur();
    scrollTo(0, 0);
    for (const t of document.querySelectorAll('.toasts')) t.style.display = 'none';
  });
  await page.screenshot({ path: path.join(DIR, `${name}.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
  await page.evaluate(() => { for (const t of document.querySelectorAll('.toasts')) t.style.display = ''; });
}

function apiResponse(page, method, p) {
  return page.waitForResponse((r) => r.request().method() === method && new URL(r.url()).pathname === p);
}

async function keyCard(scope, number, expiry = '12/31', cvc = '123') {
  await scope.getByLabel('Card number', { exact: true }).fill(number);
  await scope.getByLabel('Expiry (MM/YY)', { exact: true }).fill(expiry);
  await scope.getByLabel('CVC', { exact: true }).fill(cvc);
}

// A payment made behind the UI's back, through the sandbox's token.
async function payByApi(pr, number, amount) {
  const tok = await pr.post('/sandbox/v1/tokens', { number, exp_month: 12, exp_year: 2031, cvc: '123' });
  return pr.post('/v1/payments', {
    amount, currency: 'USD', clinic: pr.clinic.id, patient: pr.patient.id,
    source: { type: 'token', token: tok.id }, description: 'Hydrafacial',
  });
}

test('the head admin turns card payments on, adds a bank account and a reader, and sees what deactivating stops', async ({ page, playwright, baseURL }) => {
  const pr = await newPractice(playwright, baseURL, { name: 'Activation Practice' });
  try {
    await signInPractice(page, pr);
    await navLink(page, 'POS settings').click();
    await expect(page.getByRole('heading', { name: 'Turn on card payments' })).toBeVisible();
    await expect(page.getByText('US practices only.')).toBeVisible();
    await shoot(page, 'pos-activate');

    await page.getByRole('radio', { name: /^Sandbox/ }).check();
    await page.getByRole('radio', { name: /^Single merchant account/ }).check();
    const act = apiResponse(page, 'POST', '/v1/pos_settings/activate');
    await page.getByRole('button', { name: 'Activate card payments' }).click();
    expect((await act).status()).toBe(200);
    await expect(page.getByText('Active', { exact: true }).first()).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Merchant accounts' })).toBeVisible();

    // A bank account: the full number goes in, only the last four come back.
    await page.getByRole('button', { name: 'Add bank account' }).click();
    const dlg = page.getByRole('dialog', { name: 'Add bank account' });
    await dlg.getByLabel('Account holder name').fill('Activation Practice LLC');
    await dlg.getByLabel('Routing number').fill('11000000'); // 8 digits: refused here
    await dlg.getByLabel('Account number').fill('000123456789');
    await dlg.getByRole('button', { name: 'Add bank account' }).click();
    await expect(dlg.getByText('A routing number has 9 digits.')).toBeVisible();
    await dlg.getByLabel('Routing number').fill('110000000');
    const added = apiResponse(page, 'POST', '/v1/bank_accounts');
    await dlg.getByRole('button', { name: 'Add bank account' }).click();
    expect((await added).status()).toBe(201);
    await expect(dlg).toHaveCount(0);
    const banks = page.getByRole('region', { name: 'Bank accounts' });
    await expect(banks.getByText('•••• 6789')).toBeVisible();
    await expect(banks.getByText('000123456789')).toHaveCount(0);

    // A reader, registered by serial number.
    await page.getByRole('button', { name: 'Register reader' }).click();
    const rd = page.getByRole('dialog', { name: 'Register card reader' });
    await rd.getByLabel('Serial number').fill('WPE-E2E-0001');
    await rd.getByLabel('Label (optional)').fill('Front desk');
    await rd.getByRole('button', { name: 'Register' }).click();
    await expect(page.getByRole('region', { name: 'Card readers' }).getByText('WPE-E2E-0001')).toBeVisible();
    await shoot(page, 'pos-settings-active');

    // Deactivating first lists what would stop, then asks again.
    await page.getByRole('button', { name: 'Deactivate…' }).click();
    const de = page.getByRole('dialog', { name: 'Turn off card payments?' });
    const first = apiResponse(page, 'POST', '/v1/pos_settings/deactivate');
    await de.getByRole('button', { name: 'Check and deactivate' }).click();
    expect((await first).status()).toBe(409);
    await expect(de.getByText('Deactivating stops:')).toBeVisible();
    await expect(de.getByRole('listitem').filter({ hasText: 'card readers' })).toContainText('1');
    await shoot(page, 'pos-deactivate');
    await de.getByRole('button', { name: 'Deactivate anyway' }).click();
    await expect(page.getByRole('heading', { name: 'Turn on card payments' })).toBeVisible();
    const s = await (await pr.request.get('/v1/pos_settings')).json();
    expect(s.status).toBe('inactive');
  } finally {
    await pr.dispose();
  }
});

test('in "one merchant account per clinic" mode the head admin adds a clinic\'s merchant account and its bank account', async ({ page, playwright, baseURL }) => {
  const pr = await newPractice(playwright, baseURL, { name: 'Multi Practice' });
  try {
    await signInPractice(page, pr, '/settings/pos');
    await page.getByRole('radio', { name: /^One merchant account per clinic/ }).check();
    await page.getByRole('button', { name: 'Activate card payments' }).click();
    await expect(page.getByText('One per clinic', { exact: true })).toBeVisible();
    // Activation gave the existing clinic its merchant account.
    const merchants = page.getByRole('region', { name: 'Merchant accounts' });
    await expect(merchants.locator('tbody tr')).toHaveCount(1);
    await expect(merchants.getByText('Every clinic has one')).toBeVisible();
    // A clinic opened afterwards gets one here.
    const austin = await pr.post('/v1/clinics', { name: 'Glow Austin', timezone: 'America/Chicago' });
    await page.reload();
    await page.getByRole('button', { name: 'Add merchant account' }).click();
    const ma = page.getByRole('dialog', { name: 'Add merchant account' });
    await expect(ma.getByLabel('Clinic')).toHaveValue(austin.id);
    const made = apiResponse(page, 'POST', '/v1/merchant_accounts');
    await ma.getByRole('button', { name: 'Add', exact: true }).click();
    const m = await (await made).json();
    expect(m.clinic).toBe(austin.id);
    await expect(merchants.locator('tbody tr')).toHaveCount(2);
    await expect(merchants.getByText(m.id)).toBeVisible();

    await page.getByRole('button', { name: 'Add bank account' }).click();
    const dlg = page.getByRole('dialog', { name: 'Add bank account' });
    await dlg.getByLabel('Merchant account').selectOption(m.id);
    await dlg.getByLabel('Account holder name').fill('Glow Chicago LLC');
    await dlg.getByLabel('Routing number').fill('110000000');
    await dlg.getByLabel('Account number').fill('000999991234');
    const added = apiResponse(page, 'POST', '/v1/bank_accounts');
    await dlg.getByRole('button', { name: 'Add bank account' }).click();
    const res = await added;
    expect(res.status()).toBe(201);
    expect(res.request().postDataJSON().merchant_account).toBe(m.id);
    const row = page.getByRole('region', { name: 'Bank accounts' }).locator('tbody tr');
    await expect(row).toContainText('•••• 1234');
    await expect(row).toContainText('Glow Austin');
  } finally {
    await pr.dispose();
  }
});

test('a keyed payment with 4242 is approved, 0002 is declined, and part of the payment is refunded', async ({ page, playwright, baseURL }) => {
  const pr = await newPractice(playwright, baseURL, { name: 'Terminal Practice', activate: true });
  try {
    await signInPractice(page, pr);
    await navLink(page, 'Take payment').click();
    await expect(page.getByRole('heading', { name: 'Take payment', level: 1 })).toBeVisible();
    await expect(page.getByText('Sandbox — test cards only')).toBeVisible();
    await page.getByLabel('Amount', { exact: true }).fill('120.00');
    await page.getByLabel(/^Patient/).fill('Stone');
    await page.getByRole('button', { name: /Ava Stone/ }).click();
    await keyCard(page, '4242 4242 4242 4242');
    await shoot(page, 'take-payment');

    // Card number to the processor only; Poise gets a token.
    const tokenReq = page.waitForRequest((r) => new URL(r.url()).pathname === '/sandbox/v1/tokens');
    const payReq = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/v1/payments');
    await page.getByRole('button', { name: 'Charge $120.00' }).click();
    expect((await tokenReq).postDataJSON().number).toBe('4242424242424242');
    const sent = (await payReq).postDataJSON();
    expect(sent).toMatchObject({ amount: 12000, currency: 'USD', capture: true, patient: pr.patient.id, source: { type: 'token' } });
    expect(JSON.stringify(sent)).not.toContain('4242424242424242');
    await expect(page.getByRole('heading', { name: 'Payment approved' })).toBeVisible();
    await expect(page.getByText('Visa •••• 4242').first()).toBeVisible();
    await shoot(page, 'payment-approved');

    // A declined card: the processor's message and code, clearly.
    await page.getByRole('button', { name: 'New payment' }).click();
    await page.getByLabel('Amount', { exact: true }).fill('45');
    await keyCard(page, '4000000000000002');
    const declined = apiResponse(page, 'POST', '/v1/payments');
    await page.getByRole('button', { name: 'Charge $45.00' }).click();
    expect((await declined).status()).toBe(402);
    const alert = page.locator('.decline');
    await expect(alert).toContainText('Payment declined');
    await expect(alert).toContainText('(generic_decline)');
    await shoot(page, 'payment-declined');
    // The same form, another card, a fresh idempotency key: approved.
    await keyCard(page, '4000000000009995');
    await page.getByRole('button', { name: 'Charge $45.00' }).click();
    await expect(alert).toContainText('insufficient funds');
    await expect(alert).toContainText('(insufficient_funds)');

    // The payments list, then the approved one: refund $20 of $120.
    await navLink(page, 'Payments').click();
    await expect(bodyRows(page)).toHaveCount(3);
    await page.getByLabel('Status').selectOption('succeeded');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(bodyRows(page)).toHaveCount(1);
    await expect(bodyRows(page).first()).toContainText('Ava Stone');
    await shoot(page, 'payments');
    await bodyRows(page).first().getByRole('link', { name: '$120.00' }).click();
    await expect(page).toHaveURL(/\/payments\/pay_/);
    await page.getByRole('button', { name: 'Refund' }).click();
    const rf = page.getByRole('dialog', { name: 'Refund payment' });
    await rf.getByLabel('Amount to refund').fill('20.00');
    await rf.getByLabel('Reason').selectOption('requested_by_customer');
    const refund = apiResponse(page, 'POST', '/v1/refunds');
    await rf.getByRole('button', { name: 'Refund' }).click();
    const rr = await refund;
    expect(rr.status()).toBe(201);
    expect(rr.request().postDataJSON()).toMatchObject({ amount: 2000, reason: 'requested_by_customer' });
    const refunds = page.getByRole('region', { name: 'Refunds' });
    await expect(refunds.getByRole('row')).toHaveCount(2);
    await expect(refunds).toContainText('$20.00');
    await expect(page.getByText('Partly refunded').first()).toBeVisible();
    await shoot(page, 'payment-detail');
  } finally {
    await pr.dispose();
  }
});

test('a card saved on the patient is charged from the terminal; a reader payment waits for the card', async ({ page, playwright, baseURL }) => {
  const pr = await newPractice(playwright, baseURL, { name: 'Cards Practice', activate: true });
  try {
    await pr.post('/v1/card_readers', { clinic: pr.clinic.id, serial_number: 'WPE-E2E-0002', label: 'Desk reader' });
    await signInPractice(page, pr, `/patients/${pr.patient.id}?tab=cards`);
    await expect(page.getByText('No cards on file yet')).toBeVisible();
    await page.getByRole('button', { name: 'Add card' }).first().click();
    const dlg = page.getByRole('dialog', { name: 'Add card' });
    await expect(dlg.getByText('Sandbox — test cards only')).toBeVisible();
    await keyCard(dlg, '4242424242424242', '08/30');
    await dlg.getByRole('button', { name: 'Save card' }).click();
    await expect(dlg).toHaveCount(0);
    await expect(page.getByRole('list', { name: 'Cards on file' })).toContainText('Visa •••• 4242');
    await expect(page.getByRole('list', { name: 'Cards on file' })).toContainText('Expires 08/30');
    await shoot(page, 'patient-cards');

    // Charge it from the terminal, authorize only.
    await navLink(page, 'Take payment').click();
    await page.getByLabel('Amount', { exact: true }).fill('80');
    await page.getByLabel(/^Patient/).fill('Ava');
    await page.getByRole('button', { name: /Ava Stone/ }).click();
    await page.getByRole('button', { name: 'Authorize only' }).click();
    await page.getByRole('tab', { name: 'Card on file' }).click();
    await expect(page.getByLabel('Saved card')).toContainText('Visa •••• 4242');
    await page.getByRole('button', { name: 'Authorize $80.00' }).click();
    await expect(page.getByRole('heading', { name: 'Payment authorized' })).toBeVisible();
    // Capture $60 of it on the payment's page.
    await page.getByRole('link', { name: 'View payment' }).click();
    await page.getByRole('button', { name: 'Capture' }).click();
    const cap = page.getByRole('dialog', { name: 'Capture payment' });
    await cap.getByLabel('Amount to capture').fill('60.00');
    await cap.getByRole('button', { name: 'Capture' }).click();
    await expect(page.getByText('Succeeded', { exact: true }).first()).toBeVisible();
    await expect(page.locator('dd').filter({ hasText: '$60.00' }).first()).toBeVisible();

    // A reader: "Waiting for card…" until the (simulated) tap.
    await navLink(page, 'Take payment').click();
    await page.getByLabel('Amount', { exact: true }).fill('35');
    await page.getByRole('tab', { name: 'Card reader' }).click();
    await page.getByRole('button', { name: 'Send to reader · Charge $35.00' }).click();
    await expect(page.getByText('Waiting for card…')).toBeVisible();
    await shoot(page, 'reader-waiting');
    await page.getByRole('button', { name: 'Present card' }).click();
    await expect(page.getByRole('heading', { name: 'Payment approved' })).toBeVisible();
    await expect(page.getByText(/card present/)).toBeVisible();
  } finally {
    await pr.dispose();
  }
});

test('after the test clock moves three days, the payout and its deposit report are shown; a dispute takes evidence', async ({ page, playwright, baseURL }) => {
  const pr = await newPractice(playwright, baseURL, { name: 'Payout Practice', activate: true, bank: true });
  try {
    await payByApi(pr, '4242424242424242', 15000);
    await payByApi(pr, '4000000000000259', 9000); // disputed after settlement
    await pr.post('/sandbox/v1/test_clock/advance', { seconds: 3 * DAY });

    await signInPractice(page, pr);
    await navLink(page, 'Payouts').click();
    await expect(bodyRows(page).first()).toBeVisible();
    await shoot(page, 'payouts');
    const payouts = (await (await pr.request.get('/v1/payouts')).json()).data;
    expect(payouts.length).toBeGreaterThan(0);
    const po = payouts[payouts.length - 1]; // the first payout
    await page.getByRole('link', { name: po.id }).or(page.locator(`a[href="/payouts/${po.id}"]`)).first().click();
    await expect(page.getByRole('heading', { name: 'Deposit report' })).toBeVisible();
    const full = await (await pr.request.get(`/v1/payouts/${po.id}`)).json();
    const report = page.getByRole('region', { name: 'Deposit report' });
    await expect(report.locator('tbody tr')).toHaveCount(full.items.length);
    await expect(report.getByText('The items add up to the payout amount')).toBeVisible();
    await expect(report.getByText('Charge').first()).toBeVisible();
    await shoot(page, 'payout');

    await navLink(page, 'Disputes').click();
    await expect(bodyRows(page)).toHaveCount(1);
    await shoot(page, 'disputes');
    await bodyRows(page).first().getByRole('link').first().click();
    await expect(page.getByText('Evidence due by')).toBeVisible();
    await page.getByLabel('Service or product provided').fill('Hydrafacial treatment on the date of the charge.');
    await page.getByLabel('Communication with the patient').fill('Patient confirmed the booking by email.');
    const saved = apiResponse(page, 'POST', /* evidence */ `/v1/disputes/${page.url().split('/').pop()}/evidence`);
    await page.getByRole('button', { name: 'Save evidence' }).click();
    expect((await saved).status()).toBe(200);
    await shoot(page, 'dispute');
    await page.getByRole('button', { name: 'Submit evidence…' }).click();
    const sub = apiResponse(page, 'POST', `/v1/disputes/${page.url().split('/').pop()}/submit`);
    await page.getByRole('dialog', { name: 'Submit this evidence?' }).getByRole('button', { name: 'Submit evidence' }).click();
    expect((await sub).status()).toBe(200);
    await expect(page.getByText('The evidence was submitted and can no longer change.')).toBeVisible();
    await expect(page.getByLabel('Service or product provided')).toHaveValue('Hydrafacial treatment on the date of the charge.');
  } finally {
    await pr.dispose();
  }
});

test('front desk takes payments but sees no POS settings, payouts or disputes, and gets "no access" at /settings/pos', async ({ page }) => {
  await signIn(page, 'front_desk');
  await expect(navLink(page, 'Take payment')).toBeVisible();
  await expect(navLink(page, 'Payments')).toBeVisible();
  for (const name of ['POS settings', 'Payouts', 'Disputes']) await expect(navLink(page, name), name).toHaveCount(0);
  for (const p of ['/settings/pos', '/payouts', '/disputes']) {
    await page.goto(p);
    await expect(page.getByRole('heading', { level: 1 }), p).toHaveText("You don't have access to this page");
  }
  await expect(page.getByRole('button', { name: /Activate|Deactivate/ })).toHaveCount(0);
});
