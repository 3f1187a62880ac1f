/*
 * sandbox_settle.c - the passing of time at the sandbox: holds expire,
 * asynchronous refunds finish, disputes open and close, balances settle
 * at each merchant's daily cut-off and payouts leave and arrive. Also
 * the payout and dispute operations.
 *
 * sandbox_advance walks each merchant's cut-offs in order up to now, one
 * transaction per cut-off: first whatever fell due before it (each change
 * dated when it fell due, not when the clock was moved), then the
 * settlement and the payout. Every step is "all that is due up to T" on
 * rows whose state says it has not happened yet, so running it twice
 * changes nothing the second time.
 *
 * Invariant: a payout's amount is the exact sum of its items, which are
 * the settled balance transactions not yet in a payout (asserted after
 * every payout is written).
 */
#include <string.h>
#include <unicode/ucal.h>

#include "base/assert.h"
#include "base/json.h"
#include "gateway/sandbox_int.h"

#define EVIDENCE_MAX 16384
#define DECIDE_AFTER_MS SB_DAY_MS
#define DISPUTE_AFTER_MS SB_DAY_MS
#define RESPOND_WITHIN_MS (7 * SB_DAY_MS)

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

/* ---- time zones ---- */

/* tz as UTF-16 into id (cap units); false if it does not fit. */
static bool
to_uchars(const char *tz, UChar *id, size_t cap)
{
    size_t n = strlen(tz);

    if (n == 0 || n >= cap)
        return false;
    for (size_t i = 0; i <= n; i++)
        id[i] = (UChar)(unsigned char)tz[i];
    return true;
}

bool
sandbox_timezone_is_valid(const char *tz)
{
    UChar id[64];
    UChar canon[64];
    UBool is_system = 0;
    UErrorCode status = U_ZERO_ERROR;

    if (!to_uchars(tz, id, 64) || strcmp(tz, "Etc/Unknown") == 0)
        return false;
    ucal_getCanonicalTimeZoneID(id, -1, canon, 64, &is_system, &status);
    return U_SUCCESS(status) && is_system;
}

/* Set cal's time of day to hour:00:00.000, keeping its local date. */
static void
at_hour(UCalendar *cal, int hour)
{
    ucal_set(cal, UCAL_HOUR_OF_DAY, hour);
    ucal_set(cal, UCAL_MINUTE, 0);
    ucal_set(cal, UCAL_SECOND, 0);
    ucal_set(cal, UCAL_MILLISECOND, 0);
}

enum err
sandbox_cutoff_after(const char *tz, int hour, int64_t t_ms, int64_t *out,
                     struct errinfo *ei)
{
    UErrorCode st = U_ZERO_ERROR;
    UChar id[64];
    UCalendar *cal;
    int64_t c;

    ASSERT(hour >= 0 && hour <= 23);
    if (!to_uchars(tz, id, 64))
        return errinfo_set(ei, ERR_INVALID, "timezone_invalid", "timezone",
                           "bad time zone '%s'", tz);
    cal = ucal_open(id, -1, "en_US_POSIX", UCAL_GREGORIAN, &st);
    ucal_setMillis(cal, (UDate)t_ms, &st);
    at_hour(cal, hour);
    c = (int64_t)ucal_getMillis(cal, &st);
    if (U_SUCCESS(st) && c <= t_ms) {
        ucal_setMillis(cal, (UDate)t_ms, &st);
        ucal_add(cal, UCAL_DATE, 1, &st);
        at_hour(cal, hour);
        c = (int64_t)ucal_getMillis(cal, &st);
    }
    if (cal != NULL)
        ucal_close(cal);
    if (U_FAILURE(st))
        return errinfo_set(ei, ERR_INVALID, "timezone_invalid", "timezone",
                           "cannot compute a cut-off in '%s'", tz);
    ASSERT(c > t_ms);
    *out = c;
    return ERR_OK;
}

/* ---- refunds ---- */

static const char sql_refunds_due[] =
    "SELECT ref, resolve_at_ms FROM sb_refunds WHERE account_id = $1"
    " AND merchant_ref = $2 AND resolve_at_ms > 0 AND resolve_at_ms <= $3"
    " ORDER BY resolve_at_ms, ref";
static const char sql_refund_resolve[] =
    "UPDATE sb_refunds SET status = $3, failure_code = $4, resolve_at_ms = 0"
    " WHERE account_id = $1 AND ref = $2";

