/*
 * pricing_test.c - tests for core/pricing: every worked example of
 * docs/pricing.md as a golden test (same numbers, same order), the
 * discount authority, bad input with its parameter path, and a property
 * test over random invoices with a fixed seed.
 */
#include "core/pricing.h"

#include <stdint.h>
#include <string.h>

#include "harness.h"

#define USD 840
#define NONE PRICING_NO_PRICE

static struct pricing_line
line(const char *item, int64_t quantity, int64_t list_price)
{
    return (struct pricing_line){item, quantity, list_price,
                                 NONE, false,    {PRICING_DISCOUNT_NONE, 0}};
}

static struct pricing_input
invoice(const struct pricing_line *lines, size_t n)
{
    struct pricing_input in;

    memset(&in, 0, sizeof(in));
    in.currency = USD;
    in.lines = lines;
    in.line_count = n;
    in.discount_limit_bps = PRICING_DISCOUNT_LIMIT_DEFAULT_BPS;
    return in;
}

/* gross, tier, promo, line and invoice discounts, net, tax of one line. */
#define CHECK_LINE(r, g, t, p, l, v, n, x)                                     \
    do {                                                                       \
        CHECK_I64((r).gross_minor, g);                                         \
        CHECK_I64((r).tier_discount_minor, t);                                 \
        CHECK_I64((r).promo_discount_minor, p);                                \
        CHECK_I64((r).line_discount_minor, l);                                 \
        CHECK_I64((r).invoice_discount_minor, v);                              \
        CHECK_I64((r).net_minor, n);                                           \
        CHECK_I64((r).tax_minor, x);                                           \
        CHECK_I64((r).total_minor, (n) + (x));                                 \
    } while (0)

/* Example 1: list prices, no discount, no tax. */
TEST(pricing_example_plain)
{
    struct pricing_line ls[] = {line("hydrafacial", 1, 19900),
                                line("cleanser", 2, 2450)};
    struct pricing_input in = invoice(ls, 2);
    struct pricing_line_result r[2];
    struct pricing_totals t;

    CHECK_RC(pricing_compute(&in, r, NULL, &t, NULL), ERR_OK);
    CHECK_I64(r[1].unit_price_minor, 2450);
    CHECK_LINE(r[0], 19900, 0, 0, 0, 0, 19900, 0);
    CHECK_LINE(r[1], 4900, 0, 0, 0, 0, 4900, 0);
    CHECK_I64(r[0].promo_index, -1);
    CHECK_I64(t.gross_minor, 24800);
    CHECK_I64(t.discount_minor, 0);
    CHECK_I64(t.total_minor, 24800);
}

/* Example 2: member price wins over list price, and skips the tier %. */
TEST(pricing_example_member_price)
{
    struct pricing_line ls[] = {line("botox", 20, 1200),
                                line("cleanser", 1, 2450)};
    struct pricing_input in = invoice(ls, 2);
    struct pricing_line_result r[2];
    struct pricing_totals t;

    ls[0].member_price_minor = 1000;
    in.tier_discount_bps = 1000;
    CHECK_RC(pricing_compute(&in, r, NULL, &t, NULL), ERR_OK);
    CHECK_I64(r[0].unit_price_minor, 1000);
    CHECK_LINE(r[0], 20000, 0, 0, 0, 0, 20000, 0);
    CHECK_LINE(r[1], 2450, 245, 0, 0, 0, 2205, 0);
    CHECK_I64(t.tier_discount_minor, 245);
    CHECK_I64(t.total_minor, 22205);
}

/* Example 3: the tier % rounds half up on each line. */
TEST(pricing_example_tier_percent)
{
    struct pricing_line ls[] = {line("hydrafacial", 1, 19900),
                                line("lip-balm", 1, 333),
                                line("sample", 1, 10)};
    struct pricing_input in = invoice(ls, 3);
    struct pricing_line_result r[3];
    struct pricing_totals t;

    in.tier_discount_bps = 1500;
    CHECK_RC(pricing_compute(&in, r, NULL, &t, NULL), ERR_OK);
    CHECK_LINE(r[0], 19900, 2985, 0, 0, 0, 16915, 0);
    CHECK_LINE(r[1], 333, 50, 0, 0, 0, 283, 0);
    CHECK_LINE(r[2], 10, 2, 0, 0, 0, 8, 0);
    CHECK_I64(t.discount_minor, 3037);
    CHECK_I64(t.total_minor, 17206);
}

