/*
 * stripe.c - the Stripe gateway: Stripe's REST API over httpc.
 *
 * Requests are form-encoded with `Authorization: Bearer <secret key>` and
 * a pinned `Stripe-Version` (STRIPE_VERSION), so a change of the account's
 * default version at Stripe never changes what we parse. Every POST
 * carries an Idempotency-Key: the caller's key when the operation has one,
 * else a fresh random one per call, so httpc's retries of that call are
 * safe too. Merchants are Connect custom accounts; charges are
 * destination charges made on the platform (transfer_data[destination]
 * and on_behalf_of = the merchant), so captures, refunds and retrievals
 * need only the PaymentIntent id. A charge's ref is its PaymentIntent id
 * (pi_...). Choices Stripe leaves open are written up in docs/gateways.md.
 *
 * Never logs a request or response body; the bank account number of
 * bank_account_add is wiped from the request buffer after the call.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/assert.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/str.h"
#include "gateway/gateway_int.h"
#include "gateway/httpc.h"
#include "gateway/signature.h"

#define STRIPE_VERSION "2024-06-20"
#define FORM_BYTES_MAX (64u * 1024)
/* A card authorization without a capture_before: Stripe's 7 days. */
#define AUTH_HOLD_MS (7LL * 24 * 3600 * 1000)
#define EXPAND_FEE "latest_charge.balance_transaction"

/* One request to Stripe. */
struct sreq {
    enum httpc_method method;
    const char *path;     /* "/v1/...", ids already checked */
    struct buf *form;     /* POST parameters or GET query; may be NULL */
    const char *idem_key; /* POST: NULL makes a fresh one */
    const char *account;  /* Stripe-Account header, or NULL */
};

/* True for a Stripe object id: [A-Za-z0-9_], short enough for a ref. */
static bool
is_id(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;

    if (n == 0 || n >= GW_REF_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return false;
    }
    return true;
}

static enum err
bad_id(const char *what, const char *s, struct errinfo *ei)
{
    return errinfo_set(ei, ERR_INVALID, "parameter_invalid", what,
                       "invalid stripe id '%.64s'", s != NULL ? s : "");
}

/* Append key=<printf> to form f. */
static enum err fadd(struct buf *f, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum err
fadd(struct buf *f, const char *key, const char *fmt, ...)
{
    char value[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(value))
        return ERR_LIMIT;
    return httpc_form_add(f, key, value);
}

static enum err
no_memory(struct errinfo *ei)
{
    return errinfo_set(ei, ERR_LIMIT, "limit", NULL,
                       "out of memory for a stripe request");
}

/* Copy a ref from the response; ERR_GATEWAY if absent or too long. */
static enum err
copy_ref(char *dst, const char *s, struct errinfo *ei)
{
    if (s == NULL || strlen(s) >= GW_REF_MAX)
        return errinfo_set(ei, ERR_GATEWAY, "gateway_response_invalid", NULL,
                           "stripe answered without a usable id");
    snprintf(dst, GW_REF_MAX, "%s", s);
    return ERR_OK;
}

static void
copy_code(char *dst, const char *s)
{
    snprintf(dst, GW_CODE_MAX, "%s", s != NULL ? s : "");
}

static bool
is_one_of(const char *s, const char *const *list)
{
    for (size_t i = 0; s != NULL && list[i] != NULL; i++) {
        if (strcmp(s, list[i]) == 0)
            return true;
    }
    return false;
}

static const char *const conflict_codes[] = {
    "payment_intent_unexpected_state", "charge_already_captured",
    "charge_already_refunded",         "charge_disputed",
    "charge_expired_for_capture",      NULL,
};

/* Map a Stripe error answer (status >= 400) to our result. */
static enum err
map_error(long status, json_t *body, struct errinfo *ei)
{
    const char *type = httpc_jstr(body, "error.type");
    const char *code = httpc_jstr(body, "error.code");
    const char *msg = httpc_jstr(body, "error.message");
    const char *param = httpc_jstr(body, "error.param");

    if (msg == NULL)
        msg = "stripe refused the request";
    if (status == 401 || status == 403)
        return errinfo_set(ei, ERR_GATEWAY, "gateway_auth", NULL,
                           "stripe refused the API key (HTTP %ld): check "
                           "the configured secret key",
                           status);
    if (status == 429)
        return errinfo_set(ei, ERR_GATEWAY, "rate_limited", NULL,
                           "stripe is rate limiting requests: %s", msg);
    if (status == 402 || (type != NULL && strcmp(type, "card_error") == 0))
        return errinfo_decline(ei, code != NULL ? code : "card_declined",
                               httpc_jstr(body, "error.decline_code"), msg);
    if (type != NULL && strcmp(type, "idempotency_error") == 0)
        return errinfo_set(ei, ERR_CONFLICT, "idempotency_error", NULL, "%s",
                           msg);
    if (status == 404 ||
        (code != NULL && strcmp(code, "resource_missing") == 0))
        return errinfo_set(ei, ERR_NOT_FOUND, "resource_missing", param, "%s",
                           msg);
    if (is_one_of(code, conflict_codes))
        return errinfo_set(ei, ERR_CONFLICT, code, param, "%s", msg);
    if (status == 400 ||
        (type != NULL && strcmp(type, "invalid_request_error") == 0))
        return errinfo_set(ei, ERR_INVALID,
                           code != NULL ? code : "invalid_request", param, "%s",
                           msg);
    return errinfo_set(ei, ERR_GATEWAY, "gateway_error", NULL,
                       "stripe answered HTTP %ld: %s", status, msg);
}

/* The "Name: value" headers of r into req (arena a). */
static enum err
headers(struct arena *a, const struct gw_config *cfg, const struct sreq *r,
        const char *idem_key, struct httpc_req *req)
{
    size_t n = 0;

    req->headers[n++] = arena_printf(a, "Authorization: Bearer %s",
                                     cfg->stripe_secret_key);
    req->headers[n++] = "Stripe-Version: " STRIPE_VERSION;
    req->headers[n++] = "Accept: application/json";
    if (r->method == HTTPC_POST)
        req->headers[n++] = "Content-Type: application/x-www-form-urlencoded";
    if (idem_key != NULL)
        req->headers[n++] = arena_printf(a, "Idempotency-Key: %s", idem_key);
    if (r->account != NULL)
        req->headers[n++] = arena_printf(a, "Stripe-Account: %s", r->account);
    ASSERT(n <= HTTPC_HEADERS_MAX);
    for (size_t i = 0; i < n; i++) {
        if (req->headers[i] == NULL)
            return ERR_LIMIT;
    }
    return ERR_OK;
}

/*
 * Send r and parse the answer into *body_out (caller json_decref()s it,
 * also on failure: a decline carries the PaymentIntent). ERR_OK for a 2xx
 * JSON answer, else the mapped error.
 */
static enum err
call(const struct gw_ctx *ctx, const struct sreq *r, json_t **body_out,
     struct errinfo *ei)
{
    const struct gw_config *cfg = gateway_config();
    struct httpc_req req = {.method = r->method};
    struct httpc_resp resp;
    const char *key = r->idem_key;
    bool query = r->method != HTTPC_POST && r->form != NULL && r->form->len;
    enum err rc;

    ASSERT(ctx != NULL && ctx->a != NULL && r->path != NULL);
    *body_out = NULL;
    if (cfg->stripe_secret_key == NULL || cfg->stripe_secret_key[0] == '\0')
        return errinfo_set(ei, ERR_GATEWAY, "gateway_auth", NULL,
                           "no stripe secret key is configured");
    if (r->method == HTTPC_POST && key == NULL)
        key = id_new(ctx->a, "idem", ctx->now_ms);
    req.url = arena_printf(ctx->a, "%s%s%s%s", cfg->stripe_api_url, r->path,
                           query ? "?" : "", query ? r->form->ptr : "");
    if (req.url == NULL || (r->method == HTTPC_POST && key == NULL) ||
        headers(ctx->a, cfg, r, key, &req) != ERR_OK)
        return no_memory(ei);
    if (r->method == HTTPC_POST && r->form != NULL) {
        req.body = r->form->len > 0 ? r->form->ptr : "";
        req.body_len = r->form->len;
    }
    req.timeout_ms = cfg->timeout_ms;
    req.retries = cfg->retries;
    rc = httpc_send(ctx->a, &req, &resp, ei);
    secret_wipe((char *)req.headers[0], strlen(req.headers[0]));
    if (rc)
        return rc;
    *body_out = httpc_json(&resp);
    if (resp.status >= 200 && resp.status < 300 && *body_out != NULL)
        return ERR_OK;
    if (resp.status < 400)
        return errinfo_set(ei, ERR_GATEWAY, "gateway_response_invalid", NULL,
                           "stripe answered HTTP %ld without JSON",
                           resp.status);
    return map_error(resp.status, *body_out, ei);
}

/* call() for an answer the operation only needs the id of. */
static enum err
call_for_id(const struct gw_ctx *ctx, const struct sreq *r, char *ref_out,
            struct errinfo *ei)
{
    json_t *body;
    enum err rc = call(ctx, r, &body, ei);

    if (rc == ERR_OK && ref_out != NULL)
        rc = copy_ref(ref_out, httpc_jstr(body, "id"), ei);
    json_decref(body);
    return rc;
}

/* A form buffer in the context's arena. */
static void
form_init(const struct gw_ctx *ctx, struct buf *f)
{
    buf_init(f, ctx->a, FORM_BYTES_MAX);
}

/* Lower-case ISO code ("usd"), as Stripe spells currencies. */
static enum err
currency_lower(const char *c, char out[4], struct errinfo *ei)
{
    if (c == NULL || strlen(c) != 3)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "currency",
                           "invalid currency '%.8s'", c != NULL ? c : "");
    for (int i = 0; i < 3; i++)
        out[i] = (char)tolower((unsigned char)c[i]);
    out[3] = '\0';
    return ERR_OK;
}

