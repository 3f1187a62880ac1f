/*
 * payout.c - payouts and disputes from the gateway, with their ledger.
 *
 * Ledger (per merchant account and currency):
 *   payout made:     payout_in_transit  <- processor_balance   (amount)
 *   payout arrived:  bank               <- payout_in_transit
 *   payout failed:   processor_balance  <- payout_in_transit
 *   dispute opened:  dispute_hold <- processor_balance (amount), and
 *                    dispute_fees <- processor_balance (fee)
 *   dispute won:     the reverse of opening
 *   dispute lost:    chargeback_losses <- dispute_hold
 * Each step is posted once: by the move from the recorded status to the
 * reported one, which only goes forward.
 */
#include "app/payout.h"

#include <string.h>

#include "app/ledger.h"
#include "app/payment_int.h"
#include "app/pos.h"
#include "base/assert.h"
#include "base/crypto.h"
#include "store/payments.h"
#include "store/pos.h"

/* Debit kind d, credit kind c, both of merchant account mid. */
static enum err
move(struct app_ctx *ctx, const char *mid, const char *owner2_type,
     const char *owner2, const char *d, const char *c, int64_t amount,
     const char *currency, const char *reason, const char *src_type,
     const char *src_id, struct errinfo *ei)
{
    const char *d_id;
    const char *c_id;
    bool d_is_2 = owner2 != NULL && strcmp(d, "bank") == 0;
    bool c_is_acct = strcmp(c, "dispute_fees") == 0;
    bool d_is_acct = strcmp(d, "dispute_fees") == 0 ||
                     strcmp(d, "chargeback_losses") == 0;
    enum err rc;

    if (amount == 0)
        return ERR_OK;
    ASSERT(amount > 0);
    rc = app_ledger_kind(ctx,
                         d_is_2      ? owner2_type
                         : d_is_acct ? "account"
                                     : "merchant_account",
                         d_is_2      ? owner2
                         : d_is_acct ? ctx->account_id
                                     : mid,
                         d, currency, &d_id, ei);
    if (rc == ERR_OK)
        rc = app_ledger_kind(ctx, c_is_acct ? "account" : "merchant_account",
                             c_is_acct ? ctx->account_id : mid, c, currency,
                             &c_id, ei);
    if (rc == ERR_OK)
        rc = app_ledger_move(ctx, currency, d_id, c_id, amount, reason,
                             src_type, src_id, ei);
    return rc;
}

/* ---- payouts ---- */

static int
payout_rank(const char *s)
{
    if (strcmp(s, "pending") == 0)
        return 0;
    if (strcmp(s, "in_transit") == 0)
        return 1;
    return 2; /* paid, failed, canceled */
}

/* Post what moving payout p from status from to status to means. */
static enum err
payout_post(struct app_ctx *ctx, const struct payout *p, const char *from,
            const char *to, struct errinfo *ei)
{
    bool was_out = from != NULL && strcmp(from, "failed") != 0 &&
                   strcmp(from, "canceled") != 0;
    bool is_out = strcmp(to, "failed") != 0 && strcmp(to, "canceled") != 0;
    const char *m = p->merchant_account_id;
    enum err rc = ERR_OK;

    if (p->amount <= 0)
        return ERR_OK;
    if (from == NULL && is_out)
        rc = move(ctx, m, NULL, NULL, "payout_in_transit", "processor_balance",
                  p->amount, p->currency, "payout.created", "payout", p->id,
                  ei);
    if (rc == ERR_OK && strcmp(to, "paid") == 0 &&
        (from == NULL || strcmp(from, "paid") != 0))
        rc = move(ctx, m, "bank_account",
                  p->bank_account_id != NULL ? p->bank_account_id : m, "bank",
                  "payout_in_transit", p->amount, p->currency, "payout.paid",
                  "payout", p->id, ei);
    if (rc == ERR_OK && was_out && !is_out)
        rc = move(ctx, m, NULL, NULL, "processor_balance", "payout_in_transit",
                  p->amount, p->currency, "payout.failed", "payout", p->id, ei);
    return rc;
}

/* Name the Poise object behind a payout item, when there is one. */
static void
item_object(struct app_ctx *ctx, const struct gw_payout_item *g,
            struct payout_item *it)
{
    struct payment pay;
    struct refund ref;
    struct dispute d;
    struct errinfo ignored;

