/*
 * checkout.c - paying an invoice with any mix of tenders, all or nothing.
 *
 * One path serves the first call, a retry with the same key and recovery
 * after a crash:
 *   plan    check the tenders against the invoice: what each applies, the
 *           change, the tip's split, an open drawer for cash, stock;
 *   begin   (first call only) write the checkout 'pending' with its
 *           request and commit: from here a crash is recoverable;
 *   legs    authorize each card leg as a payment whose key is derived
 *           from the checkout ("<checkout id>.<n>"), so it is made once
 *           (a lone card charged here is captured at once), then charge
 *           the financing legs at their connectors;
 *   capture capture the card holds;
 *   record  in one commit: tenders, tips, drawer cash, stock, the invoice
 *           and the checkout 'succeeded'.
 * A decline (or any refusal) after begin releases what was authorized or
 * captured, then records the checkout 'failed' and nothing else. A
 * gateway that cannot be reached leaves the checkout pending: the retry
 * or the recovery pass picks it up where it stopped.
 */
#include "app/checkout.h"

#include <stdlib.h>
#include <string.h>

#include "app/checkout_int.h"
#include "app/drawer.h"
#include "app/financing.h"
#include "app/invoice.h"
#include "app/payment_int.h"
#include "app/pos.h"
#include "base/assert.h"
#include "base/crypto.h"
#include "core/pricing.h"
#include "store/drawers.h"

enum tender_method {
    TM_CARD,
    TM_CASH,
    TM_CHECK,
    TM_EXTERNAL,
    TM_CHERRY, /* financing: the connectors of src/financing */
    TM_KLARNA,
};

static const char *const method_names[] = {"card",     "cash",   "check",
                                           "external", "cherry", "klarna"};

struct tender {
    enum tender_method method;
    int64_t amount; /* as asked; for cash, what was handed over */
    int64_t tip;
    const char *token;
    const char *card_id;
    const char *payment_id; /* a reader payment already authorized */
    const char *register_name;
    const char *reference;
    /* planned */
    int64_t applied; /* to the invoice */
    int64_t change;  /* cash back */
    /* the card leg */
    struct payment pay;
    bool authorized;
    /* the financing leg */
    const char *fin_ref;
};

struct plan {
    struct tender *t;
    size_t n;
    const char **providers;
    int64_t *shares;
    int64_t *tip_parts;
    struct pricing_tips tips;
    int64_t applied;
    int64_t change;
    /* One card charged here and nothing else remote that can fail: it is
     * captured at once, a hold and a capture saved (voided if the record
     * fails). */
    bool capture_at_once;
};

/* ---- reading the request ---- */

static enum err
tender_param(struct errinfo *ei, enum err rc, size_t i, const char *member)
{
    if (ei != NULL)
        snprintf(ei->param, sizeof(ei->param), "tenders[%zu]%s%s", i,
                 member[0] != '\0' ? "." : "", member);
    return rc;
}

static enum err
read_tender(json_t *o, size_t i, struct tender *t, struct errinfo *ei)
{
    const char *method = NULL;
    char prefix[32];
    const struct jfield f[] = {
        {"method", JT_STRING, true, false, 1, 16, &method, NULL},
        {"amount", JT_INT, true, false, 1, PAYMENT_AMOUNT_MAX, &t->amount,
         NULL},
        {"tip", JT_INT, false, false, 0, PRICING_PRICE_MAX, &t->tip, NULL},
        {"token", JT_STRING, false, false, 1, 255, &t->token, NULL},
        {"card", JT_STRING, false, false, 1, 64, &t->card_id, NULL},
        {"payment", JT_STRING, false, false, 1, 64, &t->payment_id, NULL},
        {"register", JT_STRING, false, false, 1, 64, &t->register_name, NULL},
        {"reference", JT_STRING, false, false, 1, 120, &t->reference, NULL},
    };
    size_t m;
    int sources;
    enum err rc;

    snprintf(prefix, sizeof(prefix), "tenders[%zu].", i);
    if (!json_is_object(o))
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid_type", NULL,
                           "'tenders[%zu]' must be an object", i);
    rc = json_read(o, f, sizeof(f) / sizeof(f[0]), prefix, ei);
    if (rc)
        return rc;
    for (m = 0; m < sizeof(method_names) / sizeof(method_names[0]); m++) {
        if (strcmp(method, method_names[m]) == 0)
            break;
    }
    if (m == sizeof(method_names) / sizeof(method_names[0]))
        return tender_param(
            ei,
            errinfo_set(ei, ERR_INVALID, "parameter_invalid", NULL,
                        "method must be card, cash, check, external, "
                        "cherry or klarna"),
            i, "method");
    t->method = (enum tender_method)m;
    sources = (t->token != NULL) + (t->card_id != NULL) +
              (t->payment_id != NULL);
    if (t->method == TM_CARD && sources != 1)
        return tender_param(
            ei,
            errinfo_set(ei, ERR_INVALID, "parameter_missing", NULL,
                        "a card tender takes one of token, card (on file) "
                        "or payment (authorized on a reader)"),
            i, "");
    if (t->method != TM_CARD && sources != 0)
        return tender_param(ei,
                            errinfo_set(ei, ERR_INVALID, "parameter_unknown",
                                        NULL,
                                        "token, card and payment are for card "
                                        "tenders"),
                            i, "");
    if ((t->method == TM_CASH) != (t->register_name != NULL))
        return tender_param(
            ei,
            errinfo_set(ei, ERR_INVALID,
                        t->method == TM_CASH ? "parameter_missing"
                                             : "parameter_unknown",
                        NULL, "a cash tender, and only it, names its register"),
            i, "register");
    if ((t->method == TM_CHECK || t->method == TM_EXTERNAL) &&
        t->reference == NULL)
        return tender_param(ei,
                            errinfo_set(ei, ERR_INVALID, "parameter_missing",
                                        NULL,
                                        "a check or external tender needs its "
                                        "reference"),
                            i, "reference");
    return ERR_OK;
}

