-- 0005_invoices: invoices and their lines, priced by core/pricing when
-- saved, and the per-clinic counters that number finalized invoices
-- without gaps. Money is BIGINT minor units with the invoice's currency.

CREATE TABLE invoices (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    clinic_id TEXT NOT NULL,
    patient_id TEXT,
    provider_id TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('quote', 'invoice')),
    status TEXT NOT NULL CHECK (status IN ('quote', 'draft', 'open',
        'partially_paid', 'paid', 'partially_refunded', 'refunded', 'void')),
    number TEXT, -- "GLO-000123" once finalized
    currency TEXT NOT NULL,
    discount_kind INTEGER NOT NULL DEFAULT 0,
    discount_value BIGINT NOT NULL DEFAULT 0,
    gross_minor BIGINT NOT NULL,
    discount_minor BIGINT NOT NULL,
    net_minor BIGINT NOT NULL,
    tax_minor BIGINT NOT NULL,
    total_minor BIGINT NOT NULL,
    paid_minor BIGINT NOT NULL DEFAULT 0,
    created_by TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    finalized_at_ms BIGINT,
    queued_at_ms BIGINT, -- sent to the front desk to check out
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, clinic_id) REFERENCES clinics (account_id, id),
    CHECK (net_minor >= 0 AND tax_minor >= 0
           AND total_minor = net_minor + tax_minor)
);
CREATE UNIQUE INDEX invoices_number ON invoices (account_id, clinic_id, number);
CREATE INDEX invoices_patient ON invoices (account_id, patient_id, id);
CREATE INDEX invoices_queue ON invoices (account_id, clinic_id, queued_at_ms);

CREATE TABLE invoice_lines (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    invoice_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    item_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('service', 'product')),
    name TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    taxable INTEGER NOT NULL,
    discount_kind INTEGER NOT NULL DEFAULT 0,
    discount_value BIGINT NOT NULL DEFAULT 0,
    unit_price_minor BIGINT NOT NULL,
    gross_minor BIGINT NOT NULL,
    discount_minor BIGINT NOT NULL,
    net_minor BIGINT NOT NULL CHECK (net_minor >= 0),
    tax_minor BIGINT NOT NULL CHECK (tax_minor >= 0),
    total_minor BIGINT NOT NULL,
    PRIMARY KEY (account_id, invoice_id, seq),
    FOREIGN KEY (account_id, invoice_id) REFERENCES invoices (account_id, id)
);

-- The next number of each clinic; taken under the row's lock in the
-- finalizing transaction, so a rolled-back finalize leaves no gap.
CREATE TABLE invoice_counters (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    clinic_id TEXT NOT NULL,
    prefix TEXT NOT NULL,
    last_number BIGINT NOT NULL,
    PRIMARY KEY (account_id, clinic_id)
);
