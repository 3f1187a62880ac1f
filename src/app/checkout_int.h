/*
 * checkout_int.h - shared by checkout.c (paying) and invoice_refund.c.
 */
#ifndef POISE_APP_CHECKOUT_INT_H
#define POISE_APP_CHECKOUT_INT_H

#include "app/checkout.h"

/* Load invoice id, locked for update on PostgreSQL; 404 naming "id". */
MUST_CHECK enum err checkout_invoice_locked(struct app_ctx *ctx, const char *id,
                                            struct invoice *out,
                                            struct errinfo *ei);
/* A failure a retry may get past (gateway, store, busy): stay pending. */
bool checkout_transient(enum err rc);
/* Roll back and begin a fresh write transaction (after a failed step). */
MUST_CHECK enum err checkout_tx_restart(struct app_ctx *ctx,
                                        struct errinfo *ei);

#endif
