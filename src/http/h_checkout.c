/*
 * h_checkout.c - paying invoices: POST /v1/invoices/:id/payments, and the
 * tenders and tips an invoice's detail shows.
 */
#include <string.h>

#include "app/checkout.h"
#include "app/invoice.h"
#include "http/http_int.h"

static json_t *
render_tender(const struct invoice_tender *t)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(t->id));
    json_put(o, "object", json_string("tender"));
    json_put(o, "checkout", json_string(t->checkout_id));
    json_put(o, "method", json_string(t->method));
    json_put(o, "amount", json_integer(t->amount_minor));
    json_put(o, "tip", json_integer(t->tip_minor));
    json_put(o, "amount_refunded", json_integer(t->refunded_minor));
    json_put(o, "tip_refunded", json_integer(t->tip_refunded_minor));
    json_put(o, "currency", json_string(t->currency));
    if (strcmp(t->method, "cash") == 0) {
        json_put(o, "received", json_integer(t->received_minor));
        json_put(o, "change", json_integer(t->change_minor));
        json_put(o, "cash_drawer", json_str_or_null(t->drawer_id));
    }
    if (strcmp(t->method, "card") == 0) {
        json_put(o, "payment", json_str_or_null(t->payment_id));
        json_put(o, "card",
                 json_pack("{s:o,s:o}", "brand",
                           json_str_or_null(t->card_brand), "last4",
                           json_str_or_null(t->card_last4)));
    }
    json_put(o, "reference", json_str_or_null(t->reference));
    render_time(o, "created", t->created_at_ms);
    return o;
}

static json_t *
render_tip(const struct invoice_tip *t)
{
    return json_pack("{s:s,s:s,s:I,s:I}", "checkout", t->checkout_id,
                     "provider", t->provider_id, "amount",
                     (json_int_t)t->amount_minor, "refunded",
                     (json_int_t)t->refunded_minor);
}

static void
put_payments(json_t *o, const struct invoice_tender *ts, size_t nt,
             const struct invoice_tip *tips, size_t np)
{
    json_t *a = json_array();
    json_t *b = json_array();

    for (size_t i = 0; i < nt; i++)
        (void)json_array_append_new(a, render_tender(&ts[i]));
    for (size_t i = 0; i < np; i++)
        (void)json_array_append_new(b, render_tip(&tips[i]));
    json_put(o, "tenders", a);
    json_put(o, "tips", b);
}

/* The rows of the refund, from rows of several refunds (sorted by refund). */
struct refund_rows {
    const struct invoice_refund_line *ls;
    size_t nl;
    const struct invoice_refund_tender *ts;
    size_t nt;
};

static json_t *render_refund_of(const struct invoice_refund *r,
                                const struct refund_rows *rows);

/* The invoice's refunds, oldest first, into its detail: three reads. */
static enum err
render_refunds(struct req *req, json_t *inv, const char *invoice_id)
{
    struct invoice_refund *rs;
    struct invoice_refund_line *ls;
    struct invoice_refund_tender *ts;
    size_t n, nl, nt;
    json_t *list = json_array();
    enum err rc = store_invoice_refunds(req->ctx.db, req->ctx.a,
                                        req->ctx.account_id, invoice_id, &rs,
                                        &n, req->ei);

    if (rc == ERR_OK)
        rc = store_invoice_refund_lines_of(req->ctx.db, req->ctx.a,
                                           req->ctx.account_id, invoice_id, &ls,
                                           &nl, req->ei);
    if (rc == ERR_OK)
        rc = store_invoice_refund_tenders_of(req->ctx.db, req->ctx.a,
                                             req->ctx.account_id, invoice_id,
                                             &ts, &nt, req->ei);
    if (rc)
        return app_store_fail(rc, req->ei);
    for (size_t i = 0; i < n; i++) {
        struct refund_rows rows = {ls, nl, ts, nt};

        (void)json_array_append_new(list, render_refund_of(&rs[i], &rows));
    }
    json_put(inv, "refunds", list);
    return ERR_OK;
}

enum err
render_invoice_payments(struct req *req, json_t *inv, const char *invoice_id)
{
    struct invoice_tender *ts;
    struct invoice_tip *tips;
    size_t nt, np;
    enum err rc = store_invoice_tenders(req->ctx.db, req->ctx.a,
                                        req->ctx.account_id, invoice_id, &ts,
                                        &nt, req->ei);

    if (rc == ERR_OK)
        rc = store_invoice_tips(req->ctx.db, req->ctx.a, req->ctx.account_id,
                                invoice_id, &tips, &np, req->ei);
    if (rc)
        return app_store_fail(rc, req->ei);
    put_payments(inv, ts, nt, tips, np);
    return render_refunds(req, inv, invoice_id);
}

