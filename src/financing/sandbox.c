/*
 * sandbox.c - the sandbox financing connector: Cherry's and Klarna's
 * behaviour simulated inside the binary (docs/financing.md).
 *
 * Owns the financing_sandbox_* tables of Poise's database (migration
 * 0010) and never touches any other. Every statement filters on the
 * account and the provider. Outcomes depend only on the amount (the test
 * values of each connector's rules) and on what was recorded before, so
 * tests choose them by amount and never by chance.
 *
 * Money calls (charge, refund, cancel) each run in one write transaction
 * on ctx->db that first locks the practice's merchant row, so calls of
 * one account and provider are serialized on both engines and a lookup
 * of the idempotency key followed by an insert cannot race. What a call
 * records is committed before it answers, whatever the answer: a decline
 * (a retry answers the same decline), and a charge or refund whose answer
 * the simulation then loses (ERR_GATEWAY: a retry with the key answers
 * it). Refused requests (bad currency, reused key, wrong state) record
 * nothing.
 */
#include <stdio.h>
#include <string.h>

#include "base/assert.h"
#include "base/crypto.h"
#include "financing/financing_int.h"

#define NPARAMS(p) (sizeof(p) / sizeof((p)[0]))

/* ---- the decision (pure) ---- */

void
fin_sandbox_decide(const struct fin_rules *rules, int64_t amount,
                   struct fin_decision *out)
{
    int cents = (int)(amount % 100);

    ASSERT(rules != NULL && out != NULL);
    ASSERT(amount > 0);
    memset(out, 0, sizeof(*out));
    out->outcome = FIN_OUTCOME_APPROVE;
    if (amount < rules->amount_min || amount > rules->amount_max) {
        out->outcome = FIN_OUTCOME_DECLINE;
        out->decline_code = "amount_out_of_range";
        out->message = rules->range_message;
        return;
    }
    for (size_t i = 0; i < rules->decline_count; i++) {
        if (rules->declines[i].cents == cents) {
            out->outcome = FIN_OUTCOME_DECLINE;
            out->decline_code = rules->declines[i].decline_code;
            out->message = rules->declines[i].message;
            return;
        }
    }
    if (cents == FIN_CENTS_ANSWER_LOST)
        out->outcome = FIN_OUTCOME_APPROVE_ANSWER_LOST;
}

bool
fin_sandbox_currency_ok(const struct fin_rules *rules, const char *currency)
{
    ASSERT(rules != NULL && currency != NULL);
    for (size_t i = 0; rules->currencies[i] != NULL; i++) {
        if (strcmp(rules->currencies[i], currency) == 0)
            return true;
    }
    return false;
}

/* ---- rows ---- */

static void
copy(char *dst, size_t cap, const char *src)
{
    size_t n = src != NULL ? strlen(src) : 0;

    ASSERT(cap > 0);
    ASSERT(n < cap); /* every value was checked to fit before it was kept */
    memcpy(dst, src != NULL ? src : "", n);
    dst[n] = '\0';
}

static const char *const status_names[] = {
    [FIN_CHARGE_APPROVED] = "approved",
    [FIN_CHARGE_DECLINED] = "declined",
    [FIN_CHARGE_CANCELED] = "canceled",
};

static enum fin_charge_status
status_of(const char *name)
{
    for (int s = FIN_CHARGE_APPROVED; s <= FIN_CHARGE_CANCELED; s++) {
        if (strcmp(status_names[s], name) == 0)
            return (enum fin_charge_status)s;
    }
    ASSERT(!"unknown financing charge status in the sandbox's table");
    return 0;
}

#define CHARGE_COLS                                                            \
    "id, status, merchant_id, patient_id, amount_minor,"                       \
    " amount_refunded_minor, currency, decline_code, created_at_ms,"           \
    " canceled_at_ms"

