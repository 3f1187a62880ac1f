/*
 * stub_log.c - stand-in for base/log.c while that module does not exist.
 *
 * Compiled into every unit build but empty unless -DUNIT_STUB_LOG is
 * given, so it never clashes with the real log_request_id(). Delete this
 * file once src/base/log.c lands.
 */
#ifdef UNIT_STUB_LOG

#include "base/log.h"

const char *
log_request_id(void)
{
    return "";
}

#else

/* ISO C forbids an empty translation unit. */
typedef int stub_log_unused;

#endif
