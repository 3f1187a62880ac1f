/*
 * fee.c - processing fee arithmetic.
 *
 * Pure domain rules: no I/O, no clock, no allocation and no floating
 * point. Every step goes through money_mul_ratio() and money_add(), which
 * catch overflow; the fee is never negative for valid inputs.
 */
#include "core/fee.h"

#include "base/assert.h"
#include "base/money.h"

enum err
fee_compute(struct money amount, int64_t rate_bps, int64_t fixed_minor,
            struct money *out)
{
    enum err rc;
    struct money percent;
    struct money fixed;
    struct money total;

    ASSERT(out != NULL);
    if (amount.minor < 0 || rate_bps < 0 || fixed_minor < 0)
        return ERR_INVALID;
    rc = money_mul_ratio(amount, rate_bps, FEE_BPS_WHOLE, ROUND_HALF_UP,
                         &percent);
    if (rc)
        return rc;
    fixed = (struct money){fixed_minor, amount.currency};
    rc = money_add(percent, fixed, &total);
    if (rc)
        return rc;
    ASSERT(total.minor >= 0);
    ASSERT(total.currency == amount.currency);
    *out = total;
    return ERR_OK;
}
