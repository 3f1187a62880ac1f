/*
 * h_quick_buttons.c - /v1/quick_buttons: parse, call app/quick_button,
 * render.
 *
 * A group is {"name", "position", "clinic" (null: every clinic), "items":
 * [{"item": "srv_...", "kind": "service"}]} with kind optional on input.
 * The list takes ?clinic=cln_... (that clinic's and the all-clinic groups),
 * ?limit and ?starting_after, in position order.
 */
#include <string.h>

#include "app/quick_button.h"
#include "base/crypto.h"
#include "http/http_int.h"

#define ID_JSON_MAX 64

static enum err
read_items(struct req *req, json_t *arr, struct quick_button_group *v)
{
    size_t n = json_array_size(arr);
    struct quick_button_item *xs = arena_array(req->ctx.a, n + 1, sizeof(*xs));

    if (xs == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < n; i++) {
        char prefix[32];
        const struct jfield f[] = {
            {"item", JT_STRING, true, false, 1, ID_JSON_MAX, &xs[i].item_id,
             NULL},
            {"kind", JT_STRING, false, false, 1, 16, &xs[i].kind, NULL},
        };
        json_t *o = json_array_get(arr, i);
        enum err rc;

        snprintf(prefix, sizeof(prefix), "items[%zu].", i);
        if (!json_is_object(o)) {
            rc = errinfo_set(req->ei, ERR_INVALID, "parameter_invalid_type",
                             NULL, "'items[%zu]' must be an object", i);
            snprintf(req->ei->param, sizeof(req->ei->param), "items[%zu]", i);
            return rc;
        }
        rc = json_read(o, f, 2, prefix, req->ei);
        if (rc)
            return rc;
    }
    v->items = xs;
    v->item_count = n;
    return ERR_OK;
}

static enum err
read_group(struct req *req, struct quick_button_patch *p, bool create)
{
    struct quick_button_group *v = &p->v;
    json_t *items = NULL;
    const struct jfield f[] = {
        {"name", JT_STRING, create, false, 1, QUICK_BUTTON_NAME_MAX, &v->name,
         &p->set[QUICK_BUTTON_F_NAME]},
        {"position", JT_INT, false, false, 0, QUICK_BUTTON_POSITION_MAX,
         &v->position, &p->set[QUICK_BUTTON_F_POSITION]},
        {"clinic", JT_STRING, false, true, 1, ID_JSON_MAX, &v->clinic_id,
         &p->set[QUICK_BUTTON_F_CLINIC]},
        {"items", JT_ARRAY, false, false, 0, QUICK_BUTTON_ITEMS_MAX, &items,
         &p->set[QUICK_BUTTON_F_ITEMS]},
    };
    enum err rc = req_read(req, f, sizeof(f) / sizeof(f[0]));

    if (rc == ERR_OK && items != NULL)
        rc = read_items(req, items, v);
    return rc;
}

static json_t *
render_group(const struct quick_button_group *g)
{
    json_t *o = json_object();
    json_t *items = json_array();

    /* A failed append means the arena is full; the dispatcher reports it. */
    for (size_t i = 0; i < g->item_count; i++)
        (void)json_array_append_new(items, json_pack("{s:s,s:s}", "kind",
                                                     g->items[i].kind, "item",
                                                     g->items[i].item_id));
    json_put(o, "id", json_string(g->id));
    json_put(o, "object", json_string("quick_button_group"));
    json_put(o, "name", json_string(g->name));
    json_put(o, "position", json_integer(g->position));
    json_put(o, "clinic", json_str_or_null(g->clinic_id));
    json_put(o, "items", items);
    render_time(o, "created", g->created_at_ms);
    render_time(o, "updated", g->updated_at_ms);
    return o;
}

enum err
h_quick_button_create(struct req *req, struct resp *resp)
{
    struct quick_button_patch p = {0};
    struct quick_button_group g;
    enum err rc = read_group(req, &p, true);

    if (rc == ERR_OK)
        rc = app_quick_button_create(&req->ctx, &p, &g, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_group(&g));
    return rc;
}

enum err
h_quick_button_get(struct req *req, struct resp *resp)
{
    const char *id;
    struct quick_button_group g;
    enum err rc = req_id(req, 0, "qbt", "quick button group", &id);

    if (rc == ERR_OK)
        rc = app_quick_button_get(&req->ctx, id, &g, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_group(&g));
    return rc;
}

enum err
h_quick_button_update(struct req *req, struct resp *resp)
{
    struct quick_button_patch p = {0};
    struct quick_button_group g;
    const char *id;
    enum err rc = req_id(req, 0, "qbt", "quick button group", &id);

    if (rc == ERR_OK)
        rc = read_group(req, &p, false);
    if (rc == ERR_OK)
        rc = app_quick_button_update(&req->ctx, id, &p, &g, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_group(&g));
    return rc;
}

enum err
h_quick_button_delete(struct req *req, struct resp *resp)
{
    const char *id;
    enum err rc = req_id(req, 0, "qbt", "quick button group", &id);

    if (rc == ERR_OK)
        rc = app_quick_button_delete(&req->ctx, id, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200,
                  json_pack("{s:s,s:s,s:b}", "id", id, "object",
                            "quick_button_group", "deleted", 1));
    return rc;
}

enum err
h_quick_button_list(struct req *req, struct resp *resp)
{
    const char *clinic = req_query(req, "clinic");
    struct page page;
    struct quick_button_group *gs;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK && clinic != NULL && !id_is_valid(str_c(clinic), "cln"))
        rc = errinfo_set(req->ei, ERR_INVALID, "parameter_invalid", "clinic",
                         "clinic must be a clinic id");
    if (rc == ERR_OK)
        rc = app_quick_button_list(&req->ctx, clinic, &page, &gs, &n, &more,
                                   req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    /* A failed append means the arena is full; the dispatcher reports it. */
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_group(&gs[i]));
    resp_list(resp, data, more);
    return ERR_OK;
}
