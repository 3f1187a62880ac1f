/*
 * check.c - `poise check`: verify the store's invariants and print a
 * readable report. Exit 0 when everything holds, 1 otherwise.
 */
#include <stdio.h>

#include "base/arena.h"
#include "cli/cli.h"
#include "store/audit.h"
#include "store/checkouts.h"
#include "store/ledger.h"

static const char check_usage[] =
    "usage: poise check [--db URL]\n\n"
    "Verify that the ledger sums to zero per currency, every transfer\n"
    "balances, cached balances equal their entries, and every account's\n"
    "audit chain is intact. Exit 0 when all hold, 1 otherwise.\n";

static void
report(void *ctx, const char *line)
{
    (void)ctx;
    printf("  FAIL %s\n", line);
}

/*
 * One consistent view for every query of the check, while the server may
 * be writing: a read transaction is a snapshot on SQLite (WAL); on
 * PostgreSQL it takes REPEATABLE READ.
 */
static enum err
begin_snapshot(struct db *db, struct arena *a, struct errinfo *ei)
{
    enum err rc;

    if (db_engine(db) == STORE_SQLITE)
        return db_begin(db, false);
    rc = db_begin(db, true);
    if (rc == ERR_OK)
        rc = db_exec(db, a,
                     "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, "
                     "READ ONLY",
                     NULL, 0, NULL, ei);
    return rc;
}

static int
verify(struct store *s)
{
    struct arena *a = arena_new(256u * 1024 * 1024);
    struct errinfo ei;
    struct db *db = NULL;
    int ledger = 0;
    int audit = 0;
    int invoices = 0;
    enum err rc;

    errinfo_clear(&ei);
    rc = store_acquire(s, 10000, &db);
    if (rc == ERR_OK)
        rc = begin_snapshot(db, a, &ei);
    if (rc == ERR_OK) {
        printf("ledger:\n");
        rc = store_ledger_verify(db, a, report, NULL, &ledger, &ei);
    }
    if (rc == ERR_OK) {
        printf("  %s\naudit chain:\n", ledger == 0 ? "ok" : "problems found");
        rc = store_audit_verify(db, a, report, NULL, &audit, &ei);
    }
    if (rc == ERR_OK) {
        printf("  %s\ninvoices:\n", audit == 0 ? "ok" : "problems found");
        rc = store_invoices_verify(db, a, report, NULL, &invoices, &ei);
    }
    if (rc == ERR_OK)
        printf("  %s\n", invoices == 0 ? "ok" : "problems found");
    if (db != NULL)
        store_release(s, db);
    arena_free(a);
    if (rc) {
        fprintf(stderr, "poise: check could not run: %s\n", ei.message);
        return 1;
    }
    printf("%s\n",
           ledger + audit + invoices == 0 ? "check passed" : "check FAILED");
    return ledger + audit + invoices == 0 ? 0 : 1;
}

int
cli_check(int argc, char **argv)
{
    const char *db = cli_default_db();
    bool help;
    const struct opt opts[] = {{"--db", true, &db, NULL}};
    struct store *s;
    int status = cli_parse(argc, argv, opts, 1, check_usage, &help);

    if (status)
        return help ? 0 : status;
    if (cli_open_store(db, 1, &s) != 0)
        return 1;
    status = verify(s);
    store_close(s);
    return status;
}
