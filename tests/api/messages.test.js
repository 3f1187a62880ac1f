// The messages outbox (docs/messages.md): e-mail delivered over SMTP to a
// local stand-in with the receipt PDF attached, SMS to a stand-in provider
// over HTTP (also by `poise jobs run-once`, as cron would), retries with
// backoff after a failure, giving up after the last attempt, messages that
// stay queued when nothing is configured, roles, filters and another
// account's messages. The server runs without its jobs thread; jobs run
// only when a test moves the account's sandbox test clock (which runs the
// account's due jobs before and after the move) or runs `jobs run-once`,
// so nothing depends on sleeping.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const { BIN, startServer, createAccount, client, assertError, signIn } = require('./helpers');
const { startSmtp, startSms, parseMessage, mimeParts } = require('./smtp_standin');

const FROM = 'Glow Receipts <receipts@glow.example>';
let smtp, sms, server, api, quiet, qapi;
before(async () => {
  smtp = await startSmtp();
  sms = await startSms();
  server = await startServer({ extraArgs: ['--no-jobs'], env: {
    POISE_SMTP_URL: smtp.url, POISE_SMTP_FROM: FROM,
    POISE_SMTP_USER: 'poise', POISE_SMTP_PASSWORD: 'smtp secret',
    POISE_SMS_URL: sms.url, POISE_SMS_TOKEN: 'sms-token-123',
  } });
  api = client(server.base);
  // Nothing configured: the outbox only.
  quiet = await startServer({ extraArgs: ['--no-jobs'], env: { POISE_SMTP_URL: '', POISE_SMS_URL: '' } });
  qapi = client(quiet.base);
});
after(async () => {
  await server.stop();
  await quiet.stop();
  await smtp.close();
  await sms.close();
});

// A practice on the sandbox (for its test clock) with a finalized invoice.
async function practice(call, name) {
  const p = createAccount(name === 'quiet' ? quiet : server, 'Glow Aesthetics');
  p.clinic = (await call('POST', '/v1/clinics', { key: p.key, body: { name: 'Glow Downtown',
    timezone: 'America/Chicago', tax_rate_bps: 825,
    address: { line1: '1200 Market St', city: 'Austin', state: 'TX', postal_code: '78701' } } })).body;
  const r = await call('POST', '/v1/pos_settings/activate', { key: p.key, body: { gateway: 'sandbox', merchant_mode: 'single' } });
  assert.equal(r.status, 200, r.text);
  const svc = (await call('POST', '/v1/services', { key: p.key, body: { name: 'Botox 20u', price: 24000 } })).body;
  const pat = (await call('POST', '/v1/patients', { key: p.key, body: { first_name: 'Ava', last_name: 'Stone' } })).body;
  const d = (await call('POST', '/v1/invoices', { key: p.key, body: { clinic: p.clinic.id, patient: pat.id,
    lines: [{ item: svc.id, quantity: 1 }] } })).body;
  p.invoice = (await call('POST', `/v1/invoices/${d.id}/finalize`, { key: p.key })).body;
  assert.equal(p.invoice.status, 'open');
  return p;
}

