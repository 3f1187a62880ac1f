/*
 * jobs.c - `poise jobs run-once`: run every due background job once, for
 * cron or an operator, next to or instead of `poise serve`'s scheduler
 * (leases keep them from running a job twice).
 */
#include <stdio.h>
#include <string.h>

#include "app/message.h"
#include "app/pos.h"
#include "app/sandbox.h"
#include "base/str.h"
#include "cli/cli.h"
#include "jobs/scheduler.h"

#define RUN_ONCE_MAX_DEFAULT "10000"

static const char jobs_usage[] =
    "usage: poise jobs run-once [--db URL] [--account ID] [--max N]\n\n"
    "Enqueue the recurring jobs, then run every job due now once (a job\n"
    "that fails is retried by a later run after its backoff) and print\n"
    "{\"ran\":N,\"failed\":M}. Exit 0 when the database could be used, 1\n"
    "otherwise; failed jobs do not change the exit status.\n\n"
    "  --db URL      default $POISE_DB, else var/poise.db\n"
    "  --account ID  only this account's jobs\n"
    "  --max N       stop after N jobs (default " RUN_ONCE_MAX_DEFAULT ")\n";

/* Run batches until nothing is due or max jobs ran. */
static int
run_once(const char *account_id, int64_t max)
{
    struct jobs_stats total = {0};
    struct jobs_stats st;
    struct errinfo ei;
    enum err rc;

    do {
        errinfo_clear(&ei);
        rc = jobs_run_due(account_id, app_now_ms(account_id),
                          (int)(max - total.ran), &st, &ei);
        total.ran += st.ran;
        total.failed += st.failed;
    } while (rc == ERR_OK && st.more && total.ran < max);
    if (rc) {
        fprintf(stderr, "poise: jobs stopped: %s\n",
                ei.message[0] != '\0' ? ei.message : err_name(rc));
        return 1;
    }
    printf("{\"ran\":%d,\"failed\":%d}\n", total.ran, total.failed);
    return 0;
}

int
cli_jobs(int argc, char **argv)
{
    const char *db = cli_default_db();
    const char *account = NULL;
    const char *max_s = RUN_ONCE_MAX_DEFAULT;
    bool help;
    const struct opt opts[] = {
        {"--db", true, &db, NULL},
        {"--account", true, &account, NULL},
        {"--max", true, &max_s, NULL},
    };
    struct store *s;
    struct errinfo ei;
    int64_t max;
    int rc;

    if (argc < 2 || strcmp(argv[1], "run-once") != 0) {
        bool asked = argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
                                   strcmp(argv[1], "-h") == 0);

        fputs(jobs_usage, asked ? stdout : stderr);
        return asked ? 0 : 2;
    }
    rc = cli_parse(argc - 1, argv + 1, opts, 3, jobs_usage, &help);
    if (rc)
        return help ? 0 : rc;
    if (str_to_i64(str_c(max_s), 1, 1000000, &max) != ERR_OK) {
        fprintf(stderr, "poise: --max must be 1..1000000\n");
        return 2;
    }
    if (cli_open_store(db, 1, &s) != 0)
        return 1;
    app_gateways_configure();
    errinfo_clear(&ei);
    if (app_messages_configure(&ei) != ERR_OK) {
        fprintf(stderr, "poise: %s\n", ei.message);
        store_close(s);
        return 1;
    }
    /* Jobs may reach the sandbox gateway; its events wait for the server. */
    if (app_sandbox_open(db, NULL, &ei) != ERR_OK) {
        fprintf(stderr, "poise: sandbox gateway: %s\n", ei.message);
        store_close(s);
        return 1;
    }
    rc = run_once(account, max);
    app_sandbox_close();
    store_close(s);
    return rc;
}
