/*
 * h_pos.c - POS settings, merchant and bank accounts, card readers,
 * reader orders and fee statements: parse, call app/pos, render.
 */
#include <string.h>

#include "app/pos.h"
#include "http/http_int.h"

static json_t *
render_pos(const struct pos_settings *s)
{
    json_t *o = json_object();

    json_put(o, "object", json_string("pos_settings"));
    json_put(o, "status", json_string(s->status));
    json_put(o, "gateway", json_str_or_null(s->gateway));
    json_put(o, "merchant_mode", json_str_or_null(s->merchant_mode));
    json_put(o, "connection_fee",
             json_pack("{s:I,s:s}", "amount",
                       (json_int_t)POS_CONNECTION_FEE_MINOR, "interval",
                       "month"));
    if (s->activated_at_ms > 0)
        render_time(o, "activated", s->activated_at_ms);
    else
        json_put(o, "activated", json_null());
    if (s->deactivated_at_ms > 0)
        render_time(o, "deactivated", s->deactivated_at_ms);
    else
        json_put(o, "deactivated", json_null());
    return o;
}

enum err
h_pos_get(struct req *req, struct resp *resp)
{
    struct pos_settings s;
    enum err rc = app_pos_get(&req->ctx, &s, req->ei);

    if (rc == ERR_OK)
        resp_json(resp, 200, render_pos(&s));
    return rc;
}

enum err
h_pos_activate(struct req *req, struct resp *resp)
{
    const char *gateway = NULL;
    const char *mode = NULL;
    struct pos_settings s;
    const struct jfield f[] = {
        {"gateway", JT_STRING, true, false, 1, 16, &gateway, NULL},
        {"merchant_mode", JT_STRING, true, false, 1, 16, &mode, NULL},
    };
    enum err rc = req_read(req, f, 2);

    if (rc)
        return rc;
    if (gateway_kind_of(gateway) == 0)
        return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid", "gateway",
                           "gateway must be sandbox, stripe or clearent");
    if (strcmp(mode, "single") != 0 && strcmp(mode, "multiple") != 0)
        return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid",
                           "merchant_mode",
                           "merchant_mode must be single or multiple");
    rc = app_pos_activate(&req->ctx, gateway, mode, &s, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_pos(&s));
    return rc;
}

static json_t *
render_usage(const struct pos_usage *u)
{
    json_t *o = json_object();

    json_put(o, "payments",
             json_pack("{s:I}", "open", (json_int_t)u->payments_open));
    json_put(o, "saved_cards", json_integer(u->saved_cards));
    json_put(o, "merchant_accounts", json_integer(u->merchant_accounts));
    json_put(o, "card_readers", json_integer(u->card_readers));
    json_put(o, "membership_billing", json_integer(0));
    json_put(o, "wallet", json_integer(0));
    json_put(o, "packages", json_integer(0));
    json_put(o, "gift_cards", json_integer(0));
    return o;
}

enum err
h_pos_deactivate(struct req *req, struct resp *resp)
{
    bool confirm = false;
    struct pos_usage u = {0};
    struct pos_settings s;
    const struct jfield f[] = {
        {"confirm", JT_BOOL, false, false, 0, 0, &confirm, NULL},
    };
    enum err rc = req_read(req, f, 1);

    if (rc == ERR_OK)
        rc = app_pos_deactivate(&req->ctx, confirm, &u, &s, req->ei);
    if (rc == ERR_CONFLICT && !confirm) {
        resp->error_name = "would_stop";
        resp->error_value = render_usage(&u);
    }
    if (rc == ERR_OK)
        resp_json(resp, 200, render_pos(&s));
    return rc;
}

