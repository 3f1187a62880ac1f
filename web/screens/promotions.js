// Promotions (admin): the list (live or archived; active, paused,
// scheduled or ended; kind, offer, items, dates, clinics), creating and
// editing the three kinds — buy X get Y (BOGO), a discount group, a
// package at one price — with item pickers over the catalog, active dates
// and clinics; pausing, archiving (DELETE) and restoring.
//
// The pricing engine applies promotions by itself (docs/promotions.md);
// this screen only writes what an admin chose. Amounts typed are parsed to
// integer minor units; server errors show at the field their `param` names.
import {
  html, useState, api, useApp, useLoad, listAll, toast, toastError, money, percent, parseDecimal, parseMoney,
  moneyInput, bpsToPercentText, dateOnly, ApiError,
} from '../lib.js';
import {
  Button, PageHeader, ListState, FormDialog, Field, useForm, Badge, ConfirmDialog, Segmented, fieldError,
  currencySymbol,
} from '../components.js';
import { DiscountInput, parseDiscount, discountForm, shortClinic } from './invoicekit.js';
import {
  SettingsNav, ItemPicker, FieldError, useCatalog, itemNames, itemById, paramField, zonedDayStart, zonedDay,
} from './settingskit.js';

const KINDS = [
  { id: 'bogo', name: 'Buy X, get Y', short: 'BOGO', text: 'Buy a number of items, get more of them (or of other items) free or at a percent off.' },
  { id: 'group', name: 'Discount group', short: 'Group', text: 'A percent off each of a set of items, or an amount off them together.' },
  { id: 'package', name: 'Package', short: 'Package', text: 'A bundle of items sold together at one price.' },
];
const kindOf = (id) => KINDS.find((k) => k.id === id) || { name: id, short: id };

// What a promotion gives, in words ("Buy 2, get 1 free").
export function offerText(p, catalog) {
  if (p.kind === 'bogo') {
    const bps = p.discount && p.discount.percent_bps != null ? p.discount.percent_bps : 10000;
    const what = bps >= 10000 ? 'free' : percent(bps) + ' off';
    const of = p.get_items && p.get_items.length ? ` of ${itemNames(catalog, p.get_items, 2)}` : '';
    return `Buy ${p.buy_quantity}, get ${p.get_quantity}${of} ${what}`;
  }
  if (p.kind === 'group') {
    if (!p.discount) return '';
    return p.discount.percent_bps != null ? `${percent(p.discount.percent_bps)} off each` : `${money(p.discount.amount, p.currency)} off together`;
  }
  if (p.kind === 'package') return `${p.items.length === 1 ? 'The item' : `All ${p.items.length}`} for ${money(p.package_price, p.currency)}`;
  return '';
}

// Where it stands now: archived, paused, running, not yet, or over.
function promoStatus(p) {
  const now = Date.now() / 1000;
  if (p.archived) return ['neutral', 'Archived'];
  if (!p.active) return ['warn', 'Paused'];
  if (p.in_effect) return ['success', 'Active'];
  if (p.starts_at && p.starts_at > now) return ['info', 'Scheduled'];
  if (p.ends_at && p.ends_at <= now) return ['neutral', 'Ended'];
  return ['neutral', 'Not in effect'];
}

function datesText(p, tz) {
  const last = p.ends_at ? dateOnly(p.ends_at - 1, tz) : null;
  if (p.starts_at && last) return `${dateOnly(p.starts_at, tz)} – ${last}`;
  if (p.starts_at) return `From ${dateOnly(p.starts_at, tz)}`;
  if (last) return `Until ${last}`;
  return 'Always';
}

