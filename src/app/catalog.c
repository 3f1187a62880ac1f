/*
 * catalog.c - create, read, update, list, archive and delete categories,
 * services and products, and set stock per clinic.
 *
 * Rules that need the store live here: a category named by an item must
 * exist in the account and be live, a sku must be free, a category that
 * is referenced is archived instead of deleted. Field rules are in
 * core/catalog.c. Every write records one audit event whose summary holds
 * the fields written.
 */
#include "app/catalog.h"

#include <string.h>

#include "base/assert.h"
#include "base/crypto.h"
#include "store/catalog.h"
#include "store/clinics.h"

static void
category_apply(struct category *c, const struct category_patch *in)
{
    for (int f = 0; f < CATEGORY_F__COUNT; f++) {
        if (!in->set[f])
            continue;
        switch ((enum category_field)f) {
        case CATEGORY_F_NAME:
            c->name = in->v.name;
            break;
        case CATEGORY_F_ARCHIVED:
            c->archived = in->v.archived;
            break;
        default:
            ASSERT(!"unreachable");
        }
    }
}

static void
service_apply(struct service *s, const struct service_patch *in)
{
    const struct service *v = &in->v;

    for (int f = 0; f < SERVICE_F__COUNT; f++) {
        if (!in->set[f])
            continue;
        switch ((enum service_field)f) {
        case SERVICE_F_NAME:
            s->name = v->name;
            break;
        case SERVICE_F_CATEGORY:
            s->category_id = v->category_id;
            break;
        case SERVICE_F_PRICE:
            s->price_minor = v->price_minor;
            break;
        case SERVICE_F_CURRENCY:
            s->currency = v->currency;
            break;
        case SERVICE_F_DURATION:
            s->duration_min = v->duration_min;
            break;
        case SERVICE_F_TAXABLE:
            s->taxable = v->taxable;
            break;
        case SERVICE_F_ARCHIVED:
            s->archived = v->archived;
            break;
        default:
            ASSERT(!"unreachable");
        }
    }
}

static void
product_apply(struct product *p, const struct product_patch *in)
{
    const struct product *v = &in->v;

    for (int f = 0; f < PRODUCT_F__COUNT; f++) {
        if (!in->set[f])
            continue;
        switch ((enum product_field)f) {
        case PRODUCT_F_SKU:
            p->sku = v->sku;
            break;
        case PRODUCT_F_NAME:
            p->name = v->name;
            break;
        case PRODUCT_F_CATEGORY:
            p->category_id = v->category_id;
            break;
        case PRODUCT_F_PRICE:
            p->price_minor = v->price_minor;
            break;
        case PRODUCT_F_COST:
            p->cost_minor = v->cost_minor;
            break;
        case PRODUCT_F_CURRENCY:
            p->currency = v->currency;
            break;
        case PRODUCT_F_TAXABLE:
            p->taxable = v->taxable;
            break;
        case PRODUCT_F_ARCHIVED:
            p->archived = v->archived;
            break;
        default:
            ASSERT(!"unreachable");
        }
    }
}

/*
 * The audit summaries: the fields written, all of them on create (set is
 * NULL), else only those the patch gave.
 */
static json_t *
category_summary(const struct category *c, const bool *set)
{
    json_t *s = json_object();

    if (set == NULL || set[CATEGORY_F_NAME])
        json_put(s, "name", json_string(c->name));
    if (set == NULL || set[CATEGORY_F_ARCHIVED])
        json_put(s, "archived", json_boolean(c->archived));
    return s;
}

static json_t *
service_summary(const struct service *sv, const bool *set)
{
    json_t *s = json_object();

    if (set == NULL || set[SERVICE_F_NAME])
        json_put(s, "name", json_string(sv->name));
    if (set == NULL || set[SERVICE_F_CATEGORY])
        json_put(s, "category", json_str_or_null(sv->category_id));
    if (set == NULL || set[SERVICE_F_PRICE])
        json_put(s, "price", json_integer(sv->price_minor));
    if (set == NULL || set[SERVICE_F_CURRENCY])
        json_put(s, "currency", json_string(sv->currency));
    if (set == NULL || set[SERVICE_F_DURATION])
        json_put(s, "duration_min", json_integer(sv->duration_min));
    if (set == NULL || set[SERVICE_F_TAXABLE])
        json_put(s, "taxable", json_boolean(sv->taxable));
    if (set == NULL || set[SERVICE_F_ARCHIVED])
        json_put(s, "archived", json_boolean(sv->archived));
    return s;
}

