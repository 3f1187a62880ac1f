#!/usr/bin/env node
/*
 * tests/standin/stripe.js - a local stand-in for the part of Stripe's API
 * that src/gateway/stripe.c uses, for tests. No npm dependencies.
 *
 *   node tests/standin/stripe.js [port]     (0 or none: a free port)
 *
 * Prints "listening <port>" on stdout once it accepts connections. State
 * is in memory and dies with the process.
 *
 * What it checks like Stripe: `Authorization: Bearer <key>` (key from
 * STANDIN_STRIPE_KEY, default "sk_test_standin"; 401 otherwise), a
 * Stripe-Version header (400 without), form-encoded bodies with nested
 * keys (a[b][c], a[]), Idempotency-Key on POSTs (the first status and
 * body are stored and replayed with Idempotent-Replayed: true; the same
 * key with another path or other parameters is 400 idempotency_error),
 * errors shaped {"error":{type,code,decline_code,message,param}}.
 *
 * Test PaymentMethods (as Stripe's): pm_card_visa (4242),
 * pm_card_mastercard (4444), pm_card_chargeDeclined (0002,
 * generic_decline), pm_card_chargeDeclinedInsufficientFunds (9995),
 * pm_card_chargeDeclinedExpiredCard (0069), pm_card_chargeDeclinedIncorrectCvc
 * (0127), pm_card_chargeCustomerFail (0341: attaches, every charge is
 * declined). Declining cards also fail to attach, except 0341.
 * Fee: 2.9% + 30 (rounded half up) on every captured charge.
 *
 * Control endpoints (no key needed), JSON bodies:
 *   POST /_standin/fail_next {"status":500}     next request answers 500
 *        without running (not stored under its Idempotency-Key)
 *   POST /_standin/fail_next {"status":"drop"}  next request runs, then the
 *        connection is closed without an answer (a lost response);
 *        {"count":n} applies either to the next n requests
 *   POST /_standin/key {"key"}                  the API key it expects
 *   GET  /_standin/state                        payment intents, refunds,
 *        connected account ids, and every API request seen (method, path,
 *        idempotency key)
 *   POST /_standin/reader_present {"reader","payment_method"}  a card is
 *        presented at a reader that is processing a payment intent
 *   POST /_standin/dispute {"payment_intent","reason"}  opens a dispute
 *   POST /_standin/payout {"account"}  pays out the account's balance
 */
'use strict';

const http = require('http');
const crypto = require('crypto');

let KEY = process.env.STANDIN_STRIPE_KEY || 'sk_test_standin';

const CARDS = {
    pm_card_visa: { brand: 'visa', last4: '4242' },
    pm_card_mastercard: { brand: 'mastercard', last4: '4444' },
    pm_card_chargeDeclined: {
        brand: 'visa', last4: '0002', decline: ['card_declined',
            'generic_decline', 'Your card was declined.'],
    },
    pm_card_chargeDeclinedInsufficientFunds: {
        brand: 'visa', last4: '9995', decline: ['card_declined',
            'insufficient_funds', 'Your card has insufficient funds.'],
    },
    pm_card_chargeDeclinedExpiredCard: {
        brand: 'visa', last4: '0069', decline: ['expired_card',
            'expired_card', 'Your card has expired.'],
    },
    pm_card_chargeDeclinedIncorrectCvc: {
        brand: 'visa', last4: '0127', decline: ['incorrect_cvc',
            'incorrect_cvc', 'Your card\'s security code is incorrect.'],
    },
    pm_card_chargeCustomerFail: {
        brand: 'visa', last4: '0341', attachOk: true, decline: [
            'card_declined', 'generic_decline', 'Your card was declined.'],
    },
};

const db = {
    accounts: new Map(), customers: new Map(), pms: new Map(),
    pis: new Map(), charges: new Map(), bts: new Map(), refunds: new Map(),
    readers: new Map(), payouts: new Map(), disputes: new Map(),
    idem: new Map(), requests: [],
};
let failNext = null; /* 500 or 'drop' */
let failCount = 0;  /* how many requests failNext applies to */
let seq = 0;

function newId(prefix)
{
    seq++;
    return prefix + '_' + crypto.randomBytes(8).toString('hex') +
           seq.toString(36);
}

function now()
{
    return Math.floor(Date.now() / 1000);
}

