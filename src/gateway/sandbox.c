/*
 * sandbox.c - the sandbox processor's state, schema and charge rows, and
 * its operations table (docs/sandbox.md).
 *
 * Owns the sandbox's database: opened once at start-up, its tables
 * created there (never per request), in a file or schema of its own; it
 * never touches Poise's tables. Every statement filters on the account.
 * Card numbers never reach a table: only brand, last 4, expiry, a
 * fingerprint and the test-card behaviour do.
 */
#include "gateway/sandbox.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "base/assert.h"
#include "base/crypto.h"
#include "core/fee.h"
#include "gateway/gateway_int.h"
#include "gateway/sandbox_int.h"

struct sandbox_state sandbox_state;

/*
 * Runs at every open; CREATE ... IF NOT EXISTS only, in SQL both engines
 * accept. Statuses and item types are the gateway.h enum values.
 */
static const char *const schema_sql[] = {
    "CREATE TABLE IF NOT EXISTS sb_accounts ("
    " account_id TEXT PRIMARY KEY, webhook_secret TEXT NOT NULL,"
    " status TEXT NOT NULL, event_seq BIGINT NOT NULL DEFAULT 0,"
    " created_ms BIGINT NOT NULL);",
    "CREATE TABLE IF NOT EXISTS sb_merchants ("
    " account_id TEXT NOT NULL, ref TEXT NOT NULL, idem_key TEXT NOT NULL,"
    " name TEXT NOT NULL, timezone TEXT NOT NULL, currency TEXT NOT NULL,"
    " country TEXT NOT NULL, next_cutoff_ms BIGINT NOT NULL,"
    " created_ms BIGINT NOT NULL, PRIMARY KEY (account_id, ref));",
    "CREATE UNIQUE INDEX IF NOT EXISTS sb_merchants_key"
    " ON sb_merchants (account_id, idem_key);",
    "CREATE TABLE IF NOT EXISTS sb_banks ("
    " account_id TEXT NOT NULL, ref TEXT NOT NULL, idem_key TEXT NOT NULL,"
    " merchant_ref TEXT NOT NULL, holder_name TEXT NOT NULL,"
    " routing_number TEXT NOT NULL, last4 TEXT NOT NULL,"
    " fails INTEGER NOT NULL, is_default INTEGER NOT NULL,"
    " status TEXT NOT NULL, created_ms BIGINT NOT NULL,"
    " PRIMARY KEY (account_id, ref));",
    "CREATE UNIQUE INDEX IF NOT EXISTS sb_banks_key"
    " ON sb_banks (account_id, idem_key);",
    "CREATE UNIQUE INDEX IF NOT EXISTS sb_banks_default"
    " ON sb_banks (account_id, merchant_ref) WHERE is_default = 1;",
    "CREATE TABLE IF NOT EXISTS sb_readers ("
    " account_id TEXT NOT NULL, ref TEXT NOT NULL, idem_key TEXT NOT NULL,"
    " merchant_ref TEXT NOT NULL, serial TEXT NOT NULL,"
    " status TEXT NOT NULL, created_ms BIGINT NOT NULL,"
    " PRIMARY KEY (account_id, ref));",
    "CREATE UNIQUE INDEX IF NOT EXISTS sb_readers_key"
    " ON sb_readers (account_id, idem_key);",
    "CREATE UNIQUE INDEX IF NOT EXISTS sb_readers_serial"
    " ON sb_readers (account_id, serial) WHERE status = 'active';",
    "CREATE TABLE IF NOT EXISTS sb_customers ("
    " account_id TEXT NOT NULL, ref TEXT NOT NULL, idem_key TEXT NOT NULL,"
    " reference TEXT, created_ms BIGINT NOT NULL,"
    " PRIMARY KEY (account_id, ref));",
    "CREATE UNIQUE INDEX IF NOT EXISTS sb_customers_key"
    " ON sb_customers (account_id, idem_key);",
    "CREATE TABLE IF NOT EXISTS sb_tokens ("
    " account_id TEXT NOT NULL, ref TEXT NOT NULL, brand TEXT NOT NULL,"
    " last4 TEXT NOT NULL, exp_month INTEGER NOT NULL,"
    " exp_year INTEGER NOT NULL, fingerprint TEXT NOT NULL,"
    " behaviour INTEGER NOT NULL, created_ms BIGINT NOT NULL,"
    " used_ms BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (account_id, ref));",
    "CREATE TABLE IF NOT EXISTS sb_cards ("
    " account_id TEXT NOT NULL, ref TEXT NOT NULL, idem_key TEXT NOT NULL,"
    " customer_ref TEXT NOT NULL, brand TEXT NOT NULL, last4 TEXT NOT NULL,"
    " exp_month INTEGER NOT NULL, exp_year INTEGER NOT NULL,"
    " fingerprint TEXT NOT NULL, behaviour INTEGER NOT NULL,"
    " status TEXT NOT NULL, created_ms BIGINT NOT NULL,"
    " PRIMARY KEY (account_id, ref));",
    "CREATE UNIQUE INDEX IF NOT EXISTS sb_cards_key"
    " ON sb_cards (account_id, idem_key);",
    "CREATE TABLE IF NOT EXISTS sb_charges ("
    " account_id TEXT NOT NULL, ref TEXT NOT NULL, idem_key TEXT NOT NULL,"
    " merchant_ref TEXT NOT NULL, currency TEXT NOT NULL,"
    " status INTEGER NOT NULL, amount BIGINT NOT NULL,"
    " amount_captured BIGINT NOT NULL, amount_refunded BIGINT NOT NULL,"
    " fee BIGINT NOT NULL, capture_before_ms BIGINT NOT NULL,"
    " card_present INTEGER NOT NULL, brand TEXT NOT NULL,"
    " last4 TEXT NOT NULL, exp_month INTEGER NOT NULL,"
    " exp_year INTEGER NOT NULL, fingerprint TEXT NOT NULL,"
    " failure_code TEXT NOT NULL, decline_code TEXT NOT NULL,"
    " behaviour INTEGER NOT NULL, cancel_reason TEXT NOT NULL,"
    " reader_ref TEXT, capture INTEGER NOT NULL,"
    " created_ms BIGINT NOT NULL, settled_ms BIGINT NOT NULL,"
    " captured_ms BIGINT NOT NULL, disputed INTEGER NOT NULL,"
    " reference TEXT, customer_ref TEXT, card_ref TEXT, description TEXT,"
    " seq BIGINT NOT NULL,"
    " PRIMARY KEY (account_id, ref));",
    "CREATE UNIQUE INDEX IF NOT EXISTS sb_charges_key"
    " ON sb_charges (account_id, idem_key);",
    /* One charge waits at a reader at a time (1 = PROCESSING). */
    "CREATE UNIQUE INDEX IF NOT EXISTS sb_charges_reader"
    " ON sb_charges (account_id, reader_ref) WHERE status = 1;",
    "CREATE TABLE IF NOT EXISTS sb_refunds ("
    " account_id TEXT NOT NULL, ref TEXT NOT NULL, idem_key TEXT NOT NULL,"
    " charge_ref TEXT NOT NULL, merchant_ref TEXT NOT NULL,"
    " amount BIGINT NOT NULL, status INTEGER NOT NULL,"
    " failure_code TEXT NOT NULL, resolve_at_ms BIGINT NOT NULL,"
    " created_ms BIGINT NOT NULL, PRIMARY KEY (account_id, ref));",
    "CREATE UNIQUE INDEX IF NOT EXISTS sb_refunds_key"
    " ON sb_refunds (account_id, idem_key);",
    "CREATE TABLE IF NOT EXISTS sb_disputes ("
    " account_id TEXT NOT NULL, ref TEXT NOT NULL, charge_ref TEXT NOT NULL,"
    " merchant_ref TEXT NOT NULL, status INTEGER NOT NULL,"
    " reason TEXT NOT NULL, amount BIGINT NOT NULL, fee BIGINT NOT NULL,"
    " due_by_ms BIGINT NOT NULL, evidence TEXT NOT NULL,"
    " submitted_ms BIGINT NOT NULL, closed_ms BIGINT NOT NULL,"
    " created_ms BIGINT NOT NULL, PRIMARY KEY (account_id, ref));",
    "CREATE UNIQUE INDEX IF NOT EXISTS sb_disputes_charge"
    " ON sb_disputes (account_id, charge_ref);",
    "CREATE TABLE IF NOT EXISTS sb_debits ("
    " account_id TEXT NOT NULL, ref TEXT NOT NULL, idem_key TEXT NOT NULL,"
    " merchant_ref TEXT NOT NULL, amount BIGINT NOT NULL,"
    " currency TEXT NOT NULL, description TEXT,"
    " created_ms BIGINT NOT NULL, PRIMARY KEY (account_id, ref));",
    "CREATE UNIQUE INDEX IF NOT EXISTS sb_debits_key"
    " ON sb_debits (account_id, idem_key);",
    "CREATE TABLE IF NOT EXISTS sb_balance ("
    " account_id TEXT NOT NULL, ref TEXT NOT NULL,"
    " merchant_ref TEXT NOT NULL, type INTEGER NOT NULL,"
    " source_ref TEXT NOT NULL, amount BIGINT NOT NULL,"
    " seq BIGINT NOT NULL, at_ms BIGINT NOT NULL,"
    " settled_ms BIGINT NOT NULL DEFAULT 0,"
    " payout_ref TEXT, PRIMARY KEY (account_id, ref));",
    "CREATE INDEX IF NOT EXISTS sb_balance_open"
    " ON sb_balance (account_id, merchant_ref, payout_ref);",
    "CREATE TABLE IF NOT EXISTS sb_payouts ("
    " account_id TEXT NOT NULL, ref TEXT NOT NULL,"
    " merchant_ref TEXT NOT NULL, bank_ref TEXT NOT NULL,"
    " status INTEGER NOT NULL, amount BIGINT NOT NULL,"
    " currency TEXT NOT NULL, failure_code TEXT NOT NULL,"
    " created_ms BIGINT NOT NULL, arrival_ms BIGINT NOT NULL,"
    " PRIMARY KEY (account_id, ref));",
    "CREATE TABLE IF NOT EXISTS sb_payout_items ("
    " account_id TEXT NOT NULL, payout_ref TEXT NOT NULL,"
    " balance_ref TEXT NOT NULL, type INTEGER NOT NULL,"
    " source_ref TEXT NOT NULL, amount BIGINT NOT NULL,"
    " seq BIGINT NOT NULL, at_ms BIGINT NOT NULL,"
    " PRIMARY KEY (account_id, payout_ref, balance_ref));",
    "CREATE TABLE IF NOT EXISTS sb_events ("
    " account_id TEXT NOT NULL, ref TEXT NOT NULL, seq BIGINT NOT NULL,"
    " type TEXT NOT NULL, body TEXT NOT NULL, created_ms BIGINT NOT NULL,"
    " state TEXT NOT NULL, attempts INTEGER NOT NULL,"
    " next_attempt_ms BIGINT NOT NULL, last_status INTEGER NOT NULL,"
    " PRIMARY KEY (account_id, ref));",
    "CREATE INDEX IF NOT EXISTS sb_events_due"
    " ON sb_events (account_id, state, next_attempt_ms);",
    "CREATE TABLE IF NOT EXISTS sb_idem ("
    " account_id TEXT NOT NULL, idem_key TEXT NOT NULL, op TEXT NOT NULL,"
    " object_ref TEXT NOT NULL, PRIMARY KEY (account_id, idem_key));",
};

