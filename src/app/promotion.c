/*
 * promotion.c - create, change, archive and list promotions, and hand the
 * ones in effect at a clinic to the pricing engine.
 *
 * A write checks, in order: the fields given belong to the kind; the
 * result is complete and in range (what the engine's check_promo would
 * refuse is refused here first, with the API's member names); then the
 * references: items (one statement for both sets) and clinics (one
 * statement), only when they change. Each write records one audit event.
 */
#include "app/promotion.h"

#include <inttypes.h>
#include <string.h>

#include "base/assert.h"
#include "base/crypto.h"
#include "core/catalog.h"
#include "store/invoices.h"

static const char *const field_names[PROMOTION_F__COUNT] = {
    [PROMOTION_F_NAME] = "name",
    [PROMOTION_F_ITEMS] = "items",
    [PROMOTION_F_GET_ITEMS] = "get_items",
    [PROMOTION_F_BUY_QUANTITY] = "buy_quantity",
    [PROMOTION_F_GET_QUANTITY] = "get_quantity",
    [PROMOTION_F_DISCOUNT] = "discount",
    [PROMOTION_F_PACKAGE_PRICE] = "package_price",
    [PROMOTION_F_CLINICS] = "clinics",
    [PROMOTION_F_STARTS_AT] = "starts_at",
    [PROMOTION_F_ENDS_AT] = "ends_at",
    [PROMOTION_F_ACTIVE] = "active",
    [PROMOTION_F_ARCHIVED] = "archived",
    [PROMOTION_F_PRIORITY] = "priority",
};

const char *
promotion_field_name(enum promotion_field f)
{
    ASSERT((unsigned)f < PROMOTION_F__COUNT);
    return field_names[f];
}

static void
apply(struct promotion *p, const struct promotion_patch *in)
{
    const struct promotion *v = &in->v;

    for (int f = 0; f < PROMOTION_F__COUNT; f++) {
        if (!in->set[f])
            continue;
        switch ((enum promotion_field)f) {
        case PROMOTION_F_NAME:
            p->name = v->name;
            break;
        case PROMOTION_F_ITEMS:
            p->items = v->items;
            break;
        case PROMOTION_F_GET_ITEMS:
            p->get_items = v->get_items;
            break;
        case PROMOTION_F_BUY_QUANTITY:
            p->buy_quantity = v->buy_quantity;
            break;
        case PROMOTION_F_GET_QUANTITY:
            p->get_quantity = v->get_quantity;
            break;
        case PROMOTION_F_DISCOUNT:
            p->discount = v->discount;
            break;
        case PROMOTION_F_PACKAGE_PRICE:
            p->package_price_minor = v->package_price_minor;
            break;
        case PROMOTION_F_CLINICS:
            p->clinics = v->clinics;
            break;
        case PROMOTION_F_STARTS_AT:
            p->starts_at_ms = v->starts_at_ms;
            break;
        case PROMOTION_F_ENDS_AT:
            p->ends_at_ms = v->ends_at_ms;
            break;
        case PROMOTION_F_ACTIVE:
            p->active = v->active;
            break;
        case PROMOTION_F_ARCHIVED:
            p->archived = v->archived;
            break;
        case PROMOTION_F_PRIORITY:
            p->priority = v->priority;
            break;
        default:
            ASSERT(!"unreachable");
        }
    }
}

/* Whether a promotion of kind has field f at all. */
static bool
kind_takes(enum pricing_promo_kind kind, enum promotion_field f)
{
    switch (f) {
    case PROMOTION_F_GET_ITEMS:
    case PROMOTION_F_BUY_QUANTITY:
    case PROMOTION_F_GET_QUANTITY:
        return kind == PRICING_PROMO_BOGO;
    case PROMOTION_F_DISCOUNT:
        return kind != PRICING_PROMO_PACKAGE;
    case PROMOTION_F_PACKAGE_PRICE:
        return kind == PRICING_PROMO_PACKAGE;
    default:
        return true;
    }
}