const advance = (p, seconds, call = api) => call('POST', '/sandbox/v1/test_clock/advance', { key: p.key, body: { seconds } });
const message = async (p, id, call = api) => (await call('GET', `/v1/messages/${id}`, { key: p.key })).body;
const sendReceipt = (p, email, call = api) => call('POST', `/v1/invoices/${p.invoice.id}/send_receipt`, { key: p.key, body: { email } });
const testMessage = (p, body, call = api) => call('POST', '/v1/test_helpers/messages', { key: p.key, body });
function runOnce(account, env) {
  const child = spawn(BIN, ['jobs', 'run-once', '--db', server.db, '--account', account], {
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}
const delivered = (id) => smtp.messages.filter((m) => parseMessage(m.data).headers['message-id'].startsWith(`<${id}@`));

test('a receipt e-mail is delivered over SMTP with the PDF attached', async () => {
  const p = await practice(api);
  const r = await sendReceipt(p, ' Ava.Stone@Example.COM ');
  assert.equal(r.status, 201, r.text);
  const m = r.body;
  assert.match(m.id, /^msg_/);
  assert.deepEqual([m.object, m.channel, m.to, m.status, m.attempts], ['message', 'email', 'ava.stone@example.com', 'queued', 0]);
  assert.equal(m.subject, 'Your invoice from Glow Aesthetics');
  assert.match(m.body, new RegExp(`invoice ${p.invoice.number} \\(total \\$240\\.00\\)`));
  assert.equal(m.attachment.name, `receipt-${p.invoice.number}.pdf`);
  assert.equal(m.attachment.content_type, 'application/pdf');
  assert.ok(m.attachment.size > 1000);
  assert.ok(!('bytes' in m.attachment) && !('data' in m.attachment), 'attachment metadata only');
  assert.deepEqual([m.source_type, m.source_id], ['invoice', p.invoice.id]);
  assert.ok(m.next_attempt_at > 0, 'scheduled: SMTP is configured');
  assert.equal(delivered(m.id).length, 0, 'nothing is sent before the job runs');

  assert.equal((await advance(p, 1)).status, 200);
  const sent = await message(p, m.id);
  assert.deepEqual([sent.status, sent.attempts, sent.last_error, sent.next_attempt_at], ['sent', 1, null, null]);
  assert.ok(sent.sent_at > 0);
  const got = delivered(m.id);
  assert.equal(got.length, 1);
  assert.equal(got[0].from, 'receipts@glow.example');
  assert.deepEqual(got[0].to, ['ava.stone@example.com']);
  assert.deepEqual(got[0].auth, { user: 'poise', password: 'smtp secret' });
  const mail = parseMessage(got[0].data);
  assert.equal(mail.headers.from, FROM);
  assert.equal(mail.headers.to, '<ava.stone@example.com>');
  assert.equal(mail.headers.subject, 'Your invoice from Glow Aesthetics');
  assert.equal(mail.headers['message-id'], `<${m.id}@glow.example>`);
  assert.equal(mail.headers['mime-version'], '1.0');
  assert.match(mail.headers.date, /^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000$/);
  assert.match(mail.headers['content-type'], /^multipart\/mixed; boundary=/);
  const parts = mimeParts(mail);
  assert.equal(parts.length, 2);
  assert.match(parts[0].headers['content-type'], /^text\/plain; charset=utf-8/);
  assert.equal(parts[0].decoded.toString('utf8'), m.body);
  assert.equal(parts[1].headers['content-type'], `application/pdf; name="receipt-${p.invoice.number}.pdf"`);
  assert.equal(parts[1].headers['content-disposition'], `attachment; filename="receipt-${p.invoice.number}.pdf"`);
  assert.equal(parts[1].decoded.subarray(0, 5).toString(), '%PDF-');
  assert.equal(parts[1].decoded.length, m.attachment.size);
  assert.ok(parts[1].decoded.includes(`(${p.invoice.number}) Tj`), 'the attached PDF is this invoice\'s');
  for (const line of got[0].data.split('\r\n')) assert.ok(line.length <= 998, 'SMTP line limit');

  // Sent is final: another run sends nothing more.
  await advance(p, 3600);
  assert.equal(delivered(m.id).length, 1);
});

test('an SMS goes to the provider with the bearer token, also from `poise jobs run-once`', async () => {
  const p = await practice(api);
  const r = await testMessage(p, { channel: 'sms', to: '(512) 555-0100', body: 'Your appointment is tomorrow at 10:00.' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.body.channel, r.body.to, r.body.subject, r.body.status], ['sms', '+15125550100', null, 'queued']);
  // The cron path: a separate process with the same settings (spawned
  // asynchronously: the stand-in answers from this process's event loop).
  const run = await runOnce(p.accountId, { POISE_SMS_URL: sms.url, POISE_SMS_TOKEN: 'sms-token-123' });
  assert.equal(run.status, 0, run.stderr.toString());
  assert.equal(JSON.parse(run.stdout).failed, 0, run.stdout);
  assert.doesNotMatch(run.stderr.toString(), /AddressSanitizer|runtime error/);
  const mine = sms.requests.filter((q) => q.headers['idempotency-key'] === r.body.id);
  assert.equal(mine.length, 1);
  assert.equal(mine[0].method, 'POST');
  assert.equal(mine[0].headers.authorization, 'Bearer sms-token-123');
  assert.match(mine[0].headers['content-type'], /^application\/json/);
  assert.deepEqual(mine[0].json, { to: '+15125550100', body: 'Your appointment is tomorrow at 10:00.' });
  const m = await message(p, r.body.id);
  assert.deepEqual([m.status, m.attempts], ['sent', 1]);
  assert.doesNotMatch(run.stderr.toString(), /sms-token-123|555-?0100/, 'no secret or recipient in the logs');
});

test('a failed attempt is retried after its backoff, then succeeds', async () => {
  const p = await practice(api);
  smtp.failNext(2, '451 4.3.0 mailbox temporarily unavailable');
  const m = (await sendReceipt(p, 'retry@example.com')).body;
  await advance(p, 1);
  let x = await message(p, m.id);
  assert.deepEqual([x.status, x.attempts], ['queued', 1]);
  assert.match(x.last_error, /451/);
  // 30 s after the first failure, plus up to a tenth of jitter.
  let wait = x.next_attempt_at - x.updated;
  assert.ok(wait >= 30 && wait <= 34, 'first backoff ' + wait);
  await advance(p, 10);
  assert.equal((await message(p, m.id)).attempts, 1, 'not retried before the backoff ends');
  await advance(p, 30);
  x = await message(p, m.id);
  assert.deepEqual([x.status, x.attempts], ['queued', 2]);
  wait = x.next_attempt_at - x.updated;
  assert.ok(wait >= 60 && wait <= 67, 'second backoff doubles: ' + wait);
  await advance(p, 70);
  x = await message(p, m.id);
  assert.deepEqual([x.status, x.attempts, x.last_error, x.next_attempt_at], ['sent', 3, null, null]);
  assert.equal(delivered(m.id).length, 1, 'accepted once');
  // The outbox log names the message, never the recipient.
  assert.match(server.logs(), new RegExp(`message ${m.id} attempt 1 failed`));
  assert.doesNotMatch(server.logs(), /retry@example\.com/);
});

test('after 8 failed attempts the message is failed for good', async () => {
  const p = await practice(api);
  sms.failNext(8, 503);
  const m = (await testMessage(p, { channel: 'sms', to: '+44 20 7946 0958', body: 'Reminder' })).body;
  for (let i = 0; i < 8; i++) await advance(p, 3600);
  const x = await message(p, m.id);
  assert.deepEqual([x.status, x.attempts, x.next_attempt_at, x.sent_at], ['failed', 8, null, null]);
  assert.match(x.last_error, /HTTP 503/);
  const tries = sms.requests.filter((q) => q.headers['idempotency-key'] === m.id);
  assert.equal(tries.length, 8, 'each attempt sent once, with the same Idempotency-Key');
  await advance(p, 86400);
  assert.equal(sms.requests.filter((q) => q.headers['idempotency-key'] === m.id).length, 8, 'never again');
  const failed = await api('GET', '/v1/messages?status=failed', { key: p.key });
  assert.deepEqual(failed.body.data.map((y) => y.id), [m.id]);
});

test('a refusal retrying cannot change fails the message at once', async () => {
  const p = await practice(api);
  smtp.failNext(1, '550 5.1.1 mailbox unavailable', 'rcpt');
  const e = (await sendReceipt(p, 'nobody@example.com')).body;
  sms.failNext(1, 400);
  const s = (await testMessage(p, { channel: 'sms', to: '+15125550111', body: 'x' })).body;
  sms.failNext(1, 429);
  const slow = (await testMessage(p, { channel: 'sms', to: '+15125550112', body: 'y' })).body;
  await advance(p, 1);
  const x = await message(p, e.id);
  assert.deepEqual([x.status, x.attempts, x.next_attempt_at], ['failed', 1, null]);
  assert.match(x.last_error, /550/);
  const y = await message(p, s.id);
  assert.deepEqual([y.status, y.attempts], ['failed', 1]);
  assert.match(y.last_error, /HTTP 400/);
  // 429 asks to come back later: retried.
  const z = await message(p, slow.id);
  assert.deepEqual([z.status, z.attempts], ['queued', 1]);
  await advance(p, 60);
  assert.equal((await message(p, slow.id)).status, 'sent');
});

test('not configured: messages stay queued in the outbox for demos and tests', async () => {
  const p = await practice(qapi, 'quiet');
  const r = await sendReceipt(p, 'ava@example.com', qapi);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.body.status, r.body.next_attempt_at, r.body.attempts], ['queued', null, 0]);
  const s = await testMessage(p, { channel: 'sms', to: '+15125550100', body: 'Hi' }, qapi);
  assert.equal(s.body.status, 'queued');
  await advance(p, 86400, qapi);
  const list = await qapi('GET', `/v1/messages?source_id=${p.invoice.id}`, { key: p.key });
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.data.map((x) => [x.id, x.status, x.attempts]), [[r.body.id, 'queued', 0]]);
  assert.match(list.body.data[0].body, /Balance due: \$240\.00/);
  assert.equal((await message(p, s.body.id, qapi)).status, 'queued');
});