class ApiError extends Error {
    constructor(status, type, code, message, extra) {
        super(message);
        this.status = status;
        this.body = { error: Object.assign({ type, code, message }, extra) };
    }
}

function invalid(message, code, param)
{
    return new ApiError(400, 'invalid_request_error', code, message,
                        param ? { param } : {});
}

function missing(kind, id, param)
{
    return new ApiError(param ? 400 : 404, 'invalid_request_error',
                        'resource_missing', `No such ${kind}: '${id}'`,
                        param ? { param } : {});
}

/* Form decoding with Stripe's nested keys: a[b][c]=v, a[]=v. */
function parseForm(text)
{
    const out = {};
    for (const part of text.split('&')) {
        if (part === '')
            continue;
        const eq = part.indexOf('=');
        const dec = s => decodeURIComponent(s.replace(/\+/g, ' '));
        const key = dec(eq < 0 ? part : part.slice(0, eq));
        const value = eq < 0 ? '' : dec(part.slice(eq + 1));
        const names = key.match(/^[^[]+|\[[^\]]*\]/g) || [key];
        let node = out;
        names.forEach((raw, i) => {
            const name = raw.startsWith('[') ? raw.slice(1, -1) : raw;
            const last = i === names.length - 1;
            if (name === '') {
                if (!Array.isArray(node.__arr))
                    node.__arr = [];
                node.__arr.push(value);
                return;
            }
            if (last) {
                node[name] = value;
            } else {
                if (typeof node[name] !== 'object')
                    node[name] = {};
                node = node[name];
            }
        });
    }
    return fixArrays(out);
}

function fixArrays(v)
{
    if (typeof v !== 'object' || v === null)
        return v;
    if (Array.isArray(v.__arr))
        return v.__arr;
    for (const k of Object.keys(v))
        v[k] = fixArrays(v[k]);
    return v;
}

function intParam(p, name, required)
{
    if (p[name] === undefined) {
        if (required)
            throw invalid(`Missing required param: ${name}.`,
                          'parameter_missing', name);
        return undefined;
    }
    if (!/^[0-9]+$/.test(p[name]))
        throw invalid(`Invalid integer: ${p[name]}`, 'parameter_invalid_integer',
                      name);
    return Number(p[name]);
}

function fee(amount)
{
    return Math.floor((amount * 29 + 500) / 1000) + 30;
}

function addBt(account, type, amount, feeAmount, source, category)
{
    const bt = {
        id: newId('txn'), object: 'balance_transaction', amount,
        fee: feeAmount, net: amount - feeAmount, type, source,
        reporting_category: category || type, currency: 'usd',
        created: now(), status: 'pending', account, payout: null,
    };
    db.bts.set(bt.id, bt);
    return bt;
}

function cardDetails(pmId, present)
{
    const card = CARDS[pmId] || CARDS[db.pms.get(pmId)?.base];
    const details = {
        brand: card.brand, last4: card.last4, exp_month: 12,
        exp_year: 2034, fingerprint: 'fp' + card.last4,
    };
    return present ? { type: 'card_present', card_present: details }
                   : { type: 'card', card: details };
}

/* The charge object as Stripe renders it, expanding balance_transaction. */
function renderCharge(ch, expand)
{
    const out = Object.assign({}, ch);
    delete out.account;
    if (expand.includes('balance_transaction') && ch.balance_transaction)
        out.balance_transaction = db.bts.get(ch.balance_transaction);
    return out;
}

function renderPi(pi, expand)
{
    const out = Object.assign({}, pi);
    const ex = expand.filter(e => e.startsWith('latest_charge'));
    if (ex.length > 0 && pi.latest_charge) {
        const sub = ex.map(e => e.slice('latest_charge.'.length));
        out.latest_charge = renderCharge(db.charges.get(pi.latest_charge),
                                         sub);
    }
    return out;
}

function basePm(id)
{
    if (CARDS[id])
        return id;
    const pm = db.pms.get(id);
    if (!pm)
        throw missing('payment_method', id, 'payment_method');
    return pm.base;
}

