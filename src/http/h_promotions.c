/*
 * h_promotions.c - /v1/promotions: parse, call app/promotion, render.
 *
 * A promotion's sets are arrays of service and product ids; its discount
 * is {"percent_bps": 1500} or {"amount": 500}, never both; starts_at and
 * ends_at are Unix seconds (null: open-ended). Lists take ?active=true
 * (in effect now) or false, ?clinic=cln_... (that clinic's and the
 * all-clinic ones), ?archived=true, ?limit and ?starting_after. DELETE
 * archives.
 */
#include <string.h>

#include "app/promotion.h"
#include "base/crypto.h"
#include "http/http_int.h"

#define ID_JSON_MAX 64

/* ---- input ---- */

/* The array of id strings arr (NULL: none) at member name into out. */
static enum err
read_ids(struct req *req, json_t *arr, const char *name, struct id_list *out)
{
    size_t n = json_array_size(arr);

    out->ids = arena_array(req->ctx.a, n + 1, sizeof(*out->ids));
    out->count = 0;
    if (out->ids == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(arr, i);
        size_t len = json_string_length(s);

        if (!json_is_string(s) || len == 0 || len > ID_JSON_MAX ||
            strlen(json_string_value(s)) != len) {
            enum err rc = errinfo_set(req->ei, ERR_INVALID,
                                      "parameter_invalid_type", NULL,
                                      "'%s[%zu]' must be an id", name, i);

            snprintf(req->ei->param, sizeof(req->ei->param), "%s[%zu]", name,
                     i);
            return rc;
        }
        out->ids[i] = json_string_value(s);
    }
    out->count = n;
    return ERR_OK;
}

/* A discount object d (NULL: none). */
static enum err
read_discount(struct req *req, json_t *d, struct pricing_discount *out)
{
    int64_t pct = -1;
    int64_t amount = -1;
    const struct jfield f[] = {
        {"percent_bps", JT_INT, false, false, 0, PRICING_BPS_WHOLE, &pct, NULL},
        {"amount", JT_INT, false, false, 1, PRICING_PRICE_MAX, &amount, NULL},
    };
    enum err rc;

    out->kind = PRICING_DISCOUNT_NONE;
    out->value = 0;
    if (d == NULL)
        return ERR_OK;
    rc = json_read(d, f, 2, "discount.", req->ei);
    if (rc)
        return rc;
    if ((pct >= 0) == (amount >= 0))
        return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid",
                           "discount",
                           "a discount is either percent_bps or amount");
    out->kind = pct >= 0 ? PRICING_DISCOUNT_PERCENT : PRICING_DISCOUNT_AMOUNT;
    out->value = pct >= 0 ? pct : amount;
    return ERR_OK;
}

static enum err
read_kind(struct req *req, const char *s, enum pricing_promo_kind *out)
{
    if (strcmp(s, "bogo") == 0)
        *out = PRICING_PROMO_BOGO;
    else if (strcmp(s, "group") == 0)
        *out = PRICING_PROMO_GROUP;
    else if (strcmp(s, "package") == 0)
        *out = PRICING_PROMO_PACKAGE;
    else
        return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid", "kind",
                           "kind is bogo, group or package");
    return ERR_OK;
}

/* The JSON values read from the body before they become the patch. */
struct promotion_body {
    const char *kind;
    json_t *items;
    json_t *get_items;
    json_t *discount;
    json_t *clinics;
    int64_t starts_at_s;
    int64_t ends_at_s;
};

