/*
 * catalog.h - the categories, services, products and product_stock
 * tables.
 *
 * Plain reads and writes: every rule (names, prices, sku shape, whether a
 * category exists) is checked by the caller before a write. Strings of the
 * structs filled here are arena-owned. ERR_CONFLICT is a unique or check
 * violation (for products: the sku is taken), ERR_BUSY a lock timeout,
 * ERR_STORE anything else (see store.h).
 */
#ifndef POISE_STORE_CATALOG_H
#define POISE_STORE_CATALOG_H

#include "core/catalog.h"
#include "store/store.h"

/* Which rows a list returns, and the page of them. */
struct catalog_query {
    bool archived;              /* archived rows only, else live rows only */
    const char *category_id;    /* NULL: any; ignored for categories */
    int64_t limit;              /* 1..100 */
    const char *starting_after; /* NULL: from the first id */
};

MUST_CHECK enum err store_category_insert(struct db *db, struct arena *a,
                                          const char *account_id,
                                          const struct category *c,
                                          struct errinfo *ei);

/* Overwrite every mutable field of c->id. */
MUST_CHECK enum err store_category_update(struct db *db, struct arena *a,
                                          const char *account_id,
                                          const struct category *c,
                                          struct errinfo *ei);

/* ERR_NOT_FOUND when the account has no category id. */
MUST_CHECK enum err store_category_get(struct db *db, struct arena *a,
                                       const char *account_id, const char *id,
                                       struct category *out,
                                       struct errinfo *ei);

/* Ids ascending; *out arena-owned. */
MUST_CHECK enum err store_category_list(struct db *db, struct arena *a,
                                        const char *account_id,
                                        const struct catalog_query *q,
                                        struct category **out, size_t *count,
                                        bool *has_more, struct errinfo *ei);

/* *in_use: some service or product (archived or not) names category id. */
MUST_CHECK enum err store_category_in_use(struct db *db, struct arena *a,
                                          const char *account_id,
                                          const char *id, bool *in_use,
                                          struct errinfo *ei);

/* Delete category id; the caller checked nothing refers to it. */
MUST_CHECK enum err store_category_delete(struct db *db, struct arena *a,
                                          const char *account_id,
                                          const char *id, struct errinfo *ei);

MUST_CHECK enum err store_service_insert(struct db *db, struct arena *a,
                                         const char *account_id,
                                         const struct service *s,
                                         struct errinfo *ei);

/* Overwrite every mutable field of s->id. */
MUST_CHECK enum err store_service_update(struct db *db, struct arena *a,
                                         const char *account_id,
                                         const struct service *s,
                                         struct errinfo *ei);

/* ERR_NOT_FOUND when the account has no service id. */
MUST_CHECK enum err store_service_get(struct db *db, struct arena *a,
                                      const char *account_id, const char *id,
                                      struct service *out, struct errinfo *ei);

/* Ids ascending, filtered by q; *out arena-owned. */
MUST_CHECK enum err store_service_list(struct db *db, struct arena *a,
                                       const char *account_id,
                                       const struct catalog_query *q,
                                       struct service **out, size_t *count,
                                       bool *has_more, struct errinfo *ei);

/* ERR_CONFLICT when the sku is taken in the account. */
MUST_CHECK enum err store_product_insert(struct db *db, struct arena *a,
                                         const char *account_id,
                                         const struct product *p,
                                         struct errinfo *ei);

/* Overwrite every mutable field of p->id (not its stock). */
MUST_CHECK enum err store_product_update(struct db *db, struct arena *a,
                                         const char *account_id,
                                         const struct product *p,
                                         struct errinfo *ei);

/* ERR_NOT_FOUND when absent. Leaves out->stock empty. */
MUST_CHECK enum err store_product_get(struct db *db, struct arena *a,
                                      const char *account_id, const char *id,
                                      struct product *out, struct errinfo *ei);

/* The id of the account's product with this sku; ERR_NOT_FOUND if none. */
MUST_CHECK enum err store_product_find_sku(struct db *db, struct arena *a,
                                           const char *account_id,
                                           const char *sku, const char **id_out,
                                           struct errinfo *ei);

/* Ids ascending, filtered by q; stock left empty; *out arena-owned. */
MUST_CHECK enum err store_product_list(struct db *db, struct arena *a,
                                       const char *account_id,
                                       const struct catalog_query *q,
                                       struct product **out, size_t *count,
                                       bool *has_more, struct errinfo *ei);

/* Set (insert or replace) the quantity of product_id at clinic_id. */
MUST_CHECK enum err
store_product_stock_set(struct db *db, struct arena *a, const char *account_id,
                        const char *product_id, const char *clinic_id,
                        int64_t quantity, struct errinfo *ei);

/* The quantity of product_id at clinic_id; ERR_NOT_FOUND when never set. */
MUST_CHECK enum err
store_product_stock_get(struct db *db, struct arena *a, const char *account_id,
                        const char *product_id, const char *clinic_id,
                        int64_t *quantity_out, struct errinfo *ei);

/*
 * Every stock level of the products whose id lies in [first_id, last_id]
 * (in the database's order, the order of the lists above), in one query,
 * unordered. *out is arena-owned (NULL when *count is 0).
 */
MUST_CHECK enum err
store_product_stock_range(struct db *db, struct arena *a,
                          const char *account_id, const char *first_id,
                          const char *last_id, struct stock_level **out,
                          size_t *count, struct errinfo *ei);

#endif
