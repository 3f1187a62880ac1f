// Payouts (admin): the list and one payout with its deposit report (every
// charge, fee, refund and dispute in it; the items add up to the amount).
// Disputes (admin): the list and one dispute with its evidence form, saved
// and submitted; the response due date is shown first.
import {
  html, useState, useEffect, api, useApp, useLoad, usePager, navigate, Link, money, dateOnly, dateTime, dateTimeLong, toast,
} from '../lib.js';
import {
  Button, PageHeader, ListState, Pager, Badge, ConfirmDialog, FormAlert, Icon, useForm, Field,
} from '../components.js';
import { PayoutStatus, DisputeStatus, humanize, Detail } from './paykit.js';

const PAGE = 25;

export function PayoutsPage() {
  const { tz } = useApp();
  const pager = usePager('');
  const list = useLoad((signal) => api('GET', '/v1/payouts', { query: { limit: PAGE, starting_after: pager.after }, signal }), [pager.after]);
  const rows = list.data ? list.data.data : [];
  return html`<div class="page">
    <${PageHeader} title="Payouts" subtitle="Deposits of your card sales to your bank account, after fees and refunds." />
    <section class="card" aria-label="Payouts">
      <${ListState} state=${list} empty=${rows.length === 0} emptyIcon="bank" emptyText="No payouts yet"
        emptyHint="Card payments settle every day at 18:00; their payout follows the next day.">
        <div class="table-wrap"><table class="table">
          <thead><tr><th scope="col" class="num">Amount</th><th scope="col">Status</th><th scope="col">Arrives</th><th scope="col">Created</th><th scope="col">ID</th></tr></thead>
          <tbody>${rows.map((p) => html`<tr key=${p.id} class="row-link" onClick=${(e) => { if (!e.target.closest('a,button')) navigate('/payouts/' + p.id); }}>
            <td class="num strong"><${Link} href=${'/payouts/' + p.id} class="strong-link">${money(p.amount, p.currency)}<//></td>
            <td><${PayoutStatus} status=${p.status} /></td>
            <td class="nowrap">${p.arrival ? dateOnly(p.arrival, tz) : '—'}</td>
            <td class="muted nowrap">${dateTime(p.created, tz)}</td>
            <td class="mono small muted">${p.id}</td></tr>`)}</tbody>
        </table></div>
        <${Pager} pager=${pager} hasMore=${list.data && list.data.has_more} lastId=${rows.length ? rows[rows.length - 1].id : null} label="payouts" />
      <//>
    </section>
  </div>`;
}

const ITEM = {
  charge: 'Charge', fee: 'Processing fee', refund: 'Refund', dispute: 'Dispute', dispute_fee: 'Dispute fee',
  dispute_reversal: 'Dispute won', deduction: 'Deduction', refund_failure: 'Failed refund returned',
};

function objectHref(it) {
  if (!it.object) return null;
  if (it.object_type === 'payment' || it.object.startsWith('pay_')) return '/payments/' + it.object;
  if (it.object_type === 'dispute' || it.object.startsWith('dp_')) return '/disputes/' + it.object;
  return null;
}

