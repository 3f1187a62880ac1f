/*
 * invoice_refund.c - refunding an invoice back to the tenders that paid.
 *
 * A refund is of lines (with quantities) or of an amount. Its net and tax
 * are the lines' shares (core/pricing's pricing_prorate, taken as a
 * difference of cumulative shares, so returning everything in any steps
 * returns every cent); its tip is the same share of the tips. The money
 * goes back to the original tenders in proportion to what each has left
 * (pricing_allocate): never more than a tender paid.
 *
 * Phases, like a checkout: plan and write the refund 'pending' with its
 * lines and per-tender parts, commit; refund each card part at the
 * gateway (key "<refund id>.<tender id>"), noting each as it is done;
 * then in one commit: cash out of the drawer, what each tender, tip and
 * line has had back, restock, the invoice, the refund 'succeeded'. A
 * retry with the same key, or the recovery pass, resumes from the notes.
 */
#include <string.h>

#include "app/checkout_int.h"
#include "app/drawer.h"
#include "app/financing.h"
#include "app/payment_int.h"
#include "base/assert.h"
#include "base/crypto.h"
#include "core/pricing.h"
#include "store/drawers.h"

/* What a refund request asks for, and what it comes to. */
struct refund_plan {
    struct invoice v;
    struct invoice_line *ls;
    size_t nl;
    struct invoice_tender *ts;
    size_t nt;
    struct invoice_refund_line *rl; /* lines mode */
    size_t nrl;
    int64_t amount; /* amount mode: net + tax asked for */
    bool restock;
    const char *reason;
    int64_t net, tax, tip;
    int64_t *t_amount; /* per tender */
    int64_t *t_tip;
};

static bool
is_financing(const struct invoice_tender *t)
{
    return strcmp(t->method, "cherry") == 0 || strcmp(t->method, "klarna") == 0;
}

/* Cancel a financing tender at its connector (a void), outside any tx. */
static enum err
cancel_financing(struct app_ctx *ctx, const struct invoice_tender *t,
                 const char *key, struct errinfo *ei)
{
    enum err rc = app_tx_commit(ctx);
    enum err frc;

    if (rc)
        return app_store_fail(rc, ei);
    frc = app_financing_cancel(ctx, t->method, t->reference, key, ei);
    rc = app_tx_begin(ctx, true);
    if (rc)
        return app_store_fail(rc, ei);
    return frc;
}

/* Nothing else may run on the invoice: a refund or a payment. */
static enum err
check_quiet(struct app_ctx *ctx, const struct invoice *v, struct errinfo *ei)
{
    struct invoice_refund other;
    bool paying;
    enum err rc = store_invoice_refund_pending_of(
        ctx->db, ctx->a, ctx->account_id, v->id, &other, ei);

    if (rc == ERR_OK)
        return errinfo_set(ei, ERR_CONFLICT, "refund_in_progress", NULL,
                           "another refund of this invoice is under way");
    if (rc != ERR_NOT_FOUND)
        return app_store_fail(rc, ei);
    errinfo_clear(ei);
    rc = app_checkout_pending(ctx, v->id, &paying, ei);
    if (rc == ERR_OK && paying)
        rc = errinfo_set(ei, ERR_CONFLICT, "invoice_payment_in_progress", NULL,
                         "a payment of this invoice is under way");
    return rc;
}

static enum err
read_refund(struct app_ctx *ctx, json_t *body, struct refund_plan *p,
            struct errinfo *ei)
{
    json_t *lines = NULL;
    const struct jfield f[] = {
        {"lines", JT_ARRAY, false, false, 1, PRICING_LINES_MAX, &lines, NULL},
        {"amount", JT_INT, false, false, 1, PRICING_AMOUNT_MAX, &p->amount,
         NULL},
        {"restock", JT_BOOL, false, false, 0, 0, &p->restock, NULL},
        {"reason", JT_STRING, false, false, 0, 500, &p->reason, NULL},
    };
    enum err rc = json_read(body, f, 4, "", ei);

