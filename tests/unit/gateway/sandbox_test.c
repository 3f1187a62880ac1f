/*
 * sandbox_test.c - the sandbox processor through its operations table and
 * its own API: test cards, tokens, idempotency (also under threads),
 * holds, captures, cancels, refunds, settlement at local cut-offs,
 * payouts, disputes, webhooks (delivered to a listener in this process)
 * and tenant isolation. Every test runs on a fresh SQLite file and, when
 * POISE_TEST_PG_URL is set, on that PostgreSQL database (schema
 * "sandbox"). Time moves through ctx.now_ms; nothing sleeps.
 */
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/crypto.h"
#include "base/time.h"
#include "gateway/gateway.h"
#include "gateway/sandbox.h"
#include "gateway/signature.h"
#include "harness.h"

#define T0 INT64_C(1772463600000) /* Mon 2026-03-02 15:00 UTC */
#define HOUR INT64_C(3600000)
#define DAY (24 * HOUR)
#define CUT1 (T0 + 8 * HOUR) /* 18:00 in New York that day */

static char db_path[256];
static char webhook_url[128];

static const struct gw_ops *
sb(void)
{
    return gateway_get(GW_SANDBOX);
}

static bool
open_at(const char *url)
{
    struct sandbox_config c;
    struct errinfo ei = {0};

    sandbox_config_init(&c);
    c.db_url = url;
    c.webhook_url = webhook_url[0] != '\0' ? webhook_url : NULL;
    if (sandbox_open(&c, &ei) != ERR_OK) {
        harness_fail(__FILE__, __LINE__, "sandbox_open: %s", ei.message);
        return false;
    }
    return true;
}

static const char *
current_url(void)
{
    const char *pg = getenv("POISE_TEST_PG_URL");

    return db_path[0] != '\0' ? db_path : pg;
}

static bool
start_sqlite(void)
{
    static int n;

    webhook_url[0] = '\0';
    snprintf(db_path, sizeof(db_path), "/tmp/poise-sandbox-%d-%d.db",
             (int)getpid(), n++);
    return open_at(db_path);
}

static bool
start_pg(void)
{
    static bool told;
    const char *url = getenv("POISE_TEST_PG_URL");

    webhook_url[0] = '\0';
    db_path[0] = '\0';
    if (url == NULL) {
        if (!told)
            printf("sandbox *_pg: skipped, no POISE_TEST_PG_URL\n");
        told = true;
        return false;
    }
    return open_at(url);
}