/* A field given that the kind does not take is refused, not ignored. */
static enum err
check_given(enum pricing_promo_kind kind, const bool *set, struct errinfo *ei)
{
    for (int f = 0; f < PROMOTION_F__COUNT; f++) {
        if (set[f] && !kind_takes(kind, (enum promotion_field)f))
            return errinfo_set(ei, ERR_INVALID, "parameter_invalid",
                               field_names[f], "a %s promotion has no %s",
                               promotion_kind_name(kind), field_names[f]);
    }
    return ERR_OK;
}

/* rc, with param "<name>[i]" (errinfo_set takes a fixed param). */
static enum err
member_error(struct errinfo *ei, const char *name, size_t i, enum err rc)
{
    if (ei != NULL)
        snprintf(ei->param, sizeof(ei->param), "%s[%zu]", name, i);
    return rc;
}

/* name's list l: min..max ids, none twice. */
static enum err
check_ids(const struct id_list *l, const char *name, size_t min, size_t max,
          struct errinfo *ei)
{
    if (l->count < min || l->count > max)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", name,
                           "%s must list %zu to %zu ids", name, min, max);
    for (size_t i = 0; i < l->count; i++) {
        for (size_t j = 0; j < i; j++) {
            if (strcmp(l->ids[i], l->ids[j]) == 0)
                return member_error(
                    ei, name, i,
                    errinfo_set(ei, ERR_INVALID, "parameter_invalid", NULL,
                                "'%s' is listed twice in %s", l->ids[i], name));
        }
    }
    return ERR_OK;
}

static enum err
check_discount(const struct promotion *p, struct errinfo *ei)
{
    const struct pricing_discount *d = &p->discount;

    if (p->kind == PRICING_PROMO_PACKAGE)
        return ERR_OK;
    if (d->kind == PRICING_DISCOUNT_NONE)
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "discount",
                           "a %s promotion needs a discount",
                           promotion_kind_name(p->kind));
    if (p->kind == PRICING_PROMO_BOGO && d->kind != PRICING_DISCOUNT_PERCENT)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "discount",
                           "a bogo discount is percent_bps (10000 is free)");
    if (d->kind == PRICING_DISCOUNT_PERCENT &&
        (d->value < 0 || d->value > PRICING_BPS_WHOLE))
        return errinfo_set(ei, ERR_INVALID, "parameter_out_of_range",
                           "discount.percent_bps",
                           "discount.percent_bps must be 0 to 10000");
    if (d->kind == PRICING_DISCOUNT_AMOUNT &&
        (d->value < 1 || d->value > PRICING_PRICE_MAX))
        return errinfo_set(
            ei, ERR_INVALID, "parameter_out_of_range", "discount.amount",
            "discount.amount must be 1 to %" PRId64, PRICING_PRICE_MAX);
    return ERR_OK;
}

/* What only some kinds have: the sets, quantities and prices. */
static enum err
check_kind_fields(const struct promotion *p, struct errinfo *ei)
{
    enum err rc = check_ids(&p->items, "items", 1, PROMOTION_ITEMS_MAX, ei);

    if (rc == ERR_OK && p->kind == PRICING_PROMO_BOGO && p->get_items.count)
        rc = check_ids(&p->get_items, "get_items", 1, PROMOTION_ITEMS_MAX, ei);
    if (rc)
        return rc;
    if (p->kind == PRICING_PROMO_BOGO &&
        (p->buy_quantity < 1 || p->buy_quantity > PRICING_QUANTITY_MAX))
        return errinfo_set(ei, ERR_INVALID, "parameter_out_of_range",
                           "buy_quantity", "buy_quantity must be 1 to %" PRId64,
                           PRICING_QUANTITY_MAX);
    if (p->kind == PRICING_PROMO_BOGO &&
        (p->get_quantity < 1 || p->get_quantity > PRICING_QUANTITY_MAX))
        return errinfo_set(ei, ERR_INVALID, "parameter_out_of_range",
                           "get_quantity", "get_quantity must be 1 to %" PRId64,
                           PRICING_QUANTITY_MAX);
    if (p->kind == PRICING_PROMO_PACKAGE &&
        (p->package_price_minor < 0 ||
         p->package_price_minor > PRICING_PRICE_MAX))
        return errinfo_set(
            ei, ERR_INVALID, "parameter_out_of_range", "package_price",
            "package_price must be 0 to %" PRId64, PRICING_PRICE_MAX);
    return check_discount(p, ei);
}

