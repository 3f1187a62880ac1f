// `poise jobs run-once`: a JSON summary, the daily recurring purge job
// enqueued and run once per account per day, and `serve --no-jobs`.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { BIN, freshDatabase } = require('./helpers');

const SANITIZER_RE = /(AddressSanitizer|LeakSanitizer|runtime error:)/;
const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' };
const run = (args) => {
  const r = spawnSync(BIN, args, { env });
  const err = r.stderr.toString();
  assert.doesNotMatch(err, SANITIZER_RE);
  return { status: r.status, out: r.stdout.toString(), err };
};

test('jobs run-once prints a summary and runs the daily purge once', () => {
  const db = freshDatabase();
  try {
    let r = run(['jobs', 'run-once', '--db', db.url]);
    assert.equal(r.status, 0, r.err);
    assert.deepEqual(JSON.parse(r.out), { ran: 0, failed: 0 });
    r = run(['accounts', 'create', '--name', 'Jobs Practice', '--email',
      `jobs-${process.pid}@t.example`, '--db', db.url]);
    assert.equal(r.status, 0, r.err);
    const account = JSON.parse(r.out).account.id;
    // Another account's run does not touch this one's jobs.
    r = run(['jobs', 'run-once', '--db', db.url, '--account', 'acct_other']);
    assert.deepEqual(JSON.parse(r.out), { ran: 0, failed: 0 });
    r = run(['jobs', 'run-once', '--db', db.url, '--account', account]);
    assert.equal(r.status, 0, r.err);
    assert.deepEqual(JSON.parse(r.out), { ran: 1, failed: 0 });
    const line = r.err.split('\n').find((l) => l.includes('"msg":"job"'));
    assert.ok(line, r.err);
    const log = JSON.parse(line);
    assert.equal(log.kind, 'idempotency_purge');
    assert.equal(log.outcome, 'done');
    assert.match(log.key, new RegExp(`^idempotency_purge:${account}:\\d{4}-\\d\\d-\\d\\d$`));
    // The day's key is taken: a second run has nothing to do.
    r = run(['jobs', 'run-once', '--db', db.url]);
    assert.deepEqual(JSON.parse(r.out), { ran: 0, failed: 0 });
  } finally {
    db.cleanup();
  }
});

test('jobs usage and serve --no-jobs are documented', () => {
  let r = run(['jobs', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.out, /usage: poise jobs run-once/);
  assert.match(r.out, /--db/);
  assert.equal(run(['jobs']).status, 2);
  assert.equal(run(['jobs', 'run-once', '--max', '0']).status, 2);
  r = run(['serve', '--help']);
  assert.match(r.out, /--no-jobs/);
  assert.match(r.out, /POISE_JOBS=0/);
});
