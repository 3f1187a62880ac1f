/*
 * sandbox_charge.c - the sandbox's charges, captures, cancels, cards
 * presented at readers, refunds and merchant debits.
 *
 * Each operation is one sandbox transaction: state change, balance
 * transactions and event together. Creating operations dedupe on
 * (account, idempotency key): a key seen before answers with the first
 * result (the same charge, or the same decline) and never creates a
 * second object. Declines are stored as FAILED charges.
 */
#include <string.h>
#include <time.h>

#include "base/assert.h"
#include "base/money.h"
#include "core/fee.h"
#include "gateway/sandbox_int.h"

#define HOLD_CNP_MS (7 * SB_DAY_MS)
#define HOLD_CP_MS (5 * SB_DAY_MS)

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

static enum err
amount_check(int64_t amount, int64_t max, struct errinfo *ei)
{
    if (amount < 1)
        return errinfo_set(ei, ERR_INVALID, "amount_too_small", "amount",
                           "amount must be at least 1");
    if (amount > max)
        return errinfo_set(ei, ERR_INVALID, "amount_too_large", "amount",
                           "amount must be at most %lld", (long long)max);
    return ERR_OK;
}

/* The processing fee of amount in currency, card present or not. */
static enum err
fee_for(const char *currency, int64_t amount, bool present, int64_t *out,
        struct errinfo *ei)
{
    const struct currency_info *ci = currency_by_code(str_c(currency));
    const struct sandbox_state *s = &sandbox_state;
    struct money fee;
    enum err rc;

    ASSERT(ci != NULL); /* merchants are created with known currencies */
    rc = fee_compute((struct money){amount, ci->numeric},
                     present ? s->cp_bps : s->cnp_bps,
                     present ? s->cp_fixed : s->cnp_fixed, &fee);
    if (rc)
        return errinfo_set(ei, rc, "amount_too_large", "amount",
                           "fee of %lld does not compute", (long long)amount);
    ASSERT(fee.minor >= 0);
    *out = fee.minor;
    return ERR_OK;
}

static enum err
emit(struct db *db, const struct gw_ctx *ctx, const struct sb_charge *ch,
     const char *type, struct errinfo *ei)
{
    json_t *o = sandbox_charge_json(ch);

    if (o == NULL)
        return sandbox_arena_full(ei);
    return sandbox_event_add(db, ctx, type, o, ctx->now_ms, ei);
}

/* The balance transactions of a capture: + gross, - fee. */
static enum err
book_capture(struct db *db, const struct gw_ctx *ctx,
             const struct sb_charge *ch, struct errinfo *ei)
{
    const struct gw_charge *c = &ch->c;
    enum err rc;

    ASSERT(c->status == GW_CHARGE_SUCCEEDED);
    ASSERT(c->amount_captured > 0 && ch->captured_ms > 0);
    rc = sandbox_balance_add(db, ctx, ch->merchant_ref, GW_ITEM_CHARGE, c->ref,
                             c->amount_captured, ch->captured_ms, ei);
    if (rc == ERR_OK && c->fee > 0)
        rc = sandbox_balance_add(db, ctx, ch->merchant_ref, GW_ITEM_FEE, c->ref,
                                 -c->fee, ch->captured_ms, ei);
    return rc;
}

/*
 * Authorize ch with card at ctx->now_ms: FAILED with the card's decline,
 * or a hold (REQUIRES_CAPTURE), or SUCCEEDED with its fee. Rows are the
 * caller's to write.
 */
static enum err
authorize(const struct gw_ctx *ctx, struct sb_charge *ch,
          const struct sb_card *card, bool present, struct errinfo *ei)
{
    struct gw_charge *c = &ch->c;
    const char *code = NULL;
    const char *decline = NULL;

    c->card = card->card;
    c->card_present = present;
    ch->behaviour = card->behaviour;
    if (sandbox_behaviour_declines(card->behaviour)) {
        sandbox_decline_codes(card->behaviour, &code, &decline);
        c->status = GW_CHARGE_FAILED;
        sandbox_copy(c->failure_code, sizeof(c->failure_code), code);
        sandbox_copy(c->decline_code, sizeof(c->decline_code), decline);
        return ERR_OK;
    }
    if (!ch->capture) {
        c->status = GW_CHARGE_REQUIRES_CAPTURE;
        c->capture_before_ms = ctx->now_ms +
                               (present ? HOLD_CP_MS : HOLD_CNP_MS);
        return ERR_OK;
    }
    c->status = GW_CHARGE_SUCCEEDED;
    c->amount_captured = c->amount;
    ch->captured_ms = ctx->now_ms;
    return fee_for(ch->currency, c->amount, present, &c->fee, ei);
}

