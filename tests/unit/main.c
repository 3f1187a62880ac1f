/*
 * main.c - the unit-test runner: `unit_tests [name-substring]`.
 *
 * Runs every TEST() the test files registered (see harness.h) in the
 * order the constructors ran (link order, then order in each file),
 * prints each failure, then "N passed, N failed", and exits non-zero if
 * any test failed or none ran.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* fork, waitpid, dup2 */
#endif

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/crypto.h"
#include "base/json.h"
#include "harness.h"

#define HARNESS_TESTS_MAX 1024

struct test {
    const char *name;
    harness_test_fn fn;
};

/* Filled by constructors before main; the runner's only mutable state. */
static struct test tests[HARNESS_TESTS_MAX];
static size_t test_count;
static const struct test *current;
static bool current_failed;

void
harness_register(const char *name, harness_test_fn fn)
{
    if (test_count == HARNESS_TESTS_MAX) {
        fprintf(stderr, "harness: more than %d tests\n", HARNESS_TESTS_MAX);
        abort();
    }
    tests[test_count++] = (struct test){name, fn};
}

void
harness_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    current_failed = true;
    fprintf(stderr, "FAIL %s: %s:%d: ", current->name, file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int
harness_fork(void)
{
    pid_t pid;
    int fd;

    fflush(NULL);
    pid = fork();
    if (pid != 0)
        return (int)pid;
    /* The expected assertion report is noise in the test output. */
    fd = open("/dev/null", O_WRONLY);
    if (fd >= 0)
        dup2(fd, STDERR_FILENO);
    return 0;
}

bool
harness_died(int pid)
{
    int status;

    if (pid < 0)
        return false;
    if (waitpid((pid_t)pid, &status, 0) != pid)
        return false;
    /* ASSERT ends in abort(); a sanitizer report would exit instead. */
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

int
main(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    size_t passed = 0;
    size_t failed = 0;

    /* As the poise binary does: libsodium, and jansson on arenas. */
    if (crypto_init() != ERR_OK) {
        fprintf(stderr, "cannot initialise libsodium\n");
        return EXIT_FAILURE;
    }
    json_init();
    for (size_t i = 0; i < test_count; i++) {
        if (filter != NULL && strstr(tests[i].name, filter) == NULL)
            continue;
        current = &tests[i];
        current_failed = false;
        current->fn();
        if (current_failed)
            failed++;
        else
            passed++;
    }
    printf("%zu passed, %zu failed\n", passed, failed);
    return failed > 0 || passed == 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
