/*
 * clearent.c - the clearent gateway (being written; see issue 5).
 */
#include "gateway/gateway_int.h"

const struct gw_ops gw_clearent_ops = {
    .name = "clearent",
};