static enum err
read_split(const char *s, enum pricing_tip_split *out, struct errinfo *ei)
{
    if (s == NULL || strcmp(s, "equal") == 0)
        *out = PRICING_TIP_EQUAL;
    else if (strcmp(s, "percent") == 0)
        *out = PRICING_TIP_PERCENT;
    else if (strcmp(s, "amount") == 0)
        *out = PRICING_TIP_AMOUNT;
    else
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "tips.split",
                           "split must be equal, percent or amount");
    return ERR_OK;
}

static enum err
read_tips(struct arena *a, json_t *o, struct plan *p, struct errinfo *ei)
{
    json_t *ps = NULL;
    const char *split = NULL;
    const struct jfield f[] = {
        {"split", JT_STRING, false, false, 1, 16, &split, NULL},
        {"providers", JT_ARRAY, true, false, 1, PRICING_PROVIDERS_MAX, &ps,
         NULL},
    };
    enum err rc;
    size_t n;

    if (o == NULL)
        return ERR_OK;
    rc = json_read(o, f, 2, "tips.", ei);
    if (rc == ERR_OK)
        rc = read_split(split, &p->tips.split, ei);
    if (rc)
        return rc;
    n = json_array_size(ps);
    p->providers = arena_array(a, n, sizeof(*p->providers));
    p->shares = arena_array(a, n, sizeof(*p->shares));
    if (p->providers == NULL || p->shares == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < n; i++) {
        char prefix[48];
        const struct jfield pf[] = {
            {"provider", JT_STRING, true, false, 1, 64, &p->providers[i], NULL},
            {"share", JT_INT, p->tips.split != PRICING_TIP_EQUAL, false, 0,
             PRICING_PRICE_MAX, &p->shares[i], NULL},
        };
        json_t *e = json_array_get(ps, i);

        snprintf(prefix, sizeof(prefix), "tips.providers[%zu].", i);
        if (!json_is_object(e))
            return errinfo_set(ei, ERR_INVALID, "parameter_invalid_type", NULL,
                               "'tips.providers[%zu]' must be an object", i);
        rc = json_read(e, pf, 2, prefix, ei);
        if (rc)
            return rc;
    }
    p->tips.provider_count = n;
    p->tips.shares = p->shares;
    return ERR_OK;
}

static enum err
read_request(struct arena *a, json_t *body, struct plan *p, struct errinfo *ei)
{
    json_t *ts = NULL;
    json_t *tips = NULL;
    const struct jfield f[] = {
        {"tenders", JT_ARRAY, true, false, 1, CHECKOUT_TENDERS_MAX, &ts, NULL},
        {"tips", JT_OBJECT, false, true, 0, 0, &tips, NULL},
    };
    enum err rc = json_read(body, f, 2, "", ei);

    if (rc)
        return rc;
    memset(p, 0, sizeof(*p));
    p->n = json_array_size(ts);
    p->t = arena_array(a, p->n, sizeof(*p->t));
    if (p->t == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < p->n && rc == ERR_OK; i++)
        rc = read_tender(json_array_get(ts, i), i, &p->t[i], ei);
    return rc ? rc : read_tips(a, tips, p, ei);
}

/* ---- planning ---- */

enum err
checkout_invoice_locked(struct app_ctx *ctx, const char *id,
                        struct invoice *out, struct errinfo *ei)
{
    enum err rc = store_invoice_get(ctx->db, ctx->a, ctx->account_id, id, out,
                                    ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "invoice", id, "id");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

static bool
is_payable(const struct invoice *v)
{
    return strcmp(v->status, "open") == 0 ||
           strcmp(v->status, "partially_paid") == 0;
}

/* What each tender applies to the invoice, and the cash's change. */
static enum err
plan_amounts(const struct invoice *v, struct plan *p, struct errinfo *ei)
{
    int64_t owed = v->total_minor - v->paid_minor;
    int64_t fixed = 0;
    size_t cash = p->n;

    for (size_t i = 0; i < p->n; i++) {
        struct tender *t = &p->t[i];

        if (t->method == TM_CASH) {
            if (cash != p->n)
                return tender_param(
                    ei,
                    errinfo_set(ei, ERR_INVALID, "parameter_invalid", NULL,
                                "one cash tender per payment: add the cash "
                                "up"),
                    i, "method");
            cash = i;
            continue;
        }
        t->applied = t->amount;
        fixed += t->amount;
    }
    if (fixed > owed)
        return errinfo_set(ei, ERR_RULE, "amount_exceeds_balance", "tenders",
                           "the tenders come to %lld; %lld is owed",
                           (long long)fixed, (long long)owed);
    p->applied = fixed;
    if (cash < p->n) {
        struct tender *t = &p->t[cash];
        int64_t for_invoice = t->amount - t->tip;

        if (for_invoice < 0)
            return tender_param(
                ei,
                errinfo_set(ei, ERR_INVALID, "parameter_invalid", NULL,
                            "the cash handed over is less than its tip"),
                cash, "tip");
        t->applied = for_invoice < owed - fixed ? for_invoice : owed - fixed;
        t->change = for_invoice - t->applied;
        if (t->applied == 0)
            return tender_param(ei,
                                errinfo_set(ei, ERR_RULE,
                                            "amount_exceeds_balance", NULL,
                                            "nothing is left to pay in cash"),
                                cash, "amount");
        p->applied += t->applied;
        p->change = t->change;
    }
    for (size_t i = 0; i < p->n; i++)
        p->tips.amount_minor += p->t[i].tip;
    return ERR_OK;
}

static enum err
plan_tips(struct app_ctx *ctx, const struct invoice *v, struct plan *p,
          struct errinfo *ei)
{
    int64_t present = 0;
    const char *json;
    enum err rc;

