/*
 * financing.c - the table of financing connectors, and the one place
 * their operations are called from (financing.h).
 *
 * Each wrapper asserts what the caller owes the connector (arguments in
 * range, the transaction rule) before the call and what the connector
 * owes the caller after it, so a broken connector or caller crashes here
 * instead of writing a wrong tender.
 */
#include "financing/financing.h"

#include <string.h>

#include "base/assert.h"
#include "financing/financing_int.h"

static const struct fin_ops *const connectors[] = {
    &fin_cherry_sandbox_ops,
    &fin_klarna_sandbox_ops,
};

const struct fin_ops *
financing_get(const char *provider, const char *mode)
{
    if (provider == NULL || mode == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof(connectors) / sizeof(connectors[0]); i++) {
        if (strcmp(connectors[i]->provider, provider) == 0 &&
            strcmp(connectors[i]->mode, mode) == 0)
            return connectors[i];
    }
    return NULL;
}

bool
financing_is_provider(const char *provider)
{
    if (provider == NULL)
        return false;
    for (size_t i = 0; i < sizeof(connectors) / sizeof(connectors[0]); i++) {
        if (strcmp(connectors[i]->provider, provider) == 0)
            return true;
    }
    return false;
}

const char *
fin_charge_status_name(enum fin_charge_status s)
{
    switch (s) {
    case FIN_CHARGE_APPROVED:
        return "approved";
    case FIN_CHARGE_DECLINED:
        return "declined";
    case FIN_CHARGE_CANCELED:
        return "canceled";
    default:
        ASSERT(!"unreachable");
        return "unknown";
    }
}

static void
check_ctx(const struct fin_ops *ops, const struct fin_ctx *ctx)
{
    ASSERT(ops != NULL && ctx != NULL);
    ASSERT(ctx->account_id != NULL && ctx->account_id[0] != '\0');
    ASSERT(ctx->db != NULL && ctx->a != NULL);
    ASSERT(ctx->merchant_id != NULL);
    ASSERT(strlen(ctx->merchant_id) < FIN_REF_MAX);
}

/* A money call: no transaction of the caller's, a key that fits. */
static void
check_money_call(const struct fin_ops *ops, const struct fin_ctx *ctx,
                 const char *idem_key)
{
    check_ctx(ops, ctx);
    ASSERT(!db_in_tx(ctx->db));
    ASSERT(idem_key != NULL && idem_key[0] != '\0');
    ASSERT(strlen(idem_key) <= FIN_KEY_MAX);
}

enum err
financing_connect(const struct fin_ops *ops, const struct fin_ctx *ctx,
                  const char *name, struct errinfo *ei)
{
    check_ctx(ops, ctx);
    ASSERT(db_in_tx(ctx->db));
    ASSERT(name != NULL && strlen(name) < FIN_NAME_MAX);
    return ops->connect(ctx, name, ei);
}

enum err
financing_disconnect(const struct fin_ops *ops, const struct fin_ctx *ctx,
                     struct errinfo *ei)
{
    check_ctx(ops, ctx);
    ASSERT(db_in_tx(ctx->db));
    return ops->disconnect(ctx, ei);
}

enum err
financing_charge(const struct fin_ops *ops, const struct fin_ctx *ctx,
                 const struct fin_charge_req *r, struct fin_charge *out,
                 struct errinfo *ei)
{
    enum err rc;

    ASSERT(r != NULL && out != NULL);
    check_money_call(ops, ctx, r->idem_key);
    ASSERT(r->amount > 0);
    ASSERT(r->currency != NULL && strlen(r->currency) == 3);
    ASSERT(r->patient_id != NULL && strlen(r->patient_id) < FIN_REF_MAX);
    memset(out, 0, sizeof(*out));
    rc = ops->charge(ctx, r, out, ei);
    if (rc == ERR_OK) {
        ASSERT(out->status == FIN_CHARGE_APPROVED);
        ASSERT(out->amount == r->amount && out->ref[0] != '\0');
    }
    if (rc == ERR_DECLINED)
        ASSERT(out->status == FIN_CHARGE_DECLINED);
    return rc;
}

enum err
financing_refund(const struct fin_ops *ops, const struct fin_ctx *ctx,
                 const char *idem_key, const char *charge_ref, int64_t amount,
                 const char *currency, struct fin_refund *out,
                 struct errinfo *ei)
{
    enum err rc;

    ASSERT(out != NULL);
    check_money_call(ops, ctx, idem_key);
    ASSERT(charge_ref != NULL && amount > 0);
    ASSERT(currency != NULL && strlen(currency) == 3);
    memset(out, 0, sizeof(*out));
    rc = ops->refund(ctx, idem_key, charge_ref, amount, currency, out, ei);
    if (rc == ERR_OK)
        ASSERT(out->amount == amount &&
               strcmp(out->charge_ref, charge_ref) == 0);
    return rc;
}

enum err
financing_cancel(const struct fin_ops *ops, const struct fin_ctx *ctx,
                 const char *idem_key, const char *charge_ref,
                 struct fin_charge *out, struct errinfo *ei)
{
    enum err rc;

    ASSERT(out != NULL && charge_ref != NULL);
    check_money_call(ops, ctx, idem_key);
    memset(out, 0, sizeof(*out));
    rc = ops->cancel(ctx, idem_key, charge_ref, out, ei);
    if (rc == ERR_OK)
        ASSERT(out->status == FIN_CHARGE_CANCELED);
    return rc;
}

enum err
financing_lookup(const struct fin_ops *ops, const struct fin_ctx *ctx,
                 const char *idem_key, struct fin_charge *out,
                 struct errinfo *ei)
{
    ASSERT(out != NULL);
    check_money_call(ops, ctx, idem_key);
    memset(out, 0, sizeof(*out));
    return ops->lookup(ctx, idem_key, out, ei);
}

enum err
financing_charges_list(const struct fin_ops *ops, const struct fin_ctx *ctx,
                       int64_t limit, const char *starting_after,
                       struct fin_charge **out, size_t *count, bool *has_more,
                       struct errinfo *ei)
{
    ASSERT(ops != NULL && ctx != NULL && ctx->db != NULL);
    ASSERT(ctx->account_id != NULL && ctx->account_id[0] != '\0');
    ASSERT(limit >= 1 && limit <= 100);
    ASSERT(out != NULL && count != NULL && has_more != NULL);
    return ops->charges_list(ctx, limit, starting_after, out, count, has_more,
                             ei);
}
