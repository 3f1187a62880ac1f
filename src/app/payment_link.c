/*
 * payment_link.c - Text2Pay links: made by the front desk, sent through
 * the outbox, paid by the patient on a public page.
 */
#include "app/payment_link.h"

#include <string.h>

#include "app/invoice.h"
#include "app/message.h"
#include "app/sandbox.h"
#include "base/assert.h"
#include "base/crypto.h"
#include "core/contact.h"
#include "store/clinics.h"
#include "store/patients.h"
#include "store/users.h"

#define TOKEN_LEN 32 /* base32 characters: 160 bits */
#define HOUR_MS (60LL * 60 * 1000)

static void
token_hash(const char *token, char out[SHA256_HEX_LEN + 1])
{
    sha256_hex(token, strlen(token), out);
}

/* The address to send to: the one given, else the patient's. */
static enum err
destination(struct app_ctx *ctx, const struct invoice *v, bool sms,
            const char *to, const char **out, struct errinfo *ei)
{
    char buf[EMAIL_MAX + PHONE_E164_MAX + 2];
    struct patient p;
    enum err rc;

    if (to == NULL && v->patient_id != NULL) {
        rc = store_patient_get(ctx->db, ctx->a, ctx->account_id, v->patient_id,
                               &p, ei);
        if (rc)
            return app_store_fail(rc, ei);
        to = sms ? p.phone : p.email;
    }
    if (to == NULL || to[0] == '\0')
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "to",
                           "the patient has no %s on file: say where to "
                           "send the link",
                           sms ? "mobile number" : "e-mail address");
    rc = sms ? contact_phone_normalize(to, buf, sizeof(buf), ei)
             : contact_email_normalize(to, buf, sizeof(buf), ei);
    if (rc) {
        snprintf(ei->param, sizeof(ei->param), "to");
        return rc;
    }
    *out = arena_strdup(ctx->a, buf);
    return *out != NULL ? ERR_OK : ERR_LIMIT;
}

static enum err
send_link(struct app_ctx *ctx, const struct invoice *v, struct payment_link *l,
          bool sms, const char *url, struct errinfo *ei)
{
    struct account acct;
    const char *body;
    const char *subject;
    const char *msg;
    enum err rc = store_account_get(ctx->db, ctx->a, ctx->account_id, &acct,
                                    ei);

    if (rc)
        return app_store_fail(rc, ei);
    body = arena_printf(ctx->a,
                        "%s: invoice %s, %s due. Pay securely here: %s "
                        "(link valid until it expires or is paid)",
                        acct.name, v->number, v->currency, url);
    subject = arena_printf(ctx->a, "Your invoice %s from %s", v->number,
                           acct.name);
    if (body == NULL || subject == NULL)
        return ERR_LIMIT;
    rc = app_message_enqueue(ctx, sms ? MESSAGE_SMS : MESSAGE_EMAIL,
                             l->destination, sms ? NULL : subject, body, NULL,
                             "payment_link", l->id, &msg, ei);
    if (rc == ERR_OK)
        rc = store_payment_link_message(ctx->db, ctx->a, ctx->account_id, l->id,
                                        msg, ei);
    if (rc == ERR_OK)
        l->message_id = msg;
    return rc == ERR_STORE ? app_store_fail(rc, ei) : rc;
}

enum err
app_payment_link_create(struct app_ctx *ctx,
                        const struct payment_link_input *in,
                        struct payment_link *out, const char **url,
                        struct errinfo *ei)
{
    struct invoice v;
    struct invoice_line *ls;
    size_t n;
    char hash[SHA256_HEX_LEN + 1];
    bool sms;
    const char *token;
    int64_t hours = in->expires_in_hours ? in->expires_in_hours
                                         : PAYMENT_LINK_HOURS_DEFAULT;
    enum err rc = app_invoice_get(ctx, in->invoice_id, &v, &ls, &n, ei);

