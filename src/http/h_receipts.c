/*
 * h_receipts.c - an invoice's receipt: GET /v1/invoices/:id/receipt.pdf
 * and POST /v1/invoices/:id/send_receipt (e-mailed through the outbox).
 */
#include "app/receipt.h"
#include "http/http_int.h"

enum err
h_invoice_receipt_pdf(struct req *req, struct resp *resp)
{
    const char *id;
    const unsigned char *pdf;
    size_t len;
    const char *name;
    enum err rc = req_id(req, 0, "inv", "invoice", &id);

    if (rc == ERR_OK)
        rc = app_invoice_receipt_pdf(&req->ctx, id, &pdf, &len, &name, req->ei);
    if (rc)
        return rc;
    resp->status = 200;
    resp->text = (const char *)pdf;
    resp->text_len = len;
    resp->content_type = "application/pdf";
    resp->disposition = arena_printf(req->ctx.a, "inline; filename=\"%s\"",
                                     name);
    return ERR_OK;
}

enum err
h_invoice_send_receipt(struct req *req, struct resp *resp)
{
    const char *id;
    const char *email = NULL;
    struct message m;
    const struct jfield fields[] = {
        {"email", JT_STRING, true, false, 0, 0, &email, NULL},
    };
    enum err rc = req_id(req, 0, "inv", "invoice", &id);

    if (rc == ERR_OK)
        rc = req_read(req, fields, 1);
    if (rc == ERR_OK)
        rc = app_invoice_send_receipt(&req->ctx, id, email, &m, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_message(&m));
    return rc;
}
