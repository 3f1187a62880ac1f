/*
 * pricing.h - the one pricing engine of invoices: every amount of an
 * invoice, from unit prices to tips. Pure: no I/O, no clock, no
 * allocation, no floating point. docs/pricing.md is its specification,
 * with worked examples that are also its golden tests.
 *
 * Order of application, per line unless said otherwise:
 *   1. unit price: the member price of the patient's tier, else list price;
 *   2. tier discount (bps) on lines without a member price, half up;
 *   3. promotions, in input order; a line takes part in at most one;
 *   4. the custom line discount, then the custom invoice discount, split
 *      over the lines by largest remainder;
 *   5. tax on each taxable line's net at the clinic's rate, half up;
 *   6. tips, never taxed, split over providers exactly.
 * Invariants (asserted): no amount is negative and every total is the
 * exact sum of its parts.
 */
#ifndef POISE_CORE_PRICING_H
#define POISE_CORE_PRICING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define PRICING_BPS_WHOLE 10000 /* 100% */
#define PRICING_LINES_MAX 200
#define PRICING_PROMOS_MAX 32
#define PRICING_PROMO_ITEMS_MAX 64
#define PRICING_PROVIDERS_MAX 16
#define PRICING_QUANTITY_MAX INT64_C(10000)
/* A unit price, package price or tip: $1,000,000.00 at most. */
#define PRICING_PRICE_MAX INT64_C(100000000)
/* A custom amount discount: the largest amount on the wire. */
#define PRICING_AMOUNT_MAX INT64_C(1000000000000)
/* The account setting's default: staff may give up to 20% off. */
#define PRICING_DISCOUNT_LIMIT_DEFAULT_BPS 2000
/* member_price_minor of a line whose item has no member price. */
#define PRICING_NO_PRICE (-1)

enum pricing_discount_kind {
    PRICING_DISCOUNT_NONE = 0,
    PRICING_DISCOUNT_PERCENT, /* value in bps, 0..PRICING_BPS_WHOLE */
    PRICING_DISCOUNT_AMOUNT,  /* value in minor units, 0..AMOUNT_MAX */
};

struct pricing_discount {
    enum pricing_discount_kind kind;
    int64_t value;
};

struct pricing_line {
    const char *item_id;        /* borrowed; matched against promotions */
    int64_t quantity;           /* 1..PRICING_QUANTITY_MAX */
    int64_t list_price_minor;   /* per unit, 0..PRICING_PRICE_MAX */
    int64_t member_price_minor; /* per unit, or PRICING_NO_PRICE */
    bool taxable;
    struct pricing_discount discount; /* custom line discount, on the line */
};

enum pricing_promo_kind {
    /* Buy buy_quantity of items, get get_quantity of get_items at
     * discount (percent; PRICING_BPS_WHOLE is free), cheapest first. */
    PRICING_PROMO_BOGO = 1,
    /* discount (percent per line, or an amount split over the lines) off
     * every line whose item is in items. */
    PRICING_PROMO_GROUP,
    /* One unit of each of items (distinct) for package_price_minor,
     * allocated over them in proportion to list price. */
    PRICING_PROMO_PACKAGE,
};

struct pricing_promo {
    enum pricing_promo_kind kind;
    const char *const *items; /* borrowed; 1..PRICING_PROMO_ITEMS_MAX */
    size_t item_count;
    const char *const *get_items; /* BOGO only; may equal items */
    size_t get_item_count;
    int64_t buy_quantity;             /* BOGO: 1..PRICING_QUANTITY_MAX */
    int64_t get_quantity;             /* BOGO: 1..PRICING_QUANTITY_MAX */
    struct pricing_discount discount; /* BOGO and GROUP */
    int64_t package_price_minor;      /* PACKAGE: 0..PRICING_PRICE_MAX */
};

enum pricing_tip_split {
    PRICING_TIP_EQUAL = 0, /* equal parts, remainder to the first */
    PRICING_TIP_PERCENT,   /* shares in bps, summing to PRICING_BPS_WHOLE */
    PRICING_TIP_AMOUNT,    /* shares in minor units, summing to the tip */
};

