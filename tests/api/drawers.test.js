// The cash drawer: open with a float, paid-ins and paid-outs, close with a
// count (short, over, exact), the drawer report against the ledger
// (`poise check`), every bad input, double close, movements on a closed
// drawer, one open drawer per register, another account's drawer — over
// HTTP, on SQLite and on PostgreSQL (POISE_TEST_ENGINE).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { startServer, createAccount, client, assertError, BIN } = require('./helpers');

let server, api;
before(async () => {
  server = await startServer();
  api = client(server.base);
});
after(async () => { await server.stop(); });

const idem = () => ({ 'idempotency-key': crypto.randomUUID() });

async function practice(name = 'Cash Practice') {
  const acct = createAccount(server, name);
  const clinic = (await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'Glow' } })).body;
  assert.ok(clinic.id);
  return { ...acct, clinic };
}

const open = (p, body) => api('POST', '/v1/cash_drawers', { key: p.key, headers: idem(),
  body: { clinic: p.clinic.id, register: 'front-1', ...body } });
const move = (p, id, body) => api('POST', `/v1/cash_drawers/${id}/movements`, { key: p.key, headers: idem(),
  body: { direction: 'in', amount: 100, reason: 'change', ...body } });
const close = (p, id, counted) => api('POST', `/v1/cash_drawers/${id}/close`, { key: p.key, headers: idem(),
  body: { counted } });
const report = async (p, id) => {
  const r = await api('GET', `/v1/cash_drawers/${id}`, { key: p.key });
  assert.equal(r.status, 200, r.text);
  return r.body;
};

