/*
 * job.c - enqueue, claim and run background jobs (see job.h for the
 * exactly-once argument).
 *
 * app_job_claim and app_job_run open and commit their own transactions:
 * the lease must be visible to other workers before the effect starts,
 * and a failed attempt must be recorded after its effect is rolled back.
 * Neither ever leaves a transaction open.
 */
#include "app/job.h"

#include <string.h>

#include "base/assert.h"
#include "base/crypto.h"

#define ACCOUNTS_PAGE 500

static enum err
check_name(const char *what, const char *s, struct errinfo *ei)
{
    if (s == NULL || s[0] == '\0')
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", what,
                           "job %s is empty", what);
    if (strlen(s) > JOB_KEY_MAX)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", what,
                           "job %s is longer than %d characters", what,
                           JOB_KEY_MAX);
    return ERR_OK;
}

enum err
app_job_enqueue(struct app_ctx *ctx, const char *key, const char *kind,
                const char *subject, int64_t run_at_ms, bool *created,
                struct errinfo *ei)
{
    struct job j;
    bool made = false;
    enum err rc;

    ASSERT(ctx->account_id != NULL);
    ASSERT(db_in_tx(ctx->db));
    rc = check_name("key", key, ei);
    if (rc == ERR_OK)
        rc = check_name("kind", kind, ei);
    if (rc)
        return rc;
    memset(&j, 0, sizeof(j));
    j.id = id_new(ctx->a, "job", ctx->now_ms);
    if (j.id == NULL)
        return ERR_LIMIT;
    j.key = key;
    j.kind = kind;
    j.subject = subject != NULL ? subject : "";
    j.run_at_ms = run_at_ms;
    j.created_at_ms = ctx->now_ms;
    rc = store_jobs_insert(ctx->db, ctx->a, ctx->account_id, &j, &made, ei);
    if (rc)
        return app_store_fail(rc, ei);
    if (created != NULL)
        *created = made;
    return ERR_OK;
}

/* Enqueue key_prefix || account || key_suffix for each account in ids. */
static enum err
enqueue_each(struct app_ctx *ctx, const char *kind, const char *period,
             int64_t run_at_ms, const char **ids, size_t n, int *enqueued,
             struct errinfo *ei)
{
    const char *all = ctx->account_id;
    enum err rc = ERR_OK;

    for (size_t i = 0; i < n && rc == ERR_OK; i++) {
        char *key = arena_printf(ctx->a, "%s:%s:%s", kind, ids[i], period);
        bool created = false;

        if (key == NULL)
            return ERR_LIMIT;
        ctx->account_id = ids[i];
        rc = app_job_enqueue(ctx, key, kind, ids[i], run_at_ms, &created, ei);
        *enqueued += created ? 1 : 0;
    }
    ctx->account_id = all;
    return rc;
}

enum err
app_job_enqueue_accounts(struct app_ctx *ctx, const char *kind,
                         const char *period, int64_t run_at_ms, int *enqueued,
                         struct errinfo *ei)
{
    char *prefix = arena_printf(ctx->a, "%s:", kind);
    char *suffix = arena_printf(ctx->a, ":%s", period);
    const char *after = NULL;
    const char **ids;
    size_t n = ACCOUNTS_PAGE;
    int count = 0;
    enum err rc = ERR_OK;

    ASSERT(db_in_tx(ctx->db));
    ASSERT(kind != NULL && period != NULL);
    if (prefix == NULL || suffix == NULL)
        return ERR_LIMIT;
    while (rc == ERR_OK && n == ACCOUNTS_PAGE) {
        rc = store_jobs_accounts_without(ctx->db, ctx->a, ctx->account_id,
                                         after, prefix, suffix, ACCOUNTS_PAGE,
                                         &ids, &n, ei);
        if (rc)
            return app_store_fail(rc, ei);
        rc = enqueue_each(ctx, kind, period, run_at_ms, ids, n, &count, ei);
        if (n > 0)
            after = ids[n - 1];
    }
    if (enqueued != NULL)
        *enqueued = count;
    return rc;
}

enum err
app_job_claim(struct app_ctx *ctx, const char *owner, int64_t lease_ms,
              size_t limit, struct job **out, size_t *n, struct errinfo *ei)
{
    bool any = false;
    enum err rc;

    ASSERT(ctx->db != NULL && !db_in_tx(ctx->db));
    ASSERT(lease_ms > 0);
    *n = 0;
    /* Look before taking the write lock: most ticks find nothing. */
    rc = store_jobs_any_due(ctx->db, ctx->a, ctx->account_id, ctx->now_ms, &any,
                            ei);
    if (rc)
        return app_store_fail(rc, ei);
    if (!any)
        return ERR_OK;
    rc = db_begin(ctx->db, true);
    if (rc == ERR_OK)
        rc = store_jobs_claim(ctx->db, ctx->a, ctx->account_id, owner,
                              ctx->now_ms, ctx->now_ms + lease_ms, limit, out,
                              n, ei);
    if (rc == ERR_OK)
        rc = db_commit(ctx->db);
    if (rc) {
        db_rollback(ctx->db);
        *n = 0;
        return app_store_fail(rc, ei);
    }
    ASSERT(*n <= limit);
    return ERR_OK;
}

