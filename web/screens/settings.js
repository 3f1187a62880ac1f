// POS settings (head admin only): turn card payments on (gateway and
// merchant mode), then manage merchant accounts, bank accounts for
// payouts, card readers (register, remove, order), see the fee
// statements, and turn payments off again (after seeing what would stop).
import {
  html, useState, api, useApp, useLoad, listAll, toast, toastError, money, dateOnly,
} from '../lib.js';
import {
  Button, PageHeader, ListState, FormDialog, Field, useForm, Badge, ConfirmDialog, Dialog, FormAlert, Icon,
  fieldError,
} from '../components.js';
import { masked, humanize } from './paykit.js';

const GATEWAYS = [
  { id: 'sandbox', name: 'Sandbox', text: 'A simulated processor for trying Poise out and for training. Test cards only; no money moves.' },
  { id: 'stripe', name: 'Stripe', text: 'Card payments through Stripe, in the countries Stripe serves.' },
  { id: 'clearent', name: 'Clearent', text: 'Card payments through Clearent. US practices only.' },
];
const MODES = [
  { id: 'single', name: 'Single merchant account', text: 'One merchant account for the whole practice: every clinic\'s card payments are paid out together to one bank account.' },
  { id: 'multiple', name: 'One merchant account per clinic', text: 'Each clinic has its own merchant account, bank account and payouts. Clinics opened later get theirs here.' },
];

