/*
 * money.c - integer money arithmetic, rounding and proportional splits.
 *
 * Owns the static ISO 4217 table and the only arithmetic allowed on
 * struct money. Never uses floating point and never allocates: every
 * intermediate that could exceed 64 bits is computed in 128 bits.
 *
 * Invariants: outputs are written only on success; money_split() parts
 * always add up to the total exactly (asserted); a part whose weight is
 * zero is always zero.
 */
#include "base/money.h"

#include "base/assert.h"

/*
 * __extension__ keeps -pedantic quiet: 128-bit integers are a GCC and
 * Clang extension, and the only exact way to hold an int64 product.
 */
__extension__ typedef __int128 i128;

static const struct currency_info currencies[] = {
    {"AUD", 36, 2},  {"CAD", 124, 2}, {"CHF", 756, 2}, {"DKK", 208, 2},
    {"EUR", 978, 2}, {"GBP", 826, 2}, {"HKD", 344, 2}, {"JPY", 392, 0},
    {"KWD", 414, 3}, {"MXN", 484, 2}, {"NOK", 578, 2}, {"NZD", 554, 2},
    {"SEK", 752, 2}, {"SGD", 702, 2}, {"USD", 840, 2}, {"ZAR", 710, 2},
};

#define CURRENCY_COUNT (sizeof(currencies) / sizeof(currencies[0]))

const struct currency_info *
currency_by_code(struct str code)
{
    if (code.ptr == NULL)
        return NULL;
    for (size_t i = 0; i < CURRENCY_COUNT; i++) {
        if (str_eq_c(code, currencies[i].code))
            return &currencies[i];
    }
    return NULL;
}

const struct currency_info *
currency_by_numeric(uint16_t numeric)
{
    for (size_t i = 0; i < CURRENCY_COUNT; i++) {
        if (currencies[i].numeric == numeric)
            return &currencies[i];
    }
    return NULL;
}

enum err
money_add(struct money a, struct money b, struct money *out)
{
    int64_t sum;

    ASSERT(out != NULL);
    if (a.currency != b.currency)
        return ERR_INVALID;
    if (__builtin_add_overflow(a.minor, b.minor, &sum))
        return ERR_LIMIT;
    out->minor = sum;
    out->currency = a.currency;
    return ERR_OK;
}

enum err
money_sub(struct money a, struct money b, struct money *out)
{
    int64_t diff;

    ASSERT(out != NULL);
    if (a.currency != b.currency)
        return ERR_INVALID;
    if (__builtin_sub_overflow(a.minor, b.minor, &diff))
        return ERR_LIMIT;
    out->minor = diff;
    out->currency = a.currency;
    return ERR_OK;
}

/*
 * Round the exact quotient q + r/den (q and r as from C's truncating
 * division, so r has the sign of the dividend) to an integer. Only the
 * magnitude of r against den/2 matters, and moving "up" means away from
 * zero, which makes negative values the mirror image of positive ones.
 */
static i128
round_quotient(i128 q, i128 r, int64_t den, enum rounding mode)
{
    i128 twice_r;
    i128 away;

    ASSERT(den > 0);
    ASSERT(r > -(i128)den);
    ASSERT(r < (i128)den);
    if (r == 0)
        return q;
    twice_r = r < 0 ? -2 * r : 2 * r;
    away = r < 0 ? q - 1 : q + 1;
    if (twice_r > den)
        return away;
    if (twice_r < den)
        return q;
    switch (mode) {
    case ROUND_HALF_UP:
        return away;
    case ROUND_HALF_EVEN:
        return q % 2 == 0 ? q : away;
    default:
        ASSERT(!"unreachable");
    }
    return q;
}

enum err
money_mul_ratio(struct money a, int64_t num, int64_t den, enum rounding r,
                struct money *out)
{
    i128 product;
    i128 rounded;

