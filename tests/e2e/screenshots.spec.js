// A full-page screenshot of each main screen, to look at:
// build/screenshots/<name>.png at 1024x768 (iPad landscape), and the
// patients list also at 1440x900 (desktop). Each screen is one test, so a
// broken screen costs only its own picture. The picture is taken before
// the screen's checks, so a failing screen is still on file to look at.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { test, expect, navLink, signIn, settle, bodyRows } = require('./fixtures');

const DIR = path.resolve(__dirname, '..', '..', 'build', 'screenshots');
fs.mkdirSync(DIR, { recursive: true });

async function shoot(page, name) {
  await settle(page);
  // Nothing blinks in the picture.
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  const file = path.join(DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
  test.info().annotations.push({ type: 'screenshot', description: path.relative(process.cwd(), file) });
}

function heading(page, re) {
  return page.getByRole('heading', { name: re }).first();
}

test('sign-in', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  await shoot(page, 'sign-in');
});

for (const [name, viewport] of [['patients', null], ['patients-desktop', { width: 1440, height: 900 }]]) {
  test(name, async ({ page }) => {
    if (viewport) await page.setViewportSize(viewport);
    await signIn(page, 'head_admin');
    await navLink(page, 'Patients').click();
    await expect(bodyRows(page).first()).toBeVisible();
    await shoot(page, name);
    await expect(heading(page, /patients/i)).toBeVisible();
  });
}

test('patient', async ({ page }) => {
  await signIn(page, 'head_admin');
  await navLink(page, 'Patients').click();
  const link = bodyRows(page).first().getByRole('link').first();
  const name = (await link.innerText()).trim();
  await link.click();
  await expect(page).toHaveURL(/\/patients\/pat_/);
  await shoot(page, 'patient');
  await expect(heading(page, new RegExp(name.split(/\s+/).pop()))).toBeVisible();
});

for (const [tab, file] of [['Services', 'catalog-services'], ['Products', 'catalog-products'],
  ['Categories', 'catalog-categories']]) {
  test(file, async ({ page }) => {
    await signIn(page, 'head_admin');
    await navLink(page, 'Catalog').click();
    await page.getByRole('tab', { name: tab, exact: true })
      .or(page.getByRole('link', { name: tab, exact: true })).first().click();
    await expect(bodyRows(page).first()).toBeVisible();
    await shoot(page, file);
  });
}

for (const [link, file, re] of [['Users', 'users', /users/i], ['Clinics', 'clinics', /clinics/i],
  ['Audit log', 'audit-log', /audit/i], ['POS settings', 'pos-settings', /pos settings/i]]) {
  test(file, async ({ page }) => {
    await signIn(page, 'head_admin');
    await navLink(page, link).click();
    await settle(page);
    await shoot(page, file);
    await expect(heading(page, re)).toBeVisible();
  });
}
