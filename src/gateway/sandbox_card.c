/*
 * sandbox_card.c - the sandbox's accounts, merchants, bank accounts,
 * readers, customers, card tokens and saved cards.
 *
 * A card number enters only sandbox_tokenize, lives in a stack buffer
 * that is wiped before returning, and leaves as a token row holding the
 * brand, last 4, expiry, a fingerprint and the test-card behaviour. A
 * bank account number leaves as its last 4 and whether it is the test
 * number that fails payouts.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/assert.h"
#include "base/crypto.h"
#include "base/money.h"
#include "core/bank.h"
#include "core/card.h"
#include "gateway/sandbox_int.h"

#define FAILING_BANK_ACCOUNT "000111111116"

/*
 * The ref of the row created with idem_key by sql (SELECT ref ... WHERE
 * account_id = $1 AND idem_key = $2) into ref_out; ERR_NOT_FOUND if none.
 */
static enum err
find_key(struct db *db, const struct gw_ctx *ctx, const char *sql,
         const char *idem_key, char *ref_out, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(idem_key)};
    struct db_rows rows;
    enum err rc;

    ASSERT(idem_key != NULL);
    rc = db_one(db, ctx->a, sql, p, NPARAMS(p), &rows, ei);
    if (rc == ERR_OK)
        sandbox_copy(ref_out, GW_REF_MAX, db_text(&rows, 0, 0));
    return rc;
}

/* Commit db when rc is ERR_OK, else roll back; returns the outcome. */
static enum err
finish(struct db *db, enum err rc, struct errinfo *ei)
{
    if (rc) {
        sandbox_abort(db);
        return rc;
    }
    return sandbox_commit(db, ei);
}

/* ---- accounts ---- */

static const char sql_connect[] =
    "INSERT INTO sb_accounts (account_id, webhook_secret, status,"
    " created_ms) VALUES ($1, $2, 'active', $3)"
    " ON CONFLICT (account_id) DO UPDATE SET status = 'active'"
    " RETURNING webhook_secret";

enum err
sandbox_connect(const struct gw_ctx *ctx, char *secret_out, size_t cap,
                struct errinfo *ei)
{
    char *body = secret_new(ctx->a, 32);
    char *secret = NULL;
    struct db_rows rows;
    struct db *db = NULL;
    enum err rc;

    ASSERT(secret_out != NULL && cap >= GW_SECRET_MAX);
    if (body != NULL)
        secret = arena_printf(ctx->a, "whsec_%s", body);
    if (secret == NULL)
        return sandbox_arena_full(ei);
    secret_wipe(body, strlen(body));
    rc = sandbox_begin(ctx, true, &db, ei);
    if (rc)
        return rc;
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(secret),
                           P_I64(ctx->now_ms)};
    rc = db_one(db, ctx->a, sql_connect, p, NPARAMS(p), &rows, ei);
    if (rc == ERR_OK) {
        ASSERT(strlen(db_text(&rows, 0, 0)) < cap);
        sandbox_copy(secret_out, cap, db_text(&rows, 0, 0));
    }
    secret_wipe(secret, strlen(secret));
    return finish(db, rc, ei);
}

static const char sql_disconnect[] =
    "UPDATE sb_accounts SET status = 'disconnected' WHERE account_id = $1";

enum err
sandbox_disconnect(const struct gw_ctx *ctx, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id)};
    struct db *db = NULL;
    enum err rc = sandbox_begin(ctx, false, &db, ei);

    if (rc)
        return rc;
    rc = db_exec(db, ctx->a, sql_disconnect, p, NPARAMS(p), NULL, ei);
    return finish(db, rc, ei);
}

/* ---- merchants ---- */

static const char sql_merchant_by_key[] =
    "SELECT ref FROM sb_merchants WHERE account_id = $1 AND idem_key = $2";
static const char sql_merchant_insert[] =
    "INSERT INTO sb_merchants (account_id, ref, idem_key, name, timezone,"
    " currency, country, next_cutoff_ms, created_ms)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

