/*
 * h_payments.c - /v1/payments, /v1/refunds, cards on file, payouts,
 * disputes and gateway webhooks: parse, call app, render.
 *
 * Poise's API takes card tokens, never card numbers: a "number", "cvc"
 * or similar member is refused by name before anything else happens, so
 * a client that sends one learns at once where card data belongs.
 */
#include <string.h>

#include "app/payment.h"
#include "app/payout.h"
#include "app/webhook.h"
#include "http/http_int.h"

json_t *render_refund(const struct refund *r);

static json_t *
json_card(const char *brand, const char *last4, int64_t m, int64_t y)
{
    if (last4 == NULL)
        return json_null();
    return json_pack("{s:s,s:s,s:I,s:I}", "brand", brand != NULL ? brand : "",
                     "last4", last4, "exp_month", (json_int_t)m, "exp_year",
                     (json_int_t)y);
}

static json_t *
render_payment(const struct payment *p)
{
    json_t *o = json_object();
    json_t *src = json_object();
    json_t *meta = json_loads(p->metadata != NULL ? p->metadata : "{}", 0,
                              NULL);

    json_put(o, "id", json_string(p->id));
    json_put(o, "object", json_string("payment"));
    json_put(o, "status", json_string(p->status));
    json_put(o, "amount", json_integer(p->amount));
    json_put(o, "amount_captured", json_integer(p->amount_captured));
    json_put(o, "amount_refunded", json_integer(p->amount_refunded));
    json_put(o, "fee", json_integer(p->fee));
    json_put(o, "currency", json_string(p->currency));
    json_put(o, "capture_method",
             json_string(p->capture ? "automatic" : "manual"));
    json_put(o, "patient", json_str_or_null(p->patient_id));
    json_put(o, "clinic", json_string(p->clinic_id));
    json_put(o, "merchant_account", json_string(p->merchant_account_id));
    json_put(src, "type", json_string(p->source_type));
    if (p->card_id != NULL)
        json_put(src, "card", json_string(p->card_id));
    if (p->reader_id != NULL)
        json_put(src, "reader", json_string(p->reader_id));
    json_put(o, "source", src);
    json_put(o, "card",
             json_card(p->card_brand, p->card_last4, p->card_exp_month,
                       p->card_exp_year));
    json_put(o, "card_present", json_boolean(p->card_present));
    json_put(o, "failure_code", json_str_or_null(p->failure_code));
    json_put(o, "decline_code", json_str_or_null(p->decline_code));
    json_put(o, "failure_message", json_str_or_null(p->failure_message));
    json_put(o, "description", json_str_or_null(p->description));
    json_put(o, "metadata", meta != NULL ? meta : json_object());
    json_put(o, "disputed", json_boolean(p->disputed));
    if (p->capture_before_ms > 0)
        render_time(o, "capture_before", p->capture_before_ms);
    else
        json_put(o, "capture_before", json_null());
    render_time(o, "created", p->created_at_ms);
    render_time(o, "updated", p->updated_at_ms);
    return o;
}

/* Refuse members that would carry card data, naming the right place. */
static enum err
refuse_card_data(struct req *req, json_t *obj, const char *prefix)
{
    static const char *const banned[] = {"number", "card_number", "cvc",
                                         "cvv",    "track",       "pan"};

    if (obj == NULL)
        return ERR_OK;
    for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++) {
        if (json_object_get(obj, banned[i]) != NULL)
            return errinfo_set(req->ei, ERR_INVALID, "card_data_refused",
                               banned[i],
                               "Poise never accepts card numbers or CVCs "
                               "('%s%s'): tokenize the card with the "
                               "gateway's card field and send the token",
                               prefix, banned[i]);
    }
    return ERR_OK;
}

/* metadata: at most 20 string members; as JSON text in *out. */
static enum err
read_metadata(struct req *req, json_t *m, const char **out)
{
    const char *k;
    json_t *v;

    *out = "{}";
    if (m == NULL)
        return ERR_OK;
    if (json_object_size(m) > PAYMENT_METADATA_KEYS_MAX)
        return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid",
                           "metadata", "metadata holds at most %d keys",
                           PAYMENT_METADATA_KEYS_MAX);
    json_object_foreach (m, k, v) {
        if (!json_is_string(v) || strlen(k) > 40 || json_string_length(v) > 500)
            return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid",
                               "metadata",
                               "metadata values are strings of at most 500 "
                               "bytes under keys of at most 40");
    }
    *out = json_dump(req->ctx.a, m, NULL);
    return *out != NULL ? ERR_OK : ERR_LIMIT;
}

