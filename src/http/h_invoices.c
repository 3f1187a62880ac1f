/*
 * h_invoices.c - /v1/invoices: parse, call app/invoice, render.
 *
 * A discount is {"percent_bps": 1500} (15%) or {"amount": 500} (minor
 * units), never both; a tip is {"amount", "split": equal|percent|amount,
 * "providers": [{"provider", "share"}]}.
 */
#include <string.h>

#include "app/checkout.h"
#include "app/invoice.h"
#include "http/http_int.h"

/* Read discount object d (may be NULL: none) at member path name. */
static enum err
read_discount(struct req *req, json_t *d, const char *name,
              struct pricing_discount *out)
{
    int64_t pct = -1;
    int64_t amount = -1;
    const struct jfield f[] = {
        {"percent_bps", JT_INT, false, false, 0, PRICING_BPS_WHOLE, &pct, NULL},
        {"amount", JT_INT, false, false, 0, PRICING_AMOUNT_MAX, &amount, NULL},
    };
    char prefix[48];
    enum err rc;

    out->kind = PRICING_DISCOUNT_NONE;
    out->value = 0;
    if (d == NULL)
        return ERR_OK;
    snprintf(prefix, sizeof(prefix), "%s.", name);
    rc = json_read(d, f, 2, prefix, req->ei);
    if (rc)
        return rc;
    if ((pct >= 0) == (amount >= 0))
        return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid", name,
                           "a discount is either percent_bps or amount");
    out->kind = pct >= 0 ? PRICING_DISCOUNT_PERCENT : PRICING_DISCOUNT_AMOUNT;
    out->value = pct >= 0 ? pct : amount;
    return ERR_OK;
}

static enum err
read_lines(struct req *req, json_t *arr, struct invoice_preview_input *in)
{
    size_t n = json_array_size(arr);
    struct invoice_line_input *ls = arena_array(req->ctx.a, n, sizeof(*ls));

    if (ls == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < n; i++) {
        json_t *d = NULL;
        char prefix[64];
        const struct jfield f[] = {
            {"item", JT_STRING, true, false, 1, 64, &ls[i].item_id, NULL},
            {"quantity", JT_INT, true, false, 1, PRICING_QUANTITY_MAX,
             &ls[i].quantity, NULL},
            {"discount", JT_OBJECT, false, true, 0, 0, &d, NULL},
        };
        json_t *line = json_array_get(arr, i);
        enum err rc;

        snprintf(prefix, sizeof(prefix), "lines[%zu].", i);
        if (!json_is_object(line))
            return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid_type",
                               NULL, "'lines[%zu]' must be an object", i);
        rc = json_read(line, f, 3, prefix, req->ei);
        if (rc == ERR_OK) {
            snprintf(prefix, sizeof(prefix), "lines[%zu].discount", i);
            rc = read_discount(req, d, prefix, &ls[i].discount);
        }
        if (rc)
            return rc;
    }
    in->lines = ls;
    in->line_count = n;
    return ERR_OK;
}

static enum err
read_split(struct req *req, const char *s, enum pricing_tip_split *out)
{
    if (s == NULL || strcmp(s, "equal") == 0)
        *out = PRICING_TIP_EQUAL;
    else if (strcmp(s, "percent") == 0)
        *out = PRICING_TIP_PERCENT;
    else if (strcmp(s, "amount") == 0)
        *out = PRICING_TIP_AMOUNT;
    else
        return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid",
                           "tips.split",
                           "tips.split is equal, percent or amount");
    return ERR_OK;
}

