/*
 * settings.c - the account's invoice settings (see settings.h). One row
 * per account, written whole; its absence means the defaults.
 */
#include "app/settings.h"

#include <string.h>

#include "base/assert.h"
#include "core/pricing.h"
#include "store/checkout_settings.h"

enum err
app_invoice_settings_get(struct app_ctx *ctx, struct invoice_settings *out,
                         struct errinfo *ei)
{
    int64_t bps;
    const char *disclaimer;
    enum err rc = store_invoice_settings_get(ctx->db, ctx->a, ctx->account_id,
                                             &bps, &disclaimer, ei);

    if (rc == ERR_NOT_FOUND) {
        out->discount_limit_bps = PRICING_DISCOUNT_LIMIT_DEFAULT_BPS;
        out->disclaimer = "";
        return ERR_OK;
    }
    if (rc)
        return app_store_fail(rc, ei);
    ASSERT(bps >= 0 && bps <= PRICING_BPS_WHOLE);
    out->discount_limit_bps = bps;
    out->disclaimer = disclaimer;
    return ERR_OK;
}

static enum err
check_patch(const struct invoice_settings_patch *in, struct errinfo *ei)
{
    if (in->set_discount_limit && (in->discount_limit_bps < 0 ||
                                   in->discount_limit_bps > PRICING_BPS_WHOLE))
        return errinfo_set(
            ei, ERR_INVALID, "parameter_out_of_range", "discount_limit_bps",
            "discount_limit_bps must be 0 to %d (100%%)", PRICING_BPS_WHOLE);
    if (in->set_disclaimer && in->disclaimer != NULL &&
        strlen(in->disclaimer) > INVOICE_DISCLAIMER_MAX)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "disclaimer",
                           "disclaimer must be at most %d bytes",
                           INVOICE_DISCLAIMER_MAX);
    return ERR_OK;
}

enum err
app_invoice_settings_update(struct app_ctx *ctx,
                            const struct invoice_settings_patch *in,
                            struct invoice_settings *out, struct errinfo *ei)
{
    struct invoice_settings s;
    enum err rc = check_patch(in, ei);

    if (rc == ERR_OK)
        rc = app_invoice_settings_get(ctx, &s, ei);
    if (rc)
        return rc;
    json_t *sum = json_object();
    if (in->set_discount_limit) {
        s.discount_limit_bps = in->discount_limit_bps;
        json_put(sum, "discount_limit_bps", json_integer(s.discount_limit_bps));
    }
    if (in->set_disclaimer) {
        s.disclaimer = in->disclaimer != NULL ? in->disclaimer : "";
        json_put(sum, "disclaimer", json_string(s.disclaimer));
    }
    rc = store_invoice_settings_put(ctx->db, ctx->a, ctx->account_id,
                                    s.discount_limit_bps, s.disclaimer,
                                    ctx->user_id, ctx->now_ms, ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = app_audit(ctx, "invoice_settings.update", "invoice_settings",
                   ctx->account_id, sum, ei);
    if (rc == ERR_OK)
        *out = s;
    return rc;
}

enum err
app_discount_limit(struct app_ctx *ctx, int64_t *bps, struct errinfo *ei)
{
    struct invoice_settings s = {0};
    enum err rc = app_invoice_settings_get(ctx, &s, ei);

    if (rc == ERR_OK)
        *bps = s.discount_limit_bps;
    return rc;
}
