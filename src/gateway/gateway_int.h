/*
 * gateway_int.h - shared inside src/gateway: the implementations' tables.
 */
#ifndef POISE_GATEWAY_GATEWAY_INT_H
#define POISE_GATEWAY_GATEWAY_INT_H

#include "gateway/gateway.h"

extern const struct gw_ops gw_sandbox_ops;
extern const struct gw_ops gw_stripe_ops;
extern const struct gw_ops gw_clearent_ops;

#endif
