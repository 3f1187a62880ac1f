/*
 * payouts.h - payouts with their deposit report, disputes, and the
 * webhook events already applied.
 */
#ifndef POISE_STORE_PAYOUTS_H
#define POISE_STORE_PAYOUTS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct payout {
    const char *id;
    const char *merchant_account_id;
    const char *bank_account_id;
    const char *gateway_ref;
    const char *status; /* pending, in_transit, paid, failed, canceled */
    int64_t amount;
    const char *currency;
    int64_t arrival_at_ms;
    const char *failure_code;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

struct payout_item {
    int64_t seq;
    const char *type; /* charge, fee, refund, dispute, deduction, ... */
    const char *source_ref;
    const char *object_type; /* payment, refund, dispute, fee_statement */
    const char *object_id;   /* NULL when Poise has no such object */
    int64_t amount;          /* signed */
};

struct dispute {
    const char *id;
    const char *payment_id;
    const char *gateway_ref;
    const char *status;
    const char *reason;
    int64_t amount;
    int64_t fee;
    const char *currency;
    int64_t due_by_ms;
    const char *evidence; /* JSON object text */
    int64_t submitted_at_ms;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

MUST_CHECK enum err store_payout_by_ref(struct db *db, struct arena *a,
                                        const char *account_id,
                                        const char *gateway_ref,
                                        struct payout *out, struct errinfo *ei);
MUST_CHECK enum err store_payout_get(struct db *db, struct arena *a,
                                     const char *account_id, const char *id,
                                     struct payout *out, struct errinfo *ei);
MUST_CHECK enum err store_payout_insert(struct db *db, struct arena *a,
                                        const char *account_id,
                                        const struct payout *p,
                                        struct errinfo *ei);
/* Status, failure and arrival of p->id. */
MUST_CHECK enum err store_payout_update(struct db *db, struct arena *a,
                                        const char *account_id,
                                        const struct payout *p,
                                        struct errinfo *ei);
/* Newest first. */
MUST_CHECK enum err store_payout_list(struct db *db, struct arena *a,
                                      const char *account_id, int64_t limit,
                                      const char *starting_after,
                                      struct payout **out, size_t *count,
                                      bool *has_more, struct errinfo *ei);
MUST_CHECK enum err store_payout_item_insert(struct db *db, struct arena *a,
                                             const char *account_id,
                                             const char *payout_id,
                                             const struct payout_item *it,
                                             struct errinfo *ei);
/* The deposit report of payout_id, in order. */
MUST_CHECK enum err store_payout_items(struct db *db, struct arena *a,
                                       const char *account_id,
                                       const char *payout_id,
                                       struct payout_item **out, size_t *count,
                                       struct errinfo *ei);

MUST_CHECK enum err store_dispute_by_ref(struct db *db, struct arena *a,
                                         const char *account_id,
                                         const char *gateway_ref,
                                         struct dispute *out,
                                         struct errinfo *ei);
MUST_CHECK enum err store_dispute_get(struct db *db, struct arena *a,
                                      const char *account_id, const char *id,
                                      struct dispute *out, struct errinfo *ei);
MUST_CHECK enum err store_dispute_insert(struct db *db, struct arena *a,
                                         const char *account_id,
                                         const struct dispute *d,
                                         struct errinfo *ei);
/* Status, due date, evidence and submission of d->id. */
MUST_CHECK enum err store_dispute_update(struct db *db, struct arena *a,
                                         const char *account_id,
                                         const struct dispute *d,
                                         struct errinfo *ei);
/* Newest first. */
MUST_CHECK enum err store_dispute_list(struct db *db, struct arena *a,
                                       const char *account_id, int64_t limit,
                                       const char *starting_after,
                                       struct dispute **out, size_t *count,
                                       bool *has_more, struct errinfo *ei);

/*
 * Record event_id of gateway as applied; *first is false when it was
 * (a redelivery: apply nothing).
 */
MUST_CHECK enum err store_webhook_event_insert(struct db *db, struct arena *a,
                                               const char *account_id,
                                               const char *gateway,
                                               const char *event_id,
                                               const char *type, int64_t now_ms,
                                               bool *first, struct errinfo *ei);

#endif
