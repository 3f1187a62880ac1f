/*
 * bank_test.c - tests for core/bank: ABA routing checksums, account
 * number shape and last 4 digits.
 */
#include "core/bank.h"

#include <string.h>

#include "base/str.h"
#include "harness.h"

TEST(bank_routing_valid)
{
    CHECK(bank_routing_is_valid(STR("011000015")));
    CHECK(bank_routing_is_valid(STR("021000021")));
}

TEST(bank_routing_invalid)
{
    /* One digit off breaks the checksum. */
    CHECK(!bank_routing_is_valid(STR("011000016")));
    CHECK(!bank_routing_is_valid(STR("021000022")));
    /* A valid prefix with a digit too few or too many. */
    CHECK(!bank_routing_is_valid(STR("01100001")));
    CHECK(!bank_routing_is_valid(STR("0110000150")));
    CHECK(!bank_routing_is_valid(STR("")));
    CHECK(!bank_routing_is_valid(STR("01100001a")));
    CHECK(!bank_routing_is_valid(STR("011-00015")));
}

TEST(bank_account_number_bounds)
{
    struct errinfo ei;

    errinfo_clear(&ei);
    CHECK_RC(bank_account_number_check(STR("1234"), &ei), ERR_OK);
    CHECK_RC(bank_account_number_check(STR("12345678901234567"), &ei), ERR_OK);
    CHECK(ei.message[0] == '\0');
    CHECK_RC(bank_account_number_check(STR("123"), &ei), ERR_INVALID);
    CHECK_I64(strcmp(ei.param, "account_number"), 0);
    CHECK_RC(bank_account_number_check(STR("123456789012345678"), &ei),
             ERR_INVALID);
    CHECK_RC(bank_account_number_check(STR(""), NULL), ERR_INVALID);
}

TEST(bank_account_number_never_repeated)
{
    struct errinfo ei;

    CHECK_RC(bank_account_number_check(STR("000123456x"), &ei), ERR_INVALID);
    CHECK_I64(strcmp(ei.param, "account_number"), 0);
    CHECK(strstr(ei.message, "123456") == NULL);
    CHECK_RC(bank_account_number_check(STR("1234567890123456789"), &ei),
             ERR_INVALID);
    CHECK(strstr(ei.message, "123456") == NULL);
}

TEST(bank_last4_digits)
{
    char last4[BANK_LAST4_BYTES];

    bank_last4(STR("000123456789"), last4);
    CHECK_I64(strcmp(last4, "6789"), 0);
    bank_last4(STR("1234"), last4);
    CHECK_I64(strcmp(last4, "1234"), 0);
    CHECK_DEATH(bank_last4(STR("123"), last4));
}
