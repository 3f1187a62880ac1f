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
#include "app/membership.h"
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
    /* The promotions priced with: a line's promo_index is an index here. */
    const char *const *promotion_ids;
    struct member_pricing member; /* the patient's active tier, if any */
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

struct invoice_create_input {
    struct invoice_preview_input lines; /* clinic, patient, lines, discount */
    const char *kind;                   /* "quote" | "invoice" */
    const char *provider_id;            /* may be NULL */
    const char *source; /* procedure, treatment_plan, quick_pay (default) */
};

/*
 * Price and save a quote (status quote) or an invoice (status draft);
 * tips are given at payment, not here. *lines arena-owned.
 */
MUST_CHECK enum err app_invoice_create(struct app_ctx *ctx,
                                       const struct invoice_create_input *in,
                                       struct invoice *out,
                                       struct invoice_line **lines,
                                       size_t *line_count, struct errinfo *ei);
MUST_CHECK enum err app_invoice_get(struct app_ctx *ctx, const char *id,
                                    struct invoice *out,
                                    struct invoice_line **lines,
                                    size_t *line_count, struct errinfo *ei);
MUST_CHECK enum err app_invoice_list(struct app_ctx *ctx,
                                     const struct invoice_filter *f,
                                     const struct page *page,
                                     struct invoice **out, size_t *count,
                                     bool *has_more, struct errinfo *ei);
/* Delete a quote or a draft; anything finalized is ERR_CONFLICT. */
MUST_CHECK enum err app_invoice_delete(struct app_ctx *ctx, const char *id,
                                       struct errinfo *ei);
/*
 * Finalize a draft: it becomes open and takes its clinic's next number
 * ("GLO-000123"), without gaps. A quote is converted first; anything else
 * is ERR_CONFLICT "invoice_not_draft".
 */
MUST_CHECK enum err app_invoice_finalize(struct app_ctx *ctx, const char *id,
                                         struct invoice *out,
                                         struct errinfo *ei);

/* What PATCH may change while an invoice is a quote or a draft. */
struct invoice_update_input {
    const struct invoice_line_input *lines; /* NULL: keep the lines */
    size_t line_count;
    bool set_discount;
    struct pricing_discount discount;
    bool set_patient;
    const char *patient_id; /* NULL clears it */
    bool set_provider;
    const char *provider_id;
};

/* Change and price again a quote or a draft (ERR_CONFLICT otherwise). */
MUST_CHECK enum err app_invoice_update(struct app_ctx *ctx, const char *id,
                                       const struct invoice_update_input *in,
                                       struct errinfo *ei);
/* Put a draft or open invoice in its clinic's front-desk queue. */
MUST_CHECK enum err app_invoice_send(struct app_ctx *ctx, const char *id,
                                     struct errinfo *ei);
/* The clinic's queue, oldest first (at most 100). */
MUST_CHECK enum err app_invoice_queue(struct app_ctx *ctx,
                                      const char *clinic_id,
                                      struct invoice **out, size_t *count,
                                      struct errinfo *ei);
/* A quote becomes a draft invoice, with the same lines and prices. */
MUST_CHECK enum err app_invoice_convert(struct app_ctx *ctx, const char *id,
                                        struct errinfo *ei);
/* Whose sale it is; not once it is void or refunded. */
MUST_CHECK enum err app_invoice_change_provider(struct app_ctx *ctx,
                                                const char *id,
                                                const char *provider_id,
                                                struct errinfo *ei);

/*
 * Void an invoice nothing was paid on (open or draft): it stays, with its
 * number, as void; a paid one is ERR_CONFLICT (refund it instead).
 */
MUST_CHECK enum err app_invoice_void(struct app_ctx *ctx, const char *id,
                                     struct errinfo *ei);

/*
 * Merge n >= 2 open (or draft) invoices of one patient at one clinic,
 * nothing paid on any, into one new invoice, finalized, carrying their
 * lines as priced; the others become void naming it (merged_into).
 * ERR_RULE "invoices_not_mergeable" naming "invoices[i]" otherwise.
 */
MUST_CHECK enum err app_invoice_merge(struct app_ctx *ctx,
                                      const char *const *ids, size_t n,
                                      struct invoice *out, struct errinfo *ei);

/* What a patient owes over their open invoices. */
MUST_CHECK enum err app_patient_balance(struct app_ctx *ctx,
                                        const char *patient_id, int64_t *owed,
                                        int64_t *invoices,
                                        const char **currency,
                                        struct errinfo *ei);

#endif
