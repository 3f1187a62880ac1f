/*
 * pricing.c - the pricing engine of invoices (see pricing.h and
 * docs/pricing.md for the rules and worked examples).
 *
 * Pure domain rules: no I/O, no clock, no allocation and no floating
 * point. Scratch space for splits lives on the stack, bounded by
 * PRICING_LINES_MAX. Input ranges are checked first and keep every amount
 * far inside int64 (a line is at most 1e12 minor units); the arithmetic
 * still goes through money_* so that a broken bound fails loudly rather
 * than wrapping. Every step only ever lowers a line's amount, and never
 * below zero; pricing_compute() asserts both, and that totals are sums.
 */
#include "core/pricing.h"

#include <stdio.h>
#include <string.h>

#include "base/assert.h"
#include "base/money.h"

/* 128-bit integers (a GCC and Clang extension) for exact comparisons. */
__extension__ typedef __int128 i128;

/* ---- input checks ---- */

/*
 * Write the parameter path list[i].field (field alone when list is NULL)
 * into param. A path too long for errinfo is cut short, which still names
 * the field well enough, so snprintf's result is not needed.
 */
static void
param_path(char param[ERRINFO_PARAM_MAX], const char *list, size_t i,
           const char *field)
{
    ASSERT(field != NULL);
    if (list != NULL)
        (void)snprintf(param, ERRINFO_PARAM_MAX, "%s[%zu].%s", list, i, field);
    else
        (void)snprintf(param, ERRINFO_PARAM_MAX, "%s", field);
}

/* ERR_INVALID naming list[i].field; callers write `return invalid(...)`. */
static enum err
invalid(struct errinfo *ei, const char *list, size_t i, const char *field,
        const char *what)
{
    char param[ERRINFO_PARAM_MAX];

    ASSERT(what != NULL);
    param_path(param, list, i, field);
    return errinfo_set(ei, ERR_INVALID, "parameter_out_of_range", param,
                       "'%s' %s", param, what);
}

static bool
in_range(int64_t v, int64_t lo, int64_t hi)
{
    return v >= lo && v <= hi;
}

static enum err
check_discount(const struct pricing_discount *d, const char *list, size_t i,
               const char *field, struct errinfo *ei)
{
    char sub[ERRINFO_PARAM_MAX]; /* field.value or field.kind */

    ASSERT(d != NULL);
    switch (d->kind) {
    case PRICING_DISCOUNT_NONE:
        return ERR_OK;
    case PRICING_DISCOUNT_PERCENT:
        if (in_range(d->value, 0, PRICING_BPS_WHOLE))
            return ERR_OK;
        (void)snprintf(sub, sizeof(sub), "%s.value", field);
        return invalid(ei, list, i, sub, "must be 0..10000 bps");
    case PRICING_DISCOUNT_AMOUNT:
        if (in_range(d->value, 0, PRICING_AMOUNT_MAX))
            return ERR_OK;
        (void)snprintf(sub, sizeof(sub), "%s.value", field);
        return invalid(ei, list, i, sub, "must be 0..1e12 minor units");
    default:
        (void)snprintf(sub, sizeof(sub), "%s.kind", field);
        return invalid(ei, list, i, sub, "is not percent or amount");
    }
}

static enum err
check_line(const struct pricing_line *l, size_t i, struct errinfo *ei)
{
    ASSERT(l != NULL);
    if (l->item_id == NULL || l->item_id[0] == '\0')
        return invalid(ei, "lines", i, "item_id", "is missing");
    if (!in_range(l->quantity, 1, PRICING_QUANTITY_MAX))
        return invalid(ei, "lines", i, "quantity", "must be 1..10000");
    if (!in_range(l->list_price_minor, 0, PRICING_PRICE_MAX))
        return invalid(ei, "lines", i, "list_price", "must be 0..1e8");
    if (l->member_price_minor != PRICING_NO_PRICE &&
        !in_range(l->member_price_minor, 0, PRICING_PRICE_MAX))
        return invalid(ei, "lines", i, "member_price", "must be 0..1e8");
    return check_discount(&l->discount, "lines", i, "discount", ei);
}

