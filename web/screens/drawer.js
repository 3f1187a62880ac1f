// Cash drawer: the drawers of the clinic chosen in the top bar (open ones
// first, then closed ones, paged), opening one with a float, and one
// drawer's report: its movements, paid-ins and paid-outs, and the close
// with the counted cash. Expected cash and over/short are the server's.
import {
  html, useState, api, useApp, useLoad, usePager, navigate, Link, toast, money, parseMoney, dateTime,
  timeOnly, listAll,
} from '../lib.js';
import {
  Button, PageHeader, ListState, Pager, FormDialog, Field, useForm, Badge, Icon, Segmented, fieldError,
  currencySymbol, moneyPlaceholder, moneyExample,
} from '../components.js';
import { Detail } from './paykit.js';
import { useUsers } from './invoicekit.js';

const PAGE = 20;
const REGISTER_KEY = 'poise.register';

export const KIND_LABEL = {
  float: 'Opening float', paid_in: 'Paid in', paid_out: 'Paid out', sale: 'Cash sale', refund: 'Cash refund',
};

// Over, short or balanced, as a badge.
export function OverShort({ amount, currency }) {
  if (amount == null) return html`<span class="muted">—</span>`;
  if (amount === 0) return html`<${Badge} tone="success">Balanced<//>`;
  return amount > 0
    ? html`<${Badge} tone="warn">Over ${money(amount, currency)}<//>`
    : html`<${Badge} tone="danger">Short ${money(-amount, currency)}<//>`;
}

// The register this browser used last (a till rarely moves).
export const lastRegister = () => localStorage.getItem(REGISTER_KEY) || '';
export const rememberRegister = (r) => localStorage.setItem(REGISTER_KEY, r);

// ---------------------------------------------------------------------------
// The clinic's drawers.

