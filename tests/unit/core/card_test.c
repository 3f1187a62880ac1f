/*
 * card_test.c - tests for core/card: Luhn checks, normalization of typed
 * numbers, brands by prefix, last 4 digits and expiry dates. The card
 * numbers here are the networks' published test numbers; they must never
 * appear in src/ outside the sandbox gateway.
 */
#include "core/card.h"

#include <string.h>

#include "base/str.h"
#include "harness.h"

#define VISA_TEST "4242424242424242"
#define MASTERCARD_TEST "5555555555554444"
#define MASTERCARD_2_TEST "2223003122003222"
#define AMEX_TEST "378282246310005"
#define DISCOVER_TEST "6011111111111117"

static enum err
normalize(const char *in, char *out, struct errinfo *ei)
{
    return card_number_normalize(str_c(in), out, CARD_NUMBER_BYTES, ei);
}

static enum card_brand
brand(const char *digits)
{
    return card_brand_of(str_c(digits));
}

TEST(card_luhn_test_numbers)
{
    CHECK(card_luhn_is_valid(STR(VISA_TEST)));
    CHECK(card_luhn_is_valid(STR(MASTERCARD_TEST)));
    CHECK(card_luhn_is_valid(STR(MASTERCARD_2_TEST)));
    CHECK(card_luhn_is_valid(STR(AMEX_TEST)));
    CHECK(card_luhn_is_valid(STR(DISCOVER_TEST)));
    CHECK(!card_luhn_is_valid(STR("4242424242424241")));
    CHECK(!card_luhn_is_valid(STR("4242424242424243")));
}

TEST(card_luhn_refuses_non_digits)
{
    CHECK(!card_luhn_is_valid(STR("")));
    CHECK(!card_luhn_is_valid(STR("4242 4242 4242 4242")));
    CHECK(!card_luhn_is_valid(STR("424242424242424a")));
    /* Doubling 9 gives 18, counted as 9: "91" sums to 9 + 1. */
    CHECK(card_luhn_is_valid(STR("91")));
    CHECK(!card_luhn_is_valid(STR("95")));
}

TEST(card_normalize_plain)
{
    char out[CARD_NUMBER_BYTES];
    struct errinfo ei;

    errinfo_clear(&ei);
    CHECK_RC(normalize(VISA_TEST, out, &ei), ERR_OK);
    CHECK_I64(strcmp(out, VISA_TEST), 0);
    CHECK(ei.message[0] == '\0');
    CHECK_RC(normalize(AMEX_TEST, out, NULL), ERR_OK);
    CHECK_I64(strcmp(out, AMEX_TEST), 0);
}

TEST(card_normalize_strips_spaces_and_dashes)
{
    char out[CARD_NUMBER_BYTES];

    CHECK_RC(normalize("4242 4242 4242 4242", out, NULL), ERR_OK);
    CHECK_I64(strcmp(out, VISA_TEST), 0);
    CHECK_RC(normalize("5555-5555-5555-4444", out, NULL), ERR_OK);
    CHECK_I64(strcmp(out, MASTERCARD_TEST), 0);
    CHECK_RC(normalize(" 3782-822463 10005 ", out, NULL), ERR_OK);
    CHECK_I64(strcmp(out, AMEX_TEST), 0);
}

TEST(card_normalize_length_bounds)
{
    char out[CARD_NUMBER_BYTES];
    struct errinfo ei;

    /* 11 and 20 digits, each Luhn-valid, so only the length refuses. */
    CHECK(card_luhn_is_valid(STR("42424242420")));
    CHECK_RC(normalize("42424242420", out, &ei), ERR_INVALID);
    CHECK_I64(strcmp(ei.param, "number"), 0);
    CHECK(strstr(ei.message, "fewer than 12") != NULL);
    CHECK(card_luhn_is_valid(STR("42424242424242424242")));
    CHECK_RC(normalize("42424242424242424242", out, &ei), ERR_INVALID);
    CHECK(strstr(ei.message, "more than 19") != NULL);
    /* 12 and 19 digits are the bounds. */
    CHECK_RC(normalize("424242424242", out, NULL), ERR_OK);
    CHECK_RC(normalize("4242424242424242428", out, NULL), ERR_OK);
    CHECK_I64((int64_t)strlen(out), 19);
    CHECK_RC(normalize("", out, NULL), ERR_INVALID);
    CHECK_RC(normalize(" - ", out, NULL), ERR_INVALID);
}

TEST(card_normalize_never_repeats_the_number)
{
    char out[CARD_NUMBER_BYTES];
    struct errinfo ei;

    CHECK_RC(normalize("4242424242424241", out, &ei), ERR_INVALID);
    CHECK_I64(strcmp(ei.param, "number"), 0);
    CHECK(strstr(ei.message, "4242") == NULL);
    CHECK(strstr(ei.message, "4241") == NULL);
    /* The partial number is wiped from the caller's buffer. */
    for (size_t i = 0; i < sizeof(out); i++)
        CHECK(out[i] == '\0');
    CHECK_RC(normalize("4242.4242.4242.4242", out, &ei), ERR_INVALID);
    CHECK(strstr(ei.message, "4242") == NULL);
    CHECK(strchr(ei.message, '.') == NULL);
    CHECK(out[0] == '\0');
}

/* card_number_normalize into a buffer one byte too small. */
static void
normalize_short(void)
{
    char out[CARD_NUMBER_BYTES];
    enum err rc;

    rc = card_number_normalize(STR(VISA_TEST), out, sizeof(out) - 1, NULL);
    /* Not reached: the ASSERT on cap aborts first. */
    (void)rc;
}

/* card_expiry_check with a month 13 as today's clock. */
static void
expiry_bad_clock(void)
{
    enum err rc;

    rc = card_expiry_check(6, 2030, 2025, 13, NULL);
    /* Not reached: the ASSERT on now_month aborts first. */
    (void)rc;
}

