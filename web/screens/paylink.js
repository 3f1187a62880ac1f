// The page a patient opens from a payment link (Text2Pay): /pay/<token>.
// No sign-in: the token is the credential. It shows what the practice's
// invoice owes, takes a card through the processor's card field (the
// number goes to the sandbox processor, a token comes back) and pays; a
// paid or expired link says so. Every amount is the server's.
import { html, useState, useEffect, useRef, api, money, newKey } from '../lib.js';
import { Button, useForm, FormAlert, Icon } from '../components.js';
import { SandboxCardFields, tokenizeCard } from './paykit.js';

export function PayLinkPage({ token }) {
  const [page, setPage] = useState(null);
  const [error, setError] = useState(null);
  const [paid, setPaid] = useState(null);
  const base = `/v1/public/payment_links/${encodeURIComponent(token)}`;
  useEffect(() => {
    document.title = 'Pay your invoice';
    api('GET', base).then(setPage).catch(setError);
  }, [token]);

  if (error) {
    return html`<main class="paylink"><div class="card paylink-card state state-error" role="alert">
      <h1 class="state-title">${error.status === 404 ? 'This link does not exist' : "Couldn't open this link"}</h1>
      <p class="state-text">${error.status === 404 ? 'Check the link in your message, or ask the practice for a new one.' : error.message}</p>
    </div></main>`;
  }
  if (!page) return html`<main class="paylink" aria-busy="true"><span class="spinner spinner-lg"></span></main>`;
  const c = page.currency;
  const state = paid ? 'done' : page.state;
  return html`<main class="paylink">
    <div class="card paylink-card">
      <p class="eyebrow">${page.practice} · ${page.clinic}</p>
      <h1>${state === 'done' ? 'Thank you' : `Invoice ${page.invoice}`}</h1>
      ${state !== 'done' && html`<ul class="paylink-lines">${page.lines.map((l, i) => html`<li key=${i}>
        <span>${l.name}${l.quantity > 1 ? ` × ${l.quantity}` : ''}</span><span class="num">${money(l.amount, c)}</span></li>`)}</ul>
        <div class="paylink-due"><span>Amount due</span><span class="num">${money(page.amount_due, c)}</span></div>`}
      ${state === 'payable' && html`<${PayForm} base=${base} page=${page} onPaid=${setPaid} onStale=${() => api('GET', base).then(setPage)} />`}
      ${state === 'done' && html`<div class="paylink-state is-ok" role="status"><${Icon} name="check" size=${28} />
        <p><span class="strong">${money(paid.amount, c)} paid</span> to ${page.practice} for invoice ${paid.invoice}. A receipt is available from the practice.</p></div>`}
      ${state === 'paid' && html`<div class="paylink-state is-ok" role="status"><${Icon} name="check" size=${28} />
        <p class="strong">This invoice is paid. Nothing is owed.</p></div>`}
      ${state === 'expired' && html`<div class="paylink-state" role="status"><${Icon} name="alert" size=${28} />
        <p><span class="strong">This link has expired.</span> Ask ${page.practice} for a new one.</p></div>`}
      ${state === 'unavailable' && html`<div class="paylink-state" role="status"><${Icon} name="alert" size=${28} />
        <p><span class="strong">This invoice can no longer be paid online.</span> Contact ${page.practice}.</p></div>`}
    </div>
  </main>`;
}

function PayForm({ base, page, onPaid, onStale }) {
  const form = useForm({ card_number: '', card_expiry: '', card_cvc: '' });
  // One key per attempt, kept only while its outcome is unknown (no
  // answer): a retry then cannot charge twice; a decline starts afresh.
  const key = useRef(newKey());
  const submit = async (v) => {
    const tok = await tokenizeCard(v, `${base}/card_tokens`);
    try {
      const r = await api('POST', `${base}/pay`, { body: { card_token: tok.id }, key: key.current });
      onPaid(r);
    } catch (e) {
      if (e.status > 0 && e.status < 500) key.current = newKey();
      if (e.status === 409) onStale();
      throw e;
    }
  };
  return html`<form class="paylink-form" noValidate onSubmit=${form.handleSubmit(submit)}>
    <${FormAlert} message=${form.formError} />
    <${SandboxCardFields} form=${form} />
    <${Button} type="submit" variant="primary" class="btn-block btn-lg" busy=${form.busy}>Pay ${money(page.amount_due, page.currency)}<//>
    <p class="hint">Paid securely through the practice's card processor.</p>
  </form>`;
}
