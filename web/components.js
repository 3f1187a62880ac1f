// components.js - shared UI pieces: icons, buttons, forms and fields,
// dialogs, list states, paging, tabs and toasts.
import {
  html, useState, useRef, useEffect, useLayoutEffect, useStore, useId,
  toasts, dismissToast, ApiError, newKey, minorDigits,
} from './lib.js';

// ---------------------------------------------------------------------------
// Icons (decorative; 20×20 stroke icons, hidden from assistive tech).

const paths = {
  patients: html`<path d="M14 17v-1.5a3 3 0 0 0-3-3H6a3 3 0 0 0-3 3V17"/><circle cx="8.5" cy="6.5" r="3"/><path d="M17 17v-1.5a3 3 0 0 0-2.2-2.9M13 3.6a3 3 0 0 1 0 5.8"/>`,
  catalog: html`<path d="M3 6.5 10 3l7 3.5v7L10 17l-7-3.5z"/><path d="M3 6.5 10 10l7-3.5M10 10v7"/>`,
  users: html`<circle cx="10" cy="6.5" r="3.2"/><path d="M4 17c.6-3 3-4.6 6-4.6s5.4 1.6 6 4.6"/>`,
  clinics: html`<path d="M3 17h14M5 17V4.5A1.5 1.5 0 0 1 6.5 3h7A1.5 1.5 0 0 1 15 4.5V17"/><path d="M10 6.5v4M8 8.5h4M8.5 17v-3h3v3"/>`,
  audit: html`<path d="M6 3h6l4 4v10H6z"/><path d="M12 3v4h4M8.5 10.5h5M8.5 13.5h5"/><path d="M4 6v11.5"/>`,
  settings: html`<circle cx="10" cy="10" r="2.5"/><path d="M10 2.5v2M10 15.5v2M2.5 10h2M15.5 10h2M4.7 4.7l1.4 1.4M13.9 13.9l1.4 1.4M4.7 15.3l1.4-1.4M13.9 6.1l1.4-1.4"/>`,
  search: html`<circle cx="9" cy="9" r="5.5"/><path d="m13 13 4 4"/>`,
  signout: html`<path d="M8 17H5a1.5 1.5 0 0 1-1.5-1.5v-11A1.5 1.5 0 0 1 5 3h3"/><path d="m12.5 13.5 3.5-3.5-3.5-3.5M16 10H8"/>`,
  close: html`<path d="m5 5 10 10M15 5 5 15"/>`,
  plus: html`<path d="M10 4v12M4 10h12"/>`,
  alert: html`<circle cx="10" cy="10" r="7"/><path d="M10 6.5v4.2M10 13.4v.1"/>`,
  check: html`<path d="m4.5 10.5 3.5 3.5 7.5-8"/>`,
  location: html`<path d="M10 17s5.5-4.8 5.5-9a5.5 5.5 0 0 0-11 0c0 4.2 5.5 9 5.5 9z"/><circle cx="10" cy="8" r="2"/>`,
  inbox: html`<path d="M3 11l2-7h10l2 7v5H3z"/><path d="M3 11h4l1 2h4l1-2h4"/>`,
  card: html`<rect x="2.5" y="4.5" width="15" height="11" rx="1.5"/><path d="M2.5 8h15M5.5 12.5h3"/>`,
  wallet: html`<path d="M3.5 6.5h12a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1h-11a1 1 0 0 1-1-1v-11a1 1 0 0 1 1-1H14"/><circle cx="13.5" cy="11.5" r="1"/>`,
  receipt: html`<path d="M5 2.5h10v15l-2-1.3-2 1.3-2-1.3-2 1.3-2-1.3z"/><path d="M7.5 6.5h5M7.5 9.5h5M7.5 12.5h3"/>`,
  star: html`<path d="m10 3 2.1 4.4 4.8.6-3.5 3.3.9 4.7L10 13.8 5.7 16l.9-4.7L3.1 8l4.8-.6z"/>`,
  gift: html`<rect x="3" y="7" width="14" height="3.5" rx=".5"/><path d="M4.5 10.5V17h11v-6.5M10 7v10M10 7S8.8 3 6.8 3.6C5 4.2 6.3 7 10 7zm0 0s1.2-4 3.2-3.4C15 4.2 13.7 7 10 7z"/>`,
  lock: html`<rect x="4.5" y="9" width="11" height="8" rx="1.5"/><path d="M7 9V6.5a3 3 0 0 1 6 0V9"/>`,
  chevronLeft: html`<path d="m12 15-5-5 5-5"/>`,
  chevronRight: html`<path d="m8 5 5 5-5 5"/>`,
  terminal: html`<rect x="5" y="2.5" width="10" height="15" rx="1.5"/><path d="M7.5 6h5M7.5 9.5h1M11.5 9.5h1M7.5 12.5h1M11.5 12.5h1"/>`,
  bank: html`<path d="M3 8 10 3.5 17 8M4.5 8v6.5M8 8v6.5M12 8v6.5M15.5 8v6.5M3 17h14"/>`,
  flag: html`<path d="M5 17.5V3M5 3.5h9l-2 3.5 2 3.5H5"/>`,
  reader: html`<rect x="5.5" y="2.5" width="9" height="15" rx="2"/><path d="M8 5.5h4M8.5 14.5h3"/><path d="M7.8 9.2a3 3 0 0 1 4.4 0"/>`,
  cash: html`<rect x="2.5" y="5.5" width="15" height="9" rx="1.5"/><circle cx="10" cy="10" r="2"/><path d="M5 8v4M15 8v4"/>`,
  tag: html`<path d="M3 10.2V4a1 1 0 0 1 1-1h6.2l6.8 6.8-7.2 7.2z"/><circle cx="6.8" cy="6.8" r="1.3"/>`,
  refresh: html`<path d="M16 10a6 6 0 1 1-1.8-4.3"/><path d="M16.5 3.5v3.5H13"/>`,
};