/* ---- connect, merchants, bank accounts, readers ---------------------- */

static enum err
stripe_connect(const struct gw_ctx *ctx, char *secret_out, size_t cap,
               struct errinfo *ei)
{
    ASSERT(ctx != NULL && secret_out != NULL && cap > 0);
    (void)ei;
    /* Stripe signs every account's events with the platform's secret. */
    secret_out[0] = '\0';
    return ERR_OK;
}

static enum err
stripe_disconnect(const struct gw_ctx *ctx, struct errinfo *ei)
{
    ASSERT(ctx != NULL);
    (void)ei;
    return ERR_OK; /* nothing is registered per Poise account at Stripe */
}

static enum err
stripe_merchant_create(const struct gw_ctx *ctx,
                       const struct gw_merchant_req *r, char *ref_out,
                       struct errinfo *ei)
{
    struct buf f;
    char cur[4];
    struct sreq s = {HTTPC_POST, "/v1/accounts", &f, r->idem_key, NULL};
    enum err rc;

    ASSERT(r != NULL && r->idem_key != NULL && ref_out != NULL);
    rc = currency_lower(r->currency, cur, ei);
    if (rc)
        return rc;
    form_init(ctx, &f);
    if (fadd(&f, "type", "custom") ||
        fadd(&f, "country", "%s", r->country != NULL ? r->country : "US") ||
        fadd(&f, "default_currency", "%s", cur) ||
        fadd(&f, "business_type", "company") ||
        fadd(&f, "business_profile[name]", "%s",
             r->name != NULL ? r->name : "") ||
        fadd(&f, "capabilities[card_payments][requested]", "true") ||
        fadd(&f, "capabilities[transfers][requested]", "true") ||
        fadd(&f, "metadata[poise_account]", "%s", ctx->account_id))
        return no_memory(ei);
    if (r->timezone != NULL &&
        fadd(&f, "settings[dashboard][timezone]", "%s", r->timezone))
        return no_memory(ei);
    return call_for_id(ctx, &s, ref_out, ei);
}

static enum err
bank_form(struct buf *f, const struct gw_bank_req *r)
{
    if (fadd(f, "external_account[object]", "bank_account") ||
        fadd(f, "external_account[country]", "US") ||
        fadd(f, "external_account[currency]", "usd") ||
        fadd(f, "external_account[account_holder_type]", "company") ||
        fadd(f, "external_account[account_holder_name]", "%s",
             r->holder_name != NULL ? r->holder_name : "") ||
        fadd(f, "external_account[routing_number]", "%s", r->routing_number) ||
        fadd(f, "external_account[account_number]", "%s", r->account_number))
        return ERR_LIMIT;
    return ERR_OK;
}

static enum err
stripe_bank_account_add(const struct gw_ctx *ctx, const struct gw_bank_req *r,
                        char *ref_out, struct errinfo *ei)
{
    struct buf f;
    struct sreq s = {HTTPC_POST, NULL, &f, r->idem_key, NULL};
    enum err rc;

    ASSERT(r != NULL && r->idem_key != NULL && ref_out != NULL);
    ASSERT(r->routing_number != NULL && r->account_number != NULL);
    if (!is_id(r->merchant_ref))
        return bad_id("merchant_ref", r->merchant_ref, ei);
    s.path = arena_printf(ctx->a, "/v1/accounts/%s/external_accounts",
                          r->merchant_ref);
    form_init(ctx, &f);
    if (s.path == NULL || bank_form(&f, r) != ERR_OK)
        rc = no_memory(ei);
    else
        rc = call_for_id(ctx, &s, ref_out, ei);
    if (f.ptr != NULL) /* the account number must not linger */
        secret_wipe(f.ptr, f.len);
    return rc;
}

static enum err
stripe_bank_account_set_default(const struct gw_ctx *ctx,
                                const char *merchant_ref, const char *bank_ref,
                                struct errinfo *ei)
{
    struct buf f;
    struct sreq s = {HTTPC_POST, NULL, &f, NULL, NULL};

    if (!is_id(merchant_ref))
        return bad_id("merchant_ref", merchant_ref, ei);
    if (!is_id(bank_ref))
        return bad_id("bank_ref", bank_ref, ei);
    s.path = arena_printf(ctx->a, "/v1/accounts/%s/external_accounts/%s",
                          merchant_ref, bank_ref);
    form_init(ctx, &f);
    if (s.path == NULL || fadd(&f, "default_for_currency", "true"))
        return no_memory(ei);
    return call_for_id(ctx, &s, NULL, ei);
}