static enum err
read_source(struct req *req, json_t *src, struct payment_input *in)
{
    const struct jfield f[] = {
        {"type", JT_STRING, true, false, 1, 16, &in->source_type, NULL},
        {"token", JT_STRING, false, false, 1, 255, &in->token, NULL},
        {"card", JT_STRING, false, false, 1, 64, &in->card_id, NULL},
        {"reader", JT_STRING, false, false, 1, 64, &in->reader_id, NULL},
    };
    enum err rc = refuse_card_data(req, src, "source.");

    if (rc == ERR_OK)
        rc = json_read(src, f, 4, "source.", req->ei);
    if (rc)
        return rc;
    if (strcmp(in->source_type, "token") == 0 && in->token == NULL)
        return errinfo_set(req->ei, ERR_INVALID, "parameter_missing",
                           "source.token", "a token source needs 'token'");
    if (strcmp(in->source_type, "card") == 0 && in->card_id == NULL)
        return errinfo_set(req->ei, ERR_INVALID, "parameter_missing",
                           "source.card", "a card source needs 'card'");
    if (strcmp(in->source_type, "reader") == 0 && in->reader_id == NULL)
        return errinfo_set(req->ei, ERR_INVALID, "parameter_missing",
                           "source.reader", "a reader source needs 'reader'");
    if (strcmp(in->source_type, "token") != 0 &&
        strcmp(in->source_type, "card") != 0 &&
        strcmp(in->source_type, "reader") != 0)
        return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid",
                           "source.type",
                           "source.type must be token, card or reader");
    return ERR_OK;
}

/* The members of a payment; src NULL when the source is implied. */
static enum err
read_payment(struct req *req, json_t *body, struct payment_input *in,
             bool need_source)
{
    json_t *src = NULL;
    json_t *meta = NULL;
    const struct jfield f[] = {
        {"amount", JT_INT, true, false, INT64_MIN, INT64_MAX, &in->amount,
         NULL},
        {"currency", JT_STRING, true, false, 3, 3, &in->currency, NULL},
        {"patient", JT_STRING, false, true, 1, 64, &in->patient_id, NULL},
        {"clinic", JT_STRING, false, true, 1, 64, &in->clinic_id, NULL},
        {"source", JT_OBJECT, need_source, false, 0, 0, &src, NULL},
        {"capture", JT_BOOL, false, false, 0, 0, &in->capture, NULL},
        {"description", JT_STRING, false, true, 0, 500, &in->description, NULL},
        {"metadata", JT_OBJECT, false, true, 0, 0, &meta, NULL},
    };
    enum err rc = refuse_card_data(req, body, "");

    in->capture = true;
    if (rc == ERR_OK)
        rc = json_read(body, f, 8, "", req->ei);
    if (rc == ERR_OK && !need_source && src != NULL)
        rc = errinfo_set(req->ei, ERR_INVALID, "parameter_unknown", "source",
                         "the reader is the source here");
    if (rc == ERR_OK && src != NULL)
        rc = read_source(req, src, in);
    if (rc == ERR_OK)
        rc = read_metadata(req, meta, &in->metadata);
    in->idem_key = req->idem_key;
    in->request_hash = req->request_hash;
    return rc;
}

/* A decline answers 402 with the failed payment in the error. */
static enum err
payment_answer(struct resp *resp, enum err rc, const struct payment *p,
               int status)
{
    if (rc == ERR_OK) {
        resp_json(resp, status, render_payment(p));
    } else if (p->id != NULL &&
               (rc == ERR_DECLINED || strcmp(p->status, "failed") == 0)) {
        resp->error_name = "payment";
        resp->error_value = render_payment(p);
    }
    return rc;
}

enum err
h_payment_create(struct req *req, struct resp *resp)
{
    struct payment_input in = {0};
    struct payment p = {0};
    enum err rc = read_payment(req, req->body, &in, true);

    if (rc == ERR_OK)
        rc = app_payment_create(&req->ctx, &in, &p, req->ei);
    return payment_answer(resp, rc, &p, 201);
}

enum err
h_reader_process_payment(struct req *req, struct resp *resp)
{
    struct payment_input in = {0};
    struct payment p = {0};
    json_t *pay = NULL;
    const struct jfield f[] = {
        {"payment", JT_OBJECT, true, false, 0, 0, &pay, NULL},
    };
    enum err rc = req_id(req, 0, "rdr", "card reader", &in.reader_id);

    if (rc == ERR_OK)
        rc = req_read(req, f, 1);
    if (rc == ERR_OK)
        rc = read_payment(req, pay, &in, false);
    in.source_type = "reader";
    in.reader_id = arena_strndup(req->ctx.a, req->params[0].ptr,
                                 req->params[0].len);
    if (rc == ERR_OK)
        rc = app_payment_create(&req->ctx, &in, &p, req->ei);
    return payment_answer(resp, rc, &p, 201);
}

