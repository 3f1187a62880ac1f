/*
 * catalog.h - catalog use cases: categories, services, products and
 * stock per clinic.
 *
 * Every write checks the core rules, that a category it names exists in
 * the account and is live, that a product's sku is free, and records an
 * audit event. Referenced items are archived rather than deleted. Struct
 * strings filled here are arena-owned (ctx->a).
 */
#ifndef POISE_APP_CATALOG_H
#define POISE_APP_CATALOG_H

#include "app/app.h"
#include "core/catalog.h"

/* The mutable fields of each object, in the order of the API's members. */
enum category_field { CATEGORY_F_NAME, CATEGORY_F_ARCHIVED, CATEGORY_F__COUNT };

enum service_field {
    SERVICE_F_NAME,
    SERVICE_F_CATEGORY,
    SERVICE_F_PRICE,
    SERVICE_F_CURRENCY,
    SERVICE_F_DURATION,
    SERVICE_F_TAXABLE,
    SERVICE_F_ARCHIVED,
    SERVICE_F__COUNT
};

enum product_field {
    PRODUCT_F_SKU,
    PRODUCT_F_NAME,
    PRODUCT_F_CATEGORY,
    PRODUCT_F_PRICE,
    PRODUCT_F_COST,
    PRODUCT_F_CURRENCY,
    PRODUCT_F_TAXABLE,
    PRODUCT_F_ARCHIVED,
    PRODUCT_F__COUNT
};

/* Values and which of them were given. */
struct category_patch {
    struct category v;
    bool set[CATEGORY_F__COUNT];
};

struct service_patch {
    struct service v;
    bool set[SERVICE_F__COUNT];
};

struct product_patch {
    struct product v;
    bool set[PRODUCT_F__COUNT];
};

/* Which items a list shows besides the page. */
struct catalog_filter {
    bool archived;           /* archived items only, else live items only */
    const char *category_id; /* NULL: any (ignored for categories) */
};

/*
 * Create a category from the given fields. ERR_INVALID (bad name),
 * ERR_STORE/ERR_BUSY, ERR_LIMIT (arena).
 */
MUST_CHECK enum err app_category_create(struct app_ctx *ctx,
                                        const struct category_patch *in,
                                        struct category *out,
                                        struct errinfo *ei);

/* ERR_NOT_FOUND (param "id") when the account has no category id. */
MUST_CHECK enum err app_category_get(struct app_ctx *ctx, const char *id,
                                     struct category *out, struct errinfo *ei);

/* Apply the given fields to category id and check the result. */
MUST_CHECK enum err app_category_update(struct app_ctx *ctx, const char *id,
                                        const struct category_patch *in,
                                        struct category *out,
                                        struct errinfo *ei);

/*
 * Delete category id, or archive it when a service or product refers to
 * it. *deleted_out says which; *out is the category (archived when kept).
 * ERR_NOT_FOUND when absent.
 */
MUST_CHECK enum err app_category_delete(struct app_ctx *ctx, const char *id,
                                        struct category *out, bool *deleted_out,
                                        struct errinfo *ei);

MUST_CHECK enum err app_category_list(struct app_ctx *ctx,
                                      const struct page *page,
                                      const struct catalog_filter *filter,
                                      struct category **out, size_t *count,
                                      bool *has_more, struct errinfo *ei);

/*
 * Create a service from the given fields; duration defaults to 30 min,
 * currency to USD, taxable to false. ERR_INVALID for a bad field or a
 * category that is missing (code resource_missing) or archived, param
 * "category".
 */
MUST_CHECK enum err app_service_create(struct app_ctx *ctx,
                                       const struct service_patch *in,
                                       struct service *out, struct errinfo *ei);

/* ERR_NOT_FOUND (param "id") when the account has no service id. */
MUST_CHECK enum err app_service_get(struct app_ctx *ctx, const char *id,
                                    struct service *out, struct errinfo *ei);

/* Apply the given fields to service id; errors as app_service_create. */
MUST_CHECK enum err app_service_update(struct app_ctx *ctx, const char *id,
                                       const struct service_patch *in,
                                       struct service *out, struct errinfo *ei);

/* Archive service id (a no-op when archived). ERR_NOT_FOUND if absent. */
MUST_CHECK enum err app_service_archive(struct app_ctx *ctx, const char *id,
                                        struct service *out,
                                        struct errinfo *ei);

MUST_CHECK enum err app_service_list(struct app_ctx *ctx,
                                     const struct page *page,
                                     const struct catalog_filter *filter,
                                     struct service **out, size_t *count,
                                     bool *has_more, struct errinfo *ei);

/*
 * Create a product from the given fields; currency defaults to USD,
 * taxable to true, cost to 0. ERR_INVALID as for services, ERR_CONFLICT
 * (code sku_taken, param "sku") when another product has the sku.
 */
MUST_CHECK enum err app_product_create(struct app_ctx *ctx,
                                       const struct product_patch *in,
                                       struct product *out, struct errinfo *ei);

/* With its stock. ERR_NOT_FOUND (param "id") when absent. */
MUST_CHECK enum err app_product_get(struct app_ctx *ctx, const char *id,
                                    struct product *out, struct errinfo *ei);

/* Apply the given fields to product id; errors as app_product_create. */
MUST_CHECK enum err app_product_update(struct app_ctx *ctx, const char *id,
                                       const struct product_patch *in,
                                       struct product *out, struct errinfo *ei);

/* Archive product id (a no-op when archived). ERR_NOT_FOUND if absent. */
MUST_CHECK enum err app_product_archive(struct app_ctx *ctx, const char *id,
                                        struct product *out,
                                        struct errinfo *ei);

/* A page of products, each with its stock (one stock query per page). */
MUST_CHECK enum err app_product_list(struct app_ctx *ctx,
                                     const struct page *page,
                                     const struct catalog_filter *filter,
                                     struct product **out, size_t *count,
                                     bool *has_more, struct errinfo *ei);

/*
 * Set the quantity on hand of product_id at clinic_id; *out is the
 * product with all its stock. ERR_INVALID for a quantity outside
 * 0..CATALOG_STOCK_MAX, ERR_NOT_FOUND for an unknown product (param "id")
 * or clinic (param "clinic").
 */
MUST_CHECK enum err app_product_stock_set(struct app_ctx *ctx,
                                          const char *product_id,
                                          const char *clinic_id,
                                          int64_t quantity, struct product *out,
                                          struct errinfo *ei);

#endif
