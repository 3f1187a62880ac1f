/*
 * stripe_test.c - the Stripe adapter over HTTP against
 * tests/standin/stripe.js: charges, captures, refunds, declines, keys,
 * retries with the same Idempotency-Key, payouts, disputes, webhooks.
 */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/crypto.h"
#include "gateway/gateway.h"
#include "gateway/signature.h"
#include "harness.h"
#include "standin.h"

#define SCRIPT "tests/standin/stripe.js"
#define WEBHOOK_SECRET "whsec_standin"
#define NOW_MS 1800000000000LL

/* Start the stand-in and point the Stripe settings at it, once. */
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
        .stripe_api_url = url,
        .stripe_secret_key = "sk_test_standin",
        .stripe_webhook_secret = WEBHOOK_SECRET,
        .timeout_ms = 3000,
        .retries = 2,
    });
    return port;
}

static const struct gw_ops *
ops(void)
{
    return gateway_get(GW_STRIPE);
}

/* A fresh idempotency key (ids are unique and time-ordered). */
static const char *
key(struct arena *a)
{
    return id_new(a, "key", NOW_MS);
}

static struct gw_charge_req
token_charge(struct arena *a, const char *pm, int64_t amount, bool capture)
{
    return (struct gw_charge_req){
        .idem_key = key(a),
        .amount = amount,
        .currency = "USD",
        .source = GW_SOURCE_TOKEN,
        .token = pm,
        .capture = capture,
        .reference = "pay_test",
    };
}

TEST(stripe_customer_card_charge)
{
    struct arena *a = arena_new(1 << 20);
    struct gw_ctx ctx = {"acc_1", NOW_MS, a};
    char cus[GW_REF_MAX];
    char pm[GW_REF_MAX];
    struct gw_card card;
    struct gw_charge ch;
    struct gw_charge again;
    struct gw_charge_req r = {.currency = "USD",
                              .source = GW_SOURCE_CARD,
                              .capture = true,
                              .off_session = true,
                              .amount = 2000,
                              .reference = "pay_1"};

    if (setup(__func__) == 0) {
        arena_free(a);
        return;
    }
    CHECK_RC(ops()->customer_create(&ctx, key(a), "pat_1", cus, NULL), ERR_OK);
    CHECK(strncmp(cus, "cus_", 4) == 0);
    CHECK_RC(
        ops()->card_attach(&ctx, key(a), cus, "pm_card_visa", pm, &card, NULL),
        ERR_OK);
    CHECK(strncmp(pm, "pm_", 3) == 0 && strcmp(pm, "pm_card_visa") != 0);
    CHECK(strcmp(card.brand, "visa") == 0 && strcmp(card.last4, "4242") == 0);
    CHECK(card.exp_month == 12 && card.exp_year > 2000);
    r.idem_key = key(a);
    r.customer_ref = cus;
    r.card_ref = pm;
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, NULL), ERR_OK);
    CHECK(ch.status == GW_CHARGE_SUCCEEDED);
    CHECK_I64(ch.amount, 2000);
    CHECK_I64(ch.amount_captured, 2000);
    CHECK_I64(ch.fee, 88); /* 2.9% + 30 */
    CHECK(strcmp(ch.card.last4, "4242") == 0 && !ch.card_present);
    CHECK_RC(ops()->charge_retrieve(&ctx, ch.ref, &again, NULL), ERR_OK);
    CHECK(strcmp(again.ref, ch.ref) == 0 && again.fee == 88);
    CHECK_RC(ops()->charge_lookup(&ctx, r.idem_key, &again, NULL), ERR_OK);
    CHECK(strcmp(again.ref, ch.ref) == 0);
    CHECK_RC(ops()->charge_lookup(&ctx, key(a), &again, NULL), ERR_NOT_FOUND);
    CHECK_RC(ops()->card_detach(&ctx, cus, pm, NULL), ERR_OK);
    arena_free(a);
}