/* A refund that fails after it succeeded: the money comes back. */
static enum err
refund_fail(struct db *db, const struct gw_ctx *at, struct gw_refund *re,
            struct errinfo *ei)
{
    struct sb_charge ch;
    enum err rc = sandbox_charge_load(db, at, re->charge_ref, false, &ch, ei);

    if (rc)
        return rc;
    ASSERT(ch.c.amount_refunded >= re->amount);
    ch.c.amount_refunded -= re->amount;
    re->status = GW_REFUND_FAILED;
    sandbox_copy(re->failure_code, sizeof(re->failure_code),
                 "expired_or_canceled_card");
    rc = sandbox_charge_save(db, at, &ch, ei);
    if (rc == ERR_OK)
        rc = sandbox_balance_add(db, at, ch.merchant_ref, GW_ITEM_REFUND_FAILED,
                                 re->ref, re->amount, at->now_ms, ei);
    return rc;
}

static enum err
refund_resolve(struct db *db, const struct gw_ctx *at, const char *ref,
               struct errinfo *ei)
{
    struct gw_refund re;
    json_t *o;
    enum err rc = sandbox_refund_load(db, at, ref, false, &re, ei);

    if (rc)
        return rc;
    if (re.status == GW_REFUND_PENDING)
        re.status = GW_REFUND_SUCCEEDED;
    else
        rc = refund_fail(db, at, &re, ei);
    struct db_param p[] = {P_TEXT(at->account_id), P_TEXT(ref),
                           P_I64(re.status), P_TEXT(re.failure_code)};
    if (rc == ERR_OK)
        rc = db_exec(db, at->a, sql_refund_resolve, p, NPARAMS(p), NULL, ei);
    if (rc)
        return rc;
    o = sandbox_refund_json(&re, "");
    if (o == NULL)
        return sandbox_arena_full(ei);
    return sandbox_event_add(db, at, "charge.refund.updated", o, at->now_ms,
                             ei);
}

/* ---- disputes ---- */

#define DISPUTE_COLS                                                           \
    "ref, charge_ref, status, reason, amount, fee, due_by_ms, created_ms,"     \
    " merchant_ref, evidence, submitted_ms"

static const char sql_dispute_load[] = "SELECT " DISPUTE_COLS
                                       " FROM sb_disputes WHERE account_id = $1"
                                       " AND ref = $2";
static const char sql_dispute_insert[] =
    "INSERT INTO sb_disputes (account_id, ref, charge_ref, merchant_ref,"
    " status, reason, amount, fee, due_by_ms, evidence, submitted_ms,"
    " closed_ms, created_ms) VALUES ($1, $2, $3, $4, $5, 'fraudulent', $6,"
    " $7, $8, '', 0, 0, $9)";
static const char sql_dispute_update[] =
    "UPDATE sb_disputes SET status = $3, evidence = $4, submitted_ms = $5,"
    " closed_ms = $6 WHERE account_id = $1 AND ref = $2";

/* A dispute row with what only the sandbox keeps. */
struct sb_dispute {
    struct gw_dispute d;
    const char *merchant_ref;
    const char *evidence;
    int64_t submitted_ms;
};

static enum err
dispute_load(struct db *db, const struct gw_ctx *ctx, const char *ref,
             struct sb_dispute *out, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(ref)};
    struct db_rows r;
    struct gw_dispute *d = &out->d;
    enum err rc = db_one(db, ctx->a, sql_dispute_load, p, 2, &r, ei);

    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, rc, "resource_missing", "dispute",
                           "no such dispute '%s'", ref);
    if (rc)
        return rc;
    memset(out, 0, sizeof(*out));
    sandbox_copy(d->ref, sizeof(d->ref), db_text(&r, 0, 0));
    sandbox_copy(d->charge_ref, sizeof(d->charge_ref), db_text(&r, 0, 1));
    d->status = (enum gw_dispute_status)db_i64(&r, 0, 2);
    sandbox_copy(d->reason, sizeof(d->reason), db_text(&r, 0, 3));
    d->amount = db_i64(&r, 0, 4);
    d->fee = db_i64(&r, 0, 5);
    d->due_by_ms = db_i64(&r, 0, 6);
    d->created_ms = db_i64(&r, 0, 7);
    out->merchant_ref = db_text(&r, 0, 8);
    out->evidence = db_text(&r, 0, 9);
    out->submitted_ms = db_i64(&r, 0, 10);
    ASSERT(d->status >= GW_DISPUTE_WARNING_NEEDS_RESPONSE &&
           d->status <= GW_DISPUTE_LOST);
    return ERR_OK;
}

