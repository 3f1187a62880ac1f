// Audit log (admin): the account's audit trail, newest first, filtered by
// action, object type and object id (kept in the URL), with paging.
import {
  html, useState, useEffect, api, listAll, useApp, useLoad, usePager, Link, navigate, queryParam,
  dateOnly, timeOnly,
} from '../lib.js';
import { Button, PageHeader, ListState, Pager, Icon } from '../components.js';

const PAGE = 50;
const OBJECT_TYPES = ['account', 'api_key', 'category', 'clinic', 'patient', 'product', 'service', 'session', 'user'];

function filtersFromUrl() {
  return {
    action: queryParam('action') || '',
    object_type: queryParam('object_type') || '',
    object_id: queryParam('object_id') || '',
  };
}

export function AuditPage() {
  const { tz } = useApp();
  const applied = filtersFromUrl();
  const appliedKey = JSON.stringify(applied);
  const [draft, setDraft] = useState(applied);
  useEffect(() => setDraft(filtersFromUrl()), [appliedKey]);
  const users = useLoad(() => listAll('/v1/users'), []);
  const pager = usePager(appliedKey);
  const list = useLoad((signal) => api('GET', '/v1/audit_events', {
    query: { limit: PAGE, starting_after: pager.after, ...applied }, signal,
  }), [appliedKey, pager.after]);
  const rows = list.data ? list.data.data : [];
  const filtered = Object.values(applied).some(Boolean);

  const apply = (f) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v.trim()) p.set(k, v.trim());
    const qs = p.toString();
    navigate('/audit' + (qs ? '?' + qs : ''), { replace: true });
  };
  const onSubmit = (e) => { e.preventDefault(); apply(draft); };
  const set = (k) => (e) => setDraft({ ...draft, [k]: e.currentTarget.value });

  const userName = (id) => { const u = users.data && users.data.find((x) => x.id === id); return u ? u.name : null; };
  const objectLabel = (ev) => (ev.object_type === 'user' ? userName(ev.object_id) : null);
  const actorName = (ev) => {
    if (ev.actor_type === 'system') return 'System';
    if (ev.actor_type === 'api_key') return 'API key';
    const u = users.data && users.data.find((x) => x.id === ev.actor);
    return u ? u.name : ev.actor || 'Unknown';
  };

  return html`<div class="page">
    <${PageHeader} title="Audit log" subtitle="Every change made through Poise, newest first. Patient changes name the fields, never their values." />
    <section class="card" aria-label="Audit events">
      <form class="toolbar filters" onSubmit=${onSubmit} role="search" aria-label="Filter audit events">
        <div class="field field-inline">
          <label for="audit-action">Action</label>
          <input id="audit-action" class="control control-sm mono-input" placeholder="clinic.update" value=${draft.action} onInput=${set('action')} autocomplete="off" spellcheck="false" />
        </div>
        <div class="field field-inline">
          <label for="audit-type">Object type</label>
          <select id="audit-type" class="control control-sm" value=${draft.object_type} onChange=${set('object_type')}>
            <option value="">Any</option>
            ${OBJECT_TYPES.map((t) => html`<option key=${t} value=${t}>${t}</option>`)}
            ${draft.object_type && !OBJECT_TYPES.includes(draft.object_type) && html`<option value=${draft.object_type}>${draft.object_type}</option>`}
          </select>
        </div>
        <div class="field field-inline field-grow">
          <label for="audit-object">Object ID</label>
          <input id="audit-object" class="control control-sm mono-input" placeholder="pat_…" value=${draft.object_id} onInput=${set('object_id')} autocomplete="off" spellcheck="false" />
        </div>
        <div class="filter-buttons">
          <${Button} type="submit" size="sm" variant="primary">Apply filters<//>
          ${filtered && html`<${Button} size="sm" variant="ghost" onClick=${() => apply({ action: '', object_type: '', object_id: '' })}>Clear<//>`}
        </div>
      </form>
      <${ListState} state=${list} empty=${rows.length === 0} emptyIcon="audit"
        emptyText=${filtered ? 'No events match these filters' : 'No events yet'}
        emptyHint=${filtered ? 'Actions look like patient.create or clinic.update; ids must match exactly.' : null}>
        <div class="table-wrap"><table class="table table-compact table-audit">
          <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Object</th><th scope="col">Changes</th></tr></thead>
          <tbody>${rows.map((ev) => html`<tr key=${ev.id}>
            <td class="nowrap"><div>${dateOnly(ev.created, tz)}</div><div class="small muted">${timeOnly(ev.created, tz)}</div></td>
            <td><button type="button" class="chip-btn mono" title="Show only this action" aria-label=${'Show only ' + ev.action + ' events'}
              onClick=${() => apply({ ...applied, action: ev.action })}>${ev.action}</button>
              <div class="small muted">by ${actorName(ev)}</div></td>
            <td class="object-cell">${ev.object_id
              ? html`<${ObjectRef} type=${ev.object_type} id=${ev.object_id} label=${objectLabel(ev)} onFilter=${() => apply({ action: '', object_type: '', object_id: ev.object_id })} />`
              : html`<span class="muted">${ev.object_type}</span>`}</td>
            <td><${Summary} summary=${ev.summary} /></td>
          </tr>`)}</tbody>
        </table></div>
        <${Pager} pager=${pager} hasMore=${list.data && list.data.has_more} lastId=${rows.length ? rows[rows.length - 1].id : null} label="audit events" />
      <//>
    </section>
  </div>`;
}

function ObjectRef({ type, id, label, onFilter }) {
  return html`<div class="object-ref">
    <span class="small muted">${type}${label ? html` · <span class="obj-label">${label}</span>` : null}</span>
    ${type === 'patient'
      ? html`<${Link} href=${'/patients/' + id} class="mono small obj-id" title=${id}>${id}<//>`
      : html`<span class="mono small obj-id" title=${id}>${id}</span>`}
    <button type="button" class="icon-btn icon-btn-sm" aria-label=${'Show only events about ' + id} title="Show only events about this object" onClick=${onFilter}>
      <${Icon} name="search" size=${14} /></button>
  </div>`;
}

function Summary({ summary }) {
  const entries = summary && typeof summary === 'object' ? Object.entries(summary) : [];
  if (!entries.length) return html`<span class="muted">—</span>`;
  return html`<ul class="kv">${entries.slice(0, 8).map(([k, v]) => html`<li key=${k}><span class="kv-k">${k}</span><span class="kv-v">${show(v)}</span></li>`)}
    ${entries.length > 8 && html`<li class="muted">+${entries.length - 8} more</li>`}</ul>`;
}

function show(v) {
  if (v === null) return 'null';
  if (typeof v === 'string') return v.length > 60 ? v.slice(0, 57) + '…' : v;
  const s = Array.isArray(v) && v.every((x) => typeof x !== 'object') ? v.join(', ') : JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '…' : s;
}
