/*
 * sandbox.c - the sandbox gateway (being written; see issue 5).
 */
#include "gateway/gateway_int.h"

const struct gw_ops gw_sandbox_ops = {
    .name = "sandbox",
};