static enum err
dispute_save(struct db *db, const struct gw_ctx *ctx,
             const struct sb_dispute *sd, int64_t closed_ms, struct errinfo *ei)
{
    struct db_param p[] = {
        P_TEXT(ctx->account_id), P_TEXT(sd->d.ref),       P_I64(sd->d.status),
        P_TEXT(sd->evidence),    P_I64(sd->submitted_ms), P_I64(closed_ms),
    };

    return db_exec(db, ctx->a, sql_dispute_update, p, NPARAMS(p), NULL, ei);
}

static enum err
dispute_emit(struct db *db, const struct gw_ctx *ctx,
             const struct gw_dispute *d, const char *type, struct errinfo *ei)
{
    json_t *o = sandbox_dispute_json(d);

    if (o == NULL)
        return sandbox_arena_full(ei);
    return sandbox_event_add(db, ctx, type, o, ctx->now_ms, ei);
}

/* Open the dispute of ch at at->now_ms: its money leaves the balance. */
static enum err
dispute_open(struct db *db, const struct gw_ctx *at, struct sb_charge *ch,
             struct errinfo *ei)
{
    struct gw_dispute d;
    enum err rc;

    memset(&d, 0, sizeof(d));
    rc = sandbox_new_ref(at, "dp", d.ref, ei);
    if (rc)
        return rc;
    sandbox_copy(d.charge_ref, sizeof(d.charge_ref), ch->c.ref);
    sandbox_copy(d.reason, sizeof(d.reason), "fraudulent");
    d.status = GW_DISPUTE_NEEDS_RESPONSE;
    d.amount = ch->c.amount_captured;
    d.fee = sandbox_state.dispute_fee;
    d.created_ms = at->now_ms;
    d.due_by_ms = at->now_ms + RESPOND_WITHIN_MS;
    struct db_param p[] = {
        P_TEXT(at->account_id), P_TEXT(d.ref),
        P_TEXT(ch->c.ref),      P_TEXT(ch->merchant_ref),
        P_I64(d.status),        P_I64(d.amount),
        P_I64(d.fee),           P_I64(d.due_by_ms),
        P_I64(d.created_ms),
    };
    ch->disputed = true;
    rc = db_exec(db, at->a, sql_dispute_insert, p, NPARAMS(p), NULL, ei);
    if (rc == ERR_OK)
        rc = sandbox_charge_save(db, at, ch, ei);
    if (rc == ERR_OK)
        rc = sandbox_balance_add(db, at, ch->merchant_ref, GW_ITEM_DISPUTE,
                                 d.ref, -d.amount, at->now_ms, ei);
    if (rc == ERR_OK && d.fee > 0)
        rc = sandbox_balance_add(db, at, ch->merchant_ref, GW_ITEM_DISPUTE_FEE,
                                 d.ref, -d.fee, at->now_ms, ei);
    if (rc == ERR_OK)
        rc = dispute_emit(db, at, &d, "charge.dispute.created", ei);
    return rc;
}

/*
 * Close sd at at->now_ms: WON when submitted evidence contains
 * "winning_evidence" (amount and fee come back), else LOST.
 */
static enum err
dispute_decide(struct db *db, const struct gw_ctx *at, struct sb_dispute *sd,
               struct errinfo *ei)
{
    bool won = sd->d.status == GW_DISPUTE_UNDER_REVIEW &&
               strstr(sd->evidence, "winning_evidence") != NULL;
    enum err rc;

    sd->d.status = won ? GW_DISPUTE_WON : GW_DISPUTE_LOST;
    rc = dispute_save(db, at, sd, at->now_ms, ei);
    if (rc == ERR_OK && won)
        rc = sandbox_balance_add(db, at, sd->merchant_ref, GW_ITEM_DISPUTE_WON,
                                 sd->d.ref, sd->d.amount + sd->d.fee,
                                 at->now_ms, ei);
    if (rc == ERR_OK)
        rc = dispute_emit(db, at, &sd->d, "charge.dispute.closed", ei);
    return rc;
}

