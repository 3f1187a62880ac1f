/*
 * invoice.c - pricing invoices from the catalog (preview for now).
 *
 * The items of all lines are read in one statement, the tip's providers
 * in another; then core/pricing does every sum.
 */
#include "app/invoice.h"

#include <string.h>

#include "app/checkout.h"
#include "app/promotion.h"
#include "app/settings.h"
#include "base/assert.h"
#include "base/crypto.h"
#include "base/money.h"
#include "store/clinics.h"
#include "store/patients.h"
#include "store/users.h"

/* A JSON array of the n strings of ids; arena-owned (NULL past the cap). */
static const char *
ids_json(struct arena *a, const char *const *ids, size_t n)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(arr, json_string(ids[i]));
    return json_dump(a, arr, NULL);
}

static enum err
check_parties(struct app_ctx *ctx, const struct invoice_preview_input *in,
              struct clinic *c, struct errinfo *ei)
{
    struct patient p;
    enum err rc = store_clinic_get(ctx->db, ctx->a, ctx->account_id,
                                   in->clinic_id, c, ei);

    if (rc == ERR_NOT_FOUND || (rc == ERR_OK && c->archived))
        return app_not_found(ei, "clinic", in->clinic_id, "clinic");
    if (rc)
        return app_store_fail(rc, ei);
    if (in->patient_id == NULL)
        return ERR_OK;
    rc = store_patient_get(ctx->db, ctx->a, ctx->account_id, in->patient_id, &p,
                           ei);
    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "patient", in->patient_id, "patient");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* Find each line's item among the fetched ones and check it is sellable. */
static enum err
match_items(const struct invoice_preview_input *in, const struct clinic *c,
            const struct priced_item *items, size_t n,
            const struct priced_item **per_line, struct errinfo *ei)
{
    for (size_t i = 0; i < in->line_count; i++) {
        const struct priced_item *it = NULL;

        for (size_t j = 0; j < n && it == NULL; j++) {
            if (strcmp(items[j].id, in->lines[i].item_id) == 0)
                it = &items[j];
        }
        if (it == NULL || it->archived)
            return errinfo_set(ei, ERR_INVALID, "parameter_invalid", NULL,
                               "no service or product '%s' to sell",
                               in->lines[i].item_id);
        if (strcmp(it->currency, c->currency) != 0)
            return errinfo_set(ei, ERR_INVALID, "parameter_invalid", NULL,
                               "'%s' is priced in %s; clinic '%s' sells in %s",
                               it->name, it->currency, c->name, c->currency);
        per_line[i] = it;
    }
    return ERR_OK;
}

/* The name of line i's item member, for an error's param. */
static void
line_param(struct errinfo *ei, size_t i)
{
    if (ei != NULL)
        snprintf(ei->param, sizeof(ei->param), "lines[%zu].item", i);
}

static enum err
load_items(struct app_ctx *ctx, const struct invoice_preview_input *in,
           const struct clinic *c, const struct priced_item **per_line,
           struct errinfo *ei)
{
    const char **ids = arena_array(ctx->a, in->line_count + 1, sizeof(*ids));
    struct priced_item *items;
    size_t n;
    const char *json;
    enum err rc;

    if (ids == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < in->line_count; i++)
        ids[i] = in->lines[i].item_id;
    json = ids_json(ctx->a, ids, in->line_count);
    if (json == NULL)
        return ERR_LIMIT;
    rc = store_priced_items(ctx->db, ctx->a, ctx->account_id, json, &items, &n,
                            ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = match_items(in, c, items, n, per_line, ei);
    for (size_t i = 0; rc && i < in->line_count; i++) {
        if (per_line[i] == NULL) {
            line_param(ei, i);
            break;
        }
    }
    return rc;
}

static enum err
check_providers(struct app_ctx *ctx, const struct invoice_preview_input *in,
                struct errinfo *ei)
{
    const char *json;
    int64_t present;
    enum err rc;

