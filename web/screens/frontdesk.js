// The front desk: invoices providers sent to the desk of the clinic chosen
// in the top bar, oldest first. Opening one goes to its checkout. The list
// refreshes itself every 20 seconds while the screen is open.
import { html, useState, useEffect, api, useApp, navigate, Link, money, timeOnly } from '../lib.js';
import { Button, PageHeader, ListState, Icon, Initials } from '../components.js';
import { usePatientNames } from './paykit.js';
import { invoiceTitle, useUsers, waited } from './invoicekit.js';

const REFRESH_MS = 20_000;

// useLoad, but a refresh keeps the rows on screen without dimming them.
function useQueue(clinicId) {
  const [state, setState] = useState({ loading: true, error: null, data: null, at: 0 });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!clinicId) return undefined;
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    api('GET', '/v1/front_desk_queue', { query: { clinic: clinicId }, signal: ctl.signal })
      .then((data) => setState({ loading: false, error: null, data, at: Date.now() }))
      .catch((error) => { if (error.name !== 'AbortError') setState((s) => ({ ...s, loading: false, error })); });
    const t = setTimeout(() => setTick((x) => x + 1), REFRESH_MS);
    return () => { ctl.abort(); clearTimeout(t); };
  }, [clinicId, tick]);
  return { ...state, reload: () => setTick((x) => x + 1) };
}

export function FrontDeskPage() {
  const { clinic, tz } = useApp();
  const q = useQueue(clinic && clinic.id);
  const rows = q.data ? q.data.data : [];
  const names = usePatientNames(rows.map((v) => v.patient));
  const users = useUsers();
  const checkout = (v) => navigate(`/invoices/${v.id}/checkout`);
  // The list state without the dimming of a background refresh.
  const list = { loading: q.loading && !q.data, error: q.error, data: q.data, reload: q.reload };

  if (!clinic) {
    return html`<div class="page"><${PageHeader} title="Front desk" />
      <div class="card state state-empty"><p class="state-title">No clinic yet</p>
      <p class="state-text">An admin adds the practice's clinics; each has its own front desk.</p></div></div>`;
  }
  return html`<div class="page">
    <${PageHeader} title="Front desk" subtitle=${`Waiting for checkout at ${clinic.name}, oldest first.`}
      actions=${html`<span class="small muted refreshed" aria-live="off">${q.at ? 'Updated ' + timeOnly(q.at / 1000, tz) : ''}</span>
        <${Button} icon="refresh" busy=${q.loading && !!q.data} onClick=${q.reload}>Refresh<//>
        <${Link} class="btn btn-primary" href="/invoices/new"><${Icon} name="plus" size=${16} />New invoice<//>`} />
    <section class="card" aria-label="Front desk queue">
      <${ListState} state=${list} empty=${rows.length === 0} emptyIcon="inbox" emptyText="No one is waiting"
        emptyHint="When a provider sends an invoice to the front desk, it appears here for checkout.">
        <div class="table-wrap"><table class="table queue">
          <thead><tr><th scope="col">Waiting</th><th scope="col">Patient</th><th scope="col">Invoice</th>
            <th scope="col" class="num">Due</th><th scope="col" class="actions-col"><span class="visually-hidden">Check out</span></th></tr></thead>
          <tbody>${rows.map((v) => html`<tr key=${v.id} class="row-link" onClick=${(e) => { if (!e.target.closest('a,button')) checkout(v); }}>
            <td class="nowrap"><span class="strong">${waited(v.queued)}</span><div class="small muted">since ${timeOnly(v.queued, tz)}</div></td>
            <td><div class="cell-person"><${Initials} name=${v.patient ? names[v.patient] || '?' : 'Walk in'} size="sm" />
              <div><div class="strong">${v.patient ? names[v.patient] || '…' : 'Walk-in'}</div>
                <div class="small muted">${v.provider ? 'with ' + users.name(v.provider) : 'No provider'}</div></div></div></td>
            <td class="nowrap"><${Link} href=${'/invoices/' + v.id} class=${'strong-link' + (v.number ? ' inv-no' : '')}>${invoiceTitle(v)}<//>
              <div class="small muted">${(v.status === 'draft' ? 'Draft · ' : v.status === 'partially_paid' ? 'Partly paid · ' : '') + 'total ' + money(v.total, v.currency)}</div></td>
            <td class="num due-cell">${money(v.amount_due, v.currency)}</td>
            <td class="actions"><${Button} size="sm" variant="primary" aria-label=${'Check out ' + invoiceTitle(v) + (v.patient && names[v.patient] ? ' for ' + names[v.patient] : '')}
              onClick=${() => checkout(v)}>Check out<//></td>
          </tr>`)}</tbody>
        </table></div>
      <//>
    </section>
  </div>`;
}
