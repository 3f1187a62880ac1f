// lib.js - the app's plumbing: Preact + htm, the router, the API client,
// formatting of money and dates, and small shared stores (session, toasts).
// Nothing here renders user data as HTML: htm builds Preact elements, whose
// strings become text nodes.
import { h, render, createContext, Fragment } from './vendor/preact.js';
import {
  useState, useEffect, useRef, useCallback, useMemo, useContext, useLayoutEffect,
} from './vendor/hooks.js';
import htm from './vendor/htm.js';

export const html = htm.bind(h);
export {
  h, render, createContext, Fragment,
  useState, useEffect, useRef, useCallback, useMemo, useContext, useLayoutEffect,
};

// ---------------------------------------------------------------------------
// A tiny subscribable store.

function store(initial) {
  let value = initial;
  const subs = new Set();
  return {
    get: () => value,
    set(v) { value = v; subs.forEach((f) => f(v)); },
    subscribe(f) { subs.add(f); return () => subs.delete(f); },
  };
}

export function useStore(s) {
  const [v, setV] = useState(s.get());
  useEffect(() => { setV(s.get()); return s.subscribe(setV); }, [s]);
  return v;
}

// ---------------------------------------------------------------------------
// Router: the History API. Paths are the app's URLs (/patients/pat_...).

const here = () => location.pathname + location.search;
export const route = store(here());
addEventListener('popstate', () => route.set(here()));

export function navigate(to, { replace = false } = {}) {
  if (to === here()) { route.set(to); return; }
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  route.set(here());
  if (!replace) scrollTo(0, 0);
}

// A same-app link: a real <a href> (open in new tab works) that navigates
// without a page load on a plain click.
export function Link({ href, children, ...rest }) {
  const onClick = (e) => {
    if (rest.onClick) rest.onClick(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return html`<a ...${rest} href=${href} onClick=${onClick}>${children}</a>`;
}

export function queryParam(name) {
  return new URLSearchParams(location.search).get(name);
}

// Replace one query parameter of the current URL without a new history entry.
export function setQueryParam(name, value) {
  const p = new URLSearchParams(location.search);
  if (value == null || value === '') p.delete(name); else p.set(name, value);
  const qs = p.toString();
  navigate(location.pathname + (qs ? '?' + qs : ''), { replace: true });
}

// ---------------------------------------------------------------------------
// Session: the CSRF token lives in sessionStorage (the cookie is HttpOnly).

const CSRF_KEY = 'poise.csrf';
const RETURN_KEY = 'poise.return';

export const csrf = {
  get: () => sessionStorage.getItem(CSRF_KEY),
  set: (t) => sessionStorage.setItem(CSRF_KEY, t),
  clear: () => sessionStorage.removeItem(CSRF_KEY),
};

// Who is signed in: null while unknown, false when signed out, else /v1/me.
export const session = store(null);

// Send the user to sign in, remembering where they were.
export function requireSignIn() {
  const p = location.pathname;
  if (p !== '/signin') sessionStorage.setItem(RETURN_KEY, here());
  csrf.clear();
  early.clear(); // boot-time reads made while signed out are worthless now
  session.set(false);
  if (p !== '/signin') navigate('/signin', { replace: true });
}

export function takeReturnPath() {
  const r = sessionStorage.getItem(RETURN_KEY);
  sessionStorage.removeItem(RETURN_KEY);
  // Only same-app paths: never an absolute URL.
  if (r && r.startsWith('/') && !r.startsWith('//') && !r.startsWith('/signin')) return r;
  return '/patients';
}

// ---------------------------------------------------------------------------
// API client.

export class ApiError extends Error {
  constructor(status, err) {
    super((err && err.message) || `The request failed (HTTP ${status}).`);
    this.status = status;
    this.type = err && err.type;
    this.code = err && err.code;
    this.param = (err && err.param) || null;
    this.declineCode = (err && err.decline_code) || null;
    this.detail = err || null; // the whole error object (payment, would_stop…)
  }
}

export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// api('GET', '/v1/patients', {query}) / api('POST', path, {body, key}).
// key: an Idempotency-Key to reuse across retries of one logical request
// (a form keeps one while it is open); otherwise a fresh one per POST.
// key: false sends none, for a POST that changes nothing (the invoice
// preview: a stored replay of every keystroke's prices serves no one).
export async function api(method, path, opts = {}) {
  const headers = { Accept: 'application/json' };
  let url = path;
  if (opts.query) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) if (v != null && v !== '') p.set(k, String(v));
    const qs = p.toString();
    if (qs) url += '?' + qs;
  }
  let body;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET') {
    const t = csrf.get();
    if (t) headers['X-CSRF-Token'] = t;
  }
  if (method === 'POST' && opts.key !== false) headers['Idempotency-Key'] = opts.key || newKey();
  let res;
  try {
    res = await fetch(url, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, { type: 'network_error', message: 'Could not reach Poise. Check the connection and try again.' });
  }
  let data = null;
  try { data = await res.json(); } catch (_) { /* empty or not JSON */ }
  const err = data && data.error;
  const signingIn = method === 'POST' && path === '/v1/sessions';
  if (!signingIn && (res.status === 401 || (res.status === 403 && err && err.code === 'csrf_token_invalid'))) {
    requireSignIn();
    throw new ApiError(res.status, err || { message: 'Your session has ended. Please sign in again.' });
  }
  if (!res.ok) throw new ApiError(res.status, err);
  return data;
}

