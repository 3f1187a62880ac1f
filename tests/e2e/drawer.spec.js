// The cash drawer in the browser: the front desk opens a register's drawer
// with a float, records a paid-out and a paid-in, closes it with a count,
// and sees the server's expected cash and over/short on the drawer and in
// the list of closed drawers. Also: a second drawer on an open register
// and a paid-out beyond the cash are refused at their fields.
// Screenshots go to /tmp/poise-shots/.
'use strict';

const fs = require('node:fs');
const { test, expect, signIn, settle, apiGet } = require('./fixtures');

// A link of the main navigation (pages also link back to "Cash drawer").
const navLink = (page, name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

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

const usd = (cents) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);

// The value of a summary tile ("Opening float", "Expected now", …).
function stat(page, label) {
  return page.locator('.stat').filter({ has: page.getByText(label, { exact: true }) }).locator('.stat-value');
}

async function openDrawer(page, register, float) {
  await page.getByRole('button', { name: 'Open a drawer' }).first().click();
  const dlg = page.getByRole('dialog', { name: 'Open a cash drawer' });
  await dlg.getByLabel('Register').fill(register);
  await dlg.getByLabel('Opening float').fill(float);
  await dlg.getByRole('button', { name: 'Open drawer' }).click();
  return dlg;
}

async function move(page, direction, amount, reason) {
  await page.getByRole('button', { name: 'Paid in / out' }).click();
  const dlg = page.getByRole('dialog', { name: 'Paid in / paid out' });
  await dlg.getByRole('button', { name: direction === 'out' ? 'Paid out (cash leaves)' : 'Paid in (cash added)' }).click();
  await dlg.getByLabel('Amount').fill(amount);
  await dlg.getByLabel('Reason').fill(reason);
  await dlg.getByRole('button', { name: direction === 'out' ? 'Record paid out' : 'Record paid in' }).click();
  return dlg;
}

test('the front desk opens a drawer, pays out and in, closes it with a count and sees over/short', async ({ page, api }) => {
  const register = 'till-' + Date.now().toString(36).slice(-5);
  await signIn(page, 'front_desk');
  await navLink(page, 'Cash drawer').click();
  await expect(page.getByRole('heading', { name: 'Cash drawer', level: 1 })).toBeVisible();

  const opened = await openDrawer(page, register, '200');
  await expect(opened).toHaveCount(0);
  await expect(page).toHaveURL(/\/cash-drawer\/drw_[0-9a-z]+$/);
  const id = new URL(page.url()).pathname.split('/').pop();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`Register ${register}`);
  await expect(stat(page, 'Opening float')).toHaveText(usd(20000));
  await expect(stat(page, 'Expected now')).toHaveText(usd(20000));

  await expect(await move(page, 'out', '12.50', 'Coffee for the team')).toHaveCount(0);
  await expect(await move(page, 'in', '5', 'Change from the safe')).toHaveCount(0);
  const rows = page.getByRole('table').locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: 'Coffee for the team' })).toContainText('−' + usd(1250));
  await expect(rows.filter({ hasText: 'Change from the safe' })).toContainText('+' + usd(500));
  const report = await apiGet(api, `/v1/cash_drawers/${id}`);
  expect(report.expected).toBe(20000 - 1250 + 500);
  await expect(stat(page, 'Expected now')).toHaveText(usd(report.expected));
  await expect(stat(page, 'Paid out')).toHaveText('−' + usd(1250));
  await shoot(page, 'drawer-open');

  // The list shows it among the open drawers, with what it should hold.
  await navLink(page, 'Cash drawer').click();
  const tile = page.getByRole('link', { name: new RegExp(register) });
  await expect(tile).toContainText(usd(report.expected));
  await shoot(page, 'drawer-list-open');
  await tile.click();

  // Count $190.00 against $192.50 expected: $2.50 short.
  await page.getByRole('button', { name: 'Close drawer' }).click();
  const dlg = page.getByRole('dialog', { name: 'Close the drawer' });
  await dlg.getByLabel('Counted cash').fill('190.00');
  await dlg.getByRole('button', { name: 'Close drawer' }).click();
  await expect(dlg).toHaveCount(0);
  const closed = await apiGet(api, `/v1/cash_drawers/${id}`);
  expect([closed.status, closed.expected, closed.counted, closed.over_short]).toEqual(['closed', 19250, 19000, -250]);
  const result = page.getByRole('region', { name: 'Close' });
  await expect(result).toContainText(usd(19250));
  await expect(result).toContainText(usd(19000));
  await expect(result).toContainText('Short ' + usd(250));
  await expect(page.getByRole('button', { name: 'Paid in / out' })).toHaveCount(0);
  await shoot(page, 'drawer-closed');

  await navLink(page, 'Cash drawer').click();
  const row = page.getByRole('row').filter({ hasText: register });
  await expect(row).toContainText('Short ' + usd(250));
  await expect(page.getByRole('link', { name: new RegExp(register) }).filter({ hasText: 'Expected in the drawer now' })).toHaveCount(0);
  await shoot(page, 'drawer-list');
});

test('a register with an open drawer cannot open another; a paid-out beyond the cash is refused', async ({ page }) => {
  const register = 'till-' + Date.now().toString(36).slice(-5);
  await signIn(page, 'front_desk', '/cash-drawer');
  await expect(page.getByRole('heading', { name: 'Cash drawer', level: 1 })).toBeVisible();
  await expect(await openDrawer(page, register, '50')).toHaveCount(0);
  await expect(page).toHaveURL(/\/cash-drawer\/drw_/);

  await navLink(page, 'Cash drawer').click();
  const again = await openDrawer(page, register, '20');
  await expect(again.getByLabel('Register')).toHaveAttribute('aria-invalid', 'true');
  await expect(again.locator('.field-error')).toBeVisible();
  await again.getByRole('button', { name: 'Cancel' }).click();

  await page.getByRole('link', { name: new RegExp(register) }).click();
  const dlg = await move(page, 'out', '80', 'Too much');
  await expect(dlg.getByLabel('Amount')).toHaveAttribute('aria-invalid', 'true');
  await expect(dlg.locator('.field-error')).toBeVisible();
});
