// The harness of the crash storms: a throwaway database (SQLite or
// PostgreSQL), a free port, the CLI, and a server started (and killed) on
// them; options from the command line; a reproducible random source.
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.resolve(ROOT, process.env.POISE_BIN || 'build/poise');
const ENGINE = process.env.POISE_TEST_ENGINE || 'sqlite';

function arg(name, def) {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}
let seed = arg('--seed', Date.now() % 100000);
function rand() { // mulberry32: a reproducible run from --seed
  seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function freeDb() {
  if (ENGINE === 'postgres') {
    const admin = process.env.POISE_TEST_PG_ADMIN_URL;
    const name = 'crash_' + crypto.randomBytes(5).toString('hex');
    execFileSync('psql', [admin, '-q', '-c', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
    const u = new URL(admin); u.pathname = '/' + name;
    return { url: u.toString(), cleanup() {} };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poise-crash-'));
  return { url: path.join(dir, 'poise.db'), cleanup() { fs.rmSync(dir, { recursive: true, force: true }); } };
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

function cli(args, db, input) {
  return execFileSync(BIN, [...args, '--db', db], { input: input ?? '', stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}

async function start(db, port) {
  const child = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--quiet', '--no-jobs'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; if (err.length > 20000) err = err.slice(-10000); });
  await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error('no start: ' + err)), 20000);
    child.stdout.on('data', (d) => { out += d; if (/serving/.test(out)) { clearTimeout(t); resolve(); } });
    child.on('exit', (c) => { clearTimeout(t); reject(new Error(`exited ${c}: ${err}`)); });
  });
  child.removeAllListeners('exit');
  child.dead = new Promise((resolve) => child.on('exit', resolve));
  return child;
}


// A client of the server at base with the owner's API key.
function caller(base, secret) {
  const auth = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
  return async (method, p, body, headers = {}) => {
    const r = await fetch(base + p, { method, headers: { ...auth, ...headers }, body: body && JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  };
}

// Every page of a list route.
async function all(call, p) {
  const out = [];
  for (let after = ''; ;) {
    const sep = p.includes('?') ? '&' : '?';
    const r = await call('GET', `${p}${sep}limit=100${after ? '&starting_after=' + after : ''}`);
    out.push(...r.body.data);
    if (!r.body.has_more) return out;
    after = r.body.data[r.body.data.length - 1].id;
  }
}

module.exports = { ROOT, BIN, ENGINE, arg, rand, freeDb, freePort, cli, start, caller, all };
