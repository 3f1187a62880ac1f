// A tiny SMTP server for the outbox tests (Node's net module, no
// dependencies): it speaks enough ESMTP for libcurl (EHLO, optional AUTH
// PLAIN/LOGIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT), keeps every message
// it accepted, and can be told to refuse the next messages with a given
// reply, so tests see what Poise sent and how it handles a failure.
// Also a stand-in SMS provider over HTTP, and a small MIME reader.
'use strict';
const net = require('node:net');
const http = require('node:http');

// start() -> {url, port, messages, failNext(n, reply, stage), close()}
// messages: [{from, to: [..], data (dot-unstuffed, CRLF), auth}]
// failNext(n, '451 try later', 'data'|'rcpt'): the next n transactions
// get that reply at that stage instead of success.
async function startSmtp() {
  const messages = [];
  const failures = [];
  const sockets = new Set();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.setEncoding('latin1');
    let buf = '';
    let tx = { from: null, to: [], auth: null };
    let inData = false;
    let data = '';
    let authLogin = null; // AUTH exchange in progress: 'plain' | 'user' | 'pass'
    const say = (line) => sock.write(line + '\r\n');
    const failure = (stage) => {
      if (failures.length > 0 && failures[0].stage === stage) {
        const f = failures[0];
        if (--f.n === 0) failures.shift();
        return f.reply;
      }
      return null;
    };
    const command = (line) => {
      if (authLogin === 'plain') {
        const parts = Buffer.from(line, 'base64').toString().split('\0');
        tx.auth = { user: parts[1], password: parts[2] };
        authLogin = null;
        say('235 2.7.0 Authentication successful');
        return;
      }
      if (authLogin === 'user') { tx.auth = { user: Buffer.from(line, 'base64').toString() }; authLogin = 'pass'; say('334 UGFzc3dvcmQ6'); return; }
      if (authLogin === 'pass') { tx.auth.password = Buffer.from(line, 'base64').toString(); authLogin = null; say('235 2.7.0 Authentication successful'); return; }
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO' || verb === 'HELO') {
        sock.write('250-standin.test\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n');
      } else if (verb === 'AUTH') {
        const [, mech, arg] = line.split(' ');
        if (mech.toUpperCase() === 'PLAIN' && arg) {
          const parts = Buffer.from(arg, 'base64').toString().split('\0');
          tx.auth = { user: parts[1], password: parts[2] };
          say('235 2.7.0 Authentication successful');
        } else if (mech.toUpperCase() === 'PLAIN') {
          say('334 ');
          authLogin = 'plain';
        } else if (mech.toUpperCase() === 'LOGIN') {
          authLogin = 'user';
          say('334 VXNlcm5hbWU6');
        } else say('504 unrecognized authentication type');
      } else if (verb === 'MAIL') {
        tx.from = /<([^>]*)>/.exec(line)[1];
        tx.to = [];
        say('250 2.1.0 Ok');
      } else if (verb === 'RCPT') {
        const f = failure('rcpt');
        if (f) { say(f); return; }
        tx.to.push(/<([^>]*)>/.exec(line)[1]);
        say('250 2.1.5 Ok');
      } else if (verb === 'DATA') {
        inData = true;
        data = '';
        say('354 End data with <CR><LF>.<CR><LF>');
      } else if (verb === 'RSET') {
        tx = { from: null, to: [], auth: tx.auth };
        say('250 Ok');
      } else if (verb === 'NOOP') {
        say('250 Ok');
      } else if (verb === 'QUIT') {
        say('221 2.0.0 Bye');
        sock.end();
      } else {
        say('502 5.5.2 Error: command not recognized');
      }
    };
    sock.on('data', (chunk) => {
      buf += chunk;
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          const atStart = data === '' && buf.startsWith('.\r\n');
          if (end < 0 && !atStart) return;
          data += atStart ? '' : buf.slice(0, end + 2);
          buf = buf.slice(atStart ? 3 : end + 5);
          inData = false;
          const f = failure('data');
          if (f) { say(f); continue; }
          // Undo the dot-stuffing of lines that start with '.'.
          const text = data.replace(/\r\n\.\./g, '\r\n.').replace(/^\.\./, '.');
          messages.push({ from: tx.from, to: tx.to, data: text, auth: tx.auth });
          say('250 2.0.0 Ok: queued');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        command(line);
      }
    });
    sock.on('error', () => {});
    sock.write('220 standin.test ESMTP ready\r\n');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    failNext(n, reply, stage = 'data') { failures.push({ n, reply, stage }); },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// An SMS provider: POST JSON {to, body} with a bearer token. Records
// every request; failNext(n, status) answers the next n with status.
async function startSms() {
  const requests = [];
  const failures = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      let json = null;
      try { json = JSON.parse(body); } catch { json = null; }
      requests.push({ method: req.method, url: req.url, headers: req.headers, json });
      let status = 201;
      if (failures.length > 0) {
        status = failures[0].status;
        if (--failures[0].n === 0) failures.shift();
      }
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status < 300 ? { id: 'sms_' + requests.length, status: 'accepted' } : { error: 'unavailable' }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/v1/sms`,
    requests,
    failNext(n, status) { failures.push({ n, status }); },
    async close() {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// Split an RFC 5322 message: {headers: {lower-name: value}, body}.
function parseMessage(text) {
  const sep = text.indexOf('\r\n\r\n');
  const head = text.slice(0, sep).replace(/\r\n[ \t]+/g, ' ');
  const headers = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { headers, body: text.slice(sep + 4) };
}

// The parts of a multipart body: [{headers, body, decoded (Buffer)}].
function mimeParts(msg) {
  const m = /boundary="?([^";]+)"?/.exec(msg.headers['content-type'] || '');
  const decode = (p) => (/base64/i.test(p.headers['content-transfer-encoding'] || '')
    ? Buffer.from(p.body.replace(/\s+/g, ''), 'base64') : Buffer.from(p.body, 'latin1'));
  if (!m) return [{ ...msg, decoded: decode(msg) }];
  const boundary = '--' + m[1];
  const chunks = msg.body.split(boundary).slice(1);
  const parts = [];
  for (const c of chunks) {
    if (c.startsWith('--')) break;
    const p = parseMessage(c.replace(/^\r\n/, ''));
    parts.push({ ...p, decoded: decode(p) });
  }
  return parts;
}

module.exports = { startSmtp, startSms, parseMessage, mimeParts };
