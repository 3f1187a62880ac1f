/*
 * invoices.h - what pricing an invoice reads: the sold items' prices and
 * the providers a tip is split over, each fetched in one statement.
 */
#ifndef POISE_STORE_INVOICES_H
#define POISE_STORE_INVOICES_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* A service or product as priced on an invoice. */
struct priced_item {
    const char *id;
    const char *kind; /* "service" | "product" */
    const char *name;
    int64_t price_minor;
    const char *currency;
    bool taxable;
    bool archived;
};

/*
 * The services and products of the account among ids_json (a JSON array
 * of id strings), in no particular order; ids that are neither are
 * simply absent. *out arena-owned.
 */
MUST_CHECK enum err store_priced_items(struct db *db, struct arena *a,
                                       const char *account_id,
                                       const char *ids_json,
                                       struct priced_item **out, size_t *count,
                                       struct errinfo *ei);

/* How many of ids_json (a JSON array of user ids) are active users. */
MUST_CHECK enum err store_users_present(struct db *db, struct arena *a,
                                        const char *account_id,
                                        const char *ids_json, int64_t *n,
                                        struct errinfo *ei);

struct invoice {
    const char *id;
    const char *clinic_id;
    const char *patient_id;  /* may be NULL */
    const char *provider_id; /* may be NULL */
    const char *kind;        /* "quote" | "invoice" */
    const char *status;
    const char *number; /* NULL until finalized */
    const char *currency;
    int64_t discount_kind; /* enum pricing_discount_kind */
    int64_t discount_value;
    int64_t gross_minor;
    int64_t discount_minor;
    int64_t net_minor;
    int64_t tax_minor;
    int64_t total_minor;
    int64_t paid_minor;
    const char *created_by;
    int64_t created_at_ms;
    int64_t updated_at_ms;
    int64_t finalized_at_ms; /* 0 until finalized */
    int64_t queued_at_ms;    /* sent to the front desk; 0 when not */
    int64_t tip_minor;       /* tips paid on top of total_minor */
    int64_t refunded_minor;  /* of paid_minor, refunded */
    int64_t tip_refunded_minor;
    int64_t paid_at_ms;      /* 0 until fully paid */
    const char *merged_into; /* the invoice it was merged into, or NULL */
    const char *source;      /* procedure, treatment_plan, quick_pay */
};

struct invoice_line {
    int64_t seq;
    const char *item_id;
    const char *kind;
    const char *name;
    int64_t quantity;
    bool taxable;
    int64_t discount_kind;
    int64_t discount_value;
    int64_t unit_price_minor;
    int64_t gross_minor;
    int64_t discount_minor; /* every discount on the line, its share too */
    int64_t net_minor;
    int64_t tax_minor;
    int64_t total_minor;
    int64_t refunded_quantity;
};

struct invoice_filter {
    const char *patient_id; /* NULL: any */
    const char *clinic_id;
    const char *provider_id;
    const char *status;
    int64_t created_gte_ms; /* 0: no bound */
    int64_t created_lt_ms;  /* 0: no bound */
};

MUST_CHECK enum err store_invoice_insert(struct db *db, struct arena *a,
                                         const char *account_id,
                                         const struct invoice *inv,
                                         struct errinfo *ei);
MUST_CHECK enum err store_invoice_line_insert(struct db *db, struct arena *a,
                                              const char *account_id,
                                              const char *invoice_id,
                                              const struct invoice_line *l,
                                              struct errinfo *ei);
/* The invoice, locked to the end of the transaction on PostgreSQL. */
MUST_CHECK enum err store_invoice_get(struct db *db, struct arena *a,
                                      const char *account_id, const char *id,
                                      struct invoice *out, struct errinfo *ei);
/* Its lines in order; *out arena-owned. */
MUST_CHECK enum err store_invoice_lines(struct db *db, struct arena *a,
                                        const char *account_id, const char *id,
                                        struct invoice_line **out,
                                        size_t *count, struct errinfo *ei);
/* Newest first. */
MUST_CHECK enum err
store_invoice_list(struct db *db, struct arena *a, const char *account_id,
                   const struct invoice_filter *f, int64_t limit,
                   const char *starting_after, struct invoice **out,
                   size_t *count, bool *has_more, struct errinfo *ei);
/*
 * Write the mutable fields of x->id (patient, provider, kind, status,
 * discount, totals, queued and updated times).
 */
MUST_CHECK enum err store_invoice_update(struct db *db, struct arena *a,
                                         const char *account_id,
                                         const struct invoice *x,
                                         struct errinfo *ei);
/* Delete the lines of invoice id (to write new ones). */
MUST_CHECK enum err store_invoice_lines_delete(struct db *db, struct arena *a,
                                               const char *account_id,
                                               const char *id,
                                               struct errinfo *ei);
/*
 * The front desk's queue of clinic_id: invoices sent to it and not yet
 * paid, oldest first, at most limit.
 */
MUST_CHECK enum err store_invoice_queue(struct db *db, struct arena *a,
                                        const char *account_id,
                                        const char *clinic_id, int64_t limit,
                                        struct invoice **out, size_t *count,
                                        struct errinfo *ei);
/*
 * What patient_id owes: the sum of total minus paid over their open and
 * partially paid invoices, and how many there are.
 */
MUST_CHECK enum err store_patient_balance(struct db *db, struct arena *a,
                                          const char *account_id,
                                          const char *patient_id, int64_t *owed,
                                          int64_t *invoices,
                                          struct errinfo *ei);
/* Delete a draft or quote and its lines. */
MUST_CHECK enum err store_invoice_delete(struct db *db, struct arena *a,
                                         const char *account_id, const char *id,
                                         struct errinfo *ei);
/* Status, number and finalized time of inv->id. */
MUST_CHECK enum err store_invoice_finalize(struct db *db, struct arena *a,
                                           const char *account_id,
                                           const struct invoice *inv,
                                           struct errinfo *ei);
/*
 * The clinic's next invoice number (1, 2, ...), taken under the counter
 * row's lock for the rest of the transaction: a rollback gives it back,
 * so numbers have no gaps. prefix is used the first time; *prefix_out is
 * the clinic's (arena-owned).
 */
MUST_CHECK enum err store_invoice_next_number(struct db *db, struct arena *a,
                                              const char *account_id,
                                              const char *clinic_id,
                                              const char *prefix,
                                              const char **prefix_out,
                                              int64_t *n, struct errinfo *ei);
/* Mark invoice id void, merged into invoice into. */
MUST_CHECK enum err store_invoice_merged(struct db *db, struct arena *a,
                                         const char *account_id, const char *id,
                                         const char *into, int64_t at_ms,
                                         struct errinfo *ei);
/* Write x's status, paid, tip, refunded amounts and paid/queued times. */
MUST_CHECK enum err store_invoice_money(struct db *db, struct arena *a,
                                        const char *account_id,
                                        const struct invoice *x,
                                        struct errinfo *ei);

#endif