static const char *
event_type_of(const struct sb_charge *ch)
{
    switch (ch->c.status) {
    case GW_CHARGE_PROCESSING:
        return "charge.pending";
    case GW_CHARGE_FAILED:
        return "charge.failed";
    case GW_CHARGE_REQUIRES_CAPTURE:
    case GW_CHARGE_SUCCEEDED:
        return "charge.succeeded";
    case GW_CHARGE_CANCELED:
    default:
        ASSERT(!"unreachable");
    }
    return NULL;
}

static const char sql_reader_busy[] =
    "SELECT ref FROM sb_charges WHERE account_id = $1 AND reader_ref = $2"
    " AND status = 1";

/* The card of r's source, or (reader) check that the reader is free. */
static enum err
source_card(struct db *db, const struct gw_ctx *ctx,
            const struct gw_charge_req *r, struct sb_card *card,
            struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(r->reader_ref)};
    struct db_rows rows;
    enum err rc;

    switch (r->source) {
    case GW_SOURCE_TOKEN:
        return sandbox_token_use(db, ctx, r->token, card, ei);
    case GW_SOURCE_CARD:
        return sandbox_card_load(db, ctx, r->customer_ref, r->card_ref, card,
                                 ei);
    case GW_SOURCE_READER:
        rc = sandbox_reader_check(db, ctx, r->reader_ref, ei);
        if (rc)
            return rc;
        rc = db_one(db, ctx->a, sql_reader_busy, p, NPARAMS(p), &rows, ei);
        if (rc == ERR_OK)
            return errinfo_set(ei, ERR_CONFLICT, "reader_busy", "reader",
                               "reader '%s' is busy with another charge",
                               r->reader_ref);
        return rc == ERR_NOT_FOUND ? ERR_OK : rc;
    default:
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "source",
                           "unknown payment source");
    }
}

/* Create the charge r asks for (no charge exists with its key yet). */
static enum err
charge_new(struct db *db, const struct gw_ctx *ctx,
           const struct gw_charge_req *r, struct sb_charge *ch,
           struct errinfo *ei)
{
    struct sb_merchant m;
    struct sb_card card;
    enum err rc = sandbox_merchant_load(db, ctx, r->merchant_ref, &m, ei);

    if (rc == ERR_OK && strcmp(m.currency, r->currency) != 0)
        rc = errinfo_set(ei, ERR_INVALID, "currency_mismatch", "currency",
                         "merchant '%s' takes %s, not %s", m.ref, m.currency,
                         r->currency);
    if (rc == ERR_OK)
        rc = source_card(db, ctx, r, &card, ei);
    memset(ch, 0, sizeof(*ch));
    if (rc == ERR_OK)
        rc = sandbox_new_ref(ctx, "ch", ch->c.ref, ei);
    if (rc)
        return rc;
    ch->c.amount = r->amount;
    ch->idem_key = r->idem_key;
    ch->merchant_ref = m.ref;
    ch->currency = m.currency;
    ch->cancel_reason = "";
    ch->reference = r->reference;
    ch->capture = r->capture;
    ch->created_ms = ctx->now_ms;
    if (r->source == GW_SOURCE_READER) {
        ch->c.status = GW_CHARGE_PROCESSING;
        ch->reader_ref = r->reader_ref;
    } else {
        rc = authorize(ctx, ch, &card, false, ei);
    }
    if (rc == ERR_OK)
        rc = sandbox_charge_insert(db, ctx, ch, r, ei);
    if (rc == ERR_OK && ch->c.status == GW_CHARGE_SUCCEEDED)
        rc = book_capture(db, ctx, ch, ei);
    if (rc == ERR_OK)
        rc = emit(db, ctx, ch, event_type_of(ch), ei);
    return rc;
}

/* One attempt: the charge with r's key, or a new one; committed. */
static enum err
create_once(const struct gw_ctx *ctx, const struct gw_charge_req *r,
            struct sb_charge *ch, struct errinfo *ei)
{
    struct db *db = NULL;
    enum err rc = sandbox_begin(ctx, false, &db, ei);