    if (rc)
        return rc;
    if ((lines == NULL) == (p->amount == 0))
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "lines",
                           "refund lines (with quantities) or an amount, "
                           "one of the two");
    if (p->restock && lines == NULL)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "restock",
                           "restock goes with lines: an amount returns no "
                           "goods");
    if (lines == NULL)
        return ERR_OK;
    p->nrl = json_array_size(lines);
    p->rl = arena_array(ctx->a, p->nrl, sizeof(*p->rl));
    if (p->rl == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < p->nrl; i++) {
        char prefix[32];
        const struct jfield lf[] = {
            {"line", JT_INT, true, false, 1, PRICING_LINES_MAX,
             &p->rl[i].line_seq, NULL},
            {"quantity", JT_INT, true, false, 1, PRICING_QUANTITY_MAX,
             &p->rl[i].quantity, NULL},
        };
        json_t *o = json_array_get(lines, i);

        snprintf(prefix, sizeof(prefix), "lines[%zu].", i);
        if (!json_is_object(o))
            return errinfo_set(ei, ERR_INVALID, "parameter_invalid_type", NULL,
                               "'lines[%zu]' must be an object", i);
        rc = json_read(o, lf, 2, prefix, ei);
        for (size_t j = 0; rc == ERR_OK && j < i; j++) {
            if (p->rl[j].line_seq == p->rl[i].line_seq)
                rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", NULL,
                                 "line %lld is named twice",
                                 (long long)p->rl[i].line_seq);
        }
        if (rc) {
            if (ei->param[0] == '\0')
                snprintf(ei->param, sizeof(ei->param), "lines[%zu].line", i);
            return rc;
        }
    }
    return ERR_OK;
}

/* Net and tax of each line asked for: its share of what is left. */
static enum err
plan_lines(struct refund_plan *p, struct errinfo *ei)
{
    for (size_t i = 0; i < p->nrl; i++) {
        struct invoice_refund_line *r = &p->rl[i];
        const struct invoice_line *l = NULL;

        for (size_t j = 0; j < p->nl; j++) {
            if (p->ls[j].seq == r->line_seq)
                l = &p->ls[j];
        }
        if (l == NULL) {
            errinfo_set(ei, ERR_INVALID, "parameter_invalid", NULL,
                        "the invoice has no line %lld", (long long)r->line_seq);
            snprintf(ei->param, sizeof(ei->param), "lines[%zu].line", i);
            return ERR_INVALID;
        }
        if (r->quantity > l->quantity - l->refunded_quantity) {
            errinfo_set(ei, ERR_RULE, "refund_exceeds_paid", NULL,
                        "line %lld has %lld left to refund", (long long)l->seq,
                        (long long)(l->quantity - l->refunded_quantity));
            snprintf(ei->param, sizeof(ei->param), "lines[%zu].quantity", i);
            return ERR_RULE;
        }
        r->net_minor = pricing_prorate(l->net_minor,
                                       l->refunded_quantity + r->quantity,
                                       l->quantity) -
                       pricing_prorate(l->net_minor, l->refunded_quantity,
                                       l->quantity);
        r->tax_minor = pricing_prorate(l->tax_minor,
                                       l->refunded_quantity + r->quantity,
                                       l->quantity) -
                       pricing_prorate(l->tax_minor, l->refunded_quantity,
                                       l->quantity);
        p->net += r->net_minor;
        p->tax += r->tax_minor;
    }
    return ERR_OK;
}

