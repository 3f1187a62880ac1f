/*
 * h_financing.c - financing connections (head admin settings) and the
 * connectors' charges for reconciliation: parse, call app/financing,
 * render.
 */
#include <string.h>

#include "app/financing.h"
#include "http/http_int.h"

static json_t *
render_connection(const struct financing_connection *c)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(c->id));
    json_put(o, "object", json_string("financing_connection"));
    json_put(o, "provider", json_string(c->provider));
    json_put(o, "mode", json_string(c->mode));
    json_put(o, "merchant_id", json_string(c->merchant_id));
    json_put(o, "merchant_name", json_string(c->merchant_name));
    json_put(o, "status", json_string(c->status));
    json_put(o, "connected_by", json_str_or_null(c->connected_by));
    render_time(o, "connected", c->connected_at_ms);
    json_put(o, "disconnected_by", json_str_or_null(c->disconnected_by));
    render_time(o, "disconnected", c->disconnected_at_ms);
    render_time(o, "created", c->created_at_ms);
    return o;
}

enum err
h_financing_connection_list(struct req *req, struct resp *resp)
{
    struct page page;
    struct financing_connection *cs;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK)
        rc = app_financing_connection_list(&req->ctx, &page, &cs, &n, &more,
                                           req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_connection(&cs[i]));
    resp_list(resp, data, more);
    return ERR_OK;
}

enum err
h_financing_connect(struct req *req, struct resp *resp)
{
    struct financing_connect_input in = {0};
    struct financing_connection c;
    const struct jfield f[] = {
        {"provider", JT_STRING, true, false, 1, 16, &in.provider, NULL},
        {"mode", JT_STRING, true, false, 1, 16, &in.mode, NULL},
        {"merchant_id", JT_STRING, true, false, 1, FINANCING_MERCHANT_ID_MAX,
         &in.merchant_id, NULL},
        {"merchant_name", JT_STRING, false, false, 1,
         FINANCING_MERCHANT_NAME_MAX, &in.merchant_name, NULL},
    };
    enum err rc = req_read(req, f, 4);

    if (rc == ERR_OK)
        rc = app_financing_connect(&req->ctx, &in, &c, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_connection(&c));
    return rc;
}

enum err
h_financing_disconnect(struct req *req, struct resp *resp)
{
    struct financing_connection c;
    const char *id = arena_strndup(req->ctx.a, req->params[0].ptr,
                                   req->params[0].len);
    enum err rc = ERR_OK;

    if (id == NULL)
        return ERR_LIMIT;
    /* The segment is an id ("fc_...") or a provider's name. */
    if (strcmp(id, "cherry") != 0 && strcmp(id, "klarna") != 0)
        rc = req_id(req, 0, "fc", "financing connection", &id);
    if (rc == ERR_OK)
        rc = app_financing_disconnect(&req->ctx, id, &c, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_connection(&c));
    return rc;
}

static json_t *
render_charge(const char *provider, const struct fin_charge *c)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(c->ref));
    json_put(o, "object", json_string("financing_charge"));
    json_put(o, "provider", json_string(provider));
    json_put(o, "merchant_id", json_string(c->merchant_id));
    json_put(o, "patient", json_string(c->patient_id));
    json_put(o, "amount", json_integer(c->amount));
    json_put(o, "amount_refunded", json_integer(c->amount_refunded));
    json_put(o, "currency", json_string(c->currency));
    json_put(o, "status", json_string(fin_charge_status_name(c->status)));
    json_put(o, "decline_code",
             c->decline_code[0] != '\0' ? json_string(c->decline_code)
                                        : json_null());
    render_time(o, "created", c->created_ms);
    render_time(o, "canceled", c->canceled_ms);
    return o;
}

enum err
h_financing_charge_list(struct req *req, struct resp *resp)
{
    const char *provider = req_query(req, "provider");
    struct page page;
    struct fin_charge *cs;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK && provider == NULL)
        return errinfo_set(req->ei, ERR_INVALID, "parameter_missing",
                           "provider",
                           "provider is required: cherry or klarna");
    if (rc == ERR_OK)
        rc = app_financing_charge_list(&req->ctx, provider, &page, &cs, &n,
                                       &more, req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_charge(provider, &cs[i]));
    resp_list(resp, data, more);
    return ERR_OK;
}
