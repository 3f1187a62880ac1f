/*
 * pos.c - POS activation, merchant and bank accounts, card readers,
 * reader orders and Poise's fees.
 *
 * Set-up calls to the gateway run inside the request's transaction with
 * idempotency keys derived from what they create (the account, the clinic,
 * the period), so a retry after a failure reaches the same gateway object
 * instead of a second one. Bank account numbers pass through to the
 * gateway and only their last 4 digits are kept.
 */
#include "app/pos.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/job.h"
#include "app/ledger.h"
#include "app/payment.h"
#include "base/assert.h"
#include "base/crypto.h"
#include "core/bank.h"
#include "gateway/httpc.h"
#include "store/clinics.h"
#include "store/payments.h"
#include "store/users.h"

void
app_gateways_configure(void)
{
    const char *timeout = getenv("POISE_GATEWAY_TIMEOUT_MS");
    struct gw_config c = {
        .stripe_api_url = getenv("POISE_STRIPE_API_URL"),
        .stripe_secret_key = getenv("POISE_STRIPE_SECRET_KEY"),
        .stripe_webhook_secret = getenv("POISE_STRIPE_WEBHOOK_SECRET"),
        .clearent_api_url = getenv("POISE_CLEARENT_API_URL"),
        .clearent_api_key = getenv("POISE_CLEARENT_API_KEY"),
        .clearent_webhook_secret = getenv("POISE_CLEARENT_WEBHOOK_SECRET"),
    };
    int64_t ms;

    if (timeout != NULL &&
        str_to_i64(str_c(timeout), 100, 120000, &ms) == ERR_OK)
        c.timeout_ms = (int)ms;
    httpc_global_init();
    gateway_configure(&c);
}

struct gw_ctx
app_gw_ctx(const struct app_ctx *ctx)
{
    struct gw_ctx g = {
        .account_id = ctx->account_id,
        .now_ms = ctx->now_ms,
        .a = ctx->a,
    };

    ASSERT(ctx->account_id != NULL);
    return g;
}

/* "<what>:<account>:<rest>" as a gateway idempotency key; arena-owned. */
static const char *
gw_key(struct app_ctx *ctx, const char *what, const char *rest)
{
    return arena_printf(ctx->a, "%s:%s:%s", what, ctx->account_id, rest);
}

/*
 * The gateway key of a set-up call: derived from the request's
 * Idempotency-Key when there is one, so a retry of the request reaches
 * the same gateway object (or debit); else from the new object's id.
 */
static const char *
setup_key(struct app_ctx *ctx, const char *what, const char *idem_key,
          const char *new_id)
{
    char hex[SHA256_HEX_LEN + 1];
    const char *in;

    if (idem_key == NULL)
        return gw_key(ctx, what, new_id);
    in = arena_printf(ctx->a, "%s:%s:%s", what, ctx->account_id, idem_key);
    sha256_hex(in, strlen(in), hex);
    return arena_printf(ctx->a, "%s_%s", what, hex);
}

enum err
app_pos_get(struct app_ctx *ctx, struct pos_settings *out, struct errinfo *ei)
{
    enum err rc = store_pos_get(ctx->db, ctx->a, ctx->account_id, out, ei);

    if (rc == ERR_NOT_FOUND) {
        memset(out, 0, sizeof(*out));
        out->status = "inactive";
        return ERR_OK;
    }
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_pos_require(struct app_ctx *ctx, struct pos_settings *settings,
                const struct gw_ops **ops, struct errinfo *ei)
{
    enum err rc = app_pos_get(ctx, settings, ei);

    if (rc)
        return rc;
    if (strcmp(settings->status, "active") != 0)
        return errinfo_set(ei, ERR_RULE, "pos_inactive", NULL,
                           "POS is not activated for this account; the head "
                           "admin turns it on in POS settings");
    *ops = gateway_get(gateway_kind_of(settings->gateway));
    return ERR_OK;
}

/* Every clinic of the account (at most 100: a practice, not a chain). */
static enum err
all_clinics(struct app_ctx *ctx, struct clinic **cs, size_t *n,
            struct errinfo *ei)
{
    bool more;
    enum err rc = store_clinic_list(ctx->db, ctx->a, ctx->account_id, 100, NULL,
                                    cs, n, &more, ei);

    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

static enum err
check_clearent(struct app_ctx *ctx, struct errinfo *ei)
{
    struct clinic *cs;
    size_t n;
    enum err rc = all_clinics(ctx, &cs, &n, ei);

    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(cs[i].country, "US") != 0)
            return errinfo_set(ei, ERR_RULE, "gateway_unavailable", "gateway",
                               "Clearent serves US clinics only; clinic '%s' "
                               "is in %s",
                               cs[i].name, cs[i].country);
    }
    return ERR_OK;
}

