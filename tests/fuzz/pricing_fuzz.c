/*
 * pricing_fuzz.c - fuzz target of the pricing engine's input.
 *
 * The bytes become a pricing_input: lines (quantities, list and member
 * prices, taxability, custom discounts), promotions of every kind, an
 * invoice discount, tips and their split, tier and tax rates, discount
 * authority - in and out of range alike. pricing_compute must never
 * crash, overflow or trip an assertion; when it accepts the input, every
 * total must be the exact sum of its parts and nothing may be negative.
 * Built with libFuzzer (`make fuzz`, clang) or with tests/fuzz/driver.c
 * (random inputs and corpus files, under ASan and UBSan, in `make test`).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/assert.h"
#include "core/pricing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct bytes {
    const uint8_t *p;
    size_t n;
};

static uint64_t
take(struct bytes *b, size_t len)
{
    uint64_t v = 0;

    for (size_t i = 0; i < len; i++) {
        v = v << 8 | (b->n > 0 ? *b->p : 0);
        if (b->n > 0)
            b->p++, b->n--;
    }
    return v;
}

/* A value mostly in [lo, hi], sometimes just outside or far outside. */
static int64_t
ranged(struct bytes *b, int64_t lo, int64_t hi)
{
    uint64_t sel = take(b, 1);
    uint64_t raw = take(b, 4);

    if (hi < lo)
        return lo;
    if (sel < 8)
        return (int64_t)(raw % 3) - 1 + (sel & 1 ? hi : lo); /* at an edge */
    if (sel < 10)
        return (int64_t)take(b, 8); /* anything */
    return lo + (int64_t)(raw % (uint64_t)(hi - lo + 1));
}

static const char *const item_ids[] = {"a", "b", "c", "d", "e", "f"};
#define ITEMS (sizeof(item_ids) / sizeof(item_ids[0]))

static struct pricing_discount
discount(struct bytes *b, int64_t amount_max)
{
    struct pricing_discount d = {0};

    d.kind = (enum pricing_discount_kind)(take(b, 1) % 4);
    d.value = d.kind == PRICING_DISCOUNT_PERCENT
                  ? ranged(b, 0, PRICING_BPS_WHOLE)
                  : ranged(b, 0, amount_max);
    return d;
}

static void
check_result(const struct pricing_input *in,
             const struct pricing_line_result *r, const int64_t *tips,
             const struct pricing_totals *t)
{
    int64_t net = 0, tax = 0, tip = 0;

    for (size_t i = 0; i < in->line_count; i++) {
        ASSERT(r[i].net_minor >= 0 && r[i].tax_minor >= 0);
        ASSERT(r[i].total_minor == r[i].net_minor + r[i].tax_minor);
        ASSERT(r[i].gross_minor - r[i].tier_discount_minor -
                   r[i].promo_discount_minor - r[i].line_discount_minor -
                   r[i].invoice_discount_minor ==
               r[i].net_minor);
        net += r[i].net_minor;
        tax += r[i].tax_minor;
    }
    for (size_t k = 0; k < in->tips.provider_count; k++) {
        ASSERT(tips[k] >= 0);
        tip += tips[k];
    }
    ASSERT(net == t->net_minor && tax == t->tax_minor);
    ASSERT(in->tips.provider_count == 0 || tip == t->tip_minor);
    ASSERT(t->total_minor == t->net_minor + t->tax_minor + t->tip_minor);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bytes b = {data, size};
    struct pricing_line lines[PRICING_LINES_MAX];
    struct pricing_promo promos[4];
    const char *sets[4][ITEMS];
    const char *gets[4][ITEMS];
    int64_t shares[PRICING_PROVIDERS_MAX];
    struct pricing_line_result out[PRICING_LINES_MAX];
    int64_t tip_parts[PRICING_PROVIDERS_MAX + 1];
    struct pricing_totals totals;
    struct errinfo ei;
    struct pricing_input in = {0};

    in.currency = take(&b, 1) % 8 ? 840 : (uint16_t)take(&b, 2);
    in.tax_rate_bps = ranged(&b, 0, PRICING_BPS_WHOLE);
    in.tier_discount_bps = ranged(&b, 0, PRICING_BPS_WHOLE);
    in.line_count = 1 + take(&b, 1) % 12;
    for (size_t i = 0; i < in.line_count; i++) {
        lines[i] = (struct pricing_line){
            .item_id = item_ids[take(&b, 1) % ITEMS],
            .quantity = ranged(&b, 1, 20),
            .list_price_minor = ranged(&b, 0, 200000),
            .member_price_minor = take(&b, 1) % 3 ? PRICING_NO_PRICE
                                                  : ranged(&b, 0, 200000),
            .taxable = take(&b, 1) & 1,
            .discount = discount(&b, 50000),
        };
    }
    in.lines = lines;
    in.promo_count = take(&b, 1) % 5;
    for (size_t j = 0; j < in.promo_count; j++) {
        size_t n = 1 + take(&b, 1) % ITEMS;
        size_t m = 1 + take(&b, 1) % ITEMS;

        for (size_t k = 0; k < n; k++)
            sets[j][k] = item_ids[take(&b, 1) % ITEMS];
        for (size_t k = 0; k < m; k++)
            gets[j][k] = item_ids[take(&b, 1) % ITEMS];
        promos[j] = (struct pricing_promo){
            .kind = (enum pricing_promo_kind)(take(&b, 1) % 4),
            .items = sets[j],
            .item_count = n,
            .get_items = gets[j],
            .get_item_count = m,
            .buy_quantity = ranged(&b, 1, 4),
            .get_quantity = ranged(&b, 1, 4),
            .discount = discount(&b, 100000),
            .package_price_minor = ranged(&b, 0, 300000),
        };
    }
    in.promos = promos;
    in.invoice_discount = discount(&b, 200000);
    in.tips.amount_minor = take(&b, 1) % 2 ? ranged(&b, 0, 50000) : 0;
    in.tips.provider_count = take(&b, 1) % 5;
    in.tips.split = (enum pricing_tip_split)(take(&b, 1) % 4);
    for (size_t k = 0; k < in.tips.provider_count; k++)
        shares[k] = in.tips.split == PRICING_TIP_PERCENT
                        ? ranged(&b, 0, PRICING_BPS_WHOLE)
                        : ranged(&b, 0, in.tips.amount_minor);
    in.tips.shares = shares;
    in.discount_limited = take(&b, 1) & 1;
    in.discount_limit_bps = ranged(&b, 0, PRICING_BPS_WHOLE);
    errinfo_clear(&ei);
    if (pricing_compute(&in, out, tip_parts, &totals, &ei) == ERR_OK)
        check_result(&in, out, tip_parts, &totals);
    return 0;
}