TEST(stripe_manual_capture_partial)
{
    struct arena *a = arena_new(1 << 20);
    struct gw_ctx ctx = {"acc_1", NOW_MS, a};
    struct gw_charge_req r = token_charge(a, "pm_card_visa", 1000, false);
    struct gw_charge ch;
    struct errinfo ei;

    if (setup(__func__) == 0) {
        arena_free(a);
        return;
    }
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, NULL), ERR_OK);
    CHECK(ch.status == GW_CHARGE_REQUIRES_CAPTURE);
    CHECK(ch.capture_before_ms > 0 && ch.fee == 0 && ch.amount_captured == 0);
    CHECK_RC(ops()->charge_capture(&ctx, key(a), ch.ref, 600, &ch, NULL),
             ERR_OK);
    CHECK(ch.status == GW_CHARGE_SUCCEEDED);
    CHECK_I64(ch.amount, 1000);
    CHECK_I64(ch.amount_captured, 600);
    CHECK_I64(ch.amount_refunded, 0); /* the released rest is no refund */
    CHECK_I64(ch.fee, 47);
    CHECK_RC(ops()->charge_capture(&ctx, key(a), ch.ref, 100, &ch, &ei),
             ERR_CONFLICT);
    CHECK(strcmp(ei.code, "payment_intent_unexpected_state") == 0);
    arena_free(a);
}

TEST(stripe_cancel)
{
    struct arena *a = arena_new(1 << 20);
    struct gw_ctx ctx = {"acc_1", NOW_MS, a};
    struct gw_charge_req r = token_charge(a, "pm_card_visa", 700, false);
    struct gw_charge ch;

    if (setup(__func__) == 0) {
        arena_free(a);
        return;
    }
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, NULL), ERR_OK);
    CHECK_RC(ops()->charge_cancel(&ctx, key(a), ch.ref, &ch, NULL), ERR_OK);
    CHECK(ch.status == GW_CHARGE_CANCELED && ch.fee == 0);
    CHECK_RC(ops()->charge_cancel(&ctx, key(a), ch.ref, &ch, NULL),
             ERR_CONFLICT);
    CHECK_RC(ops()->charge_retrieve(&ctx, "pi_nope", &ch, NULL), ERR_NOT_FOUND);
    arena_free(a);
}

TEST(stripe_refund)
{
    struct arena *a = arena_new(1 << 20);
    struct gw_ctx ctx = {"acc_1", NOW_MS, a};
    struct gw_charge_req r = token_charge(a, "pm_card_visa", 1500, true);
    struct gw_charge ch;
    struct gw_refund re;
    struct gw_refund got;
    struct errinfo ei;

    if (setup(__func__) == 0) {
        arena_free(a);
        return;
    }
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, NULL), ERR_OK);
    CHECK_RC(ops()->refund_create(&ctx, key(a), ch.ref, 500, &re, NULL),
             ERR_OK);
    CHECK(re.status == GW_REFUND_SUCCEEDED && re.amount == 500);
    CHECK(strcmp(re.charge_ref, ch.ref) == 0);
    CHECK_RC(ops()->refund_retrieve(&ctx, re.ref, &got, NULL), ERR_OK);
    CHECK(strcmp(got.ref, re.ref) == 0 && got.amount == 500);
    CHECK_RC(ops()->refund_create(&ctx, key(a), ch.ref, 1001, &re, &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.code, "amount_too_large") == 0);
    CHECK_RC(ops()->refund_create(&ctx, key(a), ch.ref, 1000, &re, NULL),
             ERR_OK);
    CHECK_RC(ops()->refund_create(&ctx, key(a), ch.ref, 1, &re, &ei),
             ERR_CONFLICT);
    CHECK(strcmp(ei.code, "charge_already_refunded") == 0);
    CHECK_RC(ops()->charge_retrieve(&ctx, ch.ref, &ch, NULL), ERR_OK);
    CHECK_I64(ch.amount_refunded, 1500);
    arena_free(a);
}

