#!/usr/bin/env node
// bench/idle_conns.js - hold COUNT idle keep-alive connections to a server.
//
// Usage: node bench/idle_conns.js PORT [COUNT] [HOLD_SECONDS]
//
// Opens COUNT TCP connections to 127.0.0.1:PORT (at most 100 connecting at
// once, to stay inside the listen backlog), sends one complete keep-alive
// "GET /healthz" on each and reads its whole response, then leaves every
// connection open and idle. When all are idle it prints "ready COUNT" on
// stdout; the caller measures the server, then closes our stdin (or sends
// SIGTERM) and we close everything and exit 0. HOLD_SECONDS (default 60)
// bounds the hold in any case. Exits 1 if a connection fails or is closed by
// the server before we are told to stop.
'use strict';

const net = require('node:net');

const port = Number(process.argv[2]);
const count = Number(process.argv[3] || 1000);
const holdSeconds = Number(process.argv[4] || 60);
if (!port) {
  console.error('usage: node bench/idle_conns.js PORT [COUNT] [HOLD_SECONDS]');
  process.exit(2);
}

const REQ = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n';
const sockets = [];
let stopping = false;

function fail(msg) {
  if (stopping) return;
  stopping = true;
  console.error(`idle_conns: ${msg}`);
  for (const s of sockets) s.destroy();
  process.exit(1);
}

// Connect, send one request, resolve when its full response is read.
function open(i) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    let done = false;
    s.setEncoding('latin1');
    s.on('connect', () => s.write(REQ));
    s.on('data', (chunk) => {
      if (done) return;
      buf += chunk;
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(buf.slice(0, end));
      const len = m ? Number(m[1]) : 0;
      if (buf.length < end + 4 + len) return;
      if (!buf.startsWith('HTTP/1.1 200')) {
        reject(new Error(`conn ${i}: ${buf.split('\r\n')[0]}`));
        return;
      }
      done = true;
      resolve();
    });
    s.on('error', (e) => (done ? fail(`conn ${i}: ${e.message}`) : reject(e)));
    s.on('close', () => {
      if (!done) reject(new Error(`conn ${i} closed before its response`));
      else fail(`conn ${i} closed by the server while idle`);
    });
    sockets.push(s);
  });
}

async function main() {
  let next = 0;
  async function worker() {
    while (next < count) await open(next++);
  }
  await Promise.all(Array.from({ length: Math.min(100, count) }, worker));
  process.stdout.write(`ready ${sockets.length}\n`);

  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const s of sockets) s.destroy();
    process.exit(0);
  };
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  setTimeout(stop, holdSeconds * 1000).unref();
}

main().catch((e) => fail(e.message));
