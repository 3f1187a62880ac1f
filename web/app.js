// app.js - entry point: boot (who is signed in), the app frame (sidebar,
// top bar with patient search and clinic switcher) and the routes.
import {
  html, render, useState, useEffect, useLayoutEffect, useRef, useMemo, useCallback, useStore,
  route, navigate, Link, session, csrf, requireSignIn, api, listAll, AppCtx, useApp,
  atLeast, ROLE_LABEL, toastError, useDebounced, phone, calendarDate, prefetch, takePrefetch,
} from './lib.js';
import { Icon, Button, Toasts, Initials, Logo } from './components.js';
import { SignIn } from './screens/signin.js';
import { PayLinkPage } from './screens/paylink.js';
import { PatientsPage } from './screens/patients.js';
import { PatientPage } from './screens/patient.js';
import { CatalogPage } from './screens/catalog.js';
import { UsersPage } from './screens/users.js';
import { ClinicsPage } from './screens/clinics.js';
import { AuditPage } from './screens/audit.js';
import { PosSettingsPage } from './screens/settings.js';
import { TakePaymentPage, PaymentsPage, PaymentPage } from './screens/payments.js';
import { PayoutsPage, PayoutPage, DisputesPage, DisputePage } from './screens/payouts.js';

const CLINIC_KEY = 'poise.clinic';

// ---------------------------------------------------------------------------
// Screens loaded on first use, so that the first load of the app (the
// patient list; issue 4's budget of 150 KB) does not carry them.

let navigated = false; // a route change happened since the app started
route.subscribe(() => { navigated = true; });

function lazy(load, name) {
  let Comp = null;
  let pending = null;
  function Lazy(props) {
    const [, setReady] = useState(false);
    const [error, setError] = useState(null);
    useEffect(() => {
      if (Comp) return;
      pending = pending || load().then((m) => { Comp = m[name]; });
      pending.then(() => {
        setReady(true);
        // As the shell does on navigation: the new page's heading gets the
        // focus (it was not there when the shell looked for it).
        requestAnimationFrame(() => {
          const h1 = document.querySelector('#main h1');
          const at = document.activeElement;
          const left = !at || at === document.body || at.closest('.sidebar');
          if (navigated && h1 && left && !document.querySelector('dialog[open]')) h1.focus({ preventScroll: true });
        });
      }).catch((e) => { pending = null; setError(e); });
    }, []);
    if (error) {
      return html`<${Message} title="This screen didn't load" text="Check the connection, then reload the page." />`;
    }
    if (!Comp) return html`<div class="page" aria-busy="true"><span class="visually-hidden">Loading…</span></div>`;
    return html`<${Comp} ...${props} />`;
  }
  Object.defineProperty(Lazy, 'name', { value: name });
  return Lazy;
}

const invoices = () => import('./screens/invoices.js');
const InvoicesPage = lazy(invoices, 'InvoicesPage');
const InvoicePage = lazy(invoices, 'InvoicePage');
const InvoiceNewPage = lazy(invoices, 'InvoiceNewPage');
const InvoiceEditPage = lazy(invoices, 'InvoiceEditPage');
const CheckoutPage = lazy(() => import('./screens/checkout.js'), 'CheckoutPage');
const FrontDeskPage = lazy(() => import('./screens/frontdesk.js'), 'FrontDeskPage');
const drawers = () => import('./screens/drawer.js');
const DrawersPage = lazy(drawers, 'DrawersPage');
const DrawerPage = lazy(drawers, 'DrawerPage');
const PromotionsPage = lazy(() => import('./screens/promotions.js'), 'PromotionsPage');
const QuickButtonsPage = lazy(() => import('./screens/quickbuttons.js'), 'QuickButtonsPage');
const MembershipsPage = lazy(() => import('./screens/memberships.js'), 'MembershipsPage');
const accountSettings = () => import('./screens/accountsettings.js');
const InvoiceSettingsPage = lazy(accountSettings, 'InvoiceSettingsPage');
const FinancingPage = lazy(accountSettings, 'FinancingPage');

// ---------------------------------------------------------------------------
// Routes: [pattern segments, component, least role, title].