TEST(stripe_decline_mapping)
{
    struct arena *a = arena_new(1 << 20);
    struct gw_ctx ctx = {"acc_1", NOW_MS, a};
    struct gw_charge_req r = token_charge(
        a, "pm_card_chargeDeclinedInsufficientFunds", 900, true);
    struct gw_charge ch;
    struct errinfo ei;
    char cus[GW_REF_MAX];
    char pm[GW_REF_MAX];
    struct gw_card card;

    if (setup(__func__) == 0) {
        arena_free(a);
        return;
    }
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, &ei), ERR_DECLINED);
    CHECK(strcmp(ei.code, "card_declined") == 0);
    CHECK(strcmp(ei.decline_code, "insufficient_funds") == 0);
    CHECK(ch.status == GW_CHARGE_FAILED && strncmp(ch.ref, "pi_", 3) == 0);
    CHECK(strcmp(ch.decline_code, "insufficient_funds") == 0);
    r = token_charge(a, "pm_card_chargeDeclinedExpiredCard", 900, true);
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, &ei), ERR_DECLINED);
    CHECK(strcmp(ei.code, "expired_card") == 0);
    CHECK(strcmp(ch.failure_code, "expired_card") == 0);
    /* 0341 attaches, then the off-session charge is declined. */
    CHECK_RC(ops()->customer_create(&ctx, key(a), "pat_2", cus, NULL), ERR_OK);
    CHECK_RC(ops()->card_attach(&ctx, key(a), cus, "pm_card_chargeDeclined", pm,
                                &card, &ei),
             ERR_DECLINED);
    CHECK_RC(ops()->card_attach(&ctx, key(a), cus, "pm_card_chargeCustomerFail",
                                pm, &card, NULL),
             ERR_OK);
    r = (struct gw_charge_req){.idem_key = key(a),
                               .amount = 500,
                               .currency = "USD",
                               .source = GW_SOURCE_CARD,
                               .customer_ref = cus,
                               .card_ref = pm,
                               .capture = true,
                               .off_session = true};
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, &ei), ERR_DECLINED);
    CHECK(strcmp(ei.decline_code, "generic_decline") == 0);
    CHECK_RC(ops()->charge_retrieve(&ctx, ch.ref, &ch, NULL), ERR_OK);
    CHECK(ch.status == GW_CHARGE_FAILED);
    CHECK(strcmp(ch.decline_code, "generic_decline") == 0);
    arena_free(a);
}

TEST(stripe_wrong_key)
{
    struct arena *a = arena_new(1 << 20);
    struct gw_ctx ctx = {"acc_1", NOW_MS, a};
    int port = setup(__func__);
    char cus[GW_REF_MAX];
    struct errinfo ei;
    json_t *ok;

    if (port == 0) {
        arena_free(a);
        return;
    }
    /* The stand-in now expects another key than the configured one. */
    ok = standin_control(a, port, "/_standin/key", "{\"key\":\"sk_other\"}");
    CHECK(ok != NULL);
    json_decref(ok);
    CHECK_RC(ops()->customer_create(&ctx, key(a), "pat_3", cus, &ei),
             ERR_GATEWAY);
    CHECK(strcmp(ei.code, "gateway_auth") == 0);
    CHECK(strstr(ei.message, "secret key") != NULL);
    ok = standin_control(a, port, "/_standin/key",
                         "{\"key\":\"sk_test_standin\"}");
    CHECK(ok != NULL);
    json_decref(ok);
    CHECK_RC(ops()->customer_create(&ctx, key(a), "pat_3", cus, NULL), ERR_OK);
    arena_free(a);
}

/* How many payment intents and requests the stand-in has for key k. */
static void
count_key(struct arena *a, int port, const char *k, int *pis, int *reqs)
{
    json_t *st = standin_control(a, port, "/_standin/state", NULL);
    json_t *v;
    size_t i;

    *pis = 0;
    *reqs = 0;
    json_array_foreach (json_object_get(st, "payment_intents"), i, v) {
        const char *pk = json_string_value(
            json_object_get(json_object_get(v, "metadata"), "poise_key"));
        *pis += pk != NULL && strcmp(pk, k) == 0;
    }
    json_array_foreach (json_object_get(st, "requests"), i, v) {
        const char *rk = json_string_value(
            json_object_get(v, "idempotency_key"));
        *reqs += rk != NULL && strcmp(rk, k) == 0;
    }
    json_decref(st);
}

