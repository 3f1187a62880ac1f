/*
 * outbox.c - the message_send job: one delivery attempt of one outbox
 * message (e-mail or SMS), keyed "message:<message>:<attempt>".
 *
 * The message keeps its own retry policy (attempts, next attempt, give
 * up after MESSAGE_ATTEMPTS_MAX): a failed send is recorded on it and the
 * next attempt is a new job, so this job is done either way. The job's
 * own retries (attempts_max below) only cover a database failure or a
 * worker lost mid-attempt; see app/message.h for why delivery is at
 * least once.
 */
#include <string.h>

#include "app/message.h"
#include "base/assert.h"
#include "jobs/jobs_int.h"

enum err
outbox_run(struct app_ctx *ctx, const struct job *job, struct errinfo *ei)
{
    ASSERT(strcmp(job->kind, MESSAGE_JOB_KIND) == 0);
    ASSERT(strcmp(ctx->account_id, job->account_id) == 0);
    return app_message_deliver(ctx, job, ei);
}