enum err
h_invoice_pay(struct req *req, struct resp *resp)
{
    const char *id;
    const char *text;
    struct checkout_result r;
    enum err rc = req_id(req, 0, "inv", "invoice", &id);

    if (rc)
        return rc;
    if (req->body == NULL)
        req->body = json_object(); /* "tenders" is missing: said in order */
    text = arena_strndup(req->ctx.a, req->raw_body.ptr, req->raw_body.len);
    if (text == NULL)
        return ERR_LIMIT;
    rc = app_invoice_pay(&req->ctx, id, req->body, text, req->idem_key,
                         req->request_hash, &r, req->ei);
    if (rc)
        return rc;
    json_t *o = json_object();
    json_put(o, "id", json_string(r.co.id));
    json_put(o, "object", json_string("invoice_payment"));
    json_put(o, "status", json_string(r.co.status));
    json_put(o, "amount", json_integer(r.co.amount_minor));
    json_put(o, "tip", json_integer(r.co.tip_minor));
    json_put(o, "change_due", json_integer(r.co.change_due_minor));
    json_put(o, "currency", json_string(r.co.currency));
    put_payments(o, r.tenders, r.tender_count, r.tips, r.tip_count);
    json_put(o, "invoice", render_invoice(&r.inv, r.lines, r.line_count));
    render_time(o, "created", r.co.created_at_ms);
    resp_json(resp, 201, o);
    return ERR_OK;
}

/* ---- refunds ---- */

static json_t *
render_refund_of(const struct invoice_refund *r, const struct refund_rows *rows)
{
    json_t *o = json_object();
    json_t *lines = json_array();
    json_t *tenders = json_array();
    json_put(o, "id", json_string(r->id));
    json_put(o, "object", json_string("invoice_refund"));
    json_put(o, "invoice", json_string(r->invoice_id));
    json_put(o, "status", json_string(r->status));
    json_put(o, "amount", json_integer(r->amount_minor));
    json_put(o, "net", json_integer(r->net_minor));
    json_put(o, "tax", json_integer(r->tax_minor));
    json_put(o, "tip", json_integer(r->tip_minor));
    json_put(o, "currency", json_string(r->currency));
    json_put(o, "restock", json_boolean(r->restock));
    json_put(o, "reason", json_string(r->reason));
    json_put(o, "failure_code", json_str_or_null(r->failure_code));
    for (size_t i = 0; i < rows->nl; i++) {
        const struct invoice_refund_line *l = &rows->ls[i];

        if (strcmp(l->refund_id, r->id) == 0)
            (void)json_array_append_new(
                lines,
                json_pack("{s:I,s:I,s:I,s:I}", "line", (json_int_t)l->line_seq,
                          "quantity", (json_int_t)l->quantity, "net",
                          (json_int_t)l->net_minor, "tax",
                          (json_int_t)l->tax_minor));
    }
    for (size_t i = 0; i < rows->nt; i++) {
        const struct invoice_refund_tender *t = &rows->ts[i];

        if (strcmp(t->refund_id, r->id) == 0)
            (void)json_array_append_new(
                tenders, json_pack("{s:s,s:I,s:I,s:o}", "tender", t->tender_id,
                                   "amount", (json_int_t)t->amount_minor, "tip",
                                   (json_int_t)t->tip_minor, "refund_ref",
                                   json_str_or_null(t->refund_ref)));
    }
    json_put(o, "lines", lines);
    json_put(o, "tenders", tenders);
    render_time(o, "created", r->created_at_ms);
    return o;
}

enum err
h_invoice_refund(struct req *req, struct resp *resp)
{
    const char *id;
    const char *text;
    struct invoice_refund r;
    struct invoice v;
    struct invoice_line *ls;
    struct invoice_refund_line *rls = NULL;
    struct invoice_refund_tender *rts = NULL;
    struct refund_rows rows = {0};
    size_t n;
    json_t *o;
    enum err rc = req_id(req, 0, "inv", "invoice", &id);

    if (rc)
        return rc;
    if (req->body == NULL)
        req->body = json_object(); /* what is missing is said in order */
    text = arena_strndup(req->ctx.a, req->raw_body.ptr, req->raw_body.len);
    if (text == NULL)
        return ERR_LIMIT;
    rc = app_invoice_refund(&req->ctx, id, req->body, text, req->idem_key,
                            req->request_hash, &r, req->ei);
    if (rc == ERR_OK)
        rc = store_invoice_refund_lines(req->ctx.db, req->ctx.a,
                                        req->ctx.account_id, r.id, &rls,
                                        &rows.nl, req->ei);
    if (rc == ERR_OK)
        rc = store_invoice_refund_tenders(req->ctx.db, req->ctx.a,
                                          req->ctx.account_id, r.id, &rts,
                                          &rows.nt, req->ei);
    rows.ls = rls;
    rows.ts = rts;
    if (rc == ERR_STORE)
        rc = app_store_fail(rc, req->ei);
    if (rc == ERR_OK)
        rc = app_invoice_get(&req->ctx, id, &v, &ls, &n, req->ei);
    if (rc)
        return rc;
    o = render_refund_of(&r, &rows);
    json_put(o, "invoice", render_invoice(&v, ls, n));
    resp_json(resp, 201, o);
    return ERR_OK;
}
