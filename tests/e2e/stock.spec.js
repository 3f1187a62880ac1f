// Products (front desk): set the stock count of a product for the clinic
// chosen in the top bar, and see it in the "In stock" column and the API.
'use strict';

const { test, expect, apiGet, navLink, signIn } = require('./fixtures');

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('front desk sets the stock of a product for the current clinic', async ({ page, api }) => {
  // A product of its own (no stock yet), so no demo count changes.
  const stamp = Date.now().toString(36);
  const res = await api.post('/v1/products', {
    data: { sku: `E2E-${stamp.toUpperCase()}`, name: `Glow Test Serum ${stamp}`, price: 4800, cost: 2100, currency: 'USD' },
  });
  expect(res.status(), await res.text()).toBe(201);
  const product = await res.json();

  await signIn(page, 'front_desk');
  await navLink(page, 'Catalog').click();
  await page.getByRole('navigation', { name: 'Catalog sections' })
    .getByRole('link', { name: 'Products', exact: true }).click();
  await expect(page).toHaveURL(/\/catalog\/products$/);

  // The current clinic: the top bar's switcher.
  const switcher = page.getByLabel('Clinic', { exact: true });
  await expect(switcher).toBeVisible();
  const clinicId = await switcher.inputValue();
  const clinicName = (await switcher.locator('option:checked').textContent()).trim();
  expect(clinicId).toMatch(/^cln_/);

  const row = page.getByRole('row').filter({ hasText: new RegExp(escapeRe(product.name)) });
  await expect(row).toBeVisible();
  const headers = page.getByRole('table').first().getByRole('columnheader');
  const col = await headers.evaluateAll((ths) => ths.findIndex((th) => /^In stock/.test(th.textContent.trim())));
  expect(col, 'an "In stock" column').toBeGreaterThanOrEqual(0);
  // The header names the clinic it counts ("Austin" of "Glow Aesthetics - Austin").
  await expect(headers.nth(col)).toContainText(clinicName.replace(/^.*\s[-–—]\s/, ''));
  const cell = row.getByRole('cell').nth(col);
  await expect(cell).toHaveText('Out');

  await row.getByRole('button', { name: `Stock of ${product.name}`, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Stock on hand' });
  await expect(dialog).toBeVisible();
  const qty = dialog.getByLabel(clinicName, { exact: true });
  await expect(qty).toHaveValue('0');
  await qty.fill('17');
  const put = page.waitForResponse((r) => r.request().method() === 'PUT' &&
    new URL(r.url()).pathname === `/v1/products/${product.id}/stock/${clinicId}`);
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  const pr = await put;
  expect(pr.status()).toBe(200);
  expect(pr.request().postDataJSON()).toEqual({ quantity: 17 });
  await expect(dialog).toHaveCount(0);
  await expect(cell).toHaveText('17');

  const after = await apiGet(api, `/v1/products/${product.id}`);
  expect(after.stock.find((s) => s.clinic === clinicId)).toMatchObject({ quantity: 17 });
  // Only the current clinic was counted.
  expect(after.stock.filter((s) => s.clinic !== clinicId && s.quantity !== 0)).toEqual([]);
});
