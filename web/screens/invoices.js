// Invoices: the list (filters, paging), one invoice with what can be done
// to it in its state, and the editor that creates or changes an invoice or
// a quote. The editor prices as the clerk types through POST
// /v1/invoices/preview (debounced): every amount on these screens is the
// server's.
import {
  html, useState, useEffect, useRef, api, useApp, useLoad, usePager, useDebounced, navigate, Link,
  queryParam, toast, money, percent, dateTime, dateTimeLong, atLeast, uid, listAll, ApiError,
} from '../lib.js';
import {
  Button, PageHeader, ListState, Pager, FormDialog, useForm, ConfirmDialog, FormAlert, Icon, Segmented,
  currencySymbol, Dialog,
} from '../components.js';
import { PatientPicker, PatientName, usePatientNames, patientById, Detail } from './paykit.js';
import { PaymentsCard, RefundDialog, ReceiptDialog, PaymentLinkDialog } from './invoicepay.js';
import {
  InvoiceStatus, INVOICE_STATUS_OPTIONS, invoiceTitle, isEditable, isPayable, isQueued, useUsers, ProviderSelect,
  providerOptions, useCatalog, searchCatalog, stockAt, discountForm, parseDiscount, discountLabel,
  DiscountInput, TotalsTable, useAttempt, ItemKind, lineIndexOf, shortClinic,
} from './invoicekit.js';

const PAGE = 25;

// ---------------------------------------------------------------------------
// The list.

function filtersFromUrl() {
  return { status: queryParam('status') || '', clinic: queryParam('clinic') || '', patient: queryParam('patient') || '' };
}