export function Icon({ name, size = 20, class: cls }) {
  return html`<svg class=${'icon ' + (cls || '')} width=${size} height=${size} viewBox="0 0 20 20" fill="none"
    stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"
    aria-hidden="true" focusable="false">${paths[name]}</svg>`;
}

// ---------------------------------------------------------------------------
// Buttons.

export function Button({ variant = 'secondary', size, icon, busy, disabled, children, class: cls, type = 'button', ...rest }) {
  const c = ['btn', 'btn-' + variant, size ? 'btn-' + size : '', busy ? 'is-busy' : '', cls || ''].join(' ');
  return html`<button type=${type} class=${c} disabled=${disabled || busy} aria-busy=${busy ? 'true' : undefined} ...${rest}>
    ${busy ? html`<span class="spinner" aria-hidden="true"></span>` : icon && html`<${Icon} name=${icon} size=${16} />`}
    ${children}
  </button>`;
}

export const Badge = ({ tone = 'neutral', children }) => html`<span class=${'badge badge-' + tone}>${children}</span>`;

// ---------------------------------------------------------------------------
// Forms: useForm keeps values, per-field errors (from the API's error.param)
// and one Idempotency-Key for the life of the form.

export function fieldError(param, message) {
  return new ApiError(400, { type: 'invalid_request_error', code: 'client_check', message, param });
}

export function useForm(initial) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState({});
  const [formError, setFormError] = useState(null);
  const [busy, setBusy] = useState(false);
  const id = useId('f');
  const key = useRef(newKey());
  const busyRef = useRef(false);

  const set = (name, v) => {
    setValues((s) => ({ ...s, [name]: v }));
    setErrors((e) => {
      if (!(name in e)) return e;
      const n = { ...e };
      delete n[name];
      return n;
    });
  };

  // Show an error at its field when the form has one of that name, else at the top.
  const fail = (e) => {
    const el = e && e.param ? document.getElementById(`${id}-${e.param}`) : null;
    if (el) {
      setErrors({ [e.param]: e.message });
      setFormError(null);
      setTimeout(() => el.focus(), 0);
    } else {
      setErrors({});
      setFormError((e && e.message) || 'Something went wrong.');
    }
  };

  // onSubmit handler: runs fn(values, idempotencyKey); errors go to fields.
  const handleSubmit = (fn) => async (ev) => {
    if (ev) ev.preventDefault();
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      await fn(values, key.current);
    } catch (e) {
      if (e && e.name === 'AbortError') return;
      fail(e);
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  };

  return { id, values, set, setValues, errors, formError, busy, handleSubmit, fail };
}