static const char sql_disputes_to_open[] =
    "SELECT " CHARGE_COLS " FROM sb_charges WHERE account_id = $1"
    " AND merchant_ref = $2 AND behaviour = 5 AND status = 3"
    " AND disputed = 0 AND settled_ms > 0 AND settled_ms + $4 <= $3"
    " ORDER BY settled_ms, ref";
static const char sql_disputes_to_decide[] =
    "SELECT ref, CASE WHEN status = 5 THEN submitted_ms + $4 ELSE due_by_ms"
    " END AS at FROM sb_disputes WHERE account_id = $1 AND merchant_ref = $2"
    " AND ((status = 5 AND submitted_ms + $4 <= $3)"
    " OR (status = 4 AND due_by_ms <= $3)) ORDER BY at, ref";

static enum err
disputes_due(struct db *db, const struct gw_ctx *at, const char *mref,
             struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(at->account_id), P_TEXT(mref),
                           P_I64(at->now_ms), P_I64(DISPUTE_AFTER_MS)};
    struct db_rows rows;
    enum err rc = db_exec(db, at->a, sql_disputes_to_open, p, 4, &rows, ei);

    for (size_t i = 0; rc == ERR_OK && i < rows.nrows; i++) {
        struct sb_charge ch;
        struct gw_ctx when = *at;

        sandbox_charge_of_row(&rows, i, &ch);
        when.now_ms = ch.settled_ms + DISPUTE_AFTER_MS;
        rc = dispute_open(db, &when, &ch, ei);
    }
    p[3] = P_I64(DECIDE_AFTER_MS);
    if (rc == ERR_OK)
        rc = db_exec(db, at->a, sql_disputes_to_decide, p, 4, &rows, ei);
    for (size_t i = 0; rc == ERR_OK && i < rows.nrows; i++) {
        struct sb_dispute sd;
        struct gw_ctx when = *at;

        when.now_ms = db_i64(&rows, i, 1);
        rc = dispute_load(db, at, db_text(&rows, i, 0), &sd, ei);
        if (rc == ERR_OK)
            rc = dispute_decide(db, &when, &sd, ei);
    }
    return rc;
}

/* ---- payouts ---- */

#define PAYOUT_COLS                                                            \
    "p.ref, p.bank_ref, p.status, p.amount, p.currency, p.created_ms,"         \
    " p.arrival_ms, p.failure_code, b.fails"

static const char sql_payout_load[] =
    "SELECT " PAYOUT_COLS " FROM sb_payouts p JOIN sb_banks b"
    " ON b.account_id = p.account_id AND b.ref = p.bank_ref"
    " WHERE p.account_id = $1 AND p.ref = $2";
static const char sql_payouts_arriving[] =
    "SELECT ref, arrival_ms FROM sb_payouts WHERE account_id = $1"
    " AND merchant_ref = $2 AND status = 2 AND arrival_ms <= $3"
    " ORDER BY arrival_ms, ref";
static const char sql_payout_status[] =
    "UPDATE sb_payouts SET status = $3, failure_code = $4"
    " WHERE account_id = $1 AND ref = $2";
static const char sql_payout_release[] =
    "UPDATE sb_balance SET payout_ref = NULL WHERE account_id = $1"
    " AND payout_ref = $2";
static const char sql_payout_items[] =
    "SELECT type, source_ref, amount FROM sb_payout_items"
    " WHERE account_id = $1 AND payout_ref = $2 ORDER BY at_ms, seq";

/* Load payout ref; *fails says whether its bank refuses deposits. */
static enum err
payout_load(struct db *db, const struct gw_ctx *ctx, const char *ref,
            struct gw_payout *out, bool *fails, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(ref)};
    struct db_rows r;
    enum err rc = db_one(db, ctx->a, sql_payout_load, p, 2, &r, ei);

    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, rc, "resource_missing", "payout",
                           "no such payout '%s'", ref);
    if (rc)
        return rc;
    memset(out, 0, sizeof(*out));
    sandbox_copy(out->ref, sizeof(out->ref), db_text(&r, 0, 0));
    sandbox_copy(out->bank_ref, sizeof(out->bank_ref), db_text(&r, 0, 1));
    out->status = (enum gw_payout_status)db_i64(&r, 0, 2);
    out->amount = db_i64(&r, 0, 3);
    sandbox_copy(out->currency, sizeof(out->currency), db_text(&r, 0, 4));
    out->created_ms = db_i64(&r, 0, 5);
    out->arrival_ms = db_i64(&r, 0, 6);
    sandbox_copy(out->failure_code, sizeof(out->failure_code),
                 db_text(&r, 0, 7));
    *fails = db_bool(&r, 0, 8);
    ASSERT(out->amount > 0);
    return ERR_OK;
}

