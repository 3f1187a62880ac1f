/*
 * h_catalog.c - /v1/categories, /v1/services and /v1/products: parse,
 * call app/catalog, render.
 *
 * Amounts are integer minor units ("price": 1400 is $14.00) beside the
 * item's "currency". Lists take ?limit, ?starting_after, ?archived=true
 * (archived items instead of live ones) and, for services and products,
 * ?category=cat_... . DELETE of a service or product archives it.
 */
#include <string.h>

#include "app/catalog.h"
#include "base/crypto.h"
#include "http/http_int.h"

#define ID_JSON_MAX 64

static json_t *
render_category(const struct category *c)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(c->id));
    json_put(o, "object", json_string("category"));
    json_put(o, "name", json_string(c->name));
    json_put(o, "archived", json_boolean(c->archived));
    render_time(o, "created", c->created_at_ms);
    render_time(o, "updated", c->updated_at_ms);
    return o;
}

static json_t *
render_service(const struct service *s)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(s->id));
    json_put(o, "object", json_string("service"));
    json_put(o, "name", json_string(s->name));
    json_put(o, "category", json_str_or_null(s->category_id));
    json_put(o, "price", json_integer(s->price_minor));
    json_put(o, "currency", json_string(s->currency));
    json_put(o, "duration_min", json_integer(s->duration_min));
    json_put(o, "taxable", json_boolean(s->taxable));
    json_put(o, "archived", json_boolean(s->archived));
    render_time(o, "created", s->created_at_ms);
    render_time(o, "updated", s->updated_at_ms);
    return o;
}

static json_t *
render_product(const struct product *p)
{
    json_t *o = json_object();
    json_t *stock = json_array();

    for (size_t i = 0; i < p->stock_count; i++) {
        json_t *level = json_object();

        json_put(level, "clinic", json_string(p->stock[i].clinic_id));
        json_put(level, "quantity", json_integer(p->stock[i].quantity));
        (void)json_array_append_new(stock, level); /* fails only on OOM */
    }
    json_put(o, "id", json_string(p->id));
    json_put(o, "object", json_string("product"));
    json_put(o, "sku", json_string(p->sku));
    json_put(o, "name", json_string(p->name));
    json_put(o, "category", json_str_or_null(p->category_id));
    json_put(o, "price", json_integer(p->price_minor));
    json_put(o, "cost", json_integer(p->cost_minor));
    json_put(o, "currency", json_string(p->currency));
    json_put(o, "taxable", json_boolean(p->taxable));
    json_put(o, "archived", json_boolean(p->archived));
    json_put(o, "stock", stock);
    render_time(o, "created", p->created_at_ms);
    render_time(o, "updated", p->updated_at_ms);
    return o;
}

/* ?archived=true|false and, when with_category, ?category=cat_... */
static enum err
read_filter(struct req *req, bool with_category, struct catalog_filter *f)
{
    const char *archived = req_query(req, "archived");
    const char *category = with_category ? req_query(req, "category") : NULL;

    f->archived = false;
    f->category_id = NULL;
    if (archived != NULL && strcmp(archived, "true") == 0)
        f->archived = true;
    else if (archived != NULL && strcmp(archived, "false") != 0)
        return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid",
                           "archived", "archived must be true or false");
    if (category != NULL && !id_is_valid(str_c(category), "cat"))
        return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid",
                           "category", "category must be a category id");
    f->category_id = category;
    return ERR_OK;
}

static enum err
read_category(struct req *req, struct category_patch *p, bool create)
{
    struct category *v = &p->v;
    const struct jfield fields[] = {
        {"name", JT_STRING, create, false, 1, CATALOG_CATEGORY_NAME_MAX,
         &v->name, &p->set[CATEGORY_F_NAME]},
        {"archived", JT_BOOL, false, false, 0, 0, &v->archived,
         &p->set[CATEGORY_F_ARCHIVED]},
    };

    return req_read(req, fields, sizeof(fields) / sizeof(fields[0]));
}

