/*
 * arena.c - bump allocator over a chain of blocks with a hard cap.
 *
 * Invariant: used <= cap. Blocks are malloc'd; each allocation is aligned
 * to max_align_t. In passthrough mode each allocation is its own block so
 * sanitizers see exact bounds.
 */
#include "base/arena.h"

#include <stdalign.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/assert.h"

#define ARENA_BLOCK_BYTES (16 * 1024)
#define ARENA_ALIGN (alignof(max_align_t))

struct block {
    struct block *next;
    size_t size;
    size_t used;
    alignas(max_align_t) unsigned char data[];
};

struct cleanup {
    struct cleanup *next;
    arena_release_fn fn;
    void *ctx;
};

struct arena {
    struct block *blocks;
    struct cleanup *cleanups;
    size_t cap;
    size_t used;
    bool exhausted;
    bool passthrough;
};

static bool
passthrough_wanted(void)
{
    const char *v = getenv("ARENA_PASSTHROUGH");

    return v != NULL && v[0] == '1';
}

void *
xmalloc(size_t size)
{
    void *p = malloc(size == 0 ? 1 : size);

    if (p == NULL) {
        fputs("{\"level\":\"fatal\",\"msg\":\"out of memory\"}\n", stderr);
        abort();
    }
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

    if (p == NULL) {
        fputs("{\"level\":\"fatal\",\"msg\":\"out of memory\"}\n", stderr);
        abort();
    }
    return p;
}

char *
xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);

    memcpy(p, s, n);
    return p;
}

struct arena *
arena_new(size_t cap_bytes)
{
    struct arena *a = xcalloc(1, sizeof(*a));

    a->cap = cap_bytes;
    a->passthrough = passthrough_wanted();
    return a;
}

static void
run_cleanups(struct arena *a)
{
    while (a->cleanups != NULL) {
        struct cleanup *c = a->cleanups;

        a->cleanups = c->next;
        c->fn(c->ctx);
    }
}

static void
free_blocks(struct block *b)
{
    while (b != NULL) {
        struct block *next = b->next;

        free(b);
        b = next;
    }
}

void
arena_reset(struct arena *a)
{
    struct block *keep;

    ASSERT(a != NULL);
    run_cleanups(a);
    keep = a->blocks;
    if (keep != NULL && !a->passthrough) {
        /* The first block in the chain is the newest; keep one for reuse. */
        free_blocks(keep->next);
        keep->next = NULL;
        keep->used = 0;
        memset(keep->data, 0, keep->size);
    } else {
        free_blocks(keep);
        a->blocks = NULL;
    }
    a->used = 0;
    a->exhausted = false;
}

void
arena_free(struct arena *a)
{
    if (a == NULL)
        return;
    run_cleanups(a);
    free_blocks(a->blocks);
    free(a);
}

static size_t
align_up(size_t n)
{
    return (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
}

static void *
refuse(struct arena *a)
{
    a->exhausted = true;
    return NULL;
}

void *
arena_alloc(struct arena *a, size_t size)
{
    struct block *b;
    size_t need;

    ASSERT(a != NULL);
    if (size > a->cap || size > SIZE_MAX / 2)
        return refuse(a);
    need = align_up(size == 0 ? 1 : size);
    if (a->used + need > a->cap)
        return refuse(a);
    b = a->blocks;
    if (a->passthrough || b == NULL || b->size - b->used < need) {
        size_t bsize = a->passthrough ? need : ARENA_BLOCK_BYTES;

        if (bsize < need)
            bsize = need;
        b = malloc(sizeof(*b) + bsize);
        if (b == NULL)
            return refuse(a);
        b->size = bsize;
        b->used = 0;
        memset(b->data, 0, bsize);
        b->next = a->blocks;
        a->blocks = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->used += need;
    return p;
}

void *
arena_array(struct arena *a, size_t n, size_t size)
{
    size_t total;

    if (__builtin_mul_overflow(n, size, &total))
        return refuse(a);
    return arena_alloc(a, total);
}

char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
    char *p;

    if (len == SIZE_MAX)
        return refuse(a);
    p = arena_alloc(a, len + 1);
    if (p == NULL)
        return NULL;
    if (len > 0)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    p = arena_alloc(a, (size_t)n + 1);
    if (p == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

enum err
arena_on_release(struct arena *a, arena_release_fn fn, void *ctx)
{
    struct cleanup *c = arena_alloc(a, sizeof(*c));

    if (c == NULL)
        return ERR_LIMIT;
    c->fn = fn;
    c->ctx = ctx;
    c->next = a->cleanups;
    a->cleanups = c;
    return ERR_OK;
}

bool
arena_exhausted(const struct arena *a)
{
    return a->exhausted;
}

size_t
arena_used(const struct arena *a)
{
    return a->used;
}