    if (rc)
        return rc;
    if (in->channel == NULL)
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "channel",
                           "missing required parameter 'channel'");
    if (strcmp(in->channel, "sms") != 0 && strcmp(in->channel, "email") != 0)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "channel",
                           "channel is sms or email");
    sms = strcmp(in->channel, "sms") == 0;
    if ((strcmp(v.status, "open") != 0 &&
         strcmp(v.status, "partially_paid") != 0) ||
        v.total_minor - v.paid_minor <= 0)
        return errinfo_set(ei, ERR_CONFLICT, "invoice_not_payable", NULL,
                           "this invoice is %s: a link pays an open invoice",
                           v.status);
    memset(out, 0, sizeof(*out));
    rc = destination(ctx, &v, sms, in->to, &out->destination, ei);
    if (rc)
        return rc;
    token = secret_new(ctx->a, TOKEN_LEN);
    if (token == NULL)
        return ERR_LIMIT;
    token_hash(token, hash);
    out->account_id = ctx->account_id;
    out->id = id_new(ctx->a, "plk", ctx->now_ms);
    out->invoice_id = v.id;
    out->token_hash = arena_strdup(ctx->a, hash);
    out->channel = sms ? "sms" : "email";
    out->expires_at_ms = ctx->now_ms + hours * HOUR_MS;
    out->created_by = ctx->user_id;
    out->created_at_ms = ctx->now_ms;
    *url = arena_printf(ctx->a, "%s/pay/%s", in->base_url, token);
    if (out->token_hash == NULL || *url == NULL)
        return ERR_LIMIT;
    rc = store_payment_link_insert(ctx->db, ctx->a, out, ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = send_link(ctx, &v, out, sms, *url, ei);
    if (rc)
        return rc;
    json_t *sum = json_object();
    json_put(sum, "channel", json_string(out->channel));
    json_put(sum, "link", json_string(out->id));
    return app_audit(ctx, "invoice.payment_link", "invoice", v.id, sum, ei);
}

enum err
app_payment_link_list(struct app_ctx *ctx, const char *invoice_id,
                      struct payment_link **out, size_t *count,
                      struct errinfo *ei)
{
    struct invoice v;
    struct invoice_line *ls;
    size_t n;
    enum err rc = app_invoice_get(ctx, invoice_id, &v, &ls, &n, ei);

    if (rc == ERR_OK &&
        (rc = store_payment_links_of(ctx->db, ctx->a, ctx->account_id,
                                     invoice_id, out, count, ei)))
        rc = app_store_fail(rc, ei);
    return rc;
}

/* ---- the public page ---- */

static const char *
state_of(const struct app_ctx *ctx, const struct payment_link *l,
         const struct invoice *v)
{
    if (l->paid_at_ms != 0 || strcmp(v->status, "paid") == 0 ||
        strcmp(v->status, "partially_refunded") == 0 ||
        strcmp(v->status, "refunded") == 0)
        return "paid";
    if (ctx->now_ms >= l->expires_at_ms)
        return "expired";
    if (strcmp(v->status, "open") != 0 &&
        strcmp(v->status, "partially_paid") != 0)
        return "unavailable";
    return "payable";
}

enum err
app_payment_link_open(struct app_ctx *ctx, const char *token,
                      struct payment_link_view *out, struct errinfo *ei)
{
    char hash[SHA256_HEX_LEN + 1];
    struct account acct;
    struct clinic c;
    enum err rc;

