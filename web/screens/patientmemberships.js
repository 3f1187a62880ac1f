// A patient's memberships (the Memberships tab of the patient page): each
// enrolment with its program and tier, status, fees and current period,
// and enrolling in a tier (POST /v1/memberships): the tier, the card on
// file that pays, the clinic that takes the payment and, when the program
// has one, the agreement the patient signs by name. The server charges
// the setup fee and the first month; the screen only says which fees it
// charges, as the tier has them.
import {
  html, useState, api, useApp, useLoad, listAll, toast, money, percent, dateOnly,
} from '../lib.js';
import { Button, ListState, FormDialog, Field, useForm, Badge, fieldError } from '../components.js';
import { cardLabel, humanize } from './paykit.js';
import { useAttempt } from './invoicekit.js';

const STATUS_TONE = {
  pending: 'info', active: 'success', past_due: 'warn', on_hold: 'warn', failed: 'danger', canceled: 'neutral',
};
const CURRENT = ['pending', 'active', 'past_due', 'on_hold'];

// Every tier by id, with its program (archived ones too: old enrolments).
function useTiers() {
  return useLoad(async () => {
    const [live, old] = await Promise.all([
      listAll('/v1/membership_programs'), listAll('/v1/membership_programs', { archived: 'true' }),
    ]);
    const byId = {};
    for (const program of [...live, ...old]) for (const tier of program.tiers) byId[tier.id] = { tier, program };
    return { programs: live, byId };
  }, []);
}

// What a tier gives and what enrolling charges, in words (the tier's own
// amounts; nothing is added up here).
function tierSummary(t) {
  const gives = (t.discount_bps ? `${percent(t.discount_bps)} off every line without a member price` : 'No general discount')
    + (t.member_prices.length ? `; member prices on ${t.member_prices.length} item${t.member_prices.length === 1 ? '' : 's'}` : '');
  const charged = t.monthly_fee || t.setup_fee
    ? `Charged now: the first month (${money(t.monthly_fee, t.currency)})${t.setup_fee ? ` and the setup fee (${money(t.setup_fee, t.currency)})` : ''}.`
    : 'Nothing is charged: the tier is free.';
  return `${gives}. ${charged}`;
}

const fees = (t) => `${money(t.monthly_fee, t.currency)} a month${t.setup_fee ? ` + ${money(t.setup_fee, t.currency)} setup` : ''}`;

export function PatientMemberships({ patient }) {
  const { tz } = useApp();
  const list = useLoad((signal) => api('GET', '/v1/memberships', { query: { patient: patient.id, limit: 100 }, signal }), [patient.id]);
  const tiers = useTiers();
  const [enrolling, setEnrolling] = useState(false);
  const rows = list.data ? list.data.data : [];
  const current = rows.find((m) => CURRENT.includes(m.status));
  const name = (m) => {
    const x = tiers.data && tiers.data.byId[m.tier];
    return x ? `${x.program.name} · ${x.tier.name}` : '…';
  };
  const enrol = !patient.archived && !current
    && html`<${Button} size="sm" variant="primary" icon="star" onClick=${() => setEnrolling(true)}>Enrol in a membership<//>`;
  return html`<div class="tab-pad">
    ${rows.length > 0 && enrol && html`<div class="tab-actions">${enrol}</div>`}
    <${ListState} state=${list} empty=${rows.length === 0} emptyIcon="star" rows=${2} emptyText="No memberships yet"
      emptyHint="Enrol the patient in a tier: they get its member prices and discount at checkout." action=${enrol}>
      <div class="table-wrap"><table class="table table-compact">
        <thead><tr><th scope="col">Membership</th><th scope="col">Status</th><th scope="col">Fees</th><th scope="col">Current period</th>
          <th scope="col">Enrolled</th></tr></thead>
        <tbody>${rows.map((m) => html`<tr key=${m.id} class=${CURRENT.includes(m.status) ? '' : 'is-dim'}>
          <td class="strong">${name(m)}</td>
          <td><${Badge} tone=${STATUS_TONE[m.status] || 'neutral'}>${humanize(m.status)}<//></td>
          <td class="nowrap">${fees(m)}</td>
          <td class="nowrap">${m.current_period_start ? `${dateOnly(m.current_period_start, tz)} – ${dateOnly(m.current_period_end, tz)}` : html`<span class="muted">—</span>`}</td>
          <td class="nowrap muted">${dateOnly(m.created, tz)}${m.agreement_signature ? html`<div class="small">signed by ${m.agreement_signature.name}</div>` : null}</td>
        </tr>`)}</tbody>
      </table></div>
    <//>
    ${enrolling && html`<${EnrolDialog} patient=${patient} tiers=${tiers} onClose=${() => setEnrolling(false)}
      onDone=${() => { setEnrolling(false); list.reload(); }} />`}
  </div>`;
}