TEST(stripe_retry_same_key)
{
    struct arena *a = arena_new(1 << 20);
    struct gw_ctx ctx = {"acc_1", NOW_MS, a};
    int port = setup(__func__);
    struct gw_charge_req r = token_charge(a, "pm_card_visa", 1200, true);
    struct gw_charge ch;
    struct errinfo ei;
    int pis;
    int reqs;

    if (port == 0) {
        arena_free(a);
        return;
    }
    /* A 500 first: retried with the same key, one charge. */
    json_decref(
        standin_control(a, port, "/_standin/fail_next", "{\"status\":500}"));
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, NULL), ERR_OK);
    CHECK(ch.status == GW_CHARGE_SUCCEEDED);
    count_key(a, port, r.idem_key, &pis, &reqs);
    CHECK(pis == 1 && reqs == 2);
    /* The answer lost after the charge was made: the replay, one charge. */
    r = token_charge(a, "pm_card_visa", 1300, true);
    json_decref(standin_control(a, port, "/_standin/fail_next",
                                "{\"status\":\"drop\"}"));
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, NULL), ERR_OK);
    CHECK(ch.status == GW_CHARGE_SUCCEEDED && ch.amount == 1300);
    count_key(a, port, r.idem_key, &pis, &reqs);
    CHECK(pis == 1 && reqs == 2);
    /* Every attempt fails: outcome unknown, and nothing was made. */
    r = token_charge(a, "pm_card_visa", 1400, true);
    json_decref(standin_control(a, port, "/_standin/fail_next",
                                "{\"status\":500,\"count\":3}"));
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, &ei), ERR_GATEWAY);
    CHECK(strcmp(ei.code, "gateway_unavailable") == 0);
    count_key(a, port, r.idem_key, &pis, &reqs);
    CHECK(pis == 0 && reqs == 3);
    CHECK_RC(ops()->charge_lookup(&ctx, r.idem_key, &ch, NULL), ERR_NOT_FOUND);
    arena_free(a);
}

TEST(stripe_webhook_parse)
{
    struct arena *a = arena_new(1 << 20);
    struct gw_ctx ctx = {"acc_1", NOW_MS, a};
    const char *payout = "{\"id\":\"evt_1\",\"type\":\"payout.paid\","
                         "\"account\":\"acct_9\",\"created\":1700000000,"
                         "\"data\":{\"object\":{\"id\":\"po_7\","
                         "\"object\":\"payout\"}}}";
    const char *charge = "{\"id\":\"evt_2\",\"type\":\"charge.refunded\","
                         "\"created\":1700000001,\"data\":{\"object\":"
                         "{\"id\":\"ch_1\",\"object\":\"charge\","
                         "\"payment_intent\":\"pi_5\"}}}";
    char h[SIGNATURE_HEADER_MAX];
    struct gw_event ev;
    struct errinfo ei;

    signature_header(WEBHOOK_SECRET, NOW_MS / 1000, payout, strlen(payout), h,
                     sizeof(h));
    CHECK_RC(ops()->webhook_parse(&ctx, WEBHOOK_SECRET, h, payout,
                                  strlen(payout), &ev, NULL),
             ERR_OK);
    CHECK(strcmp(ev.id, "evt_1") == 0 && ev.object == GW_EVENT_PAYOUT);
    CHECK(strcmp(ev.object_ref, "acct_9/po_7") == 0);
    CHECK(strcmp(ev.account_id, "acct_9") == 0);
    CHECK_I64(ev.created_ms, 1700000000000LL);
    CHECK_RC(ops()->webhook_parse(&ctx, "whsec_other", h, payout,
                                  strlen(payout), &ev, &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.code, "signature_invalid") == 0);
    signature_header(WEBHOOK_SECRET, NOW_MS / 1000, charge, strlen(charge), h,
                     sizeof(h));
    CHECK_RC(ops()->webhook_parse(&ctx, WEBHOOK_SECRET, h, charge,
                                  strlen(charge), &ev, NULL),
             ERR_OK);
    CHECK(ev.object == GW_EVENT_CHARGE && strcmp(ev.object_ref, "pi_5") == 0);
    CHECK(ev.account_id[0] == '\0');
    /* Signed 301 s before the account's clock: refused. */
    signature_header(WEBHOOK_SECRET, NOW_MS / 1000 - 301, charge,
                     strlen(charge), h, sizeof(h));
    CHECK_RC(ops()->webhook_parse(&ctx, WEBHOOK_SECRET, h, charge,
                                  strlen(charge), &ev, NULL),
             ERR_INVALID);
    arena_free(a);
}