static enum err
check_items(const char *const *items, size_t n, size_t j, const char *field,
            struct errinfo *ei)
{
    if (items == NULL || n == 0 || n > PRICING_PROMO_ITEMS_MAX)
        return invalid(ei, "promos", j, field, "must list 1..64 items");
    for (size_t k = 0; k < n; k++) {
        if (items[k] == NULL || items[k][0] == '\0')
            return invalid(ei, "promos", j, field, "has an empty item");
    }
    return ERR_OK;
}

/* A package names each item once, so each matches one line. */
static bool
has_duplicate(const char *const *items, size_t n)
{
    for (size_t a = 0; a < n; a++) {
        for (size_t b = a + 1; b < n; b++) {
            if (strcmp(items[a], items[b]) == 0)
                return true;
        }
    }
    return false;
}

static enum err
check_bogo(const struct pricing_promo *p, size_t j, struct errinfo *ei)
{
    enum err rc;

    rc = check_items(p->get_items, p->get_item_count, j, "get_items", ei);
    if (rc)
        return rc;
    if (!in_range(p->buy_quantity, 1, PRICING_QUANTITY_MAX))
        return invalid(ei, "promos", j, "buy_quantity", "must be 1..10000");
    if (!in_range(p->get_quantity, 1, PRICING_QUANTITY_MAX))
        return invalid(ei, "promos", j, "get_quantity", "must be 1..10000");
    if (p->discount.kind != PRICING_DISCOUNT_PERCENT)
        return invalid(ei, "promos", j, "discount.kind", "must be percent");
    return ERR_OK;
}

static enum err
check_promo(const struct pricing_promo *p, size_t j, struct errinfo *ei)
{
    enum err rc;

    ASSERT(p != NULL);
    rc = check_items(p->items, p->item_count, j, "items", ei);
    if (rc)
        return rc;
    rc = check_discount(&p->discount, "promos", j, "discount", ei);
    if (rc)
        return rc;
    switch (p->kind) {
    case PRICING_PROMO_BOGO:
        return check_bogo(p, j, ei);
    case PRICING_PROMO_GROUP:
        if (p->discount.kind == PRICING_DISCOUNT_NONE)
            return invalid(ei, "promos", j, "discount.kind", "is missing");
        return ERR_OK;
    case PRICING_PROMO_PACKAGE:
        if (!in_range(p->package_price_minor, 0, PRICING_PRICE_MAX))
            return invalid(ei, "promos", j, "package_price", "must be 0..1e8");
        if (has_duplicate(p->items, p->item_count))
            return invalid(ei, "promos", j, "items", "lists an item twice");
        return ERR_OK;
    default:
        return invalid(ei, "promos", j, "kind", "is not a known promotion");
    }
}

static enum err
check_tips(const struct pricing_tips *t, struct errinfo *ei)
{
    int64_t sum = 0;

    if (!in_range(t->amount_minor, 0, PRICING_PRICE_MAX))
        return invalid(ei, NULL, 0, "tips.amount", "must be 0..1e8");
    if (t->provider_count > PRICING_PROVIDERS_MAX)
        return invalid(ei, NULL, 0, "tips.providers", "must be 0..16");
    if (t->amount_minor > 0 && t->provider_count == 0)
        return invalid(ei, NULL, 0, "tips.providers", "must name one");
    if (t->split == PRICING_TIP_EQUAL || t->provider_count == 0)
        return ERR_OK;
    if (t->split != PRICING_TIP_PERCENT && t->split != PRICING_TIP_AMOUNT)
        return invalid(ei, NULL, 0, "tips.split", "is not known");
    if (t->shares == NULL)
        return invalid(ei, NULL, 0, "tips.shares", "is missing");
    for (size_t k = 0; k < t->provider_count; k++) {
        if (!in_range(t->shares[k], 0, PRICING_PRICE_MAX))
            return invalid(ei, "tips.shares", k, "value", "is out of range");
        sum += t->shares[k];
    }
    if (t->split == PRICING_TIP_PERCENT && sum != PRICING_BPS_WHOLE)
        return invalid(ei, NULL, 0, "tips.shares", "must sum to 10000 bps");
    if (t->split == PRICING_TIP_AMOUNT && sum != t->amount_minor)
        return invalid(ei, NULL, 0, "tips.shares", "must sum to the tip");
    return ERR_OK;
}

