/*
 * str_test.c - tests for base/str: comparisons, strict range-checked
 * integer parsing and the chaining parser steps.
 */
#include "base/str.h"

#include "harness.h"

/* Parse s in [min, max]; out keeps 7 if refused. */
static enum err
to_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    *out = 7;
    return str_to_i64(str_c(s), min, max, out);
}

TEST(str_to_i64_valid)
{
    int64_t v;

    CHECK_RC(to_i64("0", 0, 0, &v), ERR_OK);
    CHECK_I64(v, 0);
    CHECK_RC(to_i64("-0", 0, 0, &v), ERR_OK);
    CHECK_I64(v, 0);
    CHECK_RC(to_i64("1250", 0, 10000, &v), ERR_OK);
    CHECK_I64(v, 1250);
    CHECK_RC(to_i64("-42", -100, 100, &v), ERR_OK);
    CHECK_I64(v, -42);
    CHECK_RC(to_i64("9223372036854775807", INT64_MIN, INT64_MAX, &v), ERR_OK);
    CHECK_I64(v, INT64_MAX);
    CHECK_RC(to_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &v), ERR_OK);
    CHECK_I64(v, INT64_MIN);
    /* The length bounds the parse, not a NUL. */
    CHECK_RC(str_to_i64((struct str){"123456", 3}, 0, 1000, &v), ERR_OK);
    CHECK_I64(v, 123);
}

TEST(str_to_i64_bounds)
{
    int64_t v;

    CHECK_RC(to_i64("9", 0, 9, &v), ERR_OK);
    CHECK_RC(to_i64("10", 0, 9, &v), ERR_INVALID);
    CHECK_I64(v, 7);
    CHECK_RC(to_i64("-1", 0, 9, &v), ERR_INVALID);
    CHECK_I64(v, 7);
    CHECK_RC(to_i64("-5", -5, -1, &v), ERR_OK);
    CHECK_RC(to_i64("0", -5, -1, &v), ERR_INVALID);
}

TEST(str_to_i64_overflow)
{
    int64_t v;

    CHECK_RC(to_i64("9223372036854775808", INT64_MIN, INT64_MAX, &v),
             ERR_INVALID);
    CHECK_I64(v, 7);
    CHECK_RC(to_i64("-9223372036854775809", INT64_MIN, INT64_MAX, &v),
             ERR_INVALID);
    CHECK_RC(to_i64("99999999999999999999999", INT64_MIN, INT64_MAX, &v),
             ERR_INVALID);
    CHECK_RC(to_i64("18446744073709551616", INT64_MIN, INT64_MAX, &v),
             ERR_INVALID);
    CHECK_I64(v, 7);
}

TEST(str_to_i64_garbage)
{
    static const char *const bad[] = {
        "",
        "-",
        "+1",
        " 1",
        "1 ",
        "1a",
        "0x10",
        "--1",
        "1-",
        "1.5",
        "1e3",
        "\xd9\xa1" /* Arabic 1 */,
        "\t1",
        /* The bytes either side of '0'..'9' in ASCII. */
        "/",
        ":",
        "1/",
        "1:",
    };
    int64_t v;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_RC(to_i64(bad[i], INT64_MIN, INT64_MAX, &v), ERR_INVALID);
        CHECK_I64(v, 7);
    }
    CHECK_RC(str_to_i64((struct str){"12\0"
                                     "3",
                                     4},
                        0, 9999, &v),
             ERR_INVALID);
    CHECK_RC(str_to_i64(STR_NULL, 0, 9, &v), ERR_INVALID);
}

TEST(str_parse_steps_chain)
{
    struct str in = STR("key:value");
    struct str key;
    struct str value;

    p_until(&in, ':', &key);
    CHECK(str_eq(key, STR("key")));
    CHECK_RC(p_char(&in, ':'), ERR_OK);
    p_until(&in, ':', &value);
    CHECK(str_eq(value, STR("value")));
    CHECK_I64((int64_t)in.len, 0);
    CHECK_RC(p_char(&in, ':'), ERR_INVALID);
}

TEST(str_p_char_leaves_input_on_refusal)
{
    struct str in = STR("ab");
    struct str word;

    CHECK_RC(p_char(&in, 'b'), ERR_INVALID);
    CHECK(str_eq(in, STR("ab")));
    CHECK_RC(p_char(&in, 'a'), ERR_OK);
    CHECK(str_eq(in, STR("b")));
    /* A stop at the very start gives an empty word and consumes nothing. */
    p_until(&in, 'b', &word);
    CHECK_I64((int64_t)word.len, 0);
    CHECK(str_eq(in, STR("b")));
}

TEST(str_compare)
{
    CHECK(str_eq(STR("abc"), str_c("abc")));
    CHECK(!str_eq(STR("abc"), STR("abd")));
    CHECK(!str_eq(STR("abc"), STR("ab")));
    CHECK(str_eq(STR(""), STR_NULL));
    CHECK(str_eq_c(STR("usd"), "usd"));
    CHECK(!str_eq_c(STR("usd"), "USD"));
    CHECK(str_c(NULL).ptr == NULL);
    CHECK(str_has_prefix(STR("/v1/invoices"), STR("/v1/")));
    CHECK(!str_has_prefix(STR("/v"), STR("/v1/")));
    CHECK(str_has_prefix(STR("x"), STR("")));
}

TEST(str_eq_secret_compares_everything)
{
    CHECK(str_eq_secret(STR("s3cret-token"), STR("s3cret-token")));
    CHECK(!str_eq_secret(STR("s3cret-token"), STR("s3cret-tokeN")));
    CHECK(!str_eq_secret(STR("S3cret-token"), STR("s3cret-token")));
    CHECK(!str_eq_secret(STR("s3cret"), STR("s3cret-token")));
    CHECK(!str_eq_secret(STR("s3cret-token"), STR("")));
    CHECK(str_eq_secret(STR(""), STR("")));
    /* Bytes after an embedded NUL still count. */
    CHECK(!str_eq_secret(STR("ab\0c"), STR("ab\0d")));
}

TEST(str_trim_and_char_classes)
{
    struct str s = str_trim(" \t Maya Chen \r\n");

    CHECK(str_eq_c(s, "Maya Chen"));
    CHECK_I64((int64_t)str_trim("   ").len, 0);
    CHECK_I64((int64_t)str_trim("").len, 0);
    CHECK(str_eq_c(str_trim("x"), "x"));
    CHECK(char_is_space('\t') && !char_is_space('a'));
    CHECK(char_is_digit('0') && char_is_digit('9') && !char_is_digit('a'));
    CHECK(char_lower('A') == 'a' && char_lower('Z') == 'z');
    CHECK(char_lower('a') == 'a' && char_lower('@') == '@');
    /* Bytes of UTF-8 sequences pass through unchanged. */
    CHECK(char_lower((char)0xC3) == (char)0xC3);
}
