/*
 * invoice.h - invoices. For now: pricing a prospective invoice (the
 * preview the checkout screen shows as lines are added), with every
 * amount computed by core/pricing from the catalog's prices, the clinic's
 * tax rate and the caller's discount authority; the browser never
 * computes money.
 */
#ifndef POISE_APP_INVOICE_H
#define POISE_APP_INVOICE_H

#include "app/app.h"
#include "core/pricing.h"
#include "store/invoices.h"

struct invoice_line_input {
    const char *item_id; /* a service or a product of the account */
    int64_t quantity;
    struct pricing_discount discount;
};

struct invoice_preview_input {
    const char *clinic_id;
    const char *patient_id; /* may be NULL */
    const struct invoice_line_input *lines;
    size_t line_count;
    struct pricing_discount discount; /* on the whole invoice */
    int64_t tip_minor;
    enum pricing_tip_split tip_split;
    const char *const *tip_providers; /* user ids, tip_provider_count */
    const int64_t *tip_shares;        /* unless PRICING_TIP_EQUAL */
    size_t tip_provider_count;
};

struct invoice_preview {
    const char *currency;
    size_t line_count;
    const struct priced_item **items;  /* per line, arena-owned */
    struct pricing_line_result *lines; /* per line, arena-owned */
    int64_t *tip_parts;                /* per provider, arena-owned */
    struct pricing_totals totals;
};

/*
 * Price in without saving anything. ERR_INVALID naming the member
 * ("lines[2].item", "lines[0].quantity", ...), ERR_NOT_FOUND for an
 * unknown clinic or patient, ERR_FORBIDDEN "discount_limit_exceeded" when
 * a provider or front desk gives more than the account's discount limit
 * (admins have none).
 */
MUST_CHECK enum err app_invoice_preview(struct app_ctx *ctx,
                                        const struct invoice_preview_input *in,
                                        struct invoice_preview *out,
                                        struct errinfo *ei);

#endif