// A labelled control bound to a form field. as: input | select | textarea | checkbox.
export function Field({ form, name, label, hint, as = 'input', type = 'text', prefix, suffix, children, class: cls, ...rest }) {
  const id = `${form.id}-${name}`;
  const err = form.errors[name];
  const hintId = hint ? id + '-hint' : null;
  const errId = err ? id + '-err' : null;
  const described = [errId, hintId].filter(Boolean).join(' ') || undefined;
  const common = { id, name, 'aria-invalid': err ? 'true' : undefined, 'aria-describedby': described, ...rest };
  const value = form.values[name] ?? '';

  if (as === 'checkbox') {
    return html`<div class=${'field field-check ' + (cls || '')}>
      <input type="checkbox" ...${common} checked=${!!form.values[name]} onChange=${(e) => form.set(name, e.currentTarget.checked)} />
      <div><label for=${id}>${label}</label>
        ${hint && html`<p class="hint" id=${hintId}>${hint}</p>`}
        ${err && html`<p class="field-error" id=${errId}><${Icon} name="alert" size=${14} /><span class="msg">${err}</span></p>`}</div>
    </div>`;
  }
  let control;
  if (as === 'select') {
    control = html`<select class="control" ...${common} value=${value} onChange=${(e) => form.set(name, e.currentTarget.value)}>${children}</select>`;
  } else if (as === 'textarea') {
    control = html`<textarea class="control" rows="3" ...${common} value=${value} onInput=${(e) => form.set(name, e.currentTarget.value)}></textarea>`;
  } else {
    control = html`<input class="control" type=${type} ...${common} value=${value} onInput=${(e) => form.set(name, e.currentTarget.value)} />`;
  }
  if (prefix || suffix) {
    control = html`<div class="input-group">
      ${prefix && html`<span class="affix" aria-hidden="true">${prefix}</span>`}${control}${suffix && html`<span class="affix affix-end" aria-hidden="true">${suffix}</span>`}
    </div>`;
  }
  return html`<div class=${'field ' + (cls || '')}>
    <label for=${id}>${label}</label>
    ${control}
    ${hint && !err && html`<p class="hint" id=${hintId}>${hint}</p>`}
    ${err && html`<p class="field-error" id=${errId}><${Icon} name="alert" size=${14} /><span class="msg">${err}</span></p>`}
  </div>`;
}

// The currency symbol, for a price input's prefix ("$", "€", "CHF").
export function currencySymbol(currency) {
  try {
    const parts = new Intl.NumberFormat(undefined, { style: 'currency', currency }).formatToParts(0);
    const p = parts.find((x) => x.type === 'currency');
    return p ? p.value : currency;
  } catch (_) { return currency; }
}

export function moneyPlaceholder(currency) {
  const d = minorDigits(currency);
  return d ? '0.' + '0'.repeat(d) : '0';
}

export function moneyExample(currency) {
  const d = minorDigits(currency);
  return d ? '14.' + '0'.repeat(d) : '1400';
}

export function FormAlert({ message }) {
  if (!message) return null;
  return html`<div class="form-alert" role="alert"><${Icon} name="alert" size=${16} /><span class="msg">${message}</span></div>`;
}

// ---------------------------------------------------------------------------
// Dialogs: the native modal <dialog> (focus stays inside, Esc cancels).
// Focus moves to the first field on open and back to the opener on close.

export function Dialog({ title, description, onClose, children, wide }) {
  const ref = useRef(null);
  const titleId = useId('dlg');
  const descId = description ? titleId + '-desc' : undefined;
  useLayoutEffect(() => {
    const opener = document.activeElement;
    const d = ref.current;
    if (!d.open) d.showModal();
    const first = d.querySelector('[data-autofocus], .dialog-body input:not([type=hidden]):not([disabled]), .dialog-body select, .dialog-body textarea, .dialog-foot .btn-primary, .dialog-foot .btn-danger');
    if (first) first.focus();
    return () => {
      if (d.open) d.close();
      if (opener && opener.focus && document.contains(opener)) opener.focus();
    };
  }, []);
  const onCancel = (e) => { e.preventDefault(); onClose(); };
  return html`<dialog ref=${ref} class=${'dialog' + (wide ? ' dialog-wide' : '')} aria-labelledby=${titleId} aria-describedby=${descId} onCancel=${onCancel}>
    <div class="dialog-head">
      <div>
        <h2 id=${titleId}>${title}</h2>
        ${description && html`<p class="dialog-desc" id=${descId}>${description}</p>`}
      </div>
      <button type="button" class="icon-btn" aria-label="Close" onClick=${onClose}><${Icon} name="close" size=${18} /></button>
    </div>
    ${children}
  </dialog>`;
}