const ROUTES = [
  [['patients'], PatientsPage, 'front_desk', 'Patients'],
  [['patients', ':id'], PatientPage, 'front_desk', 'Patient'],
  [['catalog', ':tab'], CatalogPage, 'front_desk', 'Catalog'],
  [['front-desk'], FrontDeskPage, 'front_desk', 'Front desk'],
  [['invoices'], InvoicesPage, 'front_desk', 'Invoices'],
  [['invoices', 'new'], InvoiceNewPage, 'front_desk', 'New invoice'],
  [['invoices', ':id'], InvoicePage, 'front_desk', 'Invoice'],
  [['invoices', ':id', 'edit'], InvoiceEditPage, 'front_desk', 'Edit invoice'],
  [['invoices', ':id', 'checkout'], CheckoutPage, 'front_desk', 'Checkout'],
  [['cash-drawer'], DrawersPage, 'front_desk', 'Cash drawer'],
  [['cash-drawer', ':id'], DrawerPage, 'front_desk', 'Cash drawer'],
  [['payments', 'new'], TakePaymentPage, 'front_desk', 'Take payment'],
  [['payments'], PaymentsPage, 'front_desk', 'Payments'],
  [['payments', ':id'], PaymentPage, 'front_desk', 'Payment'],
  [['payouts'], PayoutsPage, 'admin', 'Payouts'],
  [['payouts', ':id'], PayoutPage, 'admin', 'Payout'],
  [['disputes'], DisputesPage, 'admin', 'Disputes'],
  [['disputes', ':id'], DisputePage, 'admin', 'Dispute'],
  [['users'], UsersPage, 'admin', 'Users'],
  [['clinics'], ClinicsPage, 'admin', 'Clinics'],
  [['audit'], AuditPage, 'admin', 'Audit log'],
  [['settings', 'pos'], PosSettingsPage, 'head_admin', 'POS settings'],
  [['settings', 'promotions'], PromotionsPage, 'admin', 'Promotions'],
  [['settings', 'quick-buttons'], QuickButtonsPage, 'admin', 'Quick buttons'],
  [['settings', 'memberships'], MembershipsPage, 'admin', 'Memberships'],
  [['settings', 'invoices'], InvoiceSettingsPage, 'head_admin', 'Invoice settings'],
  [['settings', 'financing'], FinancingPage, 'head_admin', 'Financing'],
];
const REDIRECTS = { '/': '/patients', '/catalog': '/catalog/services', '/settings': '/settings/pos' };

function match(pathname) {
  const segs = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  for (const [pat, Comp, role, title] of ROUTES) {
    if (pat.length !== segs.length) continue;
    const params = {};
    let ok = true;
    pat.forEach((p, i) => {
      if (p.startsWith(':')) params[p.slice(1)] = segs[i];
      else if (p !== segs[i]) ok = false;
    });
    if (ok) return { Comp, role, title, params };
  }
  return null;
}

const NAV = [
  { href: '/patients', label: 'Patients', icon: 'patients', role: 'front_desk', prefix: '/patients' },
  { href: '/front-desk', label: 'Front desk', icon: 'inbox', role: 'front_desk', prefix: '/front-desk' },
  { href: '/invoices', label: 'Invoices', icon: 'receipt', role: 'front_desk', prefix: '/invoices' },
  { href: '/catalog/services', label: 'Catalog', icon: 'catalog', role: 'front_desk', prefix: '/catalog' },
  { href: '/payments/new', label: 'Take payment', icon: 'terminal', role: 'front_desk', prefix: '/payments/new' },
  { href: '/payments', label: 'Payments', icon: 'card', role: 'front_desk', prefix: '/payments' },
  { href: '/cash-drawer', label: 'Cash drawer', icon: 'cash', role: 'front_desk', prefix: '/cash-drawer' },
  { href: '/payouts', label: 'Payouts', icon: 'bank', role: 'admin', prefix: '/payouts' },
  { href: '/disputes', label: 'Disputes', icon: 'flag', role: 'admin', prefix: '/disputes' },
  { href: '/users', label: 'Users', icon: 'users', role: 'admin', prefix: '/users' },
  { href: '/clinics', label: 'Clinics', icon: 'clinics', role: 'admin', prefix: '/clinics' },
  { href: '/audit', label: 'Audit log', icon: 'audit', role: 'admin', prefix: '/audit' },
  // Promotions, quick buttons, memberships (admin) and the head admin's
  // invoice settings and financing: the pages of /settings but POS.
  { href: '/settings/promotions', label: 'Checkout settings', icon: 'tag', role: 'admin', prefix: '/settings' },
  { href: '/settings/pos', label: 'POS settings', icon: 'settings', role: 'head_admin', prefix: '/settings/pos' },
];

// ---------------------------------------------------------------------------

