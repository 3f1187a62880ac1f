// paykit.js - pieces the payment screens share: status badges, card
// labels, decline messages, the sandbox's hosted card field (the only
// place a card number is typed: it goes to the processor, which answers
// with a token; Poise's API only ever sees the token), a patient picker,
// and a cache of patient names for lists that hold only patient ids.
import {
  html, useState, useEffect, useRef, api, csrf, newKey, ApiError, useDebounced, phone,
  money, dateTime,
} from '../lib.js';
import { Badge, Icon, Button, Field } from '../components.js';

// ---------------------------------------------------------------------------
// Statuses.

const PAY_STATUS = {
  processing: ['info', 'Processing'],
  requires_capture: ['warn', 'Authorized'],
  succeeded: ['success', 'Succeeded'],
  canceled: ['neutral', 'Canceled'],
  failed: ['danger', 'Failed'],
};

export function PaymentStatus({ payment: p }) {
  const [tone, label] = PAY_STATUS[p.status] || ['neutral', p.status];
  let extra = null;
  if (p.amount_refunded > 0) {
    extra = p.amount_refunded >= p.amount_captured
      ? html` <${Badge} tone="neutral">Refunded<//>` : html` <${Badge} tone="neutral">Partly refunded<//>`;
  }
  return html`<span class="badges"><${Badge} tone=${tone}>${label}<//>${extra}${p.disputed ? html` <${Badge} tone="danger">Disputed<//>` : null}</span>`;
}

export const PAY_STATUS_OPTIONS = Object.entries(PAY_STATUS).map(([value, [, label]]) => ({ value, label }));

const PAYOUT_STATUS = { pending: 'info', in_transit: 'info', paid: 'success', failed: 'danger', canceled: 'neutral' };
export function PayoutStatus({ status }) {
  return html`<${Badge} tone=${PAYOUT_STATUS[status] || 'neutral'}>${humanize(status)}<//>`;
}

const DISPUTE_STATUS = {
  needs_response: 'danger', warning_needs_response: 'danger', under_review: 'info', warning_under_review: 'info',
  won: 'success', lost: 'neutral', warning_closed: 'neutral',
};
export function DisputeStatus({ status }) {
  return html`<${Badge} tone=${DISPUTE_STATUS[status] || 'warn'}>${humanize(status)}<//>`;
}

// "requested_by_customer" -> "Requested by customer".
export function humanize(s) {
  if (!s) return '';
  const t = String(s).replace(/_/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

// ---------------------------------------------------------------------------
// Cards.

const BRANDS = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', diners: 'Diners Club', jcb: 'JCB', unionpay: 'UnionPay' };
export const brandName = (b) => BRANDS[String(b || '').toLowerCase()] || humanize(b) || 'Card';
export const masked = (last4) => '•••• ' + last4;
export const cardLabel = (c) => (c ? `${brandName(c.brand)} ${masked(c.last4)}` : '');
export const expiry = (c) => (c && c.exp_month ? String(c.exp_month).padStart(2, '0') + '/' + String(c.exp_year).slice(-2) : '');

// A decline as staff should read it: the processor's message and its code,
// e.g. "Your card has insufficient funds. (insufficient_funds)".
export function declineText(e) {
  const code = (e && (e.declineCode || e.code)) || null;
  const msg = (e && e.message) || 'The card was declined.';
  return code && !msg.includes('(' + code + ')') ? `${msg} (${code})` : msg;
}
export function failureText(p) {
  if (!p || !p.failure_message) return '';
  const code = p.decline_code || p.failure_code;
  return code ? `${p.failure_message} (${code})` : p.failure_message;
}

// ---------------------------------------------------------------------------
// The sandbox processor's hosted card field. Its endpoints belong to the
// processor (here served by the same binary), not to Poise's /v1 API.

async function sandboxPost(path, body) {
  const headers = { Accept: 'application/json', 'Content-Type': 'application/json', 'Idempotency-Key': newKey() };
  const t = csrf.get();
  if (t) headers['X-CSRF-Token'] = t;
  let res;
  try {
    res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body), credentials: 'same-origin' });
  } catch (_) {
    throw new ApiError(0, { type: 'network_error', message: 'Could not reach the card processor. Try again.' });
  }
  let data = null;
  try { data = await res.json(); } catch (_) { /* not JSON */ }
  if (!res.ok) throw new ApiError(res.status, data && data.error);
  return data;
}

