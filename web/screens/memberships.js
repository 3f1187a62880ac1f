// Membership programs and tiers (admin): every live program with its
// tiers — the tier's discount off every line without a member price, its
// member prices, its monthly and setup fees — and dialogs to create a
// program, add a tier and change a tier (its member prices replace the
// whole set). Enrolling a patient is on the patient's page.
import {
  html, useState, api, useApp, useLoad, listAll, toast, money, percent, parseDecimal, parseMoney, moneyInput,
  bpsToPercentText,
} from '../lib.js';
import {
  Button, PageHeader, ListState, FormDialog, Field, useForm, Badge, fieldError, currencySymbol, Icon,
} from '../components.js';
import { ItemKind } from './invoicekit.js';
import { SettingsNav, ItemSearchBox, FieldError, useCatalog, itemById, itemName } from './settingskit.js';

export function MembershipsPage() {
  const list = useLoad(() => listAll('/v1/membership_programs'), []);
  const catalog = useCatalog();
  const [dialog, setDialog] = useState(null);
  const rows = list.data || [];
  const done = () => { setDialog(null); list.reload(); };
  return html`<div class="page">
    <${PageHeader} title="Memberships" subtitle="Loyalty programs: members pay a monthly fee and get member prices and a discount at checkout."
      actions=${html`<${Button} variant="primary" icon="plus" onClick=${() => setDialog({ kind: 'program' })}>New program<//>`} />
    <${SettingsNav} current="/settings/memberships" />
    ${(list.loading && !list.data) || list.error || rows.length === 0 ? html`<section class="card" aria-label="Membership programs">
      <${ListState} state=${list} empty=${rows.length === 0} emptyIcon="star" emptyText="No membership programs yet"
        emptyHint="Create a program (such as Glow Club), then add its tiers with their fees, discount and member prices."
        action=${html`<${Button} icon="plus" onClick=${() => setDialog({ kind: 'program' })}>New program<//>`} />
    </section>` : rows.map((p) => html`<${Program} key=${p.id} program=${p} catalog=${catalog}
      onAddTier=${() => setDialog({ kind: 'tier', program: p, tier: null })}
      onEditTier=${(t) => setDialog({ kind: 'tier', program: p, tier: t })} />`)}
    ${dialog && dialog.kind === 'program' && html`<${ProgramDialog} onClose=${() => setDialog(null)} onSaved=${done} />`}
    ${dialog && dialog.kind === 'tier' && html`<${TierDialog} program=${dialog.program} tier=${dialog.tier} catalog=${catalog}
      onClose=${() => setDialog(null)} onSaved=${done} />`}
  </div>`;
}

function Dot({ color }) {
  if (!color) return null;
  return html`<span class="color-dot" style=${{ background: color }} aria-hidden="true"></span>`;
}

function Program({ program: p, catalog, onAddTier, onEditTier }) {
  const tid = 'mp-' + p.id;
  const tiers = p.tiers.filter((t) => !t.archived);
  return html`<section class="card" aria-labelledby=${tid}>
    <div class="section-head">
      <div><h2 id=${tid} class="section-title"><${Dot} color=${p.color} />${p.name}</h2>
        <p class="small muted">${p.description || 'No description'} · ${p.agreement ? `agreement version ${p.agreement_version}` : 'no agreement to sign'}</p></div>
      <div class="page-actions"><${Button} size="sm" icon="plus" aria-label=${'Add a tier to ' + p.name} onClick=${onAddTier}>Add tier<//></div>
    </div>
    ${tiers.length === 0 ? html`<p class="card-empty muted">No tiers yet: add one with its fees and member prices.</p>`
      : html`<div class="table-wrap"><table class="table table-compact">
        <thead><tr><th scope="col">Tier</th><th scope="col" class="num">Discount</th><th scope="col">Member prices</th>
          <th scope="col" class="num">Monthly fee</th><th scope="col" class="num">Setup fee</th>
          <th scope="col" class="actions-col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${tiers.map((t) => html`<tr key=${t.id}>
          <td class="strong"><${Dot} color=${t.color || p.color} />${t.name}</td>
          <td class="num">${t.discount_bps ? percent(t.discount_bps) + ' off' : html`<span class="muted">None</span>`}</td>
          <td>${t.member_prices.length === 0 ? html`<span class="muted">None</span>` : html`<ul class="mp-list">
            ${t.member_prices.map((mp) => {
              const it = itemById(catalog, mp.item);
              return html`<li key=${mp.item}><span>${itemName(catalog, mp.item)}</span>
                <span class="num strong">${money(mp.price, t.currency)}</span>
                ${it && it.price !== mp.price && html`<s class="was num">${money(it.price, it.currency)}</s>`}</li>`;
            })}</ul>`}</td>
          <td class="num">${money(t.monthly_fee, t.currency)}</td>
          <td class="num">${t.setup_fee ? money(t.setup_fee, t.currency) : html`<span class="muted">—</span>`}</td>
          <td class="actions"><${Button} size="sm" variant="ghost" aria-label=${`Edit ${t.name} of ${p.name}`} onClick=${() => onEditTier(t)}>Edit<//></td>
        </tr>`)}</tbody>
      </table></div>`}
  </section>`;
}

function ProgramDialog({ onClose, onSaved }) {
  const form = useForm({ name: '', description: '', agreement: '' });
  const submit = async (v, key) => {
    const body = { name: v.name.trim() };
    if (v.description.trim()) body.description = v.description.trim();
    if (v.agreement.trim()) body.agreement = v.agreement.trim();
    const p = await api('POST', '/v1/membership_programs', { body, key });
    toast(`${p.name} created: now add its tiers`);
    onSaved(p);
  };
  return html`<${FormDialog} title="New membership program" form=${form} onSubmit=${submit} onClose=${onClose} submitLabel="Create program">
    <${Field} form=${form} name="name" label="Name" autocomplete="off" maxlength="100" placeholder="Glow Club" />
    <${Field} form=${form} name="description" label="Description (optional)" as="textarea" rows="2" />
    <${Field} form=${form} name="agreement" label="Agreement (optional)" as="textarea" rows="4"
      hint="What a patient signs when enrolling, such as the authority to charge their card monthly. A later change becomes a new version." />
  <//>`;
}

