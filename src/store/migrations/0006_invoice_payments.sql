-- 0006_invoice_payments: paying and refunding invoices with any mix of
-- tenders. Runs unchanged on SQLite 3.40 and PostgreSQL 15.
--
-- A checkout is one POST /v1/invoices/:id/payments. It is written
-- 'pending', with its request, before any card leg reaches the gateway,
-- and completed in one commit: 'succeeded' with its tenders, tips, drawer
-- movements and the invoice's new paid amount, or 'failed' once its card
-- legs were cancelled. A recovery pass finishes checkouts a crash left
-- pending. At most one checkout of an invoice is pending at a time: that
-- index is what makes the second of two clerks get 409.

CREATE TABLE invoice_checkouts (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    invoice_id TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    request TEXT NOT NULL, -- the tenders as JSON, to finish after a crash
    status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0), -- to the invoice
    tip_minor BIGINT NOT NULL CHECK (tip_minor >= 0),
    change_due_minor BIGINT NOT NULL DEFAULT 0 CHECK (change_due_minor >= 0),
    currency TEXT NOT NULL,
    failure_kind TEXT CHECK (failure_kind IN ('declined', 'invalid',
        'conflict', 'rule')), -- how a failed checkout answers again
    failure_code TEXT,
    failure_message TEXT,
    failed_tender INTEGER, -- index of the tender that declined
    created_by TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, invoice_id) REFERENCES invoices (account_id, id)
);
CREATE UNIQUE INDEX invoice_checkouts_idem
    ON invoice_checkouts (account_id, idem_key);
CREATE UNIQUE INDEX invoice_checkouts_one_pending
    ON invoice_checkouts (account_id, invoice_id) WHERE status = 'pending';
CREATE INDEX invoice_checkouts_invoice
    ON invoice_checkouts (account_id, invoice_id, id);
CREATE INDEX invoice_checkouts_stale ON invoice_checkouts (status, updated_at_ms);

-- What paid an invoice. amount_minor goes to the invoice; tip_minor is on
-- top. A cash tender records what was handed over and the change given.
-- Card tenders name their payment (brand and last 4 only); cash tenders
-- their drawer; financing tenders (cherry, klarna) the connector's
-- reference; check and external tenders a reference the clerk typed.
CREATE TABLE invoice_tenders (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    invoice_id TEXT NOT NULL,
    checkout_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('card', 'cash', 'check', 'cherry',
        'klarna', 'external')),
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    tip_minor BIGINT NOT NULL DEFAULT 0 CHECK (tip_minor >= 0),
    received_minor BIGINT NOT NULL DEFAULT 0, -- cash handed over
    change_minor BIGINT NOT NULL DEFAULT 0 CHECK (change_minor >= 0),
    refunded_minor BIGINT NOT NULL DEFAULT 0,
    tip_refunded_minor BIGINT NOT NULL DEFAULT 0,
    currency TEXT NOT NULL,
    payment_id TEXT,
    drawer_id TEXT,
    reference TEXT,
    card_brand TEXT,
    card_last4 TEXT,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, checkout_id)
        REFERENCES invoice_checkouts (account_id, id),
    CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor),
    CHECK (tip_refunded_minor >= 0 AND tip_refunded_minor <= tip_minor)
);
CREATE INDEX invoice_tenders_invoice ON invoice_tenders (account_id, invoice_id);
-- A card payment pays one invoice once.
CREATE UNIQUE INDEX invoice_tenders_payment ON invoice_tenders (account_id, payment_id)
    WHERE payment_id IS NOT NULL;

-- Each checkout's tip, split over providers exactly.
CREATE TABLE invoice_tips (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    checkout_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    invoice_id TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    refunded_minor BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, checkout_id, provider_id),
    CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor)
);
CREATE INDEX invoice_tips_invoice ON invoice_tips (account_id, invoice_id);

-- A refund of an invoice: by lines (with quantities) or an amount, back to
-- the original tenders. amount_minor = net + tax; tip_minor on top.
CREATE TABLE invoice_refunds (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    invoice_id TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    -- refund: money back; void: a paid invoice undone the day it was paid,
    -- its card legs voided at the gateway (no fee), not refunded.
    kind TEXT NOT NULL DEFAULT 'refund' CHECK (kind IN ('refund', 'void')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    net_minor BIGINT NOT NULL CHECK (net_minor >= 0),
    tax_minor BIGINT NOT NULL CHECK (tax_minor >= 0),
    tip_minor BIGINT NOT NULL CHECK (tip_minor >= 0),
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency TEXT NOT NULL,
    restock INTEGER NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',
    request TEXT NOT NULL,
    failure_code TEXT,
    created_by TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, invoice_id) REFERENCES invoices (account_id, id)
);
CREATE UNIQUE INDEX invoice_refunds_idem ON invoice_refunds (account_id, idem_key);
CREATE UNIQUE INDEX invoice_refunds_one_pending
    ON invoice_refunds (account_id, invoice_id) WHERE status = 'pending';
CREATE INDEX invoice_refunds_invoice ON invoice_refunds (account_id, invoice_id, id);
CREATE INDEX invoice_refunds_stale ON invoice_refunds (status, updated_at_ms);

-- The lines a refund took back (none for a refund by amount).
CREATE TABLE invoice_refund_lines (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    refund_id TEXT NOT NULL,
    line_seq INTEGER NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    net_minor BIGINT NOT NULL CHECK (net_minor >= 0),
    tax_minor BIGINT NOT NULL CHECK (tax_minor >= 0),
    PRIMARY KEY (account_id, refund_id, line_seq)
);

-- Where a refund's money went: one row per tender it returned to.
CREATE TABLE invoice_refund_tenders (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    refund_id TEXT NOT NULL,
    tender_id TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    tip_minor BIGINT NOT NULL CHECK (tip_minor >= 0),
    refund_ref TEXT, -- done: the card refund's id, the financing refund's key
    PRIMARY KEY (account_id, refund_id, tender_id)
);

ALTER TABLE invoices ADD COLUMN tip_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN refunded_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN tip_refunded_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN paid_at_ms BIGINT;
-- Where an invoice came from: a provider's procedure, a treatment plan, or
-- the front desk's quick pay.
ALTER TABLE invoices ADD COLUMN source TEXT NOT NULL DEFAULT 'quick_pay'
    CHECK (source IN ('procedure', 'treatment_plan', 'quick_pay'));
-- A void invoice merged into another names it.
ALTER TABLE invoices ADD COLUMN merged_into TEXT;
ALTER TABLE invoice_lines ADD COLUMN refunded_quantity BIGINT NOT NULL DEFAULT 0;