    it->object_type = NULL;
    it->object_id = NULL;
    switch (g->type) {
    case GW_ITEM_CHARGE:
    case GW_ITEM_FEE:
        if (store_payment_by_ref(ctx->db, ctx->a, ctx->account_id,
                                 g->source_ref, &pay, &ignored) == ERR_OK) {
            it->object_type = "payment";
            it->object_id = pay.id;
        }
        break;
    case GW_ITEM_REFUND:
    case GW_ITEM_REFUND_FAILED:
        if (store_refund_by_ref(ctx->db, ctx->a, ctx->account_id, g->source_ref,
                                &ref, &ignored) == ERR_OK) {
            it->object_type = "refund";
            it->object_id = ref.id;
        }
        break;
    case GW_ITEM_DISPUTE:
    case GW_ITEM_DISPUTE_FEE:
    case GW_ITEM_DISPUTE_WON:
        if (store_dispute_by_ref(ctx->db, ctx->a, ctx->account_id,
                                 g->source_ref, &d, &ignored) == ERR_OK) {
            it->object_type = "dispute";
            it->object_id = d.id;
        }
        break;
    case GW_ITEM_DEBIT:
        it->object_type = "fee_statement";
        break;
    default:
        ASSERT(!"unreachable");
    }
}

/* Record a payout Poise has not seen, with its items. */
static enum err
payout_new(struct app_ctx *ctx, const struct gw_payout *g, struct payout *p,
           struct errinfo *ei)
{
    struct bank_account b;
    int64_t sum = 0;
    enum err rc = store_bank_by_ref(ctx->db, ctx->a, ctx->account_id,
                                    g->bank_ref, &b, ei);

    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, ERR_NOT_FOUND, "resource_missing", NULL,
                           "payout to an unknown bank account");
    if (rc)
        return app_store_fail(rc, ei);
    memset(p, 0, sizeof(*p));
    p->id = id_new(ctx->a, "po", ctx->now_ms);
    p->merchant_account_id = b.merchant_account_id;
    p->bank_account_id = b.id;
    p->gateway_ref = arena_strdup(ctx->a, g->ref);
    p->status = gw_payout_status_name(g->status);
    p->amount = g->amount;
    p->currency = arena_strdup(ctx->a, g->currency);
    p->arrival_at_ms = g->arrival_ms;
    /* When the processor made it, not when Poise heard of it. */
    p->created_at_ms = g->created_ms > 0 ? g->created_ms : ctx->now_ms;
    p->updated_at_ms = ctx->now_ms;
    rc = store_payout_insert(ctx->db, ctx->a, ctx->account_id, p, ei);
    for (size_t i = 0; rc == ERR_OK && i < g->item_count; i++) {
        struct payout_item it = {
            .seq = (int64_t)i + 1,
            .type = gw_item_type_name(g->items[i].type),
            .source_ref = g->items[i].source_ref,
            .amount = g->items[i].amount,
        };

        item_object(ctx, &g->items[i], &it);
        sum += it.amount;
        rc = store_payout_item_insert(ctx->db, ctx->a, ctx->account_id, p->id,
                                      &it, ei);
        if (rc == ERR_OK && g->items[i].type == GW_ITEM_DEBIT)
            rc = store_fee_mark_deducted(ctx->db, ctx->a, ctx->account_id,
                                         it.source_ref, p->id, ei);
    }
    if (rc)
        return app_store_fail(rc, ei);
    /* The deposit report adds up to the payout, to the cent. */
    ASSERT(sum == p->amount);
    return payout_post(ctx, p, NULL, p->status, ei);
}

