/*
 * scheduler.c - jobs_run_due and the scheduler thread.
 *
 * jobs_run_due claims one job at a time, so a lease covers the run of the
 * one job it was taken for, and stops after half a lease of wall time, so
 * a claim never uses a clock older than that. It never opens a
 * transaction itself: app_job_claim, app_job_run and app_job_recurring
 * own theirs. The thread holds no state between ticks but its clocks.
 */
#include "jobs/scheduler.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/checkout.h"
#include "app/payment.h"
#include "app/sandbox.h"
#include "base/assert.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/log.h"
#include "base/str.h"
#include "base/time.h"
#include "jobs/jobs_int.h"

#define JOBS_ARENA_BYTES (16u * 1024 * 1024)
#define JOBS_BUDGET_MS (JOB_LEASE_MS_DEFAULT / 2)
#define TEST_KINDS_MAX 16
#define OWNER_MAX 48

/* Start-up state: filled by tests before any job runs, then read-only. */
static const struct job_kind *test_kinds[TEST_KINDS_MAX];
static size_t test_kind_count;

const struct job_kind *
jobs_kind_find(const char *name)
{
    for (size_t i = 0; i < jobs_kind_count; i++) {
        if (strcmp(jobs_kinds[i].name, name) == 0)
            return &jobs_kinds[i];
    }
    for (size_t i = 0; i < test_kind_count; i++) {
        if (strcmp(test_kinds[i]->name, name) == 0)
            return test_kinds[i];
    }
    return NULL;
}

void
jobs_register_test_kind(const struct job_kind *kind)
{
    ASSERT(kind->run != NULL);
    ASSERT(kind->attempts_max >= 1);
    if (jobs_kind_find(kind->name) != NULL)
        return;
    ASSERT(test_kind_count < TEST_KINDS_MAX);
    test_kinds[test_kind_count++] = kind;
}

static const char *const result_names[] = {
    [JOB_RESULT_DONE] = "done",
    [JOB_RESULT_RETRY] = "retry",
    [JOB_RESULT_FAILED] = "failed",
    [JOB_RESULT_LOST] = "lost",
};

/* One line per job run; the error is the handler's message, no secrets. */
static void
log_job(struct app_ctx *ctx, const struct job *job, const struct job_outcome *o,
        int64_t ns)
{
    json_t *f = json_object();
    char *text;
    size_t len = 0;

    ASSERT(o->result >= JOB_RESULT_DONE && o->result <= JOB_RESULT_LOST);
    json_put(f, "account", json_string(job->account_id));
    json_put(f, "kind", json_string(job->kind));
    json_put(f, "key", json_string(job->key));
    json_put(f, "outcome", json_string(result_names[o->result]));
    json_put(f, "attempt", json_integer(job->attempts));
    json_put(f, "duration_ms", json_integer(ns / 1000000));
    if (o->result == JOB_RESULT_RETRY || o->result == JOB_RESULT_FAILED)
        json_put(f, "error", json_string(o->error.message));
    if (o->result == JOB_RESULT_RETRY)
        json_put(f, "retry_at_ms", json_integer(o->retry_at_ms));
    text = json_dump(ctx->a, f, &len);
    if (text == NULL || len < 2)
        return;
    /* log_line wants the members without the object's braces. */
    text[len - 1] = '\0';
    log_line(o->result == JOB_RESULT_DONE     ? "info"
             : o->result == JOB_RESULT_FAILED ? "error"
                                              : "warn",
             "job", text + 1);
}

static void
count(struct jobs_stats *out, enum job_result r)
{
    out->ran++;
    switch (r) {
    case JOB_RESULT_DONE:
        out->done++;
        break;
    case JOB_RESULT_RETRY:
    case JOB_RESULT_FAILED:
        out->failed++;
        break;
    case JOB_RESULT_LOST:
        out->lost++;
        break;
    default:
        ASSERT(!"unreachable");
    }
}

/* Claim the next due job and run it; *none when nothing is due. */
static enum err
run_next(struct app_ctx *ctx, const char *account_id, const char *owner,
         struct jobs_stats *out, bool *none, struct errinfo *ei)
{
    struct job *jobs = NULL;
    struct job_outcome o;
    size_t n = 0;
    int64_t t0;
    enum err rc;