void
sandbox_config_init(struct sandbox_config *c)
{
    ASSERT(c != NULL);
    memset(c, 0, sizeof(*c));
    c->pool_size = 4;
    c->webhook_timeout_ms = 5000;
    c->dispute_fee = 1500;
    c->settle_hour_local = 18;
    c->cnp_bps = FEE_CNP_BPS;
    c->cnp_fixed = FEE_CNP_FIXED;
    c->cp_bps = FEE_CP_BPS;
    c->cp_fixed = FEE_CP_FIXED;
}

static enum err
config_check(const struct sandbox_config *c, struct errinfo *ei)
{
    if (c->pool_size < 1 || c->webhook_timeout_ms < 1)
        return errinfo_set(ei, ERR_INVALID, "config_invalid", "pool_size",
                           "pool size and webhook timeout must be positive");
    if (c->settle_hour_local < 0 || c->settle_hour_local > 23)
        return errinfo_set(ei, ERR_INVALID, "config_invalid", "settle_hour",
                           "settlement hour %d is not within 0..23",
                           c->settle_hour_local);
    if (c->dispute_fee < 0 || c->cnp_bps < 0 || c->cnp_fixed < 0 ||
        c->cp_bps < 0 || c->cp_fixed < 0)
        return errinfo_set(ei, ERR_INVALID, "config_invalid", "fees",
                           "fees and fee rates may not be negative");
    if (c->webhook_url != NULL && strlen(c->webhook_url) >= SANDBOX_URL_MAX)
        return errinfo_set(ei, ERR_INVALID, "config_invalid", "webhook_url",
                           "webhook URL is longer than %d bytes",
                           SANDBOX_URL_MAX - 1);
    return ERR_OK;
}

