-- 0001_foundation: accounts, users, credentials, clinics, catalog, patients,
-- idempotency, ledger and audit. Runs unchanged on SQLite 3.40 and
-- PostgreSQL 15. Every table but the two login tables is keyed by
-- account_id first; money is BIGINT minor units with a currency code.

CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    currency TEXT NOT NULL DEFAULT 'USD',
    head_admin_id TEXT NOT NULL,
    audit_seq BIGINT NOT NULL DEFAULT 0,
    audit_head TEXT NOT NULL DEFAULT '',
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE TABLE users (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN
        ('head_admin', 'admin', 'provider', 'front_desk')),
    password_hash TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id)
);
-- A person signs in with an e-mail alone, so e-mails are unique across
-- accounts. NEEDSWORK: on Citus this becomes a reference table.
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE api_keys (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    secret_last4 TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    last_used_at_ms BIGINT,
    revoked_at_ms BIGINT,
    PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX api_keys_secret ON api_keys (account_id, secret_hash);

CREATE TABLE sessions (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    last_seen_at_ms BIGINT NOT NULL,
    ended_at_ms BIGINT,
    PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX sessions_token ON sessions (account_id, token_hash);

-- Failed sign-ins by e-mail, for throttling; not tied to an account
-- because the e-mail may not exist.
CREATE TABLE login_failures (
    email TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at_ms);

CREATE TABLE idempotency_keys (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, idem_key)
);

CREATE TABLE clinics (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    line1 TEXT,
    line2 TEXT,
    city TEXT,
    state TEXT,
    postal_code TEXT,
    country TEXT NOT NULL,
    timezone TEXT NOT NULL,
    currency TEXT NOT NULL,
    tax_rate_bps INTEGER NOT NULL CHECK (tax_rate_bps BETWEEN 0 AND 10000),
    archived INTEGER NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE categories (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE services (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    category_id TEXT,
    price_minor BIGINT NOT NULL CHECK (price_minor >= 0),
    currency TEXT NOT NULL,
    duration_min INTEGER NOT NULL,
    taxable INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, category_id)
        REFERENCES categories (account_id, id)
);

CREATE TABLE products (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    category_id TEXT,
    price_minor BIGINT NOT NULL CHECK (price_minor >= 0),
    cost_minor BIGINT NOT NULL CHECK (cost_minor >= 0),
    currency TEXT NOT NULL,
    taxable INTEGER NOT NULL DEFAULT 1,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, category_id)
        REFERENCES categories (account_id, id)
);
CREATE UNIQUE INDEX products_sku ON products (account_id, sku);
CREATE INDEX products_category ON products (account_id, category_id);
CREATE INDEX services_category ON services (account_id, category_id);

CREATE TABLE product_stock (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    product_id TEXT NOT NULL,
    clinic_id TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity >= 0),
    PRIMARY KEY (account_id, product_id, clinic_id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id),
    FOREIGN KEY (account_id, clinic_id) REFERENCES clinics (account_id, id)
);

CREATE TABLE patients (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    date_of_birth TEXT,
    notes TEXT,
    -- Lower-cased search keys; prefix search is a range scan on each.
    sort_key TEXT NOT NULL,
    first_key TEXT NOT NULL,
    last_key TEXT NOT NULL,
    phone_key TEXT,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX patients_sort ON patients (account_id, sort_key, id);
CREATE INDEX patients_first ON patients (account_id, first_key);
CREATE INDEX patients_last ON patients (account_id, last_key);
CREATE INDEX patients_email ON patients (account_id, email);
CREATE INDEX patients_phone ON patients (account_id, phone_key);

CREATE TABLE ledger_accounts (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    owner_type TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    currency TEXT NOT NULL,
    normal_side INTEGER NOT NULL CHECK (normal_side IN (1, 2)),
    allow_negative INTEGER NOT NULL DEFAULT 0,
    balance_minor BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX ledger_accounts_owner
    ON ledger_accounts (account_id, owner_type, owner_id, kind, currency);

CREATE TABLE ledger_transfers (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    currency TEXT NOT NULL,
    reason TEXT NOT NULL,
    source_type TEXT,
    source_id TEXT,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE ledger_entries (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    transfer_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    ledger_account_id TEXT NOT NULL,
    side INTEGER NOT NULL CHECK (side IN (1, 2)),
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    PRIMARY KEY (account_id, transfer_id, seq),
    FOREIGN KEY (account_id, transfer_id)
        REFERENCES ledger_transfers (account_id, id),
    FOREIGN KEY (account_id, ledger_account_id)
        REFERENCES ledger_accounts (account_id, id)
);
CREATE INDEX ledger_entries_account
    ON ledger_entries (account_id, ledger_account_id);

CREATE TABLE audit_events (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    seq BIGINT NOT NULL,
    id TEXT NOT NULL,
    actor_type TEXT NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT,
    summary TEXT NOT NULL,
    request_id TEXT,
    created_at_ms BIGINT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (account_id, seq)
);
CREATE UNIQUE INDEX audit_events_id ON audit_events (account_id, id);
CREATE INDEX audit_events_object
    ON audit_events (account_id, object_type, object_id);