// Requests started at boot, before the screen that needs them mounts (the
// first screen's data is fetched alongside /v1/me instead of after it).
const early = new Map();
export function prefetch(key, fn) {
  const p = fn();
  p.catch(() => {}); // a failure is seen (and handled) by whoever takes it
  early.set(key, p);
}
export function takePrefetch(key) {
  const p = early.get(key);
  early.delete(key);
  return p;
}

// Every page of a list (for small lists used as lookups: clinics, categories, users).
export async function listAll(path, query = {}) {
  const out = [];
  let after;
  for (let i = 0; i < 50; i++) {
    const page = await api('GET', path, { query: { ...query, limit: 100, starting_after: after } });
    out.push(...page.data);
    if (!page.has_more || page.data.length === 0) break;
    after = page.data[page.data.length - 1].id;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Toasts.

export const toasts = store([]);
let toastSeq = 0;
export function toast(message, kind = 'success') {
  const id = ++toastSeq;
  toasts.set([...toasts.get(), { id, message, kind }]);
  setTimeout(() => dismissToast(id), kind === 'error' ? 7000 : 4000);
}
export function dismissToast(id) {
  toasts.set(toasts.get().filter((t) => t.id !== id));
}
export const toastError = (e) => toast((e && e.message) || 'Something went wrong.', 'error');

// ---------------------------------------------------------------------------
// Roles.

const RANK = { front_desk: 0, provider: 1, admin: 2, head_admin: 3 };
export const ROLE_LABEL = { front_desk: 'Front desk', provider: 'Provider', admin: 'Admin', head_admin: 'Head admin' };
export const atLeast = (role, min) => (RANK[role] ?? -1) >= RANK[min];

// App-wide context: { me, clinics, clinic, setClinic, reloadMe, reloadClinics }.
export const AppCtx = createContext(null);
export const useApp = () => useContext(AppCtx);

// ---------------------------------------------------------------------------
// Money: integer minor units, formatted with Intl in the given currency.

const fmtCache = new Map();
function moneyFmt(currency) {
  let f = fmtCache.get(currency);
  if (!f) {
    try { f = new Intl.NumberFormat(undefined, { style: 'currency', currency }); }
    catch (_) { f = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' }); }
    fmtCache.set(currency, f);
  }
  return f;
}

// Digits after the decimal point of the currency's minor unit (2 for USD, 0 for JPY).
export function minorDigits(currency) {
  return moneyFmt(currency).resolvedOptions().maximumFractionDigits;
}

export function money(amount, currency) {
  if (amount == null) return '';
  const d = minorDigits(currency);
  // Exact decimal string from integer minor units, then formatted.
  return moneyFmt(currency).format(decimalString(amount, d));
}

// 1400, 2 -> "14.00"; 5, 2 -> "0.05"; 7, 0 -> "7".
export function decimalString(n, digits) {
  const neg = n < 0;
  let s = String(Math.abs(Math.trunc(n)));
  if (digits > 0) {
    s = s.padStart(digits + 1, '0');
    s = s.slice(0, -digits) + '.' + s.slice(-digits);
  }
  return (neg ? '-' : '') + s;
}

// "14.00" -> 1400 with integer arithmetic on the digits (never floats).
// Accepts "14", "14.5", "1,400.00", "$14"; returns null when not a
// non-negative amount with at most `digits` decimals.
export function parseDecimal(text, digits) {
  // Drop spaces, thousands commas and a leading currency symbol; a minus sign stays (and fails).
  const s = String(text).trim().replace(/[\s,]/g, '').replace(/^[^\d.-]+/, '');
  const m = /^(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[1] === '' && (m[2] == null || m[2] === ''))) return null;
  const whole = m[1] || '0';
  const frac = m[2] || '';
  if (frac.length > digits) return null;
  const digitsStr = (whole + frac.padEnd(digits, '0')).replace(/^0+(?=\d)/, '');
  if (digitsStr.length > 15) return null;
  return parseInt(digitsStr, 10);
}

export const parseMoney = (text, currency) => parseDecimal(text, minorDigits(currency));
export const moneyInput = (amount, currency) => (amount == null ? '' : decimalString(amount, minorDigits(currency)));

// Basis points <-> percent text: 825 <-> "8.25".
export const bpsToPercentText = (bps) => decimalString(bps, 2).replace(/\.?0+$/, '') || '0';
export function percent(bps) {
  return new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 2 })
    .format(Number(decimalString(bps, 4)));
}

