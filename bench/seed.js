#!/usr/bin/env node
// bench/seed.js - create N records through the API and print their ids,
// one per line, on stdout.
//
// Usage: node bench/seed.js BASE_URL RESOURCE COUNT
//   BASE_URL  e.g. http://127.0.0.1:18080
//   RESOURCE  patients | clinics
//   COUNT     how many to create (default 1000)
// The API key comes from $BENCH_KEY. Eight keep-alive connections post in
// parallel; any non-201 answer aborts with exit status 1.
'use strict';

const http = require('node:http');

const [base, resource = 'patients', countArg = '1000'] = process.argv.slice(2);
const key = process.env.BENCH_KEY;
if (!base || !key) {
  console.error('usage: BENCH_KEY=... node bench/seed.js BASE_URL RESOURCE COUNT');
  process.exit(2);
}
const count = Number(countArg);
const url = new URL(`/v1/${resource}`, base);
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

function body(i) {
  if (resource === 'clinics') return { name: `Seed clinic ${i}` };
  return { first_name: `Seed${i}`, last_name: `Patient${i}` };
}

function post(i) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body(i));
    const req = http.request(url, {
      method: 'POST',
      agent,
      headers: {
        Authorization: `Bearer ${key}`,
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(data),
      },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        if (res.statusCode !== 201) {
          reject(new Error(`POST ${url.pathname} #${i}: ${res.statusCode} ${text}`));
          return;
        }
        resolve(JSON.parse(text).id);
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

async function main() {
  const ids = new Array(count);
  let next = 0;
  async function worker() {
    while (next < count) {
      const i = next++;
      ids[i] = await post(i);
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker));
  agent.destroy();
  process.stdout.write(ids.join('\n') + '\n');
}

main().catch((e) => {
  console.error(`seed: ${e.message}`);
  process.exit(1);
});
