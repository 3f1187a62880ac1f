// Shared fixtures and helpers of the browser tests.
//
// Every test gets a guard on its browser context: any console error, any
// uncaught exception, any Content-Security-Policy violation and any failed
// load of an app asset (not under /v1/) fails the test. API answers the
// test provokes on purpose (401 while signed out, 400 for a bad field) are
// logged by Chromium as "Failed to load resource: ... status of 4xx"; those
// are allowed for /v1/ URLs only.
'use strict';

const crypto = require('node:crypto');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { test: base, expect } = require('@playwright/test');

const DEMO_PASSWORD = 'glow-demo-2026';

const USERS = {
  head_admin: { email: 'owner@glow.example', name: 'Dr. Maya Chen' },
  admin: { email: 'daniel.okafor@glow.example', name: 'Daniel Okafor' },
  provider: { email: 'sarah.mitchell@glow.example', name: 'Sarah Mitchell, RN' },
  front_desk: { email: 'jordan.blake@glow.example', name: 'Jordan Blake' },
};

// Chromium's own line for a fetch answered with an HTTP error.
const HTTP_ERROR_LINE = /^Failed to load resource: the server responded with a status of (\d{3})/;

function isApi(url) {
  try { return new URL(url).pathname.startsWith('/v1/'); } catch { return false; }
}

// Report a `securitypolicyviolation` event as a console error, so a
// violation fails the test even if Chromium would word it differently.
function cspReporter() {
  document.addEventListener('securitypolicyviolation', (e) => {
    console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}` +
      ` in ${e.sourceFile || document.location.href}:${e.lineNumber}`);
  });
}

// Collect the problems of one page into `problems` (an array of strings).
function watchPage(page, problems) {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const where = msg.location() && msg.location().url;
    const m = HTTP_ERROR_LINE.exec(text);
    if (m && Number(m[1]) < 500 && isApi(where)) return; // an API answer
    problems.push(`console error on ${page.url()}: ${text}${where ? ` (${where})` : ''}`);
  });
  page.on('pageerror', (e) => {
    problems.push(`uncaught exception on ${page.url()}: ${e.stack || e.message}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !isApi(r.url())) {
      problems.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
    } else if (r.status() >= 500) {
      problems.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
    }
  });
  page.on('requestfailed', (req) => {
    const f = req.failure();
    // A navigation cancels the fetches of the page it leaves: not an error.
    if (f && /ERR_ABORTED/.test(f.errorText)) return;
    problems.push(`request failed: ${req.method()} ${req.url()}: ${f && f.errorText}`);
  });
}

async function guardContext(context, use) {
  const problems = [];
  await context.addInitScript(cspReporter);
  for (const p of context.pages()) watchPage(p, problems);
  context.on('page', (p) => watchPage(p, problems));
  await use(problems);
  expect(problems, 'console errors, CSP violations or failed asset loads').toEqual([]);
}

const test = base.extend({
  // global-setup.js sets these before the workers start.
  baseURL: async ({}, use) => { await use(process.env.E2E_BASE_URL); },
  apiKey: async ({}, use) => { await use(process.env.E2E_API_KEY); },

  // Problems seen in the test's context; checked when the test ends.
  problems: [async ({ context }, use) => { await guardContext(context, use); }, { auto: true }],

  // The public API as the demo head admin's API key (to arrange and check
  // data behind the UI's back).
  api: async ({ playwright, baseURL, apiKey }, use) => {
    const ctx = await playwright.request.newContext({
      baseURL,
      extraHTTPHeaders: { Authorization: `Bearer ${apiKey}` },
    });
    await use(ctx);
    await ctx.dispose();
  },
});

// JSON of a successful API GET.
async function apiGet(api, url) {
  const r = await api.get(url);
  expect(r.status(), `GET ${url}: ${await r.text()}`).toBe(200);
  return r.json();
}

// An exact-name navigation link of the app frame.
function navLink(page, name) {
  return page.getByRole('link', { name, exact: true });
}