static enum err
merchant_check(const struct gw_merchant_req *r, struct errinfo *ei)
{
    if (r->name == NULL || r->name[0] == '\0')
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "name",
                           "merchant name is required");
    if (r->timezone == NULL || !sandbox_timezone_is_valid(r->timezone))
        return errinfo_set(ei, ERR_INVALID, "timezone_invalid", "timezone",
                           "unknown time zone '%s'",
                           r->timezone != NULL ? r->timezone : "");
    if (r->currency == NULL || currency_by_code(str_c(r->currency)) == NULL)
        return errinfo_set(ei, ERR_INVALID, "currency_invalid", "currency",
                           "unknown currency '%s'",
                           r->currency != NULL ? r->currency : "");
    return ERR_OK;
}

static enum err
merchant_insert(struct db *db, const struct gw_ctx *ctx,
                const struct gw_merchant_req *r, char *ref_out,
                struct errinfo *ei)
{
    int64_t cutoff = 0;
    enum err rc;

    rc = sandbox_cutoff_after(r->timezone, sandbox_state.settle_hour,
                              ctx->now_ms, &cutoff, ei);
    if (rc == ERR_OK)
        rc = sandbox_new_ref(ctx, "acct", ref_out, ei);
    if (rc)
        return rc;
    struct db_param p[] = {
        P_TEXT(ctx->account_id),
        P_TEXT(ref_out),
        P_TEXT(r->idem_key),
        P_TEXT(r->name),
        P_TEXT(r->timezone),
        P_TEXT(r->currency),
        P_TEXT(r->country != NULL ? r->country : "US"),
        P_I64(cutoff),
        P_I64(ctx->now_ms),
    };
    return db_exec(db, ctx->a, sql_merchant_insert, p, NPARAMS(p), NULL, ei);
}

enum err
sandbox_merchant_create(const struct gw_ctx *ctx,
                        const struct gw_merchant_req *r, char *ref_out,
                        struct errinfo *ei)
{
    struct db *db = NULL;
    enum err rc;

    ASSERT(r != NULL && r->idem_key != NULL && ref_out != NULL);
    rc = merchant_check(r, ei);
    if (rc)
        return rc;
    rc = sandbox_begin(ctx, false, &db, ei);
    if (rc)
        return rc;
    rc = find_key(db, ctx, sql_merchant_by_key, r->idem_key, ref_out, ei);
    if (rc == ERR_NOT_FOUND)
        rc = merchant_insert(db, ctx, r, ref_out, ei);
    return finish(db, rc, ei);
}

/* ---- bank accounts ---- */

static const char sql_bank_by_key[] =
    "SELECT ref FROM sb_banks WHERE account_id = $1 AND idem_key = $2";
static const char sql_bank_has_default[] =
    "SELECT COUNT(*) FROM sb_banks WHERE account_id = $1"
    " AND merchant_ref = $2 AND is_default = 1";
static const char sql_bank_insert[] =
    "INSERT INTO sb_banks (account_id, ref, idem_key, merchant_ref,"
    " holder_name, routing_number, last4, fails, is_default, status,"
    " created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10)";

static enum err
bank_insert(struct db *db, const struct gw_ctx *ctx,
            const struct gw_bank_req *r, char *ref_out, struct errinfo *ei)
{
    struct db_param q[] = {P_TEXT(ctx->account_id), P_TEXT(r->merchant_ref)};
    struct sb_merchant m;
    struct db_rows rows;
    char last4[BANK_LAST4_BYTES];
    enum err rc;

    rc = sandbox_merchant_load(db, ctx, r->merchant_ref, &m, ei);
    if (rc == ERR_OK)
        rc = db_one(db, ctx->a, sql_bank_has_default, q, NPARAMS(q), &rows, ei);
    if (rc == ERR_OK)
        rc = sandbox_new_ref(ctx, "ba", ref_out, ei);
    if (rc)
        return rc;
    bank_last4(str_c(r->account_number), last4);
    struct db_param p[] = {
        P_TEXT(ctx->account_id),
        P_TEXT(ref_out),
        P_TEXT(r->idem_key),
        P_TEXT(r->merchant_ref),
        P_TEXT(r->holder_name != NULL ? r->holder_name : ""),
        P_TEXT(r->routing_number),
        P_TEXT(last4),
        P_BOOL(strcmp(r->account_number, FAILING_BANK_ACCOUNT) == 0),
        P_BOOL(db_i64(&rows, 0, 0) == 0), /* the first becomes default */
        P_I64(ctx->now_ms),
    };
    return db_exec(db, ctx->a, sql_bank_insert, p, NPARAMS(p), NULL, ei);
}

