/*
 * sandbox_test.c - the financing sandbox connectors (Cherry, Klarna):
 * their decision rules by amount (pure), and app_financing_* on a real
 * store: approvals, declines replayed by key, an answer lost and
 * recovered, refunds (partial, full, too much, replayed), cancels (and
 * their limits), settings (connect twice, live mode, unknown merchant,
 * disconnect and reconnect), tenancy, and one charge for one key under
 * racing threads. The store scenarios run on SQLite (a temporary file,
 * so several connections share it) and, when POISE_TEST_PG_URL is set,
 * on PostgreSQL.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/account.h"
#include "app/financing.h"
#include "app/patient.h"
#include "base/json.h"
#include "base/log.h"
#include "financing/financing_int.h"
#include "harness.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define HOUR_MS (60LL * 60 * 1000)
#define RACERS 4

/* ---- the rules, without a database ---- */

static bool
decides(const struct fin_rules *r, int64_t amount, enum fin_outcome want,
        const char *code)
{
    struct fin_decision d;

    fin_sandbox_decide(r, amount, &d);
    if (d.outcome != want)
        return false;
    if (code == NULL)
        return d.decline_code == NULL && d.message == NULL;
    return d.decline_code != NULL && strcmp(d.decline_code, code) == 0 &&
           d.message != NULL && d.message[0] != '\0';
}

TEST(financing_rules_cherry)
{
    const struct fin_rules *r = &fin_cherry_rules;
    const enum fin_outcome ok = FIN_OUTCOME_APPROVE;
    const enum fin_outcome no = FIN_OUTCOME_DECLINE;

    CHECK(decides(r, 4999, no, "amount_out_of_range"));
    CHECK(decides(r, 5000, ok, NULL));
    CHECK(decides(r, 120000, ok, NULL));
    CHECK(decides(r, 1000000, ok, NULL));
    CHECK(decides(r, 1000001, no, "amount_out_of_range"));
    CHECK(decides(r, 1, no, "amount_out_of_range"));
    /* Out of range wins over the cents. */
    CHECK(decides(r, 13, no, "amount_out_of_range"));
    CHECK(decides(r, 1000013, no, "amount_out_of_range"));
    CHECK(decides(r, 10013, no, "application_declined"));
    CHECK(decides(r, 10014, no, "approval_amount_exceeded"));
    CHECK(decides(r, 10051, FIN_OUTCOME_APPROVE_ANSWER_LOST, NULL));
    CHECK(decides(r, 10052, ok, NULL)); /* only its cancel is lost */
    CHECK(decides(r, 10015, ok, NULL));
    CHECK(fin_sandbox_currency_ok(r, "USD"));
    CHECK(!fin_sandbox_currency_ok(r, "EUR"));
    CHECK(!fin_sandbox_currency_ok(r, "usd"));
}

TEST(financing_rules_klarna)
{
    const struct fin_rules *r = &fin_klarna_rules;
    const enum fin_outcome ok = FIN_OUTCOME_APPROVE;
    const enum fin_outcome no = FIN_OUTCOME_DECLINE;

    CHECK(decides(r, 3499, no, "amount_out_of_range"));
    CHECK(decides(r, 3500, ok, NULL));
    CHECK(decides(r, 100000, ok, NULL));
    CHECK(decides(r, 100001, no, "amount_out_of_range"));
    CHECK(decides(r, 120000, no, "amount_out_of_range")); /* Cherry's ok */
    CHECK(decides(r, 5013, no, "purchase_rejected"));
    CHECK(decides(r, 5014, no, "customer_abandoned"));
    CHECK(decides(r, 5051, FIN_OUTCOME_APPROVE_ANSWER_LOST, NULL));
    CHECK(fin_sandbox_currency_ok(r, "USD"));
    CHECK(fin_sandbox_currency_ok(r, "EUR"));
    CHECK(fin_sandbox_currency_ok(r, "GBP"));
    CHECK(!fin_sandbox_currency_ok(r, "JPY"));
}