    if (in->tip_provider_count == 0)
        return ERR_OK;
    json = ids_json(ctx->a, in->tip_providers, in->tip_provider_count);
    if (json == NULL)
        return ERR_LIMIT;
    rc = store_users_present(ctx->db, ctx->a, ctx->account_id, json, &present,
                             ei);
    if (rc)
        return app_store_fail(rc, ei);
    if (present != (int64_t)in->tip_provider_count)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid",
                           "tips.providers",
                           "every tip provider must be a distinct, active "
                           "user of the practice");
    return ERR_OK;
}

enum err
app_invoice_preview(struct app_ctx *ctx, const struct invoice_preview_input *in,
                    struct invoice_preview *out, struct errinfo *ei)
{
    struct clinic c;
    struct pricing_input pin = {0};
    struct pricing_line *pl;
    struct pricing_promos promos = {0};
    enum err rc;

    ASSERT(in->line_count > 0 && in->line_count <= PRICING_LINES_MAX);
    memset(out, 0, sizeof(*out));
    out->items = arena_array(ctx->a, in->line_count, sizeof(*out->items));
    out->lines = arena_array(ctx->a, in->line_count, sizeof(*out->lines));
    out->tip_parts = arena_array(ctx->a, in->tip_provider_count + 1,
                                 sizeof(*out->tip_parts));
    pl = arena_array(ctx->a, in->line_count, sizeof(*pl));
    if (out->items == NULL || out->lines == NULL || out->tip_parts == NULL ||
        pl == NULL)
        return ERR_LIMIT;
    rc = check_parties(ctx, in, &c, ei);
    if (rc == ERR_OK)
        rc = load_items(ctx, in, &c, out->items, ei);
    if (rc == ERR_OK)
        rc = check_providers(ctx, in, ei);
    if (rc == ERR_OK)
        rc = app_pricing_promos(ctx, c.id, ctx->now_ms, &promos, ei);
    if (rc == ERR_OK)
        rc = app_discount_limit(ctx, &pin.discount_limit_bps, ei);
    if (rc == ERR_OK)
        rc = app_member_pricing(ctx, in->patient_id, out->items, in->line_count,
                                &out->member, ei);
    if (rc)
        return rc;
    for (size_t i = 0; i < in->line_count; i++) {
        pl[i] = (struct pricing_line){
            .item_id = out->items[i]->id,
            .quantity = in->lines[i].quantity,
            .list_price_minor = out->items[i]->price_minor,
            .member_price_minor = out->member.member_prices_minor[i],
            .taxable = out->items[i]->taxable,
            .discount = in->lines[i].discount,
        };
    }
    pin.currency = currency_by_code(str_c(c.currency))->numeric;
    pin.tax_rate_bps = c.tax_rate_bps;
    pin.tier_discount_bps = out->member.tier_discount_bps;
    pin.lines = pl;
    pin.line_count = in->line_count;
    pin.promos = promos.promos;
    pin.promo_count = promos.count;
    pin.invoice_discount = in->discount;
    pin.tips = (struct pricing_tips){.amount_minor = in->tip_minor,
                                     .split = in->tip_split,
                                     .shares = in->tip_shares,
                                     .provider_count = in->tip_provider_count};
    pin.discount_limited = !role_at_least(ctx->role, ROLE_ADMIN);
    out->currency = c.currency;
    out->promotion_ids = promos.ids;
    out->line_count = in->line_count;
    return pricing_compute(&pin, out->lines, out->tip_parts, &out->totals, ei);
}

/* ---- saved invoices ---- */

/* Row seq of a priced preview, ready to store. */
static void
line_of(const struct invoice_preview *pv, const struct invoice_line_input *li,
        size_t i, struct invoice_line *out)
{
    const struct pricing_line_result *r = &pv->lines[i];

    out->seq = (int64_t)i + 1;
    out->item_id = pv->items[i]->id;
    out->kind = pv->items[i]->kind;
    out->name = pv->items[i]->name;
    out->quantity = li->quantity;
    out->taxable = pv->items[i]->taxable;
    out->discount_kind = li->discount.kind;
    out->discount_value = li->discount.value;
    out->unit_price_minor = r->unit_price_minor;
    out->gross_minor = r->gross_minor;
    out->discount_minor = r->gross_minor - r->net_minor;
    out->net_minor = r->net_minor;
    out->tax_minor = r->tax_minor;
    out->total_minor = r->total_minor;
}