/*
 * Create (or reach again) a merchant account: the clinic's own, or with
 * single set the account's one (named for the practice, in the time zone
 * of clinic when there is one).
 */
static enum err
merchant_open(struct app_ctx *ctx, const struct pos_settings *s,
              const struct clinic *clinic, bool single,
              struct merchant_account *out, struct errinfo *ei)
{
    const struct gw_ops *ops = gateway_get(gateway_kind_of(s->gateway));
    struct gw_ctx g = app_gw_ctx(ctx);
    struct account acct;
    char ref[GW_REF_MAX];
    struct gw_merchant_req r = {0};
    enum err rc;

    ASSERT(single || clinic != NULL);
    rc = store_account_get(ctx->db, ctx->a, ctx->account_id, &acct, ei);
    if (rc)
        return app_store_fail(rc, ei);
    r.idem_key = gw_key(ctx, "merchant",
                        arena_printf(ctx->a, "%s:%s", s->gateway,
                                     single ? "single" : clinic->id));
    r.name = single ? acct.name : clinic->name;
    r.timezone = clinic != NULL ? clinic->timezone : "America/New_York";
    r.currency = clinic != NULL ? clinic->currency : acct.currency;
    r.country = clinic != NULL ? clinic->country : "US";
    rc = ops->merchant_create(&g, &r, ref, ei);
    if (rc)
        return rc;
    memset(out, 0, sizeof(*out));
    out->id = id_new(ctx->a, "mer", ctx->now_ms);
    out->clinic_id = single ? NULL : clinic->id;
    out->gateway = s->gateway;
    out->gateway_ref = arena_strdup(ctx->a, ref);
    out->name = r.name;
    out->currency = r.currency;
    out->timezone = r.timezone;
    out->status = "active";
    out->created_at_ms = ctx->now_ms;
    out->updated_at_ms = ctx->now_ms;
    rc = store_merchant_insert(ctx->db, ctx->a, ctx->account_id, out, ei);
    if (rc == ERR_CONFLICT)
        return errinfo_set(ei, ERR_CONFLICT, "merchant_account_exists",
                           "clinic", "this clinic has a merchant account");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* Single mode: one merchant account; multiple: one per open clinic. */
static enum err
merchants_open(struct app_ctx *ctx, const struct pos_settings *s,
               struct errinfo *ei)
{
    struct merchant_account m;
    struct clinic *cs;
    size_t n;
    enum err rc = all_clinics(ctx, &cs, &n, ei);

    if (rc)
        return rc;
    if (strcmp(s->merchant_mode, "single") == 0)
        return merchant_open(ctx, s, n > 0 ? &cs[0] : NULL, true, &m, ei);
    for (size_t i = 0; i < n && rc == ERR_OK; i++) {
        if (!cs[i].archived)
            rc = merchant_open(ctx, s, &cs[i], false, &m, ei);
    }
    return rc;
}

static bool
same_settings(const struct pos_settings *s, const char *gateway,
              const char *mode)
{
    return strcmp(s->status, "active") == 0 &&
           strcmp(s->gateway, gateway) == 0 &&
           strcmp(s->merchant_mode, mode) == 0;
}

enum err
app_pos_activate(struct app_ctx *ctx, const char *gateway, const char *mode,
                 struct pos_settings *out, struct errinfo *ei)
{
    struct pos_settings s;
    char secret[GW_SECRET_MAX] = "";
    struct gw_ctx g = app_gw_ctx(ctx);
    enum err rc = app_pos_get(ctx, &s, ei);

