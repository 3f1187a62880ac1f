/*
 * accounts.c - `poise migrate` and `poise accounts create`.
 */
#include <stdio.h>
#include <string.h>

#include "app/account.h"
#include "base/json.h"
#include "cli/cli.h"

static const char migrate_usage[] =
    "usage: poise migrate [--db URL]\n\n"
    "Create the schema or apply the migrations it lacks. Safe to re-run.\n";

int
cli_migrate(int argc, char **argv)
{
    const char *db = cli_default_db();
    bool help;
    const struct opt opts[] = {{"--db", true, &db, NULL}};
    struct store *s;
    struct errinfo ei;
    int applied = 0;
    int rc = cli_parse(argc, argv, opts, 1, migrate_usage, &help);

    if (rc)
        return help ? 0 : rc;
    errinfo_clear(&ei);
    if (store_open(db, 1, &s, &ei) != ERR_OK) {
        fprintf(stderr, "poise: %s\n", ei.message);
        return 1;
    }
    if (store_migrate(s, &applied, &ei) != ERR_OK) {
        fprintf(stderr, "poise: migration failed: %s\n", ei.message);
        store_close(s);
        return 1;
    }
    printf("migrated %s: %d migration(s) applied, schema version %d\n", db,
           applied, store_schema_version_latest());
    store_close(s);
    return 0;
}

static const char accounts_usage[] =
    "usage: poise accounts create --name NAME --email EMAIL "
    "[--password-stdin] [--db URL]\n\n"
    "Create an account (a practice) with its head admin. Prints JSON with\n"
    "account.id, user.id and a head-admin API key secret (shown once).\n"
    "--password-stdin reads the head admin's password from standard input.\n";

static int
read_password(char *buf, size_t cap)
{
    size_t n;

    if (fgets(buf, (int)cap, stdin) == NULL) {
        fprintf(stderr, "poise: no password on standard input\n");
        return 1;
    }
    n = strcspn(buf, "\r\n");
    buf[n] = '\0';
    return 0;
}

static void
print_created(const struct account_created *c)
{
    json_t *o = json_pack("{s:{s:s,s:s},s:{s:s,s:s,s:s},s:{s:s,s:s}}",
                          "account", "id", c->account.id, "name",
                          c->account.name, "user", "id", c->head_admin.id,
                          "email", c->head_admin.email, "role", "head_admin",
                          "api_key", "id", c->key.id, "secret", c->key.secret);
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

    if (text != NULL)
        printf("%s\n", text);
    json_decref(o);
}

static int
create(const char *db, const char *name, const char *email, bool pw_stdin)
{
    char password[256] = "";
    struct account_new in = {.name = name, .email = email};
    struct account_created out;
    struct store *s;
    struct cli_tx tx;
    struct errinfo ei;
    int status;

    if (pw_stdin && read_password(password, sizeof(password)) != 0)
        return 1;
    in.password = pw_stdin ? password : NULL;
    if (cli_open_store(db, 1, &s) != 0 || cli_tx_begin(&tx) != 0)
        return 1;
    errinfo_clear(&ei);
    if (app_account_create(&tx.ctx, &in, &out, &ei) != ERR_OK) {
        fprintf(stderr, "poise: %s%s%s\n", ei.message,
                ei.param[0] != '\0' ? " - " : "", ei.param);
        cli_tx_end(&tx, false);
        store_close(s);
        return 1;
    }
    print_created(&out);
    status = cli_tx_end(&tx, true);
    store_close(s);
    return status;
}

int
cli_accounts(int argc, char **argv)
{
    const char *db = cli_default_db();
    const char *name = NULL;
    const char *email = NULL;
    bool pw_stdin = false;
    bool help;
    const struct opt opts[] = {
        {"--db", true, &db, NULL},
        {"--name", true, &name, NULL},
        {"--email", true, &email, NULL},
        {"--password-stdin", false, NULL, &pw_stdin},
    };
    int rc;

    if (argc < 2 || strcmp(argv[1], "create") != 0) {
        if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
            fputs(accounts_usage, stdout);
            return 0;
        }
        fputs(accounts_usage, stderr);
        return 2;
    }
    rc = cli_parse(argc - 1, argv + 1, opts, 4, accounts_usage, &help);
    if (rc)
        return help ? 0 : rc;
    if (name == NULL || email == NULL) {
        fprintf(stderr, "poise: --name and --email are required\n\n%s",
                accounts_usage);
        return 2;
    }
    return create(db, name, email, pw_stdin);
}
