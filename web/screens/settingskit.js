// settingskit.js - pieces the checkout settings screens share (promotions,
// quick buttons, memberships, invoice settings, financing): the settings
// sub-navigation (each role sees only its pages), a titled card, a
// catalog item picker (search, then chips), and the conversion of a
// calendar day in a clinic's time zone to the Unix seconds the API keeps.
//
// Loaded with the first settings screen, never with the app.
import {
  html, useState, useRef, Link, useApp, atLeast, money,
} from '../lib.js';
import { Icon } from '../components.js';
import { searchCatalog, ItemKind } from './invoicekit.js';

export { useCatalog } from './invoicekit.js';

// ---------------------------------------------------------------------------
// Navigation between the checkout settings pages.

export const SETTINGS_PAGES = [
  { href: '/settings/promotions', label: 'Promotions', role: 'admin' },
  { href: '/settings/quick-buttons', label: 'Quick buttons', role: 'admin' },
  { href: '/settings/memberships', label: 'Memberships', role: 'admin' },
  { href: '/settings/invoices', label: 'Invoice settings', role: 'head_admin' },
  { href: '/settings/financing', label: 'Financing', role: 'head_admin' },
];

export function SettingsNav({ current }) {
  const { role } = useApp();
  return html`<nav class="subnav" aria-label="Checkout settings">
    ${SETTINGS_PAGES.filter((p) => atLeast(role, p.role)).map((p) => html`<${Link} key=${p.href} href=${p.href}
      class=${'subnav-link' + (p.href === current ? ' is-active' : '')} aria-current=${p.href === current ? 'page' : undefined}>${p.label}<//>`)}
  </nav>`;
}

// A card with a heading, a line of explanation and actions on the right.
export function Section({ id, title, text, action, children, cls }) {
  return html`<section class=${'card ' + (cls || '')} aria-labelledby=${id}>
    <div class="section-head"><div><h2 id=${id} class="section-title">${title}</h2>${text && html`<p class="small muted">${text}</p>`}</div>
      ${action && html`<div class="page-actions">${action}</div>`}</div>
    ${children}
  </section>`;
}

export function FieldError({ id, message }) {
  if (!message) return null;
  return html`<p class="field-error" id=${id}><${Icon} name="alert" size=${14} /><span class="msg">${message}</span></p>`;
}

// "items[2]" -> "items", "discount.percent_bps" -> "discount": the form
// field a server error's param belongs to.
export const paramField = (param) => (param ? String(param).replace(/[[.].*$/, '') : param);

// ---------------------------------------------------------------------------
// Catalog items by id (services and products, live ones only).

export function itemName(catalog, id) {
  const it = catalog.items.find((x) => x.id === id);
  return it ? it.name : (catalog.loading ? '…' : 'Archived or unknown item');
}

export const itemById = (catalog, id) => catalog.items.find((x) => x.id === id) || null;

// "Botox, Filler and 2 more".
export function itemNames(catalog, ids, max = 3) {
  const names = ids.map((id) => itemName(catalog, id));
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

// ---------------------------------------------------------------------------
// Search the catalog and pick an item: an ARIA combobox. Enter picks the
// highlighted match (the first by default); items in `exclude` are not
// offered.

export function ItemSearchBox({ id, label, catalog, exclude = [], onPick, invalid, describedBy, placeholder }) {
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const hits = searchCatalog(catalog.items.filter((it) => !exclude.includes(it.id)), q, 8);
  const pick = (it) => { onPick(it); setQ(''); setActive(0); };
  const onKeyDown = (e) => {
    if (e.key === 'ArrowDown' && hits.length) { e.preventDefault(); setOpen(true); setActive((a) => (a + 1) % hits.length); }
    else if (e.key === 'ArrowUp' && hits.length) { e.preventDefault(); setOpen(true); setActive((a) => (a - 1 + hits.length) % hits.length); }
    else if (e.key === 'Enter') {
      // Enter picks; it never submits the dialog's form from this box.
      e.preventDefault();
      if (hits.length) pick(hits[Math.min(active, hits.length - 1)]);
    } else if (e.key === 'Escape' && q) { e.preventDefault(); e.stopPropagation(); setQ(''); }
  };
  const show = open && q.trim().length > 0;
  const listId = id + '-list';
  const optId = (i) => `${id}-opt-${i}`;
  return html`<div class="item-search item-search-sm">
    <span class="search-icon"><${Icon} name="search" size=${16} /></span>
    <input id=${id} class="control" type="text" role="combobox" autocomplete="off" spellcheck="false"
      aria-label=${label} aria-autocomplete="list" aria-expanded=${show ? 'true' : 'false'} aria-controls=${listId}
      aria-invalid=${invalid ? 'true' : undefined} aria-describedby=${describedBy}
      aria-activedescendant=${show && hits.length ? optId(Math.min(active, hits.length - 1)) : undefined}
      placeholder=${catalog.loading ? 'Loading the catalog…' : placeholder || 'Type a service or product name or SKU'}
      value=${q} onInput=${(e) => { setQ(e.currentTarget.value); setActive(0); setOpen(true); }}
      onFocus=${() => setOpen(true)} onBlur=${() => setOpen(false)} onKeyDown=${onKeyDown} />
    <div class=${'search-pop' + (show ? ' is-open' : '')}>
      <ul id=${listId} role="listbox" aria-label=${'Matching items for ' + label}>
        ${show && hits.map((it, i) => html`<li key=${it.id} id=${optId(i)} role="option" aria-selected=${i === active ? 'true' : 'false'}
          class=${'search-opt item-opt' + (i === active ? ' is-active' : '')}
          onMouseDown=${(e) => e.preventDefault()} onClick=${() => pick(it)} onMouseMove=${() => setActive(i)}>
          <span class="search-opt-text"><span class="search-opt-name">${it.name}</span>
            <span class="search-opt-meta"><${ItemKind} kind=${it.kind} />${it.sku ? html` · <span class="mono">${it.sku}</span>` : null}</span></span>
          <span class="num item-opt-price">${money(it.price, it.currency)}</span>
        </li>`)}
      </ul>
      ${show && html`<p class="search-status" aria-live="polite">${catalog.error ? catalog.error.message
        : catalog.loading ? 'Loading the catalog…' : hits.length === 0 ? `Nothing left in the catalog matches “${q.trim()}”.` : ''}</p>`}
    </div>
  </div>`;
}

// A set of catalog items: the picked ones as removable chips (in the
// order picked), and the search box that adds more.
export function ItemPicker({ id, label, hint, catalog, value, onChange, error }) {
  const errId = error ? id + '-err' : undefined;
  const hintId = hint ? id + '-hint' : undefined;
  const listRef = useRef(null);
  const remove = (itemId) => {
    onChange(value.filter((x) => x !== itemId));
    // Keep the focus in the picker once the chip's button is gone.
    setTimeout(() => { const box = document.getElementById(id); if (box) box.focus(); }, 0);
  };
  return html`<div class="field item-picker">
    <label for=${id}>${label}</label>
    ${value.length > 0 && html`<ul class="chips" ref=${listRef} aria-label=${label}>
      ${value.map((itemId) => {
        const it = itemById(catalog, itemId);
        return html`<li key=${itemId} class=${'chip' + (it ? '' : ' is-missing')}>
          ${it ? html`<${ItemKind} kind=${it.kind} />` : null}
          <span class="chip-name">${itemName(catalog, itemId)}</span>
          ${it && html`<span class="chip-price num">${money(it.price, it.currency)}</span>`}
          <button type="button" class="chip-x" aria-label=${`Remove ${itemName(catalog, itemId)} from ${label}`}
            onClick=${() => remove(itemId)}><${Icon} name="close" size=${12} /></button>
        </li>`;
      })}
    </ul>`}
    <${ItemSearchBox} id=${id} label=${label} catalog=${catalog} exclude=${value} invalid=${!!error}
      describedBy=${[errId, hintId].filter(Boolean).join(' ') || undefined}
      onPick=${(it) => onChange([...value, it.id])} />
    ${hint && !error && html`<p class="hint" id=${hintId}>${hint}</p>`}
    <${FieldError} id=${errId} message=${error} />
  </div>`;
}

// ---------------------------------------------------------------------------
// Calendar days in a time zone. A promotion "for December" runs from the
// first of December at 00:00 to the first of January at 00:00 in the
// clinic's time zone (docs/promotions.md); the screen shows days and sends
// those instants.

// The zone's offset from UTC (ms) at the instant `ms`.
function zoneOffsetMs(ms, tz) {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  const p = {};
  for (const x of f.formatToParts(new Date(ms))) p[x.type] = x.value;
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

// Unix seconds of 00:00 of the day "YYYY-MM-DD" (plus days) in zone tz;
// null for a blank or malformed day.
export function zonedDayStart(ymd, tz, plusDays = 0) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3] + plusDays);
  if (!tz) return Math.floor(new Date(+m[1], +m[2] - 1, +m[3] + plusDays).getTime() / 1000);
  // Two passes: the offset at the guess, then at the answer (DST edges).
  let t = wall - zoneOffsetMs(wall, tz);
  t = wall - zoneOffsetMs(t, tz);
  return Math.floor(t / 1000);
}

// The day "YYYY-MM-DD" that Unix second `sec` falls on in zone tz.
export function zonedDay(sec, tz) {
  if (sec == null) return '';
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: tz || undefined, year: 'numeric', month: '2-digit', day: '2-digit' });
  const p = {};
  for (const x of f.formatToParts(new Date(sec * 1000))) p[x.type] = x.value;
  return `${p.year}-${p.month}-${p.day}`;
}

// Bytes of UTF-8 text (the API's limits are in bytes).
export const utf8Bytes = (s) => new TextEncoder().encode(s || '').length;