static enum err
payout_emit(struct db *db, const struct gw_ctx *ctx, const struct gw_payout *p,
            const char *type, struct errinfo *ei)
{
    json_t *o = sandbox_payout_json(p);

    if (o == NULL)
        return sandbox_arena_full(ei);
    return sandbox_event_add(db, ctx, type, o, ctx->now_ms, ei);
}

/*
 * Payout ref arrives at at->now_ms: PAID, or FAILED ("no_account") at the
 * failing test bank account, whose items go back to the balance.
 */
static enum err
payout_arrive(struct db *db, const struct gw_ctx *at, const char *ref,
              struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(at->account_id), P_TEXT(ref), P_I64(0),
                           P_TEXT("")};
    struct gw_payout po;
    bool fails = false;
    enum err rc = payout_load(db, at, ref, &po, &fails, ei);

    if (rc)
        return rc;
    ASSERT(po.status == GW_PAYOUT_IN_TRANSIT);
    po.status = fails ? GW_PAYOUT_FAILED : GW_PAYOUT_PAID;
    sandbox_copy(po.failure_code, sizeof(po.failure_code),
                 fails ? "no_account" : "");
    p[2] = P_I64(po.status);
    p[3] = P_TEXT(po.failure_code);
    rc = db_exec(db, at->a, sql_payout_status, p, 4, NULL, ei);
    if (rc == ERR_OK && fails)
        rc = db_exec(db, at->a, sql_payout_release, p, 2, NULL, ei);
    if (rc == ERR_OK)
        rc = payout_emit(db, at, &po, fails ? "payout.failed" : "payout.paid",
                         ei);
    return rc;
}

static const char sql_holds_expiring[] =
    "SELECT " CHARGE_COLS " FROM sb_charges WHERE account_id = $1"
    " AND merchant_ref = $2 AND status = 2 AND capture_before_ms < $3"
    " ORDER BY capture_before_ms, ref";

static enum err
holds_due(struct db *db, const struct gw_ctx *at, const char *mref,
          struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(at->account_id), P_TEXT(mref),
                           P_I64(at->now_ms)};
    struct db_rows rows;
    enum err rc = db_exec(db, at->a, sql_holds_expiring, p, 3, &rows, ei);

    for (size_t i = 0; rc == ERR_OK && i < rows.nrows; i++) {
        struct sb_charge ch;
        struct gw_ctx when = *at;

        sandbox_charge_of_row(&rows, i, &ch);
        /* Dated the first millisecond the hold no longer allows capture. */
        when.now_ms = ch.c.capture_before_ms + 1;
        rc = sandbox_charge_expire(db, &when, &ch, ei);
    }
    return rc;
}

/* Everything of merchant mref that fell due up to at->now_ms. */
static enum err
due_steps(struct db *db, const struct gw_ctx *at, const char *mref,
          struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(at->account_id), P_TEXT(mref),
                           P_I64(at->now_ms)};
    struct db_rows rows;
    enum err rc = holds_due(db, at, mref, ei);

    if (rc == ERR_OK)
        rc = db_exec(db, at->a, sql_refunds_due, p, 3, &rows, ei);
    for (size_t i = 0; rc == ERR_OK && i < rows.nrows; i++) {
        struct gw_ctx when = *at;

        when.now_ms = db_i64(&rows, i, 1);
        rc = refund_resolve(db, &when, db_text(&rows, i, 0), ei);
    }
    if (rc == ERR_OK)
        rc = disputes_due(db, at, mref, ei);
    if (rc == ERR_OK)
        rc = db_exec(db, at->a, sql_payouts_arriving, p, 3, &rows, ei);
    for (size_t i = 0; rc == ERR_OK && i < rows.nrows; i++) {
        struct gw_ctx when = *at;

        when.now_ms = db_i64(&rows, i, 1);
        rc = payout_arrive(db, &when, db_text(&rows, i, 0), ei);
    }
    return rc;
}

/* ---- settlement ---- */

static const char sql_settle_balance[] =
    "UPDATE sb_balance SET settled_ms = $3 WHERE account_id = $1"
    " AND merchant_ref = $2 AND settled_ms = 0 AND at_ms <= $3";
