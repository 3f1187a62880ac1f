/*
 * kinds.c - every kind of background job and every recurring enqueue.
 *
 * To add a kind: write its handler (a job_run_fn, see app/job.h for the
 * contract, above all the gateway idempotency key), add a row to
 * jobs_kinds, and, if it recurs, a hook to jobs_recurrings that enqueues
 * it under a key naming its period. Kind names are stored in job rows:
 * never rename one that may be pending.
 */
#include "jobs/jobs_int.h"

#include <time.h>

#include "app/message.h"
#include "base/assert.h"

const struct job_kind jobs_kinds[] = {
    {"idempotency_purge", idem_purge_run, 5},
    {"connection_fee", connection_fee_run, 10},
    {MESSAGE_JOB_KIND, outbox_run, 3},
};
const size_t jobs_kind_count = sizeof(jobs_kinds) / sizeof(jobs_kinds[0]);

const struct jobs_recurring jobs_recurrings[] = {
    {"idempotency_purge", idem_purge_enqueue},
    {"connection_fee", connection_fee_enqueue},
};
const size_t jobs_recurring_count = sizeof(jobs_recurrings) /
                                    sizeof(jobs_recurrings[0]);

void
jobs_utc_day(int64_t now_ms, char out[11])
{
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    struct tm *ok;
    size_t n;

    ASSERT(now_ms >= 0);
    ok = gmtime_r(&t, &tm);
    ASSERT(ok != NULL);
    n = strftime(out, 11, "%Y-%m-%d", &tm);
    ASSERT(n == 10);
}