function makeCharge(pi, pmId, present)
{
    const capture = pi.capture_method === 'automatic';
    const ch = {
        id: newId('ch'), object: 'charge', amount: pi.amount,
        amount_captured: capture ? pi.amount : 0, amount_refunded: 0,
        captured: capture, refunded: false, payment_intent: pi.id,
        currency: pi.currency, status: 'succeeded',
        payment_method: pmId, balance_transaction: null,
        payment_method_details: cardDetails(pmId, present),
        account: pi.transfer_data?.destination || 'platform',
        created: now(),
    };
    const d = ch.payment_method_details;
    (d.card || d.card_present).capture_before = now() + 7 * 86400;
    db.charges.set(ch.id, ch);
    pi.latest_charge = ch.id;
    if (capture)
        captureCharge(pi, ch, pi.amount);
    else
        pi.status = 'requires_capture';
    return ch;
}

function captureCharge(pi, ch, amount)
{
    ch.captured = true;
    ch.amount_captured = amount;
    /* As Stripe: the uncaptured rest of a partial capture is refunded. */
    ch.amount_refunded = ch.amount - amount;
    const bt = addBt(ch.account, 'charge', amount, fee(amount), ch.id);
    ch.balance_transaction = bt.id;
    pi.amount_received = amount;
    pi.status = 'succeeded';
}

function declineError(pi, pmId, card)
{
    const [code, declineCode, message] = card.decline;
    const ch = {
        id: newId('ch'), object: 'charge', amount: pi.amount,
        amount_captured: 0, amount_refunded: 0, captured: false,
        payment_intent: pi.id, status: 'failed', failure_code: code,
        payment_method_details: cardDetails(pmId, false),
        balance_transaction: null, created: now(),
    };
    db.charges.set(ch.id, ch);
    pi.latest_charge = ch.id;
    pi.status = 'requires_payment_method';
    pi.last_payment_error = {
        type: 'card_error', code, decline_code: declineCode, message,
        payment_method: { id: pmId },
    };
    return new ApiError(402, 'card_error', code, message, {
        decline_code: declineCode, charge: ch.id,
        payment_intent: renderPi(pi, []),
    });
}

function confirmPi(pi, pmId)
{
    const card = CARDS[basePm(pmId)];
    if (card.decline)
        throw declineError(pi, pmId, card);
    makeCharge(pi, pmId, false);
}

function piCreate(p)
{
    const amount = intParam(p, 'amount', true);
    if (amount < 1)
        throw invalid('Amount must be at least 1', 'amount_too_small',
                      'amount');
    if (!p.currency)
        throw invalid('Missing required param: currency.',
                      'parameter_missing', 'currency');
    if (p.customer && !db.customers.has(p.customer))
        throw missing('customer', p.customer, 'customer');
    const pi = {
        id: newId('pi'), object: 'payment_intent', amount,
        amount_received: 0, currency: p.currency,
        capture_method: p.capture_method || 'automatic',
        customer: p.customer || null, description: p.description || null,
        metadata: p.metadata || {}, payment_method: p.payment_method || null,
        payment_method_types: p.payment_method_types || ['card'],
        transfer_data: p.transfer_data || null,
        on_behalf_of: p.on_behalf_of || null, status:
            'requires_payment_method', latest_charge: null,
        last_payment_error: null, created: now(),
    };
    if (p.transfer_data?.destination &&
        !db.accounts.has(p.transfer_data.destination))
        throw missing('account', p.transfer_data.destination,
                      'transfer_data[destination]');
    db.pis.set(pi.id, pi);
    if (p.confirm === 'true') {
        if (!p.payment_method)
            throw invalid('You must provide a payment_method to confirm.',
                          'parameter_missing', 'payment_method');
        const pm = db.pms.get(p.payment_method);
        if (pm && pm.customer !== (p.customer || null))
            throw invalid('The PaymentMethod does not belong to the ' +
                          'Customer.', 'parameter_invalid', 'payment_method');
        confirmPi(pi, p.payment_method);
    }
    return pi;
}

function getPi(id)
{
    const pi = db.pis.get(id);
    if (!pi)
        throw missing('payment_intent', id);
    return pi;
}

function unexpected(pi, action)
{
    return invalid(`This PaymentIntent could not be ${action} because it ` +
                   `has a status of ${pi.status}.`,
                   'payment_intent_unexpected_state');
}