    if (rc)
        return rc;
    if (same_settings(&s, gateway, mode)) {
        *out = s;
        return ERR_OK;
    }
    if (strcmp(s.status, "active") == 0)
        return errinfo_set(ei, ERR_CONFLICT, "pos_active", NULL,
                           "POS is on with the %s gateway in %s mode; turn "
                           "it off before changing them",
                           s.gateway, s.merchant_mode);
    if (strcmp(gateway, "clearent") == 0 && (rc = check_clearent(ctx, ei)))
        return rc;
    rc = gateway_get(gateway_kind_of(gateway))
             ->connect(&g, secret, sizeof(secret), ei);
    if (rc)
        return rc;
    rc = store_merchant_close_all(ctx->db, ctx->a, ctx->account_id, ctx->now_ms,
                                  ei);
    if (rc)
        return app_store_fail(rc, ei);
    s.status = "active";
    s.gateway = gateway;
    s.merchant_mode = mode;
    s.webhook_secret = arena_strdup(ctx->a, secret);
    s.activated_at_ms = ctx->now_ms;
    s.updated_at_ms = ctx->now_ms;
    rc = merchants_open(ctx, &s, ei);
    if (rc == ERR_OK)
        rc = store_pos_put(ctx->db, ctx->a, ctx->account_id, &s, ei);
    if (rc)
        return rc == ERR_STORE ? app_store_fail(rc, ei) : rc;
    json_t *sum = json_object();
    json_put(sum, "gateway", json_string(gateway));
    json_put(sum, "merchant_mode", json_string(mode));
    rc = app_audit(ctx, "pos.activate", "pos_settings", ctx->account_id, sum,
                   ei);
    if (rc == ERR_OK)
        *out = s;
    return rc;
}

/* Detach every saved card at the gateway, then delete them locally. */
static enum err
cards_delete_all(struct app_ctx *ctx, const struct gw_ops *ops,
                 struct errinfo *ei)
{
    struct gw_ctx g = app_gw_ctx(ctx);
    const char *after = NULL;
    bool more = true;
    enum err rc = ERR_OK;