function check() {
  return execFileSync(BIN, ['check', '--db', server.db], {
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' }, stdio: 'pipe' }).toString();
}

// One full session, closed with counted = expected + delta.
async function session(p, register, delta) {
  const o = await open(p, { register, opening_float: 20000 });
  assert.equal(o.status, 201, o.text);
  assert.equal(o.body.status, 'open');
  assert.equal(o.body.currency, 'USD');
  assert.equal(o.body.opening_float, 20000);
  assert.equal(o.body.counted, null);
  const id = o.body.id;
  const pin = await move(p, id, { direction: 'in', amount: 5000, reason: 'change from the bank' });
  assert.equal(pin.status, 201, pin.text);
  assert.equal(pin.body.kind, 'paid_in');
  const pout = await move(p, id, { direction: 'out', amount: 1250, reason: 'coffee for the team' });
  assert.equal(pout.status, 201, pout.text);
  assert.equal(pout.body.kind, 'paid_out');
  assert.equal((await move(p, id, { direction: 'out', amount: 750, reason: 'stamps' })).status, 201);
  const expected = 20000 + 5000 - 1250 - 750;
  const r = await report(p, id);
  assert.equal(r.expected, expected);
  assert.equal(r.cash_balance, expected, 'the report equals the drawer\'s ledger account');
  assert.deepEqual(r.totals, { float: 20000, paid_in: 5000, paid_out: 2000, sale: 0, refund: 0 });
  assert.deepEqual(r.movements.map((m) => m.kind), ['float', 'paid_in', 'paid_out', 'paid_out']);
  const c = await close(p, id, expected + delta);
  assert.equal(c.status, 200, c.text);
  assert.equal(c.body.status, 'closed');
  assert.equal(c.body.expected, expected);
  assert.equal(c.body.counted, expected + delta);
  assert.equal(c.body.over_short, delta);
  const after = await report(p, id);
  assert.equal(after.expected, expected);
  assert.equal(after.over_short, delta);
  assert.equal(after.cash_balance, 0, 'a closed drawer\'s cash is back in the safe');
  assert.match(check(), /ok|OK|passed/i);
  return id;
}

test('a full session: float, paid in, paid out, close short, over and exact; ledger agrees', async () => {
  const p = await practice();
  await session(p, 'front-1', -300);
  await session(p, 'front-1', 425); // the register is free again after a close
  await session(p, 'back', 0);
  const ev = await api('GET', '/v1/audit_events?limit=100', { key: p.key });
  assert.equal(ev.status, 200, ev.text);
  const actions = ev.body.data.map((e) => e.action);
  for (const a of ['cash_drawer.open', 'cash_drawer.movement', 'cash_drawer.close']) assert.ok(actions.includes(a), a);
  // A drawer opened with no float holds nothing; a paid-out beyond the cash is refused.
  const z = await open(p, { register: 'empty' });
  assert.equal(z.status, 201, z.text);
  assert.equal(z.body.opening_float, 0);
  assertError(await move(p, z.body.id, { direction: 'out', amount: 1 }), 422, 'insufficient_balance');
  const zc = await close(p, z.body.id, 0);
  assert.equal(zc.status, 200, zc.text);
  assert.equal(zc.body.over_short, 0);
  assert.match(check(), /ok|OK|passed/i);
});

test('lists: filters by clinic and status, paging', async () => {
  const p = await practice('Lists');
  const other = (await api('POST', '/v1/clinics', { key: p.key, body: { name: 'Other' } })).body;
  const a = (await open(p, { register: 'r1', opening_float: 100 })).body;
  const b = (await open(p, { register: 'r2' })).body;
  const c = (await open(p, { clinic: other.id, register: 'r1' })).body;
  assert.equal((await close(p, a.id, 100)).status, 200);
  const all = await api('GET', '/v1/cash_drawers', { key: p.key });
  assert.equal(all.status, 200, all.text);
  assert.deepEqual(all.body.data.map((d) => d.id).sort(), [a.id, b.id, c.id].sort());
  const openOnes = await api('GET', '/v1/cash_drawers?status=open', { key: p.key });
  assert.deepEqual(openOnes.body.data.map((d) => d.id).sort(), [b.id, c.id].sort());
  const atOther = await api('GET', `/v1/cash_drawers?clinic=${other.id}`, { key: p.key });
  assert.deepEqual(atOther.body.data.map((d) => d.id), [c.id]);
  const page1 = await api('GET', '/v1/cash_drawers?limit=2', { key: p.key });
  assert.equal(page1.body.data.length, 2);
  assert.equal(page1.body.has_more, true);
  const page2 = await api('GET', `/v1/cash_drawers?limit=2&starting_after=${page1.body.data[1].id}`, { key: p.key });
  assert.equal(page2.body.data.length, 1);
  assert.equal(page2.body.has_more, false);
  assertError(await api('GET', '/v1/cash_drawers?status=ajar', { key: p.key }), 400, 'parameter_invalid', 'status');
});

test('bad input is 400 naming the parameter', async () => {
  const p = await practice('Bad Input');
  assertError(await open(p, { clinic: undefined }), 400, 'parameter_missing', 'clinic');
  assertError(await open(p, { register: undefined }), 400, 'parameter_missing', 'register');
  assertError(await open(p, { register: '' }), 400, 'parameter_invalid', 'register');
  assertError(await open(p, { register: 'x'.repeat(65) }), 400, 'parameter_invalid', 'register');
  assertError(await open(p, { opening_float: -1 }), 400, 'parameter_invalid', 'opening_float');
  assertError(await open(p, { opening_float: 1.5 }), 400, undefined, 'opening_float');
  assertError(await open(p, { opening_float: '100' }), 400, undefined, 'opening_float');
  assertError(await open(p, { clinic: 'cli_nope' }), 404, undefined, 'clinic');
  assertError(await open(p, { colour: 'red' }), 400, undefined, 'colour');
  const d = (await open(p, { opening_float: 1000 })).body;
  assert.ok(d.id);
  assertError(await move(p, d.id, { direction: 'sideways' }), 400, 'parameter_invalid', 'direction');
  assertError(await move(p, d.id, { direction: undefined }), 400, 'parameter_missing', 'direction');
  assertError(await move(p, d.id, { amount: 0 }), 400, 'parameter_invalid', 'amount');
  assertError(await move(p, d.id, { amount: -5 }), 400, 'parameter_invalid', 'amount');
  assertError(await move(p, d.id, { amount: 2.5 }), 400, undefined, 'amount');
  assertError(await move(p, d.id, { amount: undefined }), 400, 'parameter_missing', 'amount');
  assertError(await move(p, d.id, { reason: undefined }), 400, 'parameter_missing', 'reason');
  assertError(await move(p, d.id, { reason: '' }), 400, 'parameter_invalid', 'reason');
  assertError(await move(p, d.id, { reason: 'r'.repeat(201) }), 400, 'parameter_invalid', 'reason');
  assert.equal((await move(p, d.id, { reason: 'r'.repeat(200) })).status, 201);
  assertError(await close(p, d.id, -1), 400, 'parameter_invalid', 'counted');
  assertError(await close(p, d.id, undefined), 400, 'parameter_missing', 'counted');
  // Money routes need an Idempotency-Key.
  const noKey = await api('POST', `/v1/cash_drawers/${d.id}/close`, { key: p.key, body: { counted: 0 } });
  assert.equal(noKey.status, 400, noKey.text);
  // Nothing above moved money: the drawer still holds float + the one paid-in.
  assert.equal((await report(p, d.id)).cash_balance, 1100);
});

test('conflicts: second open drawer, double close, movement on a closed drawer', async () => {
  const p = await practice('Conflicts');
  const d = (await open(p, { opening_float: 500 })).body;
  assertError(await open(p, {}), 409, 'drawer_open', 'register');
  const c1 = await close(p, d.id, 500);
  assert.equal(c1.status, 200, c1.text);
  assertError(await close(p, d.id, 500), 409, 'drawer_closed');
  assertError(await move(p, d.id, {}), 409, 'drawer_closed');
  const r = await report(p, d.id);
  assert.equal(r.counted, 500);
  assert.equal(r.movements.length, 1, 'nothing was added after the close');
  assert.match(check(), /ok|OK|passed/i);
});

test('another account\'s drawer is 404 on every route; a malformed id too', async () => {
  const a = await practice('Owner');
  const b = await practice('Stranger');
  const d = (await open(a, { opening_float: 700 })).body;
  assertError(await api('GET', `/v1/cash_drawers/${d.id}`, { key: b.key }), 404);
  assertError(await move(b, d.id, {}), 404);
  assertError(await close(b, d.id, 0), 404);
  assertError(await api('GET', '/v1/cash_drawers/drw_nope', { key: a.key }), 404);
  const list = await api('GET', '/v1/cash_drawers', { key: b.key });
  assert.equal(list.body.data.length, 0);
  // B cannot open a drawer at A's clinic either.
  assertError(await open(b, { clinic: a.clinic.id }), 404, undefined, 'clinic');
  const r = await report(a, d.id);
  assert.equal(r.cash_balance, 700);
  assert.equal(r.status, 'open');
});