/*
 * The effect's transaction: fence, handler, done, commit. *lost is set
 * when the fence shows the lease is no longer owner's.
 */
static enum err
run_effect(struct app_ctx *ctx, const struct job *job, const char *owner,
           const struct job_kind *kind, bool *lost, struct errinfo *ei)
{
    enum err rc = db_begin(ctx->db, true);

    *lost = false;
    if (rc == ERR_OK)
        rc = store_jobs_fence(ctx->db, ctx->a, job->account_id, job->id, owner,
                              ctx->now_ms, ei);
    if (rc) {
        *lost = rc == ERR_CONFLICT;
        return rc;
    }
    if (kind == NULL)
        return errinfo_set(ei, ERR_INTERNAL, "job_kind_unknown", NULL,
                           "unknown job kind '%s'", job->kind);
    rc = kind->run(ctx, job, ei);
    if (rc)
        return rc;
    /* A handler that committed mid-way must have begun again. */
    ASSERT(db_in_tx(ctx->db));
    rc = store_jobs_done(ctx->db, ctx->a, job->account_id, job->id, owner,
                         ctx->now_ms, ei);
    if (rc) {
        *lost = rc == ERR_CONFLICT;
        return rc;
    }
    return db_commit(ctx->db);
}

/* Record the failed attempt in a transaction of its own. */
static enum err
record_failure(struct app_ctx *ctx, const struct job *job, const char *owner,
               const struct job_kind *kind, struct job_outcome *out,
               struct errinfo *ei)
{
    int max = kind != NULL ? kind->attempts_max : JOB_ATTEMPTS_MAX_UNKNOWN;
    bool give_up = job->attempts >= max;
    int64_t at = ctx->now_ms + app_job_backoff_ms(job->key, job->attempts);
    enum err rc = db_begin(ctx->db, true);

    ASSERT(max >= 1);
    if (rc == ERR_OK)
        rc = store_jobs_retry(ctx->db, ctx->a, job->account_id, job->id, owner,
                              at, give_up, out->error.message, ctx->now_ms, ei);
    if (rc == ERR_OK)
        rc = db_commit(ctx->db);
    db_rollback(ctx->db);
    if (rc == ERR_CONFLICT) {
        out->result = JOB_RESULT_LOST;
        return ERR_OK;
    }
    if (rc)
        return app_store_fail(rc, ei);
    out->result = give_up ? JOB_RESULT_FAILED : JOB_RESULT_RETRY;
    out->retry_at_ms = give_up ? 0 : at;
    return ERR_OK;
}

enum err
app_job_run(struct app_ctx *ctx, const struct job *job, const char *owner,
            const struct job_kind *kind, struct job_outcome *out,
            struct errinfo *ei)
{
    bool lost = false;
    enum err rc;

    ASSERT(ctx->db != NULL && !db_in_tx(ctx->db));
    ASSERT(job->attempts >= 1);
    ASSERT(kind == NULL || strcmp(kind->name, job->kind) == 0);
    memset(out, 0, sizeof(*out));
    errinfo_clear(&out->error);
    ctx->account_id = job->account_id;
    rc = run_effect(ctx, job, owner, kind, &lost, &out->error);
    if (rc == ERR_OK) {
        out->result = JOB_RESULT_DONE;
        return ERR_OK;
    }
    db_rollback(ctx->db);
    if (lost) {
        out->result = JOB_RESULT_LOST;
        return ERR_OK;
    }
    if (out->error.message[0] == '\0')
        (void)errinfo_set(&out->error, rc, "job_failed", NULL, "job failed: %s",
                          err_name(rc));
    rc = record_failure(ctx, job, owner, kind, out, ei);
    ASSERT(!db_in_tx(ctx->db));
    return rc;
}

enum err
app_job_recurring(struct app_ctx *ctx, job_enqueue_fn enqueue,
                  struct errinfo *ei)
{
    enum err rc;

    ASSERT(ctx->db != NULL && !db_in_tx(ctx->db));
    ASSERT(enqueue != NULL);
    rc = db_begin(ctx->db, true);
    if (rc)
        return app_store_fail(rc, ei);
    rc = enqueue(ctx, ei);
    if (rc == ERR_OK) {
        rc = db_commit(ctx->db);
        if (rc)
            rc = app_store_fail(rc, ei);
    }
    db_rollback(ctx->db);
    return rc;
}

int64_t
app_job_backoff_ms(const char *key, int attempt)
{
    int64_t delay = JOB_BACKOFF_MS_BASE;
    uint32_t h = 2166136261u;

    ASSERT(attempt >= 1);
    for (int i = 1; i < attempt && delay < JOB_BACKOFF_MS_MAX; i++)
        delay *= 2;
    if (delay > JOB_BACKOFF_MS_MAX)
        delay = JOB_BACKOFF_MS_MAX;
    /* FNV-1a over key and attempt: the same retry, the same jitter. */
    for (const char *p = key; *p != '\0'; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    h = (h ^ (uint32_t)attempt) * 16777619u;
    return delay + (int64_t)(h % (uint32_t)(delay / 10 + 1));
}
