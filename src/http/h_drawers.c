/*
 * h_drawers.c - /v1/cash_drawers: parse, call app/drawer, render.
 */
#include "app/drawer.h"
#include "http/http_int.h"

static json_t *
render_drawer(const struct cash_drawer *d)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(d->id));
    json_put(o, "object", json_string("cash_drawer"));
    json_put(o, "clinic", json_string(d->clinic_id));
    json_put(o, "register", json_string(d->register_name));
    json_put(o, "status", json_string(d->status));
    json_put(o, "currency", json_string(d->currency));
    json_put(o, "opening_float", json_integer(d->opening_float_minor));
    json_put(o, "expected",
             d->closed ? json_integer(d->expected_minor) : json_null());
    json_put(o, "counted",
             d->closed ? json_integer(d->counted_minor) : json_null());
    json_put(o, "over_short",
             d->closed ? json_integer(d->over_short_minor) : json_null());
    json_put(o, "opened_by", json_str_or_null(d->opened_by));
    json_put(o, "closed_by", json_str_or_null(d->closed_by));
    render_time(o, "opened", d->opened_at_ms);
    render_time(o, "closed", d->closed_at_ms);
    return o;
}

static json_t *
render_movement(const struct cash_drawer_movement *m)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(m->id));
    json_put(o, "object", json_string("cash_drawer_movement"));
    json_put(o, "drawer", json_string(m->drawer_id));
    json_put(o, "direction", json_string(m->direction));
    json_put(o, "kind", json_string(m->kind));
    json_put(o, "amount", json_integer(m->amount_minor));
    json_put(o, "reason", json_string(m->reason));
    json_put(o, "source_type", json_str_or_null(m->source_type));
    json_put(o, "source_id", json_str_or_null(m->source_id));
    json_put(o, "created_by", json_str_or_null(m->created_by));
    render_time(o, "created", m->created_at_ms);
    return o;
}

/* The drawer with its movements, totals by kind and expected cash. */
static json_t *
render_report(const struct drawer_report *r)
{
    json_t *o = render_drawer(&r->d);
    json_t *moves = json_array();
    json_t *totals = json_object();

    /* A failed append means the arena is full; the dispatcher reports it. */
    for (size_t i = 0; i < r->movement_count; i++)
        (void)json_array_append_new(moves, render_movement(&r->movements[i]));
    for (int k = 0; k < DRAWER_KIND__COUNT; k++)
        json_put(totals, drawer_kind_name((enum drawer_kind)k),
                 json_integer(r->totals_minor[k]));
    json_put(o, "movements", moves);
    json_put(o, "totals", totals);
    json_put(o, "expected", json_integer(r->expected_minor));
    json_put(o, "cash_balance", json_integer(r->ledger_balance_minor));
    return o;
}

enum err
h_drawer_create(struct req *req, struct resp *resp)
{
    const char *clinic = NULL;
    const char *reg = NULL;
    int64_t opening_float = 0;
    struct cash_drawer d;
    const struct jfield fields[] = {
        {"clinic", JT_STRING, true, false, 0, 0, &clinic, NULL},
        {"register", JT_STRING, true, false, 0, 0, &reg, NULL},
        {"opening_float", JT_INT, false, false, INT64_MIN, INT64_MAX,
         &opening_float, NULL},
    };
    enum err rc = req_read(req, fields, sizeof(fields) / sizeof(fields[0]));

    if (rc == ERR_OK)
        rc = app_drawer_open(&req->ctx, clinic, reg, opening_float, &d,
                             req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_drawer(&d));
    return rc;
}

enum err
h_drawer_get(struct req *req, struct resp *resp)
{
    const char *id;
    struct drawer_report r;
    enum err rc = req_id(req, 0, "drw", "cash drawer", &id);

    if (rc == ERR_OK)
        rc = app_drawer_report(&req->ctx, id, &r, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_report(&r));
    return rc;
}

enum err
h_drawer_movement(struct req *req, struct resp *resp)
{
    const char *id;
    const char *direction = NULL;
    const char *reason = NULL;
    int64_t amount = 0;
    struct cash_drawer_movement m;
    const struct jfield fields[] = {
        {"direction", JT_STRING, true, false, 0, 0, &direction, NULL},
        {"amount", JT_INT, true, false, INT64_MIN, INT64_MAX, &amount, NULL},
        {"reason", JT_STRING, true, false, 0, 0, &reason, NULL},
    };
    enum err rc = req_id(req, 0, "drw", "cash drawer", &id);

    if (rc == ERR_OK)
        rc = req_read(req, fields, sizeof(fields) / sizeof(fields[0]));
    if (rc == ERR_OK)
        rc = app_drawer_move(&req->ctx, id, direction, amount, reason, &m,
                             req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_movement(&m));
    return rc;
}

enum err
h_drawer_close(struct req *req, struct resp *resp)
{
    const char *id;
    int64_t counted = 0;
    struct cash_drawer d;
    const struct jfield fields[] = {
        {"counted", JT_INT, true, false, INT64_MIN, INT64_MAX, &counted, NULL},
    };
    enum err rc = req_id(req, 0, "drw", "cash drawer", &id);

    if (rc == ERR_OK)
        rc = req_read(req, fields, 1);
    if (rc == ERR_OK)
        rc = app_drawer_close(&req->ctx, id, counted, &d, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_drawer(&d));
    return rc;
}

enum err
h_drawer_list(struct req *req, struct resp *resp)
{
    struct cash_drawer_filter f = {
        .clinic_id = req_query(req, "clinic"),
        .status = req_query(req, "status"),
    };
    struct page page;
    struct cash_drawer *ds;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK)
        rc = app_drawer_list(&req->ctx, &f, &page, &ds, &n, &more, req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    /* A failed append means the arena is full; the dispatcher reports it. */
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_drawer(&ds[i]));
    resp_list(resp, data, more);
    return ERR_OK;
}
