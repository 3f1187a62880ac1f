/*
 * card.c - card number checksums, brands, last 4 digits and expiry.
 *
 * Pure domain rules: no I/O, no clock, no allocation. A card number is
 * never stored or logged: no message here quotes one, and a buffer that
 * fails normalization is wiped. Only the brand, the last 4 digits, the
 * expiry and a token leave the tokenizer.
 */
#include "core/card.h"

#include "base/assert.h"
#include "base/crypto.h"
#include "base/str.h"

static const char *const brand_names[] = {
    [CARD_BRAND_UNKNOWN] = "unknown",       [CARD_BRAND_VISA] = "visa",
    [CARD_BRAND_MASTERCARD] = "mastercard", [CARD_BRAND_AMEX] = "amex",
    [CARD_BRAND_DISCOVER] = "discover",
};
STATIC_ASSERT(sizeof(brand_names) / sizeof(brand_names[0]) == CARD_BRAND__COUNT,
              "brand_names matches enum card_brand");

bool
card_luhn_is_valid(struct str digits)
{
    int sum = 0;
    bool twice = false;

    if (digits.len == 0)
        return false;
    ASSERT(digits.ptr != NULL);
    /* Double every second digit counting from the check digit. */
    for (size_t i = digits.len; i > 0; i--) {
        char c = digits.ptr[i - 1];
        int d;

        if (!char_is_digit(c))
            return false;
        d = c - '0';
        if (twice)
            d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
        twice = !twice;
    }
    ASSERT(sum >= 0);
    return sum % 10 == 0;
}

/*
 * Copy the digits of in to out, skipping spaces and dashes. ERR_INVALID
 * for any other byte or too many digits; *n_out is the digit count.
 */
static enum err
copy_digits(struct str in, char *out, size_t *n_out, struct errinfo *ei)
{
    size_t n = 0;

    for (size_t i = 0; i < in.len; i++) {
        char c = in.ptr[i];

        if (c == ' ' || c == '-')
            continue;
        /* Never quote c: it may be a mistyped digit of the number. */
        if (!char_is_digit(c)) {
            return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "number",
                               "card number has a character that is not a "
                               "digit, space or dash");
        }
        if (n == CARD_DIGITS_MAX) {
            return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "number",
                               "card number has more than %d digits",
                               CARD_DIGITS_MAX);
        }
        out[n++] = c;
    }
    *n_out = n;
    return ERR_OK;
}

enum err
card_number_normalize(struct str in, char *out, size_t cap, struct errinfo *ei)
{
    enum err rc;
    size_t n = 0;

    ASSERT(out != NULL);
    ASSERT(cap >= CARD_NUMBER_BYTES);
    ASSERT(in.ptr != NULL || in.len == 0);
    rc = copy_digits(in, out, &n, ei);
    if (rc)
        goto out_wipe;
    if (n < CARD_DIGITS_MIN) {
        rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", "number",
                         "card number has fewer than %d digits",
                         CARD_DIGITS_MIN);
        goto out_wipe;
    }
    if (!card_luhn_is_valid((struct str){out, n})) {
        rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", "number",
                         "card number fails its check digit");
        goto out_wipe;
    }
    out[n] = '\0';
    return ERR_OK;

out_wipe:
    /* A partial card number must not linger in the caller's buffer. */
    secret_wipe(out, cap);
    return rc;
}

/*
 * The number formed by the first n digits of s, or -1 if s is shorter or
 * one of them is not a digit.
 */
static int64_t
prefix_of(struct str s, size_t n)
{
    int64_t v = 0;

    ASSERT(n > 0);
    ASSERT(n <= 6);
    if (s.len < n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!char_is_digit(s.ptr[i]))
            return -1;
        v = v * 10 + (s.ptr[i] - '0');
    }
    return v;
}

static bool
in_range(int64_t v, int64_t lo, int64_t hi)
{
    return v >= lo && v <= hi;
}

enum card_brand
card_brand_of(struct str digits)
{
    int64_t p1 = prefix_of(digits, 1);
    int64_t p2 = prefix_of(digits, 2);
    int64_t p3 = prefix_of(digits, 3);
    int64_t p4 = prefix_of(digits, 4);

    if (p1 == 4)
        return CARD_BRAND_VISA;
    if (in_range(p2, 51, 55) || in_range(p4, 2221, 2720))
        return CARD_BRAND_MASTERCARD;
    if (p2 == 34 || p2 == 37)
        return CARD_BRAND_AMEX;
    if (p4 == 6011 || in_range(p3, 644, 649) || p2 == 65)
        return CARD_BRAND_DISCOVER;
    return CARD_BRAND_UNKNOWN;
}

const char *
card_brand_name(enum card_brand brand)
{
    ASSERT(brand >= CARD_BRAND_UNKNOWN);
    ASSERT(brand < CARD_BRAND__COUNT);
    return brand_names[brand];
}

void
card_last4(struct str digits, char *out)
{
    str_last4_digits(digits, out);
}

enum err
card_expiry_check(int64_t month, int64_t year, int64_t now_year,
                  int64_t now_month, struct errinfo *ei)
{
    /* Today's date comes from app's clock, not from the client. */
    ASSERT(in_range(now_month, 1, 12));
    ASSERT(in_range(now_year, 1000, 9999));
    if (!in_range(month, 1, 12)) {
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "exp_month",
                           "expiry month %lld is not between 1 and 12",
                           (long long)month);
    }
    if (!in_range(year, 1000, 9999)) {
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "exp_year",
                           "expiry year %lld is not 4 digits", (long long)year);
    }
    if (year < now_year) {
        return errinfo_set(ei, ERR_INVALID, "card_expired", "exp_year",
                           "card expired in %lld", (long long)year);
    }
    if (year == now_year && month < now_month) {
        return errinfo_set(ei, ERR_INVALID, "card_expired", "exp_month",
                           "card expired in month %lld of %lld",
                           (long long)month, (long long)year);
    }
    return ERR_OK;
}