static void
charge_row(const struct db_rows *r, size_t i, void *out)
{
    struct fin_charge *c = out;

    memset(c, 0, sizeof(*c));
    copy(c->ref, sizeof(c->ref), db_text(r, i, 0));
    c->status = status_of(db_text(r, i, 1));
    copy(c->merchant_id, sizeof(c->merchant_id), db_text(r, i, 2));
    copy(c->patient_id, sizeof(c->patient_id), db_text(r, i, 3));
    c->amount = db_i64(r, i, 4);
    c->amount_refunded = db_i64(r, i, 5);
    copy(c->currency, sizeof(c->currency), db_text(r, i, 6));
    copy(c->decline_code, sizeof(c->decline_code), db_text(r, i, 7));
    c->created_ms = db_i64(r, i, 8);
    c->canceled_ms = db_i64(r, i, 9);
    ASSERT(c->amount > 0);
    ASSERT(c->amount_refunded >= 0 && c->amount_refunded <= c->amount);
}

static const char sql_charge_by_key[] =
    "SELECT " CHARGE_COLS " FROM financing_sandbox_charges"
    " WHERE account_id = $1 AND provider = $2 AND idem_key = $3"
    " AND merchant_id = $4";
static const char sql_charge_by_ref[] =
    "SELECT " CHARGE_COLS " FROM financing_sandbox_charges"
    " WHERE account_id = $1 AND provider = $2 AND id = $3"
    " AND merchant_id = $4";
static const char sql_charge_by_cancel_key[] =
    "SELECT " CHARGE_COLS " FROM financing_sandbox_charges"
    " WHERE account_id = $1 AND provider = $2 AND cancel_idem_key = $3"
    " AND merchant_id = $4";

/* Load the one charge sql finds with key; ERR_NOT_FOUND when none. */
static enum err
charge_load(const struct fin_rules *rules, const struct fin_ctx *ctx,
            const char *sql, const char *key, struct fin_charge *out,
            struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(rules->provider),
                           P_TEXT(key), P_TEXT(ctx->merchant_id)};

    return db_one_as(ctx->db, ctx->a, sql, p, NPARAMS(p), charge_row, out, ei);
}

/* ---- transactions ---- */

static const char sql_merchant_lock[] =
    "UPDATE financing_sandbox_merchants SET seq = seq + 1"
    " WHERE account_id = $1 AND provider = $2 RETURNING merchant_id, status";

static enum err
not_connected(const struct fin_rules *rules, const struct fin_ctx *ctx,
              struct errinfo *ei)
{
    return errinfo_set(ei, ERR_NOT_FOUND, "merchant_not_connected", NULL,
                       "merchant '%s' is not connected to %s", ctx->merchant_id,
                       rules->display_name);
}

/*
 * Begin ctx's write transaction and lock the merchant row: ERR_NOT_FOUND
 * "merchant_not_connected" unless ctx->merchant_id is the account's
 * active merchant. On failure nothing is open.
 */
static enum err
begin(const struct fin_rules *rules, const struct fin_ctx *ctx,
      struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(rules->provider)};
    struct db_rows rows;
    enum err rc;

    ASSERT(!db_in_tx(ctx->db));
    rc = db_begin(ctx->db, true);
    if (rc)
        return errinfo_set(ei, rc, "store_error", NULL,
                           "the financing sandbox cannot begin");
    rc = db_one(ctx->db, ctx->a, sql_merchant_lock, p, NPARAMS(p), &rows, ei);
    if (rc == ERR_OK && (strcmp(db_text(&rows, 0, 1), "active") != 0 ||
                         strcmp(db_text(&rows, 0, 0), ctx->merchant_id) != 0))
        rc = ERR_NOT_FOUND;
    if (rc == ERR_NOT_FOUND)
        rc = not_connected(rules, ctx, ei);
    if (rc)
        db_rollback(ctx->db);
    return rc;
}

/*
 * Close the transaction begin opened: commit what the call recorded when
 * keep (the answer rc stands unless the commit fails), else roll back.
 */