enum err
h_payment_get(struct req *req, struct resp *resp)
{
    const char *id;
    struct payment p;
    struct refund *rs;
    size_t n;
    enum err rc = req_id(req, 0, "pay", "payment", &id);

    if (rc == ERR_OK)
        rc = app_payment_get(&req->ctx, id, &p, req->ei);
    if (rc == ERR_OK)
        rc = app_payment_refunds(&req->ctx, id, &rs, &n, req->ei);
    if (rc)
        return rc;
    json_t *o = render_payment(&p);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(list, render_refund(&rs[i]));
    json_put(o, "refunds", list);
    resp_json(resp, 200, o);
    return ERR_OK;
}

/* created[gte] / created[lt] as ISO dates or unix seconds. */
static enum err
read_filter(struct req *req, struct payment_filter *f)
{
    static const char *const statuses[] = {"pending",          "processing",
                                           "requires_capture", "succeeded",
                                           "canceled",         "failed"};
    bool known = false;

    f->patient_id = req_query(req, "patient");
    f->clinic_id = req_query(req, "clinic");
    f->status = req_query(req, "status");
    for (size_t i = 0;
         f->status != NULL && i < sizeof(statuses) / sizeof(statuses[0]); i++)
        known = known || strcmp(f->status, statuses[i]) == 0;
    if (f->status != NULL && !known)
        return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid", "status",
                           "status must be one of pending, processing, "
                           "requires_capture, succeeded, canceled, failed");
    return req_created_range(req, &f->created_gte_ms, &f->created_lt_ms);
}

enum err
h_payment_list(struct req *req, struct resp *resp)
{
    struct page page;
    struct payment_filter f = {0};
    struct payment *ps;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK)
        rc = read_filter(req, &f);
    if (rc == ERR_OK)
        rc = app_payment_list(&req->ctx, &f, &page, &ps, &n, &more, req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_payment(&ps[i]));
    resp_list(resp, data, more);
    return ERR_OK;
}

enum err
h_payment_capture(struct req *req, struct resp *resp)
{
    const char *id;
    int64_t amount = 0;
    struct payment p = {0};
    const struct jfield f[] = {
        {"amount", JT_INT, false, false, 1, INT64_MAX, &amount, NULL},
    };
    enum err rc = req_id(req, 0, "pay", "payment", &id);

    if (rc == ERR_OK)
        rc = req_read(req, f, 1);
    if (rc == ERR_OK)
        rc = app_payment_capture(&req->ctx, id, amount, req->idem_key, &p,
                                 req->ei);
    return payment_answer(resp, rc, &p, 200);
}

enum err
h_payment_cancel(struct req *req, struct resp *resp)
{
    const char *id;
    struct payment p = {0};
    enum err rc = req_id(req, 0, "pay", "payment", &id);

    if (rc == ERR_OK)
        rc = req_read(req, NULL, 0);
    if (rc == ERR_OK)
        rc = app_payment_cancel(&req->ctx, id, req->idem_key, &p, req->ei);
    return payment_answer(resp, rc, &p, 200);
}

/* ---- refunds ---- */

json_t *
render_refund(const struct refund *r)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(r->id));
    json_put(o, "object", json_string("refund"));
    json_put(o, "payment", json_string(r->payment_id));
    json_put(o, "amount", json_integer(r->amount));
    json_put(o, "currency", json_string(r->currency));
    json_put(o, "reason", json_string(r->reason));
    json_put(o, "status", json_string(r->status));
    json_put(o, "failure_code", json_str_or_null(r->failure_code));
    render_time(o, "created", r->created_at_ms);
    return o;
}

enum err
h_refund_create(struct req *req, struct resp *resp)
{
    struct refund_input in = {.reason = "requested_by_customer"};
    struct refund r;
    const struct jfield f[] = {
        {"payment", JT_STRING, true, false, 1, 64, &in.payment_id, NULL},
        {"amount", JT_INT, false, false, 1, INT64_MAX, &in.amount, NULL},
        {"reason", JT_STRING, false, false, 1, 200, &in.reason, NULL},
    };
    enum err rc = req_read(req, f, 3);

    in.idem_key = req->idem_key;
    if (rc == ERR_OK)
        rc = app_refund_create(&req->ctx, &in, &r, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_refund(&r));
    return rc;
}