    if (rc)
        return rc;
    rc = sandbox_charge_load(db, ctx, r->idem_key, true, ch, NULL);
    if (rc == ERR_NOT_FOUND)
        rc = charge_new(db, ctx, r, ch, ei);
    return finish(db, rc, ei);
}

/* The charge created with idem_key, read outside a transaction. */
static enum err
load_by_key(const struct gw_ctx *ctx, const char *idem_key,
            struct sb_charge *ch, struct errinfo *ei)
{
    struct db *db = NULL;
    enum err rc = sandbox_read(&db, ei);

    if (rc)
        return rc;
    rc = sandbox_charge_load(db, ctx, idem_key, true, ch, ei);
    sandbox_done(db);
    return rc;
}

enum err
sandbox_charge_create(const struct gw_ctx *ctx, const struct gw_charge_req *r,
                      struct gw_charge *out, struct errinfo *ei)
{
    struct sb_charge ch;
    enum err rc;

    ASSERT(ctx != NULL && r != NULL && out != NULL);
    ASSERT(r->idem_key != NULL && r->currency != NULL);
    memset(out, 0, sizeof(*out));
    rc = amount_check(r->amount, SB_AMOUNT_MAX, ei);
    if (rc)
        return rc;
    rc = create_once(ctx, r, &ch, ei);
    if (rc && load_by_key(ctx, r->idem_key, &ch, NULL) == ERR_OK) {
        /*
         * The unique key index refused the insert, or the token was
         * consumed: a request with the same key won. Answer as it did.
         */
        rc = ERR_OK;
    }
    if (rc)
        return rc;
    ASSERT(strcmp(ch.idem_key, r->idem_key) == 0);
    return sandbox_charge_result(&ch, out, ei);
}

/* ---- idempotency of captures and cancels ---- */

static const char sql_idem_get[] =
    "SELECT op, object_ref FROM sb_idem WHERE account_id = $1"
    " AND idem_key = $2";
static const char sql_idem_put[] =
    "INSERT INTO sb_idem (account_id, idem_key, op, object_ref)"
    " VALUES ($1, $2, $3, $4)";

/* ERR_OK when key already did op on ref; ERR_NOT_FOUND when unused. */
static enum err
idem_seen(struct db *db, const struct gw_ctx *ctx, const char *key,
          const char *op, const char *ref, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(key)};
    struct db_rows rows;
    enum err rc = db_one(db, ctx->a, sql_idem_get, p, NPARAMS(p), &rows, ei);

    if (rc)
        return rc;
    if (strcmp(db_text(&rows, 0, 0), op) != 0 ||
        strcmp(db_text(&rows, 0, 1), ref) != 0)
        return errinfo_set(ei, ERR_INVALID, "idempotency_error", NULL,
                           "key '%s' was used for another request", key);
    return ERR_OK;
}

static enum err
idem_put(struct db *db, const struct gw_ctx *ctx, const char *key,
         const char *op, const char *ref, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(key), P_TEXT(op),
                           P_TEXT(ref)};

    return db_exec(db, ctx->a, sql_idem_put, p, NPARAMS(p), NULL, ei);
}

/* ---- capture, cancel ---- */

enum err
sandbox_charge_expire(struct db *db, const struct gw_ctx *ctx,
                      struct sb_charge *ch, struct errinfo *ei)
{
    ASSERT(ch->c.status == GW_CHARGE_REQUIRES_CAPTURE);
    ch->c.status = GW_CHARGE_CANCELED;
    ch->c.capture_before_ms = 0;
    ch->cancel_reason = "expired";
    enum err rc = sandbox_charge_save(db, ctx, ch, ei);

    if (rc == ERR_OK)
        rc = emit(db, ctx, ch, "charge.expired", ei);
    return rc;
}

static bool
hold_expired(const struct sb_charge *ch, int64_t now_ms)
{
    return ch->c.status == GW_CHARGE_REQUIRES_CAPTURE &&
           now_ms > ch->c.capture_before_ms;
}

static enum err
state_error(const struct sb_charge *ch, struct errinfo *ei)
{
    if (ch->c.status == GW_CHARGE_CANCELED &&
        strcmp(ch->cancel_reason, "expired") == 0)
        return errinfo_set(ei, ERR_CONFLICT, "charge_expired_for_capture", NULL,
                           "the hold on charge '%s' has expired", ch->c.ref);
    return errinfo_set(ei, ERR_CONFLICT, "payment_intent_unexpected_state",
                       NULL, "charge '%s' is %s", ch->c.ref,
                       gw_charge_status_name(ch->c.status));
}

