/*
 * ledger_store_test.c - posting through app/ledger on a real store:
 * balances follow entries, overdrafts roll back, and store_ledger_verify
 * finds tampering. Runs on SQLite (in memory) and, when POISE_TEST_PG_URL
 * is set, on that PostgreSQL database too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/account.h"
#include "app/ledger.h"
#include "base/json.h"
#include "harness.h"
#include "store/ledger.h"

struct fixture {
    struct store *store;
    struct app_ctx ctx;
    const char *wallet; /* liability: patient credit, may not go < 0 */
    const char *cash;   /* asset: drawer, debit-normal */
};

static int problems_seen;

static void
count_problem(void *ctx, const char *line)
{
    (void)ctx;
    (void)line;
    problems_seen++;
}

/* Open url, migrate, create an account and two ledger accounts. */
static bool
setup(struct fixture *f, const char *url)
{
    struct account_new in = {.name = "Ledger Test", .email = NULL};
    struct account_created out;
    char email[64];

    memset(f, 0, sizeof(*f));
    snprintf(email, sizeof(email), "ledger-%d-%d@test.example", getpid(),
             rand());
    in.email = email;
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
        app_ledger_account(&f->ctx, "patient", "pat_x", "wallet_credit", "USD",
                           LEDGER_NORMAL_CREDIT, false, &f->wallet,
                           NULL) != ERR_OK ||
        app_ledger_account(&f->ctx, "drawer", "drw_x", "cash", "USD",
                           LEDGER_NORMAL_DEBIT, false, &f->cash,
                           NULL) != ERR_OK)
        return false;
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

/* Cash in: debit drawer, credit wallet (the patient prepaid amount). */
static enum err
post(struct fixture *f, const char *debit, const char *credit, int64_t amount)
{
    struct ledger_entry e[2] = {{debit, LEDGER_DEBIT, amount},
                                {credit, LEDGER_CREDIT, amount}};
    struct ledger_transfer t = {840, 2, e};
    const char *id;
    enum err rc = app_tx_begin(&f->ctx, true);

    if (rc)
        return rc;
    rc = app_ledger_post(&f->ctx, "USD", &t, "test", "test", "t1", &id, NULL);
    if (rc) {
        db_rollback(f->ctx.db);
        return rc;
    }
    return app_tx_commit(&f->ctx);
}

static int64_t
balance(struct fixture *f, const char *id)
{
    int64_t b = INT64_MIN;

    if (app_tx_begin(&f->ctx, false) == ERR_OK) {
        if (app_ledger_balance(&f->ctx, id, &b, NULL) != ERR_OK)
            b = INT64_MIN;
        db_rollback(f->ctx.db);
    }
    return b;
}

static int
verify(struct fixture *f)
{
    int problems = -1;

    problems_seen = 0;
    if (store_ledger_verify(f->ctx.db, f->ctx.a, count_problem, NULL, &problems,
                            NULL) != ERR_OK)
        return -1;
    return problems == problems_seen ? problems : -1;
}

static void
run_ledger(const char *url)
{
    struct fixture f;

    if (!setup(&f, url)) {
        harness_fail(__FILE__, __LINE__, "cannot set up store at %s", url);
        return;
    }
    CHECK_RC(post(&f, f.cash, f.wallet, 5000), ERR_OK);
    CHECK_I64(balance(&f, f.cash), 5000);
    CHECK_I64(balance(&f, f.wallet), -5000);
    /* Spend 3000 of the credit: debit wallet, credit drawer. */
    CHECK_RC(post(&f, f.wallet, f.cash, 3000), ERR_OK);
    CHECK_I64(balance(&f, f.wallet), -2000);
    /* Spending 2001 would overdraw the wallet: refused, nothing kept. */
    CHECK_RC(post(&f, f.wallet, f.cash, 2001), ERR_RULE);
    CHECK_I64(balance(&f, f.wallet), -2000);
    CHECK_I64(balance(&f, f.cash), 2000);
    /* Unbalanced or empty transfers never reach the store. */
    CHECK_RC(post(&f, f.cash, f.wallet, 0), ERR_INVALID);
    CHECK_I64(verify(&f), 0);
    /* Tamper with a cached balance: the check must see it. */
    CHECK_RC(db_exec(f.ctx.db, f.ctx.a,
                     "UPDATE ledger_accounts SET balance_minor = 1 "
                     "WHERE id = $1",
                     (struct db_param[]){P_TEXT(f.cash)}, 1, NULL, NULL),
             ERR_OK);
    CHECK_I64(verify(&f), 1);
    /* Tamper with an entry: sums and the transfer break too. */
    CHECK_RC(db_exec(f.ctx.db, f.ctx.a,
                     "UPDATE ledger_entries SET amount_minor = 4999 "
                     "WHERE seq = 1 AND ledger_account_id = $1",
                     (struct db_param[]){P_TEXT(f.cash)}, 1, NULL, NULL),
             ERR_OK);
    CHECK(verify(&f) >= 3);
    teardown(&f);
}

TEST(ledger_store_sqlite)
{
    run_ledger(":memory:");
}

TEST(ledger_store_postgres)
{
    const char *url = getenv("POISE_TEST_PG_URL");

    if (url == NULL || url[0] == '\0') {
        /* make test runs this inside scripts/with-postgres. */
        printf("ledger_store_postgres: skipped, no POISE_TEST_PG_URL\n");
        return;
    }
    run_ledger(url);
}