static enum err
read_tips(struct req *req, json_t *t, struct invoice_preview_input *in)
{
    json_t *ps = NULL;
    const char *split = NULL;
    const struct jfield f[] = {
        {"amount", JT_INT, true, false, 0, PRICING_PRICE_MAX, &in->tip_minor,
         NULL},
        {"split", JT_STRING, false, false, 1, 16, &split, NULL},
        {"providers", JT_ARRAY, true, false, 1, PRICING_PROVIDERS_MAX, &ps,
         NULL},
    };
    size_t n;
    const char **ids;
    int64_t *shares;
    enum err rc;

    if (t == NULL)
        return ERR_OK;
    rc = json_read(t, f, 3, "tips.", req->ei);
    if (rc == ERR_OK)
        rc = read_split(req, split, &in->tip_split);
    if (rc)
        return rc;
    n = json_array_size(ps);
    ids = arena_array(req->ctx.a, n, sizeof(*ids));
    shares = arena_array(req->ctx.a, n, sizeof(*shares));
    if (ids == NULL || shares == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < n; i++) {
        char prefix[64];
        const struct jfield pf[] = {
            {"provider", JT_STRING, true, false, 1, 64, &ids[i], NULL},
            {"share", JT_INT, in->tip_split != PRICING_TIP_EQUAL, false, 0,
             PRICING_PRICE_MAX, &shares[i], NULL},
        };
        json_t *p = json_array_get(ps, i);

        snprintf(prefix, sizeof(prefix), "tips.providers[%zu].", i);
        if (!json_is_object(p))
            return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid_type",
                               NULL, "'tips.providers[%zu]' must be an object",
                               i);
        rc = json_read(p, pf, 2, prefix, req->ei);
        if (rc)
            return rc;
    }
    in->tip_providers = ids;
    in->tip_shares = shares;
    in->tip_provider_count = n;
    return ERR_OK;
}

static json_t *
render_preview(const struct invoice_preview *p)
{
    json_t *o = json_object();
    json_t *lines = json_array();
    const struct pricing_totals *t = &p->totals;

    for (size_t i = 0; i < p->line_count; i++) {
        const struct pricing_line_result *r = &p->lines[i];
        json_t *l = json_pack(
            "{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "item",
            p->items[i]->id, "kind", p->items[i]->kind, "name",
            p->items[i]->name, "unit_price", (json_int_t)r->unit_price_minor,
            "gross", (json_int_t)r->gross_minor, "tier_discount",
            (json_int_t)r->tier_discount_minor, "promotion_discount",
            (json_int_t)r->promo_discount_minor, "line_discount",
            (json_int_t)r->line_discount_minor, "invoice_discount",
            (json_int_t)r->invoice_discount_minor, "net",
            (json_int_t)r->net_minor, "tax", (json_int_t)r->tax_minor, "total",
            (json_int_t)r->total_minor);

        json_put(l, "taxable", json_boolean(p->items[i]->taxable));
        json_put(l, "promotion",
                 r->promo_index >= 0
                     ? json_string(p->promotion_ids[r->promo_index])
                     : json_null());
        json_put(
            l, "unit_price_source",
            json_string(p->member.member_prices_minor[i] != PRICING_NO_PRICE
                            ? "member"
                            : "list"));
        (void)json_array_append_new(lines, l);
    }
    json_put(o, "object", json_string("invoice_preview"));
    json_put(o, "currency", json_string(p->currency));
    json_put(o, "membership_tier",
             p->member.tier_id == NULL
                 ? json_null()
                 : json_pack("{s:s,s:s,s:I}", "id", p->member.tier_id, "name",
                             p->member.tier_name, "discount_bps",
                             (json_int_t)p->member.tier_discount_bps));
    json_put(o, "lines", lines);
    json_put(o, "gross", json_integer(t->gross_minor));
    json_put(o, "discount", json_integer(t->discount_minor));
    json_put(o, "net", json_integer(t->net_minor));
    json_put(o, "tax", json_integer(t->tax_minor));
    json_put(o, "tip", json_integer(t->tip_minor));
    json_put(o, "total", json_integer(t->total_minor));
    return o;
}

