/*
 * sandbox.c - the sandbox processor's start-up and its own endpoints.
 */
#include "app/sandbox.h"

#include <stdlib.h>
#include <string.h>

#include "app/pos.h"
#include "base/assert.h"
#include "base/log.h"
#include "base/str.h"
#include "store/pos.h"

#define ADVANCE_SECONDS_MAX (90LL * 24 * 60 * 60)

/* "var/poise.db" -> "var/poise-sandbox.db"; arena-owned. */
static const char *
sandbox_path(struct arena *a, const char *db_url)
{
    const char *path = strncmp(db_url, "sqlite:", 7) == 0 ? db_url + 7 : db_url;
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');

    if (dot == NULL || (slash != NULL && dot < slash))
        return arena_printf(a, "%s-sandbox", path);
    return arena_printf(a, "%.*s-sandbox%s", (int)(dot - path), path, dot);
}

/* *v from the environment variable name when set to 0..100000. */
static void
env_i64(const char *name, int64_t *v)
{
    const char *s = getenv(name);
    int64_t n;

    if (s != NULL && str_to_i64(str_c(s), 0, 100000, &n) == ERR_OK)
        *v = n;
}

enum err
app_sandbox_open(const char *db_url, const char *webhook_url,
                 struct errinfo *ei)
{
    struct sandbox_config c;
    struct arena *a = arena_new(4096);
    const char *env = getenv("POISE_SANDBOX_DB");
    bool pg = strncmp(db_url, "postgres://", 11) == 0 ||
              strncmp(db_url, "postgresql://", 13) == 0;
    enum err rc;

    ASSERT(a != NULL);
    sandbox_config_init(&c);
    env_i64("POISE_SANDBOX_CNP_BPS", &c.cnp_bps);
    env_i64("POISE_SANDBOX_CNP_FIXED", &c.cnp_fixed);
    env_i64("POISE_SANDBOX_CP_BPS", &c.cp_bps);
    env_i64("POISE_SANDBOX_CP_FIXED", &c.cp_fixed);
    c.db_url = env != NULL && env[0] != '\0' ? env
               : pg                          ? db_url
                                             : sandbox_path(a, db_url);
    c.webhook_url = webhook_url;
    rc = sandbox_open(&c, ei);
    arena_free(a);
    return rc;
}

void
app_sandbox_close(void)
{
    sandbox_close();
}

/* The account's POS must run on the sandbox. */
static enum err
require_sandbox(struct app_ctx *ctx, struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    enum err rc = app_pos_require(ctx, &s, &ops, ei);

    if (rc)
        return rc;
    if (strcmp(s.gateway, "sandbox") != 0 || !sandbox_is_open())
        return errinfo_set(ei, ERR_RULE, "sandbox_not_enabled", NULL,
                           "this account takes payments through %s, not the "
                           "sandbox",
                           s.gateway);
    return ERR_OK;
}

enum err
app_sandbox_tokenize(struct app_ctx *ctx, const char *number, int exp_month,
                     int exp_year, const char *cvc, char *token_out,
                     struct gw_card *card_out, struct errinfo *ei)
{
    struct gw_ctx g = app_gw_ctx(ctx);
    enum err rc = require_sandbox(ctx, ei);

    if (rc)
        return rc;
    return sandbox_tokenize(&g, number, exp_month, exp_year, cvc, token_out,
                            card_out, ei);
}

/* Commit, run fn's sandbox work outside any transaction, begin again. */
static enum err
outside_tx(struct app_ctx *ctx, struct errinfo *ei)
{
    enum err rc = require_sandbox(ctx, ei);

    if (rc == ERR_OK && (rc = app_tx_commit(ctx)))
        rc = app_store_fail(rc, ei);
    return rc;
}

static enum err
deliver(struct app_ctx *ctx, struct errinfo *ei)
{
    struct gw_ctx g = app_gw_ctx(ctx);
    size_t n;

    return sandbox_deliver(&g, &n, ei);
}

enum err
app_sandbox_present_card(struct app_ctx *ctx, const char *serial,
                         const char *number, struct gw_charge *out,
                         struct errinfo *ei)
{
    struct gw_ctx g = app_gw_ctx(ctx);
    enum err rc = outside_tx(ctx, ei);

    if (rc)
        return rc;
    rc = sandbox_present_card(&g, serial, number, out, ei);
    if (rc == ERR_OK || rc == ERR_DECLINED) {
        struct errinfo dei;

        errinfo_clear(&dei);
        if (deliver(ctx, &dei) != ERR_OK) /* the outbox retries it */
            log_warn("sandbox events not delivered yet: %s", dei.message);
    }
    if (app_tx_begin(ctx, true) != ERR_OK && rc == ERR_OK)
        rc = app_store_fail(ERR_STORE, ei);
    return rc;
}

enum err
app_sandbox_advance(struct app_ctx *ctx, int64_t seconds, int64_t *now_ms,
                    struct errinfo *ei)
{
    struct gw_ctx g;
    enum err rc;

    if (seconds < 1 || seconds > ADVANCE_SECONDS_MAX)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "seconds",
                           "seconds must be 1 to %lld (90 days)",
                           (long long)ADVANCE_SECONDS_MAX);
    rc = outside_tx(ctx, ei);
    if (rc)
        return rc;
    /* What is due now happens before the clock moves (this month's fees
     * reach the next payout), then the processor's days, then the jobs
     * due at the new time. */
    rc = app_run_jobs(ctx->account_id, ctx->now_ms, ei);
    if (rc == ERR_OK)
        rc = app_test_clock_advance(ctx->account_id, seconds * 1000, now_ms);
    if (rc == ERR_LIMIT)
        rc = errinfo_set(ei, ERR_LIMIT, "test_clocks_full", NULL,
                         "too many test clocks in this process");
    if (rc == ERR_OK) {
        ctx->now_ms = *now_ms;
        g = app_gw_ctx(ctx);
        rc = sandbox_advance(&g, ei);
    }
    if (rc == ERR_OK)
        rc = app_run_jobs(ctx->account_id, ctx->now_ms, ei);
    if (app_tx_begin(ctx, true) != ERR_OK && rc == ERR_OK)
        rc = app_store_fail(ERR_STORE, ei);
    return rc;
}

enum err
app_sandbox_charges(struct app_ctx *ctx, int64_t offset, int64_t limit,
                    struct sandbox_charge_list *out, struct errinfo *ei)
{
    struct gw_ctx g = app_gw_ctx(ctx);
    enum err rc = require_sandbox(ctx, ei);

    if (rc)
        return rc;
    return sandbox_charges_list(&g, offset, limit, out, ei);
}

enum err
app_sandbox_tick(struct app_ctx *ctx, struct errinfo *ei)
{
    const char **ids;
    size_t n;
    enum err rc;

    ASSERT(ctx->db != NULL && !db_in_tx(ctx->db));
    if (!sandbox_is_open())
        return ERR_OK;
    rc = app_tx_begin(ctx, false);
    if (rc == ERR_OK)
        rc = store_pos_accounts_on(ctx->db, ctx->a, "sandbox", &ids, &n, ei);
    db_rollback(ctx->db);
    if (rc)
        return app_store_fail(rc, ei);
    for (size_t i = 0; i < n; i++) {
        struct gw_ctx g = {
            .account_id = ids[i], .now_ms = app_now_ms(ids[i]), .a = ctx->a};
        struct errinfo one;

        errinfo_clear(&one);
        if (sandbox_advance(&g, &one) != ERR_OK)
            log_warn("sandbox of %s not advanced: %s", ids[i], one.message);
    }
    return ERR_OK;
}