test('lists filter by channel, recipient, status and source, newest first, in pages', async () => {
  const p = await practice(api);
  const a = (await sendReceipt(p, 'one@example.com')).body;
  const b = (await testMessage(p, { channel: 'sms', to: '+15125550199', body: 'x' })).body;
  const c = (await testMessage(p, { channel: 'email', to: 'two@example.com', subject: 'Hello', body: 'y' })).body;
  const ids = async (q) => (await api('GET', '/v1/messages' + q, { key: p.key })).body.data.map((x) => x.id);
  assert.deepEqual(await ids(''), [c.id, b.id, a.id]);
  assert.deepEqual(await ids('?channel=sms'), [b.id]);
  assert.deepEqual(await ids('?channel=email'), [c.id, a.id]);
  assert.deepEqual(await ids('?to=ONE@example.com'), [a.id], 'the address is matched as stored');
  assert.deepEqual(await ids('?to=%2B1%20512%20555%200199'), [b.id]);
  assert.deepEqual(await ids(`?source_id=${p.invoice.id}`), [a.id]);
  assert.deepEqual(await ids('?status=sent'), []);
  const page = await api('GET', '/v1/messages?limit=2', { key: p.key });
  assert.deepEqual([page.body.data.length, page.body.has_more], [2, true]);
  assert.deepEqual(await ids(`?starting_after=${page.body.data[1].id}`), [a.id]);
  assertError(await api('GET', '/v1/messages?channel=fax', { key: p.key }), 400, 'parameter_invalid', 'channel');
  assertError(await api('GET', '/v1/messages?status=lost', { key: p.key }), 400, 'parameter_invalid', 'status');
  assertError(await api('GET', '/v1/messages?limit=0', { key: p.key }), 400, 'parameter_invalid', 'limit');
});

