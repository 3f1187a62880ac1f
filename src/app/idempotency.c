/*
 * idempotency.c - stored responses by Idempotency-Key, and the in-process
 * claims that turn a concurrent duplicate into an immediate 409.
 *
 * Claims are a small open-addressing set of "account\nkey" strings under
 * one mutex; it holds only requests running right now.
 */
#include "app/idempotency.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/assert.h"
#include "store/credentials.h"

enum err
app_idem_find(struct app_ctx *ctx, const char *key, const char *request_hash,
              struct idem_hit *out, struct errinfo *ei)
{
    const char *stored_hash;
    const char *body;
    int64_t created;
    int status;
    enum err rc;

    out->found = false;
    rc = store_idem_get(ctx->db, ctx->a, ctx->account_id, key, &stored_hash,
                        &status, &body, &created, ei);
    if (rc == ERR_NOT_FOUND)
        return ERR_OK;
    if (rc)
        return app_store_fail(rc, ei);
    if (ctx->now_ms - created >= IDEMPOTENCY_TTL_MS) {
        rc = store_idem_delete(ctx->db, ctx->a, ctx->account_id, key, ei);
        return rc ? app_store_fail(rc, ei) : ERR_OK;
    }
    if (strcmp(stored_hash, request_hash) != 0)
        return errinfo_set(ei, ERR_CONFLICT, "idempotency_key_reused",
                           "Idempotency-Key",
                           "this Idempotency-Key was used with a different "
                           "request; use a new key for a new request");
    out->found = true;
    out->status = status;
    out->body = body;
    return ERR_OK;
}

enum err
app_idem_save(struct app_ctx *ctx, const char *key, const char *request_hash,
              int status, const char *body, struct errinfo *ei)
{
    enum err rc = store_idem_insert(ctx->db, ctx->a, ctx->account_id, key,
                                    request_hash, status, body, ctx->now_ms,
                                    ei);

    /* Another process stored the key first: the effect is in its hands. */
    if (rc == ERR_CONFLICT)
        return errinfo_set(ei, ERR_CONFLICT, "idempotency_in_progress",
                           "Idempotency-Key",
                           "a request with this Idempotency-Key is already "
                           "being processed");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_idem_purge(struct app_ctx *ctx, struct errinfo *ei)
{
    enum err rc;

    ASSERT(ctx->account_id != NULL);
    ASSERT(db_in_tx(ctx->db));
    /* Expired exactly when app_idem_find would delete it. */
    rc = store_idem_purge(ctx->db, ctx->a, ctx->account_id,
                          ctx->now_ms - IDEMPOTENCY_TTL_MS, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

#define CLAIMS_MAX 4096 /* power of two, above the connection limit */

static pthread_mutex_t claims_mu = PTHREAD_MUTEX_INITIALIZER;
static char *claims[CLAIMS_MAX];

static char *
claim_text(const char *account_id, const char *key)
{
    size_t a = strlen(account_id);
    size_t k = strlen(key);
    char *s = xmalloc(a + k + 2);

    memcpy(s, account_id, a);
    s[a] = '\n';
    memcpy(s + a + 1, key, k + 1);
    return s;
}

static size_t
claim_slot(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h & (CLAIMS_MAX - 1);
}

bool
app_idem_claim(const char *account_id, const char *key)
{
    char *s = claim_text(account_id, key);
    size_t i = claim_slot(s);
    size_t probes = 0;

    pthread_mutex_lock(&claims_mu);
    while (claims[i] != NULL) {
        if (strcmp(claims[i], s) == 0) {
            pthread_mutex_unlock(&claims_mu);
            free(s);
            return false;
        }
        i = (i + 1) & (CLAIMS_MAX - 1);
        ASSERT(++probes < CLAIMS_MAX);
    }
    claims[i] = s;
    pthread_mutex_unlock(&claims_mu);
    return true;
}

void
app_idem_release(const char *account_id, const char *key)
{
    char *s = claim_text(account_id, key);
    size_t i = claim_slot(s);

    pthread_mutex_lock(&claims_mu);
    while (claims[i] != NULL && strcmp(claims[i], s) != 0)
        i = (i + 1) & (CLAIMS_MAX - 1);
    ASSERT(claims[i] != NULL);
    free(claims[i]);
    claims[i] = NULL;
    /* Re-insert the rest of the probe run so lookups still find them. */
    for (size_t j = (i + 1) & (CLAIMS_MAX - 1); claims[j] != NULL;
         j = (j + 1) & (CLAIMS_MAX - 1)) {
        char *t = claims[j];
        size_t k = claim_slot(t);

        claims[j] = NULL;
        while (claims[k] != NULL)
            k = (k + 1) & (CLAIMS_MAX - 1);
        claims[k] = t;
    }
    pthread_mutex_unlock(&claims_mu);
    free(s);
}
