/*
 * clearent.c - the Clearent gateway: Clearent's REST gateway over httpc.
 *
 * JSON bodies, the key in an `api-key` header, amounts as decimal strings
 * ("10.00") converted to and from int64 minor units with integer
 * arithmetic only. US merchants and USD only. Answers are Clearent's
 * response object {code, status, exchange-id, payload:{payloadType, ...}}.
 *
 * Clearent documents no idempotency key, so a money-moving request
 * (sale, auth, capture, void, refund) carries our key as `order-id` and
 * is never blindly re-sent: before each retry the adapter searches
 * transactions by that order-id and takes the one found, so a lost
 * answer never charges twice. Follow-up transactions carry the charge's
 * `invoice` so a charge's captures, voids and refunds can be listed
 * together (charge_retrieve). Operations Clearent offers only through
 * its portal or onboarding APIs (merchants, bank accounts, readers,
 * account debits, payouts, disputes) are ERR_INVALID
 * "unsupported_by_gateway". See docs/gateways.md.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/assert.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/log.h"
#include "base/str.h"
#include "gateway/gateway_int.h"
#include "gateway/httpc.h"
#include "gateway/signature.h"

#define SOFTWARE_TYPE "Poise"
#define SOFTWARE_VERSION "1"
#define AMOUNT_TEXT_MAX 32
#define AUTH_HOLD_MS (7LL * 24 * 3600 * 1000)
/* Largest amount we send: $10,000,000.00, far above any clinic sale. */
#define AMOUNT_MINOR_MAX 1000000000LL

static enum err
no_memory(struct errinfo *ei)
{
    return errinfo_set(ei, ERR_LIMIT, "limit", NULL,
                       "out of memory for a clearent request");
}

static enum err
unsupported(const char *what, struct errinfo *ei)
{
    return errinfo_set(ei, ERR_INVALID, "unsupported_by_gateway", NULL,
                       "clearent does not offer %s through its API", what);
}

/* True for a Clearent id (transaction, token, customer key). */
static bool
is_id(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;

    if (n == 0 || n >= GW_REF_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
            return false;
    }
    return true;
}

static enum err
bad_id(const char *what, const char *s, struct errinfo *ei)
{
    return errinfo_set(ei, ERR_INVALID, "parameter_invalid", what,
                       "invalid clearent id '%.64s'", s != NULL ? s : "");
}

static enum err
copy_ref(char *dst, const char *s, struct errinfo *ei)
{
    if (s == NULL || strlen(s) >= GW_REF_MAX)
        return errinfo_set(ei, ERR_GATEWAY, "gateway_response_invalid", NULL,
                           "clearent answered without a usable id");
    snprintf(dst, GW_REF_MAX, "%s", s);
    return ERR_OK;
}

/* ---- amounts ----------------------------------------------------------- */

/* minor (>= 0) cents as "D.CC" into out. */
static void
amount_text(int64_t minor, char out[AMOUNT_TEXT_MAX])
{
    ASSERT(minor >= 0);
    snprintf(out, AMOUNT_TEXT_MAX, "%lld.%02lld", (long long)(minor / 100),
             (long long)(minor % 100));
}

/*
 * Parse Clearent's "D[.C[C]]" into cents exactly; false for anything
 * else (a sign, more than two decimals, an overflow).
 */
static bool
amount_parse(const char *s, int64_t *out)
{
    int64_t units = 0;
    int64_t cents = 0;
    int decimals = 0;
    const char *p = s;

    if (s == NULL || !char_is_digit(*p))
        return false;
    for (; char_is_digit(*p); p++) {
        if (units > AMOUNT_MINOR_MAX)
            return false;
        units = units * 10 + (*p - '0');
    }
    if (*p == '.') {
        for (p++; char_is_digit(*p) && decimals < 2; p++, decimals++)
            cents = cents * 10 + (*p - '0');
    }
    if (*p != '\0')
        return false;
    for (; decimals < 2; decimals++)
        cents *= 10;
    *out = units * 100 + cents;
    return true;
}

static enum err
check_currency(const char *c, struct errinfo *ei)
{
    if (c == NULL || strcmp(c, "USD") != 0)
        return errinfo_set(ei, ERR_INVALID, "currency_unsupported", "currency",
                           "clearent accepts USD only, not '%.8s'",
                           c != NULL ? c : "");
    return ERR_OK;
}

/* ---- requests ---------------------------------------------------------- */

/* Decline codes of Clearent result codes (402, result DECLINED). */
static const struct {
    const char *result_code;
    const char *code;
    const char *decline_code;
} declines[] = {
    {"003", "expired_card", "expired_card"},
    {"004", "expired_card", "expired_card"},
    {"007", "card_declined", "call_issuer"},
    {"010", "incorrect_number", "incorrect_number"},
    {"012", "card_declined", "insufficient_funds"},
    {"014", "card_declined", "withdrawal_count_limit_exceeded"},
    {"021", "incorrect_cvc", "incorrect_cvc"},
    {"026", "incorrect_number", "incorrect_number"},
    {"034", "card_declined", "lost_card"},
};

