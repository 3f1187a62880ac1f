// The API reference (docs/openapi.yaml) matches the route table
// (src/http/routes.def): every route is documented, nothing else is, and
// each operation's x-min-role is the route's minimum role. Needs no server
// and no YAML library: the reference is read line by line, relying on its
// layout (paths two spaces in under `paths:`, methods four, operation keys
// six).
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// "METHOD /path/{param}" -> minimum role ("none", "front_desk", ...).
function routeTable() {
  const text = fs.readFileSync(path.join(ROOT, 'src/http/routes.def'), 'utf8');
  const re = /^ROUTE\((\w+),\s*"([^"]+)",\s*(\w+),\s*(\w+),/gm;
  const routes = new Map();
  for (const m of text.matchAll(re)) {
    const p = m[2].replace(/:(\w+)/g, '{$1}');
    const role = m[4].replace(/^ROLE_/, '').toLowerCase();
    routes.set(`${m[1].toUpperCase()} ${p}`, role);
  }
  return routes;
}

// "METHOD /path/{param}" -> the operation's x-min-role (or null).
function referenceOperations() {
  const lines = fs.readFileSync(path.join(ROOT, 'docs/openapi.yaml'), 'utf8').split(/\r?\n/);
  const ops = new Map();
  let inPaths = false;
  let current = null; // the path being read
  let op = null; // the operation being read
  for (const line of lines) {
    if (/^\S/.test(line)) { // a top-level key ends or starts `paths:`
      inPaths = /^paths:\s*$/.test(line);
      current = op = null;
      continue;
    }
    if (!inPaths) continue;
    let m = /^ {2}(['"]?)(\/[^'"]*)\1:\s*$/.exec(line);
    if (m) { current = m[2]; op = null; continue; }
    m = /^ {4}([a-z]+):\s*$/.exec(line);
    if (m) {
      op = null;
      if (current !== null && METHODS.includes(m[1])) {
        op = `${m[1].toUpperCase()} ${current}`;
        assert.ok(!ops.has(op), `${op} appears twice in docs/openapi.yaml`);
        ops.set(op, null);
      }
      continue;
    }
    m = /^ {6}x-min-role:\s*['"]?([a-z_]+)['"]?\s*$/.exec(line);
    if (m && op !== null) ops.set(op, m[1]);
  }
  return ops;
}

test('docs/openapi.yaml documents exactly the routes of routes.def', () => {
  const routes = routeTable();
  const ops = referenceOperations();
  assert.ok(routes.size >= 10, `routes parsed from routes.def: ${routes.size}`);
  assert.ok(ops.size >= 10, `operations parsed from docs/openapi.yaml: ${ops.size}`);
  const missing = [...routes.keys()].filter((r) => !ops.has(r));
  const extra = [...ops.keys()].filter((o) => !routes.has(o));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] },
    'missing: routes of routes.def not in docs/openapi.yaml; ' +
    'extra: operations of docs/openapi.yaml not in routes.def');
});

test('each operation\'s x-min-role is the route\'s minimum role', () => {
  const routes = routeTable();
  const ops = referenceOperations();
  const wrong = [];
  for (const [route, role] of routes) {
    if (!ops.has(route)) continue; // reported by the test above
    const documented = ops.get(route);
    if (documented !== role) wrong.push(`${route}: routes.def ${role}, x-min-role ${documented}`);
  }
  assert.deepEqual(wrong, [], 'x-min-role disagrees with routes.def');
});