/* Net, tax and tip of the refund; its parts per tender. */
static enum err
plan_refund(struct app_ctx *ctx, struct refund_plan *p, struct errinfo *ei)
{
    const struct invoice *v = &p->v;
    int64_t left = v->paid_minor - v->refunded_minor;
    int64_t *room;
    enum err rc = ERR_OK;

    if (p->nrl > 0) {
        rc = plan_lines(p, ei);
    } else {
        int64_t done = v->refunded_minor;

        if (p->amount > left)
            return errinfo_set(ei, ERR_RULE, "refund_exceeds_paid", "amount",
                               "%lld is left to refund", (long long)left);
        p->tax = pricing_prorate(v->tax_minor, done + p->amount,
                                 v->total_minor) -
                 pricing_prorate(v->tax_minor, done, v->total_minor);
        p->net = p->amount - p->tax;
    }
    if (rc)
        return rc;
    if (p->net + p->tax > left)
        return errinfo_set(ei, ERR_RULE, "refund_exceeds_paid", "lines",
                           "these lines come to %lld; %lld is left to refund",
                           (long long)(p->net + p->tax), (long long)left);
    p->tip = pricing_prorate(v->tip_minor, v->refunded_minor + p->net + p->tax,
                             v->paid_minor) -
             v->tip_refunded_minor;
    room = arena_array(ctx->a, p->nt + 1, sizeof(*room));
    p->t_amount = arena_array(ctx->a, p->nt + 1, sizeof(*p->t_amount));
    p->t_tip = arena_array(ctx->a, p->nt + 1, sizeof(*p->t_tip));
    if (room == NULL || p->t_amount == NULL || p->t_tip == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < p->nt; i++)
        room[i] = p->ts[i].amount_minor - p->ts[i].refunded_minor;
    rc = pricing_allocate(p->net + p->tax, room, p->nt, p->t_amount);
    for (size_t i = 0; rc == ERR_OK && i < p->nt; i++)
        room[i] = p->ts[i].tip_minor - p->ts[i].tip_refunded_minor;
    if (rc == ERR_OK)
        rc = pricing_allocate(p->tip, room, p->nt, p->t_tip);
    /* The tenders hold what was paid and not refunded: it always fits. */
    ASSERT(rc == ERR_OK);
    return rc;
}

/* Each card part can go back to its payment; cash has a drawer. */
static enum err
check_tenders(struct app_ctx *ctx, const struct refund_plan *p,
              struct errinfo *ei)
{
    for (size_t i = 0; i < p->nt; i++) {
        const struct invoice_tender *t = &p->ts[i];
        int64_t back = p->t_amount[i] + p->t_tip[i];
        struct payment pay;
        struct cash_drawer d;
        enum err rc;

        if (back == 0)
            continue;
        if (strcmp(t->method, "card") == 0) {
            rc = store_payment_get(ctx->db, ctx->a, ctx->account_id,
                                   t->payment_id, &pay, ei);
            if (rc)
                return app_store_fail(rc, ei);
            if (pay.disputed ||
                pay.amount_captured - pay.amount_refunded < back)
                return errinfo_set(ei, ERR_RULE, "refund_not_possible", NULL,
                                   "the %s card ending %s cannot take %lld "
                                   "back (disputed or already refunded)",
                                   t->card_brand, t->card_last4,
                                   (long long)back);
        } else if (strcmp(t->method, "cash") == 0) {
            rc = store_cash_drawer_get(ctx->db, ctx->a, ctx->account_id,
                                       t->drawer_id, &d, ei);
            if (rc == ERR_OK)
                rc = store_cash_drawer_open_of(ctx->db, ctx->a, ctx->account_id,
                                               d.clinic_id, d.register_name, &d,
                                               ei);
            if (rc == ERR_NOT_FOUND)
                return errinfo_set(ei, ERR_CONFLICT, "no_open_drawer", NULL,
                                   "the cash goes back from register '%s', "
                                   "which has no open drawer",
                                   d.register_name);
            if (rc)
                return app_store_fail(rc, ei);
        }
    }
    return ERR_OK;
}

static enum err
load_invoice(struct app_ctx *ctx, const char *id, struct refund_plan *p,
             struct errinfo *ei)
{
    enum err rc = checkout_invoice_locked(ctx, id, &p->v, ei);

