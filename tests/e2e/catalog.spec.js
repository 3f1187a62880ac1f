// Catalog: create a service, then edit it.
'use strict';

const { test, expect, apiGet, navLink, signIn } = require('./fixtures');

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// The "Services" tab of the catalog, if the catalog opens on another one.
async function openServices(page) {
  await navLink(page, 'Catalog').click();
  const newService = page.getByRole('button', { name: 'New service', exact: true });
  if (!(await newService.isVisible())) {
    await page.getByRole('tab', { name: 'Services', exact: true })
      .or(page.getByRole('link', { name: 'Services', exact: true })).first().click();
  }
  await expect(newService).toBeVisible();
  return newService;
}

function priceField(page) {
  return page.getByLabel(/^Price\b/);
}

// Open a service of the list for editing: its name is a link, or its row
// has an "Edit" button.
async function openService(page, name) {
  const row = page.getByRole('row').filter({ hasText: name });
  await page.getByRole('link', { name, exact: true })
    .or(row.getByRole('button', { name: /^Edit\b/ })).first().click();
}

async function serviceNamed(api, name) {
  const all = [];
  let after = '';
  for (;;) {
    const page = await apiGet(api, `/v1/services?limit=100${after}`);
    all.push(...page.data);
    if (!page.has_more) break;
    after = `&starting_after=${page.data[page.data.length - 1].id}`;
  }
  return all.filter((s) => s.name === name);
}

test('create a service, then edit its name and price', async ({ page, api }) => {
  const stamp = Date.now().toString(36);
  const name = `Glow Peel ${stamp}`;
  const renamed = `Glow Peel Deluxe ${stamp}`;

  await signIn(page, 'admin');
  const newService = await openServices(page);
  await newService.click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await priceField(page).fill('149.00');
  const created = page.waitForResponse((r) => r.request().method() === 'POST' &&
    new URL(r.url()).pathname === '/v1/services');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  expect((await created).status()).toBe(201);

  // Listed, with the price in dollars.
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toBeVisible();
  await expect(row).toContainText('$149.00');
  const [svc] = await serviceNamed(api, name);
  expect(svc).toMatchObject({ name, price: 14900, currency: 'USD', archived: false });

  await openService(page, name);
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(name);
  await page.getByLabel('Name', { exact: true }).fill(renamed);
  await priceField(page).fill('159.50');
  const updated = page.waitForResponse((r) => r.request().method() !== 'GET' &&
    new URL(r.url()).pathname === `/v1/services/${svc.id}`);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  expect((await updated).status()).toBe(200);

  const row2 = page.getByRole('row').filter({ hasText: new RegExp(escapeRe(renamed)) });
  await expect(row2).toBeVisible();
  await expect(row2).toContainText('$159.50');
  expect(await serviceNamed(api, name)).toEqual([]);
  const [after] = await serviceNamed(api, renamed);
  expect(after).toMatchObject({ id: svc.id, price: 15950 });
});