static enum err
decline(json_t *txn, struct errinfo *ei)
{
    const char *rc = httpc_jstr(txn, "result-code");
    const char *msg = httpc_jstr(txn, "display-message");

    for (size_t i = 0; rc != NULL && i < sizeof(declines) / sizeof(*declines);
         i++) {
        if (strcmp(rc, declines[i].result_code) == 0)
            return errinfo_decline(ei, declines[i].code,
                                   declines[i].decline_code,
                                   msg != NULL ? msg : "card declined");
    }
    return errinfo_decline(ei, "card_declined", "generic_decline",
                           msg != NULL ? msg : "card declined");
}

/* A refusal that is not a card decline, by Clearent result code. */
static enum err
refusal(long status, json_t *body, struct errinfo *ei)
{
    const char *rc = httpc_jstr(body, "payload.error.result-code");
    const char *msg = httpc_jstr(body, "payload.error.error-message");

    if (msg == NULL)
        msg = "clearent refused the request";
    if (status == 401 || status == 403)
        return errinfo_set(ei, ERR_GATEWAY, "gateway_auth", NULL,
                           "clearent refused the API key (HTTP %ld): check "
                           "the configured api key",
                           status);
    if (status == 404 || (rc != NULL && strcmp(rc, "027") == 0))
        return errinfo_set(ei, ERR_NOT_FOUND, "resource_missing", NULL, "%s",
                           msg);
    if (rc != NULL && strcmp(rc, "025") == 0)
        return errinfo_set(ei, ERR_INVALID, "amount_too_large", "amount", "%s",
                           msg);
    if (rc != NULL && (strcmp(rc, "032") == 0 || strcmp(rc, "045") == 0))
        return errinfo_set(ei, ERR_CONFLICT, "duplicate_transaction", NULL,
                           "%s", msg);
    if (status == 402)
        return errinfo_set(ei, ERR_CONFLICT, "transaction_unexpected_state",
                           NULL, "%s", msg);
    if (status == 429 || status >= 500)
        return errinfo_set(ei, ERR_GATEWAY, "gateway_error", NULL,
                           "clearent answered HTTP %ld: %s", status, msg);
    return errinfo_set(ei, ERR_INVALID, "invalid_request", NULL, "%s", msg);
}

/*
 * One request, no retries of its own (retries: how many httpc may do).
 * *body_out gets the parsed answer (caller json_decref()s it, also on
 * failure). ERR_OK for a 2xx JSON answer; a declined transaction is
 * ERR_DECLINED.
 */
static enum err
call(const struct gw_ctx *ctx, enum httpc_method method, const char *path,
     json_t *body, int retries, json_t **body_out, struct errinfo *ei)
{
    const struct gw_config *cfg = gateway_config();
    struct httpc_req req = {.method = method, .retries = retries};
    struct httpc_resp resp;
    json_t *txn;
    enum err rc;

    *body_out = NULL;
    if (cfg->clearent_api_key == NULL || cfg->clearent_api_key[0] == '\0')
        return errinfo_set(ei, ERR_GATEWAY, "gateway_auth", NULL,
                           "no clearent api key is configured");
    req.url = arena_printf(ctx->a, "%s%s", cfg->clearent_api_url, path);
    req.headers[0] = arena_printf(ctx->a, "api-key: %s", cfg->clearent_api_key);
    req.headers[1] = "Accept: application/json";
    req.headers[2] = "Content-Type: application/json";
    if (body != NULL)
        req.body = json_dump(ctx->a, body, &req.body_len);
    if (req.url == NULL || req.headers[0] == NULL ||
        (body != NULL && req.body == NULL))
        return no_memory(ei);
    req.timeout_ms = cfg->timeout_ms;
    rc = httpc_send(ctx->a, &req, &resp, ei);
    if (rc)
        return rc;
    *body_out = httpc_json(&resp);
    txn = httpc_jget(*body_out, "payload.transaction");
    if (resp.status >= 200 && resp.status < 300 && *body_out != NULL)
        return ERR_OK;
    if (resp.status == 402 && httpc_jstr(txn, "result") != NULL &&
        strcmp(httpc_jstr(txn, "result"), "APPROVED") != 0)
        return decline(txn, ei);
    return refusal(resp.status, *body_out, ei);
}

/* The transactions of a search answer, whatever list shape it has. */
static json_t *
txn_list(json_t *body)
{
    json_t *t = httpc_jget(body, "payload.transactions");

    if (json_is_object(t))
        t = json_object_get(t, "transaction");
    if (json_is_object(t))
        return t; /* a single transaction, not wrapped in a list */
    if (json_is_array(t))
        return t;
    return httpc_jget(body, "payload.transaction");
}

static size_t
txn_count(json_t *list)
{
    return json_is_array(list) ? json_array_size(list) : list != NULL;
}

static json_t *
txn_at(json_t *list, size_t i)
{
    return json_is_array(list) ? json_array_get(list, i) : list;
}

/* GET /rest/v2/transactions?<field>=<value>; caller decrefs *body_out. */
static enum err
search(const struct gw_ctx *ctx, const char *field, const char *value,
       int retries, json_t **body_out, struct errinfo *ei)
{
    struct buf q;

    buf_init(&q, ctx->a, 1024);
    if (buf_printf(&q, "/rest/v2/transactions?%s=", field) ||
        httpc_escape(&q, value))
        return no_memory(ei);
    return call(ctx, HTTPC_GET, q.ptr, NULL, retries, body_out, ei);
}

