/*
 * money_test.c - tests for base/money: currency table, add/sub overflow
 * and mismatch, rounding of ratios (negative halves included) and splits.
 */
#include "base/money.h"

#include "harness.h"

#define USD 840
#define EUR 978
/* 2^32 + 1; times UINT32_MAX it is 2^64 - 1. */
#define TWO32_PLUS_1 ((INT64_C(1) << 32) + 1)

static struct money
usd(int64_t minor)
{
    return (struct money){minor, USD};
}

TEST(money_currency_table)
{
    static const struct {
        const char *code;
        uint16_t numeric;
        uint8_t exponent;
    } want[] = {
        {"USD", 840, 2}, {"EUR", 978, 2}, {"GBP", 826, 2},
        {"CAD", 124, 2}, {"AUD", 36, 2},  {"JPY", 392, 0},
        {"CHF", 756, 2}, {"MXN", 484, 2}, {"NZD", 554, 2},
    };

    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const struct currency_info *c = currency_by_code(str_c(want[i].code));

        CHECK(c != NULL);
        CHECK(c == currency_by_numeric(want[i].numeric));
        CHECK(str_eq_c(str_c(c->code), want[i].code));
        CHECK_I64(c->numeric, want[i].numeric);
        CHECK_I64(c->exponent, want[i].exponent);
    }
}

TEST(money_currency_unknown)
{
    CHECK(currency_by_code(STR("usd")) == NULL);
    CHECK(currency_by_code(STR("US")) == NULL);
    CHECK(currency_by_code(STR("USDX")) == NULL);
    CHECK(currency_by_code(STR("")) == NULL);
    CHECK(currency_by_code(STR_NULL) == NULL);
    CHECK(currency_by_numeric(0) == NULL);
    CHECK(currency_by_numeric(999) == NULL);
}

TEST(money_add_sub)
{
    struct money out;

    CHECK_RC(money_add(usd(1250), usd(-50), &out), ERR_OK);
    CHECK_I64(out.minor, 1200);
    CHECK_I64(out.currency, USD);
    CHECK_RC(money_sub(usd(-1), usd(INT64_MAX), &out), ERR_OK);
    CHECK_I64(out.minor, INT64_MIN);
    CHECK_RC(money_add(usd(INT64_MAX - 1), usd(1), &out), ERR_OK);
    CHECK_I64(out.minor, INT64_MAX);
}

TEST(money_add_overflow_refused)
{
    struct money out = usd(7);

    CHECK_RC(money_add(usd(INT64_MAX), usd(1), &out), ERR_LIMIT);
    CHECK_RC(money_add(usd(INT64_MIN), usd(-1), &out), ERR_LIMIT);
    CHECK_RC(money_sub(usd(INT64_MIN), usd(1), &out), ERR_LIMIT);
    CHECK_RC(money_sub(usd(0), usd(INT64_MIN), &out), ERR_LIMIT);
    CHECK_RC(money_sub(usd(INT64_MAX), usd(-1), &out), ERR_LIMIT);
    CHECK_I64(out.minor, 7);
    CHECK_I64(out.currency, USD);
}

TEST(money_currency_mismatch_refused)
{
    struct money out = usd(7);
    struct money eur = {100, EUR};

    CHECK_RC(money_add(usd(100), eur, &out), ERR_INVALID);
    CHECK_RC(money_sub(eur, usd(100), &out), ERR_INVALID);
    /* A mismatch is reported even when the sum would also overflow. */
    CHECK_RC(money_add(usd(INT64_MAX), (struct money){1, EUR}, &out),
             ERR_INVALID);
    CHECK_I64(out.minor, 7);
}

/* a * num / den with mode; INT64_MIN marks a refused result. */
static int64_t
ratio(int64_t a, int64_t num, int64_t den, enum rounding mode)
{
    struct money out = usd(0);

    if (money_mul_ratio(usd(a), num, den, mode, &out) != ERR_OK)
        return INT64_MIN;
    return out.minor;
}

TEST(money_mul_ratio_half_up)
{
    CHECK_I64(ratio(5, 1, 2, ROUND_HALF_UP), 3);
    CHECK_I64(ratio(-5, 1, 2, ROUND_HALF_UP), -3);
    CHECK_I64(ratio(5, -1, 2, ROUND_HALF_UP), -3);
    CHECK_I64(ratio(-5, -1, 2, ROUND_HALF_UP), 3);
    CHECK_I64(ratio(7, 1, 3, ROUND_HALF_UP), 2);
    CHECK_I64(ratio(8, 1, 3, ROUND_HALF_UP), 3);
    CHECK_I64(ratio(-7, 1, 3, ROUND_HALF_UP), -2);
    CHECK_I64(ratio(-8, 1, 3, ROUND_HALF_UP), -3);
    /* 8.25% tax on 19.99: 164.9175 cents. */
    CHECK_I64(ratio(1999, 825, 10000, ROUND_HALF_UP), 165);
    CHECK_I64(ratio(-1999, 825, 10000, ROUND_HALF_UP), -165);
    CHECK_I64(ratio(0, 123, 7, ROUND_HALF_UP), 0);
    CHECK_I64(ratio(1234, 0, 7, ROUND_HALF_UP), 0);
}