    while (rc == ERR_OK && more) {
        struct card *cs;
        size_t n;

        rc = store_card_list_active(ctx->db, ctx->a, ctx->account_id, NULL, 100,
                                    after, &cs, &n, &more, ei);
        if (rc)
            return app_store_fail(rc, ei);
        for (size_t i = 0; i < n && rc == ERR_OK; i++) {
            rc = ops->card_detach(&g, cs[i].customer_ref, cs[i].gateway_ref,
                                  ei);
            if (rc == ERR_NOT_FOUND) /* already gone there: fine */
                rc = ERR_OK;
        }
        after = n > 0 ? cs[n - 1].id : NULL;
    }
    if (rc == ERR_OK)
        rc = store_card_delete_all(ctx->db, ctx->a, ctx->account_id,
                                   ctx->now_ms, ei);
    return rc;
}

enum err
app_pos_deactivate(struct app_ctx *ctx, bool confirm, struct pos_usage *usage,
                   struct pos_settings *out, struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    int64_t holds = 0;
    enum err rc = app_pos_require(ctx, &s, &ops, ei);

    if (rc)
        return rc;
    rc = store_pos_usage(ctx->db, ctx->a, ctx->account_id, usage, ei);
    if (rc)
        return app_store_fail(rc, ei);
    if (!confirm)
        return errinfo_set(ei, ERR_CONFLICT, "confirmation_required", "confirm",
                           "turning POS off stops payments, membership "
                           "billing, wallet, packages, gift cards and "
                           "deletes %lld saved card(s); send "
                           "\"confirm\": true to go ahead",
                           (long long)usage->saved_cards);
    rc = cards_delete_all(ctx, ops, ei);
    if (rc == ERR_OK)
        rc = app_payment_cancel_open(ctx, ops, &holds, ei);
    if (rc)
        return rc;
    s.status = "inactive";
    s.deactivated_at_ms = ctx->now_ms;
    s.updated_at_ms = ctx->now_ms;
    rc = store_pos_put(ctx->db, ctx->a, ctx->account_id, &s, ei);
    if (rc)
        return app_store_fail(rc, ei);
    json_t *sum = json_object();
    json_put(sum, "saved_cards_deleted", json_integer(usage->saved_cards));
    json_put(sum, "holds_canceled", json_integer(holds));
    rc = app_audit(ctx, "pos.deactivate", "pos_settings", ctx->account_id, sum,
                   ei);
    if (rc == ERR_OK)
        *out = s;
    return rc;
}

/* ---- merchant accounts ---- */

enum err
app_merchant_list(struct app_ctx *ctx, struct merchant_account **out,
                  size_t *count, struct errinfo *ei)
{
    enum err rc = store_merchant_list(ctx->db, ctx->a, ctx->account_id, NULL,
                                      out, count, ei);

    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_merchant_create(struct app_ctx *ctx, const char *clinic_id,
                    struct merchant_account *out, struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    struct clinic c;
    enum err rc = app_pos_require(ctx, &s, &ops, ei);

    if (rc)
        return rc;
    if (strcmp(s.merchant_mode, "multiple") != 0)
        return errinfo_set(ei, ERR_RULE, "single_merchant_mode", NULL,
                           "in single mode the account has one merchant "
                           "account, made at activation");
    rc = store_clinic_get(ctx->db, ctx->a, ctx->account_id, clinic_id, &c, ei);
    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "clinic", clinic_id, "clinic");
    if (rc)
        return app_store_fail(rc, ei);
    rc = merchant_open(ctx, &s, &c, false, out, ei);
    if (rc)
        return rc;
    json_t *sum = json_object();
    json_put(sum, "clinic", json_string(clinic_id));
    return app_audit(ctx, "merchant_account.create", "merchant_account",
                     out->id, sum, ei);
}

enum err
app_merchant_for_clinic(struct app_ctx *ctx, const char *clinic_id,
                        struct merchant_account *out, struct errinfo *ei)
{
    struct clinic c;
    enum err rc = store_clinic_get(ctx->db, ctx->a, ctx->account_id, clinic_id,
                                   &c, ei);

    if (rc == ERR_NOT_FOUND || (rc == ERR_OK && c.archived))
        return app_not_found(ei, "clinic", clinic_id, "clinic");
    if (rc)
        return app_store_fail(rc, ei);
    rc = store_merchant_for_clinic(ctx->db, ctx->a, ctx->account_id, clinic_id,
                                   out, ei);

    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, ERR_RULE, "no_merchant_account", "clinic",
                           "clinic '%s' has no merchant account; the head "
                           "admin adds one in POS settings",
                           clinic_id);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* The merchant account named, or the single one when id is NULL. */
static enum err
merchant_pick(struct app_ctx *ctx, const char *id, struct merchant_account *out,
              struct errinfo *ei)
{
    struct merchant_account *ms;
    size_t n;
    enum err rc;