static enum err
read_members(struct req *req, struct promotion_patch *p,
             struct promotion_body *b, bool create)
{
    struct promotion *v = &p->v;
    bool *set = p->set;
    const int64_t time_max_s = PROMOTION_TIME_MAX_MS / 1000;
    const struct jfield f[] = {
        {"name", JT_STRING, create, false, 1, PROMOTION_NAME_MAX, &v->name,
         &set[PROMOTION_F_NAME]},
        {"kind", JT_STRING, create, false, 1, 16, &b->kind, NULL},
        {"items", JT_ARRAY, create, false, 1, PROMOTION_ITEMS_MAX, &b->items,
         &set[PROMOTION_F_ITEMS]},
        {"get_items", JT_ARRAY, false, true, 1, PROMOTION_ITEMS_MAX,
         &b->get_items, &set[PROMOTION_F_GET_ITEMS]},
        {"buy_quantity", JT_INT, false, false, 1, PRICING_QUANTITY_MAX,
         &v->buy_quantity, &set[PROMOTION_F_BUY_QUANTITY]},
        {"get_quantity", JT_INT, false, false, 1, PRICING_QUANTITY_MAX,
         &v->get_quantity, &set[PROMOTION_F_GET_QUANTITY]},
        {"discount", JT_OBJECT, false, true, 0, 0, &b->discount,
         &set[PROMOTION_F_DISCOUNT]},
        {"package_price", JT_INT, false, false, 0, PRICING_PRICE_MAX,
         &v->package_price_minor, &set[PROMOTION_F_PACKAGE_PRICE]},
        {"clinics", JT_ARRAY, false, true, 0, PROMOTION_CLINICS_MAX,
         &b->clinics, &set[PROMOTION_F_CLINICS]},
        {"starts_at", JT_INT, false, true, 1, time_max_s, &b->starts_at_s,
         &set[PROMOTION_F_STARTS_AT]},
        {"ends_at", JT_INT, false, true, 1, time_max_s, &b->ends_at_s,
         &set[PROMOTION_F_ENDS_AT]},
        {"active", JT_BOOL, false, false, 0, 0, &v->active,
         &set[PROMOTION_F_ACTIVE]},
        {"archived", JT_BOOL, false, false, 0, 0, &v->archived,
         &set[PROMOTION_F_ARCHIVED]},
        {"priority", JT_INT, false, false, 0, PROMOTION_PRIORITY_MAX,
         &v->priority, &set[PROMOTION_F_PRIORITY]},
    };

    return req_read(req, f, sizeof(f) / sizeof(f[0]));
}

/* The body of a create (create) or a change into p. */
static enum err
read_promotion(struct req *req, struct promotion_patch *p, bool create)
{
    struct promotion_body b = {0};
    enum err rc = read_members(req, p, &b, create);

    if (rc == ERR_OK && b.kind != NULL)
        rc = read_kind(req, b.kind, &p->v.kind);
    if (rc == ERR_OK)
        rc = read_ids(req, b.items, "items", &p->v.items);
    if (rc == ERR_OK)
        rc = read_ids(req, b.get_items, "get_items", &p->v.get_items);
    if (rc == ERR_OK)
        rc = read_ids(req, b.clinics, "clinics", &p->v.clinics);
    if (rc == ERR_OK)
        rc = read_discount(req, b.discount, &p->v.discount);
    p->v.starts_at_ms = b.starts_at_s * 1000;
    p->v.ends_at_ms = b.ends_at_s * 1000;
    return rc;
}

/* ---- output ---- */

static json_t *
render_ids(const struct id_list *l)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < l->count; i++)
        (void)json_array_append_new(arr, json_string(l->ids[i]));
    return arr;
}

static json_t *
render_discount(const struct pricing_discount *d)
{
    if (d->kind == PRICING_DISCOUNT_PERCENT)
        return json_pack("{s:I}", "percent_bps", (json_int_t)d->value);
    if (d->kind == PRICING_DISCOUNT_AMOUNT)
        return json_pack("{s:I}", "amount", (json_int_t)d->value);
    return json_null();
}

/* An integer member that only kind `only` has; null otherwise. */
static json_t *
only_for(const struct promotion *p, enum pricing_promo_kind only, int64_t v)
{
    return p->kind == only ? json_integer(v) : json_null();
}

