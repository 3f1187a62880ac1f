/*
 * invoice.c - pricing invoices from the catalog (preview for now).
 *
 * The items of all lines are read in one statement, the tip's providers
 * in another; then core/pricing does every sum.
 */
#include "app/invoice.h"

#include <string.h>

#include "base/assert.h"
#include "base/money.h"
#include "store/clinics.h"
#include "store/patients.h"

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
    if (rc)
        return rc;
    for (size_t i = 0; i < in->line_count; i++) {
        pl[i] = (struct pricing_line){
            .item_id = out->items[i]->id,
            .quantity = in->lines[i].quantity,
            .list_price_minor = out->items[i]->price_minor,
            .member_price_minor = PRICING_NO_PRICE,
            .taxable = out->items[i]->taxable,
            .discount = in->lines[i].discount,
        };
    }
    pin.currency = currency_by_code(str_c(c.currency))->numeric;
    pin.tax_rate_bps = c.tax_rate_bps;
    pin.lines = pl;
    pin.line_count = in->line_count;
    pin.invoice_discount = in->discount;
    pin.tips = (struct pricing_tips){.amount_minor = in->tip_minor,
                                     .split = in->tip_split,
                                     .shares = in->tip_shares,
                                     .provider_count = in->tip_provider_count};
    pin.discount_limited = !role_at_least(ctx->role, ROLE_ADMIN);
    pin.discount_limit_bps = PRICING_DISCOUNT_LIMIT_DEFAULT_BPS;
    out->currency = c.currency;
    out->line_count = in->line_count;
    return pricing_compute(&pin, out->lines, out->tip_parts, &out->totals, ei);
}