static enum err
check_input(const struct pricing_input *in, struct errinfo *ei)
{
    enum err rc;

    if (currency_by_numeric(in->currency) == NULL)
        return invalid(ei, NULL, 0, "currency", "is not a known currency");
    if (!in_range(in->tax_rate_bps, 0, PRICING_BPS_WHOLE))
        return invalid(ei, NULL, 0, "tax_rate_bps", "must be 0..10000");
    if (!in_range(in->tier_discount_bps, 0, PRICING_BPS_WHOLE))
        return invalid(ei, NULL, 0, "tier_discount_bps", "must be 0..10000");
    if (!in_range(in->discount_limit_bps, 0, PRICING_BPS_WHOLE))
        return invalid(ei, NULL, 0, "discount_limit_bps", "must be 0..10000");
    if (in->line_count == 0 || in->line_count > PRICING_LINES_MAX)
        return invalid(ei, NULL, 0, "lines", "must have 1..200 lines");
    if (in->promo_count > PRICING_PROMOS_MAX ||
        (in->promo_count > 0 && in->promos == NULL))
        return invalid(ei, NULL, 0, "promos", "must have 0..32 promotions");
    for (size_t i = 0; i < in->line_count; i++) {
        rc = check_line(&in->lines[i], i, ei);
        if (rc)
            return rc;
    }
    for (size_t j = 0; j < in->promo_count; j++) {
        rc = check_promo(&in->promos[j], j, ei);
        if (rc)
            return rc;
    }
    rc = check_discount(&in->invoice_discount, NULL, 0, "invoice_discount", ei);
    if (rc)
        return rc;
    return check_tips(&in->tips, ei);
}

/* ---- arithmetic ---- */

/* *out = round_half_up(a * num / den), in int64 minor units. */
static enum err
ratio(int64_t a, int64_t num, int64_t den, int64_t *out)
{
    enum err rc;
    struct money m;

    ASSERT(den > 0);
    ASSERT(out != NULL);
    rc = money_mul_ratio((struct money){a, 0}, num, den, ROUND_HALF_UP, &m);
    if (rc)
        return rc;
    *out = m.minor;
    return ERR_OK;
}

/* *acc += x, refusing overflow. */
static enum err
accumulate(int64_t *acc, int64_t x)
{
    enum err rc;
    struct money sum;

    rc = money_add((struct money){*acc, 0}, (struct money){x, 0}, &sum);
    if (rc)
        return rc;
    *acc = sum.minor;
    return ERR_OK;
}

/*
 * Split total over n parts by weights (largest remainder, ties to the
 * lower index) into parts; all weights zero leaves every part zero.
 */
static enum err
split(int64_t total, const int64_t *weights, size_t n, int64_t *parts)
{
    enum err rc;
    struct money out[PRICING_LINES_MAX];
    int64_t sum = 0;

    ASSERT(n <= PRICING_LINES_MAX);
    for (size_t i = 0; i < n; i++)
        sum += weights[i];
    ASSERT(sum > 0 || total == 0);
    for (size_t i = 0; i < n; i++)
        parts[i] = 0;
    if (total == 0)
        return ERR_OK;
    rc = money_split((struct money){total, 0}, weights, n, out);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        parts[i] = out[i].minor;
    return ERR_OK;
}

static int64_t
after_tier(const struct pricing_line_result *r)
{
    return r->gross_minor - r->tier_discount_minor;
}

