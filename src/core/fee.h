/*
 * fee.h - processing fees: a rate in basis points plus a fixed amount.
 * Pure: no I/O, no clock, no allocation, no floating point.
 *
 * A fee is amount * rate_bps / 10000, rounded half up to a whole minor
 * unit, plus fixed_minor, in the currency of the amount. It is computed
 * only through money_mul_ratio() and money_add(), so it never overflows
 * silently.
 */
#ifndef POISE_CORE_FEE_H
#define POISE_CORE_FEE_H

#include <stdint.h>

#include "base/err.h"
#include "base/money.h"

/* Basis points in a whole: 10000 bps is 100%. */
#define FEE_BPS_WHOLE 10000

/*
 * The sandbox gateway's default pricing, not any real processor's: card
 * not present (online, keyed) 2.90% + 30 cents, card present (reader)
 * 2.60% + 15 cents. Real gateways report their own.
 */
#define FEE_CNP_BPS 290
#define FEE_CNP_FIXED 30
#define FEE_CP_BPS 260
#define FEE_CP_FIXED 15

/*
 * *out = amount * rate_bps / FEE_BPS_WHOLE rounded half up, plus
 * fixed_minor, in amount's currency. ERR_INVALID if amount, rate_bps or
 * fixed_minor is negative; ERR_LIMIT if the fee does not fit in int64.
 * *out is untouched on error.
 */
MUST_CHECK enum err fee_compute(struct money amount, int64_t rate_bps,
                                int64_t fixed_minor, struct money *out);

#endif