/* Run sql (a script) on a fresh connection of s. */
static enum err
run_script(struct store *s, const char *sql, struct errinfo *ei)
{
    struct db *db = NULL;
    enum err rc = store_acquire(s, SB_WAIT_MS, &db);

    if (rc)
        return errinfo_set(ei, rc, "store_busy", NULL, "no connection");
    rc = db_exec_script(db, sql, ei);
    store_release(s, db);
    return rc;
}

/*
 * Open url; on PostgreSQL create schema "sandbox" first and open the pool
 * with it as search path (a libpq URI option).
 */
static enum err
open_store(const char *url, int pool, struct store **out, struct errinfo *ei)
{
    struct store *admin = NULL;
    char with_path[SANDBOX_URL_MAX + 64];
    enum err rc;
    int n;

    if (strncmp(url, "postgres://", 11) != 0 &&
        strncmp(url, "postgresql://", 13) != 0)
        return store_open(url, pool, out, ei);
    rc = store_open(url, 1, &admin, ei);
    if (rc)
        return rc;
    rc = run_script(admin, "CREATE SCHEMA IF NOT EXISTS sandbox", ei);
    store_close(admin);
    if (rc)
        return rc;
    n = snprintf(with_path, sizeof(with_path),
                 "%s%soptions=-csearch_path%%3Dsandbox", url,
                 strchr(url, '?') != NULL ? "&" : "?");
    if (n < 0 || (size_t)n >= sizeof(with_path))
        return errinfo_set(ei, ERR_INVALID, "config_invalid", "db_url",
                           "sandbox database URL is too long");
    return store_open(with_path, pool, out, ei);
}