static bool
time_ok(int64_t at_ms)
{
    return at_ms >= 0 && at_ms <= PROMOTION_TIME_MAX_MS;
}

/* What every kind has: name, clinics, dates, priority. */
static enum err
check_common(const struct promotion *p, struct errinfo *ei)
{
    enum err rc = catalog_name_check(p->name, PROMOTION_NAME_MAX, ei);

    if (rc == ERR_OK)
        rc = check_ids(&p->clinics, "clinics", 0, PROMOTION_CLINICS_MAX, ei);
    if (rc)
        return rc;
    if (!time_ok(p->starts_at_ms))
        return errinfo_set(ei, ERR_INVALID, "parameter_out_of_range",
                           "starts_at", "starts_at is out of range");
    if (!time_ok(p->ends_at_ms))
        return errinfo_set(ei, ERR_INVALID, "parameter_out_of_range", "ends_at",
                           "ends_at is out of range");
    if (p->starts_at_ms != 0 && p->ends_at_ms != 0 &&
        p->ends_at_ms <= p->starts_at_ms)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "ends_at",
                           "ends_at must be after starts_at");
    if (p->priority < 0 || p->priority > PROMOTION_PRIORITY_MAX)
        return errinfo_set(ei, ERR_INVALID, "parameter_out_of_range",
                           "priority", "priority must be 0 to %" PRId64,
                           PROMOTION_PRIORITY_MAX);
    return ERR_OK;
}

/* ---- references ---- */

/* A JSON array of the ids of both lists; arena-owned (NULL: arena full). */
static const char *
ids_json(struct arena *a, const struct id_list *x, const struct id_list *y)
{
    json_t *arr = json_array();
    const char *text;

    for (size_t i = 0; i < x->count; i++)
        (void)json_array_append_new(arr, json_string(x->ids[i]));
    for (size_t i = 0; i < y->count; i++)
        (void)json_array_append_new(arr, json_string(y->ids[i]));
    text = json_dump(a, arr, NULL);
    json_decref(arr);
    return text;
}

static const struct priced_item *
find_item(const struct priced_item *items, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(items[i].id, id) == 0)
            return &items[i];
    }
    return NULL;
}

/* Each id of l is a live item of the account, all in one *currency. */
static enum err
check_set(const struct id_list *l, const char *name,
          const struct priced_item *found, size_t n, const char **currency,
          struct errinfo *ei)
{
    for (size_t i = 0; i < l->count; i++) {
        const struct priced_item *it = find_item(found, n, l->ids[i]);
        enum err rc = ERR_OK;

        if (it == NULL)
            rc = errinfo_set(ei, ERR_INVALID, "resource_missing", NULL,
                             "no service or product '%s'", l->ids[i]);
        else if (it->archived)
            rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", NULL,
                             "'%s' is archived", it->name);
        else if (*currency != NULL && strcmp(*currency, it->currency) != 0)
            rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", NULL,
                             "'%s' is priced in %s; the other items in %s",
                             it->name, it->currency, *currency);
        if (rc)
            return member_error(ei, name, i, rc);
        *currency = it->currency;
    }
    return ERR_OK;
}

