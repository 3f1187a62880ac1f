/*
 * payments.h - saved cards, gateway customers, payments and refunds.
 *
 * Every function takes the account id first and filters on it. Strings in
 * out structs are arena-owned. No column holds a card number or a CVC.
 */
#ifndef POISE_STORE_PAYMENTS_H
#define POISE_STORE_PAYMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct card {
    const char *id;
    const char *patient_id;
    const char *gateway;
    const char *customer_ref; /* the patient's customer at the gateway */
    const char *gateway_ref;
    const char *brand;
    const char *last4;
    int64_t exp_month;
    int64_t exp_year;
    bool is_default;
    const char *status;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

struct payment {
    const char *account_id; /* set by store_payment_stale only */
    const char *id;
    const char *idem_key;
    const char *gateway_key;
    const char *request_hash;
    const char *patient_id;
    const char *clinic_id;
    const char *merchant_account_id;
    const char *gateway;
    const char *gateway_ref;
    const char *status; /* pending, processing, requires_capture, ... */
    int64_t amount;
    int64_t amount_captured;
    int64_t amount_refunded;
    int64_t fee;
    const char *currency;
    bool capture;
    const char *source_type; /* token, card, reader */
    const char *card_id;
    const char *reader_id;
    const char *card_brand;
    const char *card_last4;
    int64_t card_exp_month;
    int64_t card_exp_year;
    bool card_present;
    const char *failure_code;
    const char *decline_code;
    const char *failure_message;
    const char *description;
    const char *metadata; /* JSON object text */
    int64_t capture_before_ms;
    bool disputed;
    const char *created_by;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

struct refund {
    const char *account_id; /* set by store_refund_stale only */
    const char *id;
    const char *payment_id;
    const char *idem_key;
    const char *gateway_key;
    const char *gateway_ref;
    int64_t amount;
    const char *currency;
    const char *reason;
    const char *status;
    const char *failure_code;
    const char *created_by;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

struct payment_filter {
    const char *patient_id; /* NULL: any */
    const char *clinic_id;
    const char *status;
    int64_t created_gte_ms; /* 0: no bound */
    int64_t created_lt_ms;  /* 0: no bound */
};

/* ERR_NOT_FOUND when the patient has no customer at gateway. */
MUST_CHECK enum err store_customer_get(struct db *db, struct arena *a,
                                       const char *account_id,
                                       const char *patient_id,
                                       const char *gateway, const char **ref,
                                       struct errinfo *ei);
MUST_CHECK enum err store_customer_insert(struct db *db, struct arena *a,
                                          const char *account_id,
                                          const char *patient_id,
                                          const char *gateway, const char *ref,
                                          int64_t now_ms, struct errinfo *ei);

MUST_CHECK enum err store_card_insert(struct db *db, struct arena *a,
                                      const char *account_id,
                                      const struct card *c, struct errinfo *ei);
/* An active card; ERR_NOT_FOUND when absent or deleted. */
MUST_CHECK enum err store_card_get(struct db *db, struct arena *a,
                                   const char *account_id, const char *id,
                                   struct card *out, struct errinfo *ei);
/* Active cards (of patient_id, or all when NULL), oldest first. */
MUST_CHECK enum err
store_card_list_active(struct db *db, struct arena *a, const char *account_id,
                       const char *patient_id, int64_t limit,
                       const char *starting_after, struct card **out,
                       size_t *count, bool *has_more, struct errinfo *ei);
/* Make id the patient's only default card. */
MUST_CHECK enum err store_card_set_default(struct db *db, struct arena *a,
                                           const char *account_id,
                                           const char *patient_id,
                                           const char *id, int64_t now_ms,
                                           struct errinfo *ei);
MUST_CHECK enum err store_card_delete(struct db *db, struct arena *a,
                                      const char *account_id, const char *id,
                                      int64_t now_ms, struct errinfo *ei);
MUST_CHECK enum err store_card_delete_all(struct db *db, struct arena *a,
                                          const char *account_id,
                                          int64_t now_ms, struct errinfo *ei);

/* ERR_CONFLICT (payments_idem) when the key was used. */
MUST_CHECK enum err store_payment_insert(struct db *db, struct arena *a,
                                         const char *account_id,
                                         const struct payment *p,
                                         struct errinfo *ei);
/* Write every mutable field of p (status, amounts, card, failure...). */
MUST_CHECK enum err store_payment_update(struct db *db, struct arena *a,
                                         const char *account_id,
                                         const struct payment *p,
                                         struct errinfo *ei);
MUST_CHECK enum err store_payment_get(struct db *db, struct arena *a,
                                      const char *account_id, const char *id,
                                      struct payment *out, struct errinfo *ei);
/* store_payment_get, locking the row until the transaction ends (PG). */
MUST_CHECK enum err store_payment_lock(struct db *db, struct arena *a,
                                       const char *account_id, const char *id,
                                       struct payment *out, struct errinfo *ei);
MUST_CHECK enum err store_payment_by_key(struct db *db, struct arena *a,
                                         const char *account_id,
                                         const char *idem_key,
                                         struct payment *out,
                                         struct errinfo *ei);
MUST_CHECK enum err store_payment_by_ref(struct db *db, struct arena *a,
                                         const char *account_id,
                                         const char *gateway_ref,
                                         struct payment *out,
                                         struct errinfo *ei);
/* Newest first. */
MUST_CHECK enum err
store_payment_list(struct db *db, struct arena *a, const char *account_id,
                   const struct payment_filter *f, int64_t limit,
                   const char *starting_after, struct payment **out,
                   size_t *count, bool *has_more, struct errinfo *ei);
/*
 * Payments of any account left 'pending' since before older_than_ms (a
 * crash between the phases), oldest first, at most limit.
 */
MUST_CHECK enum err store_payment_stale(struct db *db, struct arena *a,
                                        int64_t older_than_ms, int64_t limit,
                                        struct payment **out, size_t *count,
                                        struct errinfo *ei);

MUST_CHECK enum err store_refund_insert(struct db *db, struct arena *a,
                                        const char *account_id,
                                        const struct refund *r,
                                        struct errinfo *ei);
MUST_CHECK enum err store_refund_update(struct db *db, struct arena *a,
                                        const char *account_id,
                                        const struct refund *r,
                                        struct errinfo *ei);
MUST_CHECK enum err store_refund_get(struct db *db, struct arena *a,
                                     const char *account_id, const char *id,
                                     struct refund *out, struct errinfo *ei);
MUST_CHECK enum err store_refund_by_key(struct db *db, struct arena *a,
                                        const char *account_id,
                                        const char *idem_key,
                                        struct refund *out, struct errinfo *ei);
MUST_CHECK enum err store_refund_by_ref(struct db *db, struct arena *a,
                                        const char *account_id,
                                        const char *gateway_ref,
                                        struct refund *out, struct errinfo *ei);
/* Refunds of payment_id, oldest first (a payment has few). */
MUST_CHECK enum err store_refund_list(struct db *db, struct arena *a,
                                      const char *account_id,
                                      const char *payment_id,
                                      struct refund **out, size_t *count,
                                      struct errinfo *ei);
/*
 * Refunds of any account left 'pending' since before older_than_ms,
 * oldest first, at most limit; each with its account id in account_id.
 */
MUST_CHECK enum err store_refund_stale(struct db *db, struct arena *a,
                                       int64_t older_than_ms, int64_t limit,
                                       struct refund **out, size_t *count,
                                       struct errinfo *ei);
/* Sum of refunds of payment_id that are pending or succeeded. */
MUST_CHECK enum err store_refund_reserved(struct db *db, struct arena *a,
                                          const char *account_id,
                                          const char *payment_id, int64_t *sum,
                                          struct errinfo *ei);

#endif