export function InvoicesPage() {
  const { tz, clinics } = useApp();
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
  const list = useLoad((signal) => api('GET', '/v1/invoices', {
    query: { limit: PAGE, starting_after: pager.after, ...applied }, signal,
  }), [appliedKey, pager.after]);
  const rows = list.data ? list.data.data : [];
  const names = usePatientNames(rows.map((v) => v.patient));
  const users = useUsers();
  const filtered = Object.values(applied).some(Boolean);
  const live = clinics.filter((c) => !c.archived);
  const clinicName = (id) => { const c = clinics.find((x) => x.id === id); return c ? shortClinic(c.name) : id; };

  const apply = (f) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
    const qs = p.toString();
    navigate('/invoices' + (qs ? '?' + qs : ''), { replace: true });
  };
  const set = (k) => (e) => setDraft({ ...draft, [k]: e.currentTarget.value });
  const onSubmit = (e) => { e.preventDefault(); apply({ ...draft, patient: draftPatient ? draftPatient.id : '' }); };
  const open = (v) => navigate('/invoices/' + v.id);
  // One patient's invoices can be merged (the filter names the patient).
  const merge = useMerge(applied.patient ? rows : [], tz);

  return html`<div class="page">
    <${PageHeader} title="Invoices" subtitle="Invoices and quotes, newest first."
      actions=${html`<${Link} class="btn btn-secondary" href="/invoices/new?kind=quote">New quote<//>
        <${Link} class="btn btn-primary" href="/invoices/new"><${Icon} name="plus" size=${16} />New invoice<//>`} />
    <section class="card" aria-label="Invoices">
      <form class="toolbar filters" onSubmit=${onSubmit} role="search" aria-label="Filter invoices">
        <div class="field field-inline">
          <label for="if-status">Status</label>
          <select id="if-status" class="control control-sm" value=${draft.status} onChange=${set('status')}>
            <option value="">Any</option>
            ${INVOICE_STATUS_OPTIONS.map((o) => html`<option key=${o.value} value=${o.value}>${o.label}</option>`)}
          </select>
        </div>
        ${live.length > 1 && html`<div class="field field-inline">
          <label for="if-clinic">Clinic</label>
          <select id="if-clinic" class="control control-sm" value=${draft.clinic} onChange=${set('clinic')}>
            <option value="">All clinics</option>
            ${live.map((c) => html`<option key=${c.id} value=${c.id}>${c.name}</option>`)}
          </select>
        </div>`}
        <div class="field-inline field-grow picker-inline">
          <${PatientPicker} id="if-patient" value=${draftPatient} onChange=${setDraftPatient} optional=${false} />
        </div>
        <div class="filter-buttons">
          <${Button} type="submit" size="sm" variant="primary">Apply filters<//>
          ${filtered && html`<${Button} size="sm" variant="ghost" onClick=${() => apply({})}>Clear<//>`}
        </div>
      </form>
      <${ListState} state=${list} empty=${rows.length === 0} emptyIcon="receipt"
        emptyText=${filtered ? 'No invoices match these filters' : 'No invoices yet'}
        emptyHint=${filtered ? null : 'Create an invoice or a quote for a patient’s treatment.'}>
        ${merge.bar}
        <div class="table-wrap"><table class="table">
          <thead><tr>${merge.head}<th scope="col">Invoice</th><th scope="col">Status</th><th scope="col">Patient</th>
            <th scope="col" class="hide-narrow">Provider</th>${live.length > 1 && html`<th scope="col">Clinic</th>`}
            <th scope="col" class="num">Total</th><th scope="col" class="num">Due</th><th scope="col">Created</th></tr></thead>
          <tbody>${rows.map((v) => html`<tr key=${v.id} class=${'row-link' + merge.rowClass(v)} onClick=${(e) => { if (!e.target.closest('a,button,input,label')) open(v); }}>
            ${merge.cell(v)}<td class="nowrap"><${Link} href=${'/invoices/' + v.id} class=${'strong-link' + (v.number ? ' inv-no' : '')}>${invoiceTitle(v)}<//></td>
            <td><${InvoiceStatus} invoice=${v} /></td>
            <td>${v.patient ? (names[v.patient] || html`<span class="muted">…</span>`) : html`<span class="muted">—</span>`}</td>
            <td class="muted hide-narrow nowrap">${users.name(v.provider) || '—'}</td>
            ${live.length > 1 && html`<td class="muted nowrap">${clinicName(v.clinic)}</td>`}
            <td class="num">${money(v.total, v.currency)}</td>
            <td class="num">${v.amount_due > 0 && v.status !== 'quote' && v.status !== 'void' ? money(v.amount_due, v.currency) : html`<span class="muted">—</span>`}</td>
            <td class="muted nowrap">${dateTime(v.created, tz)}</td>
          </tr>`)}</tbody>
        </table></div>
        <${Pager} pager=${pager} hasMore=${list.data && list.data.has_more} lastId=${rows.length ? rows[rows.length - 1].id : null} label="invoices" />
      <//>
    </section>
    ${merge.dialog}
  </div>`;
}

// ---------------------------------------------------------------------------
// One invoice.

export function InvoicePage({ id }) {
  const { tz, role, clinics } = useApp();
  const res = useLoad((signal) => api('GET', '/v1/invoices/' + encodeURIComponent(id), { signal }), [id]);
  const users = useUsers();
  const [dialog, setDialog] = useState(null);
  const [busy, setBusy] = useState(null);
  const v = res.data;
  useEffect(() => { if (v) document.title = invoiceTitle(v) + ' · Poise'; }, [v && v.number, v && v.status]);

  if (res.error) {
    return html`<div class="page"><div class="state state-page" role="alert">
      <h1 class="state-title" tabindex="-1">${res.error.status === 404 ? 'Invoice not found' : "Couldn't load this invoice"}</h1>
      <p class="state-text">${res.error.message}</p><${Link} href="/invoices">Back to invoices<//></div></div>`;
  }
  if (!v) return html`<div class="page" aria-busy="true"><${PageHeader} eyebrow="Invoice" title="Loading…" /></div>`;

  const clinic = clinics.find((c) => c.id === v.clinic);
  const done = (msg) => { setDialog(null); toast(msg); res.reload(); };
  // A one-click action: POST, then show the invoice as the server has it.
  const act = async (what, path, msg) => {
    setBusy(what);
    try {
      await api('POST', `/v1/invoices/${v.id}/${path}`);
      done(msg);
    } catch (e) {
      toast(e.message, 'error');
    } finally { setBusy(null); }
  };
  const admin = atLeast(role, 'admin');
  const canVoid = admin && (((v.status === 'open' || v.status === 'draft') && v.amount_paid === 0) ||
    ((v.status === 'paid' || v.status === 'partially_paid') && !v.amount_refunded));
  const canRefund = ['paid', 'partially_paid', 'partially_refunded'].includes(v.status) && v.amount_paid > (v.amount_refunded || 0);
  const printable = v.kind === 'invoice' && v.status !== 'draft';
  const canSend = isPayable(v) && !isQueued(v);
  const canChangeProvider = v.status !== 'void' && v.status !== 'refunded';

  return html`<div class="page">
    <${PageHeader} eyebrow=${html`<${Link} href="/invoices">Invoices<//> / ${v.kind === 'quote' ? 'Quote' : 'Invoice'}`}
      title=${html`<span class=${'title-amount' + (v.number ? ' inv-no' : '')}>${invoiceTitle(v)}</span> <${InvoiceStatus} invoice=${v} />`}
      subtitle=${[v.patient ? html`<${PatientName} id=${v.patient} />` : 'No patient', clinic ? clinic.name : v.clinic, dateTimeLong(v.created, tz)]
        .map((x, i) => html`${i ? ' · ' : ''}${x}`)}
      actions=${html`
        ${isEditable(v) && html`<${Button} variant="ghost" class="btn-danger-text" onClick=${() => setDialog('delete')}>Delete<//>`}
        ${canVoid && html`<${Button} variant="ghost" class="btn-danger-text" onClick=${() => setDialog('void')}>Void<//>`}
        ${isEditable(v) && html`<${Link} class="btn btn-secondary" href=${`/invoices/${v.id}/edit`}>Edit<//>`}
        ${printable && html`<a class="btn btn-secondary" href=${`/v1/invoices/${v.id}/receipt.pdf`} target="_blank" rel="noopener">
          <${Icon} name="receipt" size=${16} />${v.status === 'paid' ? 'Print receipt' : 'Print'}</a>`}
        ${printable && html`<${Button} onClick=${() => setDialog('email')}>E-mail receipt<//>`}
        ${canRefund && html`<${Button} onClick=${() => setDialog('refund')}>Refund<//>`}
        ${(v.status === 'open' || v.status === 'partially_paid') && html`<${Button} onClick=${() => setDialog('link')}>Send payment link<//>`}
        ${canSend && html`<${Button} busy=${busy === 'send'} icon="inbox"
          onClick=${() => act('send', 'send_to_front_desk', `Sent to the front desk${clinic ? ' of ' + clinic.name : ''}`)}>Send to front desk<//>`}
        ${v.status === 'quote' && html`<${Button} busy=${busy === 'convert'}
          onClick=${() => act('convert', 'convert', 'The quote is now a draft invoice')}>Convert to invoice<//>`}
        ${(v.status === 'draft' || v.status === 'quote') && html`<${Button} variant=${v.status === 'draft' ? 'primary' : 'secondary'}
          onClick=${() => setDialog('finalize')}>Finalize<//>`}
        ${(v.status === 'open' || v.status === 'partially_paid') && html`<${Link} class="btn btn-primary" href=${`/invoices/${v.id}/checkout`}>
          <${Icon} name="terminal" size=${16} />Check out<//>`}`} />
    <div class="detail-grid">
      <section class="card" aria-labelledby="il-title">
        <h2 id="il-title" class="card-title">Items</h2>
        <${InvoiceLines} invoice=${v} />
      </section>
      <section class="card" aria-labelledby="id-title"><h2 id="id-title" class="card-title">Details</h2>
        <dl class="dl dl-2">
          <${Detail} label="Number">${v.number ? html`<span class="inv-no">${v.number}</span>` : html`<span class="muted">Given when finalized</span>`}<//>
          <${Detail} label="Kind">${v.kind === 'quote' ? 'Quote' : 'Invoice'}<//>
          <${Detail} label="Patient">${v.patient ? html`<${Link} href=${'/patients/' + v.patient}><${PatientName} id=${v.patient} /><//>` : html`<span class="muted">None</span>`}<//>
          <${Detail} label="Provider">${v.provider ? users.name(v.provider) : html`<span class="muted">None</span>`}
            ${canChangeProvider && html` <button type="button" class="link-btn small" onClick=${() => setDialog('provider')}>Change</button>`}<//>
          <${Detail} label="Clinic">${clinic ? clinic.name : v.clinic}<//>
          <${Detail} label="Invoice discount">${v.discount ? discountLabel(v.discount, v.currency) : html`<span class="muted">None</span>`}<//>
          <${Detail} label="Created">${dateTime(v.created, tz)}<//>
          <${Detail} label="Finalized">${v.finalized ? dateTime(v.finalized, tz) : html`<span class="muted">Not yet</span>`}<//>
          ${v.merged_into && html`<${Detail} label="Merged into"><${MergedInto} id=${v.merged_into} /><//>`}
          <${Detail} label="At the front desk">${isQueued(v) ? 'Since ' + dateTime(v.queued, tz) : html`<span class="muted">No</span>`}<//>
          <div class="dl-wide"><dt>Invoice ID</dt><dd class="mono small">${v.id}</dd></div>
        </dl>
      </section>
    </div>
    <${PaymentsCard} invoice=${v} users=${users} />
    ${dialog === 'refund' && html`<${RefundDialog} invoice=${v} onClose=${() => setDialog(null)} onDone=${done} />`}
    ${dialog === 'link' && html`<${PaymentLinkDialog} invoice=${v} onClose=${() => setDialog(null)} onDone=${done} />`}
    ${dialog === 'email' && html`<${ReceiptDialog} invoice=${v} onClose=${() => setDialog(null)} onDone=${done} />`}
    ${dialog === 'finalize' && html`<${ConfirmDialog} title=${v.kind === 'quote' ? 'Finalize this quote?' : 'Finalize this invoice?'}
      confirmLabel="Finalize"
      message=${`It takes the next invoice number of ${clinic ? clinic.name : 'its clinic'} and can no longer be edited; it can then be paid.`}
      onConfirm=${async () => { const r = await api('POST', `/v1/invoices/${v.id}/finalize`); done(`Invoice ${r.number} finalized`); }}
      onClose=${() => setDialog(null)} />`}
    ${dialog === 'delete' && html`<${ConfirmDialog} title=${v.kind === 'quote' ? 'Delete this quote?' : 'Delete this draft?'} danger
      confirmLabel="Delete" message="It is removed for good. Finalized invoices are voided instead, never deleted."
      onConfirm=${async () => { await api('DELETE', `/v1/invoices/${v.id}`); toast('Deleted'); navigate('/invoices', { replace: true }); }}
      onClose=${() => setDialog(null)} />`}
    ${dialog === 'void' && html`<${ConfirmDialog} title="Void this invoice?" danger confirmLabel="Void invoice"
      message=${v.amount_paid > 0
        ? 'Every payment is reversed: cards are voided (no fee) while they have not settled, cash comes back out of the drawer, products go back on the shelf. A settled card is refused: refund instead.'
        : `Nothing was paid on it. It keeps its number${v.number ? ' ' + v.number : ''}, leaves the front desk, and can no longer be paid.`}
      onConfirm=${async () => { await api('POST', `/v1/invoices/${v.id}/void`); done('Invoice voided'); }}
      onClose=${() => setDialog(null)} />`}
    ${dialog === 'provider' && html`<${ProviderDialog} invoice=${v} users=${users.list} onClose=${() => setDialog(null)}
      onDone=${(name) => done(`Provider changed to ${name}`)} />`}
  </div>`;
}

function MergedInto({ id }) {
  const r = useLoad((signal) => api('GET', '/v1/invoices/' + encodeURIComponent(id), { signal }), [id]);
  return html`<${Link} href=${'/invoices/' + id} class="inv-no">${r.data ? invoiceTitle(r.data) : 'The merged invoice'}<//>`;
}

