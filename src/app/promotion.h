/*
 * promotion.h - promotions: BOGO, discount groups and packages that the
 * pricing engine applies at checkout (docs/promotions.md).
 *
 * A promotion names services and products of the account (all priced in
 * one currency, which becomes the promotion's), the clinics it runs at
 * (none: every clinic), optional start and end times and a priority.
 * Admins write them; every write is audited; DELETE archives. Pricing
 * takes the promotions in effect at the invoice's clinic at the time of
 * pricing, in priority order. Struct strings filled here are arena-owned
 * (ctx->a).
 */
#ifndef POISE_APP_PROMOTION_H
#define POISE_APP_PROMOTION_H

#include "app/app.h"
#include "core/pricing.h"
#include "store/checkout_settings.h"

#define PROMOTION_NAME_MAX 100                      /* bytes */
#define PROMOTION_ITEMS_MAX PRICING_PROMO_ITEMS_MAX /* per set */
#define PROMOTION_CLINICS_MAX 100
#define PROMOTION_PRIORITY_MAX INT64_C(1000000)
/* 9999-12-31T23:59:59Z: starts_at and ends_at are below it. */
#define PROMOTION_TIME_MAX_MS INT64_C(253402300799000)

/* The fields a create or a change may give, in the API's order. */
enum promotion_field {
    PROMOTION_F_NAME,
    PROMOTION_F_ITEMS,
    PROMOTION_F_GET_ITEMS,
    PROMOTION_F_BUY_QUANTITY,
    PROMOTION_F_GET_QUANTITY,
    PROMOTION_F_DISCOUNT,
    PROMOTION_F_PACKAGE_PRICE,
    PROMOTION_F_CLINICS,
    PROMOTION_F_STARTS_AT,
    PROMOTION_F_ENDS_AT,
    PROMOTION_F_ACTIVE,
    PROMOTION_F_ARCHIVED,
    PROMOTION_F_PRIORITY,
    PROMOTION_F__COUNT
};

/* Values and which of them were given (v.kind 0: not given). */
struct promotion_patch {
    struct promotion v;
    bool set[PROMOTION_F__COUNT];
};

/* The API name of field f ("package_price"); never NULL. */
const char *promotion_field_name(enum promotion_field f);

/*
 * Create a promotion of in->v.kind from the given fields. Defaults: BOGO
 * buys 1 and gets 1 of the same items free (get_items = items, discount
 * 100%); active; every clinic; no dates; priority 0. ERR_INVALID naming
 * the member for: a field the kind does not take, a missing one (a
 * group's discount, a package's package_price), a repeated id, an item
 * that is not a live service or product of the account ("items[2]",
 * code resource_missing when unknown), items in two currencies, a BOGO
 * amount discount, ends_at not after starts_at, a clinic that is unknown,
 * archived or sells in another currency ("clinics[0]").
 */
MUST_CHECK enum err app_promotion_create(struct app_ctx *ctx,
                                         const struct promotion_patch *in,
                                         struct promotion *out,
                                         struct errinfo *ei);

/* ERR_NOT_FOUND (param "id") when the account has no promotion id. */
MUST_CHECK enum err app_promotion_get(struct app_ctx *ctx, const char *id,
                                      struct promotion *out,
                                      struct errinfo *ei);

/*
 * Apply the given fields to promotion id and check the result as
 * app_promotion_create does; references are checked again only where
 * they change. Its kind never changes: in->v.kind is 0 or the same, else
 * ERR_INVALID "kind".
 */
MUST_CHECK enum err app_promotion_update(struct app_ctx *ctx, const char *id,
                                         const struct promotion_patch *in,
                                         struct promotion *out,
                                         struct errinfo *ei);

/* Archive promotion id (a no-op when archived). ERR_NOT_FOUND if absent. */
MUST_CHECK enum err app_promotion_archive(struct app_ctx *ctx, const char *id,
                                          struct promotion *out,
                                          struct errinfo *ei);

/*
 * A page in priority order. f->now_ms is set here (ctx->now_ms); a
 * clinic filter names a clinic of the account (ERR_INVALID "clinic"
 * otherwise).
 */
MUST_CHECK enum err app_promotion_list(struct app_ctx *ctx,
                                       struct promotion_filter *f,
                                       const struct page *page,
                                       struct promotion **out, size_t *count,
                                       bool *has_more, struct errinfo *ei);

/* True when p applies at now_ms: active, live and inside its dates. */
bool promotion_is_in_effect(const struct promotion *p, int64_t now_ms);

/* The promotions a pricing takes part in, as the engine wants them. */
struct pricing_promos {
    struct pricing_promo *promos; /* priority order; arena-owned */
    const char **ids;             /* the promotion id of each */
    size_t count;                 /* 0..PRICING_PROMOS_MAX */
};

/*
 * The promotions in effect at clinic_id at now_ms, in priority order,
 * read in one statement; the first PRICING_PROMOS_MAX of them when more
 * are. Arrays arena-owned, pointing into it. ERR_STORE/ERR_BUSY.
 */
MUST_CHECK enum err app_pricing_promos(struct app_ctx *ctx,
                                       const char *clinic_id, int64_t now_ms,
                                       struct pricing_promos *out,
                                       struct errinfo *ei);

#endif