enum err
sandbox_open(const struct sandbox_config *cfg, struct errinfo *ei)
{
    struct sandbox_state *s = &sandbox_state;
    enum err rc;

    ASSERT(cfg != NULL && cfg->db_url != NULL);
    ASSERT(!s->open);
    rc = config_check(cfg, ei);
    if (rc)
        return rc;
    rc = open_store(cfg->db_url, cfg->pool_size, &s->store, ei);
    if (rc)
        return rc;
    for (size_t i = 0; rc == ERR_OK && i < NPARAMS(schema_sql); i++)
        rc = run_script(s->store, schema_sql[i], ei);
    if (rc) {
        store_close(s->store);
        s->store = NULL;
        return rc;
    }
    sandbox_copy(s->webhook_url, sizeof(s->webhook_url), cfg->webhook_url);
    s->webhook_timeout_ms = cfg->webhook_timeout_ms;
    s->dispute_fee = cfg->dispute_fee;
    s->settle_hour = cfg->settle_hour_local;
    s->cnp_bps = cfg->cnp_bps;
    s->cnp_fixed = cfg->cnp_fixed;
    s->cp_bps = cfg->cp_bps;
    s->cp_fixed = cfg->cp_fixed;
    /* Ref-counted by libcurl; undone in sandbox_close. */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    s->open = true;
    return ERR_OK;
}

void
sandbox_close(void)
{
    struct sandbox_state *s = &sandbox_state;

    if (!s->open)
        return;
    store_close(s->store);
    curl_global_cleanup();
    memset(s, 0, sizeof(*s));
}

bool
sandbox_is_open(void)
{
    return sandbox_state.open;
}

void
sandbox_copy(char *dst, size_t cap, const char *src)
{
    ASSERT(dst != NULL && cap > 0);
    snprintf(dst, cap, "%s", src != NULL ? src : "");
}

enum err
sandbox_arena_full(struct errinfo *ei)
{
    return errinfo_set(ei, ERR_LIMIT, "request_too_large", NULL,
                       "out of request memory");
}

enum err
sandbox_new_ref(const struct gw_ctx *ctx, const char *prefix, char *out,
                struct errinfo *ei)
{
    char *id = id_new(ctx->a, prefix, ctx->now_ms);