// The saved lines and totals, as the server priced them.
export function InvoiceLines({ invoice: v, compact }) {
  const c = v.currency;
  return html`<div class="table-wrap"><table class=${'table lines' + (compact ? ' table-compact' : '')}>
      <thead><tr><th scope="col">Item</th><th scope="col" class="num">Qty</th>${!compact && html`<th scope="col" class="num">Unit price</th>`}
        <th scope="col" class="num">Discount</th>${!compact && html`<th scope="col" class="num">Tax</th>`}<th scope="col" class="num">Amount</th></tr></thead>
      <tbody>${(v.lines || []).map((l, i) => html`<tr key=${i}>
        <td><div class="strong">${l.name}</div><div class="line-meta"><${ItemKind} kind=${l.kind} />${l.taxable ? html`<span>Taxable</span>` : null}
          ${compact && html`<span>${money(l.unit_price, c)} each</span>`}</div></td>
        <td class="num">${l.quantity}</td>
        ${!compact && html`<td class="num">${money(l.unit_price, c)}</td>`}
        <td class="num">${l.discount_total > 0 ? html`<span class="minus">−${money(l.discount_total, c)}</span>` : html`<span class="muted">—</span>`}
          ${l.discount && html`<div class="small muted">${discountLabel(l.discount, c)}</div>`}</td>
        ${!compact && html`<td class="num">${l.tax > 0 ? money(l.tax, c) : html`<span class="muted">—</span>`}</td>`}
        <td class="num strong">${money(l.net, c)}</td>
      </tr>`)}</tbody>
    </table></div>
    <div class="lines-foot">
      <${TotalsTable} currency=${c} rows=${[
        { label: 'Subtotal', amount: v.gross },
        v.discount_total > 0 && { label: 'Discounts', amount: v.discount_total, minus: true },
        { label: 'Tax', amount: v.tax },
        { label: 'Total', amount: v.total, strong: true },
        v.amount_paid > 0 && { label: 'Paid', amount: v.amount_paid, minus: true },
        v.amount_refunded > 0 && { label: 'Refunded', amount: v.amount_refunded },
        v.status !== 'quote' && v.status !== 'void' && { label: 'Amount due', amount: v.amount_due, strong: true, key: 'due' },
      ]} />
    </div>`;
}

function ProviderDialog({ invoice: v, users, onClose, onDone }) {
  const opts = providerOptions(users, v.provider);
  const form = useForm({ provider: v.provider || (opts[0] ? opts[0].id : '') });
  const submit = async (vals, key) => {
    const r = await api('POST', `/v1/invoices/${v.id}/change_provider`, { body: { provider: vals.provider }, key });
    const u = users.find((x) => x.id === r.provider);
    onDone(u ? u.name : r.provider);
  };
  return html`<${FormDialog} title="Change provider" description="Who is credited with this sale and its commission."
    form=${form} onSubmit=${submit} onClose=${onClose} submitLabel="Change provider">
    <${ProviderSelect} id=${form.id + '-provider'} users=${users} value=${form.values.provider} optional=${false}
      onChange=${(x) => form.set('provider', x)} />
  <//>`;
}