enum err
app_payout_sync(struct app_ctx *ctx, const char *ref, struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    struct gw_payout g;
    struct payout p;
    struct gw_ctx gc = app_gw_ctx(ctx);
    const char *to;
    enum err rc = app_pos_get(ctx, &s, ei);

    if (rc || s.gateway == NULL)
        return rc;
    ops = gateway_get(gateway_kind_of(s.gateway));
    memset(&g, 0, sizeof(g));
    rc = ops->payout_retrieve(&gc, ref, &g, ei);
    if (rc)
        return rc;
    rc = store_payout_by_ref(ctx->db, ctx->a, ctx->account_id, ref, &p, ei);
    if (rc == ERR_NOT_FOUND) {
        errinfo_clear(ei);
        return payout_new(ctx, &g, &p, ei);
    }
    if (rc)
        return app_store_fail(rc, ei);
    to = gw_payout_status_name(g.status);
    if (payout_rank(to) <= payout_rank(p.status))
        return ERR_OK; /* nothing new, or an old event late */
    rc = payout_post(ctx, &p, p.status, to, ei);
    if (rc)
        return rc;
    p.status = to;
    p.arrival_at_ms = g.arrival_ms;
    p.failure_code = g.failure_code[0] != '\0'
                         ? arena_strdup(ctx->a, g.failure_code)
                         : NULL;
    p.updated_at_ms = ctx->now_ms;
    rc = store_payout_update(ctx->db, ctx->a, ctx->account_id, &p, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_payout_list(struct app_ctx *ctx, const struct page *page,
                struct payout **out, size_t *count, bool *has_more,
                struct errinfo *ei)
{
    enum err rc = store_payout_list(ctx->db, ctx->a, ctx->account_id,
                                    page->limit, page->starting_after, out,
                                    count, has_more, ei);

    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_payout_get(struct app_ctx *ctx, const char *id, struct payout *out,
               struct payout_item **items, size_t *item_count,
               struct errinfo *ei)
{
    enum err rc = store_payout_get(ctx->db, ctx->a, ctx->account_id, id, out,
                                   ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "payout", id, "id");
    if (rc == ERR_OK)
        rc = store_payout_items(ctx->db, ctx->a, ctx->account_id, id, items,
                                item_count, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* ---- disputes ---- */

/* Does status hold money (a chargeback), and is it still open? */
static bool
dispute_holds(const char *s)
{
    return strncmp(s, "warning_", 8) != 0;
}

static bool
dispute_open(const char *s)
{
    return strcmp(s, "won") != 0 && strcmp(s, "lost") != 0 &&
           strcmp(s, "warning_closed") != 0;
}

/* The ledger of moving dispute d from status from (NULL: new) to to. */
static enum err
dispute_post(struct app_ctx *ctx, const struct dispute *d, const char *mid,
             const char *from, const char *to, struct errinfo *ei)
{
    bool held = from != NULL && dispute_holds(from) && dispute_open(from);
    bool settled = from != NULL && !dispute_open(from);
    enum err rc = ERR_OK;

    if (settled || !dispute_holds(to))
        return ERR_OK;
    if (!held) {
        rc = move(ctx, mid, NULL, NULL, "dispute_hold", "processor_balance",
                  d->amount, d->currency, "dispute.opened", "dispute", d->id,
                  ei);
        if (rc == ERR_OK)
            rc = move(ctx, mid, NULL, NULL, "dispute_fees", "processor_balance",
                      d->fee, d->currency, "dispute.fee", "dispute", d->id, ei);
    }
    if (rc == ERR_OK && strcmp(to, "won") == 0) {
        rc = move(ctx, mid, NULL, NULL, "processor_balance", "dispute_hold",
                  d->amount, d->currency, "dispute.won", "dispute", d->id, ei);
        if (rc == ERR_OK)
            rc = move(ctx, mid, NULL, NULL, "processor_balance", "dispute_fees",
                      d->fee, d->currency, "dispute.won", "dispute", d->id, ei);
    } else if (rc == ERR_OK && strcmp(to, "lost") == 0) {
        rc = move(ctx, mid, NULL, NULL, "chargeback_losses", "dispute_hold",
                  d->amount, d->currency, "dispute.lost", "dispute", d->id, ei);
    }
    return rc;
}

/* Mark payment p disputed while a dispute on it is open. */
static enum err
payment_mark(struct app_ctx *ctx, struct payment *p, bool disputed,
             struct errinfo *ei)
{
    enum err rc;

    if (p->disputed == disputed)
        return ERR_OK;
    p->disputed = disputed;
    p->updated_at_ms = ctx->now_ms;
    rc = store_payment_update(ctx->db, ctx->a, ctx->account_id, p, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

static enum err
dispute_new(struct app_ctx *ctx, const struct gw_dispute *g, struct payment *p,
            struct dispute *d, struct errinfo *ei)
{
    const char *to = gw_dispute_status_name(g->status);
    enum err rc;

    memset(d, 0, sizeof(*d));
    d->id = id_new(ctx->a, "dp", ctx->now_ms);
    d->payment_id = p->id;
    d->gateway_ref = arena_strdup(ctx->a, g->ref);
    d->status = to;
    d->reason = arena_strdup(ctx->a, g->reason);
    d->amount = g->amount;
    d->fee = g->fee;
    d->currency = p->currency;
    d->due_by_ms = g->due_by_ms;
    d->evidence = "{}";
    d->created_at_ms = g->created_ms > 0 ? g->created_ms : ctx->now_ms;
    d->updated_at_ms = ctx->now_ms;
    rc = store_dispute_insert(ctx->db, ctx->a, ctx->account_id, d, ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = dispute_post(ctx, d, p->merchant_account_id, NULL, to, ei);
    if (rc == ERR_OK)
        rc = payment_mark(ctx, p, dispute_open(to), ei);
    return rc;
}

enum err
app_dispute_sync(struct app_ctx *ctx, const char *ref, struct errinfo *ei)
{
    struct pos_settings s;
    struct gw_dispute g;
    struct dispute d;
    struct payment p;
    struct gw_ctx gc = app_gw_ctx(ctx);
    const char *to;
    enum err rc = app_pos_get(ctx, &s, ei);

    if (rc || s.gateway == NULL)
        return rc;
    memset(&g, 0, sizeof(g));
    rc = gateway_get(gateway_kind_of(s.gateway))
             ->dispute_retrieve(&gc, ref, &g, ei);
    if (rc)
        return rc;
    rc = store_payment_by_ref(ctx->db, ctx->a, ctx->account_id, g.charge_ref,
                              &p, ei);
    if (rc == ERR_NOT_FOUND) /* a charge Poise did not make */
        return ERR_OK;
    if (rc == ERR_OK)
        rc = payment_load(ctx, p.id, &p, ei);
    if (rc == ERR_OK)
        rc = store_dispute_by_ref(ctx->db, ctx->a, ctx->account_id, ref, &d,
                                  ei);
    if (rc == ERR_NOT_FOUND) {
        errinfo_clear(ei);
        return dispute_new(ctx, &g, &p, &d, ei);
    }
    if (rc)
        return rc == ERR_STORE ? app_store_fail(rc, ei) : rc;
    to = gw_dispute_status_name(g.status);
    if (strcmp(to, d.status) == 0 || !dispute_open(d.status))
        return ERR_OK; /* nothing new, or already decided */
    rc = dispute_post(ctx, &d, p.merchant_account_id, d.status, to, ei);
    if (rc)
        return rc;
    d.status = to;
    d.due_by_ms = g.due_by_ms;
    d.updated_at_ms = ctx->now_ms;
    rc = store_dispute_update(ctx->db, ctx->a, ctx->account_id, &d, ei);
    if (rc)
        return app_store_fail(rc, ei);
    return payment_mark(ctx, &p, dispute_open(to), ei);
}

enum err
app_dispute_list(struct app_ctx *ctx, const struct page *page,
                 struct dispute **out, size_t *count, bool *has_more,
                 struct errinfo *ei)
{
    enum err rc = store_dispute_list(ctx->db, ctx->a, ctx->account_id,
                                     page->limit, page->starting_after, out,
                                     count, has_more, ei);

    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_dispute_get(struct app_ctx *ctx, const char *id, struct dispute *out,
                struct errinfo *ei)
{
    enum err rc = store_dispute_get(ctx->db, ctx->a, ctx->account_id, id, out,
                                    ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "dispute", id, "id");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_dispute_evidence(struct app_ctx *ctx, const char *id, const char *evidence,
                     bool submit, struct dispute *out, struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    struct gw_dispute g;
    struct gw_ctx gc = app_gw_ctx(ctx);
    enum err rc = app_pos_require(ctx, &s, &ops, ei);

    if (rc == ERR_OK)
        rc = app_dispute_get(ctx, id, out, ei);
    if (rc)
        return rc;
    if (strcmp(out->status, "needs_response") != 0 &&
        strcmp(out->status, "warning_needs_response") != 0)
        return errinfo_set(ei, ERR_CONFLICT, "dispute_not_open", NULL,
                           "the dispute is %s: evidence can no longer change",
                           out->status);
    if (out->due_by_ms > 0 && ctx->now_ms > out->due_by_ms)
        return errinfo_set(ei, ERR_CONFLICT, "dispute_past_due", NULL,
                           "the evidence was due by now");
    memset(&g, 0, sizeof(g));
    rc = ops->dispute_evidence(&gc, out->gateway_ref, evidence, submit, &g, ei);
    if (rc)
        return rc;
    out->evidence = evidence;
    if (submit) {
        out->submitted_at_ms = ctx->now_ms;
        out->status = gw_dispute_status_name(g.status);
    }
    out->updated_at_ms = ctx->now_ms;
    rc = store_dispute_update(ctx->db, ctx->a, ctx->account_id, out, ei);
    if (rc)
        return app_store_fail(rc, ei);
    json_t *sum = json_object();
    json_put(sum, "submit", json_boolean(submit));
    return app_audit(ctx, submit ? "dispute.submit" : "dispute.evidence",
                     "dispute", id, sum, ei);
}
