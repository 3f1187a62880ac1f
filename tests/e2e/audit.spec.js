// Audit log (admin): edit a service, then find the event by Action and by
// Object ID; Clear shows every event again; Next pages on.
'use strict';

const { test, expect, navLink, signIn, bodyRows } = require('./fixtures');

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// The audit list's answer to the filters in `want` (and no others).
function auditList(page, want = {}) {
  return page.waitForResponse((r) => {
    const u = new URL(r.url());
    if (r.request().method() !== 'GET' || u.pathname !== '/v1/audit_events') return false;
    return ['action', 'object_type', 'object_id'].every((k) => (u.searchParams.get(k) || '') === (want[k] || '')) &&
      (want.starting_after ? u.searchParams.get('starting_after') !== null : true);
  });
}

test('find a service edit in the audit log by action and by object id; clear; page on', async ({ page, api }) => {
  const name = `Audit Peel ${Date.now().toString(36)}`;
  const res = await api.post('/v1/services', { data: { name, price: 9900, duration_min: 30, currency: 'USD' } });
  expect(res.status(), await res.text()).toBe(201);
  const svc = await res.json();

  // Edit it in the UI as the admin.
  await signIn(page, 'admin');
  await navLink(page, 'Catalog').click();
  await page.getByRole('button', { name: `Edit ${name}`, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit service' });
  await dialog.getByLabel(/^Price\b/).fill('109.00');
  const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' &&
    new URL(r.url()).pathname === `/v1/services/${svc.id}`);
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  expect((await saved).status()).toBe(200);
  await expect(dialog).toHaveCount(0);

  const first = auditList(page);
  await navLink(page, 'Audit log').click();
  await first;
  const rows = bodyRows(page);
  await expect(rows).toHaveCount(50);

  // Action: service.update.
  const action = page.getByLabel('Action', { exact: true });
  await action.fill('service.update');
  let listed = auditList(page, { action: 'service.update' });
  await page.getByRole('button', { name: 'Apply filters', exact: true }).click();
  const byAction = await (await listed).json();
  expect(byAction.data.length).toBeGreaterThan(0);
  expect(byAction.data.every((e) => e.action === 'service.update')).toBe(true);
  await expect(page).toHaveURL(/\/audit\?action=service\.update$/);
  await expect(rows).toHaveCount(byAction.data.length);
  const ours = rows.filter({ hasText: svc.id });
  await expect(ours).toHaveCount(1);
  await expect(ours).toContainText('service.update');
  await expect(ours).toContainText('by Daniel Okafor');
  await expect(ours).toContainText('price');

  // Object ID (and no action): the service's create and update.
  await action.fill('');
  await page.getByLabel('Object ID', { exact: true }).fill(svc.id);
  listed = auditList(page, { object_id: svc.id });
  await page.getByRole('button', { name: 'Apply filters', exact: true }).click();
  await listed;
  await expect(page).toHaveURL(new RegExp(`/audit\\?object_id=${escapeRe(svc.id)}$`));
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('service.update');
  await expect(rows.nth(1)).toContainText('service.create');
  await expect(rows.nth(1)).toContainText('by API key');
  for (const i of [0, 1]) await expect(rows.nth(i)).toContainText(svc.id);

  // Clear: every event again, with the fields emptied.
  listed = auditList(page);
  await page.getByRole('button', { name: 'Clear', exact: true }).click();
  await listed;
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByLabel('Object ID', { exact: true })).toHaveValue('');
  await expect(page.getByRole('button', { name: 'Clear', exact: true })).toHaveCount(0);
  await expect(rows).toHaveCount(50);
  const pager = page.getByRole('navigation', { name: 'Pages of audit events' });
  await expect(pager).toContainText('Page 1');
  await expect(pager.getByRole('button', { name: 'Previous' })).toBeDisabled();

  // Next: page 2, other (older) events.
  const firstPage = await rows.allInnerTexts();
  listed = auditList(page, { starting_after: true });
  await pager.getByRole('button', { name: 'Next' }).click();
  const p2 = await (await listed).json();
  expect(p2.data.length).toBeGreaterThan(0);
  await expect(pager).toContainText('Page 2');
  await expect(pager.getByRole('button', { name: 'Previous' })).toBeEnabled();
  await expect(rows).toHaveCount(p2.data.length);
  await expect(rows.first()).toContainText(p2.data[0].object_id || p2.data[0].action);
  const secondPage = await rows.allInnerTexts();
  expect(secondPage.filter((t) => firstPage.includes(t))).toEqual([]);
});
