/*
 * crypto_test.c - ids: their shape, and that ids made one after another
 * sort in that order, also within one millisecond and under a clock that
 * steps back.
 */
#include "base/crypto.h"

#include <string.h>

#include "harness.h"

TEST(id_shape)
{
    struct arena *a = arena_new(1024);
    char *id;

    CHECK_RC(crypto_init(), ERR_OK);
    id = id_new(a, "usr", 1764000000000);
    CHECK(id != NULL);
    CHECK(strlen(id) == 4 + ID_BODY_LEN);
    CHECK(id_is_valid(str_c(id), "usr"));
    CHECK(!id_is_valid(str_c(id), "pay"));
    CHECK(!id_is_valid(str_c("usr_0123456789"), "usr"));
    arena_free(a);
}

TEST(id_monotonic_within_a_millisecond)
{
    struct arena *a = arena_new(64 * 1024);
    const int64_t ms = 1765000000000;
    char *prev;

    CHECK_RC(crypto_init(), ERR_OK);
    prev = id_new(a, "usr", ms);
    for (int i = 0; i < 1000; i++) {
        /* Same millisecond, then a clock that went back 5 ms. */
        char *id = id_new(a, "usr", i < 500 ? ms : ms - 5);

        CHECK(strcmp(prev, id) < 0);
        prev = id;
    }
    /* A later millisecond starts above every earlier id. */
    CHECK(strcmp(prev, id_new(a, "usr", ms + 1)) < 0);
    arena_free(a);
}

TEST(base64_round_trip)
{
    struct arena *a = arena_new(64 * 1024);
    unsigned char bytes[256];
    unsigned char *back;
    size_t n = 0;
    char *b64;

    CHECK_RC(crypto_init(), ERR_OK);
    for (size_t i = 0; i < sizeof(bytes); i++)
        bytes[i] = (unsigned char)(255 - i);
    CHECK(strcmp(base64_encode(a, "Man", 3), "TWFu") == 0);
    CHECK(strcmp(base64_encode(a, "Ma", 2), "TWE=") == 0);
    CHECK(strcmp(base64_encode(a, "", 0), "") == 0);
    for (size_t len = 0; len <= sizeof(bytes); len += 37) {
        b64 = base64_encode(a, bytes, len);
        CHECK(b64 != NULL);
        CHECK_RC(base64_decode(a, b64, &back, &n), ERR_OK);
        CHECK_I64((int64_t)n, (int64_t)len);
        CHECK(memcmp(back, bytes, len) == 0);
    }
    CHECK_RC(base64_decode(a, "TWE", &back, &n), ERR_INVALID);
    CHECK_RC(base64_decode(a, "TW!u", &back, &n), ERR_INVALID);
    arena_free(a);
}
