/*
 * httpc.h - the small HTTP client the remote gateways share (libcurl).
 *
 * One call is one logical request: it may be sent several times. A
 * network error (connect, timeout, reset) or a 5xx answer is retried
 * after an exponential back-off with jitter (200 ms, 400 ms, ... plus up
 * to half as much again), sending the same bytes and headers each time,
 * so a processor that honours an Idempotency-Key sees the same key. A
 * 4xx answer is final and never retried. Running out of attempts is
 * ERR_GATEWAY: the outcome at the processor is unknown.
 *
 * Never logs a request or response body (they carry card tokens, bank
 * numbers, secrets); a retry logs the method, the URL's host and path and
 * the reason only. Response bodies live in the caller's arena.
 */
#ifndef POISE_GATEWAY_HTTPC_H
#define POISE_GATEWAY_HTTPC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

#define HTTPC_HEADERS_MAX 8
/* A response larger than this is refused (ERR_GATEWAY). */
#define HTTPC_BODY_BYTES_MAX (4u << 20)

enum httpc_method { HTTPC_GET = 1, HTTPC_POST, HTTPC_PUT, HTTPC_DELETE };

struct httpc_req {
    enum httpc_method method;
    const char *url; /* absolute, with any query string */
    /* "Name: value" lines; unused slots NULL. Borrowed. */
    const char *headers[HTTPC_HEADERS_MAX];
    const char *body; /* may be NULL (no body) */
    size_t body_len;
    int timeout_ms; /* per attempt, > 0 */
    int retries;    /* extra attempts after the first, >= 0 */
};

struct httpc_resp {
    long status; /* the HTTP status of the last attempt */
    char *body;  /* arena-owned, NUL-terminated, never NULL on ERR_OK */
    size_t body_len;
    int attempts; /* how many times the request was sent */
};

/*
 * Initialise libcurl for the process. Idempotent and thread-safe (runs
 * once); httpc_send() calls it too, but the lead calls it at start-up
 * before threads exist, as libcurl asks.
 */
void httpc_global_init(void);

/*
 * Send req, retrying as described above, and put the final answer in
 * *out (body in arena a). ERR_OK for any answer below 500, whatever its
 * status (the caller maps 4xx); ERR_GATEWAY when every attempt failed on
 * the network or with a 5xx (out->status then holds the last status, 0
 * for a network error); ERR_LIMIT when the arena is exhausted.
 */
MUST_CHECK enum err httpc_send(struct arena *a, const struct httpc_req *req,
                               struct httpc_resp *out, struct errinfo *ei);

/* Sleep before attempt n (n >= 1 is the first retry): 200 ms * 2^(n-1)
 * plus up to half of that again at random, capped at 5 s. */
void httpc_backoff(int attempt);

/*
 * Append "key=value" to a form-encoded body (a '&' first when b is not
 * empty), both percent-encoded as application/x-www-form-urlencoded
 * expects. ERR_LIMIT past the buffer's maximum.
 */
MUST_CHECK enum err httpc_form_add(struct buf *b, const char *key,
                                   const char *value);

/* Append s percent-encoded (all but A-Z a-z 0-9 - . _ ~). */
MUST_CHECK enum err httpc_escape(struct buf *b, const char *s);

/*
 * The response body parsed as JSON (any type), or NULL when it is not
 * JSON. The caller owns the value: json_decref() it.
 */
json_t *httpc_json(const struct httpc_resp *r);

/* The member at a dotted path ("a.b.c") of v; borrowed; NULL if absent. */
json_t *httpc_jget(json_t *v, const char *path);
/* The string at path; borrowed from v; NULL when absent or not a string. */
const char *httpc_jstr(json_t *v, const char *path);
/* The integer at path, or dflt when absent or not an integer. */
int64_t httpc_jint(json_t *v, const char *path, int64_t dflt);

#endif
