-- 0004_cash_drawers: cash drawer sessions and their movements. The money
-- itself lives in the ledger: each drawer owns a "drawer_cash" account
-- (owner cash_drawer/<id>) that may not go negative, and every movement
-- row here has one balanced ledger transfer (source cash_drawer_movement).
-- Runs unchanged on SQLite 3.40 and PostgreSQL 15.

CREATE TABLE cash_drawers (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    clinic_id TEXT NOT NULL,
    register TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    opening_float_minor BIGINT NOT NULL CHECK (opening_float_minor >= 0),
    currency TEXT NOT NULL,
    counted_minor BIGINT,
    expected_minor BIGINT,
    over_short_minor BIGINT,
    opened_by TEXT,
    closed_by TEXT,
    opened_at_ms BIGINT NOT NULL,
    closed_at_ms BIGINT,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, clinic_id) REFERENCES clinics (account_id, id)
);
-- One open drawer per register of a clinic.
CREATE UNIQUE INDEX cash_drawers_open
    ON cash_drawers (account_id, clinic_id, register) WHERE status = 'open';

CREATE TABLE cash_drawer_movements (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    drawer_id TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    kind TEXT NOT NULL
        CHECK (kind IN ('float', 'paid_in', 'paid_out', 'sale', 'refund')),
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    reason TEXT NOT NULL,
    source_type TEXT,
    source_id TEXT,
    created_by TEXT,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, drawer_id) REFERENCES cash_drawers (account_id, id)
);
CREATE INDEX cash_drawer_movements_drawer
    ON cash_drawer_movements (account_id, drawer_id);
