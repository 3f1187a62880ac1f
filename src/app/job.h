/*
 * job.h - background jobs as use cases: enqueue, claim, run one.
 *
 * A job is (unique key, kind, subject, run_at). Its key names one effect
 * for ever ("fee:<merchant>:2026-12"): enqueueing an existing key does
 * nothing, and a done job keeps its row, so the key stays taken.
 *
 * Exactly-once: a worker claims a job with a lease (owner, until) in one
 * short transaction; it then runs the kind's handler in a second write
 * transaction that starts by checking the lease is still its own (a
 * fencing UPDATE that must hit the row) and ends by marking the job done.
 * The handler's local writes and `done` commit together: a crash before
 * the commit leaves the job pending with no effect, and when the lease
 * runs out another worker takes it over; a worker whose lease was taken
 * over (a zombie) fails the fence and commits nothing. A failed attempt is
 * rolled back and recorded in a new transaction: pending again after an
 * exponential backoff, or failed after the kind's attempts_max.
 *
 * Handler contract (for kinds that call a gateway): send an idempotency
 * key derived from the job key alone ("job:" + key), never from the
 * attempt number, so a retry after a crash between the gateway's success
 * and our commit replays the gateway's result instead of repeating it.
 * Work that must be redone with a fresh gateway key (a dunning retry) is a
 * new job with its own key. A handler may commit in the middle (app_tx_
 * commit, gateway call, app_tx_begin) when each phase is idempotent; it
 * must return with a write transaction open.
 */
#ifndef POISE_APP_JOB_H
#define POISE_APP_JOB_H

#include "app/app.h"
#include "store/jobs.h"

#define JOB_KEY_MAX 200
#define JOB_LEASE_MS_DEFAULT (60LL * 1000)
#define JOB_BACKOFF_MS_BASE (30LL * 1000)
#define JOB_BACKOFF_MS_MAX (60LL * 60 * 1000)
/* attempts_max for a job whose kind this binary does not know. */
#define JOB_ATTEMPTS_MAX_UNKNOWN 5

/*
 * Run job's effect in ctx's open write transaction: ctx->account_id is
 * the job's account, ctx->now_ms the scheduler's clock, ctx->a is reset
 * after each job. Return ERR_OK to commit the effect with `done`, or an
 * error (message in ei, saved as the job's last_error: never a secret)
 * to roll it back and retry later.
 */
typedef enum err (*job_run_fn)(struct app_ctx *ctx, const struct job *job,
                               struct errinfo *ei);

struct job_kind {
    const char *name;
    job_run_fn run;
    int attempts_max; /* >= 1: then the job is failed */
};

enum job_result {
    JOB_RESULT_DONE = 1, /* effect and done committed together */
    JOB_RESULT_RETRY,    /* failed; pending again from retry_at_ms */
    JOB_RESULT_FAILED,   /* failed its last attempt: status failed */
    JOB_RESULT_LOST,     /* the lease was taken over: nothing committed */
};

struct job_outcome {
    enum job_result result;
    int64_t retry_at_ms;  /* JOB_RESULT_RETRY */
    struct errinfo error; /* RETRY and FAILED: why the attempt failed */
};

/*
 * Enqueue the jobs that recur (a day's purge, a month's fee) for ctx's
 * account, or for every account when ctx->account_id is NULL, at
 * ctx->now_ms; runs in a write transaction opened by app_job_recurring.
 */
typedef enum err (*job_enqueue_fn)(struct app_ctx *ctx, struct errinfo *ei);

/*
 * Enqueue a job of ctx's account in ctx's transaction (so a use case can
 * enqueue work atomically with its own writes), unless one with key
 * exists: *created (may be NULL) says which. key, kind and subject are
 * borrowed. ERR_INVALID for an empty or over-long key or kind.
 */
MUST_CHECK enum err app_job_enqueue(struct app_ctx *ctx, const char *key,
                                    const char *kind, const char *subject,
                                    int64_t run_at_ms, bool *created,
                                    struct errinfo *ei);

/*
 * Enqueue "<kind>:<account>:<period>" (subject: the account id) at
 * run_at_ms for ctx's account, or for every account when ctx->account_id
 * is NULL, skipping accounts that already have it. In ctx's transaction;
 * *enqueued (may be NULL) gets how many were new.
 */
MUST_CHECK enum err app_job_enqueue_accounts(struct app_ctx *ctx,
                                             const char *kind,
                                             const char *period,
                                             int64_t run_at_ms, int *enqueued,
                                             struct errinfo *ei);

/*
 * In a write transaction of its own on ctx->db (acquired, none open),
 * lease up to limit due jobs (ctx->account_id's only, unless NULL) to
 * owner for lease_ms from ctx->now_ms; each claim counts an attempt.
 * *out is in ctx->a. ERR_STORE, ERR_BUSY on failure.
 */
MUST_CHECK enum err app_job_claim(struct app_ctx *ctx, const char *owner,
                                  int64_t lease_ms, size_t limit,
                                  struct job **out, size_t *n,
                                  struct errinfo *ei);

/*
 * Run one claimed job as owner with kind's handler (kind NULL: unknown to
 * this binary, a failed attempt) in transactions of its own on ctx->db
 * (acquired, none open); sets ctx->account_id to the job's. *out says what
 * was committed. ERR_OK whenever the outcome is recorded; a store error
 * while recording a failure is returned (the job keeps its lease, and is
 * taken over when the lease ends).
 */
MUST_CHECK enum err app_job_run(struct app_ctx *ctx, const struct job *job,
                                const char *owner, const struct job_kind *kind,
                                struct job_outcome *out, struct errinfo *ei);

/*
 * Run enqueue in a write transaction of its own on ctx->db (acquired,
 * none open): committed when it returns ERR_OK, else rolled back and its
 * error returned.
 */
MUST_CHECK enum err app_job_recurring(struct app_ctx *ctx,
                                      job_enqueue_fn enqueue,
                                      struct errinfo *ei);

/*
 * Delay before retrying key after its attempt-th failed attempt (>= 1):
 * JOB_BACKOFF_MS_BASE doubled per attempt, capped at JOB_BACKOFF_MS_MAX,
 * plus up to a tenth more of jitter, derived from key and attempt so that
 * jobs failing together spread out and tests can predict it.
 */
int64_t app_job_backoff_ms(const char *key, int attempt);

#endif