static json_t *
render_merchant(const struct merchant_account *m)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(m->id));
    json_put(o, "object", json_string("merchant_account"));
    json_put(o, "clinic", json_str_or_null(m->clinic_id));
    json_put(o, "gateway", json_string(m->gateway));
    json_put(o, "name", json_string(m->name));
    json_put(o, "currency", json_string(m->currency));
    json_put(o, "timezone", json_string(m->timezone));
    json_put(o, "status", json_string(m->status));
    render_time(o, "created", m->created_at_ms);
    return o;
}

enum err
h_merchant_list(struct req *req, struct resp *resp)
{
    struct merchant_account *ms;
    size_t n;
    enum err rc = app_merchant_list(&req->ctx, &ms, &n, req->ei);

    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_merchant(&ms[i]));
    resp_list(resp, data, false);
    return ERR_OK;
}

enum err
h_merchant_create(struct req *req, struct resp *resp)
{
    const char *clinic = NULL;
    struct merchant_account m;
    const struct jfield f[] = {
        {"clinic", JT_STRING, true, false, 1, 64, &clinic, NULL},
    };
    enum err rc = req_read(req, f, 1);

    if (rc == ERR_OK)
        rc = app_merchant_create(&req->ctx, clinic, &m, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_merchant(&m));
    return rc;
}

static json_t *
render_bank(const struct bank_account *b)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(b->id));
    json_put(o, "object", json_string("bank_account"));
    json_put(o, "merchant_account", json_string(b->merchant_account_id));
    json_put(o, "holder_name", json_string(b->holder_name));
    json_put(o, "routing_number", json_string(b->routing_number));
    json_put(o, "last4", json_string(b->last4));
    json_put(o, "default", json_boolean(b->is_default));
    render_time(o, "created", b->created_at_ms);
    return o;
}

enum err
h_bank_list(struct req *req, struct resp *resp)
{
    struct bank_account *bs;
    size_t n;
    enum err rc = app_bank_list(&req->ctx, &bs, &n, req->ei);

    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_bank(&bs[i]));
    resp_list(resp, data, false);
    return ERR_OK;
}

enum err
h_bank_create(struct req *req, struct resp *resp)
{
    struct bank_account_input in = {0};
    struct bank_account b;
    const struct jfield f[] = {
        {"merchant_account", JT_STRING, false, true, 1, 64,
         &in.merchant_account_id, NULL},
        {"holder_name", JT_STRING, true, false, 1, 100, &in.holder_name, NULL},
        {"routing_number", JT_STRING, true, false, 1, 32, &in.routing_number,
         NULL},
        {"account_number", JT_STRING, true, false, 1, 32, &in.account_number,
         NULL},
    };
    enum err rc = req_read(req, f, 4);

    in.idem_key = req->idem_key;
    if (rc == ERR_OK)
        rc = app_bank_create(&req->ctx, &in, &b, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_bank(&b));
    return rc;
}

enum err
h_bank_set_default(struct req *req, struct resp *resp)
{
    const char *id;
    struct bank_account b;
    enum err rc = req_id(req, 0, "ba", "bank account", &id);

    if (rc == ERR_OK)
        rc = app_bank_set_default(&req->ctx, id, &b, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_bank(&b));
    return rc;
}

enum err
h_bank_delete(struct req *req, struct resp *resp)
{
    const char *id;
    enum err rc = req_id(req, 0, "ba", "bank account", &id);

    if (rc == ERR_OK)
        rc = app_bank_delete(&req->ctx, id, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200,
                  json_pack("{s:s,s:s,s:b}", "id", id, "object", "bank_account",
                            "deleted", 1));
    return rc;
}

json_t *render_reader(const struct card_reader *r);

json_t *
render_reader(const struct card_reader *r)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(r->id));
    json_put(o, "object", json_string("card_reader"));
    json_put(o, "clinic", json_string(r->clinic_id));
    json_put(o, "merchant_account", json_string(r->merchant_account_id));
    json_put(o, "serial_number", json_string(r->serial_number));
    json_put(o, "label", json_string(r->label));
    render_time(o, "created", r->created_at_ms);
    return o;
}

