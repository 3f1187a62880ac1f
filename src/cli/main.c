/*
 * main.c - the poise binary: subcommands wired to app/ and http/.
 *
 *   poise serve | migrate | demo | check | accounts create | jobs run-once
 *
 * Every subcommand takes --db (default $POISE_DB, else var/poise.db) and
 * --help. Exit status 0 on success, 1 on failure, 2 on bad usage.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/log.h"
#include "cli/cli.h"

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"serve", cli_serve, "serve the API and web app over HTTP"},
    {"migrate", cli_migrate, "create or upgrade the database schema"},
    {"demo", cli_demo, "load the demo practice \"Glow Aesthetics\""},
    {"check", cli_check, "verify ledger, balances and audit chain"},
    {"accounts", cli_accounts, "create an account: accounts create ..."},
    {"jobs", cli_jobs, "run due background jobs once: jobs run-once"},
};

static void
usage(FILE *out)
{
    fprintf(out, "usage: poise <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nEvery command takes --db URL (default $POISE_DB, else "
                 "var/poise.db) and --help.\n");
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (crypto_init() != ERR_OK) {
        fprintf(stderr, "poise: cannot initialise libsodium\n");
        return 1;
    }
    json_init();
    signal(SIGPIPE, SIG_IGN);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "poise: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