export function PosSettingsPage() {
  const pos = useLoad((signal) => api('GET', '/v1/pos_settings', { signal }), []);
  const s = pos.data;
  return html`<div class="page">
    <${PageHeader} title="POS settings" subtitle="Payment processing, merchant and bank accounts, card readers and fees. Only the head admin sees this page." />
    ${pos.error && html`<div class="state state-error" role="alert"><p class="state-title">Couldn't load the POS settings</p>
      <p class="state-text">${pos.error.message}</p><${Button} onClick=${pos.reload}>Try again<//></div>`}
    ${!s && !pos.error && html`<div class="card state state-loading" aria-busy="true"><div class="skeleton-row"><span></span><span></span><span></span></div></div>`}
    ${s && s.status !== 'active' && html`<${Activate} settings=${s} onDone=${pos.reload} />`}
    ${s && s.status === 'active' && html`<${ActiveSettings} settings=${s} reload=${pos.reload} />`}
  </div>`;
}

function Choice({ name, value, options, onChange, legend }) {
  return html`<fieldset class="choices">
    <legend class="choices-legend">${legend}</legend>
    ${options.map((o) => html`<label key=${o.id} class=${'choice' + (value === o.id ? ' is-on' : '')}>
      <input type="radio" name=${name} value=${o.id} checked=${value === o.id} onChange=${() => onChange(o.id)} />
      <span class="choice-text"><span class="choice-name">${o.name}</span><span class="choice-desc">${o.text}</span></span>
    </label>`)}
  </fieldset>`;
}

function Activate({ settings, onDone }) {
  const { currency } = useApp();
  const form = useForm({ gateway: settings.gateway || 'sandbox', merchant_mode: settings.merchant_mode || 'single' });
  const fee = settings.connection_fee;
  const submit = async (v, key) => {
    await api('POST', '/v1/pos_settings/activate', { body: { gateway: v.gateway, merchant_mode: v.merchant_mode }, key });
    toast('Card payments are on');
    onDone();
  };
  return html`<section class="card wizard" aria-labelledby="activate-title">
    <form noValidate onSubmit=${form.handleSubmit(submit)}>
      <div class="wizard-head">
        <span class="state-icon"><${Icon} name="card" size=${22} /></span>
        <div><h2 id="activate-title" class="section-title">Turn on card payments</h2>
          <p class="muted">${settings.deactivated ? 'Card payments were turned off on ' + dateOnly(settings.deactivated) + '. ' : ''}Choose a payment gateway and how your clinics are paid out.</p></div>
      </div>
      <${FormAlert} message=${form.formError} />
      <ol class="steps">
        <li><${Choice} name="gateway" legend="1. Payment gateway" value=${form.values.gateway} options=${GATEWAYS} onChange=${(g) => form.set('gateway', g)} /></li>
        <li><${Choice} name="merchant_mode" legend="2. Merchant accounts" value=${form.values.merchant_mode} options=${MODES} onChange=${(m) => form.set('merchant_mode', m)} /></li>
      </ol>
      <div class="wizard-foot">
        <p class="small muted">${fee ? `A connection fee of ${money(fee.amount, currency)} a ${fee.interval} applies to each merchant account, deducted from its payouts.` : ''}</p>
        <${Button} type="submit" variant="primary" busy=${form.busy}>Activate card payments<//>
      </div>
    </form>
  </section>`;
}

function ActiveSettings({ settings: s, reload }) {
  const { currency, clinics } = useApp();
  const merchants = useLoad((signal) => api('GET', '/v1/merchant_accounts', { signal }), []);
  const ms = merchants.data ? merchants.data.data : [];
  const clinicName = (id) => { const c = clinics.find((x) => x.id === id); return c ? c.name : id; };
  const gw = GATEWAYS.find((g) => g.id === s.gateway);
  const [dialog, setDialog] = useState(null);
  return html`
    <section class="card summary" aria-label="Card payments">
      <div class="summary-row">
        <div><span class="eyebrow">Status</span><div><${Badge} tone="success">Active<//></div></div>
        <div><span class="eyebrow">Gateway</span><div class="strong">${gw ? gw.name : s.gateway}${s.gateway === 'sandbox' ? html` <${Badge} tone="warn">Test mode<//>` : null}</div></div>
        <div><span class="eyebrow">Merchant accounts</span><div class="strong">${s.merchant_mode === 'multiple' ? 'One per clinic' : 'Single'}</div></div>
        <div><span class="eyebrow">Active since</span><div>${dateOnly(s.activated)}</div></div>
        <div><span class="eyebrow">Connection fee</span><div>${money(s.connection_fee.amount, currency)} / ${s.connection_fee.interval}</div></div>
      </div>
    </section>
    <${Merchants} mode=${s.merchant_mode} list=${merchants} clinicName=${clinicName} />
    <${BankAccounts} mode=${s.merchant_mode} merchants=${ms} clinicName=${clinicName} />
    <${Readers} />
    <${Fees} />
    <section class="card danger-zone" aria-labelledby="deact-title">
      <div class="section-head"><div><h2 id="deact-title" class="section-title">Turn off card payments</h2>
        <p class="small muted">Stops card payments, saved cards, readers and everything billed to cards. You will see what stops before confirming.</p></div>
        <${Button} variant="danger" onClick=${() => setDialog('deactivate')}>Deactivate…<//></div>
    </section>
    ${dialog === 'deactivate' && html`<${DeactivateDialog} onClose=${() => setDialog(null)} onDone=${() => { setDialog(null); reload(); }} />`}
  `;
}

function Section({ id, title, text, action, children }) {
  return html`<section class="card" aria-labelledby=${id}>
    <div class="section-head"><div><h2 id=${id} class="section-title">${title}</h2>${text && html`<p class="small muted">${text}</p>`}</div>
      ${action && html`<div class="page-actions">${action}</div>`}</div>
    ${children}
  </section>`;
}

// ---------------------------------------------------------------------------

function Merchants({ mode, list, clinicName }) {
  const { clinics } = useApp();
  const [adding, setAdding] = useState(false);
  const ms = list.data ? list.data.data : [];
  const free = list.data ? clinics.filter((c) => !c.archived && !ms.some((m) => m.clinic === c.id)) : [];
  return html`<${Section} id="ma-title" title="Merchant accounts"
    text=${mode === 'multiple' ? 'One per clinic: each clinic is paid out separately.' : 'One account for the whole practice.'}
    action=${mode === 'multiple' && (free.length > 0
      ? html`<${Button} size="sm" icon="plus" onClick=${() => setAdding(true)}>Add merchant account<//>`
      : html`<span class="small muted">Every clinic has one</span>`)}>
    <${ListState} state=${list} empty=${ms.length === 0} emptyText="No merchant accounts yet" emptyIcon="bank"
      emptyHint=${mode === 'multiple' ? 'Add one for each clinic that takes card payments.' : null} rows=${2}>
      <div class="table-wrap"><table class="table table-compact">
        <thead><tr><th scope="col">Name</th><th scope="col">Clinic</th><th scope="col">Currency</th><th scope="col">Status</th><th scope="col">ID</th></tr></thead>
        <tbody>${ms.map((m) => html`<tr key=${m.id}><td class="strong">${m.name}</td><td>${m.clinic ? clinicName(m.clinic) : html`<span class="muted">All clinics</span>`}</td>
          <td class="muted">${m.currency}</td><td><${Badge} tone=${m.status === 'active' ? 'success' : 'neutral'}>${humanize(m.status)}<//></td>
          <td class="mono small muted">${m.id}</td></tr>`)}</tbody>
      </table></div>
    <//>
    ${adding && html`<${MerchantDialog} have=${ms} onClose=${() => setAdding(false)} onSaved=${() => { setAdding(false); list.reload(); }} />`}
  <//>`;
}

