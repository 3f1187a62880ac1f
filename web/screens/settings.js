// POS settings (head admin only): a placeholder until the payments feature.
import { html } from '../lib.js';
import { PageHeader, Icon } from '../components.js';

export function PosSettingsPage() {
  return html`<div class="page">
    <${PageHeader} title="POS settings" subtitle="Payment processing, merchant and bank accounts, card readers and payouts." />
    <section class="card">
      <div class="state state-empty state-flat">
        <span class="state-icon"><${Icon} name="card" size=${22} /></span>
        <p class="state-title">Payments setup arrives with the payments feature</p>
        <p class="state-text">Here the head admin will turn the POS on, choose the payment gateway, add bank accounts for payouts and register card readers. Only you, the head admin, see this page.</p>
      </div>
    </section>
  </div>`;
}
