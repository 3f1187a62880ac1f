// Invoice settings and financing (head admin only; the routes of both are
// head-admin routes, and the settings navigation hides them from others):
// the front desk's discount limit and the disclaimer printed on every
// invoice and receipt (PATCH /v1/invoice_settings); connecting Cherry and
// Klarna in sandbox mode, disconnecting them, and the history of
// connections (/v1/financing_connections).
import {
  html, useState, api, useApp, useLoad, listAll, toast, dateTime, parseDecimal, bpsToPercentText, percent,
} from '../lib.js';
import {
  Button, PageHeader, ListState, FormDialog, Field, useForm, Badge, ConfirmDialog, FormAlert, Icon, fieldError,
} from '../components.js';
import { useUsers } from './invoicekit.js';
import { SettingsNav, Section, utf8Bytes } from './settingskit.js';

const DISCLAIMER_MAX = 2000;

// ---------------------------------------------------------------------------
// Invoice settings.

export function InvoiceSettingsPage() {
  const st = useLoad((signal) => api('GET', '/v1/invoice_settings', { signal }), []);
  return html`<div class="page">
    <${PageHeader} title="Invoice settings" subtitle="How much discount staff may give, and the words printed on every invoice and receipt. Only the head admin sees this page." />
    <${SettingsNav} current="/settings/invoices" />
    ${st.error && html`<div class="card state state-error" role="alert"><p class="state-title">Couldn't load the invoice settings</p>
      <p class="state-text">${st.error.message}</p><${Button} onClick=${st.reload}>Try again<//></div>`}
    ${!st.data && !st.error && html`<div class="card state state-loading" aria-busy="true"><div class="skeleton-row"><span></span><span></span><span></span></div></div>`}
    ${st.data && html`<${InvoiceSettingsForm} key=${st.data.discount_limit_bps + '|' + st.data.disclaimer} settings=${st.data} />`}
  </div>`;
}

function InvoiceSettingsForm({ settings }) {
  const [saved, setSaved] = useState(settings);
  const form = useForm({ discount_limit_bps: bpsToPercentText(settings.discount_limit_bps), disclaimer: settings.disclaimer || '' });
  const v = form.values;
  const bytes = utf8Bytes(v.disclaimer);
  const dirty = v.disclaimer !== (saved.disclaimer || '') || parseDecimal(v.discount_limit_bps, 2) !== saved.discount_limit_bps;
  const submit = async (vals) => {
    const bps = parseDecimal(String(vals.discount_limit_bps).replace(/%$/, ''), 2);
    if (bps == null || bps > 10000) throw fieldError('discount_limit_bps', 'Enter a percent from 0 to 100, such as 20 or 12.5.');
    if (utf8Bytes(vals.disclaimer) > DISCLAIMER_MAX) throw fieldError('disclaimer', `The disclaimer is too long: at most ${DISCLAIMER_MAX} bytes.`);
    const s = await api('PATCH', '/v1/invoice_settings', { body: { discount_limit_bps: bps, disclaimer: vals.disclaimer.trim() } });
    setSaved(s);
    form.setValues({ discount_limit_bps: bpsToPercentText(s.discount_limit_bps), disclaimer: s.disclaimer || '' });
    toast('Invoice settings saved');
  };
  return html`<${Section} id="is-title" title="Discounts and disclaimer"
      text=${`Now: staff below admin may give up to ${percent(saved.discount_limit_bps)} off; ${saved.disclaimer ? 'a disclaimer is printed.' : 'no disclaimer is printed.'}`}>
    <form class="settings-form" noValidate onSubmit=${form.handleSubmit(submit)}>
      <${FormAlert} message=${form.formError} />
      <${Field} form=${form} name="discount_limit_bps" label="Discount limit" suffix="%" inputmode="decimal" autocomplete="off" class="field-short"
        hint="The most custom discount (line and invoice discounts together) a provider or the front desk may give, as a share of the amount after promotions. Admins have no limit; promotions never count." />
      <div class="field-with-count">
        <${Field} form=${form} name="disclaimer" label="Invoice disclaimer" as="textarea" rows="4" maxlength=${DISCLAIMER_MAX}
          placeholder="All treatment sales are final. Results vary."
          hint="Printed at the foot of every invoice and receipt. Leave it empty to print none." />
        <span class=${'count small' + (bytes > DISCLAIMER_MAX ? ' over' : ' muted')} aria-live="polite">${bytes} / ${DISCLAIMER_MAX}</span>
      </div>
      ${v.disclaimer.trim() && html`<div class="disclaimer-preview" aria-label="How the disclaimer prints">
        <span class="eyebrow">On the receipt</span><p class="prewrap">${v.disclaimer.trim()}</p></div>`}
      <div class="settings-foot">
        <span class="small muted">${dirty ? 'Unsaved changes' : 'Saved'}</span>
        <${Button} type="submit" variant="primary" busy=${form.busy} disabled=${!dirty}>Save invoice settings<//>
      </div>
    </form>
  <//>`;
}

