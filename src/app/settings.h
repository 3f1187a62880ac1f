/*
 * settings.h - the account's invoice settings: the discount limit of
 * providers and front desk, and the disclaimer printed on every invoice
 * and receipt. Read by any staff (the front desk prints the disclaimer),
 * changed by the head admin. An account that never set them has the
 * defaults: a 20% limit and no disclaimer.
 */
#ifndef POISE_APP_SETTINGS_H
#define POISE_APP_SETTINGS_H

#include "app/app.h"

#define INVOICE_DISCLAIMER_MAX 2000 /* bytes */

struct invoice_settings {
    int64_t discount_limit_bps; /* 0..PRICING_BPS_WHOLE */
    const char *disclaimer;     /* "" when unset; arena-owned */
};

/* What a change gives; members not set keep their value. */
struct invoice_settings_patch {
    bool set_discount_limit;
    int64_t discount_limit_bps;
    bool set_disclaimer;
    const char *disclaimer; /* NULL or "" clears it */
};

/*
 * The account's invoice settings, the defaults when never set. Strings
 * arena-owned (ctx->a). ERR_STORE/ERR_BUSY.
 */
MUST_CHECK enum err app_invoice_settings_get(struct app_ctx *ctx,
                                             struct invoice_settings *out,
                                             struct errinfo *ei);

/*
 * Apply in and audit the change ("invoice_settings.update"); *out is the
 * result. ERR_INVALID naming "discount_limit_bps" (outside 0..10000) or
 * "disclaimer" (over INVOICE_DISCLAIMER_MAX bytes).
 */
MUST_CHECK enum err
app_invoice_settings_update(struct app_ctx *ctx,
                            const struct invoice_settings_patch *in,
                            struct invoice_settings *out, struct errinfo *ei);

/*
 * The custom discount a provider or front desk may give, in bps of the
 * amount after promotions (the pricing engine's discount_limit_bps).
 */
MUST_CHECK enum err app_discount_limit(struct app_ctx *ctx, int64_t *bps,
                                       struct errinfo *ei);

#endif