export function PromotionsPage() {
  const { clinics, tz } = useApp();
  const [show, setShow] = useState('live');
  const list = useLoad(() => listAll('/v1/promotions', show === 'archived' ? { archived: 'true' } : {}), [show]);
  const catalog = useCatalog();
  const [dialog, setDialog] = useState(null);
  const [busy, setBusy] = useState(null);
  const rows = list.data || [];
  const clinicNames = (ids) => (ids.length === 0 ? 'All clinics'
    : ids.map((id) => { const c = clinics.find((x) => x.id === id); return c ? shortClinic(c.name) : id; }).join(', '));

  const patch = async (p, body, msg) => {
    setBusy(p.id);
    try {
      await api('PATCH', '/v1/promotions/' + p.id, { body });
      toast(msg);
      list.reload();
    } catch (e) { toastError(e); } finally { setBusy(null); }
  };
  const archive = async (p) => {
    await api('DELETE', '/v1/promotions/' + p.id);
    toast(`${p.name} archived`);
    setDialog(null);
    list.reload();
  };

  return html`<div class="page">
    <${PageHeader} title="Promotions" subtitle="Offers the pricing engine applies by itself at checkout, in priority order."
      actions=${show === 'live' && html`<${Button} variant="primary" icon="plus" onClick=${() => setDialog({ kind: 'edit', promo: null })}>New promotion<//>`} />
    <${SettingsNav} current="/settings/promotions" />
    <section class="card" aria-label="Promotions">
      <div class="toolbar">
        <${Segmented} label="Show" value=${show} onChange=${setShow}
          options=${[{ value: 'live', label: 'Live' }, { value: 'archived', label: 'Archived' }]} />
        <span class="small muted toolbar-end">A line takes part in one promotion at most: the first that applies, lower priority first.</span>
      </div>
      <${ListState} state=${list} empty=${rows.length === 0} emptyIcon="star"
        emptyText=${show === 'archived' ? 'No archived promotions' : 'No promotions yet'}
        emptyHint=${show === 'archived' ? 'Archived promotions stop applying and can be restored here.' : 'Create a buy-X-get-Y offer, a discount group or a package.'}
        action=${show === 'live' && html`<${Button} icon="plus" onClick=${() => setDialog({ kind: 'edit', promo: null })}>New promotion<//>`}>
        <div class="table-wrap"><table class="table table-compact promos">
          <thead><tr><th scope="col">Promotion</th><th scope="col">Items</th><th scope="col">Dates</th>
            <th scope="col">Clinics</th><th scope="col">Status</th><th scope="col" class="actions-col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>${rows.map((p) => {
            const [tone, label] = promoStatus(p);
            return html`<tr key=${p.id} class=${p.archived || !p.active ? 'is-dim' : ''}>
              <td class="promo-name"><div class="strong">${p.name}</div>
                <div class="small muted"><${Badge} tone="accent">${kindOf(p.kind).short}<//> ${offerText(p, catalog)}${p.priority ? ` · priority ${p.priority}` : ''}</div></td>
              <td class="promo-items">${itemNames(catalog, p.items, 3)}</td>
              <td class="promo-dates">${datesText(p, tz)}</td>
              <td>${clinicNames(p.clinics)}</td>
              <td><${Badge} tone=${tone}>${label}<//></td>
              <td class="actions">${p.archived
                ? html`<${Button} size="sm" variant="ghost" busy=${busy === p.id} aria-label=${'Restore ' + p.name}
                    onClick=${() => patch(p, { archived: false }, `${p.name} restored`)}>Restore<//>`
                : html`<${Button} size="sm" variant="ghost" aria-label=${'Edit ' + p.name} onClick=${() => setDialog({ kind: 'edit', promo: p })}>Edit<//>
                  <${Button} size="sm" variant="ghost" class="btn-danger-text" aria-label=${'Archive ' + p.name}
                    onClick=${() => setDialog({ kind: 'archive', promo: p })}>Archive<//>`}</td>
            </tr>`;
          })}</tbody>
        </table></div>
      <//>
    </section>
    ${dialog && dialog.kind === 'edit' && html`<${PromotionDialog} promo=${dialog.promo} catalog=${catalog}
      onClose=${() => setDialog(null)} onSaved=${() => { setDialog(null); list.reload(); }} />`}
    ${dialog && dialog.kind === 'archive' && html`<${ConfirmDialog} title=${`Archive ${dialog.promo.name}?`} danger confirmLabel="Archive promotion"
      message="It stops applying to invoices at once. Invoices already priced keep their prices. You can restore it from the archived list."
      onConfirm=${() => archive(dialog.promo)} onClose=${() => setDialog(null)} />`}
  </div>`;
}