static enum err
end(const struct fin_ctx *ctx, bool keep, enum err rc, struct errinfo *ei)
{
    enum err crc;

    if (!keep) {
        db_rollback(ctx->db);
        return rc;
    }
    crc = db_commit(ctx->db);
    if (crc)
        return errinfo_set(ei, crc, "store_error", NULL,
                           "the financing sandbox could not commit");
    return rc;
}

static enum err
answer_lost(const struct fin_rules *rules, struct errinfo *ei)
{
    return errinfo_set(ei, ERR_GATEWAY, "financing_unreachable", NULL,
                       "no answer from %s; the outcome is unknown: retry "
                       "with the same idempotency key",
                       rules->display_name);
}

static enum err
key_reused(const char *what, struct errinfo *ei)
{
    return errinfo_set(ei, ERR_INVALID, "idempotency_error", NULL,
                       "this idempotency key was used for another %s", what);
}

static enum err
new_ref(const struct fin_ctx *ctx, const char *prefix, char *out,
        struct errinfo *ei)
{
    char *id = id_new(ctx->a, prefix, ctx->now_ms);

    if (id == NULL)
        return errinfo_set(ei, ERR_LIMIT, "request_too_large", NULL,
                           "out of memory for this request");
    copy(out, FIN_REF_MAX, id);
    return ERR_OK;
}

/* ---- set-up (in the caller's transaction) ---- */

static const char sql_merchant_put[] =
    "INSERT INTO financing_sandbox_merchants (account_id, provider,"
    " merchant_id, name, status, created_at_ms, updated_at_ms)"
    " VALUES ($1, $2, $3, $4, 'active', $5, $5)"
    " ON CONFLICT (account_id, provider) DO UPDATE SET merchant_id = $3,"
    " name = $4, status = 'active', updated_at_ms = $5";

enum err
fin_sandbox_connect(const struct fin_rules *rules, const struct fin_ctx *ctx,
                    const char *name, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(rules->provider),
                           P_TEXT(ctx->merchant_id), P_TEXT(name),
                           P_I64(ctx->now_ms)};

    ASSERT(db_in_tx(ctx->db));
    ASSERT(name != NULL);
    /* The sandbox's one unknown merchant, to test a refused connection. */
    if (strncmp(ctx->merchant_id, "unknown", 7) == 0)
        return errinfo_set(ei, ERR_RULE, "merchant_not_found", "merchant_id",
                           "%s has no merchant '%s'", rules->display_name,
                           ctx->merchant_id);
    return db_exec(ctx->db, ctx->a, sql_merchant_put, p, NPARAMS(p), NULL, ei);
}

static const char sql_merchant_stop[] =
    "UPDATE financing_sandbox_merchants SET status = 'inactive',"
    " updated_at_ms = $4 WHERE account_id = $1 AND provider = $2"
    " AND merchant_id = $3";

enum err
fin_sandbox_disconnect(const struct fin_rules *rules, const struct fin_ctx *ctx,
                       struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(rules->provider),
                           P_TEXT(ctx->merchant_id), P_I64(ctx->now_ms)};

    ASSERT(db_in_tx(ctx->db));
    return db_exec(ctx->db, ctx->a, sql_merchant_stop, p, NPARAMS(p), NULL, ei);
}

/* ---- charges ---- */

static const char sql_charge_insert[] =
    "INSERT INTO financing_sandbox_charges (account_id, id, provider,"
    " merchant_id, idem_key, patient_id, amount_minor, currency, status,"
    " decline_code, created_at_ms, updated_at_ms)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)";

static enum err
charge_insert(const struct fin_rules *rules, const struct fin_ctx *ctx,
              const char *idem_key, const struct fin_charge *c,
              struct errinfo *ei)
{
    struct db_param p[] = {
        P_TEXT(ctx->account_id),
        P_TEXT(c->ref),
        P_TEXT(rules->provider),
        P_TEXT(c->merchant_id),
        P_TEXT(idem_key),
        P_TEXT(c->patient_id),
        P_I64(c->amount),
        P_TEXT(c->currency),
        P_TEXT(status_names[c->status]),
        c->decline_code[0] != '\0' ? P_TEXT(c->decline_code) : P_NULL,
        P_I64(c->created_ms),
    };
    enum err rc = db_exec(ctx->db, ctx->a, sql_charge_insert, p, NPARAMS(p),
                          NULL, ei);