enum err
sandbox_bank_account_add(const struct gw_ctx *ctx, const struct gw_bank_req *r,
                         char *ref_out, struct errinfo *ei)
{
    struct db *db = NULL;
    enum err rc;

    ASSERT(r != NULL && r->idem_key != NULL && ref_out != NULL);
    if (r->routing_number == NULL ||
        !bank_routing_is_valid(str_c(r->routing_number)))
        return errinfo_set(ei, ERR_INVALID, "routing_number_invalid",
                           "routing_number", "invalid routing number");
    if (r->account_number == NULL)
        return errinfo_set(ei, ERR_INVALID, "parameter_missing",
                           "account_number", "account number is required");
    rc = bank_account_number_check(str_c(r->account_number), ei);
    if (rc)
        return rc;
    rc = sandbox_begin(ctx, false, &db, ei);
    if (rc)
        return rc;
    rc = find_key(db, ctx, sql_bank_by_key, r->idem_key, ref_out, ei);
    if (rc == ERR_NOT_FOUND)
        rc = bank_insert(db, ctx, r, ref_out, ei);
    return finish(db, rc, ei);
}

static const char sql_bank_active[] =
    "SELECT ref FROM sb_banks WHERE account_id = $1 AND merchant_ref = $2"
    " AND ref = $3 AND status = 'active'";
static const char sql_bank_clear_default[] =
    "UPDATE sb_banks SET is_default = 0 WHERE account_id = $1"
    " AND merchant_ref = $2";
static const char sql_bank_set_default[] =
    "UPDATE sb_banks SET is_default = 1 WHERE account_id = $1"
    " AND merchant_ref = $2 AND ref = $3";
static const char sql_bank_in_transit[] =
    "SELECT COUNT(*) FROM sb_payouts WHERE account_id = $1"
    " AND bank_ref = $3 AND merchant_ref = $2 AND status = 2";
static const char sql_bank_delete[] =
    "UPDATE sb_banks SET status = 'deleted', is_default = 0"
    " WHERE account_id = $1 AND merchant_ref = $2 AND ref = $3";

static enum err
bank_active(struct db *db, const struct gw_ctx *ctx, const struct db_param *p,
            struct errinfo *ei)
{
    struct db_rows rows;
    enum err rc = db_one(db, ctx->a, sql_bank_active, p, 3, &rows, ei);

    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, rc, "resource_missing", "bank_account",
                           "no such bank account '%s'", p[2].text);
    return rc;
}

enum err
sandbox_bank_account_set_default(const struct gw_ctx *ctx,
                                 const char *merchant_ref, const char *bank_ref,
                                 struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(merchant_ref),
                           P_TEXT(bank_ref)};
    struct db *db = NULL;
    enum err rc;

    ASSERT(merchant_ref != NULL && bank_ref != NULL);
    rc = sandbox_begin(ctx, false, &db, ei);
    if (rc)
        return rc;
    rc = bank_active(db, ctx, p, ei);
    if (rc == ERR_OK)
        rc = db_exec(db, ctx->a, sql_bank_clear_default, p, 2, NULL, ei);
    if (rc == ERR_OK)
        rc = db_exec(db, ctx->a, sql_bank_set_default, p, 3, NULL, ei);
    return finish(db, rc, ei);
}

