-- 0007_checkout_settings: what admins set up for checkout. Runs unchanged
-- on SQLite 3.40 and PostgreSQL 15.
--
-- Lists of ids (a promotion's items and clinics, a quick-button group's
-- items) are JSON arrays in TEXT columns: they are read and written whole,
-- checked against the catalog by app/ when they change, and a clinic's
-- promotions are found in one statement (json_each on SQLite,
-- json_array_elements_text on PostgreSQL).

-- The invoice settings of an account; no row means the defaults.
CREATE TABLE invoice_settings (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    -- How much custom discount a provider or front desk may give (admins
    -- have no limit), in basis points of the amount after promotions.
    discount_limit_bps BIGINT NOT NULL DEFAULT 2000
        CHECK (discount_limit_bps >= 0 AND discount_limit_bps <= 10000),
    disclaimer TEXT NOT NULL DEFAULT '', -- printed on invoices and receipts
    updated_by TEXT,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id)
);

-- Promotions, applied by the pricing engine in priority order (lower
-- first, then oldest first) while active, not archived and inside
-- [starts_at_ms, ends_at_ms) (NULL: open-ended).
CREATE TABLE promotions (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('bogo', 'group', 'package')),
    items TEXT NOT NULL, -- JSON array of service and product ids (bogo: buy)
    get_items TEXT NOT NULL DEFAULT '[]', -- bogo: the discounted set
    buy_quantity BIGINT NOT NULL DEFAULT 0, -- bogo
    get_quantity BIGINT NOT NULL DEFAULT 0, -- bogo
    -- enum pricing_discount_kind: 0 none, 1 percent (bps), 2 amount
    discount_kind INTEGER NOT NULL DEFAULT 0
        CHECK (discount_kind IN (0, 1, 2)),
    discount_value BIGINT NOT NULL DEFAULT 0 CHECK (discount_value >= 0),
    package_price_minor BIGINT NOT NULL DEFAULT 0
        CHECK (package_price_minor >= 0), -- package
    currency TEXT NOT NULL, -- of the items, amounts and package price
    clinics TEXT NOT NULL DEFAULT '[]', -- JSON array of clinic ids; [] = all
    starts_at_ms BIGINT,
    ends_at_ms BIGINT,
    active INTEGER NOT NULL DEFAULT 1,
    archived INTEGER NOT NULL DEFAULT 0,
    priority BIGINT NOT NULL DEFAULT 0,
    created_by TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    CHECK (starts_at_ms IS NULL OR ends_at_ms IS NULL
           OR starts_at_ms < ends_at_ms)
);
CREATE INDEX promotions_order ON promotions (account_id, priority, id);

-- The POS quick buttons: named groups shown at checkout, in position
-- order, each with an ordered list of items ([{"kind", "item"}]).
CREATE TABLE quick_button_groups (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0,
    clinic_id TEXT, -- NULL: shown at every clinic
    items TEXT NOT NULL DEFAULT '[]',
    created_by TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, clinic_id) REFERENCES clinics (account_id, id)
);
CREATE INDEX quick_button_groups_order
    ON quick_button_groups (account_id, position, id);
