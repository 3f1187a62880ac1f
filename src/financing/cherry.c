/*
 * cherry.c - Cherry (patient financing), sandbox mode: its rules for the
 * sandbox engine and its operations table (docs/financing.md).
 *
 * Cherry finances a treatment for a patient whose application it
 * approves, in US dollars, from $50.00 to $10,000.00. The practice is
 * paid the whole amount; the patient repays Cherry. There is no live
 * Cherry connector: only the sandbox answers for "cherry".
 */
#include "financing/financing_int.h"

static const char *const cherry_currencies[] = {"USD", NULL};

static const struct fin_decline cherry_declines[] = {
    {13, "application_declined",
     "Cherry declined the patient's application; choose another way to "
     "pay"},
    {14, "approval_amount_exceeded",
     "the amount is more than Cherry approved for this patient"},
};

const struct fin_rules fin_cherry_rules = {
    .provider = "cherry",
    .display_name = "Cherry",
    .charge_prefix = "chy",
    .refund_prefix = "chyre",
    .amount_min = 5000,
    .amount_max = 1000000,
    .range_message = "Cherry finances $50.00 to $10,000.00",
    .currencies = cherry_currencies,
    .declines = cherry_declines,
    .decline_count = sizeof(cherry_declines) / sizeof(cherry_declines[0]),
};

static enum err
cherry_connect(const struct fin_ctx *ctx, const char *name, struct errinfo *ei)
{
    return fin_sandbox_connect(&fin_cherry_rules, ctx, name, ei);
}

static enum err
cherry_disconnect(const struct fin_ctx *ctx, struct errinfo *ei)
{
    return fin_sandbox_disconnect(&fin_cherry_rules, ctx, ei);
}

static enum err
cherry_charge(const struct fin_ctx *ctx, const struct fin_charge_req *r,
              struct fin_charge *out, struct errinfo *ei)
{
    return fin_sandbox_charge(&fin_cherry_rules, ctx, r, out, ei);
}

static enum err
cherry_refund(const struct fin_ctx *ctx, const char *idem_key,
              const char *charge_ref, int64_t amount, const char *currency,
              struct fin_refund *out, struct errinfo *ei)
{
    return fin_sandbox_refund(&fin_cherry_rules, ctx, idem_key, charge_ref,
                              amount, currency, out, ei);
}

static enum err
cherry_cancel(const struct fin_ctx *ctx, const char *idem_key,
              const char *charge_ref, struct fin_charge *out,
              struct errinfo *ei)
{
    return fin_sandbox_cancel(&fin_cherry_rules, ctx, idem_key, charge_ref, out,
                              ei);
}

static enum err
cherry_lookup(const struct fin_ctx *ctx, const char *idem_key,
              struct fin_charge *out, struct errinfo *ei)
{
    return fin_sandbox_lookup(&fin_cherry_rules, ctx, idem_key, out, ei);
}

static enum err
cherry_charges_list(const struct fin_ctx *ctx, int64_t limit,
                    const char *starting_after, struct fin_charge **out,
                    size_t *count, bool *has_more, struct errinfo *ei)
{
    return fin_sandbox_charges_list(&fin_cherry_rules, ctx, limit,
                                    starting_after, out, count, has_more, ei);
}

const struct fin_ops fin_cherry_sandbox_ops = {
    .provider = "cherry",
    .mode = "sandbox",
    .connect = cherry_connect,
    .disconnect = cherry_disconnect,
    .charge = cherry_charge,
    .refund = cherry_refund,
    .cancel = cherry_cancel,
    .lookup = cherry_lookup,
    .charges_list = cherry_charges_list,
};