static int64_t
after_promo(const struct pricing_line_result *r)
{
    return after_tier(r) - r->promo_discount_minor;
}

static int64_t
after_line(const struct pricing_line_result *r)
{
    return after_promo(r) - r->line_discount_minor;
}

static int64_t
min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

static bool
in_set(const char *id, const char *const *items, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (strcmp(id, items[k]) == 0)
            return true;
    }
    return false;
}

/* ---- steps 1 and 2: unit price and tier discount ---- */

static enum err
price_line(const struct pricing_input *in, size_t i,
           struct pricing_line_result *r)
{
    enum err rc;
    const struct pricing_line *l = &in->lines[i];
    bool member = l->member_price_minor != PRICING_NO_PRICE;

    memset(r, 0, sizeof(*r));
    r->promo_index = -1;
    r->unit_price_minor = member ? l->member_price_minor : l->list_price_minor;
    rc = ratio(r->unit_price_minor, l->quantity, 1, &r->gross_minor);
    if (rc)
        return rc;
    if (!member) {
        rc = ratio(r->gross_minor, in->tier_discount_bps, PRICING_BPS_WHOLE,
                   &r->tier_discount_minor);
        if (rc)
            return rc;
    }
    ASSERT(after_tier(r) >= 0);
    return ERR_OK;
}

/* ---- step 3: promotions ---- */

/* Which lines a promotion may use: not yet in a promotion, item in set. */
static bool
eligible(const struct pricing_input *in, const struct pricing_line_result *r,
         size_t i, const char *const *items, size_t n)
{
    return r[i].promo_index == -1 && in_set(in->lines[i].item_id, items, n);
}

/*
 * The unclaimed get-set line with the lowest value per unit after the
 * tier discount (ties to the lower index), or SIZE_MAX if none is left.
 * Cross-multiplied: both sides are below 1e12 * 1e4, inside int64.
 */
static size_t
cheapest_get(const struct pricing_input *in,
             const struct pricing_line_result *r, const struct pricing_promo *p)
{
    size_t best = SIZE_MAX;

    for (size_t i = 0; i < in->line_count; i++) {
        if (!eligible(in, r, i, p->get_items, p->get_item_count))
            continue;
        if (best == SIZE_MAX ||
            after_tier(&r[i]) * in->lines[best].quantity <
                after_tier(&r[best]) * in->lines[i].quantity)
            best = i;
    }
    return best;
}

/*
 * Units of the lines a BOGO may use: buy-only, get-only and in both sets.
 * Returns how many times the offer applies: each time takes buy_quantity
 * units to buy and get_quantity other units to discount.
 */
static int64_t
bogo_times(const struct pricing_input *in, const struct pricing_line_result *r,
           const struct pricing_promo *p, int64_t *buy_only)
{
    int64_t units[3] = {0, 0, 0}; /* buy only, get only, both */
    int64_t times;

    for (size_t i = 0; i < in->line_count; i++) {
        bool buy = eligible(in, r, i, p->items, p->item_count);
        bool get = eligible(in, r, i, p->get_items, p->get_item_count);

        if (buy || get)
            units[buy && get ? 2 : buy ? 0 : 1] += in->lines[i].quantity;
    }
    times = (units[0] + units[2]) / p->buy_quantity;
    times = min64(times, (units[1] + units[2]) / p->get_quantity);
    times = min64(times, (units[0] + units[1] + units[2]) /
                             (p->buy_quantity + p->get_quantity));
    *buy_only = units[0];
    return times;
}

static void
claim(const struct pricing_input *in, struct pricing_line_result *r,
      const char *const *items, size_t n, int j)
{
    for (size_t i = 0; i < in->line_count; i++) {
        if (eligible(in, r, i, items, n))
            r[i].promo_index = j;
    }
}

/*
 * Buy X, get Y at a percentage off: the discounted units are the cheapest
 * of the get set, but units in both sets are only discounted as far as
 * the buy side does not need them.
 */