TEST(money_mul_ratio_half_even)
{
    CHECK_I64(ratio(5, 1, 2, ROUND_HALF_EVEN), 2);
    CHECK_I64(ratio(15, 1, 2, ROUND_HALF_EVEN), 8);
    CHECK_I64(ratio(-5, 1, 2, ROUND_HALF_EVEN), -2);
    CHECK_I64(ratio(-15, 1, 2, ROUND_HALF_EVEN), -8);
    CHECK_I64(ratio(-1, 1, 2, ROUND_HALF_EVEN), 0);
    CHECK_I64(ratio(-3, 1, 2, ROUND_HALF_EVEN), -2);
    /* Only an exact half is a tie: 2.5000001 still rounds up. */
    CHECK_I64(ratio(25000001, 1, 10000000, ROUND_HALF_EVEN), 3);
    CHECK_I64(ratio(-25000001, 1, 10000000, ROUND_HALF_EVEN), -3);
    CHECK_I64(ratio(24999999, 1, 10000000, ROUND_HALF_EVEN), 2);
}

TEST(money_mul_ratio_wide_intermediate)
{
    struct money out = usd(7);

    /* The product needs more than 64 bits; the quotient does not. */
    CHECK_I64(ratio(INT64_MAX, 3, 3, ROUND_HALF_UP), INT64_MAX);
    CHECK_RC(money_mul_ratio(usd(INT64_MIN), 3, 3, ROUND_HALF_EVEN, &out),
             ERR_OK);
    CHECK_I64(out.minor, INT64_MIN);
    out = usd(7);
    CHECK_I64(ratio(INT64_MAX, INT64_MAX, INT64_MAX, ROUND_HALF_UP), INT64_MAX);
    CHECK_I64(ratio(INT64_MIN, -1, 2, ROUND_HALF_UP), INT64_C(1) << 62);
    CHECK_RC(money_mul_ratio(usd(INT64_MAX), 2, 1, ROUND_HALF_UP, &out),
             ERR_LIMIT);
    CHECK_RC(money_mul_ratio(usd(INT64_MIN), -1, 1, ROUND_HALF_UP, &out),
             ERR_LIMIT);
    /*
     * Rounding itself may be what overflows: (2^32 - 1)(2^32 + 1) / 2 is
     * INT64_MAX + 0.5, whose truncation fits but whose rounding does not.
     */
    CHECK_RC(
        money_mul_ratio(usd(UINT32_MAX), TWO32_PLUS_1, 2, ROUND_HALF_UP, &out),
        ERR_LIMIT);
    CHECK_RC(money_mul_ratio(usd(UINT32_MAX), TWO32_PLUS_1, 2, ROUND_HALF_EVEN,
                             &out),
             ERR_LIMIT);
    CHECK_RC(money_mul_ratio(usd(-(int64_t)UINT32_MAX), TWO32_PLUS_1, 2,
                             ROUND_HALF_EVEN, &out),
             ERR_OK);
    CHECK_I64(out.minor, INT64_MIN);
    out = usd(7);
    CHECK_RC(money_mul_ratio(usd(-(int64_t)UINT32_MAX), TWO32_PLUS_1, 2,
                             ROUND_HALF_UP, &out),
             ERR_OK);
    CHECK_I64(out.minor, INT64_MIN);
    out = usd(7);
    CHECK_RC(
        money_mul_ratio(usd(UINT32_MAX), TWO32_PLUS_1, 1, ROUND_HALF_UP, &out),
        ERR_LIMIT);
    CHECK_I64(out.minor, 7);
}

static void
mul_ratio_zero_den(void)
{
    struct money out;

    if (money_mul_ratio(usd(1), 1, 0, ROUND_HALF_UP, &out) == ERR_OK)
        return;
}

TEST(money_mul_ratio_zero_den_asserts)
{
    CHECK_DEATH(mul_ratio_zero_den());
}

/* Split total (USD) by weights and compare with want; n at most 8. */
static bool
split_is(int64_t total, const int64_t *weights, size_t n, const int64_t *want)
{
    struct money parts[8];

    if (money_split(usd(total), weights, n, parts) != ERR_OK)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (parts[i].minor != want[i] || parts[i].currency != USD)
            return false;
    }
    return true;
}

