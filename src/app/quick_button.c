/*
 * quick_button.c - POS quick-button groups: create, change, delete, list.
 *
 * The items of a group are read from the catalog in one statement when
 * they change, to find each one's kind and refuse unknown, archived or
 * repeated ones. Each write records one audit event.
 */
#include "app/quick_button.h"

#include <string.h>

#include "base/assert.h"
#include "base/crypto.h"
#include "core/catalog.h"
#include "store/clinics.h"
#include "store/invoices.h"

static void
apply(struct quick_button_group *g, const struct quick_button_patch *in)
{
    for (int f = 0; f < QUICK_BUTTON_F__COUNT; f++) {
        if (!in->set[f])
            continue;
        switch ((enum quick_button_field)f) {
        case QUICK_BUTTON_F_NAME:
            g->name = in->v.name;
            break;
        case QUICK_BUTTON_F_POSITION:
            g->position = in->v.position;
            break;
        case QUICK_BUTTON_F_CLINIC:
            g->clinic_id = in->v.clinic_id;
            break;
        case QUICK_BUTTON_F_ITEMS:
            g->items = in->v.items;
            g->item_count = in->v.item_count;
            break;
        default:
            ASSERT(!"unreachable");
        }
    }
}

static enum err
check_fields(const struct quick_button_group *g, struct errinfo *ei)
{
    enum err rc = catalog_name_check(g->name, QUICK_BUTTON_NAME_MAX, ei);

    if (rc)
        return rc;
    if (g->position < 0 || g->position > QUICK_BUTTON_POSITION_MAX)
        return errinfo_set(ei, ERR_INVALID, "parameter_out_of_range",
                           "position", "position must be 0 to %lld",
                           (long long)QUICK_BUTTON_POSITION_MAX);
    if (g->item_count > QUICK_BUTTON_ITEMS_MAX)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "items",
                           "a group holds at most %d items",
                           QUICK_BUTTON_ITEMS_MAX);
    return ERR_OK;
}

static enum err
check_clinic(struct app_ctx *ctx, const char *clinic_id, struct errinfo *ei)
{
    struct clinic c;
    enum err rc;

    if (clinic_id == NULL)
        return ERR_OK;
    rc = store_clinic_get(ctx->db, ctx->a, ctx->account_id, clinic_id, &c, ei);
    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, ERR_INVALID, "resource_missing", "clinic",
                           "no such clinic '%s'", clinic_id);
    if (rc)
        return app_store_fail(rc, ei);
    if (c.archived)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "clinic",
                           "clinic '%s' is archived", clinic_id);
    return ERR_OK;
}

/* rc, with param "items[i]" or "items[i].kind". */
static enum err
item_error(struct errinfo *ei, size_t i, const char *member, enum err rc)
{
    if (ei != NULL)
        snprintf(ei->param, sizeof(ei->param), "items[%zu]%s", i, member);
    return rc;
}

/* Item i of g against the catalog's found items; fills in its kind. */
static enum err
check_item(struct quick_button_item *x, size_t i,
           const struct priced_item *found, size_t n, struct errinfo *ei)
{
    const struct priced_item *it = NULL;

    for (size_t j = 0; j < n && it == NULL; j++)
        it = strcmp(found[j].id, x->item_id) == 0 ? &found[j] : NULL;
    if (it == NULL)
        return item_error(ei, i, "",
                          errinfo_set(ei, ERR_INVALID, "resource_missing", NULL,
                                      "no service or product '%s'",
                                      x->item_id));
    if (it->archived)
        return item_error(ei, i, "",
                          errinfo_set(ei, ERR_INVALID, "parameter_invalid",
                                      NULL, "'%s' is archived", it->name));
    if (x->kind != NULL && strcmp(x->kind, it->kind) != 0)
        return item_error(ei, i, ".kind",
                          errinfo_set(ei, ERR_INVALID, "parameter_invalid",
                                      NULL, "'%s' is a %s, not a %s",
                                      x->item_id, it->kind, x->kind));
    x->kind = it->kind;
    return ERR_OK;
}

/*
 * The items as the group will store them: a copy with each kind from the
 * catalog (read in one statement); none listed twice.
 */
static enum err
check_items(struct app_ctx *ctx, struct quick_button_group *g,
            struct errinfo *ei)
{
    struct quick_button_item *xs;
    struct priced_item *found;
    size_t n;
    json_t *ids = json_array();
    enum err rc;