TEST(financing_table)
{
    CHECK(financing_get("cherry", "sandbox") == &fin_cherry_sandbox_ops);
    CHECK(financing_get("klarna", "sandbox") == &fin_klarna_sandbox_ops);
    CHECK(financing_get("cherry", "live") == NULL);
    CHECK(financing_get("affirm", "sandbox") == NULL);
    CHECK(financing_get(NULL, "sandbox") == NULL);
    CHECK(financing_is_provider("cherry") && financing_is_provider("klarna"));
    CHECK(!financing_is_provider("Cherry") && !financing_is_provider(""));
    CHECK(strcmp(fin_charge_status_name(FIN_CHARGE_CANCELED), "canceled") == 0);
}

/* ---- on a store ---- */

struct fixture {
    struct store *store;
    struct app_ctx ctx;
    const char *account;
    const char *patient;
    char path[64]; /* SQLite file, "" on PostgreSQL */
};

static enum err
connect_to(struct fixture *f, const char *provider, const char *mode,
           const char *merchant, struct errinfo *ei)
{
    struct financing_connect_input in = {provider, mode, merchant, NULL};
    struct financing_connection c;
    enum err rc = app_tx_begin(&f->ctx, true);

    if (rc == ERR_OK)
        rc = app_financing_connect(&f->ctx, &in, &c, ei);
    if (rc == ERR_OK)
        return app_tx_commit(&f->ctx);
    db_rollback(f->ctx.db);
    return rc;
}

static enum err
disconnect_from(struct fixture *f, const char *what, struct errinfo *ei)
{
    struct financing_connection c;
    enum err rc = app_tx_begin(&f->ctx, true);

    if (rc == ERR_OK)
        rc = app_financing_disconnect(&f->ctx, what, &c, ei);
    if (rc == ERR_OK)
        return app_tx_commit(&f->ctx);
    db_rollback(f->ctx.db);
    return rc;
}

/* A new account with a patient, Cherry connected as merchant. */
static bool
account_new(struct fixture *f, const char *merchant)
{
    struct account_new in = {.name = "Financing Test"};
    struct account_created out;
    struct patient_patch pp;
    struct patient p;
    char email[64];

    snprintf(email, sizeof(email), "fin-%d-%d@test.example", getpid(), rand());
    in.email = arena_strdup(f->ctx.a, email);
    memset(&pp, 0, sizeof(pp));
    pp.v.first_name = "Pat";
    pp.v.last_name = "Ient";
    pp.set[PATIENT_F_FIRST_NAME] = pp.set[PATIENT_F_LAST_NAME] = true;
    f->ctx.account_id = NULL;
    if (app_tx_begin(&f->ctx, true) != ERR_OK ||
        app_account_create(&f->ctx, &in, &out, NULL) != ERR_OK)
        return false;
    f->ctx.account_id = out.account.id;
    if (app_patient_create(&f->ctx, &pp, &p, NULL) != ERR_OK ||
        app_tx_commit(&f->ctx) != ERR_OK)
        return false;
    f->account = out.account.id;
    f->patient = p.id;
    return connect_to(f, "cherry", "sandbox", merchant, NULL) == ERR_OK;
}

static bool
setup(struct fixture *f, const char *url)
{
    int fd;

    memset(f, 0, sizeof(*f));
    log_set_quiet(1);
    if (url == NULL) {
        snprintf(f->path, sizeof(f->path), "/tmp/poise-fin-XXXXXX");
        fd = mkstemp(f->path);
        if (fd < 0)
            return false;
        close(fd);
        url = f->path;
    }
    if (store_open(url, RACERS + 1, &f->store, NULL) != ERR_OK ||
        store_migrate(f->store, NULL, NULL) != ERR_OK)
        return false;
    app_set_store(f->store);
    f->ctx.a = arena_new(16u << 20);
    f->ctx.now_ms = T0;
    json_use_arena(f->ctx.a);
    return app_db_acquire(&f->ctx) == ERR_OK && account_new(f, "m-cherry-1");
}