// ---------------------------------------------------------------------------
// Create or edit.

function initialValues(p, currency, tz) {
  if (!p) {
    return {
      name: '', kind: 'bogo', items: [], get_same: true, get_items: [], buy_quantity: '1', get_quantity: '1',
      bogo_percent: '100', discount: { mode: 'percent', text: '' }, package_price: '',
      starts_at: '', ends_at: '', clinics: [], active: true, priority: '0',
    };
  }
  return {
    name: p.name, kind: p.kind, items: p.items.slice(), get_same: !p.get_items, get_items: p.get_items ? p.get_items.slice() : [],
    buy_quantity: String(p.buy_quantity || 1), get_quantity: String(p.get_quantity || 1),
    bogo_percent: p.kind === 'bogo' && p.discount ? bpsToPercentText(p.discount.percent_bps) : '100',
    discount: p.kind === 'group' ? discountForm(p.discount, p.currency || currency) : { mode: 'percent', text: '' },
    package_price: p.package_price != null ? moneyInput(p.package_price, p.currency || currency) : '',
    starts_at: p.starts_at ? zonedDay(p.starts_at, tz) : '', ends_at: p.ends_at ? zonedDay(p.ends_at - 1, tz) : '',
    clinics: p.clinics.slice(), active: p.active, priority: String(p.priority || 0),
  };
}

// A server error whose param is a member of a field ("items[2]",
// "discount.percent_bps") goes to that field.
function atField(e) {
  if (!(e instanceof ApiError) || !e.param) return e;
  const f = paramField(e.param);
  return f === e.param ? e : new ApiError(e.status, { ...(e.detail || {}), message: e.message, param: f });
}

const wholeNumber = (s) => (/^\s*\d{1,7}\s*$/.test(s) ? parseInt(s, 10) : null);

