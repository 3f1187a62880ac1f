// One patient: details, edit, archive/restore (admin), and the tabs that
// later capabilities fill (invoices, payments, cards, wallet, memberships,
// gift cards). Invoices (invoices.js, loaded when the tab shows),
// memberships (patientmemberships.js, likewise) and cards on file
// (cards.js) are live; the other tabs show their empty state until their
// capability lands, never sample data.
import {
  html, useState, useEffect, api, useApp, useLoad, toast, phone, calendarDate, dateOnly, atLeast,
  queryParam, setQueryParam,
} from '../lib.js';
import { Button, PageHeader, Tabs, Badge, Initials, Icon, ConfirmDialog } from '../components.js';
import { PatientDialog } from './patients.js';
import { PatientCards } from './cards.js';

const TABS = [
  { id: 'invoices', label: 'Invoices', icon: 'receipt', empty: 'No invoices yet', hint: 'Invoices and quotes for this patient will appear here.' },
  { id: 'payments', label: 'Payments', icon: 'card', empty: 'No payments yet', hint: 'Card, cash, wallet and gift-card payments will appear here.' },
  { id: 'cards', label: 'Cards', icon: 'card', empty: 'No cards on file yet', hint: 'Saved cards for future checkouts and membership billing will appear here.' },
  { id: 'wallet', label: 'Wallet', icon: 'wallet', empty: 'No wallet activity yet', hint: 'Credit, prepaid units and loyalty points will appear here.' },
  { id: 'memberships', label: 'Memberships', icon: 'star', empty: 'No memberships yet', hint: 'Membership enrolments for this patient will appear here.' },
  { id: 'gift_cards', label: 'Gift cards', icon: 'gift', empty: 'No gift cards yet', hint: 'Gift cards bought or redeemed by this patient will appear here.' },
];

