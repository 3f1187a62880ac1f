/*
 * harness.h - the unit-test harness: TEST() bodies and CHECK macros.
 *
 * TEST(name) defines a test and registers it from a constructor, so a new
 * test file needs no list to be edited: the runner (main.c) runs them
 * all, or those whose name contains argv[1].
 * A failed CHECK prints file:line and returns from the test, which is then
 * counted as failed; the remaining tests still run. Never used by src/.
 */
#ifndef POISE_TESTS_UNIT_HARNESS_H
#define POISE_TESTS_UNIT_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/err.h"

typedef void (*harness_test_fn)(void);

/* Add a test to the run; called only from TEST()'s constructor. */
void harness_register(const char *name, harness_test_fn fn);

/* Mark the running test failed and print why. */
void harness_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* fork(): 0 in the child, whose stderr is silenced; else pid or -1. */
int harness_fork(void);
/* True if child pid ended in abort(), as a failed ASSERT does. */
bool harness_died(int pid);

#define TEST(name)                                                             \
    static void name(void);                                                    \
    __attribute__((constructor)) static void name##_register(void)             \
    {                                                                          \
        harness_register(#name, name);                                         \
    }                                                                          \
    static void name(void)

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            harness_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);              \
            return;                                                            \
        }                                                                      \
    } while (0)

#define CHECK_I64(got, want)                                                   \
    do {                                                                       \
        int64_t got_ = (got);                                                  \
        int64_t want_ = (want);                                                \
        if (got_ != want_) {                                                   \
            harness_fail(__FILE__, __LINE__, "%s is %lld, want %lld", #got,    \
                         (long long)got_, (long long)want_);                   \
            return;                                                            \
        }                                                                      \
    } while (0)

/* expr returns enum err; MUST_CHECK is satisfied by the assignment. */
#define CHECK_RC(expr, want)                                                   \
    do {                                                                       \
        enum err got_ = (expr);                                                \
        if (got_ != (want)) {                                                  \
            harness_fail(__FILE__, __LINE__, "%s is %s, want %s", #expr,       \
                         err_name(got_), err_name(want));                      \
            return;                                                            \
        }                                                                      \
    } while (0)

/* stmt must crash the process with a failed ASSERT (run in a child). */
#define CHECK_DEATH(stmt)                                                      \
    do {                                                                       \
        int pid_ = harness_fork();                                             \
        if (pid_ == 0) {                                                       \
            stmt;                                                              \
            _Exit(0);                                                          \
        }                                                                      \
        if (!harness_died(pid_)) {                                             \
            harness_fail(__FILE__, __LINE__, "%s did not crash", #stmt);       \
            return;                                                            \
        }                                                                      \
    } while (0)

#endif
