// A patient's cards on file (the patient page's "Cards" tab): list, add
// through the sandbox's card field (the number goes to the processor, the
// token to Poise), make default, remove.
import { html, useState, useRef, api, useLoad, toast, toastError, dateOnly, useApp, newKey } from '../lib.js';
import { Button, ListState, FormDialog, useForm, Badge, ConfirmDialog } from '../components.js';
import { SandboxCardFields, tokenizeCard, cardLabel, expiry } from './paykit.js';

export function PatientCards({ patient }) {
  const { tz } = useApp();
  const list = useLoad((signal) => api('GET', `/v1/patients/${patient.id}/cards`, { signal }), [patient.id]);
  const rows = list.data ? list.data.data : [];
  const [dialog, setDialog] = useState(null);
  const base = `/v1/patients/${patient.id}/cards/`;
  const setDefault = (c) => api('POST', base + c.id + '/set_default')
    .then(() => { toast(`${cardLabel(c)} is now the default card`); list.reload(); }).catch(toastError);
  const remove = async (c) => {
    await api('DELETE', base + c.id);
    toast(`${cardLabel(c)} removed`); setDialog(null); list.reload();
  };
  const add = html`<${Button} size="sm" variant="primary" icon="plus" onClick=${() => setDialog({ kind: 'add' })}>Add card<//>`;
  return html`<div class="cards-tab">
    ${rows.length > 0 && html`<div class="tab-actions">${add}</div>`}
    <${ListState} state=${list} empty=${rows.length === 0} emptyText="No cards on file yet" emptyIcon="card"
      emptyHint="Save a card for future checkouts and membership billing." action=${add} rows=${2}>
      <ul class="card-list" aria-label="Cards on file">
        ${rows.map((c) => html`<li key=${c.id} class="card-item">
          <span class="card-chip" aria-hidden="true">${String(c.brand || '').slice(0, 4).toUpperCase()}</span>
          <div class="card-item-text"><span class="card-item-name"><span class="strong">${cardLabel(c)}</span>${c.default ? html`<${Badge} tone="accent">Default<//>` : null}</span>
            <span class="small muted">Expires ${expiry(c)} · added ${dateOnly(c.created, tz)}</span></div>
          <div class="actions">
            ${!c.default && html`<${Button} size="sm" variant="ghost" aria-label=${'Make ' + cardLabel(c) + ' the default'} onClick=${() => setDefault(c)}>Make default<//>`}
            <${Button} size="sm" variant="ghost" aria-label=${'Remove ' + cardLabel(c)} onClick=${() => setDialog({ kind: 'remove', card: c })}>Remove<//>
          </div>
        </li>`)}
      </ul>
    <//>
    ${dialog && dialog.kind === 'add' && html`<${AddCardDialog} patient=${patient} onClose=${() => setDialog(null)} onSaved=${() => { setDialog(null); list.reload(); }} />`}
    ${dialog && dialog.kind === 'remove' && html`<${ConfirmDialog} title=${`Remove ${cardLabel(dialog.card)}?`} danger confirmLabel="Remove card"
      message="The card can no longer be charged for this patient." onConfirm=${() => remove(dialog.card)} onClose=${() => setDialog(null)} />`}
  </div>`;
}

function AddCardDialog({ patient, onClose, onSaved }) {
  const form = useForm({ card_number: '', card_expiry: '', card_cvc: '' });
  // A token is single-use: after an unknown outcome (network error, 5xx)
  // retry with the same token and key; after an answer, start afresh.
  const last = useRef(null);
  const submit = async (v) => {
    const cardKey = [v.card_number, v.card_expiry, v.card_cvc].join('|');
    if (!last.current || last.current.cardKey !== cardKey) {
      const tok = await tokenizeCard(v);
      last.current = { cardKey, token: tok.id, key: newKey() };
    }
    let c;
    try {
      c = await api('POST', `/v1/patients/${patient.id}/cards`, { body: { token: last.current.token }, key: last.current.key });
    } catch (e) {
      if (!(e.status === 0 || e.status >= 500)) last.current = null;
      throw e;
    }
    toast(`${cardLabel(c)} saved for ${patient.name}`);
    onSaved(c);
  };
  return html`<${FormDialog} title="Add card" description=${`Save a card on file for ${patient.name}. Ask for the patient's consent first.`}
    form=${form} onSubmit=${submit} onClose=${onClose} submitLabel="Save card">
    <${SandboxCardFields} form=${form} />
  <//>`;
}