/* Example 4: buy 2 get 1 free over one set: the cheapest unit is free. */
TEST(pricing_example_bogo_free)
{
    static const char *const set[] = {"cleanser", "toner"};
    struct pricing_line ls[] = {line("cleanser", 2, 2450),
                                line("toner", 1, 1800)};
    struct pricing_promo p = {PRICING_PROMO_BOGO,
                              set,
                              2,
                              set,
                              2,
                              2,
                              1,
                              {PRICING_DISCOUNT_PERCENT, 10000},
                              0};
    struct pricing_input in = invoice(ls, 2);
    struct pricing_line_result r[2];
    struct pricing_totals t;

    in.promos = &p;
    in.promo_count = 1;
    CHECK_RC(pricing_compute(&in, r, NULL, &t, NULL), ERR_OK);
    CHECK_LINE(r[0], 4900, 0, 0, 0, 0, 4900, 0);
    CHECK_LINE(r[1], 1800, 0, 1800, 0, 0, 0, 0);
    CHECK_I64(r[0].promo_index, 0);
    CHECK_I64(r[1].promo_index, 0);
    CHECK_I64(t.total_minor, 4900);
}

/* Example 5: buy a Hydrafacial, get a peel at 50% off. */
TEST(pricing_example_bogo_half)
{
    static const char *const buy[] = {"hydrafacial"};
    static const char *const get[] = {"peel"};
    struct pricing_line ls[] = {line("hydrafacial", 1, 19900),
                                line("peel", 2, 15000)};
    struct pricing_promo p = {PRICING_PROMO_BOGO,
                              buy,
                              1,
                              get,
                              1,
                              1,
                              1,
                              {PRICING_DISCOUNT_PERCENT, 5000},
                              0};
    struct pricing_input in = invoice(ls, 2);
    struct pricing_line_result r[2];
    struct pricing_totals t;

    in.promos = &p;
    in.promo_count = 1;
    CHECK_RC(pricing_compute(&in, r, NULL, &t, NULL), ERR_OK);
    CHECK_LINE(r[0], 19900, 0, 0, 0, 0, 19900, 0);
    CHECK_LINE(r[1], 30000, 0, 7500, 0, 0, 22500, 0);
    CHECK_I64(t.total_minor, 42400);
}

/* Example 6: $50 off a group, split by largest remainder. */
TEST(pricing_example_group_amount)
{
    static const char *const set[] = {"botox", "filler"};
    struct pricing_line ls[] = {line("botox", 20, 1200),
                                line("filler", 1, 65000),
                                line("cleanser", 1, 2450)};
    struct pricing_promo p = {PRICING_PROMO_GROUP,
                              set,
                              2,
                              NULL,
                              0,
                              0,
                              0,
                              {PRICING_DISCOUNT_AMOUNT, 5000},
                              0};
    struct pricing_input in = invoice(ls, 3);
    struct pricing_line_result r[3];
    struct pricing_totals t;

    in.promos = &p;
    in.promo_count = 1;
    CHECK_RC(pricing_compute(&in, r, NULL, &t, NULL), ERR_OK);
    CHECK_LINE(r[0], 24000, 0, 1348, 0, 0, 22652, 0);
    CHECK_LINE(r[1], 65000, 0, 3652, 0, 0, 61348, 0);
    CHECK_LINE(r[2], 2450, 0, 0, 0, 0, 2450, 0);
    CHECK_I64(r[2].promo_index, -1);
    CHECK_I64(t.promo_discount_minor, 5000);
    CHECK_I64(t.total_minor, 86450);
}

/* Example 7: 10% off a group, per line, half up. */
TEST(pricing_example_group_percent)
{
    static const char *const set[] = {"peel", "hydrafacial"};
    struct pricing_line ls[] = {line("peel", 1, 15000),
                                line("hydrafacial", 1, 19900),
                                line("cleanser", 1, 2450)};
    struct pricing_promo p = {PRICING_PROMO_GROUP,
                              set,
                              2,
                              NULL,
                              0,
                              0,
                              0,
                              {PRICING_DISCOUNT_PERCENT, 1000},
                              0};
    struct pricing_input in = invoice(ls, 3);
    struct pricing_line_result r[3];
    struct pricing_totals t;

    in.promos = &p;
    in.promo_count = 1;
    CHECK_RC(pricing_compute(&in, r, NULL, &t, NULL), ERR_OK);
    CHECK_LINE(r[0], 15000, 0, 1500, 0, 0, 13500, 0);
    CHECK_LINE(r[1], 19900, 0, 1990, 0, 0, 17910, 0);
    CHECK_LINE(r[2], 2450, 0, 0, 0, 0, 2450, 0);
    CHECK_I64(t.total_minor, 33860);
}

/* Example 8: a $300 package allocated in proportion to list price. */
TEST(pricing_example_package)
{
    static const char *const set[] = {"hydrafacial", "peel", "cleanser"};
    struct pricing_line ls[] = {line("hydrafacial", 1, 19900),
                                line("peel", 1, 15000),
                                line("cleanser", 1, 2450)};
    struct pricing_promo p = {
        PRICING_PROMO_PACKAGE,      set,  3, NULL, 0, 0, 0,
        {PRICING_DISCOUNT_NONE, 0}, 30000};
    struct pricing_input in = invoice(ls, 3);
    struct pricing_line_result r[3];
    struct pricing_totals t;

    in.promos = &p;
    in.promo_count = 1;
    CHECK_RC(pricing_compute(&in, r, NULL, &t, NULL), ERR_OK);
    CHECK_LINE(r[0], 19900, 0, 3916, 0, 0, 15984, 0);
    CHECK_LINE(r[1], 15000, 0, 2952, 0, 0, 12048, 0);
    CHECK_LINE(r[2], 2450, 0, 482, 0, 0, 1968, 0);
    CHECK_I64(t.net_minor, 30000);
    CHECK_I64(t.promo_discount_minor, 7350);
}

