/*
 * connection_fee.c - the connection_fee job: $10.00 per merchant account
 * per month, taken from the merchant's balance at the gateway and listed
 * on the fee statements. The key "connection_fee:<merchant>:<YYYY-MM>"
 * makes it once per (merchant account, month); the gateway debit is keyed
 * by the same pair, so a crash between the debit and the commit repeats
 * the same debit, never a second one.
 */
#include <string.h>

#include "app/pos.h"
#include "base/assert.h"
#include "jobs/jobs_int.h"

enum err
connection_fee_run(struct app_ctx *ctx, const struct job *job,
                   struct errinfo *ei)
{
    const char *period = strrchr(job->key, ':');

    ASSERT(strcmp(job->kind, "connection_fee") == 0);
    ASSERT(period != NULL && strlen(period + 1) == 7);
    return app_connection_fee_bill(ctx, job->subject, period + 1, ei);
}

enum err
connection_fee_enqueue(struct app_ctx *ctx, struct errinfo *ei)
{
    return app_connection_fees_enqueue(ctx, ei);
}
