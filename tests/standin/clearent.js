#!/usr/bin/env node
/*
 * tests/standin/clearent.js - a local stand-in for the part of Clearent's
 * REST gateway that src/gateway/clearent.c uses, for tests. No npm
 * dependencies.
 *
 *   node tests/standin/clearent.js [port]   (0 or none: a free port)
 *
 * Prints "listening <port>" on stdout. State is in memory.
 *
 * Like Clearent: an `api-key` header (STANDIN_CLEARENT_KEY, default
 * "clearent_test_key"; 401 otherwise), JSON bodies, amounts as strings
 * with exactly two decimals, answers shaped {code, status, exchange-id,
 * payload:{payloadType, transaction | transactions | error | ...}},
 * declines as HTTP 402 with result "DECLINED" and a result code, refusals
 * as 402 with an error payload (025 exceeds the refundable amount, 024
 * previously reversed, ...). Clearent documents no idempotency key and
 * neither does this: the same order-id twice makes two transactions.
 *
 * Test cards (tokenize with POST /rest/v2/tokens {"card","exp-date"}):
 * 4242424242424242 approves; 4000000000000002 declines (023),
 * 4000000000009995 (012 insufficient funds), 4000000000000069 (004
 * expired), 4000000000000127 (021 security code); 4000000000000341
 * tokenizes and attaches, every charge declines (023).
 *
 * Control endpoints (no key), JSON bodies:
 *   POST /_standin/fail_next {"status":500|"drop","count":n}  as stripe.js
 *   POST /_standin/key {"key"}   the key it expects
 *   GET  /_standin/state         transactions and requests seen
 */
'use strict';

const http = require('http');
const crypto = require('crypto');

let KEY = process.env.STANDIN_CLEARENT_KEY || 'clearent_test_key';

const CARDS = {
    '4242424242424242': { type: 'VISA' },
    '4000000000000002': { type: 'VISA', decline: ['023',
        'Transaction Declined By Issuer'] },
    '4000000000009995': { type: 'VISA', decline: ['012',
        'Not Sufficient Funds'] },
    '4000000000000069': { type: 'VISA', decline: ['004', 'Card Expired'] },
    '4000000000000127': { type: 'VISA', decline: ['021',
        'Declined by Issuer - Invalid card security code'] },
    '4000000000000341': { type: 'VISA', decline: ['023',
        'Transaction Declined By Issuer'] },
    '5555555555554444': { type: 'MASTERCARD' },
};

const db = { tokens: new Map(), customers: new Map(), txns: [],
             requests: [] };
let failNext = null;
let failCount = 0;
let txnSeq = 117834000;

function exchangeId()
{
    return 'ID-standin-' + crypto.randomBytes(6).toString('hex');
}

function answer(code, payloadType, value)
{
    return [code, {
        code: String(code), status: code < 300 ? 'success' : 'fail',
        'exchange-id': exchangeId(),
        payload: { payloadType, [payloadType]: value },
    }];
}

class Refusal extends Error {
    constructor(code, resultCode, message) {
        super(message);
        this.answer = answer(code, 'error', {
            'error-message': message, 'result-code': resultCode });
    }
}

function cents(text, name)
{
    if (typeof text !== 'string' || !/^[0-9]+\.[0-9]{2}$/.test(text))
        throw new Refusal(400, '041', `Field Validation: '${name}' must ` +
                          'be a decimal amount with two places');
    return Number(text.replace('.', ''));
}