static enum err
capture_apply(struct db *db, const struct gw_ctx *ctx, struct sb_charge *ch,
              int64_t amount, struct errinfo *ei)
{
    struct gw_charge *c = &ch->c;
    enum err rc;

    if (c->status == GW_CHARGE_SUCCEEDED)
        return errinfo_set(ei, ERR_CONFLICT, "charge_already_captured", NULL,
                           "charge '%s' is already captured", c->ref);
    if (c->status != GW_CHARGE_REQUIRES_CAPTURE)
        return state_error(ch, ei);
    rc = amount_check(amount, c->amount, ei);
    if (rc == ERR_OK)
        rc = fee_for(ch->currency, amount, c->card_present, &c->fee, ei);
    if (rc)
        return rc;
    /* A partial capture releases the rest of the hold. */
    c->status = GW_CHARGE_SUCCEEDED;
    c->amount_captured = amount;
    c->capture_before_ms = 0;
    ch->captured_ms = ctx->now_ms;
    rc = sandbox_charge_save(db, ctx, ch, ei);
    if (rc == ERR_OK)
        rc = book_capture(db, ctx, ch, ei);
    if (rc == ERR_OK)
        rc = emit(db, ctx, ch, "charge.captured", ei);
    return rc;
}

/*
 * Begin, then load charge_ref unless idem_key already did op on it
 * (*seen). On failure db is closed.
 */
static enum err
begin_op(const struct gw_ctx *ctx, const char *idem_key, const char *op,
         const char *charge_ref, struct db **db, struct sb_charge *ch,
         bool *seen, struct errinfo *ei)
{
    enum err rc;

    ASSERT(idem_key != NULL && charge_ref != NULL);
    rc = sandbox_begin(ctx, false, db, ei);
    if (rc)
        return rc;
    rc = idem_seen(*db, ctx, idem_key, op, charge_ref, ei);
    *seen = rc == ERR_OK;
    if (rc == ERR_OK || rc == ERR_NOT_FOUND)
        rc = sandbox_charge_load(*db, ctx, charge_ref, false, ch, ei);
    if (rc)
        sandbox_abort(*db);
    return rc;
}

enum err
sandbox_charge_capture(const struct gw_ctx *ctx, const char *idem_key,
                       const char *charge_ref, int64_t amount,
                       struct gw_charge *out, struct errinfo *ei)
{
    struct sb_charge ch;
    struct db *db = NULL;
    bool seen = false;
    enum err rc;

    ASSERT(out != NULL);
    rc = begin_op(ctx, idem_key, "capture", charge_ref, &db, &ch, &seen, ei);
    if (rc)
        return rc;
    if (!seen && hold_expired(&ch, ctx->now_ms)) {
        /* The expiry is a state change of its own: keep it. */
        rc = finish(db, sandbox_charge_expire(db, ctx, &ch, ei), ei);
        return rc ? rc : state_error(&ch, ei);
    }
    if (!seen)
        rc = capture_apply(db, ctx, &ch, amount, ei);
    if (rc == ERR_OK && !seen)
        rc = idem_put(db, ctx, idem_key, "capture", charge_ref, ei);
    rc = finish(db, rc, ei);
    if (rc == ERR_OK)
        *out = ch.c;
    return rc;
}

static const char sql_unbook[] =
    "DELETE FROM sb_balance WHERE account_id = $1 AND source_ref = $2"
    " AND settled_ms = 0";

static enum err
cancel_apply(struct db *db, const struct gw_ctx *ctx, struct sb_charge *ch,
             struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(ch->c.ref)};
    struct gw_charge *c = &ch->c;
    enum err rc = ERR_OK;

    if (c->status == GW_CHARGE_SUCCEEDED && ch->settled_ms != 0)
        return errinfo_set(ei, ERR_CONFLICT, "charge_already_settled", NULL,
                           "charge '%s' is settled: refund it instead", c->ref);
    if (c->status == GW_CHARGE_SUCCEEDED && c->amount_refunded > 0)
        return errinfo_set(ei, ERR_CONFLICT, "charge_already_refunded", NULL,
                           "charge '%s' has refunds: refund the rest", c->ref);
    if (c->status != GW_CHARGE_SUCCEEDED &&
        c->status != GW_CHARGE_REQUIRES_CAPTURE &&
        c->status != GW_CHARGE_PROCESSING)
        return state_error(ch, ei);
    if (c->status == GW_CHARGE_SUCCEEDED) /* not settled: no money moved */
        rc = db_exec(db, ctx->a, sql_unbook, p, NPARAMS(p), NULL, ei);
    c->status = GW_CHARGE_CANCELED;
    c->amount_captured = 0;
    c->fee = 0;
    c->capture_before_ms = 0;
    ch->cancel_reason = "requested";
    if (rc == ERR_OK)
        rc = sandbox_charge_save(db, ctx, ch, ei);
    if (rc == ERR_OK)
        rc = emit(db, ctx, ch, "charge.canceled", ei);
    return rc;
}

