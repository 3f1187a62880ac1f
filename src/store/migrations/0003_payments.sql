-- 0003_payments: POS settings, merchant and bank accounts, card readers,
-- fee statements, saved cards, payments, refunds, payouts, disputes,
-- webhook events and jobs. Runs unchanged on SQLite 3.40 and PostgreSQL
-- 15. Card numbers and CVCs have no column anywhere: a card is its brand,
-- last 4, expiry and the gateway's reference. Bank account numbers keep
-- their last 4 only.

CREATE TABLE pos_settings (
    account_id TEXT PRIMARY KEY REFERENCES accounts (account_id),
    status TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
    gateway TEXT NOT NULL CHECK (gateway IN ('sandbox', 'stripe', 'clearent')),
    merchant_mode TEXT NOT NULL CHECK (merchant_mode IN ('single', 'multiple')),
    -- The signing secret of this account's webhooks (sandbox); the API
    -- never returns it.
    webhook_secret TEXT NOT NULL DEFAULT '',
    activated_at_ms BIGINT,
    deactivated_at_ms BIGINT,
    updated_at_ms BIGINT NOT NULL
);

CREATE TABLE merchant_accounts (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    clinic_id TEXT, -- NULL in single mode: the account's one merchant
    gateway TEXT NOT NULL,
    gateway_ref TEXT NOT NULL,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    timezone TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'closed')),
    reader_deducted INTEGER NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, clinic_id) REFERENCES clinics (account_id, id)
);
CREATE UNIQUE INDEX merchant_accounts_clinic
    ON merchant_accounts (account_id, clinic_id) WHERE status = 'active';
CREATE INDEX merchant_accounts_ref ON merchant_accounts (gateway, gateway_ref);
CREATE UNIQUE INDEX merchant_accounts_single
    ON merchant_accounts (account_id)
    WHERE status = 'active' AND clinic_id IS NULL;

CREATE TABLE bank_accounts (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    merchant_account_id TEXT NOT NULL,
    gateway_ref TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    routing_number TEXT NOT NULL,
    last4 TEXT NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('active', 'deleted')),
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, merchant_account_id)
        REFERENCES merchant_accounts (account_id, id)
);
CREATE UNIQUE INDEX bank_accounts_default
    ON bank_accounts (account_id, merchant_account_id)
    WHERE is_default = 1 AND status = 'active';

CREATE TABLE card_readers (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    clinic_id TEXT NOT NULL,
    merchant_account_id TEXT NOT NULL,
    serial_number TEXT NOT NULL,
    label TEXT NOT NULL,
    gateway_ref TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'deleted')),
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, clinic_id) REFERENCES clinics (account_id, id)
);
CREATE UNIQUE INDEX card_readers_serial
    ON card_readers (account_id, serial_number) WHERE status = 'active';

CREATE TABLE card_reader_orders (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    clinic_id TEXT NOT NULL,
    merchant_account_id TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 20),
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency TEXT NOT NULL,
    -- first_payout: deducted from the merchant's first payout;
    -- at_order: charged when ordered.
    billing TEXT NOT NULL CHECK (billing IN ('first_payout', 'at_order')),
    shipping_name TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id)
);

-- What Poise bills the practice: connection fees and reader orders. One
-- connection fee per (merchant account, month), by the unique index.
CREATE TABLE fee_statements (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    merchant_account_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('connection_fee', 'card_reader')),
    period TEXT NOT NULL, -- "2026-12" for a fee, the order id for a reader
    description TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'deducted', 'charged')),
    gateway_ref TEXT,
    payout_id TEXT,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX fee_statements_period
    ON fee_statements (account_id, merchant_account_id, kind, period);

-- A patient's customer record at a gateway.
CREATE TABLE gateway_customers (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    patient_id TEXT NOT NULL,
    gateway TEXT NOT NULL,
    gateway_ref TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, patient_id, gateway),
    FOREIGN KEY (account_id, patient_id) REFERENCES patients (account_id, id)
);

CREATE TABLE cards (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    gateway TEXT NOT NULL,
    gateway_ref TEXT NOT NULL,
    brand TEXT NOT NULL,
    last4 TEXT NOT NULL,
    exp_month INTEGER NOT NULL,
    exp_year INTEGER NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('active', 'deleted')),
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, patient_id) REFERENCES patients (account_id, id)
);
CREATE INDEX cards_patient ON cards (account_id, patient_id, status);