static enum err
apply_bogo(const struct pricing_input *in, struct pricing_line_result *r, int j)
{
    const struct pricing_promo *p = &in->promos[j];
    int64_t buy_only = 0;
    int64_t times = bogo_times(in, r, p, &buy_only);
    int64_t left = times * p->get_quantity;
    int64_t shared_left;

    if (times == 0)
        return ERR_OK;
    /* Units in both sets the buy side does not need may be discounted. */
    shared_left = times * p->buy_quantity - buy_only;
    shared_left = -(shared_left > 0 ? shared_left : 0);
    for (size_t i = 0; i < in->line_count; i++) {
        if (eligible(in, r, i, p->items, p->item_count) &&
            eligible(in, r, i, p->get_items, p->get_item_count))
            shared_left += in->lines[i].quantity;
    }
    while (left > 0) {
        size_t i = cheapest_get(in, r, p);
        int64_t q;
        bool shared;
        enum err rc;

        ASSERT(i != SIZE_MAX);
        shared = in_set(in->lines[i].item_id, p->items, p->item_count);
        q = min64(left, in->lines[i].quantity);
        q = shared ? min64(q, shared_left) : q;
        rc = ratio(after_tier(&r[i]), q * p->discount.value,
                   in->lines[i].quantity * PRICING_BPS_WHOLE,
                   &r[i].promo_discount_minor);
        if (rc)
            return rc;
        r[i].promo_index = j;
        left -= q;
        shared_left -= shared ? q : 0;
    }
    claim(in, r, p->items, p->item_count, j);
    claim(in, r, p->get_items, p->get_item_count, j);
    return ERR_OK;
}

/* A percentage off each line of the set, or an amount split over them. */
static enum err
apply_group(const struct pricing_input *in, struct pricing_line_result *r,
            int j)
{
    const struct pricing_promo *p = &in->promos[j];
    int64_t weights[PRICING_LINES_MAX];
    int64_t parts[PRICING_LINES_MAX];
    int64_t sum = 0;
    enum err rc;

    for (size_t i = 0; i < in->line_count; i++) {
        bool use = eligible(in, r, i, p->items, p->item_count);

        weights[i] = use ? after_tier(&r[i]) : 0;
        sum += weights[i];
        if (use && p->discount.kind == PRICING_DISCOUNT_PERCENT) {
            rc = ratio(weights[i], p->discount.value, PRICING_BPS_WHOLE,
                       &r[i].promo_discount_minor);
            if (rc)
                return rc;
        }
    }
    if (p->discount.kind == PRICING_DISCOUNT_AMOUNT) {
        rc = split(min64(p->discount.value, sum), weights, in->line_count,
                   parts);
        if (rc)
            return rc;
        for (size_t i = 0; i < in->line_count; i++)
            r[i].promo_discount_minor += parts[i];
    }
    claim(in, r, p->items, p->item_count, j);
    return ERR_OK;
}

/*
 * The first unclaimed line of each package item; false if one is
 * missing. times is the smallest quantity among them.
 */
static bool
package_lines(const struct pricing_input *in,
              const struct pricing_line_result *r,
              const struct pricing_promo *p, size_t *found, int64_t *times)
{
    *times = PRICING_QUANTITY_MAX;
    for (size_t k = 0; k < p->item_count; k++) {
        found[k] = SIZE_MAX;
        for (size_t i = 0; i < in->line_count && found[k] == SIZE_MAX; i++) {
            if (eligible(in, r, i, &p->items[k], 1))
                found[k] = i;
        }
        if (found[k] == SIZE_MAX)
            return false;
        *times = min64(*times, in->lines[found[k]].quantity);
    }
    return true;
}

/*
 * times packages at package_price each, split over the items in
 * proportion to list price; a line whose share is above its value keeps
 * its value (a package never raises a price).
 */