static enum err
check_provider(struct app_ctx *ctx, const char *provider_id, struct errinfo *ei)
{
    const char *one[1] = {provider_id};
    const char *json;
    int64_t n;
    enum err rc;

    if (provider_id == NULL)
        return ERR_OK;
    json = ids_json(ctx->a, one, 1);
    if (json == NULL)
        return ERR_LIMIT;
    rc = store_users_present(ctx->db, ctx->a, ctx->account_id, json, &n, ei);
    if (rc)
        return app_store_fail(rc, ei);
    return n == 1 ? ERR_OK
                  : app_not_found(ei, "provider", provider_id, "provider");
}

enum err
app_invoice_create(struct app_ctx *ctx, const struct invoice_create_input *in,
                   struct invoice *out, struct invoice_line **lines,
                   size_t *line_count, struct errinfo *ei)
{
    struct invoice_preview pv;
    struct invoice_line *ls;
    enum err rc = check_provider(ctx, in->provider_id, ei);

    ASSERT(in->lines.tip_provider_count == 0);
    if (rc == ERR_OK)
        rc = app_invoice_preview(ctx, &in->lines, &pv, ei);
    if (rc)
        return rc;
    ls = arena_array(ctx->a, pv.line_count, sizeof(*ls));
    if (ls == NULL)
        return ERR_LIMIT;
    memset(out, 0, sizeof(*out));
    out->id = id_new(ctx->a, "inv", ctx->now_ms);
    out->clinic_id = in->lines.clinic_id;
    out->patient_id = in->lines.patient_id;
    out->provider_id = in->provider_id;
    out->kind = in->kind;
    out->source = in->source != NULL ? in->source : "quick_pay";
    out->status = strcmp(in->kind, "quote") == 0 ? "quote" : "draft";
    out->currency = pv.currency;
    out->discount_kind = in->lines.discount.kind;
    out->discount_value = in->lines.discount.value;
    out->gross_minor = pv.totals.gross_minor;
    out->discount_minor = pv.totals.discount_minor;
    out->net_minor = pv.totals.net_minor;
    out->tax_minor = pv.totals.tax_minor;
    out->total_minor = pv.totals.net_minor + pv.totals.tax_minor;
    out->created_by = ctx->user_id;
    out->created_at_ms = ctx->now_ms;
    out->updated_at_ms = ctx->now_ms;
    rc = store_invoice_insert(ctx->db, ctx->a, ctx->account_id, out, ei);
    for (size_t i = 0; rc == ERR_OK && i < pv.line_count; i++) {
        line_of(&pv, &in->lines.lines[i], i, &ls[i]);
        rc = store_invoice_line_insert(ctx->db, ctx->a, ctx->account_id,
                                       out->id, &ls[i], ei);
    }
    if (rc)
        return app_store_fail(rc, ei);
    *lines = ls;
    *line_count = pv.line_count;
    json_t *sum = json_object();
    json_put(sum, "kind", json_string(out->kind));
    json_put(sum, "total", json_integer(out->total_minor));
    return app_audit(ctx, "invoice.create", "invoice", out->id, sum, ei);
}

static enum err
invoice_load(struct app_ctx *ctx, const char *id, struct invoice *out,
             struct errinfo *ei)
{
    enum err rc = store_invoice_get(ctx->db, ctx->a, ctx->account_id, id, out,
                                    ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "invoice", id, "id");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_invoice_get(struct app_ctx *ctx, const char *id, struct invoice *out,
                struct invoice_line **lines, size_t *line_count,
                struct errinfo *ei)
{
    enum err rc = invoice_load(ctx, id, out, ei);

