/*
 * h_payment_links.c - Text2Pay: the front desk's link routes and the
 * patient's public ones (/v1/public/payment_links/:token...), which the
 * pay page at /pay/<token> calls.
 */
#include <stdlib.h>
#include <string.h>

#include "app/payment_link.h"
#include "http/http_int.h"

static json_t *
render_link(const struct payment_link *l, int64_t now_ms)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(l->id));
    json_put(o, "object", json_string("payment_link"));
    json_put(o, "invoice", json_string(l->invoice_id));
    json_put(o, "channel", json_string(l->channel));
    json_put(o, "to", json_string(l->destination));
    json_put(o, "message", json_str_or_null(l->message_id));
    json_put(o, "status",
             json_string(l->paid_at_ms != 0           ? "paid"
                         : now_ms >= l->expires_at_ms ? "expired"
                                                      : "active"));
    render_time(o, "expires", l->expires_at_ms);
    render_time(o, "paid", l->paid_at_ms);
    render_time(o, "created", l->created_at_ms);
    return o;
}

/* Where links point: POISE_PUBLIC_URL, else this request's own origin. */
static const char *
base_url(struct req *req)
{
    const char *env = getenv("POISE_PUBLIC_URL");
    const char *host = req_header(req, "Host");

    if (env != NULL && env[0] != '\0')
        return env;
    return arena_printf(req->ctx.a, "%s://%s",
                        req->secure_cookies ? "https" : "http",
                        host != NULL ? host : "localhost");
}

enum err
h_payment_link_create(struct req *req, struct resp *resp)
{
    struct payment_link_input in = {.channel = NULL};
    struct payment_link l;
    const char *url;
    const struct jfield f[] = {
        {"channel", JT_STRING, false, false, 1, 8, &in.channel, NULL},
        {"to", JT_STRING, false, true, 1, 254, &in.to, NULL},
        {"expires_in_hours", JT_INT, false, false, 1, PAYMENT_LINK_HOURS_MAX,
         &in.expires_in_hours, NULL},
    };
    enum err rc = req_id(req, 0, "inv", "invoice", &in.invoice_id);

    if (rc == ERR_OK)
        rc = req_read(req, f, 3);
    in.base_url = base_url(req);
    if (rc == ERR_OK)
        rc = app_payment_link_create(&req->ctx, &in, &l, &url, req->ei);
    if (rc)
        return rc;
    json_t *o = render_link(&l, req->ctx.now_ms);
    json_put(o, "url", json_string(url));
    resp_json(resp, 201, o);
    return ERR_OK;
}

enum err
h_payment_link_list(struct req *req, struct resp *resp)
{
    const char *id;
    struct payment_link *ls;
    size_t n;
    enum err rc = req_id(req, 0, "inv", "invoice", &id);

    if (rc == ERR_OK)
        rc = app_payment_link_list(&req->ctx, id, &ls, &n, req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_link(&ls[i], req->ctx.now_ms));
    resp_list(resp, data, false);
    return ERR_OK;
}

/* ---- public ---- */

static const char *
token_of(struct req *req)
{
    return arena_strndup(req->ctx.a, req->params[0].ptr, req->params[0].len);
}

enum err
h_public_link_get(struct req *req, struct resp *resp)
{
    struct payment_link_view lv;
    enum err rc = app_payment_link_open(&req->ctx, token_of(req), &lv, req->ei);

    if (rc)
        return rc;
    json_t *o = json_object();
    json_t *lines = json_array();
    json_put(o, "object", json_string("payment_link_page"));
    json_put(o, "state", json_string(lv.state));
    json_put(o, "practice", json_string(lv.practice));
    json_put(o, "clinic", json_string(lv.clinic));
    json_put(o, "invoice", json_str_or_null(lv.inv.number));
    json_put(o, "currency", json_string(lv.inv.currency));
    json_put(o, "total", json_integer(lv.inv.total_minor));
    json_put(o, "amount_paid", json_integer(lv.inv.paid_minor));
    json_put(o, "amount_due",
             json_integer(lv.inv.total_minor - lv.inv.paid_minor));
    for (size_t i = 0; i < lv.line_count; i++)
        (void)json_array_append_new(
            lines, json_pack("{s:s,s:I,s:I}", "name", lv.lines[i].name,
                             "quantity", (json_int_t)lv.lines[i].quantity,
                             "amount", (json_int_t)lv.lines[i].total_minor));
    json_put(o, "lines", lines);
    render_time(o, "expires", lv.link.expires_at_ms);
    resp_json(resp, 200, o);
    return ERR_OK;
}

enum err
h_public_link_card_token(struct req *req, struct resp *resp)
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
        rc = app_payment_link_tokenize(&req->ctx, token_of(req), number,
                                       (int)month, (int)year, cvc, token, &card,
                                       req->ei);
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
h_public_link_pay(struct req *req, struct resp *resp)
{
    const char *card_token = NULL;
    const char *key = req_header(req, "Idempotency-Key");
    struct checkout_result r;
    const struct jfield f[] = {
        {"card_token", JT_STRING, true, false, 1, 255, &card_token, NULL},
    };
    enum err rc = req_read(req, f, 1);

    if (rc == ERR_OK && (key == NULL || key[0] == '\0' || strlen(key) > 255))
        rc = errinfo_set(req->ei, ERR_INVALID, "parameter_missing",
                         "Idempotency-Key",
                         "a payment needs an Idempotency-Key header");
    if (rc == ERR_OK)
        rc = app_payment_link_pay(&req->ctx, token_of(req), card_token, key, &r,
                                  req->ei);
    if (rc)
        return rc;
    json_t *o = json_object();
    json_put(o, "object", json_string("payment_link_payment"));
    json_put(o, "state", json_string("paid"));
    json_put(o, "amount", json_integer(r.co.amount_minor));
    json_put(o, "currency", json_string(r.co.currency));
    json_put(o, "invoice", json_str_or_null(r.inv.number));
    json_put(o, "amount_due",
             json_integer(r.inv.total_minor - r.inv.paid_minor));
    resp_json(resp, 201, o);
    return ERR_OK;
}