// ---------------------------------------------------------------------------
// Financing.

const PROVIDERS = [
  { id: 'cherry', name: 'Cherry', text: 'Patient financing: Cherry approves the patient, pays the practice the whole amount and collects monthly payments. USD only, $50 to $10,000.' },
  { id: 'klarna', name: 'Klarna', text: 'Buy now, pay later in four interest-free payments. Klarna pays the practice the whole amount. 35.00 to 1,000.00.' },
];

export function FinancingPage() {
  const list = useLoad(() => listAll('/v1/financing_connections'), []);
  const users = useUsers();
  const { tz } = useApp();
  const [dialog, setDialog] = useState(null);
  const rows = list.data || [];
  const current = (p) => rows.find((c) => c.provider === p && c.status === 'connected') || null;
  const disconnect = async (c) => {
    await api('DELETE', '/v1/financing_connections/' + c.id);
    toast(`${providerName(c.provider)} disconnected`);
    setDialog(null);
    list.reload();
  };
  return html`<div class="page">
    <${PageHeader} title="Financing" subtitle="Let patients pay with Cherry or Klarna at checkout. Only the head admin sees this page." />
    <${SettingsNav} current="/settings/financing" />
    ${list.error && !list.data ? html`<${ListState} state=${list} />` : html`<div class="provider-grid">
      ${PROVIDERS.map((p) => html`<${ProviderCard} key=${p.id} provider=${p} conn=${current(p.id)} loading=${!list.data}
        users=${users} tz=${tz} onConnect=${() => setDialog({ kind: 'connect', provider: p })}
        onDisconnect=${(c) => setDialog({ kind: 'disconnect', conn: c })} />`)}
    </div>`}
    <${Section} id="fh-title" title="Connection history" text="Every connection, connected or not, newest first.">
      <${ListState} state=${list} empty=${rows.length === 0} emptyText="Nothing connected yet" emptyIcon="bank" rows=${2}
        emptyHint="Connect Cherry or Klarna above; each connection is kept here, also after it is disconnected.">
        <div class="table-wrap"><table class="table table-compact">
          <thead><tr><th scope="col">Provider</th><th scope="col">Merchant</th><th scope="col">Mode</th><th scope="col">Status</th>
            <th scope="col">Connected</th><th scope="col">Disconnected</th></tr></thead>
          <tbody>${rows.map((c) => html`<tr key=${c.id} class=${c.status === 'connected' ? '' : 'is-dim'}>
            <td class="strong">${providerName(c.provider)}</td>
            <td><div>${c.merchant_name}</div><div class="mono small muted">${c.merchant_id}</div></td>
            <td><${Badge} tone="warn">${c.mode === 'sandbox' ? 'Sandbox' : c.mode}<//></td>
            <td><${Badge} tone=${c.status === 'connected' ? 'success' : 'neutral'}>${c.status === 'connected' ? 'Connected' : 'Disconnected'}<//></td>
            <td class="small">${dateTime(c.connected, tz)}${c.connected_by ? html`<div class="muted">by ${users.name(c.connected_by)}</div>` : null}</td>
            <td class="small">${c.disconnected ? html`${dateTime(c.disconnected, tz)}${c.disconnected_by ? html`<div class="muted">by ${users.name(c.disconnected_by)}</div>` : null}` : html`<span class="muted">—</span>`}</td>
          </tr>`)}</tbody>
        </table></div>
      <//>
    <//>
    ${dialog && dialog.kind === 'connect' && html`<${ConnectDialog} provider=${dialog.provider} onClose=${() => setDialog(null)}
      onDone=${() => { setDialog(null); list.reload(); }} />`}
    ${dialog && dialog.kind === 'disconnect' && html`<${ConfirmDialog} title=${`Disconnect ${providerName(dialog.conn.provider)}?`} danger
      confirmLabel="Disconnect" message=${`Checkout stops offering ${providerName(dialog.conn.provider)}. Refunds of earlier ${providerName(dialog.conn.provider)} tenders need merchant ${dialog.conn.merchant_id} connected again.`}
      onConfirm=${() => disconnect(dialog.conn)} onClose=${() => setDialog(null)} />`}
  </div>`;
}