    if (rc == ERR_OK)
        rc = store_invoice_lines(ctx->db, ctx->a, ctx->account_id, id, lines,
                                 line_count, ei);
    return rc == ERR_STORE ? app_store_fail(rc, ei) : rc;
}

enum err
app_invoice_list(struct app_ctx *ctx, const struct invoice_filter *f,
                 const struct page *page, struct invoice **out, size_t *count,
                 bool *has_more, struct errinfo *ei)
{
    enum err rc = store_invoice_list(ctx->db, ctx->a, ctx->account_id, f,
                                     page->limit, page->starting_after, out,
                                     count, has_more, ei);

    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_invoice_delete(struct app_ctx *ctx, const char *id, struct errinfo *ei)
{
    struct invoice inv;
    enum err rc = invoice_load(ctx, id, &inv, ei);

    if (rc)
        return rc;
    if (strcmp(inv.status, "draft") != 0 && strcmp(inv.status, "quote") != 0)
        return errinfo_set(ei, ERR_CONFLICT, "invoice_not_draft", NULL,
                           "only a quote or a draft can be deleted; this "
                           "invoice is %s (void it instead)",
                           inv.status);
    rc = store_invoice_delete(ctx->db, ctx->a, ctx->account_id, id, ei);
    if (rc)
        return app_store_fail(rc, ei);
    return app_audit(ctx, "invoice.delete", "invoice", id, json_object(), ei);
}

/* Three capital letters from the clinic's name ("Glow Chicago": GLO). */
static const char *
number_prefix(struct arena *a, const char *name)
{
    char p[4] = "INV";
    size_t n = 0;

    for (const char *c = name; *c != '\0' && n < 3; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z'))
            p[n++] = (char)(*c & ~0x20);
    }
    return arena_strndup(a, p, 3);
}

enum err
app_invoice_finalize(struct app_ctx *ctx, const char *id, struct invoice *out,
                     struct errinfo *ei)
{
    struct clinic c;
    const char *prefix;
    int64_t n;
    enum err rc = invoice_load(ctx, id, out, ei);

    if (rc)
        return rc;
    if (strcmp(out->status, "draft") != 0 && strcmp(out->status, "quote"))
        return errinfo_set(ei, ERR_CONFLICT, "invoice_not_draft", NULL,
                           "this invoice is %s; only a draft or a quote is "
                           "finalized",
                           out->status);
    rc = store_clinic_get(ctx->db, ctx->a, ctx->account_id, out->clinic_id, &c,
                          ei);
    if (rc == ERR_OK)
        rc = store_invoice_next_number(
            ctx->db, ctx->a, ctx->account_id, out->clinic_id,
            number_prefix(ctx->a, c.name), &prefix, &n, ei);
    if (rc)
        return app_store_fail(rc, ei);
    out->kind = "invoice";
    out->status = "open";
    out->number = arena_printf(ctx->a, "%s-%06lld", prefix, (long long)n);
    out->finalized_at_ms = ctx->now_ms;
    out->updated_at_ms = ctx->now_ms;
    rc = store_invoice_finalize(ctx->db, ctx->a, ctx->account_id, out, ei);
    if (rc)
        return app_store_fail(rc, ei);
    json_t *sum = json_object();
    json_put(sum, "number", json_string(out->number));
    return app_audit(ctx, "invoice.finalize", "invoice", id, sum, ei);
}

/* ---- changes ---- */

static bool
is_editable(const struct invoice *v)
{
    return strcmp(v->status, "quote") == 0 || strcmp(v->status, "draft") == 0;
}

static enum err
not_editable(const struct invoice *v, struct errinfo *ei)
{
    return errinfo_set(ei, ERR_CONFLICT, "invoice_not_draft", NULL,
                       "this invoice is %s; only a quote or a draft changes",
                       v->status);
}

/* The stored lines of v as pricing input (item, quantity, discount). */
static enum err
stored_lines(struct app_ctx *ctx, const struct invoice *v,
             struct invoice_line_input **out, size_t *n, struct errinfo *ei)
{
    struct invoice_line *ls;
    struct invoice_line_input *in;
    enum err rc = store_invoice_lines(ctx->db, ctx->a, ctx->account_id, v->id,
                                      &ls, n, ei);

    if (rc)
        return app_store_fail(rc, ei);
    in = arena_array(ctx->a, *n + 1, sizeof(*in));
    if (in == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < *n; i++) {
        in[i].item_id = ls[i].item_id;
        in[i].quantity = ls[i].quantity;
        in[i].discount.kind = (enum pricing_discount_kind)ls[i].discount_kind;
        in[i].discount.value = ls[i].discount_value;
    }
    *out = in;
    return ERR_OK;
}

/* Price v again with lines and write its totals and lines. */
static enum err
reprice(struct app_ctx *ctx, struct invoice *v,
        const struct invoice_line_input *lines, size_t n, struct errinfo *ei)
{
    struct invoice_preview_input pin = {
        .clinic_id = v->clinic_id,
        .patient_id = v->patient_id,
        .lines = lines,
        .line_count = n,
        .discount = {(enum pricing_discount_kind)v->discount_kind,
                     v->discount_value},
    };
    struct invoice_preview pv;
    struct invoice_line l;
    enum err rc = app_invoice_preview(ctx, &pin, &pv, ei);

    if (rc)
        return rc;
    v->gross_minor = pv.totals.gross_minor;
    v->discount_minor = pv.totals.discount_minor;
    v->net_minor = pv.totals.net_minor;
    v->tax_minor = pv.totals.tax_minor;
    v->total_minor = pv.totals.net_minor + pv.totals.tax_minor;
    rc = store_invoice_lines_delete(ctx->db, ctx->a, ctx->account_id, v->id,
                                    ei);
    for (size_t i = 0; rc == ERR_OK && i < n; i++) {
        line_of(&pv, &lines[i], i, &l);
        rc = store_invoice_line_insert(ctx->db, ctx->a, ctx->account_id, v->id,
                                       &l, ei);
    }
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* Write v's fields and audit action with sum. */
static enum err
save(struct app_ctx *ctx, struct invoice *v, const char *action, json_t *sum,
     struct errinfo *ei)
{
    enum err rc;

    v->updated_at_ms = ctx->now_ms;
    rc = store_invoice_update(ctx->db, ctx->a, ctx->account_id, v, ei);
    if (rc)
        return app_store_fail(rc, ei);
    return app_audit(ctx, action, "invoice", v->id, sum, ei);
}

enum err
app_invoice_update(struct app_ctx *ctx, const char *id,
                   const struct invoice_update_input *in, struct errinfo *ei)
{
    struct invoice v;
    const struct invoice_line_input *lines = in->lines;
    struct invoice_line_input *kept = NULL;
    size_t n = in->line_count;
    enum err rc = invoice_load(ctx, id, &v, ei);

    if (rc == ERR_OK && !is_editable(&v))
        rc = not_editable(&v, ei);
    if (rc == ERR_OK && in->set_provider)
        rc = check_provider(ctx, in->provider_id, ei);
    if (rc == ERR_OK && lines == NULL) {
        rc = stored_lines(ctx, &v, &kept, &n, ei);
        lines = kept;
    }
    if (rc)
        return rc;
    if (in->set_patient)
        v.patient_id = in->patient_id;
    if (in->set_provider)
        v.provider_id = in->provider_id;
    if (in->set_discount) {
        v.discount_kind = in->discount.kind;
        v.discount_value = in->discount.value;
    }
    rc = reprice(ctx, &v, lines, n, ei);
    if (rc)
        return rc;
    json_t *sum = json_object();
    json_put(sum, "total", json_integer(v.total_minor));
    return save(ctx, &v, "invoice.update", sum, ei);
}

enum err
app_invoice_send(struct app_ctx *ctx, const char *id, struct errinfo *ei)
{
    struct invoice v;
    enum err rc = invoice_load(ctx, id, &v, ei);

    if (rc)
        return rc;
    if (strcmp(v.status, "draft") != 0 && strcmp(v.status, "open") != 0 &&
        strcmp(v.status, "partially_paid") != 0)
        return errinfo_set(ei, ERR_CONFLICT, "invoice_not_payable", NULL,
                           "a %s invoice is not checked out (convert a "
                           "quote first)",
                           v.status);
    if (v.queued_at_ms > 0)
        return ERR_OK; /* already waiting at the desk */
    v.queued_at_ms = ctx->now_ms;
    return save(ctx, &v, "invoice.send_to_front_desk", json_object(), ei);
}

enum err
app_invoice_queue(struct app_ctx *ctx, const char *clinic_id,
                  struct invoice **out, size_t *count, struct errinfo *ei)
{
    enum err rc = store_invoice_queue(ctx->db, ctx->a, ctx->account_id,
                                      clinic_id, PAGE_LIMIT_MAX, out, count,
                                      ei);

    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_invoice_convert(struct app_ctx *ctx, const char *id, struct errinfo *ei)
{
    struct invoice v;
    enum err rc = invoice_load(ctx, id, &v, ei);

    if (rc)
        return rc;
    if (strcmp(v.status, "quote") != 0)
        return errinfo_set(ei, ERR_CONFLICT, "invoice_not_quote", NULL,
                           "only a quote converts; this is a %s invoice",
                           v.status);
    v.kind = "invoice";
    v.status = "draft";
    return save(ctx, &v, "invoice.convert", json_object(), ei);
}

enum err
app_invoice_change_provider(struct app_ctx *ctx, const char *id,
                            const char *provider_id, struct errinfo *ei)
{
    struct invoice v;
    enum err rc = invoice_load(ctx, id, &v, ei);

    if (rc == ERR_OK &&
        (strcmp(v.status, "void") == 0 || strcmp(v.status, "refunded") == 0))
        rc = errinfo_set(ei, ERR_CONFLICT, "invoice_closed", NULL,
                         "a %s invoice keeps its provider", v.status);
    if (rc == ERR_OK)
        rc = check_provider(ctx, provider_id, ei);
    if (rc)
        return rc;
    json_t *sum = json_object();
    json_put(sum, "from", json_str_or_null(v.provider_id));
    json_put(sum, "to", json_string(provider_id));
    v.provider_id = provider_id;
    return save(ctx, &v, "invoice.change_provider", sum, ei);
}

enum err
app_invoice_void(struct app_ctx *ctx, const char *id, struct errinfo *ei)
{
    struct invoice v;
    bool paying;
    enum err rc = invoice_load(ctx, id, &v, ei);

    if (rc)
        return rc;
    if (strcmp(v.status, "open") != 0 && strcmp(v.status, "draft") != 0)
        return errinfo_set(ei, ERR_CONFLICT, "invoice_not_voidable", NULL,
                           "a %s invoice is not voided%s", v.status,
                           v.paid_minor > 0 ? " (refund it instead)" : "");
    if (v.paid_minor > 0)
        return errinfo_set(ei, ERR_CONFLICT, "invoice_not_voidable", NULL,
                           "payments were taken on this invoice: refund "
                           "them instead");
    rc = app_checkout_pending(ctx, v.id, &paying, ei);
    if (rc == ERR_OK && paying)
        rc = errinfo_set(ei, ERR_CONFLICT, "invoice_payment_in_progress", NULL,
                         "a payment of this invoice is under way");
    if (rc)
        return rc;
    v.status = "void";
    v.queued_at_ms = 0; /* off the desk's queue */
    return save(ctx, &v, "invoice.void", json_object(), ei);
}

enum err
app_patient_balance(struct app_ctx *ctx, const char *patient_id, int64_t *owed,
                    int64_t *invoices, const char **currency,
                    struct errinfo *ei)
{
    struct patient p;
    struct account acct;
    enum err rc = store_patient_get(ctx->db, ctx->a, ctx->account_id,
                                    patient_id, &p, ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "patient", patient_id, "id");
    if (rc == ERR_OK)
        rc = store_account_get(ctx->db, ctx->a, ctx->account_id, &acct, ei);
    if (rc == ERR_OK)
        rc = store_patient_balance(ctx->db, ctx->a, ctx->account_id, patient_id,
                                   owed, invoices, ei);
    if (rc)
        return app_store_fail(rc, ei);
    *currency = acct.currency;
    return ERR_OK;
}
