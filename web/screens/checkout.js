// Checkout: one invoice as the server priced it, and the tender panel that
// pays it with any mix of card (keyed through the sandbox's card field, on
// file, or on a reader), cash, check and external tenders, each with an
// optional tip, the tips split over providers. One POST
// /v1/invoices/:id/payments pays it all or nothing; the answer says the
// change due. A decline (402) names the tender (error.param
// "tenders[i]"); a 409 means another clerk is paying it.
//
// Keyboard: Alt+1..6 picks card, cash, check, other, Cherry or Klarna
// (patient financing, when the practice connected it); Enter adds the
// tender; Ctrl+Enter (Cmd+Enter) takes the payment.
//
// Money: the amounts of the invoice and of the tip split come from the
// server. What the clerk types is parsed to integer minor units; the
// panel keeps their exact integer sum ("tendered") and what is left of the
// amount due, to fill in the next tender. It never prices or rounds.
import {
  html, useState, useEffect, useRef, api, useApp, useLoad, useDebounced, Link, listAll,
  money, parseMoney, moneyInput, parseDecimal, toast, uid,
} from '../lib.js';
import { Button, PageHeader, Icon, Segmented, currencySymbol, moneyPlaceholder } from '../components.js';
import {
  PatientName, cardLabel, expiry, declineText, tokenizeCard, SandboxCardFields,
} from './paykit.js';
import {
  InvoiceStatus, invoiceTitle, isPayable, useUsers, providerOptions, discountLabel, TotalsTable,
  useAttempt, ItemKind,
} from './invoicekit.js';
import { lastRegister, rememberRegister } from './drawer.js';

const METHODS = [
  { id: 'card', label: 'Card', icon: 'card', key: '1' },
  { id: 'cash', label: 'Cash', icon: 'cash', key: '2' },
  { id: 'check', label: 'Check', icon: 'receipt', key: '3' },
  { id: 'external', label: 'Other', icon: 'bank', key: '4' },
  { id: 'cherry', label: 'Cherry', icon: 'bank', key: '5' },
  { id: 'klarna', label: 'Klarna', icon: 'bank', key: '6' },
];

// The exact sum of integer minor units (what the clerk has tendered).
const sumMinor = (xs) => xs.reduce((a, x) => a + x, 0);