/* The items of both sets, read in one statement; sets p->currency. */
static enum err
check_items(struct app_ctx *ctx, struct promotion *p, struct errinfo *ei)
{
    const char *json = ids_json(ctx->a, &p->items, &p->get_items);
    const char *currency = NULL;
    struct priced_item *found;
    size_t n;
    enum err rc;

    if (json == NULL)
        return ERR_LIMIT;
    rc = store_priced_items(ctx->db, ctx->a, ctx->account_id, json, &found, &n,
                            ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = check_set(&p->items, "items", found, n, &currency, ei);
    if (rc == ERR_OK)
        rc = check_set(&p->get_items, "get_items", found, n, &currency, ei);
    if (rc)
        return rc;
    ASSERT(currency != NULL);
    p->currency = currency;
    return ERR_OK;
}

/* Each clinic is a live clinic of the account selling in p's currency. */
static enum err
check_clinics(struct app_ctx *ctx, const struct promotion *p,
              struct errinfo *ei)
{
    struct clinic_ref *found;
    size_t n;
    enum err rc;

    if (p->clinics.count == 0)
        return ERR_OK;
    rc = store_clinic_refs(ctx->db, ctx->a, ctx->account_id, &p->clinics,
                           &found, &n, ei);
    if (rc)
        return app_store_fail(rc, ei);
    for (size_t i = 0; i < p->clinics.count; i++) {
        const struct clinic_ref *c = NULL;
        const char *id = p->clinics.ids[i];

        for (size_t j = 0; j < n && c == NULL; j++)
            c = strcmp(found[j].id, id) == 0 ? &found[j] : NULL;
        if (c == NULL)
            rc = errinfo_set(ei, ERR_INVALID, "resource_missing", NULL,
                             "no such clinic '%s'", id);
        else if (c->archived)
            rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", NULL,
                             "clinic '%s' is archived", id);
        else if (strcmp(c->currency, p->currency) != 0)
            rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", NULL,
                             "clinic '%s' sells in %s; the items are priced "
                             "in %s",
                             id, c->currency, p->currency);
        if (rc)
            return member_error(ei, "clinics", i, rc);
    }
    return ERR_OK;
}

/* Check p whole; references only where changed (all on create). */
static enum err
check(struct app_ctx *ctx, struct promotion *p, const bool *set, bool create,
      struct errinfo *ei)
{
    bool items = create || set[PROMOTION_F_ITEMS] || set[PROMOTION_F_GET_ITEMS];
    enum err rc = check_given(p->kind, set, ei);

    /* A free package is allowed, so 0 cannot stand for "not given". */
    if (rc == ERR_OK && create && p->kind == PRICING_PROMO_PACKAGE &&
        !set[PROMOTION_F_PACKAGE_PRICE])
        rc = errinfo_set(ei, ERR_INVALID, "parameter_missing", "package_price",
                         "a package promotion needs a package_price");
    if (rc == ERR_OK)
        rc = check_kind_fields(p, ei);
    if (rc == ERR_OK)
        rc = check_common(p, ei);
    if (rc == ERR_OK && items)
        rc = check_items(ctx, p, ei);
    if (rc == ERR_OK && (items || set[PROMOTION_F_CLINICS]))
        rc = check_clinics(ctx, p, ei);
    return rc;
}

/* ---- audit ---- */

static json_t *
ids_array(const struct id_list *l)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < l->count; i++)
        (void)json_array_append_new(arr, json_string(l->ids[i]));
    return arr;
}

static json_t *
discount_json(const struct pricing_discount *d)
{
    if (d->kind == PRICING_DISCOUNT_PERCENT)
        return json_pack("{s:I}", "percent_bps", (json_int_t)d->value);
    if (d->kind == PRICING_DISCOUNT_AMOUNT)
        return json_pack("{s:I}", "amount", (json_int_t)d->value);
    return json_null();
}