// A dialog holding a form: Enter submits, Esc closes.
export function FormDialog({ title, description, form, onSubmit, onClose, submitLabel = 'Save', children, wide, extraFooter }) {
  return html`<${Dialog} title=${title} description=${description} onClose=${onClose} wide=${wide}>
    <form class="dialog-form" noValidate onSubmit=${form.handleSubmit(onSubmit)}>
      <div class="dialog-body">
        <${FormAlert} message=${form.formError} />
        ${children}
      </div>
      <div class="dialog-foot">
        ${extraFooter && html`<div class="dialog-foot-start">${extraFooter}</div>`}
        <${Button} onClick=${onClose}>Cancel<//>
        <${Button} type="submit" variant="primary" busy=${form.busy}>${submitLabel}<//>
      </div>
    </form>
  <//>`;
}

// "Are you sure?" with the API's message shown inside on failure.
export function ConfirmDialog({ title, message, confirmLabel, danger, onConfirm, onClose }) {
  const form = useForm({});
  return html`<${Dialog} title=${title} onClose=${onClose}>
    <form class="dialog-form" noValidate onSubmit=${form.handleSubmit(onConfirm)}>
      <div class="dialog-body">
        <${FormAlert} message=${form.formError} />
        <p class="confirm-text">${message}</p>
      </div>
      <div class="dialog-foot">
        <${Button} onClick=${onClose} data-autofocus=${danger ? '' : undefined}>Cancel<//>
        <${Button} type="submit" variant=${danger ? 'danger' : 'primary'} busy=${form.busy}>${confirmLabel}<//>
      </div>
    </form>
  <//>`;
}

// ---------------------------------------------------------------------------
// Page furniture.

export function PageHeader({ title, subtitle, actions, eyebrow }) {
  return html`<header class="page-head">
    <div class="page-head-text">
      ${eyebrow && html`<p class="eyebrow">${eyebrow}</p>`}
      <h1 tabindex="-1">${title}</h1>
      ${subtitle && html`<p class="page-sub">${subtitle}</p>`}
    </div>
    ${actions && html`<div class="page-actions">${actions}</div>`}
  </header>`;
}

// Loading / error / empty states for a list; renders children when there is data.
export function ListState({ state, empty, emptyText, emptyHint, emptyIcon = 'inbox', action, children, rows = 5 }) {
  const { loading, error, data } = state;
  if (error && !data) {
    return html`<div class="state state-error" role="alert">
      <${Icon} name="alert" size=${24} />
      <p class="state-title">Couldn't load this list</p>
      <p class="state-text">${error.message}</p>
      <${Button} onClick=${state.reload}>Try again<//>
    </div>`;
  }
  if (loading && !data) {
    return html`<div class="state state-loading" aria-busy="true" aria-live="polite">
      <span class="visually-hidden">Loading…</span>
      ${Array.from({ length: rows }, (_, i) => html`<div class="skeleton-row" key=${i}><span></span><span></span><span></span></div>`)}
    </div>`;
  }
  if (empty) {
    return html`<div class="state state-empty">
      <span class="state-icon"><${Icon} name=${emptyIcon} size=${22} /></span>
      <p class="state-title">${emptyText}</p>
      ${emptyHint && html`<p class="state-text">${emptyHint}</p>`}
      ${action}
    </div>`;
  }
  return html`<div class=${'list-body' + (loading ? ' is-refreshing' : '')} aria-busy=${loading ? 'true' : 'false'}>${children}</div>`;
}