static enum err
stripe_bank_account_delete(const struct gw_ctx *ctx, const char *merchant_ref,
                           const char *bank_ref, struct errinfo *ei)
{
    struct sreq s = {HTTPC_DELETE, NULL, NULL, NULL, NULL};

    if (!is_id(merchant_ref))
        return bad_id("merchant_ref", merchant_ref, ei);
    if (!is_id(bank_ref))
        return bad_id("bank_ref", bank_ref, ei);
    s.path = arena_printf(ctx->a, "/v1/accounts/%s/external_accounts/%s",
                          merchant_ref, bank_ref);
    if (s.path == NULL)
        return no_memory(ei);
    return call_for_id(ctx, &s, NULL, ei);
}

static enum err
stripe_reader_register(const struct gw_ctx *ctx, const char *idem_key,
                       const char *merchant_ref, const char *serial,
                       char *ref_out, struct errinfo *ei)
{
    struct buf f;
    struct sreq s = {HTTPC_POST, "/v1/terminal/readers", &f, idem_key, NULL};

    ASSERT(idem_key != NULL && serial != NULL && ref_out != NULL);
    form_init(ctx, &f);
    if (fadd(&f, "registration_code", "%s", serial) ||
        fadd(&f, "label", "%s", serial) ||
        fadd(&f, "metadata[poise_merchant]", "%s",
             merchant_ref != NULL ? merchant_ref : ""))
        return no_memory(ei);
    return call_for_id(ctx, &s, ref_out, ei);
}

static enum err
stripe_reader_delete(const struct gw_ctx *ctx, const char *reader_ref,
                     struct errinfo *ei)
{
    struct sreq s = {HTTPC_DELETE, NULL, NULL, NULL, NULL};

    if (!is_id(reader_ref))
        return bad_id("reader_ref", reader_ref, ei);
    s.path = arena_printf(ctx->a, "/v1/terminal/readers/%s", reader_ref);
    if (s.path == NULL)
        return no_memory(ei);
    return call_for_id(ctx, &s, NULL, ei);
}

/* ---- customers and cards --------------------------------------------- */

static enum err
stripe_customer_create(const struct gw_ctx *ctx, const char *idem_key,
                       const char *reference, char *ref_out, struct errinfo *ei)
{
    struct buf f;
    struct sreq s = {HTTPC_POST, "/v1/customers", &f, idem_key, NULL};

    ASSERT(idem_key != NULL && ref_out != NULL);
    form_init(ctx, &f);
    if (fadd(&f, "metadata[poise_reference]", "%s",
             reference != NULL ? reference : "") ||
        fadd(&f, "metadata[poise_account]", "%s", ctx->account_id))
        return no_memory(ei);
    return call_for_id(ctx, &s, ref_out, ei);
}

/* What Poise keeps of the card in v (a payment method's card member). */
static void
card_from(json_t *v, struct gw_card *out)
{
    const char *brand = httpc_jstr(v, "brand");

    memset(out, 0, sizeof(*out));
    snprintf(out->brand, sizeof(out->brand), "%s",
             brand != NULL ? brand : "unknown");
    snprintf(out->last4, sizeof(out->last4), "%s",
             httpc_jstr(v, "last4") != NULL ? httpc_jstr(v, "last4") : "");
    out->exp_month = (int)httpc_jint(v, "exp_month", 0);
    out->exp_year = (int)httpc_jint(v, "exp_year", 0);
    if (httpc_jstr(v, "fingerprint") != NULL &&
        strlen(httpc_jstr(v, "fingerprint")) < GW_REF_MAX)
        snprintf(out->fingerprint, GW_REF_MAX, "%s",
                 httpc_jstr(v, "fingerprint"));
}

static enum err
stripe_card_attach(const struct gw_ctx *ctx, const char *idem_key,
                   const char *customer_ref, const char *token,
                   char *card_ref_out, struct gw_card *card_out,
                   struct errinfo *ei)
{
    struct buf f;
    struct sreq s = {HTTPC_POST, NULL, &f, idem_key, NULL};
    json_t *body;
    enum err rc;

    ASSERT(idem_key != NULL && card_ref_out != NULL && card_out != NULL);
    if (!is_id(customer_ref))
        return bad_id("customer_ref", customer_ref, ei);
    if (!is_id(token))
        return errinfo_set(ei, ERR_INVALID, "token_invalid", "token",
                           "the card token is not a stripe payment method");
    s.path = arena_printf(ctx->a, "/v1/payment_methods/%s/attach", token);
    form_init(ctx, &f);
    if (s.path == NULL || fadd(&f, "customer", "%s", customer_ref))
        return no_memory(ei);
    rc = call(ctx, &s, &body, ei);
    if (rc == ERR_OK)
        rc = copy_ref(card_ref_out, httpc_jstr(body, "id"), ei);
    if (rc == ERR_OK)
        card_from(httpc_jget(body, "card"), card_out);
    json_decref(body);
    return rc;
}

static enum err
stripe_card_detach(const struct gw_ctx *ctx, const char *customer_ref,
                   const char *card_ref, struct errinfo *ei)
{
    struct sreq s = {HTTPC_POST, NULL, NULL, NULL, NULL};

    if (!is_id(customer_ref))
        return bad_id("customer_ref", customer_ref, ei);
    if (!is_id(card_ref))
        return bad_id("card_ref", card_ref, ei);
    s.path = arena_printf(ctx->a, "/v1/payment_methods/%s/detach", card_ref);
    if (s.path == NULL)
        return no_memory(ei);
    return call_for_id(ctx, &s, NULL, ei);
}

/* ---- charges ----------------------------------------------------------- */

static enum err
charge_status(const char *st, bool failed_before, enum gw_charge_status *out)
{
    if (st == NULL)
        return ERR_GATEWAY;
    if (strcmp(st, "requires_capture") == 0)
        *out = GW_CHARGE_REQUIRES_CAPTURE;
    else if (strcmp(st, "succeeded") == 0)
        *out = GW_CHARGE_SUCCEEDED;
    else if (strcmp(st, "canceled") == 0)
        *out = GW_CHARGE_CANCELED;
    else if (strcmp(st, "requires_payment_method") == 0)
        /* Waiting for a card at a reader, unless an attempt failed. */
        *out = failed_before ? GW_CHARGE_FAILED : GW_CHARGE_PROCESSING;
    else if (strcmp(st, "processing") == 0 ||
             strcmp(st, "requires_action") == 0 ||
             strcmp(st, "requires_confirmation") == 0)
        *out = GW_CHARGE_PROCESSING;
    else
        return ERR_GATEWAY;
    return ERR_OK;
}