enum err
sandbox_charge_cancel(const struct gw_ctx *ctx, const char *idem_key,
                      const char *charge_ref, struct gw_charge *out,
                      struct errinfo *ei)
{
    struct sb_charge ch;
    struct db *db = NULL;
    bool seen = false;
    enum err rc;

    ASSERT(out != NULL);
    rc = begin_op(ctx, idem_key, "cancel", charge_ref, &db, &ch, &seen, ei);
    if (rc)
        return rc;
    if (!seen)
        rc = cancel_apply(db, ctx, &ch, ei);
    if (rc == ERR_OK && !seen)
        rc = idem_put(db, ctx, idem_key, "cancel", charge_ref, ei);
    rc = finish(db, rc, ei);
    if (rc == ERR_OK)
        *out = ch.c;
    return rc;
}

/* ---- reads ---- */

static enum err
read_charge(const struct gw_ctx *ctx, const char *ref, bool by_key,
            struct gw_charge *out, struct errinfo *ei)
{
    struct sb_charge ch;
    struct db *db = NULL;
    enum err rc;

    ASSERT(ctx != NULL && ref != NULL && out != NULL);
    rc = sandbox_read(&db, ei);
    if (rc)
        return rc;
    rc = sandbox_charge_load(db, ctx, ref, by_key, &ch, ei);
    sandbox_done(db);
    if (rc == ERR_OK)
        *out = ch.c;
    return rc;
}

enum err
sandbox_charge_retrieve(const struct gw_ctx *ctx, const char *charge_ref,
                        struct gw_charge *out, struct errinfo *ei)
{
    return read_charge(ctx, charge_ref, false, out, ei);
}

enum err
sandbox_charge_lookup(const struct gw_ctx *ctx, const char *idem_key,
                      struct gw_charge *out, struct errinfo *ei)
{
    return read_charge(ctx, idem_key, true, out, ei);
}

static const char sql_charges_page[] = "SELECT " CHARGE_COLS
                                       " FROM sb_charges WHERE account_id = $1"
                                       " ORDER BY seq LIMIT $2 OFFSET $3";
static const char sql_keys_with_many[] =
    "SELECT (SELECT COUNT(*) FROM (SELECT idem_key FROM sb_charges"
    " WHERE account_id = $1 GROUP BY idem_key HAVING COUNT(*) > 1) t),"
    " (SELECT COUNT(*) FROM sb_charges WHERE account_id = $1)";

static enum err
list_rows(struct db *db, const struct gw_ctx *ctx, int64_t offset,
          int64_t limit, struct sandbox_charge_list *out, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_I64(limit),
                           P_I64(offset)};
    struct db_rows rows;
    struct db_rows many;
    enum err rc = db_exec(db, ctx->a, sql_charges_page, p, 3, &rows, ei);

    if (rc == ERR_OK)
        rc = db_one(db, ctx->a, sql_keys_with_many, p, 1, &many, ei);
    if (rc)
        return rc;
    out->items = arena_array(ctx->a, rows.nrows + 1, sizeof(*out->items));
    if (out->items == NULL)
        return sandbox_arena_full(ei);
    for (size_t i = 0; i < rows.nrows; i++) {
        struct sb_charge ch;

        sandbox_charge_of_row(&rows, i, &ch);
        out->items[i].idem_key = ch.idem_key;
        out->items[i].charge = ch.c;
    }
    out->count = rows.nrows;
    out->keys_with_many = (size_t)db_i64(&many, 0, 0);
    out->total = (size_t)db_i64(&many, 0, 1);
    return ERR_OK;
}