static json_t *
field_json(const struct promotion *p, enum promotion_field f)
{
    switch (f) {
    case PROMOTION_F_NAME:
        return json_string(p->name);
    case PROMOTION_F_ITEMS:
        return ids_array(&p->items);
    case PROMOTION_F_GET_ITEMS:
        return ids_array(&p->get_items);
    case PROMOTION_F_BUY_QUANTITY:
        return json_integer(p->buy_quantity);
    case PROMOTION_F_GET_QUANTITY:
        return json_integer(p->get_quantity);
    case PROMOTION_F_DISCOUNT:
        return discount_json(&p->discount);
    case PROMOTION_F_PACKAGE_PRICE:
        return json_integer(p->package_price_minor);
    case PROMOTION_F_CLINICS:
        return ids_array(&p->clinics);
    case PROMOTION_F_STARTS_AT:
        return json_integer(p->starts_at_ms);
    case PROMOTION_F_ENDS_AT:
        return json_integer(p->ends_at_ms);
    case PROMOTION_F_ACTIVE:
        return json_boolean(p->active);
    case PROMOTION_F_ARCHIVED:
        return json_boolean(p->archived);
    case PROMOTION_F_PRIORITY:
        return json_integer(p->priority);
    default:
        ASSERT(!"unreachable");
        return NULL;
    }
}

/* The fields written: those the kind has on create (set NULL), else given. */
static json_t *
summary(const struct promotion *p, const bool *set)
{
    json_t *s = json_object();

    if (set == NULL)
        json_put(s, "kind", json_string(promotion_kind_name(p->kind)));
    for (int f = 0; f < PROMOTION_F__COUNT; f++) {
        enum promotion_field pf = (enum promotion_field)f;

        if (set != NULL ? set[f] : kind_takes(p->kind, pf))
            json_put(s, field_names[f], field_json(p, pf));
    }
    return s;
}

/* ---- use cases ---- */

enum err
app_promotion_create(struct app_ctx *ctx, const struct promotion_patch *in,
                     struct promotion *out, struct errinfo *ei)
{
    struct promotion p = {.kind = in->v.kind, .active = true};
    enum err rc;

    ASSERT(in->v.kind >= PRICING_PROMO_BOGO &&
           in->v.kind <= PRICING_PROMO_PACKAGE);
    if (p.kind == PRICING_PROMO_BOGO) {
        p.buy_quantity = 1;
        p.get_quantity = 1;
        p.discount = (struct pricing_discount){PRICING_DISCOUNT_PERCENT,
                                               PRICING_BPS_WHOLE};
    }
    apply(&p, in);
    rc = check(ctx, &p, in->set, true, ei);
    if (rc)
        return rc;
    p.id = id_new(ctx->a, "prm", ctx->now_ms);
    if (p.id == NULL)
        return ERR_LIMIT;
    p.created_by = ctx->user_id;
    p.created_at_ms = ctx->now_ms;
    p.updated_at_ms = ctx->now_ms;
    rc = store_promotion_insert(ctx->db, ctx->a, ctx->account_id, &p, ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = app_audit(ctx, "promotion.create", "promotion", p.id,
                   summary(&p, NULL), ei);
    if (rc == ERR_OK)
        *out = p;
    return rc;
}

enum err
app_promotion_get(struct app_ctx *ctx, const char *id, struct promotion *out,
                  struct errinfo *ei)
{
    enum err rc = store_promotion_get(ctx->db, ctx->a, ctx->account_id, id, out,
                                      ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "promotion", id, "id");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* Write p's fields and audit action with sum. */
static enum err
save(struct app_ctx *ctx, struct promotion *p, const char *action, json_t *sum,
     struct errinfo *ei)
{
    enum err rc;

    p->updated_at_ms = ctx->now_ms;
    rc = store_promotion_update(ctx->db, ctx->a, ctx->account_id, p, ei);
    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "promotion", p->id, "id");
    if (rc)
        return app_store_fail(rc, ei);
    return app_audit(ctx, action, "promotion", p->id, sum, ei);
}

enum err
app_promotion_update(struct app_ctx *ctx, const char *id,
                     const struct promotion_patch *in, struct promotion *out,
                     struct errinfo *ei)
{
    struct promotion p;
    enum err rc = app_promotion_get(ctx, id, &p, ei);