static void
stop(void)
{
    char p[300];

    sandbox_close();
    if (db_path[0] == '\0')
        return;
    unlink(db_path);
    snprintf(p, sizeof(p), "%s-wal", db_path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", db_path);
    unlink(p);
    db_path[0] = '\0';
}

/* A test body run once per engine. */
#define SB_TEST(name)                                                          \
    static void name(void);                                                    \
    TEST(name##_sqlite)                                                        \
    {                                                                          \
        if (start_sqlite())                                                    \
            name();                                                            \
        stop();                                                                \
    }                                                                          \
    TEST(name##_pg)                                                            \
    {                                                                          \
        if (start_pg())                                                        \
            name();                                                            \
        stop();                                                                \
    }                                                                          \
    static void name(void)

/* One account with a merchant (and maybe a bank account). */
struct fx {
    struct arena *a;
    struct gw_ctx ctx;
    char account[64];
    char secret[GW_SECRET_MAX];
    char merchant[GW_REF_MAX];
    char bank[GW_REF_MAX];
    int keys;
};

static const char *
key(struct fx *f)
{
    return arena_printf(f->a, "key-%d", f->keys++);
}

static bool
fx_init(struct fx *f, const char *tz, bool with_bank)
{
    struct arena *tmp = arena_new(1u << 16);
    struct gw_merchant_req m = {"m-key", "Clinic", tz, "USD", "US"};
    struct gw_bank_req b = {"b-key", NULL, "Dr A", "110000000", "000123456789"};
    bool ok;

    memset(f, 0, sizeof(*f));
    f->a = arena_new(64u << 20);
    snprintf(f->account, sizeof(f->account), "%s",
             id_new(tmp, "acc", time_now_ms()));
    arena_free(tmp);
    f->ctx = (struct gw_ctx){.account_id = f->account, .now_ms = T0, .a = f->a};
    ok = sb()->connect(&f->ctx, f->secret, sizeof(f->secret), NULL) == ERR_OK &&
         sb()->merchant_create(&f->ctx, &m, f->merchant, NULL) == ERR_OK;
    b.merchant_ref = f->merchant;
    if (ok && with_bank)
        ok = sb()->bank_account_add(&f->ctx, &b, f->bank, NULL) == ERR_OK;
    return ok;
}

static void
fx_free(struct fx *f)
{
    arena_free(f->a);
}

/* A fresh token for number (expiry 12/2030), or "" on failure. */
static const char *
tok(struct fx *f, const char *number)
{
    char *t = arena_alloc(f->a, GW_REF_MAX);
    const char *cvc = number[0] == '3' ? "1234" : "123";

    if (sandbox_tokenize(&f->ctx, number, 12, 2030, cvc, t, NULL, NULL))
        t[0] = '\0';
    return t;
}

static struct gw_charge_req
req(struct fx *f, int64_t amount, bool capture)
{
    return (struct gw_charge_req){.idem_key = key(f),
                                  .merchant_ref = f->merchant,
                                  .amount = amount,
                                  .currency = "USD",
                                  .source = GW_SOURCE_TOKEN,
                                  .capture = capture};
}

static enum err
charge(struct fx *f, const char *number, int64_t amount, bool capture,
       struct gw_charge *out, struct errinfo *ei)
{
    struct gw_charge_req r = req(f, amount, capture);

    r.token = tok(f, number);
    return sb()->charge_create(&f->ctx, &r, out, ei);
}

static enum err
advance_to(struct fx *f, int64_t t_ms)
{
    f->ctx.now_ms = t_ms;
    return sandbox_advance(&f->ctx, NULL);
}

/* data.object.id of the nth (0-based) event of type into ref; or false. */
static bool
event_ref(struct fx *f, const char *type, int nth, char *ref)
{
    struct sandbox_event *ev = NULL;
    size_t n = 0;

    if (sandbox_events_list(&f->ctx, &ev, &n, NULL) != ERR_OK)
        return false;
    for (size_t i = 0; i < n; i++) {
        json_t *v;

        if (strcmp(ev[i].type, type) != 0 || nth-- > 0)
            continue;
        v = json_loads(ev[i].body, 0, NULL);
        snprintf(
            ref, GW_REF_MAX, "%s",
            json_string_value(json_object_get(
                json_object_get(json_object_get(v, "data"), "object"), "id")));
        json_decref(v);
        return true;
    }
    return false;
}

static int
event_count(struct fx *f, const char *type)
{
    struct sandbox_event *ev = NULL;
    size_t n = 0;
    int count = 0;

    if (sandbox_events_list(&f->ctx, &ev, &n, NULL) != ERR_OK)
        return -1;
    for (size_t i = 0; i < n; i++)
        count += strcmp(ev[i].type, type) == 0;
    return count;
}

/* ---- test cards ---- */

static const struct {
    const char *number;
    const char *brand;
    const char *code; /* NULL: approves */
    const char *decline_code;
} cards[] = {
    {"4242424242424242", "visa", NULL, NULL},
    {"5555555555554444", "mastercard", NULL, NULL},
    {"378282246310005", "amex", NULL, NULL},
    {"4111111111111111", "visa", NULL, NULL},
    {"4000000000000259", "visa", NULL, NULL},
    {"4000000000000002", "visa", "card_declined", "generic_decline"},
    {"4000000000009995", "visa", "card_declined", "insufficient_funds"},
    {"4000000000000069", "visa", "expired_card", "expired_card"},
    {"4000000000000127", "visa", "incorrect_cvc", "incorrect_cvc"},
    {"4000000000000341", "visa", "card_declined", "generic_decline"},
};

SB_TEST(sandbox_test_cards)
{
    struct fx f;

    CHECK(fx_init(&f, "America/New_York", false));
    for (size_t i = 0; i < sizeof(cards) / sizeof(cards[0]); i++) {
        struct gw_charge c;
        struct gw_charge again;
        struct errinfo ei = {0};
        enum err rc = charge(&f, cards[i].number, 1000, true, &c, &ei);

        CHECK(strcmp(c.card.brand, cards[i].brand) == 0);
        CHECK(strcmp(c.card.last4,
                     cards[i].number + strlen(cards[i].number) - 4) == 0);
        CHECK_RC(sb()->charge_retrieve(&f.ctx, c.ref, &again, NULL), ERR_OK);
        CHECK(again.status == c.status);
        if (cards[i].code == NULL) {
            CHECK_RC(rc, ERR_OK);
            CHECK(c.status == GW_CHARGE_SUCCEEDED);
            CHECK_I64(c.amount_captured, 1000);
            continue;
        }
        CHECK_RC(rc, ERR_DECLINED);
        CHECK(c.status == GW_CHARGE_FAILED);
        CHECK(strcmp(ei.code, cards[i].code) == 0);
        CHECK(strcmp(ei.decline_code, cards[i].decline_code) == 0);
        CHECK(strcmp(c.failure_code, cards[i].code) == 0);
        CHECK(strcmp(c.decline_code, cards[i].decline_code) == 0);
        CHECK_I64(c.fee, 0);
    }
    CHECK(event_count(&f, "charge.failed") == 5);
    CHECK(event_count(&f, "charge.succeeded") == 5);
    fx_free(&f);
}

/* 0341 saves fine; every charge on the saved card declines. */
SB_TEST(sandbox_card_on_file_declines)
{
    struct fx f;
    struct gw_card card;
    struct gw_charge c;
    struct errinfo ei = {0};
    char cus[GW_REF_MAX];
    char pm[GW_REF_MAX];
    char pm2[GW_REF_MAX];
    struct gw_charge_req r;

    CHECK(fx_init(&f, "America/New_York", false));
    CHECK_RC(sb()->customer_create(&f.ctx, "cus-1", "pat_1", cus, NULL),
             ERR_OK);
    const char *t = tok(&f, "4000000000000341");
    CHECK_RC(sb()->card_attach(&f.ctx, "att-1", cus, t, pm, &card, NULL),
             ERR_OK);
    CHECK(strcmp(card.last4, "0341") == 0);
    /* The same key answers the same card; the token is spent. */
    CHECK_RC(sb()->card_attach(&f.ctx, "att-1", cus, t, pm2, &card, NULL),
             ERR_OK);
    CHECK(strcmp(pm, pm2) == 0);
    CHECK_RC(sb()->card_attach(&f.ctx, "att-2", cus, t, pm2, &card, &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.code, "token_already_used") == 0);
    r = req(&f, 5000, true);
    r.source = GW_SOURCE_CARD;
    r.customer_ref = cus;
    r.card_ref = pm;
    r.off_session = true;
    CHECK_RC(sb()->charge_create(&f.ctx, &r, &c, &ei), ERR_DECLINED);
    CHECK(strcmp(ei.decline_code, "generic_decline") == 0);
    CHECK_RC(sb()->card_detach(&f.ctx, cus, pm, NULL), ERR_OK);
    r.idem_key = key(&f);
    CHECK_RC(sb()->charge_create(&f.ctx, &r, &c, &ei), ERR_NOT_FOUND);
    fx_free(&f);
}

SB_TEST(sandbox_tokenize_refusals)
{
    struct fx f;
    struct errinfo ei = {0};
    char t[GW_REF_MAX];
    struct gw_card card;

    CHECK(fx_init(&f, "America/New_York", false));
    CHECK_RC(sandbox_tokenize(&f.ctx, "4242424242424241", 12, 2030, "123", t,
                              NULL, &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.code, "incorrect_number") == 0);
    CHECK(strcmp(ei.param, "number") == 0);
    CHECK(strstr(ei.message, "4242") == NULL);
    CHECK_RC(sandbox_tokenize(&f.ctx, "4242424242424242", 13, 2030, "123", t,
                              NULL, &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.code, "invalid_expiry_month") == 0);
    CHECK_RC(sandbox_tokenize(&f.ctx, "4242424242424242", 1, 2025, "123", t,
                              NULL, &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.code, "invalid_expiry_year") == 0);
    CHECK_RC(sandbox_tokenize(&f.ctx, "4242424242424242", 2, 2026, "123", t,
                              NULL, &ei),
             ERR_INVALID); /* February 2026 ended before 2 March */
    CHECK(strcmp(ei.code, "invalid_expiry_month") == 0);
    CHECK_RC(sandbox_tokenize(&f.ctx, "4242424242424242", 3, 2026, "12a", t,
                              NULL, &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.code, "invalid_cvc") == 0);
    CHECK(strcmp(ei.param, "cvc") == 0);
    CHECK_RC(sandbox_tokenize(&f.ctx, "378282246310005", 3, 2026, "123", t,
                              NULL, &ei),
             ERR_INVALID); /* amex has 4 digits */
    CHECK(strcmp(ei.code, "invalid_cvc") == 0);
    CHECK_RC(sandbox_tokenize(&f.ctx, "4242 4242 4242 4242", 3, 2026, "123", t,
                              &card, &ei),
             ERR_OK);
    CHECK(strncmp(t, "tok_", 4) == 0);
    CHECK(strcmp(card.brand, "visa") == 0 && card.exp_year == 2026);
    CHECK(strncmp(card.fingerprint, "fp_", 3) == 0);
    fx_free(&f);
}

/* True when the file at path holds needle anywhere. */
static bool
file_has(const char *path, const char *needle)
{
    static char data[8u << 20];
    FILE *fp = fopen(path, "rb");
    size_t n;

    if (fp == NULL)
        return false;
    n = fread(data, 1, sizeof(data), fp);
    fclose(fp);
    return memmem(data, n, needle, strlen(needle)) != NULL;
}

/* The card number never reaches the database (SQLite file and WAL). */
SB_TEST(sandbox_number_never_stored)
{
    struct fx f;
    struct gw_charge c;
    char wal[300];

    CHECK(fx_init(&f, "America/New_York", false));
    CHECK_RC(charge(&f, "4242424242424242", 1000, true, &c, NULL), ERR_OK);
    CHECK_RC(charge(&f, "378282246310005", 1000, true, &c, NULL), ERR_OK);
    if (db_path[0] != '\0') {
        snprintf(wal, sizeof(wal), "%s-wal", db_path);
        CHECK(file_has(wal, "4242") || file_has(db_path, "4242"));
        CHECK(!file_has(db_path, "4242424242424242"));
        CHECK(!file_has(wal, "4242424242424242"));
        CHECK(!file_has(wal, "378282246310005"));
    }
    fx_free(&f);
}

SB_TEST(sandbox_token_single_use_and_expiry)
{
    struct fx f;
    struct fx other;
    struct gw_charge c;
    struct errinfo ei = {0};
    struct gw_charge_req r;

    CHECK(fx_init(&f, "America/New_York", false));
    CHECK(fx_init(&other, "America/New_York", false));
    r = req(&f, 1000, true);
    r.token = tok(&f, "4242424242424242");
    CHECK_RC(sb()->charge_create(&f.ctx, &r, &c, NULL), ERR_OK);
    r.idem_key = key(&f);
    CHECK_RC(sb()->charge_create(&f.ctx, &r, &c, &ei), ERR_INVALID);
    CHECK(strcmp(ei.code, "token_already_used") == 0);
    CHECK(strcmp(ei.param, "token") == 0);
    r.idem_key = key(&f);
    r.token = tok(&f, "4242424242424242");
    f.ctx.now_ms += 15 * 60000;
    CHECK_RC(sb()->charge_create(&f.ctx, &r, &c, &ei), ERR_INVALID);
    CHECK(strcmp(ei.code, "token_expired") == 0);
    r.idem_key = key(&f);
    r.token = "tok_nope";
    CHECK_RC(sb()->charge_create(&f.ctx, &r, &c, &ei), ERR_INVALID);
    CHECK(strcmp(ei.code, "token_invalid") == 0);
    /* Another account's token is no token here. */
    r.token = tok(&other, "4242424242424242");
    CHECK_RC(sb()->charge_create(&f.ctx, &r, &c, &ei), ERR_INVALID);
    CHECK(strcmp(ei.code, "token_invalid") == 0);
    fx_free(&other);
    fx_free(&f);
}

SB_TEST(sandbox_idempotent_charge)
{
    struct fx f;
    struct gw_charge c1;
    struct gw_charge c2;
    struct errinfo ei = {0};
    struct sandbox_charge_list list;
    struct gw_charge_req r;

    CHECK(fx_init(&f, "America/New_York", false));
    r = req(&f, 2500, true);
    r.token = tok(&f, "4242424242424242");
    CHECK_RC(sb()->charge_create(&f.ctx, &r, &c1, NULL), ERR_OK);
    CHECK_RC(sb()->charge_create(&f.ctx, &r, &c2, NULL), ERR_OK);
    CHECK(strcmp(c1.ref, c2.ref) == 0);
    CHECK_RC(sb()->charge_lookup(&f.ctx, r.idem_key, &c2, NULL), ERR_OK);
    CHECK(strcmp(c1.ref, c2.ref) == 0);
    /* A decline replays as the same decline. */
    r = req(&f, 2500, true);
    r.token = tok(&f, "4000000000009995");
    CHECK_RC(sb()->charge_create(&f.ctx, &r, &c1, NULL), ERR_DECLINED);
    CHECK_RC(sb()->charge_create(&f.ctx, &r, &c2, &ei), ERR_DECLINED);
    CHECK(strcmp(c1.ref, c2.ref) == 0);
    CHECK(strcmp(ei.decline_code, "insufficient_funds") == 0);
    CHECK_RC(sb()->charge_lookup(&f.ctx, "never-used", &c2, NULL),
             ERR_NOT_FOUND);
    CHECK_RC(sandbox_charges_list(&f.ctx, 0, 1000, &list, NULL), ERR_OK);
    CHECK(list.count == 2);
    CHECK(list.keys_with_many == 0);
    CHECK(strcmp(list.items[0].idem_key, "key-0") == 0);
    fx_free(&f);
}

#define RACERS 8

struct racer {
    const char *account;
    const struct gw_charge_req *r;
    enum err rc;
    char ref[GW_REF_MAX];
};

static void *
race(void *p)
{
    struct racer *me = p;
    struct arena *a = arena_new(1u << 20);
    struct gw_ctx ctx = {.account_id = me->account, .now_ms = T0, .a = a};
    struct gw_charge c;

    me->rc = sb()->charge_create(&ctx, me->r, &c, NULL);
    snprintf(me->ref, sizeof(me->ref), "%s", c.ref);
    arena_free(a);
    return NULL;
}

SB_TEST(sandbox_idempotent_under_threads)
{
    struct fx f;
    struct racer racers[RACERS];
    pthread_t th[RACERS];
    struct sandbox_charge_list list;
    struct gw_charge_req r;

    CHECK(fx_init(&f, "America/New_York", false));
    r = req(&f, 777, true);
    r.token = tok(&f, "4242424242424242");
    for (int i = 0; i < RACERS; i++) {
        racers[i] = (struct racer){.account = f.account, .r = &r};
        CHECK(pthread_create(&th[i], NULL, race, &racers[i]) == 0);
    }
    for (int i = 0; i < RACERS; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < RACERS; i++) {
        CHECK_RC(racers[i].rc, ERR_OK);
        CHECK(strcmp(racers[i].ref, racers[0].ref) == 0);
    }
    CHECK_RC(sandbox_charges_list(&f.ctx, 0, 1000, &list, NULL), ERR_OK);
    CHECK(list.count == 1);
    CHECK(list.keys_with_many == 0);
    fx_free(&f);
}

/* ---- holds, captures, cancels ---- */

SB_TEST(sandbox_authorize_and_partial_capture)
{
    struct fx f;
    struct gw_charge c;
    struct errinfo ei = {0};

    CHECK(fx_init(&f, "America/New_York", false));
    CHECK_RC(charge(&f, "4242424242424242", 1000, false, &c, NULL), ERR_OK);
    CHECK(c.status == GW_CHARGE_REQUIRES_CAPTURE);
    CHECK_I64(c.capture_before_ms, T0 + 7 * DAY);
    CHECK_I64(c.fee, 0);
    CHECK_RC(sb()->charge_capture(&f.ctx, "cap-1", c.ref, 1001, &c, &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.code, "amount_too_large") == 0);
    CHECK_RC(sb()->charge_capture(&f.ctx, "cap-1", c.ref, 0, &c, &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.code, "amount_too_small") == 0);
    /* 500 * 2.9% = 14.5: half up to 15, plus 30. */
    CHECK_RC(sb()->charge_capture(&f.ctx, "cap-1", c.ref, 500, &c, NULL),
             ERR_OK);
    CHECK(c.status == GW_CHARGE_SUCCEEDED);
    CHECK_I64(c.amount, 1000);
    CHECK_I64(c.amount_captured, 500);
    CHECK_I64(c.fee, 45);
    CHECK_I64(c.capture_before_ms, 0);
    /* The same key replays; another key is a second capture. */
    CHECK_RC(sb()->charge_capture(&f.ctx, "cap-1", c.ref, 500, &c, NULL),
             ERR_OK);
    CHECK_RC(sb()->charge_capture(&f.ctx, "cap-2", c.ref, 500, &c, &ei),
             ERR_CONFLICT);
    CHECK(strcmp(ei.code, "charge_already_captured") == 0);
    CHECK(event_count(&f, "charge.captured") == 1);
    fx_free(&f);
}

SB_TEST(sandbox_capture_after_expiry)
{
    struct fx f;
    struct gw_charge c;
    struct gw_charge d;
    struct errinfo ei = {0};

    CHECK(fx_init(&f, "America/New_York", false));
    CHECK_RC(charge(&f, "4242424242424242", 1000, false, &c, NULL), ERR_OK);
    f.ctx.now_ms = T0 + 7 * DAY + 1000;
    CHECK_RC(sb()->charge_capture(&f.ctx, "cap", c.ref, 1000, &d, &ei),
             ERR_CONFLICT);
    CHECK(strcmp(ei.code, "charge_expired_for_capture") == 0);
    CHECK_RC(sb()->charge_retrieve(&f.ctx, c.ref, &d, NULL), ERR_OK);
    CHECK(d.status == GW_CHARGE_CANCELED);
    CHECK(event_count(&f, "charge.expired") == 1);
    CHECK_RC(sb()->charge_capture(&f.ctx, "cap", c.ref, 1000, &d, &ei),
             ERR_CONFLICT);
    CHECK(strcmp(ei.code, "charge_expired_for_capture") == 0);
    /* The clock alone expires a hold, not before its last millisecond. */
    f.ctx.now_ms = T0;
    CHECK_RC(charge(&f, "4242424242424242", 1000, false, &c, NULL), ERR_OK);
    CHECK_RC(advance_to(&f, T0 + 7 * DAY), ERR_OK);
    CHECK_RC(sb()->charge_retrieve(&f.ctx, c.ref, &d, NULL), ERR_OK);
    CHECK(d.status == GW_CHARGE_REQUIRES_CAPTURE);
    CHECK_RC(advance_to(&f, T0 + 7 * DAY + 1), ERR_OK);
    CHECK_RC(sb()->charge_retrieve(&f.ctx, c.ref, &d, NULL), ERR_OK);
    CHECK(d.status == GW_CHARGE_CANCELED);
    CHECK(event_count(&f, "charge.expired") == 2);
    fx_free(&f);
}

SB_TEST(sandbox_cancel_before_and_after_settlement)
{
    struct fx f;
    struct gw_charge c1;
    struct gw_charge c2;
    struct gw_charge c3;
    struct gw_payout po;
    struct errinfo ei = {0};
    char ref[GW_REF_MAX];

    CHECK(fx_init(&f, "America/New_York", true));
    CHECK_RC(charge(&f, "4242424242424242", 1000, true, &c1, NULL), ERR_OK);
    CHECK_RC(charge(&f, "4242424242424242", 2000, true, &c2, NULL), ERR_OK);
    CHECK_RC(charge(&f, "4242424242424242", 3000, false, &c3, NULL), ERR_OK);
    CHECK_RC(sb()->charge_cancel(&f.ctx, "can-1", c1.ref, &c1, NULL), ERR_OK);
    CHECK(c1.status == GW_CHARGE_CANCELED);
    CHECK_I64(c1.fee, 0);
    CHECK_RC(sb()->charge_cancel(&f.ctx, "can-1", c1.ref, &c1, NULL), ERR_OK);
    CHECK_RC(sb()->charge_cancel(&f.ctx, "can-3", c3.ref, &c3, NULL), ERR_OK);
    CHECK(c3.status == GW_CHARGE_CANCELED);
    CHECK_RC(sb()->charge_capture(&f.ctx, "cap-3", c3.ref, 3000, &c3, &ei),
             ERR_CONFLICT);
    CHECK(strcmp(ei.code, "payment_intent_unexpected_state") == 0);
    CHECK_RC(advance_to(&f, CUT1), ERR_OK);
    CHECK_RC(sb()->charge_cancel(&f.ctx, "can-2", c2.ref, &c2, &ei),
             ERR_CONFLICT);
    CHECK(strcmp(ei.code, "charge_already_settled") == 0);
    /* Only the charge that stayed is paid out: 2000 - (58 + 30). */
    CHECK(event_ref(&f, "payout.created", 0, ref));
    CHECK_RC(sb()->payout_retrieve(&f.ctx, ref, &po, NULL), ERR_OK);
    CHECK_I64(po.amount, 1912);
    CHECK(po.item_count == 2);
    CHECK(strcmp(po.items[0].source_ref, c2.ref) == 0);
    fx_free(&f);
}

/* ---- refunds ---- */

SB_TEST(sandbox_refund_limits)
{
    struct fx f;
    struct gw_charge c;
    struct gw_refund r1;
    struct gw_refund r2;
    struct errinfo ei = {0};

    CHECK(fx_init(&f, "America/New_York", false));
    CHECK_RC(charge(&f, "4242424242424242", 1000, true, &c, NULL), ERR_OK);
    CHECK_RC(sb()->refund_create(&f.ctx, "re-1", c.ref, 600, &r1, NULL),
             ERR_OK);
    CHECK(r1.status == GW_REFUND_SUCCEEDED);
    CHECK_RC(sb()->refund_create(&f.ctx, "re-1", c.ref, 600, &r2, NULL),
             ERR_OK);
    CHECK(strcmp(r1.ref, r2.ref) == 0);
    CHECK_RC(sb()->refund_create(&f.ctx, "re-2", c.ref, 401, &r2, &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.code, "amount_too_large") == 0);
    CHECK_RC(sb()->refund_create(&f.ctx, "re-2", c.ref, 0, &r2, &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.code, "amount_too_small") == 0);
    CHECK_RC(sb()->refund_create(&f.ctx, "re-2", c.ref, 400, &r2, NULL),
             ERR_OK);
    CHECK_RC(sb()->refund_create(&f.ctx, "re-3", c.ref, 1, &r2, &ei),
             ERR_CONFLICT);
    CHECK(strcmp(ei.code, "charge_already_refunded") == 0);
    CHECK_RC(sb()->charge_retrieve(&f.ctx, c.ref, &c, NULL), ERR_OK);
    CHECK_I64(c.amount_refunded, 1000);
    CHECK_RC(sb()->refund_retrieve(&f.ctx, r1.ref, &r2, NULL), ERR_OK);
    CHECK_I64(r2.amount, 600);
    CHECK(event_count(&f, "charge.refunded") == 2);
    fx_free(&f);
}

/* 7726: pending, then succeeded; 5126: succeeded, then failed. */
SB_TEST(sandbox_refunds_that_change_later)
{
    struct fx f;
    struct gw_charge c1;
    struct gw_charge c2;
    struct gw_refund r1;
    struct gw_refund r2;

    CHECK(fx_init(&f, "America/New_York", false));
    CHECK_RC(charge(&f, "4000000000007726", 1000, true, &c1, NULL), ERR_OK);
    CHECK_RC(charge(&f, "4000000000005126", 1000, true, &c2, NULL), ERR_OK);
    CHECK_RC(sb()->refund_create(&f.ctx, "re-1", c1.ref, 1000, &r1, NULL),
             ERR_OK);
    CHECK_RC(sb()->refund_create(&f.ctx, "re-2", c2.ref, 1000, &r2, NULL),
             ERR_OK);
    CHECK(r1.status == GW_REFUND_PENDING);
    CHECK(r2.status == GW_REFUND_SUCCEEDED);
    CHECK_RC(advance_to(&f, T0 + 1000), ERR_OK);
    CHECK_RC(sb()->refund_retrieve(&f.ctx, r1.ref, &r1, NULL), ERR_OK);
    CHECK_RC(sb()->refund_retrieve(&f.ctx, r2.ref, &r2, NULL), ERR_OK);
    CHECK(r1.status == GW_REFUND_SUCCEEDED);
    CHECK(r2.status == GW_REFUND_FAILED);
    CHECK(r2.failure_code[0] != '\0');
    CHECK_RC(sb()->charge_retrieve(&f.ctx, c2.ref, &c2, NULL), ERR_OK);
    CHECK_I64(c2.amount_refunded, 0);
    CHECK(event_count(&f, "charge.refund.updated") == 2);
    CHECK_RC(advance_to(&f, T0 + 2000), ERR_OK);
    CHECK(event_count(&f, "charge.refund.updated") == 2);
    fx_free(&f);
}

/* ---- settlement and payouts ---- */

SB_TEST(sandbox_settles_at_local_cutoff)
{
    struct fx ny;
    struct fx tokyo;
    struct gw_charge c;
    struct gw_payout po;
    char ref[GW_REF_MAX];

    CHECK(fx_init(&ny, "America/New_York", true));
    CHECK(fx_init(&tokyo, "Asia/Tokyo", true));
    CHECK_RC(charge(&ny, "4242424242424242", 10000, true, &c, NULL), ERR_OK);
    CHECK_RC(charge(&tokyo, "4242424242424242", 10000, true, &c, NULL), ERR_OK);
    /* New York closes at 23:00 UTC (18:00 EST), Tokyo at 09:00 UTC. */
    CHECK_RC(advance_to(&ny, CUT1 - 1), ERR_OK);
    CHECK(event_count(&ny, "payout.created") == 0);
    CHECK_RC(advance_to(&ny, CUT1), ERR_OK);
    CHECK(event_ref(&ny, "payout.created", 0, ref));
    CHECK_RC(sb()->payout_retrieve(&ny.ctx, ref, &po, NULL), ERR_OK);
    CHECK_I64(po.created_ms, CUT1);
    CHECK_I64(po.arrival_ms, CUT1 + DAY);
    CHECK(po.status == GW_PAYOUT_IN_TRANSIT);
    CHECK_RC(advance_to(&tokyo, T0 + 18 * HOUR - 1), ERR_OK);
    CHECK(event_count(&tokyo, "payout.created") == 0);
    CHECK_RC(advance_to(&tokyo, T0 + 18 * HOUR), ERR_OK);
    CHECK(event_ref(&tokyo, "payout.created", 0, ref));
    CHECK_RC(sb()->payout_retrieve(&tokyo.ctx, ref, &po, NULL), ERR_OK);
    CHECK_I64(po.created_ms, T0 + 18 * HOUR);
    /* A charge after the cut-off waits for the next day's payout. */
    CHECK_RC(charge(&ny, "4242424242424242", 5000, true, &c, NULL), ERR_OK);
    CHECK_RC(advance_to(&ny, CUT1 + DAY), ERR_OK);
    CHECK(event_count(&ny, "payout.paid") == 1);
    CHECK(event_ref(&ny, "payout.created", 1, ref));
    CHECK_RC(sb()->payout_retrieve(&ny.ctx, ref, &po, NULL), ERR_OK);
    CHECK_I64(po.amount, 5000 - 175);
    CHECK_RC(advance_to(&ny, CUT1 + DAY), ERR_OK); /* nothing new */
    CHECK(event_count(&ny, "payout.created") == 2);
    fx_free(&tokyo);
    fx_free(&ny);
}

SB_TEST(sandbox_payout_is_sum_of_items)
{
    struct fx f;
    struct gw_charge c1;
    struct gw_charge c2;
    struct gw_refund re;
    struct gw_payout po;
    char debit[GW_REF_MAX];
    char ref[GW_REF_MAX];
    int64_t sum = 0;

    CHECK(fx_init(&f, "America/New_York", true));
    CHECK_RC(charge(&f, "4242424242424242", 10000, true, &c1, NULL), ERR_OK);
    CHECK_RC(charge(&f, "5555555555554444", 5000, true, &c2, NULL), ERR_OK);
    CHECK_RC(sb()->refund_create(&f.ctx, "re", c1.ref, 2000, &re, NULL),
             ERR_OK);
    CHECK_RC(sb()->merchant_debit(&f.ctx, "dbt", f.merchant, 1000, "USD",
                                  "reader", debit, NULL),
             ERR_OK);
    CHECK_RC(advance_to(&f, CUT1), ERR_OK);
    CHECK(event_ref(&f, "payout.created", 0, ref));
    CHECK_RC(sb()->payout_retrieve(&f.ctx, ref, &po, NULL), ERR_OK);
    CHECK_I64(po.amount, 10000 - 320 + 5000 - 175 - 2000 - 1000);
    CHECK(po.item_count == 6);
    for (size_t i = 0; i < po.item_count; i++)
        sum += po.items[i].amount;
    CHECK_I64(sum, po.amount);
    CHECK(po.items[0].type == GW_ITEM_CHARGE);
    CHECK_I64(po.items[0].amount, 10000);
    CHECK(po.items[1].type == GW_ITEM_FEE);
    CHECK_I64(po.items[1].amount, -320);
    CHECK(po.items[4].type == GW_ITEM_REFUND);
    CHECK(strcmp(po.items[4].source_ref, re.ref) == 0);
    CHECK(po.items[5].type == GW_ITEM_DEBIT);
    CHECK(strcmp(po.items[5].source_ref, debit) == 0);
    CHECK(strcmp(po.bank_ref, f.bank) == 0);
    CHECK_RC(advance_to(&f, CUT1 + DAY), ERR_OK);
    CHECK_RC(sb()->payout_retrieve(&f.ctx, ref, &po, NULL), ERR_OK);
    CHECK(po.status == GW_PAYOUT_PAID);
    fx_free(&f);
}

SB_TEST(sandbox_failed_payout_returns_items)
{
    struct fx f;
    struct gw_charge c;
    struct gw_payout p1;
    struct gw_payout p2;
    struct errinfo ei = {0};
    char bad[GW_REF_MAX];
    char ref[GW_REF_MAX];
    struct gw_bank_req b = {"bad", NULL, "Dr A", "110000000", "000111111116"};

    CHECK(fx_init(&f, "America/New_York", false));
    b.merchant_ref = f.merchant;
    CHECK_RC(sb()->bank_account_add(&f.ctx, &b, bad, NULL), ERR_OK);
    CHECK_RC(charge(&f, "4242424242424242", 10000, true, &c, NULL), ERR_OK);
    CHECK_RC(advance_to(&f, CUT1), ERR_OK);
    CHECK(event_ref(&f, "payout.created", 0, ref));
    CHECK_RC(sb()->payout_retrieve(&f.ctx, ref, &p1, NULL), ERR_OK);
    CHECK_I64(p1.amount, 9680);
    CHECK_RC(sb()->bank_account_delete(&f.ctx, f.merchant, bad, &ei),
             ERR_CONFLICT);
    CHECK(strcmp(ei.code, "bank_account_in_use") == 0);
    b.idem_key = "good";
    b.account_number = "000123456789";
    CHECK_RC(sb()->bank_account_add(&f.ctx, &b, f.bank, NULL), ERR_OK);
    CHECK_RC(sb()->bank_account_set_default(&f.ctx, f.merchant, f.bank, NULL),
             ERR_OK);
    CHECK_RC(charge(&f, "4242424242424242", 2000, true, &c, NULL), ERR_OK);
    CHECK_RC(advance_to(&f, CUT1 + DAY), ERR_OK);
    CHECK_RC(sb()->payout_retrieve(&f.ctx, ref, &p1, NULL), ERR_OK);
    CHECK(p1.status == GW_PAYOUT_FAILED);
    CHECK(strcmp(p1.failure_code, "no_account") == 0);
    CHECK(event_count(&f, "payout.failed") == 1);
    CHECK(event_ref(&f, "payout.created", 1, ref));
    CHECK_RC(sb()->payout_retrieve(&f.ctx, ref, &p2, NULL), ERR_OK);
    CHECK_I64(p2.amount, 9680 + 1912);
    CHECK(p2.item_count == 4);
    CHECK(strcmp(p2.bank_ref, f.bank) == 0);
    CHECK_RC(sb()->bank_account_delete(&f.ctx, f.merchant, bad, NULL), ERR_OK);
    fx_free(&f);
}

/* Without a bank account, or with a negative net, the balance waits. */
SB_TEST(sandbox_balance_carries_over)
{
    struct fx f;
    struct gw_charge c;
    struct gw_payout po;
    char ref[GW_REF_MAX];
    struct gw_bank_req b = {"b", NULL, "Dr A", "110000000", "000123456789"};

    CHECK(fx_init(&f, "America/New_York", false));
    CHECK_RC(sb()->merchant_debit(&f.ctx, "d1", f.merchant, 3000, "USD", NULL,
                                  ref, NULL),
             ERR_OK);
    CHECK_RC(charge(&f, "4242424242424242", 10000, true, &c, NULL), ERR_OK);
    CHECK_RC(advance_to(&f, CUT1), ERR_OK);
    CHECK(event_count(&f, "payout.created") == 0);
    b.merchant_ref = f.merchant;
    CHECK_RC(sb()->bank_account_add(&f.ctx, &b, f.bank, NULL), ERR_OK);
    CHECK_RC(sb()->merchant_debit(&f.ctx, "d2", f.merchant, 9000, "USD", NULL,
                                  ref, NULL),
             ERR_OK);
    CHECK_RC(advance_to(&f, CUT1 + DAY), ERR_OK); /* 10000-320-12000 < 0 */
    CHECK(event_count(&f, "payout.created") == 0);
    CHECK_RC(charge(&f, "4242424242424242", 5000, true, &c, NULL), ERR_OK);
    CHECK_RC(advance_to(&f, CUT1 + 2 * DAY), ERR_OK);
    CHECK(event_ref(&f, "payout.created", 0, ref));
    CHECK_RC(sb()->payout_retrieve(&f.ctx, ref, &po, NULL), ERR_OK);
    CHECK_I64(po.amount, 10000 - 320 - 12000 + 5000 - 175);
    CHECK(po.item_count == 6);
    fx_free(&f);
}

/* ---- disputes ---- */

/* A disputed charge settled at CUT1; the dispute opens a day later. */
static bool
disputed(struct fx *f, struct gw_charge *c, struct gw_dispute *d)
{
    char ref[GW_REF_MAX];

    if (!fx_init(f, "America/New_York", true) ||
        charge(f, "4000000000000259", 10000, true, c, NULL) != ERR_OK ||
        advance_to(f, CUT1 + DAY - 1) != ERR_OK ||
        event_count(f, "charge.dispute.created") != 0 ||
        advance_to(f, CUT1 + DAY) != ERR_OK ||
        !event_ref(f, "charge.dispute.created", 0, ref))
        return false;
    return sb()->dispute_retrieve(&f->ctx, ref, d, NULL) == ERR_OK;
}

SB_TEST(sandbox_dispute_won)
{
    struct fx f;
    struct gw_charge c;
    struct gw_dispute d;
    struct gw_refund re;
    struct gw_payout po;
    struct errinfo ei = {0};
    char ref[GW_REF_MAX];

    CHECK(disputed(&f, &c, &d));
    CHECK(d.status == GW_DISPUTE_NEEDS_RESPONSE);
    CHECK(strcmp(d.charge_ref, c.ref) == 0);
    CHECK(strcmp(d.reason, "fraudulent") == 0);
    CHECK_I64(d.amount, 10000);
    CHECK_I64(d.fee, 1500);
    CHECK_I64(d.created_ms, CUT1 + DAY);
    CHECK_I64(d.due_by_ms, d.created_ms + 7 * DAY);
    CHECK_RC(sb()->refund_create(&f.ctx, "re", c.ref, 100, &re, &ei),
             ERR_CONFLICT);
    CHECK(strcmp(ei.code, "charge_disputed") == 0);
    f.ctx.now_ms += HOUR;
    CHECK_RC(sb()->dispute_evidence(&f.ctx, d.ref,
                                    "{\"text\":\"winning_"
                                    "evidence\"}",
                                    false, &d, NULL),
             ERR_OK);
    CHECK(d.status == GW_DISPUTE_NEEDS_RESPONSE);
    CHECK_RC(sb()->dispute_evidence(&f.ctx, d.ref, NULL, true, &d, NULL),
             ERR_OK);
    CHECK(d.status == GW_DISPUTE_UNDER_REVIEW);
    CHECK_RC(sb()->dispute_evidence(&f.ctx, d.ref, NULL, true, &d, &ei),
             ERR_CONFLICT);
    CHECK_RC(advance_to(&f, CUT1 + 2 * DAY + HOUR - 1), ERR_OK);
    CHECK_RC(sb()->dispute_retrieve(&f.ctx, d.ref, &d, NULL), ERR_OK);
    CHECK(d.status == GW_DISPUTE_UNDER_REVIEW);
    CHECK_RC(advance_to(&f, CUT1 + 2 * DAY + HOUR), ERR_OK);
    CHECK_RC(sb()->dispute_retrieve(&f.ctx, d.ref, &d, NULL), ERR_OK);
    CHECK(d.status == GW_DISPUTE_WON);
    CHECK(event_count(&f, "charge.dispute.closed") == 1);
    /* Withdrawn 11500 and returned 11500 reach the next payout. */
    CHECK_RC(charge(&f, "4242424242424242", 5000, true, &c, NULL), ERR_OK);
    CHECK_RC(advance_to(&f, CUT1 + 3 * DAY), ERR_OK);
    CHECK(event_ref(&f, "payout.created", 1, ref));
    CHECK_RC(sb()->payout_retrieve(&f.ctx, ref, &po, NULL), ERR_OK);
    CHECK_I64(po.amount, 5000 - 175);
    CHECK(po.item_count == 5);
    CHECK(po.items[0].type == GW_ITEM_DISPUTE);
    CHECK(po.items[1].type == GW_ITEM_DISPUTE_FEE);
    CHECK(po.items[2].type == GW_ITEM_DISPUTE_WON);
    CHECK_I64(po.items[2].amount, 11500);
    fx_free(&f);
}

SB_TEST(sandbox_dispute_lost)
{
    struct fx f;
    struct gw_charge c;
    struct gw_dispute d;
    struct errinfo ei = {0};

    CHECK(disputed(&f, &c, &d));
    CHECK_RC(sb()->dispute_evidence(&f.ctx, d.ref, "not json", true, &d, &ei),
             ERR_INVALID);
    CHECK_RC(sb()->dispute_evidence(&f.ctx, d.ref, "{\"text\":\"losing\"}",
                                    true, &d, NULL),
             ERR_OK);
    CHECK_RC(advance_to(&f, f.ctx.now_ms + DAY), ERR_OK);
    CHECK_RC(sb()->dispute_retrieve(&f.ctx, d.ref, &d, NULL), ERR_OK);
    CHECK(d.status == GW_DISPUTE_LOST);
    fx_free(&f);
}

SB_TEST(sandbox_dispute_unanswered)
{
    struct fx f;
    struct gw_charge c;
    struct gw_dispute d;
    struct errinfo ei = {0};

    CHECK(disputed(&f, &c, &d));
    CHECK_RC(advance_to(&f, d.due_by_ms - 1), ERR_OK);
    CHECK_RC(sb()->dispute_retrieve(&f.ctx, d.ref, &d, NULL), ERR_OK);
    CHECK(d.status == GW_DISPUTE_NEEDS_RESPONSE);
    CHECK_RC(advance_to(&f, d.due_by_ms), ERR_OK);
    CHECK_RC(sb()->dispute_retrieve(&f.ctx, d.ref, &d, NULL), ERR_OK);
    CHECK(d.status == GW_DISPUTE_LOST);
    CHECK_RC(sb()->dispute_evidence(&f.ctx, d.ref, "{}", true, &d, &ei),
             ERR_CONFLICT);
    fx_free(&f);
}

/* ---- readers ---- */

static enum err
at_reader(struct fx *f, const char *reader, bool capture, struct gw_charge *c,
          struct errinfo *ei)
{
    struct gw_charge_req r = req(f, 5000, capture);

    r.source = GW_SOURCE_READER;
    r.reader_ref = reader;
    return sb()->charge_create(&f->ctx, &r, c, ei);
}

SB_TEST(sandbox_reader_flow)
{
    struct fx f;
    struct gw_charge c;
    struct gw_charge d;
    struct errinfo ei = {0};
    char tmr[GW_REF_MAX];
    char again[GW_REF_MAX];

    CHECK(fx_init(&f, "America/New_York", false));
    CHECK_RC(
        sb()->reader_register(&f.ctx, "r1", f.merchant, "WSC-1", tmr, NULL),
        ERR_OK);
    CHECK_RC(
        sb()->reader_register(&f.ctx, "r1", f.merchant, "WSC-1", again, NULL),
        ERR_OK);
    CHECK(strcmp(tmr, again) == 0);
    CHECK_RC(
        sb()->reader_register(&f.ctx, "r2", f.merchant, "WSC-1", again, &ei),
        ERR_CONFLICT);
    CHECK(strcmp(ei.code, "reader_exists") == 0);
    CHECK_RC(sandbox_present_card(&f.ctx, "WSC-1", "4242424242424242", &d, &ei),
             ERR_CONFLICT);
    CHECK(strcmp(ei.code, "reader_idle") == 0);
    CHECK_RC(at_reader(&f, tmr, true, &c, NULL), ERR_OK);
    CHECK(c.status == GW_CHARGE_PROCESSING);
    CHECK_RC(at_reader(&f, tmr, true, &d, &ei), ERR_CONFLICT);
    CHECK(strcmp(ei.code, "reader_busy") == 0);
    CHECK_RC(sb()->reader_delete(&f.ctx, tmr, &ei), ERR_CONFLICT);
    CHECK_RC(sandbox_present_card(&f.ctx, "WSC-1", "4242424242424241", &d, &ei),
             ERR_INVALID);
    CHECK_RC(
        sandbox_present_card(&f.ctx, "WSC-1", "4242424242424242", &d, NULL),
        ERR_OK);
    CHECK(strcmp(d.ref, c.ref) == 0);
    CHECK(d.status == GW_CHARGE_SUCCEEDED && d.card_present);
    CHECK_I64(d.fee, 130 + 15); /* 2.6% + 15 */
    CHECK(event_count(&f, "charge.pending") == 1);
    CHECK(event_count(&f, "charge.succeeded") == 1);
    CHECK_RC(at_reader(&f, tmr, false, &c, NULL), ERR_OK);
    CHECK_RC(
        sandbox_present_card(&f.ctx, "WSC-1", "5555555555554444", &d, NULL),
        ERR_OK);
    CHECK(d.status == GW_CHARGE_REQUIRES_CAPTURE);
    CHECK_I64(d.capture_before_ms, T0 + 5 * DAY);
    CHECK_RC(at_reader(&f, tmr, true, &c, NULL), ERR_OK);
    CHECK_RC(sandbox_present_card(&f.ctx, "WSC-1", "4000000000000002", &d, &ei),
             ERR_DECLINED);
    CHECK(d.status == GW_CHARGE_FAILED);
    CHECK_RC(at_reader(&f, tmr, true, &c, NULL), ERR_OK);
    CHECK_RC(sb()->charge_cancel(&f.ctx, "can", c.ref, &c, NULL), ERR_OK);
    CHECK(c.status == GW_CHARGE_CANCELED);
    CHECK_RC(sb()->reader_delete(&f.ctx, tmr, NULL), ERR_OK);
    CHECK_RC(at_reader(&f, tmr, true, &c, &ei), ERR_NOT_FOUND);
    fx_free(&f);
}

/* ---- isolation ---- */

SB_TEST(sandbox_accounts_are_isolated)
{
    struct fx a;
    struct fx b;
    struct gw_charge c;
    struct gw_charge d;
    struct gw_refund re;
    struct sandbox_charge_list list;
    struct gw_charge_req r;

    CHECK(fx_init(&a, "America/New_York", false));
    CHECK(fx_init(&b, "America/New_York", false));
    CHECK_RC(charge(&a, "4242424242424242", 1000, false, &c, NULL), ERR_OK);
    CHECK_RC(sb()->charge_retrieve(&b.ctx, c.ref, &d, NULL), ERR_NOT_FOUND);
    CHECK_RC(sb()->charge_lookup(&b.ctx, "key-0", &d, NULL), ERR_NOT_FOUND);
    CHECK_RC(sb()->charge_capture(&b.ctx, "cap", c.ref, 1000, &d, NULL),
             ERR_NOT_FOUND);
    CHECK_RC(sb()->charge_cancel(&b.ctx, "can", c.ref, &d, NULL),
             ERR_NOT_FOUND);
    CHECK_RC(sb()->refund_create(&b.ctx, "re", c.ref, 10, &re, NULL),
             ERR_NOT_FOUND);
    r = req(&b, 1000, true);
    r.merchant_ref = a.merchant;
    r.token = tok(&b, "4242424242424242");
    CHECK_RC(sb()->charge_create(&b.ctx, &r, &d, NULL), ERR_NOT_FOUND);
    CHECK_RC(sandbox_charges_list(&b.ctx, 0, 1000, &list, NULL), ERR_OK);
    CHECK(list.count == 0);
    CHECK(event_count(&b, "charge.succeeded") == 0);
    /* The same key in two accounts makes two charges. */
    CHECK_RC(charge(&b, "4242424242424242", 1000, false, &d, NULL), ERR_OK);
    CHECK(strcmp(c.ref, d.ref) != 0);
    fx_free(&b);
    fx_free(&a);
}

/* ---- webhooks ---- */

#define RECEIVED_MAX 64

/* What the listener got; written by its thread, read after delivery. */
static struct {
    pthread_mutex_t mu;
    int reply_status;
    int count;
    char body[8192];
    size_t len;
    char bodies[RECEIVED_MAX][2048];
    char sigs[RECEIVED_MAX][SIGNATURE_HEADER_MAX];
} inbox = {.mu = PTHREAD_MUTEX_INITIALIZER, .reply_status = 200};

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *con, const char *url,
           const char *method, const char *version, const char *data,
           size_t *data_size, void **state)
{
    static int marker;
    struct MHD_Response *resp;
    const char *sig;
    enum MHD_Result ok;

    (void)cls, (void)url, (void)method, (void)version;
    if (*state == NULL) {
        *state = &marker;
        inbox.len = 0;
        return MHD_YES;
    }
    if (*data_size > 0) {
        if (inbox.len + *data_size < sizeof(inbox.body)) {
            memcpy(inbox.body + inbox.len, data, *data_size);
            inbox.len += *data_size;
        }
        *data_size = 0;
        return MHD_YES;
    }
    sig = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Stripe-Signature");
    pthread_mutex_lock(&inbox.mu);
    if (inbox.count < RECEIVED_MAX) {
        snprintf(inbox.bodies[inbox.count], sizeof(inbox.bodies[0]), "%.*s",
                 (int)inbox.len, inbox.body);
        snprintf(inbox.sigs[inbox.count], sizeof(inbox.sigs[0]), "%s",
                 sig != NULL ? sig : "");
        inbox.count++;
    }
    pthread_mutex_unlock(&inbox.mu);
    resp = MHD_create_response_from_buffer(2, (void *)"ok",
                                           MHD_RESPMEM_PERSISTENT);
    ok = MHD_queue_response(con, (unsigned)inbox.reply_status, resp);
    MHD_destroy_response(resp);
    return ok;
}

static struct MHD_Daemon *
listener(void)
{
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0,
                                            NULL, NULL, on_request, NULL,
                                            MHD_OPTION_END);
    const union MHD_DaemonInfo *info;

    if (d == NULL)
        return NULL;
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    snprintf(webhook_url, sizeof(webhook_url), "http://127.0.0.1:%u/hook",
             (unsigned)info->port);
    inbox.count = 0;
    inbox.reply_status = 200;
    return d;
}

/* Reopen the sandbox with the listener's URL as webhook URL. */
static bool
reopen_with_listener(struct MHD_Daemon **d)
{
    const char *url = current_url();
    char keep[256];

    snprintf(keep, sizeof(keep), "%s", url);
    *d = listener();
    if (*d == NULL)
        return false;
    sandbox_close();
    return open_at(keep);
}

SB_TEST(sandbox_webhooks_signed_and_retried)
{
    struct MHD_Daemon *d = NULL;
    struct fx f;
    struct gw_charge c;
    struct gw_event ev;
    struct sandbox_event *out = NULL;
    size_t n = 0;
    size_t sent = 0;

    CHECK(reopen_with_listener(&d));
    CHECK(fx_init(&f, "America/New_York", false));
    CHECK_RC(charge(&f, "4242424242424242", 1000, true, &c, NULL), ERR_OK);
    CHECK_RC(advance_to(&f, T0 + 1000), ERR_OK);
    CHECK(inbox.count == 1);
    CHECK_RC(signature_verify(f.secret, inbox.sigs[0], inbox.bodies[0],
                              strlen(inbox.bodies[0]), (T0 + 1000) / 1000,
                              SIGNATURE_TOLERANCE_S, NULL),
             ERR_OK);
    CHECK_RC(sb()->webhook_parse(&f.ctx, f.secret, inbox.sigs[0],
                                 inbox.bodies[0], strlen(inbox.bodies[0]), &ev,
                                 NULL),
             ERR_OK);
    CHECK(strcmp(ev.type, "charge.succeeded") == 0);
    CHECK(ev.object == GW_EVENT_CHARGE);
    CHECK(strcmp(ev.object_ref, c.ref) == 0);
    CHECK(strcmp(ev.account_id, f.account) == 0);
    CHECK_I64(ev.created_ms, T0);
    CHECK(strstr(inbox.bodies[0], "4242424242424242") == NULL);
    /* Failing answers are retried after a back-off, never after a 2xx. */
    inbox.reply_status = 500;
    CHECK_RC(charge(&f, "4242424242424242", 2000, true, &c, NULL), ERR_OK);
    CHECK_RC(sandbox_deliver(&f.ctx, &sent, NULL), ERR_OK);
    CHECK(inbox.count == 2 && sent == 0);
    CHECK_RC(sandbox_deliver(&f.ctx, &sent, NULL), ERR_OK);
    CHECK(inbox.count == 2);
    CHECK_RC(sandbox_events_list(&f.ctx, &out, &n, NULL), ERR_OK);
    CHECK(n == 2 && out[0].delivered && !out[1].delivered);
    CHECK(out[1].attempts == 1);
    CHECK_I64(out[1].next_attempt_ms, f.ctx.now_ms + 60000);
    inbox.reply_status = 200;
    f.ctx.now_ms += 60000;
    CHECK_RC(sandbox_deliver(&f.ctx, &sent, NULL), ERR_OK);
    CHECK(inbox.count == 3 && sent == 1);
    CHECK(strcmp(inbox.bodies[1], inbox.bodies[2]) == 0);
    CHECK(strcmp(inbox.sigs[1], inbox.sigs[2]) != 0); /* new t, new v1 */
    f.ctx.now_ms += DAY;
    CHECK_RC(sandbox_deliver(&f.ctx, &sent, NULL), ERR_OK);
    CHECK(inbox.count == 3 && sent == 0);
    fx_free(&f);
    MHD_stop_daemon(d);
}

SB_TEST(sandbox_webhook_parse_refusals)
{
    struct fx f;
    struct gw_event ev;
    struct errinfo ei = {0};
    char h[SIGNATURE_HEADER_MAX];
    const char *good = "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":"
                       "\"payout.paid\",\"created\":1772463600,\"data\":"
                       "{\"object\":{\"id\":\"po_1\",\"object\":\"payout\"}}}";

    CHECK(fx_init(&f, "America/New_York", false));
    signature_header(f.secret, T0 / 1000, good, strlen(good), h, sizeof(h));
    CHECK_RC(
        sb()->webhook_parse(&f.ctx, f.secret, h, good, strlen(good), &ev, NULL),
        ERR_OK);
    CHECK(ev.object == GW_EVENT_PAYOUT && strcmp(ev.object_ref, "po_1") == 0);
    CHECK_RC(sb()->webhook_parse(&f.ctx, f.secret, h, good, strlen(good) - 1,
                                 &ev, &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.code, "signature_invalid") == 0);
    CHECK_RC(sb()->webhook_parse(&f.ctx, "whsec_other", h, good, strlen(good),
                                 &ev, &ei),
             ERR_INVALID);
    f.ctx.now_ms = T0 + 301000;
    CHECK_RC(
        sb()->webhook_parse(&f.ctx, f.secret, h, good, strlen(good), &ev, &ei),
        ERR_INVALID);
    signature_header(f.secret, f.ctx.now_ms / 1000, "{bad", 4, h, sizeof(h));
    CHECK_RC(sb()->webhook_parse(&f.ctx, f.secret, h, "{bad", 4, &ev, &ei),
             ERR_INVALID);
    signature_header(f.secret, f.ctx.now_ms / 1000, "{}", 2, h, sizeof(h));
    CHECK_RC(sb()->webhook_parse(&f.ctx, f.secret, h, "{}", 2, &ev, &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.code, "event_invalid") == 0);
    fx_free(&f);
}

/* Not opened at start-up: every operation answers like a processor down. */
TEST(sandbox_closed_is_unavailable)
{
    struct arena *a = arena_new(1u << 16);
    struct gw_ctx ctx = {.account_id = "acc_x", .now_ms = T0, .a = a};
    struct gw_charge c;
    struct errinfo ei = {0};

    CHECK(!sandbox_is_open());
    CHECK_RC(sb()->charge_retrieve(&ctx, "ch_x", &c, &ei), ERR_GATEWAY);
    CHECK(strcmp(ei.code, "sandbox_unavailable") == 0);
    CHECK_RC(sandbox_advance(&ctx, NULL), ERR_GATEWAY);
    arena_free(a);
}

SB_TEST(sandbox_connect_and_disconnect)
{
    struct fx f;
    char again[GW_SECRET_MAX];
    char ref[GW_REF_MAX];
    struct errinfo ei = {0};
    struct gw_merchant_req m = {"m2", "Clinic", "Mars/Olympus", "USD", "US"};

    CHECK(fx_init(&f, "America/New_York", false));
    CHECK(strncmp(f.secret, "whsec_", 6) == 0);
    CHECK_RC(sb()->connect(&f.ctx, again, sizeof(again), NULL), ERR_OK);
    CHECK(strcmp(f.secret, again) == 0);
    CHECK_RC(sb()->merchant_create(&f.ctx, &m, ref, &ei), ERR_INVALID);
    CHECK(strcmp(ei.param, "timezone") == 0);
    CHECK_RC(sb()->disconnect(&f.ctx, NULL), ERR_OK);
    CHECK_RC(sandbox_tokenize(&f.ctx, "4242424242424242", 12, 2030, "123", ref,
                              NULL, &ei),
             ERR_NOT_FOUND);
    CHECK(strcmp(ei.code, "account_not_connected") == 0);
    CHECK_RC(sb()->connect(&f.ctx, again, sizeof(again), NULL), ERR_OK);
    CHECK(strcmp(f.secret, again) == 0);
    CHECK(tok(&f, "4242424242424242")[0] != '\0');
    fx_free(&f);
}
