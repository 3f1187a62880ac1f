// Users (head admin): hand the head-admin role to a newly invited user
// ("Make head admin", confirmed); the old head admin's navigation loses
// "POS settings" and the new one's has it. The new head admin then hands
// it back in the UI, so the demo head admin (whose API key the other tests
// use) is head admin again; if the test fails half-way, the cleanup hands
// it back through the API with the new head admin's session.
'use strict';

const {
  test, expect, apiGet, navLink, signIn, submitSignIn, watchPage, cspReporter, USERS,
} = require('./fixtures');

const PASSWORD = 'e2e head admin 2026';

function apiResponse(page, method, path) {
  return page.waitForResponse((r) => r.request().method() === method &&
    new URL(r.url()).pathname === path);
}

// Edit `name` on the Users page, then "Make head admin" and confirm.
async function makeHeadAdmin(page, name) {
  await navLink(page, 'Users').click();
  await page.getByRole('button', { name: `Edit ${name}`, exact: true }).click();
  const edit = page.getByRole('dialog', { name: 'Edit user' });
  await edit.getByRole('button', { name: 'Make head admin', exact: true }).click();
  const confirm = page.getByRole('dialog', { name: `Make ${name} the head admin?` });
  await expect(confirm).toBeVisible();
  await expect(edit).toHaveCount(0);
  const done = apiResponse(page, 'POST', '/v1/account/transfer_head_admin');
  await confirm.getByRole('button', { name: 'Make head admin', exact: true }).click();
  const res = await done;
  expect(res.status(), await res.text()).toBe(200);
  await expect(confirm).toHaveCount(0);
  return res.json();
}

test('the head admin hands the role to a new user, who hands it back', async ({ page, api, browser, baseURL, problems, playwright }) => {
  const stamp = Date.now().toString(36);
  const name = `Morgan Lee ${stamp}`;
  const email = `morgan.${stamp}@glow.example`;
  const me = await apiGet(api, '/v1/me');
  const maya = me.user;
  expect(maya.email).toBe(USERS.head_admin.email);
  expect(me.account.head_admin).toBe(maya.id);

  let ctx2 = null;
  try {
    // Invite the new user, with a password (without one the hand-over is not offered).
    await signIn(page, 'head_admin');
    await navLink(page, 'Users').click();
    await page.getByRole('button', { name: 'Invite user', exact: true }).click();
    const invite = page.getByRole('dialog', { name: 'Invite user' });
    await invite.getByLabel('Name', { exact: true }).fill(name);
    await invite.getByLabel('Email', { exact: true }).fill(email);
    await invite.getByLabel('Role', { exact: true }).selectOption('admin');
    await invite.getByLabel('Password', { exact: true }).fill(PASSWORD);
    const created = apiResponse(page, 'POST', '/v1/users');
    await invite.getByRole('button', { name: 'Save', exact: true }).click();
    const cr = await created;
    expect(cr.status()).toBe(201);
    const morgan = await cr.json();
    await expect(page.getByRole('row').filter({ hasText: email })).toContainText('Active');
    await expect(navLink(page, 'POS settings')).toBeVisible();

    const account = await makeHeadAdmin(page, name);
    expect(account.head_admin).toBe(morgan.id);
    // The old head admin is an admin now: no POS settings, still signed in.
    await expect(navLink(page, 'POS settings')).toHaveCount(0);
    await expect(navLink(page, 'Users')).toBeVisible();
    const rows = page.getByRole('row');
    await expect(rows.filter({ hasText: email })).toContainText('Head admin');
    await expect(rows.filter({ hasText: USERS.head_admin.email })).toContainText('Admin');
    await expect(rows.filter({ hasText: USERS.head_admin.email })).not.toContainText('Head admin');
    expect(await apiGet(api, `/v1/users/${maya.id}`)).toMatchObject({ role: 'admin' });
    expect(await apiGet(api, `/v1/users/${morgan.id}`)).toMatchObject({ role: 'head_admin' });

    // The new head admin signs in (another browser) and has POS settings.
    ctx2 = await browser.newContext({ baseURL, viewport: { width: 1024, height: 768 } });
    await ctx2.addInitScript(cspReporter);
    const p2 = await ctx2.newPage();
    watchPage(p2, problems);
    await p2.goto('/');
    await submitSignIn(p2, email, { password: PASSWORD });
    await expect(navLink(p2, 'POS settings')).toBeVisible();
    await navLink(p2, 'POS settings').click();
    await expect(p2.getByRole('heading', { level: 1 })).toHaveText(/POS settings/i);

    // ...and hands it back.
    const back = await makeHeadAdmin(p2, maya.name);
    expect(back.head_admin).toBe(maya.id);
    await expect(navLink(p2, 'POS settings')).toHaveCount(0);
    await page.reload();
    await expect(navLink(page, 'POS settings')).toBeVisible();
  } finally {
    if (ctx2) await ctx2.close();
    // However far the test got: the demo head admin is head admin again.
    const now = await apiGet(api, '/v1/me');
    if (now.account.head_admin !== maya.id) {
      const s = await playwright.request.newContext({ baseURL });
      try {
        const head = await apiGet(api, `/v1/users/${now.account.head_admin}`);
        expect(head.email, 'only the test\'s user can be head admin here').toBe(email);
        const signed = await s.post('/v1/sessions', { data: { email, password: PASSWORD } });
        expect(signed.status(), await signed.text()).toBe(201);
        const { csrf_token: token } = await signed.json();
        const t = await s.post('/v1/account/transfer_head_admin', {
          data: { user: maya.id }, headers: { 'X-CSRF-Token': token },
        });
        expect(t.status(), await t.text()).toBe(200);
      } finally {
        await s.dispose();
      }
    }
    expect((await apiGet(api, '/v1/me')).account.head_admin, 'the demo head admin is head admin again').toBe(maya.id);
  }
});
