-- 0011_payment_links: Text2Pay. A link lets a patient pay an invoice from
-- a phone: /pay/<token>, sent by SMS or e-mail through the outbox. Only
-- the token's SHA-256 is kept; the link expires, and says so once the
-- invoice is paid. Runs unchanged on SQLite 3.40 and PostgreSQL 15.

CREATE TABLE payment_links (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    invoice_id TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    destination TEXT NOT NULL,
    message_id TEXT,
    expires_at_ms BIGINT NOT NULL,
    paid_at_ms BIGINT,
    checkout_id TEXT, -- the checkout that paid through it
    created_by TEXT,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, invoice_id) REFERENCES invoices (account_id, id)
);
-- Looked up by token from the public pay page, before the account is known.
CREATE UNIQUE INDEX payment_links_token ON payment_links (token_hash);
CREATE INDEX payment_links_invoice ON payment_links (account_id, invoice_id, id);
