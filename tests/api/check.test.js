// `poise check` proves the store's invariants; the audit trail records
// every write with its actor, hash-chained per account.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const { BIN, ENGINE, startServer, createAccount, client } = require('./helpers');

let server, api, acct;
before(async () => {
  server = await startServer();
  api = client(server.base);
  acct = createAccount(server, 'Audit Practice');
});
after(async () => { await server.stop(); });

function check() {
  const r = spawnSync(BIN, ['check', '--db', server.db], { env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' } });
  return { status: r.status, out: r.stdout.toString() + r.stderr.toString() };
}

function sql(statement) {
  if (ENGINE === 'postgres') execFileSync('psql', [server.db, '-q', '-c', statement]);
  else execFileSync('sqlite3', [server.db, statement]);
}

test('every write leaves an audit event with actor, action and summary', async () => {
  const c = await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'Audited', tax_rate_bps: 700 } });
  await api('PATCH', `/v1/clinics/${c.body.id}`, { key: acct.key, body: { tax_rate_bps: 725 } });
  const r = await api('GET', `/v1/audit_events?object_id=${c.body.id}`, { key: acct.key });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.data.map((e) => e.action), ['clinic.update', 'clinic.create']);
  const ev = r.body.data[0];
  assert.equal(ev.actor_type, 'api_key');
  assert.match(ev.actor, /^key_/);
  assert.equal(ev.object_type, 'clinic');
  assert.equal(ev.summary.tax_rate_bps, 725);
  assert.match(ev.hash, /^[0-9a-f]{64}$/);
  assert.ok(r.body.data[0].seq > r.body.data[1].seq);
  const byAction = await api('GET', '/v1/audit_events?action=account.create', { key: acct.key });
  assert.equal(byAction.body.data.length, 1);
});

test('audit events page newest first with starting_after', async () => {
  for (let i = 0; i < 5; i++) await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'Page ' + i } });
  const p1 = await api('GET', '/v1/audit_events?limit=3', { key: acct.key });
  assert.equal(p1.body.data.length, 3);
  assert.equal(p1.body.has_more, true);
  const p2 = await api('GET', `/v1/audit_events?limit=3&starting_after=${p1.body.data[2].id}`, { key: acct.key });
  assert.ok(p2.body.data[0].seq < p1.body.data[2].seq);
  const seen = new Set([...p1.body.data, ...p2.body.data].map((e) => e.id));
  assert.equal(seen.size, p1.body.data.length + p2.body.data.length);
});

test('poise check passes on a healthy store and fails on a tampered audit chain', async () => {
  let r = check();
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /check passed/);
  sql(`UPDATE audit_events SET summary = '{"tax_rate_bps":0}' WHERE account_id = '${acct.accountId}' AND action = 'clinic.update'`);
  r = check();
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, new RegExp(`audit chain of ${acct.accountId} broken at seq \\d+`));
  assert.match(r.out, /check FAILED/);
});

test('poise check proves every invoice against what paid it', async () => {
  const a = createAccount(server, 'Check Invoices');
  const post = async (url, body) => (await api('POST', url, { key: a.key, headers: { 'idempotency-key': `${url}-${Math.random()}` }, body })).body;
  const clinic = await post('/v1/clinics', { name: 'Glow' });
  const svc = await post('/v1/services', { name: 'Peel', price: 15000 });
  const inv = await post('/v1/invoices', { clinic: clinic.id, lines: [{ item: svc.id, quantity: 1 }] });
  const paid = await post(`/v1/invoices/${inv.id}/payments`, { tenders: [{ method: 'check', amount: 5000, reference: '77' }] });
  assert.equal(paid.invoice.status, 'partially_paid');
  // A healthy store passes (the audit tamper above is in another account:
  // restore nothing, only look for this account's lines).
  let r = check();
  assert.doesNotMatch(r.out, new RegExp(`invoice ${inv.id}`));
  sql(`UPDATE invoices SET paid_minor = 15000, status = 'paid' WHERE account_id = '${a.accountId}' AND id = '${inv.id}'`);
  r = check();
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, new RegExp(`invoice ${inv.id} of ${a.accountId} \\(paid\\): paid 15000 of 15000, tip 0, refunded 0, tip 0; its tenders come to 5000`));
});
