/*
 * stripe.c - the stripe gateway (being written; see issue 5).
 */
#include "gateway/gateway_int.h"

const struct gw_ops gw_stripe_ops = {
    .name = "stripe",
};
