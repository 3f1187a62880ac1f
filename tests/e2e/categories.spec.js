// Categories (admin): deleting an unused category deletes it; deleting one
// that items are filed under ("Skincare") archives it instead, and it can
// be restored from the Archived list.
'use strict';

const { test, expect, apiGet, navLink, signIn } = require('./fixtures');

async function openCategories(page) {
  await navLink(page, 'Catalog').click();
  await page.getByRole('navigation', { name: 'Catalog sections' })
    .getByRole('link', { name: 'Categories', exact: true }).click();
  await expect(page).toHaveURL(/\/catalog\/categories$/);
  await expect(page.getByRole('button', { name: 'New category', exact: true })).toBeVisible();
}

function apiResponse(page, method, path) {
  return page.waitForResponse((r) => r.request().method() === method &&
    new URL(r.url()).pathname === path);
}

// The category row whose name cell is exactly `name` (an archived one also
// carries an "Archived" badge).
function categoryRow(page, name) {
  return page.getByRole('row').filter({ has: page.getByRole('button', { name: `Edit ${name}`, exact: true }) });
}

function toastWith(page, text) {
  return page.getByRole('status').filter({ hasText: text });
}

test('create a category, then delete it: unused, it is deleted', async ({ page, api }) => {
  const name = `Test Category ${Date.now().toString(36)}`;
  await signIn(page, 'admin');
  await openCategories(page);

  await page.getByRole('button', { name: 'New category', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'New category' });
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  const created = apiResponse(page, 'POST', '/v1/categories');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  const cr = await created;
  expect(cr.status()).toBe(201);
  const cat = await cr.json();
  const row = categoryRow(page, name);
  await expect(row).toBeVisible();
  // The "created" toast sits over the new (last) row's Delete button at
  // 1024x768 for its 4 s: dismiss it, as a user would.
  const createdToast = toastWith(page, `${name} created`);
  await createdToast.getByRole('button', { name: 'Dismiss notification', exact: true }).click();
  await expect(createdToast).toHaveCount(0);

  await row.getByRole('button', { name: `Delete ${name}`, exact: true }).click();
  const confirm = page.getByRole('dialog', { name: `Delete ${name}?` });
  const deleted = apiResponse(page, 'DELETE', `/v1/categories/${cat.id}`);
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  const dr = await deleted;
  expect(dr.status()).toBe(200);
  expect(await dr.json()).toMatchObject({ deleted: true });
  await expect(toastWith(page, `${name} deleted`)).toBeVisible();
  await expect(row).toHaveCount(0);

  // Gone for good: neither listed nor archived.
  expect((await api.get(`/v1/categories/${cat.id}`)).status()).toBe(404);
  const archived = (await apiGet(api, '/v1/categories?limit=100&archived=true')).data;
  expect(archived.filter((c) => c.id === cat.id)).toEqual([]);
  await page.getByRole('button', { name: 'Archived', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Archived', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await expect(categoryRow(page, name)).toHaveCount(0);
});

// A success toast (4 s) once covered the last row's actions at 1024x768;
// toasts now sit bottom centre and let clicks through but for "Dismiss".
test('right after creating a category, its Delete button is not covered by the toast', async ({ page }) => {
  const name = `Test Category ${Date.now().toString(36)}`;
  await signIn(page, 'admin');
  await openCategories(page);
  await page.getByRole('button', { name: 'New category', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'New category' });
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(toastWith(page, `${name} created`)).toBeVisible();
  const del = categoryRow(page, name).getByRole('button', { name: `Delete ${name}`, exact: true });
  // A trial click fails (times out) while another element would receive it.
  await del.click({ trial: true, timeout: 1_000 });
});

test('deleting a category in use archives it instead; it is restored from Archived', async ({ page, api }) => {
  const name = 'Skincare';
  const all = (await apiGet(api, '/v1/categories?limit=100')).data;
  const skincare = all.find((c) => c.name === name);
  expect(skincare, 'the demo category Skincare').toBeTruthy();
  const inUse = (await apiGet(api, `/v1/products?limit=100&category=${skincare.id}`)).data;
  expect(inUse.length, 'products filed under Skincare').toBeGreaterThan(0);

  try {
    await signIn(page, 'admin');
    await openCategories(page);
    const row = categoryRow(page, name);
    await row.getByRole('button', { name: `Delete ${name}`, exact: true }).click();
    const confirm = page.getByRole('dialog', { name: `Delete ${name}?` });
    const deleted = apiResponse(page, 'DELETE', `/v1/categories/${skincare.id}`);
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    const dr = await deleted;
    expect(dr.status()).toBe(200);
    expect(await dr.json()).not.toMatchObject({ deleted: true });
    // The message says it was archived, not deleted.
    await expect(toastWith(page, `${name} archived`)).toBeVisible();
    await expect(toastWith(page, /still filed under it/)).toBeVisible();
    await expect(row).toHaveCount(0);
    expect(await apiGet(api, `/v1/categories/${skincare.id}`)).toMatchObject({ archived: true });
    // Its products keep it.
    expect(await apiGet(api, `/v1/products/${inUse[0].id}`)).toMatchObject({ category: skincare.id });

    // Restore it from the Archived list.
    await page.getByRole('button', { name: 'Archived', exact: true }).click();
    const archivedRow = categoryRow(page, name);
    await expect(archivedRow).toContainText('Archived');
    const restored = apiResponse(page, 'PATCH', `/v1/categories/${skincare.id}`);
    await archivedRow.getByRole('button', { name: `Restore ${name}`, exact: true }).click();
    expect((await restored).status()).toBe(200);
    await expect(toastWith(page, `${name} restored`)).toBeVisible();
    await expect(archivedRow).toHaveCount(0);
    await page.getByRole('button', { name: 'Active', exact: true }).click();
    await expect(categoryRow(page, name)).toBeVisible();
    expect(await apiGet(api, `/v1/categories/${skincare.id}`)).toMatchObject({ archived: false });
  } finally {
    // Whatever happened above, later tests get Skincare back.
    const now = await apiGet(api, `/v1/categories/${skincare.id}`);
    if (now.archived) await api.patch(`/v1/categories/${skincare.id}`, { data: { archived: false } });
  }
});