-- A payment is written before the gateway is called (status 'pending',
-- with the gateway idempotency key) and completed after; a recovery pass
-- finishes any left pending by a crash.
CREATE TABLE payments (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    idem_key TEXT NOT NULL,    -- the request's Idempotency-Key
    gateway_key TEXT NOT NULL, -- sent to the gateway
    request_hash TEXT NOT NULL,
    patient_id TEXT,
    clinic_id TEXT NOT NULL,
    merchant_account_id TEXT NOT NULL,
    gateway TEXT NOT NULL,
    gateway_ref TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'processing',
        'requires_capture', 'succeeded', 'canceled', 'failed')),
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    amount_captured_minor BIGINT NOT NULL DEFAULT 0,
    amount_refunded_minor BIGINT NOT NULL DEFAULT 0,
    fee_minor BIGINT NOT NULL DEFAULT 0,
    currency TEXT NOT NULL,
    capture INTEGER NOT NULL,
    source_type TEXT NOT NULL CHECK (source_type IN ('token', 'card',
        'reader')),
    card_id TEXT,
    reader_id TEXT,
    card_brand TEXT,
    card_last4 TEXT,
    card_exp_month INTEGER,
    card_exp_year INTEGER,
    card_present INTEGER NOT NULL DEFAULT 0,
    failure_code TEXT,
    decline_code TEXT,
    failure_message TEXT,
    description TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    capture_before_ms BIGINT,
    disputed INTEGER NOT NULL DEFAULT 0,
    created_by TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, clinic_id) REFERENCES clinics (account_id, id),
    CHECK (amount_captured_minor >= 0 AND amount_captured_minor <= amount_minor),
    CHECK (amount_refunded_minor >= 0
           AND amount_refunded_minor <= amount_captured_minor)
);
CREATE UNIQUE INDEX payments_idem ON payments (account_id, idem_key);
CREATE INDEX payments_created ON payments (account_id, created_at_ms, id);
CREATE INDEX payments_patient ON payments (account_id, patient_id, id);
CREATE INDEX payments_gateway_ref ON payments (account_id, gateway_ref);
CREATE INDEX payments_pending ON payments (status, updated_at_ms);

CREATE TABLE refunds (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    gateway_key TEXT NOT NULL,
    gateway_ref TEXT,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed',
        'canceled')),
    failure_code TEXT,
    created_by TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, payment_id) REFERENCES payments (account_id, id)
);
CREATE UNIQUE INDEX refunds_idem ON refunds (account_id, idem_key);
CREATE INDEX refunds_payment ON refunds (account_id, payment_id);
CREATE INDEX refunds_gateway_ref ON refunds (account_id, gateway_ref);

CREATE TABLE payouts (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    merchant_account_id TEXT NOT NULL,
    bank_account_id TEXT,
    gateway_ref TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'in_transit', 'paid',
        'failed', 'canceled')),
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    arrival_at_ms BIGINT,
    failure_code TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX payouts_gateway_ref ON payouts (account_id, gateway_ref);
CREATE INDEX payouts_created ON payouts (account_id, created_at_ms, id);

-- The deposit report: what a payout is made of; sums to its amount.
CREATE TABLE payout_items (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    payout_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    source_ref TEXT NOT NULL,
    object_type TEXT,
    object_id TEXT,
    amount_minor BIGINT NOT NULL,
    PRIMARY KEY (account_id, payout_id, seq)
);

CREATE TABLE disputes (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    gateway_ref TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    fee_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    due_by_ms BIGINT,
    evidence TEXT NOT NULL DEFAULT '{}',
    submitted_at_ms BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, payment_id) REFERENCES payments (account_id, id)
);
CREATE UNIQUE INDEX disputes_gateway_ref ON disputes (account_id, gateway_ref);
CREATE INDEX disputes_created ON disputes (account_id, created_at_ms, id);

-- Webhook events applied, so a redelivery is acknowledged and ignored.
CREATE TABLE webhook_events (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    gateway TEXT NOT NULL,
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    received_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, gateway, event_id)
);

-- Background jobs: a unique key makes an effect happen at most once; a
-- lease (owner, until) lets another worker take over a crashed one.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    job_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    run_at_ms BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until_ms BIGINT,
    last_error TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX jobs_key ON jobs (job_key);
CREATE INDEX jobs_due ON jobs (status, run_at_ms);
