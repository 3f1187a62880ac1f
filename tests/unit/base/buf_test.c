/*
 * buf_test.c - tests for base/buf: appends, NUL termination, growth, and
 * refusal past max_bytes or the arena cap with the content unchanged.
 */
#include "base/buf.h"

#include <string.h>

#include "harness.h"

TEST(buf_append_and_printf)
{
    struct arena *a = arena_new(1 << 16);
    struct buf b;

    buf_init(&b, a, 1024);
    CHECK(str_eq(buf_str(&b), STR("")));
    CHECK_RC(buf_append_c(&b, "amount="), ERR_OK);
    CHECK_RC(buf_printf(&b, "%d", 1250), ERR_OK);
    CHECK_RC(buf_append_str(&b, STR(" USD")), ERR_OK);
    CHECK_RC(buf_append(&b, "!?", 1), ERR_OK);
    CHECK_RC(buf_append(&b, NULL, 0), ERR_OK);
    CHECK(str_eq(buf_str(&b), STR("amount=1250 USD!")));
    CHECK(b.ptr[b.len] == '\0');
    CHECK(strlen(b.ptr) == b.len);
    arena_free(a);
}

TEST(buf_grows_and_keeps_content)
{
    struct arena *a = arena_new(1 << 20);
    struct buf b;

    buf_init(&b, a, 100000);
    for (int i = 0; i < 10000; i++)
        CHECK_RC(buf_append(&b, &"0123456789"[i % 10], 1), ERR_OK);
    CHECK_I64((int64_t)b.len, 10000);
    for (size_t i = 0; i < b.len; i++)
        CHECK(b.ptr[i] == (char)('0' + i % 10));
    CHECK(b.ptr[b.len] == '\0');
    arena_free(a);
}

TEST(buf_max_bytes_refused_content_unchanged)
{
    struct arena *a = arena_new(1 << 16);
    struct buf b;

    buf_init(&b, a, 8);
    CHECK_RC(buf_append_c(&b, "1234567"), ERR_OK);
    CHECK_RC(buf_append_c(&b, "89"), ERR_LIMIT);
    CHECK(str_eq(buf_str(&b), STR("1234567")));
    CHECK_RC(buf_printf(&b, "%s", "ab"), ERR_LIMIT);
    CHECK(str_eq(buf_str(&b), STR("1234567")));
    CHECK(b.ptr[b.len] == '\0');
    /* Exactly max_bytes of content is allowed. */
    CHECK_RC(buf_append_c(&b, "8"), ERR_OK);
    CHECK(str_eq(buf_str(&b), STR("12345678")));
    CHECK_RC(buf_append_c(&b, "9"), ERR_LIMIT);
    CHECK_RC(buf_printf(&b, "%s", ""), ERR_OK);
    CHECK(str_eq(buf_str(&b), STR("12345678")));
    CHECK(b.ptr[8] == '\0');
    arena_free(a);
}

TEST(buf_arena_cap_refused_content_unchanged)
{
    struct arena *a = arena_new(512);
    struct buf b;
    char big[300];

    memset(big, 'x', sizeof(big));
    buf_init(&b, a, 1 << 20);
    CHECK_RC(buf_append_c(&b, "kept"), ERR_OK);
    CHECK_RC(buf_append(&b, big, sizeof(big)), ERR_LIMIT);
    CHECK(arena_exhausted(a));
    CHECK(str_eq(buf_str(&b), STR("kept")));
    CHECK(b.ptr[b.len] == '\0');
    arena_free(a);
}

TEST(buf_huge_append_refused)
{
    struct arena *a = arena_new(1 << 16);
    struct buf b;

    buf_init(&b, a, 1 << 10);
    CHECK_RC(buf_append_c(&b, "x"), ERR_OK);
    /* Only the length is looked at: the refusal comes before any copy. */
    CHECK_RC(buf_append(&b, "", SIZE_MAX / 2), ERR_LIMIT);
    CHECK(str_eq(buf_str(&b), STR("x")));
    arena_free(a);
}