function App() {
  const path = useStore(route);
  const me = useStore(session);
  const pathname = path.split('?')[0];
  const [bootError, setBootError] = useState(null);

  const loadMe = useCallback(() => {
    setBootError(null);
    // The cookie may outlive this tab's copy of the CSRF token (a new tab):
    // /v1/me hands it back to a session-authenticated caller.
    (takePrefetch('me') || api('GET', '/v1/me')).then((m) => {
      if (m.csrf_token) csrf.set(m.csrf_token);
      session.set(m);
    }).catch((e) => { if (e.status !== 401 && e.status !== 403) setBootError(e); });
  }, []);

  const isPublic = pathname.startsWith('/pay/');

  useLayoutEffect(() => {
    if (pathname === '/signin' || isPublic) return;
    if (me === null) loadMe();
    else if (me === false) requireSignIn();
  }, [pathname, me === null, me === false]);

  if (pathname === '/signin') return html`<${SignIn} /><${Toasts} />`;
  // A patient's payment link: public, no app frame.
  if (isPublic) return html`<${PayLinkPage} token=${pathname.slice('/pay/'.length)} /><${Toasts} />`;
  if (bootError) {
    return html`<div class="boot"><div class="state state-error" role="alert">
      <p class="state-title">Couldn't reach Poise</p><p class="state-text">${bootError.message}</p>
      <${Button} onClick=${loadMe}>Try again<//></div></div>`;
  }
  if (!me) return html`<div class="boot" aria-busy="true"><span class="spinner spinner-lg"></span><span class="visually-hidden">Loading…</span></div>`;
  return html`<${Shell} me=${me} path=${path} pathname=${pathname} reloadMe=${loadMe} /><${Toasts} />`;
}

function Shell({ me, path, pathname, reloadMe }) {
  const [clinics, setClinics] = useState(null);
  const [clinicId, setClinicId] = useState(() => localStorage.getItem(CLINIC_KEY));

  const reloadClinics = useCallback(() => {
    (takePrefetch('clinics') || listAll('/v1/clinics')).then(setClinics).catch((e) => {
      setClinics([]);
      if (e.status !== 401) toastError(e);
    });
  }, []);
  useLayoutEffect(reloadClinics, []);

  const live = (clinics || []).filter((c) => !c.archived);
  const clinic = live.find((c) => c.id === clinicId) || live[0] || null;
  const setClinic = (id) => { localStorage.setItem(CLINIC_KEY, id); setClinicId(id); };

  const role = me.user.role;
  const ctx = useMemo(() => ({
    me, role, currency: me.account.currency, clinics: clinics || [], clinic, tz: clinic ? clinic.timezone : undefined,
    setClinic, reloadMe, reloadClinics,
  }), [me, clinics, clinic]);

  // /settings is the head admin's POS settings; an admin's settings start at promotions.
  const redirect = pathname === '/settings' && !atLeast(role, 'head_admin') ? '/settings/promotions' : REDIRECTS[pathname];
  useEffect(() => { if (redirect) navigate(redirect, { replace: true }); }, [redirect]);

  const m = redirect ? null : match(pathname);
  const allowed = m && atLeast(role, m.role);

  useEffect(() => { document.title = (m ? (allowed ? m.title : 'No access') : 'Not found') + ' · Poise'; }, [pathname, allowed]);

  // On navigation, move focus to the new page's heading (not on first load).
  const first = useRef(true);
  useEffect(() => {
    if (first.current) { first.current = false; return; }
    const h1 = document.querySelector('#main h1');
    if (h1 && !document.querySelector('dialog[open]')) h1.focus({ preventScroll: true });
  }, [pathname]);

  let page;
  if (redirect) page = null;
  else if (!m) page = html`<${Message} title="Page not found" text="There is nothing at this address." />`;
  else if (!allowed) page = html`<${Message} title="You don't have access to this page" text=${'Your role (' + ROLE_LABEL[role] + ') cannot open it. Ask an admin if you need it.'} />`;
  else page = html`<${m.Comp} key=${m.Comp.name + (m.params.id || '')} ...${m.params} />`;

  return html`<${AppCtx.Provider} value=${ctx}>
    <a class="skip-link" href="#main">Skip to content</a>
    <div class="shell">
      <${Sidebar} me=${me} pathname=${pathname} />
      <div class="shell-main">
        <${TopBar} />
        <main id="main" class="content" tabindex="-1">${page}</main>
      </div>
    </div>
  <//>`;
}

function Message({ title, text }) {
  return html`<div class="page"><div class="state state-page">
    <span class="state-icon"><${Icon} name="lock" size=${22} /></span>
    <h1 class="state-title" tabindex="-1">${title}</h1>
    <p class="state-text">${text}</p>
    <${Button} variant="primary" onClick=${() => navigate('/patients')}>Go to the patient list<//>
  </div></div>`;
}