enum err
sandbox_bank_account_delete(const struct gw_ctx *ctx, const char *merchant_ref,
                            const char *bank_ref, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(merchant_ref),
                           P_TEXT(bank_ref)};
    struct db_rows rows;
    struct db *db = NULL;
    enum err rc;

    ASSERT(merchant_ref != NULL && bank_ref != NULL);
    rc = sandbox_begin(ctx, false, &db, ei);
    if (rc)
        return rc;
    rc = bank_active(db, ctx, p, ei);
    if (rc == ERR_OK)
        rc = db_one(db, ctx->a, sql_bank_in_transit, p, 3, &rows, ei);
    if (rc == ERR_OK && db_i64(&rows, 0, 0) > 0)
        rc = errinfo_set(
            ei, ERR_CONFLICT, "bank_account_in_use", "bank_account",
            "bank account '%s' receives a payout in transit", bank_ref);
    if (rc == ERR_OK)
        rc = db_exec(db, ctx->a, sql_bank_delete, p, 3, NULL, ei);
    return finish(db, rc, ei);
}

/* ---- readers ---- */

static const char sql_reader_by_key[] =
    "SELECT ref FROM sb_readers WHERE account_id = $1 AND idem_key = $2";
static const char sql_reader_by_serial[] =
    "SELECT ref FROM sb_readers WHERE account_id = $1 AND serial = $2"
    " AND status = 'active'";
static const char sql_reader_insert[] =
    "INSERT INTO sb_readers (account_id, ref, idem_key, merchant_ref,"
    " serial, status, created_ms) VALUES ($1, $2, $3, $4, $5, 'active', $6)";

static enum err
reader_insert(struct db *db, const struct gw_ctx *ctx, const char *idem_key,
              const char *merchant_ref, const char *serial, char *ref_out,
              struct errinfo *ei)
{
    struct db_param q[] = {P_TEXT(ctx->account_id), P_TEXT(serial)};
    struct sb_merchant m;
    struct db_rows rows;
    enum err rc = sandbox_merchant_load(db, ctx, merchant_ref, &m, ei);

    if (rc == ERR_OK)
        rc = db_one(db, ctx->a, sql_reader_by_serial, q, NPARAMS(q), &rows, ei);
    if (rc == ERR_OK)
        return errinfo_set(ei, ERR_CONFLICT, "reader_exists", "serial",
                           "reader '%s' is already registered", serial);
    if (rc == ERR_NOT_FOUND)
        rc = sandbox_new_ref(ctx, "tmr", ref_out, ei);
    if (rc)
        return rc;
    struct db_param p[] = {
        P_TEXT(ctx->account_id), P_TEXT(ref_out), P_TEXT(idem_key),
        P_TEXT(merchant_ref),    P_TEXT(serial),  P_I64(ctx->now_ms),
    };
    rc = db_exec(db, ctx->a, sql_reader_insert, p, NPARAMS(p), NULL, ei);
    if (rc == ERR_CONFLICT)
        return errinfo_set(ei, ERR_CONFLICT, "reader_exists", "serial",
                           "reader '%s' is already registered", serial);
    return rc;
}

enum err
sandbox_reader_register(const struct gw_ctx *ctx, const char *idem_key,
                        const char *merchant_ref, const char *serial,
                        char *ref_out, struct errinfo *ei)
{
    struct db *db = NULL;
    enum err rc;

    ASSERT(idem_key != NULL && ref_out != NULL);
    if (serial == NULL || serial[0] == '\0')
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "serial",
                           "reader serial number is required");
    rc = sandbox_begin(ctx, false, &db, ei);
    if (rc)
        return rc;
    rc = find_key(db, ctx, sql_reader_by_key, idem_key, ref_out, ei);
    if (rc == ERR_NOT_FOUND)
        rc = reader_insert(db, ctx, idem_key, merchant_ref, serial, ref_out,
                           ei);
    return finish(db, rc, ei);
}

static const char sql_reader_active[] =
    "SELECT ref FROM sb_readers WHERE account_id = $1 AND ref = $2"
    " AND status = 'active'";
static const char sql_reader_busy[] =
    "SELECT COUNT(*) FROM sb_charges WHERE account_id = $1"
    " AND reader_ref = $2 AND status = 1";
static const char sql_reader_delete[] =
    "UPDATE sb_readers SET status = 'deleted'"
    " WHERE account_id = $1 AND ref = $2";