static const char sql_settle_charges[] =
    "UPDATE sb_charges SET settled_ms = $3 WHERE account_id = $1"
    " AND merchant_ref = $2 AND settled_ms = 0 AND status = 3"
    " AND captured_ms <= $3";
static const char sql_default_bank[] =
    "SELECT ref FROM sb_banks WHERE account_id = $1 AND merchant_ref = $2"
    " AND is_default = 1 AND status = 'active'";
static const char sql_unpaid_sum[] =
    "SELECT COALESCE(SUM(amount), 0) FROM sb_balance WHERE account_id = $1"
    " AND merchant_ref = $2 AND settled_ms > 0 AND payout_ref IS NULL";
static const char sql_payout_insert[] =
    "INSERT INTO sb_payouts (account_id, ref, merchant_ref, bank_ref,"
    " status, amount, currency, failure_code, created_ms, arrival_ms)"
    " VALUES ($1, $2, $3, $4, 2, $5, $6, '', $7, $8)";
static const char sql_payout_claim[] =
    "UPDATE sb_balance SET payout_ref = $3 WHERE account_id = $1"
    " AND merchant_ref = $2 AND settled_ms > 0 AND payout_ref IS NULL";
static const char sql_items_insert[] =
    "INSERT INTO sb_payout_items (account_id, payout_ref, balance_ref,"
    " type, source_ref, amount, seq, at_ms) SELECT account_id, payout_ref,"
    " ref, type, source_ref, amount, seq, at_ms FROM sb_balance"
    " WHERE account_id = $1 AND payout_ref = $2";
static const char sql_items_sum[] =
    "SELECT COALESCE(SUM(amount), 0), COUNT(*) FROM sb_payout_items"
    " WHERE account_id = $1 AND payout_ref = $2";

/* Write payout po of merchant m with every settled unpaid item. */
static enum err
payout_write(struct db *db, const struct gw_ctx *at,
             const struct sb_merchant *m, const struct gw_payout *po,
             struct errinfo *ei)
{
    struct db_param p[] = {
        P_TEXT(at->account_id), P_TEXT(po->ref),       P_TEXT(m->ref),
        P_TEXT(po->bank_ref),   P_I64(po->amount),     P_TEXT(m->currency),
        P_I64(po->created_ms),  P_I64(po->arrival_ms),
    };
    struct db_param q[] = {P_TEXT(at->account_id), P_TEXT(m->ref),
                           P_TEXT(po->ref)};
    struct db_rows rows;
    enum err rc;

    rc = db_exec(db, at->a, sql_payout_insert, p, NPARAMS(p), NULL, ei);
    if (rc == ERR_OK)
        rc = db_exec(db, at->a, sql_payout_claim, q, 3, NULL, ei);
    q[1] = P_TEXT(po->ref);
    if (rc == ERR_OK)
        rc = db_exec(db, at->a, sql_items_insert, q, 2, NULL, ei);
    if (rc == ERR_OK)
        rc = db_one(db, at->a, sql_items_sum, q, 2, &rows, ei);
    if (rc)
        return rc;
    /* The payout is exactly its items. */
    ASSERT(db_i64(&rows, 0, 0) == po->amount);
    ASSERT(db_i64(&rows, 0, 1) > 0);
    return payout_emit(db, at, po, "payout.created", ei);
}

/* At cut-off at->now_ms: pay out the settled balance if positive. */
static enum err
payout_make(struct db *db, const struct gw_ctx *at, const struct sb_merchant *m,
            struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(at->account_id), P_TEXT(m->ref)};
    struct db_rows bank;
    struct db_rows sum;
    struct gw_payout po;
    enum err rc = db_one(db, at->a, sql_default_bank, p, 2, &bank, ei);

    if (rc == ERR_NOT_FOUND) /* no bank account: the balance waits */
        return ERR_OK;
    if (rc == ERR_OK)
        rc = db_one(db, at->a, sql_unpaid_sum, p, 2, &sum, ei);
    if (rc)
        return rc;
    if (db_i64(&sum, 0, 0) <= 0) /* nothing to pay: items carry over */
        return ERR_OK;
    memset(&po, 0, sizeof(po));
    po.status = GW_PAYOUT_IN_TRANSIT;
    po.amount = db_i64(&sum, 0, 0);
    po.created_ms = at->now_ms;
    sandbox_copy(po.bank_ref, sizeof(po.bank_ref), db_text(&bank, 0, 0));
    sandbox_copy(po.currency, sizeof(po.currency), m->currency);
    rc = sandbox_new_ref(at, "po", po.ref, ei);
    if (rc == ERR_OK)
        rc = sandbox_cutoff_after(m->timezone, sandbox_state.settle_hour,
                                  at->now_ms, &po.arrival_ms, ei);
    if (rc == ERR_OK)
        rc = payout_write(db, at, m, &po, ei);
    return rc;
}

