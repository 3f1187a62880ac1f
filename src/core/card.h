/*
 * card.h - the rules of payment card numbers and expiry dates. Pure: no
 * I/O, no clock, no allocation.
 *
 * Card numbers are never stored or logged, and no message written here
 * ever repeats one. Only the brand, the last 4 digits, the expiry and a
 * gateway token leave the tokenizer; the full number lives only in a
 * caller's buffer for the length of one request and is wiped afterwards.
 * These functions decide whether a number or an expiry is acceptable; they
 * do not decide whether a card will be approved.
 */
#ifndef POISE_CORE_CARD_H
#define POISE_CORE_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/str.h"

#define CARD_DIGITS_MIN 12
#define CARD_DIGITS_MAX 19
/* Bytes for a normalized number: the digits and a NUL. */
#define CARD_NUMBER_BYTES (CARD_DIGITS_MAX + 1)
/* Bytes for the last 4 digits and a NUL. */
#define CARD_LAST4_BYTES 5

enum card_brand {
    CARD_BRAND_UNKNOWN = 0,
    CARD_BRAND_VISA,
    CARD_BRAND_MASTERCARD,
    CARD_BRAND_AMEX,
    CARD_BRAND_DISCOVER,
    CARD_BRAND__COUNT
};

/*
 * True if digits is one or more ASCII digits (nothing else) whose Luhn
 * (mod 10) checksum is zero. Empty or non-digit input is false.
 */
bool card_luhn_is_valid(struct str digits);

/*
 * Copy the digits of in to out, dropping spaces and dashes, and
 * NUL-terminate them. out has cap >= CARD_NUMBER_BYTES bytes (asserted)
 * and is borrowed. ERR_INVALID with param "number" if in has another
 * character, has fewer than CARD_DIGITS_MIN or more than CARD_DIGITS_MAX
 * digits, or fails the Luhn check; then out is wiped to zeros. The message
 * in ei never contains the number or any of its digits.
 */
MUST_CHECK enum err card_number_normalize(struct str in, char *out, size_t cap,
                                          struct errinfo *ei);

/*
 * The brand of a normalized number by its leading digits: visa 4;
 * mastercard 51-55 and 2221-2720; amex 34 and 37; discover 6011, 644-649
 * and 65. CARD_BRAND_UNKNOWN for anything else, including non-digits.
 */
enum card_brand card_brand_of(struct str digits);

/* Lower-case name of brand ("visa", "unknown"); static, never NULL. */
const char *card_brand_name(enum card_brand brand);

/*
 * Write the last 4 digits of a normalized number and a NUL to out, which
 * has CARD_LAST4_BYTES bytes and is borrowed. digits must hold at least 4
 * digits (asserted): call it only after card_number_normalize().
 */
void card_last4(struct str digits, char *out);

/*
 * Check an expiry month and year against today's, which the caller
 * passes (core never reads the clock). A card is good through the last
 * day of its expiry month. ERR_INVALID with param "exp_month" for a month
 * outside 1..12 or a past month of the current year, and with param
 * "exp_year" for a year that is not 4 digits or is before now_year.
 */
MUST_CHECK enum err card_expiry_check(int64_t month, int64_t year,
                                      int64_t now_year, int64_t now_month,
                                      struct errinfo *ei);

#endif
