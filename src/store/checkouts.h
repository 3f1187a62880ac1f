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

struct invoice_checkout {
    const char *id;
    const char *invoice_id;
    const char *idem_key;
    const char *request_hash;
    const char *request; /* the body, JSON, to finish after a crash */
    const char *status;  /* pending succeeded failed */
    int64_t amount_minor;
    int64_t tip_minor;
    int64_t change_due_minor;
    const char *currency;
    const char *failure_kind; /* declined invalid conflict rule */
    const char *failure_code;
    const char *failure_message;
    int64_t failed_tender; /* -1: none */
    const char *created_by;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

struct invoice_tender {
    const char *id;
    const char *invoice_id;
    const char *checkout_id;
    int64_t seq;
    const char *method;     /* card cash check cherry klarna external */
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

/* ERR_CONFLICT when the key is taken or the invoice has one pending. */
MUST_CHECK enum err store_checkout_insert(struct db *db, struct arena *a,
                                          const char *account_id,
                                          const struct invoice_checkout *c,
                                          struct errinfo *ei);
MUST_CHECK enum err store_checkout_by_key(struct db *db, struct arena *a,
                                          const char *account_id,
                                          const char *idem_key,
                                          struct invoice_checkout *out,
                                          struct errinfo *ei);
/* Locked for update on PostgreSQL. */
MUST_CHECK enum err store_checkout_get(struct db *db, struct arena *a,
                                       const char *account_id, const char *id,
                                       struct invoice_checkout *out,
                                       struct errinfo *ei);
/* Record c's outcome: status, amounts, failure, updated time. */
MUST_CHECK enum err store_checkout_finish(struct db *db, struct arena *a,
                                          const char *account_id,
                                          const struct invoice_checkout *c,
                                          struct errinfo *ei);
/* Checkouts of any account pending since before older_than_ms. */
struct stale_checkout {
    const char *account_id;
    const char *id;
};
MUST_CHECK enum err store_checkouts_stale(struct db *db, struct arena *a,
                                          int64_t older_than_ms, int64_t limit,
                                          struct stale_checkout **out,
                                          size_t *count, struct errinfo *ei);
/* The pending checkout of an invoice; ERR_NOT_FOUND when none. */
MUST_CHECK enum err store_checkout_pending_of(struct db *db, struct arena *a,
                                              const char *account_id,
                                              const char *invoice_id,
                                              struct invoice_checkout *out,
                                              struct errinfo *ei);
MUST_CHECK enum err store_tender_insert(struct db *db, struct arena *a,
                                        const char *account_id,
                                        const struct invoice_tender *t,
                                        struct errinfo *ei);
MUST_CHECK enum err store_tip_insert(struct db *db, struct arena *a,
                                     const char *account_id,
                                     const char *invoice_id,
                                     const struct invoice_tip *t,
                                     struct errinfo *ei);
/* The tender that took payment_id, if any: ERR_NOT_FOUND when none. */
MUST_CHECK enum err store_tender_of_payment(struct db *db, struct arena *a,
                                            const char *account_id,
                                            const char *payment_id,
                                            struct invoice_tender *out,
                                            struct errinfo *ei);
/*
 * Add delta (either sign) to the stock of product_id at clinic_id when the
 * clinic counts it. ERR_RULE when the count would go below zero; ERR_OK
 * with *tracked false when the clinic has no count for it.
 */
MUST_CHECK enum err store_stock_adjust(struct db *db, struct arena *a,
                                       const char *account_id,
                                       const char *product_id,
                                       const char *clinic_id, int64_t delta,
                                       bool *tracked, struct errinfo *ei);
/* The count of product_id at clinic_id; *tracked false when none. */
MUST_CHECK enum err
store_stock_quantity(struct db *db, struct arena *a, const char *account_id,
                     const char *product_id, const char *clinic_id,
                     int64_t *quantity, bool *tracked, struct errinfo *ei);

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

/* ---- refunds ---- */

struct invoice_refund {
    const char *id;
    const char *invoice_id;
    const char *idem_key;
    const char *request_hash;
    const char *kind;   /* refund void */
    const char *status; /* pending succeeded failed */
    int64_t net_minor;
    int64_t tax_minor;
    int64_t tip_minor;
    int64_t amount_minor; /* net + tax; the tip is on top */
    const char *currency;
    bool restock;
    const char *reason;
    const char *request;
    const char *failure_code;
    const char *created_by;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

struct invoice_refund_line {
    const char *refund_id; /* set when read */
    int64_t line_seq;
    int64_t quantity;
    int64_t net_minor;
    int64_t tax_minor;
};

/* Where a refund's money goes: a tender, its part and tip part. */
struct invoice_refund_tender {
    const char *refund_id; /* set when read */
    const char *tender_id;
    int64_t amount_minor;
    int64_t tip_minor;
    const char *refund_ref; /* card, once the gateway refunded */
};

MUST_CHECK enum err store_invoice_refund_insert(struct db *db, struct arena *a,
                                                const char *account_id,
                                                const struct invoice_refund *r,
                                                struct errinfo *ei);
MUST_CHECK enum err
store_invoice_refund_line_insert(struct db *db, struct arena *a,
                                 const char *account_id, const char *refund_id,
                                 const struct invoice_refund_line *l,
                                 struct errinfo *ei);
MUST_CHECK enum err store_invoice_refund_tender_insert(
    struct db *db, struct arena *a, const char *account_id,
    const char *refund_id, const struct invoice_refund_tender *t,
    struct errinfo *ei);
/* Note the gateway refund that paid tender_id's part of refund_id. */
MUST_CHECK enum err
store_invoice_refund_tender_done(struct db *db, struct arena *a,
                                 const char *account_id, const char *refund_id,
                                 const char *tender_id, const char *refund_ref,
                                 struct errinfo *ei);
MUST_CHECK enum err store_invoice_refund_by_key(struct db *db, struct arena *a,
                                                const char *account_id,
                                                const char *idem_key,
                                                struct invoice_refund *out,
                                                struct errinfo *ei);
/* Locked for update on PostgreSQL. */
MUST_CHECK enum err store_invoice_refund_get(struct db *db, struct arena *a,
                                             const char *account_id,
                                             const char *id,
                                             struct invoice_refund *out,
                                             struct errinfo *ei);
MUST_CHECK enum err
store_invoice_refund_pending_of(struct db *db, struct arena *a,
                                const char *account_id, const char *invoice_id,
                                struct invoice_refund *out, struct errinfo *ei);
MUST_CHECK enum err store_invoice_refund_lines(struct db *db, struct arena *a,
                                               const char *account_id,
                                               const char *refund_id,
                                               struct invoice_refund_line **out,
                                               size_t *count,
                                               struct errinfo *ei);
MUST_CHECK enum err
store_invoice_refund_tenders(struct db *db, struct arena *a,
                             const char *account_id, const char *refund_id,
                             struct invoice_refund_tender **out, size_t *count,
                             struct errinfo *ei);
/* The lines and tender parts of every refund of an invoice. */
MUST_CHECK enum err
store_invoice_refund_lines_of(struct db *db, struct arena *a,
                              const char *account_id, const char *invoice_id,
                              struct invoice_refund_line **out, size_t *count,
                              struct errinfo *ei);
MUST_CHECK enum err
store_invoice_refund_tenders_of(struct db *db, struct arena *a,
                                const char *account_id, const char *invoice_id,
                                struct invoice_refund_tender **out,
                                size_t *count, struct errinfo *ei);
/* The refunds of an invoice, oldest first. */
MUST_CHECK enum err store_invoice_refunds(struct db *db, struct arena *a,
                                          const char *account_id,
                                          const char *invoice_id,
                                          struct invoice_refund **out,
                                          size_t *count, struct errinfo *ei);
/* Record r's outcome: status, failure code, updated time. */
MUST_CHECK enum err store_invoice_refund_finish(struct db *db, struct arena *a,
                                                const char *account_id,
                                                const struct invoice_refund *r,
                                                struct errinfo *ei);
/* Refunds of any account pending since before older_than_ms. */
MUST_CHECK enum err store_invoice_refunds_stale(
    struct db *db, struct arena *a, int64_t older_than_ms, int64_t limit,
    struct stale_checkout **out, size_t *count, struct errinfo *ei);
/* Add to what was refunded of a tender, a tip row, a line. */
MUST_CHECK enum err
store_tender_refunded(struct db *db, struct arena *a, const char *account_id,
                      const char *tender_id, int64_t amount_minor,
                      int64_t tip_minor, struct errinfo *ei);
MUST_CHECK enum err
store_tip_refunded(struct db *db, struct arena *a, const char *account_id,
                   const char *checkout_id, const char *provider_id,
                   int64_t amount_minor, struct errinfo *ei);
MUST_CHECK enum err store_line_refunded(struct db *db, struct arena *a,
                                        const char *account_id,
                                        const char *invoice_id, int64_t seq,
                                        int64_t quantity, struct errinfo *ei);

/*
 * Verify every invoice against what paid it (for `poise check`): paid and
 * tips are the sums of their tenders and tip rows, never over the total,
 * the status agrees, and a checkout has tenders iff it succeeded.
 * report() gets one line per problem.
 */
MUST_CHECK enum err store_invoices_verify(struct db *db, struct arena *a,
                                          void (*report)(void *, const char *),
                                          void *report_ctx, int *problems,
                                          struct errinfo *ei);

#endif
