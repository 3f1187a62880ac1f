// HTTP conventions: health, metrics, routing errors, auth errors, bad input,
// body limits, request ids, error shape.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, createAccount, client, assertError } = require('./helpers');

let server, api, acct;
before(async () => {
  server = await startServer();
  api = client(server.base);
  acct = createAccount(server);
});
after(async () => { await server.stop(); });

test('GET /healthz is public and ok', async () => {
  const r = await api('GET', '/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.match(r.headers.get('request-id'), /^req_[0-9a-z]{16}$/);
});

test('unknown route is 404 route_missing', async () => {
  assertError(await api('GET', '/v1/nope', { key: acct.key }), 404, 'route_missing');
});

test('known path with wrong method is 405 with Allow', async () => {
  const r = await api('PUT', '/v1/clinics', { key: acct.key, body: {} });
  assertError(r, 405, 'method_not_allowed');
  assert.equal(r.headers.get('allow'), 'GET, POST');
});

test('missing credential is 401', async () => {
  assertError(await api('GET', '/v1/clinics'), 401);
});

test('bad API keys are 401 and never 500', async () => {
  for (const k of ['nope', 'sk_live_', acct.key.slice(0, -1) + (acct.key.endsWith('a') ? 'b' : 'a'),
    'sk_live_acct_00000000000000000000000000_' + 'a'.repeat(32)]) {
    assertError(await api('GET', '/v1/clinics', { key: k }), 401);
  }
  assertError(await api('GET', '/v1/clinics', { headers: { authorization: 'Basic abc' } }), 401);
});

test('malformed JSON is 400 invalid_json and changes nothing', async () => {
  const r = await api('POST', '/v1/clinics', { key: acct.key, raw: '{"name": "x",' });
  assertError(r, 400, 'invalid_json');
  const list = await api('GET', '/v1/clinics', { key: acct.key });
  assert.equal(list.body.data.length, 0);
});

test('non-object JSON body is 400 invalid_json', async () => {
  assertError(await api('POST', '/v1/clinics', { key: acct.key, raw: '[1,2]' }), 400, 'invalid_json');
});

test('unknown member is 400 naming param', async () => {
  const r = await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'A', colour: 'red' } });
  assertError(r, 400, 'parameter_unknown', 'colour');
});

test('wrong type is 400 naming param', async () => {
  assertError(await api('POST', '/v1/clinics', { key: acct.key, body: { name: 5 } }),
    400, 'parameter_invalid_type', 'name');
  assertError(await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'A', tax_rate_bps: '825' } }),
    400, 'parameter_invalid_type', 'tax_rate_bps');
});

test('fractional or out-of-range integers are 400', async () => {
  assertError(await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'A', tax_rate_bps: 8.25 } }),
    400, 'parameter_invalid_type', 'tax_rate_bps');
  assertError(await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'A', tax_rate_bps: 10001 } }),
    400, 'parameter_out_of_range', 'tax_rate_bps');
  assertError(await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'A', tax_rate_bps: -1 } }),
    400, 'parameter_out_of_range', 'tax_rate_bps');
});

test('nested member errors name the path', async () => {
  const r = await api('POST', '/v1/clinics', { key: acct.key, body: { name: 'A', address: { zip: '1' } } });
  assertError(r, 400, 'parameter_unknown', 'address.zip');
});

test('body over 1 MiB is 413', async () => {
  const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
  const r = await api('POST', '/v1/clinics', { key: acct.key, raw: big });
  assertError(r, 413, 'request_too_large');
});

test('body over the route limit is 413 even when chunked', async () => {
  const big = 'x'.repeat(40 * 1024);
  // A ReadableStream body forces chunked transfer encoding (no Content-Length).
  const stream = new ReadableStream({
    start(c) { c.enqueue(new TextEncoder().encode(JSON.stringify({ name: big }))); c.close(); },
  });
  const res = await fetch(server.base + '/v1/clinics', {
    method: 'POST', body: stream, duplex: 'half',
    headers: { authorization: `Bearer ${acct.key}`, 'content-type': 'application/json' },
  });
  assert.equal(res.status, 413);
});

test('GET /metrics exposes Prometheus counters', async () => {
  await api('GET', '/v1/clinics', { key: acct.key });
  const r = await api('GET', '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  assert.match(r.text, /poise_http_requests_total\{method="GET",route="\/v1\/clinics",status="200"\} \d+/);
  assert.match(r.text, /poise_http_request_duration_seconds_bucket\{le="\+Inf"\} \d+/);
  assert.match(r.text, /poise_http_requests_in_flight \d+/);
  assert.match(r.text, /poise_store_errors_total \d+/);
});

test('one JSON log line per request, without secrets or bodies', async () => {
  const secretName = 'Clinic-' + Date.now();
  await api('POST', '/v1/clinics', { key: acct.key, body: { name: secretName } });
  await new Promise((r) => setTimeout(r, 50));
  const lines = server.logs().split('\n').filter((l) => l.includes('"msg":"request"'));
  assert.ok(lines.length > 5);
  for (const l of lines) {
    const o = JSON.parse(l);
    for (const k of ['time', 'request_id', 'account', 'route', 'status', 'duration_ms']) assert.ok(k in o, k + ' in ' + l);
  }
  assert.ok(!server.logs().includes(acct.key), 'API key never logged');
  assert.ok(!server.logs().includes(secretName), 'bodies never logged');
});