enum err
sandbox_charges_list(const struct gw_ctx *ctx, int64_t offset, int64_t limit,
                     struct sandbox_charge_list *out, struct errinfo *ei)
{
    struct db *db = NULL;
    enum err rc;

    ASSERT(ctx != NULL && out != NULL);
    memset(out, 0, sizeof(*out));
    rc = sandbox_read(&db, ei);
    if (rc)
        return rc;
    ASSERT(offset >= 0 && limit > 0);
    rc = list_rows(db, ctx, offset, limit, out, ei);
    sandbox_done(db);
    return rc;
}

/* ---- a card at a reader ---- */

static const char sql_reader_serial[] =
    "SELECT ref FROM sb_readers WHERE account_id = $1 AND serial = $2"
    " AND status = 'active'";
static const char sql_waiting[] = "SELECT " CHARGE_COLS
                                  " FROM sb_charges WHERE account_id = $1"
                                  " AND reader_ref = $2 AND status = 1";

/* The charge waiting at the reader with serial. */
static enum err
waiting_charge(struct db *db, const struct gw_ctx *ctx, const char *serial,
               struct sb_charge *ch, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(serial)};
    struct db_rows rows;
    enum err rc;

    rc = db_one(db, ctx->a, sql_reader_serial, p, NPARAMS(p), &rows, ei);
    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, rc, "resource_missing", "reader",
                           "no reader with serial '%s'", serial);
    if (rc)
        return rc;
    p[1] = P_TEXT(db_text(&rows, 0, 0));
    rc = db_one(db, ctx->a, sql_waiting, p, NPARAMS(p), &rows, ei);
    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, ERR_CONFLICT, "reader_idle", "reader",
                           "reader '%s' is not waiting for a card", serial);
    if (rc == ERR_OK)
        sandbox_charge_of_row(&rows, 0, ch);
    return rc;
}

static enum err
present(struct db *db, const struct gw_ctx *ctx, const char *serial,
        const struct sb_card *card, struct sb_charge *ch, struct errinfo *ei)
{
    enum err rc = waiting_charge(db, ctx, serial, ch, ei);

    if (rc == ERR_OK)
        rc = authorize(ctx, ch, card, true, ei);
    if (rc == ERR_OK)
        rc = sandbox_charge_save(db, ctx, ch, ei);
    if (rc == ERR_OK && ch->c.status == GW_CHARGE_SUCCEEDED)
        rc = book_capture(db, ctx, ch, ei);
    if (rc == ERR_OK)
        rc = emit(db, ctx, ch, event_type_of(ch), ei);
    return rc;
}

enum err
sandbox_present_card(const struct gw_ctx *ctx, const char *reader_serial,
                     const char *number, struct gw_charge *out,
                     struct errinfo *ei)
{
    struct sb_card card;
    struct sb_charge ch;
    struct db *db = NULL;
    time_t t = (time_t)(ctx->now_ms / 1000);
    struct tm tm;
    enum err rc;

    ASSERT(reader_serial != NULL && out != NULL);
    memset(out, 0, sizeof(*out));
    rc = sandbox_card_read(ctx, number, &card, ei);
    if (rc)
        return rc;
    /* A tapped card tells no expiry here: show one three years out. */
    ASSERT(gmtime_r(&t, &tm) != NULL);
    card.card.exp_month = 12;
    card.card.exp_year = tm.tm_year + 1900 + 3;
    rc = sandbox_begin(ctx, false, &db, ei);
    if (rc)
        return rc;
    rc = finish(db, present(db, ctx, reader_serial, &card, &ch, ei), ei);
    if (rc)
        return rc;
    return sandbox_charge_result(&ch, out, ei);
}

/* ---- refunds ---- */

#define REFUND_COLS "ref, charge_ref, amount, status, failure_code"

static const char sql_refund_by_ref[] = "SELECT " REFUND_COLS
                                        " FROM sb_refunds WHERE account_id = $1"
                                        " AND ref = $2";
static const char sql_refund_by_key[] = "SELECT " REFUND_COLS
                                        " FROM sb_refunds WHERE account_id = $1"
                                        " AND idem_key = $2";
static const char sql_refund_insert[] =
    "INSERT INTO sb_refunds (account_id, ref, idem_key, charge_ref,"
    " merchant_ref, amount, status, failure_code, resolve_at_ms,"
    " created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, '', $8, $9)";
