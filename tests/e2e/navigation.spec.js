// Sign in as each role and see the navigation that role is allowed.
'use strict';

const { test, expect, USERS, navLink, signIn } = require('./fixtures');

const ALL = ['Patients', 'Front desk', 'Invoices', 'Catalog', 'Cash drawer', 'Users', 'Clinics', 'Audit log', 'Checkout settings', 'POS settings'];
// Checkout is everyone's work: providers check out too, and cash tenders
// need an open drawer whoever takes them.
const CHECKOUT = ['Front desk', 'Invoices', 'Cash drawer'];

const CASES = [
  { role: 'head_admin', sees: ALL },
  { role: 'admin', sees: ['Patients', 'Catalog', ...CHECKOUT, 'Users', 'Clinics', 'Audit log', 'Checkout settings'] },
  { role: 'provider', sees: ['Patients', 'Catalog', ...CHECKOUT] },
  { role: 'front_desk', sees: ['Patients', 'Catalog', ...CHECKOUT] },
];

for (const { role, sees } of CASES) {
  test(`${role} (${USERS[role].email}) sees ${sees.join(', ')}`, async ({ page }) => {
    await signIn(page, role);
    for (const name of ALL) {
      if (sees.includes(name)) await expect(navLink(page, name), `"${name}" link`).toBeVisible();
      else await expect(navLink(page, name), `no "${name}" link`).toHaveCount(0);
    }
    // The frame names the signed-in user and offers to sign out.
    await expect(page.getByText(USERS[role].name, { exact: false }).first()).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();
    await expect(page.getByLabel('Search patients', { exact: true })).toBeVisible();
  });
}

// Typing the address of a page above one's role shows no such page. The
// addresses are the head admin's navigation links.
const ADMIN_PAGES = {
  '/users': 'admin', '/clinics': 'admin', '/audit': 'admin', '/settings/promotions': 'admin', '/settings/quick-buttons': 'admin',
  '/settings/memberships': 'admin', '/settings/pos': 'head_admin', '/settings/invoices': 'head_admin', '/settings/financing': 'head_admin',
};

for (const role of ['front_desk', 'admin']) {
  test(`${role} opening pages above the role by address gets "no access"`, async ({ page }) => {
    await signIn(page, role);
    for (const [path, min] of Object.entries(ADMIN_PAGES)) {
      if (role === 'admin' && min === 'admin') continue;
      await page.goto(path);
      await expect(navLink(page, 'Patients'), `${path}: still signed in`).toBeVisible();
      await expect(page.getByRole('heading', { level: 1 }), path).toHaveText(/access|not allowed|permission/i);
      await expect(page.getByRole('table'), `${path}: no data`).toHaveCount(0);
      await expect(page.getByRole('button', { name: /^(Invite user|New clinic|Apply filters|New promotion|New group|New program)$/ }), path).toHaveCount(0);
    }
  });
}