    ctx->account_id = account_id;
    ctx->request_id = "jobs";
    rc = app_job_claim(ctx, owner, JOB_LEASE_MS_DEFAULT, 1, &jobs, &n, ei);
    *none = n == 0;
    if (rc || n == 0)
        return rc;
    ASSERT(n == 1);
    /* Audit events of the job name it as a request would. */
    ctx->request_id = jobs[0].key;
    t0 = time_mono_ns();
    rc = app_job_run(ctx, &jobs[0], owner, jobs_kind_find(jobs[0].kind), &o,
                     ei);
    if (rc) {
        log_error("job %s: cannot record its outcome: %s", jobs[0].key,
                  ei != NULL ? ei->message : err_name(rc));
        return rc;
    }
    count(out, o.result);
    log_job(ctx, &jobs[0], &o, time_mono_ns() - t0);
    return ERR_OK;
}

/* Each hook in its own transaction; a failing hook does not stop jobs. */
static void
enqueue_recurring(struct app_ctx *ctx, const char *account_id)
{
    for (size_t i = 0; i < jobs_recurring_count; i++) {
        struct errinfo ei;

        errinfo_clear(&ei);
        arena_reset(ctx->a);
        ctx->account_id = account_id;
        if (app_job_recurring(ctx, jobs_recurrings[i].enqueue, &ei) != ERR_OK)
            log_error("recurring jobs '%s' not enqueued: %s",
                      jobs_recurrings[i].name, ei.message);
    }
}

/*
 * How long a payment must have been pending to count as abandoned:
 * PAYMENT_RECOVER_AFTER_MS, far longer than any gateway call with its
 * retries takes, or POISE_PAYMENT_RECOVER_AFTER_MS (the crash test sets 0
 * for a run of `poise jobs run-once` with no server running).
 */
static int64_t
recover_after_ms(void)
{
    const char *env = getenv("POISE_PAYMENT_RECOVER_AFTER_MS");
    int64_t ms;

    if (env != NULL && str_to_i64(str_c(env), 0, INT64_MAX / 2, &ms) == ERR_OK)
        return ms;
    return PAYMENT_RECOVER_AFTER_MS;
}

/*
 * What a crash can leave pending, in the order it is finished: payments
 * and refunds first, since checkouts are made of them.
 */
static const struct {
    const char *what;
    enum err (*fn)(struct app_ctx *ctx, int64_t older_than_ms, int *done,
                   struct errinfo *ei);
} recoveries[] = {
    {"payment", app_payment_recover},
    {"refund", app_refund_recover},
    {"checkout", app_checkout_recover},
    {"invoice refund", app_invoice_refund_recover},
};

/* Finish what a crash left pending (see recover_after_ms). */
static void
recover_payments(struct app_ctx *ctx)
{
    for (size_t i = 0; i < sizeof(recoveries) / sizeof(recoveries[0]); i++) {
        struct errinfo ei;
        int done = 0;

        errinfo_clear(&ei);
        arena_reset(ctx->a);
        ctx->account_id = NULL;
        if (recoveries[i].fn(ctx, time_now_ms() - recover_after_ms(), &done,
                             &ei) != ERR_OK)
            log_error("%s recovery failed: %s", recoveries[i].what, ei.message);
        else if (done > 0)
            log_info("%s recovery settled %d", recoveries[i].what, done);
    }
}

/* The sandbox processor's day on the real clock (settle, pay out). */
static void
tick_sandbox(struct app_ctx *ctx)
{
    struct errinfo ei;

    errinfo_clear(&ei);
    arena_reset(ctx->a);
    if (app_sandbox_tick(ctx, &ei) != ERR_OK)
        log_error("sandbox tick failed: %s", ei.message);
}

static enum err
run_due(const char *account_id, int64_t now_ms, int max_jobs, bool recurring,
        struct jobs_stats *out, struct errinfo *ei)
{
    struct app_ctx ctx = {.actor_type = ACTOR_SYSTEM, .now_ms = now_ms};
    struct arena *caller_arena;
    char owner[OWNER_MAX];
    const char *id;
    int64_t t0 = time_mono_ms();
    bool none = false;
    enum err rc;