function EnrolDialog({ patient, tiers, onClose, onDone }) {
  const { clinics, clinic } = useApp();
  const cards = useLoad((signal) => api('GET', `/v1/patients/${patient.id}/cards`, { signal }), [patient.id]);
  const cardRows = cards.data ? cards.data.data : [];
  const programs = tiers.data ? tiers.data.programs.filter((p) => !p.archived && p.tiers.some((t) => !t.archived)) : [];
  const live = clinics.filter((c) => !c.archived);
  const firstTier = programs.length ? programs[0].tiers.find((t) => !t.archived) : null;
  const form = useForm({ tier: firstTier ? firstTier.id : '', card: '', clinic: clinic ? clinic.id : '', agreement_signature: '' });
  const attempt = useAttempt();
  const v = form.values;
  const picked = tiers.data && tiers.data.byId[v.tier];
  const defaultCard = cardRows.find((c) => c.default) || cardRows[0];
  const cardId = v.card || (defaultCard ? defaultCard.id : '');
  const agreement = picked && picked.program.agreement;

  const submit = async (vals) => {
    if (!vals.tier) throw fieldError('tier', 'Choose a tier.');
    const body = { patient: patient.id, tier: vals.tier, clinic: vals.clinic || null };
    if (cardId) body.card = cardId;
    if (agreement) {
      if (!vals.agreement_signature.trim()) throw fieldError('agreement_signature', 'The patient signs by typing their full name.');
      body.agreement_signature = vals.agreement_signature.trim();
      body.agreement_version = picked.program.agreement_version;
    }
    try {
      const m = await api('POST', '/v1/memberships', { body, key: attempt.key(JSON.stringify(body)) });
      toast(`${patient.name} is now a ${picked.tier.name} member${m.status === 'active' ? '' : ` (${humanize(m.status)})`}`);
      onDone(m);
    } catch (e) {
      attempt.settle(e);
      throw e;
    }
  };

  return html`<${FormDialog} wide title=${'Enrol ' + patient.name} form=${form} onSubmit=${submit} onClose=${onClose} submitLabel="Enrol and charge"
      description="The setup fee and the first month are charged to the card now; the membership starts when the charge succeeds.">
    ${tiers.data && programs.length === 0 && html`<p class="muted">No membership program has a tier yet. An admin sets them up under Checkout settings → Memberships.</p>`}
    ${programs.length > 0 && html`<${Field} form=${form} name="tier" label="Tier" as="select">
      ${programs.map((p) => html`<optgroup key=${p.id} label=${p.name}>
        ${p.tiers.filter((t) => !t.archived).map((t) => html`<option key=${t.id} value=${t.id}>${p.name} · ${t.name} (${fees(t)})</option>`)}
      </optgroup>`)}
    <//>`}
    ${picked && html`<p class="member-note"><span>${tierSummary(picked.tier)}</span></p>`}
    <div class="grid-2">
      <div class="field">
        <label for=${form.id + '-card'}>Card on file</label>
        <select id=${form.id + '-card'} class="control" value=${cardId} aria-invalid=${form.errors.card ? 'true' : undefined}
          onChange=${(e) => form.set('card', e.currentTarget.value)}>
          ${cardRows.length === 0 && html`<option value="">${cards.loading ? 'Loading…' : 'No card on file'}</option>`}
          ${cardRows.map((c) => html`<option key=${c.id} value=${c.id}>${cardLabel(c)}${c.default ? ' (default)' : ''}</option>`)}
        </select>
        ${form.errors.card ? html`<p class="field-error"><span class="msg">${form.errors.card}</span></p>`
          : cardRows.length === 0 && !cards.loading ? html`<p class="hint">Add one on the Cards tab first (a tier that charges nothing needs none).</p>` : null}
      </div>
      <${Field} form=${form} name="clinic" label="Clinic taking the payment" as="select">
        ${live.map((c) => html`<option key=${c.id} value=${c.id}>${c.name}</option>`)}
      <//>
    </div>
    ${agreement && html`<div class="field">
      <span class="label">Agreement (version ${picked.program.agreement_version})</span>
      <div class="agreement prewrap" tabindex="0" aria-label="Agreement text">${agreement}</div>
    </div>
    <${Field} form=${form} name="agreement_signature" label="Signature" autocomplete="off" placeholder=${patient.name}
      hint="The patient agrees by typing their full name." />`}
  <//>`;
}
