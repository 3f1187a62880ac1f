/*
 * http.h - what a handler sees: the request (context, path parameters,
 * parsed body, query) and the response it fills.
 *
 * http_dispatch() has done every generic step before a handler runs:
 * routing, authentication, role and tenant, body limit, JSON parse,
 * transaction and idempotency. A handler reads its input, calls one app
 * function and renders the result; it holds no business rule.
 */
#ifndef POISE_HTTP_HTTP_H
#define POISE_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"

#define ROUTE_PARAMS_MAX 4
#define KiB 1024
#define MiB (1024 * 1024)
#define HTTP_BODY_MAX (1 * MiB)

/* Route flags. */
#define RF_PUBLIC 0x01  /* no credential needed */
#define RF_TENANT 0x02  /* scoped to the caller's account */
#define RF_MONEY 0x04   /* moves money: Idempotency-Key required */
#define RF_TEST 0x08    /* exists only with test helpers enabled */
#define RF_SESSION 0x10 /* only with a session cookie, not an API key */
#define RF_NODB 0x20    /* needs no database connection */
/*
 * Calls a gateway: the handler gets an open write transaction, may commit
 * it (app_tx_commit) before a gateway call and begin another after
 * (app_tx_begin), and returns with one open, which the dispatcher commits
 * with the idempotent response.
 */
#define RF_PHASED 0x40
/*
 * Carries card data (the sandbox processor's own endpoints): no
 * Idempotency-Key is taken, so no hash of the body is ever stored.
 */
#define RF_CARD_DATA 0x80
/*
 * A POST that only reads (it computes an answer from its body, such as
 * the invoice preview): a read transaction, so on SQLite it never waits
 * for the writer's turn, and no Idempotency-Key is taken (nothing to
 * replay).
 */
#define RF_READ 0x100
struct req;
struct resp;

typedef enum err (*handler_fn)(struct req *req, struct resp *resp);

struct route {
    const char *method;
    const char *path;
    handler_fn handler;
    enum role role;
    unsigned flags;
    size_t body_max;
};

struct req {
    struct app_ctx ctx;
    const struct route *route;
    struct str params[ROUTE_PARAMS_MAX]; /* path parameters in order */
    size_t param_count;
    json_t *body;           /* the JSON object, or NULL when no body */
    struct str raw_body;    /* the bytes as received (webhook signatures) */
    void *conn;             /* the server's connection, for query and headers */
    const char *session_id; /* when authenticated by cookie */
    const char *csrf_token; /* the session's, when authenticated by cookie */
    bool secure_cookies; /* served over TLS (by a proxy): mark cookies Secure */
    const char *idem_key;     /* the Idempotency-Key header, or NULL */
    const char *request_hash; /* SHA-256 hex of method, URL and body */
    struct errinfo *ei;
};

struct resp {
    int status;
    json_t *body;
    const char *set_cookie; /* arena-owned */
    bool commit_on_error;   /* keep the transaction's writes on failure */
    const char *text;       /* a non-JSON body (metrics), arena-owned */
    size_t text_len;
    const char *content_type; /* for text */
    const char *disposition;  /* for text: Content-Disposition, or NULL */
    /* On failure, one more member of the error object ("payment"). */
    const char *error_name;
    json_t *error_value;
};

/* The route table, sorted as in routes.def. */
extern const struct route http_routes[];
extern const size_t http_route_count;

/* Request header value or NULL; borrowed. */
const char *req_header(const struct req *req, const char *name);
/* Query argument or NULL; borrowed. */
const char *req_query(const struct req *req, const char *name);

/*
 * The path parameter i as a NUL-terminated id with the given prefix.
 * A malformed id is ERR_NOT_FOUND (it cannot name anything), so another
 * account's ids and garbage look the same.
 */
MUST_CHECK enum err req_id(struct req *req, size_t i, const char *prefix,
                           const char *type, const char **out);

/*
 * The caller's IP address as text, or NULL when unknown; arena-owned.
 * Behind the TLS proxy (--secure-cookies) it is the last address of
 * X-Forwarded-For, the one the proxy appended; otherwise the peer's.
 */
const char *req_client_ip(struct req *req);

/* Read the body's members as described; see json_read(). */
MUST_CHECK enum err req_read(struct req *req, const struct jfield *fields,
                             size_t n);

/*
 * Parse ?created[gte]= and ?created[lt]= (Unix seconds) into milliseconds;
 * 0 when absent. ERR_INVALID naming the parameter otherwise.
 */
MUST_CHECK enum err req_created_range(struct req *req, int64_t *gte_ms,
                                      int64_t *lt_ms);

/* Parse ?limit= and ?starting_after= into page. */
MUST_CHECK enum err req_page(struct req *req, struct page *page);

/* Set the response: status and body (stolen). */
void resp_json(struct resp *resp, int status, json_t *body);

/* {"object":"list","data":data,"has_more":has_more}, status 200. */
void resp_list(struct resp *resp, json_t *data, bool has_more);

/* HTTP status of rc. */
int http_status_of(enum err rc);

/* Set key on obj to at_ms as Unix seconds, or null when at_ms is 0. */
void render_time(json_t *obj, const char *key, int64_t at_ms);

#endif