enum err
sandbox_reader_check(struct db *db, const struct gw_ctx *ctx,
                     const char *reader_ref, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(reader_ref)};
    struct db_rows rows;
    enum err rc;

    if (reader_ref == NULL)
        return errinfo_set(ei, ERR_NOT_FOUND, "resource_missing", "reader",
                           "no reader given");
    rc = db_one(db, ctx->a, sql_reader_active, p, NPARAMS(p), &rows, ei);
    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, rc, "resource_missing", "reader",
                           "no such reader '%s'", reader_ref);
    return rc;
}

enum err
sandbox_reader_delete(const struct gw_ctx *ctx, const char *reader_ref,
                      struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(reader_ref)};
    struct db_rows rows;
    struct db *db = NULL;
    enum err rc = sandbox_begin(ctx, false, &db, ei);

    if (rc)
        return rc;
    rc = sandbox_reader_check(db, ctx, reader_ref, ei);
    if (rc == ERR_OK)
        rc = db_one(db, ctx->a, sql_reader_busy, p, NPARAMS(p), &rows, ei);
    if (rc == ERR_OK && db_i64(&rows, 0, 0) > 0)
        rc = errinfo_set(ei, ERR_CONFLICT, "reader_busy", "reader",
                         "reader '%s' is waiting for a card", reader_ref);
    if (rc == ERR_OK)
        rc = db_exec(db, ctx->a, sql_reader_delete, p, NPARAMS(p), NULL, ei);
    return finish(db, rc, ei);
}

/* ---- customers ---- */

static const char sql_customer_by_key[] =
    "SELECT ref FROM sb_customers WHERE account_id = $1 AND idem_key = $2";
static const char sql_customer_insert[] =
    "INSERT INTO sb_customers (account_id, ref, idem_key, reference,"
    " created_ms) VALUES ($1, $2, $3, $4, $5)";
static const char sql_customer_exists[] =
    "SELECT ref FROM sb_customers WHERE account_id = $1 AND ref = $2";

static enum err
customer_insert(struct db *db, const struct gw_ctx *ctx, const char *idem_key,
                const char *reference, char *ref_out, struct errinfo *ei)
{
    enum err rc = sandbox_new_ref(ctx, "cus", ref_out, ei);

    if (rc)
        return rc;
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(ref_out),
                           P_TEXT(idem_key), P_TEXT(reference),
                           P_I64(ctx->now_ms)};
    return db_exec(db, ctx->a, sql_customer_insert, p, NPARAMS(p), NULL, ei);
}

enum err
sandbox_customer_create(const struct gw_ctx *ctx, const char *idem_key,
                        const char *reference, char *ref_out,
                        struct errinfo *ei)
{
    struct db *db = NULL;
    enum err rc;

    ASSERT(idem_key != NULL && ref_out != NULL);
    rc = sandbox_begin(ctx, false, &db, ei);
    if (rc)
        return rc;
    rc = find_key(db, ctx, sql_customer_by_key, idem_key, ref_out, ei);
    if (rc == ERR_NOT_FOUND)
        rc = customer_insert(db, ctx, idem_key, reference, ref_out, ei);
    return finish(db, rc, ei);
}

/* ---- tokens ---- */

static const char sql_token_insert[] =
    "INSERT INTO sb_tokens (account_id, ref, brand, last4, exp_month,"
    " exp_year, fingerprint, behaviour, created_ms)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/* The UTC year and month of ms. */
static void
year_month(int64_t ms, int *year, int *month)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;

    ASSERT(gmtime_r(&t, &tm) != NULL);
    *year = tm.tm_year + 1900;
    *month = tm.tm_mon + 1;
}

