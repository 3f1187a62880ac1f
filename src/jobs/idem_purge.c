/*
 * idem_purge.c - the idempotency_purge job: once a (UTC) day per account,
 * delete the stored responses older than IDEMPOTENCY_TTL_MS, which
 * app_idem_find deletes only when the same key comes back.
 *
 * Harmless to repeat, but like every job it runs once per key.
 */
#include <string.h>

#include "app/idempotency.h"
#include "base/assert.h"
#include "jobs/jobs_int.h"

enum err
idem_purge_run(struct app_ctx *ctx, const struct job *job, struct errinfo *ei)
{
    ASSERT(strcmp(job->kind, "idempotency_purge") == 0);
    ASSERT(strcmp(ctx->account_id, job->account_id) == 0);
    return app_idem_purge(ctx, ei);
}

enum err
idem_purge_enqueue(struct app_ctx *ctx, struct errinfo *ei)
{
    char day[11];

    jobs_utc_day(ctx->now_ms, day);
    return app_job_enqueue_accounts(ctx, "idempotency_purge", day, ctx->now_ms,
                                    NULL, ei);
}