enum err
h_invoice_preview(struct req *req, struct resp *resp)
{
    struct invoice_preview_input in = {0};
    struct invoice_preview out;
    json_t *lines = NULL;
    json_t *disc = NULL;
    json_t *tips = NULL;
    const struct jfield f[] = {
        {"clinic", JT_STRING, true, false, 1, 64, &in.clinic_id, NULL},
        {"patient", JT_STRING, false, true, 1, 64, &in.patient_id, NULL},
        {"lines", JT_ARRAY, true, false, 1, PRICING_LINES_MAX, &lines, NULL},
        {"discount", JT_OBJECT, false, true, 0, 0, &disc, NULL},
        {"tips", JT_OBJECT, false, true, 0, 0, &tips, NULL},
    };
    enum err rc = req_read(req, f, 5);

    if (rc == ERR_OK)
        rc = read_lines(req, lines, &in);
    if (rc == ERR_OK)
        rc = read_discount(req, disc, "discount", &in.discount);
    if (rc == ERR_OK)
        rc = read_tips(req, tips, &in);
    if (rc == ERR_OK)
        rc = app_invoice_preview(&req->ctx, &in, &out, req->ei);
    if (rc)
        return rc;
    json_t *o = render_preview(&out);
    json_t *parts = json_array();
    for (size_t i = 0; i < in.tip_provider_count; i++)
        (void)json_array_append_new(
            parts, json_pack("{s:s,s:I}", "provider", in.tip_providers[i],
                             "amount", (json_int_t)out.tip_parts[i]));
    json_put(o, "tips", parts);
    resp_json(resp, 200, o);
    return ERR_OK;
}

/* ---- saved invoices ---- */

static json_t *
render_discount(int64_t kind, int64_t value)
{
    if (kind == PRICING_DISCOUNT_PERCENT)
        return json_pack("{s:I}", "percent_bps", (json_int_t)value);
    if (kind == PRICING_DISCOUNT_AMOUNT)
        return json_pack("{s:I}", "amount", (json_int_t)value);
    return json_null();
}

json_t *
render_invoice(const struct invoice *v, const struct invoice_line *ls, size_t n)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(v->id));
    json_put(o, "object", json_string("invoice"));
    json_put(o, "kind", json_string(v->kind));
    json_put(o, "status", json_string(v->status));
    json_put(o, "number", json_str_or_null(v->number));
    json_put(o, "clinic", json_string(v->clinic_id));
    json_put(o, "patient", json_str_or_null(v->patient_id));
    json_put(o, "provider", json_str_or_null(v->provider_id));
    json_put(o, "currency", json_string(v->currency));
    json_put(o, "discount",
             render_discount(v->discount_kind, v->discount_value));
    json_put(o, "gross", json_integer(v->gross_minor));
    json_put(o, "discount_total", json_integer(v->discount_minor));
    json_put(o, "net", json_integer(v->net_minor));
    json_put(o, "tax", json_integer(v->tax_minor));
    json_put(o, "total", json_integer(v->total_minor));
    json_put(o, "amount_paid", json_integer(v->paid_minor));
    json_put(o, "amount_due", json_integer(v->total_minor - v->paid_minor));
    json_put(o, "tip", json_integer(v->tip_minor));
    json_put(o, "amount_refunded", json_integer(v->refunded_minor));
    json_put(o, "tip_refunded", json_integer(v->tip_refunded_minor));
    if (ls != NULL) {
        json_t *lines = json_array();

        for (size_t i = 0; i < n; i++) {
            json_t *l = json_pack(
                "{s:s,s:s,s:s,s:I,s:b,s:I,s:I,s:I,s:I,s:I,s:I}", "item",
                ls[i].item_id, "kind", ls[i].kind, "name", ls[i].name,
                "quantity", (json_int_t)ls[i].quantity, "taxable",
                ls[i].taxable, "unit_price", (json_int_t)ls[i].unit_price_minor,
                "gross", (json_int_t)ls[i].gross_minor, "discount_total",
                (json_int_t)ls[i].discount_minor, "net",
                (json_int_t)ls[i].net_minor, "tax", (json_int_t)ls[i].tax_minor,
                "total", (json_int_t)ls[i].total_minor);

            json_put(
                l, "discount",
                render_discount(ls[i].discount_kind, ls[i].discount_value));
            json_put(l, "line", json_integer(ls[i].seq));
            json_put(l, "refunded_quantity",
                     json_integer(ls[i].refunded_quantity));
            (void)json_array_append_new(lines, l);
        }
        json_put(o, "lines", lines);
    }
    if (v->finalized_at_ms > 0)
        render_time(o, "finalized", v->finalized_at_ms);
    else
        json_put(o, "finalized", json_null());
    render_time(o, "paid", v->paid_at_ms);
    json_put(o, "merged_into", json_str_or_null(v->merged_into));
    json_put(o, "source", json_str_or_null(v->source));
    render_time(o, "queued", v->queued_at_ms);
    render_time(o, "created", v->created_at_ms);
    render_time(o, "updated", v->updated_at_ms);
    return o;
}