    /* Writes are serialized by the merchant lock: a clash is a retry. */
    if (rc == ERR_CONFLICT)
        return errinfo_set(ei, ERR_BUSY, "busy", NULL,
                           "a concurrent call used this key; retry");
    return rc;
}

/* What a caller sees of charge c: ERR_DECLINED with its codes, or ERR_OK. */
static enum err
charge_result(const struct fin_rules *rules, const struct fin_charge *c,
              struct fin_charge *out, struct errinfo *ei)
{
    struct fin_decision d;

    *out = *c;
    if (c->status != FIN_CHARGE_DECLINED)
        return ERR_OK;
    /* The message is the rules'; a stored decline decides the same way. */
    fin_sandbox_decide(rules, c->amount, &d);
    return errinfo_decline(ei, "financing_declined", c->decline_code,
                           d.message != NULL ? d.message
                                             : "the financing was declined");
}

static bool
same_charge(const struct fin_charge *c, const struct fin_charge_req *r)
{
    return c->amount == r->amount && strcmp(c->currency, r->currency) == 0 &&
           strcmp(c->patient_id, r->patient_id) == 0;
}

/* A new charge of r decided by rules, filled into c. */
static enum err
charge_new(const struct fin_rules *rules, const struct fin_ctx *ctx,
           const struct fin_charge_req *r, const struct fin_decision *d,
           struct fin_charge *c, struct errinfo *ei)
{
    memset(c, 0, sizeof(*c));
    c->status = d->outcome == FIN_OUTCOME_DECLINE ? FIN_CHARGE_DECLINED
                                                  : FIN_CHARGE_APPROVED;
    copy(c->merchant_id, sizeof(c->merchant_id), ctx->merchant_id);
    copy(c->patient_id, sizeof(c->patient_id), r->patient_id);
    c->amount = r->amount;
    copy(c->currency, sizeof(c->currency), r->currency);
    copy(c->decline_code, sizeof(c->decline_code), d->decline_code);
    c->created_ms = ctx->now_ms;
    return new_ref(ctx, rules->charge_prefix, c->ref, ei);
}

static enum err
charge_in_tx(const struct fin_rules *rules, const struct fin_ctx *ctx,
             const struct fin_charge_req *r, struct fin_charge *out, bool *keep,
             struct errinfo *ei)
{
    struct fin_charge c;
    struct fin_decision d;
    enum err rc = charge_load(rules, ctx, sql_charge_by_key, r->idem_key, &c,
                              ei);

    if (rc == ERR_OK)
        return same_charge(&c, r) ? charge_result(rules, &c, out, ei)
                                  : key_reused("charge", ei);
    if (rc != ERR_NOT_FOUND)
        return rc;
    if (!fin_sandbox_currency_ok(rules, r->currency))
        return errinfo_set(ei, ERR_INVALID, "currency_unsupported", "currency",
                           "%s does not take %s", rules->display_name,
                           r->currency);
    fin_sandbox_decide(rules, r->amount, &d);
    rc = charge_new(rules, ctx, r, &d, &c, ei);
    if (rc == ERR_OK)
        rc = charge_insert(rules, ctx, r->idem_key, &c, ei);
    if (rc)
        return rc;
    *keep = true;
    if (d.outcome == FIN_OUTCOME_APPROVE_ANSWER_LOST)
        return answer_lost(rules, ei);
    return charge_result(rules, &c, out, ei);
}

enum err
fin_sandbox_charge(const struct fin_rules *rules, const struct fin_ctx *ctx,
                   const struct fin_charge_req *r, struct fin_charge *out,
                   struct errinfo *ei)
{
    bool keep = false;
    enum err rc = begin(rules, ctx, ei);