/* A price is required on create: an item silently free is a costly typo. */
static enum err
read_service(struct req *req, struct service_patch *p, bool create)
{
    struct service *v = &p->v;
    const struct jfield fields[] = {
        {"name", JT_STRING, create, false, 1, CATALOG_NAME_MAX, &v->name,
         &p->set[SERVICE_F_NAME]},
        {"category", JT_STRING, false, true, 1, ID_JSON_MAX, &v->category_id,
         &p->set[SERVICE_F_CATEGORY]},
        {"price", JT_INT, create, false, 0, CATALOG_PRICE_MAX, &v->price_minor,
         &p->set[SERVICE_F_PRICE]},
        {"currency", JT_STRING, false, false, 3, 3, &v->currency,
         &p->set[SERVICE_F_CURRENCY]},
        {"duration_min", JT_INT, false, false, 0, CATALOG_DURATION_MAX_MIN,
         &v->duration_min, &p->set[SERVICE_F_DURATION]},
        {"taxable", JT_BOOL, false, false, 0, 0, &v->taxable,
         &p->set[SERVICE_F_TAXABLE]},
        {"archived", JT_BOOL, false, false, 0, 0, &v->archived,
         &p->set[SERVICE_F_ARCHIVED]},
    };

    return req_read(req, fields, sizeof(fields) / sizeof(fields[0]));
}

static enum err
read_product(struct req *req, struct product_patch *p, bool create)
{
    struct product *v = &p->v;
    const struct jfield fields[] = {
        {"sku", JT_STRING, create, false, 1, CATALOG_SKU_MAX, &v->sku,
         &p->set[PRODUCT_F_SKU]},
        {"name", JT_STRING, create, false, 1, CATALOG_NAME_MAX, &v->name,
         &p->set[PRODUCT_F_NAME]},
        {"category", JT_STRING, false, true, 1, ID_JSON_MAX, &v->category_id,
         &p->set[PRODUCT_F_CATEGORY]},
        {"price", JT_INT, create, false, 0, CATALOG_PRICE_MAX, &v->price_minor,
         &p->set[PRODUCT_F_PRICE]},
        {"cost", JT_INT, false, false, 0, CATALOG_PRICE_MAX, &v->cost_minor,
         &p->set[PRODUCT_F_COST]},
        {"currency", JT_STRING, false, false, 3, 3, &v->currency,
         &p->set[PRODUCT_F_CURRENCY]},
        {"taxable", JT_BOOL, false, false, 0, 0, &v->taxable,
         &p->set[PRODUCT_F_TAXABLE]},
        {"archived", JT_BOOL, false, false, 0, 0, &v->archived,
         &p->set[PRODUCT_F_ARCHIVED]},
    };

    return req_read(req, fields, sizeof(fields) / sizeof(fields[0]));
}

enum err
h_category_create(struct req *req, struct resp *resp)
{
    struct category_patch p = {0};
    struct category c;
    enum err rc = read_category(req, &p, true);

    if (rc == ERR_OK)
        rc = app_category_create(&req->ctx, &p, &c, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_category(&c));
    return rc;
}

enum err
h_category_get(struct req *req, struct resp *resp)
{
    const char *id;
    struct category c;
    enum err rc = req_id(req, 0, "cat", "category", &id);

    if (rc == ERR_OK)
        rc = app_category_get(&req->ctx, id, &c, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_category(&c));
    return rc;
}

enum err
h_category_update(struct req *req, struct resp *resp)
{
    struct category_patch p = {0};
    const char *id;
    struct category c;
    enum err rc = req_id(req, 0, "cat", "category", &id);

    if (rc == ERR_OK)
        rc = read_category(req, &p, false);
    if (rc == ERR_OK)
        rc = app_category_update(&req->ctx, id, &p, &c, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_category(&c));
    return rc;
}

/* Deleted: {"id", "object", "deleted": true}; kept: the archived object. */
enum err
h_category_delete(struct req *req, struct resp *resp)
{
    const char *id;
    struct category c;
    bool deleted = false;
    json_t *o;
    enum err rc = req_id(req, 0, "cat", "category", &id);

    if (rc == ERR_OK)
        rc = app_category_delete(&req->ctx, id, &c, &deleted, req->ei);
    if (rc)
        return rc;
    if (!deleted) {
        resp_json(resp, 200, render_category(&c));
        return ERR_OK;
    }
    o = json_object();
    json_put(o, "id", json_string(c.id));
    json_put(o, "object", json_string("category"));
    json_put(o, "deleted", json_true());
    resp_json(resp, 200, o);
    return ERR_OK;
}

enum err
h_category_list(struct req *req, struct resp *resp)
{
    struct page page;
    struct catalog_filter filter;
    struct category *cs;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK)
        rc = read_filter(req, false, &filter);
    if (rc == ERR_OK)
        rc = app_category_list(&req->ctx, &page, &filter, &cs, &n, &more,
                               req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_category(&cs[i]));
    resp_list(resp, data, more);
    return ERR_OK;
}