// ---------------------------------------------------------------------------
// Dates: Unix seconds shown in the selected clinic's time zone.

function dtf(opts, timeZone) {
  try { return new Intl.DateTimeFormat(undefined, { ...opts, timeZone: timeZone || undefined }); }
  catch (_) { return new Intl.DateTimeFormat(undefined, opts); }
}
export const dateTime = (sec, tz) => (sec == null ? '' : dtf({ dateStyle: 'medium', timeStyle: 'short' }, tz).format(sec * 1000));
export const dateTimeLong = (sec, tz) => (sec == null ? '' : dtf({ dateStyle: 'medium', timeStyle: 'medium' }, tz).format(sec * 1000));
export const timeOnly = (sec, tz) => (sec == null ? '' : dtf({ timeStyle: 'medium' }, tz).format(sec * 1000));
export const dateOnly = (sec, tz) => (sec == null ? '' : dtf({ dateStyle: 'medium' }, tz).format(sec * 1000));

// A calendar date "1988-06-14" (no time zone): shown as is, in the user's format.
export function calendarDate(ymd) {
  if (!ymd) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return ymd;
  return dtf({ dateStyle: 'medium' }, 'UTC').format(Date.UTC(+m[1], +m[2] - 1, +m[3]));
}

// "+15125550143" -> "(512) 555-0143"; other countries stay E.164.
export function phone(e164) {
  if (!e164) return '';
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}

// ---------------------------------------------------------------------------
// Hooks.

// Load data with loading/error state; reload() refetches. fn gets an AbortSignal.
// The request starts right after the render is committed (a layout effect),
// not a frame later.
export function useLoad(fn, deps) {
  const [state, setState] = useState({ loading: true, error: null, data: null });
  const [tick, setTick] = useState(0);
  useLayoutEffect(() => {
    const ctl = new AbortController();
    let live = true;
    setState((s) => ({ loading: true, error: null, data: s.data }));
    Promise.resolve()
      .then(() => fn(ctl.signal))
      .then((data) => { if (live) setState({ loading: false, error: null, data }); })
      .catch((error) => { if (live && error.name !== 'AbortError') setState({ loading: false, error, data: null }); });
    return () => { live = false; ctl.abort(); };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function useDebounced(value, ms) {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

// Cursor paging over a list route: next() / prev() with a stack of cursors
// (the starting_after of each page after the first). A new resetKey (another
// search or filter) starts again at page 1, in the same render.
export function usePager(resetKey) {
  const [st, setSt] = useState({ key: resetKey, stack: [] });
  const stack = st.key === resetKey ? st.stack : [];
  return {
    after: stack.length ? stack[stack.length - 1] : undefined,
    page: stack.length + 1,
    hasPrev: stack.length > 0,
    next: (lastId) => setSt({ key: resetKey, stack: [...stack, lastId] }),
    prev: () => setSt({ key: resetKey, stack: stack.slice(0, -1) }),
    reset: () => setSt({ key: resetKey, stack: [] }),
  };
}

let idSeq = 0;
export const uid = (prefix = 'id') => `${prefix}-${++idSeq}`;
export function useId(prefix) {
  const r = useRef(null);
  if (r.current == null) r.current = uid(prefix);
  return r.current;
}
