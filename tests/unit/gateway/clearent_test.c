/*
 * clearent_test.c - the Clearent adapter over HTTP against
 * tests/standin/clearent.js: sales, auths, captures, voids, refunds,
 * declines, exact amounts, retries that never charge twice, webhooks.
 */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/crypto.h"
#include "gateway/gateway.h"
#include "gateway/httpc.h"
#include "gateway/signature.h"
#include "harness.h"
#include "standin.h"

#define SCRIPT "tests/standin/clearent.js"
#define API_KEY "clearent_test_key"
#define WEBHOOK_SECRET "clearent_whsec"
#define NOW_MS 1800000000000LL

static int
setup(const char *test)
{
    static int port;
    char url[64];

    if (port != 0)
        return port;
    port = standin_port(SCRIPT);
    if (port == 0) {
        standin_skip(test);
        return 0;
    }
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
    gateway_configure(&(struct gw_config){
        .clearent_api_url = url,
        .clearent_api_key = API_KEY,
        .clearent_webhook_secret = WEBHOOK_SECRET,
        .timeout_ms = 3000,
        .retries = 2,
    });
    return port;
}

static const struct gw_ops *
ops(void)
{
    return gateway_get(GW_CLEARENT);
}

static const char *
key(struct arena *a)
{
    return id_new(a, "key", NOW_MS);
}

/* A token for card, as Clearent's hosted fields would make in a browser. */
static const char *
tokenize(struct arena *a, int port, const char *card)
{
    struct httpc_req req = {
        .method = HTTPC_POST,
        .headers = {"api-key: " API_KEY, "Content-Type: application/json"},
        .timeout_ms = 3000,
    };
    struct httpc_resp resp;
    json_t *v;
    const char *tok;

    req.url = arena_printf(a, "http://127.0.0.1:%d/rest/v2/tokens", port);
    req.body = arena_printf(a, "{\"card\":\"%s\",\"exp-date\":\"1234\"}", card);
    req.body_len = strlen(req.body);
    if (httpc_send(a, &req, &resp, NULL) != ERR_OK || resp.status != 200)
        return NULL;
    v = httpc_json(&resp);
    tok = arena_strdup(a, httpc_jstr(v, "payload.tokenResponse.token-id"));
    json_decref(v);
    return tok;
}

static struct gw_charge_req
token_charge(struct arena *a, const char *tok, int64_t amount, bool capture)
{
    return (struct gw_charge_req){
        .idem_key = key(a),
        .amount = amount,
        .currency = "USD",
        .source = GW_SOURCE_TOKEN,
        .token = tok,
        .capture = capture,
        .reference = id_new(a, "pay", NOW_MS),
    };
}

TEST(clearent_sale_refund)
{
    int port = setup(__func__);
    struct arena *a = arena_new(1 << 20);
    struct gw_ctx ctx = {"acc_1", NOW_MS, a};
    struct gw_charge_req r;
    struct gw_charge ch;
    struct gw_refund re;
    struct errinfo ei;

    if (port == 0) {
        arena_free(a);
        return;
    }
    r = token_charge(a, tokenize(a, port, "4242424242424242"), 1005, true);
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, NULL), ERR_OK);
    CHECK(ch.status == GW_CHARGE_SUCCEEDED && ch.fee == 0);
    CHECK_I64(ch.amount, 1005); /* sent as "10.05", read back exactly */
    CHECK_I64(ch.amount_captured, 1005);
    CHECK(strcmp(ch.card.brand, "visa") == 0);
    CHECK(strcmp(ch.card.last4, "4242") == 0);
    CHECK_RC(ops()->refund_create(&ctx, key(a), ch.ref, 7, &re, NULL), ERR_OK);
    CHECK(re.status == GW_REFUND_SUCCEEDED && re.amount == 7);
    CHECK(strcmp(re.charge_ref, ch.ref) == 0);
    CHECK_RC(ops()->refund_retrieve(&ctx, re.ref, &re, NULL), ERR_OK);
    CHECK(re.amount == 7 && strcmp(re.charge_ref, ch.ref) == 0);
    CHECK_RC(ops()->refund_create(&ctx, key(a), ch.ref, 999, &re, &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.code, "amount_too_large") == 0);
    CHECK_RC(ops()->charge_retrieve(&ctx, ch.ref, &ch, NULL), ERR_OK);
    CHECK_I64(ch.amount_refunded, 7);
    CHECK_RC(ops()->charge_lookup(&ctx, r.idem_key, &ch, NULL), ERR_OK);
    CHECK(ch.amount_refunded == 7 && ch.amount == 1005);
    CHECK_RC(ops()->charge_lookup(&ctx, key(a), &ch, NULL), ERR_NOT_FOUND);
    CHECK_RC(ops()->charge_retrieve(&ctx, "999", &ch, NULL), ERR_NOT_FOUND);
    arena_free(a);
}