/* Example 9: line discounts, then $1 off the invoice by largest remainder. */
TEST(pricing_example_line_and_invoice_discount)
{
    struct pricing_line ls[] = {line("a", 1, 1000), line("b", 1, 1000),
                                line("c", 1, 1000)};
    struct pricing_input in = invoice(ls, 3);
    struct pricing_line_result r[3];
    struct pricing_totals t;

    ls[0].discount = (struct pricing_discount){PRICING_DISCOUNT_PERCENT, 1000};
    ls[1].discount = (struct pricing_discount){PRICING_DISCOUNT_AMOUNT, 300};
    in.invoice_discount = (struct pricing_discount){PRICING_DISCOUNT_AMOUNT,
                                                    100};
    in.discount_limited = false; /* an admin: 30% on line b is allowed */
    CHECK_RC(pricing_compute(&in, r, NULL, &t, NULL), ERR_OK);
    CHECK_LINE(r[0], 1000, 0, 0, 100, 35, 865, 0);
    CHECK_LINE(r[1], 1000, 0, 0, 300, 27, 673, 0);
    CHECK_LINE(r[2], 1000, 0, 0, 0, 38, 962, 0);
    CHECK_I64(t.line_discount_minor, 400);
    CHECK_I64(t.invoice_discount_minor, 100);
    CHECK_I64(t.total_minor, 2500);
}

/* Example 10: tax on taxable lines only, on the net, half up. */
TEST(pricing_example_tax)
{
    struct pricing_line ls[] = {line("botox", 10, 1200),
                                line("cleanser", 1, 2450),
                                line("serum", 1, 1000)};
    struct pricing_input in = invoice(ls, 3);
    struct pricing_line_result r[3];
    struct pricing_totals t;

    ls[1].taxable = true;
    ls[1].discount = (struct pricing_discount){PRICING_DISCOUNT_PERCENT, 1000};
    ls[2].taxable = true;
    in.tax_rate_bps = 825;
    CHECK_RC(pricing_compute(&in, r, NULL, &t, NULL), ERR_OK);
    CHECK_LINE(r[0], 12000, 0, 0, 0, 0, 12000, 0);
    CHECK_LINE(r[1], 2450, 0, 0, 245, 0, 2205, 182);
    CHECK_LINE(r[2], 1000, 0, 0, 0, 0, 1000, 83);
    CHECK_I64(t.net_minor, 15205);
    CHECK_I64(t.tax_minor, 265);
    CHECK_I64(t.total_minor, 15470);
}

/* Example 11: a $10 tip, never taxed, split three ways. */
TEST(pricing_example_tips)
{
    static const int64_t percent[] = {3334, 3333, 3333};
    static const int64_t amount[] = {500, 300, 200};
    struct pricing_line ls[] = {line("hydrafacial", 1, 10000)};
    struct pricing_input in = invoice(ls, 1);
    struct pricing_line_result r[1];
    struct pricing_totals t;
    int64_t tips[3] = {-1, -1, -1};

    ls[0].taxable = true;
    in.tax_rate_bps = 1000;
    in.tips = (struct pricing_tips){1000, PRICING_TIP_PERCENT, percent, 3};
    CHECK_RC(pricing_compute(&in, r, tips, &t, NULL), ERR_OK);
    CHECK_I64(tips[0], 334);
    CHECK_I64(tips[1], 333);
    CHECK_I64(tips[2], 333);
    CHECK_I64(t.tax_minor, 1000);
    CHECK_I64(t.tip_minor, 1000);
    CHECK_I64(t.total_minor, 12000);
    in.tips = (struct pricing_tips){1000, PRICING_TIP_EQUAL, NULL, 3};
    CHECK_RC(pricing_compute(&in, r, tips, &t, NULL), ERR_OK);
    CHECK_I64(tips[0], 334);
    CHECK_I64(tips[1], 333);
    CHECK_I64(tips[2], 333);
    in.tips = (struct pricing_tips){1000, PRICING_TIP_AMOUNT, amount, 3};
    CHECK_RC(pricing_compute(&in, r, tips, &t, NULL), ERR_OK);
    CHECK_I64(tips[0], 500);
    CHECK_I64(tips[1], 300);
    CHECK_I64(tips[2], 200);
    CHECK_I64(t.tax_minor, 1000);
}

