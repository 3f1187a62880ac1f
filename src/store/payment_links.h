/*
 * payment_links.h - Text2Pay links: rows of migration 0011.
 */
#ifndef POISE_STORE_PAYMENT_LINKS_H
#define POISE_STORE_PAYMENT_LINKS_H

#include <stdint.h>

#include "store/store.h"

struct payment_link {
    const char *account_id;
    const char *id;
    const char *invoice_id;
    const char *token_hash;
    const char *channel; /* sms email */
    const char *destination;
    const char *message_id;
    int64_t expires_at_ms;
    int64_t paid_at_ms; /* 0 until paid through it */
    const char *checkout_id;
    const char *created_by;
    int64_t created_at_ms;
};

MUST_CHECK enum err store_payment_link_insert(struct db *db, struct arena *a,
                                              const struct payment_link *l,
                                              struct errinfo *ei);
/* By the token's hash, in any account; ERR_NOT_FOUND when none. */
MUST_CHECK enum err store_payment_link_by_hash(struct db *db, struct arena *a,
                                               const char *token_hash,
                                               struct payment_link *out,
                                               struct errinfo *ei);
/* The links of an invoice, newest first (at most 100). */
MUST_CHECK enum err store_payment_links_of(struct db *db, struct arena *a,
                                           const char *account_id,
                                           const char *invoice_id,
                                           struct payment_link **out,
                                           size_t *count, struct errinfo *ei);
/* Record that link id paid its invoice through checkout_id at at_ms. */
MUST_CHECK enum err store_payment_link_paid(struct db *db, struct arena *a,
                                            const char *account_id,
                                            const char *id,
                                            const char *checkout_id,
                                            int64_t at_ms, struct errinfo *ei);
/* Note the message that carried link id. */
MUST_CHECK enum err store_payment_link_message(struct db *db, struct arena *a,
                                               const char *account_id,
                                               const char *id,
                                               const char *message_id,
                                               struct errinfo *ei);

#endif
