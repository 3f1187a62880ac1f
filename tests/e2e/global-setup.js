// Start `poise serve` on a fresh demo database for the browser tests.
//
// The server listens on an ephemeral port (127.0.0.1:0); its stdout names
// the port ("poise: serving http://HOST:PORT/ ...") and --demo prints a
// fresh demo API key ("API key: sk_..."). Both are exported as
// E2E_BASE_URL and E2E_API_KEY, which the workers inherit. Server output
// goes to build/e2e-server.log. global-teardown.js stops the server.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const START_TIMEOUT_MS = 20_000;

module.exports = async function globalSetup() {
  const bin = path.resolve(ROOT, process.env.POISE_BIN || 'build/poise');
  const web = path.resolve(ROOT, process.env.POISE_WEB || 'build/web');
  if (!fs.existsSync(bin)) throw new Error(`e2e: no server binary at ${bin} (run make first)`);
  if (!fs.existsSync(web)) throw new Error(`e2e: no web app at ${web} (run make web first)`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'poise-e2e-'));
  const db = path.join(tmp, 'e2e.db');
  fs.mkdirSync(path.join(ROOT, 'build'), { recursive: true });
  const logPath = path.join(ROOT, 'build', 'e2e-server.log');
  const log = fs.createWriteStream(logPath);

  const args = ['serve', '--db', db, '--demo', '--listen', '127.0.0.1:0', '--web', web, '--quiet'];
  const child = spawn(bin, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });

  let out = '';
  let err = '';
  const found = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`e2e: poise serve printed no "serving" line and API key within ` +
        `${START_TIMEOUT_MS} ms\nstdout:\n${out}\nstderr:\n${err}`));
    }, START_TIMEOUT_MS);
    const check = () => {
      const url = /serving (http:\/\/[^\s/]+\/)/.exec(out);
      const key = /API key:\s*(\S+)/.exec(out);
      if (url && key) {
        clearTimeout(timer);
        resolve({ baseURL: url[1], apiKey: key[1] });
      }
    };
    child.stdout.on('data', (d) => { out += d; log.write(d); check(); });
    child.stderr.on('data', (d) => { err += d; log.write(d); });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`e2e: poise serve exited early (code ${code}, signal ${signal}): ` +
        `${bin} ${args.join(' ')}\nstdout:\n${out}\nstderr:\n${err}`));
    });
  }).catch((e) => {
    child.kill('SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  });

  process.env.E2E_BASE_URL = found.baseURL;
  process.env.E2E_API_KEY = found.apiKey;
  process.env.E2E_SERVER_PID = String(child.pid);
  process.env.E2E_TMP_DIR = tmp;
  // global-teardown.js runs in this process: hand it the child itself so
  // it can read the exit status.
  globalThis.__poiseE2E = { child, exited, tmp, log, logPath };
  console.log(`e2e: poise serve ${found.baseURL} (pid ${child.pid}, db ${db}, log ${logPath})`);
};