    ASSERT(max_jobs > 0);
    memset(out, 0, sizeof(*out));
    ctx.a = arena_new(JOBS_ARENA_BYTES);
    ctx.request_id = "jobs";
    caller_arena = json_arena_in_use(); /* a request's, on the test clock */
    json_use_arena(ctx.a);
    /* A fresh lease owner per call: each call is a worker of its own. */
    id = id_new(ctx.a, "wrk", now_ms);
    ASSERT(id != NULL && strlen(id) < sizeof(owner));
    memcpy(owner, id, strlen(id) + 1);
    rc = app_db_acquire(&ctx);
    if (rc == ERR_OK && recurring)
        enqueue_recurring(&ctx, account_id);
    if (rc == ERR_OK && recurring && account_id == NULL) {
        recover_payments(&ctx);
        tick_sandbox(&ctx);
    }
    while (rc == ERR_OK && !none && out->ran < max_jobs &&
           time_mono_ms() - t0 < JOBS_BUDGET_MS) {
        arena_reset(ctx.a);
        rc = run_next(&ctx, account_id, owner, out, &none, ei);
    }
    out->more = rc == ERR_OK && !none;
    app_db_release(&ctx);
    json_use_arena(caller_arena);
    arena_free(ctx.a);
    return rc;
}

enum err
jobs_run_due(const char *account_id, int64_t now_ms, int max_jobs,
             struct jobs_stats *out, struct errinfo *ei)
{
    return run_due(account_id, now_ms, max_jobs, true, out, ei);
}

void
jobs_config_init(struct jobs_config *cfg)
{
    cfg->interval_ms = JOBS_INTERVAL_MS_DEFAULT;
    cfg->tick_max = JOBS_TICK_MAX_DEFAULT;
    cfg->recurring_ms = JOBS_RECURRING_MS_DEFAULT;
}

/* Wait up to ms on the monotonic clock; true when asked to stop. */
static bool
wait_or_stop(struct jobs_scheduler *s, int64_t ms)
{
    struct timespec until;
    bool stop;
    int e = 0;

    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += (time_t)(ms / 1000);
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->mu);
    while (!s->stopping && e != ETIMEDOUT)
        e = pthread_cond_timedwait(&s->cv, &s->mu, &until);
    stop = s->stopping;
    pthread_mutex_unlock(&s->mu);
    return stop;
}

static void *
scheduler_main(void *arg)
{
    struct jobs_scheduler *s = arg;
    int64_t last_recurring = time_mono_ms() - s->cfg.recurring_ms;
    bool stop = false;

    log_set_request_id("jobs");
    while (!stop) {
        struct jobs_stats st;
        struct errinfo ei;
        bool recurring = time_mono_ms() - last_recurring >= s->cfg.recurring_ms;

        errinfo_clear(&ei);
        if (recurring)
            last_recurring = time_mono_ms();
        if (run_due(NULL, time_now_ms(), s->cfg.tick_max, recurring, &st,
                    &ei) != ERR_OK)
            log_error("jobs tick failed: %s", ei.message);
        pthread_mutex_lock(&s->mu);
        stop = s->stopping;
        pthread_mutex_unlock(&s->mu);
        if (!stop && !st.more)
            stop = wait_or_stop(s, s->cfg.interval_ms);
    }
    log_set_request_id(NULL);
    return NULL;
}

enum err
jobs_scheduler_start(struct jobs_scheduler *s, const struct jobs_config *cfg,
                     struct errinfo *ei)
{
    pthread_condattr_t ca;
    int e;

    ASSERT(cfg->interval_ms > 0 && cfg->tick_max > 0);
    ASSERT(cfg->recurring_ms > 0);
    memset(s, 0, sizeof(*s));
    s->cfg = *cfg;
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    e = pthread_create(&s->thread, NULL, scheduler_main, s);
    if (e != 0) {
        pthread_cond_destroy(&s->cv);
        pthread_mutex_destroy(&s->mu);
        return errinfo_set(ei, ERR_INTERNAL, "jobs_thread", NULL,
                           "cannot start the jobs thread: %s", strerror(e));
    }
    s->running = true;
    return ERR_OK;
}

void
jobs_scheduler_stop(struct jobs_scheduler *s)
{
    if (!s->running)
        return;
    pthread_mutex_lock(&s->mu);
    s->stopping = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    s->running = false;
}
