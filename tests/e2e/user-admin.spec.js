// Users (admin): change a provider's role to front desk; disable a user
// (who then cannot sign in: the sign-in page shows the API's message) and
// enable them again. The users are made for the test through the API, so
// the demo staff the other tests sign in as are never touched.
'use strict';

const {
  test, expect, apiGet, navLink, signIn, signInButton, submitSignIn, watchPage, cspReporter,
} = require('./fixtures');

const PASSWORD = 'e2e password 2026';

function apiResponse(page, method, path) {
  return page.waitForResponse((r) => r.request().method() === method &&
    new URL(r.url()).pathname === path);
}

async function newUser(api, role, first) {
  const stamp = Date.now().toString(36);
  const res = await api.post('/v1/users', {
    data: { name: `${first} Test ${stamp}`, email: `${first.toLowerCase()}.${stamp}@glow.example`, role, password: PASSWORD },
  });
  expect(res.status(), await res.text()).toBe(201);
  return res.json();
}

function userRow(page, u) {
  return page.getByRole('row').filter({ hasText: u.email });
}

// A second browser (its own cookies), guarded like the test's own pages.
async function otherBrowser(browser, baseURL, problems) {
  const ctx = await browser.newContext({ baseURL, viewport: { width: 1024, height: 768 } });
  await ctx.addInitScript(cspReporter);
  ctx.on('page', (p) => watchPage(p, problems));
  return { ctx, page: await ctx.newPage() };
}

test('admin changes a provider\'s role to front desk', async ({ page, api }) => {
  const u = await newUser(api, 'provider', 'Priya');
  await signIn(page, 'admin');
  await navLink(page, 'Users').click();
  const row = userRow(page, u);
  await expect(row).toContainText('Provider');

  await row.getByRole('button', { name: `Edit ${u.name}`, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit user' });
  const role = dialog.getByLabel('Role', { exact: true });
  await expect(role).toHaveValue('provider');
  // An admin cannot make admins: no such option.
  await expect(role.locator('option[value="admin"]')).toHaveCount(0);
  await role.selectOption('front_desk');
  const patched = apiResponse(page, 'PATCH', `/v1/users/${u.id}`);
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  const pr = await patched;
  expect(pr.status()).toBe(200);
  expect(pr.request().postDataJSON()).toEqual({ role: 'front_desk' });
  await expect(dialog).toHaveCount(0);
  await expect(row).toContainText('Front desk');
  expect(await apiGet(api, `/v1/users/${u.id}`)).toMatchObject({ id: u.id, role: 'front_desk' });
});

test('admin disables a user, who then cannot sign in; enabled again, they can', async ({ page, api, browser, baseURL, problems }) => {
  const u = await newUser(api, 'front_desk', 'Dana');
  await signIn(page, 'admin');
  await navLink(page, 'Users').click();
  const row = userRow(page, u);
  await expect(row).toContainText('Active');

  await row.getByRole('button', { name: `Disable ${u.name}`, exact: true }).click();
  const confirm = page.getByRole('dialog', { name: `Disable ${u.name}?` });
  await expect(confirm).toContainText('can no longer sign in');
  const disabled = apiResponse(page, 'PATCH', `/v1/users/${u.id}`);
  await confirm.getByRole('button', { name: 'Disable user', exact: true }).click();
  expect((await disabled).status()).toBe(200);
  await expect(confirm).toHaveCount(0);
  await expect(row).toContainText('Disabled');
  await expect(row.getByRole('button', { name: `Enable ${u.name}`, exact: true })).toBeVisible();
  expect(await apiGet(api, `/v1/users/${u.id}`)).toMatchObject({ disabled: true });

  // The disabled user tries to sign in elsewhere: the API's message, no app.
  const other = await otherBrowser(browser, baseURL, problems);
  try {
    const p2 = other.page;
    await p2.goto('/');
    await p2.getByLabel('Email', { exact: true }).fill(u.email);
    await p2.getByLabel('Password', { exact: true }).fill(PASSWORD);
    const refused = apiResponse(p2, 'POST', '/v1/sessions');
    await signInButton(p2).click();
    const rr = await refused;
    expect(rr.status()).toBe(401);
    const { error } = await rr.json();
    await expect(p2.getByRole('alert').filter({ hasText: error.message })).toBeVisible();
    await expect(signInButton(p2)).toBeVisible();
    await expect(navLink(p2, 'Patients')).toHaveCount(0);

    // Enabled again (no confirm step for that), they can sign in.
    const enabled = apiResponse(page, 'PATCH', `/v1/users/${u.id}`);
    await row.getByRole('button', { name: `Enable ${u.name}`, exact: true }).click();
    const er = await enabled;
    expect(er.status()).toBe(200);
    expect(er.request().postDataJSON()).toEqual({ disabled: false });
    await expect(row).toContainText('Active');
    await expect(row.getByRole('button', { name: `Disable ${u.name}`, exact: true })).toBeVisible();
    expect(await apiGet(api, `/v1/users/${u.id}`)).toMatchObject({ disabled: false });

    await submitSignIn(p2, u.email, { password: PASSWORD });
    await expect(p2.getByText(u.name).first()).toBeVisible();
  } finally {
    await other.ctx.close();
  }
});