enum err
h_invoice_create(struct req *req, struct resp *resp)
{
    struct invoice_create_input in = {.kind = "invoice"};
    struct invoice v;
    struct invoice_line *ls;
    size_t n;
    json_t *lines = NULL;
    json_t *disc = NULL;
    const struct jfield f[] = {
        {"clinic", JT_STRING, true, false, 1, 64, &in.lines.clinic_id, NULL},
        {"patient", JT_STRING, false, true, 1, 64, &in.lines.patient_id, NULL},
        {"provider", JT_STRING, false, true, 1, 64, &in.provider_id, NULL},
        {"kind", JT_STRING, false, false, 1, 16, &in.kind, NULL},
        {"source", JT_STRING, false, false, 1, 16, &in.source, NULL},
        {"lines", JT_ARRAY, true, false, 1, PRICING_LINES_MAX, &lines, NULL},
        {"discount", JT_OBJECT, false, true, 0, 0, &disc, NULL},
    };
    enum err rc = req_read(req, f, 7);

    if (rc == ERR_OK && strcmp(in.kind, "quote") != 0 &&
        strcmp(in.kind, "invoice") != 0)
        rc = errinfo_set(req->ei, ERR_INVALID, "parameter_invalid", "kind",
                         "kind is quote or invoice");
    if (rc == ERR_OK && in.source != NULL &&
        strcmp(in.source, "procedure") != 0 &&
        strcmp(in.source, "treatment_plan") != 0 &&
        strcmp(in.source, "quick_pay") != 0)
        rc = errinfo_set(req->ei, ERR_INVALID, "parameter_invalid", "source",
                         "source is procedure, treatment_plan or quick_pay");
    if (rc == ERR_OK)
        rc = read_lines(req, lines, &in.lines);
    if (rc == ERR_OK)
        rc = read_discount(req, disc, "discount", &in.lines.discount);
    if (rc == ERR_OK)
        rc = app_invoice_create(&req->ctx, &in, &v, &ls, &n, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_invoice(&v, ls, n));
    return rc;
}

enum err
h_invoice_get(struct req *req, struct resp *resp)
{
    const char *id;
    struct invoice v;
    struct invoice_line *ls;
    size_t n;
    enum err rc = req_id(req, 0, "inv", "invoice", &id);

    if (rc == ERR_OK)
        rc = app_invoice_get(&req->ctx, id, &v, &ls, &n, req->ei);
    if (rc)
        return rc;
    json_t *o = render_invoice(&v, ls, n);
    rc = render_invoice_payments(req, o, id);
    if (rc == ERR_OK)
        resp_json(resp, 200, o);
    return rc;
}

static bool
is_invoice_status(const char *s)
{
    static const char *const statuses[] = {"quote",    "draft",
                                           "open",     "partially_paid",
                                           "paid",     "partially_refunded",
                                           "refunded", "void"};

    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        if (strcmp(s, statuses[i]) == 0)
            return true;
    }
    return false;
}

enum err
h_invoice_list(struct req *req, struct resp *resp)
{
    struct page page;
    struct invoice_filter f = {
        .patient_id = req_query(req, "patient"),
        .clinic_id = req_query(req, "clinic"),
        .provider_id = req_query(req, "provider"),
        .status = req_query(req, "status"),
    };
    struct invoice *vs;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK)
        rc = req_created_range(req, &f.created_gte_ms, &f.created_lt_ms);
    if (rc == ERR_OK && f.status != NULL && !is_invoice_status(f.status))
        rc = errinfo_set(req->ei, ERR_INVALID, "parameter_invalid", "status",
                         "status must be one of quote, draft, open, "
                         "partially_paid, paid, partially_refunded, "
                         "refunded, void");
    if (rc == ERR_OK)
        rc = app_invoice_list(&req->ctx, &f, &page, &vs, &n, &more, req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_invoice(&vs[i], NULL, 0));
    resp_list(resp, data, more);
    return ERR_OK;
}