enum err
h_refund_get(struct req *req, struct resp *resp)
{
    const char *id;
    struct refund r;
    enum err rc = req_id(req, 0, "re", "refund", &id);

    if (rc == ERR_OK)
        rc = app_refund_get(&req->ctx, id, &r, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_refund(&r));
    return rc;
}

/* ---- cards on file ---- */

static json_t *
render_card(const struct card *c)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(c->id));
    json_put(o, "object", json_string("card"));
    json_put(o, "patient", json_string(c->patient_id));
    json_put(o, "brand", json_string(c->brand));
    json_put(o, "last4", json_string(c->last4));
    json_put(o, "exp_month", json_integer(c->exp_month));
    json_put(o, "exp_year", json_integer(c->exp_year));
    json_put(o, "default", json_boolean(c->is_default));
    render_time(o, "created", c->created_at_ms);
    return o;
}

enum err
h_card_list(struct req *req, struct resp *resp)
{
    const char *patient;
    struct card *cs;
    size_t n;
    enum err rc = req_id(req, 0, "pat", "patient", &patient);

    if (rc == ERR_OK)
        rc = app_card_list(&req->ctx, patient, &cs, &n, req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_card(&cs[i]));
    resp_list(resp, data, false);
    return ERR_OK;
}

enum err
h_card_create(struct req *req, struct resp *resp)
{
    const char *patient;
    const char *token = NULL;
    struct card c;
    const struct jfield f[] = {
        {"token", JT_STRING, true, false, 1, 255, &token, NULL},
    };
    enum err rc = req_id(req, 0, "pat", "patient", &patient);

    if (rc == ERR_OK)
        rc = refuse_card_data(req, req->body, "");
    if (rc == ERR_OK)
        rc = req_read(req, f, 1);
    if (rc == ERR_OK)
        rc = app_card_add(&req->ctx, patient, token, req->idem_key, &c,
                          req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_card(&c));
    return rc;
}

enum err
h_card_delete(struct req *req, struct resp *resp)
{
    const char *patient;
    const char *card;
    enum err rc = req_id(req, 0, "pat", "patient", &patient);

    if (rc == ERR_OK)
        rc = req_id(req, 1, "card", "card", &card);
    if (rc == ERR_OK)
        rc = app_card_delete(&req->ctx, patient, card, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200,
                  json_pack("{s:s,s:s,s:b}", "id", card, "object", "card",
                            "deleted", 1));
    return rc;
}

enum err
h_card_set_default(struct req *req, struct resp *resp)
{
    const char *patient;
    const char *card;
    struct card c;
    enum err rc = req_id(req, 0, "pat", "patient", &patient);

    if (rc == ERR_OK)
        rc = req_id(req, 1, "card", "card", &card);
    if (rc == ERR_OK)
        rc = app_card_set_default(&req->ctx, patient, card, &c, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_card(&c));
    return rc;
}

/* ---- payouts ---- */

static json_t *
render_payout(const struct payout *p)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(p->id));
    json_put(o, "object", json_string("payout"));
    json_put(o, "merchant_account", json_string(p->merchant_account_id));
    json_put(o, "bank_account", json_str_or_null(p->bank_account_id));
    json_put(o, "status", json_string(p->status));
    json_put(o, "amount", json_integer(p->amount));
    json_put(o, "currency", json_string(p->currency));
    json_put(o, "failure_code", json_str_or_null(p->failure_code));
    if (p->arrival_at_ms > 0)
        render_time(o, "arrival", p->arrival_at_ms);
    else
        json_put(o, "arrival", json_null());
    render_time(o, "created", p->created_at_ms);
    return o;
}

enum err
h_payout_list(struct req *req, struct resp *resp)
{
    struct page page;
    struct payout *ps;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK)
        rc = app_payout_list(&req->ctx, &page, &ps, &n, &more, req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_payout(&ps[i]));
    resp_list(resp, data, more);
    return ERR_OK;
}

enum err
h_payout_get(struct req *req, struct resp *resp)
{
    const char *id;
    struct payout p;
    struct payout_item *items;
    size_t n;
    enum err rc = req_id(req, 0, "po", "payout", &id);

    if (rc == ERR_OK)
        rc = app_payout_get(&req->ctx, id, &p, &items, &n, req->ei);
    if (rc)
        return rc;
    json_t *o = render_payout(&p);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *it = json_object();

        json_put(it, "type", json_string(items[i].type));
        json_put(it, "amount", json_integer(items[i].amount));
        json_put(it, "object_type", json_str_or_null(items[i].object_type));
        json_put(it, "object", json_str_or_null(items[i].object_id));
        json_put(it, "gateway_reference", json_string(items[i].source_ref));
        (void)json_array_append_new(list, it);
    }
    json_put(o, "items", list);
    resp_json(resp, 200, o);
    return ERR_OK;
}

