/*
 * assert.c - the crash path of ASSERT: one line on stderr, then abort.
 */
#include "base/assert.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"

_Noreturn void
assert_fail(const char *expr, const char *file, int line)
{
    fprintf(stderr,
            "{\"level\":\"fatal\",\"msg\":\"assertion failed\","
            "\"expr\":\"%s\",\"file\":\"%s\",\"line\":%d,"
            "\"request_id\":\"%s\"}\n",
            expr, file, line, log_request_id());
    fflush(stderr);
    abort();
}