/* Amounts, fee and card of the PaymentIntent's latest charge. */
static void
charge_details(json_t *pi, struct gw_charge *out)
{
    json_t *ch = httpc_jget(pi, "latest_charge");
    const char *pm_type = httpc_jstr(ch, "payment_method_details.type");
    json_t *card;
    int64_t before_s;

    out->amount_captured = httpc_jint(pi, "amount_received", 0);
    if (!json_is_object(ch))
        return; /* not expanded, or no attempt yet */
    out->amount_captured = httpc_jint(ch, "amount_captured",
                                      out->amount_captured);
    /*
     * Stripe counts the uncaptured rest of a partial capture as refunded;
     * Poise's amount_refunded is what went back after the capture.
     */
    out->amount_refunded = httpc_jint(ch, "amount_refunded", 0);
    if (json_is_true(httpc_jget(ch, "captured")))
        out->amount_refunded -= httpc_jint(ch, "amount", 0) -
                                out->amount_captured;
    if (out->amount_refunded < 0)
        out->amount_refunded = 0;
    out->fee = httpc_jint(ch, "balance_transaction.fee", 0);
    out->card_present = pm_type != NULL && strcmp(pm_type, "card_present") == 0;
    card = httpc_jget(ch, out->card_present
                              ? "payment_method_details.card_present"
                              : "payment_method_details.card");
    if (json_is_object(card))
        card_from(card, &out->card);
    before_s = httpc_jint(card, "capture_before", 0);
    if (out->status == GW_CHARGE_REQUIRES_CAPTURE && before_s > 0)
        out->capture_before_ms = before_s * 1000;
}

/* Fill out from a PaymentIntent object. */
static enum err
charge_from(json_t *pi, struct gw_charge *out, struct errinfo *ei)
{
    json_t *lpe = httpc_jget(pi, "last_payment_error");
    enum err rc;

    memset(out, 0, sizeof(*out));
    rc = copy_ref(out->ref, httpc_jstr(pi, "id"), ei);
    if (rc)
        return rc;
    if (charge_status(httpc_jstr(pi, "status"), json_is_object(lpe),
                      &out->status) != ERR_OK)
        return errinfo_set(ei, ERR_GATEWAY, "gateway_response_invalid", NULL,
                           "unknown payment intent status '%.32s'",
                           httpc_jstr(pi, "status"));
    out->amount = httpc_jint(pi, "amount", 0);
    /* Stripe cancels only uncaptured intents: a capture is refunded. */
    out->settled = out->status == GW_CHARGE_SUCCEEDED;
    charge_details(pi, out);
    if (out->status == GW_CHARGE_REQUIRES_CAPTURE &&
        out->capture_before_ms == 0)
        out->capture_before_ms = httpc_jint(pi, "created", 0) * 1000 +
                                 AUTH_HOLD_MS;
    if (out->status == GW_CHARGE_FAILED) {
        copy_code(out->failure_code, httpc_jstr(lpe, "code"));
        copy_code(out->decline_code, httpc_jstr(lpe, "decline_code"));
    }
    return ERR_OK;
}

/* A decline: *out as a FAILED charge, from the error's PaymentIntent. */
static void
declined_charge(json_t *body, struct gw_charge *out)
{
    json_t *pi = httpc_jget(body, "error.payment_intent");
    const char *code = httpc_jstr(body, "error.code");

    if (!json_is_object(pi) || charge_from(pi, out, NULL) != ERR_OK)
        memset(out, 0, sizeof(*out));
    out->status = GW_CHARGE_FAILED;
    copy_code(out->failure_code, code != NULL ? code : "card_declined");
    copy_code(out->decline_code, httpc_jstr(body, "error.decline_code"));
}

/* POST path (with form f, key) and read the PaymentIntent into out. */
static enum err
call_charge(const struct gw_ctx *ctx, struct sreq *s, struct gw_charge *out,
            struct errinfo *ei)
{
    json_t *body;
    enum err rc = call(ctx, s, &body, ei);

    if (rc == ERR_OK)
        rc = charge_from(body, out, ei);
    else if (rc == ERR_DECLINED)
        declined_charge(body, out);
    json_decref(body);
    return rc;
}

/* The source members of a charge request. */
static enum err
source_form(struct buf *f, const struct gw_charge_req *r, struct errinfo *ei)
{
    switch (r->source) {
    case GW_SOURCE_TOKEN:
        if (!is_id(r->token))
            return errinfo_set(ei, ERR_INVALID, "token_invalid", "token",
                               "the card token is not a payment method");
        return fadd(f, "payment_method", "%s", r->token) ||
                       fadd(f, "payment_method_types[]", "card") ||
                       fadd(f, "confirm", "true")
                   ? no_memory(ei)
                   : ERR_OK;
    case GW_SOURCE_CARD:
        if (!is_id(r->customer_ref) || !is_id(r->card_ref))
            return bad_id("card_ref", r->card_ref, ei);
        if (fadd(f, "customer", "%s", r->customer_ref) ||
            fadd(f, "payment_method", "%s", r->card_ref) ||
            fadd(f, "payment_method_types[]", "card") ||
            fadd(f, "confirm", "true") ||
            (r->off_session && fadd(f, "off_session", "true")))
            return no_memory(ei);
        return ERR_OK;
    case GW_SOURCE_READER:
        if (!is_id(r->reader_ref))
            return bad_id("reader_ref", r->reader_ref, ei);
        return fadd(f, "payment_method_types[]", "card_present") ? no_memory(ei)
                                                                 : ERR_OK;
    default:
        ASSERT(!"unreachable");
    }
    return ERR_INTERNAL;
}

static enum err
charge_form(struct buf *f, const struct gw_charge_req *r, struct errinfo *ei)
{
    char cur[4];
    enum err rc = currency_lower(r->currency, cur, ei);

    if (rc)
        return rc;
    if (fadd(f, "amount", "%lld", (long long)r->amount) ||
        fadd(f, "currency", "%s", cur) ||
        fadd(f, "capture_method", r->capture ? "automatic" : "manual") ||
        fadd(f, "metadata[poise_payment]", "%s",
             r->reference != NULL ? r->reference : "") ||
        fadd(f, "metadata[poise_key]", "%s", r->idem_key) ||
        fadd(f, "expand[]", EXPAND_FEE))
        return no_memory(ei);
    if (r->description != NULL && fadd(f, "description", "%s", r->description))
        return no_memory(ei);
    if (r->merchant_ref != NULL && r->merchant_ref[0] != '\0') {
        if (!is_id(r->merchant_ref))
            return bad_id("merchant_ref", r->merchant_ref, ei);
        if (fadd(f, "transfer_data[destination]", "%s", r->merchant_ref) ||
            fadd(f, "on_behalf_of", "%s", r->merchant_ref))
            return no_memory(ei);
    }
    return source_form(f, r, ei);
}

/* Hand a reader PaymentIntent to the reader: it then waits for a card. */
static enum err
process_at_reader(const struct gw_ctx *ctx, const struct gw_charge_req *r,
                  struct gw_charge *out, struct errinfo *ei)
{
    struct buf f;
    struct sreq s = {HTTPC_POST, NULL, &f, NULL, NULL};
    json_t *body;
    enum err rc;