static enum err
apply_package(const struct pricing_input *in, struct pricing_line_result *r,
              int j)
{
    const struct pricing_promo *p = &in->promos[j];
    size_t found[PRICING_PROMO_ITEMS_MAX];
    int64_t weights[PRICING_PROMO_ITEMS_MAX];
    int64_t shares[PRICING_PROMO_ITEMS_MAX];
    int64_t times;
    int64_t sum = 0;
    enum err rc;

    if (!package_lines(in, r, p, found, &times))
        return ERR_OK;
    for (size_t k = 0; k < p->item_count; k++) {
        weights[k] = in->lines[found[k]].list_price_minor;
        sum += weights[k];
    }
    if (sum == 0)
        return ERR_OK; /* free items: nothing to reprice */
    rc = split(p->package_price_minor * times, weights, p->item_count, shares);
    for (size_t k = 0; k < p->item_count && rc == ERR_OK; k++) {
        struct pricing_line_result *x = &r[found[k]];
        int64_t value = 0;

        rc = ratio(after_tier(x), times, in->lines[found[k]].quantity, &value);
        x->promo_discount_minor = value > shares[k] ? value - shares[k] : 0;
        x->promo_index = j;
    }
    return rc;
}

static enum err
apply_promos(const struct pricing_input *in, struct pricing_line_result *r)
{
    enum err rc = ERR_OK;

    for (size_t j = 0; j < in->promo_count && rc == ERR_OK; j++) {
        switch (in->promos[j].kind) {
        case PRICING_PROMO_BOGO:
            rc = apply_bogo(in, r, (int)j);
            break;
        case PRICING_PROMO_GROUP:
            rc = apply_group(in, r, (int)j);
            break;
        case PRICING_PROMO_PACKAGE:
            rc = apply_package(in, r, (int)j);
            break;
        default:
            ASSERT(!"unreachable");
        }
    }
    for (size_t i = 0; i < in->line_count; i++)
        ASSERT(after_promo(&r[i]) >= 0);
    return rc;
}

/* ---- step 4: custom discounts and the authority to give them ---- */

/* A custom discount on base: a percentage half up, or an amount capped. */
static enum err
custom_amount(const struct pricing_discount *d, int64_t base, int64_t *out)
{
    ASSERT(base >= 0);
    switch (d->kind) {
    case PRICING_DISCOUNT_NONE:
        *out = 0;
        return ERR_OK;
    case PRICING_DISCOUNT_PERCENT:
        return ratio(base, d->value, PRICING_BPS_WHOLE, out);
    case PRICING_DISCOUNT_AMOUNT:
        *out = min64(d->value, base); /* no line goes below zero */
        return ERR_OK;
    default:
        ASSERT(!"unreachable");
    }
    return ERR_INTERNAL;
}

/*
 * What a custom discount on base is worth before rounding, times
 * PRICING_BPS_WHOLE, so limits compare exactly: a 20% discount is within
 * a 20% limit whatever its rounding.
 */
static i128
nominal(const struct pricing_discount *d, int64_t base, int64_t amount)
{
    if (d->kind == PRICING_DISCOUNT_PERCENT)
        return (i128)base * d->value;
    return (i128)amount * PRICING_BPS_WHOLE;
}

static enum err
over_limit(struct errinfo *ei, const char *list, size_t i, const char *field,
           int64_t limit_bps)
{
    char param[ERRINFO_PARAM_MAX];

    param_path(param, list, i, field);
    return errinfo_set(ei, ERR_FORBIDDEN, "discount_limit_exceeded", param,
                       "discount is over the limit of %lld.%02lld%%",
                       (long long)(limit_bps / 100),
                       (long long)(limit_bps % 100));
}

/*
 * Line discounts: each within the limit of its line when the actor is
 * limited. Adds their nominal values to *given and the amounts after
 * promotions to *base, for the invoice-wide check.
 */
static enum err
apply_line_discounts(const struct pricing_input *in,
                     struct pricing_line_result *r, i128 *given, i128 *base,
                     struct errinfo *ei)
{
    enum err rc;

