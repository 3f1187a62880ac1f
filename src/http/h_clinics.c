/*
 * h_clinics.c - /v1/clinics: parse, call app/clinic, render.
 */
#include "app/clinic.h"
#include "http/http_int.h"

json_t *render_clinic(const struct clinic *c);

json_t *
render_clinic(const struct clinic *c)
{
    json_t *o = json_object();
    json_t *addr = json_object();

    json_put(o, "id", json_string(c->id));
    json_put(o, "object", json_string("clinic"));
    json_put(o, "name", json_string(c->name));
    json_put(addr, "line1", json_str_or_null(c->line1));
    json_put(addr, "line2", json_str_or_null(c->line2));
    json_put(addr, "city", json_str_or_null(c->city));
    json_put(addr, "state", json_str_or_null(c->state));
    json_put(addr, "postal_code", json_str_or_null(c->postal_code));
    json_put(o, "address", addr);
    json_put(o, "country", json_string(c->country));
    json_put(o, "timezone", json_string(c->timezone));
    json_put(o, "currency", json_string(c->currency));
    json_put(o, "tax_rate_bps", json_integer(c->tax_rate_bps));
    json_put(o, "archived", json_boolean(c->archived));
    render_time(o, "created", c->created_at_ms);
    render_time(o, "updated", c->updated_at_ms);
    return o;
}

/* Read the body's members into p; address members live in "address". */
static enum err
read_clinic(struct req *req, struct clinic_patch *p, bool create)
{
    struct clinic *v = &p->v;
    json_t *addr = NULL;
    bool has_addr = false;
    const struct jfield top[] = {
        {"name", JT_STRING, create, false, 1, CLINIC_NAME_MAX, &v->name,
         &p->set[CLINIC_F_NAME]},
        {"address", JT_OBJECT, false, false, 0, 0, &addr, &has_addr},
        {"country", JT_STRING, false, false, 2, 2, &v->country,
         &p->set[CLINIC_F_COUNTRY]},
        {"timezone", JT_STRING, false, false, 1, 64, &v->timezone,
         &p->set[CLINIC_F_TIMEZONE]},
        {"currency", JT_STRING, false, false, 3, 3, &v->currency,
         &p->set[CLINIC_F_CURRENCY]},
        {"tax_rate_bps", JT_INT, false, false, 0, TAX_RATE_BPS_MAX,
         &v->tax_rate_bps, &p->set[CLINIC_F_TAX_RATE_BPS]},
        {"archived", JT_BOOL, false, false, 0, 0, &v->archived,
         &p->set[CLINIC_F_ARCHIVED]},
    };
    const struct jfield address[] = {
        {"line1", JT_STRING, false, true, 0, 200, &v->line1,
         &p->set[CLINIC_F_LINE1]},
        {"line2", JT_STRING, false, true, 0, 200, &v->line2,
         &p->set[CLINIC_F_LINE2]},
        {"city", JT_STRING, false, true, 0, 100, &v->city,
         &p->set[CLINIC_F_CITY]},
        {"state", JT_STRING, false, true, 0, 50, &v->state,
         &p->set[CLINIC_F_STATE]},
        {"postal_code", JT_STRING, false, true, 0, 20, &v->postal_code,
         &p->set[CLINIC_F_POSTAL_CODE]},
    };
    enum err rc = req_read(req, top, sizeof(top) / sizeof(top[0]));

    if (rc == ERR_OK && has_addr)
        rc = json_read(addr, address, sizeof(address) / sizeof(address[0]),
                       "address.", req->ei);
    return rc;
}

enum err
h_clinic_create(struct req *req, struct resp *resp)
{
    struct clinic_patch p = {0};
    struct clinic c;
    enum err rc = read_clinic(req, &p, true);

    if (rc == ERR_OK)
        rc = app_clinic_create(&req->ctx, &p, &c, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_clinic(&c));
    return rc;
}

enum err
h_clinic_get(struct req *req, struct resp *resp)
{
    const char *id;
    struct clinic c;
    enum err rc = req_id(req, 0, "cln", "clinic", &id);

    if (rc == ERR_OK)
        rc = app_clinic_get(&req->ctx, id, &c, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_clinic(&c));
    return rc;
}

enum err
h_clinic_update(struct req *req, struct resp *resp)
{
    struct clinic_patch p = {0};
    const char *id;
    struct clinic c;
    enum err rc = req_id(req, 0, "cln", "clinic", &id);

    if (rc == ERR_OK)
        rc = read_clinic(req, &p, false);
    if (rc == ERR_OK)
        rc = app_clinic_update(&req->ctx, id, &p, &c, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_clinic(&c));
    return rc;
}

enum err
h_clinic_list(struct req *req, struct resp *resp)
{
    struct page page;
    struct clinic *cs;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK)
        rc = app_clinic_list(&req->ctx, &page, &cs, &n, &more, req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_clinic(&cs[i]));
    resp_list(resp, data, more);
    return ERR_OK;
}
