/*
 * payment.c - card payments: create (phased), read, capture, cancel,
 * recovery after a crash, and state from gateway webhooks.
 *
 * State only moves forward: pending -> processing -> requires_capture ->
 * succeeded, and any of them -> failed or canceled (a succeeded payment
 * only by a void before settlement). What a gateway reports is applied
 * through apply_charge(), which refuses to move a payment backwards, so a
 * late or repeated webhook changes nothing. Every change of the captured
 * amount or the fee posts a balanced ledger transfer in the same
 * transaction.
 */
#include "app/payment.h"

#include <string.h>

#include "app/ledger.h"
#include "app/payment_int.h"
#include "app/pos.h"
#include "base/assert.h"
#include "base/crypto.h"
#include "store/clinics.h"
#include "store/patients.h"
#include "store/pos.h"

const char *
payment_gw_key(struct app_ctx *ctx, const char *prefix, const char *key)
{
    char hex[SHA256_HEX_LEN + 1];
    const char *in = arena_printf(ctx->a, "%s:%s:%s", prefix, ctx->account_id,
                                  key);

    ASSERT(key != NULL && in != NULL);
    sha256_hex(in, strlen(in), hex);
    return arena_printf(ctx->a, "%s_%s", prefix, hex);
}

enum err
payment_tx_next(struct app_ctx *ctx, struct errinfo *ei)
{
    enum err rc = app_tx_commit(ctx);

    if (rc == ERR_OK)
        rc = app_tx_begin(ctx, true);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
payment_load(struct app_ctx *ctx, const char *id, struct payment *out,
             struct errinfo *ei)
{
    enum err rc = store_payment_lock(ctx->db, ctx->a, ctx->account_id, id, out,
                                     ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "payment", id, "payment");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* Post one leg pair: debit kind d of owner od, credit kind c of owner oc. */
static enum err
move(struct app_ctx *ctx, const struct payment *p, const char *d, const char *c,
     int64_t amount, const char *reason, struct errinfo *ei)
{
    const char *d_owner = strcmp(d, "processor_balance") == 0
                              ? p->merchant_account_id
                              : ctx->account_id;
    const char *c_owner = strcmp(c, "processor_balance") == 0
                              ? p->merchant_account_id
                              : ctx->account_id;
    const char *d_id;
    const char *c_id;
    enum err rc;

    ASSERT(amount > 0);
    rc = app_ledger_kind(
        ctx, d_owner == ctx->account_id ? "account" : "merchant_account",
        d_owner, d, p->currency, &d_id, ei);
    if (rc == ERR_OK)
        rc = app_ledger_kind(
            ctx, c_owner == ctx->account_id ? "account" : "merchant_account",
            c_owner, c, p->currency, &c_id, ei);
    if (rc == ERR_OK)
        rc = app_ledger_move(ctx, p->currency, d_id, c_id, amount, reason,
                             "payment", p->id, ei);
    return rc;
}

enum err
payment_post(struct app_ctx *ctx, const struct payment *p,
             int64_t captured_delta, int64_t fee_delta, const char *reason,
             struct errinfo *ei)
{
    enum err rc = ERR_OK;

    if (captured_delta > 0)
        rc = move(ctx, p, "processor_balance", "card_sales", captured_delta,
                  reason, ei);
    else if (captured_delta < 0)
        rc = move(ctx, p, "card_sales", "processor_balance", -captured_delta,
                  reason, ei);
    if (rc == ERR_OK && fee_delta > 0)
        rc = move(ctx, p, "processing_fees", "processor_balance", fee_delta,
                  reason, ei);
    else if (rc == ERR_OK && fee_delta < 0)
        rc = move(ctx, p, "processor_balance", "processing_fees", -fee_delta,
                  reason, ei);
    return rc;
}

/* 0 pending, 1 processing, 2 requires_capture, 3 succeeded, 4 final. */
static int
status_rank(const char *s)
{
    if (strcmp(s, "pending") == 0)
        return 0;
    if (strcmp(s, "processing") == 0)
        return 1;
    if (strcmp(s, "requires_capture") == 0)
        return 2;
    if (strcmp(s, "succeeded") == 0)
        return 3;
    ASSERT(strcmp(s, "failed") == 0 || strcmp(s, "canceled") == 0);
    return 4;
}

/* May a payment in from move to to? Only forward; a void of succeeded. */
static bool
may_move(const char *from, const char *to)
{
    int f = status_rank(from);
    int t = status_rank(to);

    if (strcmp(from, to) == 0)
        return true; /* amounts may still change (a partial capture) */
    if (f == 4)
        return false;
    if (f == 3)
        return strcmp(to, "canceled") == 0;
    return t > f;
}

static void
take_card(struct payment *p, const struct gw_charge *c, struct arena *a)
{
    if (c->card.last4[0] == '\0')
        return;
    p->card_brand = arena_strdup(a, c->card.brand);
    p->card_last4 = arena_strdup(a, c->card.last4);
    p->card_exp_month = c->card.exp_month;
    p->card_exp_year = c->card.exp_year;
    p->card_present = c->card_present;
}

/*
 * Apply the gateway's view of p's charge: status, amounts and card, with
 * the ledger transfer of what changed. A backwards move is ignored.
 */
static enum err
apply_charge(struct app_ctx *ctx, struct payment *p, const struct gw_charge *c,
             struct errinfo *ei)
{
    const char *to = gw_charge_status_name(c->status);
    int64_t captured = c->amount_captured;
    int64_t fee = c->fee;
    enum err rc;

    if (!may_move(p->status, to))
        return ERR_OK;
    if (strcmp(to, "canceled") == 0 || strcmp(to, "failed") == 0) {
        captured = 0; /* a void gives back what was captured, and the fee */
        fee = 0;
    }
    if (strcmp(p->status, to) == 0 && captured == p->amount_captured &&
        fee == p->fee && c->capture_before_ms == p->capture_before_ms)
        return ERR_OK; /* nothing new: a repeated or late report */
    rc = payment_post(ctx, p, captured - p->amount_captured, fee - p->fee,
                      arena_printf(ctx->a, "payment.%s", to), ei);
    if (rc)
        return rc;
    p->status = to;
    if (p->gateway_ref == NULL || p->gateway_ref[0] == '\0')
        p->gateway_ref = arena_strdup(ctx->a, c->ref);
    p->amount_captured = captured;
    p->fee = fee;
    p->capture_before_ms = c->capture_before_ms;
    if (c->status == GW_CHARGE_FAILED) {
        p->failure_code = arena_strdup(ctx->a, c->failure_code);
        p->decline_code = c->decline_code[0] != '\0'
                              ? arena_strdup(ctx->a, c->decline_code)
                              : NULL;
    }
    take_card(p, c, ctx->a);
    p->updated_at_ms = ctx->now_ms;
    rc = store_payment_update(ctx->db, ctx->a, ctx->account_id, p, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* Record a refusal of the gateway (a decline or a bad request) on p. */
static enum err
record_failure(struct app_ctx *ctx, struct payment *p,
               const struct gw_charge *c, enum err why,
               const struct errinfo *gw_ei, struct errinfo *ei)
{
    enum err rc;

    ASSERT(why != ERR_OK && why != ERR_GATEWAY);
    p->status = "failed";
    p->failure_code = arena_strdup(ctx->a, gw_ei->code);
    p->decline_code = NULL;
    if (why == ERR_DECLINED) /* a decline always has a reason to show */
        p->decline_code = arena_strdup(ctx->a, gw_ei->decline_code[0] != '\0'
                                                   ? gw_ei->decline_code
                                                   : gw_ei->code);
    p->failure_message = arena_strdup(ctx->a, gw_ei->message);
    if (c->ref[0] != '\0')
        p->gateway_ref = arena_strdup(ctx->a, c->ref);
    take_card(p, c, ctx->a);
    p->updated_at_ms = ctx->now_ms;
    rc = store_payment_update(ctx->db, ctx->a, ctx->account_id, p, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* The error a failed payment answers with, every time it is asked. */
static enum err
failure_of(const struct payment *p, struct errinfo *ei)
{
    const char *msg = p->failure_message != NULL ? p->failure_message
                                                 : "the payment failed";

    if (p->decline_code != NULL)
        return errinfo_decline(ei, p->failure_code, p->decline_code, msg);
    return errinfo_set(ei, ERR_INVALID,
                       p->failure_code != NULL ? p->failure_code
                                               : "payment_failed",
                       NULL, "%s", msg);
}

/* ---- create ---- */

/* Check the source and fill p's source fields (and the clinic of a reader). */
static enum err
check_source(struct app_ctx *ctx, const struct payment_input *in,
             struct payment *p, struct errinfo *ei)
{
    enum err rc = ERR_OK;

    if (strcmp(in->source_type, "card") == 0) {
        struct card c;

        rc = store_card_get(ctx->db, ctx->a, ctx->account_id, in->card_id, &c,
                            ei);
        if (rc == ERR_NOT_FOUND || (rc == ERR_OK && p->patient_id != NULL &&
                                    strcmp(c.patient_id, p->patient_id) != 0))
            return app_not_found(ei, "card", in->card_id, "source.card");
        if (rc)
            return app_store_fail(rc, ei);
        p->card_id = c.id;
        p->patient_id = c.patient_id;
    } else if (strcmp(in->source_type, "reader") == 0) {
        struct card_reader r;

        rc = app_reader_get(ctx, in->reader_id, &r, ei);
        if (rc == ERR_NOT_FOUND)
            return app_not_found(ei, "card reader", in->reader_id,
                                 "source.reader");
        if (rc)
            return rc;
        if (p->clinic_id != NULL && strcmp(p->clinic_id, r.clinic_id) != 0)
            return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "clinic",
                               "the reader belongs to another clinic");
        p->clinic_id = r.clinic_id;
        p->reader_id = r.id;
        p->card_present = true;
    }
    return rc;
}

/* Check the clinic (open, in the payment's currency) and the patient. */
static enum err
check_parties(struct app_ctx *ctx, const struct payment *p, struct errinfo *ei)
{
    struct clinic c;
    struct patient pt;
    enum err rc;

    if (p->clinic_id == NULL)
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "clinic",
                           "say which clinic takes the payment");
    rc = store_clinic_get(ctx->db, ctx->a, ctx->account_id, p->clinic_id, &c,
                          ei);
    if (rc == ERR_NOT_FOUND || (rc == ERR_OK && c.archived))
        return app_not_found(ei, "clinic", p->clinic_id, "clinic");
    if (rc)
        return app_store_fail(rc, ei);
    if (strcmp(c.currency, p->currency) != 0)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "currency",
                           "clinic '%s' takes %s, not %s", c.name, c.currency,
                           p->currency);
    if (p->patient_id == NULL)
        return ERR_OK;
    rc = store_patient_get(ctx->db, ctx->a, ctx->account_id, p->patient_id, &pt,
                           ei);
    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "patient", p->patient_id, "patient");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* Phase 1: validate and write the payment 'pending'. */
static enum err
payment_begin(struct app_ctx *ctx, const struct payment_input *in,
              const struct pos_settings *s, struct payment *p,
              struct errinfo *ei)
{
    struct merchant_account m;
    enum err rc;

    memset(p, 0, sizeof(*p));
    if (in->amount < 1 || in->amount > PAYMENT_AMOUNT_MAX)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "amount",
                           "amount must be 1 to %d minor units",
                           PAYMENT_AMOUNT_MAX);
    p->amount = in->amount;
    p->currency = in->currency;
    p->patient_id = in->patient_id;
    p->clinic_id = in->clinic_id;
    p->source_type = in->source_type;
    rc = check_source(ctx, in, p, ei);
    if (rc == ERR_OK)
        rc = check_parties(ctx, p, ei);
    if (rc == ERR_OK)
        rc = app_merchant_for_clinic(ctx, p->clinic_id, &m, ei);
    if (rc)
        return rc;
    p->id = id_new(ctx->a, "pay", ctx->now_ms);
    p->idem_key = in->idem_key;
    p->gateway_key = payment_gw_key(ctx, "pay", in->idem_key);
    p->request_hash = in->request_hash;
    p->merchant_account_id = m.id;
    p->gateway = s->gateway;
    p->status = "pending";
    p->capture = in->capture;
    p->description = in->description;
    p->metadata = in->metadata;
    p->created_by = ctx->user_id;
    p->created_at_ms = ctx->now_ms;
    p->updated_at_ms = ctx->now_ms;
    rc = store_payment_insert(ctx->db, ctx->a, ctx->account_id, p, ei);
    if (rc == ERR_CONFLICT)
        return errinfo_set(ei, ERR_CONFLICT, "idempotency_in_progress",
                           "Idempotency-Key",
                           "a payment with this Idempotency-Key is being "
                           "made; retry");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* The gateway request for p (the token comes from the request itself). */
static enum err
charge_request(struct app_ctx *ctx, const struct payment *p, const char *token,
               struct gw_charge_req *r, struct errinfo *ei)
{
    struct merchant_account m;
    enum err rc = store_merchant_get(ctx->db, ctx->a, ctx->account_id,
                                     p->merchant_account_id, &m, ei);

    if (rc)
        return app_store_fail(rc, ei);
    memset(r, 0, sizeof(*r));
    r->merchant_ref = m.gateway_ref;
    r->idem_key = p->gateway_key;
    r->amount = p->amount;
    r->currency = p->currency;
    r->capture = p->capture;
    r->description = p->description;
    r->reference = p->id;
    if (strcmp(p->source_type, "token") == 0) {
        r->source = GW_SOURCE_TOKEN;
        r->token = token;
    } else if (strcmp(p->source_type, "card") == 0) {
        struct card c;

        rc = store_card_get(ctx->db, ctx->a, ctx->account_id, p->card_id, &c,
                            ei);
        if (rc == ERR_NOT_FOUND)
            return app_not_found(ei, "card", p->card_id, "source.card");
        if (rc)
            return app_store_fail(rc, ei);
        r->source = GW_SOURCE_CARD;
        r->customer_ref = c.customer_ref;
        r->card_ref = c.gateway_ref;
    } else {
        struct card_reader rd;

        rc = app_reader_get(ctx, p->reader_id, &rd, ei);
        if (rc)
            return rc;
        r->source = GW_SOURCE_READER;
        r->reader_ref = rd.gateway_ref;
    }
    return ERR_OK;
}

/*
 * Phases 2 and 3 for a pending payment: call the gateway with the
 * payment's key (outside any transaction) and record what it said.
 */
static enum err
payment_complete(struct app_ctx *ctx, const struct gw_ops *ops,
                 struct payment *p, const char *token, struct errinfo *ei)
{
    struct gw_ctx g;
    struct gw_charge_req r;
    struct gw_charge c;
    struct errinfo gw_ei;
    enum err grc;
    enum err rc = charge_request(ctx, p, token, &r, ei);

    if (rc)
        return rc;
    rc = app_tx_commit(ctx); /* phase 1 is durable from here */
    if (rc)
        return app_store_fail(rc, ei);
    memset(&c, 0, sizeof(c));
    errinfo_clear(&gw_ei);
    g = app_gw_ctx(ctx);
    grc = ops->charge_create(&g, &r, &c, &gw_ei);
    rc = app_tx_begin(ctx, true);
    if (rc)
        return app_store_fail(rc, ei);
    rc = payment_load(ctx, p->id, p, ei); /* phase 3, after a fresh read */
    if (rc)
        return rc;
    if (strcmp(p->status, "pending") != 0) /* recovery got here first */
        return strcmp(p->status, "failed") == 0 ? failure_of(p, ei) : ERR_OK;
    if (grc == ERR_GATEWAY) {
        *ei = gw_ei;
        return ERR_GATEWAY; /* still pending: a retry resumes it */
    }
    if (grc == ERR_OK)
        return apply_charge(ctx, p, &c, ei);
    if (grc == ERR_NOT_FOUND)
        grc = ERR_INVALID;
    rc = record_failure(ctx, p, &c, grc, &gw_ei, ei);
    if (rc == ERR_OK)
        rc = payment_tx_next(ctx, ei); /* keep the failure */
    if (rc)
        return rc;
    *ei = gw_ei;
    ei->decline_code[0] = '\0';
    return failure_of(p, ei);
}

enum err
app_payment_create(struct app_ctx *ctx, const struct payment_input *in,
                   struct payment *out, struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    enum err rc = app_pos_require(ctx, &s, &ops, ei);

    ASSERT(in->idem_key != NULL && in->request_hash != NULL);
    if (rc)
        return rc;
    rc = store_payment_by_key(ctx->db, ctx->a, ctx->account_id, in->idem_key,
                              out, ei);
    if (rc == ERR_NOT_FOUND) {
        errinfo_clear(ei);
        rc = payment_begin(ctx, in, &s, out, ei);
        if (rc)
            return rc;
    } else if (rc) {
        return app_store_fail(rc, ei);
    } else if (strcmp(out->request_hash, in->request_hash) != 0) {
        return errinfo_set(ei, ERR_CONFLICT, "idempotency_key_reused",
                           "Idempotency-Key",
                           "this Idempotency-Key was used for another "
                           "request");
    }
    if (strcmp(out->status, "pending") == 0) {
        rc = payment_complete(ctx, ops, out, in->token, ei);
        if (rc)
            return rc;
        json_t *sum = json_object();
        json_put(sum, "amount", json_integer(out->amount));
        json_put(sum, "status", json_string(out->status));
        return app_audit(ctx, "payment.create", "payment", out->id, sum, ei);
    }
    return strcmp(out->status, "failed") == 0 ? failure_of(out, ei) : ERR_OK;
}

enum err
app_payment_get(struct app_ctx *ctx, const char *id, struct payment *out,
                struct errinfo *ei)
{
    enum err rc = store_payment_get(ctx->db, ctx->a, ctx->account_id, id, out,
                                    ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "payment", id, "id");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_payment_list(struct app_ctx *ctx, const struct payment_filter *f,
                 const struct page *page, struct payment **out, size_t *count,
                 bool *has_more, struct errinfo *ei)
{
    enum err rc = store_payment_list(ctx->db, ctx->a, ctx->account_id, f,
                                     page->limit, page->starting_after, out,
                                     count, has_more, ei);

    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_payment_refunds(struct app_ctx *ctx, const char *payment_id,
                    struct refund **out, size_t *count, struct errinfo *ei)
{
    enum err rc = store_refund_list(ctx->db, ctx->a, ctx->account_id,
                                    payment_id, out, count, ei);

    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* ---- capture and cancel ---- */

typedef enum err (*charge_op)(struct app_ctx *ctx, const struct gw_ops *ops,
                              const struct payment *p, const char *key,
                              int64_t amount, struct gw_charge *out,
                              struct errinfo *ei);

static enum err
op_capture(struct app_ctx *ctx, const struct gw_ops *ops,
           const struct payment *p, const char *key, int64_t amount,
           struct gw_charge *out, struct errinfo *ei)
{
    struct gw_ctx g = app_gw_ctx(ctx);

    return ops->charge_capture(&g, key, p->gateway_ref, amount, out, ei);
}

static enum err
op_cancel(struct app_ctx *ctx, const struct gw_ops *ops,
          const struct payment *p, const char *key, int64_t amount,
          struct gw_charge *out, struct errinfo *ei)
{
    struct gw_ctx g = app_gw_ctx(ctx);

    (void)amount; /* a cancel releases everything */
    return ops->charge_cancel(&g, key, p->gateway_ref, out, ei);
}

/*
 * Run op on payment id outside the transaction, then apply the charge the
 * gateway returns (on a refusal, its current state, so an expired hold
 * shows as canceled) and audit action.
 */
static enum err
charge_change(struct app_ctx *ctx, const char *id, charge_op op,
              const char *key, int64_t amount, const char *action,
              struct payment *out, struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    struct gw_charge c;
    struct errinfo gw_ei;
    enum err grc;
    enum err rc = app_pos_require(ctx, &s, &ops, ei);

    if (rc == ERR_OK)
        rc = payment_load(ctx, id, out, ei);
    if (rc == ERR_OK && (rc = app_tx_commit(ctx)))
        rc = app_store_fail(rc, ei);
    if (rc)
        return rc;
    memset(&c, 0, sizeof(c));
    errinfo_clear(&gw_ei);
    grc = op(ctx, ops, out, key, amount, &c, &gw_ei);
    if (grc == ERR_CONFLICT) { /* learn the state it is in */
        struct gw_ctx g = app_gw_ctx(ctx);
        struct errinfo ignored;

        if (ops->charge_retrieve(&g, out->gateway_ref, &c, &ignored) != ERR_OK)
            c.status = 0;
    }
    rc = app_tx_begin(ctx, true);
    if (rc == ERR_OK)
        rc = payment_load(ctx, id, out, ei);
    if (rc == ERR_OK && (grc == ERR_OK || (grc == ERR_CONFLICT && c.status)))
        rc = apply_charge(ctx, out, &c, ei);
    if (rc == ERR_OK && grc == ERR_OK) {
        json_t *sum = json_object();
        json_put(sum, "amount_captured", json_integer(out->amount_captured));
        rc = app_audit(ctx, action, "payment", id, sum, ei);
    }
    if (rc == ERR_OK && grc != ERR_OK) {
        rc = payment_tx_next(ctx, ei); /* keep what was learnt */
        if (rc == ERR_OK) {
            *ei = gw_ei;
            rc = grc;
        }
    }
    return rc;
}

enum err
app_payment_capture(struct app_ctx *ctx, const char *id, int64_t amount,
                    const char *idem_key, struct payment *out,
                    struct errinfo *ei)
{
    enum err rc = app_payment_get(ctx, id, out, ei);

    if (rc)
        return rc;
    if (strcmp(out->status, "requires_capture") != 0)
        return errinfo_set(ei, ERR_INVALID, "payment_intent_unexpected_state",
                           NULL,
                           "only a payment in requires_capture can be "
                           "captured; this one is %s",
                           out->status);
    if (amount == 0)
        amount = out->amount;
    if (amount < 1 || amount > out->amount)
        return errinfo_set(ei, ERR_INVALID, "amount_too_large", "amount",
                           "capture 1 to %lld, the amount held",
                           (long long)out->amount);
    return charge_change(ctx, id, op_capture,
                         payment_gw_key(ctx, "cap", idem_key), amount,
                         "payment.capture", out, ei);
}

enum err
app_payment_cancel(struct app_ctx *ctx, const char *id, const char *idem_key,
                   struct payment *out, struct errinfo *ei)
{
    enum err rc = app_payment_get(ctx, id, out, ei);

    if (rc)
        return rc;
    if (strcmp(out->status, "requires_capture") != 0 &&
        strcmp(out->status, "processing") != 0 &&
        strcmp(out->status, "succeeded") != 0)
        return errinfo_set(ei, ERR_INVALID, "payment_intent_unexpected_state",
                           NULL, "a %s payment cannot be canceled",
                           out->status);
    if (out->amount_refunded > 0 || out->disputed)
        return errinfo_set(ei, ERR_INVALID, "payment_intent_unexpected_state",
                           NULL,
                           "a payment with refunds or a dispute cannot be "
                           "voided");
    return charge_change(ctx, id, op_cancel,
                         payment_gw_key(ctx, "can", idem_key), 0,
                         "payment.cancel", out, ei);
}

enum err
app_payment_settled(struct app_ctx *ctx, const char *id, bool *settled,
                    struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    struct payment p;
    struct gw_charge c;
    struct gw_ctx g;
    enum err rc = app_pos_require(ctx, &s, &ops, ei);

    if (rc == ERR_OK)
        rc = app_payment_get(ctx, id, &p, ei);
    if (rc)
        return rc;
    g = app_gw_ctx(ctx);
    memset(&c, 0, sizeof(c));
    rc = ops->charge_retrieve(&g, p.gateway_ref, &c, ei);
    if (rc == ERR_OK)
        *settled = c.settled;
    return rc;
}

/* ---- recovery and webhooks ---- */

/* Finish one payment a crash left pending (own transactions). */
static enum err
recover_one(struct app_ctx *ctx, void *item, struct errinfo *ei)
{
    struct payment *p = item;

    struct pos_settings s;
    const struct gw_ops *ops;
    struct gw_charge c;
    struct gw_ctx g;
    enum err grc;
    enum err rc = app_pos_require(ctx, &s, &ops, ei);

    if (rc)
        return rc;
    g = app_gw_ctx(ctx);
    memset(&c, 0, sizeof(c));
    grc = ops->charge_lookup(&g, p->gateway_key, &c, ei);
    if (grc == ERR_GATEWAY)
        return grc; /* ask again next time */
    rc = payment_load(ctx, p->id, p, ei);
    if (rc || strcmp(p->status, "pending") != 0)
        return rc;
    if (grc == ERR_OK)
        return apply_charge(ctx, p, &c, ei);
    if (grc != ERR_NOT_FOUND)
        return grc;
    /* The gateway never made the charge: the request never got there. */
    struct errinfo why;
    errinfo_clear(&why);
    (void)errinfo_set(&why, ERR_INVALID, "payment_abandoned", NULL,
                      "the payment was interrupted before the gateway "
                      "charged the card; nothing was charged");
    return record_failure(ctx, p, &c, ERR_INVALID, &why, ei);
}

int
payment_recover_in(struct app_ctx *ctx, const char *account_id,
                   payment_recover_fn fn, void *item)
{
    struct app_ctx one = *ctx;
    struct errinfo ei;
    int done = 0;

    ASSERT(account_id != NULL && !db_in_tx(ctx->db));
    one.account_id = account_id;
    one.now_ms = app_now_ms(account_id);
    errinfo_clear(&ei);
    if (app_tx_begin(&one, true) != ERR_OK)
        return 0; /* busy: the next pass tries again */
    if (fn(&one, item, &ei) == ERR_OK && app_tx_commit(&one) == ERR_OK)
        done = 1;
    db_rollback(one.db);
    return done;
}

enum err
app_payment_recover(struct app_ctx *ctx, int64_t older_than_ms, int *done,
                    struct errinfo *ei)
{
    struct payment *ps;
    size_t n;
    enum err rc;

    ASSERT(ctx->db != NULL && !db_in_tx(ctx->db));
    *done = 0;
    rc = app_tx_begin(ctx, false);
    if (rc == ERR_OK)
        rc = store_payment_stale(ctx->db, ctx->a, older_than_ms, 100, &ps, &n,
                                 ei);
    db_rollback(ctx->db);
    if (rc)
        return app_store_fail(rc, ei);
    for (size_t i = 0; i < n; i++)
        *done += payment_recover_in(ctx, ps[i].account_id, recover_one, &ps[i]);
    return ERR_OK;
}

enum err
app_payment_sync_charge(struct app_ctx *ctx, const char *charge_ref,
                        struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    struct payment p;
    struct gw_charge c;
    struct gw_ctx g = app_gw_ctx(ctx);
    enum err rc = app_pos_get(ctx, &s, ei);

    if (rc || s.gateway == NULL)
        return rc;
    ops = gateway_get(gateway_kind_of(s.gateway));
    rc = store_payment_by_ref(ctx->db, ctx->a, ctx->account_id, charge_ref, &p,
                              ei);
    if (rc == ERR_NOT_FOUND) /* not ours, or not recorded yet: phase 3 will */
        return ERR_OK;
    if (rc == ERR_OK)
        rc = payment_load(ctx, p.id, &p, ei);
    if (rc)
        return rc == ERR_STORE ? app_store_fail(rc, ei) : rc;
    memset(&c, 0, sizeof(c));
    rc = ops->charge_retrieve(&g, charge_ref, &c, ei);
    if (rc)
        return rc;
    return apply_charge(ctx, &p, &c, ei);
}

/* Cancel one open payment at the gateway and record it (deactivation). */
static enum err
cancel_open_one(struct app_ctx *ctx, const struct gw_ops *ops,
                struct payment *p, struct errinfo *ei)
{
    struct gw_ctx g = app_gw_ctx(ctx);
    struct gw_charge c;
    enum err rc;

    memset(&c, 0, sizeof(c));
    if (p->gateway_ref == NULL) /* never reached the gateway: nothing held */
        return ERR_OK;
    rc = ops->charge_cancel(&g, payment_gw_key(ctx, "off", p->id),
                            p->gateway_ref, &c, ei);
    if (rc == ERR_CONFLICT || rc == ERR_NOT_FOUND) /* learn where it is */
        rc = ops->charge_retrieve(&g, p->gateway_ref, &c, ei);
    if (rc)
        return rc;
    return apply_charge(ctx, p, &c, ei);
}

enum err
app_payment_cancel_open(struct app_ctx *ctx, const struct gw_ops *ops,
                        int64_t *canceled, struct errinfo *ei)
{
    static const char *const open[] = {"requires_capture", "processing"};
    const struct page page = {.limit = PAGE_LIMIT_MAX};
    enum err rc = ERR_OK;

    *canceled = 0;
    for (size_t s = 0; rc == ERR_OK && s < 2; s++) {
        struct payment_filter f = {.status = open[s]};
        struct payment *ps;
        size_t n;
        bool more;

        rc = app_payment_list(ctx, &f, &page, &ps, &n, &more, ei);
        for (size_t i = 0; rc == ERR_OK && i < n; i++) {
            rc = cancel_open_one(ctx, ops, &ps[i], ei);
            if (rc == ERR_OK && strcmp(ps[i].status, "canceled") == 0)
                (*canceled)++;
        }
    }
    return rc;
}
