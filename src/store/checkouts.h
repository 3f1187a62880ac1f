/*
 * checkouts.h - what paid and refunded an invoice: checkouts (one payment
 * request with its tenders), tenders, tips per provider and refunds.
 * Rows and columns are those of migration 0006.
 */
#ifndef POISE_STORE_CHECKOUTS_H
#define POISE_STORE_CHECKOUTS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct invoice_tender {
    const char *id;
    const char *invoice_id;
    const char *checkout_id;
    int64_t seq;
    const char *method; /* card cash check cherry klarna external */
    int64_t amount_minor;   /* to the invoice */
    int64_t tip_minor;      /* on top */
    int64_t received_minor; /* cash handed over */
    int64_t change_minor;
    int64_t refunded_minor;
    int64_t tip_refunded_minor;
    const char *currency;
    const char *payment_id; /* card */
    const char *drawer_id;  /* cash */
    const char *reference;  /* check, external, financing */
    const char *card_brand;
    const char *card_last4;
    int64_t created_at_ms;
};

struct invoice_tip {
    const char *checkout_id;
    const char *provider_id;
    int64_t amount_minor;
    int64_t refunded_minor;
};

/* Tenders of an invoice in the order they were taken. */
MUST_CHECK enum err store_invoice_tenders(struct db *db, struct arena *a,
                                          const char *account_id,
                                          const char *invoice_id,
                                          struct invoice_tender **out,
                                          size_t *count, struct errinfo *ei);
/* Tips of an invoice, per checkout and provider. */
MUST_CHECK enum err store_invoice_tips(struct db *db, struct arena *a,
                                       const char *account_id,
                                       const char *invoice_id,
                                       struct invoice_tip **out, size_t *count,
                                       struct errinfo *ei);

#endif