enum err
h_invoice_delete(struct req *req, struct resp *resp)
{
    const char *id;
    enum err rc = req_id(req, 0, "inv", "invoice", &id);

    if (rc == ERR_OK)
        rc = app_invoice_delete(&req->ctx, id, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200,
                  json_pack("{s:s,s:s,s:b}", "id", id, "object", "invoice",
                            "deleted", 1));
    return rc;
}

enum err
h_invoice_finalize(struct req *req, struct resp *resp)
{
    const char *id;
    struct invoice v;
    struct invoice_line *ls;
    size_t n;
    enum err rc = req_id(req, 0, "inv", "invoice", &id);

    if (rc == ERR_OK)
        rc = req_read(req, NULL, 0);
    if (rc == ERR_OK)
        rc = app_invoice_finalize(&req->ctx, id, &v, req->ei);
    if (rc == ERR_OK)
        rc = app_invoice_get(&req->ctx, id, &v, &ls, &n, req->ei);
    if (rc)
        return rc;
    json_t *o = render_invoice(&v, ls, n);
    rc = render_invoice_payments(req, o, id);
    if (rc == ERR_OK)
        resp_json(resp, 200, o);
    return rc;
}

/* Answer with invoice id as it is now, lines included. */
static enum err
answer_invoice(struct req *req, struct resp *resp, const char *id)
{
    struct invoice v;
    struct invoice_line *ls;
    size_t n;
    enum err rc = app_invoice_get(&req->ctx, id, &v, &ls, &n, req->ei);

    if (rc == ERR_OK)
        resp_json(resp, 200, render_invoice(&v, ls, n));
    return rc;
}

enum err
h_invoice_update(struct req *req, struct resp *resp)
{
    struct invoice_update_input in = {0};
    struct invoice_preview_input lines = {0};
    const char *id;
    json_t *arr = NULL;
    json_t *disc = NULL;
    bool has_lines = false;
    const struct jfield f[] = {
        {"patient", JT_STRING, false, true, 1, 64, &in.patient_id,
         &in.set_patient},
        {"provider", JT_STRING, false, false, 1, 64, &in.provider_id,
         &in.set_provider},
        {"lines", JT_ARRAY, false, false, 1, PRICING_LINES_MAX, &arr,
         &has_lines},
        {"discount", JT_OBJECT, false, true, 0, 0, &disc, &in.set_discount},
    };
    enum err rc = req_id(req, 0, "inv", "invoice", &id);

    if (rc == ERR_OK)
        rc = req_read(req, f, 4);
    if (rc == ERR_OK && has_lines)
        rc = read_lines(req, arr, &lines);
    if (rc == ERR_OK && in.set_discount)
        rc = read_discount(req, disc, "discount", &in.discount);
    in.lines = has_lines ? lines.lines : NULL;
    in.line_count = lines.line_count;
    if (rc == ERR_OK)
        rc = app_invoice_update(&req->ctx, id, &in, req->ei);
    return rc ? rc : answer_invoice(req, resp, id);
}

/* POST /v1/invoices/:id/<action> with an empty body. */
static enum err
invoice_action(struct req *req, struct resp *resp,
               enum err (*fn)(struct app_ctx *, const char *, struct errinfo *))
{
    const char *id;
    enum err rc = req_id(req, 0, "inv", "invoice", &id);

    if (rc == ERR_OK)
        rc = req_read(req, NULL, 0);
    if (rc == ERR_OK)
        rc = fn(&req->ctx, id, req->ei);
    return rc ? rc : answer_invoice(req, resp, id);
}

enum err
h_invoice_send(struct req *req, struct resp *resp)
{
    return invoice_action(req, resp, app_invoice_send);
}

enum err
h_invoice_convert(struct req *req, struct resp *resp)
{
    return invoice_action(req, resp, app_invoice_convert);
}

