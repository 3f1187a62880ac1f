// Sign out, deep links while signed out, session expiry, and the keyboard
// on the sign-in form.
'use strict';

const {
  test, expect, USERS, navLink, signInButton, submitSignIn, signIn, bodyRows,
} = require('./fixtures');

test('Enter in the password field submits the sign-in form', async ({ page }) => {
  await page.goto('/');
  await submitSignIn(page, USERS.front_desk.email, { key: true });
});

test('a wrong password shows the API message and stays on sign-in', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Email', { exact: true }).fill(USERS.provider.email);
  await page.getByLabel('Password', { exact: true }).fill('not the password');
  await signInButton(page).click();
  // The API's own message, announced to screen readers.
  await expect(page.getByRole('alert').filter({ hasText: /wrong e-mail or password/i })).toBeVisible();
  await expect(signInButton(page)).toBeVisible();
  await expect(navLink(page, 'Patients')).toHaveCount(0);
});

test('sign out returns to sign-in; /patients then asks to sign in and comes back', async ({ page }) => {
  await signIn(page, 'head_admin');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(signInButton(page)).toBeVisible();
  await expect(navLink(page, 'Patients')).toHaveCount(0);

  await page.goto('/patients');
  await expect(signInButton(page)).toBeVisible();
  await expect(navLink(page, 'Patients')).toHaveCount(0);
  await submitSignIn(page, USERS.head_admin.email);
  await expect(page).toHaveURL(/\/patients\/?(\?.*)?$/);
  await expect(bodyRows(page).first()).toBeVisible();
});

test('an expired session goes to sign-in, then back to where the user was', async ({ page, context }) => {
  await signIn(page, 'admin');
  await navLink(page, 'Patients').click();
  await expect(page).toHaveURL(/\/patients/);
  await expect(bodyRows(page).first()).toBeVisible();

  // The server forgets nothing here: the browser loses the cookie, which
  // is what the app sees when a session has expired.
  await context.clearCookies({ name: 'poise_session' });
  await navLink(page, 'Catalog').click();
  await expect(signInButton(page)).toBeVisible();

  await submitSignIn(page, USERS.admin.email);
  // Where the user was: the catalog the click asked for, not the landing
  // page of a fresh sign-in.
  await expect(page).toHaveURL(/\/catalog/);
  test.info().annotations.push({ type: 'returned to', description: page.url() });
});

test('a second tab is signed in too, and can write', async ({ page, context, api }) => {
  await signIn(page, 'front_desk');
  const tab = await context.newPage();
  await tab.goto('/patients');
  await expect(navLink(tab, 'Patients')).toBeVisible();
  await expect(signInButton(tab)).toHaveCount(0);

  // A write needs the CSRF token, which the new tab must have got.
  const last = `Tabby${Date.now().toString(36)}`;
  await tab.getByRole('button', { name: 'New patient', exact: true }).click();
  await tab.getByLabel('First name', { exact: true }).fill('Tess');
  await tab.getByLabel('Last name', { exact: true }).fill(last);
  const created = tab.waitForResponse((r) => r.request().method() === 'POST' &&
    new URL(r.url()).pathname === '/v1/patients');
  await tab.getByRole('button', { name: 'Save', exact: true }).click();
  expect((await created).status()).toBe(201);
  expect((await (await api.get(`/v1/patients?query=${last}`)).json()).data).toHaveLength(1);
});
