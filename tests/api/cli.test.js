// The binary: subcommands and --help, migrate twice, accounts create,
// demo, and graceful shutdown finishing in-flight requests.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { BIN, ENGINE, startServer, createAccount, client, freshDatabase } = require('./helpers');

const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' };
const run = (args, input) => {
  const r = spawnSync(BIN, args, { env, input: input ?? '' });
  return { status: r.status, out: r.stdout.toString(), err: r.stderr.toString() };
};

test('every subcommand has --help', () => {
  const top = run(['--help']);
  assert.equal(top.status, 0);
  for (const cmd of ['serve', 'migrate', 'demo', 'check', 'accounts']) {
    assert.match(top.out, new RegExp(`\\b${cmd}\\b`));
    const r = run([cmd, '--help']);
    assert.equal(r.status, 0, cmd);
    assert.match(r.out, /usage: poise/);
    assert.match(r.out, /--db/);
  }
  assert.equal(run(['nonsense']).status, 2);
  assert.equal(run(['serve', '--bogus']).status, 2);
});

test('migrate is idempotent; accounts create prints ids and a key once', async () => {
  const server = await startServer();
  try {
    let r = run(['migrate', '--db', server.db]);
    assert.equal(r.status, 0, r.err);
    assert.match(r.out, /0 migration\(s\) applied/);
    r = run(['migrate', '--db', server.db]);
    assert.equal(r.status, 0);
    r = run(['accounts', 'create', '--name', 'CLI Practice', '--email', `cli-${process.pid}@t.example`, '--password-stdin', '--db', server.db],
      'a good long password\n');
    assert.equal(r.status, 0, r.err);
    const out = JSON.parse(r.out);
    assert.match(out.account.id, /^acct_/);
    assert.match(out.user.id, /^usr_/);
    assert.match(out.api_key.secret, /^sk_live_/);
    const api = client(server.base);
    const me = await api('GET', '/v1/me', { key: out.api_key.secret });
    assert.equal(me.body.user.role, 'head_admin');
    assert.equal(me.body.account.name, 'CLI Practice');
    // The same e-mail again fails cleanly and creates nothing.
    r = run(['accounts', 'create', '--name', 'Dup', '--email', `cli-${process.pid}@t.example`, '--db', server.db]);
    assert.equal(r.status, 1);
    assert.match(r.err, /already exists/);
    r = run(['accounts', 'create', '--name', 'Bad', '--email', 'not-an-email', '--db', server.db]);
    assert.equal(r.status, 1);
    r = run(['accounts', 'create', '--name', 'Short', '--email', `s-${process.pid}@t.example`, '--password-stdin', '--db', server.db], 'short\n');
    assert.equal(r.status, 1);
    assert.match(r.err, /password/);
    assert.equal(run(['accounts', 'create', '--db', server.db]).status, 2);
  } finally {
    await server.stop();
  }
});

test('demo loads Glow Aesthetics once and mints a working key each time', async () => {
  const server = await startServer();
  try {
    const r1 = run(['demo', '--db', server.db]);
    assert.equal(r1.status, 0, r1.err);
    assert.match(r1.out, /loaded demo practice "Glow Aesthetics"/);
    assert.match(r1.out, /owner@glow\.example/);
    const key1 = /API key:\s+(\S+)/.exec(r1.out)[1];
    const r2 = run(['demo', '--db', server.db]);
    assert.match(r2.out, /already loaded/);
    const key2 = /API key:\s+(\S+)/.exec(r2.out)[1];
    const api = client(server.base);
    assert.equal((await api('GET', '/v1/me', { key: key1 })).status, 401, 'older demo key revoked');
    const me = await api('GET', '/v1/me', { key: key2 });
    assert.equal(me.body.account.name, 'Glow Aesthetics');
    const clinics = (await api('GET', '/v1/clinics', { key: key2 })).body.data;
    assert.equal(clinics.length, 2);
    assert.notEqual(clinics[0].address.state, clinics[1].address.state);
    const users = (await api('GET', '/v1/users', { key: key2 })).body.data;
    assert.deepEqual([...new Set(users.map((u) => u.role))].sort(), ['admin', 'front_desk', 'head_admin', 'provider']);
    let items = 0;
    for (const p of ['/v1/services?limit=100', '/v1/products?limit=100']) items += (await api('GET', p, { key: key2 })).body.data.length;
    assert.ok(items >= 40, `~40 catalog items, got ${items}`);
    const pats = await api('GET', '/v1/patients?limit=100', { key: key2 });
    assert.equal(pats.body.data.length, 100);
    assert.equal(pats.body.has_more, true);
    const chk = run(['check', '--db', server.db]);
    assert.equal(chk.status, 0, chk.out);
  } finally {
    await server.stop();
  }
});

test('SIGTERM lets an in-flight request finish, then the server exits 0', async () => {
  const server = await startServer();
  const acct = createAccount(server, 'Shutdown Practice');
  const api = client(server.base);
  // Creating a user with a password takes an Argon2id hash: long enough to
  // still be running when the signal arrives.
  const pending = api('POST', '/v1/users', { key: acct.key, body: {
    email: `late-${process.pid}@t.example`, name: 'Late', role: 'front_desk', password: 'a long password 2' } });
  // Wait until the server is working on it (the metrics request itself is
  // the other one in flight).
  for (let i = 0; i < 500; i++) {
    const m = await (await fetch(server.base + '/metrics')).text();
    if (Number(/poise_http_requests_in_flight (\d+)/.exec(m)[1]) >= 2) break;
    await new Promise((r) => setTimeout(r, 1));
  }
  const stopped = server.stop();
  const res = await pending;
  assert.equal(res.status, 201, res.text);
  await stopped;
  await assert.rejects(fetch(server.base + '/healthz'), 'no longer accepting');
});

test('engine under test is the one requested', async () => {
  const server = await startServer();
  try {
    assert.ok(ENGINE === 'postgres' ? server.db.startsWith('postgres') : !server.db.startsWith('postgres'));
  } finally {
    await server.stop();
  }
});

test('serve reads POISE_DB and POISE_LISTEN, and SIGINT stops it cleanly', async () => {
  const { spawn } = require('node:child_process');
  const db = freshDatabase();
  const child = spawn(BIN, ['serve'], {
    env: { ...env, POISE_DB: db.url, POISE_LISTEN: '127.0.0.1:0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const started = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /serving (http:\/\/127\.0\.0\.1:\d+)\/ \((sqlite|postgres) (\S+),/.exec(out);
      if (m) resolve({ base: m[1], engine: m[2], db: m[3] });
    });
    exited.then((code) => reject(new Error('exited ' + code + ': ' + err)));
  });
  assert.equal(started.db, db.url);
  assert.equal(started.engine, ENGINE === 'postgres' ? 'postgres' : 'sqlite');
  assert.equal((await fetch(started.base + '/healthz')).status, 200);
  child.kill('SIGINT');
  assert.equal(await exited, 0, err);
  assert.doesNotMatch(err, /AddressSanitizer|LeakSanitizer|runtime error/);
  db.cleanup();
});
