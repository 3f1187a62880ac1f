/*
 * gateway.c - the table of gateways and the names of their states.
 */
#include "gateway/gateway.h"

#include <string.h>

#include "base/arena.h"
#include "base/assert.h"
#include "gateway/gateway_int.h"

static const struct gw_ops *const gateways[] = {
    [GW_SANDBOX] = &gw_sandbox_ops,
    [GW_STRIPE] = &gw_stripe_ops,
    [GW_CLEARENT] = &gw_clearent_ops,
};
STATIC_ASSERT(sizeof(gateways) / sizeof(gateways[0]) == GW__COUNT,
              "gateways matches enum gw_kind");

static struct gw_config config = {
    .stripe_api_url = "https://api.stripe.com",
    .clearent_api_url = "https://gateway.clearent.net",
    .timeout_ms = 10000,
    .retries = 2,
};

/* A process-lifetime copy of s, or keep when s is NULL. */
static const char *
keep(const char *s, const char *keep_value)
{
    return s != NULL ? xstrdup(s) : keep_value;
}

void
gateway_configure(const struct gw_config *cfg)
{
    ASSERT(cfg != NULL);
    config.stripe_api_url = keep(cfg->stripe_api_url, config.stripe_api_url);
    config.stripe_secret_key = keep(cfg->stripe_secret_key,
                                    config.stripe_secret_key);
    config.stripe_webhook_secret = keep(cfg->stripe_webhook_secret,
                                        config.stripe_webhook_secret);
    config.clearent_api_url = keep(cfg->clearent_api_url,
                                   config.clearent_api_url);
    config.clearent_api_key = keep(cfg->clearent_api_key,
                                   config.clearent_api_key);
    config.clearent_webhook_secret = keep(cfg->clearent_webhook_secret,
                                          config.clearent_webhook_secret);
    if (cfg->timeout_ms > 0)
        config.timeout_ms = cfg->timeout_ms;
    if (cfg->retries > 0)
        config.retries = cfg->retries;
}

const struct gw_config *
gateway_config(void)
{
    return &config;
}

const struct gw_ops *
gateway_get(enum gw_kind kind)
{
    ASSERT(kind > 0 && kind < GW__COUNT);
    ASSERT(gateways[kind] != NULL);
    return gateways[kind];
}

enum gw_kind
gateway_kind_of(const char *name)
{
    if (name == NULL)
        return 0;
    for (int k = 1; k < GW__COUNT; k++) {
        if (strcmp(gateways[k]->name, name) == 0)
            return (enum gw_kind)k;
    }
    return 0;
}

static const char *const charge_names[] = {
    [GW_CHARGE_PROCESSING] = "processing",
    [GW_CHARGE_REQUIRES_CAPTURE] = "requires_capture",
    [GW_CHARGE_SUCCEEDED] = "succeeded",
    [GW_CHARGE_CANCELED] = "canceled",
    [GW_CHARGE_FAILED] = "failed",
};

static const char *const refund_names[] = {
    [GW_REFUND_PENDING] = "pending",
    [GW_REFUND_SUCCEEDED] = "succeeded",
    [GW_REFUND_FAILED] = "failed",
    [GW_REFUND_CANCELED] = "canceled",
};

static const char *const payout_names[] = {
    [GW_PAYOUT_PENDING] = "pending",   [GW_PAYOUT_IN_TRANSIT] = "in_transit",
    [GW_PAYOUT_PAID] = "paid",         [GW_PAYOUT_FAILED] = "failed",
    [GW_PAYOUT_CANCELED] = "canceled",
};

static const char *const dispute_names[] = {
    [GW_DISPUTE_WARNING_NEEDS_RESPONSE] = "warning_needs_response",
    [GW_DISPUTE_WARNING_UNDER_REVIEW] = "warning_under_review",
    [GW_DISPUTE_WARNING_CLOSED] = "warning_closed",
    [GW_DISPUTE_NEEDS_RESPONSE] = "needs_response",
    [GW_DISPUTE_UNDER_REVIEW] = "under_review",
    [GW_DISPUTE_WON] = "won",
    [GW_DISPUTE_LOST] = "lost",
};

static const char *const item_names[] = {
    [GW_ITEM_CHARGE] = "charge",
    [GW_ITEM_FEE] = "fee",
    [GW_ITEM_REFUND] = "refund",
    [GW_ITEM_REFUND_FAILED] = "refund_failure",
    [GW_ITEM_DISPUTE] = "dispute",
    [GW_ITEM_DISPUTE_FEE] = "dispute_fee",
    [GW_ITEM_DISPUTE_WON] = "dispute_reversal",
    [GW_ITEM_DEBIT] = "deduction",
};

#define NAME_OF(table, v)                                                      \
    ((size_t)(v) < sizeof(table) / sizeof(table[0]) && table[v] != NULL        \
         ? table[v]                                                            \
         : "unknown")

const char *
gw_charge_status_name(enum gw_charge_status s)
{
    return NAME_OF(charge_names, s);
}

const char *
gw_refund_status_name(enum gw_refund_status s)
{
    return NAME_OF(refund_names, s);
}

const char *
gw_payout_status_name(enum gw_payout_status s)
{
    return NAME_OF(payout_names, s);
}

const char *
gw_dispute_status_name(enum gw_dispute_status s)
{
    return NAME_OF(dispute_names, s);
}

const char *
gw_item_type_name(enum gw_item_type t)
{
    return NAME_OF(item_names, t);
}