export function PatientPage({ id }) {
  const { role, tz } = useApp();
  const res = useLoad((signal) => api('GET', '/v1/patients/' + encodeURIComponent(id), { signal }), [id]);
  const [patient, setPatient] = useState(null);
  const [dialog, setDialog] = useState(null);
  const tab = TABS.some((t) => t.id === queryParam('tab')) ? queryParam('tab') : 'invoices';
  useEffect(() => { if (res.data) setPatient(res.data); }, [res.data]);
  useEffect(() => { if (patient) document.title = patient.name + ' · Poise'; }, [patient && patient.name]);

  if (res.error) {
    const missing = res.error.status === 404;
    return html`<div class="page"><div class="state state-page" role=${missing ? undefined : 'alert'}>
      <span class="state-icon"><${Icon} name="patients" size=${22} /></span>
      <h1 class="state-title" tabindex="-1">${missing ? 'Patient not found' : "Couldn't load this patient"}</h1>
      <p class="state-text">${missing ? 'No patient with this id exists in your practice.' : res.error.message}</p>
      ${!missing && html`<${Button} onClick=${res.reload}>Try again<//>`}
    </div></div>`;
  }
  if (!patient) {
    return html`<div class="page" aria-busy="true"><${PageHeader} eyebrow="Patient" title="Loading…" />
      <div class="card state state-loading"><div class="skeleton-row"><span></span><span></span><span></span></div></div></div>`;
  }

  const isAdmin = atLeast(role, 'admin');
  const archive = async () => {
    const p = await api('DELETE', '/v1/patients/' + patient.id);
    setPatient(p); setDialog(null); toast(`${p.name} archived`);
  };
  const restore = async () => {
    const p = await api('PATCH', '/v1/patients/' + patient.id, { body: { archived: false } });
    setPatient(p); setDialog(null); toast(`${p.name} restored`);
  };

  return html`<div class="page">
    <${PageHeader} eyebrow="Patient"
      title=${html`<span class="title-with-avatar"><${Initials} name=${patient.name} size="lg" />${patient.name}${patient.archived ? html` <${Badge} tone="warn">Archived<//>` : null}</span>`}
      actions=${html`
        ${isAdmin && (patient.archived
          ? html`<${Button} onClick=${() => setDialog('restore')}>Restore<//>`
          : html`<${Button} variant="ghost" onClick=${() => setDialog('archive')}>Archive<//>`)}
        <${Button} variant="primary" onClick=${() => setDialog('edit')}>Edit<//>`} />
    <div class="patient-layout">
      <section class="card details" aria-labelledby="pd-title">
        <h2 id="pd-title" class="card-title">Details</h2>
        <dl class="dl">
          <div><dt>Email</dt><dd>${patient.email || html`<span class="muted">Not given</span>`}</dd></div>
          <div><dt>Phone</dt><dd>${phone(patient.phone) || html`<span class="muted">Not given</span>`}</dd></div>
          <div><dt>Date of birth</dt><dd>${calendarDate(patient.date_of_birth) || html`<span class="muted">Not given</span>`}</dd></div>
          <div><dt>Patient since</dt><dd>${dateOnly(patient.created, tz)}</dd></div>
          <div><dt>Notes</dt><dd class="prewrap">${patient.notes || html`<span class="muted">None</span>`}</dd></div>
          <div><dt>Patient ID</dt><dd class="mono small">${patient.id}</dd></div>
        </dl>
      </section>
      <section class="card activity" aria-label="Activity">
        <${Tabs} label="Patient activity" value=${tab} onChange=${(t) => setQueryParam('tab', t === 'invoices' ? null : t)}
          tabs=${TABS.map((t) => ({ id: t.id, label: t.label, render: () => (t.id === 'cards' ? html`<${PatientCards} patient=${patient} />`
            : t.id === 'invoices' ? html`<${InvoicesTab} patient=${patient} />`
            : t.id === 'memberships' ? html`<${LazyTab} load=${loadMemberships} name="PatientMemberships" what="memberships" patient=${patient} />` : html`<div class="state state-empty state-flat">
            <span class="state-icon"><${Icon} name=${t.icon} size=${22} /></span>
            <p class="state-title">${t.empty}</p><p class="state-text">${t.hint}</p></div>`) }))} />
      </section>
    </div>
    ${dialog === 'edit' && html`<${PatientDialog} patient=${patient} onClose=${() => setDialog(null)}
      onSaved=${(p) => { setPatient(p); setDialog(null); }} />`}
    ${dialog === 'archive' && html`<${ConfirmDialog} title=${`Archive ${patient.name}?`} danger confirmLabel="Archive patient"
      message="Archived patients leave the patient list and search. Their records are kept and an admin can restore them."
      onConfirm=${archive} onClose=${() => setDialog(null)} />`}
    ${dialog === 'restore' && html`<${ConfirmDialog} title=${`Restore ${patient.name}?`} confirmLabel="Restore patient"
      message="The patient returns to the patient list and search."
      onConfirm=${restore} onClose=${() => setDialog(null)} />`}
  </div>`;
}

// The memberships tab's module, loaded when the tab first shows.
const loadMemberships = () => import('./patientmemberships.js');
function LazyTab({ load, name, what, patient }) {
  const [mod, setMod] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { load().then(setMod).catch(setError); }, []);
  if (error) return html`<div class="state state-error" role="alert"><p class="state-title">Couldn't load the ${what}</p><p class="state-text">${error.message}</p></div>`;
  if (!mod) return html`<div class="state state-loading" aria-busy="true"><span class="visually-hidden">Loading…</span><div class="skeleton-row"><span></span><span></span><span></span></div></div>`;
  const Comp = mod[name];
  return html`<${Comp} patient=${patient} />`;
}

// The invoices module is the invoice screens': loaded when the tab first
// shows, not with the app.
function InvoicesTab({ patient }) {
  const [mod, setMod] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { import('./invoices.js').then(setMod).catch(setError); }, []);
  if (error) return html`<div class="state state-error" role="alert"><p class="state-title">Couldn't load the invoices</p><p class="state-text">${error.message}</p></div>`;
  if (!mod) return html`<div class="state state-loading" aria-busy="true"><span class="visually-hidden">Loading…</span><div class="skeleton-row"><span></span><span></span><span></span></div></div>`;
  return html`<${mod.PatientInvoices} patient=${patient} />`;
}
