/*
 * app.h - the context every use case runs in, and the shared helpers.
 *
 * One function per API operation, in one file per area. Each runs inside
 * the request's transaction (opened by the caller: http/, cli/ or jobs/),
 * checks what the role may do beyond the route's minimum, applies core
 * rules, writes through store/ and records an audit event for every write.
 * Nothing here knows about HTTP.
 */
#ifndef POISE_APP_APP_H
#define POISE_APP_APP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/json.h"
#include "core/role.h"
#include "store/store.h"

/* Who is acting: a signed-in user, an API key, or the system (CLI, jobs). */
enum actor_type {
    ACTOR_SYSTEM = 0,
    ACTOR_USER = 1,
    ACTOR_API_KEY = 2,
};

struct app_ctx {
    const char *account_id; /* first, always; NULL only before auth */
    struct arena *a;
    struct db *db;
    enum actor_type actor_type;
    const char *actor_id; /* user id or api key id; NULL for system */
    const char *user_id;  /* the user acting (the key's creator) */
    enum role role;
    int64_t now_ms;
    const char *request_id;
};

/*
 * The process's store, set once at start-up before any request; the
 * connection and transaction steps every caller (http, cli, jobs) uses.
 */
void app_set_store(struct store *s);
struct store *app_store(void);

/* Borrow a connection into ctx->db (waits up to 5 s: ERR_BUSY). */
MUST_CHECK enum err app_db_acquire(struct app_ctx *ctx);
/* Begin ctx's transaction; write takes the write lock up front. */
MUST_CHECK enum err app_tx_begin(struct app_ctx *ctx, bool write);
/* Commit ctx's transaction. */
MUST_CHECK enum err app_tx_commit(struct app_ctx *ctx);
/* Roll back any open transaction and give the connection back. */
void app_db_release(struct app_ctx *ctx);
/* Write commits and WAL syncs of the store committing by group (SQLite). */
void app_store_sync_stats(uint64_t *commits, uint64_t *syncs);
/* Failed database statements since start. */
uint64_t app_store_error_count(void);

/* A page of a list: limit 1..100, and the id to start after (or NULL). */
struct page {
    int64_t limit;
    const char *starting_after;
};

#define PAGE_LIMIT_DEFAULT 20
#define PAGE_LIMIT_MAX 100

/*
 * The clock for this account: the wall clock, moved forward by the
 * account's test-clock offset (test helpers, or the sandbox gateway's test
 * clock; offsets live in memory and start at zero with the process).
 */
int64_t app_now_ms(const char *account_id);

/* Enable test helpers (the per-account test clock); off by default. */
void app_test_helpers_enable(bool on);
bool app_test_helpers_enabled(void);

/*
 * Move account's test clock forward by delta_ms (>= 0). Callers check that
 * the account may (test helpers on, or its gateway is the sandbox).
 */
MUST_CHECK enum err app_test_clock_advance(const char *account_id,
                                           int64_t delta_ms,
                                           int64_t *now_ms_out);

/*
 * Run the due background jobs of account_id at now_ms: set by the CLI at
 * start-up (src/jobs sits above app), so the sandbox's test clock can move
 * jobs along with it. Without a runner this does nothing.
 */
typedef enum err (*app_jobs_runner_fn)(const char *account_id, int64_t now_ms,
                                       struct errinfo *ei);
void app_set_jobs_runner(app_jobs_runner_fn fn);
MUST_CHECK enum err app_run_jobs(const char *account_id, int64_t now_ms,
                                 struct errinfo *ei);

/*
 * Record an audit event for a write, chained to the previous event of the
 * account. summary is a JSON object describing what changed (stolen).
 */
MUST_CHECK enum err app_audit(struct app_ctx *ctx, const char *action,
                              const char *object_type, const char *object_id,
                              json_t *summary, struct errinfo *ei);

/* A store failure as an errinfo (code store_error) unless ei is set. */
enum err app_store_fail(enum err rc, struct errinfo *ei);

/* ERR_FORBIDDEN with a message naming the role needed. */
enum err app_forbidden(struct errinfo *ei, const char *what);

/* ERR_NOT_FOUND: "no such <type> '<id>'". */
enum err app_not_found(struct errinfo *ei, const char *type, const char *id,
                       const char *param);

#endif
