/*
 * common.c - option parsing, opening the store, system transactions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/json.h"
#include "base/time.h"
#include "cli/cli.h"

#define CLI_ARENA_BYTES (64u * 1024 * 1024)

int
cli_parse(int argc, char **argv, const struct opt *opts, size_t n,
          const char *usage, bool *help)
{
    *help = false;
    for (int i = 1; i < argc; i++) {
        size_t k;

        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            *help = true;
            return 1;
        }
        for (k = 0; k < n; k++) {
            if (strcmp(argv[i], opts[k].name) == 0)
                break;
        }
        if (k == n) {
            fprintf(stderr, "poise: unknown option '%s'\n\n%s", argv[i], usage);
            return 2;
        }
        if (!opts[k].takes_value) {
            *opts[k].flag = true;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "poise: option %s needs a value\n", argv[i]);
            return 2;
        }
        *opts[k].value = argv[++i];
    }
    return 0;
}

const char *
cli_default_db(void)
{
    const char *db = getenv("POISE_DB");

    return db != NULL && db[0] != '\0' ? db : "var/poise.db";
}

int
cli_open_store(const char *url, int pool_size, struct store **out)
{
    struct errinfo ei;
    int applied = 0;

    errinfo_clear(&ei);
    if (store_open(url, pool_size, out, &ei) != ERR_OK) {
        fprintf(stderr, "poise: %s\n", ei.message);
        return 1;
    }
    if (store_migrate(*out, &applied, &ei) != ERR_OK) {
        fprintf(stderr, "poise: migration failed: %s\n", ei.message);
        store_close(*out);
        return 1;
    }
    app_set_store(*out);
    return 0;
}

int
cli_tx_begin(struct cli_tx *tx)
{
    memset(tx, 0, sizeof(*tx));
    tx->ctx.a = arena_new(CLI_ARENA_BYTES);
    tx->ctx.actor_type = ACTOR_SYSTEM;
    tx->ctx.now_ms = time_now_ms();
    tx->ctx.request_id = "cli";
    json_use_arena(tx->ctx.a);
    if (app_db_acquire(&tx->ctx) != ERR_OK ||
        app_tx_begin(&tx->ctx, true) != ERR_OK) {
        fprintf(stderr, "poise: cannot begin a transaction\n");
        app_db_release(&tx->ctx);
        json_use_arena(NULL);
        arena_free(tx->ctx.a);
        return 1;
    }
    return 0;
}

int
cli_tx_end(struct cli_tx *tx, bool commit)
{
    int status = 0;

    if (commit && app_tx_commit(&tx->ctx) != ERR_OK) {
        fprintf(stderr, "poise: commit failed\n");
        status = 1;
    }
    app_db_release(&tx->ctx);
    json_use_arena(NULL);
    arena_free(tx->ctx.a);
    return status;
}
