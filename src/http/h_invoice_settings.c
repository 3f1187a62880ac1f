/*
 * h_invoice_settings.c - /v1/invoice_settings: the account's discount
 * limit and invoice disclaimer; parse, call app/settings, render.
 */
#include "app/settings.h"
#include "core/pricing.h"
#include "http/http_int.h"

static json_t *
render_settings(const struct invoice_settings *s)
{
    json_t *o = json_object();

    json_put(o, "object", json_string("invoice_settings"));
    json_put(o, "discount_limit_bps", json_integer(s->discount_limit_bps));
    json_put(o, "disclaimer", json_string(s->disclaimer));
    return o;
}

enum err
h_invoice_settings_get(struct req *req, struct resp *resp)
{
    struct invoice_settings s;
    enum err rc = app_invoice_settings_get(&req->ctx, &s, req->ei);

    if (rc == ERR_OK)
        resp_json(resp, 200, render_settings(&s));
    return rc;
}

enum err
h_invoice_settings_update(struct req *req, struct resp *resp)
{
    struct invoice_settings_patch p = {0};
    struct invoice_settings s;
    const struct jfield f[] = {
        {"discount_limit_bps", JT_INT, false, false, 0, PRICING_BPS_WHOLE,
         &p.discount_limit_bps, &p.set_discount_limit},
        {"disclaimer", JT_STRING, false, true, 0, INVOICE_DISCLAIMER_MAX,
         &p.disclaimer, &p.set_disclaimer},
    };
    enum err rc = req_read(req, f, sizeof(f) / sizeof(f[0]));

    if (rc == ERR_OK)
        rc = app_invoice_settings_update(&req->ctx, &p, &s, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_settings(&s));
    return rc;
}
