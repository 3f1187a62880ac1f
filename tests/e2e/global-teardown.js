// Stop the server global-setup.js started: SIGTERM, it must exit 0 within
// 10 s (a clean shutdown is part of what is tested), then remove the
// temporary database directory.
'use strict';

const fs = require('node:fs');

const STOP_TIMEOUT_MS = 10_000;

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

module.exports = async function globalTeardown() {
  const st = globalThis.__poiseE2E;
  const tmp = st ? st.tmp : process.env.E2E_TMP_DIR;
  try {
    if (st) {
      st.child.kill('SIGTERM');
      const timeout = new Promise((resolve) => setTimeout(() => resolve(null), STOP_TIMEOUT_MS));
      const res = await Promise.race([st.exited, timeout]);
      if (res === null) {
        st.child.kill('SIGKILL');
        throw new Error(`e2e: poise serve did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
      }
      if (res.code !== 0) {
        throw new Error(`e2e: poise serve exited with code ${res.code}, signal ${res.signal} ` +
          `after SIGTERM (see ${st.logPath})`);
      }
    } else if (process.env.E2E_SERVER_PID) {
      // Not the setup's process: the exit status cannot be read, only
      // that the server goes away.
      const pid = Number(process.env.E2E_SERVER_PID);
      process.kill(pid, 'SIGTERM');
      const end = Date.now() + STOP_TIMEOUT_MS;
      while (alive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      if (alive(pid)) {
        process.kill(pid, 'SIGKILL');
        throw new Error(`e2e: poise serve (pid ${pid}) did not exit within ${STOP_TIMEOUT_MS} ms`);
      }
    }
  } finally {
    if (st) st.log.end();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
};
