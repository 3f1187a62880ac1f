/*
 * money.h - integer minor units with a currency. No floating point, ever.
 *
 * struct money carries int64_t minor units and the ISO 4217 numeric code.
 * Arithmetic goes only through these functions: a currency mismatch is
 * ERR_INVALID and an overflow is ERR_LIMIT; outputs are untouched on error.
 */
#ifndef POISE_BASE_MONEY_H
#define POISE_BASE_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/str.h"

/* Largest amount we accept on the wire: 1e12 minor units ($10bn). */
#define MONEY_AMOUNT_MAX INT64_C(1000000000000)

struct money {
    int64_t minor;
    uint16_t currency; /* ISO 4217 numeric, e.g. 840 for USD */
};

enum rounding {
    ROUND_HALF_UP,   /* away from zero at .5 */
    ROUND_HALF_EVEN, /* banker's rounding */
};

struct currency_info {
    const char *code; /* "USD" */
    uint16_t numeric; /* 840 */
    uint8_t exponent; /* 2 */
};

/* Currency by alphabetic code (case-sensitive, "USD"); NULL if unknown. */
const struct currency_info *currency_by_code(struct str code);
/* Currency by numeric code; NULL if unknown. */
const struct currency_info *currency_by_numeric(uint16_t numeric);

/* *out = a + b. ERR_INVALID on currency mismatch, ERR_LIMIT on overflow. */
MUST_CHECK enum err money_add(struct money a, struct money b,
                              struct money *out);
/* *out = a - b. ERR_INVALID on currency mismatch, ERR_LIMIT on overflow. */
MUST_CHECK enum err money_sub(struct money a, struct money b,
                              struct money *out);
/*
 * *out = a * num / den rounded as asked; den > 0. ERR_LIMIT on overflow
 * of the intermediate product (done in 128 bits) or the result.
 */
MUST_CHECK enum err money_mul_ratio(struct money a, int64_t num, int64_t den,
                                    enum rounding r, struct money *out);

/*
 * Split total into n parts proportional to weights (all >= 0, sum > 0);
 * the remainder goes by largest remainder, ties to the lower index, so the
 * parts always sum to total exactly. parts has n slots. ERR_INVALID on bad
 * weights, ERR_LIMIT on overflow.
 */
MUST_CHECK enum err money_split(struct money total, const int64_t *weights,
                                size_t n, struct money *parts);

#endif