    if (id != NULL) {
        rc = store_merchant_get(ctx->db, ctx->a, ctx->account_id, id, out, ei);
        if (rc == ERR_NOT_FOUND ||
            (rc == ERR_OK && strcmp(out->status, "active") != 0))
            return app_not_found(ei, "merchant account", id,
                                 "merchant_account");
        return rc ? app_store_fail(rc, ei) : ERR_OK;
    }
    rc = store_merchant_list(ctx->db, ctx->a, ctx->account_id, "active", &ms,
                             &n, ei);
    if (rc)
        return app_store_fail(rc, ei);
    if (n != 1)
        return errinfo_set(ei, ERR_INVALID, "parameter_missing",
                           "merchant_account",
                           "say which merchant account (the account has "
                           "%zu)",
                           n);
    *out = ms[0];
    return ERR_OK;
}

/* ---- bank accounts ---- */

enum err
app_bank_create(struct app_ctx *ctx, const struct bank_account_input *in,
                struct bank_account *out, struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    struct merchant_account m;
    struct bank_account *existing;
    size_t n;
    char last4[5];
    char ref[GW_REF_MAX];
    enum err rc = app_pos_require(ctx, &s, &ops, ei);

    if (rc == ERR_OK && !bank_routing_is_valid(str_c(in->routing_number)))
        rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", "routing_number",
                         "not a valid ABA routing number (9 digits with a "
                         "checksum)");
    if (rc == ERR_OK)
        rc = bank_account_number_check(str_c(in->account_number), ei);
    if (rc == ERR_OK)
        bank_last4(str_c(in->account_number), last4);
    if (rc == ERR_OK)
        rc = merchant_pick(ctx, in->merchant_account_id, &m, ei);
    if (rc)
        return rc;
    rc = store_bank_list(ctx->db, ctx->a, ctx->account_id, m.id, &existing, &n,
                         ei);
    if (rc)
        return app_store_fail(rc, ei);
    memset(out, 0, sizeof(*out));
    out->id = id_new(ctx->a, "ba", ctx->now_ms);
    struct gw_ctx g = app_gw_ctx(ctx);
    struct gw_bank_req r = {
        .idem_key = setup_key(ctx, "bank", in->idem_key, out->id),
        .merchant_ref = m.gateway_ref,
        .holder_name = in->holder_name,
        .routing_number = in->routing_number,
        .account_number = in->account_number,
    };
    rc = ops->bank_account_add(&g, &r, ref, ei);
    if (rc)
        return rc;
    out->merchant_account_id = m.id;
    out->gateway_ref = arena_strdup(ctx->a, ref);
    out->holder_name = in->holder_name;
    out->routing_number = in->routing_number;
    out->last4 = arena_strdup(ctx->a, last4);
    out->is_default = n == 0; /* the first one receives payouts */
    out->status = "active";
    out->created_at_ms = ctx->now_ms;
    out->updated_at_ms = ctx->now_ms;
    rc = store_bank_insert(ctx->db, ctx->a, ctx->account_id, out, ei);
    if (rc)
        return app_store_fail(rc, ei);
    json_t *sum = json_object();
    json_put(sum, "merchant_account", json_string(m.id));
    json_put(sum, "last4", json_string(out->last4));
    return app_audit(ctx, "bank_account.create", "bank_account", out->id, sum,
                     ei);
}

enum err
app_bank_list(struct app_ctx *ctx, struct bank_account **out, size_t *count,
              struct errinfo *ei)
{
    enum err rc = store_bank_list(ctx->db, ctx->a, ctx->account_id, NULL, out,
                                  count, ei);

    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* Bank account id with its merchant account, for a change. */
static enum err
bank_load(struct app_ctx *ctx, const char *id, struct bank_account *b,
          struct merchant_account *m, const struct gw_ops **ops,
          struct errinfo *ei)
{
    struct pos_settings s;
    enum err rc = app_pos_require(ctx, &s, ops, ei);