function dollars(c)
{
    return `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
}

function stamp()
{
    return new Date().toISOString().replace('T', ' ').replace('Z', '');
}

function newTxn(type, body, extra)
{
    const t = Object.assign({
        id: String(++txnSeq), type, amount: body.amount,
        result: 'APPROVED', 'result-code': '000',
        'display-message': 'Transaction approved',
        'order-id': body['order-id'], invoice: body.invoice,
        description: body.description, created: stamp(),
    }, extra);
    db.txns.push(t);
    return t;
}

function cardOf(tokenId)
{
    const tok = db.tokens.get(tokenId);
    if (!tok)
        throw new Refusal(400, '009', 'Invalid Card Number');
    return tok;
}

function original(id)
{
    const t = db.txns.find(x => x.id === String(id));
    if (!t || !['SALE', 'AUTH'].includes(t.type) || t.result !== 'APPROVED')
        throw new Refusal(402, '027', 'Original Not Found');
    return t;
}

function followUps(t)
{
    return db.txns.filter(x => x['ref-id'] === t.id &&
                               x.result === 'APPROVED');
}

function saleOrAuth(type, body)
{
    const amount = cents(body.amount, 'amount');
    if (!body['software-type'])
        throw new Refusal(400, '041', "Field Validation: 'software-type' " +
                          'is required');
    if (amount < 1)
        throw new Refusal(400, '043', 'Amount Minimum');
    const tok = cardOf(body.card);
    const card = { 'card-type': tok.type, 'last-four': tok.last4,
                   'exp-date': tok.exp };
    const c = CARDS[tok.card];
    if (c.decline) {
        const t = newTxn(type, body, Object.assign({
            result: 'DECLINED', 'result-code': c.decline[0],
            'display-message': c.decline[1] }, card));
        return answer(402, 'transaction', t);
    }
    return answer(200, 'transaction', newTxn(type, body, card));
}

function capture(body)
{
    const o = original(body.id);
    const amount = cents(body.amount, 'amount');
    if (o.type !== 'AUTH' || followUps(o).length > 0)
        throw new Refusal(402, '024', 'Previously Reversed');
    if (amount > cents(o.amount))
        throw new Refusal(402, '008', 'Declined by Issuer - Invalid Amount');
    return answer(200, 'transaction',
                  newTxn('CAPTURE', body, { 'ref-id': o.id }));
}

function voidTxn(body)
{
    const o = original(body.id);
    if (followUps(o).some(x => x.type !== 'CAPTURE'))
        throw new Refusal(402, '024', 'Previously Reversed');
    const t = newTxn('VOID', Object.assign({}, body, { amount: o.amount }),
                     { 'ref-id': o.id });
    return answer(200, 'transaction', t);
}

function refund(body)
{
    const o = original(body.id);
    const done = followUps(o);
    if (done.some(x => x.type === 'VOID'))
        throw new Refusal(402, '024', 'Previously Reversed');
    const cap = o.type === 'SALE' ? cents(o.amount)
        : done.filter(x => x.type === 'CAPTURE')
              .reduce((s, x) => s + cents(x.amount), 0);
    const refunded = done.filter(x => x.type === 'REFUND')
        .reduce((s, x) => s + cents(x.amount), 0);
    const amount = cents(body.amount, 'amount');
    if (amount > cap - refunded)
        throw new Refusal(402, '025', 'Exceeds Maximum Refundable Amount');
    return answer(200, 'transaction',
                  newTxn('REFUND', body, { 'ref-id': o.id }));
}

function search(url)
{
    const q = url.searchParams;
    const list = db.txns.filter(t =>
        (!q.has('id') || t.id === q.get('id')) &&
        (!q.has('order-id') || t['order-id'] === q.get('order-id')) &&
        (!q.has('invoice') || t.invoice === q.get('invoice')));
    return answer(200, 'transactions', { transaction: list });
}

function token(method, id, body)
{
    if (method === 'POST' && !id) {
        const card = String(body.card || '');
        if (!CARDS[card])
            throw new Refusal(400, '009', 'Invalid Card Number');
        const t = {
            'token-id': '1' + crypto.randomInt(1e9, 1e10 - 1) +
                        card.slice(-4) + String(db.tokens.size).padStart(4,
                                                                     '0'),
            card, type: CARDS[card].type, last4: card.slice(-4),
            exp: body['exp-date'] || '1234', 'customer-key': null,
        };
        db.tokens.set(t['token-id'], t);
        return answer(200, 'tokenResponse', renderToken(t));
    }
    const t = db.tokens.get(id);
    if (!t)
        throw new Refusal(404, '001', 'Token not found');
    if (method === 'DELETE') {
        db.tokens.delete(id);
        return answer(200, 'tokenResponse', renderToken(t));
    }
    if (method === 'PUT') {
        if (body['customer-key'] && !db.customers.has(body['customer-key']))
            throw new Refusal(400, '011', 'Invalid Request: no such ' +
                              'customer');
        t['customer-key'] = body['customer-key'] || null;
    }
    return answer(200, 'tokenResponse', renderToken(t));
}

function renderToken(t)
{
    return {
        'token-id': t['token-id'], 'card-type': t.type,
        'last-four-digits': t.last4, 'exp-date': t.exp,
        'customer-key': t['customer-key'], status: 'Active',
    };
}

function customer(body)
{
    if (!body['first-name'] || !body['last-name'])
        throw new Refusal(400, '041', 'first-name and last-name are ' +
                          'required');
    const c = { 'customer-key': 'cust_' + crypto.randomBytes(6)
                    .toString('hex'),
                'first-name': body['first-name'],
                'last-name': body['last-name'], comments: body.comments };
    db.customers.set(c['customer-key'], c);
    return answer(200, 'customer', c);
}

function route(method, url, body)
{
    const path = url.pathname;
    let m;
    if (method === 'POST' && path === '/rest/v2/transactions/sale')
        return saleOrAuth('SALE', body);
    if (method === 'POST' && path === '/rest/v2/transactions/auth')
        return saleOrAuth('AUTH', body);
    if (method === 'POST' && path === '/rest/v2/transactions/capture')
        return capture(body);
    if (method === 'POST' && path === '/rest/v2/transactions/void')
        return voidTxn(body);
    if (method === 'POST' && path === '/rest/v2/transactions/refund')
        return refund(body);
    if (method === 'GET' && path === '/rest/v2/transactions')
        return search(url);
    if (path === '/rest/v2/tokens')
        return token(method, null, body);
    if ((m = path.match(/^\/rest\/v2\/tokens\/(\w+)$/)))
        return token(method, m[1], body);
    if (method === 'POST' && path === '/rest/v2/customers')
        return customer(body);
    throw new Refusal(404, '001', `no route ${method} ${path}`);
}

function control(method, path, body)
{
    if (method === 'POST' && path === '/_standin/fail_next') {
        failNext = body.status;
        failCount = body.count || 1;
        return { ok: true };
    }
    if (method === 'POST' && path === '/_standin/key') {
        KEY = body.key;
        return { ok: true };
    }
    if (method === 'GET' && path === '/_standin/state')
        return { transactions: db.txns, requests: db.requests };
    throw new Error('no control endpoint ' + path);
}

function send(res, status, body)
{
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
}

function handle(req, res, raw)
{
    const url = new URL(req.url, 'http://localhost');
    let body = {};
    if (url.pathname.startsWith('/_standin/')) {
        send(res, 200, control(req.method, url.pathname,
                               raw ? JSON.parse(raw) : {}));
        return;
    }
    try {
        body = raw ? JSON.parse(raw) : {};
    } catch (e) {
        send(res, 400, answer(400, 'error', {
            'error-message': 'Invalid Request', 'result-code': '011' })[1]);
        return;
    }
    db.requests.push({ method: req.method, path: url.pathname,
                       query: url.search, 'order-id': body['order-id'] ||
                                                      null });
    if (failNext === 500) {
        failNext = --failCount > 0 ? failNext : null;
        send(res, 500, answer(500, 'error', {
            'error-message': 'Internal Error', 'result-code': '050' })[1]);
        return;
    }
    if (req.headers['api-key'] !== KEY) {
        send(res, 401, answer(401, 'error', {
            'error-message': 'Unauthorized', 'result-code': '042' })[1]);
        return;
    }
    let result;
    try {
        result = route(req.method, url, body);
    } catch (e) {
        if (!(e instanceof Refusal))
            throw e;
        result = e.answer;
    }
    if (failNext === 'drop') {
        failNext = --failCount > 0 ? failNext : null;
        req.socket.destroy();
        return;
    }
    send(res, result[0], result[1]);
}

const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
        try {
            handle(req, res, Buffer.concat(chunks).toString('utf8'));
        } catch (e) {
            process.stderr.write(`stand-in error: ${e.stack}\n`);
            send(res, 500, { code: '500', status: 'fail' });
        }
    });
});

server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
    process.stdout.write(`listening ${server.address().port}\n`);
});