function PromotionDialog({ promo, catalog, onClose, onSaved }) {
  const { clinics, tz: appTz, currency: accountCurrency } = useApp();
  const live = clinics.filter((c) => !c.archived || (promo && promo.clinics.includes(c.id)));
  const editing = !!promo;
  // Dates are days in the time zone of the first clinic chosen (or the
  // clinic the app is at when it runs everywhere).
  const zoneOf = (ids) => { const c = clinics.find((x) => x.id === ids[0]); return (c && c.timezone) || appTz; };
  const [initial] = useState(() => initialValues(promo, accountCurrency, zoneOf(promo ? promo.clinics : [])));
  const form = useForm(initial);
  const v = form.values;
  const tz = zoneOf(v.clinics);
  const first = itemById(catalog, v.items[0]);
  const currency = (promo && promo.currency) || (first && first.currency) || accountCurrency;
  const symbol = currencySymbol(currency);
  const setItems = (name) => (ids) => form.set(name, ids);
  const toggleClinic = (id) => form.set('clinics', v.clinics.includes(id) ? v.clinics.filter((x) => x !== id) : [...v.clinics, id]);

  const submit = async (vals, key) => {
    const body = { name: vals.name.trim(), items: vals.items };
    if (!editing) body.kind = vals.kind;
    if (vals.kind === 'bogo') {
      const buy = wholeNumber(vals.buy_quantity);
      const get = wholeNumber(vals.get_quantity);
      if (!(buy >= 1)) throw fieldError('buy_quantity', 'Enter how many to buy: a whole number, 1 or more.');
      if (!(get >= 1)) throw fieldError('get_quantity', 'Enter how many they get: a whole number, 1 or more.');
      const bps = parseDecimal(String(vals.bogo_percent).replace(/%$/, ''), 2);
      if (bps == null || bps > 10000) throw fieldError('discount', 'Enter a percent from 0 to 100 (100 is free).');
      Object.assign(body, { buy_quantity: buy, get_quantity: get, discount: { percent_bps: bps }, get_items: vals.get_same ? null : vals.get_items });
    } else if (vals.kind === 'group') {
      const d = parseDiscount(vals.discount, currency);
      if (d.error) throw fieldError('discount', d.error);
      if (d.discount || editing) body.discount = d.discount;
    } else if (vals.kind === 'package') {
      if (vals.package_price.trim()) {
        const amount = parseMoney(vals.package_price, currency);
        if (amount == null) throw fieldError('package_price', 'Enter the price of the bundle, such as 300 or 299.99.');
        body.package_price = amount;
      }
    }
    const prio = wholeNumber(vals.priority);
    if (prio == null) throw fieldError('priority', 'Enter a whole number, 0 or more.');
    body.priority = prio;
    body.clinics = vals.clinics;
    body.active = vals.active;
    // Days become instants; an edit sends them only when changed, so an
    // instant set through the API is not rounded to a day by a save.
    const zone = zoneOf(vals.clinics);
    if (!editing || vals.starts_at !== initial.starts_at) body.starts_at = vals.starts_at ? zonedDayStart(vals.starts_at, zone) : null;
    if (!editing || vals.ends_at !== initial.ends_at) body.ends_at = vals.ends_at ? zonedDayStart(vals.ends_at, zone, 1) : null;
    try {
      const p = editing
        ? await api('PATCH', '/v1/promotions/' + promo.id, { body })
        : await api('POST', '/v1/promotions', { body, key });
      toast(editing ? `${p.name} saved` : `${p.name} created`);
      onSaved(p);
    } catch (e) { throw atField(e); }
  };

  const err = form.errors;
  return html`<${FormDialog} wide title=${editing ? `Edit ${promo.name}` : 'New promotion'}
      description=${editing ? `${kindOf(promo.kind).name} · the kind of a promotion never changes.` : 'Applied automatically to every invoice priced at its clinics while it runs.'}
      form=${form} onSubmit=${submit} onClose=${onClose} submitLabel=${editing ? 'Save promotion' : 'Create promotion'}>
    <${Field} form=${form} name="name" label="Name" autocomplete="off" maxlength="100" placeholder="Skincare 3 for 2"
      hint="Shown to the clerk next to the lines it applies to." />
    ${!editing && html`<fieldset class="choices choices-3">
      <legend class="choices-legend">Kind</legend>
      ${KINDS.map((k, i) => html`<label key=${k.id} class=${'choice' + (v.kind === k.id ? ' is-on' : '')}>
        <input type="radio" name="kind" id=${i === 0 ? form.id + '-kind' : undefined} value=${k.id} checked=${v.kind === k.id}
          onChange=${() => form.set('kind', k.id)} />
        <span class="choice-text"><span class="choice-name">${k.name}</span><span class="choice-desc">${k.text}</span></span>
      </label>`)}
    </fieldset>`}
    <${FieldError} message=${err.kind} />

    ${v.kind === 'bogo' && html`<div class="promo-block">
      <div class="promo-row">
        <${Field} form=${form} name="buy_quantity" label="Buy" inputmode="numeric" autocomplete="off" class="field-qty" suffix="units" />
        <${ItemPicker} id=${form.id + '-items'} label="Items bought" catalog=${catalog} value=${v.items} onChange=${setItems('items')}
          error=${err.items} hint="Any mix of these counts towards what is bought." />
      </div>
      <div class="promo-row">
        <${Field} form=${form} name="get_quantity" label="Get" inputmode="numeric" autocomplete="off" class="field-qty" suffix="units" />
        <div class="field">
          <span class="label">Items discounted</span>
          <label class="check-inline"><input type="checkbox" checked=${v.get_same} onChange=${(e) => form.set('get_same', e.currentTarget.checked)} />
            The same items as bought (the cheapest are discounted)</label>
          ${!v.get_same && html`<${ItemPicker} id=${form.id + '-get_items'} label="Items got" catalog=${catalog} value=${v.get_items}
            onChange=${setItems('get_items')} error=${err.get_items} />`}
          ${v.get_same && html`<${FieldError} message=${err.get_items} />`}
        </div>
      </div>
      <div class="field field-short">
        <label for=${form.id + '-discount'}>Discount on the items got</label>
        <div class="input-group"><input id=${form.id + '-discount'} class="control" inputmode="decimal" autocomplete="off"
          aria-invalid=${err.discount ? 'true' : undefined} aria-describedby=${form.id + '-discount-hint'}
          value=${v.bogo_percent} onInput=${(e) => form.set('bogo_percent', e.currentTarget.value)} /><span class="affix affix-end" aria-hidden="true">%</span></div>
        ${err.discount ? html`<${FieldError} message=${err.discount} />` : html`<p class="hint" id=${form.id + '-discount-hint'}>100% makes them free.</p>`}
      </div>
    </div>`}

    ${v.kind === 'group' && html`<div class="promo-block">
      <${ItemPicker} id=${form.id + '-items'} label="Items discounted" catalog=${catalog} value=${v.items} onChange=${setItems('items')}
        error=${err.items} hint="Every line of these items on an invoice takes the discount." />
      <div class="field field-disc">
        <label for=${form.id + '-discount'}>Discount</label>
        <${DiscountInput} id=${form.id + '-discount'} label="Discount" value=${v.discount} currency=${currency} symbol=${symbol}
          error=${err.discount} onChange=${(x) => form.set('discount', x)} />
        ${err.discount ? html`<${FieldError} id=${form.id + '-discount-err'} message=${err.discount} />`
          : html`<p class="hint">A percent comes off each line; an amount comes off the lines together, split by their value.</p>`}
      </div>
    </div>`}

    ${v.kind === 'package' && html`<div class="promo-block">
      <${ItemPicker} id=${form.id + '-items'} label="Items in the package" catalog=${catalog} value=${v.items} onChange=${setItems('items')}
        error=${err.items} hint="One of each is in the bundle." />
      <${Field} form=${form} name="package_price" label="Package price" prefix=${symbol} inputmode="decimal" autocomplete="off" class="field-short"
        placeholder=${moneyInput(0, currency)} hint="Split over the items by their list prices; 0 makes it a free bundle." />
    </div>`}

    <div class="grid-2">
      <${Field} form=${form} name="starts_at" label="First day (optional)" type="date" hint=${`From 00:00, ${tz || 'local time'}. Empty: at once.`} />
      <${Field} form=${form} name="ends_at" label="Last day (optional)" type="date" hint="Until the end of that day. Empty: no end." />
    </div>
    <fieldset class="field clinic-checks">
      <legend class="label">Clinics</legend>
      <div class="check-row">
        ${live.map((c, i) => html`<label key=${c.id} class="check-inline">
          <input type="checkbox" id=${i === 0 ? form.id + '-clinics' : undefined} checked=${v.clinics.includes(c.id)}
            aria-invalid=${err.clinics ? 'true' : undefined} onChange=${() => toggleClinic(c.id)} />${c.name}</label>`)}
      </div>
      ${err.clinics ? html`<${FieldError} message=${err.clinics} />` : html`<p class="hint">${v.clinics.length === 0 ? 'None ticked: it runs at every clinic, also those opened later.' : `Runs at ${v.clinics.length === 1 ? 'this clinic' : 'these clinics'} only.`}</p>`}
    </fieldset>
    <div class="grid-2">
      <${Field} form=${form} name="active" as="checkbox" label="Running" hint="Untick to pause it without archiving it." />
      <${Field} form=${form} name="priority" label="Priority" inputmode="numeric" autocomplete="off" class="field-short"
        hint="Lower applies first when a line could take part in two." />
    </div>
  <//>`;
}