TEST(clearent_auth_capture_void)
{
    int port = setup(__func__);
    struct arena *a = arena_new(1 << 20);
    struct gw_ctx ctx = {"acc_1", NOW_MS, a};
    const char *tok;
    struct gw_charge_req r;
    struct gw_charge ch;

    if (port == 0) {
        arena_free(a);
        return;
    }
    tok = tokenize(a, port, "4242424242424242");
    r = token_charge(a, tok, 1000, false);
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, NULL), ERR_OK);
    CHECK(ch.status == GW_CHARGE_REQUIRES_CAPTURE);
    CHECK(ch.capture_before_ms > 0 && ch.amount_captured == 0);
    CHECK_RC(ops()->charge_capture(&ctx, key(a), ch.ref, 600, &ch, NULL),
             ERR_OK);
    CHECK(ch.status == GW_CHARGE_SUCCEEDED);
    CHECK_I64(ch.amount, 1000);
    CHECK_I64(ch.amount_captured, 600);
    CHECK_RC(ops()->charge_capture(&ctx, key(a), ch.ref, 100, &ch, NULL),
             ERR_CONFLICT);
    r = token_charge(a, tok, 2000, false);
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, NULL), ERR_OK);
    CHECK_RC(ops()->charge_cancel(&ctx, key(a), ch.ref, &ch, NULL), ERR_OK);
    CHECK(ch.status == GW_CHARGE_CANCELED && ch.amount_captured == 0);
    CHECK_RC(ops()->charge_cancel(&ctx, key(a), ch.ref, &ch, NULL),
             ERR_CONFLICT);
    arena_free(a);
}

TEST(clearent_customer_card)
{
    int port = setup(__func__);
    struct arena *a = arena_new(1 << 20);
    struct gw_ctx ctx = {"acc_1", NOW_MS, a};
    char cus[GW_REF_MAX];
    char card_ref[GW_REF_MAX];
    struct gw_card card;
    struct gw_charge ch;
    struct gw_charge_req r = {.amount = 4500,
                              .currency = "USD",
                              .source = GW_SOURCE_CARD,
                              .capture = true,
                              .off_session = true};

    if (port == 0) {
        arena_free(a);
        return;
    }
    CHECK_RC(ops()->customer_create(&ctx, key(a), "pat_1", cus, NULL), ERR_OK);
    CHECK_RC(ops()->card_attach(&ctx, key(a), cus,
                                tokenize(a, port, "5555555555554444"), card_ref,
                                &card, NULL),
             ERR_OK);
    CHECK(strcmp(card.brand, "mastercard") == 0);
    CHECK(strcmp(card.last4, "4444") == 0);
    CHECK(card.exp_month == 12 && card.exp_year == 2034);
    r.idem_key = key(a);
    r.customer_ref = cus;
    r.card_ref = card_ref;
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, NULL), ERR_OK);
    CHECK(ch.status == GW_CHARGE_SUCCEEDED && ch.amount == 4500);
    CHECK_RC(ops()->card_detach(&ctx, cus, card_ref, NULL), ERR_OK);
    CHECK_RC(ops()->card_detach(&ctx, cus, card_ref, NULL), ERR_NOT_FOUND);
    arena_free(a);
}

