// Users (admin): list, invite (create with a role), edit name/role/password,
// disable/enable, and the head admin's hand-over of the head-admin role.
import {
  html, useState, api, useApp, useLoad, usePager, toast, toastError, dateOnly, ROLE_LABEL,
} from '../lib.js';
import {
  Button, PageHeader, ListState, Pager, FormDialog, Field, useForm, Badge, ConfirmDialog, Initials,
} from '../components.js';

const PAGE = 50;
const ROLE_TONE = { head_admin: 'accent', admin: 'info', provider: 'neutral', front_desk: 'neutral' };

export function UsersPage() {
  const { me, role, tz, reloadMe } = useApp();
  const [dialog, setDialog] = useState(null);
  const [toggling, setToggling] = useState(null);
  const pager = usePager('');
  const list = useLoad((signal) => api('GET', '/v1/users', { query: { limit: PAGE, starting_after: pager.after }, signal }), [pager.after]);
  const rows = list.data ? list.data.data : [];
  const isHead = role === 'head_admin';
  const selfId = me.user.id;

  // Which rows the caller may change (the API has the last word; this hides dead ends).
  const canEdit = (u) => u.id === selfId || isHead || (u.role !== 'admin' && u.role !== 'head_admin');
  const canToggle = (u) => u.id !== selfId && u.role !== 'head_admin' && canEdit(u);

  const toggle = async (u) => {
    setToggling(u.id);
    try {
      const r = await api('PATCH', '/v1/users/' + u.id, { body: { disabled: !u.disabled } });
      toast(`${r.name} ${r.disabled ? 'disabled' : 'enabled'}`);
      list.reload();
    } catch (e) { toastError(e); } finally { setToggling(null); }
  };

  const transfer = async () => {
    const u = dialog.user;
    await api('POST', '/v1/account/transfer_head_admin', { body: { user: u.id } });
    toast(`${u.name} is now the head admin`);
    setDialog(null);
    reloadMe();
    list.reload();
  };

  return html`<div class="page">
    <${PageHeader} title="Users" subtitle="Staff who sign in to Poise, and what each may do."
      actions=${html`<${Button} variant="primary" icon="plus" onClick=${() => setDialog({ kind: 'invite' })}>Invite user<//>`} />
    <section class="card" aria-label="Users">
      <${ListState} state=${list} empty=${rows.length === 0} emptyText="No users yet" emptyIcon="users">
        <div class="table-wrap"><table class="table">
          <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Added</th>
            <th scope="col" class="actions-col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>${rows.map((u) => html`<tr key=${u.id} class=${u.disabled ? 'is-dim' : ''}>
            <td><div class="cell-person"><${Initials} name=${u.name} size="sm" />
              <div><div class="strong">${u.name}${u.id === selfId ? html` <span class="you">(you)</span>` : null}</div>
              <div class="small muted">${u.email}</div></div></div></td>
            <td><${Badge} tone=${ROLE_TONE[u.role]}>${ROLE_LABEL[u.role] || u.role}<//></td>
            <td>${u.disabled ? html`<${Badge} tone="danger">Disabled<//>`
              : u.can_sign_in ? html`<${Badge} tone="success">Active<//>`
              : html`<${Badge} tone="warn">No password<//>`}</td>
            <td class="muted nowrap">${dateOnly(u.created, tz)}</td>
            <td class="actions">
              ${canEdit(u) && html`<${Button} size="sm" variant="ghost" aria-label=${'Edit ' + u.name} onClick=${() => setDialog({ kind: 'edit', user: u })}>Edit<//>`}
              ${canToggle(u) && html`<${Button} size="sm" variant="ghost" busy=${toggling === u.id}
                aria-label=${(u.disabled ? 'Enable ' : 'Disable ') + u.name} onClick=${() => (u.disabled ? toggle(u) : setDialog({ kind: 'disable', user: u }))}>${u.disabled ? 'Enable' : 'Disable'}<//>`}
            </td>
          </tr>`)}</tbody>
        </table></div>
        <${Pager} pager=${pager} hasMore=${list.data && list.data.has_more} lastId=${rows.length ? rows[rows.length - 1].id : null} label="users" />
      <//>
    </section>
    ${dialog && dialog.kind === 'invite' && html`<${InviteDialog} isHead=${isHead} onClose=${() => setDialog(null)} onSaved=${() => { setDialog(null); list.reload(); }} />`}
    ${dialog && dialog.kind === 'edit' && html`<${EditUserDialog} user=${dialog.user} isHead=${isHead} selfId=${selfId}
      onClose=${() => setDialog(null)}
      onSaved=${(u) => { setDialog(null); list.reload(); if (u.id === selfId) reloadMe(); }}
      onTransfer=${() => setDialog({ kind: 'transfer', user: dialog.user })} />`}
    ${dialog && dialog.kind === 'disable' && html`<${ConfirmDialog} title=${`Disable ${dialog.user.name}?`} danger confirmLabel="Disable user"
      message=${`${dialog.user.name} is signed out everywhere and can no longer sign in. API keys they created stop working. You can enable them again later.`}
      onClose=${() => setDialog(null)}
      onConfirm=${async () => {
        const r = await api('PATCH', '/v1/users/' + dialog.user.id, { body: { disabled: true } });
        toast(`${r.name} disabled`); setDialog(null); list.reload();
      }} />`}
    ${dialog && dialog.kind === 'transfer' && html`<${ConfirmDialog} title=${`Make ${dialog.user.name} the head admin?`} danger confirmLabel="Make head admin"
      message=${`There is one head admin per practice. ${dialog.user.name} becomes the head admin, with POS settings and the right to grant the admin role; you become an admin. Only the new head admin can hand the role back.`}
      onClose=${() => setDialog(null)} onConfirm=${transfer} />`}
  </div>`;
}

