#!/usr/bin/env node
// bench/start_time.js - time from spawning `poise serve` to its first
// successful GET /healthz.
//
// Usage: node bench/start_time.js POISE_BIN DB PORT [RUNS]
//
// DB must already be migrated (the caller has served from it before). For
// each run: note the time, spawn `POISE_BIN serve --db DB --listen
// 127.0.0.1:PORT --threads 4 --quiet`, poll GET /healthz every 1 ms on a
// fresh connection until one answers 200, note the time, read the server's
// own "started in N ms" line, stop it with SIGTERM and wait for it to exit.
// Prints one JSON object: {runs, client_ms: [...], server_ms: [...]}.
// Exits 1 if a server fails to start within 10 s or exits non-zero.
'use strict';

const http = require('node:http');
const { spawn } = require('node:child_process');

const [bin, db, portArg, runsArg = '20'] = process.argv.slice(2);
if (!bin || !db || !portArg) {
  console.error('usage: node bench/start_time.js POISE_BIN DB PORT [RUNS]');
  process.exit(2);
}
const port = Number(portArg);
const runs = Number(runsArg);

function probe() {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      });
    req.on('error', () => resolve(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function once() {
  const t0 = process.hrtime.bigint();
  const child = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`,
    '--threads', '4', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve({ code, sig })));
  let gone = false;
  exited.then(() => { gone = true; });

  let t1 = null;
  while (!gone) {
    if (await probe()) { t1 = process.hrtime.bigint(); break; }
    if (Number(process.hrtime.bigint() - t0) > 10e9) break;
    await sleep(1);
  }
  child.kill('SIGTERM');
  const { code, sig } = await exited;
  if (t1 === null) throw new Error(`server did not answer /healthz: ${err.trim()}`);
  if (code !== 0) throw new Error(`server exited with ${code ?? sig}: ${err.trim()}`);
  const m = /started in (\d+) ms/.exec(out);
  return { client: Number(t1 - t0) / 1e6, server: m ? Number(m[1]) : null };
}

async function main() {
  const client = [];
  const server = [];
  for (let i = 0; i < runs; i++) {
    const r = await once();
    client.push(Math.round(r.client * 100) / 100);
    server.push(r.server);
  }
  process.stdout.write(JSON.stringify({ runs, client_ms: client, server_ms: server }) + '\n');
}

main().catch((e) => {
  console.error(`start_time: ${e.message}`);
  process.exit(1);
});