    s.path = arena_printf(ctx->a,
                          "/v1/terminal/readers/%s/process_payment_intent",
                          r->reader_ref);
    s.idem_key = arena_printf(ctx->a, "%s:process", r->idem_key);
    form_init(ctx, &f);
    if (s.path == NULL || s.idem_key == NULL ||
        fadd(&f, "payment_intent", "%s", out->ref))
        return no_memory(ei);
    rc = call(ctx, &s, &body, ei);
    json_decref(body);
    if (rc == ERR_OK)
        out->status = GW_CHARGE_PROCESSING;
    return rc;
}

static enum err
stripe_charge_create(const struct gw_ctx *ctx, const struct gw_charge_req *r,
                     struct gw_charge *out, struct errinfo *ei)
{
    struct buf f;
    struct sreq s = {HTTPC_POST, "/v1/payment_intents", &f, r->idem_key, NULL};
    enum err rc;

    ASSERT(r != NULL && out != NULL && r->idem_key != NULL);
    ASSERT(r->amount > 0);
    if (strchr(r->idem_key, '\'') != NULL || strchr(r->idem_key, '\\'))
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "idem_key",
                           "idempotency key with a quote or backslash");
    form_init(ctx, &f);
    rc = charge_form(&f, r, ei);
    if (rc == ERR_OK)
        rc = call_charge(ctx, &s, out, ei);
    if (rc == ERR_OK && r->source == GW_SOURCE_READER)
        rc = process_at_reader(ctx, r, out, ei);
    return rc;
}

/* POST /v1/payment_intents/<ref>/<verb> with form f. */
static enum err
pi_action(const struct gw_ctx *ctx, const char *idem_key,
          const char *charge_ref, const char *verb, struct buf *f,
          struct gw_charge *out, struct errinfo *ei)
{
    struct sreq s = {HTTPC_POST, NULL, f, idem_key, NULL};

    if (!is_id(charge_ref))
        return bad_id("charge_ref", charge_ref, ei);
    s.path = arena_printf(ctx->a, "/v1/payment_intents/%s/%s", charge_ref,
                          verb);
    if (s.path == NULL || fadd(f, "expand[]", EXPAND_FEE))
        return no_memory(ei);
    return call_charge(ctx, &s, out, ei);
}

static enum err
stripe_charge_capture(const struct gw_ctx *ctx, const char *idem_key,
                      const char *charge_ref, int64_t amount,
                      struct gw_charge *out, struct errinfo *ei)
{
    struct buf f;

    ASSERT(idem_key != NULL && out != NULL);
    ASSERT(amount > 0);
    form_init(ctx, &f);
    if (fadd(&f, "amount_to_capture", "%lld", (long long)amount))
        return no_memory(ei);
    return pi_action(ctx, idem_key, charge_ref, "capture", &f, out, ei);
}

static enum err
stripe_charge_cancel(const struct gw_ctx *ctx, const char *idem_key,
                     const char *charge_ref, struct gw_charge *out,
                     struct errinfo *ei)
{
    struct buf f;

    ASSERT(idem_key != NULL && out != NULL);
    form_init(ctx, &f);
    return pi_action(ctx, idem_key, charge_ref, "cancel", &f, out, ei);
}

static enum err
stripe_charge_retrieve(const struct gw_ctx *ctx, const char *charge_ref,
                       struct gw_charge *out, struct errinfo *ei)
{
    struct buf f;
    struct sreq s = {HTTPC_GET, NULL, &f, NULL, NULL};

    ASSERT(out != NULL);
    if (!is_id(charge_ref))
        return bad_id("charge_ref", charge_ref, ei);
    s.path = arena_printf(ctx->a, "/v1/payment_intents/%s", charge_ref);
    form_init(ctx, &f);
    if (s.path == NULL || fadd(&f, "expand[]", EXPAND_FEE))
        return no_memory(ei);
    return call_charge(ctx, &s, out, ei);
}

/*
 * Search by metadata[poise_key]. Stripe's search index lags writes by up
 * to about a minute: a charge created seconds ago may not be found yet
 * (see docs/gateways.md), so recovery waits before deciding.
 */
static enum err
stripe_charge_lookup(const struct gw_ctx *ctx, const char *idem_key,
                     struct gw_charge *out, struct errinfo *ei)
{
    struct buf f;
    struct sreq s = {HTTPC_GET, "/v1/payment_intents/search", &f, NULL, NULL};
    json_t *body;
    const char *id;
    char ref[GW_REF_MAX] = "";
    enum err rc;

    ASSERT(idem_key != NULL && out != NULL);
    if (strchr(idem_key, '\'') != NULL || strchr(idem_key, '\\') != NULL)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "idem_key",
                           "idempotency key with a quote or backslash");
    form_init(ctx, &f);
    if (fadd(&f, "query", "metadata['poise_key']:'%s'", idem_key) ||
        fadd(&f, "limit", "1"))
        return no_memory(ei);
    rc = call(ctx, &s, &body, ei);
    id = httpc_jstr(json_array_get(httpc_jget(body, "data"), 0), "id");
    if (rc == ERR_OK && id == NULL)
        rc = errinfo_set(ei, ERR_NOT_FOUND, "resource_missing", NULL,
                         "stripe has no charge for this key");
    if (rc == ERR_OK)
        rc = copy_ref(ref, id, ei);
    json_decref(body);
    if (rc)
        return rc;
    return stripe_charge_retrieve(ctx, ref, out, ei);
}

/* ---- refunds ----------------------------------------------------------- */

static enum err
refund_from(json_t *v, struct gw_refund *out, struct errinfo *ei)
{
    const char *st = httpc_jstr(v, "status");
    const char *charge = httpc_jstr(v, "payment_intent");
    enum err rc;

    memset(out, 0, sizeof(*out));
    if (charge == NULL)
        charge = httpc_jstr(v, "charge");
    rc = copy_ref(out->ref, httpc_jstr(v, "id"), ei);
    if (rc == ERR_OK)
        rc = copy_ref(out->charge_ref, charge, ei);
    if (rc)
        return rc;
    out->amount = httpc_jint(v, "amount", 0);
    copy_code(out->failure_code, httpc_jstr(v, "failure_reason"));
    if (st != NULL && strcmp(st, "succeeded") == 0)
        out->status = GW_REFUND_SUCCEEDED;
    else if (st != NULL && strcmp(st, "failed") == 0)
        out->status = GW_REFUND_FAILED;
    else if (st != NULL && strcmp(st, "canceled") == 0)
        out->status = GW_REFUND_CANCELED;
    else if (st != NULL &&
             (strcmp(st, "pending") == 0 || strcmp(st, "requires_action") == 0))
        out->status = GW_REFUND_PENDING;
    else
        return errinfo_set(ei, ERR_GATEWAY, "gateway_response_invalid", NULL,
                           "unknown refund status '%.32s'", st);
    return ERR_OK;
}

static enum err
call_refund(const struct gw_ctx *ctx, const struct sreq *s,
            struct gw_refund *out, struct errinfo *ei)
{
    json_t *body;
    enum err rc = call(ctx, s, &body, ei);

    if (rc == ERR_OK)
        rc = refund_from(body, out, ei);
    json_decref(body);
    return rc;
}

static enum err
stripe_refund_create(const struct gw_ctx *ctx, const char *idem_key,
                     const char *charge_ref, int64_t amount,
                     struct gw_refund *out, struct errinfo *ei)
{
    struct buf f;
    struct sreq s = {HTTPC_POST, "/v1/refunds", &f, idem_key, NULL};

