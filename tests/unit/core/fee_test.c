/*
 * fee_test.c - tests for core/fee: rate plus fixed fee, half-up
 * rounding, refusal of negative inputs and of overflow.
 */
#include "core/fee.h"

#include <stdint.h>

#include "base/money.h"
#include "harness.h"

#define USD 840

static struct money
usd(int64_t minor)
{
    return (struct money){minor, USD};
}

TEST(fee_card_not_present)
{
    struct money fee = usd(-1);

    /* $100.00: 290 + 30. */
    CHECK_RC(fee_compute(usd(10000), FEE_CNP_BPS, FEE_CNP_FIXED, &fee), ERR_OK);
    CHECK_I64(fee.minor, 320);
    CHECK_I64(fee.currency, USD);
    /* $10.00: 1000 * 290 / 10000 = 29, + 30. */
    CHECK_RC(fee_compute(usd(1000), FEE_CNP_BPS, FEE_CNP_FIXED, &fee), ERR_OK);
    CHECK_I64(fee.minor, 59);
}

TEST(fee_card_present)
{
    struct money fee = usd(-1);

    /* $100.00: 260 + 15. */
    CHECK_RC(fee_compute(usd(10000), FEE_CP_BPS, FEE_CP_FIXED, &fee), ERR_OK);
    CHECK_I64(fee.minor, 275);
    CHECK_RC(fee_compute(usd(0), FEE_CP_BPS, FEE_CP_FIXED, &fee), ERR_OK);
    CHECK_I64(fee.minor, 15);
}

TEST(fee_rounds_half_up)
{
    struct money fee = usd(-1);

    /* 50 * 290 / 10000 = 1.45, rounds down to 1. */
    CHECK_RC(fee_compute(usd(50), FEE_CNP_BPS, FEE_CNP_FIXED, &fee), ERR_OK);
    CHECK_I64(fee.minor, 31);
    /* 5 * 1000 / 10000 = 0.5 exactly, rounds up to 1. */
    CHECK_RC(fee_compute(usd(5), 1000, 0, &fee), ERR_OK);
    CHECK_I64(fee.minor, 1);
    /* 15 * 1000 / 10000 = 1.5, also up (not to even). */
    CHECK_RC(fee_compute(usd(15), 1000, 0, &fee), ERR_OK);
    CHECK_I64(fee.minor, 2);
    /* 52 * 290 / 10000 = 1.508, up to 2. */
    CHECK_RC(fee_compute(usd(52), FEE_CNP_BPS, 0, &fee), ERR_OK);
    CHECK_I64(fee.minor, 2);
}

TEST(fee_refuses_negative)
{
    struct money fee = usd(-1);

    CHECK_RC(fee_compute(usd(-1), FEE_CNP_BPS, FEE_CNP_FIXED, &fee),
             ERR_INVALID);
    CHECK_RC(fee_compute(usd(100), -1, FEE_CNP_FIXED, &fee), ERR_INVALID);
    CHECK_RC(fee_compute(usd(100), FEE_CNP_BPS, -1, &fee), ERR_INVALID);
    CHECK_I64(fee.minor, -1);
}

TEST(fee_refuses_overflow)
{
    struct money fee = usd(-1);

    /* The percentage fits, but adding the fixed part overflows. */
    CHECK_RC(fee_compute(usd(INT64_MAX), 10000, 1, &fee), ERR_LIMIT);
    /* The percentage itself does not fit. */
    CHECK_RC(fee_compute(usd(INT64_MAX), 20000, 0, &fee), ERR_LIMIT);
    CHECK_RC(fee_compute(usd(100), FEE_CNP_BPS, INT64_MAX, &fee), ERR_LIMIT);
    CHECK_I64(fee.minor, -1);
    /* The largest amount at the default rate still fits. */
    CHECK_RC(fee_compute(usd(INT64_MAX), FEE_CNP_BPS, FEE_CNP_FIXED, &fee),
             ERR_OK);
    CHECK(fee.minor > 0);
}
