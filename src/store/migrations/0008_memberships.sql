-- 0008_memberships: membership programs, their tiers and the tiers'
-- member prices, every version of a program's agreement, and the
-- memberships of patients. Runs unchanged on SQLite 3.40 and PostgreSQL
-- 15. Money is BIGINT minor units in the tier's currency.
--
-- A membership is written 'pending' before its enrolment charge (setup
-- fee + first month) and becomes 'active' when that payment succeeds, or
-- 'failed' when it is declined (it never had benefits). Billing, dunning,
-- hold, cancel and tier changes (issue 7) move it between active,
-- past_due, on_hold and canceled; the columns they need are here.

CREATE TABLE membership_programs (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    portal_enabled INTEGER NOT NULL DEFAULT 0,
    agreement TEXT, -- the current agreement's text; NULL: none
    agreement_version INTEGER NOT NULL DEFAULT 0, -- 0: never had one
    color TEXT, -- "#RRGGBB"
    archived INTEGER NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id)
);

-- Every agreement text a program ever had, so the exact text a member
-- signed (memberships.agreement_version) is kept when the program's
-- agreement changes.
CREATE TABLE membership_agreements (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    program_id TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    body TEXT NOT NULL,
    created_by TEXT,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, program_id, version),
    FOREIGN KEY (account_id, program_id)
        REFERENCES membership_programs (account_id, id)
);

CREATE TABLE membership_tiers (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    program_id TEXT NOT NULL,
    name TEXT NOT NULL,
    discount_bps INTEGER NOT NULL CHECK (discount_bps BETWEEN 0 AND 10000),
    monthly_fee_minor BIGINT NOT NULL CHECK (monthly_fee_minor >= 0),
    setup_fee_minor BIGINT NOT NULL CHECK (setup_fee_minor >= 0),
    currency TEXT NOT NULL,
    fee_to_wallet INTEGER NOT NULL DEFAULT 0,
    thank_you_message TEXT,
    color TEXT, -- NULL: the program's
    archived INTEGER NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, program_id)
        REFERENCES membership_programs (account_id, id)
);
CREATE INDEX membership_tiers_program
    ON membership_tiers (account_id, program_id, id);

-- A tier's price for one service or product (instead of its tier %).
CREATE TABLE membership_tier_prices (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    tier_id TEXT NOT NULL,
    item_id TEXT NOT NULL, -- a service or a product
    price_minor BIGINT NOT NULL CHECK (price_minor >= 0),
    PRIMARY KEY (account_id, tier_id, item_id),
    FOREIGN KEY (account_id, tier_id)
        REFERENCES membership_tiers (account_id, id)
);

CREATE TABLE memberships (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    tier_id TEXT NOT NULL,
    clinic_id TEXT NOT NULL, -- takes its payments
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'past_due',
        'on_hold', 'canceled', 'failed')),
    card_id TEXT, -- NULL only when nothing is ever charged
    -- What this member pays, fixed at enrolment: a tier's new fees apply
    -- to new members unless the admin extends them (issue 7).
    currency TEXT NOT NULL,
    monthly_fee_minor BIGINT NOT NULL CHECK (monthly_fee_minor >= 0),
    setup_fee_minor BIGINT NOT NULL CHECK (setup_fee_minor >= 0),
    billing_day INTEGER CHECK (billing_day BETWEEN 1 AND 31),
    current_period_start_ms BIGINT,
    current_period_end_ms BIGINT,
    -- The signed agreement: version of the program's agreement (0: the
    -- program had none), who signed, when and from where.
    agreement_version INTEGER NOT NULL DEFAULT 0,
    signer_name TEXT,
    signed_at_ms BIGINT,
    signer_ip TEXT,
    enrolment_payment_id TEXT, -- the setup fee + first month
    -- The enrolling request's Idempotency-Key and hash: a retry finds
    -- this membership and resumes its charge instead of making another.
    idem_key TEXT,
    request_hash TEXT,
    -- For issue 7: hold until, cancel at period end, the next period's
    -- tier.
    resume_at_ms BIGINT,
    cancel_at_period_end INTEGER NOT NULL DEFAULT 0,
    next_tier_id TEXT,
    created_by TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    activated_at_ms BIGINT,
    ended_at_ms BIGINT, -- canceled or failed
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, patient_id) REFERENCES patients (account_id, id),
    FOREIGN KEY (account_id, tier_id) REFERENCES membership_tiers (account_id, id),
    FOREIGN KEY (account_id, clinic_id) REFERENCES clinics (account_id, id),
    FOREIGN KEY (account_id, card_id) REFERENCES cards (account_id, id)
);
-- At most one current membership per patient; 'pending' counts, so two
-- enrolments at once can never both be charged.
CREATE UNIQUE INDEX memberships_current ON memberships (account_id, patient_id)
    WHERE status IN ('pending', 'active', 'past_due', 'on_hold');
CREATE UNIQUE INDEX memberships_idem ON memberships (account_id, idem_key);
CREATE INDEX memberships_patient ON memberships (account_id, patient_id, id);
CREATE INDEX memberships_tier ON memberships (account_id, tier_id, status);
-- The billing job's scan: memberships whose period has ended.
CREATE INDEX memberships_due
    ON memberships (status, current_period_end_ms);