/* The transaction of body whose type is one of types, or NULL. */
static json_t *
find_txn(json_t *body, const char *const *types)
{
    json_t *list = txn_list(body);

    for (size_t i = 0; i < txn_count(list); i++) {
        json_t *t = txn_at(list, i);
        const char *type = httpc_jstr(t, "type");

        for (size_t k = 0; type != NULL && types[k] != NULL; k++) {
            if (strcasecmp(type, types[k]) == 0)
                return t;
        }
    }
    return NULL;
}

/* A copy of what a lookup found (as the POST would have answered it). */
static enum err
found_result(json_t *t, json_t **txn_out, struct errinfo *ei)
{
    const char *result = httpc_jstr(t, "result");

    *txn_out = json_deep_copy(t);
    if (*txn_out == NULL)
        return no_memory(ei);
    if (result != NULL && strcmp(result, "APPROVED") != 0)
        return decline(t, ei);
    return ERR_OK;
}

/*
 * POST a money-moving transaction body (with "order-id": idem_key) to
 * path, at most once per attempt: before each retry, search by order-id
 * and take the transaction of one of types if Clearent made it. *txn_out
 * is the transaction (caller decrefs), also for a decline.
 */
static enum err
post_txn(const struct gw_ctx *ctx, const char *path, json_t *body,
         const char *idem_key, const char *const *types, json_t **txn_out,
         struct errinfo *ei)
{
    int retries = gateway_config()->retries;
    json_t *resp = NULL;
    enum err rc = ERR_GATEWAY;

    *txn_out = NULL;
    for (int n = 0; n <= retries && rc == ERR_GATEWAY; n++) {
        if (n > 0) {
            json_t *t;

            log_warn("clearent POST %s failed; looking the order up "
                     "before retry %d of %d",
                     path, n, retries);
            httpc_backoff(n);
            rc = search(ctx, "order-id", idem_key, 0, &resp, ei);
            t = rc == ERR_OK ? find_txn(resp, types) : NULL;
            if (t != NULL)
                rc = found_result(t, txn_out, ei);
            json_decref(resp);
            if (t != NULL || (rc != ERR_OK && rc != ERR_GATEWAY))
                return rc;
        }
        rc = call(ctx, HTTPC_POST, path, body, 0, &resp, ei);
        if (rc == ERR_OK || rc == ERR_DECLINED)
            *txn_out = json_incref(httpc_jget(resp, "payload.transaction"));
        json_decref(resp);
    }
    if (rc == ERR_OK && *txn_out == NULL)
        rc = errinfo_set(ei, ERR_GATEWAY, "gateway_response_invalid", NULL,
                         "clearent answered without a transaction");
    return rc;
}

/* The common members of a transaction request. */
static json_t *
txn_body(const char *type, int64_t amount, const char *idem_key)
{
    json_t *b = json_object();
    char text[AMOUNT_TEXT_MAX];

    if (b == NULL)
        return NULL;
    json_put(b, "type", json_string(type));
    if (amount > 0) {
        amount_text(amount, text);
        json_put(b, "amount", json_string(text));
    }
    json_put(b, "order-id", json_string(idem_key));
    json_put(b, "software-type", json_string(SOFTWARE_TYPE));
    json_put(b, "software-type-version", json_string(SOFTWARE_VERSION));
    return b;
}

/* ---- charges ----------------------------------------------------------- */

static const char *const charge_types[] = {"SALE", "AUTH", NULL};
static const char *const capture_types[] = {"CAPTURE", NULL};
static const char *const void_types[] = {"VOID", NULL};
static const char *const refund_types[] = {"REFUND", NULL};

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
    int64_t era;
    int64_t yoe;
    int64_t doy;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* Read n digits at s into *out; false if any is not a digit. */
static bool
digits(const char *s, int n, int64_t *out)
{
    *out = 0;
    for (int i = 0; i < n; i++) {
        if (!char_is_digit(s[i]))
            return false;
        *out = *out * 10 + (s[i] - '0');
    }
    return true;
}

/*
 * Clearent's "YYYY-MM-DD HH:MM:SS[.mmm]" as UTC milliseconds; 0 when
 * absent or unreadable. NEEDSWORK: Clearent does not say which zone its
 * timestamps are in; UTC is assumed.
 */
static int64_t
created_ms(const char *s)
{
    int64_t y, mo, d, h, mi, sec;
    int64_t ms = 0;

    if (s == NULL || strlen(s) < 19 || !digits(s, 4, &y) ||
        !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
        !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) ||
        !digits(s + 17, 2, &sec) || mo < 1 || mo > 12 || d < 1 || d > 31)
        return 0;
    if (s[19] == '.' && strlen(s) >= 23 && !digits(s + 20, 3, &ms))
        ms = 0;
    return ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000 +
           sec * 1000 + ms;
}