TEST(clearent_declines)
{
    int port = setup(__func__);
    struct arena *a = arena_new(1 << 20);
    struct gw_ctx ctx = {"acc_1", NOW_MS, a};
    struct gw_charge_req r;
    struct gw_charge ch;
    struct errinfo ei;

    if (port == 0) {
        arena_free(a);
        return;
    }
    r = token_charge(a, tokenize(a, port, "4000000000009995"), 800, true);
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, &ei), ERR_DECLINED);
    CHECK(strcmp(ei.code, "card_declined") == 0);
    CHECK(strcmp(ei.decline_code, "insufficient_funds") == 0);
    CHECK(ch.status == GW_CHARGE_FAILED && ch.ref[0] != '\0');
    CHECK(strcmp(ch.decline_code, "insufficient_funds") == 0);
    r = token_charge(a, tokenize(a, port, "4000000000000069"), 800, true);
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, &ei), ERR_DECLINED);
    CHECK(strcmp(ei.code, "expired_card") == 0);
    r = token_charge(a, tokenize(a, port, "4000000000000002"), 800, true);
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, &ei), ERR_DECLINED);
    CHECK(strcmp(ei.decline_code, "generic_decline") == 0);
    arena_free(a);
}

TEST(clearent_refusals)
{
    int port = setup(__func__);
    struct arena *a = arena_new(1 << 20);
    struct gw_ctx ctx = {"acc_1", NOW_MS, a};
    struct gw_charge_req r;
    struct gw_charge ch;
    struct gw_payout po;
    char ref[GW_REF_MAX];
    struct errinfo ei;
    json_t *ok;

    if (port == 0) {
        arena_free(a);
        return;
    }
    r = token_charge(a, tokenize(a, port, "4242424242424242"), 800, true);
    r.currency = "EUR";
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, &ei), ERR_INVALID);
    CHECK(strcmp(ei.code, "currency_unsupported") == 0);
    r.currency = "USD";
    r.source = GW_SOURCE_READER;
    r.reader_ref = "rdr_1";
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, &ei), ERR_INVALID);
    CHECK(strcmp(ei.code, "unsupported_by_gateway") == 0);
    CHECK_RC(ops()->payout_retrieve(&ctx, "po_1", &po, &ei), ERR_INVALID);
    CHECK(strcmp(ei.code, "unsupported_by_gateway") == 0);
    CHECK_RC(
        ops()->merchant_debit(&ctx, key(a), "m", 100, "USD", "fee", ref, &ei),
        ERR_INVALID);
    ok = standin_control(a, port, "/_standin/key", "{\"key\":\"other\"}");
    CHECK(ok != NULL);
    json_decref(ok);
    CHECK_RC(ops()->customer_create(&ctx, key(a), "pat_2", ref, &ei),
             ERR_GATEWAY);
    CHECK(strcmp(ei.code, "gateway_auth") == 0);
    ok = standin_control(a, port, "/_standin/key", "{\"key\":\"" API_KEY "\"}");
    CHECK(ok != NULL);
    json_decref(ok);
    arena_free(a);
}

/* Transactions and POSTs the stand-in has with order-id k. */
static void
count_key(struct arena *a, int port, const char *k, int *txns, int *posts)
{
    json_t *st = standin_control(a, port, "/_standin/state", NULL);
    json_t *v;
    size_t i;

    *txns = 0;
    *posts = 0;
    json_array_foreach (json_object_get(st, "transactions"), i, v) {
        const char *o = json_string_value(json_object_get(v, "order-id"));
        *txns += o != NULL && strcmp(o, k) == 0;
    }
    json_array_foreach (json_object_get(st, "requests"), i, v) {
        const char *o = json_string_value(json_object_get(v, "order-id"));
        *posts += o != NULL && strcmp(o, k) == 0;
    }
    json_decref(st);
}