static json_t *
product_summary(const struct product *p, const bool *set)
{
    json_t *s = json_object();

    if (set == NULL || set[PRODUCT_F_SKU])
        json_put(s, "sku", json_string(p->sku));
    if (set == NULL || set[PRODUCT_F_NAME])
        json_put(s, "name", json_string(p->name));
    if (set == NULL || set[PRODUCT_F_CATEGORY])
        json_put(s, "category", json_str_or_null(p->category_id));
    if (set == NULL || set[PRODUCT_F_PRICE])
        json_put(s, "price", json_integer(p->price_minor));
    if (set == NULL || set[PRODUCT_F_COST])
        json_put(s, "cost", json_integer(p->cost_minor));
    if (set == NULL || set[PRODUCT_F_CURRENCY])
        json_put(s, "currency", json_string(p->currency));
    if (set == NULL || set[PRODUCT_F_TAXABLE])
        json_put(s, "taxable", json_boolean(p->taxable));
    if (set == NULL || set[PRODUCT_F_ARCHIVED])
        json_put(s, "archived", json_boolean(p->archived));
    return s;
}

/*
 * A category an item is being filed under must exist in this account and
 * be live. Checked only when the category changes, so an item filed
 * under a category archived later keeps it and can still be edited.
 */
static enum err
check_category_ref(struct app_ctx *ctx, const char *category_id,
                   struct errinfo *ei)
{
    struct category c;
    enum err rc;

    if (category_id == NULL)
        return ERR_OK;
    rc = store_category_get(ctx->db, ctx->a, ctx->account_id, category_id, &c,
                            ei);
    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, ERR_INVALID, "resource_missing", "category",
                           "no such category '%s'", category_id);
    if (rc)
        return app_store_fail(rc, ei);
    if (c.archived)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "category",
                           "category '%s' is archived", category_id);
    return ERR_OK;
}

/* True when an update files an item under another category (or none). */
static bool
category_changed(const char *old_id, const char *new_id)
{
    if (old_id == NULL || new_id == NULL)
        return old_id != new_id;
    return strcmp(old_id, new_id) != 0;
}

static enum err
sku_taken(const char *sku, struct errinfo *ei)
{
    return errinfo_set(ei, ERR_CONFLICT, "sku_taken", "sku",
                       "sku '%s' is already used by another product", sku);
}

/*
 * Looking first gives a clean error and keeps PostgreSQL's transaction
 * usable; the unique index still catches a concurrent insert.
 */
static enum err
check_sku_free(struct app_ctx *ctx, const char *sku, const char *self_id,
               struct errinfo *ei)
{
    const char *owner_id;
    enum err rc = store_product_find_sku(ctx->db, ctx->a, ctx->account_id, sku,
                                         &owner_id, ei);

    if (rc == ERR_NOT_FOUND)
        return ERR_OK;
    if (rc)
        return app_store_fail(rc, ei);
    if (self_id != NULL && strcmp(owner_id, self_id) == 0)
        return ERR_OK;
    return sku_taken(sku, ei);
}

/* A write of a product: the only conflict left is the sku index. */
static enum err
product_write_fail(enum err rc, const char *sku, struct errinfo *ei)
{
    if (rc == ERR_CONFLICT)
        return sku_taken(sku, ei);
    return app_store_fail(rc, ei);
}

/* Fetch the stock of products[0..n) (ids ascending) in one query. */
static enum err
attach_stock(struct app_ctx *ctx, struct product *products, size_t n,
             struct errinfo *ei)
{
    struct stock_level *levels;
    size_t m;
    enum err rc;

    if (n == 0)
        return ERR_OK;
    rc = store_product_stock_range(ctx->db, ctx->a, ctx->account_id,
                                   products[0].id, products[n - 1].id, &levels,
                                   &m, ei);
    if (rc)
        return app_store_fail(rc, ei);
    catalog_stock_attach(products, n, levels, m);
    return ERR_OK;
}

static void
query_of(const struct page *page, const struct catalog_filter *filter,
         struct catalog_query *q)
{
    ASSERT(page->limit >= 1 && page->limit <= PAGE_LIMIT_MAX);
    q->archived = filter->archived;
    q->category_id = filter->category_id;
    q->limit = page->limit;
    q->starting_after = page->starting_after;
}

enum err
app_category_create(struct app_ctx *ctx, const struct category_patch *in,
                    struct category *out, struct errinfo *ei)
{
    struct category c = {0};
    enum err rc;

