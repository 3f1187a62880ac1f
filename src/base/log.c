/*
 * log.c - one JSON object per line on stderr, written with one fwrite so
 * lines from different threads never interleave.
 */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static _Thread_local const char *current_request_id;
static int log_quiet;

void
log_set_request_id(const char *id)
{
    current_request_id = id;
}

const char *
log_request_id(void)
{
    return current_request_id != NULL ? current_request_id : "";
}

void
log_set_quiet(int quiet)
{
    log_quiet = quiet;
}

/* Copy s into out as JSON string content (without quotes), truncating. */
static void
escape(char *out, size_t cap, const char *s)
{
    size_t n = 0;

    for (; *s != '\0' && n + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else if (c < 0x20) {
            n += (size_t)snprintf(out + n, cap - n, "\\u%04x", c);
        } else {
            out[n++] = (char)c;
        }
    }
    out[n] = '\0';
}

/* Append printf output to line at *n, never past cap. */
static void
append(char *line, size_t cap, size_t *n, const char *fmt, ...)
{
    va_list ap;
    int m;

    if (*n >= cap)
        return;
    va_start(ap, fmt);
    m = vsnprintf(line + *n, cap - *n, fmt, ap);
    va_end(ap);
    if (m > 0)
        *n += (size_t)m < cap - *n ? (size_t)m : cap - *n - 1;
}

void
log_line(const char *level, const char *msg, const char *fields_json)
{
    char line[2048];
    char emsg[512];
    struct timespec ts;
    size_t n = 0;

    if (log_quiet && strcmp(level, "info") == 0)
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    escape(emsg, sizeof(emsg), msg);
    append(line, sizeof(line) - 2, &n,
           "{\"time\":%lld.%03ld,\"level\":\"%s\",\"msg\":\"%s\"",
           (long long)ts.tv_sec, ts.tv_nsec / 1000000, level, emsg);
    if (current_request_id != NULL)
        append(line, sizeof(line) - 2, &n, ",\"request_id\":\"%s\"",
               current_request_id);
    if (fields_json != NULL)
        append(line, sizeof(line) - 2, &n, ",%s", fields_json);
    line[n++] = '}';
    line[n++] = '\n';
    fwrite(line, 1, n, stderr);
}

static void
vlog(const char *level, const char *fmt, va_list ap)
{
    char msg[512];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    log_line(level, msg, NULL);
}

void
log_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog("info", fmt, ap);
    va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog("warn", fmt, ap);
    va_end(ap);
}

void
log_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog("error", fmt, ap);
    va_end(ap);
}
