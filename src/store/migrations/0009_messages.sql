-- 0009_messages: the outbox of e-mails and text messages. Runs unchanged
-- on SQLite 3.40 and PostgreSQL 15.
--
-- A message is written in the transaction of the change that causes it
-- (a receipt sent, a payment link), so it exists exactly when that change
-- committed. Delivery is a job per attempt (kind message_send, key
-- "message:<id>:<attempt>"), enqueued in the same transaction when the
-- channel is configured; without a configured channel the message stays
-- queued with no next attempt, for demos and tests to read.
--
-- The attachment (a receipt PDF) is kept base64-encoded: values travel as
-- text through the store, and PostgreSQL text holds no NUL bytes.

CREATE TABLE messages (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    id TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient TEXT NOT NULL, -- e-mail lower-cased, phone in E.164
    subject TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    attachment_name TEXT,
    attachment_type TEXT,
    attachment_size BIGINT,
    attachment_base64 TEXT,
    source_type TEXT, -- what caused it: "invoice", ...
    source_id TEXT,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at_ms BIGINT, -- NULL: no delivery scheduled
    last_error TEXT,
    sent_at_ms BIGINT,
    created_by TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    CHECK ((attachment_name IS NULL) = (attachment_base64 IS NULL)),
    CHECK (attempts >= 0)
);
CREATE INDEX messages_source ON messages (account_id, source_id, id);
CREATE INDEX messages_status ON messages (account_id, status, id);
CREATE INDEX messages_recipient ON messages (account_id, recipient, id);