// Member prices in the form: [{ item, text }].
function TierDialog({ program, tier, catalog, onClose, onSaved }) {
  const { currency: accountCurrency } = useApp();
  const editing = !!tier;
  const currency = tier ? tier.currency : accountCurrency;
  const symbol = currencySymbol(currency);
  const form = useForm(tier ? {
    name: tier.name, discount_bps: bpsToPercentText(tier.discount_bps), monthly_fee: moneyInput(tier.monthly_fee, currency),
    setup_fee: tier.setup_fee ? moneyInput(tier.setup_fee, currency) : '',
    prices: tier.member_prices.map((mp) => ({ item: mp.item, text: moneyInput(mp.price, currency) })),
  } : { name: '', discount_bps: '0', monthly_fee: '', setup_fee: '', prices: [] });
  const v = form.values;
  const setPrice = (i, text) => {
    form.set('prices', v.prices.map((p, j) => (j === i ? { ...p, text } : p)));
    form.set(`member_prices[${i}].price`, undefined);
  };
  const removePrice = (i) => form.set('prices', v.prices.filter((_, j) => j !== i));
  const submit = async (vals, key) => {
    const bps = parseDecimal(String(vals.discount_bps).replace(/%$/, '') || '0', 2);
    if (bps == null || bps > 10000) throw fieldError('discount_bps', 'Enter a percent from 0 to 100, such as 10 or 12.5.');
    const monthly = parseMoney(vals.monthly_fee, currency);
    if (monthly == null) throw fieldError('monthly_fee', 'Enter the monthly fee, such as 99 or 99.00.');
    const setup = vals.setup_fee.trim() ? parseMoney(vals.setup_fee, currency) : 0;
    if (setup == null) throw fieldError('setup_fee', 'Enter the setup fee, such as 25, or leave it empty.');
    const prices = [];
    vals.prices.forEach((p, i) => {
      const amount = parseMoney(p.text, currency);
      if (amount == null) throw fieldError(`member_prices[${i}].price`, `Enter the member price of ${itemName(catalog, p.item)}.`);
      prices.push({ item: p.item, price: amount });
    });
    const body = { name: vals.name.trim(), discount_bps: bps, monthly_fee: monthly, setup_fee: setup, member_prices: prices };
    const t = editing
      ? await api('PATCH', '/v1/membership_tiers/' + tier.id, { body })
      : await api('POST', `/v1/membership_programs/${program.id}/tiers`, { body, key });
    toast(editing ? `${t.name} saved` : `${t.name} added to ${program.name}`);
    onSaved(t);
  };
  const err = form.errors;
  const rowError = (i) => err[`member_prices[${i}].price`] || err[`member_prices[${i}].item`];
  return html`<${FormDialog} wide title=${editing ? `Edit ${tier.name}` : `Add a tier to ${program.name}`} form=${form} onSubmit=${submit} onClose=${onClose}
      submitLabel=${editing ? 'Save tier' : 'Add tier'}
      description=${editing ? 'Changed fees apply to patients who enrol from now on; member prices and the discount apply to every member at once.' : 'Members of this tier pay its fees and get its prices at checkout.'}>
    <div class="grid-2">
      <${Field} form=${form} name="name" label="Tier name" autocomplete="off" maxlength="100" placeholder="Gold" />
      <${Field} form=${form} name="discount_bps" label="Member discount" suffix="%" inputmode="decimal" autocomplete="off"
        hint="Off every line without a member price." />
    </div>
    <div class="grid-2">
      <${Field} form=${form} name="monthly_fee" label="Monthly fee" prefix=${symbol} inputmode="decimal" autocomplete="off" placeholder=${moneyInput(0, currency)} />
      <${Field} form=${form} name="setup_fee" label="Setup fee (optional)" prefix=${symbol} inputmode="decimal" autocomplete="off"
        placeholder=${moneyInput(0, currency)} hint="Charged once, with the first month." />
    </div>
    <div class="field">
      <label for=${form.id + '-member_prices'}>Member prices</label>
      ${v.prices.length > 0 && html`<ul class="mp-edit">${v.prices.map((p, i) => {
        const it = itemById(catalog, p.item);
        const pid = `${form.id}-member_prices[${i}].price`;
        const e = rowError(i);
        return html`<li key=${p.item}>
          <div class="mp-item" id=${`${form.id}-member_prices[${i}].item`} tabindex="-1">
            ${it && html`<${ItemKind} kind=${it.kind} />`}<span class="strong">${itemName(catalog, p.item)}</span>
            ${it && html`<span class="small muted">list ${money(it.price, it.currency)}</span>`}</div>
          <div class="input-group mp-price"><span class="affix" aria-hidden="true">${symbol}</span>
            <input id=${pid} class="control control-sm" inputmode="decimal" autocomplete="off" aria-label=${'Member price of ' + itemName(catalog, p.item)}
              aria-invalid=${e ? 'true' : undefined} value=${p.text} onInput=${(ev) => setPrice(i, ev.currentTarget.value)} /></div>
          <button type="button" class="icon-btn" aria-label=${'Remove ' + itemName(catalog, p.item) + ' from the member prices'} onClick=${() => removePrice(i)}>
            <${Icon} name="close" size=${16} /></button>
          ${e && html`<div class="mp-err"><${FieldError} message=${e} /></div>`}
        </li>`;
      })}</ul>`}
      <${ItemSearchBox} id=${form.id + '-member_prices'} label="Add a member price" catalog=${catalog} exclude=${v.prices.map((p) => p.item)}
        placeholder="Add a member price: type a service or product"
        onPick=${(it) => form.set('prices', [...v.prices, { item: it.id, text: moneyInput(it.price, it.currency) }])} />
      ${err.member_prices ? html`<${FieldError} message=${err.member_prices} />`
        : html`<p class="hint">A member price replaces the list price (and the discount) on its item.</p>`}
    </div>
    ${editing && tier.archived && html`<${Badge} tone="warn">Archived<//>`}
  <//>`;
}
