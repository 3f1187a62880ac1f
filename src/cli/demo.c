/*
 * demo.c - `poise demo` and the --demo start of `poise serve`.
 */
#include "cli/demo.h"

#include <stdio.h>

#include "app/demo.h"
#include "app/demo_data.h"
#include "cli/cli.h"

static const char demo_usage[] =
    "usage: poise demo [--db URL]\n\n"
    "Load the demo practice \"Glow Aesthetics\" (2 clinics, a user of every\n"
    "role, ~40 catalog items, 200 patients) unless it is already loaded,\n"
    "and print its sign-in and a fresh demo API key.\n";

static int
fail(struct cli_tx *tx, const struct errinfo *ei)
{
    fprintf(stderr, "poise: demo: %s\n", ei->message);
    cli_tx_end(tx, false);
    return 1;
}

int
cli_demo_ensure(bool print)
{
    struct account_created created;
    struct api_key key;
    struct cli_tx tx;
    struct errinfo ei;
    bool exists = false;

    errinfo_clear(&ei);
    if (cli_tx_begin(&tx) != 0)
        return 1;
    if (app_demo_exists(&tx.ctx, &exists, &ei) != ERR_OK)
        return fail(&tx, &ei);
    if (!exists && app_demo_load(&tx.ctx, &created, &ei) != ERR_OK)
        return fail(&tx, &ei);
    if (app_demo_key(&tx.ctx, &key, &ei) != ERR_OK)
        return fail(&tx, &ei);
    if (print) {
        printf("%s\n"
               "  head admin:  %s\n"
               "  password:    %s\n"
               "  API key:     %s\n",
               exists ? "demo practice \"Glow Aesthetics\" (already loaded)"
                      : "loaded demo practice \"Glow Aesthetics\"",
               DEMO_HEAD_ADMIN_EMAIL, DEMO_PASSWORD, key.secret);
    }
    return cli_tx_end(&tx, true);
}

int
cli_demo(int argc, char **argv)
{
    const char *db = cli_default_db();
    bool help;
    const struct opt opts[] = {{"--db", true, &db, NULL}};
    struct store *s;
    int status = cli_parse(argc, argv, opts, 1, demo_usage, &help);

    if (status)
        return help ? 0 : status;
    if (cli_open_store(db, 1, &s) != 0)
        return 1;
    status = cli_demo_ensure(true);
    store_close(s);
    return status;
}