    ASSERT(out != NULL);
    ASSERT(den > 0);
    ASSERT(r == ROUND_HALF_UP || r == ROUND_HALF_EVEN);
    /* Two int64 factors always fit: |INT64_MIN|^2 is 2^126 < 2^127. */
    product = (i128)a.minor * num;
    rounded = round_quotient(product / den, product % den, den, r);
    if (rounded < INT64_MIN || rounded > INT64_MAX)
        return ERR_LIMIT;
    out->minor = (int64_t)rounded;
    out->currency = a.currency;
    return ERR_OK;
}

/*
 * Sum the weights of a split. ERR_INVALID for a negative weight or a zero
 * sum, ERR_LIMIT if the sum does not fit in int64.
 */
static enum err
weights_sum(const int64_t *weights, size_t n, int64_t *out)
{
    int64_t sum = 0;

    ASSERT(weights != NULL);
    for (size_t i = 0; i < n; i++) {
        if (weights[i] < 0)
            return ERR_INVALID;
        if (__builtin_add_overflow(sum, weights[i], &sum))
            return ERR_LIMIT;
    }
    if (sum == 0)
        return ERR_INVALID;
    *out = sum;
    return ERR_OK;
}

/*
 * True if part i comes before part j in the order that hands out the
 * remainder: larger remainder first, then lower index.
 */
static bool
ranks_before(i128 rem_i, size_t i, i128 rem_j, size_t j)
{
    if (rem_i != rem_j)
        return rem_i > rem_j;
    return i < j;
}

/*
 * The part after `prev` in remainder order (SIZE_MAX for none yet).
 * Quadratic over the whole split, but splits are small (installments, tip
 * pools) and this needs no scratch memory.
 */
static size_t
next_by_remainder(i128 mag, const int64_t *weights, size_t n, int64_t sum,
                  size_t prev)
{
    size_t best = SIZE_MAX;
    i128 best_rem = -1;
    i128 prev_rem = prev == SIZE_MAX ? -1 : mag * weights[prev] % sum;

    for (size_t i = 0; i < n; i++) {
        i128 rem = mag * weights[i] % sum;

        if (prev != SIZE_MAX && !ranks_before(prev_rem, prev, rem, i))
            continue;
        if (best == SIZE_MAX || ranks_before(rem, i, best_rem, best)) {
            best = i;
            best_rem = rem;
        }
    }
    ASSERT(best != SIZE_MAX);
    return best;
}

enum err
money_split(struct money total, const int64_t *weights, size_t n,
            struct money *parts)
{
    enum err rc;
    int64_t sum;
    i128 mag;
    i128 left;
    i128 check = 0;
    size_t pick = SIZE_MAX;

    ASSERT(parts != NULL || n == 0);
    if (n == 0)
        return ERR_INVALID;
    rc = weights_sum(weights, n, &sum);
    if (rc)
        return rc;
    /*
     * Split the magnitude and give each part the sign of the total, so
     * -100 splits as the mirror of 100 and INT64_MIN needs no special
     * case. Nothing below can fail, so parts are written only on success.
     */
    mag = total.minor < 0 ? -(i128)total.minor : (i128)total.minor;
    left = mag;
    for (size_t i = 0; i < n; i++) {
        i128 share = mag * weights[i] / sum;

        left -= share;
        parts[i].minor = (int64_t)(total.minor < 0 ? -share : share);
        parts[i].currency = total.currency;
    }
    /* Each remainder is below sum, so fewer than n units are left. */
    ASSERT(left >= 0);
    ASSERT(left < (i128)n);
    for (; left > 0; left--) {
        pick = next_by_remainder(mag, weights, n, sum, pick);
        ASSERT(weights[pick] > 0);
        parts[pick].minor += total.minor < 0 ? -1 : 1;
    }
    for (size_t i = 0; i < n; i++)
        check += parts[i].minor;
    ASSERT(check == total.minor);
    return ERR_OK;
}