    if (id == NULL)
        return sandbox_arena_full(ei);
    ASSERT(strlen(id) < GW_REF_MAX);
    sandbox_copy(out, GW_REF_MAX, id);
    return ERR_OK;
}

/* The sandbox was not opened at start-up: like a processor that is down. */
static enum err
closed(struct errinfo *ei)
{
    return errinfo_set(ei, ERR_GATEWAY, "sandbox_unavailable", NULL,
                       "the sandbox processor is not running");
}

static const char sql_account_lock[] =
    "UPDATE sb_accounts SET event_seq = event_seq"
    " WHERE account_id = $1 RETURNING status";

enum err
sandbox_begin(const struct gw_ctx *ctx, bool may_be_new, struct db **out,
              struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id)};
    struct db_rows rows;
    struct db *db = NULL;
    enum err rc;

    ASSERT(ctx->account_id != NULL && ctx->account_id[0] != '\0');
    if (!sandbox_state.open)
        return closed(ei);
    rc = store_acquire(sandbox_state.store, SB_WAIT_MS, &db);
    if (rc)
        return errinfo_set(ei, rc, "store_busy", NULL, "sandbox is busy");
    rc = db_begin(db, true);
    if (rc == ERR_OK)
        rc = db_one(db, ctx->a, sql_account_lock, p, NPARAMS(p), &rows, ei);
    if (may_be_new && (rc == ERR_OK || rc == ERR_NOT_FOUND)) {
        *out = db;
        return ERR_OK;
    }
    if (rc == ERR_OK && strcmp(db_text(&rows, 0, 0), "active") != 0)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_NOT_FOUND)
        errinfo_set(ei, rc, "account_not_connected", NULL,
                    "account '%s' is not connected to the sandbox",
                    ctx->account_id);
    if (rc) {
        sandbox_abort(db);
        return rc;
    }
    *out = db;
    return ERR_OK;
}

enum err
sandbox_commit(struct db *db, struct errinfo *ei)
{
    enum err rc = db_commit(db);

    store_release(sandbox_state.store, db);
    if (rc)
        return errinfo_set(ei, rc, "store_error", NULL,
                           "sandbox commit failed");
    return ERR_OK;
}

void
sandbox_abort(struct db *db)
{
    db_rollback(db);
    store_release(sandbox_state.store, db);
}

enum err
sandbox_read(struct db **out, struct errinfo *ei)
{
    enum err rc;

    if (!sandbox_state.open)
        return closed(ei);
    rc = store_acquire(sandbox_state.store, SB_WAIT_MS, out);
    if (rc)
        return errinfo_set(ei, rc, "store_busy", NULL, "sandbox is busy");
    return ERR_OK;
}

void
sandbox_done(struct db *db)
{
    store_release(sandbox_state.store, db);
}

/* ---- test cards ---- */

static const struct {
    const char *number;
    enum sandbox_behaviour behaviour;
} test_cards[] = {
    {"4000000000000002", SB_GENERIC_DECLINE},
    {"4000000000009995", SB_INSUFFICIENT},
    {"4000000000000069", SB_EXPIRED},
    {"4000000000000127", SB_INCORRECT_CVC},
    {"4000000000000259", SB_DISPUTE},
    {"4000000000000341", SB_ATTACH_DECLINE},
    {"4000000000007726", SB_REFUND_PENDING},
    {"4000000000005126", SB_REFUND_FAILS},
};

enum sandbox_behaviour
sandbox_behaviour_of(const char *digits)
{
    ASSERT(digits != NULL);
    for (size_t i = 0; i < sizeof(test_cards) / sizeof(test_cards[0]); i++) {
        if (strcmp(digits, test_cards[i].number) == 0)
            return test_cards[i].behaviour;
    }
    return SB_APPROVE;
}

bool
sandbox_behaviour_declines(enum sandbox_behaviour b)
{
    return b == SB_GENERIC_DECLINE || b == SB_INSUFFICIENT || b == SB_EXPIRED ||
           b == SB_INCORRECT_CVC || b == SB_ATTACH_DECLINE;
}

static const struct {
    const char *code;
    const char *decline_code;
    const char *message;
} declines[SB_BEHAVIOUR__COUNT] = {
    [SB_GENERIC_DECLINE] = {"card_declined", "generic_decline",
                            "your card was declined"},
    [SB_INSUFFICIENT] = {"card_declined", "insufficient_funds",
                         "your card has insufficient funds"},
    [SB_EXPIRED] = {"expired_card", "expired_card", "your card has expired"},
    [SB_INCORRECT_CVC] = {"incorrect_cvc", "incorrect_cvc",
                          "your card's security code is incorrect"},
    [SB_ATTACH_DECLINE] = {"card_declined", "generic_decline",
                           "your card was declined"},
};

