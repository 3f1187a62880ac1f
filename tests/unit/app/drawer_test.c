/*
 * drawer_test.c - app/drawer on a real store: a session with cash sales
 * and refunds through app_drawer_cash (the entry point checkout will
 * use), no_open_drawer, the report against the ledger, and the close.
 * Runs on SQLite (in memory) and, when POISE_TEST_PG_URL is set, on that
 * PostgreSQL database too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/account.h"
#include "app/clinic.h"
#include "app/drawer.h"
#include "base/json.h"
#include "harness.h"
#include "store/ledger.h"

struct fixture {
    struct store *store;
    struct app_ctx ctx;
    const char *clinic_id;
    const char *drawer_id;
};

/* Open url, migrate, create an account, a clinic and an open drawer. */
static bool
setup(struct fixture *f, const char *url)
{
    struct account_new in = {.name = "Drawer Test", .email = NULL};
    struct account_created out;
    struct clinic_patch cp = {0};
    struct clinic c;
    struct cash_drawer d;
    char email[64];

    memset(f, 0, sizeof(*f));
    snprintf(email, sizeof(email), "drawer-%d-%d@test.example", getpid(),
             rand());
    in.email = email;
    cp.v.name = "Glow";
    cp.set[CLINIC_F_NAME] = true;
    if (store_open(url, 1, &f->store, NULL) != ERR_OK ||
        store_migrate(f->store, NULL, NULL) != ERR_OK)
        return false;
    app_set_store(f->store);
    f->ctx.a = arena_new(16u << 20);
    f->ctx.now_ms = 1767225600000; /* 2026-01-01 */
    json_use_arena(f->ctx.a);
    if (app_db_acquire(&f->ctx) != ERR_OK ||
        app_tx_begin(&f->ctx, true) != ERR_OK ||
        app_account_create(&f->ctx, &in, &out, NULL) != ERR_OK ||
        app_clinic_create(&f->ctx, &cp, &c, NULL) != ERR_OK ||
        app_drawer_open(&f->ctx, c.id, "front", 1000, &d, NULL) != ERR_OK)
        return false;
    f->clinic_id = c.id;
    f->drawer_id = d.id;
    return app_tx_commit(&f->ctx) == ERR_OK;
}

static void
teardown(struct fixture *f)
{
    app_db_release(&f->ctx);
    json_use_arena(NULL);
    arena_free(f->ctx.a);
    store_close(f->store);
}

/* app_drawer_cash in its own transaction; *code gets the error code. */
static enum err
cash(struct fixture *f, const char *reg, enum drawer_kind kind, int64_t amount,
     const char *currency, char *code)
{
    struct cash_drawer_movement m;
    struct errinfo ei = {0};
    enum err rc = app_tx_begin(&f->ctx, true);

    if (rc)
        return rc;
    rc = app_drawer_cash(&f->ctx, f->clinic_id, reg, kind, amount, currency,
                         "payment", "pay_test", &m, &ei);
    snprintf(code, ERRINFO_CODE_MAX, "%s", ei.code);
    if (rc) {
        db_rollback(f->ctx.db);
        return rc;
    }
    if (strcmp(m.kind, drawer_kind_name(kind)) != 0 ||
        strcmp(m.source_id, "pay_test") != 0)
        return ERR_INTERNAL;
    return app_tx_commit(&f->ctx);
}

static bool
report(struct fixture *f, struct drawer_report *r)
{
    bool ok = false;

    if (app_tx_begin(&f->ctx, false) == ERR_OK) {
        ok = app_drawer_report(&f->ctx, f->drawer_id, r, NULL) == ERR_OK;
        db_rollback(f->ctx.db);
    }
    return ok;
}

static enum err
close_drawer(struct fixture *f, int64_t counted, struct cash_drawer *d)
{
    enum err rc = app_tx_begin(&f->ctx, true);

    if (rc)
        return rc;
    rc = app_drawer_close(&f->ctx, f->drawer_id, counted, d, NULL);
    if (rc) {
        db_rollback(f->ctx.db);
        return rc;
    }
    return app_tx_commit(&f->ctx);
}

static int
verify(struct fixture *f)
{
    int problems = -1;

    if (store_ledger_verify(f->ctx.db, f->ctx.a, NULL, NULL, &problems, NULL) !=
        ERR_OK)
        return -1;
    return problems;
}

static void
run_drawer(const char *url)
{
    struct fixture f;
    struct drawer_report r;
    struct cash_drawer d;
    char code[ERRINFO_CODE_MAX];

    if (!setup(&f, url)) {
        harness_fail(__FILE__, __LINE__, "cannot set up store at %s", url);
        return;
    }
    CHECK_RC(cash(&f, "front", DRAWER_SALE, 4500, "USD", code), ERR_OK);
    CHECK_RC(cash(&f, "front", DRAWER_REFUND, 1200, "USD", code), ERR_OK);
    /* More than the drawer holds cannot be refunded in cash. */
    CHECK_RC(cash(&f, "front", DRAWER_REFUND, 4301, "USD", code), ERR_RULE);
    CHECK(strcmp(code, "insufficient_balance") == 0);
    CHECK_RC(cash(&f, "back", DRAWER_SALE, 100, "USD", code), ERR_CONFLICT);
    CHECK(strcmp(code, "no_open_drawer") == 0);
    CHECK_RC(cash(&f, "front", DRAWER_SALE, 100, "EUR", code), ERR_INVALID);
    CHECK(report(&f, &r));
    CHECK_I64(r.totals_minor[DRAWER_FLOAT], 1000);
    CHECK_I64(r.totals_minor[DRAWER_SALE], 4500);
    CHECK_I64(r.totals_minor[DRAWER_REFUND], 1200);
    CHECK_I64(r.expected_minor, 1000 + 4500 - 1200);
    CHECK_I64(r.ledger_balance_minor, r.expected_minor);
    CHECK_RC(close_drawer(&f, 4250, &d), ERR_OK);
    CHECK_I64(d.expected_minor, 4300);
    CHECK_I64(d.over_short_minor, -50);
    CHECK_RC(close_drawer(&f, 4250, &d), ERR_CONFLICT);
    CHECK(report(&f, &r));
    CHECK_I64(r.ledger_balance_minor, 0);
    /* The register's drawer is closed: no more cash tenders there. */
    CHECK_RC(cash(&f, "front", DRAWER_SALE, 100, "USD", code), ERR_CONFLICT);
    CHECK(strcmp(code, "no_open_drawer") == 0);
    CHECK_I64(verify(&f), 0);
    teardown(&f);
}

TEST(drawer_sqlite)
{
    run_drawer(":memory:");
}

TEST(drawer_postgres)
{
    const char *url = getenv("POISE_TEST_PG_URL");

    if (url == NULL || url[0] == '\0') {
        /* make test runs this inside scripts/with-postgres. */
        printf("drawer_postgres: skipped, no POISE_TEST_PG_URL\n");
        return;
    }
    run_drawer(url);
}
