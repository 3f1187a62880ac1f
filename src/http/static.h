/*
 * static.h - the web app's files, served from memory.
 *
 * At start-up every file under the web directory (build/web) is read,
 * gzipped once and kept for the life of the process. The set's content
 * hash is the asset version: files are served under /assets/<version>/
 * with a year-long immutable cache, and index.html (served for every
 * other non-API GET path, so the app's history routes work) names that
 * base in place of the placeholder %ASSETS% and is never cached. HTML
 * carries a Content-Security-Policy that allows no inline script.
 */
#ifndef POISE_HTTP_STATIC_H
#define POISE_HTTP_STATIC_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define STATIC_CSP                                                             \
    "default-src 'self'; script-src 'self'; style-src 'self'; "                \
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; "              \
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "             \
    "form-action 'self'"

/*
 * Load every regular, non-hidden file under dir. ERR_NOT_FOUND when dir
 * or its index.html is missing (the server then serves the API only),
 * ERR_LIMIT for a file over 8 MiB or more than 512 files.
 */
MUST_CHECK enum err static_load(const char *dir, struct errinfo *ei);

/* Free what static_load kept. */
void static_unload(void);

/* True once static_load succeeded. */
bool static_enabled(void);

/* The asset version ("3f2a9c1d0b"), or "" before static_load. */
const char *static_version(void);

/* What to send for a GET of path. */
struct static_reply {
    int status; /* 200, or 404 when nothing matches */
    const char *content_type;
    const char *cache_control;
    const void *body; /* borrowed for the life of the process */
    size_t len;
    bool gzipped;
    bool html; /* send the CSP */
};

/*
 * Resolve path (no query string) for a client that accepts gzip or not.
 * Never fails: an unknown file is status 404 with an empty body.
 */
void static_lookup(const char *path, bool accept_gzip,
                   struct static_reply *out);

#endif
