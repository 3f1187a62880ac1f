// Clinics (admin): list, create, edit (address, time zone, tax rate),
// archive and restore. The tax rate is typed in % and sent as basis points.
import {
  html, useState, useMemo, api, useApp, useLoad, usePager, toast, toastError, percent, bpsToPercentText, parseDecimal,
} from '../lib.js';
import {
  Button, PageHeader, ListState, Pager, FormDialog, Field, useForm, Badge, fieldError, ConfirmDialog,
} from '../components.js';

const PAGE = 50;
const CURRENCIES = ['AUD', 'CAD', 'CHF', 'DKK', 'EUR', 'GBP', 'HKD', 'JPY', 'KWD', 'MXN', 'NOK', 'NZD', 'SEK', 'SGD', 'USD', 'ZAR'];

function timeZones() {
  try { return Intl.supportedValuesOf('timeZone'); } catch (_) { return ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'UTC']; }
}

function addressLine(a) {
  if (!a) return '';
  const cityLine = [a.city, [a.state, a.postal_code].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return [a.line1, a.line2, cityLine].filter(Boolean).join(', ');
}

export function ClinicsPage() {
  const { reloadClinics } = useApp();
  const [dialog, setDialog] = useState(null);
  const pager = usePager('');
  const list = useLoad((signal) => api('GET', '/v1/clinics', { query: { limit: PAGE, starting_after: pager.after }, signal }), [pager.after]);
  const rows = list.data ? list.data.data : [];
  const reload = () => { list.reload(); reloadClinics(); };

  const setArchived = async (c, archived) => {
    const r = await api('PATCH', '/v1/clinics/' + c.id, { body: { archived } });
    toast(`${r.name} ${archived ? 'archived' : 'restored'}`);
    setDialog(null);
    reload();
  };

  return html`<div class="page">
    <${PageHeader} title="Clinics" subtitle="Your practice's locations: address, time zone and sales tax."
      actions=${html`<${Button} variant="primary" icon="plus" onClick=${() => setDialog({ kind: 'edit' })}>New clinic<//>`} />
    <section class="card" aria-label="Clinics">
      <${ListState} state=${list} empty=${rows.length === 0} emptyText="No clinics yet" emptyIcon="clinics"
        emptyHint="Add your first location to sell and count stock there."
        action=${html`<${Button} variant="primary" icon="plus" onClick=${() => setDialog({ kind: 'edit' })}>Add a clinic<//>`}>
        <div class="table-wrap"><table class="table">
          <thead><tr><th scope="col">Clinic</th><th scope="col">Time zone</th><th scope="col" class="num">Sales tax</th><th scope="col">Currency</th>
            <th scope="col" class="actions-col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>${rows.map((c) => html`<tr key=${c.id} class=${c.archived ? 'is-dim' : ''}>
            <td><div class="strong">${c.name}${c.archived ? html` <${Badge} tone="warn">Archived<//>` : null}</div>
              <div class="small muted">${addressLine(c.address) || 'No address'}${c.country ? ' · ' + c.country : ''}</div></td>
            <td class="muted">${c.timezone}</td>
            <td class="num">${percent(c.tax_rate_bps)}</td>
            <td class="muted">${c.currency}</td>
            <td class="actions">
              <${Button} size="sm" variant="ghost" aria-label=${'Edit ' + c.name} onClick=${() => setDialog({ kind: 'edit', clinic: c })}>Edit<//>
              ${c.archived
                ? html`<${Button} size="sm" variant="ghost" aria-label=${'Restore ' + c.name} onClick=${() => setArchived(c, false).catch(toastError)}>Restore<//>`
                : html`<${Button} size="sm" variant="ghost" aria-label=${'Archive ' + c.name} onClick=${() => setDialog({ kind: 'archive', clinic: c })}>Archive<//>`}
            </td>
          </tr>`)}</tbody>
        </table></div>
        <${Pager} pager=${pager} hasMore=${list.data && list.data.has_more} lastId=${rows.length ? rows[rows.length - 1].id : null} label="clinics" />
      <//>
    </section>
    ${dialog && dialog.kind === 'edit' && html`<${ClinicDialog} clinic=${dialog.clinic} onClose=${() => setDialog(null)} onSaved=${() => { setDialog(null); reload(); }} />`}
    ${dialog && dialog.kind === 'archive' && html`<${ConfirmDialog} title=${`Archive ${dialog.clinic.name}?`} danger confirmLabel="Archive clinic"
      message="The clinic leaves the clinic switcher. Its history is kept, and you can restore it here."
      onConfirm=${() => setArchived(dialog.clinic, true)} onClose=${() => setDialog(null)} />`}
  </div>`;
}

const ADDRESS = ['line1', 'line2', 'city', 'state', 'postal_code'];

function ClinicDialog({ clinic, onClose, onSaved }) {
  const { currency: accountCurrency, tz } = useApp();
  const zones = useMemo(timeZones, []);
  const guessTz = tz || Intl.DateTimeFormat().resolvedOptions().timeZone || 'America/New_York';
  const a = (clinic && clinic.address) || {};
  const init = {
    name: clinic ? clinic.name : '',
    timezone: clinic ? clinic.timezone : guessTz,
    tax_rate_bps: clinic ? bpsToPercentText(clinic.tax_rate_bps) : '0', // percent text
    country: clinic ? clinic.country : 'US',
    currency: clinic ? clinic.currency : accountCurrency,
  };
  for (const k of ADDRESS) init['address.' + k] = a[k] || '';
  const form = useForm(init);
  const tzOptions = zones.includes(form.values.timezone) ? zones : [form.values.timezone, ...zones];

  const submit = async (v, key) => {
    const bps = parseDecimal(v.tax_rate_bps.trim().replace(/%$/, ''), 2);
    if (bps == null || bps > 10000) throw fieldError('tax_rate_bps', 'Enter a percentage from 0 to 100 with at most two decimals, such as 8.25.');
    const country = v.country.trim().toUpperCase();
    const body = { name: v.name, timezone: v.timezone, tax_rate_bps: bps, country, currency: v.currency };
    const address = {};
    for (const k of ADDRESS) {
      const now = v['address.' + k].trim();
      if (clinic) { if (now !== (a[k] || '')) address[k] = now === '' ? null : now; } else if (now) address[k] = now;
    }
    if (Object.keys(address).length) body.address = address;
    if (clinic) {
      for (const k of ['name', 'timezone', 'tax_rate_bps', 'country', 'currency']) if (body[k] === clinic[k]) delete body[k];
      const c = Object.keys(body).length ? await api('PATCH', '/v1/clinics/' + clinic.id, { body }) : clinic;
      toast(`${c.name} saved`);
    } else {
      const c = await api('POST', '/v1/clinics', { body, key });
      toast(`${c.name} created`);
    }
    onSaved();
  };

  return html`<${FormDialog} title=${clinic ? 'Edit clinic' : 'New clinic'} form=${form} onSubmit=${submit} onClose=${onClose} wide>
    <${Field} form=${form} name="name" label="Name" autocomplete="off" />
    <div class="grid-3">
      <${Field} form=${form} name="timezone" label="Time zone" as="select">
        ${tzOptions.map((z) => html`<option key=${z} value=${z}>${z.replace(/_/g, ' ')}</option>`)}
      <//>
      <${Field} form=${form} name="tax_rate_bps" label="Tax rate (%)" inputmode="decimal" suffix="%" placeholder="8.25" autocomplete="off" />
      <${Field} form=${form} name="currency" label="Currency" as="select">
        ${CURRENCIES.map((c) => html`<option key=${c} value=${c}>${c}</option>`)}
      <//>
    </div>
    <fieldset class="fieldset">
      <legend>Address</legend>
      <div class="grid-2">
        <${Field} form=${form} name="address.line1" label="Address line 1" autocomplete="off" />
        <${Field} form=${form} name="address.line2" label="Address line 2" autocomplete="off" />
      </div>
      <div class="grid-4">
        <${Field} form=${form} name="address.city" label="City" autocomplete="off" />
        <${Field} form=${form} name="address.state" label="State" autocomplete="off" placeholder="TX" />
        <${Field} form=${form} name="address.postal_code" label="Postal code" autocomplete="off" />
        <${Field} form=${form} name="country" label="Country" autocomplete="off" maxlength="2" placeholder="US" />
      </div>
    </fieldset>
  <//>`;
}