/* Example 12: a limited actor may give 20%, not 25%; an admin may. */
TEST(pricing_example_discount_limit)
{
    struct pricing_line ls[] = {line("filler", 1, 10000)};
    struct pricing_input in = invoice(ls, 1);
    struct pricing_line_result r[1];
    struct pricing_totals t;
    struct errinfo ei;

    in.discount_limited = true;
    ls[0].discount = (struct pricing_discount){PRICING_DISCOUNT_PERCENT, 2000};
    CHECK_RC(pricing_compute(&in, r, NULL, &t, NULL), ERR_OK);
    CHECK_I64(t.total_minor, 8000);
    ls[0].discount.value = 2500;
    memset(&ei, 0, sizeof(ei));
    CHECK_RC(pricing_compute(&in, r, NULL, &t, &ei), ERR_FORBIDDEN);
    CHECK_I64(strcmp(ei.code, "discount_limit_exceeded"), 0);
    CHECK_I64(strcmp(ei.param, "lines[0].discount"), 0);
    in.discount_limited = false;
    CHECK_RC(pricing_compute(&in, r, NULL, &t, NULL), ERR_OK);
    CHECK_I64(t.total_minor, 7500);
}

/* Example 12, continued: line and invoice discounts count together. */
TEST(pricing_discount_limit_combined)
{
    struct pricing_line ls[] = {line("filler", 1, 10000),
                                line("botox", 1, 10000)};
    struct pricing_input in = invoice(ls, 2);
    struct pricing_line_result r[2];
    struct pricing_totals t;
    struct errinfo ei;

    in.discount_limited = true;
    ls[0].discount = (struct pricing_discount){PRICING_DISCOUNT_AMOUNT, 2000};
    in.invoice_discount = (struct pricing_discount){PRICING_DISCOUNT_AMOUNT,
                                                    2000};
    /* 2000 + 2000 of 20000 is exactly 20%. */
    CHECK_RC(pricing_compute(&in, r, NULL, &t, NULL), ERR_OK);
    CHECK_I64(t.total_minor, 16000);
    in.invoice_discount.value = 2001;
    memset(&ei, 0, sizeof(ei));
    CHECK_RC(pricing_compute(&in, r, NULL, &t, &ei), ERR_FORBIDDEN);
    CHECK_I64(strcmp(ei.param, "invoice_discount"), 0);
    /* 20% on the invoice after a 20% line discount is over 20% in all. */
    in.invoice_discount = (struct pricing_discount){PRICING_DISCOUNT_PERCENT,
                                                    2000};
    CHECK_RC(pricing_compute(&in, r, NULL, &t, &ei), ERR_FORBIDDEN);
    in.discount_limit_bps = 4000;
    CHECK_RC(pricing_compute(&in, r, NULL, &t, &ei), ERR_OK);
}

/* Example 13: a discount larger than what is left clamps at zero. */
TEST(pricing_example_clamp)
{
    struct pricing_line ls[] = {line("sample", 1, 1500),
                                line("cleanser", 1, 3000)};
    struct pricing_input in = invoice(ls, 2);
    struct pricing_line_result r[2];
    struct pricing_totals t;

    ls[0].taxable = true;
    ls[0].discount = (struct pricing_discount){PRICING_DISCOUNT_AMOUNT, 2000};
    in.invoice_discount = (struct pricing_discount){PRICING_DISCOUNT_AMOUNT,
                                                    5000};
    in.tax_rate_bps = 1000;
    CHECK_RC(pricing_compute(&in, r, NULL, &t, NULL), ERR_OK);
    CHECK_LINE(r[0], 1500, 0, 0, 1500, 0, 0, 0);
    CHECK_LINE(r[1], 3000, 0, 0, 0, 3000, 0, 0);
    CHECK_I64(t.discount_minor, 4500);
    CHECK_I64(t.total_minor, 0);
}

/*
 * Units in both sets of a BOGO are discounted only as far as the buy side
 * does not need them: the cheap item is the one bought here.
 */
TEST(pricing_bogo_overlapping_sets)
{
    static const char *const buy[] = {"a"};
    static const char *const get[] = {"a", "b"};
    struct pricing_line ls[] = {line("a", 1, 100), line("b", 1, 500)};
    struct pricing_promo p = {PRICING_PROMO_BOGO,
                              buy,
                              1,
                              get,
                              2,
                              1,
                              1,
                              {PRICING_DISCOUNT_PERCENT, 10000},
                              0};
    struct pricing_input in = invoice(ls, 2);
    struct pricing_line_result r[2];
    struct pricing_totals t;

    in.promos = &p;
    in.promo_count = 1;
    CHECK_RC(pricing_compute(&in, r, NULL, &t, NULL), ERR_OK);
    CHECK_I64(r[0].promo_discount_minor, 0);
    CHECK_I64(r[1].promo_discount_minor, 500);
    /* One unit alone is not enough for buy 1 get 1. */
    ls[1].item_id = "c";
    CHECK_RC(pricing_compute(&in, r, NULL, &t, NULL), ERR_OK);
    CHECK_I64(t.promo_discount_minor, 0);
    CHECK_I64(r[0].promo_index, -1);
}