    category_apply(&c, in);
    rc = catalog_category_check(&c, ei);
    if (rc)
        return rc;
    c.id = id_new(ctx->a, "cat", ctx->now_ms);
    if (c.id == NULL)
        return ERR_LIMIT;
    c.created_at_ms = ctx->now_ms;
    c.updated_at_ms = ctx->now_ms;
    rc = store_category_insert(ctx->db, ctx->a, ctx->account_id, &c, ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = app_audit(ctx, "category.create", "category", c.id,
                   category_summary(&c, NULL), ei);
    if (rc == ERR_OK)
        *out = c;
    return rc;
}

enum err
app_category_get(struct app_ctx *ctx, const char *id, struct category *out,
                 struct errinfo *ei)
{
    enum err rc = store_category_get(ctx->db, ctx->a, ctx->account_id, id, out,
                                     ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "category", id, "id");
    if (rc)
        return app_store_fail(rc, ei);
    return ERR_OK;
}

enum err
app_category_update(struct app_ctx *ctx, const char *id,
                    const struct category_patch *in, struct category *out,
                    struct errinfo *ei)
{
    struct category c;
    enum err rc = app_category_get(ctx, id, &c, ei);

    if (rc)
        return rc;
    category_apply(&c, in);
    rc = catalog_category_check(&c, ei);
    if (rc)
        return rc;
    c.updated_at_ms = ctx->now_ms;
    rc = store_category_update(ctx->db, ctx->a, ctx->account_id, &c, ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = app_audit(ctx, "category.update", "category", c.id,
                   category_summary(&c, in->set), ei);
    if (rc == ERR_OK)
        *out = c;
    return rc;
}

/* Keep a referenced category, archived, so its items keep their names. */
static enum err
category_archive(struct app_ctx *ctx, struct category *c, struct errinfo *ei)
{
    json_t *summary;
    enum err rc;

    if (c->archived)
        return ERR_OK;
    c->archived = true;
    c->updated_at_ms = ctx->now_ms;
    rc = store_category_update(ctx->db, ctx->a, ctx->account_id, c, ei);
    if (rc)
        return app_store_fail(rc, ei);
    summary = category_summary(c, NULL);
    json_put(summary, "reason", json_string("in_use"));
    return app_audit(ctx, "category.archive", "category", c->id, summary, ei);
}

enum err
app_category_delete(struct app_ctx *ctx, const char *id, struct category *out,
                    bool *deleted_out, struct errinfo *ei)
{
    struct category c;
    bool in_use;
    enum err rc = app_category_get(ctx, id, &c, ei);

    if (rc)
        return rc;
    rc = store_category_in_use(ctx->db, ctx->a, ctx->account_id, id, &in_use,
                               ei);
    if (rc)
        return app_store_fail(rc, ei);
    if (in_use) {
        rc = category_archive(ctx, &c, ei);
    } else {
        rc = store_category_delete(ctx->db, ctx->a, ctx->account_id, id, ei);
        if (rc)
            return app_store_fail(rc, ei);
        rc = app_audit(ctx, "category.delete", "category", id,
                       category_summary(&c, NULL), ei);
    }
    if (rc == ERR_OK) {
        *out = c;
        *deleted_out = !in_use;
    }
    return rc;
}

enum err
app_category_list(struct app_ctx *ctx, const struct page *page,
                  const struct catalog_filter *filter, struct category **out,
                  size_t *count, bool *has_more, struct errinfo *ei)
{
    struct catalog_query q;
    enum err rc;

    query_of(page, filter, &q);
    q.category_id = NULL;
    rc = store_category_list(ctx->db, ctx->a, ctx->account_id, &q, out, count,
                             has_more, ei);
    if (rc)
        return app_store_fail(rc, ei);
    return ERR_OK;
}

enum err
app_service_create(struct app_ctx *ctx, const struct service_patch *in,
                   struct service *out, struct errinfo *ei)
{
    struct service s;
    enum err rc;

