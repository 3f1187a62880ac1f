/*
 * refund.c - refunds of card payments, in phases like payments.
 *
 * Phase 1 writes the refund 'pending' under the payment's row lock, which
 * reserves its amount: pending and succeeded refunds together never pass
 * what was captured, also when many requests race. Phase 2 asks the
 * gateway with a key derived from the request's key; phase 3 records the
 * outcome and its ledger transfer. A failed refund releases its amount.
 */
#include <string.h>

#include "app/ledger.h"
#include "app/payment_int.h"
#include "app/pos.h"
#include "base/assert.h"
#include "base/crypto.h"

static bool
refund_final(const struct refund *r)
{
    return strcmp(r->status, "pending") != 0;
}

/* Phase 1: check the amount against what is left and reserve it. */
static enum err
refund_begin(struct app_ctx *ctx, const struct refund_input *in,
             struct refund *r, struct errinfo *ei)
{
    struct payment p;
    int64_t reserved;
    int64_t left;
    enum err rc = payment_load(ctx, in->payment_id, &p, ei);

    if (rc)
        return rc;
    if (strcmp(p.status, "succeeded") != 0)
        return errinfo_set(ei, ERR_INVALID, "charge_not_refundable", "payment",
                           "only a succeeded payment can be refunded; this "
                           "one is %s%s",
                           p.status,
                           strcmp(p.status, "requires_capture") == 0
                               ? " (cancel the hold instead)"
                               : "");
    if (p.disputed)
        return errinfo_set(ei, ERR_INVALID, "charge_disputed", "payment",
                           "the payment is disputed; answer the dispute "
                           "instead of refunding");
    rc = store_refund_reserved(ctx->db, ctx->a, ctx->account_id, p.id,
                               &reserved, ei);
    if (rc)
        return app_store_fail(rc, ei);
    left = p.amount_captured - reserved;
    if (left <= 0)
        return errinfo_set(ei, ERR_INVALID, "charge_already_refunded",
                           "payment", "the payment is fully refunded");
    if (in->amount > left)
        return errinfo_set(ei, ERR_INVALID, "amount_too_large", "amount",
                           "at most %lld can be refunded (captured %lld, "
                           "refunded %lld)",
                           (long long)left, (long long)p.amount_captured,
                           (long long)reserved);
    memset(r, 0, sizeof(*r));
    r->id = id_new(ctx->a, "re", ctx->now_ms);
    r->payment_id = p.id;
    r->idem_key = in->idem_key;
    r->gateway_key = payment_gw_key(ctx, "ref", in->idem_key);
    r->amount = in->amount > 0 ? in->amount : left;
    r->currency = p.currency;
    r->reason = in->reason;
    r->status = "pending";
    r->created_by = ctx->user_id;
    r->created_at_ms = ctx->now_ms;
    r->updated_at_ms = ctx->now_ms;
    rc = store_refund_insert(ctx->db, ctx->a, ctx->account_id, r, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

static const char *
refund_status_of(enum gw_refund_status s)
{
    return gw_refund_status_name(s);
}

/*
 * Move refund r to status to, with the payment's refunded total and the
 * ledger: a refund that succeeds takes its amount back from card sales;
 * one that fails after succeeding puts it back.
 */
static enum err
refund_apply(struct app_ctx *ctx, struct refund *r, const char *to,
             const char *gateway_ref, struct errinfo *ei)
{
    struct payment p;
    int64_t delta = 0;
    enum err rc;

    if (strcmp(r->status, to) == 0 || strcmp(r->status, "failed") == 0 ||
        strcmp(r->status, "canceled") == 0)
        return ERR_OK;
    if (strcmp(to, "succeeded") == 0)
        delta = r->amount;
    else if (strcmp(r->status, "succeeded") == 0)
        delta = -r->amount; /* failed after it was paid */
    else if (strcmp(to, "pending") == 0)
        return ERR_OK;
    rc = payment_load(ctx, r->payment_id, &p, ei);
    if (rc)
        return rc;
    if (delta != 0) {
        p.amount_refunded += delta;
        ASSERT(p.amount_refunded >= 0 &&
               p.amount_refunded <= p.amount_captured);
        p.updated_at_ms = ctx->now_ms;
        rc = store_payment_update(ctx->db, ctx->a, ctx->account_id, &p, ei);
        if (rc)
            return app_store_fail(rc, ei);
        rc = payment_post(ctx, &p, -delta, 0,
                          delta > 0 ? "refund.succeeded" : "refund.failed", ei);
        if (rc)
            return rc;
    }
    r->status = to;
    if (gateway_ref != NULL && gateway_ref[0] != '\0')
        r->gateway_ref = arena_strdup(ctx->a, gateway_ref);
    r->updated_at_ms = ctx->now_ms;
    rc = store_refund_update(ctx->db, ctx->a, ctx->account_id, r, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* The error a failed refund answers with, every time it is asked. */
static enum err
refund_failure_of(const struct refund *r, struct errinfo *ei)
{
    static const char *const conflicts[] = {
        "charge_already_refunded", "charge_disputed", "charge_already_settled",
        "payment_intent_unexpected_state"};
    const char *code = r->failure_code != NULL ? r->failure_code
                                               : "refund_failed";

    for (size_t i = 0; i < sizeof(conflicts) / sizeof(conflicts[0]); i++) {
        if (strcmp(code, conflicts[i]) == 0)
            return errinfo_set(ei, ERR_CONFLICT, code, NULL,
                               "the gateway refused the refund (%s)", code);
    }
    return errinfo_set(ei, ERR_INVALID, code, NULL,
                       "the gateway refused the refund (%s)", code);
}

/* Phases 2 and 3 of a pending refund. */
static enum err
refund_complete(struct app_ctx *ctx, const struct gw_ops *ops, struct refund *r,
                struct errinfo *ei)
{
    struct payment p;
    struct gw_refund g_out;
    struct errinfo gw_ei;
    struct gw_ctx g;
    enum err grc;
    enum err rc = store_payment_get(ctx->db, ctx->a, ctx->account_id,
                                    r->payment_id, &p, ei);

    if (rc)
        return app_store_fail(rc, ei);
    rc = app_tx_commit(ctx);
    if (rc)
        return app_store_fail(rc, ei);
    memset(&g_out, 0, sizeof(g_out));
    errinfo_clear(&gw_ei);
    g = app_gw_ctx(ctx);
    grc = ops->refund_create(&g, r->gateway_key, p.gateway_ref, r->amount,
                             &g_out, &gw_ei);
    rc = app_tx_begin(ctx, true);
    if (rc == ERR_OK)
        rc = store_refund_get(ctx->db, ctx->a, ctx->account_id, r->id, r, ei);
    if (rc)
        return app_store_fail(rc, ei);
    if (grc == ERR_GATEWAY) {
        *ei = gw_ei;
        return grc; /* still pending: a retry with the key resumes */
    }
    if (grc == ERR_OK)
        return refund_apply(ctx, r, refund_status_of(g_out.status), g_out.ref,
                            ei);
    r->failure_code = arena_strdup(ctx->a, gw_ei.code);
    rc = refund_apply(ctx, r, "failed", NULL, ei);
    if (rc == ERR_OK)
        rc = payment_tx_next(ctx, ei); /* keep the failure, free the amount */
    if (rc)
        return rc;
    *ei = gw_ei;
    return grc == ERR_NOT_FOUND ? ERR_INVALID : grc;
}

enum err
app_refund_create(struct app_ctx *ctx, const struct refund_input *in,
                  struct refund *out, struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    enum err rc = app_pos_require(ctx, &s, &ops, ei);

    ASSERT(in->idem_key != NULL);
    if (rc)
        return rc;
    if (in->amount < 0)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "amount",
                           "amount must be positive");
    rc = store_refund_by_key(ctx->db, ctx->a, ctx->account_id, in->idem_key,
                             out, ei);
    if (rc == ERR_NOT_FOUND) {
        errinfo_clear(ei);
        rc = refund_begin(ctx, in, out, ei);
    } else if (rc == ERR_OK &&
               (strcmp(out->payment_id, in->payment_id) != 0 ||
                (in->amount != 0 && in->amount != out->amount) ||
                strcmp(out->reason, in->reason) != 0)) {
        rc = errinfo_set(ei, ERR_CONFLICT, "idempotency_key_reused",
                         "Idempotency-Key",
                         "this Idempotency-Key was used for another refund");
    } else if (rc) {
        rc = app_store_fail(rc, ei);
    }
    if (rc == ERR_OK && strcmp(out->status, "failed") == 0)
        return refund_failure_of(out, ei); /* a retry answers the same */
    if (rc || refund_final(out))
        return rc;
    rc = refund_complete(ctx, ops, out, ei);
    if (rc)
        return rc;
    json_t *sum = json_object();
    json_put(sum, "payment", json_string(out->payment_id));
    json_put(sum, "amount", json_integer(out->amount));
    json_put(sum, "reason", json_string(out->reason));
    return app_audit(ctx, "refund.create", "refund", out->id, sum, ei);
}

enum err
app_refund_get(struct app_ctx *ctx, const char *id, struct refund *out,
               struct errinfo *ei)
{
    enum err rc = store_refund_get(ctx->db, ctx->a, ctx->account_id, id, out,
                                   ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "refund", id, "id");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_payment_sync_refund(struct app_ctx *ctx, const char *refund_ref,
                        struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    struct refund r;
    struct gw_refund g_out;
    struct gw_ctx g = app_gw_ctx(ctx);
    enum err rc = app_pos_get(ctx, &s, ei);

    if (rc || s.gateway == NULL)
        return rc;
    ops = gateway_get(gateway_kind_of(s.gateway));
    rc = store_refund_by_ref(ctx->db, ctx->a, ctx->account_id, refund_ref, &r,
                             ei);
    if (rc == ERR_NOT_FOUND)
        return ERR_OK;
    if (rc)
        return app_store_fail(rc, ei);
    memset(&g_out, 0, sizeof(g_out));
    rc = ops->refund_retrieve(&g, refund_ref, &g_out, ei);
    if (rc)
        return rc;
    return refund_apply(ctx, &r, refund_status_of(g_out.status), NULL, ei);
}

/* Send a pending refund again with its own key and record it. */
static enum err
recover_one(struct app_ctx *ctx, void *item, struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    enum err rc = app_pos_require(ctx, &s, &ops, ei);

    return rc ? rc : refund_complete(ctx, ops, item, ei);
}

enum err
app_refund_recover(struct app_ctx *ctx, int64_t older_than_ms, int *done,
                   struct errinfo *ei)
{
    struct refund *rs;
    size_t n;
    enum err rc;

    ASSERT(ctx->db != NULL && !db_in_tx(ctx->db));
    *done = 0;
    rc = app_tx_begin(ctx, false);
    if (rc == ERR_OK)
        rc = store_refund_stale(ctx->db, ctx->a, older_than_ms, 100, &rs, &n,
                                ei);
    db_rollback(ctx->db);
    if (rc)
        return app_store_fail(rc, ei);
    for (size_t i = 0; i < n; i++)
        *done += payment_recover_in(ctx, rs[i].account_id, recover_one, &rs[i]);
    return ERR_OK;
}