// ---------------------------------------------------------------------------

function Sidebar({ me, pathname }) {
  const [busy, setBusy] = useState(false);
  const signOut = async () => {
    setBusy(true);
    try {
      await api('DELETE', '/v1/sessions/current');
    } catch (e) {
      if (e.status !== 401 && e.status !== 403) { setBusy(false); toastError(e); return; }
    }
    csrf.clear();
    sessionStorage.removeItem('poise.return');
    session.set(false);
    navigate('/signin', { replace: true });
  };
  const items = NAV.filter((n) => atLeast(me.user.role, n.role));
  // The longest matching prefix is the current entry (/payments/new is
  // "Take payment", not "Payments").
  const hits = items.filter((n) => pathname === n.prefix || pathname.startsWith(n.prefix + '/'));
  const current = hits.reduce((a, n) => (!a || n.prefix.length > a.prefix.length ? n : a), null);
  return html`<aside class="sidebar"><div class="sidebar-inner">
    <div class="sidebar-brand"><${Logo} name=${me.account.name} /></div>
    <nav class="nav" aria-label="Main">
      <ul>
        ${items.map((n) => {
          const active = n === current;
          return html`<li key=${n.href}><${Link} href=${n.href} class=${'nav-link' + (active ? ' is-active' : '')}
            aria-current=${active ? 'page' : undefined}><${Icon} name=${n.icon} size=${18} /><span>${n.label}</span><//></li>`;
        })}
      </ul>
    </nav>
    <div class="sidebar-user">
      <div class="user-card">
        <${Initials} name=${me.user.name} />
        <div class="user-text">
          <span class="user-name" title=${me.user.email}>${me.user.name}</span>
          <span class="user-role">${ROLE_LABEL[me.user.role] || me.user.role}</span>
        </div>
      </div>
      <${Button} variant="ghost" size="sm" class="signout" icon="signout" busy=${busy} onClick=${signOut}>Sign out<//>
    </div>
  </div></aside>`;
}

function TopBar() {
  const { clinics, clinic, setClinic } = useApp();
  const live = clinics.filter((c) => !c.archived);
  return html`<header class="topbar">
    <${GlobalSearch} />
    <div class="topbar-right">
      ${live.length > 0 && html`<div class="clinic-switch">
        <${Icon} name="location" size=${16} />
        <label for="clinic-switch" class="visually-hidden">Clinic</label>
        <select id="clinic-switch" class="control control-sm" value=${clinic ? clinic.id : ''}
          onChange=${(e) => setClinic(e.currentTarget.value)}>
          ${live.map((c) => html`<option key=${c.id} value=${c.id}>${c.name}</option>`)}
        </select>
      </div>`}
    </div>
  </header>`;
}

// ---------------------------------------------------------------------------
// Global patient search: an ARIA combobox over GET /v1/patients?query=.

function GlobalSearch() {
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [res, setRes] = useState({ query: '', items: [], loading: false, error: null });
  const [enterPending, setEnterPending] = useState(false);
  const seq = useRef(0);
  const input = useRef(null);
  const trimmed = q.trim();
  const dq = useDebounced(trimmed, 180);

  const search = (text) => {
    const my = ++seq.current;
    if (!text) { setRes({ query: '', items: [], loading: false, error: null }); return; }
    setRes((r) => ({ ...r, loading: true }));
    api('GET', '/v1/patients', { query: { query: text, limit: 8 } })
      .then((p) => { if (my === seq.current) { setRes({ query: text, items: p.data, loading: false, error: null }); setActive(-1); } })
      .catch((e) => { if (my === seq.current) setRes({ query: text, items: [], loading: false, error: e }); });
  };
  useEffect(() => search(dq), [dq]);

  const openPatient = (p) => {
    setQ(''); setOpen(false); setEnterPending(false);
    setRes({ query: '', items: [], loading: false, error: null });
    if (input.current) input.current.blur();
    navigate('/patients/' + p.id);
  };
  const seeAll = () => {
    const text = trimmed;
    setQ(''); setOpen(false);
    if (input.current) input.current.blur();
    navigate('/patients' + (text ? '?query=' + encodeURIComponent(text) : ''));
  };

  const fresh = res.query === trimmed && !res.loading;
  // Enter pressed before the results for the typed text arrived: open the top match when they do.
  useEffect(() => {
    if (!enterPending || !fresh) return;
    setEnterPending(false);
    if (res.items.length > 0) openPatient(res.items[0]);
  }, [enterPending, fresh, res]);

  // "/" focuses the search from anywhere outside a field.
  useEffect(() => {
    const onKey = (e) => {
      if (e.key !== '/' || e.metaKey || e.ctrlKey || e.altKey) return;
      const t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      if (document.querySelector('dialog[open]')) return;
      e.preventDefault();
      input.current && input.current.focus();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  const items = fresh ? res.items : (res.query && trimmed.startsWith(res.query) ? res.items : []);
  const count = items.length + (trimmed ? 1 : 0); // + "see all"
  const showList = open && trimmed.length > 0;

  const onKeyDown = (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault(); setOpen(true);
      setActive((a) => (count ? (a + 1) % count : -1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault(); setOpen(true);
      setActive((a) => (count ? (a - 1 + count) % count : -1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (!trimmed) return;
      // The highlighted option; with none highlighted, the top match (once it is known).
      if (active >= 0 && active < items.length) openPatient(items[active]);
      else if (active === items.length) seeAll();
      else if (fresh && res.items.length) openPatient(res.items[0]);
      else if (!fresh) { setEnterPending(true); if (res.query !== trimmed) search(trimmed); }
    } else if (e.key === 'Escape') {
      if (showList) { e.preventDefault(); setOpen(false); } else if (q) { e.preventDefault(); setQ(''); }
    }
  };

  const optId = (i) => 'gs-opt-' + i;
  return html`<div class="search" role="search">
    <label for="global-search" class="visually-hidden">Search patients</label>
    <span class="search-icon"><${Icon} name="search" size=${18} /></span>
    <input id="global-search" ref=${input} class="control search-input" type="text" role="combobox"
      autocomplete="off" spellcheck="false" placeholder="Search patients by name, email or phone"
      aria-autocomplete="list" aria-expanded=${showList ? 'true' : 'false'} aria-controls="gs-list"
      aria-activedescendant=${showList && active >= 0 ? optId(active) : undefined}
      value=${q}
      onInput=${(e) => { setQ(e.currentTarget.value); setOpen(true); setActive(-1); }}
      onFocus=${() => setOpen(true)}
      onBlur=${() => setOpen(false)}
      onKeyDown=${onKeyDown} />
    ${!q && html`<kbd class="search-kbd" aria-hidden="true">/</kbd>`}
    <div class=${'search-pop' + (showList ? ' is-open' : '')}>
      <ul id="gs-list" role="listbox" aria-label="Matching patients">
        ${showList && items.map((p, i) => html`<li key=${p.id} id=${optId(i)} role="option" aria-selected=${i === active ? 'true' : 'false'}
            class=${'search-opt' + (i === active ? ' is-active' : '')}
            onMouseDown=${(e) => e.preventDefault()} onClick=${() => openPatient(p)} onMouseMove=${() => setActive(i)}>
            <${Initials} name=${p.name} size="sm" />
            <span class="search-opt-text"><span class="search-opt-name">${p.name}</span>
              <span class="search-opt-meta">${[p.email, phone(p.phone), p.date_of_birth && 'Born ' + calendarDate(p.date_of_birth)].filter(Boolean).join(' · ') || 'No contact details'}</span></span>
          </li>`)}
        ${showList && html`<li id=${optId(items.length)} role="option" aria-selected=${active === items.length ? 'true' : 'false'}
            class=${'search-opt search-all' + (active === items.length ? ' is-active' : '')}
            onMouseDown=${(e) => e.preventDefault()} onClick=${seeAll} onMouseMove=${() => setActive(items.length)}>
            <${Icon} name="search" size=${16} /><span>See all results for “${trimmed}”</span></li>`}
      </ul>
      ${showList && html`<p class="search-status" aria-live="polite">${
        res.error ? res.error.message
          : !fresh ? 'Searching…'
          : items.length === 0 ? 'No patients match “' + trimmed + '”.'
          : ''}</p>`}
    </div>
  </div>`;
}

// Fetch the caller, the clinics and the landing list together rather than
// one after the other: reads need only the cookie, not the CSRF token, so a
// new tab need not wait for /v1/me either.
if (location.pathname !== '/signin' && !location.pathname.startsWith('/pay/')) {
  prefetch('me', () => api('GET', '/v1/me'));
  prefetch('clinics', () => listAll('/v1/clinics'));
  if (location.pathname === '/patients' && !location.search) prefetch('patients', () => api('GET', '/v1/patients', { query: { limit: 25 } }));
}

render(html`<${App} />`, document.getElementById('app'));