    for (size_t i = 0; i < in->line_count; i++) {
        const struct pricing_discount *d = &in->lines[i].discount;
        int64_t before = after_promo(&r[i]);
        i128 worth;

        rc = custom_amount(d, before, &r[i].line_discount_minor);
        if (rc)
            return rc;
        worth = nominal(d, before, r[i].line_discount_minor);
        if (in->discount_limited &&
            worth > (i128)before * in->discount_limit_bps)
            return over_limit(ei, "lines", i, "discount",
                              in->discount_limit_bps);
        *given += worth;
        *base += before;
        ASSERT(after_line(&r[i]) >= 0);
    }
    return ERR_OK;
}

/*
 * The invoice discount on the sum after line discounts, split over the
 * lines by largest remainder in proportion to what each line is left
 * with, so no share is larger than its line. A limited actor's line and
 * invoice discounts together stay within the limit of the amount after
 * promotions.
 */
static enum err
apply_invoice_discount(const struct pricing_input *in,
                       struct pricing_line_result *r, struct errinfo *ei)
{
    int64_t weights[PRICING_LINES_MAX];
    int64_t parts[PRICING_LINES_MAX];
    int64_t sum = 0;
    int64_t amount = 0;
    i128 given = 0;
    i128 base = 0;
    enum err rc;

    rc = apply_line_discounts(in, r, &given, &base, ei);
    if (rc)
        return rc;
    for (size_t i = 0; i < in->line_count; i++) {
        weights[i] = after_line(&r[i]);
        sum += weights[i];
    }
    rc = custom_amount(&in->invoice_discount, sum, &amount);
    if (rc)
        return rc;
    given += nominal(&in->invoice_discount, sum, amount);
    if (in->discount_limited && given > base * in->discount_limit_bps)
        return over_limit(ei, NULL, 0, "invoice_discount",
                          in->discount_limit_bps);
    rc = split(amount, weights, in->line_count, parts);
    if (rc)
        return rc;
    for (size_t i = 0; i < in->line_count; i++) {
        ASSERT(parts[i] <= weights[i]);
        r[i].invoice_discount_minor = parts[i];
    }
    return ERR_OK;
}

/* ---- steps 5 and 6: tax, totals and tips ---- */

static enum err
tax_line(const struct pricing_input *in, size_t i,
         struct pricing_line_result *r)
{
    enum err rc;

    r->net_minor = after_line(r) - r->invoice_discount_minor;
    ASSERT(r->net_minor >= 0);
    ASSERT(r->net_minor <= r->gross_minor);
    if (in->lines[i].taxable) {
        rc = ratio(r->net_minor, in->tax_rate_bps, PRICING_BPS_WHOLE,
                   &r->tax_minor);
        if (rc)
            return rc;
    }
    r->total_minor = r->net_minor + r->tax_minor;
    return ERR_OK;
}

/* Sum the lines into t (zeroed first); tips are added by the caller. */
static enum err
sum_lines(const struct pricing_line_result *r, size_t n,
          struct pricing_totals *t)
{
    enum err rc = ERR_OK;

    memset(t, 0, sizeof(*t));
    for (size_t i = 0; i < n && rc == ERR_OK; i++) {
        rc = accumulate(&t->gross_minor, r[i].gross_minor);
        rc = rc ? rc
                : accumulate(&t->tier_discount_minor, r[i].tier_discount_minor);
        rc = rc ? rc
                : accumulate(&t->promo_discount_minor,
                             r[i].promo_discount_minor);
        rc = rc ? rc
                : accumulate(&t->line_discount_minor, r[i].line_discount_minor);
        rc = rc ? rc
                : accumulate(&t->invoice_discount_minor,
                             r[i].invoice_discount_minor);
        rc = rc ? rc : accumulate(&t->net_minor, r[i].net_minor);
        rc = rc ? rc : accumulate(&t->tax_minor, r[i].tax_minor);
    }
    t->discount_minor = t->tier_discount_minor + t->promo_discount_minor +
                        t->line_discount_minor + t->invoice_discount_minor;
    ASSERT(t->gross_minor - t->discount_minor == t->net_minor);
    return rc;
}

