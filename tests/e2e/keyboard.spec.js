// Keyboard only (front desk): sign in by typing, Tab and Enter (the
// sign-in page puts the focus in Email itself; else Tab gets there); "/"
// to the patient search, type, ArrowDown, Enter to the patient page. Every
// element the keyboard lands on shows where the focus is (an outline, or a
// box-shadow it has only while focused).
'use strict';

const { test, expect, USERS, DEMO_PASSWORD, navLink } = require('./fixtures');

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// The focus indicator of the focused element (it must be `locator`): a
// visible outline, or else a box-shadow that the element has only while
// focused (some controls have a resting shadow too). For the comparison
// the element is blurred for a moment (transitions finished at once) and
// focused again.
async function expectFocusVisible(locator, what) {
  await expect(locator, `${what} has the focus`).toBeFocused();
  const ring = await locator.evaluate((el) => {
    const style = () => {
      // The end state of any transition (a focus ring may fade in or out).
      for (const a of el.getAnimations()) a.finish();
      const s = getComputedStyle(el);
      return {
        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ? `${s.outlineStyle} ${s.outlineWidth}` : null,
        shadow: s.boxShadow && s.boxShadow !== 'none' ? s.boxShadow : null,
      };
    };
    const focused = style();
    if (focused.outline) return { ...focused, ok: true };
    el.blur();
    const resting = style();
    el.focus();
    return { ...focused, resting_shadow: resting.shadow, ok: !!focused.shadow && focused.shadow !== resting.shadow };
  });
  expect(ring.ok, `${what}: a focus ring (outline, or a box-shadow only while focused): ${JSON.stringify(ring)}`).toBe(true);
  await expect(locator, `${what} has the focus again`).toBeFocused();
}

// Press Tab until `locator` has the focus (at most `max` times).
async function tabTo(page, locator, max = 10) {
  for (let i = 0; i < max; i++) {
    if (await locator.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(locator).toBeFocused();
}

test('sign in and open a patient with the keyboard alone; the focus is always visible', async ({ page, api }) => {
  const stamp = Date.now().toString(36);
  const made = await api.post('/v1/patients', {
    data: { first_name: 'Keya', last_name: `Boardwell${stamp}`, email: `keya.${stamp}@example.com` },
  });
  expect(made.status(), await made.text()).toBe(201);
  const patient = await made.json();
  const full = `${patient.first_name} ${patient.last_name}`;

  await page.goto('/');
  const email = page.getByLabel('Email', { exact: true });
  const password = page.getByLabel('Password', { exact: true });
  await expect(email).toBeVisible();
  // The sign-in page puts the focus in Email itself; else Tab gets there.
  await tabTo(page, email);
  await expectFocusVisible(email, 'Email');
  await page.keyboard.type(USERS.front_desk.email);
  await page.keyboard.press('Tab');
  await expectFocusVisible(password, 'Password');
  await page.keyboard.type(DEMO_PASSWORD);
  await page.keyboard.press('Enter');
  await expect(navLink(page, 'Patients')).toBeVisible();
  await expect(page.getByText(USERS.front_desk.name).first()).toBeVisible();

  // "/" jumps to the patient search from outside a field.
  const box = page.getByLabel('Search patients', { exact: true });
  await expect(box).toBeEnabled();
  await page.keyboard.press('/');
  await expectFocusVisible(box, 'Search patients');
  await page.keyboard.type(full);
  await expect(box).toHaveValue(full);
  const listbox = page.getByRole('listbox', { name: 'Matching patients' });
  const option = listbox.getByRole('option', { name: new RegExp(`^${escapeRe(full)}`) });
  await expect(option).toBeVisible();
  // Wait for the answer to the whole name (a fresh answer resets the highlight).
  await expect(page.getByText('Searching…')).toHaveCount(0);
  await expect(listbox.getByRole('option')).toHaveCount(2); // the patient + "See all results"
  await page.keyboard.press('ArrowDown');
  await expect(option).toHaveAttribute('aria-selected', 'true');
  await expect(box).toHaveAttribute('aria-activedescendant', await option.getAttribute('id'));
  await page.keyboard.press('Enter');

  await expect(page).toHaveURL(new RegExp(`/patients/${patient.id}$`));
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(escapeRe(full)) })).toBeVisible();

  // Tab on from the page: whatever the keyboard reaches shows the focus.
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    const what = await focused.evaluate((el) => `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') || el.textContent || el.value || '').trim().slice(0, 40)}"`);
    await expectFocusVisible(focused, `Tab ${i + 1} on the patient page: ${what}`);
  }
});