    if (rc)
        return rc;
    rc = charge_in_tx(rules, ctx, r, out, &keep, ei);
    return end(ctx, keep, rc, ei);
}

/* ---- refunds ---- */

#define REFUND_COLS "id, charge_id, amount_minor, currency, created_at_ms"

static const char sql_refund_by_key[] =
    "SELECT " REFUND_COLS " FROM financing_sandbox_refunds"
    " WHERE account_id = $1 AND provider = $2 AND idem_key = $3";
static const char sql_refund_insert[] =
    "INSERT INTO financing_sandbox_refunds (account_id, id, provider,"
    " charge_id, idem_key, amount_minor, currency, created_at_ms)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
static const char sql_charge_refunded[] =
    "UPDATE financing_sandbox_charges SET amount_refunded_minor ="
    " amount_refunded_minor + $3, updated_at_ms = $4"
    " WHERE account_id = $1 AND id = $2";

static void
refund_row(const struct db_rows *r, size_t i, void *out)
{
    struct fin_refund *f = out;

    memset(f, 0, sizeof(*f));
    copy(f->ref, sizeof(f->ref), db_text(r, i, 0));
    copy(f->charge_ref, sizeof(f->charge_ref), db_text(r, i, 1));
    f->amount = db_i64(r, i, 2);
    copy(f->currency, sizeof(f->currency), db_text(r, i, 3));
    f->created_ms = db_i64(r, i, 4);
    ASSERT(f->amount > 0);
}

/* Why charge c cannot give amount back, or ERR_OK. */
static enum err
refund_check(const struct fin_charge *c, int64_t amount, const char *currency,
             struct errinfo *ei)
{
    int64_t left = c->amount - c->amount_refunded;

    if (strcmp(c->currency, currency) != 0)
        return errinfo_set(ei, ERR_INVALID, "currency_mismatch", "currency",
                           "charge '%s' is in %s, not %s", c->ref, c->currency,
                           currency);
    if (c->status != FIN_CHARGE_APPROVED)
        return errinfo_set(ei, ERR_CONFLICT, "charge_not_refundable", NULL,
                           "charge '%s' is %s: nothing was paid", c->ref,
                           status_names[c->status]);
    if (left == 0)
        return errinfo_set(ei, ERR_CONFLICT, "charge_already_refunded", NULL,
                           "charge '%s' is refunded in full", c->ref);
    if (amount > left)
        return errinfo_set(ei, ERR_INVALID, "amount_too_large", "amount",
                           "%lld is more than the %lld left to refund on "
                           "charge '%s'",
                           (long long)amount, (long long)left, c->ref);
    return ERR_OK;
}

static enum err
refund_insert(const struct fin_rules *rules, const struct fin_ctx *ctx,
              const char *idem_key, const struct fin_refund *f,
              struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(f->ref),
                           P_TEXT(rules->provider), P_TEXT(f->charge_ref),
                           P_TEXT(idem_key),        P_I64(f->amount),
                           P_TEXT(f->currency),     P_I64(f->created_ms)};
    struct db_param q[] = {P_TEXT(ctx->account_id), P_TEXT(f->charge_ref),
                           P_I64(f->amount), P_I64(ctx->now_ms)};
    enum err rc = db_exec(ctx->db, ctx->a, sql_refund_insert, p, NPARAMS(p),
                          NULL, ei);

    if (rc == ERR_CONFLICT)
        return errinfo_set(ei, ERR_BUSY, "busy", NULL,
                           "a concurrent call used this key; retry");
    if (rc == ERR_OK)
        rc = db_exec(ctx->db, ctx->a, sql_charge_refunded, q, NPARAMS(q), NULL,
                     ei);
    return rc;
}