static const char sql_open_disputes[] =
    "SELECT COUNT(*) FROM sb_disputes WHERE account_id = $1"
    " AND charge_ref = $2 AND status IN (1, 2, 4, 5)";

enum err
sandbox_refund_load(struct db *db, const struct gw_ctx *ctx, const char *ref,
                    bool by_key, struct gw_refund *out, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(ref)};
    struct db_rows r;
    enum err rc;

    rc = db_one(db, ctx->a, by_key ? sql_refund_by_key : sql_refund_by_ref, p,
                NPARAMS(p), &r, ei);
    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, rc, "resource_missing", "refund",
                           "no such refund '%s'", ref);
    if (rc)
        return rc;
    memset(out, 0, sizeof(*out));
    sandbox_copy(out->ref, sizeof(out->ref), db_text(&r, 0, 0));
    sandbox_copy(out->charge_ref, sizeof(out->charge_ref), db_text(&r, 0, 1));
    out->amount = db_i64(&r, 0, 2);
    out->status = (enum gw_refund_status)db_i64(&r, 0, 3);
    sandbox_copy(out->failure_code, sizeof(out->failure_code),
                 db_text(&r, 0, 4));
    ASSERT(out->amount > 0);
    return ERR_OK;
}

static enum err
refund_check(struct db *db, const struct gw_ctx *ctx,
             const struct sb_charge *ch, int64_t amount, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(ch->c.ref)};
    struct db_rows rows;
    int64_t left = ch->c.amount_captured - ch->c.amount_refunded;
    enum err rc;

    if (ch->c.status != GW_CHARGE_SUCCEEDED)
        return state_error(ch, ei);
    rc = db_one(db, ctx->a, sql_open_disputes, p, NPARAMS(p), &rows, ei);
    if (rc)
        return rc;
    if (db_i64(&rows, 0, 0) > 0)
        return errinfo_set(ei, ERR_CONFLICT, "charge_disputed", NULL,
                           "charge '%s' has an open dispute", ch->c.ref);
    if (left == 0)
        return errinfo_set(ei, ERR_CONFLICT, "charge_already_refunded", NULL,
                           "charge '%s' is fully refunded", ch->c.ref);
    return amount_check(amount, left, ei);
}

static enum err
refund_emit(struct db *db, const struct gw_ctx *ctx, const struct sb_charge *ch,
            const struct gw_refund *re, struct errinfo *ei)
{
    json_t *o = sandbox_refund_json(re, ch->currency);
    enum err rc;

    if (o == NULL)
        return sandbox_arena_full(ei);
    rc = sandbox_event_add(db, ctx, "refund.created", o, ctx->now_ms, ei);
    if (rc == ERR_OK)
        rc = emit(db, ctx, ch, "charge.refunded", ei);
    return rc;
}

static enum err
refund_new(struct db *db, const struct gw_ctx *ctx, const char *idem_key,
           struct sb_charge *ch, int64_t amount, struct gw_refund *re,
           struct errinfo *ei)
{
    enum err rc = refund_check(db, ctx, ch, amount, ei);

    memset(re, 0, sizeof(*re));
    if (rc == ERR_OK)
        rc = sandbox_new_ref(ctx, "re", re->ref, ei);
    if (rc)
        return rc;
    sandbox_copy(re->charge_ref, sizeof(re->charge_ref), ch->c.ref);
    re->amount = amount;
    re->status = ch->behaviour == SB_REFUND_PENDING ? GW_REFUND_PENDING
                                                    : GW_REFUND_SUCCEEDED;
    bool later = ch->behaviour == SB_REFUND_PENDING ||
                 ch->behaviour == SB_REFUND_FAILS;
    struct db_param p[] = {
        P_TEXT(ctx->account_id),  P_TEXT(re->ref),
        P_TEXT(idem_key),         P_TEXT(ch->c.ref),
        P_TEXT(ch->merchant_ref), P_I64(amount),
        P_I64(re->status),        P_I64(later ? ctx->now_ms : 0),
        P_I64(ctx->now_ms),
    };
    rc = db_exec(db, ctx->a, sql_refund_insert, p, NPARAMS(p), NULL, ei);
    ch->c.amount_refunded += amount;
    if (rc == ERR_OK)
        rc = sandbox_charge_save(db, ctx, ch, ei);
    if (rc == ERR_OK)
        rc = sandbox_balance_add(db, ctx, ch->merchant_ref, GW_ITEM_REFUND,
                                 re->ref, -amount, ctx->now_ms, ei);
    if (rc == ERR_OK)
        rc = refund_emit(db, ctx, ch, re, ei);
    return rc;
}