/* A merchant with a bank account, paid a destination charge. */
static bool
merchant(struct gw_ctx *ctx, char *acct, char *ba)
{
    struct gw_merchant_req m = {key(ctx->a), "Glow Clinic", "America/Chicago",
                                "USD", "US"};
    struct gw_bank_req b = {key(ctx->a), acct, "Glow Clinic LLC", "110000000",
                            "000123456789"};

    return ops()->merchant_create(ctx, &m, acct, NULL) == ERR_OK &&
           ops()->bank_account_add(ctx, &b, ba, NULL) == ERR_OK;
}

static int64_t
item_sum(const struct gw_payout *po, enum gw_item_type t)
{
    int64_t sum = 0;

    for (size_t i = 0; i < po->item_count; i++)
        sum += po->items[i].type == t ? po->items[i].amount : 0;
    return sum;
}

TEST(stripe_merchant_payout)
{
    struct arena *a = arena_new(1 << 20);
    struct gw_ctx ctx = {"acc_1", NOW_MS, a};
    int port = setup(__func__);
    char acct[GW_REF_MAX];
    char ba[GW_REF_MAX];
    char debit[GW_REF_MAX];
    struct gw_charge_req r = token_charge(a, "pm_card_visa", 5000, true);
    struct gw_charge ch;
    struct gw_refund re;
    struct gw_payout po;
    json_t *p;

    if (port == 0) {
        arena_free(a);
        return;
    }
    CHECK(merchant(&ctx, acct, ba));
    CHECK(strncmp(acct, "acct_", 5) == 0 && strncmp(ba, "ba_", 3) == 0);
    CHECK_RC(ops()->bank_account_set_default(&ctx, acct, ba, NULL), ERR_OK);
    r.merchant_ref = acct;
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, NULL), ERR_OK);
    CHECK_RC(ops()->refund_create(&ctx, key(a), ch.ref, 1000, &re, NULL),
             ERR_OK);
    CHECK_RC(ops()->merchant_debit(&ctx, key(a), acct, 300, "USD",
                                   "reader rental", debit, NULL),
             ERR_OK);
    p = standin_control(a, port, "/_standin/payout",
                        arena_printf(a, "{\"account\":\"%s\"}", acct));
    CHECK(p != NULL);
    CHECK_RC(ops()->payout_retrieve(
                 &ctx,
                 arena_printf(a, "%s/%s", acct,
                              json_string_value(json_object_get(p, "id"))),
                 &po, NULL),
             ERR_OK);
    json_decref(p);
    CHECK(po.status == GW_PAYOUT_PAID && strcmp(po.bank_ref, ba) == 0);
    CHECK(strcmp(po.currency, "USD") == 0);
    CHECK_I64(item_sum(&po, GW_ITEM_CHARGE), 5000);
    CHECK_I64(item_sum(&po, GW_ITEM_FEE), -175);
    CHECK_I64(item_sum(&po, GW_ITEM_REFUND), -1000);
    CHECK_I64(item_sum(&po, GW_ITEM_DEBIT), -300);
    CHECK_I64(po.amount, 5000 - 175 - 1000 - 300);
    CHECK(strcmp(po.items[0].source_ref, ch.ref) == 0);
    CHECK_RC(ops()->bank_account_delete(&ctx, acct, ba, NULL), ERR_OK);
    arena_free(a);
}