static const char sql_next_cutoff[] =
    "UPDATE sb_merchants SET next_cutoff_ms = $3 WHERE account_id = $1"
    " AND ref = $2";

/* Settle merchant m at its cut-off at->now_ms and move it a day on. */
static enum err
settle(struct db *db, const struct gw_ctx *at, const struct sb_merchant *m,
       struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(at->account_id), P_TEXT(m->ref),
                           P_I64(at->now_ms)};
    int64_t next = 0;
    enum err rc;

    ASSERT(m->next_cutoff_ms == at->now_ms);
    rc = db_exec(db, at->a, sql_settle_balance, p, 3, NULL, ei);
    if (rc == ERR_OK)
        rc = db_exec(db, at->a, sql_settle_charges, p, 3, NULL, ei);
    if (rc == ERR_OK)
        rc = payout_make(db, at, m, ei);
    if (rc == ERR_OK)
        rc = sandbox_cutoff_after(m->timezone, sandbox_state.settle_hour,
                                  at->now_ms, &next, ei);
    p[2] = P_I64(next);
    if (rc == ERR_OK)
        rc = db_exec(db, at->a, sql_next_cutoff, p, 3, NULL, ei);
    return rc;
}

/*
 * One step of merchant mref: up to its next cut-off if that has come
 * (*more: another may follow), else up to now. One transaction.
 */
static enum err
merchant_step(const struct gw_ctx *ctx, const char *mref, bool *more,
              struct errinfo *ei)
{
    struct gw_ctx at = *ctx;
    struct sb_merchant m;
    struct db *db = NULL;
    enum err rc = sandbox_begin(ctx, false, &db, ei);

    *more = false;
    if (rc)
        return rc;
    rc = sandbox_merchant_load(db, ctx, mref, &m, ei);
    if (rc == ERR_OK && m.next_cutoff_ms <= ctx->now_ms) {
        at.now_ms = m.next_cutoff_ms;
        *more = true;
    }
    if (rc == ERR_OK)
        rc = due_steps(db, &at, mref, ei);
    if (rc == ERR_OK && *more)
        rc = settle(db, &at, &m, ei);
    rc = finish(db, rc, ei);
    if (rc)
        *more = false;
    return rc;
}

static const char sql_merchants[] =
    "SELECT ref FROM sb_merchants WHERE account_id = $1"
    " ORDER BY created_ms, ref";

enum err
sandbox_advance(const struct gw_ctx *ctx, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id)};
    struct db_rows rows;
    struct db *db = NULL;
    enum err rc;

    ASSERT(ctx != NULL && ctx->account_id != NULL);
    rc = sandbox_read(&db, ei);
    if (rc)
        return rc;
    rc = db_exec(db, ctx->a, sql_merchants, p, 1, &rows, ei);
    sandbox_done(db);
    for (size_t i = 0; rc == ERR_OK && i < rows.nrows; i++) {
        bool more = true;

        while (rc == ERR_OK && more)
            rc = merchant_step(ctx, db_text(&rows, i, 0), &more, ei);
    }
    if (rc)
        return rc;
    return sandbox_deliver(ctx, NULL, ei);
}

/* ---- payout and dispute operations ---- */

static enum err
items_load(struct db *db, const struct gw_ctx *ctx, struct gw_payout *po,
           struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(po->ref)};
    struct db_rows r;
    int64_t sum = 0;
    enum err rc = db_exec(db, ctx->a, sql_payout_items, p, 2, &r, ei);

    if (rc)
        return rc;
    po->items = arena_array(ctx->a, r.nrows + 1, sizeof(*po->items));
    if (po->items == NULL)
        return sandbox_arena_full(ei);
    for (size_t i = 0; i < r.nrows; i++) {
        struct gw_payout_item *it = &po->items[i];

        it->type = (enum gw_item_type)db_i64(&r, i, 0);
        sandbox_copy(it->source_ref, sizeof(it->source_ref), db_text(&r, i, 1));
        it->amount = db_i64(&r, i, 2);
        sum += it->amount;
    }
    po->item_count = r.nrows;
    ASSERT(sum == po->amount);
    return ERR_OK;
}