    if (p->tips.amount_minor == 0) {
        p->tips.provider_count = 0;
        return ERR_OK;
    }
    if (p->tips.provider_count == 0) {
        if (v->provider_id == NULL)
            return errinfo_set(ei, ERR_INVALID, "parameter_missing",
                               "tips.providers",
                               "the invoice has no provider: say who the tip "
                               "is for");
        p->providers = arena_array(ctx->a, 1, sizeof(*p->providers));
        if (p->providers == NULL)
            return ERR_LIMIT;
        p->providers[0] = v->provider_id;
        p->tips.provider_count = 1;
        p->tips.split = PRICING_TIP_EQUAL;
    }
    p->tip_parts = arena_array(ctx->a, p->tips.provider_count,
                               sizeof(*p->tip_parts));
    if (p->tip_parts == NULL)
        return ERR_LIMIT;
    rc = pricing_split_tips(&p->tips, p->tip_parts, ei);
    if (rc)
        return rc;
    json_t *ids = json_array();
    for (size_t i = 0; i < p->tips.provider_count; i++)
        (void)json_array_append_new(ids, json_string(p->providers[i]));
    json = json_dump(ctx->a, ids, NULL);
    if (json == NULL)
        return ERR_LIMIT;
    rc = store_users_present(ctx->db, ctx->a, ctx->account_id, json, &present,
                             ei);
    if (rc)
        return app_store_fail(rc, ei);
    if (present != (int64_t)p->tips.provider_count)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid",
                           "tips.providers",
                           "every tip provider must be a distinct, active "
                           "user of the practice");
    return ERR_OK;
}

/* A payment authorized on a reader, for this invoice's clinic and amount. */
static enum err
plan_reader_payment(struct app_ctx *ctx, const struct invoice *v,
                    const char *checkout_id, struct tender *t, size_t i,
                    struct errinfo *ei)
{
    struct invoice_tender used;
    enum err rc = store_payment_get(ctx->db, ctx->a, ctx->account_id,
                                    t->payment_id, &t->pay, ei);

    if (rc == ERR_NOT_FOUND)
        return tender_param(ei, app_not_found(ei, "payment", t->payment_id, ""),
                            i, "payment");
    if (rc)
        return app_store_fail(rc, ei);
    rc = store_tender_of_payment(ctx->db, ctx->a, ctx->account_id, t->pay.id,
                                 &used, ei);
    if (rc == ERR_OK &&
        (checkout_id == NULL || strcmp(used.checkout_id, checkout_id) != 0))
        return tender_param(ei,
                            errinfo_set(ei, ERR_CONFLICT, "payment_used", NULL,
                                        "payment '%s' already paid an invoice",
                                        t->pay.id),
                            i, "payment");
    if (rc != ERR_OK && rc != ERR_NOT_FOUND)
        return app_store_fail(rc, ei);
    errinfo_clear(ei);
    if (checkout_id == NULL && strcmp(t->pay.status, "requires_capture") != 0)
        return tender_param(
            ei,
            errinfo_set(ei, ERR_RULE, "payment_not_authorized", NULL,
                        "payment '%s' is %s: a checkout takes a payment "
                        "authorized for capture later",
                        t->pay.id, t->pay.status),
            i, "payment");
    if (strcmp(t->pay.clinic_id, v->clinic_id) != 0 ||
        t->pay.amount != t->amount + t->tip ||
        strcmp(t->pay.currency, v->currency) != 0)
        return tender_param(
            ei,
            errinfo_set(ei, ERR_RULE, "payment_mismatch", NULL,
                        "payment '%s' is for %lld at another clinic or "
                        "amount; this tender is %lld with its tip",
                        t->pay.id, (long long)t->pay.amount,
                        (long long)(t->amount + t->tip)),
            i, "payment");
    t->authorized = true;
    return ERR_OK;
}

/* Products leave the shelf when the invoice is paid in full. */
static enum err
move_stock(struct app_ctx *ctx, const struct invoice *v,
           const struct invoice_line *ls, size_t n, int sign,
           struct errinfo *ei)
{
    for (size_t i = 0; i < n; i++) {
        bool tracked;
        enum err rc;

        if (strcmp(ls[i].kind, "product") != 0)
            continue;
        rc = store_stock_adjust(ctx->db, ctx->a, ctx->account_id, ls[i].item_id,
                                v->clinic_id, sign * ls[i].quantity, &tracked,
                                ei);
        if (rc == ERR_RULE) {
            snprintf(ei->message, sizeof(ei->message),
                     "%s: %lld to sell, not enough in stock at this clinic",
                     ls[i].name, (long long)ls[i].quantity);
            return rc;
        }
        if (rc)
            return app_store_fail(rc, ei);
    }
    return ERR_OK;
}

static bool
is_financing(const struct tender *t)
{
    return t->method == TM_CHERRY || t->method == TM_KLARNA;
}