static enum err
refund_in_tx(const struct fin_rules *rules, const struct fin_ctx *ctx,
             const char *idem_key, const char *charge_ref, int64_t amount,
             const char *currency, struct fin_refund *out, bool *keep,
             struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(rules->provider),
                           P_TEXT(idem_key)};
    struct fin_charge c;
    struct fin_refund f = {0};
    enum err rc = db_one_as(ctx->db, ctx->a, sql_refund_by_key, p, NPARAMS(p),
                            refund_row, &f, ei);

    if (rc == ERR_OK) {
        if (strcmp(f.charge_ref, charge_ref) != 0 || f.amount != amount)
            return key_reused("refund", ei);
        *out = f;
        return ERR_OK;
    }
    if (rc == ERR_NOT_FOUND)
        rc = charge_load(rules, ctx, sql_charge_by_ref, charge_ref, &c, ei);
    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, ERR_NOT_FOUND, "resource_missing", "reference",
                           "no such %s charge '%s'", rules->display_name,
                           charge_ref);
    if (rc == ERR_OK)
        rc = refund_check(&c, amount, currency, ei);
    if (rc == ERR_OK)
        rc = new_ref(ctx, rules->refund_prefix, f.ref, ei);
    if (rc)
        return rc;
    copy(f.charge_ref, sizeof(f.charge_ref), c.ref);
    f.amount = amount;
    copy(f.currency, sizeof(f.currency), c.currency);
    f.created_ms = ctx->now_ms;
    rc = refund_insert(rules, ctx, idem_key, &f, ei);
    if (rc)
        return rc;
    *keep = true;
    *out = f;
    return amount % 100 == FIN_CENTS_ANSWER_LOST ? answer_lost(rules, ei)
                                                 : ERR_OK;
}

enum err
fin_sandbox_refund(const struct fin_rules *rules, const struct fin_ctx *ctx,
                   const char *idem_key, const char *charge_ref, int64_t amount,
                   const char *currency, struct fin_refund *out,
                   struct errinfo *ei)
{
    bool keep = false;
    enum err rc = begin(rules, ctx, ei);

    if (rc)
        return rc;
    rc = refund_in_tx(rules, ctx, idem_key, charge_ref, amount, currency, out,
                      &keep, ei);
    return end(ctx, keep, rc, ei);
}

/* ---- cancels ---- */

static const char sql_charge_cancel[] =
    "UPDATE financing_sandbox_charges SET status = 'canceled',"
    " cancel_idem_key = $3, canceled_at_ms = $4, updated_at_ms = $4"
    " WHERE account_id = $1 AND id = $2 AND status = 'approved'"
    " AND amount_refunded_minor = 0 RETURNING id";

/* Why approved-or-not charge c cannot be canceled now, or ERR_OK. */
static enum err
cancel_check(const struct fin_ctx *ctx, const struct fin_charge *c,
             struct errinfo *ei)
{
    if (c->status == FIN_CHARGE_DECLINED)
        return errinfo_set(ei, ERR_CONFLICT, "charge_not_cancelable", NULL,
                           "charge '%s' was declined: there is nothing to "
                           "cancel",
                           c->ref);
    if (c->amount_refunded > 0)
        return errinfo_set(ei, ERR_CONFLICT, "charge_already_refunded", NULL,
                           "charge '%s' has refunds: refund the rest instead",
                           c->ref);
    if (ctx->now_ms - c->created_ms > FIN_CANCEL_WINDOW_MS)
        return errinfo_set(ei, ERR_CONFLICT, "charge_not_cancelable", NULL,
                           "charge '%s' is more than 24 hours old: refund "
                           "it instead",
                           c->ref);
    return ERR_OK;
}

/* Mark the approved charge ref canceled by idem_key. */
static enum err
cancel_write(const struct fin_ctx *ctx, const char *ref, const char *idem_key,
             struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(ref),
                           P_TEXT(idem_key), P_I64(ctx->now_ms)};
    struct db_rows rows;
    enum err rc = db_one(ctx->db, ctx->a, sql_charge_cancel, p, NPARAMS(p),
                         &rows, ei);

    if (rc == ERR_CONFLICT) /* the key canceled another merchant's charge */
        return key_reused("cancel", ei);
    if (rc == ERR_NOT_FOUND) /* it changed since it was read: never locked */
        return errinfo_set(ei, ERR_BUSY, "busy", NULL,
                           "the charge changed during the cancel; retry");
    return rc;
}