    if (rc)
        return rc;
    if (in->v.kind != 0 && in->v.kind != p.kind)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "kind",
                           "a promotion's kind never changes; create a new "
                           "promotion instead");
    apply(&p, in);
    rc = check(ctx, &p, in->set, false, ei);
    if (rc == ERR_OK)
        rc = save(ctx, &p, "promotion.update", summary(&p, in->set), ei);
    if (rc == ERR_OK)
        *out = p;
    return rc;
}

enum err
app_promotion_archive(struct app_ctx *ctx, const char *id,
                      struct promotion *out, struct errinfo *ei)
{
    struct promotion p;
    enum err rc = app_promotion_get(ctx, id, &p, ei);

    if (rc)
        return rc;
    if (!p.archived) {
        p.archived = true;
        json_t *sum = json_object();
        json_put(sum, "archived", json_true());
        rc = save(ctx, &p, "promotion.archive", sum, ei);
    }
    if (rc == ERR_OK)
        *out = p;
    return rc;
}

enum err
app_promotion_list(struct app_ctx *ctx, struct promotion_filter *f,
                   const struct page *page, struct promotion **out,
                   size_t *count, bool *has_more, struct errinfo *ei)
{
    enum err rc;

    ASSERT(page->limit >= 1 && page->limit <= PAGE_LIMIT_MAX);
    f->now_ms = ctx->now_ms;
    rc = store_promotion_list(ctx->db, ctx->a, ctx->account_id, f, page->limit,
                              page->starting_after, out, count, has_more, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

bool
promotion_is_in_effect(const struct promotion *p, int64_t now_ms)
{
    return p->active && !p->archived &&
           (p->starts_at_ms == 0 || p->starts_at_ms <= now_ms) &&
           (p->ends_at_ms == 0 || now_ms < p->ends_at_ms);
}

/* ---- pricing ---- */

/* p as the engine takes it, borrowing p's arrays. */
static void
pricing_promo_of(const struct promotion *p, struct pricing_promo *out)
{
    /* A BOGO without its own get set discounts the set it buys from. */
    const struct id_list *get = p->get_items.count > 0 ? &p->get_items
                                                       : &p->items;

    memset(out, 0, sizeof(*out));
    out->kind = p->kind;
    out->items = p->items.ids;
    out->item_count = p->items.count;
    if (p->kind == PRICING_PROMO_BOGO) {
        out->get_items = get->ids;
        out->get_item_count = get->count;
        out->buy_quantity = p->buy_quantity;
        out->get_quantity = p->get_quantity;
    }
    out->discount = p->discount;
    out->package_price_minor = p->package_price_minor;
}

enum err
app_pricing_promos(struct app_ctx *ctx, const char *clinic_id, int64_t now_ms,
                   struct pricing_promos *out, struct errinfo *ei)
{
    struct promotion *ps;
    size_t n;
    enum err rc = store_promotions_in_effect(ctx->db, ctx->a, ctx->account_id,
                                             clinic_id, now_ms,
                                             PRICING_PROMOS_MAX, &ps, &n, ei);

    if (rc)
        return app_store_fail(rc, ei);
    ASSERT(n <= PRICING_PROMOS_MAX);
    out->promos = arena_array(ctx->a, n + 1, sizeof(*out->promos));
    out->ids = arena_array(ctx->a, n + 1, sizeof(*out->ids));
    if (out->promos == NULL || out->ids == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < n; i++) {
        ASSERT(promotion_is_in_effect(&ps[i], now_ms));
        pricing_promo_of(&ps[i], &out->promos[i]);
        out->ids[i] = ps[i].id;
    }
    out->count = n;
    return ERR_OK;
}
