/*
 * catalog.h - what a practice sells: categories, services (treatments)
 * and retail products with their stock per clinic, and the rules their
 * fields obey. Pure: no I/O, no clock, no allocation.
 *
 * Prices and costs are integer minor units of the item's own currency.
 * A category, service or product that something refers to is archived,
 * never deleted, so old invoices and reports keep their names.
 */
#ifndef POISE_CORE_CATALOG_H
#define POISE_CORE_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define CATALOG_CATEGORY_NAME_MAX 100
#define CATALOG_NAME_MAX 200 /* services and products */
#define CATALOG_SKU_MAX 64
/* $1,000,000.00: far above any treatment, low enough to catch typos. */
#define CATALOG_PRICE_MAX INT64_C(100000000)
#define CATALOG_DURATION_MAX_MIN 1440 /* one day */
#define CATALOG_DURATION_DEFAULT_MIN 30
#define CATALOG_STOCK_MAX INT64_C(1000000000)
#define CATALOG_CURRENCY_DEFAULT "USD"

struct category {
    const char *id;
    const char *name;
    bool archived;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

struct service {
    const char *id;
    const char *name;
    const char *category_id; /* NULL: uncategorised */
    int64_t price_minor;
    const char *currency; /* ISO 4217 */
    int64_t duration_min; /* minutes the treatment takes */
    bool taxable;
    bool archived;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

/* Units of one product on hand at one clinic. */
struct stock_level {
    const char *product_id;
    const char *clinic_id;
    int64_t quantity;
};

struct product {
    const char *id;
    const char *sku; /* unique per account */
    const char *name;
    const char *category_id; /* NULL: uncategorised */
    int64_t price_minor;
    int64_t cost_minor;
    const char *currency; /* ISO 4217 */
    bool taxable;
    bool archived;
    int64_t created_at_ms;
    int64_t updated_at_ms;
    /* Borrowed; ordered by clinic id; set by catalog_stock_attach(). */
    const struct stock_level *stock;
    size_t stock_count;
};

/* Fill s with the defaults of a new service: 30 minutes, USD, not taxable. */
void catalog_service_init(struct service *s);

/* Fill p with the defaults of a new product: USD, taxable, no stock. */
void catalog_product_init(struct product *p);

/*
 * A display name, printed on invoices and receipts (an item's, a
 * promotion's, a quick-button group's): 1..max bytes, not blank, no
 * control characters. ERR_INVALID with param "name" otherwise.
 */
MUST_CHECK enum err catalog_name_check(const char *name, size_t max,
                                       struct errinfo *ei);

/*
 * Check every field of c (after defaults and a patch are applied): a name
 * of 1..CATALOG_CATEGORY_NAME_MAX bytes that is not blank.
 * ERR_INVALID naming the field otherwise.
 */
MUST_CHECK enum err catalog_category_check(const struct category *c,
                                           struct errinfo *ei);

/*
 * Check every field of s: name as for a category but up to
 * CATALOG_NAME_MAX bytes, price within 0..CATALOG_PRICE_MAX, a known
 * currency, duration within 0..CATALOG_DURATION_MAX_MIN. Whether the
 * category exists is for the caller. ERR_INVALID naming the field.
 */
MUST_CHECK enum err catalog_service_check(const struct service *s,
                                          struct errinfo *ei);

/*
 * Check every field of p: a valid sku (see catalog_sku_is_valid), name,
 * price and cost within 0..CATALOG_PRICE_MAX, a known currency. Whether
 * the sku is free and the category exists is for the caller.
 * ERR_INVALID naming the field.
 */
MUST_CHECK enum err catalog_product_check(const struct product *p,
                                          struct errinfo *ei);

/* Quantity on hand within 0..CATALOG_STOCK_MAX; ERR_INVALID otherwise. */
MUST_CHECK enum err catalog_stock_check(int64_t quantity, struct errinfo *ei);

/* True for 1..CATALOG_SKU_MAX characters of [A-Za-z0-9._-]. */
bool catalog_sku_is_valid(const char *sku);

/*
 * Give each of the n products the levels of m that name it: sorts levels
 * (in place) by product id then clinic id and points each product's stock
 * at its run, or sets stock_count 0. Levels of other products are
 * ignored. Byte order is used, whatever order the database returned.
 */
void catalog_stock_attach(struct product *products, size_t n,
                          struct stock_level *levels, size_t m);

#endif