TEST(money_split_equal)
{
    CHECK(split_is(100, (int64_t[]){1, 1, 1}, 3, (int64_t[]){34, 33, 33}));
    CHECK(split_is(5, (int64_t[]){1, 1, 1, 1}, 4, (int64_t[]){2, 1, 1, 1}));
    CHECK(split_is(2, (int64_t[]){1, 1, 1}, 3, (int64_t[]){1, 1, 0}));
    CHECK(split_is(99, (int64_t[]){1, 1, 1}, 3, (int64_t[]){33, 33, 33}));
    CHECK(split_is(0, (int64_t[]){1, 1}, 2, (int64_t[]){0, 0}));
    CHECK(split_is(7, (int64_t[]){5}, 1, (int64_t[]){7}));
}

TEST(money_split_largest_remainder)
{
    /* 10/3 = 3.33 and 20/3 = 6.67: the larger remainder wins, not index. */
    CHECK(split_is(10, (int64_t[]){1, 2}, 2, (int64_t[]){3, 7}));
    /* 100 * (1, 1, 3) / 5 is exact. */
    CHECK(split_is(100, (int64_t[]){1, 1, 3}, 3, (int64_t[]){20, 20, 60}));
    /* 7 * (2, 3, 2) / 7: remainders all zero, nothing to hand out. */
    CHECK(split_is(7, (int64_t[]){2, 3, 2}, 3, (int64_t[]){2, 3, 2}));
    /* 12 * (2, 2, 3) / 7 = 3.43, 3.43, 5.14: the tie goes to index 0. */
    CHECK(split_is(12, (int64_t[]){2, 2, 3}, 3, (int64_t[]){4, 3, 5}));
    /* 11 * (2, 2, 3) / 7 = 3.14, 3.14, 4.71: the last index wins. */
    CHECK(split_is(11, (int64_t[]){2, 2, 3}, 3, (int64_t[]){3, 3, 5}));
    CHECK(split_is(10, (int64_t[]){1, 1, 1, 1}, 4, (int64_t[]){3, 3, 2, 2}));
}

TEST(money_split_zero_weights)
{
    CHECK(split_is(101, (int64_t[]){0, 1, 0, 1}, 4, (int64_t[]){0, 51, 0, 50}));
    CHECK(split_is(-101, (int64_t[]){0, 1, 0, 1}, 4,
                   (int64_t[]){0, -51, 0, -50}));
    CHECK(split_is(3, (int64_t[]){0, 0, 7}, 3, (int64_t[]){0, 0, 3}));
}

TEST(money_split_negative_total)
{
    CHECK(split_is(-100, (int64_t[]){1, 1, 1}, 3, (int64_t[]){-34, -33, -33}));
    CHECK(split_is(-10, (int64_t[]){1, 2}, 2, (int64_t[]){-3, -7}));
    CHECK(
        split_is(-5, (int64_t[]){1, 1, 1, 1}, 4, (int64_t[]){-2, -1, -1, -1}));
}

TEST(money_split_extremes)
{
    int64_t half = INT64_C(1) << 62;

    CHECK(split_is(INT64_MIN, (int64_t[]){1, 1}, 2, (int64_t[]){-half, -half}));
    CHECK(
        split_is(INT64_MAX, (int64_t[]){1, 1}, 2, (int64_t[]){half, half - 1}));
    CHECK(split_is(INT64_MIN, (int64_t[]){0, INT64_MAX}, 2,
                   (int64_t[]){0, INT64_MIN}));
    CHECK(split_is(INT64_MAX, (int64_t[]){INT64_MAX - 1, 1}, 2,
                   (int64_t[]){INT64_MAX - 1, 1}));
}

TEST(money_split_bad_weights_refused)
{
    struct money parts[3] = {{7, 1}, {7, 1}, {7, 1}};

    CHECK_RC(money_split(usd(100), (int64_t[]){0, 0, 0}, 3, parts),
             ERR_INVALID);
    CHECK_RC(money_split(usd(100), (int64_t[]){2, -1, 1}, 3, parts),
             ERR_INVALID);
    CHECK_RC(money_split(usd(100), (int64_t[]){1}, 0, parts), ERR_INVALID);
    CHECK_RC(money_split(usd(100), (int64_t[]){INT64_MAX, 1, 0}, 3, parts),
             ERR_LIMIT);
    for (size_t i = 0; i < 3; i++) {
        CHECK_I64(parts[i].minor, 7);
        CHECK_I64(parts[i].currency, 1);
    }
}

TEST(money_split_sums_to_total)
{
    int64_t weights[8];
    struct money parts[8];

    /* A small deterministic sweep of totals, weights and lengths. */
    for (int64_t total = -1000; total <= 1000; total += 37) {
        for (size_t n = 1; n <= 8; n++) {
            int64_t sum = 0;

            for (size_t i = 0; i < n; i++)
                weights[i] = (int64_t)((i * 7 + (size_t)n) % 5);
            weights[n - 1] += 1;
            CHECK_RC(money_split(usd(total), weights, n, parts), ERR_OK);
            for (size_t i = 0; i < n; i++) {
                sum += parts[i].minor;
                if (weights[i] == 0)
                    CHECK_I64(parts[i].minor, 0);
            }
            CHECK_I64(sum, total);
        }
    }
}
