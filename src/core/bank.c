/*
 * bank.c - ABA routing checksums and account number shape.
 *
 * Pure domain rules: no I/O, no clock, no allocation. Passing these checks
 * says only that a number is well formed, never that the account exists;
 * the gateway finds that out. No message here quotes an account number.
 */
#include "core/bank.h"

#include "base/assert.h"
#include "base/str.h"

static bool
all_digits(struct str s)
{
    for (size_t i = 0; i < s.len; i++) {
        if (!char_is_digit(s.ptr[i]))
            return false;
    }
    return true;
}

bool
bank_routing_is_valid(struct str s)
{
    static const int weights[BANK_ROUTING_DIGITS] = {3, 7, 1, 3, 7, 1, 3, 7, 1};
    int sum = 0;

    if (s.len != BANK_ROUTING_DIGITS || !all_digits(s))
        return false;
    ASSERT(s.ptr != NULL);
    for (size_t i = 0; i < BANK_ROUTING_DIGITS; i++)
        sum += weights[i] * (s.ptr[i] - '0');
    ASSERT(sum >= 0);
    return sum % 10 == 0;
}

enum err
bank_account_number_check(struct str s, struct errinfo *ei)
{
    ASSERT(s.ptr != NULL || s.len == 0);
    /* Never quote s: account numbers are not to be logged. */
    if (!all_digits(s)) {
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid",
                           "account_number",
                           "account number has a character that is not a "
                           "digit");
    }
    if (s.len < BANK_ACCOUNT_DIGITS_MIN || s.len > BANK_ACCOUNT_DIGITS_MAX) {
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid",
                           "account_number",
                           "account number has %zu digits, not %d to %d", s.len,
                           BANK_ACCOUNT_DIGITS_MIN, BANK_ACCOUNT_DIGITS_MAX);
    }
    return ERR_OK;
}

void
bank_last4(struct str s, char *out)
{
    str_last4_digits(s, out);
}
