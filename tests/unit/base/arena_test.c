/*
 * arena_test.c - tests for base/arena: the hard cap, overflow-checked
 * arrays, zeroed and aligned memory, copies, and cleanup order.
 */
#include "base/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"

TEST(arena_cap_refuses_and_marks_exhausted)
{
    struct arena *a = arena_new(1024);
    void *p = arena_alloc(a, 512);

    CHECK(p != NULL);
    CHECK(!arena_exhausted(a));
    CHECK(arena_alloc(a, 1024) == NULL);
    CHECK(arena_exhausted(a));
    /* Smaller allocations still fit after a refusal. */
    CHECK(arena_alloc(a, 256) != NULL);
    CHECK(arena_used(a) <= 1024);
    arena_reset(a);
    CHECK(!arena_exhausted(a));
    CHECK_I64((int64_t)arena_used(a), 0);
    CHECK(arena_alloc(a, 1024) != NULL);
    arena_free(a);
}

TEST(arena_cap_is_exact)
{
    struct arena *a = arena_new(64);

    CHECK(arena_alloc(a, 64) != NULL);
    CHECK(!arena_exhausted(a));
    CHECK(arena_alloc(a, 1) == NULL);
    CHECK(arena_exhausted(a));
    arena_free(a);
    a = arena_new(64);
    CHECK(arena_alloc(a, 65) == NULL);
    CHECK(arena_exhausted(a));
    CHECK(arena_alloc(a, SIZE_MAX) == NULL);
    arena_free(a);
}

TEST(arena_array_overflow_refused)
{
    struct arena *a = arena_new(1 << 20);
    uint64_t *v;

    CHECK(arena_array(a, SIZE_MAX / 2 + 1, 2) == NULL);
    CHECK(arena_exhausted(a));
    CHECK(arena_array(a, 2, SIZE_MAX / 2 + 1) == NULL);
    CHECK(arena_array(a, SIZE_MAX, SIZE_MAX) == NULL);
    v = arena_array(a, 100, sizeof(*v));
    CHECK(v != NULL);
    v[99] = 1;
    CHECK(arena_array(a, (1 << 20) / 8 + 1, 8) == NULL);
    arena_free(a);
}

TEST(arena_memory_zeroed_and_aligned)
{
    struct arena *a = arena_new(1 << 20);

    for (size_t n = 1; n < 40000; n = n * 3 + 1) {
        unsigned char *p = arena_alloc(a, n);

        CHECK(p != NULL);
        CHECK((uintptr_t)p % alignof(max_align_t) == 0);
        for (size_t i = 0; i < n; i++)
            CHECK(p[i] == 0);
        memset(p, 0xa5, n);
    }
    /* Memory handed out after a reset is zeroed again. */
    arena_reset(a);
    for (size_t n = 1; n < 40000; n = n * 3 + 1) {
        unsigned char *p = arena_alloc(a, n);

        CHECK(p != NULL);
        for (size_t i = 0; i < n; i++)
            CHECK(p[i] == 0);
    }
    arena_free(a);
}

TEST(arena_copies)
{
    struct arena *a = arena_new(4096);
    char *s = arena_strndup(a, "abcdef", 3);

    CHECK(s != NULL);
    CHECK(strcmp(s, "abc") == 0);
    s = arena_strdup(a, "poise");
    CHECK(s != NULL);
    CHECK(strcmp(s, "poise") == 0);
    s = arena_printf(a, "%s-%d", "inv", 42);
    CHECK(s != NULL);
    CHECK(strcmp(s, "inv-42") == 0);
    CHECK(arena_strndup(a, "x", SIZE_MAX) == NULL);
    arena_free(a);
}

struct order_log {
    int seen[8];
    int n;
};

static struct order_log order;

static void
note_1(void *ctx)
{
    struct order_log *rec = ctx;

    rec->seen[rec->n++] = 1;
}

static void
note_2(void *ctx)
{
    struct order_log *rec = ctx;

    rec->seen[rec->n++] = 2;
}

static void
note_3(void *ctx)
{
    struct order_log *rec = ctx;

    rec->seen[rec->n++] = 3;
}

TEST(arena_cleanups_last_registered_first)
{
    struct arena *a = arena_new(4096);

    memset(&order, 0, sizeof(order));
    CHECK_RC(arena_on_release(a, note_1, &order), ERR_OK);
    CHECK_RC(arena_on_release(a, note_2, &order), ERR_OK);
    CHECK_RC(arena_on_release(a, note_3, &order), ERR_OK);
    CHECK_I64(order.n, 0);
    arena_free(a);
    CHECK_I64(order.n, 3);
    CHECK_I64(order.seen[0], 3);
    CHECK_I64(order.seen[1], 2);
    CHECK_I64(order.seen[2], 1);
}

TEST(arena_reset_runs_cleanups_once)
{
    struct arena *a = arena_new(4096);

    memset(&order, 0, sizeof(order));
    CHECK_RC(arena_on_release(a, note_1, &order), ERR_OK);
    CHECK_RC(arena_on_release(a, note_2, &order), ERR_OK);
    arena_reset(a);
    CHECK_I64(order.n, 2);
    CHECK_I64(order.seen[0], 2);
    CHECK_I64(order.seen[1], 1);
    CHECK_RC(arena_on_release(a, note_3, &order), ERR_OK);
    arena_free(a);
    CHECK_I64(order.n, 3);
    CHECK_I64(order.seen[2], 3);
}

TEST(arena_on_release_past_cap)
{
    struct arena *a = arena_new(64);

    memset(&order, 0, sizeof(order));
    CHECK(arena_alloc(a, 64) != NULL);
    CHECK_RC(arena_on_release(a, note_1, &order), ERR_LIMIT);
    arena_free(a);
    CHECK_I64(order.n, 0);
    arena_free(NULL);
}