    ASSERT(idem_key != NULL && out != NULL);
    ASSERT(amount > 0);
    if (!is_id(charge_ref))
        return bad_id("charge_ref", charge_ref, ei);
    form_init(ctx, &f);
    if (fadd(&f, "payment_intent", "%s", charge_ref) ||
        fadd(&f, "amount", "%lld", (long long)amount))
        return no_memory(ei);
    return call_refund(ctx, &s, out, ei);
}

static enum err
stripe_refund_retrieve(const struct gw_ctx *ctx, const char *refund_ref,
                       struct gw_refund *out, struct errinfo *ei)
{
    struct sreq s = {HTTPC_GET, NULL, NULL, NULL, NULL};

    ASSERT(out != NULL);
    if (!is_id(refund_ref))
        return bad_id("refund_ref", refund_ref, ei);
    s.path = arena_printf(ctx->a, "/v1/refunds/%s", refund_ref);
    if (s.path == NULL)
        return no_memory(ei);
    return call_refund(ctx, &s, out, ei);
}

/*
 * An account debit: a charge whose source is the connected account
 * (Stripe's "debit a connected account"), taken from its balance.
 */
static enum err
stripe_merchant_debit(const struct gw_ctx *ctx, const char *idem_key,
                      const char *merchant_ref, int64_t amount,
                      const char *currency, const char *description,
                      char *ref_out, struct errinfo *ei)
{
    struct buf f;
    struct sreq s = {HTTPC_POST, "/v1/charges", &f, idem_key, NULL};
    char cur[4];
    enum err rc;

    ASSERT(idem_key != NULL && ref_out != NULL);
    ASSERT(amount > 0);
    if (!is_id(merchant_ref))
        return bad_id("merchant_ref", merchant_ref, ei);
    rc = currency_lower(currency, cur, ei);
    if (rc)
        return rc;
    form_init(ctx, &f);
    if (fadd(&f, "amount", "%lld", (long long)amount) ||
        fadd(&f, "currency", "%s", cur) ||
        fadd(&f, "source", "%s", merchant_ref) ||
        fadd(&f, "description", "%s",
             description != NULL ? description : "poise"))
        return no_memory(ei);
    return call_for_id(ctx, &s, ref_out, ei);
}

/* ---- payouts ----------------------------------------------------------- */

/*
 * A payout ref is "po_..." (the platform's own) or "acct_.../po_..." for a
 * connected account's payout, as webhook_parse writes it from the
 * event's account: Stripe needs that account in a Stripe-Account header.
 */
static enum err
split_payout_ref(struct arena *a, const char *ref, const char **acct,
                 const char **po, struct errinfo *ei)
{
    const char *slash = ref != NULL ? strchr(ref, '/') : NULL;

    *acct = NULL;
    *po = ref;
    if (slash != NULL) {
        *acct = arena_strndup(a, ref, (size_t)(slash - ref));
        *po = slash + 1;
        if (*acct == NULL)
            return no_memory(ei);
        if (!is_id(*acct))
            return bad_id("payout_ref", ref, ei);
    }
    if (!is_id(*po))
        return bad_id("payout_ref", ref, ei);
    return ERR_OK;
}

static enum err
payout_status(const char *st, enum gw_payout_status *out)
{
    static const struct {
        const char *name;
        enum gw_payout_status status;
    } map[] = {
        {"pending", GW_PAYOUT_PENDING},   {"in_transit", GW_PAYOUT_IN_TRANSIT},
        {"paid", GW_PAYOUT_PAID},         {"failed", GW_PAYOUT_FAILED},
        {"canceled", GW_PAYOUT_CANCELED},
    };

    for (size_t i = 0; st != NULL && i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(st, map[i].name) == 0) {
            *out = map[i].status;
            return ERR_OK;
        }
    }
    return ERR_GATEWAY;
}

static enum err
payout_from(json_t *v, const char *ref, struct gw_payout *out,
            struct errinfo *ei)
{
    json_t *dest = httpc_jget(v, "destination");
    const char *bank = json_is_string(dest) ? json_string_value(dest)
                                            : httpc_jstr(dest, "id");
    const char *cur = httpc_jstr(v, "currency");

    memset(out, 0, sizeof(*out));
    snprintf(out->ref, sizeof(out->ref), "%s", ref);
    if (bank != NULL && copy_ref(out->bank_ref, bank, ei) != ERR_OK)
        return ERR_GATEWAY;
    if (payout_status(httpc_jstr(v, "status"), &out->status) != ERR_OK)
        return errinfo_set(ei, ERR_GATEWAY, "gateway_response_invalid", NULL,
                           "unknown payout status '%.32s'",
                           httpc_jstr(v, "status"));
    out->amount = httpc_jint(v, "amount", 0);
    for (int i = 0; cur != NULL && i < 3 && cur[i] != '\0'; i++)
        out->currency[i] = (char)toupper((unsigned char)cur[i]);
    out->created_ms = httpc_jint(v, "created", 0) * 1000;
    out->arrival_ms = httpc_jint(v, "arrival_date", 0) * 1000;
    copy_code(out->failure_code, httpc_jstr(v, "failure_code"));
    return ERR_OK;
}

/*
 * The object a balance transaction is about, as Poise names it: the
 * PaymentIntent of a charge (also through a destination charge's
 * transfer), else the source's own id (refund, dispute, debit).
 */
static const char *
source_ref(json_t *bt)
{
    json_t *src = httpc_jget(bt, "source");
    const char *obj = httpc_jstr(src, "object");
    const char *pi;

    if (json_is_string(src))
        return json_string_value(src);
    if (obj != NULL && strcmp(obj, "charge") == 0) {
        pi = httpc_jstr(src, "payment_intent");
        if (pi == NULL)
            pi = httpc_jstr(src, "source_transfer.source_transaction."
                                 "payment_intent");
        if (pi != NULL)
            return pi;
    }
    return httpc_jstr(src, "id");
}

static void
item_set(struct gw_payout_item *it, enum gw_item_type type, const char *src,
         int64_t amount)
{
    it->type = type;
    snprintf(it->source_ref, sizeof(it->source_ref), "%s",
             src != NULL && strlen(src) < GW_REF_MAX ? src : "");
    it->amount = amount;
}

