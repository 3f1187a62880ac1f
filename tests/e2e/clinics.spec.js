// Clinics (admin): a bad state is refused by the API and shown at the
// State field with nothing created; fixed, the clinic saves; its tax rate
// is then edited from 8.25 % to 8.5 % (850 basis points). The clinic is
// archived at the end so the clinic switcher of later tests is unchanged.
'use strict';

const { test, expect, apiGet, navLink, signIn } = require('./fixtures');

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function apiResponse(page, method, path) {
  return page.waitForResponse((r) => r.request().method() === method &&
    new URL(r.url()).pathname === path);
}

async function clinicsNamed(api, name) {
  return (await apiGet(api, '/v1/clinics?limit=100')).data.filter((c) => c.name === name);
}

test('a bad state shows at State and creates nothing; fixed, it saves; then the tax rate is edited', async ({ page, api }) => {
  const name = `Glow Aesthetics - Test ${Date.now().toString(36)}`;
  await signIn(page, 'admin');
  await navLink(page, 'Clinics').click();
  await page.getByRole('button', { name: 'New clinic', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'New clinic' });
  await expect(dialog).toBeVisible();

  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByLabel('Time zone', { exact: true }).selectOption('America/Chicago');
  await dialog.getByLabel('Tax rate (%)', { exact: true }).fill('8.25');
  await dialog.getByLabel('Address line 1', { exact: true }).fill('100 Congress Ave');
  await dialog.getByLabel('City', { exact: true }).fill('Austin');
  const state = dialog.getByLabel('State', { exact: true });
  await state.fill('ZZ');
  await dialog.getByLabel('Postal code', { exact: true }).fill('78701');

  const posted = apiResponse(page, 'POST', '/v1/clinics');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  const res = await posted;
  expect(res.status()).toBe(400);
  const { error } = await res.json();
  expect(error.param).toBe('address.state');

  // The API's message, at the State field, referenced by it.
  const msg = dialog.getByText(error.message, { exact: true });
  await expect(msg).toBeVisible();
  await expect(state).toHaveAttribute('aria-invalid', 'true');
  await expect(state).toBeFocused();
  const [fb, mb] = [await state.boundingBox(), await msg.boundingBox()];
  const gap = Math.max(mb.y - (fb.y + fb.height), fb.y - (mb.y + mb.height), 0);
  expect(gap, `error ${JSON.stringify(mb)} next to State ${JSON.stringify(fb)}`).toBeLessThanOrEqual(48);
  const described = await state.evaluate((el) => (el.getAttribute('aria-describedby') || '')
    .split(/\s+/).filter(Boolean).map((id) => document.getElementById(id))
    .filter(Boolean).map((e) => e.textContent).join(' '));
  expect(described).toContain(error.message);
  // Nothing was created; the dialog is still open with what was typed.
  expect(await clinicsNamed(api, name)).toEqual([]);
  await expect(dialog.getByLabel('Name', { exact: true })).toHaveValue(name);

  // Fixed, it saves.
  await state.fill('TX');
  await expect(state).not.toHaveAttribute('aria-invalid', 'true');
  const created = apiResponse(page, 'POST', '/v1/clinics');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  expect((await created).status()).toBe(201);
  await expect(dialog).toHaveCount(0);
  const row = page.getByRole('row').filter({ hasText: new RegExp(escapeRe(name)) });
  await expect(row).toBeVisible();
  await expect(row).toContainText('8.25%');
  await expect(row).toContainText('Austin, TX 78701');
  const [clinic] = await clinicsNamed(api, name);
  expect(clinic).toMatchObject({
    tax_rate_bps: 825, timezone: 'America/Chicago', country: 'US', archived: false,
    address: expect.objectContaining({ state: 'TX', postal_code: '78701', city: 'Austin' }),
  });

  try {
    // Edit the tax rate: 8.25 % -> 8.5 %.
    await row.getByRole('button', { name: `Edit ${name}`, exact: true }).click();
    const edit = page.getByRole('dialog', { name: 'Edit clinic' });
    const tax = edit.getByLabel('Tax rate (%)', { exact: true });
    await expect(tax).toHaveValue('8.25');
    await tax.fill('8.5');
    const patched = apiResponse(page, 'PATCH', `/v1/clinics/${clinic.id}`);
    await edit.getByRole('button', { name: 'Save', exact: true }).click();
    const pr = await patched;
    expect(pr.status()).toBe(200);
    // Only the changed field is sent.
    expect(pr.request().postDataJSON()).toEqual({ tax_rate_bps: 850 });
    await expect(edit).toHaveCount(0);
    await expect(row.getByRole('cell').nth(2)).toHaveText('8.5%');
    expect(await apiGet(api, `/v1/clinics/${clinic.id}`)).toMatchObject({ id: clinic.id, tax_rate_bps: 850 });

    // Archive it (the confirm step), so later tests see the demo clinics only.
    await row.getByRole('button', { name: `Archive ${name}`, exact: true }).click();
    const confirm = page.getByRole('dialog', { name: `Archive ${name}?` });
    const archived = apiResponse(page, 'PATCH', `/v1/clinics/${clinic.id}`);
    await confirm.getByRole('button', { name: 'Archive clinic', exact: true }).click();
    expect((await archived).status()).toBe(200);
    await expect(row.getByRole('button', { name: `Restore ${name}`, exact: true })).toBeVisible();
    await expect(page.getByLabel('Clinic', { exact: true }).locator('option', { hasText: name })).toHaveCount(0);
  } finally {
    const now = await apiGet(api, `/v1/clinics/${clinic.id}`);
    if (!now.archived) await api.patch(`/v1/clinics/${clinic.id}`, { data: { archived: true } });
  }
});