/* What Poise keeps of the card: brand, last 4, expiry "MMYY". */
static void
card_from(json_t *t, struct gw_card *out)
{
    const char *type = httpc_jstr(t, "card-type");
    const char *last4 = httpc_jstr(t, "last-four");
    const char *exp = httpc_jstr(t, "exp-date");
    int64_t mm;
    int64_t yy;

    memset(out, 0, sizeof(*out));
    if (last4 == NULL)
        last4 = httpc_jstr(t, "last-four-digits");
    snprintf(out->brand, sizeof(out->brand), "%s", "unknown");
    if (type != NULL && strcasecmp(type, "visa") == 0)
        snprintf(out->brand, sizeof(out->brand), "visa");
    else if (type != NULL && strcasecmp(type, "mastercard") == 0)
        snprintf(out->brand, sizeof(out->brand), "mastercard");
    else if (type != NULL && (strcasecmp(type, "american express") == 0 ||
                              strcasecmp(type, "amex") == 0))
        snprintf(out->brand, sizeof(out->brand), "amex");
    else if (type != NULL && strcasecmp(type, "discover") == 0)
        snprintf(out->brand, sizeof(out->brand), "discover");
    if (last4 != NULL && strlen(last4) == 4)
        snprintf(out->last4, sizeof(out->last4), "%s", last4);
    if (exp != NULL && strlen(exp) == 4 && digits(exp, 2, &mm) &&
        digits(exp + 2, 2, &yy)) {
        out->exp_month = (int)mm;
        out->exp_year = 2000 + (int)yy;
    }
}

/* Fill out from the charge's own SALE or AUTH transaction t. */
static enum err
charge_base(const struct gw_ctx *ctx, json_t *t, struct gw_charge *out,
            struct errinfo *ei)
{
    const char *result = httpc_jstr(t, "result");
    const char *type = httpc_jstr(t, "type");
    struct errinfo why;
    int64_t at_ms = created_ms(httpc_jstr(t, "created"));

    memset(out, 0, sizeof(*out));
    if (copy_ref(out->ref, httpc_jstr(t, "id"), ei) != ERR_OK)
        return ERR_GATEWAY;
    if (!amount_parse(httpc_jstr(t, "amount"), &out->amount))
        return errinfo_set(ei, ERR_GATEWAY, "gateway_response_invalid", NULL,
                           "clearent answered an unreadable amount");
    card_from(t, &out->card);
    if (result == NULL || strcmp(result, "APPROVED") != 0) {
        (void)decline(t, &why); /* only its codes are wanted here */
        out->status = GW_CHARGE_FAILED;
        snprintf(out->failure_code, GW_CODE_MAX, "%s", why.code);
        snprintf(out->decline_code, GW_CODE_MAX, "%s", why.decline_code);
    } else if (type != NULL && strcasecmp(type, "SALE") == 0) {
        out->status = GW_CHARGE_SUCCEEDED;
        out->amount_captured = out->amount;
    } else {
        out->status = GW_CHARGE_REQUIRES_CAPTURE;
        out->capture_before_ms = (at_ms > 0 ? at_ms : ctx->now_ms) +
                                 AUTH_HOLD_MS;
    }
    return ERR_OK;
}

/* Apply the approved captures, voids and refunds of the charge in list. */
static void
apply_follow_ups(json_t *list, struct gw_charge *out)
{
    for (size_t i = 0; i < txn_count(list); i++) {
        json_t *t = txn_at(list, i);
        const char *ref = httpc_jstr(t, "ref-id");
        const char *type = httpc_jstr(t, "type");
        const char *result = httpc_jstr(t, "result");
        int64_t amount = 0;

        if (ref == NULL || strcmp(ref, out->ref) != 0 || type == NULL ||
            result == NULL || strcmp(result, "APPROVED") != 0 ||
            !amount_parse(httpc_jstr(t, "amount"), &amount))
            continue;
        if (strcasecmp(type, "CAPTURE") == 0) {
            out->status = GW_CHARGE_SUCCEEDED;
            out->amount_captured = amount;
            out->capture_before_ms = 0;
        } else if (strcasecmp(type, "VOID") == 0) {
            out->status = GW_CHARGE_CANCELED;
            out->capture_before_ms = 0;
        } else if (strcasecmp(type, "REFUND") == 0) {
            out->amount_refunded += amount;
        }
    }
}

/*
 * The charge ref with its follow-ups (listed by the charge's invoice).
 * Clearent reports no per-transaction fee: fee stays 0.
 */
static enum err
charge_load(const struct gw_ctx *ctx, const char *ref, struct gw_charge *out,
            struct errinfo *ei)
{
    json_t *body;
    json_t *t;
    char *invoice = NULL;
    enum err rc;

    if (!is_id(ref))
        return bad_id("charge_ref", ref, ei);
    rc = search(ctx, "id", ref, gateway_config()->retries, &body, ei);
    t = rc == ERR_OK ? find_txn(body, charge_types) : NULL;
    if (rc == ERR_OK && t == NULL)
        rc = errinfo_set(ei, ERR_NOT_FOUND, "resource_missing", NULL,
                         "clearent has no charge '%.40s'", ref);
    if (rc == ERR_OK)
        rc = charge_base(ctx, t, out, ei);
    if (rc == ERR_OK && httpc_jstr(t, "invoice") != NULL)
        invoice = arena_strdup(ctx->a, httpc_jstr(t, "invoice"));
    json_decref(body);
    if (rc != ERR_OK || invoice == NULL)
        return rc;
    rc = search(ctx, "invoice", invoice, gateway_config()->retries, &body, ei);
    if (rc == ERR_OK)
        apply_follow_ups(txn_list(body), out);
    json_decref(body);
    return rc;
}