TEST(card_normalize_small_buffer_crashes)
{
    CHECK_DEATH(normalize_short());
}

TEST(card_brand_test_numbers)
{
    CHECK_I64(brand(VISA_TEST), CARD_BRAND_VISA);
    CHECK_I64(brand(MASTERCARD_TEST), CARD_BRAND_MASTERCARD);
    CHECK_I64(brand(MASTERCARD_2_TEST), CARD_BRAND_MASTERCARD);
    CHECK_I64(brand(AMEX_TEST), CARD_BRAND_AMEX);
    CHECK_I64(brand(DISCOVER_TEST), CARD_BRAND_DISCOVER);
}

TEST(card_brand_prefix_edges)
{
    CHECK_I64(brand("51"), CARD_BRAND_MASTERCARD);
    CHECK_I64(brand("55"), CARD_BRAND_MASTERCARD);
    CHECK_I64(brand("50"), CARD_BRAND_UNKNOWN);
    CHECK_I64(brand("56"), CARD_BRAND_UNKNOWN);
    CHECK_I64(brand("2221"), CARD_BRAND_MASTERCARD);
    CHECK_I64(brand("2720"), CARD_BRAND_MASTERCARD);
    CHECK_I64(brand("2220"), CARD_BRAND_UNKNOWN);
    CHECK_I64(brand("2721"), CARD_BRAND_UNKNOWN);
    CHECK_I64(brand("34"), CARD_BRAND_AMEX);
    CHECK_I64(brand("37"), CARD_BRAND_AMEX);
    CHECK_I64(brand("35"), CARD_BRAND_UNKNOWN);
    CHECK_I64(brand("6011"), CARD_BRAND_DISCOVER);
    CHECK_I64(brand("6012"), CARD_BRAND_UNKNOWN);
    CHECK_I64(brand("644"), CARD_BRAND_DISCOVER);
    CHECK_I64(brand("649"), CARD_BRAND_DISCOVER);
    CHECK_I64(brand("643"), CARD_BRAND_UNKNOWN);
    CHECK_I64(brand("65"), CARD_BRAND_DISCOVER);
    CHECK_I64(brand(""), CARD_BRAND_UNKNOWN);
    CHECK_I64(brand("x4"), CARD_BRAND_UNKNOWN);
}

TEST(card_brand_names)
{
    CHECK_I64(strcmp(card_brand_name(CARD_BRAND_VISA), "visa"), 0);
    CHECK_I64(strcmp(card_brand_name(CARD_BRAND_MASTERCARD), "mastercard"), 0);
    CHECK_I64(strcmp(card_brand_name(CARD_BRAND_AMEX), "amex"), 0);
    CHECK_I64(strcmp(card_brand_name(CARD_BRAND_DISCOVER), "discover"), 0);
    CHECK_I64(strcmp(card_brand_name(CARD_BRAND_UNKNOWN), "unknown"), 0);
    CHECK_DEATH((void)card_brand_name(CARD_BRAND__COUNT));
}

TEST(card_last4_digits)
{
    char last4[CARD_LAST4_BYTES];

    card_last4(STR(VISA_TEST), last4);
    CHECK_I64(strcmp(last4, "4242"), 0);
    card_last4(STR(AMEX_TEST), last4);
    CHECK_I64(strcmp(last4, "0005"), 0);
    CHECK_DEATH(card_last4(STR("123"), last4));
}

TEST(card_expiry_current_month_ok)
{
    struct errinfo ei;

    errinfo_clear(&ei);
    CHECK_RC(card_expiry_check(6, 2025, 2025, 6, &ei), ERR_OK);
    CHECK_RC(card_expiry_check(12, 2025, 2025, 6, &ei), ERR_OK);
    CHECK_RC(card_expiry_check(1, 2026, 2025, 6, &ei), ERR_OK);
    CHECK_RC(card_expiry_check(1, 2025, 2025, 1, &ei), ERR_OK);
    CHECK(ei.message[0] == '\0');
}

TEST(card_expiry_past_refused)
{
    struct errinfo ei;

    CHECK_RC(card_expiry_check(5, 2025, 2025, 6, &ei), ERR_INVALID);
    CHECK_I64(strcmp(ei.param, "exp_month"), 0);
    /* December last year is last month when it is January. */
    CHECK_RC(card_expiry_check(12, 2024, 2025, 1, &ei), ERR_INVALID);
    CHECK_I64(strcmp(ei.param, "exp_year"), 0);
    CHECK_RC(card_expiry_check(12, 2024, 2025, 6, NULL), ERR_INVALID);
}

TEST(card_expiry_bad_fields)
{
    struct errinfo ei;

    CHECK_RC(card_expiry_check(13, 2030, 2025, 6, &ei), ERR_INVALID);
    CHECK_I64(strcmp(ei.param, "exp_month"), 0);
    CHECK(strstr(ei.message, "13") != NULL);
    CHECK_RC(card_expiry_check(0, 2030, 2025, 6, &ei), ERR_INVALID);
    CHECK_I64(strcmp(ei.param, "exp_month"), 0);
    CHECK_RC(card_expiry_check(-1, 2030, 2025, 6, NULL), ERR_INVALID);
    CHECK_RC(card_expiry_check(6, 30, 2025, 6, &ei), ERR_INVALID);
    CHECK_I64(strcmp(ei.param, "exp_year"), 0);
    CHECK_RC(card_expiry_check(6, 20300, 2025, 6, &ei), ERR_INVALID);
    CHECK_I64(strcmp(ei.param, "exp_year"), 0);
    /* A bad clock from the caller is a programmer error. */
    CHECK_DEATH(expiry_bad_clock());
}