    memset(out, 0, sizeof(*out));
    if (strlen(token) != TOKEN_LEN)
        return errinfo_set(ei, ERR_NOT_FOUND, "resource_missing", NULL,
                           "this payment link does not exist");
    token_hash(token, hash);
    rc = store_payment_link_by_hash(ctx->db, ctx->a, hash, &out->link, ei);
    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, ERR_NOT_FOUND, "resource_missing", NULL,
                           "this payment link does not exist");
    if (rc)
        return app_store_fail(rc, ei);
    /* From here the request is the link's account's, on its clock. */
    ctx->account_id = out->link.account_id;
    ctx->actor_type = ACTOR_SYSTEM;
    ctx->now_ms = app_now_ms(ctx->account_id);
    rc = app_invoice_get(ctx, out->link.invoice_id, &out->inv, &out->lines,
                         &out->line_count, ei);
    if (rc == ERR_OK)
        rc = store_account_get(ctx->db, ctx->a, ctx->account_id, &acct, ei);
    if (rc == ERR_OK)
        rc = store_clinic_get(ctx->db, ctx->a, ctx->account_id,
                              out->inv.clinic_id, &c, ei);
    if (rc)
        return app_store_fail(rc, ei);
    out->practice = acct.name;
    out->clinic = c.name;
    out->state = state_of(ctx, &out->link, &out->inv);
    return ERR_OK;
}

/* The link takes money: ERR_CONFLICT naming why not otherwise. */
static enum err
require_payable(const struct payment_link_view *lv, struct errinfo *ei)
{
    if (strcmp(lv->state, "payable") == 0)
        return ERR_OK;
    if (strcmp(lv->state, "paid") == 0)
        return errinfo_set(ei, ERR_CONFLICT, "link_paid", NULL,
                           "this invoice is paid: nothing is owed");
    if (strcmp(lv->state, "expired") == 0)
        return errinfo_set(ei, ERR_CONFLICT, "link_expired", NULL,
                           "this payment link has expired: ask the practice "
                           "for a new one");
    return errinfo_set(ei, ERR_CONFLICT, "link_unavailable", NULL,
                       "this invoice can no longer be paid online");
}

enum err
app_payment_link_tokenize(struct app_ctx *ctx, const char *token,
                          const char *number, int exp_month, int exp_year,
                          const char *cvc, char *card_token,
                          struct gw_card *card, struct errinfo *ei)
{
    struct payment_link_view lv;
    enum err rc = app_payment_link_open(ctx, token, &lv, ei);

    if (rc == ERR_OK)
        rc = require_payable(&lv, ei);
    return rc ? rc
              : app_sandbox_tokenize(ctx, number, exp_month, exp_year, cvc,
                                     card_token, card, ei);
}

enum err
app_payment_link_pay(struct app_ctx *ctx, const char *token,
                     const char *card_token, const char *idem_key,
                     struct checkout_result *out, struct errinfo *ei)
{
    struct payment_link_view lv;
    char hash[SHA256_HEX_LEN + 1];
    const char *key;
    const char *text;
    json_t *body;
    enum err rc = app_payment_link_open(ctx, token, &lv, ei);

    if (rc)
        return rc;
    key = arena_printf(ctx->a, "plink:%s:%s", lv.link.id, idem_key);
    text = arena_printf(ctx->a,
                        "{\"tenders\":[{\"method\":\"card\",\"amount\":%lld,"
                        "\"token\":\"%s\"}]}",
                        (long long)(lv.inv.total_minor - lv.inv.paid_minor),
                        card_token);
    if (key == NULL || text == NULL)
        return ERR_LIMIT;
    /* A retry of this key replays its checkout, paid link or not. */
    sha256_hex(card_token, strlen(card_token), hash);
    if (strcmp(lv.state, "payable") != 0) {
        struct invoice_checkout co;

        rc = store_checkout_by_key(ctx->db, ctx->a, ctx->account_id, key, &co,
                                   ei);
        if (rc == ERR_NOT_FOUND)
            return require_payable(&lv, ei);
        if (rc)
            return app_store_fail(rc, ei);
    }
    rc = json_parse_object(str_c(text), &body, ei);
    if (rc == ERR_OK)
        rc = app_invoice_pay(ctx, lv.inv.id, body, text, key,
                             arena_strdup(ctx->a, hash), out, ei);
    if (rc == ERR_OK && lv.link.paid_at_ms == 0 &&
        (rc = store_payment_link_paid(ctx->db, ctx->a, ctx->account_id,
                                      lv.link.id, out->co.id, ctx->now_ms, ei)))
        rc = app_store_fail(rc, ei);
    return rc;
}