const providerName = (id) => (PROVIDERS.find((p) => p.id === id) || { name: id }).name;

function ProviderCard({ provider: p, conn, loading, users, tz, onConnect, onDisconnect }) {
  const tid = 'fp-' + p.id;
  return html`<section class=${'card provider-card' + (conn ? ' is-connected' : '')} aria-labelledby=${tid}>
    <div class="provider-head">
      <span class=${'provider-mark provider-' + p.id} aria-hidden="true">${p.name[0]}</span>
      <div class="provider-title"><h2 id=${tid} class="section-title">${p.name}</h2>
        ${loading ? html`<span class="muted small">Checking…</span>`
          : conn ? html`<span class="badges"><${Badge} tone="success">Connected<//> <${Badge} tone="warn">Sandbox<//></span>`
          : html`<${Badge}>Not connected<//>`}</div>
    </div>
    <p class="small muted provider-text">${p.text}</p>
    ${conn && html`<dl class="dl dl-2 provider-dl">
      <div><dt>Merchant ID</dt><dd class="mono">${conn.merchant_id}</dd></div>
      <div><dt>Merchant name</dt><dd>${conn.merchant_name}</dd></div>
      <div><dt>Connected</dt><dd>${dateTime(conn.connected, tz)}</dd></div>
      <div><dt>By</dt><dd>${conn.connected_by ? users.name(conn.connected_by) : 'Poise'}</dd></div>
    </dl>`}
    <div class="provider-foot">
      ${!loading && (conn
        ? html`<${Button} variant="ghost" class="btn-danger-text" onClick=${() => onDisconnect(conn)}>Disconnect ${p.name}<//>`
        : html`<${Button} variant="primary" icon="plus" onClick=${onConnect}>Connect ${p.name}<//>`)}
    </div>
  </section>`;
}

function ConnectDialog({ provider: p, onClose, onDone }) {
  const { me } = useApp();
  const form = useForm({ merchant_id: '', merchant_name: '', mode: 'sandbox' });
  const submit = async (v, key) => {
    const mid = v.merchant_id.trim();
    if (!mid) throw fieldError('merchant_id', `Enter the practice's merchant ID at ${p.name}.`);
    const body = { provider: p.id, merchant_id: mid, mode: v.mode };
    if (v.merchant_name.trim()) body.merchant_name = v.merchant_name.trim();
    const c = await api('POST', '/v1/financing_connections', { body, key });
    toast(`${p.name} connected (${c.merchant_id}, sandbox)`);
    onDone();
  };
  return html`<${FormDialog} title=${'Connect ' + p.name} description=${p.text} form=${form} onSubmit=${submit} onClose=${onClose}
      submitLabel=${'Connect ' + p.name}>
    <${Field} form=${form} name="merchant_id" label="Merchant ID" autocomplete="off" spellcheck="false" class="mono-field"
      hint=${`The practice's merchant ID at ${p.name}: letters, digits, “-”, “_” or “.”.`} />
    <${Field} form=${form} name="merchant_name" label="Merchant name (optional)" autocomplete="off" placeholder=${me.account.name}
      hint="What patients see at the provider; the practice's name when left empty." />
    <fieldset class="choices" id=${form.id + '-mode'}>
      <legend class="choices-legend">Mode</legend>
      <label class="choice is-on"><input type="radio" name="mode" value="sandbox" checked onChange=${() => form.set('mode', 'sandbox')} />
        <span class="choice-text"><span class="choice-name">Sandbox</span><span class="choice-desc">Test approvals and declines by amount; no money moves.</span></span></label>
      <label class="choice is-disabled"><input type="radio" name="mode" value="live" disabled />
        <span class="choice-text"><span class="choice-name">Live</span><span class="choice-desc">Not available yet: Poise has no live ${p.name} connector.</span></span></label>
    </fieldset>
    ${form.errors.mode && html`<p class="field-error"><${Icon} name="alert" size=${14} /><span class="msg">${form.errors.mode}</span></p>`}
  <//>`;
}