/* Split the tip over the providers exactly, as the input asks. */
static enum err
split_tips(const struct pricing_tips *t, int64_t *parts)
{
    int64_t ones[PRICING_PROVIDERS_MAX];
    enum err rc = ERR_INTERNAL;

    if (t->provider_count == 0)
        return ERR_OK;
    ASSERT(parts != NULL);
    switch (t->split) {
    case PRICING_TIP_EQUAL:
        for (size_t k = 0; k < t->provider_count; k++)
            ones[k] = 1;
        rc = split(t->amount_minor, ones, t->provider_count, parts);
        break;
    case PRICING_TIP_PERCENT:
        rc = split(t->amount_minor, t->shares, t->provider_count, parts);
        break;
    case PRICING_TIP_AMOUNT:
        memcpy(parts, t->shares, t->provider_count * sizeof(*parts));
        rc = ERR_OK;
        break;
    default:
        ASSERT(!"unreachable");
    }
    return rc;
}

enum err
pricing_compute(const struct pricing_input *in,
                struct pricing_line_result *lines, int64_t *tip_parts_minor,
                struct pricing_totals *totals, struct errinfo *ei)
{
    enum err rc;
    struct pricing_totals t;

    ASSERT(in != NULL);
    ASSERT(lines != NULL);
    ASSERT(totals != NULL);
    rc = check_input(in, ei);
    if (rc)
        return rc;
    for (size_t i = 0; i < in->line_count && rc == ERR_OK; i++)
        rc = price_line(in, i, &lines[i]);
    rc = rc ? rc : apply_promos(in, lines);
    rc = rc ? rc : apply_invoice_discount(in, lines, ei);
    for (size_t i = 0; i < in->line_count && rc == ERR_OK; i++)
        rc = tax_line(in, i, &lines[i]);
    rc = rc ? rc : sum_lines(lines, in->line_count, &t);
    rc = rc ? rc : split_tips(&in->tips, tip_parts_minor);
    if (rc)
        return rc;
    t.tip_minor = in->tips.amount_minor;
    t.total_minor = t.net_minor + t.tax_minor + t.tip_minor;
    ASSERT(t.total_minor >= 0);
    *totals = t;
    return ERR_OK;
}

enum err
pricing_split_tips(const struct pricing_tips *t, int64_t *parts,
                   struct errinfo *ei)
{
    enum err rc = check_tips(t, ei);

    return rc ? rc : split_tips(t, parts);
}

int64_t
pricing_prorate(int64_t amount, int64_t upto, int64_t whole)
{
    struct money out;

    ASSERT(whole > 0 && upto >= 0 && upto <= whole);
    ASSERT(amount >= 0 && amount <= PRICING_AMOUNT_MAX);
    /* amount * upto fits 128 bits; the result is at most amount. */
    if (money_mul_ratio((struct money){amount, 0}, upto, whole, ROUND_HALF_UP,
                        &out) != ERR_OK)
        ASSERT(!"unreachable");
    return out.minor;
}

enum err
pricing_allocate(int64_t amount, const int64_t *room, size_t n, int64_t *parts)
{
    struct money out[PRICING_LINES_MAX];
    int64_t sum = 0;
    enum err rc;

    ASSERT(n <= PRICING_LINES_MAX);
    for (size_t i = 0; i < n; i++) {
        ASSERT(room[i] >= 0);
        sum += room[i];
        parts[i] = 0;
    }
    if (amount < 0 || amount > sum)
        return ERR_LIMIT;
    if (amount == 0)
        return ERR_OK;
    rc = money_split((struct money){amount, 0}, room, n, out);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        /* amount <= sum keeps each share within its room. */
        ASSERT(out[i].minor >= 0 && out[i].minor <= room[i]);
        parts[i] = out[i].minor;
    }
    return ERR_OK;
}
