// invoicekit.js - pieces the invoice, front-desk, checkout and cash-drawer
// screens share: status badges, staff names, the catalog as a search list,
// discount inputs and their parsing, the totals table, and one
// Idempotency-Key per attempt.
//
// Money rule: every amount shown here comes from the server (the invoice,
// POST /v1/invoices/preview, the drawer report). The browser parses what
// the clerk types into integer minor units and formats what the server
// sends; it never prices, discounts, taxes or rounds.
import {
  html, useState, useEffect, useRef, listAll, newKey, money, percent, parseDecimal, parseMoney,
  moneyInput, bpsToPercentText, ROLE_LABEL,
} from '../lib.js';
import { Badge, Icon } from '../components.js';

// ---------------------------------------------------------------------------
// Invoice states.

const INVOICE_STATUS = {
  quote: ['info', 'Quote'],
  draft: ['neutral', 'Draft'],
  open: ['warn', 'Open'],
  partially_paid: ['warn', 'Partly paid'],
  paid: ['success', 'Paid'],
  partially_refunded: ['neutral', 'Partly refunded'],
  refunded: ['neutral', 'Refunded'],
  void: ['danger', 'Void'],
};

export const INVOICE_STATUS_OPTIONS = Object.entries(INVOICE_STATUS).map(([value, [, label]]) => ({ value, label }));

export function InvoiceStatus({ invoice: v, queue = true }) {
  const [tone, label] = INVOICE_STATUS[v.status] || ['neutral', v.status];
  return html`<span class="badges"><${Badge} tone=${tone}>${label}<//>${queue && isQueued(v)
    ? html` <${Badge} tone="accent">At front desk<//>` : null}</span>`;
}

// The clinic's name without the practice's ("Glow Aesthetics - Austin" -> "Austin").
export const shortClinic = (name) => String(name || '').replace(/^.*\s[-–—]\s/, '');

// What to call an invoice in titles and lists: its number once finalized.
export function invoiceTitle(v) {
  if (v.number) return v.number;
  return v.kind === 'quote' ? 'Quote' : 'Draft invoice';
}

export const isEditable = (v) => v.status === 'quote' || v.status === 'draft';
export const isPayable = (v) => v.status === 'draft' || v.status === 'open' || v.status === 'partially_paid';
// Waiting at the front desk: sent there and not paid yet.
export const isQueued = (v) => !!v.queued && isPayable(v);

// ---------------------------------------------------------------------------
// Staff: every user of the practice, loaded once per page view. Providers
// are credited with sales and tips; any user may be one.

let usersPromise = null;
function loadUsers() {
  if (!usersPromise) {
    usersPromise = listAll('/v1/users');
    usersPromise.catch(() => { usersPromise = null; });
  }
  return usersPromise;
}

// { list, byId, name(id) }; list is [] until loaded.
export function useUsers() {
  const [list, setList] = useState([]);
  useEffect(() => {
    let live = true;
    loadUsers().then((l) => { if (live) setList(l); }).catch(() => {});
    return () => { live = false; };
  }, []);
  const byId = {};
  for (const u of list) byId[u.id] = u;
  return { list, byId, name: (id) => (id ? (byId[id] ? byId[id].name : '…') : null) };
}

// Users who may be credited with a sale, providers first.
export function providerOptions(users, current) {
  const order = { provider: 0, head_admin: 1, admin: 2, front_desk: 3 };
  return users
    .filter((u) => !u.disabled || u.id === current)
    .slice()
    .sort((a, b) => (order[a.role] - order[b.role]) || a.name.localeCompare(b.name));
}

export function ProviderSelect({ id, users, value, onChange, label = 'Provider', optional = true, disabled }) {
  const opts = providerOptions(users, value);
  return html`<div class="field">
    <label for=${id}>${label}${optional ? html` <span class="muted">(optional)</span>` : null}</label>
    <select id=${id} class="control" value=${value || ''} disabled=${disabled} onChange=${(e) => onChange(e.currentTarget.value)}>
      ${optional && html`<option value="">No provider</option>`}
      ${opts.map((u) => html`<option key=${u.id} value=${u.id}>${u.name}${u.role === 'provider' ? '' : ` (${ROLE_LABEL[u.role] || u.role})`}</option>`)}
    </select>
  </div>`;
}

// ---------------------------------------------------------------------------
// The catalog as one searchable list of services and products.
// NEEDSWORK: the catalog routes have no text search, so the whole live
// catalog is read once (a practice sells hundreds of items, not thousands).

export function useCatalog() {
  const [state, setState] = useState({ loading: true, error: null, items: [] });
  useEffect(() => {
    let live = true;
    Promise.all([listAll('/v1/services'), listAll('/v1/products')]).then(([s, p]) => {
      const items = [
        ...s.map((x) => ({ ...x, kind: 'service' })),
        ...p.map((x) => ({ ...x, kind: 'product' })),
      ];
      if (live) setState({ loading: false, error: null, items });
    }).catch((error) => { if (live) setState({ loading: false, error, items: [] }); });
    return () => { live = false; };
  }, []);
  return state;
}