function MerchantDialog({ have, onClose, onSaved }) {
  const { clinics } = useApp();
  const free = clinics.filter((c) => !c.archived && !have.some((m) => m.clinic === c.id));
  const form = useForm({ clinic: free.length ? free[0].id : '' });
  const submit = async (v, key) => {
    if (!v.clinic) throw fieldError('clinic', 'Every clinic already has a merchant account.');
    const m = await api('POST', '/v1/merchant_accounts', { body: { clinic: v.clinic }, key });
    toast(`Merchant account ${m.name} added`);
    onSaved();
  };
  return html`<${FormDialog} title="Add merchant account" form=${form} onSubmit=${submit} onClose=${onClose} submitLabel="Add">
    <${Field} form=${form} name="clinic" label="Clinic" as="select" hint="The clinic's card payments will be paid out from this account.">
      ${free.map((c) => html`<option key=${c.id} value=${c.id}>${c.name}</option>`)}
      ${free.length === 0 && html`<option value="">No clinic without one</option>`}
    <//>
  <//>`;
}

// ---------------------------------------------------------------------------

function BankAccounts({ mode, merchants, clinicName }) {
  const list = useLoad((signal) => api('GET', '/v1/bank_accounts', { signal }), []);
  const rows = list.data ? list.data.data : [];
  const [dialog, setDialog] = useState(null);
  const mName = (id) => { const m = merchants.find((x) => x.id === id); return m ? (m.clinic ? clinicName(m.clinic) : m.name) : id; };
  const setDefault = (b) => api('POST', `/v1/bank_accounts/${b.id}/set_default`)
    .then(() => { toast(`${masked(b.last4)} is now the default`); list.reload(); }).catch(toastError);
  const remove = async (b) => {
    await api('DELETE', '/v1/bank_accounts/' + b.id);
    toast(`Bank account ${masked(b.last4)} removed`); setDialog(null); list.reload();
  };
  return html`<${Section} id="ba-title" title="Bank accounts" text="Where payouts are sent. Only the last four digits are kept on screen."
    action=${html`<${Button} size="sm" icon="plus" onClick=${() => setDialog({ kind: 'add' })}>Add bank account<//>`}>
    <${ListState} state=${list} empty=${rows.length === 0} emptyText="No bank account yet" emptyIcon="bank"
      emptyHint="Add the account payouts should go to." rows=${2}>
      <div class="table-wrap"><table class="table table-compact">
        <thead><tr><th scope="col">Account holder</th><th scope="col">Routing number</th><th scope="col">Account</th>
          ${mode === 'multiple' && html`<th scope="col">Merchant account</th>`}<th scope="col">Added</th>
          <th scope="col" class="actions-col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${rows.map((b) => html`<tr key=${b.id}>
          <td class="strong">${b.holder_name}${b.default ? html` <${Badge} tone="accent">Default<//>` : null}</td>
          <td class="mono">${b.routing_number}</td><td class="mono nowrap">${masked(b.last4)}</td>
          ${mode === 'multiple' && html`<td>${mName(b.merchant_account)}</td>`}
          <td class="muted nowrap">${dateOnly(b.created)}</td>
          <td class="actions">
            ${!b.default && html`<${Button} size="sm" variant="ghost" aria-label=${'Make ' + masked(b.last4) + ' the default'} onClick=${() => setDefault(b)}>Make default<//>`}
            <${Button} size="sm" variant="ghost" aria-label=${'Remove bank account ' + masked(b.last4)} onClick=${() => setDialog({ kind: 'remove', bank: b })}>Remove<//>
          </td></tr>`)}</tbody>
      </table></div>
    <//>
    ${dialog && dialog.kind === 'add' && html`<${BankDialog} mode=${mode} merchants=${merchants} mName=${mName}
      onClose=${() => setDialog(null)} onSaved=${() => { setDialog(null); list.reload(); }} />`}
    ${dialog && dialog.kind === 'remove' && html`<${ConfirmDialog} title=${`Remove bank account ${masked(dialog.bank.last4)}?`} danger
      confirmLabel="Remove bank account" message="Payouts can no longer be sent to it."
      onConfirm=${() => remove(dialog.bank)} onClose=${() => setDialog(null)} />`}
  <//>`;
}

