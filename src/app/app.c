/*
 * app.c - the store handle, transactions, the (test) clock and audit.
 *
 * The audit chain: each account's events carry a sequence number and the
 * hash of the previous event; the head (last seq and hash) is kept on the
 * account row and advanced by an UPDATE in the writing transaction, which
 * serialises concurrent writers of one account on PostgreSQL as the write
 * lock does on SQLite.
 */
#include "app/app.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "base/assert.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/time.h"
#include "store/audit.h"

static struct store *the_store;
static atomic_bool test_helpers;

/* Test clock offsets per account; only used with test helpers on. */
#define TEST_CLOCKS_MAX 1024
struct test_clock {
    char account_id[64];
    int64_t offset_ms;
};
static struct test_clock test_clocks[TEST_CLOCKS_MAX];
static atomic_bool test_clocks_used; /* skip the lock until one is moved */
static size_t test_clock_count;
static pthread_mutex_t test_clock_mu = PTHREAD_MUTEX_INITIALIZER;

static app_jobs_runner_fn jobs_runner;

void
app_set_jobs_runner(app_jobs_runner_fn fn)
{
    jobs_runner = fn;
}

enum err
app_run_jobs(const char *account_id, int64_t now_ms, struct errinfo *ei)
{
    return jobs_runner != NULL ? jobs_runner(account_id, now_ms, ei) : ERR_OK;
}

void
app_set_store(struct store *s)
{
    the_store = s;
}

struct store *
app_store(void)
{
    ASSERT(the_store != NULL);
    return the_store;
}

enum err
app_db_acquire(struct app_ctx *ctx)
{
    ASSERT(ctx->db == NULL);
    return store_acquire(app_store(), 5000, &ctx->db);
}

enum err
app_tx_begin(struct app_ctx *ctx, bool write)
{
    ASSERT(ctx->db != NULL);
    return db_begin(ctx->db, write);
}

enum err
app_tx_commit(struct app_ctx *ctx)
{
    ASSERT(ctx->db != NULL);
    return db_commit(ctx->db);
}

void
app_db_release(struct app_ctx *ctx)
{
    if (ctx->db == NULL)
        return;
    store_release(app_store(), ctx->db);
    ctx->db = NULL;
}

uint64_t
app_store_error_count(void)
{
    return store_error_count();
}

void
app_store_sync_stats(uint64_t *commits, uint64_t *syncs)
{
    *commits = *syncs = 0;
    if (app_store() != NULL)
        store_sync_stats(app_store(), commits, syncs);
}

void
app_test_helpers_enable(bool on)
{
    atomic_store(&test_helpers, on);
}

bool
app_test_helpers_enabled(void)
{
    return atomic_load(&test_helpers);
}

static struct test_clock *
find_clock(const char *account_id)
{
    for (size_t i = 0; i < test_clock_count; i++) {
        if (strcmp(test_clocks[i].account_id, account_id) == 0)
            return &test_clocks[i];
    }
    return NULL;
}

int64_t
app_now_ms(const char *account_id)
{
    int64_t now = time_now_ms();
    struct test_clock *tc;

    if (!atomic_load(&test_clocks_used) || account_id == NULL)
        return now;
    pthread_mutex_lock(&test_clock_mu);
    tc = find_clock(account_id);
    if (tc != NULL)
        now += tc->offset_ms;
    pthread_mutex_unlock(&test_clock_mu);
    return now;
}

enum err
app_test_clock_advance(const char *account_id, int64_t delta_ms,
                       int64_t *now_ms_out)
{
    struct test_clock *tc;
    enum err rc = ERR_OK;

    ASSERT(delta_ms >= 0);
    ASSERT(strlen(account_id) < sizeof(tc->account_id));
    pthread_mutex_lock(&test_clock_mu);
    tc = find_clock(account_id);
    if (tc == NULL && test_clock_count < TEST_CLOCKS_MAX) {
        tc = &test_clocks[test_clock_count++];
        memcpy(tc->account_id, account_id, strlen(account_id) + 1);
    }
    if (tc == NULL)
        rc = ERR_LIMIT;
    else
        tc->offset_ms += delta_ms;
    atomic_store(&test_clocks_used, true);
    pthread_mutex_unlock(&test_clock_mu);
    if (rc == ERR_OK)
        *now_ms_out = app_now_ms(account_id);
    return rc;
}

enum err
app_store_fail(enum err rc, struct errinfo *ei)
{
    ASSERT(rc != ERR_OK);
    if (ei != NULL && ei->message[0] != '\0')
        return rc;
    return errinfo_set(ei, rc, "store_error", NULL, "the database failed");
}

enum err
app_forbidden(struct errinfo *ei, const char *what)
{
    return errinfo_set(ei, ERR_FORBIDDEN, "forbidden", NULL,
                       "your role may not %s", what);
}

enum err
app_not_found(struct errinfo *ei, const char *type, const char *id,
              const char *param)
{
    return errinfo_set(ei, ERR_NOT_FOUND, "resource_missing", param,
                       "no such %s '%s'", type, id);
}

static const char *const actor_names[] = {
    [ACTOR_SYSTEM] = "system",
    [ACTOR_USER] = "user",
    [ACTOR_API_KEY] = "api_key",
};

enum err
app_audit(struct app_ctx *ctx, const char *action, const char *object_type,
          const char *object_id, json_t *summary, struct errinfo *ei)
{
    struct audit_event ev;
    char *text;
    enum err rc;

    ASSERT(ctx->account_id != NULL);
    ASSERT(db_in_tx(ctx->db));
    text = json_dump(ctx->a, summary != NULL ? summary : json_object(), NULL);
    if (text == NULL)
        return errinfo_set(ei, ERR_LIMIT, "request_too_large", NULL,
                           "audit summary too large");
    memset(&ev, 0, sizeof(ev));
    ev.id = id_new(ctx->a, "evt", ctx->now_ms);
    ev.actor_type = actor_names[ctx->actor_type];
    ev.actor_id = ctx->actor_id;
    ev.action = action;
    ev.object_type = object_type;
    ev.object_id = object_id;
    ev.summary = text;
    ev.request_id = ctx->request_id;
    ev.created_at_ms = ctx->now_ms;
    if (ev.id == NULL)
        return ERR_LIMIT;
    rc = store_audit_append(ctx->db, ctx->a, ctx->account_id, &ev, ei);
    if (rc)
        return app_store_fail(rc, ei);
    return ERR_OK;
}