export function CheckoutPage({ id }) {
  const { clinics } = useApp();
  const res = useLoad((signal) => api('GET', '/v1/invoices/' + encodeURIComponent(id), { signal }), [id]);
  const users = useUsers();
  const [result, setResult] = useState(null); // the payment's answer
  const v = res.data;
  useEffect(() => { if (v) document.title = 'Check out ' + invoiceTitle(v) + ' · Poise'; }, [v && v.id]);

  if (res.error && !v) {
    return html`<div class="page"><div class="state state-page" role="alert">
      <h1 class="state-title" tabindex="-1">${res.error.status === 404 ? 'Invoice not found' : "Couldn't load this invoice"}</h1>
      <p class="state-text">${res.error.message}</p><${Link} href="/front-desk">Back to the front desk<//></div></div>`;
  }
  if (!v) return html`<div class="page" aria-busy="true"><${PageHeader} eyebrow="Checkout" title="Loading…" /></div>`;

  const clinic = clinics.find((c) => c.id === v.clinic);
  return html`<div class="page checkout">
    <${PageHeader} eyebrow=${html`<${Link} href="/front-desk">Front desk<//> / Checkout`}
      title=${html`<span class="title-amount">Check out ${invoiceTitle(v)}</span> <${InvoiceStatus} invoice=${v} />`}
      subtitle=${html`${v.patient ? html`<${PatientName} id=${v.patient} />` : 'Walk-in'}${v.provider ? ' · with ' + users.name(v.provider) : ''}${clinic ? ' · ' + clinic.name : ''}`}
      actions=${html`<${Link} class="btn btn-ghost" href=${'/invoices/' + v.id}>Invoice details<//>`} />
    <div class="checkout-grid">
      <${InvoiceSummary} invoice=${v} />
      ${result ? html`<${PaidPanel} invoice=${v} result=${result} onMore=${() => setResult(null)} />`
        : isPayable(v) && v.amount_due > 0 ? html`<${TenderPanel} key=${v.updated} invoice=${v} users=${users.list}
            onPaid=${(r) => { setResult(r); res.reload(); }} onStale=${res.reload} />`
        : html`<${NothingDue} invoice=${v} />`}
    </div>
  </div>`;
}

// The invoice as a receipt: lines, discounts, tax, total, paid and due.
function InvoiceSummary({ invoice: v }) {
  const c = v.currency;
  return html`<section class="card receipt" aria-labelledby="co-inv">
    <div class="section-head"><div><h2 id="co-inv" class="section-title">${v.number ? html`Invoice <span class="inv-no">${v.number}</span>` : invoiceTitle(v)}</h2>
      <p class="small muted">${(v.lines || []).length} ${(v.lines || []).length === 1 ? 'item' : 'items'}${v.discount ? ' · invoice discount ' + discountLabel(v.discount, c) : ''}</p></div></div>
    <ul class="receipt-lines">${(v.lines || []).map((l, i) => html`<li key=${i}>
      <div class="receipt-line-main"><span class="strong">${l.name}</span><span class="num strong">${money(l.net, c)}</span></div>
      <div class="line-meta"><${ItemKind} kind=${l.kind} /><span>${l.quantity} × ${money(l.unit_price, c)}</span>
        ${l.discount_total > 0 && html`<span class="minus">−${money(l.discount_total, c)}${l.discount ? ' (' + discountLabel(l.discount, c) + ')' : ''}</span>`}
        ${l.tax > 0 && html`<span>tax ${money(l.tax, c)}</span>`}</div>
    </li>`)}</ul>
    <div class="lines-foot">
      <${TotalsTable} currency=${c} rows=${[
        { label: 'Subtotal', amount: v.gross },
        v.discount_total > 0 && { label: 'Discounts', amount: v.discount_total, minus: true },
        { label: 'Tax', amount: v.tax },
        { label: 'Total', amount: v.total, strong: true },
        v.amount_paid > 0 && { label: 'Paid', amount: v.amount_paid, minus: true },
      ]} />
    </div>
    <div class="due-row"><span>Amount due</span><span class="num">${money(v.amount_due, c)}</span></div>
  </section>`;
}

function NothingDue({ invoice: v }) {
  const why = v.status === 'quote' ? 'This is a quote: convert it to an invoice to take payment.'
    : v.status === 'void' ? 'This invoice is void.'
    : 'Nothing is due on this invoice.';
  return html`<section class="card state state-empty">
    <span class="state-icon"><${Icon} name=${v.status === 'paid' ? 'check' : 'receipt'} size=${22} /></span>
    <p class="state-title">${v.status === 'paid' ? 'Paid in full' : 'Nothing to take'}</p>
    <p class="state-text">${why}</p>
    <${Link} class="btn btn-secondary" href="/front-desk">Back to the front desk<//>
  </section>`;
}

// After a successful payment: the change to hand back, and what is next.
function PaidPanel({ invoice: v, result, onMore }) {
  const c = v.currency;
  const checkout = result.checkout || result;
  const change = result.change_due != null ? result.change_due : checkout.change_due;
  const stillDue = isPayable(v) && v.amount_due > 0;
  return html`<section class="card pay-result is-ok" role="status">
    <span class="pay-result-icon"><${Icon} name="check" size=${28} /></span>
    <h2 class="pay-result-title">${stillDue ? 'Payment taken' : 'Paid in full'}</h2>
    ${change > 0 ? html`<p class="change-label">Change due</p><p class="pay-result-amount change-due">${money(change, c)}</p>`
      : html`<p class="muted">No change due.</p>`}
    ${stillDue && html`<p class="strong">${money(v.amount_due, c)} still due on this invoice.</p>`}
    <div class="pay-result-actions">
      <${Link} class="btn btn-secondary" href=${'/invoices/' + v.id}>View invoice<//>
      ${stillDue ? html`<${Button} variant="primary" onClick=${onMore}>Take another payment<//>`
        : html`<${Link} class="btn btn-primary" href="/front-desk">Next at the front desk<//>`}
    </div>
  </section>`;
}

// ---------------------------------------------------------------------------
// The tender panel.

const emptyDraft = (amount, currency) => ({
  amount: amount > 0 ? moneyInput(amount, currency) : '', tip: '', received: '', reference: '',
  card_number: '', card_expiry: '', card_cvc: '',
});

// Where the card, reader and cash tenders can come from at this clinic.
function useSources(v) {
  const cards = useLoad((signal) => (v.patient ? api('GET', `/v1/patients/${v.patient}/cards`, { signal }).then((r) => r.data)
    : Promise.resolve([])), [v.patient]);
  const readers = useLoad((signal) => api('GET', '/v1/card_readers', { signal })
    .then((r) => r.data.filter((x) => x.clinic === v.clinic)), [v.clinic]);
  const drawers = useLoad(() => listAll('/v1/cash_drawers', { clinic: v.clinic, status: 'open' }), [v.clinic]);
  return { cards: cards.data || NONE, readers: readers.data || NONE, drawers: drawers.data || NONE, drawersLoading: drawers.loading };
}

// One empty list for "not loaded (yet)": effects that depend on a source
// list must not see a new array on every render.
const NONE = [];

function TenderPanel({ invoice: v, users, onPaid, onStale }) {
  const c = v.currency;
  const src = useSources(v);
  const [tenders, setTenders] = useState([]);
  const [method, setMethod] = useState('card');
  const [cardFrom, setCardFrom] = useState('keyed');
  const [draft, setDraft] = useState(() => emptyDraft(v.amount_due, c));
  const [pick, setPick] = useState({ card: '', reader: '', register: '' });
  const [errors, setErrors] = useState({});
  const [adding, setAdding] = useState(false);
  const [paying, setPaying] = useState(false);
  const [payError, setPayError] = useState(null); // {message, tender, busy, unknown}
  const [waiting, setWaiting] = useState(null); // a reader waiting for the card
  const [split, setSplit] = useState(() => ({ mode: 'equal', rows: v.provider ? [{ provider: v.provider, share: '' }] : [] }));
  const attempt = useAttempt();
  const amountRef = useRef(null);
  const payRef = useRef(null);

  const tendered = sumMinor(tenders.map((t) => t.amount));
  const left = v.amount_due - tendered;
  const tipTotal = sumMinor(tenders.map((t) => t.tip));

  // Defaults as sources arrive: the default card, the first reader, the
  // register this browser used last (or the only open one).
  useEffect(() => {
    const def = src.cards.find((x) => x.default) || src.cards[0];
    const regs = src.drawers.map((d) => d.register);
    setPick((p) => {
      const next = {
        card: p.card || (def ? def.id : ''),
        reader: p.reader || (src.readers[0] ? src.readers[0].id : ''),
        register: p.register && regs.includes(p.register) ? p.register : (regs.includes(lastRegister()) ? lastRegister() : regs[0] || ''),
      };
      return next.card === p.card && next.reader === p.reader && next.register === p.register ? p : next;
    });
  }, [src.cards, src.readers, src.drawers]);

  const focusAmount = () => setTimeout(() => amountRef.current && amountRef.current.focus(), 0);
  const choose = (m) => { setMethod(m); setErrors({}); focusAmount(); };
  const set = (k) => (e) => { setDraft({ ...draft, [k]: e.currentTarget.value }); setErrors((x) => ({ ...x, [k]: null })); };

  // Alt+1..6 picks the method; Ctrl+Enter takes the payment.
  useEffect(() => {
    const onKey = (e) => {
      if (document.querySelector('dialog[open]')) return;
      if (e.altKey && !e.ctrlKey && !e.metaKey && /^Digit[1-6]$/.test(e.code)) {
        e.preventDefault();
        choose(METHODS[parseInt(e.code.slice(5), 10) - 1].id);
      } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        pay();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  });

  // The draft as a tender, or errors by field.
  const build = async () => {
    const errs = {};
    const amount = parseMoney(draft.amount, c);
    if (amount == null || amount <= 0) errs.amount = `Enter an amount, such as ${moneyPlaceholder(c).replace(/0$/, '5')}.`;
    const tip = draft.tip.trim() === '' ? 0 : parseMoney(draft.tip, c);
    if (tip == null) errs.tip = 'Enter the tip as an amount, or leave it empty.';
    const t = { uid: uid('tn'), method, amount, tip };
    if (method === 'cash') {
      // Handed over: the amount and its tip, or what the clerk typed.
      const received = draft.received.trim() === '' ? (amount || 0) + (tip || 0) : parseMoney(draft.received, c);
      if (received == null) errs.received = 'Enter the cash handed over.';
      else if (amount != null && received < amount + (tip || 0)) errs.received = 'The cash received is less than the amount and its tip.';
      if (!pick.register) errs.register = 'No cash drawer is open at this clinic: open one first.';
      Object.assign(t, { received, register: pick.register, label: `Cash · register ${pick.register}` });
    } else if (method === 'check' || method === 'external') {
      const ref = draft.reference.trim();
      if (!ref) errs.reference = method === 'check' ? 'Enter the check number.' : 'Enter a reference, such as the terminal’s receipt number.';
      Object.assign(t, { reference: ref, label: method === 'check' ? `Check #${ref}` : `Other · ${ref}` });
    } else if (method === 'cherry' || method === 'klarna') {
      if (!v.patient) errs.amount = 'Financing is the patient’s: this invoice has no patient.';
      Object.assign(t, { label: method === 'cherry' ? 'Cherry financing' : 'Klarna' });
    } else if (cardFrom === 'saved') {
      const card = src.cards.find((x) => x.id === pick.card);
      if (!card) errs.card = v.patient ? 'This patient has no card on file.' : 'A walk-in has no card on file.';
      else Object.assign(t, { card: card.id, label: `${cardLabel(card)} · on file` });
    } else if (cardFrom === 'reader') {
      const reader = src.readers.find((x) => x.id === pick.reader);
      if (!reader) errs.reader = 'No card reader is registered at this clinic.';
      else Object.assign(t, { reader: reader.id, serial: reader.serial_number, label: `Card on ${reader.label}` });
    }
    if (Object.keys(errs).length) return { errs };
    if (method === 'card' && cardFrom === 'keyed') {
      // The number goes to the sandbox processor only; the tender keeps its token.
      const tok = await tokenizeCard(draft);
      Object.assign(t, { token: tok.id, label: `${cardLabel(tok.card)} · keyed`, exp: expiry(tok.card) });
    }
    return { tender: t };
  };

  const add = async (e) => {
    if (e) e.preventDefault();
    if (adding) return;
    setAdding(true);
    setPayError(null);
    try {
      const { errs, tender } = await build();
      if (errs) { setErrors(errs); return; }
      const next = [...tenders, tender];
      setTenders(next);
      setErrors({});
      const rest = v.amount_due - sumMinor(next.map((t) => t.amount));
      setDraft(emptyDraft(rest, c));
      if (tender.tip > 0 && split.rows.length === 0) setSplit({ ...split, rows: [{ provider: '', share: '' }] });
      setTimeout(() => { const el = rest > 0 ? amountRef.current : payRef.current; if (el) el.focus(); }, 0);
    } catch (err) {
      setErrors({ [err.param || 'card_number']: err.message });
    } finally { setAdding(false); }
  };

  const remove = (u) => {
    const next = tenders.filter((t) => t.uid !== u);
    setTenders(next);
    setPayError(null);
    setDraft({ ...draft, amount: moneyInput(v.amount_due - sumMinor(next.map((t) => t.amount)), c) });
  };

  const wire = (t) => {
    const o = { method: t.method, amount: t.amount };
    if (t.tip > 0) o.tip = t.tip;
    // Cash: the API's amount is what was handed over (tip included); what
    // is beyond the invoice's due comes back as change_due.
    if (t.method === 'cash') Object.assign(o, { amount: t.received, register: t.register });
    else if (t.method === 'check' || t.method === 'external') o.reference = t.reference;
    else if (t.token) o.token = t.token;
    else if (t.card) o.card = t.card;
    else if (t.payment) o.payment = t.payment;
    return o;
  };

  const tipSplit = parseSplit(split, c);
  const pay = async () => {
    if (paying || adding || tenders.length === 0) return;
    if (tipTotal > 0 && tipSplit.error) { setPayError({ message: tipSplit.error }); return; }
    setPaying(true);
    setPayError(null);
    try {
      // A reader tender is a payment the patient authorizes on the reader
      // first (held, not captured); the checkout then captures it.
      for (const [i, t] of tenders.entries()) {
        t.index = i;
        if (t.reader && !t.payment) t.payment = await readerHold(v, t, setWaiting);
      }
      setWaiting(null);
      const body = { tenders: tenders.map(wire) };
      if (tipTotal > 0) body.tips = tipSplit.value;
      const r = await api('POST', `/v1/invoices/${v.id}/payments`, { body, key: attempt.key(JSON.stringify(body)) });
      attempt.settle(null);
      rememberRegister(pick.register || lastRegister());
      toast('Payment taken');
      onPaid(r);
    } catch (e) {
      attempt.settle(e);
      setWaiting(null);
      setPayError(payErrorOf(e));
    } finally { setPaying(false); }
  };

  const payLabel = tenders.length === 0 ? 'Add a tender to pay'
    : `Take ${money(tendered, c)}${tipTotal > 0 ? ' + ' + money(tipTotal, c) + ' tip' : ''}`;
  return html`<section class="card tender-panel" aria-labelledby="tp-title">
    <div class="section-head"><div><h2 id="tp-title" class="section-title">Payment</h2>
      <p class="small muted"><kbd>Alt</kbd>+<kbd>1</kbd>–<kbd>6</kbd> method · <kbd>Enter</kbd> adds · <kbd>Ctrl</kbd>+<kbd>Enter</kbd> takes payment</p></div></div>
    <div class="tender-body">
      <div class="tender-sum">
        <div><span class="stat-label">Due</span><span class="stat-value num">${money(v.amount_due, c)}</span></div>
        <div><span class="stat-label">Tendered</span><span class="stat-value num">${money(tendered, c)}</span></div>
        <div class=${left > 0 ? 'is-left' : 'is-done'}><span class="stat-label">${left >= 0 ? 'Left to pay' : 'Over by'}</span>
          <span class="stat-value num">${money(Math.abs(left), c)}</span></div>
      </div>
      ${tenders.length > 0 && html`<ul class="tender-list" aria-label="Tenders">${tenders.map((t, i) => html`<li key=${t.uid}
          class=${'tender-row' + (payError && payError.tender === i ? ' is-failed' : '')}>
        <span class="tender-icon"><${Icon} name=${METHODS.find((m) => m.id === t.method).icon} size=${18} /></span>
        <span class="tender-text"><span class="strong">${t.label}</span>
          ${t.method === 'cash' && t.received !== t.amount && html`<span class="small muted">received ${money(t.received, c)}</span>`}
          ${t.tip > 0 && html`<span class="small muted">tip ${money(t.tip, c)}</span>`}</span>
        <span class="num strong">${money(t.amount, c)}</span>
        <button type="button" class="icon-btn" aria-label=${'Remove ' + t.label} onClick=${() => remove(t.uid)}><${Icon} name="close" size=${16} /></button>
      </li>`)}</ul>`}
      ${left > 0 && html`<form class="tender-form" noValidate onSubmit=${add} aria-label="Add a tender">
        <div class="method-row" role="group" aria-label="Payment method">
          ${METHODS.map((m) => html`<button type="button" key=${m.id} class=${'method-btn' + (method === m.id ? ' is-on' : '')}
            aria-pressed=${method === m.id ? 'true' : 'false'} aria-keyshortcuts=${'Alt+' + m.key} onClick=${() => choose(m.id)}>
            <${Icon} name=${m.icon} size=${18} /><span>${m.label}</span><kbd>Alt ${m.key}</kbd></button>`)}
        </div>
        <div class="grid-2">
          <${MoneyField} id="tn-amount" label="Amount" inputRef=${amountRef} value=${draft.amount} onInput=${set('amount')} error=${errors.amount} currency=${c} big />
          <${MoneyField} id="tn-tip" label="Tip (optional)" value=${draft.tip} onInput=${set('tip')} error=${errors.tip} currency=${c} />
        </div>
        ${method === 'cash' && html`<div class="grid-2">
          <${MoneyField} id="tn-received" label="Cash received" value=${draft.received} onInput=${set('received')} error=${errors.received}
            currency=${c} placeholder=${draft.amount || moneyPlaceholder(c)} hint="Leave empty when it is the amount. The change comes back from Poise." />
          <${RegisterPick} drawers=${src.drawers} loading=${src.drawersLoading} value=${pick.register} error=${errors.register}
            onChange=${(r) => { setPick({ ...pick, register: r }); setErrors((x) => ({ ...x, register: null })); }} />
        </div>`}
        ${(method === 'check' || method === 'external') && html`<${TextField} id="tn-ref"
          label=${method === 'check' ? 'Check number' : 'Reference'} value=${draft.reference} onInput=${set('reference')} error=${errors.reference}
          hint=${method === 'external' ? 'Paid outside Poise (another terminal, a bank transfer): say where to find it.' : null} />`}
        ${method === 'card' && html`<${CardSource} from=${cardFrom} setFrom=${setCardFrom} src=${src} pick=${pick} setPick=${setPick}
          draft=${draft} setDraft=${setDraft} errors=${errors} setErrors=${setErrors} hasPatient=${!!v.patient} />`}
        <div class="tender-add"><${Button} type="submit" busy=${adding} icon="plus">Add ${METHODS.find((m) => m.id === method).label.toLowerCase()} tender<//></div>
      </form>`}
      ${tipTotal > 0 && html`<${TipSplit} invoice=${v} tip=${tipTotal} split=${split} setSplit=${setSplit} parsed=${tipSplit} users=${users} />`}
      ${waiting && html`<div class="callout" role="status"><span class="spinner" aria-hidden="true"></span>
        <div><p class="strong">Waiting for the card on ${waiting.label}</p>
        <p class="msg">${money(waiting.amount, c)}: the patient taps, inserts or swipes.</p>
        <${Button} size="sm" onClick=${() => tapSandbox(waiting)}>Tap a test card (sandbox gateway)<//></div></div>`}
      ${payError && html`<div class=${payError.busy ? 'callout callout-warn' : 'decline'} role="alert">
        <${Icon} name="alert" size=${20} />
        <div><p class="strong">${payError.title}</p><p class="msg">${payError.message}</p></div>
        ${payError.busy && html`<${Button} size="sm" onClick=${onStale}>Reload invoice<//>`}
      </div>`}
    </div>
    <div class="terminal-foot">
      <button type="button" ref=${payRef} class=${'btn btn-primary btn-block btn-lg' + (paying ? ' is-busy' : '')}
        disabled=${tenders.length === 0 || paying} aria-busy=${paying ? 'true' : undefined} aria-keyshortcuts="Control+Enter" onClick=${pay}>
        ${paying && html`<span class="spinner" aria-hidden="true"></span>`}${payLabel}</button>
      ${left < 0 && html`<p class="small muted pay-note">The tenders are more than what is due; Poise refuses to overpay an invoice (cash over the amount comes back as change).</p>`}
    </div>
  </section>`;
}