function piCapture(pi, p)
{
    if (pi.status !== 'requires_capture')
        throw unexpected(pi, 'captured');
    const amount = p.amount_to_capture !== undefined
        ? intParam(p, 'amount_to_capture') : pi.amount;
    if (amount < 1 || amount > pi.amount)
        throw invalid('The amount to capture exceeds the capturable ' +
                      'amount.', 'amount_too_large', 'amount_to_capture');
    captureCharge(pi, db.charges.get(pi.latest_charge), amount);
    return pi;
}

function piCancel(pi)
{
    if (pi.status === 'succeeded' || pi.status === 'canceled')
        throw unexpected(pi, 'canceled');
    pi.status = 'canceled';
    pi.canceled_at = now();
    return pi;
}

function refundCreate(p)
{
    const pi = p.payment_intent ? getPi(p.payment_intent) : null;
    if (!pi)
        throw invalid('Missing required param: payment_intent.',
                      'parameter_missing', 'payment_intent');
    const ch = db.charges.get(pi.latest_charge);
    if (pi.status !== 'succeeded' || !ch || !ch.captured)
        throw invalid('This PaymentIntent has no captured charge.',
                      'charge_not_captured');
    if (ch.disputed)
        throw invalid('This charge has been disputed.', 'charge_disputed');
    const left = ch.amount_captured - (ch.refunded_total || 0);
    if (left === 0)
        throw invalid(`Charge ${ch.id} has already been refunded.`,
                      'charge_already_refunded');
    const amount = p.amount !== undefined ? intParam(p, 'amount') : left;
    if (amount < 1 || amount > left)
        throw invalid(`Refund amount ($${(amount / 100).toFixed(2)}) is ` +
                      'greater than unrefunded amount on charge ' +
                      `($${(left / 100).toFixed(2)})`, 'amount_too_large',
                      'amount');
    ch.refunded_total = (ch.refunded_total || 0) + amount;
    ch.amount_refunded += amount;
    ch.refunded = ch.refunded_total === ch.amount_captured;
    const re = {
        id: newId('re'), object: 'refund', amount, charge: ch.id,
        payment_intent: pi.id, currency: pi.currency, status: 'succeeded',
        created: now(), failure_reason: null,
    };
    db.refunds.set(re.id, re);
    addBt(ch.account, 'refund', -amount, 0, re.id);
    return re;
}

function accountDebit(p)
{
    const acct = db.accounts.get(p.source);
    if (!acct)
        throw missing('source', p.source, 'source');
    const amount = intParam(p, 'amount', true);
    const py = {
        id: newId('py'), object: 'charge', amount, currency: p.currency,
        description: p.description || null, payment_intent: null,
        status: 'succeeded', created: now(),
    };
    db.charges.set(py.id, py);
    addBt(acct.id, 'transfer', -amount, 0, py.id);
    return py;
}

