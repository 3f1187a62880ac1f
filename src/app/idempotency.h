/*
 * idempotency.h - stored responses of POST requests by Idempotency-Key.
 *
 * The key, a hash of the request and the response are written in the
 * same transaction as the request's effect, so a retry after a crash
 * either finds the effect and its response or finds neither. Keys live
 * IDEMPOTENCY_TTL_MS per account.
 */
#ifndef POISE_APP_IDEMPOTENCY_H
#define POISE_APP_IDEMPOTENCY_H

#include "app/app.h"

#define IDEMPOTENCY_TTL_MS (24LL * 60 * 60 * 1000)
#define IDEMPOTENCY_KEY_MAX 255

struct idem_hit {
    bool found;
    int status;
    const char *body; /* arena-owned */
};

/*
 * Look the key up. A live entry with another request hash is
 * ERR_CONFLICT "idempotency_key_reused"; an expired one is deleted.
 */
MUST_CHECK enum err app_idem_find(struct app_ctx *ctx, const char *key,
                                  const char *request_hash,
                                  struct idem_hit *out, struct errinfo *ei);

/* Store the response for key in ctx's transaction. */
MUST_CHECK enum err app_idem_save(struct app_ctx *ctx, const char *key,
                                  const char *request_hash, int status,
                                  const char *body, struct errinfo *ei);

/*
 * Claim (account, key) for a request running in this process; false when
 * another request holds it, so a concurrent duplicate is refused at once.
 */
bool app_idem_claim(const char *account_id, const char *key);

/* Release a claim made by app_idem_claim. */
void app_idem_release(const char *account_id, const char *key);

/*
 * Delete every key of ctx's account that expired by ctx->now_ms (a key
 * app_idem_find never sees again is otherwise kept forever), in ctx's
 * transaction.
 */
MUST_CHECK enum err app_idem_purge(struct app_ctx *ctx, struct errinfo *ei);

#endif
