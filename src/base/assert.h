/*
 * assert.h - assertions compiled into every build.
 *
 * ASSERT is for programmer errors only (a broken invariant): it logs
 * file:line and the expression and aborts. Never assert on external input.
 */
#ifndef POISE_BASE_ASSERT_H
#define POISE_BASE_ASSERT_H

#define STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)

_Noreturn void assert_fail(const char *expr, const char *file, int line);

#define ASSERT(x)                                                              \
    do {                                                                       \
        if (!(x))                                                              \
            assert_fail(#x, __FILE__, __LINE__);                               \
    } while (0)

#endif
