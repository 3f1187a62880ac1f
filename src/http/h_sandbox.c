/*
 * h_sandbox.c - /sandbox/v1: the sandbox processor's own endpoints (the
 * hosted card field's tokens, a tap on a reader, the test clock, the
 * processor's record of charges). Card numbers are accepted here and
 * nowhere in /v1; these routes never record a request hash.
 */
#include <string.h>

#include "app/sandbox.h"
#include "http/http_int.h"

json_t *
render_gw_card(const struct gw_card *c)
{
    return json_pack("{s:s,s:s,s:i,s:i}", "brand", c->brand, "last4", c->last4,
                     "exp_month", c->exp_month, "exp_year", c->exp_year);
}

enum err
h_sandbox_token_create(struct req *req, struct resp *resp)
{
    const char *number = NULL;
    const char *cvc = NULL;
    int64_t month = 0;
    int64_t year = 0;
    char token[GW_REF_MAX];
    struct gw_card card;
    const struct jfield f[] = {
        {"number", JT_STRING, true, false, 1, 32, &number, NULL},
        {"exp_month", JT_INT, true, false, 1, 12, &month, NULL},
        {"exp_year", JT_INT, true, false, 2000, 2100, &year, NULL},
        {"cvc", JT_STRING, true, false, 1, 8, &cvc, NULL},
    };
    enum err rc = req_read(req, f, 4);

    memset(&card, 0, sizeof(card));
    if (rc == ERR_OK)
        rc = app_sandbox_tokenize(&req->ctx, number, (int)month, (int)year, cvc,
                                  token, &card, req->ei);
    if (rc)
        return rc;
    json_t *o = json_object();
    json_put(o, "id", json_string(token));
    json_put(o, "object", json_string("token"));
    json_put(o, "card", render_gw_card(&card));
    resp_json(resp, 201, o);
    return ERR_OK;
}

enum err
h_sandbox_present_card(struct req *req, struct resp *resp)
{
    const char *number = NULL;
    const char *serial;
    struct gw_charge c;
    const struct jfield f[] = {
        {"number", JT_STRING, true, false, 1, 32, &number, NULL},
    };
    enum err rc = req_read(req, f, 1);

    serial = arena_strndup(req->ctx.a, req->params[0].ptr, req->params[0].len);
    memset(&c, 0, sizeof(c));
    if (rc == ERR_OK)
        rc = app_sandbox_present_card(&req->ctx, serial, number, &c, req->ei);
    if (rc && rc != ERR_DECLINED)
        return rc;
    json_t *o = json_object();
    json_put(o, "object", json_string("reader_action"));
    json_put(o, "reader", json_string(serial));
    json_put(o, "charge", json_string(c.ref));
    json_put(o, "status", json_string(gw_charge_status_name(c.status)));
    json_put(o, "card", render_gw_card(&c.card));
    json_put(o, "decline_code",
             c.decline_code[0] != '\0' ? json_string(c.decline_code)
                                       : json_null());
    resp_json(resp, 200, o);
    return ERR_OK;
}

enum err
h_sandbox_advance(struct req *req, struct resp *resp)
{
    int64_t seconds = 0;
    int64_t now;
    const struct jfield f[] = {
        {"seconds", JT_INT, true, false, INT64_MIN, INT64_MAX, &seconds, NULL},
    };
    enum err rc = req_read(req, f, 1);

    if (rc == ERR_OK)
        rc = app_sandbox_advance(&req->ctx, seconds, &now, req->ei);
    if (rc)
        return rc;
    json_t *o = json_object();
    json_put(o, "object", json_string("test_clock"));
    render_time(o, "now", now);
    resp_json(resp, 200, o);
    return ERR_OK;
}

enum err
h_sandbox_charge_list(struct req *req, struct resp *resp)
{
    struct sandbox_charge_list l;
    const char *off = req_query(req, "offset");
    const char *lim = req_query(req, "limit");
    int64_t offset = 0;
    int64_t limit = 100;
    enum err rc = ERR_OK;

    if ((off != NULL && str_to_i64(str_c(off), 0, INT64_MAX, &offset)) ||
        (lim != NULL && str_to_i64(str_c(lim), 1, 1000, &limit)))
        return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid",
                           off != NULL ? "offset" : "limit",
                           "offset >= 0 and limit 1..1000");
    rc = app_sandbox_charges(&req->ctx, offset, limit, &l, req->ei);
    if (rc)
        return rc;
    json_t *o = json_object();
    json_t *data = json_array();
    for (size_t i = 0; i < l.count; i++) {
        const struct gw_charge *c = &l.items[i].charge;

        (void)json_array_append_new(
            data, json_pack("{s:s,s:s,s:s,s:I,s:I}", "id", c->ref,
                            "idempotency_key", l.items[i].idem_key, "status",
                            gw_charge_status_name(c->status), "amount",
                            (json_int_t)c->amount, "amount_captured",
                            (json_int_t)c->amount_captured));
    }
    json_put(o, "object", json_string("list"));
    json_put(o, "data", data);
    json_put(o, "keys_with_many_charges",
             json_integer((json_int_t)l.keys_with_many));
    json_put(o, "total_count", json_integer((json_int_t)l.total));
    json_put(o, "has_more", json_boolean((size_t)offset + l.count < l.total));
    resp_json(resp, 200, o);
    return ERR_OK;
}