function BankDialog({ mode, merchants, mName, onClose, onSaved }) {
  const form = useForm({ merchant_account: merchants.length ? merchants[0].id : '', holder_name: '', routing_number: '', account_number: '' });
  const submit = async (v, key) => {
    const routing = v.routing_number.replace(/\s/g, '');
    const account = v.account_number.replace(/[\s-]/g, '');
    if (!/^\d{9}$/.test(routing)) throw fieldError('routing_number', 'A routing number has 9 digits.');
    if (!/^\d{4,17}$/.test(account)) throw fieldError('account_number', 'Enter the account number (4 to 17 digits).');
    const body = { holder_name: v.holder_name.trim(), routing_number: routing, account_number: account };
    if (mode === 'multiple' && v.merchant_account) body.merchant_account = v.merchant_account;
    const b = await api('POST', '/v1/bank_accounts', { body, key });
    toast(`Bank account ${masked(b.last4)} added`);
    onSaved();
  };
  return html`<${FormDialog} title="Add bank account" description="Payouts are deposited here." form=${form} onSubmit=${submit} onClose=${onClose} submitLabel="Add bank account">
    ${mode === 'multiple' && html`<${Field} form=${form} name="merchant_account" label="Merchant account" as="select">
      ${merchants.map((m) => html`<option key=${m.id} value=${m.id}>${mName(m.id)}</option>`)}<//>`}
    <${Field} form=${form} name="holder_name" label="Account holder name" autocomplete="off" />
    <div class="grid-2">
      <${Field} form=${form} name="routing_number" label="Routing number" inputmode="numeric" autocomplete="off" maxlength="9" class="mono-field" />
      <${Field} form=${form} name="account_number" label="Account number" inputmode="numeric" autocomplete="off" class="mono-field" />
    </div>
  <//>`;
}

// ---------------------------------------------------------------------------