enum err
h_service_create(struct req *req, struct resp *resp)
{
    struct service_patch p = {0};
    struct service s;
    enum err rc = read_service(req, &p, true);

    if (rc == ERR_OK)
        rc = app_service_create(&req->ctx, &p, &s, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_service(&s));
    return rc;
}

enum err
h_service_get(struct req *req, struct resp *resp)
{
    const char *id;
    struct service s;
    enum err rc = req_id(req, 0, "svc", "service", &id);

    if (rc == ERR_OK)
        rc = app_service_get(&req->ctx, id, &s, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_service(&s));
    return rc;
}

enum err
h_service_update(struct req *req, struct resp *resp)
{
    struct service_patch p = {0};
    const char *id;
    struct service s;
    enum err rc = req_id(req, 0, "svc", "service", &id);

    if (rc == ERR_OK)
        rc = read_service(req, &p, false);
    if (rc == ERR_OK)
        rc = app_service_update(&req->ctx, id, &p, &s, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_service(&s));
    return rc;
}

/* Archives (see app_service_archive) and answers with the object. */
enum err
h_service_delete(struct req *req, struct resp *resp)
{
    const char *id;
    struct service s;
    enum err rc = req_id(req, 0, "svc", "service", &id);

    if (rc == ERR_OK)
        rc = app_service_archive(&req->ctx, id, &s, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_service(&s));
    return rc;
}

enum err
h_service_list(struct req *req, struct resp *resp)
{
    struct page page;
    struct catalog_filter filter;
    struct service *ss;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK)
        rc = read_filter(req, true, &filter);
    if (rc == ERR_OK)
        rc = app_service_list(&req->ctx, &page, &filter, &ss, &n, &more,
                              req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_service(&ss[i]));
    resp_list(resp, data, more);
    return ERR_OK;
}

enum err
h_product_create(struct req *req, struct resp *resp)
{
    struct product_patch p = {0};
    struct product pr;
    enum err rc = read_product(req, &p, true);

    if (rc == ERR_OK)
        rc = app_product_create(&req->ctx, &p, &pr, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_product(&pr));
    return rc;
}

enum err
h_product_get(struct req *req, struct resp *resp)
{
    const char *id;
    struct product pr;
    enum err rc = req_id(req, 0, "prd", "product", &id);

    if (rc == ERR_OK)
        rc = app_product_get(&req->ctx, id, &pr, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_product(&pr));
    return rc;
}

enum err
h_product_update(struct req *req, struct resp *resp)
{
    struct product_patch p = {0};
    const char *id;
    struct product pr;
    enum err rc = req_id(req, 0, "prd", "product", &id);

    if (rc == ERR_OK)
        rc = read_product(req, &p, false);
    if (rc == ERR_OK)
        rc = app_product_update(&req->ctx, id, &p, &pr, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_product(&pr));
    return rc;
}

/* Archives (see app_product_archive) and answers with the object. */
enum err
h_product_delete(struct req *req, struct resp *resp)
{
    const char *id;
    struct product pr;
    enum err rc = req_id(req, 0, "prd", "product", &id);

    if (rc == ERR_OK)
        rc = app_product_archive(&req->ctx, id, &pr, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_product(&pr));
    return rc;
}

enum err
h_product_list(struct req *req, struct resp *resp)
{
    struct page page;
    struct catalog_filter filter;
    struct product *ps;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK)
        rc = read_filter(req, true, &filter);
    if (rc == ERR_OK)
        rc = app_product_list(&req->ctx, &page, &filter, &ps, &n, &more,
                              req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_product(&ps[i]));
    resp_list(resp, data, more);
    return ERR_OK;
}

/* PUT /v1/products/:id/stock/:clinic {"quantity": n}: the product. */
enum err
h_product_stock_set(struct req *req, struct resp *resp)
{
    const char *id;
    const char *clinic_id;
    int64_t quantity = 0;
    struct product pr;
    const struct jfield fields[] = {
        {"quantity", JT_INT, true, false, 0, CATALOG_STOCK_MAX, &quantity,
         NULL},
    };
    enum err rc = req_id(req, 0, "prd", "product", &id);

    if (rc == ERR_OK)
        rc = req_id(req, 1, "cln", "clinic", &clinic_id);
    if (rc == ERR_OK)
        rc = req_read(req, fields, sizeof(fields) / sizeof(fields[0]));
    if (rc == ERR_OK)
        rc = app_product_stock_set(&req->ctx, id, clinic_id, quantity, &pr,
                                   req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_product(&pr));
    return rc;
}