/* The API proper: returns [status, body] or throws an ApiError. */
function route(method, path, p, acct)
{
    let m;
    const expand = p.expand || [];
    if (method === 'POST' && path === '/v1/accounts') {
        const a = {
            id: newId('acct'), object: 'account', type: p.type,
            country: p.country, default_currency: p.default_currency,
            business_profile: p.business_profile || {},
            settings: p.settings || {}, metadata: p.metadata || {},
            external_accounts: [],
        };
        db.accounts.set(a.id, a);
        return a;
    }
    if ((m = path.match(/^\/v1\/accounts\/(\w+)\/external_accounts(?:\/(\w+))?$/)))
        return externalAccount(method, m[1], m[2], p);
    if (method === 'POST' && path === '/v1/terminal/readers') {
        const r = {
            id: newId('tmr'), object: 'terminal.reader',
            serial_number: p.registration_code, label: p.label,
            metadata: p.metadata || {}, action: null,
        };
        if (!/^[\w-]+$/.test(p.registration_code || ''))
            throw invalid('Invalid registration code.',
                          'terminal_reader_invalid_registration_code',
                          'registration_code');
        db.readers.set(r.id, r);
        return r;
    }
    if ((m = path.match(/^\/v1\/terminal\/readers\/(\w+)$/)) &&
        method === 'DELETE') {
        if (!db.readers.delete(m[1]))
            throw missing('terminal.reader', m[1]);
        return { id: m[1], object: 'terminal.reader', deleted: true };
    }
    if ((m = path.match(/^\/v1\/terminal\/readers\/(\w+)\/process_payment_intent$/)))
        return readerProcess(m[1], p);
    if (method === 'POST' && path === '/v1/customers') {
        const c = { id: newId('cus'), object: 'customer',
                    metadata: p.metadata || {} };
        db.customers.set(c.id, c);
        return c;
    }
    if ((m = path.match(/^\/v1\/payment_methods\/(\w+)\/(attach|detach)$/)))
        return pmAction(m[1], m[2], p);
    if (method === 'POST' && path === '/v1/payment_intents')
        return renderPi(piCreate(p), expand);
    if (method === 'GET' && path === '/v1/payment_intents/search')
        return piSearch(p);
    if ((m = path.match(/^\/v1\/payment_intents\/(\w+)(?:\/(capture|cancel))?$/))) {
        const pi = getPi(m[1]);
        if (m[2] === 'capture')
            return renderPi(piCapture(pi, p), expand);
        if (m[2] === 'cancel')
            return renderPi(piCancel(pi), expand);
        return renderPi(pi, expand);
    }
    if (method === 'POST' && path === '/v1/refunds')
        return refundCreate(p);
    if ((m = path.match(/^\/v1\/refunds\/(\w+)$/))) {
        if (!db.refunds.has(m[1]))
            throw missing('refund', m[1]);
        return db.refunds.get(m[1]);
    }
    if (method === 'POST' && path === '/v1/charges')
        return accountDebit(p);
    if ((m = path.match(/^\/v1\/payouts\/(\w+)$/)))
        return payoutGet(m[1], acct);
    if (method === 'GET' && path === '/v1/balance_transactions')
        return btList(p, acct);
    if ((m = path.match(/^\/v1\/disputes\/(\w+)$/)))
        return disputeAction(method, m[1], p);
    throw new ApiError(404, 'invalid_request_error', 'resource_missing',
                       `Unrecognized request URL (${method}: ${path}).`);
}

function externalAccount(method, acctId, baId, p)
{
    const a = db.accounts.get(acctId);
    if (!a)
        throw missing('account', acctId);
    if (!baId && method === 'POST') {
        const e = p.external_account || {};
        if (!/^[0-9]{9}$/.test(e.routing_number || ''))
            throw invalid('Routing number must have 9 digits',
                          'routing_number_invalid',
                          'external_account[routing_number]');
        if (!/^[0-9]{4,17}$/.test(e.account_number || ''))
            throw invalid('Invalid account number',
                          'account_number_invalid',
                          'external_account[account_number]');
        const ba = {
            id: newId('ba'), object: 'bank_account', account: a.id,
            last4: e.account_number.slice(-4),
            routing_number: e.routing_number, currency: e.currency,
            default_for_currency: a.external_accounts.length === 0,
        };
        a.external_accounts.push(ba);
        return ba;
    }
    const ba = a.external_accounts.find(x => x.id === baId);
    if (!ba)
        throw missing('external account', baId);
    if (method === 'DELETE') {
        if (ba.default_for_currency && a.external_accounts.length > 1)
            throw invalid('You cannot delete the default external account.',
                          'parameter_invalid');
        a.external_accounts = a.external_accounts.filter(x => x !== ba);
        return { id: ba.id, object: 'bank_account', deleted: true };
    }
    if (p.default_for_currency === 'true') {
        a.external_accounts.forEach(x => { x.default_for_currency = false; });
        ba.default_for_currency = true;
    }
    return ba;
}

function pmAction(id, action, p)
{
    if (action === 'detach') {
        const pm = db.pms.get(id);
        if (!pm || !pm.customer)
            throw invalid(`The payment method ${id} is not attached to a ` +
                          'customer.', 'payment_method_unexpected_state');
        pm.customer = null;
        return renderPm(pm);
    }
    const card = CARDS[id];
    if (!card)
        throw missing('PaymentMethod', id);
    if (!db.customers.has(p.customer))
        throw missing('customer', p.customer, 'customer');
    if (card.decline && !card.attachOk) {
        const [code, declineCode, message] = card.decline;
        throw new ApiError(402, 'card_error', code, message,
                           { decline_code: declineCode });
    }
    const pm = { id: newId('pm'), base: id, customer: p.customer };
    db.pms.set(pm.id, pm);
    return renderPm(pm);
}