function Readers() {
  const { clinics } = useApp();
  const list = useLoad((signal) => api('GET', '/v1/card_readers', { signal }), []);
  const rows = list.data ? list.data.data : [];
  const [dialog, setDialog] = useState(null);
  const clinicName = (id) => { const c = clinics.find((x) => x.id === id); return c ? c.name : id; };
  const remove = async (r) => {
    await api('DELETE', '/v1/card_readers/' + r.id);
    toast(`${r.label} removed`); setDialog(null); list.reload();
  };
  return html`<${Section} id="rd-title" title="Card readers" text="Readers take card-present payments at the front desk."
    action=${html`<${Button} size="sm" onClick=${() => setDialog({ kind: 'order' })}>Order readers<//>
      <${Button} size="sm" icon="plus" onClick=${() => setDialog({ kind: 'add' })}>Register reader<//>`}>
    <${ListState} state=${list} empty=${rows.length === 0} emptyText="No card readers yet" emptyIcon="reader"
      emptyHint="Register a reader by its serial number, or order one." rows=${2}>
      <div class="table-wrap"><table class="table table-compact">
        <thead><tr><th scope="col">Reader</th><th scope="col">Serial number</th><th scope="col">Clinic</th><th scope="col">Registered</th>
          <th scope="col" class="actions-col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${rows.map((r) => html`<tr key=${r.id}><td class="strong">${r.label}</td><td class="mono">${r.serial_number}</td>
          <td>${clinicName(r.clinic)}</td><td class="muted nowrap">${dateOnly(r.created)}</td>
          <td class="actions"><${Button} size="sm" variant="ghost" aria-label=${'Remove ' + r.label} onClick=${() => setDialog({ kind: 'remove', reader: r })}>Remove<//></td></tr>`)}</tbody>
      </table></div>
    <//>
    ${dialog && dialog.kind === 'add' && html`<${ReaderDialog} onClose=${() => setDialog(null)} onSaved=${() => { setDialog(null); list.reload(); }} />`}
    ${dialog && dialog.kind === 'order' && html`<${OrderDialog} onClose=${() => setDialog(null)} />`}
    ${dialog && dialog.kind === 'remove' && html`<${ConfirmDialog} title=${`Remove ${dialog.reader.label}?`} danger confirmLabel="Remove reader"
      message="The reader can no longer take payments until it is registered again."
      onConfirm=${() => remove(dialog.reader)} onClose=${() => setDialog(null)} />`}
  <//>`;
}

function ClinicOptions() {
  const { clinics } = useApp();
  return clinics.filter((c) => !c.archived).map((c) => html`<option key=${c.id} value=${c.id}>${c.name}</option>`);
}

function ReaderDialog({ onClose, onSaved }) {
  const { clinic } = useApp();
  const form = useForm({ clinic: clinic ? clinic.id : '', serial_number: '', label: '' });
  const submit = async (v, key) => {
    const body = { clinic: v.clinic, serial_number: v.serial_number.trim() };
    if (v.label.trim()) body.label = v.label.trim();
    const r = await api('POST', '/v1/card_readers', { body, key });
    toast(`${r.label} registered`);
    onSaved();
  };
  return html`<${FormDialog} title="Register card reader" form=${form} onSubmit=${submit} onClose=${onClose} submitLabel="Register">
    <${Field} form=${form} name="clinic" label="Clinic" as="select"><${ClinicOptions} /><//>
    <${Field} form=${form} name="serial_number" label="Serial number" autocomplete="off" spellcheck="false" class="mono-field" hint="Printed on the back of the reader." />
    <${Field} form=${form} name="label" label="Label (optional)" autocomplete="off" placeholder="Front desk" />
  <//>`;
}

function OrderDialog({ onClose }) {
  const { clinic, currency } = useApp();
  const form = useForm({ clinic: clinic ? clinic.id : '', quantity: '1', shipping_name: '' });
  const submit = async (v, key) => {
    const q = parseInt(v.quantity, 10);
    if (!(q >= 1 && q <= 20) || String(q) !== v.quantity.trim()) throw fieldError('quantity', 'Order from 1 to 20 readers.');
    const o = await api('POST', '/v1/card_reader_orders', { body: { clinic: v.clinic, quantity: q, shipping_name: v.shipping_name.trim() }, key });
    toast(`Ordered ${o.quantity} reader${o.quantity === 1 ? '' : 's'} (${money(o.amount, o.currency)})`);
    onClose();
  };
  return html`<${FormDialog} title="Order card readers" form=${form} onSubmit=${submit} onClose=${onClose} submitLabel="Place order"
    description=${`Your first reader costs ${money(9900, currency)}, deducted from your first payout. Later readers are charged when ordered.`}>
    <${Field} form=${form} name="clinic" label="Ship to clinic" as="select"><${ClinicOptions} /><//>
    <div class="grid-2">
      <${Field} form=${form} name="quantity" label="Quantity" type="number" min="1" max="20" inputmode="numeric" />
      <${Field} form=${form} name="shipping_name" label="Recipient name" autocomplete="off" />
    </div>
  <//>`;
}

