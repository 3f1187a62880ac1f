// Patients: the searchable, paged list and the create/edit dialog.
import {
  html, useState, useEffect, api, useApp, useLoad, useDebounced, usePager, navigate, Link,
  queryParam, setQueryParam, toast, phone, calendarDate, dateOnly, atLeast, takePrefetch,
} from '../lib.js';
import {
  Button, PageHeader, ListState, Pager, FormDialog, Field, useForm, Segmented, Initials, Icon,
} from '../components.js';

const PAGE = 25;

export function PatientsPage() {
  const { role, tz } = useApp();
  const urlQuery = queryParam('query') || '';
  const [text, setText] = useState(urlQuery);
  const [archived, setArchived] = useState(false);
  const [dialog, setDialog] = useState(null);
  const dq = useDebounced(text.trim(), 250);

  // Follow the URL when it changes from outside (global search "see all").
  useEffect(() => { if (urlQuery !== dq) setText(urlQuery); }, [urlQuery]);
  useEffect(() => { if (dq !== urlQuery) setQueryParam('query', dq); }, [dq]);

  const pager = usePager(dq + '|' + archived);
  const list = useLoad((signal) => {
    const first = !dq && !pager.after && !archived && takePrefetch('patients'); // fetched at boot
    return first || api('GET', '/v1/patients', {
      query: { query: dq, limit: PAGE, starting_after: pager.after, archived: archived ? 'true' : undefined }, signal,
    });
  }, [dq, pager.after, archived]);
  const rows = list.data ? list.data.data : [];
  const isAdmin = atLeast(role, 'admin');

  return html`<div class="page">
    <${PageHeader} title="Patients" subtitle="Everyone your practice has seen or booked."
      actions=${html`<${Button} variant="primary" icon="plus" onClick=${() => setDialog({})}>New patient<//>`} />
    <section class="card">
      <div class="toolbar">
        <div class="toolbar-search">
          <label for="patients-filter" class="visually-hidden">Filter patients</label>
          <span class="search-icon"><${Icon} name="search" size=${16} /></span>
          <input id="patients-filter" class="control" type="search" placeholder="Filter by name, email or phone"
            autocomplete="off" spellcheck="false" value=${text} onInput=${(e) => setText(e.currentTarget.value)} />
        </div>
        ${isAdmin && html`<${Segmented} label="Show" value=${archived ? 'archived' : 'active'}
          onChange=${(v) => setArchived(v === 'archived')}
          options=${[{ value: 'active', label: 'Active' }, { value: 'archived', label: 'Archived' }]} />`}
      </div>
      <${ListState} state=${list} empty=${rows.length === 0}
        emptyText=${dq ? `No patients match “${dq}”` : archived ? 'No archived patients' : 'No patients yet'}
        emptyHint=${dq ? 'Check the spelling, or search by email or phone number.' : archived ? null : 'Add your first patient to start checking out.'}
        emptyIcon="patients"
        action=${!dq && !archived && html`<${Button} variant="primary" icon="plus" onClick=${() => setDialog({})}>Add a patient<//>`}>
        <div class="table-wrap">
          <table class="table">
            <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Phone</th><th scope="col">Date of birth</th><th scope="col" class="hide-narrow">Added</th></tr></thead>
            <tbody>
              ${rows.map((p) => html`<tr key=${p.id} class="row-link" onClick=${(e) => { if (!e.target.closest('a,button')) navigate('/patients/' + p.id); }}>
                <td><div class="cell-person"><${Initials} name=${p.name} size="sm" />
                  <${Link} href=${'/patients/' + p.id} class="strong-link">${p.name}<//></div></td>
                <td class="muted">${p.email || '—'}</td>
                <td class="muted nowrap">${phone(p.phone) || '—'}</td>
                <td class="muted nowrap">${calendarDate(p.date_of_birth) || '—'}</td>
                <td class="muted nowrap hide-narrow">${dateOnly(p.created, tz)}</td>
              </tr>`)}
            </tbody>
          </table>
        </div>
        <${Pager} pager=${pager} hasMore=${list.data && list.data.has_more} lastId=${rows.length ? rows[rows.length - 1].id : null} label="patients" />
      <//>
    </section>
    ${dialog && html`<${PatientDialog} patient=${dialog.patient} onClose=${() => setDialog(null)}
      onSaved=${(p) => { setDialog(null); navigate('/patients/' + p.id); }} />`}
  </div>`;
}

const OPTIONAL = ['email', 'phone', 'date_of_birth', 'notes'];

// Create (no patient) or edit a patient; API errors show at their field.
export function PatientDialog({ patient, onClose, onSaved }) {
  const editing = !!patient;
  const form = useForm({
    first_name: patient ? patient.first_name : '',
    last_name: patient ? patient.last_name : '',
    email: (patient && patient.email) || '',
    phone: (patient && patient.phone) || '',
    date_of_birth: (patient && patient.date_of_birth) || '',
    notes: (patient && patient.notes) || '',
  });

  const submit = async (v, key) => {
    const body = {};
    if (!editing) {
      body.first_name = v.first_name;
      body.last_name = v.last_name;
      for (const f of OPTIONAL) if (v[f].trim()) body[f] = v[f].trim();
      const p = await api('POST', '/v1/patients', { body, key });
      toast(`${p.name} added`);
      onSaved(p);
    } else {
      if (v.first_name !== patient.first_name) body.first_name = v.first_name;
      if (v.last_name !== patient.last_name) body.last_name = v.last_name;
      for (const f of OPTIONAL) {
        const now = v[f].trim();
        if (now !== (patient[f] || '')) body[f] = now === '' ? null : now;
      }
      const p = Object.keys(body).length ? await api('PATCH', '/v1/patients/' + patient.id, { body }) : patient;
      toast('Patient saved');
      onSaved(p);
    }
  };

  return html`<${FormDialog} title=${editing ? 'Edit patient' : 'New patient'} form=${form} onSubmit=${submit} onClose=${onClose}>
    <div class="grid-2">
      <${Field} form=${form} name="first_name" label="First name" autocomplete="off" />
      <${Field} form=${form} name="last_name" label="Last name" autocomplete="off" />
    </div>
    <${Field} form=${form} name="email" label="Email" type="email" autocomplete="off" spellcheck="false" />
    <div class="grid-2">
      <${Field} form=${form} name="phone" label="Phone" type="tel" autocomplete="off" hint="US numbers need no country code." />
      <${Field} form=${form} name="date_of_birth" label="Date of birth" type="date" max=${new Date().toISOString().slice(0, 10)} />
    </div>
    <${Field} form=${form} name="notes" label="Notes" as="textarea" hint="Visible to all staff. No clinical notes." />
  <//>`;
}