static enum err
clearent_charge_create(const struct gw_ctx *ctx, const struct gw_charge_req *r,
                       struct gw_charge *out, struct errinfo *ei)
{
    const char *card = r->source == GW_SOURCE_TOKEN ? r->token : r->card_ref;
    json_t *body;
    json_t *txn = NULL;
    enum err rc;

    ASSERT(r != NULL && out != NULL && r->idem_key != NULL);
    ASSERT(r->amount > 0);
    if (r->source == GW_SOURCE_READER)
        return unsupported("card-present payments at readers", ei);
    rc = check_currency(r->currency, ei);
    if (rc)
        return rc;
    if (r->amount > AMOUNT_MINOR_MAX)
        return errinfo_set(ei, ERR_INVALID, "amount_too_large", "amount",
                           "amount above what clearent accepts");
    if (!is_id(card))
        return errinfo_set(ei, ERR_INVALID, "token_invalid", "token",
                           "the card token is not a clearent token");
    body = txn_body(r->capture ? "SALE" : "AUTH", r->amount, r->idem_key);
    json_put(body, "card", json_string(card));
    json_put(body, "invoice",
             json_string(r->reference != NULL ? r->reference : r->idem_key));
    if (r->description != NULL)
        json_put(body, "description", json_string(r->description));
    if (r->source == GW_SOURCE_CARD && r->customer_ref != NULL)
        json_put(body, "customer-id", json_string(r->customer_ref));
    rc = body == NULL ? no_memory(ei)
                      : post_txn(ctx,
                                 r->capture ? "/rest/v2/transactions/sale"
                                            : "/rest/v2/transactions/auth",
                                 body, r->idem_key, charge_types, &txn, ei);
    json_decref(body);
    if (txn != NULL && charge_base(ctx, txn, out, rc ? NULL : ei) != ERR_OK &&
        rc == ERR_OK)
        rc = ERR_GATEWAY;
    json_decref(txn);
    return rc;
}

/*
 * POST a follow-up transaction (CAPTURE, VOID, REFUND) of charge_ref,
 * with the charge's invoice; *txn_out as post_txn's.
 */
static enum err
follow_up(const struct gw_ctx *ctx, const char *type, const char *path,
          const char *const *types, const char *idem_key,
          const char *charge_ref, int64_t amount, json_t **txn_out,
          struct errinfo *ei)
{
    json_t *found;
    json_t *t;
    json_t *body = NULL;
    enum err rc;

    *txn_out = NULL;
    if (!is_id(charge_ref))
        return bad_id("charge_ref", charge_ref, ei);
    rc = search(ctx, "id", charge_ref, gateway_config()->retries, &found, ei);
    t = rc == ERR_OK ? find_txn(found, charge_types) : NULL;
    if (rc == ERR_OK && t == NULL)
        rc = errinfo_set(ei, ERR_NOT_FOUND, "resource_missing", NULL,
                         "clearent has no charge '%.40s'", charge_ref);
    if (rc == ERR_OK) {
        body = txn_body(type, amount, idem_key);
        json_put(body, "id", json_string(charge_ref));
        json_put(body, "invoice", json_incref(json_object_get(t, "invoice")));
        rc = body == NULL
                 ? no_memory(ei)
                 : post_txn(ctx, path, body, idem_key, types, txn_out, ei);
    }
    json_decref(body);
    json_decref(found);
    return rc;
}

static enum err
clearent_charge_capture(const struct gw_ctx *ctx, const char *idem_key,
                        const char *charge_ref, int64_t amount,
                        struct gw_charge *out, struct errinfo *ei)
{
    json_t *txn;
    enum err rc;

    ASSERT(idem_key != NULL && out != NULL);
    ASSERT(amount > 0);
    rc = follow_up(ctx, "CAPTURE", "/rest/v2/transactions/capture",
                   capture_types, idem_key, charge_ref, amount, &txn, ei);
    json_decref(txn);
    if (rc)
        return rc;
    return charge_load(ctx, charge_ref, out, ei);
}

static enum err
clearent_charge_cancel(const struct gw_ctx *ctx, const char *idem_key,
                       const char *charge_ref, struct gw_charge *out,
                       struct errinfo *ei)
{
    json_t *txn;
    enum err rc;

    ASSERT(idem_key != NULL && out != NULL);
    rc = follow_up(ctx, "VOID", "/rest/v2/transactions/void", void_types,
                   idem_key, charge_ref, 0, &txn, ei);
    json_decref(txn);
    if (rc)
        return rc;
    return charge_load(ctx, charge_ref, out, ei);
}

static enum err
clearent_charge_retrieve(const struct gw_ctx *ctx, const char *charge_ref,
                         struct gw_charge *out, struct errinfo *ei)
{
    ASSERT(out != NULL);
    return charge_load(ctx, charge_ref, out, ei);
}

static enum err
clearent_charge_lookup(const struct gw_ctx *ctx, const char *idem_key,
                       struct gw_charge *out, struct errinfo *ei)
{
    json_t *body;
    json_t *t;
    char ref[GW_REF_MAX];
    enum err rc;