TEST(clearent_retry_never_twice)
{
    int port = setup(__func__);
    struct arena *a = arena_new(1 << 20);
    struct gw_ctx ctx = {"acc_1", NOW_MS, a};
    const char *tok;
    struct gw_charge_req r;
    struct gw_charge ch;
    int txns;
    int posts;

    if (port == 0) {
        arena_free(a);
        return;
    }
    tok = tokenize(a, port, "4242424242424242");
    /* A 500 before the sale: looked up, not found, sent again: one. */
    r = token_charge(a, tok, 1100, true);
    json_decref(
        standin_control(a, port, "/_standin/fail_next", "{\"status\":500}"));
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, NULL), ERR_OK);
    count_key(a, port, r.idem_key, &txns, &posts);
    CHECK(txns == 1 && posts == 2);
    /* The sale made, its answer lost: found by order-id, not re-sent. */
    r = token_charge(a, tok, 1200, true);
    json_decref(standin_control(a, port, "/_standin/fail_next",
                                "{\"status\":\"drop\"}"));
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, NULL), ERR_OK);
    CHECK(ch.status == GW_CHARGE_SUCCEEDED && ch.amount == 1200);
    count_key(a, port, r.idem_key, &txns, &posts);
    CHECK(txns == 1 && posts == 1);
    /* Every attempt and lookup fails: unknown, and nothing was made. */
    r = token_charge(a, tok, 1300, true);
    json_decref(standin_control(a, port, "/_standin/fail_next",
                                "{\"status\":500,\"count\":5}"));
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, NULL), ERR_GATEWAY);
    count_key(a, port, r.idem_key, &txns, &posts);
    CHECK(txns == 0 && posts == 3);
    CHECK_RC(ops()->charge_lookup(&ctx, r.idem_key, &ch, NULL), ERR_NOT_FOUND);
    arena_free(a);
}

TEST(clearent_webhook_parse)
{
    struct arena *a = arena_new(1 << 20);
    struct gw_ctx ctx = {"acc_1", NOW_MS, a};
    const char *sale = "{\"code\":\"200\",\"status\":\"success\","
                       "\"exchange-id\":\"ID-1\",\"payload\":{"
                       "\"payloadType\":\"transaction\",\"transaction\":{"
                       "\"id\":\"117834254\",\"type\":\"SALE\","
                       "\"amount\":\"100.00\",\"result\":\"APPROVED\","
                       "\"created\":\"2024-04-09 14:53:24.148\"}}}";
    const char *capture = "{\"exchange-id\":\"ID-2\",\"payload\":{"
                          "\"transaction\":{\"id\":\"9\",\"type\":"
                          "\"CAPTURE\",\"ref-id\":\"8\"}}}";
    char h[SIGNATURE_HEADER_MAX];
    struct gw_event ev;

    signature_header(WEBHOOK_SECRET, NOW_MS / 1000, sale, strlen(sale), h,
                     sizeof(h));
    CHECK_RC(ops()->webhook_parse(&ctx, WEBHOOK_SECRET, h, sale, strlen(sale),
                                  &ev, NULL),
             ERR_OK);
    CHECK(strcmp(ev.id, "ID-1") == 0 && ev.object == GW_EVENT_CHARGE);
    CHECK(strcmp(ev.type, "transaction.sale") == 0);
    CHECK(strcmp(ev.object_ref, "117834254") == 0);
    CHECK_I64(ev.created_ms, 1712674404148LL);
    CHECK_RC(
        ops()->webhook_parse(&ctx, "wrong", h, sale, strlen(sale), &ev, NULL),
        ERR_INVALID);
    signature_header(WEBHOOK_SECRET, NOW_MS / 1000, capture, strlen(capture), h,
                     sizeof(h));
    CHECK_RC(ops()->webhook_parse(&ctx, WEBHOOK_SECRET, h, capture,
                                  strlen(capture), &ev, NULL),
             ERR_OK);
    CHECK(ev.object == GW_EVENT_CHARGE && strcmp(ev.object_ref, "8") == 0);
    arena_free(a);
}