function RoleOptions({ isHead }) {
  return html`
    <option value="front_desk">Front desk</option>
    <option value="provider">Provider</option>
    ${isHead && html`<option value="admin">Admin</option>`}`;
}

function InviteDialog({ isHead, onClose, onSaved }) {
  const form = useForm({ name: '', email: '', role: 'front_desk', password: '' });
  const submit = async (v, key) => {
    const body = { name: v.name, email: v.email.trim(), role: v.role };
    if (v.password) body.password = v.password;
    const u = await api('POST', '/v1/users', { body, key });
    toast(u.can_sign_in ? `${u.name} added and can sign in` : `${u.name} added`);
    onSaved(u);
  };
  return html`<${FormDialog} title="Invite user" description="Add a staff member to your practice." form=${form} onSubmit=${submit} onClose=${onClose}>
    <${Field} form=${form} name="name" label="Name" autocomplete="off" />
    <${Field} form=${form} name="email" label="Email" type="email" autocomplete="off" spellcheck="false" />
    <${Field} form=${form} name="role" label="Role" as="select"
      hint=${isHead ? 'Admins manage the catalog, clinics and users.' : 'Only the head admin can add admins.'}><${RoleOptions} isHead=${isHead} /><//>
    <${Field} form=${form} name="password" label="Password" type="password" autocomplete="new-password"
      hint="Optional. At least 10 characters. Without one, the user cannot sign in until a password is set." />
  <//>`;
}

function EditUserDialog({ user, isHead, selfId, onClose, onSaved, onTransfer }) {
  const form = useForm({ name: user.name, role: user.role, password: '' });
  const headLocked = user.role === 'head_admin';
  // Admins cannot grant admin; keep the current role selectable all the same.
  const showAdmin = isHead || user.role === 'admin';
  const submit = async (v) => {
    const body = {};
    if (v.name !== user.name) body.name = v.name;
    if (!headLocked && v.role !== user.role) body.role = v.role;
    if (v.password) body.password = v.password;
    if (!Object.keys(body).length) { toast('No changes to save'); onSaved(user); return; }
    const u = await api('PATCH', '/v1/users/' + user.id, { body });
    toast(`${u.name} saved`);
    onSaved(u);
  };
  const canTransfer = isHead && user.id !== selfId && !user.disabled && user.can_sign_in;
  return html`<${FormDialog} title="Edit user" description=${user.email} form=${form} onSubmit=${submit} onClose=${onClose}>
    <${Field} form=${form} name="name" label="Name" autocomplete="off" />
    ${headLocked
      ? html`<div class="field"><span class="label-like">Role</span><p class="static-value"><${Badge} tone="accent">Head admin<//></p>
          <p class="hint">The head admin's role changes only by handing it to another user.</p></div>`
      : html`<${Field} form=${form} name="role" label="Role" as="select"
          hint=${user.id === selfId ? 'Changing your own role signs you out.' : 'A new role signs the user out everywhere.'}>
          <option value="front_desk">Front desk</option>
          <option value="provider">Provider</option>
          ${showAdmin && html`<option value="admin">Admin</option>`}
        <//>`}
    <${Field} form=${form} name="password" label="New password" type="password" autocomplete="new-password"
      hint="Leave blank to keep the current password. At least 10 characters; signs the user out." />
    ${canTransfer && html`<div class="callout">
      <div><p class="callout-title">Head admin</p>
      <p class="callout-text">Hand the head-admin role to ${user.name}. You become an admin.</p></div>
      <${Button} size="sm" onClick=${onTransfer}>Make head admin<//>
    </div>`}
  <//>`;
}