    catalog_service_init(&s);
    service_apply(&s, in);
    rc = catalog_service_check(&s, ei);
    if (rc == ERR_OK)
        rc = check_category_ref(ctx, s.category_id, ei);
    if (rc)
        return rc;
    s.id = id_new(ctx->a, "svc", ctx->now_ms);
    if (s.id == NULL)
        return ERR_LIMIT;
    s.created_at_ms = ctx->now_ms;
    s.updated_at_ms = ctx->now_ms;
    rc = store_service_insert(ctx->db, ctx->a, ctx->account_id, &s, ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = app_audit(ctx, "service.create", "service", s.id,
                   service_summary(&s, NULL), ei);
    if (rc == ERR_OK)
        *out = s;
    return rc;
}

enum err
app_service_get(struct app_ctx *ctx, const char *id, struct service *out,
                struct errinfo *ei)
{
    enum err rc = store_service_get(ctx->db, ctx->a, ctx->account_id, id, out,
                                    ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "service", id, "id");
    if (rc)
        return app_store_fail(rc, ei);
    return ERR_OK;
}

enum err
app_service_update(struct app_ctx *ctx, const char *id,
                   const struct service_patch *in, struct service *out,
                   struct errinfo *ei)
{
    struct service s;
    const char *old_category_id;
    enum err rc = app_service_get(ctx, id, &s, ei);

    if (rc)
        return rc;
    old_category_id = s.category_id;
    service_apply(&s, in);
    rc = catalog_service_check(&s, ei);
    if (rc == ERR_OK && category_changed(old_category_id, s.category_id))
        rc = check_category_ref(ctx, s.category_id, ei);
    if (rc)
        return rc;
    s.updated_at_ms = ctx->now_ms;
    rc = store_service_update(ctx->db, ctx->a, ctx->account_id, &s, ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = app_audit(ctx, "service.update", "service", s.id,
                   service_summary(&s, in->set), ei);
    if (rc == ERR_OK)
        *out = s;
    return rc;
}

/*
 * DELETE archives: nothing refers to a service yet, but invoice lines
 * will, and a sold item must keep its row. NEEDSWORK: once invoices
 * exist, hard-delete a service no line refers to, as for categories.
 */
enum err
app_service_archive(struct app_ctx *ctx, const char *id, struct service *out,
                    struct errinfo *ei)
{
    struct service s;
    enum err rc = app_service_get(ctx, id, &s, ei);

    if (rc)
        return rc;
    if (!s.archived) {
        s.archived = true;
        s.updated_at_ms = ctx->now_ms;
        rc = store_service_update(ctx->db, ctx->a, ctx->account_id, &s, ei);
        if (rc)
            return app_store_fail(rc, ei);
        rc = app_audit(ctx, "service.archive", "service", s.id,
                       json_pack("{sb}", "archived", 1), ei);
    }
    if (rc == ERR_OK)
        *out = s;
    return rc;
}

enum err
app_service_list(struct app_ctx *ctx, const struct page *page,
                 const struct catalog_filter *filter, struct service **out,
                 size_t *count, bool *has_more, struct errinfo *ei)
{
    struct catalog_query q;
    enum err rc;

    query_of(page, filter, &q);
    rc = store_service_list(ctx->db, ctx->a, ctx->account_id, &q, out, count,
                            has_more, ei);
    if (rc)
        return app_store_fail(rc, ei);
    return ERR_OK;
}

enum err
app_product_create(struct app_ctx *ctx, const struct product_patch *in,
                   struct product *out, struct errinfo *ei)
{
    struct product p;
    enum err rc;

    catalog_product_init(&p);
    product_apply(&p, in);
    rc = catalog_product_check(&p, ei);
    if (rc == ERR_OK)
        rc = check_category_ref(ctx, p.category_id, ei);
    if (rc == ERR_OK)
        rc = check_sku_free(ctx, p.sku, NULL, ei);
    if (rc)
        return rc;
    p.id = id_new(ctx->a, "prd", ctx->now_ms);
    if (p.id == NULL)
        return ERR_LIMIT;
    p.created_at_ms = ctx->now_ms;
    p.updated_at_ms = ctx->now_ms;
    rc = store_product_insert(ctx->db, ctx->a, ctx->account_id, &p, ei);
    if (rc)
        return product_write_fail(rc, p.sku, ei);
    rc = app_audit(ctx, "product.create", "product", p.id,
                   product_summary(&p, NULL), ei);
    if (rc == ERR_OK)
        *out = p;
    return rc;
}

enum err
app_product_get(struct app_ctx *ctx, const char *id, struct product *out,
                struct errinfo *ei)
{
    enum err rc = store_product_get(ctx->db, ctx->a, ctx->account_id, id, out,
                                    ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "product", id, "id");
    if (rc)
        return app_store_fail(rc, ei);
    return attach_stock(ctx, out, 1, ei);
}

enum err
app_product_update(struct app_ctx *ctx, const char *id,
                   const struct product_patch *in, struct product *out,
                   struct errinfo *ei)
{
    struct product p;
    const char *old_category_id;
    enum err rc = app_product_get(ctx, id, &p, ei);

