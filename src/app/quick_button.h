/*
 * quick_button.h - the POS quick buttons: named groups of services and
 * products (packages when they exist) that the checkout screen shows as
 * one-tap buttons, in position order, at one clinic or at all of them.
 *
 * Admins write them (audited); any staff reads them. An item is stored
 * with its kind, found from the catalog when the group is written.
 * Struct strings filled here are arena-owned (ctx->a).
 */
#ifndef POISE_APP_QUICK_BUTTON_H
#define POISE_APP_QUICK_BUTTON_H

#include "app/app.h"
#include "store/checkout_settings.h"

#define QUICK_BUTTON_NAME_MAX 60 /* bytes */
#define QUICK_BUTTON_ITEMS_MAX 100
#define QUICK_BUTTON_POSITION_MAX INT64_C(1000000)

enum quick_button_field {
    QUICK_BUTTON_F_NAME,
    QUICK_BUTTON_F_POSITION,
    QUICK_BUTTON_F_CLINIC,
    QUICK_BUTTON_F_ITEMS,
    QUICK_BUTTON_F__COUNT
};

/*
 * Values and which were given. Each of v.items names item_id and may
 * give kind (NULL: whatever the catalog says; else it must agree).
 */
struct quick_button_patch {
    struct quick_button_group v;
    bool set[QUICK_BUTTON_F__COUNT];
};

/*
 * Create a group; position defaults to 0, clinic to none (every clinic),
 * items to none. ERR_INVALID naming the member for a bad name or
 * position, an unknown or archived clinic ("clinic"), an item that is not
 * a live service or product of the account or is listed twice
 * ("items[3]"), a kind that is not the item's ("items[3].kind").
 */
MUST_CHECK enum err app_quick_button_create(struct app_ctx *ctx,
                                            const struct quick_button_patch *in,
                                            struct quick_button_group *out,
                                            struct errinfo *ei);

/* ERR_NOT_FOUND (param "id") when the account has no group id. */
MUST_CHECK enum err app_quick_button_get(struct app_ctx *ctx, const char *id,
                                         struct quick_button_group *out,
                                         struct errinfo *ei);

/* Apply the given fields (items replace the list); errors as create. */
MUST_CHECK enum err app_quick_button_update(struct app_ctx *ctx, const char *id,
                                            const struct quick_button_patch *in,
                                            struct quick_button_group *out,
                                            struct errinfo *ei);

/* Delete group id. ERR_NOT_FOUND when absent. */
MUST_CHECK enum err app_quick_button_delete(struct app_ctx *ctx, const char *id,
                                            struct errinfo *ei);

/*
 * A page in position order; clinic_id NULL: every group, else that
 * clinic's and the all-clinic ones.
 */
MUST_CHECK enum err
app_quick_button_list(struct app_ctx *ctx, const char *clinic_id,
                      const struct page *page, struct quick_button_group **out,
                      size_t *count, bool *has_more, struct errinfo *ei);

#endif