static enum err
cancel_in_tx(const struct fin_rules *rules, const struct fin_ctx *ctx,
             const char *idem_key, const char *charge_ref,
             struct fin_charge *out, bool *keep, struct errinfo *ei)
{
    struct fin_charge c;
    enum err rc = charge_load(rules, ctx, sql_charge_by_cancel_key, idem_key,
                              &c, ei);

    if (rc == ERR_OK) {
        if (strcmp(c.ref, charge_ref) != 0)
            return key_reused("cancel", ei);
        *out = c;
        return ERR_OK;
    }
    if (rc == ERR_NOT_FOUND)
        rc = charge_load(rules, ctx, sql_charge_by_ref, charge_ref, &c, ei);
    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, ERR_NOT_FOUND, "resource_missing", "reference",
                           "no such %s charge '%s'", rules->display_name,
                           charge_ref);
    if (rc == ERR_OK && c.status == FIN_CHARGE_CANCELED) {
        *out = c; /* canceled already: the same outcome, nothing to do */
        return ERR_OK;
    }
    if (rc == ERR_OK)
        rc = cancel_check(ctx, &c, ei);
    if (rc == ERR_OK)
        rc = cancel_write(ctx, c.ref, idem_key, ei);
    if (rc)
        return rc;
    *keep = true;
    c.status = FIN_CHARGE_CANCELED;
    c.canceled_ms = ctx->now_ms;
    *out = c;
    return c.amount % 100 == FIN_CENTS_CANCEL_ANSWER_LOST
               ? answer_lost(rules, ei)
               : ERR_OK;
}

enum err
fin_sandbox_cancel(const struct fin_rules *rules, const struct fin_ctx *ctx,
                   const char *idem_key, const char *charge_ref,
                   struct fin_charge *out, struct errinfo *ei)
{
    bool keep = false;
    enum err rc = begin(rules, ctx, ei);

    if (rc)
        return rc;
    rc = cancel_in_tx(rules, ctx, idem_key, charge_ref, out, &keep, ei);
    return end(ctx, keep, rc, ei);
}

/* ---- reads ---- */

enum err
fin_sandbox_lookup(const struct fin_rules *rules, const struct fin_ctx *ctx,
                   const char *idem_key, struct fin_charge *out,
                   struct errinfo *ei)
{
    enum err rc = begin(rules, ctx, ei);

    if (rc)
        return rc;
    rc = charge_load(rules, ctx, sql_charge_by_key, idem_key, out, ei);
    if (rc == ERR_NOT_FOUND)
        rc = errinfo_set(ei, ERR_NOT_FOUND, "resource_missing", NULL,
                         "%s made no charge with this idempotency key",
                         rules->display_name);
    return end(ctx, false, rc, ei);
}

static const char sql_charge_list[] =
    "SELECT " CHARGE_COLS " FROM financing_sandbox_charges"
    " WHERE account_id = $1 AND provider = $2"
    " AND ($3 = '' OR merchant_id = $3) AND ($4 = '' OR id < $4)"
    " ORDER BY id DESC LIMIT $5";

enum err
fin_sandbox_charges_list(const struct fin_rules *rules,
                         const struct fin_ctx *ctx, int64_t limit,
                         const char *starting_after, struct fin_charge **out,
                         size_t *count, bool *has_more, struct errinfo *ei)
{
    struct db_param p[] = {
        P_TEXT(ctx->account_id), P_TEXT(rules->provider),
        P_TEXT(ctx->merchant_id != NULL ? ctx->merchant_id : ""),
        P_TEXT(starting_after != NULL ? starting_after : ""), P_I64(limit + 1)};

    ASSERT(limit >= 1 && limit <= 100);
    return db_list_as(ctx->db, ctx->a, sql_charge_list, p, NPARAMS(p),
                      charge_row, sizeof(**out), limit, (void **)out, count,
                      has_more, ei);
}
