// Patients: the global type-ahead search, creating a patient with a bad
// e-mail (field error at the Email field, nothing created), and Esc on the
// New patient dialog.
'use strict';

const {
  test, expect, apiGet, navLink, signIn, settle,
} = require('./fixtures');

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// A patient with a name no demo patient has (the demo practice repeats
// names), created through the API.
async function uniquePatient(api) {
  const stamp = Date.now().toString(36);
  const res = await api.post('/v1/patients', {
    data: { first_name: 'Quinn', last_name: `Zephyrine${stamp}`, email: `quinn.${stamp}@example.com` },
  });
  expect(res.status(), await res.text()).toBe(201);
  const p = await res.json();
  return { ...p, full: `${p.first_name} ${p.last_name}` };
}

function searchBox(page) {
  return page.getByLabel('Search patients', { exact: true });
}

// The type-ahead's entry for a patient: an option of a listbox, or a link.
function suggestion(page, full) {
  const name = new RegExp(escapeRe(full), 'i');
  return page.getByRole('option', { name }).filter({ hasNotText: /See all results/ })
    .or(page.getByRole('link', { name })).first();
}

async function expectPatientPage(page, p) {
  await expect(page).toHaveURL(new RegExp(`/patients/${p.id}(\\b|/|$)`));
  await expect(page.getByRole('heading', { name: new RegExp(escapeRe(p.full), 'i') }).first())
    .toBeVisible();
}

test('search a patient with the global type-ahead and open the patient page', async ({ page, api }) => {
  const p = await uniquePatient(api);
  await signIn(page, 'front_desk');
  // Start away from the patients list, so the only names on screen come
  // from the type-ahead.
  await navLink(page, 'Catalog').click();
  await settle(page);

  const box = searchBox(page);
  await box.click();
  // "Quinn Zephyr": a prefix of the first and the last name.
  await box.pressSequentially(p.full.slice(0, p.first_name.length + 7), { delay: 30 });
  const hit = suggestion(page, p.full);
  await expect(hit).toBeVisible();
  await hit.click();
  await expectPatientPage(page, p);
});

test('the type-ahead works with the keyboard alone (arrows, Enter)', async ({ page, api }) => {
  const p = await uniquePatient(api);
  await signIn(page, 'front_desk');
  await navLink(page, 'Catalog').click();
  await settle(page);

  const box = searchBox(page);
  await box.focus();
  await box.pressSequentially(p.full, { delay: 20 });
  const hit = suggestion(page, p.full);
  await expect(hit).toBeVisible();
  // Arrow down to the patient's option (the list may highlight the top
  // match by itself), then Enter.
  for (let i = 0; i < 5 && (await hit.getAttribute('aria-selected')) !== 'true'; i++) {
    await box.press('ArrowDown');
  }
  await expect(hit).toHaveAttribute('aria-selected', 'true');
  await expect(box).toHaveAttribute('aria-activedescendant', await hit.getAttribute('id'));
  await box.press('Enter');
  await expectPatientPage(page, p);
});

test('the patient page has the tabs later issues fill, with empty states', async ({ page, api }) => {
  const p = await uniquePatient(api);
  await signIn(page, 'head_admin');
  await page.goto(`/patients/${p.id}`);
  await expectPatientPage(page, p);
  for (const tab of ['Invoices', 'Payments', 'Cards', 'Wallet', 'Memberships', 'Gift cards']) {
    await expect(page.getByRole('tab', { name: new RegExp(`^${tab}`, 'i') }), `tab ${tab}`)
      .toBeVisible();
  }
});

test('a bad e-mail shows the field error at Email and creates nothing; fixed, it saves', async ({ page, api }) => {
  const last = `Zeta${Date.now().toString(36)}`;
  await signIn(page, 'front_desk');
  await navLink(page, 'Patients').click();
  await page.getByRole('button', { name: 'New patient', exact: true }).click();

  await page.getByLabel('First name', { exact: true }).fill('Ada');
  await page.getByLabel('Last name', { exact: true }).fill(last);
  const email = page.getByLabel('Email', { exact: true });
  // Valid for <input type=email> (so the browser lets it through), but
  // the API wants a dot in the domain.
  await email.fill('ada@example');

  const posted = page.waitForResponse((r) => r.request().method() === 'POST' &&
    new URL(r.url()).pathname === '/v1/patients');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const res = await posted;
  expect(res.status()).toBe(400);
  const body = await res.json();
  expect(body.error.param).toBe('email');

  // The API's message is shown, at the Email field.
  const msg = page.getByText(new RegExp(escapeRe(body.error.message), 'i')).first();
  await expect(msg).toBeVisible();
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  const [fb, mb] = [await email.boundingBox(), await msg.boundingBox()];
  const gap = Math.max(mb.y - (fb.y + fb.height), fb.y - (mb.y + mb.height), 0);
  expect(gap, `error ${JSON.stringify(mb)} next to Email ${JSON.stringify(fb)}`).toBeLessThanOrEqual(48);
  // Screen readers hear it too: aria-describedby or aria-errormessage.
  const described = await email.evaluate((el) => {
    const ids = `${el.getAttribute('aria-describedby') || ''} ${el.getAttribute('aria-errormessage') || ''}`;
    return ids.split(/\s+/).filter(Boolean).map((id) => document.getElementById(id))
      .filter(Boolean).map((e) => e.textContent).join(' ');
  });
  expect(described, 'Email input references its error (aria-describedby / aria-errormessage)')
    .toContain(body.error.message);

  // Nothing was created.
  expect((await apiGet(api, `/v1/patients?query=${last}`)).data).toEqual([]);

  // Fixed, it saves.
  await email.fill(`ada.${last.toLowerCase()}@example.com`);
  const created = page.waitForResponse((r) => r.request().method() === 'POST' &&
    new URL(r.url()).pathname === '/v1/patients');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  expect((await created).status()).toBe(201);
  const found = (await apiGet(api, `/v1/patients?query=${last}`)).data;
  expect(found.map((x) => [x.first_name, x.last_name, x.email]))
    .toEqual([['Ada', last, `ada.${last.toLowerCase()}@example.com`]]);
  await expect(page.getByText(`Ada ${last}`).first()).toBeVisible();
});

test('Esc closes the New patient dialog', async ({ page }) => {
  await signIn(page, 'front_desk');
  await navLink(page, 'Patients').click();
  const open = page.getByRole('button', { name: 'New patient', exact: true });
  await open.click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  // The focus moves into the dialog.
  await expect.poll(() => dialog.evaluate((d) => d.contains(document.activeElement)),
    { message: 'focus is inside the dialog' }).toBe(true);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  // ...and gives it back to the button that opened it.
  await expect(open).toBeFocused();
});