enum err
sandbox_refund_create(const struct gw_ctx *ctx, const char *idem_key,
                      const char *charge_ref, int64_t amount,
                      struct gw_refund *out, struct errinfo *ei)
{
    struct sb_charge ch;
    struct db *db = NULL;
    enum err rc;

    ASSERT(idem_key != NULL && charge_ref != NULL && out != NULL);
    rc = sandbox_begin(ctx, false, &db, ei);
    if (rc)
        return rc;
    rc = sandbox_refund_load(db, ctx, idem_key, true, out, NULL);
    if (rc == ERR_NOT_FOUND)
        rc = sandbox_charge_load(db, ctx, charge_ref, false, &ch, ei);
    else if (rc == ERR_OK)
        return finish(db, rc, ei);
    if (rc == ERR_OK)
        rc = refund_new(db, ctx, idem_key, &ch, amount, out, ei);
    return finish(db, rc, ei);
}

enum err
sandbox_refund_retrieve(const struct gw_ctx *ctx, const char *refund_ref,
                        struct gw_refund *out, struct errinfo *ei)
{
    struct db *db = NULL;
    enum err rc;

    ASSERT(refund_ref != NULL && out != NULL);
    rc = sandbox_read(&db, ei);
    if (rc)
        return rc;
    rc = sandbox_refund_load(db, ctx, refund_ref, false, out, ei);
    sandbox_done(db);
    return rc;
}

/* ---- merchant debits ---- */

static const char sql_debit_by_key[] =
    "SELECT ref FROM sb_debits WHERE account_id = $1 AND idem_key = $2";
static const char sql_debit_insert[] =
    "INSERT INTO sb_debits (account_id, ref, idem_key, merchant_ref,"
    " amount, currency, description, created_ms)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

static enum err
debit_new(struct db *db, const struct gw_ctx *ctx, const char *idem_key,
          const char *merchant_ref, int64_t amount, const char *currency,
          const char *description, char *ref_out, struct errinfo *ei)
{
    struct sb_merchant m;
    enum err rc = sandbox_merchant_load(db, ctx, merchant_ref, &m, ei);

    if (rc == ERR_OK && strcmp(m.currency, currency) != 0)
        rc = errinfo_set(ei, ERR_INVALID, "currency_mismatch", "currency",
                         "merchant '%s' takes %s, not %s", m.ref, m.currency,
                         currency);
    if (rc == ERR_OK)
        rc = sandbox_new_ref(ctx, "dbt", ref_out, ei);
    if (rc)
        return rc;
    struct db_param p[] = {
        P_TEXT(ctx->account_id), P_TEXT(ref_out),    P_TEXT(idem_key),
        P_TEXT(merchant_ref),    P_I64(amount),      P_TEXT(currency),
        P_TEXT(description),     P_I64(ctx->now_ms),
    };
    rc = db_exec(db, ctx->a, sql_debit_insert, p, NPARAMS(p), NULL, ei);
    if (rc == ERR_OK)
        rc = sandbox_balance_add(db, ctx, merchant_ref, GW_ITEM_DEBIT, ref_out,
                                 -amount, ctx->now_ms, ei);
    return rc;
}

enum err
sandbox_merchant_debit(const struct gw_ctx *ctx, const char *idem_key,
                       const char *merchant_ref, int64_t amount,
                       const char *currency, const char *description,
                       char *ref_out, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(idem_key)};
    struct db_rows rows;
    struct db *db = NULL;
    enum err rc;

    ASSERT(idem_key != NULL && currency != NULL && ref_out != NULL);
    rc = amount_check(amount, SB_AMOUNT_MAX, ei);
    if (rc == ERR_OK)
        rc = sandbox_begin(ctx, false, &db, ei);
    if (rc)
        return rc;
    rc = db_one(db, ctx->a, sql_debit_by_key, p, NPARAMS(p), &rows, ei);
    if (rc == ERR_OK)
        sandbox_copy(ref_out, GW_REF_MAX, db_text(&rows, 0, 0));
    else if (rc == ERR_NOT_FOUND)
        rc = debit_new(db, ctx, idem_key, merchant_ref, amount, currency,
                       description, ref_out, ei);
    return finish(db, rc, ei);
}