test('bad input names the member', async () => {
  const p = await practice(api);
  assertError(await sendReceipt(p, 'not-an-address'), 400, 'parameter_invalid', 'email');
  assertError(await api('POST', `/v1/invoices/${p.invoice.id}/send_receipt`, { key: p.key, body: {} }), 400, 'parameter_missing', 'email');
  assertError(await api('POST', `/v1/invoices/${p.invoice.id}/send_receipt`, { key: p.key, body: { email: 5 } }), 400, undefined, 'email');
  assertError(await api('POST', '/v1/invoices/inv_00000000000000000000000000/send_receipt', { key: p.key, body: { email: 'a@example.com' } }), 404, undefined, 'id');
  assertError(await testMessage(p, { channel: 'fax', to: 'x', body: 'y' }), 400, 'parameter_invalid', 'channel');
  assertError(await testMessage(p, { channel: 'sms', to: 'not a phone', body: 'y' }), 400, 'parameter_invalid', 'to');
  assertError(await testMessage(p, { channel: 'sms', to: '+15125550100', subject: 'S', body: 'y' }), 400, 'parameter_invalid', 'subject');
  assertError(await testMessage(p, { channel: 'email', to: 'a@example.com', body: 'y' }), 400, 'parameter_missing', 'subject');
  assertError(await testMessage(p, { channel: 'email', to: 'a@example.com', subject: 'two\r\nlines', body: 'y' }), 400, 'parameter_invalid', 'subject');
  assertError(await testMessage(p, { channel: 'sms', to: '+15125550100', body: 'x'.repeat(1601) }), 400, 'parameter_invalid', 'body');
  assertError(await testMessage(p, { channel: 'sms', to: '+15125550100', body: '' }), 400, 'parameter_missing', 'body');
  assertError(await api('GET', '/v1/messages/msg_00000000000000000000000000', { key: p.key }), 404);
  assertError(await api('GET', '/v1/messages/garbage', { key: p.key }), 404);
});