void
sandbox_decline_codes(enum sandbox_behaviour b, const char **code,
                      const char **decline_code)
{
    ASSERT(sandbox_behaviour_declines(b));
    ASSERT(declines[b].code != NULL);
    *code = declines[b].code;
    *decline_code = declines[b].decline_code;
}

/* ---- charge rows ---- */

static const char sql_charge_by_ref[] = "SELECT " CHARGE_COLS " FROM sb_charges"
                                        " WHERE account_id = $1 AND ref = $2";
static const char sql_charge_by_key[] =
    "SELECT " CHARGE_COLS " FROM sb_charges"
    " WHERE account_id = $1 AND idem_key = $2";

static void
card_of_row(const struct db_rows *r, size_t i, struct gw_card *card)
{
    sandbox_copy(card->brand, sizeof(card->brand), db_text(r, i, 8));
    sandbox_copy(card->last4, sizeof(card->last4), db_text(r, i, 9));
    card->exp_month = (int)db_i64(r, i, 10);
    card->exp_year = (int)db_i64(r, i, 11);
    sandbox_copy(card->fingerprint, sizeof(card->fingerprint),
                 db_text(r, i, 12));
}

void
sandbox_charge_of_row(const struct db_rows *r, size_t i, struct sb_charge *out)
{
    struct gw_charge *c = &out->c;

    memset(out, 0, sizeof(*out));
    sandbox_copy(c->ref, sizeof(c->ref), db_text(r, i, 0));
    c->status = (enum gw_charge_status)db_i64(r, i, 1);
    c->amount = db_i64(r, i, 2);
    c->amount_captured = db_i64(r, i, 3);
    c->amount_refunded = db_i64(r, i, 4);
    c->fee = db_i64(r, i, 5);
    c->capture_before_ms = db_i64(r, i, 6);
    c->card_present = db_bool(r, i, 7);
    card_of_row(r, i, &c->card);
    sandbox_copy(c->failure_code, sizeof(c->failure_code), db_text(r, i, 13));
    sandbox_copy(c->decline_code, sizeof(c->decline_code), db_text(r, i, 14));
    out->behaviour = (enum sandbox_behaviour)db_i64(r, i, 15);
    out->idem_key = db_text(r, i, 16);
    out->merchant_ref = db_text(r, i, 17);
    out->currency = db_text(r, i, 18);
    out->cancel_reason = db_text(r, i, 19);
    out->reader_ref = db_text(r, i, 20);
    out->capture = db_bool(r, i, 21);
    out->created_ms = db_i64(r, i, 22);
    out->settled_ms = db_i64(r, i, 23);
    c->settled = out->settled_ms != 0;
    out->captured_ms = db_i64(r, i, 24);
    out->disputed = db_bool(r, i, 25);
    out->reference = db_text(r, i, 26);
    ASSERT(c->status >= GW_CHARGE_PROCESSING && c->status <= GW_CHARGE_FAILED);
    ASSERT(c->amount_refunded <= c->amount_captured);
}

enum err
sandbox_charge_load(struct db *db, const struct gw_ctx *ctx, const char *ref,
                    bool by_key, struct sb_charge *out, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(ref)};
    struct db_rows rows;
    enum err rc;

    ASSERT(ref != NULL);
    rc = db_one(db, ctx->a, by_key ? sql_charge_by_key : sql_charge_by_ref, p,
                NPARAMS(p), &rows, ei);
    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, rc, "resource_missing", "charge",
                           "no such charge '%s'", ref);
    if (rc)
        return rc;
    sandbox_charge_of_row(&rows, 0, out);
    return ERR_OK;
}

static const char sql_charge_insert[] =
    "INSERT INTO sb_charges (account_id, ref, idem_key, merchant_ref,"
    " currency, status, amount, amount_captured, amount_refunded, fee,"
    " capture_before_ms, card_present, brand, last4, exp_month, exp_year,"
    " fingerprint, failure_code, decline_code, behaviour, cancel_reason,"
    " reader_ref, capture, created_ms, settled_ms, captured_ms, disputed,"
    " reference, customer_ref, card_ref, description, seq)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,"
    " $15, $16, $17, $18, $19, $20, '', $21, $22, $23, 0, $24, 0, $25, $26,"
    " $27, $28, $29)";