enum err
h_invoice_change_provider(struct req *req, struct resp *resp)
{
    const char *id;
    const char *provider = NULL;
    const struct jfield f[] = {
        {"provider", JT_STRING, true, false, 1, 64, &provider, NULL},
    };
    enum err rc = req_id(req, 0, "inv", "invoice", &id);

    if (rc == ERR_OK)
        rc = req_read(req, f, 1);
    if (rc == ERR_OK)
        rc = app_invoice_change_provider(&req->ctx, id, provider, req->ei);
    return rc ? rc : answer_invoice(req, resp, id);
}

enum err
h_front_desk_queue(struct req *req, struct resp *resp)
{
    const char *clinic = req_query(req, "clinic");
    struct invoice *vs;
    size_t n;
    enum err rc;

    if (clinic == NULL || clinic[0] == '\0')
        return errinfo_set(req->ei, ERR_INVALID, "parameter_missing", "clinic",
                           "say which clinic's queue: ?clinic=cln_…");
    rc = app_invoice_queue(&req->ctx, clinic, &vs, &n, req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_invoice(&vs[i], NULL, 0));
    resp_list(resp, data, false);
    return ERR_OK;
}

/*
 * POST /v1/invoices/:id/void: an unpaid invoice is marked void; a paid one
 * is undone (app_invoice_void_paid), which moves money and so needs an
 * Idempotency-Key.
 */
enum err
h_invoice_void(struct req *req, struct resp *resp)
{
    const char *id;
    struct invoice v;
    struct invoice_line *ls;
    struct invoice_refund r;
    size_t n;
    enum err rc = req_id(req, 0, "inv", "invoice", &id);

    if (rc == ERR_OK)
        rc = req_read(req, NULL, 0);
    if (rc == ERR_OK)
        rc = app_invoice_get(&req->ctx, id, &v, &ls, &n, req->ei);
    if (rc)
        return rc;
    if (v.paid_minor == 0)
        rc = app_invoice_void(&req->ctx, id, req->ei);
    else if (req->idem_key == NULL)
        rc = errinfo_set(req->ei, ERR_INVALID, "parameter_missing",
                         "Idempotency-Key",
                         "voiding a paid invoice moves money: send an "
                         "Idempotency-Key header");
    else
        rc = app_invoice_void_paid(&req->ctx, id, req->idem_key,
                                   req->request_hash, &r, req->ei);
    return rc ? rc : answer_invoice(req, resp, id);
}

enum err
h_patient_balance(struct req *req, struct resp *resp)
{
    const char *patient;
    const char *currency;
    int64_t owed;
    int64_t invoices;
    enum err rc = req_id(req, 0, "pat", "patient", &patient);

    if (rc == ERR_OK)
        rc = app_patient_balance(&req->ctx, patient, &owed, &invoices,
                                 &currency, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200,
                  json_pack("{s:s,s:s,s:I,s:s,s:I}", "object",
                            "patient_balance", "patient", patient, "owed",
                            (json_int_t)owed, "currency", currency,
                            "open_invoices", (json_int_t)invoices));
    return rc;
}

/* POST /v1/invoices/merge {"invoices": ["inv_…", …]}: the merged invoice. */
enum err
h_invoice_merge(struct req *req, struct resp *resp)
{
    json_t *arr = NULL;
    const struct jfield f[] = {
        {"invoices", JT_ARRAY, true, false, 2, 20, &arr, NULL},
    };
    const char **ids;
    struct invoice v;
    struct invoice_line *ls;
    size_t n;
    enum err rc = req_read(req, f, 1);

    if (rc)
        return rc;
    n = json_array_size(arr);
    ids = arena_array(req->ctx.a, n, sizeof(*ids));
    if (ids == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < n; i++) {
        ids[i] = json_string_value(json_array_get(arr, i));
        if (ids[i] == NULL) {
            errinfo_set(req->ei, ERR_INVALID, "parameter_invalid_type", NULL,
                        "'invoices[%zu]' must be an invoice id", i);
            snprintf(req->ei->param, sizeof(req->ei->param), "invoices[%zu]",
                     i);
            return ERR_INVALID;
        }
    }
    rc = app_invoice_merge(&req->ctx, ids, n, &v, req->ei);
    if (rc == ERR_OK)
        rc = app_invoice_get(&req->ctx, v.id, &v, &ls, &n, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_invoice(&v, ls, n));
    return rc;
}