// ---------------------------------------------------------------------------
// Create and edit.

export function InvoiceNewPage() {
  const kind = queryParam('kind') === 'quote' ? 'quote' : 'invoice';
  return html`<${InvoiceEditor} kind=${kind} patientId=${queryParam('patient')} />`;
}

export function InvoiceEditPage({ id }) {
  const res = useLoad((signal) => api('GET', '/v1/invoices/' + encodeURIComponent(id), { signal }), [id]);
  if (res.error) {
    return html`<div class="page"><div class="state state-page" role="alert">
      <h1 class="state-title" tabindex="-1">${res.error.status === 404 ? 'Invoice not found' : "Couldn't load this invoice"}</h1>
      <p class="state-text">${res.error.message}</p><${Link} href="/invoices">Back to invoices<//></div></div>`;
  }
  if (!res.data) return html`<div class="page" aria-busy="true"><${PageHeader} eyebrow="Invoice" title="Loading…" /></div>`;
  if (!isEditable(res.data)) {
    return html`<div class="page"><div class="state state-page">
      <h1 class="state-title" tabindex="-1">This invoice can no longer be edited</h1>
      <p class="state-text">Only quotes and drafts change; ${invoiceTitle(res.data)} is finalized.</p>
      <${Link} href=${'/invoices/' + id}>Back to the invoice<//></div></div>`;
  }
  return html`<${InvoiceEditor} invoice=${res.data} kind=${res.data.kind} />`;
}

// The request lines of the editor's lines, with the errors of what was typed
// (keyed "<uid>:quantity" / "<uid>:discount").
function requestLines(lines, currency) {
  const out = [];
  const errors = {};
  for (const l of lines) {
    const q = l.quantity.trim();
    const qty = /^\d{1,5}$/.test(q) ? parseInt(q, 10) : NaN;
    if (!(qty >= 1 && qty <= 10000)) errors[l.uid + ':quantity'] = 'Enter a quantity from 1 to 10,000.';
    const d = parseDiscount(l.disc, currency);
    if (d.error) errors[l.uid + ':discount'] = d.error;
    const r = { item: l.item, quantity: qty };
    if (d.discount) r.discount = d.discount;
    out.push(r);
  }
  return { lines: out, errors };
}

// Where a server error about the request goes: "<uid>:<field>", "discount", or null (the top).
function errorSlot(param, uids) {
  if (!param) return null;
  const i = lineIndexOf(param);
  if (i >= 0 && uids[i]) {
    if (/\.quantity/.test(param)) return uids[i] + ':quantity';
    if (/\.discount/.test(param)) return uids[i] + ':discount';
    return uids[i] + ':item';
  }
  if (param === 'invoice_discount' || param.startsWith('discount')) return 'discount';
  if (param === 'patient' || param === 'provider' || param === 'clinic') return param;
  return null;
}

// Prices of the request through the preview, debounced; stale answers are
// dropped. Keeps the last answer while a new one is on its way.
function usePreview(request) {
  const text = request ? JSON.stringify(request) : '';
  const dtext = useDebounced(text, 250);
  const [st, setSt] = useState({ text: '', data: null, error: null, uids: [] });
  const seq = useRef(0);
  useEffect(() => {
    if (!dtext) return;
    const my = ++seq.current;
    const { body, uids } = JSON.parse(dtext);
    api('POST', '/v1/invoices/preview', { body, key: false })
      .then((data) => { if (my === seq.current) setSt({ text: dtext, data, error: null, uids }); })
      .catch((error) => { if (my === seq.current) setSt((s) => ({ ...s, text: dtext, error, uids })); });
  }, [dtext]);
  return { ...st, fresh: !!text && st.text === text };
}