// Send amount + tip to the reader as a hold and wait until the card is
// presented: the payment id, or a thrown API error.
async function readerHold(v, t, setWaiting) {
  const amount = t.amount + (t.tip || 0);
  const p = await api('POST', `/v1/card_readers/${t.reader}/process_payment`, {
    body: { payment: { amount, currency: v.currency, patient: v.patient || null, capture: false } } });
  setWaiting({ label: t.label.replace(/^Card on /, ''), amount, reader: t.reader, serial: t.serial });
  for (;;) {
    const g = await api('GET', `/v1/payments/${p.id}`);
    if (g.status === 'requires_capture') return g.id;
    if (g.status === 'failed' || g.status === 'canceled') {
      const err = new Error(g.failure_message || 'The card was declined on the reader.');
      Object.assign(err, { status: 402, code: g.failure_code || 'card_declined', param: `tenders[${t.index}]` });
      throw err;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

// The sandbox's reader: present Visa 4242 (what a patient's tap would do).
function tapSandbox(w) {
  return api('POST', `/sandbox/v1/readers/${encodeURIComponent(w.serial)}/present_card`,
    { body: { number: '4242424242424242' } }).catch(() => {});
}

// What a failed payment means to the clerk.
function payErrorOf(e) {
  const m = /^tenders\[(\d+)\]/.exec(e.param || '');
  const tender = m ? parseInt(m[1], 10) : null;
  if (e.status === 402) {
    return { title: tender != null ? `Tender ${tender + 1} was declined` : 'Declined', message: declineText(e) + ' Nothing was charged: remove it and add another tender.', tender };
  }
  if (e.status === 409 && e.code === 'no_open_drawer') {
    return { title: 'No open cash drawer', message: e.message, tender };
  }
  if (e.status === 409 && !/^idempotency/.test(e.code || '')) {
    return { title: 'Someone else is paying this invoice', message: e.message + ' Wait for them to finish, then reload the invoice.', busy: true };
  }
  if (e.status === 0 || e.status >= 500 || e.code === 'idempotency_in_progress') {
    return { title: 'No answer from Poise', message: 'The payment may or may not have gone through. Take payment again: it is the same request, so nothing is charged twice.' };
  }
  return { title: "Couldn't take the payment", message: e.message, tender };
}

function MoneyField({ id, label, value, onInput, error, currency, big, inputRef, placeholder, hint }) {
  return html`<div class=${'field' + (big ? ' amount-field' : '')}>
    <label for=${id}>${label}</label>
    <div class="input-group"><span class="affix" aria-hidden="true">${currencySymbol(currency)}</span>
      <input id=${id} ref=${inputRef} class="control" inputmode="decimal" autocomplete="off" value=${value}
        placeholder=${placeholder || moneyPlaceholder(currency)} aria-invalid=${error ? 'true' : undefined}
        aria-describedby=${error ? id + '-err' : hint ? id + '-hint' : undefined} onInput=${onInput} /></div>
    ${error ? html`<p class="field-error" id=${id + '-err'}><${Icon} name="alert" size=${14} /><span class="msg">${error}</span></p>`
      : hint && html`<p class="hint" id=${id + '-hint'}>${hint}</p>`}
  </div>`;
}

function TextField({ id, label, value, onInput, error, hint }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <input id=${id} class="control" autocomplete="off" value=${value} aria-invalid=${error ? 'true' : undefined}
      aria-describedby=${error ? id + '-err' : hint ? id + '-hint' : undefined} onInput=${onInput} />
    ${error ? html`<p class="field-error" id=${id + '-err'}><${Icon} name="alert" size=${14} /><span class="msg">${error}</span></p>`
      : hint && html`<p class="hint" id=${id + '-hint'}>${hint}</p>`}
  </div>`;
}

function RegisterPick({ drawers, loading, value, error, onChange }) {
  return html`<div class="field">
    <label for="tn-register">Cash drawer</label>
    ${drawers.length ? html`<select id="tn-register" class="control" value=${value} aria-invalid=${error ? 'true' : undefined}
        onChange=${(e) => onChange(e.currentTarget.value)}>
        ${drawers.map((d) => html`<option key=${d.id} value=${d.register}>Register ${d.register}</option>`)}</select>`
      : html`<p class="static-value muted">${loading ? 'Loading…' : html`None open. <${Link} href="/cash-drawer">Open a drawer<//>`}</p>`}
    ${error && html`<p class="field-error"><${Icon} name="alert" size=${14} /><span class="msg">${error}</span></p>`}
  </div>`;
}

// Where the card comes from: keyed (the sandbox's card field), on file, or a reader.
function CardSource({ from, setFrom, src, pick, setPick, draft, setDraft, errors, setErrors, hasPatient }) {
  // SandboxCardFields reads and writes a useForm-like object.
  const form = {
    id: 'tn', values: draft, errors,
    set: (k, x) => { setDraft((d) => ({ ...d, [k]: x })); setErrors((e) => ({ ...e, [k]: null })); },
  };
  return html`<div class="card-source">
    <${Segmented} label="Card" value=${from} onChange=${setFrom} options=${[
      { value: 'keyed', label: 'Keyed' }, { value: 'saved', label: 'On file' }, { value: 'reader', label: 'Reader' }]} />
    ${from === 'keyed' && html`<${SandboxCardFields} form=${form} />`}
    ${from === 'saved' && (src.cards.length === 0
      ? html`<p class="muted small">${hasPatient ? 'This patient has no card on file.' : 'A walk-in has no card on file.'}</p>`
      : html`<div class="field"><label for="tn-card">Saved card</label>
        <select id="tn-card" class="control" value=${pick.card} onChange=${(e) => setPick({ ...pick, card: e.currentTarget.value })}>
          ${src.cards.map((x) => html`<option key=${x.id} value=${x.id}>${cardLabel(x)} · expires ${expiry(x)}${x.default ? ' · default' : ''}</option>`)}
        </select></div>`)}
    ${from === 'reader' && (src.readers.length === 0
      ? html`<p class="muted small">No card reader is registered at this clinic.</p>`
      : html`<div class="field"><label for="tn-reader">Card reader</label>
        <select id="tn-reader" class="control" value=${pick.reader} onChange=${(e) => setPick({ ...pick, reader: e.currentTarget.value })}>
          ${src.readers.map((r) => html`<option key=${r.id} value=${r.id}>${r.label} (${r.serial_number})</option>`)}
        </select><p class="hint">The amount goes to the reader when you take the payment.</p></div>`)}
    ${(errors.card || errors.reader) && html`<p class="field-error"><${Icon} name="alert" size=${14} /><span class="msg">${errors.card || errors.reader}</span></p>`}
  </div>`;
}

// ---------------------------------------------------------------------------
// Tips over providers.

// {value: {split, providers:[{provider, share?}]}} or {error}.
function parseSplit(split, currency) {
  const rows = split.rows.filter((r) => r.provider);
  if (rows.length === 0) return { error: 'Choose who gets the tip.' };
  if (new Set(rows.map((r) => r.provider)).size !== rows.length) return { error: 'Each provider once, please.' };
  const providers = [];
  for (const r of rows) {
    if (split.mode === 'equal') { providers.push({ provider: r.provider }); continue; }
    const share = split.mode === 'percent' ? parseDecimal(String(r.share).replace(/%$/, ''), 2) : parseMoney(r.share, currency);
    if (share == null) return { error: split.mode === 'percent' ? 'Give each provider a percent, such as 50.' : 'Give each provider an amount.' };
    providers.push({ provider: r.provider, share });
  }
  return { value: { split: split.mode, providers } };
}

// The split as the pricing engine makes it: POST /v1/invoices/preview
// with the invoice's lines and the tips, debounced.
function useTipParts(v, tip, parsed) {
  const req = parsed.value ? JSON.stringify({
    clinic: v.clinic, lines: v.lines.map((l) => ({ item: l.item, quantity: l.quantity, ...(l.discount ? { discount: l.discount } : {}) })),
    ...(v.discount ? { discount: v.discount } : {}), tips: { amount: tip, ...parsed.value },
  }) : '';
  const dreq = useDebounced(req, 250);
  const [st, setSt] = useState({ req: '', parts: null, error: null });
  const seq = useRef(0);
  useEffect(() => {
    if (!dreq) return;
    const my = ++seq.current;
    api('POST', '/v1/invoices/preview', { body: JSON.parse(dreq), key: false })
      .then((r) => { if (my === seq.current) setSt({ req: dreq, parts: r.tips, error: null }); })
      .catch((error) => { if (my === seq.current) setSt({ req: dreq, parts: null, error }); });
  }, [dreq]);
  return { ...st, fresh: !!req && st.req === req };
}

function TipSplit({ invoice: v, tip, split, setSplit, parsed, users }) {
  const c = v.currency;
  const parts = useTipParts(v, tip, parsed);
  const opts = providerOptions(users, null);
  const setRow = (i, patch) => setSplit({ ...split, rows: split.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const partOf = (id) => {
    if (!parts.parts) return null;
    const p = parts.parts.find((x) => x.provider === id);
    return p ? p.amount : null;
  };
  return html`<fieldset class="tip-split">
    <legend>Tips: ${money(tip, c)} to share</legend>
    <${Segmented} label="Split tips" value=${split.mode} onChange=${(m) => setSplit({ ...split, mode: m })}
      options=${[{ value: 'equal', label: 'Equally' }, { value: 'percent', label: 'By percent' }, { value: 'amount', label: 'By amount' }]} />
    <ul class="tip-rows">${split.rows.map((r, i) => html`<li key=${i} class="tip-row">
      <label class="visually-hidden" for=${'tip-p-' + i}>Provider ${i + 1}</label>
      <select id=${'tip-p-' + i} class="control control-sm" value=${r.provider} onChange=${(e) => setRow(i, { provider: e.currentTarget.value })}>
        <option value="">Choose a provider</option>
        ${opts.map((u) => html`<option key=${u.id} value=${u.id}>${u.name}</option>`)}
      </select>
      ${split.mode !== 'equal' && html`<div class="input-group tip-share">
        ${split.mode === 'amount' && html`<span class="affix" aria-hidden="true">${currencySymbol(c)}</span>`}
        <input class="control control-sm" inputmode="decimal" autocomplete="off" aria-label=${'Share of provider ' + (i + 1)}
          value=${r.share} onInput=${(e) => setRow(i, { share: e.currentTarget.value })} />
        ${split.mode === 'percent' && html`<span class="affix affix-end" aria-hidden="true">%</span>`}</div>`}
      <span class=${'num tip-part' + (parts.fresh ? '' : ' is-stale')}>${r.provider && partOf(r.provider) != null ? money(partOf(r.provider), c) : '—'}</span>
      <button type="button" class="icon-btn" aria-label=${'Remove provider ' + (i + 1)}
        onClick=${() => setSplit({ ...split, rows: split.rows.filter((_, j) => j !== i) })}><${Icon} name="close" size=${16} /></button>
    </li>`)}</ul>
    <button type="button" class="link-btn small" onClick=${() => setSplit({ ...split, rows: [...split.rows, { provider: '', share: '' }] })}>+ Add a provider</button>
    ${parsed.error ? html`<p class="hint">${parsed.error}</p>`
      : parts.fresh && parts.error ? html`<p class="field-error"><${Icon} name="alert" size=${14} /><span class="msg">${parts.error.message}</span></p>`
      : html`<p class="hint">Each provider's part is computed by the server, exact to the cent.</p>`}
  </fieldset>`;
}