    if (rc)
        return rc;
    old_category_id = p.category_id;
    product_apply(&p, in);
    rc = catalog_product_check(&p, ei);
    if (rc == ERR_OK && category_changed(old_category_id, p.category_id))
        rc = check_category_ref(ctx, p.category_id, ei);
    if (rc == ERR_OK && in->set[PRODUCT_F_SKU])
        rc = check_sku_free(ctx, p.sku, p.id, ei);
    if (rc)
        return rc;
    p.updated_at_ms = ctx->now_ms;
    rc = store_product_update(ctx->db, ctx->a, ctx->account_id, &p, ei);
    if (rc)
        return product_write_fail(rc, p.sku, ei);
    rc = app_audit(ctx, "product.update", "product", p.id,
                   product_summary(&p, in->set), ei);
    if (rc == ERR_OK)
        *out = p;
    return rc;
}

/*
 * DELETE archives, as for services: invoice lines and stock counts will
 * refer to products. NEEDSWORK: hard-delete an unreferenced product once
 * invoices exist.
 */
enum err
app_product_archive(struct app_ctx *ctx, const char *id, struct product *out,
                    struct errinfo *ei)
{
    struct product p;
    enum err rc = app_product_get(ctx, id, &p, ei);

    if (rc)
        return rc;
    if (!p.archived) {
        p.archived = true;
        p.updated_at_ms = ctx->now_ms;
        rc = store_product_update(ctx->db, ctx->a, ctx->account_id, &p, ei);
        if (rc)
            return product_write_fail(rc, p.sku, ei);
        rc = app_audit(ctx, "product.archive", "product", p.id,
                       json_pack("{sb}", "archived", 1), ei);
    }
    if (rc == ERR_OK)
        *out = p;
    return rc;
}

enum err
app_product_list(struct app_ctx *ctx, const struct page *page,
                 const struct catalog_filter *filter, struct product **out,
                 size_t *count, bool *has_more, struct errinfo *ei)
{
    struct catalog_query q;
    enum err rc;

    query_of(page, filter, &q);
    rc = store_product_list(ctx->db, ctx->a, ctx->account_id, &q, out, count,
                            has_more, ei);
    if (rc)
        return app_store_fail(rc, ei);
    return attach_stock(ctx, *out, *count, ei);
}

/* The clinic stock is counted at must be one of this account's. */
static enum err
check_clinic(struct app_ctx *ctx, const char *clinic_id, struct errinfo *ei)
{
    struct clinic c;
    enum err rc = store_clinic_get(ctx->db, ctx->a, ctx->account_id, clinic_id,
                                   &c, ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "clinic", clinic_id, "clinic");
    if (rc)
        return app_store_fail(rc, ei);
    return ERR_OK;
}

enum err
app_product_stock_set(struct app_ctx *ctx, const char *product_id,
                      const char *clinic_id, int64_t quantity,
                      struct product *out, struct errinfo *ei)
{
    struct product p;
    int64_t before = -1;
    json_t *summary;
    enum err rc = catalog_stock_check(quantity, ei);

    if (rc == ERR_OK)
        rc = app_product_get(ctx, product_id, &p, ei);
    if (rc == ERR_OK)
        rc = check_clinic(ctx, clinic_id, ei);
    if (rc)
        return rc;
    rc = store_product_stock_get(ctx->db, ctx->a, ctx->account_id, product_id,
                                 clinic_id, &before, ei);
    if (rc && rc != ERR_NOT_FOUND)
        return app_store_fail(rc, ei);
    rc = store_product_stock_set(ctx->db, ctx->a, ctx->account_id, product_id,
                                 clinic_id, quantity, ei);
    if (rc)
        return app_store_fail(rc, ei);
    summary = json_object();
    json_put(summary, "clinic", json_string(clinic_id));
    json_put(summary, "quantity", json_integer(quantity));
    json_put(summary, "quantity_before",
             before >= 0 ? json_integer(before) : json_null());
    rc = app_audit(ctx, "product.stock_set", "product", product_id, summary,
                   ei);
    if (rc == ERR_OK)
        rc = attach_stock(ctx, &p, 1, ei);
    if (rc == ERR_OK)
        *out = p;
    return rc;
}