function InvoiceEditor({ invoice, kind: initialKind, patientId }) {
  const { me, role, clinic: appClinic, clinics, currency: accountCurrency } = useApp();
  const editing = !!invoice;
  const live = clinics.filter((c) => !c.archived);
  const [kind, setKind] = useState(initialKind);
  const [clinicId, setClinicId] = useState(editing ? invoice.clinic : (appClinic ? appClinic.id : ''));
  const clinic = clinics.find((c) => c.id === clinicId) || null;
  const currency = editing ? invoice.currency : (clinic && clinic.currency) || accountCurrency;
  const [patient, setPatient] = useState(null);
  const users = useUsers();
  const [provider, setProvider] = useState(editing ? invoice.provider || '' : (role === 'provider' ? me.user.id : ''));
  const catalog = useCatalog();
  const [lines, setLines] = useState(() => (editing ? invoice.lines.map((l) => ({
    uid: uid('ln'), item: l.item, name: l.name, kind: l.kind, quantity: String(l.quantity), disc: discountForm(l.discount, currency),
  })) : []));
  const [invDisc, setInvDisc] = useState(() => discountForm(editing && invoice.discount, currency));
  const [saveError, setSaveError] = useState(null); // {slot, message}
  const [saving, setSaving] = useState(false);
  const attempt = useAttempt();
  const search = useRef(null);

  useEffect(() => {
    const pid = editing ? invoice.patient : patientId;
    if (pid) patientById(pid).then(setPatient).catch(() => setPatient(null));
  }, []);
  useEffect(() => { if (!clinicId && appClinic) setClinicId(appClinic.id); }, [appClinic && appClinic.id]);

  const built = requestLines(lines, currency);
  const invD = parseDiscount(invDisc, currency);
  const local = { ...built.errors };
  if (invD.error) local.discount = invD.error;
  const uids = lines.map((l) => l.uid);
  const body = { clinic: clinicId, lines: built.lines };
  if (patient) body.patient = patient.id;
  if (invD.discount) body.discount = invD.discount;
  const ready = lines.length > 0 && !!clinicId && Object.keys(local).length === 0;
  const pv = usePreview(ready ? { body, uids } : null);
  const priced = {};
  if (pv.data) pv.data.lines.forEach((r, i) => { if (pv.uids[i]) priced[pv.uids[i]] = r; });
  const pvSlot = pv.fresh && pv.error ? errorSlot(pv.error.param, pv.uids) : null;
  const tier = pv.data && lines.length > 0 ? pv.data.membership_tier : null;
  const promoNames = usePromotionNames(pv.data ? pv.data.lines.map((r) => r.promotion).filter(Boolean) : []);
  const quick = useLoad(() => (clinicId ? listAll('/v1/quick_buttons', { clinic: clinicId }) : Promise.resolve([])), [clinicId]);

  // What shows at a field: what was typed wrong, else the server's word.
  const errorAt = (slot) => {
    if (local[slot]) return local[slot];
    if (saveError && saveError.slot === slot) return saveError.message;
    if (pvSlot === slot) return pv.error.message;
    return null;
  };
  const topError = (saveError && !saveError.slot ? saveError.message : null)
    || (pv.fresh && pv.error && !pvSlot ? pv.error.message : null);

  const setLine = (u, patch) => { setSaveError(null); setLines((ls) => ls.map((l) => (l.uid === u ? { ...l, ...patch } : l))); };
  const removeLine = (u) => { setSaveError(null); setLines((ls) => ls.filter((l) => l.uid !== u)); };
  // Several may be added at once (a quick-button group): each call sees
  // the lines the previous one left.
  const addItem = (it) => {
    setSaveError(null);
    setLines((ls) => {
      const same = ls.find((l) => l.item === it.id && /^\d+$/.test(l.quantity.trim()));
      if (same) return ls.map((l) => (l === same ? { ...l, quantity: String(parseInt(l.quantity, 10) + 1) } : l));
      return [...ls, { uid: uid('ln'), item: it.id, name: it.name, kind: it.kind, quantity: '1', disc: { mode: 'percent', text: '' } }];
    });
  };

  const save = async () => {
    if (saving) return;
    setSaveError(null);
    if (!clinicId) { setSaveError({ slot: null, message: 'Choose a clinic.' }); return; }
    if (lines.length === 0) {
      setSaveError({ slot: null, message: 'Add at least one service or product.' });
      if (search.current) search.current.focus();
      return;
    }
    if (Object.keys(local).length) return;
    let req;
    if (editing) {
      req = { lines: built.lines, discount: invD.discount || null, patient: patient ? patient.id : null };
      if (provider) req.provider = provider;
    } else {
      req = { ...body, kind };
      if (provider) req.provider = provider;
    }
    setSaving(true);
    try {
      const v = editing
        ? await api('PATCH', '/v1/invoices/' + invoice.id, { body: req })
        : await api('POST', '/v1/invoices', { body: req, key: attempt.key(JSON.stringify(req)) });
      toast(editing ? 'Changes saved' : `${v.kind === 'quote' ? 'Quote' : 'Draft invoice'} created`);
      navigate('/invoices/' + v.id, { replace: editing });
    } catch (e) {
      attempt.settle(e);
      setSaveError({ slot: errorSlot(e.param, uids), message: e.message });
    } finally { setSaving(false); }
  };

  // Ctrl+Enter (Cmd+Enter) saves from anywhere on the screen.
  useEffect(() => {
    const onKey = (e) => {
      if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey) || document.querySelector('dialog[open]')) return;
      e.preventDefault();
      save();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  });

  const noun = kind === 'quote' ? 'quote' : 'invoice';
  const title = editing ? `Edit ${invoice.kind === 'quote' ? 'quote' : 'draft invoice'}` : `New ${noun}`;
  const symbol = currencySymbol(currency);
  const totals = lines.length > 0 && pv.data ? pv.data : null;
  const canClearProvider = !(editing && invoice.provider);

  return html`<div class="page">
    <${PageHeader} eyebrow=${html`<${Link} href="/invoices">Invoices<//>${editing ? html` / <${Link} href=${'/invoices/' + invoice.id}>${invoiceTitle(invoice)}<//>` : null}`}
      title=${title}
      subtitle="Prices, discounts and tax come from the pricing engine as you type."
      actions=${!editing && html`<${Segmented} label="Kind" value=${kind} onChange=${setKind}
        options=${[{ value: 'invoice', label: 'Invoice' }, { value: 'quote', label: 'Quote' }]} />`} />
    <${FormAlert} message=${topError} />
    <section class="card editor-parties" aria-label="Patient and provider">
      <div class="grid-3">
        <${PatientPicker} id="ie-patient" value=${patient} onChange=${(p) => { setSaveError(null); setPatient(p); }} />
        <${ProviderSelect} id="ie-provider" users=${users.list} value=${provider} onChange=${setProvider} optional=${canClearProvider} />
        <div class="field"><label for="ie-clinic">Clinic</label>
          <select id="ie-clinic" class="control" value=${clinicId} disabled=${editing} onChange=${(e) => setClinicId(e.currentTarget.value)}>
            ${live.map((c) => html`<option key=${c.id} value=${c.id}>${c.name}</option>`)}
          </select></div>
      </div>
      ${['patient', 'provider', 'clinic'].map((s) => errorAt(s) && html`<p key=${s} class="field-error"><${Icon} name="alert" size=${14} /><span class="msg">${errorAt(s)}</span></p>`)}
      ${tier && html`<p class="member-note" role="status"><${Icon} name="star" size=${16} />
        <span><span class="strong">${patient ? patient.name + ' is a' : 'A'} ${tier.name} member.</span>${' '}Member prices apply to their items${tier.discount_bps ? `, and ${percent(tier.discount_bps)} comes off everything else` : ''}, as the server priced it.</span></p>`}
    </section>
    <section class="card" aria-labelledby="ie-items">
      <div class="section-head">
        <div><h2 id="ie-items" class="section-title">Items</h2>
          <p class="small muted">Type to search services and products; Enter adds the highlighted one.</p></div>
      </div>
      <div class="item-search-wrap">
        <${ItemSearch} catalog=${catalog} clinicId=${clinicId} inputRef=${search} onAdd=${addItem} autofocus=${!editing} />
        <${QuickButtons} groups=${quick.data || []} catalog=${catalog} onAdd=${addItem} />
      </div>
      ${lines.length === 0
        ? html`<div class="state state-empty state-flat"><span class="state-icon"><${Icon} name="receipt" size=${22} /></span>
            <p class="state-title">No items yet</p><p class="state-text">Search above to add the treatments and products of this ${noun}.</p></div>`
        : html`<div class="table-wrap"><table class="table lines editor-lines">
          <thead><tr><th scope="col">Item</th><th scope="col" class="qty-col">Qty</th><th scope="col" class="disc-col">Discount</th>
            <th scope="col" class="num">Amount</th><th scope="col" class="actions-col"><span class="visually-hidden">Remove</span></th></tr></thead>
          <tbody>${lines.map((l) => html`<${EditorLine} key=${l.uid} line=${l} r=${priced[l.uid]} stale=${!pv.fresh} promoNames=${promoNames}
            currency=${currency} symbol=${symbol} errorAt=${errorAt} setLine=${setLine} removeLine=${removeLine} />`)}</tbody>
        </table></div>`}
      <div class="editor-foot">
        <div class="field inv-disc">
          <label for="ie-discount">Invoice discount</label>
          <${DiscountInput} id="ie-discount" label="Invoice discount" value=${invDisc} currency=${currency} symbol=${symbol}
            error=${errorAt('discount')} onChange=${(x) => { setSaveError(null); setInvDisc(x); }} />
          ${errorAt('discount')
            ? html`<p class="field-error" id="ie-discount-err"><${Icon} name="alert" size=${14} /><span class="msg">${errorAt('discount')}</span></p>`
            : html`<p class="hint">Spread over the lines in proportion, exact to the cent.</p>`}
        </div>
        <div class=${'editor-totals' + (totals && !pv.fresh ? ' is-stale' : '')} aria-live="polite">
          ${totals ? html`<${TotalsTable} currency=${currency} rows=${[
            { label: 'Subtotal', amount: totals.gross },
            { label: 'Discounts', amount: totals.discount, minus: true },
            { label: 'Tax', amount: totals.tax },
            { label: 'Total', amount: totals.total, strong: true },
          ]} />` : html`<p class="muted small totals-empty">${lines.length ? 'Pricing…' : 'Add an item to see the totals.'}</p>`}
          <p class="price-state small muted">${lines.length === 0 ? '' : !ready ? 'Fix the marked fields to price again.'
            : pv.fresh ? (pv.error ? 'Not priced: see the message.' : 'Priced by the server.') : html`<span class="spinner"></span> Pricing…`}</p>
        </div>
      </div>
      <div class="editor-actions">
        <span class="small muted"><kbd>Ctrl</kbd> + <kbd>Enter</kbd> saves</span>
        <${Link} class="btn btn-ghost" href=${editing ? '/invoices/' + invoice.id : '/invoices'}>Cancel<//>
        <${Button} variant="primary" busy=${saving} onClick=${save}>${editing ? 'Save changes' : `Create ${noun}`}<//>
      </div>
    </section>
  </div>`;
}

function FieldError({ id, message }) {
  if (!message) return null;
  return html`<p class="field-error" id=${id}><${Icon} name="alert" size=${14} /><span class="msg">${message}</span></p>`;
}

// One line of the editor: the item, its quantity and discount, and what
// the server made of it (r: the preview's line; absent until priced).
function EditorLine({ line: l, r, stale, promoNames, currency, symbol, errorAt, setLine, removeLine }) {
  const qErr = errorAt(l.uid + ':quantity');
  const dErr = errorAt(l.uid + ':discount');
  const iErr = errorAt(l.uid + ':item');
  const qid = 'q-' + l.uid;
  const step = (d) => {
    const n = parseInt(l.quantity, 10);
    if (!(n >= 1)) { setLine(l.uid, { quantity: '1' }); return; }
    setLine(l.uid, { quantity: String(Math.min(10000, Math.max(1, n + d))) });
  };
  const parts = r ? [
    ['Member discount', r.tier_discount], ['Promotion', r.promotion_discount], ['Line discount', r.line_discount],
    ['Invoice discount', r.invoice_discount],
  ].filter(([, a]) => a > 0) : [];
  return html`<tr class=${stale ? 'is-stale' : ''}>
    <td><div class="strong">${l.name}</div>
      <div class="line-meta"><${ItemKind} kind=${l.kind} />${r && html`<span>${money(r.unit_price, currency)} each</span>`}
        ${r && r.taxable ? html`<span>Taxable</span>` : null}
        ${r && r.unit_price_source === 'member' ? html`<span class="tag tag-member" title="The member price of the patient's tier"><${Icon} name="star" size=${12} />Member price</span>` : null}
        ${r && r.promotion ? html`<span class="tag tag-promo" title="The promotion this line takes part in"><${Icon} name="tag" size=${12} />${promoNames[r.promotion] || 'Promotion'}</span>` : null}</div>
      <${FieldError} message=${iErr} /></td>
    <td class="qty-col"><div class="stepper">
      <button type="button" class="icon-btn icon-btn-sm" aria-label=${'One less ' + l.name} onClick=${() => step(-1)}>−</button>
      <input id=${qid} class="control control-sm" inputmode="numeric" autocomplete="off" aria-label=${'Quantity of ' + l.name}
        aria-invalid=${qErr ? 'true' : undefined} value=${l.quantity} onInput=${(e) => setLine(l.uid, { quantity: e.currentTarget.value })} />
      <button type="button" class="icon-btn icon-btn-sm" aria-label=${'One more ' + l.name} onClick=${() => step(1)}>+</button>
    </div><${FieldError} message=${qErr} /></td>
    <td class="disc-col"><${DiscountInput} small id=${'d-' + l.uid} label=${'Discount on ' + l.name} value=${l.disc} currency=${currency}
      symbol=${symbol} error=${dErr} onChange=${(x) => setLine(l.uid, { disc: x })} /><${FieldError} id=${'d-' + l.uid + '-err'} message=${dErr} /></td>
    <td class="num amount-col">${r ? html`
      ${r.gross !== r.net && html`<s class="was">${money(r.gross, currency)}</s> `}<span class="strong">${money(r.net, currency)}</span>
      ${parts.map(([label, a]) => html`<div key=${label} class="small muted">${label} −${money(a, currency)}</div>`)}
      ${r.tax > 0 && html`<div class="small muted">Tax ${money(r.tax, currency)}</div>`}` : html`<span class="muted">…</span>`}</td>
    <td class="actions"><button type="button" class="icon-btn" aria-label=${'Remove ' + l.name} onClick=${() => removeLine(l.uid)}>
      <${Icon} name="close" size=${16} /></button></td>
  </tr>`;
}

// The clinic's POS quick buttons (GET /v1/quick_buttons?clinic=): per
// group, its name adds every item of the group, each item's button adds
// that one. Items no longer in the catalog (archived) are left out.
function QuickButtons({ groups, catalog, onAdd }) {
  const shown = groups.map((g) => ({
    ...g, items: g.items.map((x) => catalog.items.find((it) => it.id === x.item)).filter(Boolean),
  })).filter((g) => g.items.length > 0);
  if (shown.length === 0) return null;
  const addAll = (g) => g.items.forEach((it) => onAdd(it));
  return html`<div class="quick-buttons" role="group" aria-label="Quick buttons">
    ${shown.map((g) => html`<div key=${g.id} class="qb-group" role="group" aria-label=${g.name}>
      <button type="button" class="qb-name" onClick=${() => addAll(g)}
        aria-label=${`Add ${g.name}: ${g.items.map((it) => it.name).join(', ')}`}><${Icon} name="plus" size=${14} />${g.name}
        ${g.items.length > 1 ? html`<span class="qb-count">${g.items.length}</span>` : null}</button>
      ${g.items.length > 1 && g.items.map((it) => html`<button key=${it.id} type="button" class="qb-item" aria-label=${'Add ' + it.name}
        onClick=${() => onAdd(it)}>${it.name}</button>`)}
    </div>`)}
  </div>`;
}

// Names of promotions by id, for the lines the preview says took part in
// one. Each is read once per page view (GET /v1/promotions/:id).
const promoCache = new Map();
function usePromotionNames(ids) {
  const [names, setNames] = useState({});
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    let live = true;
    for (const id of key ? key.split(',') : []) {
      if (!promoCache.has(id)) {
        const p = api('GET', '/v1/promotions/' + encodeURIComponent(id)).then((x) => x.name);
        p.catch(() => promoCache.delete(id));
        promoCache.set(id, p);
      }
      promoCache.get(id).then((name) => { if (live) setNames((n) => (n[id] === name ? n : { ...n, [id]: name })); }).catch(() => {});
    }
    return () => { live = false; };
  }, [key]);
  return names;
}

// Search the catalog and add an item: an ARIA combobox. Arrow keys move,
// Enter adds the highlighted item (the first by default), Escape clears.
function ItemSearch({ catalog, clinicId, inputRef, onAdd, autofocus }) {
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const hits = searchCatalog(catalog.items, q);
  useEffect(() => { if (autofocus && inputRef.current) inputRef.current.focus(); }, []);
  const add = (it) => { onAdd(it); setQ(''); setActive(0); };
  const onKeyDown = (e) => {
    if (e.key === 'ArrowDown' && hits.length) { e.preventDefault(); setOpen(true); setActive((a) => (a + 1) % hits.length); }
    else if (e.key === 'ArrowUp' && hits.length) { e.preventDefault(); setOpen(true); setActive((a) => (a - 1 + hits.length) % hits.length); }
    else if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      if (hits.length) add(hits[Math.min(active, hits.length - 1)]);
    } else if (e.key === 'Escape' && q) { e.preventDefault(); setQ(''); }
  };
  const show = open && q.trim().length > 0;
  const optId = (i) => 'is-opt-' + i;
  return html`<div class="item-search">
    <label for="item-search" class="visually-hidden">Add an item</label>
    <span class="search-icon"><${Icon} name="search" size=${18} /></span>
    <input id="item-search" ref=${inputRef} class="control" type="text" role="combobox" autocomplete="off" spellcheck="false"
      placeholder=${catalog.loading ? 'Loading the catalog…' : 'Add a service or product: type its name or SKU'}
      aria-autocomplete="list" aria-expanded=${show ? 'true' : 'false'} aria-controls="is-list"
      aria-activedescendant=${show && hits.length ? optId(Math.min(active, hits.length - 1)) : undefined}
      value=${q} onInput=${(e) => { setQ(e.currentTarget.value); setActive(0); setOpen(true); }}
      onFocus=${() => setOpen(true)} onBlur=${() => setOpen(false)} onKeyDown=${onKeyDown} />
    <div class=${'search-pop' + (show ? ' is-open' : '')}>
      <ul id="is-list" role="listbox" aria-label="Matching items">
        ${show && hits.map((it, i) => {
          const stock = stockAt(it, clinicId);
          return html`<li key=${it.id} id=${optId(i)} role="option" aria-selected=${i === active ? 'true' : 'false'}
            class=${'search-opt item-opt' + (i === active ? ' is-active' : '')}
            onMouseDown=${(e) => e.preventDefault()} onClick=${() => add(it)} onMouseMove=${() => setActive(i)}>
            <span class="search-opt-text"><span class="search-opt-name">${it.name}</span>
              <span class="search-opt-meta"><${ItemKind} kind=${it.kind} />${it.sku ? html` · <span class="mono">${it.sku}</span>` : null}
                ${stock != null ? html` · ${stock > 0 ? stock + ' in stock' : 'out of stock'}` : null}</span></span>
            <span class="num item-opt-price">${money(it.price, it.currency)}</span>
          </li>`;
        })}
      </ul>
      ${show && html`<p class="search-status" aria-live="polite">${catalog.error ? catalog.error.message
        : catalog.loading ? 'Loading the catalog…' : hits.length === 0 ? `Nothing in the catalog matches “${q.trim()}”.` : ''}</p>`}
    </div>
  </div>`;
}

// ---------------------------------------------------------------------------
// A patient's invoices (the Invoices tab of the patient page).

export function PatientInvoices({ patient }) {
  const { tz } = useApp();
  const pager = usePager(patient.id);
  const list = useLoad((signal) => api('GET', '/v1/invoices', {
    query: { patient: patient.id, limit: PAGE, starting_after: pager.after }, signal,
  }), [patient.id, pager.after]);
  const rows = list.data ? list.data.data : [];
  const merge = useMerge(rows, tz);
  const newHref = (kind) => `/invoices/new?patient=${encodeURIComponent(patient.id)}${kind ? '&kind=' + kind : ''}`;
  return html`<div class="tab-pad">
    ${!patient.archived && html`<div class="tab-actions">
      <${Link} class="btn btn-secondary btn-sm" href=${newHref('quote')}>New quote<//>
      <${Link} class="btn btn-primary btn-sm" href=${newHref('')}><${Icon} name="plus" size=${14} />New invoice<//></div>`}
    <${ListState} state=${list} empty=${rows.length === 0} emptyIcon="receipt" rows=${3}
      emptyText="No invoices yet" emptyHint="Invoices and quotes for this patient will appear here.">
      ${merge.bar}
      <div class="table-wrap"><table class="table table-compact">
        <thead><tr>${merge.head}<th scope="col">Invoice</th><th scope="col">Status</th><th scope="col" class="num">Total</th>
          <th scope="col" class="num">Due</th><th scope="col">Created</th></tr></thead>
        <tbody>${rows.map((v) => html`<tr key=${v.id} class=${'row-link' + merge.rowClass(v)} onClick=${(e) => { if (!e.target.closest('a,button,input,label')) navigate('/invoices/' + v.id); }}>
          ${merge.cell(v)}<td class="nowrap"><${Link} href=${'/invoices/' + v.id} class="strong-link inv-no">${invoiceTitle(v)}<//></td>
          <td><${InvoiceStatus} invoice=${v} /></td>
          <td class="num">${money(v.total, v.currency)}</td>
          <td class="num">${v.amount_due > 0 && isPayable(v) ? money(v.amount_due, v.currency) : html`<span class="muted">—</span>`}</td>
          <td class="muted nowrap">${dateTime(v.created, tz)}</td>
        </tr>`)}</tbody>
      </table></div>
      <${Pager} pager=${pager} hasMore=${list.data && list.data.has_more} lastId=${rows.length ? rows[rows.length - 1].id : null} label="invoices" />
    <//>
    ${merge.dialog}
  </div>`;
}

// ---------------------------------------------------------------------------
// Merging: a patient's open (or draft) invoices with nothing paid become
// one (POST /v1/invoices/merge). The server has the last word: invoices
// of two clinics, say, are refused with 422 invoices_not_mergeable naming
// the invoice (param "invoices[i]"), which the dialog shows.

const canMerge = (v) => (v.status === 'open' || v.status === 'draft') && !v.amount_paid;

// Selection checkboxes for a table of one patient's invoices, the bar
// that merges the selected ones, and its dialog.
function useMerge(rows, tz) {
  const [sel, setSel] = useState([]);
  const [open, setOpen] = useState(false);
  const [failed, setFailed] = useState(null); // the id the server refused
  const candidates = rows.filter(canMerge);
  const chosen = rows.filter((v) => sel.includes(v.id) && canMerge(v));
  const show = candidates.length >= 2;
  const toggle = (id) => { setFailed(null); setSel((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id])); };
  const label = (v) => `${invoiceTitle(v)} of ${dateTime(v.created, tz)}, ${money(v.total, v.currency)}`;
  return {
    head: show ? html`<th scope="col" class="check-col"><span class="visually-hidden">Merge</span></th>` : null,
    cell: (v) => (show ? html`<td class="check-col">${canMerge(v) ? html`<input type="checkbox" class="row-check"
      aria-label=${'Select ' + label(v) + ' to merge'} checked=${sel.includes(v.id)} onChange=${() => toggle(v.id)} />` : null}</td>` : null),
    rowClass: (v) => (v.id === failed ? ' is-failed' : sel.includes(v.id) ? ' is-selected' : ''),
    bar: show ? html`<div class="merge-bar" role="group" aria-label="Merge invoices">
      <span class="small ${chosen.length ? 'strong' : 'muted'}">${chosen.length === 0
        ? 'Select two or more open invoices to merge them into one.'
        : `${chosen.length} selected${chosen.length < 2 ? ': select one more to merge' : ''}`}</span>
      ${chosen.length > 0 && html`<${Button} size="sm" variant="ghost" onClick=${() => { setSel([]); setFailed(null); }}>Clear<//>`}
      <${Button} size="sm" variant="primary" disabled=${chosen.length < 2} onClick=${() => setOpen(true)}>
        ${chosen.length >= 2 ? `Merge ${chosen.length} invoices` : 'Merge invoices'}<//>
    </div>` : null,
    dialog: open && html`<${MergeDialog} invoices=${chosen} tz=${tz} onClose=${() => setOpen(false)} onFailed=${setFailed} />`,
  };
}

function MergeDialog({ invoices, tz, onClose, onFailed }) {
  const { clinics } = useApp();
  const form = useForm({});
  const [bad, setBad] = useState(null);
  const clinic = invoices[0] ? clinics.find((x) => x.id === invoices[0].clinic) : null;
  const submit = async (_, key) => {
    setBad(null);
    try {
      const r = await api('POST', '/v1/invoices/merge', { body: { invoices: invoices.map((v) => v.id) }, key });
      toast(`Merged into ${r.number || invoiceTitle(r)}`);
      navigate('/invoices/' + r.id);
    } catch (e) {
      const m = /^invoices\[(\d+)\]/.exec(e.param || '');
      const v = m ? invoices[parseInt(m[1], 10)] : null;
      if (!v) throw e;
      setBad(v.id);
      onFailed(v.id);
      // The server's message names the invoice (its number, or "invoice
      // (draft)"); the list below marks which one it is.
      throw new ApiError(e.status, { ...(e.detail || {}), param: null, message: `These invoices can't be merged: ${e.message}.` });
    }
  };
  return html`<${Dialog} title=${`Merge ${invoices.length} invoices?`} onClose=${onClose}
      description="They become one new invoice that owes exactly what they owe together.">
    <form class="dialog-form" noValidate onSubmit=${form.handleSubmit(submit)}>
      <div class="dialog-body">
        <${FormAlert} message=${form.formError} />
        <ul class="merge-list" aria-label="Invoices to merge">${invoices.map((v) => html`<li key=${v.id} class=${v.id === bad ? 'is-failed' : ''}>
          <span class=${'strong' + (v.number ? ' inv-no' : '')}>${invoiceTitle(v)}</span>
          <span class="small muted">${dateTime(v.created, tz)}</span>
          <span class="num strong">${money(v.total, v.currency)}</span></li>`)}</ul>
        <p class="confirm-text">The new invoice is finalized with the next number of ${clinic ? clinic.name : 'its clinic'}, its lines priced as they were.
          These ${invoices.length} become void and point to it; the numbered ones keep their numbers.</p>
      </div>
      <div class="dialog-foot">
        <${Button} onClick=${onClose}>Cancel<//>
        <${Button} type="submit" variant="primary" busy=${form.busy}>Merge invoices<//>
      </div>
    </form>
  <//>`;
}