    if (rc)
        return rc;
    rc = store_invoice_lines(ctx->db, ctx->a, ctx->account_id, id, &p->ls,
                             &p->nl, ei);
    if (rc == ERR_OK)
        rc = store_invoice_tenders(ctx->db, ctx->a, ctx->account_id, id, &p->ts,
                                   &p->nt, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* ---- recording ---- */

static const struct invoice_tender *
tender_of(const struct refund_plan *p, const char *id)
{
    for (size_t i = 0; i < p->nt; i++) {
        if (strcmp(p->ts[i].id, id) == 0)
            return &p->ts[i];
    }
    return NULL;
}

/* Cash back out of the drawer of the register that took it. */
static enum err
cash_back(struct app_ctx *ctx, const struct invoice_refund *r,
          const struct invoice_tender *t, int64_t back, struct errinfo *ei)
{
    struct cash_drawer d;
    struct cash_drawer_movement mv;
    enum err rc = store_cash_drawer_get(ctx->db, ctx->a, ctx->account_id,
                                        t->drawer_id, &d, ei);

    if (rc)
        return app_store_fail(rc, ei);
    return app_drawer_cash(ctx, d.clinic_id, d.register_name, DRAWER_REFUND,
                           back, r->currency, "invoice_refund", r->id, &mv, ei);
}

/* Split the refund's tip over the providers' tips, as it was paid. */
static enum err
tips_back(struct app_ctx *ctx, const struct invoice_refund *r,
          struct errinfo *ei)
{
    struct invoice_tip *tips;
    int64_t *room, *parts;
    size_t n;
    enum err rc = store_invoice_tips(ctx->db, ctx->a, ctx->account_id,
                                     r->invoice_id, &tips, &n, ei);

    if (rc)
        return app_store_fail(rc, ei);
    room = arena_array(ctx->a, n + 1, sizeof(*room));
    parts = arena_array(ctx->a, n + 1, sizeof(*parts));
    if (room == NULL || parts == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < n; i++)
        room[i] = tips[i].amount_minor - tips[i].refunded_minor;
    rc = pricing_allocate(r->tip_minor, room, n, parts);
    ASSERT(rc == ERR_OK); /* tip rows sum to the tenders' tips */
    for (size_t i = 0; rc == ERR_OK && i < n; i++) {
        if (parts[i] > 0)
            rc = store_tip_refunded(ctx->db, ctx->a, ctx->account_id,
                                    tips[i].checkout_id, tips[i].provider_id,
                                    parts[i], ei);
    }
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

static enum err
lines_back(struct app_ctx *ctx, const struct invoice_refund *r,
           const struct refund_plan *p, struct errinfo *ei)
{
    struct invoice_refund_line *rl;
    size_t n;
    enum err rc = store_invoice_refund_lines(ctx->db, ctx->a, ctx->account_id,
                                             r->id, &rl, &n, ei);

    for (size_t i = 0; rc == ERR_OK && i < n; i++) {
        rc = store_line_refunded(ctx->db, ctx->a, ctx->account_id,
                                 r->invoice_id, rl[i].line_seq, rl[i].quantity,
                                 ei);
        for (size_t j = 0; rc == ERR_OK && r->restock && j < p->nl; j++) {
            bool tracked;

            if (p->ls[j].seq == rl[i].line_seq &&
                strcmp(p->ls[j].kind, "product") == 0)
                rc = store_stock_adjust(ctx->db, ctx->a, ctx->account_id,
                                        p->ls[j].item_id, p->v.clinic_id,
                                        rl[i].quantity, &tracked, ei);
        }
    }
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* A void puts every product of a paid invoice back on the shelf. */
static enum err
shelf_back(struct app_ctx *ctx, const struct invoice_refund *r,
           const struct refund_plan *p, struct errinfo *ei)
{
    enum err rc = ERR_OK;

    for (size_t j = 0; rc == ERR_OK && r->restock && j < p->nl; j++) {
        bool tracked;

        if (strcmp(p->ls[j].kind, "product") == 0)
            rc = store_stock_adjust(ctx->db, ctx->a, ctx->account_id,
                                    p->ls[j].item_id, p->v.clinic_id,
                                    p->ls[j].quantity, &tracked, ei);
    }
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* The one commit of a refund whose card parts were all refunded. */
static enum err
record_refund(struct app_ctx *ctx, struct invoice_refund *r, struct errinfo *ei)
{
    struct refund_plan p;
    struct invoice_refund_tender *rt;
    size_t n;
    enum err rc = store_invoice_refund_get(ctx->db, ctx->a, ctx->account_id,
                                           r->id, r, ei);

    if (rc)
        return app_store_fail(rc, ei);
    if (strcmp(r->status, "pending") != 0)
        return ERR_OK;
    memset(&p, 0, sizeof(p));
    rc = load_invoice(ctx, r->invoice_id, &p, ei);
    if (rc == ERR_OK)
        rc = store_invoice_refund_tenders(ctx->db, ctx->a, ctx->account_id,
                                          r->id, &rt, &n, ei);
    for (size_t i = 0; rc == ERR_OK && i < n; i++) {
        const struct invoice_tender *t = tender_of(&p, rt[i].tender_id);

        ASSERT(t != NULL);
        rc = store_tender_refunded(ctx->db, ctx->a, ctx->account_id, t->id,
                                   rt[i].amount_minor, rt[i].tip_minor, ei);
        if (rc == ERR_OK && strcmp(t->method, "cash") == 0)
            rc = cash_back(ctx, r, t, rt[i].amount_minor + rt[i].tip_minor, ei);
    }
    if (rc == ERR_OK)
        rc = tips_back(ctx, r, ei);
    if (rc == ERR_OK)
        rc = strcmp(r->kind, "void") == 0 ? shelf_back(ctx, r, &p, ei)
                                          : lines_back(ctx, r, &p, ei);
    if (rc)
        return rc;
    p.v.refunded_minor += r->amount_minor;
    p.v.tip_refunded_minor += r->tip_minor;
    p.v.status = p.v.refunded_minor == p.v.paid_minor ? "refunded"
                                                      : "partially_refunded";
    if (strcmp(r->kind, "void") == 0) {
        p.v.status = "void";
        p.v.queued_at_ms = 0;
    }
    p.v.updated_at_ms = ctx->now_ms;
    rc = store_invoice_money(ctx->db, ctx->a, ctx->account_id, &p.v, ei);
    r->status = "succeeded";
    r->updated_at_ms = ctx->now_ms;
    if (rc == ERR_OK)
        rc = store_invoice_refund_finish(ctx->db, ctx->a, ctx->account_id, r,
                                         ei);
    if (rc)
        return app_store_fail(rc, ei);
    json_t *sum = json_object();
    json_put(sum, "refund", json_string(r->id));
    json_put(sum, "amount", json_integer(r->amount_minor));
    json_put(sum, "tip", json_integer(r->tip_minor));
    json_put(sum, "restock", json_boolean(r->restock));
    return app_audit(
        ctx, strcmp(r->kind, "void") == 0 ? "invoice.void" : "invoice.refund",
        "invoice", p.v.id, sum, ei);
}

/* Refund a financing part at its connector, outside any transaction. */
static enum err
financing_part(struct app_ctx *ctx, const struct invoice_refund *r,
               const struct invoice_tender *t, int64_t back, const char *key,
               struct errinfo *ei)
{
    enum err rc = app_tx_commit(ctx);
    enum err frc;

    if (rc)
        return app_store_fail(rc, ei);
    frc = app_financing_refund(ctx, t->method, t->reference, back, r->currency,
                               key, ei);
    rc = app_tx_begin(ctx, true);
    if (rc)
        return app_store_fail(rc, ei);
    return frc;
}

/*
 * Refund each card and financing part not yet refunded at its gateway or
 * connector, noting each as it is done.
 */
static enum err
remote_parts(struct app_ctx *ctx, struct invoice_refund *r, struct errinfo *ei)
{
    struct invoice_refund_tender *rt;
    struct invoice_tender *ts;
    size_t n, nt;
    enum err rc = store_invoice_refund_tenders(ctx->db, ctx->a, ctx->account_id,
                                               r->id, &rt, &n, ei);

    if (rc == ERR_OK)
        rc = store_invoice_tenders(ctx->db, ctx->a, ctx->account_id,
                                   r->invoice_id, &ts, &nt, ei);
    if (rc)
        return app_store_fail(rc, ei);
    for (size_t i = 0; rc == ERR_OK && i < n; i++) {
        const struct invoice_tender *t = NULL;
        int64_t back = rt[i].amount_minor + rt[i].tip_minor;
        const char *key;
        const char *done = NULL;

        for (size_t j = 0; j < nt; j++) {
            if (strcmp(ts[j].id, rt[i].tender_id) == 0)
                t = &ts[j];
        }
        ASSERT(t != NULL);
        if (rt[i].refund_ref != NULL)
            continue;
        key = arena_printf(ctx->a, "%s.%s", r->id, t->id);
        if (strcmp(r->kind, "void") == 0 && strcmp(t->method, "card") == 0) {
            struct payment pay;

            rc = app_payment_cancel(ctx, t->payment_id, key, &pay, ei);
            done = t->payment_id;
        } else if (strcmp(r->kind, "void") == 0 && is_financing(t)) {
            rc = cancel_financing(ctx, t, key, ei);
            done = key;
        } else if (strcmp(t->method, "card") == 0) {
            struct refund_input in = {.payment_id = t->payment_id,
                                      .amount = back,
                                      .reason = "requested_by_customer",
                                      .idem_key = key};
            struct refund out;

            rc = app_refund_create(ctx, &in, &out, ei);
            done = out.id;
        } else if (is_financing(t)) {
            rc = financing_part(ctx, r, t, back, key, ei);
            done = key;
        } else {
            continue; /* cash, check, external: in the record */
        }
        if (rc == ERR_OK)
            rc = store_invoice_refund_tender_done(
                ctx->db, ctx->a, ctx->account_id, r->id, t->id, done, ei);
        if (rc == ERR_OK)
            rc = payment_tx_next(ctx, ei);
    }
    return rc;
}

/* Card parts, then the record; a refusal ends the refund failed. */
static enum err
run_refund(struct app_ctx *ctx, struct invoice_refund *r, struct errinfo *ei)
{
    enum err rc = remote_parts(ctx, r, ei);

    if (rc == ERR_OK)
        rc = record_refund(ctx, r, ei);
    if (rc == ERR_OK || checkout_transient(rc))
        return rc;
    struct errinfo why = *ei;
    enum err frc = checkout_tx_restart(ctx, ei);

    if (frc == ERR_OK)
        frc = store_invoice_refund_get(ctx->db, ctx->a, ctx->account_id, r->id,
                                       r, ei);
    if (frc == ERR_OK && strcmp(r->status, "pending") == 0) {
        r->status = "failed";
        r->failure_code = why.code;
        r->updated_at_ms = ctx->now_ms;
        frc = store_invoice_refund_finish(ctx->db, ctx->a, ctx->account_id, r,
                                          ei);
        if (frc == ERR_OK)
            frc = payment_tx_next(ctx, ei);
    }
    if (frc)
        return app_store_fail(frc, ei);
    *ei = why;
    return rc;
}

static enum err
write_refund(struct app_ctx *ctx, struct invoice_refund *r,
             const struct refund_plan *p, struct errinfo *ei)
{
    enum err rc = store_invoice_refund_insert(ctx->db, ctx->a, ctx->account_id,
                                              r, ei);

    if (rc == ERR_CONFLICT)
        return errinfo_set(ei, ERR_CONFLICT, "refund_in_progress", NULL,
                           "another refund of this invoice is under way");
    for (size_t i = 0; rc == ERR_OK && i < p->nrl; i++)
        rc = store_invoice_refund_line_insert(ctx->db, ctx->a, ctx->account_id,
                                              r->id, &p->rl[i], ei);
    for (size_t i = 0; rc == ERR_OK && i < p->nt; i++) {
        struct invoice_refund_tender t = {.tender_id = p->ts[i].id,
                                          .amount_minor = p->t_amount[i],
                                          .tip_minor = p->t_tip[i]};

        if (t.amount_minor + t.tip_minor > 0)
            rc = store_invoice_refund_tender_insert(
                ctx->db, ctx->a, ctx->account_id, r->id, &t, ei);
    }
    if (rc == ERR_OK)
        rc = payment_tx_next(ctx, ei); /* pending is durable from here */
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* The refund row of plan p, pending. */
static void
fill_refund(struct app_ctx *ctx, struct invoice_refund *r,
            const struct refund_plan *p)
{
    r->id = id_new(ctx->a, "irf", ctx->now_ms);
    r->invoice_id = p->v.id;
    r->status = "pending";
    r->net_minor = p->net;
    r->tax_minor = p->tax;
    r->tip_minor = p->tip;
    r->amount_minor = p->net + p->tax;
    r->currency = p->v.currency;
    r->restock = p->restock;
    r->created_by = ctx->user_id;
    r->created_at_ms = ctx->now_ms;
    r->updated_at_ms = ctx->now_ms;
}

static bool
is_refundable(const struct invoice *v)
{
    return (strcmp(v->status, "paid") == 0 ||
            strcmp(v->status, "partially_paid") == 0 ||
            strcmp(v->status, "partially_refunded") == 0) &&
           v->paid_minor > v->refunded_minor;
}

/* A first call: plan and write the refund pending. */
static enum err
begin_refund(struct app_ctx *ctx, const char *invoice_id, json_t *body,
             struct invoice_refund *r, struct errinfo *ei)
{
    struct refund_plan p;
    enum err rc;

    memset(&p, 0, sizeof(p));
    p.reason = "";
    rc = load_invoice(ctx, invoice_id, &p, ei);
    if (rc == ERR_OK)
        rc = read_refund(ctx, body, &p, ei);
    if (rc)
        return rc;
    if (!is_refundable(&p.v))
        return errinfo_set(ei, ERR_CONFLICT, "invoice_not_refundable", NULL,
                           "this invoice is %s with nothing paid left to "
                           "refund",
                           p.v.status);
    rc = check_quiet(ctx, &p.v, ei);
    if (rc == ERR_OK)
        rc = plan_refund(ctx, &p, ei);
    if (rc == ERR_OK)
        rc = check_tenders(ctx, &p, ei);
    if (rc)
        return rc;
    r->reason = p.reason != NULL ? p.reason : "";
    fill_refund(ctx, r, &p);
    return write_refund(ctx, r, &p, ei);
}

/* No card of the invoice has settled: a void can still undo them all. */
static enum err
check_unsettled(struct app_ctx *ctx, const struct refund_plan *p,
                struct errinfo *ei)
{
    for (size_t i = 0; i < p->nt; i++) {
        bool settled = false;
        enum err rc;

        if (strcmp(p->ts[i].method, "card") != 0)
            continue;
        rc = app_payment_settled(ctx, p->ts[i].payment_id, &settled, ei);
        if (rc)
            return rc;
        if (settled)
            return errinfo_set(ei, ERR_CONFLICT, "invoice_settled", NULL,
                               "the %s card ending %s has settled: refund "
                               "the invoice instead",
                               p->ts[i].card_brand, p->ts[i].card_last4);
    }
    return ERR_OK;
}

/* A void of a paid invoice: everything back, its card legs voided. */
static enum err
begin_void(struct app_ctx *ctx, const char *invoice_id,
           struct invoice_refund *r, struct errinfo *ei)
{
    struct refund_plan p;
    enum err rc;

    memset(&p, 0, sizeof(p));
    rc = load_invoice(ctx, invoice_id, &p, ei);
    if (rc)
        return rc;
    if ((strcmp(p.v.status, "paid") != 0 &&
         strcmp(p.v.status, "partially_paid") != 0) ||
        p.v.refunded_minor != 0)
        return errinfo_set(ei, ERR_CONFLICT, "invoice_not_voidable", NULL,
                           "a %s invoice is not voided: refund it instead",
                           p.v.status);
    rc = check_quiet(ctx, &p.v, ei);
    if (rc)
        return rc;
    p.t_amount = arena_array(ctx->a, p.nt + 1, sizeof(*p.t_amount));
    p.t_tip = arena_array(ctx->a, p.nt + 1, sizeof(*p.t_tip));
    if (p.t_amount == NULL || p.t_tip == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < p.nt; i++) {
        p.t_amount[i] = p.ts[i].amount_minor;
        p.t_tip[i] = p.ts[i].tip_minor;
    }
    p.tax = pricing_prorate(p.v.tax_minor, p.v.paid_minor, p.v.total_minor);
    p.net = p.v.paid_minor - p.tax;
    p.tip = p.v.tip_minor;
    p.restock = strcmp(p.v.status, "paid") == 0; /* stock moved when paid */
    rc = check_tenders(ctx, &p, ei);
    if (rc == ERR_OK)
        rc = check_unsettled(ctx, &p, ei);
    if (rc)
        return rc;
    r->kind = "void";
    r->reason = "void";
    fill_refund(ctx, r, &p);
    return write_refund(ctx, r, &p, ei);
}

/*
 * Find the refund (or void) made under idem_key and answer it, resuming it
 * when pending; else begin a new one with begin().
 */
static enum err
by_key_or_begin(struct app_ctx *ctx, const char *invoice_id, json_t *body,
                const char *body_text, const char *idem_key,
                const char *request_hash, struct invoice_refund *out,
                struct errinfo *ei)
{
    enum err rc;

    ASSERT(idem_key != NULL && request_hash != NULL);
    rc = store_invoice_refund_by_key(ctx->db, ctx->a, ctx->account_id, idem_key,
                                     out, ei);
    if (rc == ERR_OK) {
        if (strcmp(out->request_hash, request_hash) != 0 ||
            strcmp(out->invoice_id, invoice_id) != 0)
            return errinfo_set(ei, ERR_CONFLICT, "idempotency_key_reused",
                               "Idempotency-Key",
                               "this Idempotency-Key was used for another "
                               "request");
        if (strcmp(out->status, "failed") == 0)
            return errinfo_set(ei, ERR_RULE, out->failure_code, NULL,
                               "this refund failed");
        return strcmp(out->status, "pending") == 0 ? run_refund(ctx, out, ei)
                                                   : ERR_OK;
    }
    if (rc != ERR_NOT_FOUND)
        return app_store_fail(rc, ei);
    errinfo_clear(ei);
    *out = (struct invoice_refund){.idem_key = idem_key,
                                   .request_hash = request_hash,
                                   .request = body_text,
                                   .kind = "refund"};
    rc = body != NULL ? begin_refund(ctx, invoice_id, body, out, ei)
                      : begin_void(ctx, invoice_id, out, ei);
    return rc ? rc : run_refund(ctx, out, ei);
}

enum err
app_invoice_refund(struct app_ctx *ctx, const char *invoice_id, json_t *body,
                   const char *body_text, const char *idem_key,
                   const char *request_hash, struct invoice_refund *out,
                   struct errinfo *ei)
{
    ASSERT(body != NULL);
    return by_key_or_begin(ctx, invoice_id, body, body_text, idem_key,
                           request_hash, out, ei);
}

enum err
app_invoice_void_paid(struct app_ctx *ctx, const char *invoice_id,
                      const char *idem_key, const char *request_hash,
                      struct invoice_refund *out, struct errinfo *ei)
{
    return by_key_or_begin(ctx, invoice_id, NULL, "{}", idem_key, request_hash,
                           out, ei);
}

/* ---- recovery ---- */

static enum err
recover_refund(struct app_ctx *ctx, void *item, struct errinfo *ei)
{
    struct stale_checkout *s = item;
    struct invoice_refund r;
    enum err rc = store_invoice_refund_get(ctx->db, ctx->a, ctx->account_id,
                                           s->id, &r, ei);

    if (rc)
        return app_store_fail(rc, ei);
    if (strcmp(r.status, "pending") != 0)
        return ERR_OK;
    rc = run_refund(ctx, &r, ei);
    return checkout_transient(rc) ? rc : ERR_OK;
}

enum err
app_invoice_refund_recover(struct app_ctx *ctx, int64_t older_than_ms,
                           int *done, struct errinfo *ei)
{
    struct stale_checkout *s;
    size_t n;
    enum err rc;

    *done = 0;
    rc = app_tx_begin(ctx, false);
    if (rc == ERR_OK)
        rc = store_invoice_refunds_stale(ctx->db, ctx->a, older_than_ms,
                                         PAGE_LIMIT_MAX, &s, &n, ei);
    db_rollback(ctx->db);
    if (rc)
        return app_store_fail(rc, ei);
    for (size_t i = 0; i < n; i++)
        *done += payment_recover_in(ctx, s[i].account_id, recover_refund,
                                    &s[i]);
    return ERR_OK;
}
