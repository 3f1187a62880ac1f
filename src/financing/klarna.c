/*
 * klarna.c - Klarna (buy now, pay later: pay in 4), sandbox mode: its
 * rules for the sandbox engine and its operations table
 * (docs/financing.md).
 *
 * Klarna pays the practice the whole amount at once and collects it from
 * the patient in four interest-free instalments, for purchases from
 * 35.00 to 1,000.00 in US, Canadian or Australian dollars, pounds or
 * euros. There is no live Klarna connector: only the sandbox answers for
 * "klarna".
 */
#include "financing/financing_int.h"

static const char *const klarna_currencies[] = {"USD", "CAD", "AUD",
                                                "GBP", "EUR", NULL};

static const struct fin_decline klarna_declines[] = {
    {13, "purchase_rejected",
     "Klarna did not approve this purchase; choose another way to pay"},
    {14, "customer_abandoned", "the patient did not finish Klarna's checkout"},
};

const struct fin_rules fin_klarna_rules = {
    .provider = "klarna",
    .display_name = "Klarna",
    .charge_prefix = "kln",
    .refund_prefix = "klnre",
    .amount_min = 3500,
    .amount_max = 100000,
    .range_message = "Klarna pay in 4 takes 35.00 to 1,000.00",
    .currencies = klarna_currencies,
    .declines = klarna_declines,
    .decline_count = sizeof(klarna_declines) / sizeof(klarna_declines[0]),
};

static enum err
klarna_connect(const struct fin_ctx *ctx, const char *name, struct errinfo *ei)
{
    return fin_sandbox_connect(&fin_klarna_rules, ctx, name, ei);
}

static enum err
klarna_disconnect(const struct fin_ctx *ctx, struct errinfo *ei)
{
    return fin_sandbox_disconnect(&fin_klarna_rules, ctx, ei);
}

static enum err
klarna_charge(const struct fin_ctx *ctx, const struct fin_charge_req *r,
              struct fin_charge *out, struct errinfo *ei)
{
    return fin_sandbox_charge(&fin_klarna_rules, ctx, r, out, ei);
}

static enum err
klarna_refund(const struct fin_ctx *ctx, const char *idem_key,
              const char *charge_ref, int64_t amount, const char *currency,
              struct fin_refund *out, struct errinfo *ei)
{
    return fin_sandbox_refund(&fin_klarna_rules, ctx, idem_key, charge_ref,
                              amount, currency, out, ei);
}

static enum err
klarna_cancel(const struct fin_ctx *ctx, const char *idem_key,
              const char *charge_ref, struct fin_charge *out,
              struct errinfo *ei)
{
    return fin_sandbox_cancel(&fin_klarna_rules, ctx, idem_key, charge_ref, out,
                              ei);
}

static enum err
klarna_lookup(const struct fin_ctx *ctx, const char *idem_key,
              struct fin_charge *out, struct errinfo *ei)
{
    return fin_sandbox_lookup(&fin_klarna_rules, ctx, idem_key, out, ei);
}

static enum err
klarna_charges_list(const struct fin_ctx *ctx, int64_t limit,
                    const char *starting_after, struct fin_charge **out,
                    size_t *count, bool *has_more, struct errinfo *ei)
{
    return fin_sandbox_charges_list(&fin_klarna_rules, ctx, limit,
                                    starting_after, out, count, has_more, ei);
}

const struct fin_ops fin_klarna_sandbox_ops = {
    .provider = "klarna",
    .mode = "sandbox",
    .connect = klarna_connect,
    .disconnect = klarna_disconnect,
    .charge = klarna_charge,
    .refund = klarna_refund,
    .cancel = klarna_cancel,
    .lookup = klarna_lookup,
    .charges_list = klarna_charges_list,
};
