/*
 * payment_int.h - shared by payment.c, refund.c and cards.c.
 */
#ifndef POISE_APP_PAYMENT_INT_H
#define POISE_APP_PAYMENT_INT_H

#include "app/payment.h"
#include "gateway/gateway.h"

/*
 * A gateway idempotency key "<prefix>_<sha256(what:account:key)>", so the
 * key Poise sends depends only on the request's key; arena-owned.
 */
const char *payment_gw_key(struct app_ctx *ctx, const char *prefix,
                           const char *key);

/* Commit ctx's transaction and begin the next (write) one. */
MUST_CHECK enum err payment_tx_next(struct app_ctx *ctx, struct errinfo *ei);

/*
 * Post the ledger transfer of a change in what payment p has captured
 * (captured_delta) and paid in fees (fee_delta), either sign: money owed
 * by the gateway against card sales, fees against the gateway balance.
 */
MUST_CHECK enum err payment_post(struct app_ctx *ctx, const struct payment *p,
                                 int64_t captured_delta, int64_t fee_delta,
                                 const char *reason, struct errinfo *ei);

/* Load payment id, locked for update on PostgreSQL. */
MUST_CHECK enum err payment_load(struct app_ctx *ctx, const char *id,
                                 struct payment *out, struct errinfo *ei);

/* Finish one stale item (a payment, a refund) in its account's ctx. */
typedef enum err (*payment_recover_fn)(struct app_ctx *one, void *item,
                                       struct errinfo *ei);

/*
 * Run fn on item in a write transaction of account_id (ctx's connection,
 * no transaction open) and commit; 1 when it committed, 0 when it did
 * not (the next recovery pass tries again).
 */
int payment_recover_in(struct app_ctx *ctx, const char *account_id,
                       payment_recover_fn fn, void *item);

#endif