enum err
sandbox_charge_insert(struct db *db, const struct gw_ctx *ctx,
                      const struct sb_charge *ch, const struct gw_charge_req *r,
                      struct errinfo *ei)
{
    int64_t seq = 0;
    enum err rc = sandbox_next_seq(db, ctx, &seq, ei); /* listing order */
    const struct gw_charge *c = &ch->c;
    struct db_param p[] = {
        P_TEXT(ctx->account_id),
        P_TEXT(c->ref),
        P_TEXT(ch->idem_key),
        P_TEXT(ch->merchant_ref),
        P_TEXT(ch->currency),
        P_I64(c->status),
        P_I64(c->amount),
        P_I64(c->amount_captured),
        P_I64(c->amount_refunded),
        P_I64(c->fee),
        P_I64(c->capture_before_ms),
        P_BOOL(c->card_present),
        P_TEXT(c->card.brand),
        P_TEXT(c->card.last4),
        P_I64(c->card.exp_month),
        P_I64(c->card.exp_year),
        P_TEXT(c->card.fingerprint),
        P_TEXT(c->failure_code),
        P_TEXT(c->decline_code),
        P_I64(ch->behaviour),
        P_TEXT(ch->reader_ref),
        P_BOOL(ch->capture),
        P_I64(ch->created_ms),
        P_I64(ch->captured_ms),
        P_TEXT(ch->reference),
        P_TEXT(r->customer_ref),
        P_TEXT(r->card_ref),
        P_TEXT(r->description),
        P_I64(seq),
    };

    ASSERT(ch->idem_key != NULL && ch->merchant_ref != NULL);
    if (rc)
        return rc;
    return db_exec(db, ctx->a, sql_charge_insert, p, NPARAMS(p), NULL, ei);
}

static const char sql_charge_save[] =
    "UPDATE sb_charges SET status = $3, amount_captured = $4,"
    " amount_refunded = $5, fee = $6, capture_before_ms = $7,"
    " card_present = $8, brand = $9, last4 = $10, exp_month = $11,"
    " exp_year = $12, fingerprint = $13, failure_code = $14,"
    " decline_code = $15, behaviour = $16, cancel_reason = $17,"
    " settled_ms = $18, captured_ms = $19, disputed = $20"
    " WHERE account_id = $1 AND ref = $2";

enum err
sandbox_charge_save(struct db *db, const struct gw_ctx *ctx,
                    const struct sb_charge *ch, struct errinfo *ei)
{
    const struct gw_charge *c = &ch->c;
    struct db_param p[] = {
        P_TEXT(ctx->account_id),
        P_TEXT(c->ref),
        P_I64(c->status),
        P_I64(c->amount_captured),
        P_I64(c->amount_refunded),
        P_I64(c->fee),
        P_I64(c->capture_before_ms),
        P_BOOL(c->card_present),
        P_TEXT(c->card.brand),
        P_TEXT(c->card.last4),
        P_I64(c->card.exp_month),
        P_I64(c->card.exp_year),
        P_TEXT(c->card.fingerprint),
        P_TEXT(c->failure_code),
        P_TEXT(c->decline_code),
        P_I64(ch->behaviour),
        P_TEXT(ch->cancel_reason),
        P_I64(ch->settled_ms),
        P_I64(ch->captured_ms),
        P_BOOL(ch->disputed),
    };

    ASSERT(c->amount_refunded <= c->amount_captured);
    ASSERT(c->amount_captured <= c->amount);
    return db_exec(db, ctx->a, sql_charge_save, p, NPARAMS(p), NULL, ei);
}

enum err
sandbox_charge_result(const struct sb_charge *ch, struct gw_charge *out,
                      struct errinfo *ei)
{
    ASSERT(ch != NULL && out != NULL);
    *out = ch->c;
    if (ch->c.status != GW_CHARGE_FAILED)
        return ERR_OK;
    ASSERT(ch->c.failure_code[0] != '\0');
    if (sandbox_behaviour_declines(ch->behaviour) &&
        declines[ch->behaviour].message != NULL)
        return errinfo_decline(ei, ch->c.failure_code, ch->c.decline_code,
                               declines[ch->behaviour].message);
    return errinfo_decline(ei, ch->c.failure_code, ch->c.decline_code,
                           "your card was declined");
}