struct pricing_tips {
    int64_t amount_minor; /* 0..PRICING_PRICE_MAX */
    enum pricing_tip_split split;
    const int64_t *shares; /* borrowed; provider_count, unless EQUAL */
    size_t provider_count; /* 0..PRICING_PROVIDERS_MAX; >= 1 with a tip */
};

struct pricing_input {
    uint16_t currency;         /* ISO 4217 numeric */
    int64_t tax_rate_bps;      /* the clinic's rate, 0..PRICING_BPS_WHOLE */
    int64_t tier_discount_bps; /* membership tier's %, 0 without a tier */
    const struct pricing_line *lines; /* borrowed; 1..PRICING_LINES_MAX */
    size_t line_count;
    const struct pricing_promo *promos; /* borrowed; in priority order */
    size_t promo_count;
    struct pricing_discount invoice_discount;
    struct pricing_tips tips;
    /* Discount authority: a limited actor's custom discounts may not
     * exceed discount_limit_bps of the amount after promotions. */
    bool discount_limited;
    int64_t discount_limit_bps;
};

struct pricing_line_result {
    int64_t unit_price_minor;
    int64_t gross_minor; /* unit price * quantity */
    int64_t tier_discount_minor;
    int64_t promo_discount_minor;
    int64_t line_discount_minor;
    int64_t invoice_discount_minor; /* this line's share */
    int64_t net_minor;              /* gross minus the four discounts */
    int64_t tax_minor;
    int64_t total_minor; /* net + tax */
    int promo_index;     /* the promotion it took part in, or -1 */
};

struct pricing_totals {
    int64_t gross_minor;
    int64_t tier_discount_minor;
    int64_t promo_discount_minor;
    int64_t line_discount_minor;
    int64_t invoice_discount_minor;
    int64_t discount_minor; /* the four discounts above */
    int64_t net_minor;      /* the subtotal after discounts */
    int64_t tax_minor;
    int64_t tip_minor;
    int64_t total_minor; /* net + tax + tip */
};

/*
 * Price the invoice described by in. lines has in->line_count slots and
 * tip_parts_minor in->tips.provider_count slots (it may be NULL when that
 * is zero); both are caller-owned and fully written on success, in the
 * order of the input. *totals is written only on success; lines and
 * tip_parts_minor may hold partial results after a failure.
 *
 * ERR_INVALID with ei's param naming the field ("lines[2].quantity",
 * "promos[0].discount.value", "tips.shares") for any input out of range;
 * the ranges keep every intermediate within int64, so valid input never
 * overflows. ERR_FORBIDDEN with code "discount_limit_exceeded" when a
 * limited actor's custom discounts exceed the limit.
 */
MUST_CHECK enum err pricing_compute(const struct pricing_input *in,
                                    struct pricing_line_result *lines,
                                    int64_t *tip_parts_minor,
                                    struct pricing_totals *totals,
                                    struct errinfo *ei);

/*
 * Check a tip and split it over its providers exactly (parts has
 * t->provider_count slots), as pricing_compute does; for checkout, where
 * tips are given at payment.
 */
MUST_CHECK enum err pricing_split_tips(const struct pricing_tips *t,
                                       int64_t *parts, struct errinfo *ei);

/*
 * amount * upto / whole, half up: the share of amount that upto of whole
 * units carry. Refunds take differences of it (share after minus share
 * before), so returning every unit, in any steps, returns amount exactly.
 * 0 <= upto <= whole, whole > 0, 0 <= amount <= PRICING_AMOUNT_MAX.
 */
int64_t pricing_prorate(int64_t amount, int64_t upto, int64_t whole);

/*
 * Split amount over n places in proportion to the room each has left
 * (largest remainder), so the parts sum to amount exactly and none
 * exceeds its room: a refund over the tenders that paid, a tip refund
 * over the providers. ERR_LIMIT when amount is more than the room.
 */
MUST_CHECK enum err pricing_allocate(int64_t amount, const int64_t *room,
                                     size_t n, int64_t *parts);

#endif
