// POS quick buttons (admin): named groups of services and products that
// the invoice editor shows as one-tap buttons, in position order, at one
// clinic or at every clinic. Create, edit (the items keep the order
// given), delete.
import {
  html, useState, api, useApp, useLoad, listAll, toast, ApiError,
} from '../lib.js';
import {
  Button, PageHeader, ListState, FormDialog, Field, useForm, Badge, ConfirmDialog, Icon, fieldError,
} from '../components.js';
import { ItemKind } from './invoicekit.js';
import { SettingsNav, ItemPicker, useCatalog, itemById, itemName, paramField } from './settingskit.js';

export function QuickButtonsPage() {
  const { clinics } = useApp();
  const list = useLoad(() => listAll('/v1/quick_buttons'), []);
  const catalog = useCatalog();
  const [dialog, setDialog] = useState(null);
  const rows = list.data || [];
  const clinicName = (id) => { if (!id) return null; const c = clinics.find((x) => x.id === id); return c ? c.name : id; };
  const remove = async (g) => {
    await api('DELETE', '/v1/quick_buttons/' + g.id);
    toast(`${g.name} deleted`);
    setDialog(null);
    list.reload();
  };
  const nextPosition = rows.reduce((m, g) => Math.max(m, g.position + 1), 0);
  return html`<div class="page">
    <${PageHeader} title="Quick buttons" subtitle="Groups of treatments and products the invoice screen offers as one-tap buttons."
      actions=${html`<${Button} variant="primary" icon="plus" onClick=${() => setDialog({ kind: 'edit', group: null })}>New group<//>`} />
    <${SettingsNav} current="/settings/quick-buttons" />
    <section class="card" aria-label="Quick button groups">
      <${ListState} state=${list} empty=${rows.length === 0} emptyIcon="terminal" emptyText="No quick buttons yet"
        emptyHint="Group what is sold together most (injectables, a facial and its serum) so a clerk adds it in one tap."
        action=${html`<${Button} icon="plus" onClick=${() => setDialog({ kind: 'edit', group: null })}>New group<//>`}>
        <div class="table-wrap"><table class="table table-compact">
          <thead><tr><th scope="col" class="num">Position</th><th scope="col">Group</th><th scope="col">Buttons</th><th scope="col">Clinic</th>
            <th scope="col" class="actions-col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>${rows.map((g) => html`<tr key=${g.id}>
            <td class="num muted">${g.position}</td>
            <td class="strong">${g.name}</td>
            <td><ul class="chips chips-static" aria-label=${'Buttons of ' + g.name}>${g.items.map((it) => html`<li key=${it.item} class=${'chip' + (itemById(catalog, it.item) ? '' : ' is-missing')}>
              <${ItemKind} kind=${it.kind} /><span class="chip-name">${itemName(catalog, it.item)}</span></li>`)}
              ${g.items.length === 0 && html`<li class="muted small">No items</li>`}</ul></td>
            <td>${g.clinic ? clinicName(g.clinic) : html`<${Badge}>Every clinic<//>`}</td>
            <td class="actions">
              <${Button} size="sm" variant="ghost" aria-label=${'Edit ' + g.name} onClick=${() => setDialog({ kind: 'edit', group: g })}>Edit<//>
              <${Button} size="sm" variant="ghost" class="btn-danger-text" aria-label=${'Delete ' + g.name} onClick=${() => setDialog({ kind: 'delete', group: g })}>Delete<//>
            </td>
          </tr>`)}</tbody>
        </table></div>
      <//>
    </section>
    <p class="small muted page-note"><${Icon} name="alert" size=${14} /> An archived item stays in its group but is no longer offered.</p>
    ${dialog && dialog.kind === 'edit' && html`<${GroupDialog} group=${dialog.group} catalog=${catalog} position=${nextPosition}
      onClose=${() => setDialog(null)} onSaved=${() => { setDialog(null); list.reload(); }} />`}
    ${dialog && dialog.kind === 'delete' && html`<${ConfirmDialog} title=${`Delete ${dialog.group.name}?`} danger confirmLabel="Delete group"
      message="Its buttons leave the invoice screen. The items stay in the catalog."
      onConfirm=${() => remove(dialog.group)} onClose=${() => setDialog(null)} />`}
  </div>`;
}

function GroupDialog({ group, catalog, position, onClose, onSaved }) {
  const { clinics } = useApp();
  const editing = !!group;
  const live = clinics.filter((c) => !c.archived || (group && group.clinic === c.id));
  const form = useForm(group
    ? { name: group.name, clinic: group.clinic || '', position: String(group.position), items: group.items.map((x) => x.item) }
    : { name: '', clinic: '', position: String(position), items: [] });
  const v = form.values;
  const submit = async (vals, key) => {
    const pos = /^\s*\d{1,7}\s*$/.test(vals.position) ? parseInt(vals.position, 10) : null;
    if (pos == null) throw fieldError('position', 'Enter a whole number, 0 or more.');
    const body = { name: vals.name.trim(), position: pos, clinic: vals.clinic || null, items: vals.items.map((item) => ({ item })) };
    try {
      const g = editing
        ? await api('PATCH', '/v1/quick_buttons/' + group.id, { body })
        : await api('POST', '/v1/quick_buttons', { body, key });
      toast(editing ? `${g.name} saved` : `${g.name} created`);
      onSaved(g);
    } catch (e) {
      if (e instanceof ApiError && e.param && paramField(e.param) !== e.param) {
        throw new ApiError(e.status, { ...(e.detail || {}), message: e.message, param: paramField(e.param) });
      }
      throw e;
    }
  };
  return html`<${FormDialog} wide title=${editing ? `Edit ${group.name}` : 'New quick button group'} form=${form} onSubmit=${submit} onClose=${onClose}
      submitLabel=${editing ? 'Save group' : 'Create group'} description="Each item is a button; the group's name adds them all at once.">
    <div class="grid-3">
      <${Field} form=${form} name="name" label="Name" autocomplete="off" maxlength="60" placeholder="Injectables" />
      <${Field} form=${form} name="clinic" label="Clinic" as="select">
        <option value="">Every clinic</option>
        ${live.map((c) => html`<option key=${c.id} value=${c.id}>${c.name}</option>`)}
      <//>
      <${Field} form=${form} name="position" label="Position" inputmode="numeric" autocomplete="off" hint="Lower shows first." />
    </div>
    <${ItemPicker} id=${form.id + '-items'} label="Buttons" catalog=${catalog} value=${v.items} onChange=${(ids) => form.set('items', ids)}
      error=${form.errors.items} hint="In the order they show. Remove one and add it again to move it to the end." />
  <//>`;
}