TEST(stripe_dispute)
{
    struct arena *a = arena_new(1 << 20);
    struct gw_ctx ctx = {"acc_1", NOW_MS, a};
    int port = setup(__func__);
    struct gw_charge_req r = token_charge(a, "pm_card_visa", 2000, true);
    struct gw_charge ch;
    struct gw_dispute du;
    struct gw_refund re;
    struct errinfo ei;
    char ref[GW_REF_MAX];
    json_t *d;

    if (port == 0) {
        arena_free(a);
        return;
    }
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, NULL), ERR_OK);
    d = standin_control(a, port, "/_standin/dispute",
                        arena_printf(a, "{\"payment_intent\":\"%s\"}", ch.ref));
    CHECK(d != NULL);
    snprintf(ref, sizeof(ref), "%s",
             json_string_value(json_object_get(d, "id")));
    json_decref(d);
    CHECK_RC(ops()->dispute_retrieve(&ctx, ref, &du, NULL), ERR_OK);
    CHECK(du.status == GW_DISPUTE_NEEDS_RESPONSE);
    CHECK(strcmp(du.charge_ref, ch.ref) == 0 && du.amount == 2000);
    CHECK(du.fee == 1500 && du.due_by_ms > du.created_ms);
    CHECK(strcmp(du.reason, "fraudulent") == 0);
    CHECK_RC(ops()->refund_create(&ctx, key(a), ch.ref, 100, &re, &ei),
             ERR_CONFLICT);
    CHECK(strcmp(ei.code, "charge_disputed") == 0);
    CHECK_RC(ops()->dispute_evidence(&ctx, ref, "{\"uncategorized_text\":1}",
                                     true, &du, NULL),
             ERR_INVALID);
    CHECK_RC(ops()->dispute_evidence(
                 &ctx, ref, "{\"uncategorized_text\":\"winning_evidence\"}",
                 true, &du, NULL),
             ERR_OK);
    CHECK(du.status == GW_DISPUTE_WON);
    arena_free(a);
}

TEST(stripe_reader)
{
    struct arena *a = arena_new(1 << 20);
    struct gw_ctx ctx = {"acc_1", NOW_MS, a};
    int port = setup(__func__);
    char tmr[GW_REF_MAX];
    struct gw_charge ch;
    struct gw_charge_req r = {.amount = 3000,
                              .currency = "USD",
                              .source = GW_SOURCE_READER,
                              .capture = true};

    if (port == 0) {
        arena_free(a);
        return;
    }
    CHECK_RC(ops()->reader_register(&ctx, key(a), NULL, "WSC513105011295", tmr,
                                    NULL),
             ERR_OK);
    r.idem_key = key(a);
    r.reader_ref = tmr;
    CHECK_RC(ops()->charge_create(&ctx, &r, &ch, NULL), ERR_OK);
    CHECK(ch.status == GW_CHARGE_PROCESSING);
    json_decref(standin_control(a, port, "/_standin/reader_present",
                                arena_printf(a, "{\"reader\":\"%s\"}", tmr)));
    CHECK_RC(ops()->charge_retrieve(&ctx, ch.ref, &ch, NULL), ERR_OK);
    CHECK(ch.status == GW_CHARGE_SUCCEEDED && ch.card_present);
    CHECK(strcmp(ch.card.last4, "4242") == 0 && ch.fee == 117);
    CHECK_RC(ops()->reader_delete(&ctx, tmr, NULL), ERR_OK);
    CHECK_RC(ops()->reader_delete(&ctx, tmr, NULL), ERR_NOT_FOUND);
    arena_free(a);
}