function renderPm(pm)
{
    return {
        id: pm.id, object: 'payment_method', type: 'card',
        customer: pm.customer, card: cardDetails(pm.id, false).card,
    };
}

function piSearch(p)
{
    const m = /^metadata\['(\w+)'\]:'([^']*)'$/.exec(p.query || '');
    if (!m)
        throw invalid('Invalid search query.', 'parameter_invalid', 'query');
    const data = [...db.pis.values()].filter(pi => pi.metadata[m[1]] === m[2]);
    return { object: 'search_result', data: data.map(pi => renderPi(pi, [])),
             has_more: false };
}

function readerProcess(readerId, p)
{
    const r = db.readers.get(readerId);
    if (!r)
        throw missing('terminal.reader', readerId);
    const pi = getPi(p.payment_intent);
    if (pi.status !== 'requires_payment_method')
        throw unexpected(pi, 'processed');
    r.action = { type: 'process_payment_intent', status: 'in_progress',
                 process_payment_intent: { payment_intent: pi.id } };
    return r;
}

function readerPresent(body)
{
    const r = db.readers.get(body.reader);
    if (!r || !r.action)
        throw missing('terminal.reader', body.reader);
    const pi = getPi(r.action.process_payment_intent.payment_intent);
    const pm = body.payment_method || 'pm_card_visa';
    const card = CARDS[pm];
    r.action.status = 'succeeded';
    if (card.decline) {
        declineError(pi, pm, card);
        r.action.status = 'failed';
    } else {
        makeCharge(pi, pm, true);
    }
    return renderPi(pi, []);
}

function disputeOpen(body)
{
    const pi = getPi(body.payment_intent);
    const ch = db.charges.get(pi.latest_charge);
    ch.disputed = true;
    const du = {
        id: newId('du'), object: 'dispute', amount: ch.amount_captured,
        charge: ch.id, payment_intent: pi.id, currency: pi.currency,
        reason: body.reason || 'fraudulent', status: 'needs_response',
        evidence: {}, created: now(),
        evidence_details: { due_by: now() + 7 * 86400 },
        balance_transactions: [],
    };
    du.balance_transactions.push(addBt(ch.account, 'adjustment',
                                       -du.amount, 1500, du.id, 'dispute'));
    db.disputes.set(du.id, du);
    return du;
}

function disputeAction(method, id, p)
{
    const du = db.disputes.get(id);
    if (!du)
        throw missing('dispute', id);
    if (method === 'GET')
        return du;
    if (['won', 'lost', 'under_review'].includes(du.status))
        throw invalid('This dispute is already closed to evidence.',
                      'dispute_unexpected_state');
    Object.assign(du.evidence, p.evidence || {});
    if (p.submit === 'true') {
        const text = du.evidence.uncategorized_text;
        du.status = text === 'winning_evidence' ? 'won'
                  : text === 'losing_evidence' ? 'lost' : 'under_review';
    }
    return du;
}

function payoutCreate(body)
{
    const acct = body.account;
    const bts = [...db.bts.values()].filter(
        bt => bt.account === acct && bt.payout === null);
    const po = {
        id: newId('po'), object: 'payout', amount: 0, currency: 'usd',
        status: 'paid', created: now(), arrival_date: now() + 86400,
        destination: db.accounts.get(acct)?.external_accounts.find(
            x => x.default_for_currency)?.id || null,
        failure_code: null, account: acct,
    };
    for (const bt of bts) {
        bt.payout = po.id;
        po.amount += bt.net;
    }
    addBt(acct, 'payout', -po.amount, 0, po.id).payout = po.id;
    db.payouts.set(po.id, po);
    return po;
}

function payoutGet(id, acct)
{
    const po = db.payouts.get(id);
    if (!po || po.account !== (acct || 'platform'))
        throw missing('payout', id);
    const out = Object.assign({}, po);
    delete out.account;
    return out;
}

