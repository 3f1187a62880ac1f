// Users: invite a user with a role.
'use strict';

const { test, expect, apiGet, navLink, signIn } = require('./fixtures');

test('invite a user as front desk', async ({ page, api }) => {
  const stamp = Date.now().toString(36);
  const email = `riley.${stamp}@glow.example`;
  const name = `Riley Park ${stamp}`;

  await signIn(page, 'head_admin');
  await navLink(page, 'Users').click();
  await page.getByRole('button', { name: 'Invite user', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Email', { exact: true }).fill(email);
  // A <select>; its front-desk option has the API's value or reads "Front desk".
  const role = page.getByLabel('Role', { exact: true });
  const value = await role.evaluate((sel) => {
    const o = [...sel.options].find((x) => x.value === 'front_desk' || /front desk/i.test(x.label));
    return o ? o.value : null;
  });
  expect(value, 'Role offers front desk').not.toBeNull();
  await role.selectOption(value);
  // An optional first password (the API makes one optional).
  const pw = page.getByLabel(/password/i);
  if (await pw.count()) await pw.first().fill('welcome to glow 2026');

  const created = page.waitForResponse((r) => r.request().method() === 'POST' &&
    new URL(r.url()).pathname === '/v1/users');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  expect((await created).status()).toBe(201);

  const row = page.getByRole('row').filter({ hasText: email });
  await expect(row).toBeVisible();
  await expect(row).toContainText(name);
  await expect(row).toContainText(/front desk/i);

  const users = (await apiGet(api, '/v1/users?limit=100')).data;
  expect(users.filter((u) => u.email === email))
    .toEqual([expect.objectContaining({ name, role: 'front_desk' })]);
});
