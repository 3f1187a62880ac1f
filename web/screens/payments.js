// Payments: the virtual terminal ("Take payment": keyed card through the
// sandbox's card field, a card on file, or a card reader with live
// status), the payments list (filters, paging) and one payment with
// capture, cancel (admin) and refunds (admin).
import {
  html, useState, useEffect, useRef, api, useApp, useLoad, usePager, navigate, Link, queryParam,
  newKey, money, parseMoney, moneyInput, atLeast, toast, dateTime, dateTimeLong, listAll,
} from '../lib.js';
import {
  Button, PageHeader, ListState, Pager, FormDialog, Field, useForm, Badge, ConfirmDialog, FormAlert, Icon,
  fieldError, currencySymbol, moneyPlaceholder, Segmented,
} from '../components.js';
import {
  PaymentStatus, PAY_STATUS_OPTIONS, cardLabel, expiry, declineText, failureText, tokenizeCard, presentCard,
  SandboxCardFields, PatientPicker, PatientName, usePatientNames, patientById, Detail, humanize, dayStart,
  TEST_CARDS,
} from './paykit.js';

const PAGE = 25;

// ---------------------------------------------------------------------------
// Take payment.

export function TakePaymentPage() {
  const { clinic, clinics, setClinic, currency: accountCurrency, tz } = useApp();
  const currency = (clinic && clinic.currency) || accountCurrency;
  const [patient, setPatient] = useState(null);
  const [source, setSource] = useState('card');
  const [result, setResult] = useState(null); // {payment} or {waiting: payment}
  const [decline, setDecline] = useState(null);
  const form = useForm({ amount: '', description: '', capture: 'now', card_number: '', card_expiry: '', card_cvc: '', card: '', reader: '' });
  // One Idempotency-Key per logical payment: kept while the outcome of a
  // request is unknown (network error, 5xx) so a retry cannot charge
  // twice, renewed once an answer (approval or decline) has come back.
  const attempt = useRef(null); // {text, key, cardKey, token}
  // A decline or error shows at the top of the form: bring it into view
  // (the submit button is at the bottom).
  const top = useRef(null);
  useEffect(() => {
    const el = top.current && top.current.querySelector('.decline, .form-alert');
    if (el) el.scrollIntoView({ block: 'center' });
  }, [decline, form.formError]);

  const cards = useLoad((signal) => (patient
    ? api('GET', `/v1/patients/${patient.id}/cards`, { signal }) : Promise.resolve({ data: [] })), [patient && patient.id]);
  const readers = useLoad((signal) => api('GET', '/v1/card_readers', { signal }), []);
  const cardList = cards.data ? cards.data.data : [];
  const readerList = (readers.data ? readers.data.data : []).filter((r) => !clinic || r.clinic === clinic.id);

  useEffect(() => {
    const def = cardList.find((c) => c.default) || cardList[0];
    form.set('card', def ? def.id : '');
  }, [cards.data]);
  useEffect(() => { form.set('reader', readerList[0] ? readerList[0].id : ''); }, [readers.data, clinic && clinic.id]);

  const amount = parseMoney(form.values.amount, currency);
  const capture = form.values.capture === 'now';

  const submit = async (v) => {
    setDecline(null);
    if (!clinic) throw fieldError('amount', 'Choose a clinic first (top right).');
    if (amount == null || amount <= 0) throw fieldError('amount', `Enter an amount, such as ${moneyPlaceholder(currency).replace(/0$/, '5')}.`);
    const body = { amount, currency, clinic: clinic.id, capture };
    if (patient) body.patient = patient.id;
    if (v.description.trim()) body.description = v.description.trim();
    let path = '/v1/payments';
    const cardKey = [v.card_number, v.card_expiry, v.card_cvc].join('|');
    const prev = attempt.current;
    if (source === 'card') {
      // Re-use the token of an attempt whose outcome is unknown.
      let token = prev && prev.cardKey === cardKey ? prev.token : null;
      if (!token) token = (await tokenizeCard(v)).id;
      body.source = { type: 'token', token };
      attempt.current = { ...(prev || {}), cardKey, token };
    } else if (source === 'saved') {
      if (!patient) throw fieldError('card', 'Choose a patient first.');
      if (!v.card) throw fieldError('card', 'This patient has no card on file.');
      body.source = { type: 'card', card: v.card };
    } else {
      if (!v.reader) throw fieldError('reader', 'No card reader at this clinic.');
      path = `/v1/card_readers/${v.reader}/process_payment`;
      delete body.clinic;
      const pay = { ...body };
      for (const k of Object.keys(body)) delete body[k];
      body.payment = pay;
    }
    const text = path + JSON.stringify(body);
    const cur = attempt.current && attempt.current.text === text ? attempt.current : { ...(attempt.current || {}), text, key: newKey() };
    attempt.current = cur;
    let p;
    try {
      p = await api('POST', path, { body, key: cur.key });
    } catch (e) {
      if (e.status === 0 || e.status >= 500 || e.code === 'idempotency_key_in_use') throw e; // unknown: keep the key
      attempt.current = null;
      if (e.status === 402) { setDecline(e); return; }
      throw e;
    }
    attempt.current = null;
    if (p.status === 'processing') setResult({ waiting: p });
    else setResult({ payment: p });
  };

  const again = () => {
    setResult(null); setDecline(null); setPatient(null);
    form.setValues({ ...form.values, amount: '', description: '', card_number: '', card_expiry: '', card_cvc: '' });
  };

  if (result && result.waiting) {
    return html`<div class="page"><${PageHeader} title="Take payment" />
      <${ReaderWait} payment=${result.waiting} reader=${readerList.find((r) => r.id === result.waiting.source.reader)}
        onDone=${(p) => setResult({ payment: p })} /></div>`;
  }
  if (result && result.payment) {
    return html`<div class="page"><${PageHeader} title="Take payment" />
      <${PaymentResult} payment=${result.payment} tz=${tz} onAgain=${again} /></div>`;
  }

  const tabs = [
    { id: 'card', label: 'Card' },
    { id: 'saved', label: 'Card on file' },
    { id: 'reader', label: 'Card reader' },
  ];
  const label = amount ? `${capture ? 'Charge' : 'Authorize'} ${money(amount, currency)}` : (capture ? 'Charge' : 'Authorize');
  return html`<div class="page page-narrow">
    <${PageHeader} title="Take payment" subtitle="Charge a card keyed in, a card on file or a card reader." />
    <form class="card terminal" noValidate onSubmit=${form.handleSubmit(submit)} aria-label="Payment">
      <div class="terminal-body" ref=${top}>
        ${decline && html`<div class="decline" role="alert"><${Icon} name="alert" size=${20} />
          <div><p class="strong">Payment declined</p><p class="msg">${declineText(decline)}</p></div></div>`}
        <${FormAlert} message=${form.formError} />
        <div class="grid-2">
          <${Field} form=${form} name="amount" label="Amount" inputmode="decimal" autocomplete="off" prefix=${currencySymbol(currency)}
            placeholder=${moneyPlaceholder(currency)} class="amount-field" />
          <div class="field"><label for="tp-clinic">Clinic</label>
            <select id="tp-clinic" class="control" value=${clinic ? clinic.id : ''} onChange=${(e) => setClinic(e.currentTarget.value)}>
              ${clinics.filter((c) => !c.archived).map((c) => html`<option key=${c.id} value=${c.id}>${c.name}</option>`)}
            </select></div>
        </div>
        <${PatientPicker} id="tp-patient" value=${patient} onChange=${(p) => { setPatient(p); if (!p && source === 'saved') setSource('card'); }} />
        <${Field} form=${form} name="description" label="Description (optional)" autocomplete="off" placeholder="Botox, 20 units" />
        <div class="field"><span class="label" id="tp-capture">When</span>
          <${Segmented} label="When to take the money" value=${form.values.capture} onChange=${(x) => form.set('capture', x)}
            options=${[{ value: 'now', label: 'Charge now' }, { value: 'later', label: 'Authorize only' }]} />
          <p class="hint">${capture ? 'The card is charged at once.' : 'The amount is held on the card; capture it later from the payment.'}</p>
        </div>
        <div class="source">
          <div class="tablist" role="tablist" aria-label="Payment method" onKeyDown=${(e) => {
            const i = tabs.findIndex((t) => t.id === source);
            const n = e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i + tabs.length - 1) % tabs.length : -1;
            if (n < 0) return;
            e.preventDefault();
            setSource(tabs[n].id);
            setTimeout(() => { const b = document.getElementById('src-' + tabs[n].id); if (b) b.focus(); }, 0);
          }}>
            ${tabs.map((t) => html`<button type="button" role="tab" key=${t.id} id=${'src-' + t.id} class="tab"
              aria-selected=${source === t.id ? 'true' : 'false'} aria-controls="src-panel" tabindex=${source === t.id ? '0' : '-1'}
              onClick=${() => setSource(t.id)}>${t.label}</button>`)}
          </div>
          <div class="source-panel" role="tabpanel" id="src-panel" aria-labelledby=${'src-' + source}>
            ${source === 'card' && html`<${SandboxCardFields} form=${form} />`}
            ${source === 'saved' && (!patient
              ? html`<p class="muted">Choose a patient to use one of their saved cards.</p>`
              : cards.loading ? html`<p class="muted" aria-busy="true">Loading cards…</p>`
              : cardList.length === 0 ? html`<p class="muted">${patient.name} has no card on file. <${Link} href=${`/patients/${patient.id}?tab=cards`}>Add one<//></p>`
              : html`<${Field} form=${form} name="card" label="Saved card" as="select">
                  ${cardList.map((c) => html`<option key=${c.id} value=${c.id}>${cardLabel(c)} · expires ${expiry(c)}${c.default ? ' · default' : ''}</option>`)}<//>`)}
            ${source === 'reader' && (readerList.length === 0
              ? html`<p class="muted">${readers.loading ? 'Loading readers…' : 'No card reader is registered at this clinic.'}</p>`
              : html`<${Field} form=${form} name="reader" label="Card reader" as="select">
                  ${readerList.map((r) => html`<option key=${r.id} value=${r.id}>${r.label} (${r.serial_number})</option>`)}<//>
                <p class="hint">The amount is sent to the reader; the patient taps or inserts their card there.</p>`)}
          </div>
        </div>
      </div>
      <div class="terminal-foot">
        <${Button} type="submit" variant="primary" busy=${form.busy} class="btn-block btn-lg">${source === 'reader' ? 'Send to reader · ' : ''}${label}<//>
      </div>
    </form>
  </div>`;
}

// Waiting for the card at the reader: GET the payment every second until
// it leaves "processing". The sandbox can simulate the tap.
function ReaderWait({ payment, reader, onDone }) {
  const [p, setP] = useState(payment);
  const [err, setErr] = useState(null);
  const [testCard, setTestCard] = useState(TEST_CARDS[0][0]);
  const [tapping, setTapping] = useState(false);
  useEffect(() => {
    let live = true;
    let t = null;
    const poll = async () => {
      try {
        const now = await api('GET', '/v1/payments/' + payment.id);
        if (!live) return;
        setP(now); setErr(null);
        if (now.status !== 'processing') { onDone(now); return; }
      } catch (e) { if (live) setErr(e.message); }
      if (live) t = setTimeout(poll, 1000);
    };
    t = setTimeout(poll, 1000);
    return () => { live = false; clearTimeout(t); };
  }, [payment.id]);
  const tap = async () => {
    setTapping(true);
    try { await presentCard(reader.serial_number, testCard); } catch (e) { if (e.status !== 402) setErr(e.message); }
    setTapping(false);
  };
  return html`<section class="card reader-wait" aria-live="polite">
    <div class="reader-anim" aria-hidden="true"><${Icon} name="reader" size=${40} /></div>
    <p class="reader-status" role="status"><span class="spinner"></span> Waiting for card…</p>
    <p class="muted">${money(p.amount, p.currency)} sent to ${reader ? reader.label : 'the reader'}. Ask the patient to tap, insert or swipe their card.</p>
    ${err && html`<p class="field-error"><span class="msg">${err}</span></p>`}
    ${reader && html`<div class="sandbox-tap">
      <span class="sandbox-tag"><${Icon} name="lock" size=${12} />Sandbox — test cards only</span>
      <label for="tap-card" class="small">Simulate a card at the reader</label>
      <div class="tap-row"><select id="tap-card" class="control control-sm mono" value=${testCard} onChange=${(e) => setTestCard(e.currentTarget.value)}>
        ${TEST_CARDS.map(([n, what]) => html`<option key=${n} value=${n}>${n} — ${what}</option>`)}</select>
        <${Button} size="sm" busy=${tapping} onClick=${tap}>Present card<//></div>
    </div>`}
    <p class="small muted">Leaving this screen does not stop the reader: <${Link} href=${'/payments/' + payment.id}>follow the payment on its page<//>.</p>
  </section>`;
}

function PaymentResult({ payment: p, tz, onAgain }) {
  const ok = p.status === 'succeeded' || p.status === 'requires_capture';
  return html`<section class=${'card pay-result ' + (ok ? 'is-ok' : 'is-failed')} role=${ok ? 'status' : 'alert'}>
    <span class="pay-result-icon"><${Icon} name=${ok ? 'check' : 'alert'} size=${28} /></span>
    <h2 class="pay-result-title">${p.status === 'succeeded' ? 'Payment approved' : p.status === 'requires_capture' ? 'Payment authorized' : 'Payment declined'}</h2>
    <p class="pay-result-amount">${money(p.amount, p.currency)}</p>
    ${!ok && html`<p class="msg strong">${failureText(p) || 'The card was declined.'}</p>`}
    <p class="muted">${p.card ? cardLabel(p.card) : ''}${p.card_present ? ' · card present' : ''} · ${dateTime(p.created, tz)}</p>
    ${p.status === 'requires_capture' && html`<p class="small">Held on the card; capture it from the payment before ${dateTime(p.capture_before, tz)}.</p>`}
    <div class="pay-result-actions">
      <${Link} class="btn btn-secondary" href=${'/payments/' + p.id}>View payment<//>
      <${Button} variant="primary" onClick=${onAgain}>New payment<//>
    </div>
  </section>`;
}

// ---------------------------------------------------------------------------
// Payments list.

function filtersFromUrl() {
  return { status: queryParam('status') || '', patient: queryParam('patient') || '', from: queryParam('from') || '', to: queryParam('to') || '' };
}

export function PaymentsPage() {
  const { tz, role } = useApp();
  const applied = filtersFromUrl();
  const appliedKey = JSON.stringify(applied);
  const [draft, setDraft] = useState(applied);
  const [draftPatient, setDraftPatient] = useState(null);
  useEffect(() => {
    setDraft(filtersFromUrl());
    if (applied.patient) patientById(applied.patient).then(setDraftPatient).catch(() => setDraftPatient(null));
    else setDraftPatient(null);
  }, [appliedKey]);
  const pager = usePager(appliedKey);
  const list = useLoad((signal) => api('GET', '/v1/payments', {
    query: {
      limit: PAGE, starting_after: pager.after, status: applied.status, patient: applied.patient,
      'created[gte]': dayStart(applied.from), 'created[lt]': dayStart(applied.to, 1),
    },
    signal,
  }), [appliedKey, pager.after]);
  const rows = list.data ? list.data.data : [];
  const names = usePatientNames(rows.map((p) => p.patient));
  const filtered = Object.values(applied).some(Boolean);

  const apply = (f) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
    const qs = p.toString();
    navigate('/payments' + (qs ? '?' + qs : ''), { replace: true });
  };
  const set = (k) => (e) => setDraft({ ...draft, [k]: e.currentTarget.value });
  const onSubmit = (e) => { e.preventDefault(); apply({ ...draft, patient: draftPatient ? draftPatient.id : '' }); };

  return html`<div class="page">
    <${PageHeader} title="Payments" subtitle="Card payments, newest first."
      actions=${html`<${Link} class="btn btn-primary" href="/payments/new"><${Icon} name="plus" size=${16} />Take payment<//>`} />
    <section class="card" aria-label="Payments">
      <form class="toolbar filters" onSubmit=${onSubmit} role="search" aria-label="Filter payments">
        <div class="field field-inline">
          <label for="pf-status">Status</label>
          <select id="pf-status" class="control control-sm" value=${draft.status} onChange=${set('status')}>
            <option value="">Any</option>
            ${PAY_STATUS_OPTIONS.map((o) => html`<option key=${o.value} value=${o.value}>${o.label}</option>`)}
          </select>
        </div>
        <div class="field-inline field-grow picker-inline">
          <${PatientPicker} id="pf-patient" value=${draftPatient} onChange=${setDraftPatient} optional=${false} />
        </div>
        <div class="field field-inline"><label for="pf-from">From</label>
          <input id="pf-from" type="date" class="control control-sm" value=${draft.from} onInput=${set('from')} /></div>
        <div class="field field-inline"><label for="pf-to">To</label>
          <input id="pf-to" type="date" class="control control-sm" value=${draft.to} onInput=${set('to')} /></div>
        <div class="filter-buttons">
          <${Button} type="submit" size="sm" variant="primary">Apply filters<//>
          ${filtered && html`<${Button} size="sm" variant="ghost" onClick=${() => apply({})}>Clear<//>`}
        </div>
      </form>
      <${ListState} state=${list} empty=${rows.length === 0} emptyIcon="card"
        emptyText=${filtered ? 'No payments match these filters' : 'No payments yet'}
        emptyHint=${filtered ? null : 'Payments taken at the front desk or on a reader appear here.'}>
        <div class="table-wrap"><table class="table">
          <thead><tr><th scope="col" class="num">Amount</th><th scope="col">Status</th><th scope="col">Payment method</th>
            <th scope="col">Patient</th><th scope="col">Description</th><th scope="col">Date</th></tr></thead>
          <tbody>${rows.map((p) => html`<tr key=${p.id} class="row-link" onClick=${(e) => { if (!e.target.closest('a,button')) navigate('/payments/' + p.id); }}>
            <td class="num strong"><${Link} href=${'/payments/' + p.id} class="strong-link">${money(p.amount, p.currency)}<//></td>
            <td><${PaymentStatus} payment=${p} /></td>
            <td class="nowrap">${p.card ? cardLabel(p.card) : html`<span class="muted">${humanize(p.source.type)}</span>`}</td>
            <td>${p.patient ? (names[p.patient] || html`<span class="muted">…</span>`) : html`<span class="muted">—</span>`}</td>
            <td class="muted">${p.description || '—'}</td>
            <td class="muted nowrap">${dateTime(p.created, tz)}</td>
          </tr>`)}</tbody>
        </table></div>
        <${Pager} pager=${pager} hasMore=${list.data && list.data.has_more} lastId=${rows.length ? rows[rows.length - 1].id : null} label="payments" />
      <//>
    </section>
  </div>`;
}

// ---------------------------------------------------------------------------
// One payment.

export function PaymentPage({ id }) {
  const { tz, role, clinics } = useApp();
  const res = useLoad((signal) => api('GET', '/v1/payments/' + encodeURIComponent(id), { signal }), [id]);
  const [dialog, setDialog] = useState(null);
  const p = res.data;
  useEffect(() => {
    if (!p || p.status !== 'processing') return undefined;
    const t = setTimeout(res.reload, 1000);
    return () => clearTimeout(t);
  }, [p]);
  if (res.error) {
    return html`<div class="page"><div class="state state-page" role="alert">
      <h1 class="state-title" tabindex="-1">${res.error.status === 404 ? 'Payment not found' : "Couldn't load this payment"}</h1>
      <p class="state-text">${res.error.message}</p><${Link} href="/payments">Back to payments<//></div></div>`;
  }
  if (!p) return html`<div class="page" aria-busy="true"><${PageHeader} eyebrow="Payment" title="Loading…" /></div>`;

  const admin = atLeast(role, 'admin');
  const refundable = p.amount_captured - p.amount_refunded;
  const clinic = clinics.find((c) => c.id === p.clinic);
  const done = (msg) => { setDialog(null); toast(msg); res.reload(); };
  return html`<div class="page">
    <${PageHeader} eyebrow=${html`<${Link} href="/payments">Payments<//> / Payment`}
      title=${html`<span class="title-amount">${money(p.amount, p.currency)}</span> <${PaymentStatus} payment=${p} />`}
      subtitle=${[p.card ? cardLabel(p.card) : humanize(p.source.type), dateTimeLong(p.created, tz)].join(' · ')}
      actions=${html`
        ${p.status === 'requires_capture' && admin && html`<${Button} variant="ghost" onClick=${() => setDialog('cancel')}>Cancel payment<//>`}
        ${p.status === 'requires_capture' && html`<${Button} variant="primary" onClick=${() => setDialog('capture')}>Capture<//>`}
        ${admin && refundable > 0 && !p.disputed && html`<${Button} onClick=${() => setDialog('refund')}>Refund<//>`}`} />
    ${p.status === 'failed' && html`<div class="decline" role="alert"><${Icon} name="alert" size=${20} /><div>
      <p class="strong">Declined</p><p class="msg">${failureText(p)}</p></div></div>`}
    ${p.status === 'requires_capture' && p.capture_before && html`<div class="callout callout-warn"><div>
      <p class="callout-title">Authorized, not captured</p>
      <p class="callout-text">Capture before ${dateTimeLong(p.capture_before, tz)} or the hold is released.</p></div></div>`}
    <div class="detail-grid">
      <section class="card" aria-labelledby="pd-title"><h2 id="pd-title" class="card-title">Details</h2>
        <dl class="dl dl-2">
          <${Detail} label="Amount">${money(p.amount, p.currency)}<//>
          <${Detail} label="Captured">${money(p.amount_captured, p.currency)}<//>
          <${Detail} label="Refunded">${money(p.amount_refunded, p.currency)}<//>
          <${Detail} label="Processing fee">${money(p.fee, p.currency)}<//>
          <${Detail} label="Net">${money(p.amount_captured - p.amount_refunded - p.fee, p.currency)}<//>
          <${Detail} label="Capture">${p.capture_method === 'manual' ? 'Authorize, capture later' : 'Immediate'}<//>
          <${Detail} label="Patient">${p.patient ? html`<${Link} href=${'/patients/' + p.patient}><${PatientName} id=${p.patient} /><//>` : html`<span class="muted">None</span>`}<//>
          <${Detail} label="Clinic">${clinic ? clinic.name : p.clinic}<//>
          <${Detail} label="Description">${p.description || html`<span class="muted">None</span>`}<//>
          <${Detail} label="Payment ID"><span class="mono small">${p.id}</span><//>
        </dl>
      </section>
      <section class="card" aria-labelledby="pm-title"><h2 id="pm-title" class="card-title">Payment method</h2>
        <dl class="dl">
          <${Detail} label="Card">${p.card ? cardLabel(p.card) : html`<span class="muted">—</span>`}<//>
          ${p.card && html`<${Detail} label="Expires">${expiry(p.card)}<//>`}
          <${Detail} label="Entry">${p.card_present ? 'Card present (reader)' : p.source.type === 'card' ? 'Card on file' : 'Keyed (virtual terminal)'}<//>
          ${p.failure_code && html`<${Detail} label="Failure">${failureText(p)}<//>`}
          ${p.disputed && html`<${Detail} label="Dispute"><${Badge} tone="danger">Disputed<//>${admin ? html` <${Link} href="/disputes">See disputes<//>` : null}<//>`}
        </dl>
      </section>
    </div>
    <section class="card" aria-labelledby="rf-title"><h2 id="rf-title" class="card-title">Refunds</h2>
      ${p.refunds && p.refunds.length ? html`<div class="table-wrap"><table class="table table-compact">
        <thead><tr><th scope="col" class="num">Amount</th><th scope="col">Reason</th><th scope="col">Status</th><th scope="col">Date</th><th scope="col">ID</th></tr></thead>
        <tbody>${p.refunds.map((r) => html`<tr key=${r.id}><td class="num">${money(r.amount, r.currency)}</td><td>${humanize(r.reason)}</td>
          <td><${Badge} tone=${r.status === 'succeeded' ? 'success' : r.status === 'failed' ? 'danger' : 'info'}>${humanize(r.status)}<//></td>
          <td class="muted nowrap">${dateTime(r.created, tz)}</td><td class="mono small muted">${r.id}</td></tr>`)}</tbody>
      </table></div>` : html`<p class="card-empty muted">No refunds.</p>`}
    </section>
    ${dialog === 'capture' && html`<${CaptureDialog} payment=${p} onClose=${() => setDialog(null)} onDone=${done} />`}
    ${dialog === 'refund' && html`<${RefundDialog} payment=${p} onClose=${() => setDialog(null)} onDone=${done} />`}
    ${dialog === 'cancel' && html`<${ConfirmDialog} title="Cancel this payment?" danger confirmLabel="Cancel payment"
      message=${`The hold of ${money(p.amount, p.currency)} on the card is released. This cannot be undone.`}
      onConfirm=${async () => { await api('POST', `/v1/payments/${p.id}/cancel`); done('Payment canceled'); }} onClose=${() => setDialog(null)} />`}
  </div>`;
}

function CaptureDialog({ payment: p, onClose, onDone }) {
  const form = useForm({ amount: moneyInput(p.amount, p.currency) });
  const submit = async (v, key) => {
    const amount = parseMoney(v.amount, p.currency);
    if (amount == null || amount <= 0 || amount > p.amount) throw fieldError('amount', `Enter an amount up to ${money(p.amount, p.currency)}.`);
    const body = amount === p.amount ? {} : { amount };
    await api('POST', `/v1/payments/${p.id}/capture`, { body, key });
    onDone(`Captured ${money(amount, p.currency)}`);
  };
  return html`<${FormDialog} title="Capture payment" form=${form} onSubmit=${submit} onClose=${onClose} submitLabel="Capture"
    description=${`Up to ${money(p.amount, p.currency)} was authorized. Capture less to release the rest.`}>
    <${Field} form=${form} name="amount" label="Amount to capture" inputmode="decimal" prefix=${currencySymbol(p.currency)} autocomplete="off" />
  <//>`;
}

const REASONS = [['requested_by_customer', 'Requested by the patient'], ['duplicate', 'Duplicate payment'], ['fraudulent', 'Fraudulent']];

function RefundDialog({ payment: p, onClose, onDone }) {
  const max = p.amount_captured - p.amount_refunded;
  const form = useForm({ amount: moneyInput(max, p.currency), reason: 'requested_by_customer' });
  const submit = async (v, key) => {
    const amount = parseMoney(v.amount, p.currency);
    if (amount == null || amount <= 0 || amount > max) throw fieldError('amount', `Enter an amount up to ${money(max, p.currency)}.`);
    const body = { payment: p.id, amount, reason: v.reason };
    const r = await api('POST', '/v1/refunds', { body, key });
    onDone(`Refunded ${money(r.amount, r.currency)}`);
  };
  return html`<${FormDialog} title="Refund payment" form=${form} onSubmit=${submit} onClose=${onClose} submitLabel="Refund"
    description=${`Up to ${money(max, p.currency)} can be refunded to ${p.card ? cardLabel(p.card) : 'the card'}.`}>
    <${Field} form=${form} name="amount" label="Amount to refund" inputmode="decimal" prefix=${currencySymbol(p.currency)} autocomplete="off" />
    <${Field} form=${form} name="reason" label="Reason" as="select">
      ${REASONS.map(([k, l]) => html`<option key=${k} value=${k}>${l}</option>`)}<//>
  <//>`;
}
