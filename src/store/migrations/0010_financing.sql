-- 0010_financing: patient financing (Cherry) and buy now, pay later
-- (Klarna). Runs unchanged on SQLite 3.40 and PostgreSQL 15.
--
-- financing_connections is Poise's: which connector account (merchant id)
-- the practice connected, by whom and when. A connection is never deleted:
-- disconnecting marks it, and connecting again makes a new row, so the
-- history stays. At most one connection per provider is connected.
--
-- The financing_sandbox_* tables are the state of the built-in sandbox
-- connectors (src/financing/sandbox.c; docs/financing.md). Only the
-- sandbox reads or writes them, as a remote connector would keep its own
-- records; Poise's own record of a financing tender is the checkout's.
-- Every operation dedupes on (account, provider, idempotency key), so a
-- retried call never charges or refunds twice.

CREATE TABLE financing_connections (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    provider TEXT NOT NULL CHECK (provider IN ('cherry', 'klarna')),
    -- 'live' is reserved: no live connector exists yet, and connecting in
    -- live mode is refused (422 live_unavailable) before anything is kept.
    mode TEXT NOT NULL CHECK (mode IN ('sandbox', 'live')),
    merchant_id TEXT NOT NULL,
    merchant_name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('connected', 'disconnected')),
    connected_by TEXT, -- the user; NULL when the system connected it
    connected_at_ms BIGINT NOT NULL,
    disconnected_by TEXT,
    disconnected_at_ms BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX financing_connections_connected
    ON financing_connections (account_id, provider)
    WHERE status = 'connected';

-- The practice's account at a sandbox connector: one per provider, its
-- merchant id replaced when the practice connects another one. Every
-- sandbox write locks this row first, so writes of one account and
-- provider are serialized on both engines.
CREATE TABLE financing_sandbox_merchants (
    account_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
    seq BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, provider)
);

-- A charge (authorized and captured at once) or a declined attempt: a
-- retry with the same key answers the same decline.
CREATE TABLE financing_sandbox_charges (
    account_id TEXT NOT NULL,
    id TEXT NOT NULL, -- the connector's reference
    provider TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('approved', 'declined',
        'canceled')),
    decline_code TEXT,
    amount_refunded_minor BIGINT NOT NULL DEFAULT 0,
    cancel_idem_key TEXT,
    created_at_ms BIGINT NOT NULL,
    canceled_at_ms BIGINT,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    CHECK (amount_refunded_minor >= 0
        AND amount_refunded_minor <= amount_minor)
);
CREATE UNIQUE INDEX financing_sandbox_charges_key
    ON financing_sandbox_charges (account_id, provider, idem_key);
CREATE UNIQUE INDEX financing_sandbox_charges_cancel_key
    ON financing_sandbox_charges (account_id, provider, cancel_idem_key)
    WHERE cancel_idem_key IS NOT NULL;
CREATE INDEX financing_sandbox_charges_list
    ON financing_sandbox_charges (account_id, provider, id);

CREATE TABLE financing_sandbox_refunds (
    account_id TEXT NOT NULL,
    id TEXT NOT NULL,
    provider TEXT NOT NULL,
    charge_id TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, charge_id)
        REFERENCES financing_sandbox_charges (account_id, id)
);
CREATE UNIQUE INDEX financing_sandbox_refunds_key
    ON financing_sandbox_refunds (account_id, provider, idem_key);
CREATE INDEX financing_sandbox_refunds_charge
    ON financing_sandbox_refunds (account_id, charge_id);
