/*
 * scheduler.h - running due background jobs: once (`poise jobs run-once`,
 * tests) or from a thread inside `poise serve`.
 *
 * Both use jobs_run_due with the app's store (app_set_store): it first
 * enqueues the recurring jobs (the hooks in kinds.c), then claims due
 * jobs one at a time and runs each through app_job_run, which gives the
 * exactly-once guarantee (see app/job.h). Every call is a new worker with
 * a random lease owner, so several processes, threads or cron runs may
 * work at once. One log line per job run: kind, key, outcome, duration.
 */
#ifndef POISE_JOBS_SCHEDULER_H
#define POISE_JOBS_SCHEDULER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/job.h"

#define JOBS_INTERVAL_MS_DEFAULT 1000
#define JOBS_TICK_MAX_DEFAULT 100
#define JOBS_RECURRING_MS_DEFAULT (60LL * 1000)

/* What one jobs_run_due did. */
struct jobs_stats {
    int ran;    /* jobs whose run was attempted */
    int done;   /* effect committed */
    int failed; /* attempt failed: retried later, or given up */
    int lost;   /* lease taken over by another worker: nothing committed */
    bool more;  /* stopped at max_jobs or its time budget, not for lack */
};

/*
 * Run due jobs at now_ms (account_id's only, unless NULL: the per-account
 * test clock runs one account at its own time), at most max_jobs, and at
 * most about half a lease of wall time so claims stay fresh. A failing
 * job is counted, logged and retried later; it is not an error. ERR_STORE
 * or ERR_BUSY when the database fails (what ran so far is in *out).
 */
MUST_CHECK enum err jobs_run_due(const char *account_id, int64_t now_ms,
                                 int max_jobs, struct jobs_stats *out,
                                 struct errinfo *ei);

/* The kind named name, or NULL; borrowed (static). */
const struct job_kind *jobs_kind_find(const char *name);

/*
 * Add a kind for tests (the real ones are the table in kinds.c).
 * kind is borrowed for the life of the process; registering a name again
 * is a no-op. Call before any job runs (not thread-safe).
 */
void jobs_register_test_kind(const struct job_kind *kind);

struct jobs_config {
    int64_t interval_ms;  /* pause between ticks */
    int tick_max;         /* jobs per tick */
    int64_t recurring_ms; /* pause between recurring enqueues */
};

/* The scheduler thread; fields are private to scheduler.c. */
struct jobs_scheduler {
    struct jobs_config cfg;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stopping;
    bool running;
};

/* Fill cfg with the defaults above. */
void jobs_config_init(struct jobs_config *cfg);

/*
 * Start a thread that runs jobs_run_due(NULL, wall clock, ...) every
 * cfg->interval_ms (at once again while jobs remain), and the recurring
 * enqueues every cfg->recurring_ms. s is caller-owned and must stay put
 * until jobs_scheduler_stop. ERR_INTERNAL when no thread can be made.
 */
MUST_CHECK enum err jobs_scheduler_start(struct jobs_scheduler *s,
                                         const struct jobs_config *cfg,
                                         struct errinfo *ei);

/*
 * Ask the thread to stop, wait for the job it is running to finish and
 * join it. Call before the store closes. A never-started s is a no-op.
 */
void jobs_scheduler_stop(struct jobs_scheduler *s);

#endif