enum err
sandbox_payout_retrieve(const struct gw_ctx *ctx, const char *payout_ref,
                        struct gw_payout *out, struct errinfo *ei)
{
    struct db *db = NULL;
    bool fails = false;
    enum err rc;

    ASSERT(payout_ref != NULL && out != NULL);
    rc = sandbox_read(&db, ei);
    if (rc)
        return rc;
    rc = payout_load(db, ctx, payout_ref, out, &fails, ei);
    if (rc == ERR_OK)
        rc = items_load(db, ctx, out, ei);
    sandbox_done(db);
    return rc;
}

enum err
sandbox_dispute_retrieve(const struct gw_ctx *ctx, const char *dispute_ref,
                         struct gw_dispute *out, struct errinfo *ei)
{
    struct sb_dispute sd;
    struct db *db = NULL;
    enum err rc;

    ASSERT(dispute_ref != NULL && out != NULL);
    rc = sandbox_read(&db, ei);
    if (rc)
        return rc;
    rc = dispute_load(db, ctx, dispute_ref, &sd, ei);
    sandbox_done(db);
    if (rc == ERR_OK)
        *out = sd.d;
    return rc;
}

static enum err
evidence_apply(struct db *db, const struct gw_ctx *ctx, struct sb_dispute *sd,
               const char *evidence_json, bool submit, struct errinfo *ei)
{
    if (sd->d.status != GW_DISPUTE_NEEDS_RESPONSE &&
        sd->d.status != GW_DISPUTE_WARNING_NEEDS_RESPONSE)
        return errinfo_set(ei, ERR_CONFLICT, "dispute_not_editable", NULL,
                           "dispute '%s' is %s", sd->d.ref,
                           gw_dispute_status_name(sd->d.status));
    if (ctx->now_ms > sd->d.due_by_ms)
        return errinfo_set(ei, ERR_CONFLICT, "dispute_past_due", NULL,
                           "evidence for dispute '%s' was due earlier",
                           sd->d.ref);
    if (evidence_json != NULL)
        sd->evidence = evidence_json;
    if (submit) {
        sd->d.status = sd->d.status == GW_DISPUTE_NEEDS_RESPONSE
                           ? GW_DISPUTE_UNDER_REVIEW
                           : GW_DISPUTE_WARNING_UNDER_REVIEW;
        sd->submitted_ms = ctx->now_ms;
    }
    enum err rc = dispute_save(db, ctx, sd, 0, ei);

    if (rc == ERR_OK)
        rc = dispute_emit(db, ctx, &sd->d, "charge.dispute.updated", ei);
    return rc;
}

/* Evidence must be a JSON object of reasonable size. */
static enum err
evidence_check(const char *evidence_json, struct errinfo *ei)
{
    json_t *v = NULL;
    enum err rc;

    if (evidence_json == NULL)
        return ERR_OK;
    if (strlen(evidence_json) > EVIDENCE_MAX)
        return errinfo_set(ei, ERR_INVALID, "evidence_too_large", "evidence",
                           "evidence is larger than %d bytes", EVIDENCE_MAX);
    rc = json_parse_object(str_c(evidence_json), &v, ei);
    if (rc && ei != NULL)
        sandbox_copy(ei->param, sizeof(ei->param), "evidence");
    json_decref(v);
    return rc;
}

enum err
sandbox_dispute_evidence(const struct gw_ctx *ctx, const char *dispute_ref,
                         const char *evidence_json, bool submit,
                         struct gw_dispute *out, struct errinfo *ei)
{
    struct sb_dispute sd;
    struct db *db = NULL;
    enum err rc;

    ASSERT(dispute_ref != NULL && out != NULL);
    rc = evidence_check(evidence_json, ei);
    if (rc == ERR_OK)
        rc = sandbox_begin(ctx, false, &db, ei);
    if (rc)
        return rc;
    rc = dispute_load(db, ctx, dispute_ref, &sd, ei);
    if (rc == ERR_OK)
        rc = evidence_apply(db, ctx, &sd, evidence_json, submit, ei);
    rc = finish(db, rc, ei);
    if (rc == ERR_OK)
        *out = sd.d;
    return rc;
}