// Items whose name or SKU holds every word of the query, best first:
// names that start with the query, then the rest in catalog order.
export function searchCatalog(items, query, max = 8) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const hits = items.filter((it) => {
    const hay = (it.name + ' ' + (it.sku || '')).toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  const q = query.trim().toLowerCase();
  hits.sort((a, b) => (b.name.toLowerCase().startsWith(q) ? 1 : 0) - (a.name.toLowerCase().startsWith(q) ? 1 : 0));
  return hits.slice(0, max);
}

export function stockAt(item, clinicId) {
  if (item.kind !== 'product' || !item.stock) return null;
  const s = item.stock.find((x) => x.clinic === clinicId);
  return s ? s.quantity : 0;
}

// ---------------------------------------------------------------------------
// Discounts: {percent_bps} or {amount} on the wire; a mode and the typed
// text in the form.

// The form's {mode, text} of a stored discount (null: none).
export function discountForm(d, currency) {
  if (d && d.percent_bps != null) return { mode: 'percent', text: bpsToPercentText(d.percent_bps) };
  if (d && d.amount != null) return { mode: 'amount', text: moneyInput(d.amount, currency) };
  return { mode: 'percent', text: '' };
}

// Parse a typed discount: { discount } (null when blank) or { error }.
export function parseDiscount(f, currency) {
  const text = (f.text || '').trim();
  if (!text) return { discount: null };
  if (f.mode === 'percent') {
    const bps = parseDecimal(text.replace(/%$/, ''), 2);
    if (bps == null || bps > 10000) return { error: 'Enter a percent from 0 to 100, such as 10 or 12.5.' };
    return { discount: { percent_bps: bps } };
  }
  const amount = parseMoney(text, currency);
  if (amount == null) return { error: 'Enter an amount, such as 5 or 12.50.' };
  return { discount: { amount } };
}

// "10% off" / "$5.00 off" of a stored discount.
export function discountLabel(d, currency) {
  if (!d) return '';
  if (d.percent_bps != null) return percent(d.percent_bps) + ' off';
  return money(d.amount, currency) + ' off';
}

// A discount input with its unit ($ or %) beside it.
export function DiscountInput({ id, value, onChange, currency, symbol, error, label, small }) {
  const set = (patch) => onChange({ ...value, ...patch });
  return html`<div class=${'disc' + (small ? ' disc-sm' : '')}>
    <input id=${id} class=${'control' + (small ? ' control-sm' : '')} inputmode="decimal" autocomplete="off"
      aria-label=${label} aria-invalid=${error ? 'true' : undefined} aria-describedby=${error ? id + '-err' : undefined}
      placeholder=${value.mode === 'percent' ? '0' : moneyInput(0, currency)}
      value=${value.text} onInput=${(e) => set({ text: e.currentTarget.value })} />
    <div class="unit-toggle" role="group" aria-label=${label + ' unit'}>
      ${[['percent', '%', 'percent'], ['amount', symbol, 'amount']].map(([m, text, what]) => html`<button type="button" key=${m}
        class=${value.mode === m ? 'is-on' : ''} aria-pressed=${value.mode === m ? 'true' : 'false'}
        aria-label=${'Discount as ' + what} onClick=${() => set({ mode: m })}>${text}</button>`)}
    </div>
  </div>`;
}

// ---------------------------------------------------------------------------
// Totals: label/amount rows, every amount as the server sent it.

// rows: [{ label, amount, minus, strong, muted, key }]; amount null shows "—".
export function TotalsTable({ rows, currency, cls }) {
  return html`<dl class=${'totals ' + (cls || '')}>
    ${rows.filter(Boolean).map((r) => html`<div key=${r.key || r.label} class=${'totals-row' + (r.strong ? ' is-strong' : '') + (r.muted ? ' is-muted' : '')}>
      <dt>${r.label}</dt>
      <dd class="num">${r.amount == null ? '—' : (r.minus && r.amount > 0 ? '−' : '') + money(r.amount, currency)}</dd>
    </div>`)}
  </dl>`;
}

// ---------------------------------------------------------------------------
// One Idempotency-Key per attempt: the same request text keeps its key
// while its outcome is unknown (network error, 5xx, still in progress), so
// a retry cannot act twice; a new request, or any answer, starts afresh.

export function useAttempt() {
  const ref = useRef(null);
  return {
    key(text) {
      if (!ref.current || ref.current.text !== text) ref.current = { text, key: newKey() };
      return ref.current.key;
    },
    // After an error: keep the key only when the outcome is unknown.
    settle(e) {
      const unknown = e && (e.status === 0 || e.status >= 500 || e.code === 'idempotency_in_progress');
      if (!unknown) ref.current = null;
    },
  };
}

// ---------------------------------------------------------------------------
// Small things.

// "4 min", "2 h 5 min" since a Unix-seconds time.
export function waited(sec, nowMs = Date.now()) {
  const min = Math.max(0, Math.floor((nowMs / 1000 - sec) / 60));
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  return `${h} h${min % 60 ? ` ${min % 60} min` : ''}`;
}

export function ItemKind({ kind }) {
  return html`<span class=${'kind kind-' + kind}><${Icon} name=${kind === 'product' ? 'catalog' : 'star'} size=${12} />${kind === 'product' ? 'Product' : 'Service'}</span>`;
}

// The error of a server answer that names `lines[i]…`: i, or -1.
export function lineIndexOf(param) {
  const m = /^lines\[(\d+)\]/.exec(param || '');
  return m ? parseInt(m[1], 10) : -1;
}