/* Check the expiry and the CVC; codes as Stripe's card errors. */
static enum err
expiry_cvc_check(const struct gw_ctx *ctx, int exp_month, int exp_year,
                 const char *cvc, bool amex, struct errinfo *ei)
{
    size_t want = amex ? 4 : 3;
    int year = 0;
    int month = 0;
    enum err rc;

    year_month(ctx->now_ms, &year, &month);
    rc = card_expiry_check(exp_month, exp_year, year, month, ei);
    if (rc && ei != NULL) {
        bool is_month = strcmp(ei->param, "exp_month") == 0;

        sandbox_copy(ei->code, sizeof(ei->code),
                     is_month ? "invalid_expiry_month" : "invalid_expiry_year");
        return rc;
    }
    if (rc)
        return rc;
    if (cvc == NULL || strlen(cvc) != want)
        return errinfo_set(ei, ERR_INVALID, "invalid_cvc", "cvc",
                           "security code must be %zu digits", want);
    for (size_t i = 0; i < want; i++) {
        if (!char_is_digit(cvc[i]))
            return errinfo_set(ei, ERR_INVALID, "invalid_cvc", "cvc",
                               "security code must be %zu digits", want);
    }
    return ERR_OK;
}

/*
 * Read a card out of number into *out (brand, last 4, fingerprint,
 * behaviour); the normalized digits never leave this function.
 */
static enum err
card_read(const struct gw_ctx *ctx, const char *number, struct sb_card *out,
          struct errinfo *ei)
{
    char digits[CARD_NUMBER_BYTES];
    char hash[SHA256_HEX_LEN + 1];
    struct str parts[2];
    enum err rc;

    memset(out, 0, sizeof(*out));
    rc = card_number_normalize(str_c(number), digits, sizeof(digits), ei);
    if (rc) {
        if (ei != NULL)
            sandbox_copy(ei->code, sizeof(ei->code), "incorrect_number");
        return rc;
    }
    sandbox_copy(out->card.brand, sizeof(out->card.brand),
                 card_brand_name(card_brand_of(str_c(digits))));
    card_last4(str_c(digits), out->card.last4);
    parts[0] = str_c(ctx->account_id);
    parts[1] = str_c(digits);
    sha256_hex_parts(parts, 2, hash);
    snprintf(out->card.fingerprint, sizeof(out->card.fingerprint), "fp_%.32s",
             hash);
    out->behaviour = sandbox_behaviour_of(digits);
    secret_wipe(digits, sizeof(digits));
    secret_wipe(parts, sizeof(parts));
    return ERR_OK;
}

enum err
sandbox_card_read(const struct gw_ctx *ctx, const char *number,
                  struct sb_card *out, struct errinfo *ei)
{
    ASSERT(ctx != NULL && out != NULL);
    if (number == NULL)
        return errinfo_set(ei, ERR_INVALID, "incorrect_number", "number",
                           "card number is required");
    return card_read(ctx, number, out, ei);
}

static enum err
token_insert(const struct gw_ctx *ctx, const struct sb_card *c, char *token,
             struct errinfo *ei)
{
    struct db *db = NULL;
    enum err rc = sandbox_begin(ctx, false, &db, ei);

    if (rc == ERR_OK)
        rc = sandbox_new_ref(ctx, "tok", token, ei);
    if (rc == ERR_OK) {
        struct db_param p[] = {
            P_TEXT(ctx->account_id),     P_TEXT(token),
            P_TEXT(c->card.brand),       P_TEXT(c->card.last4),
            P_I64(c->card.exp_month),    P_I64(c->card.exp_year),
            P_TEXT(c->card.fingerprint), P_I64(c->behaviour),
            P_I64(ctx->now_ms),
        };
        rc = db_exec(db, ctx->a, sql_token_insert, p, NPARAMS(p), NULL, ei);
    }
    if (db == NULL)
        return rc;
    return finish(db, rc, ei);
}

enum err
sandbox_tokenize(const struct gw_ctx *ctx, const char *number, int exp_month,
                 int exp_year, const char *cvc, char *token_out,
                 struct gw_card *card_out, struct errinfo *ei)
{
    struct sb_card c;
    enum err rc;