export function PayoutPage({ id }) {
  const { tz } = useApp();
  const res = useLoad((signal) => api('GET', '/v1/payouts/' + encodeURIComponent(id), { signal }), [id]);
  const p = res.data;
  if (res.error) {
    return html`<div class="page"><div class="state state-page" role="alert">
      <h1 class="state-title" tabindex="-1">${res.error.status === 404 ? 'Payout not found' : "Couldn't load this payout"}</h1>
      <p class="state-text">${res.error.message}</p><${Link} href="/payouts">Back to payouts<//></div></div>`;
  }
  if (!p) return html`<div class="page" aria-busy="true"><${PageHeader} eyebrow="Payout" title="Loading…" /></div>`;
  const items = p.items || [];
  const sum = items.reduce((s, it) => s + it.amount, 0); // integer minor units
  const balanced = sum === p.amount;
  const byType = {};
  for (const it of items) byType[it.type] = (byType[it.type] || 0) + it.amount;
  return html`<div class="page">
    <${PageHeader} eyebrow=${html`<${Link} href="/payouts">Payouts<//> / Payout`}
      title=${html`<span class="title-amount">${money(p.amount, p.currency)}</span> <${PayoutStatus} status=${p.status} />`}
      subtitle=${`Created ${dateTimeLong(p.created, tz)}${p.arrival ? ' · arrives ' + dateOnly(p.arrival, tz) : ''}`} />
    <div class="detail-grid">
      <section class="card" aria-labelledby="po-sum"><h2 id="po-sum" class="card-title">Summary</h2>
        <dl class="dl">
          ${Object.entries(byType).map(([t, amt]) => html`<${Detail} key=${t} label=${ITEM[t] || humanize(t)}>${money(amt, p.currency)}<//>`)}
          <${Detail} label="Payout">${money(p.amount, p.currency)}<//>
        </dl>
      </section>
      <section class="card" aria-labelledby="po-det"><h2 id="po-det" class="card-title">Details</h2>
        <dl class="dl">
          <${Detail} label="Status"><${PayoutStatus} status=${p.status} /><//>
          ${p.failure_code && html`<${Detail} label="Failure">${humanize(p.failure_code)}<//>`}
          <${Detail} label="Bank account"><span class="mono small">${p.bank_account || '—'}</span><//>
          <${Detail} label="Merchant account"><span class="mono small">${p.merchant_account}</span><//>
          <${Detail} label="Payout ID"><span class="mono small">${p.id}</span><//>
        </dl>
      </section>
    </div>
    <section class="card" aria-labelledby="po-rep">
      <div class="section-head"><div><h2 id="po-rep" class="section-title">Deposit report</h2>
        <p class="small muted">Every transaction in this payout. Amounts out of your balance are negative.</p></div></div>
      <div class="table-wrap"><table class="table table-compact report">
        <thead><tr><th scope="col">Type</th><th scope="col">Object</th><th scope="col">Processor reference</th><th scope="col" class="num">Amount</th></tr></thead>
        <tbody>${items.map((it, i) => {
          const href = objectHref(it);
          return html`<tr key=${i}><td>${ITEM[it.type] || humanize(it.type)}</td>
            <td class="mono small">${href ? html`<${Link} href=${href}>${it.object}<//>` : (it.object || '—')}</td>
            <td class="mono small muted">${it.gateway_reference}</td>
            <td class=${'num' + (it.amount < 0 ? ' negative' : '')}>${money(it.amount, p.currency)}</td></tr>`;
        })}</tbody>
        <tfoot><tr><th scope="row" colspan="3">Total of ${items.length} item${items.length === 1 ? '' : 's'}</th>
          <td class="num strong">${money(sum, p.currency)}</td></tr></tfoot>
      </table></div>
      <p class=${'sum-check ' + (balanced ? 'is-ok' : 'is-bad')} role="status">
        <${Icon} name=${balanced ? 'check' : 'alert'} size=${16} />
        ${balanced ? `The items add up to the payout amount (${money(p.amount, p.currency)}).`
          : `The items add up to ${money(sum, p.currency)}, not the payout amount ${money(p.amount, p.currency)}.`}
      </p>
    </section>
  </div>`;
}

// ---------------------------------------------------------------------------
// Disputes.

function dueText(d, tz) {
  if (!d.due_by) return '';
  const days = Math.ceil((d.due_by * 1000 - Date.now()) / 86400000);
  const rel = days < 0 ? 'overdue' : days === 0 ? 'due today' : `${days} day${days === 1 ? '' : 's'} left`;
  return `${dateTimeLong(d.due_by, tz)} (${rel})`;
}

const open = (d) => !d.submitted && /needs_response/.test(d.status);

export function DisputesPage() {
  const { tz } = useApp();
  const pager = usePager('');
  const list = useLoad((signal) => api('GET', '/v1/disputes', { query: { limit: PAGE, starting_after: pager.after }, signal }), [pager.after]);
  const rows = list.data ? list.data.data : [];
  return html`<div class="page">
    <${PageHeader} title="Disputes" subtitle="Chargebacks patients' banks opened. Respond with evidence before the due date." />
    <section class="card" aria-label="Disputes">
      <${ListState} state=${list} empty=${rows.length === 0} emptyIcon="flag" emptyText="No disputes"
        emptyHint="When a patient's bank disputes a payment, it appears here with its due date.">
        <div class="table-wrap"><table class="table">
          <thead><tr><th scope="col">Respond by</th><th scope="col" class="num">Amount</th><th scope="col">Reason</th><th scope="col">Status</th><th scope="col">Payment</th></tr></thead>
          <tbody>${rows.map((d) => html`<tr key=${d.id} class="row-link" onClick=${(e) => { if (!e.target.closest('a,button')) navigate('/disputes/' + d.id); }}>
            <td class=${'nowrap' + (open(d) ? ' strong due' : ' muted')}><${Link} href=${'/disputes/' + d.id} class="strong-link">${d.due_by ? dateOnly(d.due_by, tz) : 'No deadline'}<//></td>
            <td class="num">${money(d.amount, d.currency)}</td>
            <td>${humanize(d.reason)}</td>
            <td><${DisputeStatus} status=${d.status} />${d.submitted ? html` <${Badge} tone="info">Evidence sent<//>` : null}</td>
            <td class="mono small"><${Link} href=${'/payments/' + d.payment}>${d.payment}<//></td></tr>`)}</tbody>
        </table></div>
        <${Pager} pager=${pager} hasMore=${list.data && list.data.has_more} lastId=${rows.length ? rows[rows.length - 1].id : null} label="disputes" />
      <//>
    </section>
  </div>`;
}

const EVIDENCE = [
  ['product_description', 'Service or product provided', 'What the patient received, when and by whom.'],
  ['customer_communication', 'Communication with the patient', 'Emails, messages or notes of calls about the treatment or the charge.'],
  ['receipt', 'Receipt', 'The receipt or invoice the patient received (text).'],
  ['uncategorized_text', 'Anything else', 'Consent forms, policies the patient agreed to, photos described in words.'],
];

export function DisputePage({ id }) {
  const { tz } = useApp();
  const res = useLoad((signal) => api('GET', '/v1/disputes/' + encodeURIComponent(id), { signal }), [id]);
  const [d, setD] = useState(null);
  useEffect(() => { if (res.data) setD(res.data); }, [res.data]);
  if (res.error) {
    return html`<div class="page"><div class="state state-page" role="alert">
      <h1 class="state-title" tabindex="-1">${res.error.status === 404 ? 'Dispute not found' : "Couldn't load this dispute"}</h1>
      <p class="state-text">${res.error.message}</p><${Link} href="/disputes">Back to disputes<//></div></div>`;
  }
  if (!d) return html`<div class="page" aria-busy="true"><${PageHeader} eyebrow="Dispute" title="Loading…" /></div>`;
  const editable = open(d);
  return html`<div class="page">
    <${PageHeader} eyebrow=${html`<${Link} href="/disputes">Disputes<//> / Dispute`}
      title=${html`<span class="title-amount">${money(d.amount, d.currency)}</span> <${DisputeStatus} status=${d.status} />`}
      subtitle=${`${humanize(d.reason)} · opened ${dateOnly(d.created, tz)}`} />
    ${d.due_by && html`<div class=${'due-banner' + (editable ? '' : ' is-done')} role=${editable ? 'alert' : undefined}>
      <${Icon} name="flag" size=${20} />
      <div><p class="due-label">${editable ? 'Evidence due by' : 'Evidence was due by'}</p><p class="due-date">${dueText(d, tz)}</p></div>
    </div>`}
    <div class="detail-grid">
      <section class="card" aria-labelledby="dp-det"><h2 id="dp-det" class="card-title">Details</h2>
        <dl class="dl">
          <${Detail} label="Disputed amount">${money(d.amount, d.currency)}<//>
          <${Detail} label="Dispute fee">${money(d.fee, d.currency)}<//>
          <${Detail} label="Reason">${humanize(d.reason)}<//>
          <${Detail} label="Payment"><${Link} href=${'/payments/' + d.payment} class="mono small">${d.payment}<//><//>
          <${Detail} label="Evidence submitted">${d.submitted ? dateTimeLong(d.submitted, tz) : html`<span class="muted">Not yet</span>`}<//>
        </dl>
      </section>
      <${EvidenceForm} dispute=${d} editable=${editable} onSaved=${setD} />
    </div>
  </div>`;
}

function EvidenceForm({ dispute: d, editable, onSaved }) {
  const init = {};
  for (const [k] of EVIDENCE) init[k] = (d.evidence && d.evidence[k]) || '';
  const form = useForm(init);
  const [confirm, setConfirm] = useState(false);
  const evidence = (v) => {
    const ev = { ...(d.evidence || {}) };
    for (const [k] of EVIDENCE) ev[k] = v[k];
    return ev;
  };
  const save = async (v, key) => {
    const r = await api('POST', `/v1/disputes/${d.id}/evidence`, { body: { evidence: evidence(v) }, key });
    onSaved(r);
    toast('Evidence saved');
  };
  const submit = async () => {
    await api('POST', `/v1/disputes/${d.id}/evidence`, { body: { evidence: evidence(form.values) } });
    const r = await api('POST', `/v1/disputes/${d.id}/submit`, { body: {} });
    setConfirm(false);
    onSaved(r);
    toast('Evidence submitted');
  };
  return html`<section class="card evidence" aria-labelledby="ev-title">
    <form noValidate onSubmit=${form.handleSubmit(save)}>
      <h2 id="ev-title" class="card-title">Evidence</h2>
      <div class="evidence-body">
        <${FormAlert} message=${form.formError} />
        ${!editable && html`<p class="small muted">${d.submitted ? 'The evidence was submitted and can no longer change.' : 'This dispute no longer takes evidence.'}</p>`}
        ${EVIDENCE.map(([k, label, hint]) => html`<${Field} key=${k} form=${form} name=${k} label=${label} hint=${hint} as="textarea" rows="4" readOnly=${!editable} />`)}
      </div>
      ${editable && html`<div class="evidence-foot">
        <${Button} type="submit" busy=${form.busy}>Save evidence<//>
        <${Button} variant="primary" onClick=${() => setConfirm(true)}>Submit evidence…<//>
      </div>`}
    </form>
    ${confirm && html`<${ConfirmDialog} title="Submit this evidence?" confirmLabel="Submit evidence"
      message="The evidence goes to the patient's bank, which decides the dispute. It cannot be changed afterwards."
      onConfirm=${submit} onClose=${() => setConfirm(false)} />`}
  </section>`;
}
