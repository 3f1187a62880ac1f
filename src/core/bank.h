/*
 * bank.h - the rules of US bank routing and account numbers. Pure: no
 * I/O, no clock, no allocation.
 *
 * A routing (ABA) number is 9 digits with a weighted checksum; an account
 * number is 4..17 digits. Account numbers are never logged and no message
 * written here repeats one; only the routing number, the last 4 digits of
 * the account and a token leave the tokenizer.
 */
#ifndef POISE_CORE_BANK_H
#define POISE_CORE_BANK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "base/str.h"

#define BANK_ROUTING_DIGITS 9
#define BANK_ACCOUNT_DIGITS_MIN 4
#define BANK_ACCOUNT_DIGITS_MAX 17
/* Bytes for the last 4 digits and a NUL. */
#define BANK_LAST4_BYTES 5

/*
 * True if s is exactly 9 ASCII digits d1..d9 with
 * 3(d1 + d4 + d7) + 7(d2 + d5 + d8) + (d3 + d6 + d9) divisible by 10.
 */
bool bank_routing_is_valid(struct str s);

/*
 * Check that s is BANK_ACCOUNT_DIGITS_MIN..BANK_ACCOUNT_DIGITS_MAX ASCII
 * digits and nothing else. ERR_INVALID with param "account_number"
 * otherwise; the message never repeats the number.
 */
MUST_CHECK enum err bank_account_number_check(struct str s, struct errinfo *ei);

/*
 * Write the last 4 digits of s and a NUL to out, which has
 * BANK_LAST4_BYTES bytes and is borrowed. s must hold at least 4 digits
 * (asserted): call it only after a successful check.
 */
void bank_last4(struct str s, char *out);

#endif