    for (size_t i = 0; i < g->item_count; i++) {
        for (size_t j = 0; j < i; j++) {
            if (strcmp(g->items[i].item_id, g->items[j].item_id) == 0)
                return item_error(
                    ei, i, "",
                    errinfo_set(ei, ERR_INVALID, "parameter_invalid", NULL,
                                "'%s' is listed twice", g->items[i].item_id));
        }
        (void)json_array_append_new(ids, json_string(g->items[i].item_id));
    }
    const char *json = json_dump(ctx->a, ids, NULL);
    json_decref(ids);
    xs = arena_array(ctx->a, g->item_count + 1, sizeof(*xs));
    if (json == NULL || xs == NULL)
        return ERR_LIMIT;
    rc = store_priced_items(ctx->db, ctx->a, ctx->account_id, json, &found, &n,
                            ei);
    if (rc)
        return app_store_fail(rc, ei);
    for (size_t i = 0; rc == ERR_OK && i < g->item_count; i++) {
        xs[i] = g->items[i];
        rc = check_item(&xs[i], i, found, n, ei);
    }
    g->items = xs;
    return rc;
}

static enum err
check(struct app_ctx *ctx, struct quick_button_group *g, const bool *set,
      bool create, struct errinfo *ei)
{
    enum err rc = check_fields(g, ei);

    if (rc == ERR_OK && (create || set[QUICK_BUTTON_F_CLINIC]))
        rc = check_clinic(ctx, g->clinic_id, ei);
    if (rc == ERR_OK && (create || set[QUICK_BUTTON_F_ITEMS]))
        rc = check_items(ctx, g, ei);
    return rc;
}

static json_t *
summary(const struct quick_button_group *g, const bool *set)
{
    json_t *s = json_object();

    if (set == NULL || set[QUICK_BUTTON_F_NAME])
        json_put(s, "name", json_string(g->name));
    if (set == NULL || set[QUICK_BUTTON_F_POSITION])
        json_put(s, "position", json_integer(g->position));
    if (set == NULL || set[QUICK_BUTTON_F_CLINIC])
        json_put(s, "clinic", json_str_or_null(g->clinic_id));
    if (set == NULL || set[QUICK_BUTTON_F_ITEMS]) {
        json_t *items = json_array();

        for (size_t i = 0; i < g->item_count; i++)
            (void)json_array_append_new(items,
                                        json_string(g->items[i].item_id));
        json_put(s, "items", items);
    }
    return s;
}

enum err
app_quick_button_create(struct app_ctx *ctx,
                        const struct quick_button_patch *in,
                        struct quick_button_group *out, struct errinfo *ei)
{
    struct quick_button_group g = {0};
    enum err rc;

    apply(&g, in);
    rc = check(ctx, &g, in->set, true, ei);
    if (rc)
        return rc;
    g.id = id_new(ctx->a, "qbt", ctx->now_ms);
    if (g.id == NULL)
        return ERR_LIMIT;
    g.created_by = ctx->user_id;
    g.created_at_ms = ctx->now_ms;
    g.updated_at_ms = ctx->now_ms;
    rc = store_quick_button_insert(ctx->db, ctx->a, ctx->account_id, &g, ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = app_audit(ctx, "quick_button_group.create", "quick_button_group", g.id,
                   summary(&g, NULL), ei);
    if (rc == ERR_OK)
        *out = g;
    return rc;
}

enum err
app_quick_button_get(struct app_ctx *ctx, const char *id,
                     struct quick_button_group *out, struct errinfo *ei)
{
    enum err rc = store_quick_button_get(ctx->db, ctx->a, ctx->account_id, id,
                                         out, ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "quick button group", id, "id");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_quick_button_update(struct app_ctx *ctx, const char *id,
                        const struct quick_button_patch *in,
                        struct quick_button_group *out, struct errinfo *ei)
{
    struct quick_button_group g;
    enum err rc = app_quick_button_get(ctx, id, &g, ei);

    if (rc)
        return rc;
    apply(&g, in);
    rc = check(ctx, &g, in->set, false, ei);
    if (rc)
        return rc;
    g.updated_at_ms = ctx->now_ms;
    rc = store_quick_button_update(ctx->db, ctx->a, ctx->account_id, &g, ei);
    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "quick button group", id, "id");
    if (rc)
        return app_store_fail(rc, ei);
    rc = app_audit(ctx, "quick_button_group.update", "quick_button_group", id,
                   summary(&g, in->set), ei);
    if (rc == ERR_OK)
        *out = g;
    return rc;
}

enum err
app_quick_button_delete(struct app_ctx *ctx, const char *id, struct errinfo *ei)
{
    enum err rc = store_quick_button_delete(ctx->db, ctx->a, ctx->account_id,
                                            id, ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "quick button group", id, "id");
    if (rc)
        return app_store_fail(rc, ei);
    return app_audit(ctx, "quick_button_group.delete", "quick_button_group", id,
                     json_object(), ei);
}

enum err
app_quick_button_list(struct app_ctx *ctx, const char *clinic_id,
                      const struct page *page, struct quick_button_group **out,
                      size_t *count, bool *has_more, struct errinfo *ei)
{
    enum err rc;

    ASSERT(page->limit >= 1 && page->limit <= PAGE_LIMIT_MAX);
    rc = store_quick_button_list(ctx->db, ctx->a, ctx->account_id, clinic_id,
                                 page->limit, page->starting_after, out, count,
                                 has_more, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}