static void
teardown(struct fixture *f)
{
    char p[80];

    app_db_release(&f->ctx);
    json_use_arena(NULL);
    arena_free(f->ctx.a);
    store_close(f->store);
    if (f->path[0] == '\0')
        return;
    unlink(f->path);
    snprintf(p, sizeof(p), "%s-wal", f->path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", f->path);
    unlink(p);
}

static void
on_each_engine(void (*scenario)(struct fixture *), const char *name)
{
    const char *pg = getenv("POISE_TEST_PG_URL");
    struct fixture f;

    for (int i = 0; i < 2; i++) {
        const char *url = i == 0 ? NULL : pg;

        if (i == 1 && (pg == NULL || pg[0] == '\0')) {
            printf("%s: postgres skipped, no POISE_TEST_PG_URL\n", name);
            return;
        }
        if (!setup(&f, url)) {
            harness_fail(__FILE__, __LINE__, "%s: cannot set up %s", name,
                         i == 0 ? "sqlite" : "postgres");
            teardown(&f);
            return;
        }
        scenario(&f);
        teardown(&f);
    }
}

/* Rows of the sandbox's table (charges or refunds) holding key. */
static int64_t
rows_with_key(struct fixture *f, const char *table_sql, const char *key)
{
    struct db_param p[2] = {P_TEXT(f->account), P_TEXT(key)};
    struct db_rows r;

    if (db_one(f->ctx.db, f->ctx.a, table_sql, p, 2, &r, NULL) != ERR_OK)
        return -1;
    return db_i64(&r, 0, 0);
}

static int64_t
charges_with_key(struct fixture *f, const char *key)
{
    return rows_with_key(f,
                         "SELECT COUNT(*) FROM financing_sandbox_charges "
                         "WHERE account_id = $1 AND idem_key = $2",
                         key);
}

static int64_t
refunds_with_key(struct fixture *f, const char *key)
{
    return rows_with_key(f,
                         "SELECT COUNT(*) FROM financing_sandbox_refunds "
                         "WHERE account_id = $1 AND idem_key = $2",
                         key);
}

/* The charge made with key, as the connector has it. */
static struct fin_charge
charge_of(struct fixture *f, const char *provider, const char *key)
{
    struct fin_charge c;

    memset(&c, 0, sizeof(c));
    if (app_financing_lookup(&f->ctx, provider, key, &c, NULL) != ERR_OK)
        c.status = 0;
    return c;
}

static enum err
charge(struct fixture *f, int64_t amount, const char *key, const char **ref,
       struct errinfo *ei)
{
    return app_financing_charge(&f->ctx, "cherry", f->patient, amount, "USD",
                                key, ref, ei);
}

static void
approve_and_replay(struct fixture *f)
{
    const char *ref = NULL;
    const char *again = NULL;
    struct errinfo ei = {0};
    struct fin_charge c;

    CHECK_RC(charge(f, 120000, "k-approve", &ref, &ei), ERR_OK);
    CHECK(ref != NULL && strncmp(ref, "chy_", 4) == 0);
    CHECK_RC(charge(f, 120000, "k-approve", &again, &ei), ERR_OK);
    CHECK(strcmp(ref, again) == 0);
    CHECK_I64(charges_with_key(f, "k-approve"), 1);
    c = charge_of(f, "cherry", "k-approve");
    CHECK(c.status == FIN_CHARGE_APPROVED);
    CHECK_I64(c.amount, 120000);
    CHECK(strcmp(c.patient_id, f->patient) == 0);
    CHECK(strcmp(c.merchant_id, "m-cherry-1") == 0);
    CHECK(!db_in_tx(f->ctx.db)); /* the call closed its own transaction */
    /* The same key with another amount or patient is not a retry. */
    CHECK_RC(charge(f, 120001, "k-approve", &again, &ei), ERR_INVALID);
    CHECK(strcmp(ei.code, "idempotency_error") == 0);
    CHECK_I64(charges_with_key(f, "k-approve"), 1);
}

TEST(financing_approve_and_replay)
{
    on_each_engine(approve_and_replay, "financing_approve_and_replay");
}

static void
declines(struct fixture *f)
{
    const char *ref = NULL;
    struct errinfo ei = {0};

    CHECK_RC(charge(f, 10013, "k-decline", &ref, &ei), ERR_DECLINED);
    CHECK(strcmp(ei.code, "financing_declined") == 0);
    CHECK(strcmp(ei.decline_code, "application_declined") == 0);
    CHECK(ei.message[0] != '\0');
    CHECK(ref == NULL);
    /* Stored: the retry answers the same decline and adds nothing. */
    memset(&ei, 0, sizeof(ei));
    CHECK_RC(charge(f, 10013, "k-decline", &ref, &ei), ERR_DECLINED);
    CHECK(strcmp(ei.decline_code, "application_declined") == 0);
    CHECK_I64(charges_with_key(f, "k-decline"), 1);
    CHECK(charge_of(f, "cherry", "k-decline").status == FIN_CHARGE_DECLINED);
    CHECK_RC(charge(f, 4999, "k-small", &ref, &ei), ERR_DECLINED);
    CHECK(strcmp(ei.decline_code, "amount_out_of_range") == 0);
    CHECK_RC(charge(f, 1000001, "k-big", &ref, &ei), ERR_DECLINED);
    CHECK(strcmp(ei.decline_code, "amount_out_of_range") == 0);
    CHECK_RC(charge(f, 20014, "k-limit", &ref, &ei), ERR_DECLINED);
    CHECK(strcmp(ei.decline_code, "approval_amount_exceeded") == 0);
    /* Refused requests are not recorded: a corrected retry proceeds. */
    CHECK_RC(app_financing_charge(&f->ctx, "cherry", f->patient, 10000, "EUR",
                                  "k-eur", &ref, &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.code, "currency_unsupported") == 0);
    CHECK(strcmp(ei.param, "currency") == 0);
    CHECK_I64(charges_with_key(f, "k-eur"), 0);
    CHECK_RC(app_financing_charge(&f->ctx, "cherry", f->patient, 10000, "USD",
                                  "k-eur", &ref, &ei),
             ERR_OK);
    CHECK_RC(app_financing_charge(&f->ctx, "cherry", f->patient, 0, "USD",
                                  "k-zero", &ref, &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.param, "amount") == 0);
    CHECK_RC(app_financing_charge(&f->ctx, "cherry", f->patient, 100, "XXQ",
                                  "k-cur", &ref, &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.param, "currency") == 0);
    CHECK_RC(app_financing_charge(&f->ctx, "cherry",
                                  "pat_00000000000000000000000000", 10000,
                                  "USD", "k-nopat", &ref, &ei),
             ERR_NOT_FOUND);
    CHECK(strcmp(ei.param, "patient") == 0);
    CHECK_RC(app_financing_charge(&f->ctx, "affirm", f->patient, 10000, "USD",
                                  "k-affirm", &ref, &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.param, "provider") == 0);
}

TEST(financing_declines)
{
    on_each_engine(declines, "financing_declines");
}

static void
answer_lost(struct fixture *f)
{
    const char *ref = NULL;
    struct errinfo ei = {0};
    struct fin_charge c;

    /* The charge is made, but its answer never arrives. */
    CHECK_RC(charge(f, 10051, "k-lost", &ref, &ei), ERR_GATEWAY);
    CHECK(strcmp(ei.code, "financing_unreachable") == 0);
    CHECK(ref == NULL);
    CHECK_I64(charges_with_key(f, "k-lost"), 1);
    c = charge_of(f, "cherry", "k-lost");
    CHECK(c.status == FIN_CHARGE_APPROVED);
    /* The retry with the key gets the answer, and no second charge. */
    CHECK_RC(charge(f, 10051, "k-lost", &ref, &ei), ERR_OK);
    CHECK(ref != NULL && strcmp(ref, c.ref) == 0);
    CHECK_I64(charges_with_key(f, "k-lost"), 1);
    /* Nothing was made with a key never sent. */
    CHECK_RC(app_financing_lookup(&f->ctx, "cherry", "k-never", &c, &ei),
             ERR_NOT_FOUND);
}

TEST(financing_answer_lost)
{
    on_each_engine(answer_lost, "financing_answer_lost");
}

static void
refunds(struct fixture *f)
{
    const char *ref = NULL;
    struct errinfo ei = {0};

    CHECK_RC(charge(f, 100000, "k-refund", &ref, &ei), ERR_OK);
    CHECK_RC(
        app_financing_refund(&f->ctx, "cherry", ref, 30000, "USD", "r1", &ei),
        ERR_OK);
    /* Replayed: refunded once. */
    CHECK_RC(
        app_financing_refund(&f->ctx, "cherry", ref, 30000, "USD", "r1", &ei),
        ERR_OK);
    CHECK_I64(refunds_with_key(f, "r1"), 1);
    CHECK_I64(charge_of(f, "cherry", "k-refund").amount_refunded, 30000);
    CHECK_RC(
        app_financing_refund(&f->ctx, "cherry", ref, 20000, "USD", "r1", &ei),
        ERR_INVALID);
    CHECK(strcmp(ei.code, "idempotency_error") == 0);
    CHECK_RC(
        app_financing_refund(&f->ctx, "cherry", ref, 70001, "USD", "r2", &ei),
        ERR_INVALID);
    CHECK(strcmp(ei.code, "amount_too_large") == 0);
    CHECK(strcmp(ei.param, "amount") == 0);
    CHECK_RC(
        app_financing_refund(&f->ctx, "cherry", ref, 100, "EUR", "r2", &ei),
        ERR_INVALID);
    CHECK(strcmp(ei.code, "currency_mismatch") == 0);
    /* A refund ending .51 is made; its first answer is lost. */
    CHECK_RC(
        app_financing_refund(&f->ctx, "cherry", ref, 20051, "USD", "r3", &ei),
        ERR_GATEWAY);
    CHECK_RC(
        app_financing_refund(&f->ctx, "cherry", ref, 20051, "USD", "r3", &ei),
        ERR_OK);
    CHECK_I64(refunds_with_key(f, "r3"), 1);
    CHECK_RC(
        app_financing_refund(&f->ctx, "cherry", ref, 49949, "USD", "r4", &ei),
        ERR_OK);
    CHECK_I64(charge_of(f, "cherry", "k-refund").amount_refunded, 100000);
    CHECK_RC(app_financing_refund(&f->ctx, "cherry", ref, 1, "USD", "r5", &ei),
             ERR_CONFLICT);
    CHECK(strcmp(ei.code, "charge_already_refunded") == 0);
    CHECK_RC(app_financing_refund(&f->ctx, "cherry", "chy_nope", 1, "USD", "r6",
                                  &ei),
             ERR_NOT_FOUND);
    CHECK(strcmp(ei.param, "reference") == 0);
    /* A refunded charge cannot be canceled. */
    CHECK_RC(app_financing_cancel(&f->ctx, "cherry", ref, "c1", &ei),
             ERR_CONFLICT);
    CHECK(strcmp(ei.code, "charge_already_refunded") == 0);
}

TEST(financing_refunds)
{
    on_each_engine(refunds, "financing_refunds");
}

static void
cancels(struct fixture *f)
{
    const char *ref = NULL;
    const char *late = NULL;
    const char *lost = NULL;
    struct errinfo ei = {0};

    CHECK_RC(charge(f, 60000, "k-cancel", &ref, &ei), ERR_OK);
    CHECK_RC(app_financing_cancel(&f->ctx, "cherry", ref, "c1", &ei), ERR_OK);
    CHECK(charge_of(f, "cherry", "k-cancel").status == FIN_CHARGE_CANCELED);
    CHECK_RC(app_financing_cancel(&f->ctx, "cherry", ref, "c1", &ei), ERR_OK);
    CHECK_RC(app_financing_cancel(&f->ctx, "cherry", ref, "c2", &ei), ERR_OK);
    CHECK_RC(
        app_financing_refund(&f->ctx, "cherry", ref, 100, "USD", "r1", &ei),
        ERR_CONFLICT);
    CHECK(strcmp(ei.code, "charge_not_refundable") == 0);
    /* The key of a cancel is that cancel's only. */
    CHECK_RC(charge(f, 60000, "k-other", &late, &ei), ERR_OK);
    CHECK_RC(app_financing_cancel(&f->ctx, "cherry", late, "c1", &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.code, "idempotency_error") == 0);
    /* A declined charge has nothing to cancel. */
    CHECK_RC(charge(f, 10013, "k-declined", &ref, &ei), ERR_DECLINED);
    CHECK_RC(app_financing_cancel(&f->ctx, "cherry",
                                  charge_of(f, "cherry", "k-declined").ref,
                                  "c3", &ei),
             ERR_CONFLICT);
    CHECK(strcmp(ei.code, "charge_not_cancelable") == 0);
    /* A charge ending .52: canceled, but the first answer is lost. */
    CHECK_RC(charge(f, 60052, "k-lost-cancel", &lost, &ei), ERR_OK);
    CHECK_RC(app_financing_cancel(&f->ctx, "cherry", lost, "c4", &ei),
             ERR_GATEWAY);
    CHECK(strcmp(ei.code, "financing_unreachable") == 0);
    CHECK_RC(app_financing_cancel(&f->ctx, "cherry", lost, "c4", &ei), ERR_OK);
    /* After 24 hours a charge is refunded, not canceled. */
    f->ctx.now_ms += 24 * HOUR_MS + 1;
    CHECK_RC(app_financing_cancel(&f->ctx, "cherry", late, "c5", &ei),
             ERR_CONFLICT);
    CHECK(strcmp(ei.code, "charge_not_cancelable") == 0);
    CHECK_RC(
        app_financing_refund(&f->ctx, "cherry", late, 60000, "USD", "r2", &ei),
        ERR_OK);
}

TEST(financing_cancels)
{
    on_each_engine(cancels, "financing_cancels");
}

static void
settings(struct fixture *f)
{
    const char *ref = NULL;
    struct errinfo ei = {0};

    CHECK_RC(connect_to(f, "cherry", "sandbox", "m-cherry-2", &ei),
             ERR_CONFLICT);
    CHECK(strcmp(ei.code, "financing_connected") == 0);
    CHECK_RC(connect_to(f, "klarna", "live", "k-1", &ei), ERR_RULE);
    CHECK(strcmp(ei.code, "live_unavailable") == 0);
    CHECK(strcmp(ei.param, "mode") == 0);
    CHECK_RC(connect_to(f, "klarna", "sandbox", "unknown-9", &ei), ERR_RULE);
    CHECK(strcmp(ei.code, "merchant_not_found") == 0);
    CHECK_RC(connect_to(f, "klarna", "sandbox", "bad id!", &ei), ERR_INVALID);
    CHECK(strcmp(ei.param, "merchant_id") == 0);
    CHECK_RC(app_financing_charge(&f->ctx, "klarna", f->patient, 5000, "EUR",
                                  "k-kl", &ref, &ei),
             ERR_RULE);
    CHECK(strcmp(ei.code, "financing_not_connected") == 0);
    CHECK_RC(connect_to(f, "klarna", "sandbox", "k-1", &ei), ERR_OK);
    CHECK_RC(app_financing_charge(&f->ctx, "klarna", f->patient, 5000, "EUR",
                                  "k-kl", &ref, &ei),
             ERR_OK);
    CHECK(strncmp(ref, "kln_", 4) == 0);
    /* Disconnected: no calls; its charges wait for the same merchant. */
    CHECK_RC(disconnect_from(f, "klarna", &ei), ERR_OK);
    CHECK_RC(disconnect_from(f, "klarna", &ei), ERR_NOT_FOUND);
    CHECK_RC(
        app_financing_refund(&f->ctx, "klarna", ref, 100, "EUR", "kr1", &ei),
        ERR_RULE);
    CHECK(strcmp(ei.code, "financing_not_connected") == 0);
    CHECK_RC(connect_to(f, "klarna", "sandbox", "k-2", &ei), ERR_OK);
    CHECK_RC(
        app_financing_refund(&f->ctx, "klarna", ref, 100, "EUR", "kr1", &ei),
        ERR_NOT_FOUND);
    CHECK_RC(disconnect_from(f, "klarna", &ei), ERR_OK);
    CHECK_RC(connect_to(f, "klarna", "sandbox", "k-1", &ei), ERR_OK);
    CHECK_RC(
        app_financing_refund(&f->ctx, "klarna", ref, 100, "EUR", "kr1", &ei),
        ERR_OK);
}

TEST(financing_settings)
{
    on_each_engine(settings, "financing_settings");
}

static void
listing(struct fixture *f)
{
    const char *ref = NULL;
    struct errinfo ei = {0};
    struct page page = {.limit = 2, .starting_after = NULL};
    struct fin_charge *cs;
    size_t n;
    bool more;

    CHECK_RC(charge(f, 10000, "l1", &ref, &ei), ERR_OK);
    CHECK_RC(charge(f, 10013, "l2", &ref, &ei), ERR_DECLINED);
    CHECK_RC(charge(f, 20000, "l3", &ref, &ei), ERR_OK);
    CHECK_RC(
        app_financing_refund(&f->ctx, "cherry", ref, 500, "USD", "l3r", &ei),
        ERR_OK);
    CHECK_RC(app_tx_begin(&f->ctx, false), ERR_OK);
    CHECK_RC(app_financing_charge_list(&f->ctx, "cherry", &page, &cs, &n, &more,
                                       &ei),
             ERR_OK);
    CHECK_I64((int64_t)n, 2);
    CHECK(more);
    CHECK(strcmp(cs[0].ref, ref) == 0); /* newest first */
    CHECK_I64(cs[0].amount_refunded, 500);
    CHECK(cs[1].status == FIN_CHARGE_DECLINED);
    CHECK(strcmp(cs[1].decline_code, "application_declined") == 0);
    page.starting_after = cs[1].ref;
    CHECK_RC(app_financing_charge_list(&f->ctx, "cherry", &page, &cs, &n, &more,
                                       &ei),
             ERR_OK);
    CHECK_I64((int64_t)n, 1);
    CHECK(!more);
    CHECK(cs[0].status == FIN_CHARGE_APPROVED);
    CHECK_RC(app_financing_charge_list(&f->ctx, "klarna", &page, &cs, &n, &more,
                                       &ei),
             ERR_OK);
    CHECK_I64((int64_t)n, 0);
    db_rollback(f->ctx.db);
}

TEST(financing_list)
{
    on_each_engine(listing, "financing_list");
}

static void
tenancy(struct fixture *f)
{
    const char *ref = NULL;
    const char *mine = f->account;
    struct errinfo ei = {0};

    CHECK_RC(charge(f, 10000, "t1", &ref, &ei), ERR_OK);
    /* Another practice with the same merchant id at Cherry. */
    CHECK(account_new(f, "m-cherry-1"));
    CHECK(strcmp(mine, f->account) != 0);
    CHECK_RC(
        app_financing_refund(&f->ctx, "cherry", ref, 100, "USD", "t1r", &ei),
        ERR_NOT_FOUND);
    CHECK_RC(app_financing_cancel(&f->ctx, "cherry", ref, "t1c", &ei),
             ERR_NOT_FOUND);
    /* The same key in another account is another charge. */
    CHECK_RC(charge(f, 10000, "t1", &ref, &ei), ERR_OK);
    CHECK_I64(charges_with_key(f, "t1"), 1);
    f->account = mine;
    CHECK_I64(charges_with_key(f, "t1"), 1);
}

TEST(financing_tenancy)
{
    on_each_engine(tenancy, "financing_tenancy");
}

static void
in_transaction(struct fixture *f)
{
    const char *ref = NULL;

    /* A money call inside the caller's transaction is a programmer error. */
    CHECK_RC(app_tx_begin(&f->ctx, false), ERR_OK);
    CHECK_DEATH((void)charge(f, 10000, "k-in-tx", &ref, NULL));
    db_rollback(f->ctx.db);
    CHECK_I64(charges_with_key(f, "k-in-tx"), 0);
}

TEST(financing_outside_transactions)
{
    on_each_engine(in_transaction, "financing_outside_transactions");
}

/* ---- one key, racing threads ---- */

struct racer {
    struct fixture *f;
    pthread_t thread;
    enum err rc;
    char ref[FIN_REF_MAX];
};

static void *
race(void *arg)
{
    struct racer *r = arg;
    struct app_ctx ctx = r->f->ctx;
    const char *ref = NULL;

    ctx.db = NULL;
    ctx.a = arena_new(1u << 20);
    r->rc = app_db_acquire(&ctx);
    if (r->rc == ERR_OK)
        r->rc = app_financing_charge(&ctx, "cherry", r->f->patient, 33300,
                                     "USD", "k-race", &ref, NULL);
    if (r->rc == ERR_OK)
        snprintf(r->ref, sizeof(r->ref), "%s", ref);
    app_db_release(&ctx);
    arena_free(ctx.a);
    return NULL;
}

static void
racing(struct fixture *f)
{
    struct racer rs[RACERS];

    for (int i = 0; i < RACERS; i++) {
        memset(&rs[i], 0, sizeof(rs[i]));
        rs[i].f = f;
        CHECK(pthread_create(&rs[i].thread, NULL, race, &rs[i]) == 0);
    }
    for (int i = 0; i < RACERS; i++)
        CHECK(pthread_join(rs[i].thread, NULL) == 0);
    for (int i = 0; i < RACERS; i++) {
        CHECK_RC(rs[i].rc, ERR_OK);
        CHECK(strcmp(rs[i].ref, rs[0].ref) == 0);
    }
    CHECK_I64(charges_with_key(f, "k-race"), 1);
}

TEST(financing_one_charge_per_key_racing)
{
    on_each_engine(racing, "financing_one_charge_per_key_racing");
}