/* A line takes part in one promotion: the first, in input order. */
TEST(pricing_promotions_do_not_stack)
{
    static const char *const set[] = {"peel"};
    struct pricing_line ls[] = {line("peel", 1, 15000)};
    struct pricing_promo p[2] = {
        {PRICING_PROMO_GROUP,
         set,
         1,
         NULL,
         0,
         0,
         0,
         {PRICING_DISCOUNT_PERCENT, 1000},
         0},
        {PRICING_PROMO_GROUP,
         set,
         1,
         NULL,
         0,
         0,
         0,
         {PRICING_DISCOUNT_AMOUNT, 5000},
         0},
    };
    struct pricing_input in = invoice(ls, 1);
    struct pricing_line_result r[1];
    struct pricing_totals t;

    in.promos = p;
    in.promo_count = 2;
    CHECK_RC(pricing_compute(&in, r, NULL, &t, NULL), ERR_OK);
    CHECK_I64(r[0].promo_discount_minor, 1500);
    CHECK_I64(r[0].promo_index, 0);
}

static int
expect_invalid(struct pricing_input *in, const char *param)
{
    struct pricing_line_result r[4];
    struct pricing_totals t;
    int64_t tips[4];
    struct errinfo ei;

    memset(&ei, 0, sizeof(ei));
    if (pricing_compute(in, r, tips, &t, &ei) != ERR_INVALID)
        return 1;
    return strcmp(ei.param, param) == 0 ? 0 : 2;
}

TEST(pricing_bad_input)
{
    static const char *const set[] = {"a"};
    static const int64_t shares[] = {5000, 4000};
    struct pricing_line ls[] = {line("a", 1, 100), line("b", 1, 100)};
    struct pricing_promo p = {PRICING_PROMO_GROUP,
                              set,
                              1,
                              NULL,
                              0,
                              0,
                              0,
                              {PRICING_DISCOUNT_PERCENT, 10001},
                              0};
    struct pricing_input in = invoice(ls, 2);

    ls[1].quantity = -1;
    CHECK_I64(expect_invalid(&in, "lines[1].quantity"), 0);
    ls[1].quantity = INT64_MAX; /* would overflow gross */
    CHECK_I64(expect_invalid(&in, "lines[1].quantity"), 0);
    ls[1].quantity = 1;
    ls[0].list_price_minor = -5;
    CHECK_I64(expect_invalid(&in, "lines[0].list_price"), 0);
    ls[0].list_price_minor = INT64_MAX;
    CHECK_I64(expect_invalid(&in, "lines[0].list_price"), 0);
    ls[0].list_price_minor = 100;
    ls[0].member_price_minor = -2;
    CHECK_I64(expect_invalid(&in, "lines[0].member_price"), 0);
    ls[0].member_price_minor = NONE;
    ls[0].discount = (struct pricing_discount){PRICING_DISCOUNT_PERCENT, 10001};
    CHECK_I64(expect_invalid(&in, "lines[0].discount.value"), 0);
    ls[0].discount = (struct pricing_discount){PRICING_DISCOUNT_AMOUNT, -1};
    CHECK_I64(expect_invalid(&in, "lines[0].discount.value"), 0);
    ls[0].discount = (struct pricing_discount){PRICING_DISCOUNT_AMOUNT,
                                               INT64_MAX};
    CHECK_I64(expect_invalid(&in, "lines[0].discount.value"), 0);
    ls[0].discount = (struct pricing_discount){PRICING_DISCOUNT_NONE, 0};
    in.invoice_discount = (struct pricing_discount){PRICING_DISCOUNT_PERCENT,
                                                    20000};
    CHECK_I64(expect_invalid(&in, "invoice_discount.value"), 0);
    in.invoice_discount = (struct pricing_discount){PRICING_DISCOUNT_NONE, 0};
    in.promos = &p;
    in.promo_count = 1;
    CHECK_I64(expect_invalid(&in, "promos[0].discount.value"), 0);
    in.promo_count = 0;
    in.tips = (struct pricing_tips){1000, PRICING_TIP_PERCENT, shares, 2};
    CHECK_I64(expect_invalid(&in, "tips.shares"), 0);
    in.tips = (struct pricing_tips){-1, PRICING_TIP_EQUAL, NULL, 1};
    CHECK_I64(expect_invalid(&in, "tips.amount"), 0);
    in.tips = (struct pricing_tips){0, PRICING_TIP_EQUAL, NULL, 0};
    in.tier_discount_bps = 10001;
    CHECK_I64(expect_invalid(&in, "tier_discount_bps"), 0);
    in.tier_discount_bps = 0;
    in.currency = 1;
    CHECK_I64(expect_invalid(&in, "currency"), 0);
    in.currency = USD;
    in.line_count = 0;
    CHECK_I64(expect_invalid(&in, "lines"), 0);
}

/* ---- property test: random invoices, fixed seed ---- */

#define PROPERTY_CASES 100000
#define PROPERTY_LINES 8

