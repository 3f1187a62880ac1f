/*
 * checkout_settings.h - what admins set up for checkout: the account's
 * invoice settings, promotions and POS quick-button groups.
 *
 * Lists of ids are stored as JSON arrays in one column each and come back
 * as arena arrays; the store checks nothing about what they name (app/
 * does, when they change). Every string filled here is arena-owned.
 */
#ifndef POISE_STORE_CHECKOUT_SETTINGS_H
#define POISE_STORE_CHECKOUT_SETTINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/pricing.h"
#include "store/store.h"

/* ---- invoice settings ---- */

/*
 * The account's settings; ERR_NOT_FOUND when it never set any (the
 * defaults apply).
 */
MUST_CHECK enum err store_invoice_settings_get(struct db *db, struct arena *a,
                                               const char *account_id,
                                               int64_t *discount_limit_bps,
                                               const char **disclaimer,
                                               struct errinfo *ei);
/* Insert or overwrite the account's settings. */
MUST_CHECK enum err
store_invoice_settings_put(struct db *db, struct arena *a,
                           const char *account_id, int64_t discount_limit_bps,
                           const char *disclaimer, const char *updated_by,
                           int64_t updated_at_ms, struct errinfo *ei);

/* ---- promotions ---- */

/* Ids in order; arena-owned. */
struct id_list {
    const char **ids;
    size_t count;
};

struct promotion {
    const char *id;
    const char *name;
    enum pricing_promo_kind kind;
    struct id_list items;             /* bogo: the set to buy */
    struct id_list get_items;         /* bogo: the set discounted; else empty */
    int64_t buy_quantity;             /* bogo, else 0 */
    int64_t get_quantity;             /* bogo, else 0 */
    struct pricing_discount discount; /* bogo (percent), group */
    int64_t package_price_minor;      /* package, else 0 */
    const char *currency;             /* of the items and amounts */
    struct id_list clinics;           /* empty: every clinic */
    int64_t starts_at_ms;             /* 0: no start */
    int64_t ends_at_ms;               /* 0: no end; exclusive */
    bool active;
    bool archived;
    int64_t priority; /* lower applies first */
    const char *created_by;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

struct promotion_filter {
    bool archived;         /* archived ones only, else live ones only */
    const char *clinic_id; /* NULL: any; else that clinic's and all-clinic */
    int in_effect;         /* -1: any; 1: in effect at now_ms; 0: not */
    int64_t now_ms;
};

/* "bogo", "group", "package"; asserts on anything else. */
const char *promotion_kind_name(enum pricing_promo_kind kind);

MUST_CHECK enum err store_promotion_insert(struct db *db, struct arena *a,
                                           const char *account_id,
                                           const struct promotion *p,
                                           struct errinfo *ei);
/* Overwrite every mutable field of p->id. ERR_NOT_FOUND if absent. */
MUST_CHECK enum err store_promotion_update(struct db *db, struct arena *a,
                                           const char *account_id,
                                           const struct promotion *p,
                                           struct errinfo *ei);
MUST_CHECK enum err store_promotion_get(struct db *db, struct arena *a,
                                        const char *account_id, const char *id,
                                        struct promotion *out,
                                        struct errinfo *ei);
/* In priority order (priority, then id); paged after starting_after. */
MUST_CHECK enum err
store_promotion_list(struct db *db, struct arena *a, const char *account_id,
                     const struct promotion_filter *f, int64_t limit,
                     const char *starting_after, struct promotion **out,
                     size_t *count, bool *has_more, struct errinfo *ei);
/*
 * The promotions in effect at clinic_id at now_ms (active, not archived,
 * inside their dates, for every clinic or this one, in the clinic's
 * currency), in priority order, at most limit: one statement.
 */
MUST_CHECK enum err store_promotions_in_effect(
    struct db *db, struct arena *a, const char *account_id,
    const char *clinic_id, int64_t now_ms, int64_t limit,
    struct promotion **out, size_t *count, struct errinfo *ei);

/* A clinic as a reference sees it. */
struct clinic_ref {
    const char *id;
    const char *currency;
    bool archived;
};

/*
 * The clinics of the account among ids (in no particular order; unknown
 * ids are absent), in one statement. *out arena-owned.
 */
MUST_CHECK enum err store_clinic_refs(struct db *db, struct arena *a,
                                      const char *account_id,
                                      const struct id_list *ids,
                                      struct clinic_ref **out, size_t *count,
                                      struct errinfo *ei);

/* ---- POS quick buttons ---- */

struct quick_button_item {
    const char *kind; /* "service" | "product" */
    const char *item_id;
};

struct quick_button_group {
    const char *id;
    const char *name;
    int64_t position;
    const char *clinic_id; /* NULL: every clinic */
    struct quick_button_item *items;
    size_t item_count;
    const char *created_by;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

MUST_CHECK enum err store_quick_button_insert(
    struct db *db, struct arena *a, const char *account_id,
    const struct quick_button_group *g, struct errinfo *ei);
/* Overwrite name, position, clinic and items. ERR_NOT_FOUND if absent. */
MUST_CHECK enum err store_quick_button_update(
    struct db *db, struct arena *a, const char *account_id,
    const struct quick_button_group *g, struct errinfo *ei);
MUST_CHECK enum err store_quick_button_get(struct db *db, struct arena *a,
                                           const char *account_id,
                                           const char *id,
                                           struct quick_button_group *out,
                                           struct errinfo *ei);
/* ERR_NOT_FOUND if absent. */
MUST_CHECK enum err store_quick_button_delete(struct db *db, struct arena *a,
                                              const char *account_id,
                                              const char *id,
                                              struct errinfo *ei);
/*
 * In position order (position, then id); clinic_id NULL: every group,
 * else that clinic's and the all-clinic ones. Paged after starting_after.
 */
MUST_CHECK enum err
store_quick_button_list(struct db *db, struct arena *a, const char *account_id,
                        const char *clinic_id, int64_t limit,
                        const char *starting_after,
                        struct quick_button_group **out, size_t *count,
                        bool *has_more, struct errinfo *ei);

#endif