/* ---- disputes ---- */

static json_t *
render_dispute(const struct dispute *d)
{
    json_t *o = json_object();
    json_t *ev = json_loads(d->evidence != NULL ? d->evidence : "{}", 0, NULL);

    json_put(o, "id", json_string(d->id));
    json_put(o, "object", json_string("dispute"));
    json_put(o, "payment", json_string(d->payment_id));
    json_put(o, "status", json_string(d->status));
    json_put(o, "reason", json_string(d->reason));
    json_put(o, "amount", json_integer(d->amount));
    json_put(o, "fee", json_integer(d->fee));
    json_put(o, "currency", json_string(d->currency));
    if (d->due_by_ms > 0)
        render_time(o, "due_by", d->due_by_ms);
    else
        json_put(o, "due_by", json_null());
    json_put(o, "evidence", ev != NULL ? ev : json_object());
    if (d->submitted_at_ms > 0)
        render_time(o, "submitted", d->submitted_at_ms);
    else
        json_put(o, "submitted", json_null());
    render_time(o, "created", d->created_at_ms);
    return o;
}

enum err
h_dispute_list(struct req *req, struct resp *resp)
{
    struct page page;
    struct dispute *ds;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK)
        rc = app_dispute_list(&req->ctx, &page, &ds, &n, &more, req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_dispute(&ds[i]));
    resp_list(resp, data, more);
    return ERR_OK;
}

enum err
h_dispute_get(struct req *req, struct resp *resp)
{
    const char *id;
    struct dispute d;
    enum err rc = req_id(req, 0, "dp", "dispute", &id);

    if (rc == ERR_OK)
        rc = app_dispute_get(&req->ctx, id, &d, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_dispute(&d));
    return rc;
}

/* Evidence: a few text members a processor takes, each up to 20,000. */
static enum err
read_evidence(struct req *req, const char **out)
{
    json_t *ev = NULL;
    const char *k;
    json_t *v;
    const struct jfield f[] = {
        {"evidence", JT_OBJECT, true, false, 0, 0, &ev, NULL},
    };
    enum err rc = req_read(req, f, 1);

    if (rc)
        return rc;
    json_object_foreach (ev, k, v) {
        if (!json_is_string(v) || json_string_length(v) > 20000)
            return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid",
                               "evidence",
                               "evidence members are text of at most "
                               "20000 bytes");
    }
    *out = json_dump(req->ctx.a, ev, NULL);
    return *out != NULL ? ERR_OK : ERR_LIMIT;
}

static enum err
dispute_change(struct req *req, struct resp *resp, bool submit)
{
    const char *id;
    const char *evidence = NULL;
    struct dispute d;
    enum err rc = req_id(req, 0, "dp", "dispute", &id);

    if (rc == ERR_OK && !submit)
        rc = read_evidence(req, &evidence);
    if (rc == ERR_OK && submit)
        rc = req_read(req, NULL, 0);
    if (rc == ERR_OK && submit) {
        rc = app_dispute_get(&req->ctx, id, &d, req->ei);
        evidence = d.evidence;
    }
    if (rc == ERR_OK)
        rc = app_dispute_evidence(&req->ctx, id, evidence, submit, &d, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_dispute(&d));
    return rc;
}

enum err
h_dispute_evidence(struct req *req, struct resp *resp)
{
    return dispute_change(req, resp, false);
}

enum err
h_dispute_submit(struct req *req, struct resp *resp)
{
    return dispute_change(req, resp, true);
}

/* ---- webhooks ---- */

static enum err
webhook(struct req *req, struct resp *resp, const char *gateway,
        const char *header)
{
    bool duplicate = false;
    const char *event_id = NULL;
    enum err rc = app_webhook_receive(&req->ctx, gateway,
                                      req_header(req, header), req->raw_body,
                                      &duplicate, &event_id, req->ei);

    if (rc == ERR_OK)
        resp_json(resp, 200,
                  json_pack("{s:b,s:s,s:b}", "received", 1, "event", event_id,
                            "duplicate", duplicate));
    return rc;
}

enum err
h_webhook_sandbox(struct req *req, struct resp *resp)
{
    return webhook(req, resp, "sandbox", "Stripe-Signature");
}

enum err
h_webhook_stripe(struct req *req, struct resp *resp)
{
    return webhook(req, resp, "stripe", "Stripe-Signature");
}

enum err
h_webhook_clearent(struct req *req, struct resp *resp)
{
    return webhook(req, resp, "clearent", "Clearent-Signature");
}