    ASSERT(idem_key != NULL && out != NULL);
    rc = search(ctx, "order-id", idem_key, gateway_config()->retries, &body,
                ei);
    t = rc == ERR_OK ? find_txn(body, charge_types) : NULL;
    if (rc == ERR_OK && t == NULL)
        rc = errinfo_set(ei, ERR_NOT_FOUND, "resource_missing", NULL,
                         "clearent has no charge for this key");
    if (rc == ERR_OK)
        rc = copy_ref(ref, httpc_jstr(t, "id"), ei);
    json_decref(body);
    if (rc)
        return rc;
    return charge_load(ctx, ref, out, ei);
}

/* ---- refunds ----------------------------------------------------------- */

static enum err
refund_from(json_t *t, struct gw_refund *out, struct errinfo *ei)
{
    const char *result = httpc_jstr(t, "result");

    memset(out, 0, sizeof(*out));
    if (copy_ref(out->ref, httpc_jstr(t, "id"), ei) != ERR_OK ||
        copy_ref(out->charge_ref, httpc_jstr(t, "ref-id"), ei) != ERR_OK)
        return ERR_GATEWAY;
    if (!amount_parse(httpc_jstr(t, "amount"), &out->amount))
        return errinfo_set(ei, ERR_GATEWAY, "gateway_response_invalid", NULL,
                           "clearent answered an unreadable amount");
    if (result != NULL && strcmp(result, "APPROVED") == 0) {
        out->status = GW_REFUND_SUCCEEDED;
    } else {
        out->status = GW_REFUND_FAILED;
        snprintf(out->failure_code, GW_CODE_MAX, "%s",
                 httpc_jstr(t, "result-code") != NULL
                     ? httpc_jstr(t, "result-code")
                     : "refund_failed");
    }
    return ERR_OK;
}

static enum err
clearent_refund_create(const struct gw_ctx *ctx, const char *idem_key,
                       const char *charge_ref, int64_t amount,
                       struct gw_refund *out, struct errinfo *ei)
{
    json_t *txn;
    enum err rc;

    ASSERT(idem_key != NULL && out != NULL);
    ASSERT(amount > 0);
    rc = follow_up(ctx, "REFUND", "/rest/v2/transactions/refund", refund_types,
                   idem_key, charge_ref, amount, &txn, ei);
    if (rc == ERR_OK)
        rc = refund_from(txn, out, ei);
    json_decref(txn);
    return rc;
}

static enum err
clearent_refund_retrieve(const struct gw_ctx *ctx, const char *refund_ref,
                         struct gw_refund *out, struct errinfo *ei)
{
    json_t *body;
    json_t *t;
    enum err rc;

    ASSERT(out != NULL);
    if (!is_id(refund_ref))
        return bad_id("refund_ref", refund_ref, ei);
    rc = search(ctx, "id", refund_ref, gateway_config()->retries, &body, ei);
    t = rc == ERR_OK ? find_txn(body, refund_types) : NULL;
    if (rc == ERR_OK && t == NULL)
        rc = errinfo_set(ei, ERR_NOT_FOUND, "resource_missing", NULL,
                         "clearent has no refund '%.40s'", refund_ref);
    if (rc == ERR_OK)
        rc = refund_from(t, out, ei);
    json_decref(body);
    return rc;
}

/* ---- customers and cards ------------------------------------------------ */

/*
 * Clearent requires a customer's first and last name; Poise sends none
 * of the patient's data, only its own reference in comments.
 */
static enum err
clearent_customer_create(const struct gw_ctx *ctx, const char *idem_key,
                         const char *reference, char *ref_out,
                         struct errinfo *ei)
{
    json_t *body = json_object();
    json_t *resp;
    enum err rc;

    ASSERT(idem_key != NULL && ref_out != NULL);
    json_put(body, "first-name", json_string("Poise"));
    json_put(body, "last-name", json_string("Patient"));
    json_put(body, "comments",
             json_string(reference != NULL ? reference : idem_key));
    rc = body == NULL ? no_memory(ei)
                      : call(ctx, HTTPC_POST, "/rest/v2/customers", body,
                             gateway_config()->retries, &resp, ei);
    json_decref(body);
    if (rc == ERR_OK)
        rc = copy_ref(ref_out,
                      httpc_jstr(resp, "payload.customer.customer-key"), ei);
    if (body != NULL)
        json_decref(resp);
    return rc;
}

/* The token object of a tokens answer, whatever it is called. */
static json_t *
token_of(json_t *body)
{
    json_t *t = httpc_jget(body, "payload.tokenResponse");

    return t != NULL ? t : httpc_jget(body, "payload.token");
}

static enum err
clearent_card_attach(const struct gw_ctx *ctx, const char *idem_key,
                     const char *customer_ref, const char *token,
                     char *card_ref_out, struct gw_card *card_out,
                     struct errinfo *ei)
{
    json_t *body;
    json_t *resp;
    const char *path;
    enum err rc;