// "12/28", "12 / 2028", "1228" -> {exp_month: 12, exp_year: 2028} or null.
export function parseExpiry(text) {
  const m = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(text || '');
  if (!m) return null;
  const month = parseInt(m[1], 10);
  let year = parseInt(m[2], 10);
  if (m[2].length === 2) year += 2000;
  if (month < 1 || month > 12) return null;
  return { exp_month: month, exp_year: year };
}

const cardError = (param, message) => new ApiError(400, { type: 'card_error', code: 'client_check', message, param });

// Tokenize the card typed in the card fields (values card_number,
// card_expiry, card_cvc). Errors name those fields. Resolves to
// {id: "tok_…", card: {brand, last4, exp_month, exp_year}}.
// path: the card field to use (a payment link's page has its own).
export async function tokenizeCard(v, path = '/sandbox/v1/tokens') {
  const number = String(v.card_number || '').replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(number)) throw cardError('card_number', 'Enter the card number (12 to 19 digits).');
  const exp = parseExpiry(v.card_expiry);
  if (!exp) throw cardError('card_expiry', 'Enter the expiry as MM/YY.');
  const cvc = String(v.card_cvc || '').trim();
  if (!/^\d{3,4}$/.test(cvc)) throw cardError('card_cvc', 'Enter the 3 or 4 digit security code.');
  try {
    return await sandboxPost(path, { number, ...exp, cvc });
  } catch (e) {
    const map = { number: 'card_number', exp_month: 'card_expiry', exp_year: 'card_expiry', cvc: 'card_cvc' };
    if (e.param && map[e.param]) e.param = map[e.param];
    throw e;
  }
}

export const presentCard = (serial, number) =>
  sandboxPost('/sandbox/v1/readers/' + encodeURIComponent(serial) + '/present_card', { number: number.replace(/\s/g, '') });

export const TEST_CARDS = [
  ['4242 4242 4242 4242', 'approves'],
  ['4000 0000 0000 0002', 'declined (generic)'],
  ['4000 0000 0000 9995', 'insufficient funds'],
  ['4000 0000 0000 0069', 'expired card'],
  ['4000 0000 0000 0127', 'incorrect CVC'],
  ['4000 0000 0000 0259', 'disputed after settlement'],
  ['4000 0000 0000 0341', 'saves, then charges decline'],
];

// Card number, expiry and CVC inside a fieldset marked as the sandbox's.
export function SandboxCardFields({ form }) {
  const [open, setOpen] = useState(false);
  return html`<fieldset class="fieldset card-field">
    <legend>Card <span class="sandbox-tag"><${Icon} name="lock" size=${12} />Sandbox — test cards only</span></legend>
    <p class="hint card-field-note">The number goes to the sandbox processor, which returns a token; Poise never receives it.</p>
    <${Field} form=${form} name="card_number" label="Card number" inputmode="numeric" autocomplete="off"
      placeholder="4242 4242 4242 4242" spellcheck="false" class="mono-field" />
    <div class="grid-2">
      <${Field} form=${form} name="card_expiry" label="Expiry (MM/YY)" inputmode="numeric" autocomplete="off" placeholder="12/30" />
      <${Field} form=${form} name="card_cvc" label="CVC" inputmode="numeric" autocomplete="off" placeholder="123" maxlength="4" />
    </div>
    <button type="button" class="link-btn small" aria-expanded=${open ? 'true' : 'false'} onClick=${() => setOpen(!open)}>
      ${open ? 'Hide test cards' : 'Show test cards'}</button>
    ${open && html`<ul class="test-cards">${TEST_CARDS.map(([n, what]) => html`<li key=${n}>
      <button type="button" class="chip-btn mono" onClick=${() => { form.set('card_number', n); }}>${n}</button>
      <span class="muted small">${what}</span></li>`)}</ul>`}
  </fieldset>`;
}