/* The payout lines of balance transaction bt into it[0..1]; how many. */
static size_t
items_of(json_t *bt, struct gw_payout_item *it)
{
    const char *type = httpc_jstr(bt, "type");
    const char *cat = httpc_jstr(bt, "reporting_category");
    const char *src = source_ref(bt);
    int64_t amount = httpc_jint(bt, "amount", 0);
    int64_t fee = httpc_jint(bt, "fee", 0);
    enum gw_item_type gross = GW_ITEM_DEBIT;
    enum gw_item_type fee_type = GW_ITEM_FEE;
    static const char *const charges[] = {"charge", "payment", NULL};
    static const char *const refunds[] = {"refund", "refund_ref", NULL};
    static const char *const failed[] = {"refund_failure",
                                         "payment_failure_refund", NULL};

    if (type == NULL || strcmp(type, "payout") == 0)
        return 0; /* the payout itself */
    if (is_one_of(type, charges))
        gross = GW_ITEM_CHARGE;
    else if (is_one_of(type, refunds))
        gross = GW_ITEM_REFUND;
    else if (is_one_of(type, failed))
        gross = GW_ITEM_REFUND_FAILED;
    else if (cat != NULL && strcmp(cat, "dispute") == 0) {
        gross = GW_ITEM_DISPUTE;
        fee_type = GW_ITEM_DISPUTE_FEE;
    } else if (cat != NULL && strcmp(cat, "dispute_reversal") == 0)
        gross = GW_ITEM_DISPUTE_WON;
    if (gross == GW_ITEM_DEBIT || gross == GW_ITEM_DISPUTE_WON ||
        gross == GW_ITEM_REFUND_FAILED || fee == 0) {
        item_set(&it[0], gross, src, amount - fee);
        return 1;
    }
    item_set(&it[0], gross, src, amount);
    item_set(&it[1], fee_type, src, -fee);
    return 2;
}

/* Add the items of one page of balance transactions to out. */
static enum err
add_items(struct arena *a, json_t *data, struct gw_payout *out)
{
    size_t n = json_array_size(data);
    struct gw_payout_item *items;

    if (n == 0)
        return ERR_OK;
    items = arena_array(a, out->item_count + 2 * n, sizeof(*items));
    if (items == NULL)
        return ERR_LIMIT;
    if (out->item_count > 0)
        memcpy(items, out->items, out->item_count * sizeof(*items));
    for (size_t i = 0; i < n; i++)
        out->item_count += items_of(json_array_get(data, i),
                                    &items[out->item_count]);
    out->items = items;
    return ERR_OK;
}

#define PAYOUT_PAGES_MAX 100

/* Every balance transaction of payout po (100 per page). */
static enum err
payout_items(const struct gw_ctx *ctx, const char *acct, const char *po,
             struct gw_payout *out, struct errinfo *ei)
{
    char after[GW_REF_MAX] = "";
    bool more = true;
    enum err rc = ERR_OK;

    for (int page = 0; more && rc == ERR_OK; page++) {
        struct buf f;
        struct sreq s = {HTTPC_GET, "/v1/balance_transactions", &f, NULL, acct};
        json_t *body;
        json_t *data;

        if (page == PAYOUT_PAGES_MAX)
            return errinfo_set(ei, ERR_LIMIT, "limit", NULL,
                               "payout has too many transactions");
        form_init(ctx, &f);
        if (fadd(&f, "payout", "%s", po) || fadd(&f, "limit", "100") ||
            fadd(&f, "expand[]", "data.source") ||
            (after[0] != '\0' && fadd(&f, "starting_after", "%s", after)))
            return no_memory(ei);
        rc = call(ctx, &s, &body, ei);
        data = httpc_jget(body, "data");
        more = json_is_true(httpc_jget(body, "has_more"));
        if (rc == ERR_OK && add_items(ctx->a, data, out) != ERR_OK)
            rc = no_memory(ei);
        if (rc == ERR_OK && more)
            rc = copy_ref(
                after,
                httpc_jstr(json_array_get(data, json_array_size(data) - 1),
                           "id"),
                ei);
        json_decref(body);
    }
    return rc;
}

static enum err
stripe_payout_retrieve(const struct gw_ctx *ctx, const char *payout_ref,
                       struct gw_payout *out, struct errinfo *ei)
{
    struct sreq s = {HTTPC_GET, NULL, NULL, NULL, NULL};
    const char *po;
    json_t *body;
    enum err rc;

    ASSERT(out != NULL);
    rc = split_payout_ref(ctx->a, payout_ref, &s.account, &po, ei);
    if (rc)
        return rc;
    s.path = arena_printf(ctx->a, "/v1/payouts/%s", po);
    if (s.path == NULL)
        return no_memory(ei);
    rc = call(ctx, &s, &body, ei);
    if (rc == ERR_OK)
        rc = payout_from(body, payout_ref, out, ei);
    json_decref(body);
    if (rc == ERR_OK)
        rc = payout_items(ctx, s.account, po, out, ei);
    return rc;
}

/* ---- disputes ---------------------------------------------------------- */

static enum err
dispute_status(const char *st, enum gw_dispute_status *out)
{
    static const struct {
        const char *name;
        enum gw_dispute_status status;
    } map[] = {
        {"warning_needs_response", GW_DISPUTE_WARNING_NEEDS_RESPONSE},
        {"warning_under_review", GW_DISPUTE_WARNING_UNDER_REVIEW},
        {"warning_closed", GW_DISPUTE_WARNING_CLOSED},
        {"needs_response", GW_DISPUTE_NEEDS_RESPONSE},
        {"under_review", GW_DISPUTE_UNDER_REVIEW},
        {"won", GW_DISPUTE_WON},
        {"lost", GW_DISPUTE_LOST},
        /* Refunded during an inquiry: the money went back, as if lost. */
        {"charge_refunded", GW_DISPUTE_LOST},
    };

    for (size_t i = 0; st != NULL && i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(st, map[i].name) == 0) {
            *out = map[i].status;
            return ERR_OK;
        }
    }
    return ERR_GATEWAY;
}

static enum err
dispute_from(json_t *v, struct gw_dispute *out, struct errinfo *ei)
{
    json_t *bts = httpc_jget(v, "balance_transactions");
    const char *charge = httpc_jstr(v, "payment_intent");
    enum err rc;

    memset(out, 0, sizeof(*out));
    if (charge == NULL)
        charge = httpc_jstr(v, "charge");
    rc = copy_ref(out->ref, httpc_jstr(v, "id"), ei);
    if (rc == ERR_OK)
        rc = copy_ref(out->charge_ref, charge, ei);
    if (rc)
        return rc;
    if (dispute_status(httpc_jstr(v, "status"), &out->status) != ERR_OK)
        return errinfo_set(ei, ERR_GATEWAY, "gateway_response_invalid", NULL,
                           "unknown dispute status '%.32s'",
                           httpc_jstr(v, "status"));
    copy_code(out->reason, httpc_jstr(v, "reason"));
    out->amount = httpc_jint(v, "amount", 0);
    out->due_by_ms = httpc_jint(v, "evidence_details.due_by", 0) * 1000;
    out->created_ms = httpc_jint(v, "created", 0) * 1000;
    /* The fee Stripe withdrew with the disputed amount. */
    for (size_t i = 0; i < json_array_size(bts); i++) {
        json_t *bt = json_array_get(bts, i);

        if (httpc_jint(bt, "amount", 0) < 0)
            out->fee += httpc_jint(bt, "fee", 0);
    }
    return ERR_OK;
}

static enum err
call_dispute(const struct gw_ctx *ctx, const struct sreq *s,
             struct gw_dispute *out, struct errinfo *ei)
{
    json_t *body;
    enum err rc = call(ctx, s, &body, ei);

    if (rc == ERR_OK)
        rc = dispute_from(body, out, ei);
    json_decref(body);
    return rc;
}

