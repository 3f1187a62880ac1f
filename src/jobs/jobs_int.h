/*
 * jobs_int.h - the tables of job kinds and recurring enqueues (kinds.c),
 * and the handlers they name, shared inside src/jobs only.
 */
#ifndef POISE_JOBS_JOBS_INT_H
#define POISE_JOBS_JOBS_INT_H

#include "app/job.h"

/* A hook that enqueues recurring jobs before each claim round. */
struct jobs_recurring {
    const char *name;
    job_enqueue_fn enqueue;
};

extern const struct job_kind jobs_kinds[];
extern const size_t jobs_kind_count;
extern const struct jobs_recurring jobs_recurrings[];
extern const size_t jobs_recurring_count;

/* "YYYY-MM-DD", the UTC day of now_ms (>= 0), into out. */
void jobs_utc_day(int64_t now_ms, char out[11]);

/* idem_purge.c: delete expired idempotency keys of the job's account. */
MUST_CHECK enum err idem_purge_run(struct app_ctx *ctx, const struct job *job,
                                   struct errinfo *ei);
/* idem_purge.c: "idempotency_purge:<account>:<UTC day>", once a day. */
MUST_CHECK enum err idem_purge_enqueue(struct app_ctx *ctx, struct errinfo *ei);

/* connection_fee.c: bill one merchant account's month. */
MUST_CHECK enum err connection_fee_run(struct app_ctx *ctx,
                                       const struct job *job,
                                       struct errinfo *ei);
/* connection_fee.c: "connection_fee:<merchant>:<YYYY-MM>", once a month. */
MUST_CHECK enum err connection_fee_enqueue(struct app_ctx *ctx,
                                           struct errinfo *ei);

/* outbox.c: one delivery attempt of an outbox message. */
MUST_CHECK enum err outbox_run(struct app_ctx *ctx, const struct job *job,
                               struct errinfo *ei);

#endif