    if (rc)
        return rc;
    rc = store_bank_get(ctx->db, ctx->a, ctx->account_id, id, b, ei);
    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "bank account", id, "id");
    if (rc == ERR_OK)
        rc = store_merchant_get(ctx->db, ctx->a, ctx->account_id,
                                b->merchant_account_id, m, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_bank_set_default(struct app_ctx *ctx, const char *id,
                     struct bank_account *out, struct errinfo *ei)
{
    struct merchant_account m;
    const struct gw_ops *ops;
    struct gw_ctx g = app_gw_ctx(ctx);
    enum err rc = bank_load(ctx, id, out, &m, &ops, ei);

    if (rc || out->is_default)
        return rc;
    rc = ops->bank_account_set_default(&g, m.gateway_ref, out->gateway_ref, ei);
    if (rc)
        return rc;
    rc = store_bank_set_default(ctx->db, ctx->a, ctx->account_id, m.id, id,
                                ctx->now_ms, ei);
    if (rc)
        return app_store_fail(rc, ei);
    out->is_default = true;
    out->updated_at_ms = ctx->now_ms;
    return app_audit(ctx, "bank_account.set_default", "bank_account", id,
                     json_object(), ei);
}

enum err
app_bank_delete(struct app_ctx *ctx, const char *id, struct errinfo *ei)
{
    struct bank_account b;
    struct merchant_account m;
    struct bank_account *all;
    const struct gw_ops *ops;
    struct gw_ctx g = app_gw_ctx(ctx);
    size_t n;
    int64_t in_flight;
    enum err rc = bank_load(ctx, id, &b, &m, &ops, ei);

    if (rc == ERR_OK)
        rc = store_bank_list(ctx->db, ctx->a, ctx->account_id, m.id, &all, &n,
                             ei);
    if (rc == ERR_OK)
        rc = store_bank_payouts_in_flight(ctx->db, ctx->a, ctx->account_id, id,
                                          &in_flight, ei);
    if (rc)
        return rc == ERR_STORE ? app_store_fail(rc, ei) : rc;
    if (b.is_default && n > 1)
        return errinfo_set(ei, ERR_CONFLICT, "bank_account_default", NULL,
                           "this is the default bank account; make another "
                           "one the default first");
    if (in_flight > 0)
        return errinfo_set(ei, ERR_CONFLICT, "payout_in_flight", NULL,
                           "a payout is on its way to this bank account; "
                           "delete it after the payout arrives");
    rc = ops->bank_account_delete(&g, m.gateway_ref, b.gateway_ref, ei);
    if (rc && rc != ERR_NOT_FOUND)
        return rc;
    rc = store_bank_delete(ctx->db, ctx->a, ctx->account_id, id, ctx->now_ms,
                           ei);
    if (rc)
        return app_store_fail(rc, ei);
    return app_audit(ctx, "bank_account.delete", "bank_account", id,
                     json_object(), ei);
}

/* ---- card readers ---- */

enum err
app_reader_create(struct app_ctx *ctx, const char *clinic_id,
                  const char *serial, const char *label, const char *idem_key,
                  struct card_reader *out, struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    struct merchant_account m;
    char ref[GW_REF_MAX];
    struct gw_ctx g = app_gw_ctx(ctx);
    enum err rc = app_pos_require(ctx, &s, &ops, ei);

    if (rc == ERR_OK)
        rc = app_merchant_for_clinic(ctx, clinic_id, &m, ei);
    if (rc)
        return rc;
    memset(out, 0, sizeof(*out));
    out->id = id_new(ctx->a, "rdr", ctx->now_ms);
    rc = ops->reader_register(&g, setup_key(ctx, "reader", idem_key, out->id),
                              m.gateway_ref, serial, ref, ei);
    if (rc)
        return rc;
    out->clinic_id = clinic_id;
    out->merchant_account_id = m.id;
    out->serial_number = serial;
    out->label = label;
    out->gateway_ref = arena_strdup(ctx->a, ref);
    out->status = "active";
    out->created_at_ms = ctx->now_ms;
    out->updated_at_ms = ctx->now_ms;
    rc = store_reader_insert(ctx->db, ctx->a, ctx->account_id, out, ei);
    if (rc == ERR_CONFLICT)
        return errinfo_set(ei, ERR_CONFLICT, "reader_exists", "serial_number",
                           "a reader with serial number '%s' is registered",
                           serial);
    if (rc)
        return app_store_fail(rc, ei);
    json_t *sum = json_object();
    json_put(sum, "serial_number", json_string(serial));
    json_put(sum, "clinic", json_string(clinic_id));
    return app_audit(ctx, "card_reader.create", "card_reader", out->id, sum,
                     ei);
}

enum err
app_reader_get(struct app_ctx *ctx, const char *id, struct card_reader *out,
               struct errinfo *ei)
{
    enum err rc = store_reader_get(ctx->db, ctx->a, ctx->account_id, id, out,
                                   ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "card reader", id, "id");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_reader_list(struct app_ctx *ctx, struct card_reader **out, size_t *count,
                struct errinfo *ei)
{
    enum err rc = store_reader_list(ctx->db, ctx->a, ctx->account_id, out,
                                    count, ei);

    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_reader_delete(struct app_ctx *ctx, const char *id, struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    struct card_reader r;
    struct gw_ctx g = app_gw_ctx(ctx);
    enum err rc = app_pos_require(ctx, &s, &ops, ei);

    if (rc == ERR_OK)
        rc = app_reader_get(ctx, id, &r, ei);
    if (rc)
        return rc;
    rc = ops->reader_delete(&g, r.gateway_ref, ei);
    if (rc && rc != ERR_NOT_FOUND)
        return rc;
    rc = store_reader_delete(ctx->db, ctx->a, ctx->account_id, id, ctx->now_ms,
                             ei);
    if (rc)
        return app_store_fail(rc, ei);
    return app_audit(ctx, "card_reader.delete", "card_reader", id,
                     json_object(), ei);
}

/* ---- Poise's fees, taken from the merchant's balance ---- */

/*
 * Debit amount from merchant m at the gateway (keyed by key) and record
 * the fee statement f and its ledger transfer. ERR_CONFLICT from the
 * store when the statement exists (billed before).
 */
static enum err
fee_take(struct app_ctx *ctx, const struct gw_ops *ops,
         const struct merchant_account *m, const char *key,
         struct fee_statement *f, struct errinfo *ei)
{
    struct gw_ctx g = app_gw_ctx(ctx);
    char ref[GW_REF_MAX];
    const char *expense;
    const char *balance;
    bool inserted;
    enum err rc;

    rc = ops->merchant_debit(&g, key, m->gateway_ref, f->amount_minor,
                             f->currency, f->description, ref, ei);
    if (rc)
        return rc;
    f->gateway_ref = arena_strdup(ctx->a, ref);
    rc = store_fee_insert(ctx->db, ctx->a, ctx->account_id, f, &inserted, ei);
    if (rc)
        return app_store_fail(rc, ei);
    if (!inserted)
        return ERR_CONFLICT; /* billed before: no second posting */
    rc = app_ledger_kind(ctx, "account", ctx->account_id, "platform_fees",
                         f->currency, &expense, ei);
    if (rc == ERR_OK)
        rc = app_ledger_kind(ctx, "merchant_account", m->id,
                             "processor_balance", f->currency, &balance, ei);
    if (rc == ERR_OK)
        rc = app_ledger_move(ctx, f->currency, expense, balance,
                             f->amount_minor, f->kind, "fee_statement", f->id,
                             ei);
    return rc;
}

static void
fee_init(struct app_ctx *ctx, const struct merchant_account *m,
         const char *kind, const char *period, int64_t amount,
         const char *status, struct fee_statement *f)
{
    memset(f, 0, sizeof(*f));
    f->id = id_new(ctx->a, "fee", ctx->now_ms);
    f->merchant_account_id = m->id;
    f->kind = kind;
    f->period = period;
    f->amount_minor = amount;
    f->currency = m->currency;
    f->status = status;
    f->created_at_ms = ctx->now_ms;
}

enum err
app_reader_order(struct app_ctx *ctx, const char *clinic_id, int64_t quantity,
                 const char *shipping_name, const char *idem_key,
                 struct reader_order *out, struct fee_statement **fees,
                 size_t *fee_count, struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    struct merchant_account m;
    int64_t orders;
    bool first;
    struct fee_statement *f;
    enum err rc = app_pos_require(ctx, &s, &ops, ei);

    if (rc == ERR_OK)
        rc = app_merchant_for_clinic(ctx, clinic_id, &m, ei);
    if (rc == ERR_OK)
        rc = store_reader_order_count(ctx->db, ctx->a, ctx->account_id, &orders,
                                      ei);
    if (rc)
        return rc == ERR_STORE ? app_store_fail(rc, ei) : rc;
    first = orders == 0;
    memset(out, 0, sizeof(*out));
    out->id = id_new(ctx->a, "rdo", ctx->now_ms);
    out->clinic_id = clinic_id;
    out->merchant_account_id = m.id;
    out->quantity = quantity;
    out->amount_minor = quantity * POS_READER_PRICE_MINOR;
    out->currency = m.currency;
    out->billing = first ? "first_payout" : "at_order";
    out->shipping_name = shipping_name;
    out->created_at_ms = ctx->now_ms;
    rc = store_reader_order_insert(ctx->db, ctx->a, ctx->account_id, out, ei);
    if (rc)
        return app_store_fail(rc, ei);
    f = arena_array(ctx->a, 2, sizeof(*f));
    if (f == NULL)
        return ERR_LIMIT;
    *fee_count = 0;
    if (first) {
        fee_init(ctx, &m, "card_reader", out->id, POS_READER_PRICE_MINOR,
                 "pending", &f[0]);
        f[0].description = "First card reader, deducted from the first payout";
        rc = fee_take(ctx, ops, &m,
                      setup_key(ctx, "reader_fee", idem_key, out->id), &f[0],
                      ei);
        *fee_count = 1;
    }
    if (rc == ERR_OK && quantity > (first ? 1 : 0)) {
        int64_t n = quantity - (first ? 1 : 0);

        fee_init(ctx, &m, "card_reader",
                 arena_printf(ctx->a, "%s:extra", out->id),
                 n * POS_READER_PRICE_MINOR, "charged", &f[*fee_count]);
        f[*fee_count].description = arena_printf(
            ctx->a, "%lld card reader(s) at $99.00", (long long)n);
        rc = fee_take(ctx, ops, &m,
                      setup_key(ctx, "reader_charge", idem_key, out->id),
                      &f[*fee_count], ei);
        (*fee_count)++;
    }
    if (rc == ERR_CONFLICT) /* the order id is new: cannot happen */
        ASSERT(!"reader fee billed twice");
    if (rc)
        return rc;
    *fees = f;
    json_t *sum = json_object();
    json_put(sum, "quantity", json_integer(quantity));
    json_put(sum, "amount", json_integer(out->amount_minor));
    return app_audit(ctx, "card_reader_order.create", "card_reader_order",
                     out->id, sum, ei);
}

enum err
app_connection_fee_bill(struct app_ctx *ctx, const char *merchant_id,
                        const char *period, struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    struct merchant_account m;
    struct fee_statement f;
    enum err rc = app_pos_require(ctx, &s, &ops, ei);

    if (rc == ERR_OK)
        rc = merchant_pick(ctx, merchant_id, &m, ei);
    if (rc)
        return rc;
    fee_init(ctx, &m, "connection_fee", period, POS_CONNECTION_FEE_MINOR,
             "pending", &f);
    f.description = arena_printf(ctx->a, "Connection fee %s", period);
    rc = fee_take(ctx, ops, &m,
                  gw_key(ctx, "connection_fee",
                         arena_printf(ctx->a, "%s:%s", m.id, period)),
                  &f, ei);
    if (rc == ERR_CONFLICT) /* billed before: once per period */
        return ERR_OK;
    if (rc)
        return rc;
    json_t *sum = json_object();
    json_put(sum, "period", json_string(period));
    json_put(sum, "amount", json_integer(f.amount_minor));
    return app_audit(ctx, "fee_statement.create", "fee_statement", f.id, sum,
                     ei);
}

enum err
app_fee_list(struct app_ctx *ctx, const struct page *page,
             struct fee_statement **out, size_t *count, bool *has_more,
             struct errinfo *ei)
{
    enum err rc = store_fee_list(ctx->db, ctx->a, ctx->account_id, page->limit,
                                 page->starting_after, out, count, has_more,
                                 ei);

    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_connection_fees_enqueue(struct app_ctx *ctx, struct errinfo *ei)
{
    struct merchant_account *ms;
    char month[8];
    time_t t = (time_t)(ctx->now_ms / 1000);
    struct tm tm;
    struct tm *ok = gmtime_r(&t, &tm);
    size_t n;
    enum err rc;

    ASSERT(ok != NULL);
    n = strftime(month, sizeof(month), "%Y-%m", &tm);
    ASSERT(n == 7);
    rc = store_merchant_billable(ctx->db, ctx->a, ctx->account_id, &ms, &n, ei);
    if (rc)
        return app_store_fail(rc, ei);
    for (size_t i = 0; i < n && rc == ERR_OK; i++) {
        struct app_ctx one = *ctx;
        bool created;

        one.account_id = ms[i].account_id;
        rc = app_job_enqueue(
            &one, arena_printf(ctx->a, "connection_fee:%s:%s", ms[i].id, month),
            "connection_fee", ms[i].id, ctx->now_ms, &created, ei);
    }
    return rc;
}