    ASSERT(ctx != NULL && token_out != NULL);
    token_out[0] = '\0';
    rc = sandbox_card_read(ctx, number, &c, ei);
    if (rc)
        return rc;
    rc = expiry_cvc_check(ctx, exp_month, exp_year, cvc,
                          strcmp(c.card.brand, "amex") == 0, ei);
    if (rc)
        return rc;
    c.card.exp_month = exp_month;
    c.card.exp_year = exp_year;
    rc = token_insert(ctx, &c, token_out, ei);
    if (rc == ERR_OK && card_out != NULL)
        *card_out = c.card;
    return rc;
}

static const char sql_token_use[] =
    "UPDATE sb_tokens SET used_ms = $3 WHERE account_id = $1 AND ref = $2"
    " AND used_ms = 0 AND created_ms > $4 RETURNING brand, last4,"
    " exp_month, exp_year, fingerprint, behaviour";
static const char sql_token_state[] =
    "SELECT used_ms FROM sb_tokens WHERE account_id = $1 AND ref = $2";

static void
sb_card_of_row(const struct db_rows *r, size_t first, struct sb_card *out)
{
    memset(out, 0, sizeof(*out));
    sandbox_copy(out->card.brand, sizeof(out->card.brand),
                 db_text(r, 0, first));
    sandbox_copy(out->card.last4, sizeof(out->card.last4),
                 db_text(r, 0, first + 1));
    out->card.exp_month = (int)db_i64(r, 0, first + 2);
    out->card.exp_year = (int)db_i64(r, 0, first + 3);
    sandbox_copy(out->card.fingerprint, sizeof(out->card.fingerprint),
                 db_text(r, 0, first + 4));
    out->behaviour = (enum sandbox_behaviour)db_i64(r, 0, first + 5);
    ASSERT(out->behaviour < SB_BEHAVIOUR__COUNT);
}

enum err
sandbox_token_use(struct db *db, const struct gw_ctx *ctx, const char *ref,
                  struct sb_card *out, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(ref),
                           P_I64(ctx->now_ms),
                           P_I64(ctx->now_ms - SB_TOKEN_TTL_MS)};
    struct db_rows rows;
    enum err rc;

    if (ref == NULL)
        return errinfo_set(ei, ERR_INVALID, "token_invalid", "token",
                           "no token given");
    rc = db_one(db, ctx->a, sql_token_use, p, NPARAMS(p), &rows, ei);
    if (rc == ERR_OK) {
        sb_card_of_row(&rows, 0, out);
        return ERR_OK;
    }
    if (rc != ERR_NOT_FOUND)
        return rc;
    rc = db_one(db, ctx->a, sql_token_state, p, 2, &rows, ei);
    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, ERR_INVALID, "token_invalid", "token",
                           "no such token '%s'", ref);
    if (rc)
        return rc;
    if (db_i64(&rows, 0, 0) != 0)
        return errinfo_set(ei, ERR_INVALID, "token_already_used", "token",
                           "token '%s' was already used", ref);
    return errinfo_set(ei, ERR_INVALID, "token_expired", "token",
                       "token '%s' has expired", ref);
}

/* ---- saved cards ---- */

static const char sql_card_by_key[] =
    "SELECT ref FROM sb_cards WHERE account_id = $1 AND idem_key = $2";
static const char sql_card_load[] =
    "SELECT ref, brand, last4, exp_month, exp_year, fingerprint, behaviour"
    " FROM sb_cards WHERE account_id = $1 AND customer_ref = $2"
    " AND ref = $3 AND status = 'attached'";
static const char sql_card_insert[] =
    "INSERT INTO sb_cards (account_id, ref, idem_key, customer_ref, brand,"
    " last4, exp_month, exp_year, fingerprint, behaviour, status,"
    " created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
    " 'attached', $11)";
static const char sql_card_detach[] =
    "UPDATE sb_cards SET status = 'detached' WHERE account_id = $1"
    " AND customer_ref = $2 AND ref = $3";

