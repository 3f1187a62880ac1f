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

#endif