static json_t *
render_promotion(const struct promotion *p, int64_t now_ms)
{
    json_t *o = json_object();
    bool bogo = p->kind == PRICING_PROMO_BOGO;

    json_put(o, "id", json_string(p->id));
    json_put(o, "object", json_string("promotion"));
    json_put(o, "name", json_string(p->name));
    json_put(o, "kind", json_string(promotion_kind_name(p->kind)));
    json_put(o, "items", render_ids(&p->items));
    json_put(o, "get_items",
             bogo && p->get_items.count > 0 ? render_ids(&p->get_items)
                                            : json_null());
    json_put(o, "buy_quantity",
             only_for(p, PRICING_PROMO_BOGO, p->buy_quantity));
    json_put(o, "get_quantity",
             only_for(p, PRICING_PROMO_BOGO, p->get_quantity));
    json_put(o, "discount", render_discount(&p->discount));
    json_put(o, "package_price",
             only_for(p, PRICING_PROMO_PACKAGE, p->package_price_minor));
    json_put(o, "currency", json_string(p->currency));
    json_put(o, "clinics", render_ids(&p->clinics));
    render_time(o, "starts_at", p->starts_at_ms);
    render_time(o, "ends_at", p->ends_at_ms);
    json_put(o, "active", json_boolean(p->active));
    json_put(o, "archived", json_boolean(p->archived));
    json_put(o, "in_effect", json_boolean(promotion_is_in_effect(p, now_ms)));
    json_put(o, "priority", json_integer(p->priority));
    render_time(o, "created", p->created_at_ms);
    render_time(o, "updated", p->updated_at_ms);
    return o;
}

/* ---- handlers ---- */

enum err
h_promotion_create(struct req *req, struct resp *resp)
{
    struct promotion_patch p = {0};
    struct promotion out;
    enum err rc = read_promotion(req, &p, true);

    if (rc == ERR_OK)
        rc = app_promotion_create(&req->ctx, &p, &out, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_promotion(&out, req->ctx.now_ms));
    return rc;
}

enum err
h_promotion_get(struct req *req, struct resp *resp)
{
    const char *id;
    struct promotion out;
    enum err rc = req_id(req, 0, "prm", "promotion", &id);

    if (rc == ERR_OK)
        rc = app_promotion_get(&req->ctx, id, &out, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_promotion(&out, req->ctx.now_ms));
    return rc;
}

enum err
h_promotion_update(struct req *req, struct resp *resp)
{
    struct promotion_patch p = {0};
    struct promotion out;
    const char *id;
    enum err rc = req_id(req, 0, "prm", "promotion", &id);

    if (rc == ERR_OK)
        rc = read_promotion(req, &p, false);
    if (rc == ERR_OK)
        rc = app_promotion_update(&req->ctx, id, &p, &out, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_promotion(&out, req->ctx.now_ms));
    return rc;
}

enum err
h_promotion_delete(struct req *req, struct resp *resp)
{
    const char *id;
    struct promotion out;
    enum err rc = req_id(req, 0, "prm", "promotion", &id);

    if (rc == ERR_OK)
        rc = app_promotion_archive(&req->ctx, id, &out, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_promotion(&out, req->ctx.now_ms));
    return rc;
}

/* A query flag name=true|false: 1 or 0, -1 when absent. */
static enum err
read_flag(struct req *req, const char *name, int *out)
{
    const char *v = req_query(req, name);

    *out = -1;
    if (v == NULL)
        return ERR_OK;
    if (strcmp(v, "true") == 0)
        *out = 1;
    else if (strcmp(v, "false") == 0)
        *out = 0;
    else
        return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid", name,
                           "%s must be true or false", name);
    return ERR_OK;
}

static enum err
read_filter(struct req *req, struct promotion_filter *f)
{
    int archived;
    enum err rc = read_flag(req, "archived", &archived);

    if (rc == ERR_OK)
        rc = read_flag(req, "active", &f->in_effect);
    if (rc)
        return rc;
    f->archived = archived == 1;
    f->clinic_id = req_query(req, "clinic");
    if (f->clinic_id != NULL && !id_is_valid(str_c(f->clinic_id), "cln"))
        return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid", "clinic",
                           "clinic must be a clinic id");
    return ERR_OK;
}

enum err
h_promotion_list(struct req *req, struct resp *resp)
{
    struct page page;
    struct promotion_filter f = {0};
    struct promotion *ps;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK)
        rc = read_filter(req, &f);
    if (rc == ERR_OK)
        rc = app_promotion_list(&req->ctx, &f, &page, &ps, &n, &more, req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    /* A failed append means the arena is full; the dispatcher reports it. */
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data,
                                    render_promotion(&ps[i], req->ctx.now_ms));
    resp_list(resp, data, more);
    return ERR_OK;
}