static uint64_t
next_random(uint64_t *state)
{
    /* splitmix64: tiny, and the same sequence on every machine. */
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Uniform enough in lo..hi for a test. */
static int64_t
pick(uint64_t *state, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(next_random(state) % (uint64_t)(hi - lo + 1));
}

static const char *const pool[] = {"a", "b", "c", "d", "e", "f"};

static struct pricing_discount
random_discount(uint64_t *s, int64_t amount_max)
{
    switch (pick(s, 0, 3)) {
    case 0:
        return (struct pricing_discount){PRICING_DISCOUNT_PERCENT,
                                         pick(s, 0, 10000)};
    case 1:
        return (struct pricing_discount){PRICING_DISCOUNT_AMOUNT,
                                         pick(s, 0, amount_max)};
    default:
        return (struct pricing_discount){PRICING_DISCOUNT_NONE, 0};
    }
}

static void
random_promo(uint64_t *s, struct pricing_promo *p)
{
    memset(p, 0, sizeof(*p));
    p->kind = (enum pricing_promo_kind)pick(s, 1, 3);
    p->items = &pool[pick(s, 0, 3)];
    p->item_count = (size_t)pick(s, 1, 3);
    p->get_items = &pool[pick(s, 0, 3)];
    p->get_item_count = (size_t)pick(s, 1, 3);
    p->buy_quantity = pick(s, 1, 3);
    p->get_quantity = pick(s, 1, 2);
    p->discount = random_discount(s, 20000);
    if (p->kind == PRICING_PROMO_BOGO ||
        p->discount.kind == PRICING_DISCOUNT_NONE)
        p->discount = (struct pricing_discount){PRICING_DISCOUNT_PERCENT,
                                                pick(s, 0, 10000)};
    p->package_price_minor = pick(s, 0, 50000);
}

static void
random_invoice(uint64_t *s, struct pricing_input *in, struct pricing_line *ls,
               struct pricing_promo *ps, int64_t *shares)
{
    *in = invoice(ls, (size_t)pick(s, 1, PROPERTY_LINES));
    for (size_t i = 0; i < in->line_count; i++) {
        ls[i] = line(pool[pick(s, 0, 5)], pick(s, 1, 12), pick(s, 0, 99999));
        if (pick(s, 0, 3) == 0)
            ls[i].member_price_minor = pick(s, 0, 99999);
        ls[i].taxable = pick(s, 0, 1) == 1;
        ls[i].discount = random_discount(s, 30000);
    }
    in->promos = ps;
    in->promo_count = (size_t)pick(s, 0, 3);
    for (size_t j = 0; j < in->promo_count; j++)
        random_promo(s, &ps[j]);
    in->tax_rate_bps = pick(s, 0, 1500);
    in->tier_discount_bps = pick(s, 0, 1) ? pick(s, 0, 3000) : 0;
    in->invoice_discount = random_discount(s, 100000);
    in->discount_limited = pick(s, 0, 3) == 0;
    in->tips.provider_count = (size_t)pick(s, 0, 4);
    in->tips.amount_minor = in->tips.provider_count ? pick(s, 0, 99999) : 0;
    in->tips.split = PRICING_TIP_EQUAL;
    if (in->tips.provider_count > 0 && pick(s, 0, 1)) {
        /* Percent shares summing to 10000 exactly. */
        int64_t left = 10000;

        for (size_t k = 0; k + 1 < in->tips.provider_count; k++) {
            shares[k] = pick(s, 0, left);
            left -= shares[k];
        }
        shares[in->tips.provider_count - 1] = left;
        in->tips.split = PRICING_TIP_PERCENT;
        in->tips.shares = shares;
    }
}

/* Twice |tax * 10000 - net * rate| is at most 10000: within half a cent. */
static bool
tax_is_close(int64_t net, int64_t rate_bps, int64_t tax)
{
    int64_t diff = tax * PRICING_BPS_WHOLE - net * rate_bps;

    return 2 * (diff < 0 ? -diff : diff) <= PRICING_BPS_WHOLE;
}

/* Line invariants; returns 0 or the number of the broken one. */
static int
line_broken(const struct pricing_input *in, size_t i,
            const struct pricing_line_result *r)
{
    const struct pricing_line *l = &in->lines[i];
    int64_t unit = l->member_price_minor != NONE ? l->member_price_minor
                                                 : l->list_price_minor;

    if (r->unit_price_minor != unit || r->gross_minor != unit * l->quantity)
        return 1;
    if (r->tier_discount_minor < 0 || r->promo_discount_minor < 0 ||
        r->line_discount_minor < 0 || r->invoice_discount_minor < 0 ||
        r->net_minor < 0 || r->tax_minor < 0)
        return 2;
    if (r->gross_minor - r->tier_discount_minor - r->promo_discount_minor -
            r->line_discount_minor - r->invoice_discount_minor !=
        r->net_minor)
        return 3;
    if (l->taxable ? !tax_is_close(r->net_minor, in->tax_rate_bps, r->tax_minor)
                   : r->tax_minor != 0)
        return 4;
    if (r->total_minor != r->net_minor + r->tax_minor)
        return 5;
    return 0;
}

/* Totals are the sums of lines; the invoice discount is what was asked. */
static int
totals_broken(const struct pricing_input *in,
              const struct pricing_line_result *r,
              const struct pricing_totals *t, const int64_t *tips)
{
    int64_t sums[5] = {0, 0, 0, 0, 0}; /* gross, disc, net, tax, invoice */
    int64_t before = 0;                /* after line discounts */
    int64_t want;
    int64_t tip_sum = 0;

    for (size_t i = 0; i < in->line_count; i++) {
        sums[0] += r[i].gross_minor;
        sums[1] += r[i].gross_minor - r[i].net_minor;
        sums[2] += r[i].net_minor;
        sums[3] += r[i].tax_minor;
        sums[4] += r[i].invoice_discount_minor;
        before += r[i].net_minor + r[i].invoice_discount_minor;
    }
    if (t->gross_minor != sums[0] || t->discount_minor != sums[1] ||
        t->net_minor != sums[2] || t->tax_minor != sums[3] ||
        t->invoice_discount_minor != sums[4])
        return 10;
    want = in->invoice_discount.kind == PRICING_DISCOUNT_PERCENT
               ? (before * in->invoice_discount.value + 5000) / 10000
           : in->invoice_discount.kind == PRICING_DISCOUNT_AMOUNT
               ? (in->invoice_discount.value < before
                      ? in->invoice_discount.value
                      : before)
               : 0;
    if (sums[4] != want)
        return 11;
    for (size_t k = 0; k < in->tips.provider_count; k++) {
        if (tips[k] < 0)
            return 12;
        tip_sum += tips[k];
    }
    if (tip_sum != t->tip_minor || t->tip_minor != in->tips.amount_minor)
        return 13;
    if (t->total_minor != t->net_minor + t->tax_minor + t->tip_minor)
        return 14;
    return 0;
}

TEST(pricing_property_random_invoices)
{
    uint64_t seed = UINT64_C(20261125);
    int forbidden = 0;
    int promoted = 0;
    int split = 0;

    for (int c = 0; c < PROPERTY_CASES; c++) {
        struct pricing_line ls[PROPERTY_LINES];
        struct pricing_promo ps[3];
        struct pricing_line_result r[PROPERTY_LINES];
        struct pricing_totals t;
        struct pricing_input in;
        int64_t shares[4];
        int64_t tips[4];
        enum err rc;

        random_invoice(&seed, &in, ls, ps, shares);
        rc = pricing_compute(&in, r, tips, &t, NULL);
        if (rc == ERR_FORBIDDEN && in.discount_limited) {
            forbidden++;
            continue;
        }
        CHECK_RC(rc, ERR_OK);
        for (size_t i = 0; i < in.line_count; i++)
            CHECK_I64(line_broken(&in, i, &r[i]), 0);
        CHECK_I64(totals_broken(&in, r, &t, tips), 0);
        promoted += t.promo_discount_minor > 0;
        split += t.invoice_discount_minor > 0;
    }
    /* The generator does reach the limit, and does not only reach it. */
    CHECK(forbidden > 0);
    CHECK(forbidden < PROPERTY_CASES / 4);
    /* Promotions and invoice splits are exercised, not just generated. */
    CHECK(promoted > PROPERTY_CASES / 10);
    CHECK(split > PROPERTY_CASES / 10);
}

/* ---- property test: refunds of random invoices ---- */

/* An invoice paid by nt tenders, being refunded. */
struct refund_sim {
    const struct pricing_line *ls;
    const struct pricing_line_result *r;
    size_t lines;
    int64_t total, tip; /* net + tax, tips */
    int64_t left_q[PROPERTY_LINES];
    size_t nt;
    int64_t room[4], tiproom[4]; /* what each tender has left */
    int64_t refunded, tip_refunded;
};

/* Pay the invoice with 1..4 tenders in random proportions. */
static int
sim_pay(uint64_t *seed, struct refund_sim *m)
{
    int64_t w[4];

    m->nt = (size_t)pick(seed, 1, 4);
    for (size_t k = 0; k < m->nt; k++) /* weights, with room for all */
        w[k] = pick(seed, 1, 100) * (m->total + m->tip + 1);
    if (pricing_allocate(m->total, w, m->nt, m->room) != ERR_OK ||
        pricing_allocate(m->tip, w, m->nt, m->tiproom) != ERR_OK)
        return 1;
    for (size_t i = 0; i < m->lines; i++)
        m->left_q[i] = m->ls[i].quantity;
    return 0;
}

/* Net + tax of a random refund step: units of a line, or an amount. */
static int64_t
sim_amount(uint64_t *seed, struct refund_sim *m, int step)
{
    size_t i = (size_t)pick(seed, 0, (int64_t)m->lines - 1);
    int64_t whole = m->ls[i].quantity;
    int64_t done = whole - m->left_q[i];
    int64_t q, amount;

    if (step >= 6) /* what is left, as an amount */
        return m->total - m->refunded;
    if (pick(seed, 0, 1))
        return pick(seed, 1, m->total - m->refunded);
    if (m->left_q[i] == 0)
        return 0;
    q = pick(seed, 1, m->left_q[i]);
    amount = pricing_prorate(m->r[i].net_minor, done + q, whole) -
             pricing_prorate(m->r[i].net_minor, done, whole) +
             pricing_prorate(m->r[i].tax_minor, done + q, whole) -
             pricing_prorate(m->r[i].tax_minor, done, whole);
    if (m->refunded + amount > m->total)
        return 0; /* beyond what is left after amounts: refused (422) */
    m->left_q[i] -= q;
    return amount;
}

/*
 * Refund amount, its tip as the share of what is refunded, over what each
 * tender has left; 0 when every check held.
 */
static int
sim_refund(struct refund_sim *m, int64_t amount)
{
    int64_t part[4], tippart[4], tip;

    if (amount < 0 || m->refunded + amount > m->total)
        return 1;
    m->refunded += amount;
    tip = pricing_prorate(m->tip, m->refunded, m->total) - m->tip_refunded;
    m->tip_refunded += tip;
    if (pricing_allocate(amount, m->room, m->nt, part) != ERR_OK ||
        pricing_allocate(tip, m->tiproom, m->nt, tippart) != ERR_OK)
        return 2;
    for (size_t k = 0; k < m->nt; k++) {
        if (part[k] < 0 || part[k] > m->room[k] || tippart[k] < 0 ||
            tippart[k] > m->tiproom[k])
            return 3;
        m->room[k] -= part[k];
        m->tiproom[k] -= tippart[k];
    }
    return 0;
}

/*
 * A priced invoice paid by up to 4 tenders, then refunded in random steps
 * (units of lines, or amounts), the way app/invoice_refund.c does: each
 * step's net and tax are differences of pricing_prorate, its tip the
 * share of the tips, and its parts over the tenders pricing_allocate of
 * what each has left. Checked: no step refunds more than is left of the
 * invoice or a tender; refunding everything returns every tender's
 * amount and tip, to the cent.
 */
TEST(pricing_property_refunds)
{
    uint64_t seed = UINT64_C(20261126);
    int cases = 0;

    for (int c = 0; c < PROPERTY_CASES / 5; c++) {
        struct pricing_line ls[PROPERTY_LINES];
        struct pricing_promo ps[3];
        struct pricing_line_result r[PROPERTY_LINES];
        struct pricing_totals t;
        struct pricing_input in;
        int64_t shares[4], tips[4];
        struct refund_sim m = {.ls = ls, .r = r};

        random_invoice(&seed, &in, ls, ps, shares);
        in.discount_limited = false;
        if (pricing_compute(&in, r, tips, &t, NULL) != ERR_OK ||
            t.net_minor + t.tax_minor == 0)
            continue;
        cases++;
        m.lines = in.line_count;
        m.total = t.net_minor + t.tax_minor;
        m.tip = t.tip_minor;
        CHECK_I64(sim_pay(&seed, &m), 0);
        for (int step = 0; m.refunded < m.total; step++)
            CHECK_I64(sim_refund(&m, sim_amount(&seed, &m, step)), 0);
        CHECK_I64(m.refunded, m.total);
        CHECK_I64(m.tip_refunded, m.tip);
        for (size_t k = 0; k < m.nt; k++) {
            CHECK_I64(m.room[k], 0);
            CHECK_I64(m.tiproom[k], 0);
        }
    }
    CHECK(cases > PROPERTY_CASES / 10);
}

TEST(pricing_allocate_and_prorate_edges)
{
    int64_t room[3] = {5, 0, 3};
    int64_t parts[3];

    CHECK_RC(pricing_allocate(9, room, 3, parts), ERR_LIMIT);
    CHECK_RC(pricing_allocate(-1, room, 3, parts), ERR_LIMIT);
    CHECK_RC(pricing_allocate(0, room, 3, parts), ERR_OK);
    CHECK(parts[0] == 0 && parts[1] == 0 && parts[2] == 0);
    CHECK_RC(pricing_allocate(8, room, 3, parts), ERR_OK);
    CHECK(parts[0] == 5 && parts[1] == 0 && parts[2] == 3);
    CHECK_RC(pricing_allocate(1, room, 3, parts), ERR_OK);
    CHECK_I64(parts[0] + parts[1] + parts[2], 1);
    /* 14.85 tax, half of two units: 7.425 -> 7.43, then 7.42 for the rest. */
    CHECK_I64(pricing_prorate(1485, 1, 2), 743);
    CHECK_I64(pricing_prorate(1485, 2, 2) - pricing_prorate(1485, 1, 2), 742);
    CHECK_I64(pricing_prorate(PRICING_AMOUNT_MAX, 7, 7), PRICING_AMOUNT_MAX);
}
