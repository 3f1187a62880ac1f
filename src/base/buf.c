/*
 * buf.c - growable buffer on an arena (old storage is left to the arena).
 */
#include "base/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/assert.h"

void
buf_init(struct buf *b, struct arena *a, size_t max_bytes)
{
    ASSERT(a != NULL);
    ASSERT(max_bytes < SIZE_MAX / 4);
    b->a = a;
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    b->max_bytes = max_bytes;
}

static enum err
reserve(struct buf *b, size_t extra)
{
    size_t need;
    size_t ncap;
    char *p;

    if (extra > b->max_bytes - b->len)
        return ERR_LIMIT;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return ERR_OK;
    ncap = b->cap == 0 ? 256 : b->cap;
    while (ncap < need)
        ncap *= 2;
    if (ncap > b->max_bytes + 1)
        ncap = b->max_bytes + 1;
    p = arena_alloc(b->a, ncap);
    if (p == NULL)
        return ERR_LIMIT;
    if (b->len > 0)
        memcpy(p, b->ptr, b->len);
    p[b->len] = '\0';
    b->ptr = p;
    b->cap = ncap;
    return ERR_OK;
}

enum err
buf_append(struct buf *b, const void *p, size_t n)
{
    enum err rc = reserve(b, n);

    if (rc)
        return rc;
    if (n > 0)
        memcpy(b->ptr + b->len, p, n);
    b->len += n;
    b->ptr[b->len] = '\0';
    return ERR_OK;
}

enum err
buf_append_str(struct buf *b, struct str s)
{
    return buf_append(b, s.ptr, s.len);
}

enum err
buf_append_c(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

enum err
buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    enum err rc;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return ERR_INTERNAL;
    rc = reserve(b, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return ERR_OK;
}

struct str
buf_str(const struct buf *b)
{
    if (b->ptr == NULL)
        return STR("");
    return (struct str){b->ptr, b->len};
}