function signInButton(page) {
  return page.getByRole('button', { name: 'Sign in', exact: true });
}

// Fill the sign-in form (already on screen) and submit it.
async function submitSignIn(page, email, { password = DEMO_PASSWORD, key = false } = {}) {
  await expect(signInButton(page)).toBeVisible();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  if (key) await page.getByLabel('Password', { exact: true }).press('Enter');
  else await signInButton(page).click();
  // Every role sees "Patients".
  await expect(navLink(page, 'Patients')).toBeVisible();
}

// Open the app at `path` (default /) and sign in as a demo role.
async function signIn(page, role = 'head_admin', path = '/') {
  await page.goto(path);
  await submitSignIn(page, USERS[role].email);
}

// Wait until a screen has finished loading: no request in flight, nothing
// marked aria-busy, web fonts ready.
async function settle(page) {
  await page.waitForLoadState('networkidle');
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
}

// The rows of the first table on screen, header row excluded.
function bodyRows(page) {
  return page.getByRole('table').first().locator('tbody tr');
}

// ---------------------------------------------------------------------------
// A practice of its own (for tests that change account-wide settings, such
// as turning card payments on): an account made with the real CLI on the
// server's database, one clinic, one patient, and an API request context
// with the account's key (`request`, disposed by the caller via dispose()).
const ROOT = path.resolve(__dirname, '..', '..');
const PRACTICE_PASSWORD = 'e2e practice 2026';
let practiceSeq = 0;

async function newPractice(playwright, baseURL, { name = 'E2E Practice', activate = false, bank = false } = {}) {
  const db = path.join(process.env.E2E_TMP_DIR, 'e2e.db');
  const bin = path.resolve(ROOT, process.env.POISE_BIN || 'build/poise');
  const email = `owner-${process.pid}-${++practiceSeq}-${crypto.randomBytes(3).toString('hex')}@e2e.example`;
  const out = JSON.parse(execFileSync(bin,
    ['accounts', 'create', '--name', name, '--email', email, '--password-stdin', '--db', db],
    { input: PRACTICE_PASSWORD + '\n', stdio: ['pipe', 'pipe', 'pipe'] }).toString());
  const request = await playwright.request.newContext({
    baseURL, extraHTTPHeaders: { Authorization: `Bearer ${out.api_key.secret}` },
  });
  const post = async (url, data, status = [200, 201]) => {
    const r = await request.post(url, { data, headers: { 'Idempotency-Key': crypto.randomUUID() } });
    expect(status, `POST ${url}: ${await r.text()}`).toContain(r.status());
    return r.json();
  };
  const clinic = await post('/v1/clinics', {
    name: 'Glow Chicago', timezone: 'America/Chicago',
    address: { line1: '1 Main St', city: 'Chicago', state: 'IL', postal_code: '60601' },
  });
  const patient = await post('/v1/patients', { first_name: 'Ava', last_name: 'Stone', email: `ava-${practiceSeq}@e2e.example` });
  if (activate) await post('/v1/pos_settings/activate', { gateway: 'sandbox', merchant_mode: 'single' });
  if (bank) {
    await post('/v1/bank_accounts', {
      holder_name: 'Glow Chicago LLC', routing_number: '110000000', account_number: '000123456789',
    });
  }
  return {
    email, password: PRACTICE_PASSWORD, key: out.api_key.secret, clinic, patient, request, post,
    dispose: () => request.dispose(),
  };
}

// Sign a practice's head admin in at `path`.
async function signInPractice(page, practice, path = '/') {
  await page.goto(path);
  await submitSignIn(page, practice.email, { password: practice.password });
}

module.exports = {
  newPractice,
  signInPractice,
  test,
  expect,
  DEMO_PASSWORD,
  USERS,
  watchPage,
  cspReporter,
  apiGet,
  navLink,
  signInButton,
  submitSignIn,
  signIn,
  settle,
  bodyRows,
};
