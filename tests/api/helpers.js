// Shared harness for the API tests: each test file starts its own server
// (the sanitizer build by default) on a fresh database — a temporary SQLite
// file, or a new database on the throwaway PostgreSQL server that
// scripts/with-postgres started — creates accounts with the real CLI, and
// talks HTTP with fetch. Nothing here depends on a system service.
'use strict';

const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const assert = require('node:assert/strict');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.resolve(ROOT, process.env.POISE_BIN || 'build/poise-san');
const ENGINE = process.env.POISE_TEST_ENGINE || 'sqlite';

const SANITIZER_RE = /(AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer)/;

function freshDatabase() {
  if (ENGINE === 'postgres') {
    const admin = process.env.POISE_TEST_PG_ADMIN_URL;
    assert.ok(admin, 'POISE_TEST_PG_ADMIN_URL is set by scripts/with-postgres');
    const name = 'poise_' + crypto.randomBytes(6).toString('hex');
    execFileSync('psql', [admin, '-q', '-c', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
    const url = new URL(admin);
    url.pathname = '/' + name;
    return { url: url.toString(), cleanup() {} };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poise-api-'));
  return {
    url: path.join(dir, 'poise.db'),
    cleanup() { fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

function runCli(args, { db, input } = {}) {
  const out = execFileSync(BIN, [...args, '--db', db], {
    input: input ?? '',
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return out.toString();
}

// Start a server on a fresh database; resolves to a handle with base URL,
// the db URL and stop(), which asserts a clean, sanitizer-silent exit.
// env adds variables to the server's environment (e.g. POISE_SMTP_URL).
async function startServer({ extraArgs = [], testHelpers = true, env = {} } = {}) {
  const db = freshDatabase();
  const args = ['serve', '--db', db.url, '--listen', '127.0.0.1:0', '--threads', '4'];
  if (testHelpers) args.push('--test-helpers');
  const child = spawn(BIN, [...args, ...extraArgs], {
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start:\n' + stderr)), 20000);
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /serving (http:\/\/[^/\s]+)\//.exec(stdout);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${stderr}`)); });
  });
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    base,
    db: db.url,
    logs: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      const { code, signal } = await exited;
      db.cleanup();
      const san = SANITIZER_RE.exec(stderr);
      assert.equal(san, null, 'sanitizer report:\n' + stderr.slice(-4000));
      assert.equal(code, 0, `server exit code ${code} signal ${signal}\n` + stderr.slice(-2000));
    },
  };
}

let accountSeq = 0;
// Create an account with the real CLI; returns {accountId, userId, key, email, password}.
function createAccount(server, name = 'Test Practice') {
  const email = `owner-${process.pid}-${++accountSeq}-${crypto.randomBytes(3).toString('hex')}@test.example`;
  const password = 'correct horse battery';
  const out = JSON.parse(runCli(
    ['accounts', 'create', '--name', name, '--email', email, '--password-stdin'],
    { db: server.db, input: password + '\n' }));
  return { accountId: out.account.id, userId: out.user.id, key: out.api_key.secret, email, password };
}

// A small client: api(method, path, {body, key, headers, raw}) -> {status, body, headers}
function client(base) {
  return async function api(method, p, opts = {}) {
    const headers = { ...(opts.headers || {}) };
    if (opts.key) headers.authorization = `Bearer ${opts.key}`;
    let body;
    if (opts.raw !== undefined) {
      body = opts.raw;
      headers['content-type'] = headers['content-type'] || 'application/json';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(base + p, { method, headers, body });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { status: res.status, body: json, text, headers: res.headers };
  };
}

// Assert an error response's status and shape; returns error object.
function assertError(res, status, code, param) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  assert.ok(res.body && res.body.error, 'error body: ' + res.text);
  const e = res.body.error;
  for (const k of ['type', 'code', 'message', 'param']) assert.ok(k in e, `error.${k} present`);
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 0);
  if (code !== undefined) assert.equal(e.code, code, res.text);
  if (param !== undefined) assert.equal(e.param, param, res.text);
  assert.ok(res.headers.get('request-id'), 'Request-Id header');
  return e;
}

// Sign in and return a session-bound client helper.
async function signIn(base, email, password) {
  const res = await fetch(base + '/v1/sessions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  const cookie = res.headers.get('set-cookie').split(';')[0];
  return { cookie, csrf: body.csrf_token, session: body };
}

module.exports = {
  ROOT, BIN, ENGINE, startServer, createAccount, client, assertError, signIn, runCli,
  freshDatabase,
};
