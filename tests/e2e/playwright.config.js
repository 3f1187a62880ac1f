// Playwright configuration of the Poise browser tests (issue 4, "Tests").
//
// One worker (the machines have two cores and the server needs one), no
// retries (a flaky test is a bug to fix, not to hide), Debian's chromium
// (browser downloads are not possible here). global-setup.js starts
// `poise serve` on a fresh demo database and exports its URL and the demo
// API key as E2E_BASE_URL and E2E_API_KEY; workers start after it, so the
// baseURL below sees the value.
'use strict';

const path = require('node:path');
const { defineConfig } = require('@playwright/test');

const ROOT = path.resolve(__dirname, '..', '..');

module.exports = defineConfig({
  testDir: __dirname,
  testMatch: '*.spec.js',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: 'list',
  outputDir: path.join(ROOT, 'build', 'e2e-results'),
  globalSetup: require.resolve('./global-setup.js'),
  globalTeardown: require.resolve('./global-teardown.js'),
  use: {
    browserName: 'chromium',
    baseURL: process.env.E2E_BASE_URL,
    viewport: { width: 1024, height: 768 }, // iPad landscape
    launchOptions: {
      executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  // The screenshots first, so they show the demo practice and not what
  // the other tests create; then everything else. (No `dependencies`: a
  // failed screenshot must not skip the rest.)
  projects: [
    { name: 'screens', testMatch: 'screenshots.spec.js' },
    { name: 'flows', testIgnore: 'screenshots.spec.js' },
  ],
});
