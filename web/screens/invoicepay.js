// What paid an invoice and what went back: its tenders (card brand and
// last 4 only), tips per provider, refunds; and the dialogs that act on
// them: refund lines (with restock) or an amount, e-mail the receipt.
// Every amount is the server's: the refund dialog sends quantities or an
// amount and shows what the server answers.
import { html, useState, api, money, dateTime, useApp, parseMoney } from '../lib.js';
import { FormDialog, Dialog, Button, useForm, Field, Segmented } from '../components.js';

const METHOD_LABEL = { card: 'Card', cash: 'Cash', check: 'Check', external: 'Other', cherry: 'Cherry', klarna: 'Klarna' };

function tenderLabel(t) {
  if (t.method === 'card' && t.card && t.card.last4) {
    const brand = t.card.brand ? t.card.brand[0].toUpperCase() + t.card.brand.slice(1) : 'Card';
    return `${brand} ending in ${t.card.last4}`;
  }
  if (t.method === 'check') return `Check #${t.reference}`;
  if (t.reference) return `${METHOD_LABEL[t.method]} · ${t.reference}`;
  return METHOD_LABEL[t.method] || t.method;
}

export function PaymentsCard({ invoice: v, users }) {
  const { tz } = useApp();
  const c = v.currency;
  const tenders = v.tenders || [];
  const tips = v.tips || [];
  const refunds = v.refunds || [];
  if (tenders.length === 0 && refunds.length === 0) return null;
  return html`<section class="card" aria-labelledby="ip-title">
    <h2 id="ip-title" class="card-title">Payments</h2>
    <div class="table-wrap"><table class="table table-compact">
      <thead><tr><th scope="col">Tender</th><th scope="col">Taken</th><th scope="col" class="num">Amount</th>
        <th scope="col" class="num">Tip</th><th scope="col" class="num">Refunded</th></tr></thead>
      <tbody>${tenders.map((t) => html`<tr key=${t.id}>
        <td><div class="strong">${tenderLabel(t)}</div>
          ${t.method === 'cash' && html`<div class="small muted">received ${money(t.received, c)} · change ${money(t.change, c)}</div>`}</td>
        <td class="small">${dateTime(t.created, tz)}</td>
        <td class="num">${money(t.amount, c)}</td>
        <td class="num">${t.tip > 0 ? money(t.tip, c) : html`<span class="muted">—</span>`}</td>
        <td class="num">${t.amount_refunded + t.tip_refunded > 0 ? html`<span class="minus">−${money(t.amount_refunded + t.tip_refunded, c)}</span>` : html`<span class="muted">—</span>`}</td>
      </tr>`)}</tbody>
    </table></div>
    ${tips.length > 0 && html`<h3 class="card-subtitle">Tips</h3><ul class="pay-list">${tips.map((t) => html`<li key=${t.checkout + t.provider}>
      <span>${users.name(t.provider)}</span>
      ${t.refunded > 0 && html`<span class="small muted">${money(t.amount, c)}, ${money(t.refunded, c)} refunded</span>`}
      <span class="num strong">${money(t.amount - t.refunded, c)}</span></li>`)}</ul>`}
    ${refunds.length > 0 && html`<h3 class="card-subtitle">Refunds</h3><ul class="pay-list">${refunds.map((r) => html`<li key=${r.id}>
      <span>${r.status === 'succeeded' ? '' : html`<span class="badge">${r.status}</span> `}${r.reason === 'void' ? 'Voided' : 'Refund'}</span>
      <span class="small muted">${dateTime(r.created, tz)}${r.tip > 0 ? ` · incl. tip ${money(r.tip, c)}` : ''}${r.restock ? ' · restocked' : ''}${r.reason && r.reason !== 'void' ? ' · ' + r.reason : ''}</span>
      <span class="num strong minus">−${money(r.amount + r.tip, c)}</span></li>`)}</ul>`}
  </section>`;
}