function btList(p, acct)
{
    const owner = acct || 'platform';
    let data = [...db.bts.values()].filter(
        bt => bt.account === owner && (!p.payout || bt.payout === p.payout));
    if (p.starting_after) {
        const i = data.findIndex(bt => bt.id === p.starting_after);
        data = data.slice(i + 1);
    }
    const limit = Number(p.limit || 10);
    const page = data.slice(0, limit).map(bt => {
        const out = Object.assign({}, bt);
        delete out.account;
        if ((p.expand || []).includes('data.source'))
            out.source = db.charges.get(bt.source) ||
                         db.refunds.get(bt.source) ||
                         db.disputes.get(bt.source) ||
                         db.payouts.get(bt.source) || bt.source;
        return out;
    });
    return { object: 'list', data: page, has_more: data.length > limit };
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
    if (method === 'GET' && path === '/_standin/state') {
        return {
            payment_intents: [...db.pis.values()].map(pi => ({
                id: pi.id, status: pi.status, amount: pi.amount,
                metadata: pi.metadata })),
            refunds: [...db.refunds.values()],
            accounts: [...db.accounts.keys()],
            requests: db.requests,
        };
    }
    if (method === 'POST' && path === '/_standin/reader_present')
        return readerPresent(body);
    if (method === 'POST' && path === '/_standin/dispute')
        return disputeOpen(body);
    if (method === 'POST' && path === '/_standin/payout')
        return payoutCreate(body);
    throw missing('control endpoint', path);
}

function send(res, status, body, replayed)
{
    const text = JSON.stringify(body);
    const headers = { 'Content-Type': 'application/json',
                      'Request-Id': newId('req') };
    if (replayed)
        headers['Idempotent-Replayed'] = 'true';
    res.writeHead(status, headers);
    res.end(text);
}

/* Run the API call, store/replay by Idempotency-Key; [status, body]. */
function execute(req, path, params, raw)
{
    const key = req.headers['idempotency-key'];
    const acct = req.headers['stripe-account'] || null;
    if (req.method === 'POST' && key) {
        const seen = db.idem.get(key);
        const fingerprint = req.method + ' ' + path + ' ' + raw;
        if (seen && seen.fingerprint !== fingerprint)
            return [400, { error: {
                type: 'idempotency_error', message: 'Keys for idempotent ' +
                'requests can only be used with the same parameters they ' +
                'were first used with.' } }, false];
        if (seen)
            return [seen.status, seen.body, true];
        const result = run(req.method, path, params, acct);
        db.idem.set(key, { fingerprint, status: result[0],
                           body: result[1] });
        return [result[0], result[1], false];
    }
    return [...run(req.method, path, params, acct), false];
}

function run(method, path, params, acct)
{
    try {
        return [200, route(method, path, params, acct)];
    } catch (e) {
        if (!(e instanceof ApiError))
            throw e;
        return [e.status, e.body];
    }
}

function handle(req, res, raw)
{
    const url = new URL(req.url, 'http://localhost');
    const path = url.pathname;
    if (path.startsWith('/_standin/')) {
        try {
            send(res, 200, control(req.method, path,
                                   raw ? JSON.parse(raw) : {}));
        } catch (e) {
            send(res, e.status || 500, e.body || { error: String(e) });
        }
        return;
    }
    db.requests.push({ method: req.method, path,
                       idempotency_key: req.headers['idempotency-key'] ||
                                        null });
    if (failNext === 500) {
        failNext = --failCount > 0 ? failNext : null;
        send(res, 500, { error: { type: 'api_error',
                                  message: 'An unknown error occurred' } });
        return;
    }
    if (req.headers.authorization !== 'Bearer ' + KEY) {
        send(res, 401, { error: { type: 'invalid_request_error',
                                  message: 'Invalid API Key provided.' } });
        return;
    }
    if (!req.headers['stripe-version']) {
        send(res, 400, { error: { type: 'invalid_request_error',
                                  code: 'parameter_missing',
                                  message: 'Stripe-Version is required.' } });
        return;
    }
    const form = req.method === 'GET' ? url.search.slice(1) : raw;
    const [status, body, replayed] = execute(req, path, parseForm(form), form);
    if (failNext === 'drop') {
        failNext = --failCount > 0 ? failNext : null;
        req.socket.destroy();
        return;
    }
    send(res, status, body, replayed);
}

const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
        try {
            handle(req, res, Buffer.concat(chunks).toString('utf8'));
        } catch (e) {
            process.stderr.write(`stand-in error: ${e.stack}\n`);
            send(res, 500, { error: { type: 'api_error',
                                      message: String(e.message) } });
        }
    });
});

server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
    process.stdout.write(`listening ${server.address().port}\n`);
});