// ---------------------------------------------------------------------------
// Patients: names by id (cached for the page's life) and a picker.

const names = new Map(); // id -> Promise<patient>
export function patientById(id) {
  if (!names.has(id)) {
    const p = api('GET', '/v1/patients/' + encodeURIComponent(id));
    p.catch(() => names.delete(id));
    names.set(id, p);
  }
  return names.get(id);
}

export function usePatientNames(ids) {
  const [map, setMap] = useState({});
  const key = [...new Set(ids.filter(Boolean))].sort().join(',');
  useEffect(() => {
    let live = true;
    for (const id of key ? key.split(',') : []) {
      patientById(id).then((p) => { if (live) setMap((m) => (m[id] ? m : { ...m, [id]: p.name })); }).catch(() => {});
    }
    return () => { live = false; };
  }, [key]);
  return map;
}

export function PatientName({ id }) {
  const map = usePatientNames([id]);
  return map[id] || html`<span class="mono small">${id}</span>`;
}

// A small search-as-you-type patient chooser. value: a patient or null.
export function PatientPicker({ id, value, onChange, label = 'Patient', optional = true }) {
  const [q, setQ] = useState('');
  const [res, setRes] = useState({ q: '', items: [] });
  const dq = useDebounced(q.trim(), 200);
  const seq = useRef(0);
  useEffect(() => {
    const my = ++seq.current;
    if (!dq) { setRes({ q: '', items: [] }); return; }
    api('GET', '/v1/patients', { query: { query: dq, limit: 6 } })
      .then((r) => { if (my === seq.current) setRes({ q: dq, items: r.data }); })
      .catch(() => { if (my === seq.current) setRes({ q: dq, items: [] }); });
  }, [dq]);

  if (value) {
    return html`<div class="field">
      <span class="label" id=${id + '-label'}>${label}</span>
      <div class="picked" aria-labelledby=${id + '-label'}>
        <span class="strong">${value.name}</span>
        <span class="muted small">${value.email || phone(value.phone) || ''}</span>
        <${Button} size="sm" variant="ghost" onClick=${() => onChange(null)} aria-label=${'Remove patient ' + value.name}>Change<//>
      </div>
    </div>`;
  }
  const fresh = res.q === dq && dq;
  return html`<div class="field picker">
    <label for=${id}>${label}${optional ? html` <span class="muted">(optional)</span>` : null}</label>
    <input id=${id} class="control" type="search" autocomplete="off" spellcheck="false"
      placeholder="Search by name, email or phone" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} />
    ${fresh && html`<ul class="picker-list" aria-label="Matching patients">
      ${res.items.map((p) => html`<li key=${p.id}><button type="button" class="picker-opt" onClick=${() => { onChange(p); setQ(''); }}>
        <span class="strong">${p.name}</span><span class="muted small">${p.email || phone(p.phone) || ''}</span></button></li>`)}
      ${res.items.length === 0 && html`<li class="muted small picker-none">No patients match “${dq}”.</li>`}
    </ul>`}
  </div>`;
}

// ---------------------------------------------------------------------------
// Small shared bits.

export const Amount = ({ amount, currency, cls }) => html`<span class=${'num ' + (cls || '')}>${money(amount, currency)}</span>`;

export function Detail({ label, children }) {
  return html`<div><dt>${label}</dt><dd>${children}</dd></div>`;
}

export const when = (sec, tz) => dateTime(sec, tz);

// Unix seconds of local midnight of a "YYYY-MM-DD" (plus days).
export function dayStart(ymd, plusDays = 0) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
  if (!m) return undefined;
  return Math.floor(new Date(+m[1], +m[2] - 1, +m[3] + plusDays).getTime() / 1000);
}
