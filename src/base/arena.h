/*
 * arena.h - per-request memory with a hard cap.
 *
 * An arena hands out memory that lives until arena_free(). Requests,
 * CLI commands and jobs each own one; handlers and core never call malloc.
 * Running past the cap is ERR_LIMIT for the caller (413/503), not a crash.
 * arena_on_release() registers cleanups for non-memory resources, run in
 * reverse order by arena_reset()/arena_free() so an early return never
 * leaks a transaction or a statement.
 *
 * With ARENA_PASSTHROUGH=1 in the environment every allocation is its own
 * malloc, so AddressSanitizer sees exact bounds.
 */
#ifndef POISE_BASE_ARENA_H
#define POISE_BASE_ARENA_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

struct arena;

typedef void (*arena_release_fn)(void *ctx);

/* A new arena that may hold up to cap_bytes; caller frees with arena_free. */
struct arena *arena_new(size_t cap_bytes);

/* Run cleanups, free every block and the arena itself. NULL is a no-op. */
void arena_free(struct arena *a);

/* Run cleanups and forget all allocations, keeping one block for reuse. */
void arena_reset(struct arena *a);

/*
 * size bytes aligned for any type, zeroed; arena-owned. Returns NULL when
 * the cap would be exceeded (arena_exhausted() then returns true).
 */
void *arena_alloc(struct arena *a, size_t size);

/* n elements of size bytes with overflow checked; NULL on overflow or cap. */
void *arena_array(struct arena *a, size_t n, size_t size);

/* A NUL-terminated copy of len bytes of s; arena-owned; NULL past cap. */
char *arena_strndup(struct arena *a, const char *s, size_t len);

/* A NUL-terminated copy of s; arena-owned; NULL past cap. */
char *arena_strdup(struct arena *a, const char *s);

/* printf into the arena; arena-owned; NULL past cap. */
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Register fn(ctx) to run at reset/free, last registered first. */
MUST_CHECK enum err arena_on_release(struct arena *a, arena_release_fn fn,
                                     void *ctx);

/* True once an allocation was refused (cap or size overflow). */
bool arena_exhausted(const struct arena *a);

/* Bytes handed out since the last reset (for metrics and tests). */
size_t arena_used(const struct arena *a);

/* Long-lived allocation at start-up: aborts on out-of-memory. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);

#endif
