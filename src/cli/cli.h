/*
 * cli.h - the subcommands and the option parsing they share.
 */
#ifndef POISE_CLI_CLI_H
#define POISE_CLI_CLI_H

#include <stdbool.h>

#include "app/app.h"
#include "store/store.h"

int cli_serve(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_accounts(int argc, char **argv);
int cli_jobs(int argc, char **argv);

/* One option: --name VALUE (takes_value) or --name (flag). */
struct opt {
    const char *name;
    bool takes_value;
    const char **value; /* takes_value */
    bool *flag;         /* !takes_value */
};

/*
 * Parse argv[1..] against opts. Prints help (and returns 1 with *help set)
 * on --help; prints an error and returns 2 on an unknown option.
 */
int cli_parse(int argc, char **argv, const struct opt *opts, size_t n,
              const char *usage, bool *help);

/* --db default: $POISE_DB, else var/poise.db. */
const char *cli_default_db(void);

/*
 * Open the store at url with pool_size connections, migrate it, and make
 * it the app's store. Prints the error and returns non-zero on failure.
 */
int cli_open_store(const char *url, int pool_size, struct store **out);

/* A context for running one use case as the system, with its own arena. */
struct cli_tx {
    struct app_ctx ctx;
};

/* Borrow a connection and begin a write transaction for the system. */
int cli_tx_begin(struct cli_tx *tx);
/* Commit (commit=true) or roll back, release, free the arena. */
int cli_tx_end(struct cli_tx *tx, bool commit);

#endif