/* Financing is the patient's: it needs one, and a connected provider. */
static enum err
plan_financing(struct app_ctx *ctx, const struct invoice *v, struct tender *t,
               size_t i, struct errinfo *ei)
{
    struct financing_connection fc;
    enum err rc;

    if (v->patient_id == NULL)
        return tender_param(ei,
                            errinfo_set(ei, ERR_INVALID, "parameter_invalid",
                                        NULL,
                                        "financing is the patient's: the "
                                        "invoice needs a patient"),
                            i, "method");
    rc = store_financing_connection_current(ctx->db, ctx->a, ctx->account_id,
                                            method_names[t->method], &fc, ei);
    if (rc == ERR_NOT_FOUND)
        return tender_param(
            ei,
            errinfo_set(ei, ERR_RULE, "financing_not_connected", NULL,
                        "%s is not connected: the head admin connects it in "
                        "settings",
                        method_names[t->method]),
            i, "method");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* When this checkout pays the invoice in full, its products are there. */
static enum err
check_stock(struct app_ctx *ctx, const struct invoice *v, const struct plan *p,
            struct errinfo *ei)
{
    struct invoice_line *ls;
    size_t n;
    enum err rc;

    if (v->paid_minor + p->applied < v->total_minor)
        return ERR_OK;
    rc = store_invoice_lines(ctx->db, ctx->a, ctx->account_id, v->id, &ls, &n,
                             ei);
    for (size_t i = 0; i < n && rc == ERR_OK; i++) {
        int64_t have;
        bool tracked;

        if (strcmp(ls[i].kind, "product") != 0)
            continue;
        rc = store_stock_quantity(ctx->db, ctx->a, ctx->account_id,
                                  ls[i].item_id, v->clinic_id, &have, &tracked,
                                  ei);
        if (rc == ERR_OK && tracked && have < ls[i].quantity)
            return errinfo_set(ei, ERR_RULE, "insufficient_stock", NULL,
                               "%s: %lld to sell, %lld in stock at this clinic",
                               ls[i].name, (long long)ls[i].quantity,
                               (long long)have);
    }
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* Whether the one remote leg is a card charged here (see struct plan). */
static bool
one_card_charge(const struct plan *p)
{
    size_t remote = 0;
    size_t charged = 0;

    for (size_t i = 0; i < p->n; i++) {
        const struct tender *t = &p->t[i];

        remote += t->method == TM_CARD || is_financing(t);
        charged += t->method == TM_CARD && t->payment_id == NULL;
    }
    return remote == 1 && charged == 1;
}

/*
 * Check the request against the invoice as it is now: planned amounts,
 * tips, card sources, drawers. checkout_id is NULL before the checkout
 * exists (a first call) and names it on a resume.
 */
static enum err
plan_checkout(struct app_ctx *ctx, const struct invoice *v,
              const char *checkout_id, struct plan *p, struct errinfo *ei)
{
    enum err rc = plan_amounts(v, p, ei);

    p->capture_at_once = one_card_charge(p);
    if (rc == ERR_OK)
        rc = plan_tips(ctx, v, p, ei);
    if (rc == ERR_OK)
        rc = check_stock(ctx, v, p, ei);
    for (size_t i = 0; i < p->n && rc == ERR_OK; i++) {
        struct pos_settings s;
        const struct gw_ops *ops;

        if (p->t[i].method == TM_CARD) {
            rc = app_pos_require(ctx, &s, &ops, ei);
            if (rc)
                tender_param(ei, rc, i, "method");
            break;
        }
    }
    for (size_t i = 0; i < p->n && rc == ERR_OK; i++) {
        struct tender *t = &p->t[i];
        struct cash_drawer d;

        if (t->method == TM_CARD && t->payment_id != NULL) {
            rc = plan_reader_payment(ctx, v, checkout_id, t, i, ei);
        } else if (t->method == TM_CARD && t->card_id != NULL &&
                   v->patient_id == NULL) {
            rc = tender_param(ei,
                              errinfo_set(ei, ERR_INVALID, "parameter_invalid",
                                          NULL,
                                          "a card on file needs an invoice "
                                          "with a patient"),
                              i, "card");
        } else if (is_financing(t)) {
            rc = plan_financing(ctx, v, t, i, ei);
        } else if (t->method == TM_CASH) {
            rc = store_cash_drawer_open_of(ctx->db, ctx->a, ctx->account_id,
                                           v->clinic_id, t->register_name, &d,
                                           ei);
            if (rc == ERR_NOT_FOUND)
                rc = tender_param(
                    ei,
                    errinfo_set(ei, ERR_CONFLICT, "no_open_drawer", NULL,
                                "register '%s' has no open cash drawer",
                                t->register_name),
                    i, "register");
            else if (rc)
                rc = app_store_fail(rc, ei);
        }
    }
    return rc;
}

/* ---- the card legs ---- */

static const char *
leg_key(struct app_ctx *ctx, const struct invoice_checkout *co, size_t i)
{
    return arena_printf(ctx->a, "%s.%zu", co->id, i);
}

/*
 * Authorize leg i. ERR_DECLINED (or another refusal of the request) ends
 * the checkout; ERR_GATEWAY, ERR_BUSY and store failures leave it pending.
 */
static enum err
authorize(struct app_ctx *ctx, const struct invoice *v,
          const struct invoice_checkout *co, const struct plan *p,
          struct tender *t, size_t i, struct errinfo *ei)
{
    struct payment_input in = {0};
    json_t *meta = json_object();
    enum err rc;

    if (t->authorized)
        return ERR_OK;
    json_put(meta, "invoice", json_string(v->id));
    json_put(meta, "checkout", json_string(co->id));
    in.amount = t->applied + t->tip;
    in.currency = v->currency;
    in.patient_id = v->patient_id;
    in.clinic_id = v->clinic_id;
    in.source_type = t->token != NULL ? "token" : "card";
    in.token = t->token;
    in.card_id = t->card_id;
    in.capture = p->capture_at_once;
    in.description = arena_printf(ctx->a, "Invoice %s", v->number);
    in.metadata = json_dump(ctx->a, meta, NULL);
    in.idem_key = leg_key(ctx, co, i);
    in.request_hash = co->request_hash;
    if (in.metadata == NULL || in.description == NULL || in.idem_key == NULL)
        return ERR_LIMIT;
    rc = app_payment_create(ctx, &in, &t->pay, ei);
    if (rc == ERR_OK && strcmp(t->pay.status, "requires_capture") != 0 &&
        !(p->capture_at_once && strcmp(t->pay.status, "succeeded") == 0))
        rc = errinfo_set(ei, ERR_DECLINED, "card_declined", NULL,
                         "the card was not authorized (%s)", t->pay.status);
    if (rc == ERR_OK)
        t->authorized = true;
    return rc;
}

bool
checkout_transient(enum err rc)
{
    return rc == ERR_GATEWAY || rc == ERR_BUSY || rc == ERR_STORE ||
           rc == ERR_INTERNAL || rc == ERR_LIMIT;
}

/*
 * Charge financing leg i at its connector, outside any transaction (the
 * connectors' rule): ctx's is committed first and a new one begun after.
 */
static enum err
finance(struct app_ctx *ctx, const struct invoice *v,
        const struct invoice_checkout *co, struct tender *t, size_t i,
        struct errinfo *ei)
{
    enum err rc = app_tx_commit(ctx);
    enum err frc;

    if (rc)
        return app_store_fail(rc, ei);
    frc = app_financing_charge(ctx, method_names[t->method], v->patient_id,
                               t->applied + t->tip, v->currency,
                               leg_key(ctx, co, i), &t->fin_ref, ei);
    rc = app_tx_begin(ctx, true);
    if (rc)
        return app_store_fail(rc, ei);
    return frc;
}

/* Cancel financing leg i if its connector approved it. */
static enum err
release_financing(struct app_ctx *ctx, const struct invoice_checkout *co,
                  struct tender *t, size_t i, struct errinfo *ei)
{
    const char *provider = method_names[t->method];
    const char *key = leg_key(ctx, co, i);
    struct fin_charge fc;
    enum err rc = app_tx_commit(ctx);
    enum err frc;

    if (rc)
        return app_store_fail(rc, ei);
    frc = app_financing_lookup(ctx, provider, key, &fc, ei);
    if (frc == ERR_NOT_FOUND) {
        errinfo_clear(ei);
        frc = ERR_OK; /* never charged */
    } else if (frc == ERR_OK && fc.status == FIN_CHARGE_APPROVED) {
        frc = app_financing_cancel(ctx, provider, fc.ref,
                                   arena_printf(ctx->a, "%s.cancel", key), ei);
    }
    rc = app_tx_begin(ctx, true);
    if (rc)
        return app_store_fail(rc, ei);
    return frc;
}

/*
 * Release leg i: cancel its hold, void its capture, or refund it when a
 * void is refused. ERR_GATEWAY while it cannot be settled yet.
 */
static enum err
release(struct app_ctx *ctx, const struct invoice_checkout *co,
        struct tender *t, size_t i, struct errinfo *ei)
{
    const char *key = leg_key(ctx, co, i);
    struct payment p;
    enum err rc;

    if (t->pay.id == NULL) {
        rc = store_payment_by_key(ctx->db, ctx->a, ctx->account_id, key, &p,
                                  ei);
        if (rc == ERR_NOT_FOUND)
            return ERR_OK; /* never made */
        if (rc)
            return app_store_fail(rc, ei);
        t->pay = p;
    }
    rc = payment_load(ctx, t->pay.id, &p, ei);
    if (rc)
        return rc;
    if (strcmp(p.status, "pending") == 0 || strcmp(p.status, "processing") == 0)
        return errinfo_set(ei, ERR_GATEWAY, "payment_unsettled", NULL,
                           "payment '%s' is still %s; retry", p.id, p.status);
    if (strcmp(p.status, "requires_capture") != 0 &&
        strcmp(p.status, "succeeded") != 0)
        return ERR_OK; /* failed or canceled: nothing held */
    rc = app_payment_cancel(ctx, p.id, key, &p, ei);
    if (rc != ERR_OK && !checkout_transient(rc) &&
        strcmp(p.status, "succeeded") == 0) {
        struct refund_input ri = {
            .payment_id = p.id,
            .reason = "checkout_failed",
            .idem_key = arena_printf(ctx->a, "%s.back", key)};
        struct refund r;

        errinfo_clear(ei);
        rc = app_refund_create(ctx, &ri, &r, ei);
    }
    return rc;
}

/* ---- recording ---- */

static enum err
load_result(struct app_ctx *ctx, const struct invoice_checkout *co,
            struct checkout_result *out, struct errinfo *ei)
{
    struct invoice_tender *ts;
    struct invoice_tip *tips;
    size_t nt, np;
    enum err rc;

    out->co = *co;
    rc = store_invoice_get(ctx->db, ctx->a, ctx->account_id, co->invoice_id,
                           &out->inv, ei);
    if (rc == ERR_OK)
        rc = store_invoice_lines(ctx->db, ctx->a, ctx->account_id,
                                 co->invoice_id, &out->lines, &out->line_count,
                                 ei);
    if (rc == ERR_OK)
        rc = store_invoice_tenders(ctx->db, ctx->a, ctx->account_id,
                                   co->invoice_id, &ts, &nt, ei);
    if (rc == ERR_OK)
        rc = store_invoice_tips(ctx->db, ctx->a, ctx->account_id,
                                co->invoice_id, &tips, &np, ei);
    if (rc)
        return app_store_fail(rc, ei);
    /* Keep this checkout's: they are contiguous, ordered by checkout. */
    out->tenders = ts;
    out->tender_count = 0;
    for (size_t i = 0; i < nt; i++) {
        if (strcmp(ts[i].checkout_id, co->id) == 0)
            ts[out->tender_count++] = ts[i];
    }
    out->tips = tips;
    out->tip_count = 0;
    for (size_t i = 0; i < np; i++) {
        if (strcmp(tips[i].checkout_id, co->id) == 0)
            tips[out->tip_count++] = tips[i];
    }
    return ERR_OK;
}

static enum err
record_tenders(struct app_ctx *ctx, const struct invoice *v,
               const struct invoice_checkout *co, const struct plan *p,
               struct errinfo *ei)
{
    enum err rc = ERR_OK;

    for (size_t i = 0; i < p->n && rc == ERR_OK; i++) {
        const struct tender *t = &p->t[i];
        struct invoice_tender x = {
            .id = id_new(ctx->a, "tnd", ctx->now_ms),
            .invoice_id = v->id,
            .checkout_id = co->id,
            .seq = (int64_t)i,
            .method = method_names[t->method],
            .amount_minor = t->applied,
            .tip_minor = t->tip,
            .received_minor = t->method == TM_CASH ? t->amount : 0,
            .change_minor = t->change,
            .currency = v->currency,
            .reference = t->reference,
            .created_at_ms = ctx->now_ms,
        };

        if (t->method == TM_CARD) {
            x.payment_id = t->pay.id;
            x.card_brand = t->pay.card_brand;
            x.card_last4 = t->pay.card_last4;
        } else if (is_financing(t)) {
            x.reference = t->fin_ref;
        } else if (t->method == TM_CASH) {
            struct cash_drawer_movement mv;

            rc = app_drawer_cash(ctx, v->clinic_id, t->register_name,
                                 DRAWER_SALE, t->applied + t->tip, v->currency,
                                 "invoice_checkout", co->id, &mv, ei);
            if (rc) {
                tender_param(ei, rc, i, "register");
                break;
            }
            x.drawer_id = mv.drawer_id;
        }
        rc = store_tender_insert(ctx->db, ctx->a, ctx->account_id, &x, ei);
        if (rc)
            rc = app_store_fail(rc, ei);
    }
    for (size_t k = 0; k < p->tips.provider_count && rc == ERR_OK; k++) {
        struct invoice_tip tip = {.checkout_id = co->id,
                                  .provider_id = p->providers[k],
                                  .amount_minor = p->tip_parts[k]};

        if (tip.amount_minor == 0)
            continue;
        rc = store_tip_insert(ctx->db, ctx->a, ctx->account_id, v->id, &tip,
                              ei);
        if (rc)
            rc = app_store_fail(rc, ei);
    }
    return rc;
}

/* The one commit of a checkout that went through. */
static enum err
record(struct app_ctx *ctx, struct invoice_checkout *co, const struct plan *p,
       struct errinfo *ei)
{
    struct invoice v;
    struct invoice_line *ls;
    size_t nl;
    enum err rc = store_checkout_get(ctx->db, ctx->a, ctx->account_id, co->id,
                                     co, ei);

    if (rc)
        return app_store_fail(rc, ei);
    if (strcmp(co->status, "pending") != 0)
        return ERR_OK; /* finished by a concurrent retry or recovery */
    rc = checkout_invoice_locked(ctx, co->invoice_id, &v, ei);
    if (rc == ERR_OK)
        rc = record_tenders(ctx, &v, co, p, ei);
    if (rc)
        return rc;
    v.paid_minor += p->applied;
    v.tip_minor += p->tips.amount_minor;
    v.updated_at_ms = ctx->now_ms;
    if (v.paid_minor == v.total_minor) {
        v.status = "paid";
        v.paid_at_ms = ctx->now_ms;
        v.queued_at_ms = 0;
        rc = store_invoice_lines(ctx->db, ctx->a, ctx->account_id, v.id, &ls,
                                 &nl, ei);
        if (rc)
            return app_store_fail(rc, ei);
        rc = move_stock(ctx, &v, ls, nl, -1, ei);
        if (rc)
            return rc;
    } else {
        v.status = "partially_paid";
    }
    ASSERT(v.paid_minor <= v.total_minor);
    rc = store_invoice_money(ctx->db, ctx->a, ctx->account_id, &v, ei);
    if (rc)
        return app_store_fail(rc, ei);
    co->status = "succeeded";
    co->amount_minor = p->applied;
    co->tip_minor = p->tips.amount_minor;
    co->change_due_minor = p->change;
    co->updated_at_ms = ctx->now_ms;
    rc = store_checkout_finish(ctx->db, ctx->a, ctx->account_id, co, ei);
    if (rc)
        return app_store_fail(rc, ei);
    json_t *sum = json_object();
    json_put(sum, "checkout", json_string(co->id));
    json_put(sum, "amount", json_integer(p->applied));
    json_put(sum, "tip", json_integer(p->tips.amount_minor));
    json_put(sum, "status", json_string(v.status));
    return app_audit(ctx, "invoice.pay", "invoice", v.id, sum, ei);
}

/* How a failed checkout is kept, and answers again. */
static const struct {
    enum err rc;
    const char *kind;
} failure_kinds[] = {
    {ERR_DECLINED, "declined"},
    {ERR_INVALID, "invalid"},
    {ERR_CONFLICT, "conflict"},
    {ERR_RULE, "rule"},
};

static const char *
failure_kind(enum err rc)
{
    for (size_t i = 0; i < sizeof(failure_kinds) / sizeof(failure_kinds[0]);
         i++) {
        if (failure_kinds[i].rc == rc)
            return failure_kinds[i].kind;
    }
    return "rule";
}

/* A fresh write transaction after a failed statement. */
enum err
checkout_tx_restart(struct app_ctx *ctx, struct errinfo *ei)
{
    db_rollback(ctx->db);
    return app_tx_begin(ctx, true) ? app_store_fail(ERR_STORE, ei) : ERR_OK;
}

/*
 * The checkout ends without paying: release every leg, then record it
 * failed with why (ei, naming the tender) and answer that. A leg that
 * cannot be released yet leaves it pending for the next try.
 */
static enum err
fail_checkout(struct app_ctx *ctx, struct invoice_checkout *co, struct plan *p,
              enum err why, struct errinfo *ei)
{
    struct errinfo saved = *ei;
    enum err rc = checkout_tx_restart(ctx, ei);

    for (size_t i = 0; i < p->n && rc == ERR_OK; i++) {
        if (p->t[i].method == TM_CARD)
            rc = release(ctx, co, &p->t[i], i, ei);
        else if (is_financing(&p->t[i]))
            rc = release_financing(ctx, co, &p->t[i], i, ei);
    }
    if (rc)
        return rc;
    rc = store_checkout_get(ctx->db, ctx->a, ctx->account_id, co->id, co, ei);
    if (rc)
        return app_store_fail(rc, ei);
    if (strcmp(co->status, "pending") == 0) {
        co->status = "failed";
        co->failure_kind = failure_kind(why);
        co->failure_code = saved.code;
        co->failure_message = saved.message;
        co->failed_tender = -1;
        if (strncmp(saved.param, "tenders[", 8) == 0)
            co->failed_tender = strtol(saved.param + 8, NULL, 10);
        co->updated_at_ms = ctx->now_ms;
        rc = store_checkout_finish(ctx->db, ctx->a, ctx->account_id, co, ei);
        if (rc == ERR_OK)
            rc = payment_tx_next(ctx, ei);
        if (rc)
            return app_store_fail(rc, ei);
    }
    *ei = saved;
    return why;
}

/* A failed checkout answers again as it first did. */
static enum err
failure_of(const struct invoice_checkout *co, struct errinfo *ei)
{
    enum err rc = ERR_RULE;

    for (size_t i = 0; i < sizeof(failure_kinds) / sizeof(failure_kinds[0]);
         i++) {
        if (co->failure_kind != NULL &&
            strcmp(failure_kinds[i].kind, co->failure_kind) == 0)
            rc = failure_kinds[i].rc;
    }
    errinfo_set(ei, rc, co->failure_code, NULL, "%s",
                co->failure_message != NULL ? co->failure_message : "");
    if (co->failed_tender >= 0)
        snprintf(ei->param, sizeof(ei->param), "tenders[%lld]",
                 (long long)co->failed_tender);
    return rc;
}

/* Legs, captures and the record, for a checkout already pending. */
static enum err
run(struct app_ctx *ctx, const struct invoice *v, struct invoice_checkout *co,
    struct plan *p, struct checkout_result *out, struct errinfo *ei)
{
    enum err rc = ERR_OK;

    for (size_t i = 0; i < p->n && rc == ERR_OK; i++) {
        if (p->t[i].method != TM_CARD)
            continue;
        rc = authorize(ctx, v, co, p, &p->t[i], i, ei);
        if (rc)
            tender_param(ei, rc, i, "");
    }
    for (size_t i = 0; i < p->n && rc == ERR_OK; i++) {
        if (!is_financing(&p->t[i]))
            continue;
        rc = finance(ctx, v, co, &p->t[i], i, ei);
        if (rc)
            tender_param(ei, rc, i, "");
    }
    for (size_t i = 0; i < p->n && rc == ERR_OK; i++) {
        struct tender *t = &p->t[i];

        if (t->method != TM_CARD || strcmp(t->pay.status, "succeeded") == 0)
            continue;
        rc = app_payment_capture(ctx, t->pay.id, 0, leg_key(ctx, co, i),
                                 &t->pay, ei);
        if (rc)
            tender_param(ei, rc, i, "");
    }
    if (rc == ERR_OK) {
        rc = record(ctx, co, p, ei);
        if (rc == ERR_OK)
            return load_result(ctx, co, out, ei);
    }
    if (checkout_transient(rc))
        return rc; /* still pending: a retry or recovery goes on */
    return fail_checkout(ctx, co, p, rc, ei);
}

/* Parse the stored request of a pending checkout and plan it again. */
static enum err
resume(struct app_ctx *ctx, struct invoice_checkout *co,
       struct checkout_result *out, struct errinfo *ei)
{
    struct invoice v;
    struct plan p;
    json_t *body;
    enum err rc = json_parse_object(str_c(co->request), &body, ei);

    if (rc == ERR_OK)
        rc = read_request(ctx->a, body, &p, ei);
    if (rc == ERR_OK)
        rc = checkout_invoice_locked(ctx, co->invoice_id, &v, ei);
    if (rc)
        return rc;
    rc = plan_checkout(ctx, &v, co->id, &p, ei);
    if (rc)
        return checkout_transient(rc) ? rc : fail_checkout(ctx, co, &p, rc, ei);
    return run(ctx, &v, co, &p, out, ei);
}

static enum err
in_progress(struct errinfo *ei)
{
    return errinfo_set(ei, ERR_CONFLICT, "invoice_payment_in_progress", NULL,
                       "another payment of this invoice is under way; look "
                       "at the invoice again in a moment");
}

/*
 * A first call: check the request against the invoice and write the
 * checkout 'pending' with it, durably, before any card is touched.
 */
static enum err
begin(struct app_ctx *ctx, const char *invoice_id, json_t *body,
      struct invoice_checkout *co, struct invoice *v, struct plan *p,
      struct errinfo *ei)
{
    struct invoice_checkout other;
    enum err rc = checkout_invoice_locked(ctx, invoice_id, v, ei);

    if (rc == ERR_OK)
        rc = read_request(ctx->a, body, p, ei);
    if (rc)
        return rc;
    rc = store_checkout_pending_of(ctx->db, ctx->a, ctx->account_id, v->id,
                                   &other, ei);
    if (rc == ERR_OK)
        return in_progress(ei);
    if (rc != ERR_NOT_FOUND)
        return app_store_fail(rc, ei);
    errinfo_clear(ei);
    if (strcmp(v->status, "draft") == 0 &&
        (rc = app_invoice_finalize(ctx, v->id, v, ei)))
        return rc;
    if (!is_payable(v))
        return errinfo_set(ei, ERR_CONFLICT, "invoice_not_payable", NULL,
                           "this invoice is %s: only an open or partially "
                           "paid invoice takes payments",
                           v->status);
    rc = plan_checkout(ctx, v, NULL, p, ei);
    if (rc)
        return rc;
    co->id = id_new(ctx->a, "chk", ctx->now_ms);
    co->invoice_id = v->id;
    co->status = "pending";
    co->amount_minor = p->applied;
    co->tip_minor = p->tips.amount_minor;
    co->change_due_minor = p->change;
    co->currency = v->currency;
    co->failed_tender = -1;
    co->created_by = ctx->user_id;
    co->created_at_ms = ctx->now_ms;
    co->updated_at_ms = ctx->now_ms;
    rc = store_checkout_insert(ctx->db, ctx->a, ctx->account_id, co, ei);
    if (rc == ERR_CONFLICT)
        return in_progress(ei);
    if (rc == ERR_OK)
        rc = payment_tx_next(ctx, ei); /* pending is durable from here */
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_invoice_pay(struct app_ctx *ctx, const char *invoice_id, json_t *body,
                const char *body_text, const char *idem_key,
                const char *request_hash, struct checkout_result *out,
                struct errinfo *ei)
{
    struct invoice_checkout co;
    struct invoice v;
    struct plan p;
    enum err rc;

    ASSERT(idem_key != NULL && request_hash != NULL);
    memset(out, 0, sizeof(*out));
    rc = store_checkout_by_key(ctx->db, ctx->a, ctx->account_id, idem_key, &co,
                               ei);
    if (rc == ERR_OK) {
        if (strcmp(co.request_hash, request_hash) != 0 ||
            strcmp(co.invoice_id, invoice_id) != 0)
            return errinfo_set(ei, ERR_CONFLICT, "idempotency_key_reused",
                               "Idempotency-Key",
                               "this Idempotency-Key was used for another "
                               "request");
        if (strcmp(co.status, "succeeded") == 0)
            return load_result(ctx, &co, out, ei);
        if (strcmp(co.status, "failed") == 0)
            return failure_of(&co, ei);
        return resume(ctx, &co, out, ei);
    }
    if (rc != ERR_NOT_FOUND)
        return app_store_fail(rc, ei);
    errinfo_clear(ei);
    co = (struct invoice_checkout){.idem_key = idem_key,
                                   .request_hash = request_hash,
                                   .request = body_text};
    rc = begin(ctx, invoice_id, body, &co, &v, &p, ei);
    return rc ? rc : run(ctx, &v, &co, &p, out, ei);
}

enum err
app_checkout_pending(struct app_ctx *ctx, const char *invoice_id, bool *pending,
                     struct errinfo *ei)
{
    struct invoice_checkout co;
    enum err rc = store_checkout_pending_of(ctx->db, ctx->a, ctx->account_id,
                                            invoice_id, &co, ei);

    *pending = rc == ERR_OK;
    if (rc == ERR_NOT_FOUND) {
        errinfo_clear(ei);
        return ERR_OK;
    }
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* ---- recovery ---- */

static enum err
recover_one(struct app_ctx *ctx, void *item, struct errinfo *ei)
{
    struct stale_checkout *s = item;
    struct invoice_checkout co;
    struct checkout_result out;
    enum err rc = store_checkout_get(ctx->db, ctx->a, ctx->account_id, s->id,
                                     &co, ei);

    if (rc)
        return app_store_fail(rc, ei);
    if (strcmp(co.status, "pending") != 0)
        return ERR_OK;
    rc = resume(ctx, &co, &out, ei);
    /* A checkout that ended (paid or failed) is done either way. */
    return checkout_transient(rc) ? rc : ERR_OK;
}

enum err
app_checkout_recover(struct app_ctx *ctx, int64_t older_than_ms, int *done,
                     struct errinfo *ei)
{
    struct stale_checkout *s;
    size_t n;
    enum err rc;

    *done = 0;
    rc = app_tx_begin(ctx, false);
    if (rc == ERR_OK)
        rc = store_checkouts_stale(ctx->db, ctx->a, older_than_ms,
                                   PAGE_LIMIT_MAX, &s, &n, ei);
    db_rollback(ctx->db);
    if (rc)
        return app_store_fail(rc, ei);
    for (size_t i = 0; i < n; i++)
        *done += payment_recover_in(ctx, s[i].account_id, recover_one, &s[i]);
    return ERR_OK;
}