export function Pager({ pager, hasMore, lastId, count, label = 'results' }) {
  if (!pager.hasPrev && !hasMore) return null;
  return html`<nav class="pager" aria-label=${'Pages of ' + label}>
    <span class="pager-info">Page ${pager.page}${count != null ? ` · ${count} shown` : ''}</span>
    <div class="pager-buttons">
      <${Button} size="sm" icon="chevronLeft" disabled=${!pager.hasPrev} onClick=${pager.prev}>Previous<//>
      <${Button} size="sm" disabled=${!hasMore || !lastId} onClick=${() => pager.next(lastId)}>Next<${Icon} name="chevronRight" size=${16} /><//>
    </div>
  </nav>`;
}

// Two or three mutually exclusive filter buttons.
export function Segmented({ label, options, value, onChange }) {
  return html`<div class="segmented" role="group" aria-label=${label}>
    ${options.map((o) => html`<button type="button" key=${o.value} class=${value === o.value ? 'is-on' : ''}
      aria-pressed=${value === o.value ? 'true' : 'false'} onClick=${() => onChange(o.value)}>${o.label}</button>`)}
  </div>`;
}

// WAI-ARIA tabs: arrow keys move between tabs, Home/End jump.
export function Tabs({ label, tabs, value, onChange }) {
  const base = useId('tab');
  const list = useRef(null);
  const onKey = (e) => {
    const i = tabs.findIndex((t) => t.id === value);
    let n = null;
    if (e.key === 'ArrowRight') n = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') n = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') n = 0;
    else if (e.key === 'End') n = tabs.length - 1;
    if (n == null) return;
    e.preventDefault();
    onChange(tabs[n].id);
    setTimeout(() => { const b = list.current && list.current.querySelector(`#${base}-${tabs[n].id}`); if (b) b.focus(); }, 0);
  };
  const current = tabs.find((t) => t.id === value) || tabs[0];
  return html`<div class="tabs">
    <div class="tablist" role="tablist" aria-label=${label} ref=${list} onKeyDown=${onKey}>
      ${tabs.map((t) => html`<button type="button" role="tab" key=${t.id} id=${`${base}-${t.id}`}
        aria-selected=${t.id === current.id ? 'true' : 'false'} aria-controls=${`${base}-panel`}
        tabindex=${t.id === current.id ? '0' : '-1'} class="tab" onClick=${() => onChange(t.id)}>${t.label}</button>`)}
    </div>
    <div class="tabpanel" role="tabpanel" id=${`${base}-panel`} aria-labelledby=${`${base}-${current.id}`} tabindex="0">
      ${current.render()}
    </div>
  </div>`;
}

// ---------------------------------------------------------------------------
// Toasts: success messages in a polite live region, errors as alerts.

export function Toasts() {
  const list = useStore(toasts);
  return html`<div class="toasts" aria-live="polite">
    ${list.map((t) => html`<div key=${t.id} class=${'toast toast-' + t.kind} role=${t.kind === 'error' ? 'alert' : 'status'}>
      <${Icon} name=${t.kind === 'error' ? 'alert' : 'check'} size=${18} />
      <span class="toast-msg msg">${t.message}</span>
      <button type="button" class="icon-btn" aria-label="Dismiss notification" onClick=${() => dismissToast(t.id)}><${Icon} name="close" size=${16} /></button>
    </div>`)}
  </div>`;
}

export function Initials({ name, size }) {
  const parts = String(name || '?').replace(/^(dr|mr|mrs|ms)\.?\s+/i, '').split(/[\s,]+/).filter(Boolean);
  const txt = ((parts[0] || '?')[0] + (parts.length > 1 ? parts[1][0] : '')).toUpperCase();
  return html`<span class=${'avatar' + (size ? ' avatar-' + size : '')} aria-hidden="true">${txt}</span>`;
}

// Run-once effect helper for "focus this when it appears".
export function useAutoFocus() {
  const r = useRef(null);
  useEffect(() => { if (r.current) r.current.focus(); }, []);
  return r;
}

export function Logo({ name }) {
  return html`<span class="logo">
    <svg class="logo-mark" width="28" height="28" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" class="logo-bg" />
      <path d="M11 24V8h6.2a5 5 0 0 1 0 10H11" fill="none" class="logo-p" stroke-width="3" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
    <span class="logo-text">Poise${name ? html`<span class="logo-account">${name}</span>` : null}</span>
  </span>`;
}