    ASSERT(idem_key != NULL && card_ref_out != NULL && card_out != NULL);
    if (!is_id(customer_ref))
        return bad_id("customer_ref", customer_ref, ei);
    if (!is_id(token))
        return errinfo_set(ei, ERR_INVALID, "token_invalid", "token",
                           "the card token is not a clearent token");
    path = arena_printf(ctx->a, "/rest/v2/tokens/%s", token);
    body = json_object();
    json_put(body, "customer-key", json_string(customer_ref));
    json_put(body, "default", json_true());
    rc = body == NULL || path == NULL
             ? no_memory(ei)
             : call(ctx, HTTPC_PUT, path, body, gateway_config()->retries,
                    &resp, ei);
    json_decref(body);
    if (rc == ERR_OK)
        rc = copy_ref(card_ref_out, httpc_jstr(token_of(resp), "token-id"), ei);
    if (rc == ERR_OK)
        card_from(token_of(resp), card_out);
    if (body != NULL && path != NULL)
        json_decref(resp);
    return rc;
}

static enum err
clearent_card_detach(const struct gw_ctx *ctx, const char *customer_ref,
                     const char *card_ref, struct errinfo *ei)
{
    const char *path;
    json_t *resp;
    enum err rc;

    (void)customer_ref; /* a token is deleted by its own id */
    if (!is_id(card_ref))
        return bad_id("card_ref", card_ref, ei);
    path = arena_printf(ctx->a, "/rest/v2/tokens/%s", card_ref);
    if (path == NULL)
        return no_memory(ei);
    rc = call(ctx, HTTPC_DELETE, path, NULL, gateway_config()->retries, &resp,
              ei);
    json_decref(resp);
    return rc;
}

/* ---- what Clearent's API does not offer --------------------------------- */

static enum err
clearent_connect(const struct gw_ctx *ctx, char *secret_out, size_t cap,
                 struct errinfo *ei)
{
    ASSERT(ctx != NULL && secret_out != NULL && cap > 0);
    (void)ei;
    secret_out[0] = '\0'; /* one secret for every account: the config's */
    return ERR_OK;
}

static enum err
clearent_disconnect(const struct gw_ctx *ctx, struct errinfo *ei)
{
    ASSERT(ctx != NULL);
    (void)ei;
    return ERR_OK;
}

/* The terminal the configured key belongs to; false when none is set. */
static bool
terminal_ref(char *out)
{
    const char *k = gateway_config()->clearent_api_key;
    char hex[SHA256_HEX_LEN + 1];

    if (k == NULL || k[0] == '\0')
        return false;
    sha256_hex(k, strlen(k), hex);
    snprintf(out, GW_REF_MAX, "clearent_terminal_%.16s", hex);
    return true;
}

/*
 * Clearent boards merchants through its own onboarding, not this API: the
 * configured API key belongs to one boarded merchant's terminal. So the
 * "merchant account" Poise makes is a name for that terminal, the same for
 * every call with the same key (a hash of the key, never the key).
 */
static enum err
clearent_merchant_create(const struct gw_ctx *ctx,
                         const struct gw_merchant_req *r, char *ref_out,
                         struct errinfo *ei)
{
    ASSERT(ctx != NULL && r != NULL);
    if (!terminal_ref(ref_out))
        return errinfo_set(ei, ERR_GATEWAY, "gateway_not_configured", NULL,
                           "clearent is not configured on this server "
                           "(POISE_CLEARENT_API_KEY)");
    return ERR_OK;
}

static enum err
clearent_bank_account_add(const struct gw_ctx *ctx, const struct gw_bank_req *r,
                          char *ref_out, struct errinfo *ei)
{
    (void)ctx, (void)r, (void)ref_out;
    return unsupported("bank account changes", ei);
}

static enum err
clearent_bank_account_set_default(const struct gw_ctx *ctx,
                                  const char *merchant_ref,
                                  const char *bank_ref, struct errinfo *ei)
{
    (void)ctx, (void)merchant_ref, (void)bank_ref;
    return unsupported("bank account changes", ei);
}

static enum err
clearent_bank_account_delete(const struct gw_ctx *ctx, const char *merchant_ref,
                             const char *bank_ref, struct errinfo *ei)
{
    (void)ctx, (void)merchant_ref, (void)bank_ref;
    return unsupported("bank account changes", ei);
}

static enum err
clearent_reader_register(const struct gw_ctx *ctx, const char *idem_key,
                         const char *merchant_ref, const char *serial,
                         char *ref_out, struct errinfo *ei)
{
    (void)ctx, (void)idem_key, (void)merchant_ref, (void)serial, (void)ref_out;
    return unsupported("reader registration", ei);
}

static enum err
clearent_reader_delete(const struct gw_ctx *ctx, const char *reader_ref,
                       struct errinfo *ei)
{
    (void)ctx, (void)reader_ref;
    return unsupported("reader registration", ei);
}

static enum err
clearent_merchant_debit(const struct gw_ctx *ctx, const char *idem_key,
                        const char *merchant_ref, int64_t amount,
                        const char *currency, const char *description,
                        char *ref_out, struct errinfo *ei)
{
    (void)ctx, (void)idem_key, (void)merchant_ref, (void)amount;
    (void)currency, (void)description, (void)ref_out;
    return unsupported("merchant debits", ei);
}