test('roles: admins read the outbox; the front desk sends receipts', async () => {
  const p = await practice(api);
  const as = {};
  for (const role of ['front_desk', 'provider', 'admin']) {
    const email = `${role}-${crypto.randomBytes(3).toString('hex')}@roles.example`;
    const u = await api('POST', '/v1/users', { key: p.key, body: { email, name: role, role, password: 'role password 1' } });
    assert.equal(u.status, 201, u.text);
    const s = await signIn(server.base, email, 'role password 1');
    as[role] = { id: u.body.id, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } };
  }
  const sent = await api('POST', `/v1/invoices/${p.invoice.id}/send_receipt`, { headers: as.front_desk.headers, body: { email: 'desk@example.com' } });
  assert.equal(sent.status, 201, sent.text);
  assert.equal(sent.body.created_by, as.front_desk.id);
  for (const role of ['front_desk', 'provider']) {
    assertError(await api('GET', '/v1/messages', { headers: as[role].headers }), 403, 'forbidden');
    assertError(await api('GET', `/v1/messages/${sent.body.id}`, { headers: as[role].headers }), 403, 'forbidden');
  }
  assert.equal((await api('GET', `/v1/messages/${sent.body.id}`, { headers: as.admin.headers })).status, 200);
  assert.equal((await api('GET', '/v1/messages', { headers: as.admin.headers })).body.data[0].id, sent.body.id);
  assertError(await api('POST', '/v1/test_helpers/messages', { headers: as.front_desk.headers,
    body: { channel: 'sms', to: '+15125550100', body: 'x' } }), 403);
});

test('another account\'s message is 404 and never listed', async () => {
  const a = await practice(api);
  const b = createAccount(server, 'Other Practice');
  const m = (await sendReceipt(a, 'private@example.com')).body;
  assertError(await api('GET', `/v1/messages/${m.id}`, { key: b.key }), 404);
  const list = await api('GET', '/v1/messages?limit=100', { key: b.key });
  assert.equal(list.status, 200);
  assert.ok(!list.text.includes(m.id) && !list.text.includes('private@example.com'));
  const bySource = await api('GET', `/v1/messages?source_id=${a.invoice.id}`, { key: b.key });
  assert.deepEqual(bySource.body.data, []);
  assertError(await api('POST', `/v1/invoices/${a.invoice.id}/send_receipt`, { key: b.key, body: { email: 'x@example.com' } }), 404);
});