// ---------------------------------------------------------------------------

function Fees() {
  const list = useLoad(() => listAll('/v1/fee_statements'), []);
  const rows = list.data || [];
  return html`<${Section} id="fee-title" title="Fee statements" text="Monthly connection fees and card reader charges.">
    <${ListState} state=${list} empty=${rows.length === 0} emptyText="No fees yet" emptyIcon="receipt" rows=${2}>
      <div class="table-wrap"><table class="table table-compact">
        <thead><tr><th scope="col">Period</th><th scope="col">Description</th><th scope="col">Kind</th><th scope="col" class="num">Amount</th><th scope="col">Status</th></tr></thead>
        <tbody>${rows.map((f) => html`<tr key=${f.id}><td class="nowrap">${f.period}</td><td>${f.description}</td>
          <td class="muted">${f.kind === 'card_reader' ? 'Card reader' : 'Connection fee'}</td>
          <td class="num">${money(f.amount, f.currency)}</td>
          <td><${Badge} tone=${f.status === 'pending' ? 'warn' : 'success'}>${humanize(f.status)}<//></td></tr>`)}</tbody>
      </table></div>
    <//>
  <//>`;
}

// ---------------------------------------------------------------------------

const STOPS = [
  ['payments', 'open payments (authorized, not yet captured)', (w) => (w.payments ? w.payments.open : 0)],
  ['saved_cards', 'saved cards on file', (w) => w.saved_cards],
  ['merchant_accounts', 'merchant accounts', (w) => w.merchant_accounts],
  ['card_readers', 'card readers', (w) => w.card_readers],
  ['membership_billing', 'memberships billed to a card', (w) => w.membership_billing],
  ['wallet', 'wallet top-ups by card', (w) => w.wallet],
  ['packages', 'packages paid by card', (w) => w.packages],
  ['gift_cards', 'gift cards sold by card', (w) => w.gift_cards],
];

function DeactivateDialog({ onClose, onDone }) {
  const [stop, setStop] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const go = async (e) => {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      await api('POST', '/v1/pos_settings/deactivate', { body: stop ? { confirm: true } : {} });
      toast('Card payments are off');
      onDone();
    } catch (err) {
      if (err.status === 409 && err.detail && err.detail.would_stop) setStop(err.detail.would_stop);
      else setError(err.message);
      setBusy(false);
    }
  };
  const items = stop ? STOPS.map(([k, label, get]) => [k, label, get(stop) || 0]).filter((x) => x[2] > 0) : [];
  return html`<${Dialog} title="Turn off card payments?" onClose=${onClose}>
    <form class="dialog-form" noValidate onSubmit=${go}>
      <div class="dialog-body">
        <${FormAlert} message=${error} />
        ${!stop && html`<p class="confirm-text">Poise will check what depends on card payments first.</p>`}
        ${stop && html`<div class="would-stop" role="status">
          <p class="strong">Deactivating stops:</p>
          ${items.length ? html`<ul class="stop-list">${items.map(([k, label, n]) => html`<li key=${k}><span class="stop-n">${n}</span> ${label}</li>`)}</ul>`
            : html`<p class="muted">Nothing else depends on card payments.</p>`}
          <p class="small muted">Card payments, saved cards and readers stop working until you activate again.</p>
        </div>`}
      </div>
      <div class="dialog-foot">
        <${Button} onClick=${onClose} data-autofocus="">Cancel<//>
        <${Button} type="submit" variant="danger" busy=${busy}>${stop ? 'Deactivate anyway' : 'Check and deactivate'}<//>
      </div>
    </form>
  <//>`;
}