static enum err
clearent_payout_retrieve(const struct gw_ctx *ctx, const char *payout_ref,
                         struct gw_payout *out, struct errinfo *ei)
{
    (void)ctx, (void)payout_ref, (void)out;
    return unsupported("payout reports (see its reporting API)", ei);
}

static enum err
clearent_dispute_retrieve(const struct gw_ctx *ctx, const char *dispute_ref,
                          struct gw_dispute *out, struct errinfo *ei)
{
    (void)ctx, (void)dispute_ref, (void)out;
    return unsupported("disputes", ei);
}

static enum err
clearent_dispute_evidence(const struct gw_ctx *ctx, const char *dispute_ref,
                          const char *evidence_json, bool submit,
                          struct gw_dispute *out, struct errinfo *ei)
{
    (void)ctx, (void)dispute_ref, (void)evidence_json, (void)submit;
    (void)out;
    return unsupported("disputes", ei);
}

/* ---- webhooks ----------------------------------------------------------- */

static enum err
event_from(json_t *ev, struct gw_event *out, struct errinfo *ei)
{
    json_t *t = httpc_jget(ev, "payload.transaction");
    const char *type = httpc_jstr(t, "type");
    const char *ref = httpc_jstr(t, "id");
    char lower[32] = "";

    memset(out, 0, sizeof(*out));
    if (type == NULL ||
        copy_ref(out->id, httpc_jstr(ev, "exchange-id"), NULL) != ERR_OK)
        return errinfo_set(ei, ERR_INVALID, "event_invalid", NULL,
                           "the clearent event lacks an exchange-id or a "
                           "transaction");
    for (size_t i = 0; type[i] != '\0' && i < sizeof(lower) - 1; i++)
        lower[i] = (char)tolower((unsigned char)type[i]);
    snprintf(out->type, sizeof(out->type), "transaction.%.31s", lower);
    out->object = GW_EVENT_CHARGE;
    if (strcasecmp(type, "REFUND") == 0)
        out->object = GW_EVENT_REFUND;
    else if (strcasecmp(type, "CAPTURE") == 0 || strcasecmp(type, "VOID") == 0)
        ref = httpc_jstr(t, "ref-id"); /* the charge it changed */
    else if (strcasecmp(type, "SALE") != 0 && strcasecmp(type, "AUTH") != 0)
        out->object = GW_EVENT_OTHER;
    if (out->object != GW_EVENT_OTHER &&
        copy_ref(out->object_ref, ref, NULL) != ERR_OK)
        return errinfo_set(ei, ERR_INVALID, "event_invalid", NULL,
                           "the clearent event lacks a transaction id");
    out->created_ms = created_ms(httpc_jstr(t, "created"));
    /* Events are the configured terminal's: Poise finds its account. */
    (void)terminal_ref(out->account_id);
    return ERR_OK;
}

/*
 * Deliveries carry a `t=<unix s>,v1=<hex>` header (signature.h's scheme,
 * HMAC-SHA256 over "<t>.<body>" with clearent_webhook_secret): see
 * docs/gateways.md for why this is not Clearent's own signature field.
 */
static enum err
clearent_webhook_parse(const struct gw_ctx *ctx, const char *secret,
                       const char *signature_header, const char *body,
                       size_t body_len, struct gw_event *out,
                       struct errinfo *ei)
{
    json_t *ev;
    enum err rc;

    ASSERT(ctx != NULL && body != NULL && out != NULL);
    if (secret == NULL || secret[0] == '\0')
        return errinfo_set(ei, ERR_INVALID, "signature_invalid", NULL,
                           "no clearent webhook secret is configured");
    rc = signature_verify(secret, signature_header, body, body_len,
                          ctx->now_ms / 1000, SIGNATURE_TOLERANCE_S, ei);
    if (rc)
        return rc;
    ev = json_loadb(body, body_len, 0, NULL);
    rc = json_is_object(ev)
             ? event_from(ev, out, ei)
             : errinfo_set(ei, ERR_INVALID, "event_invalid", NULL,
                           "the clearent event is not JSON");
    json_decref(ev);
    return rc;
}

const struct gw_ops gw_clearent_ops = {
    .name = "clearent",
    .connect = clearent_connect,
    .disconnect = clearent_disconnect,
    .merchant_create = clearent_merchant_create,
    .bank_account_add = clearent_bank_account_add,
    .bank_account_set_default = clearent_bank_account_set_default,
    .bank_account_delete = clearent_bank_account_delete,
    .reader_register = clearent_reader_register,
    .reader_delete = clearent_reader_delete,
    .customer_create = clearent_customer_create,
    .card_attach = clearent_card_attach,
    .card_detach = clearent_card_detach,
    .charge_create = clearent_charge_create,
    .charge_capture = clearent_charge_capture,
    .charge_cancel = clearent_charge_cancel,
    .charge_retrieve = clearent_charge_retrieve,
    .charge_lookup = clearent_charge_lookup,
    .refund_create = clearent_refund_create,
    .refund_retrieve = clearent_refund_retrieve,
    .merchant_debit = clearent_merchant_debit,
    .payout_retrieve = clearent_payout_retrieve,
    .dispute_retrieve = clearent_dispute_retrieve,
    .dispute_evidence = clearent_dispute_evidence,
    .webhook_parse = clearent_webhook_parse,
};
