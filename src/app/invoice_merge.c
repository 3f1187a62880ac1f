/*
 * invoice_merge.c - several open invoices of one patient become one.
 *
 * The lines are carried over as they were priced (each line's discounts,
 * its share of its invoice's discount, its tax), so the merged invoice
 * owes exactly what the others did together. It is finalized at once,
 * with its clinic's next number; the others become void, naming it.
 */
#include <string.h>

#include "app/checkout.h"
#include "app/invoice.h"
#include "base/assert.h"
#include "base/crypto.h"

static enum err
not_mergeable(struct errinfo *ei, size_t i, const char *why, const char *number)
{
    errinfo_set(ei, ERR_RULE, "invoices_not_mergeable", NULL, "invoice %s %s",
                number != NULL ? number : "(draft)", why);
    snprintf(ei->param, sizeof(ei->param), "invoices[%zu]", i);
    return ERR_RULE;
}

/* Load invoice i of ids and check it may join the first one. */
static enum err
load_one(struct app_ctx *ctx, const char *const *ids, size_t i,
         const struct invoice *first, struct invoice *out, struct errinfo *ei)
{
    bool paying;
    enum err rc = store_invoice_get(ctx->db, ctx->a, ctx->account_id, ids[i],
                                    out, ei);

    if (rc == ERR_NOT_FOUND) {
        app_not_found(ei, "invoice", ids[i], NULL);
        snprintf(ei->param, sizeof(ei->param), "invoices[%zu]", i);
        return ERR_NOT_FOUND;
    }
    if (rc)
        return app_store_fail(rc, ei);
    for (size_t j = 0; j < i; j++) {
        if (strcmp(ids[j], ids[i]) == 0)
            return not_mergeable(ei, i, "is named twice", out->number);
    }
    if (strcmp(out->status, "open") != 0 && strcmp(out->status, "draft") != 0)
        return not_mergeable(ei, i, "is not open", out->number);
    if (out->paid_minor != 0)
        return not_mergeable(ei, i, "has payments", out->number);
    if (out->patient_id == NULL)
        return not_mergeable(ei, i, "has no patient", out->number);
    if (first != NULL && strcmp(out->patient_id, first->patient_id) != 0)
        return not_mergeable(ei, i, "is another patient's", out->number);
    if (first != NULL && strcmp(out->clinic_id, first->clinic_id) != 0)
        return not_mergeable(ei, i, "is another clinic's", out->number);
    rc = app_checkout_pending(ctx, out->id, &paying, ei);
    if (rc == ERR_OK && paying)
        return not_mergeable(ei, i, "is being paid", out->number);
    return rc;
}

/* The merged invoice's lines and totals, its lines renumbered. */
static enum err
carry_lines(struct app_ctx *ctx, const struct invoice *from, size_t n,
            struct invoice *into, int64_t *seq, struct errinfo *ei)
{
    for (size_t i = 0; i < n; i++) {
        struct invoice_line *ls;
        size_t nl;
        enum err rc = store_invoice_lines(ctx->db, ctx->a, ctx->account_id,
                                          from[i].id, &ls, &nl, ei);

        for (size_t j = 0; rc == ERR_OK && j < nl; j++) {
            ls[j].seq = ++*seq;
            if (*seq > PRICING_LINES_MAX)
                return errinfo_set(
                    ei, ERR_RULE, "invoices_not_mergeable", "invoices",
                    "together they have more than %d lines", PRICING_LINES_MAX);
            rc = store_invoice_line_insert(ctx->db, ctx->a, ctx->account_id,
                                           into->id, &ls[j], ei);
        }
        if (rc)
            return app_store_fail(rc, ei);
        into->gross_minor += from[i].gross_minor;
        into->discount_minor += from[i].discount_minor;
        into->net_minor += from[i].net_minor;
        into->tax_minor += from[i].tax_minor;
        into->total_minor += from[i].total_minor;
    }
    return ERR_OK;
}

enum err
app_invoice_merge(struct app_ctx *ctx, const char *const *ids, size_t n,
                  struct invoice *out, struct errinfo *ei)
{
    struct invoice *from = arena_array(ctx->a, n, sizeof(*from));
    int64_t seq = 0;
    enum err rc = ERR_OK;

    ASSERT(n >= 2);
    if (from == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < n && rc == ERR_OK; i++)
        rc = load_one(ctx, ids, i, i > 0 ? &from[0] : NULL, &from[i], ei);
    if (rc)
        return rc;
    *out = (struct invoice){
        .id = id_new(ctx->a, "inv", ctx->now_ms),
        .clinic_id = from[0].clinic_id,
        .patient_id = from[0].patient_id,
        .provider_id = from[0].provider_id,
        .kind = "invoice",
        .status = "draft",
        .currency = from[0].currency,
        .source = from[0].source,
        .created_by = ctx->user_id,
        .created_at_ms = ctx->now_ms,
        .updated_at_ms = ctx->now_ms,
    };
    rc = store_invoice_insert(ctx->db, ctx->a, ctx->account_id, out, ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = carry_lines(ctx, from, n, out, &seq, ei);
    if (rc == ERR_OK)
        rc = store_invoice_update(ctx->db, ctx->a, ctx->account_id, out, ei);
    for (size_t i = 0; rc == ERR_OK && i < n; i++)
        rc = store_invoice_merged(ctx->db, ctx->a, ctx->account_id, from[i].id,
                                  out->id, ctx->now_ms, ei);
    if (rc)
        return rc == ERR_RULE ? rc : app_store_fail(rc, ei);
    rc = app_invoice_finalize(ctx, out->id, out, ei);
    if (rc)
        return rc;
    json_t *sum = json_object();
    json_t *merged = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(merged, json_string(from[i].id));
    json_put(sum, "merged", merged);
    json_put(sum, "total", json_integer(out->total_minor));
    return app_audit(ctx, "invoice.merge", "invoice", out->id, sum, ei);
}