enum err
h_reader_list(struct req *req, struct resp *resp)
{
    struct card_reader *rs;
    size_t n;
    enum err rc = app_reader_list(&req->ctx, &rs, &n, req->ei);

    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_reader(&rs[i]));
    resp_list(resp, data, false);
    return ERR_OK;
}

enum err
h_reader_create(struct req *req, struct resp *resp)
{
    const char *clinic = NULL;
    const char *serial = NULL;
    const char *label = NULL;
    struct card_reader r;
    const struct jfield f[] = {
        {"clinic", JT_STRING, true, false, 1, 64, &clinic, NULL},
        {"serial_number", JT_STRING, true, false, 4, 40, &serial, NULL},
        {"label", JT_STRING, false, false, 1, 60, &label, NULL},
    };
    enum err rc = req_read(req, f, 3);

    if (rc == ERR_OK)
        rc = app_reader_create(&req->ctx, clinic, serial,
                               label != NULL ? label : serial, req->idem_key,
                               &r, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_reader(&r));
    return rc;
}

enum err
h_reader_delete(struct req *req, struct resp *resp)
{
    const char *id;
    enum err rc = req_id(req, 0, "rdr", "card reader", &id);

    if (rc == ERR_OK)
        rc = app_reader_delete(&req->ctx, id, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200,
                  json_pack("{s:s,s:s,s:b}", "id", id, "object", "card_reader",
                            "deleted", 1));
    return rc;
}

static json_t *
render_fee(const struct fee_statement *f)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(f->id));
    json_put(o, "object", json_string("fee_statement"));
    json_put(o, "merchant_account", json_string(f->merchant_account_id));
    json_put(o, "kind", json_string(f->kind));
    json_put(o, "period", json_string(f->period));
    json_put(o, "description", json_string(f->description));
    json_put(o, "amount", json_integer(f->amount_minor));
    json_put(o, "currency", json_string(f->currency));
    json_put(o, "status", json_string(f->status));
    json_put(o, "payout", json_str_or_null(f->payout_id));
    render_time(o, "created", f->created_at_ms);
    return o;
}

enum err
h_reader_order_create(struct req *req, struct resp *resp)
{
    const char *clinic = NULL;
    const char *ship = NULL;
    int64_t quantity = 1;
    struct reader_order o;
    struct fee_statement *fees;
    size_t n;
    const struct jfield f[] = {
        {"clinic", JT_STRING, true, false, 1, 64, &clinic, NULL},
        {"quantity", JT_INT, false, false, 1, 20, &quantity, NULL},
        {"shipping_name", JT_STRING, true, false, 1, 100, &ship, NULL},
    };
    enum err rc = req_read(req, f, 3);

    if (rc == ERR_OK)
        rc = app_reader_order(&req->ctx, clinic, quantity, ship, req->idem_key,
                              &o, &fees, &n, req->ei);
    if (rc)
        return rc;
    json_t *body = json_object();
    json_t *list = json_array();
    json_put(body, "id", json_string(o.id));
    json_put(body, "object", json_string("card_reader_order"));
    json_put(body, "clinic", json_string(o.clinic_id));
    json_put(body, "quantity", json_integer(o.quantity));
    json_put(body, "amount", json_integer(o.amount_minor));
    json_put(body, "currency", json_string(o.currency));
    json_put(body, "billing", json_string(o.billing));
    json_put(body, "shipping_name", json_string(o.shipping_name));
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(list, render_fee(&fees[i]));
    json_put(body, "fee_statements", list);
    render_time(body, "created", o.created_at_ms);
    resp_json(resp, 201, body);
    return ERR_OK;
}

enum err
h_fee_list(struct req *req, struct resp *resp)
{
    struct page page;
    struct fee_statement *fs;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK)
        rc = app_fee_list(&req->ctx, &page, &fs, &n, &more, req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_fee(&fs[i]));
    resp_list(resp, data, more);
    return ERR_OK;
}