// Refund lines (quantities left on each, restock) or an amount.
export function RefundDialog({ invoice: v, onClose, onDone }) {
  const c = v.currency;
  const init = { mode: 'lines', amount: '', reason: '', restock: true };
  for (const l of v.lines) init['q' + l.line] = '';
  const form = useForm(init);
  const submit = async (vals, key) => {
    let body;
    if (vals.mode === 'amount') {
      const amount = parseMoney(vals.amount, c);
      if (amount == null || amount <= 0) throw Object.assign(new Error('Enter the amount to refund.'), { param: 'amount' });
      body = { amount };
    } else {
      const lines = [];
      for (const l of v.lines) {
        const q = vals['q' + l.line] === '' ? 0 : Number(vals['q' + l.line]);
        if (!Number.isInteger(q) || q < 0) throw Object.assign(new Error('Enter a whole quantity.'), { param: 'q' + l.line });
        if (q > 0) lines.push({ line: l.line, quantity: q });
      }
      if (lines.length === 0) throw Object.assign(new Error('Enter a quantity on a line to refund.'), { param: 'q' + v.lines[0].line });
      body = { lines, restock: !!vals.restock };
    }
    if (vals.reason.trim()) body.reason = vals.reason.trim();
    const r = await api('POST', `/v1/invoices/${v.id}/refunds`, { body, key });
    onDone(`Refunded ${money(r.amount + r.tip, c)}${r.tip > 0 ? ` (tip ${money(r.tip, c)})` : ''} to the tenders that paid`);
  };
  return html`<${FormDialog} title="Refund" wide form=${form} onSubmit=${submit} onClose=${onClose} submitLabel="Refund"
    description="The money goes back to the tenders that paid, in proportion; tax and tips come back with it.">
    <${Segmented} label="Refund by" value=${form.values.mode} onChange=${(m) => form.set('mode', m)}
      options=${[{ value: 'lines', label: 'Lines' }, { value: 'amount', label: 'Amount' }]} />
    ${form.values.mode === 'lines' ? html`<div class="refund-lines">${v.lines.map((l) => html`<div key=${l.line} class="refund-line">
        <${Field} form=${form} name=${'q' + l.line} label=${`${l.name} (${l.quantity - (l.refunded_quantity || 0)} of ${l.quantity} left)`}
          inputmode="numeric" placeholder="0" />
      </div>`)}
      <${Field} form=${form} name="restock" as="checkbox" label="Put the products back on the shelf" /></div>`
      : html`<${Field} form=${form} name="amount" label=${`Amount (up to ${money(v.amount_paid - (v.amount_refunded || 0), c)})`} inputmode="decimal" />`}
    <${Field} form=${form} name="reason" label="Reason (optional)" />
  <//>`;
}

export function ReceiptDialog({ invoice: v, email, onClose, onDone }) {
  const form = useForm({ email: email || '' });
  const submit = async (vals, key) => {
    await api('POST', `/v1/invoices/${v.id}/send_receipt`, { body: { email: vals.email.trim() }, key });
    onDone(`Receipt sent to ${vals.email.trim()}`);
  };
  return html`<${FormDialog} title="E-mail the receipt" form=${form} onSubmit=${submit} onClose=${onClose} submitLabel="Send"
    description="The receipt goes as a PDF attachment, through the practice's outbox.">
    <${Field} form=${form} name="email" label="E-mail" type="email" autocomplete="off" />
  <//>`;
}

// Text2Pay: send the patient a link to pay from a phone.
export function PaymentLinkDialog({ invoice: v, onClose, onDone }) {
  const form = useForm({ channel: 'sms', to: '' });
  const [sent, setSent] = useState(null);
  const submit = async (vals, key) => {
    const body = { channel: vals.channel };
    if (vals.to.trim()) body.to = vals.to.trim();
    setSent(await api('POST', `/v1/invoices/${v.id}/payment_links`, { body, key }));
  };
  if (sent) {
    return html`<${Dialog} title="Payment link sent" onClose=${() => onDone(`Payment link sent to ${sent.to}`)}>
      <div class="dialog-body">
        <p>Sent by ${sent.channel === 'sms' ? 'text message' : 'e-mail'} to <span class="strong">${sent.to}</span>.
          It works until ${dateTime(sent.expires)} or until the invoice is paid.</p>
        <label class="small muted" for="plk-url">Link</label>
        <input id="plk-url" class="control mono" readonly value=${sent.url} onFocus=${(e) => e.currentTarget.select()} />
      </div>
      <div class="dialog-foot"><${Button} variant="primary" onClick=${() => onDone(`Payment link sent to ${sent.to}`)}>Done<//></div>
    <//>`;
  }
  return html`<${FormDialog} title="Send a payment link" form=${form} onSubmit=${submit} onClose=${onClose} submitLabel="Send link"
    description="The patient pays what is owed from their phone. The link expires in 7 days or once the invoice is paid.">
    <${Segmented} label="Send by" value=${form.values.channel} onChange=${(x) => form.set('channel', x)}
      options=${[{ value: 'sms', label: 'Text message' }, { value: 'email', label: 'E-mail' }]} />
    <${Field} form=${form} name="to" label=${form.values.channel === 'sms' ? 'Mobile number' : 'E-mail'}
      hint="Leave empty to use the patient's on file." autocomplete="off" />
  <//>`;
}