static enum err
stripe_dispute_retrieve(const struct gw_ctx *ctx, const char *dispute_ref,
                        struct gw_dispute *out, struct errinfo *ei)
{
    struct sreq s = {HTTPC_GET, NULL, NULL, NULL, NULL};

    ASSERT(out != NULL);
    if (!is_id(dispute_ref))
        return bad_id("dispute_ref", dispute_ref, ei);
    s.path = arena_printf(ctx->a, "/v1/disputes/%s", dispute_ref);
    if (s.path == NULL)
        return no_memory(ei);
    return call_dispute(ctx, &s, out, ei);
}

/* evidence[<key>]=<value> for each member of the JSON object text. */
static enum err
evidence_form(const char *text, struct buf *f, struct errinfo *ei)
{
    json_t *ev = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    const char *key;
    json_t *v;
    enum err rc = ERR_OK;

    if (!json_is_object(ev))
        rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", "evidence",
                         "evidence must be a JSON object");
    json_object_foreach (ev, key, v) {
        char name[96];

        if (rc != ERR_OK)
            break;
        if (!json_is_string(v))
            rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", key,
                             "evidence '%.40s' must be a string", key);
        else if (snprintf(name, sizeof(name), "evidence[%s]", key) >=
                     (int)sizeof(name) ||
                 httpc_form_add(f, name, json_string_value(v)) != ERR_OK)
            rc = no_memory(ei);
    }
    json_decref(ev);
    return rc;
}

static enum err
stripe_dispute_evidence(const struct gw_ctx *ctx, const char *dispute_ref,
                        const char *evidence_json, bool submit,
                        struct gw_dispute *out, struct errinfo *ei)
{
    struct buf f;
    struct sreq s = {HTTPC_POST, NULL, &f, NULL, NULL};
    enum err rc;

    ASSERT(evidence_json != NULL && out != NULL);
    if (!is_id(dispute_ref))
        return bad_id("dispute_ref", dispute_ref, ei);
    s.path = arena_printf(ctx->a, "/v1/disputes/%s", dispute_ref);
    form_init(ctx, &f);
    if (s.path == NULL)
        return no_memory(ei);
    rc = evidence_form(evidence_json, &f, ei);
    if (rc)
        return rc;
    if (fadd(&f, "submit", submit ? "true" : "false"))
        return no_memory(ei);
    return call_dispute(ctx, &s, out, ei);
}

/* ---- webhooks ---------------------------------------------------------- */

static enum gw_event_object
event_object(const char *obj)
{
    if (obj == NULL)
        return GW_EVENT_OTHER;
    if (strcmp(obj, "payment_intent") == 0 || strcmp(obj, "charge") == 0)
        return GW_EVENT_CHARGE;
    if (strcmp(obj, "refund") == 0)
        return GW_EVENT_REFUND;
    if (strcmp(obj, "payout") == 0)
        return GW_EVENT_PAYOUT;
    if (strcmp(obj, "dispute") == 0)
        return GW_EVENT_DISPUTE;
    return GW_EVENT_OTHER;
}

/* The ref Poise knows the event's object by (see split_payout_ref). */
static const char *
event_ref(struct arena *a, json_t *ev, enum gw_event_object kind)
{
    json_t *o = httpc_jget(ev, "data.object");
    const char *acct = httpc_jstr(ev, "account");
    const char *pi = httpc_jstr(o, "payment_intent");

    if (kind == GW_EVENT_CHARGE && pi != NULL)
        return pi; /* a charge.* event: our charge is its PaymentIntent */
    if (kind == GW_EVENT_PAYOUT && acct != NULL && acct[0] != '\0')
        return arena_printf(a, "%s/%s", acct, httpc_jstr(o, "id"));
    return httpc_jstr(o, "id");
}

static enum err
event_from(struct arena *a, json_t *ev, struct gw_event *out,
           struct errinfo *ei)
{
    const char *type = httpc_jstr(ev, "type");
    const char *acct = httpc_jstr(ev, "account");
    const char *ref;
    enum err rc;

    memset(out, 0, sizeof(*out));
    out->object = event_object(httpc_jstr(ev, "data.object.object"));
    ref = event_ref(a, ev, out->object);
    rc = copy_ref(out->id, httpc_jstr(ev, "id"), ei);
    if (rc == ERR_OK && type == NULL)
        rc = ERR_GATEWAY;
    if (rc == ERR_OK && out->object != GW_EVENT_OTHER)
        rc = copy_ref(out->object_ref, ref, ei);
    if (rc)
        return errinfo_set(ei, ERR_INVALID, "event_invalid", NULL,
                           "the stripe event lacks an id, a type or an "
                           "object id");
    copy_code(out->type, type);
    if (acct != NULL && strlen(acct) < GW_REF_MAX)
        snprintf(out->account_id, sizeof(out->account_id), "%s", acct);
    out->created_ms = httpc_jint(ev, "created", 0) * 1000;
    return ERR_OK;
}

static enum err
stripe_webhook_parse(const struct gw_ctx *ctx, const char *secret,
                     const char *signature_header, const char *body,
                     size_t body_len, struct gw_event *out, struct errinfo *ei)
{
    json_t *ev;
    enum err rc;

    ASSERT(ctx != NULL && body != NULL && out != NULL);
    if (secret == NULL || secret[0] == '\0')
        return errinfo_set(ei, ERR_INVALID, "signature_invalid", NULL,
                           "no stripe webhook secret is configured");
    rc = signature_verify(secret, signature_header, body, body_len,
                          ctx->now_ms / 1000, SIGNATURE_TOLERANCE_S, ei);
    if (rc)
        return rc;
    ev = json_loadb(body, body_len, 0, NULL);
    if (!json_is_object(ev))
        rc = errinfo_set(ei, ERR_INVALID, "event_invalid", NULL,
                         "the stripe event is not a JSON object");
    else
        rc = event_from(ctx->a, ev, out, ei);
    json_decref(ev);
    return rc;
}

const struct gw_ops gw_stripe_ops = {
    .name = "stripe",
    .connect = stripe_connect,
    .disconnect = stripe_disconnect,
    .merchant_create = stripe_merchant_create,
    .bank_account_add = stripe_bank_account_add,
    .bank_account_set_default = stripe_bank_account_set_default,
    .bank_account_delete = stripe_bank_account_delete,
    .reader_register = stripe_reader_register,
    .reader_delete = stripe_reader_delete,
    .customer_create = stripe_customer_create,
    .card_attach = stripe_card_attach,
    .card_detach = stripe_card_detach,
    .charge_create = stripe_charge_create,
    .charge_capture = stripe_charge_capture,
    .charge_cancel = stripe_charge_cancel,
    .charge_retrieve = stripe_charge_retrieve,
    .charge_lookup = stripe_charge_lookup,
    .refund_create = stripe_refund_create,
    .refund_retrieve = stripe_refund_retrieve,
    .merchant_debit = stripe_merchant_debit,
    .payout_retrieve = stripe_payout_retrieve,
    .dispute_retrieve = stripe_dispute_retrieve,
    .dispute_evidence = stripe_dispute_evidence,
    .webhook_parse = stripe_webhook_parse,
};
