/*
 * buf.h - arena-backed growable byte buffer with a maximum size.
 *
 * Always NUL-terminated after a successful append. Growing past max_bytes
 * or the arena's cap is ERR_LIMIT and leaves the content as it was.
 */
#ifndef POISE_BASE_BUF_H
#define POISE_BASE_BUF_H

#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/str.h"

struct buf {
    struct arena *a;
    char *ptr;
    size_t len;
    size_t cap;
    size_t max_bytes;
};

/* Fill b: empty, growing in arena a up to max_bytes. */
void buf_init(struct buf *b, struct arena *a, size_t max_bytes);

MUST_CHECK enum err buf_append(struct buf *b, const void *p, size_t n);
MUST_CHECK enum err buf_append_str(struct buf *b, struct str s);
MUST_CHECK enum err buf_append_c(struct buf *b, const char *s);
MUST_CHECK enum err buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The content as a str; borrowed from b. */
struct str buf_str(const struct buf *b);

#endif