static const char sql_balance_add[] =
    "INSERT INTO sb_balance (account_id, ref, merchant_ref, type,"
    " source_ref, amount, at_ms, seq)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

enum err
sandbox_balance_add(struct db *db, const struct gw_ctx *ctx,
                    const char *merchant_ref, enum gw_item_type type,
                    const char *source_ref, int64_t amount, int64_t at_ms,
                    struct errinfo *ei)
{
    char ref[GW_REF_MAX];
    int64_t seq = 0;
    enum err rc = sandbox_new_ref(ctx, "txn", ref, ei);

    ASSERT(type >= GW_ITEM_CHARGE && type <= GW_ITEM_DEBIT);
    ASSERT(merchant_ref != NULL && source_ref != NULL);
    if (rc == ERR_OK)
        rc = sandbox_next_seq(db, ctx, &seq, ei);
    if (rc)
        return rc;
    struct db_param p[] = {
        P_TEXT(ctx->account_id),
        P_TEXT(ref),
        P_TEXT(merchant_ref),
        P_I64(type),
        P_TEXT(source_ref),
        P_I64(amount),
        P_I64(at_ms),
        P_I64(seq),
    };
    return db_exec(db, ctx->a, sql_balance_add, p, NPARAMS(p), NULL, ei);
}

static const char sql_next_seq[] =
    "UPDATE sb_accounts SET event_seq = event_seq + 1 WHERE account_id = $1"
    " RETURNING event_seq";

enum err
sandbox_next_seq(struct db *db, const struct gw_ctx *ctx, int64_t *out,
                 struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id)};
    struct db_rows rows;
    enum err rc = db_one(db, ctx->a, sql_next_seq, p, 1, &rows, ei);

    if (rc)
        return rc;
    *out = db_i64(&rows, 0, 0);
    ASSERT(*out > 0);
    return ERR_OK;
}

static const char sql_merchant_load[] =
    "SELECT ref, timezone, currency, next_cutoff_ms FROM sb_merchants"
    " WHERE account_id = $1 AND ref = $2";

enum err
sandbox_merchant_load(struct db *db, const struct gw_ctx *ctx, const char *ref,
                      struct sb_merchant *out, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(ref)};
    struct db_rows rows;
    enum err rc;

    if (ref == NULL)
        return errinfo_set(ei, ERR_NOT_FOUND, "resource_missing", "merchant",
                           "no merchant given");
    rc = db_one(db, ctx->a, sql_merchant_load, p, NPARAMS(p), &rows, ei);
    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, rc, "resource_missing", "merchant",
                           "no such merchant '%s'", ref);
    if (rc)
        return rc;
    out->ref = db_text(&rows, 0, 0);
    out->timezone = db_text(&rows, 0, 1);
    out->currency = db_text(&rows, 0, 2);
    out->next_cutoff_ms = db_i64(&rows, 0, 3);
    return ERR_OK;
}

const struct gw_ops gw_sandbox_ops = {
    .name = "sandbox",
    .connect = sandbox_connect,
    .disconnect = sandbox_disconnect,
    .merchant_create = sandbox_merchant_create,
    .bank_account_add = sandbox_bank_account_add,
    .bank_account_set_default = sandbox_bank_account_set_default,
    .bank_account_delete = sandbox_bank_account_delete,
    .reader_register = sandbox_reader_register,
    .reader_delete = sandbox_reader_delete,
    .customer_create = sandbox_customer_create,
    .card_attach = sandbox_card_attach,
    .card_detach = sandbox_card_detach,
    .charge_create = sandbox_charge_create,
    .charge_capture = sandbox_charge_capture,
    .charge_cancel = sandbox_charge_cancel,
    .charge_retrieve = sandbox_charge_retrieve,
    .charge_lookup = sandbox_charge_lookup,
    .refund_create = sandbox_refund_create,
    .refund_retrieve = sandbox_refund_retrieve,
    .merchant_debit = sandbox_merchant_debit,
    .payout_retrieve = sandbox_payout_retrieve,
    .dispute_retrieve = sandbox_dispute_retrieve,
    .dispute_evidence = sandbox_dispute_evidence,
    .webhook_parse = sandbox_webhook_parse,
};