enum err
sandbox_card_load(struct db *db, const struct gw_ctx *ctx,
                  const char *customer_ref, const char *card_ref,
                  struct sb_card *out, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(customer_ref),
                           P_TEXT(card_ref)};
    struct db_rows rows;
    enum err rc;

    if (customer_ref == NULL || card_ref == NULL)
        return errinfo_set(ei, ERR_NOT_FOUND, "resource_missing", "card",
                           "no card given");
    rc = db_one(db, ctx->a, sql_card_load, p, NPARAMS(p), &rows, ei);
    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, rc, "resource_missing", "card",
                           "no such card '%s' for customer '%s'", card_ref,
                           customer_ref);
    if (rc == ERR_OK)
        sb_card_of_row(&rows, 1, out);
    return rc;
}

static enum err
card_insert(struct db *db, const struct gw_ctx *ctx, const char *idem_key,
            const char *customer_ref, const char *token, char *ref_out,
            struct sb_card *c, struct errinfo *ei)
{
    struct db_param q[] = {P_TEXT(ctx->account_id), P_TEXT(customer_ref)};
    struct db_rows rows;
    enum err rc;

    rc = db_one(db, ctx->a, sql_customer_exists, q, NPARAMS(q), &rows, ei);
    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, rc, "resource_missing", "customer",
                           "no such customer '%s'", customer_ref);
    if (rc == ERR_OK)
        rc = sandbox_token_use(db, ctx, token, c, ei);
    if (rc == ERR_OK)
        rc = sandbox_new_ref(ctx, "pm", ref_out, ei);
    if (rc)
        return rc;
    struct db_param p[] = {
        P_TEXT(ctx->account_id),
        P_TEXT(ref_out),
        P_TEXT(idem_key),
        P_TEXT(customer_ref),
        P_TEXT(c->card.brand),
        P_TEXT(c->card.last4),
        P_I64(c->card.exp_month),
        P_I64(c->card.exp_year),
        P_TEXT(c->card.fingerprint),
        P_I64(c->behaviour),
        P_I64(ctx->now_ms),
    };
    return db_exec(db, ctx->a, sql_card_insert, p, NPARAMS(p), NULL, ei);
}

static const char sql_card_any[] =
    "SELECT ref, brand, last4, exp_month, exp_year, fingerprint, behaviour"
    " FROM sb_cards WHERE account_id = $1 AND ref = $2";

/* The card ref created with a replayed key, attached or not. */
static enum err
card_replay(struct db *db, const struct gw_ctx *ctx, const char *ref,
            struct sb_card *c, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(ref)};
    struct db_rows rows;
    enum err rc = db_one(db, ctx->a, sql_card_any, p, NPARAMS(p), &rows, ei);

    if (rc == ERR_OK)
        sb_card_of_row(&rows, 1, c);
    return rc;
}

enum err
sandbox_card_attach(const struct gw_ctx *ctx, const char *idem_key,
                    const char *customer_ref, const char *token,
                    char *card_ref_out, struct gw_card *card_out,
                    struct errinfo *ei)
{
    struct sb_card c;
    struct db *db = NULL;
    enum err rc;

    ASSERT(idem_key != NULL && card_ref_out != NULL);
    rc = sandbox_begin(ctx, false, &db, ei);
    if (rc)
        return rc;
    rc = find_key(db, ctx, sql_card_by_key, idem_key, card_ref_out, ei);
    if (rc == ERR_OK)
        rc = card_replay(db, ctx, card_ref_out, &c, ei);
    else if (rc == ERR_NOT_FOUND)
        rc = card_insert(db, ctx, idem_key, customer_ref, token, card_ref_out,
                         &c, ei);
    rc = finish(db, rc, ei);
    if (rc == ERR_OK && card_out != NULL)
        *card_out = c.card;
    return rc;
}

enum err
sandbox_card_detach(const struct gw_ctx *ctx, const char *customer_ref,
                    const char *card_ref, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(customer_ref),
                           P_TEXT(card_ref)};
    struct sb_card c;
    struct db *db = NULL;
    enum err rc = sandbox_begin(ctx, false, &db, ei);

    if (rc)
        return rc;
    rc = sandbox_card_load(db, ctx, customer_ref, card_ref, &c, ei);
    if (rc == ERR_OK)
        rc = db_exec(db, ctx->a, sql_card_detach, p, NPARAMS(p), NULL, ei);
    return finish(db, rc, ei);
}