export function DrawersPage() {
  const { clinic, tz } = useApp();
  const users = useUsers();
  const [opening, setOpening] = useState(false);
  const cid = clinic ? clinic.id : '';
  // Open drawers with their reports (expected cash so far); few at a time.
  const open = useLoad(async (signal) => {
    if (!cid) return [];
    const list = await listAll('/v1/cash_drawers', { clinic: cid, status: 'open' });
    return Promise.all(list.map((d) => api('GET', '/v1/cash_drawers/' + d.id, { signal })));
  }, [cid]);
  const pager = usePager(cid);
  const closed = useLoad((signal) => (cid ? api('GET', '/v1/cash_drawers', {
    query: { clinic: cid, status: 'closed', limit: PAGE, starting_after: pager.after }, signal,
  }) : Promise.resolve({ data: [], has_more: false })), [cid, pager.after]);
  const openRows = open.data || [];
  const rows = closed.data ? closed.data.data : [];

  if (!clinic) {
    return html`<div class="page"><${PageHeader} title="Cash drawer" />
      <div class="card state state-empty"><p class="state-title">No clinic yet</p>
      <p class="state-text">Cash drawers belong to a clinic's registers. An admin adds the clinics.</p></div></div>`;
  }
  return html`<div class="page">
    <${PageHeader} title="Cash drawer" subtitle=${`Registers of ${clinic.name}: open with a float, count at the close.`}
      actions=${html`<${Button} variant="primary" icon="plus" onClick=${() => setOpening(true)}>Open a drawer<//>`} />
    <section aria-labelledby="dr-open-title" class="drawer-open-section">
      <h2 id="dr-open-title" class="section-title">Open now</h2>
      ${open.error ? html`<div class="card"><${ListState} state=${open} /></div>`
        : open.loading && !open.data ? html`<div class="card"><${ListState} state=${open} rows=${2} /></div>`
        : openRows.length === 0 ? html`<div class="card state state-empty state-flat">
            <span class="state-icon"><${Icon} name="cash" size=${22} /></span>
            <p class="state-title">No drawer is open</p>
            <p class="state-text">Open a register's drawer with its starting cash before taking cash payments.</p>
            <${Button} variant="primary" onClick=${() => setOpening(true)}>Open a drawer<//></div>`
        : html`<div class="drawer-tiles">${openRows.map((d) => html`<${Link} key=${d.id} href=${'/cash-drawer/' + d.id} class="card drawer-tile">
            <div class="drawer-tile-head"><span class="drawer-register">${d.register}</span><${Badge} tone="success">Open<//></div>
            <div class="drawer-tile-amount num">${money(d.expected, d.currency)}</div>
            <div class="small muted">Expected in the drawer now</div>
            <div class="drawer-tile-foot small muted">Opened ${dateTime(d.opened, tz)}${d.opened_by ? ' by ' + users.name(d.opened_by) : ''}</div>
          <//>`)}</div>`}
    </section>
    <section class="card" aria-labelledby="dr-closed-title">
      <h2 id="dr-closed-title" class="card-title">Closed drawers</h2>
      <div class="card-gap"></div>
      <${ListState} state=${closed} empty=${rows.length === 0} emptyIcon="cash" emptyText="No closed drawers yet"
        emptyHint="Each closed drawer keeps its count and over/short here.">
        <div class="table-wrap"><table class="table">
          <thead><tr><th scope="col">Register</th><th scope="col">Opened</th><th scope="col">Closed</th>
            <th scope="col" class="num">Expected</th><th scope="col" class="num">Counted</th><th scope="col">Over / short</th>
            <th scope="col" class="hide-narrow">Closed by</th></tr></thead>
          <tbody>${rows.map((d) => html`<tr key=${d.id} class="row-link" onClick=${(e) => { if (!e.target.closest('a,button')) navigate('/cash-drawer/' + d.id); }}>
            <td><${Link} href=${'/cash-drawer/' + d.id} class="strong-link">${d.register}<//></td>
            <td class="muted nowrap">${dateTime(d.opened, tz)}</td>
            <td class="muted nowrap">${dateTime(d.closed, tz)}</td>
            <td class="num">${money(d.expected, d.currency)}</td>
            <td class="num">${money(d.counted, d.currency)}</td>
            <td><${OverShort} amount=${d.over_short} currency=${d.currency} /></td>
            <td class="muted hide-narrow">${users.name(d.closed_by) || '—'}</td>
          </tr>`)}</tbody>
        </table></div>
        <${Pager} pager=${pager} hasMore=${closed.data && closed.data.has_more} lastId=${rows.length ? rows[rows.length - 1].id : null} label="closed drawers" />
      <//>
    </section>
    ${opening && html`<${OpenDrawerDialog} clinic=${clinic} taken=${openRows.map((d) => d.register)}
      onClose=${() => setOpening(false)} onOpened=${(d) => { setOpening(false); navigate('/cash-drawer/' + d.id); }} />`}
  </div>`;
}

function OpenDrawerDialog({ clinic, taken, onClose, onOpened }) {
  const { currency: accountCurrency } = useApp();
  const currency = clinic.currency || accountCurrency;
  const form = useForm({ register: lastRegister() && !taken.includes(lastRegister()) ? lastRegister() : 'front-1', opening_float: '' });
  const submit = async (v, key) => {
    const register = v.register.trim();
    if (!register) throw fieldError('register', 'Name the register, such as front-1.');
    const amount = v.opening_float.trim() === '' ? 0 : parseMoney(v.opening_float, currency);
    if (amount == null) throw fieldError('opening_float', `Enter the starting cash, such as ${moneyExample(currency)}.`);
    try {
      const d = await api('POST', '/v1/cash_drawers', { body: { clinic: clinic.id, register, opening_float: amount }, key });
      rememberRegister(register);
      toast(`Drawer ${register} opened with ${money(d.opening_float, d.currency)}`);
      onOpened(d);
    } catch (e) {
      if (e.code === 'drawer_open') e.param = 'register';
      throw e;
    }
  };
  return html`<${FormDialog} title="Open a cash drawer" description=${clinic.name} form=${form} onSubmit=${submit}
    onClose=${onClose} submitLabel="Open drawer">
    <${Field} form=${form} name="register" label="Register" autocomplete="off" spellcheck="false"
      hint="The till this drawer sits in. A register has one open drawer at a time." />
    <${Field} form=${form} name="opening_float" label="Opening float" inputmode="decimal" autocomplete="off"
      prefix=${currencySymbol(currency)} placeholder=${moneyPlaceholder(currency)} class="amount-field"
      hint="The cash put in the drawer to make change." />
  <//>`;
}

// ---------------------------------------------------------------------------
// One drawer: the report.

export function DrawerPage({ id }) {
  const { tz, clinics } = useApp();
  const users = useUsers();
  const res = useLoad((signal) => api('GET', '/v1/cash_drawers/' + encodeURIComponent(id), { signal }), [id]);
  const [dialog, setDialog] = useState(null);
  const d = res.data;
  if (res.error) {
    return html`<div class="page"><div class="state state-page" role="alert">
      <h1 class="state-title" tabindex="-1">${res.error.status === 404 ? 'Drawer not found' : "Couldn't load this drawer"}</h1>
      <p class="state-text">${res.error.message}</p><${Link} href="/cash-drawer">Back to the cash drawer<//></div></div>`;
  }
  if (!d) return html`<div class="page" aria-busy="true"><${PageHeader} eyebrow="Cash drawer" title="Loading…" /></div>`;

  const c = d.currency;
  const clinic = clinics.find((x) => x.id === d.clinic);
  const isOpen = d.status === 'open';
  const done = (msg) => { setDialog(null); toast(msg); res.reload(); };
  const t = d.totals || {};
  return html`<div class="page">
    <${PageHeader} eyebrow=${html`<${Link} href="/cash-drawer">Cash drawer<//> / ${clinic ? clinic.name : d.clinic}`}
      title=${html`<span class="title-amount">Register ${d.register}</span> <${Badge} tone=${isOpen ? 'success' : 'neutral'}>${isOpen ? 'Open' : 'Closed'}<//>`}
      subtitle=${`Opened ${dateTime(d.opened, tz)}${d.opened_by ? ' by ' + users.name(d.opened_by) : ''}`
        + (d.closed ? ` · closed ${dateTime(d.closed, tz)}${d.closed_by ? ' by ' + users.name(d.closed_by) : ''}` : '')}
      actions=${isOpen && html`<${Button} onClick=${() => setDialog('move')}>Paid in / out<//>
        <${Button} variant="primary" onClick=${() => setDialog('close')}>Close drawer<//>`} />
    ${!isOpen && html`<section class=${'card close-result ' + (d.over_short === 0 ? 'is-ok' : d.over_short < 0 ? 'is-short' : 'is-over')} aria-label="Close">
      <div><span class="stat-label">Expected</span><span class="stat-value num">${money(d.expected, c)}</span></div>
      <div><span class="stat-label">Counted</span><span class="stat-value num">${money(d.counted, c)}</span></div>
      <div><span class="stat-label">Over / short</span><span class="stat-value"><${OverShort} amount=${d.over_short} currency=${c} /></span></div>
    </section>`}
    <section class="card" aria-labelledby="dr-sum-title">
      <h2 id="dr-sum-title" class="card-title">Summary</h2>
      <div class="stat-grid">
        <${Stat} label="Opening float" amount=${t.float} currency=${c} />
        <${Stat} label="Cash sales" amount=${t.sale} currency=${c} />
        <${Stat} label="Cash refunds" amount=${t.refund} currency=${c} minus />
        <${Stat} label="Paid in" amount=${t.paid_in} currency=${c} />
        <${Stat} label="Paid out" amount=${t.paid_out} currency=${c} minus />
        <${Stat} label=${isOpen ? 'Expected now' : 'Expected at close'} amount=${d.expected} currency=${c} strong />
      </div>
    </section>
    <section class="card" aria-labelledby="dr-mv-title">
      <h2 id="dr-mv-title" class="card-title">Movements</h2>
      <div class="card-gap"></div>
      ${d.movements.length === 0 ? html`<p class="card-empty muted">No movements.</p>` : html`<div class="table-wrap"><table class="table table-compact">
        <thead><tr><th scope="col">Time</th><th scope="col">Type</th><th scope="col">Reason</th><th scope="col">By</th><th scope="col" class="num">Amount</th></tr></thead>
        <tbody>${d.movements.map((m) => html`<tr key=${m.id}>
          <td class="muted nowrap">${timeOnly(m.created, tz)}</td>
          <td><${Badge} tone=${m.direction === 'in' ? 'success' : 'warn'}>${KIND_LABEL[m.kind] || m.kind}<//></td>
          <td>${m.reason || html`<span class="muted">—</span>`}${m.source_id ? html`<div class="mono small muted">${m.source_id}</div>` : null}</td>
          <td class="muted">${users.name(m.created_by) || '—'}</td>
          <td class=${'num strong ' + (m.direction === 'in' ? 'plus' : 'minus')}>${m.direction === 'in' ? '+' : '−'}${money(m.amount, c)}</td>
        </tr>`)}</tbody>
      </table></div>`}
    </section>
    <section class="card" aria-labelledby="dr-det-title"><h2 id="dr-det-title" class="card-title">Details</h2>
      <dl class="dl dl-2">
        <${Detail} label="Clinic">${clinic ? clinic.name : d.clinic}<//>
        <${Detail} label="Register">${d.register}<//>
        <${Detail} label="Cash in the drawer's ledger account">${money(d.cash_balance, c)}<//>
        <div class="dl-wide"><dt>Drawer ID</dt><dd class="mono small">${d.id}</dd></div>
      </dl>
    </section>
    ${dialog === 'move' && html`<${MovementDialog} drawer=${d} onClose=${() => setDialog(null)} onDone=${done} />`}
    ${dialog === 'close' && html`<${CloseDialog} drawer=${d} onClose=${() => setDialog(null)} onDone=${done} />`}
  </div>`;
}

function Stat({ label, amount, currency, minus, strong }) {
  return html`<div class=${'stat' + (strong ? ' is-strong' : '')}>
    <span class="stat-label">${label}</span>
    <span class="stat-value num">${amount == null ? '—' : (minus && amount > 0 ? '−' : '') + money(amount, currency)}</span>
  </div>`;
}

function MovementDialog({ drawer: d, onClose, onDone }) {
  const form = useForm({ direction: 'out', amount: '', reason: '' });
  const submit = async (v, key) => {
    const amount = parseMoney(v.amount, d.currency);
    if (amount == null || amount <= 0) throw fieldError('amount', `Enter an amount, such as ${moneyExample(d.currency)}.`);
    if (!v.reason.trim()) throw fieldError('reason', v.direction === 'out' ? 'Say what the cash was for, such as “Coffee for the team”.' : 'Say where the cash came from.');
    try {
      const m = await api('POST', `/v1/cash_drawers/${d.id}/movements`, { body: { direction: v.direction, amount, reason: v.reason.trim() }, key });
      onDone(`${KIND_LABEL[m.kind]} of ${money(m.amount, d.currency)} recorded`);
    } catch (e) {
      if (e.code === 'insufficient_balance') e.param = 'amount';
      throw e;
    }
  };
  return html`<${FormDialog} title="Paid in / paid out" description=${`Register ${d.register}`} form=${form}
    onSubmit=${submit} onClose=${onClose} submitLabel=${form.values.direction === 'out' ? 'Record paid out' : 'Record paid in'}>
    <div class="field"><span class="label">Direction</span>
      <${Segmented} label="Direction" value=${form.values.direction} onChange=${(x) => form.set('direction', x)}
        options=${[{ value: 'out', label: 'Paid out (cash leaves)' }, { value: 'in', label: 'Paid in (cash added)' }]} /></div>
    <${Field} form=${form} name="amount" label="Amount" inputmode="decimal" autocomplete="off" prefix=${currencySymbol(d.currency)}
      placeholder=${moneyPlaceholder(d.currency)} class="amount-field" />
    <${Field} form=${form} name="reason" label="Reason" autocomplete="off" maxlength="200"
      placeholder=${form.values.direction === 'out' ? 'Supplies from the pharmacy' : 'Change from the safe'} />
  <//>`;
}

function CloseDialog({ drawer: d, onClose, onDone }) {
  const form = useForm({ counted: '' });
  const submit = async (v, key) => {
    if (v.counted.trim() === '') throw fieldError('counted', 'Count the cash in the drawer and enter the total.');
    const counted = parseMoney(v.counted, d.currency);
    if (counted == null) throw fieldError('counted', `Enter the counted cash, such as ${moneyExample(d.currency)}.`);
    const r = await api('POST', `/v1/cash_drawers/${d.id}/close`, { body: { counted }, key });
    const os = r.over_short === 0 ? 'balanced' : r.over_short > 0 ? `over by ${money(r.over_short, r.currency)}`
      : `short by ${money(-r.over_short, r.currency)}`;
    onDone(`Drawer ${r.register} closed: ${os}`);
  };
  return html`<${FormDialog} title="Close the drawer" description=${`Register ${d.register}: count every bill and coin in the drawer.`}
    form=${form} onSubmit=${submit} onClose=${onClose} submitLabel="Close drawer">
    <${Field} form=${form} name="counted" label="Counted cash" inputmode="decimal" autocomplete="off" prefix=${currencySymbol(d.currency)}
      placeholder=${moneyPlaceholder(d.currency)} class="amount-field"
      hint="The drawer closes for good: it takes no more cash, and its count is compared with the cash it should hold." />
  <//>`;
}
