/*
 * server.c - libmicrohttpd glue and the dispatcher.
 *
 * Each request gets an arena at its first callback; the body is collected
 * up to the route's limit; the last callback runs dispatch(): credential,
 * role, JSON body, transaction, idempotency, handler, commit, response,
 * one log line, metrics. The arena goes when libmicrohttpd reports the
 * request complete.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/auth.h"
#include "app/idempotency.h"
#include "base/assert.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/log.h"
#include "base/time.h"
#include "http/http_int.h"
#include "http/static.h"

#define SESSION_COOKIE "poise_session"

struct server {
    struct MHD_Daemon *daemon;
    struct server_config cfg;
    int port;
};

/* Per-request state, allocated in the request's own arena. */
struct rstate {
    struct arena *a;
    const struct route *route;
    struct str params[ROUTE_PARAMS_MAX];
    size_t param_count;
    struct buf body;
    size_t body_max;
    int early_status; /* 404, 405, 413 decided before the body */
    bool body_too_large;
    char allow[64];
    int64_t start_ns;
    const char *url; /* arena-owned path, for the request hash */
    char request_id[24];
};

static size_t arena_cap_bytes = 8 * MiB;
static bool secure_cookies;

const char *
req_header(const struct req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *
req_query(const struct req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* The last address of an X-Forwarded-For list; arena-owned. */
static const char *
forwarded_ip(struct arena *a, const char *list)
{
    const char *last = strrchr(list, ',');
    size_t n;

    last = last != NULL ? last + 1 : list;
    while (*last == ' ')
        last++;
    n = strcspn(last, " ");
    return arena_strndup(a, last, n < 64 ? n : 64);
}

const char *
req_client_ip(struct req *req)
{
    const union MHD_ConnectionInfo *info;
    const char *fwd = req_header(req, "X-Forwarded-For");
    char text[INET6_ADDRSTRLEN];
    const struct sockaddr *sa;
    const void *addr = NULL;

    /* Behind the TLS proxy (--secure-cookies) the peer is the proxy: the
     * caller is the last address the proxy appended. */
    if (req->secure_cookies && fwd != NULL && fwd[0] != '\0')
        return forwarded_ip(req->ctx.a, fwd);
    info = MHD_get_connection_info(req->conn,
                                   MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    sa = info != NULL ? info->client_addr : NULL;
    if (sa != NULL && sa->sa_family == AF_INET)
        addr = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
    else if (sa != NULL && sa->sa_family == AF_INET6)
        addr = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
    if (addr == NULL ||
        inet_ntop(sa->sa_family, addr, text, sizeof(text)) == NULL)
        return NULL;
    return arena_strdup(req->ctx.a, text);
}

static enum err
send_response(struct MHD_Connection *c, struct rstate *st, int status,
              const char *body, size_t len, const char *content_type,
              const struct resp *resp, const char *extra_name,
              const char *extra_value)
{
    struct MHD_Response *r;
    enum MHD_Result ok;

    r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
                                        MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return ERR_INTERNAL;
    MHD_add_response_header(r, "Content-Type", content_type);
    MHD_add_response_header(r, "Request-Id", st->request_id);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (resp != NULL && resp->set_cookie != NULL)
        MHD_add_response_header(r, "Set-Cookie", resp->set_cookie);
    if (extra_name != NULL)
        MHD_add_response_header(r, extra_name, extra_value);
    ok = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ok == MHD_YES ? ERR_OK : ERR_INTERNAL;
}

static void
log_request(const struct rstate *st, const char *method, const char *url,
            const char *account_id, int status)
{
    char fields[512];
    int64_t us = (time_mono_ns() - st->start_ns) / 1000;

    snprintf(fields, sizeof(fields),
             "\"account\":\"%s\",\"method\":\"%s\",\"route\":\"%s\","
             "\"status\":%d,\"duration_ms\":%lld.%03lld",
             account_id != NULL ? account_id : "", method,
             st->route != NULL ? st->route->path : "unmatched", status,
             (long long)(us / 1000), (long long)(us % 1000));
    (void)url; /* the raw URL may carry query data; the route suffices */
    log_line("info", "request", fields);
}

/* Send JSON v, or a plain error if it cannot be serialised. */
static void
finish_json(struct MHD_Connection *c, struct rstate *st, int status,
            const json_t *v, const struct resp *resp, const char *xn,
            const char *xv)
{
    size_t len = 0;
    char *text = json_dump(st->a, v, &len);

    if (text == NULL) {
        static const char oom[] =
            "{\"error\":{\"type\":\"api_error\",\"code\":\"request_too_"
            "large\",\"message\":\"response too large\",\"param\":null}}";
        status = 500;
        text = (char *)(uintptr_t)oom;
        len = sizeof(oom) - 1;
    }
    if (send_response(c, st, status, text, len, "application/json", resp, xn,
                      xv) != ERR_OK)
        log_warn("cannot queue response");
}

static void
finish_error(struct MHD_Connection *c, struct rstate *st, enum err rc,
             const struct errinfo *ei, const struct resp *resp, const char *xn,
             const char *xv)
{
    json_t *body = http_error_body(rc, ei);

    if (resp != NULL && resp->error_name != NULL && resp->error_value != NULL)
        json_put(json_object_get(body, "error"), resp->error_name,
                 resp->error_value);

    finish_json(c, st, http_status_of(rc), body, NULL, xn, xv);
}

/* Pull the session cookie's value out of the Cookie header. */
static const char *
session_cookie(struct req *req)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND,
                                       SESSION_COOKIE);
}

static enum err
authenticate(struct req *req)
{
    const char *authz = req_header(req, "Authorization");
    const char *token;
    const char *csrf = NULL;
    enum err rc;

    if (authz != NULL) {
        if (strncmp(authz, "Bearer ", 7) != 0)
            return errinfo_set(req->ei, ERR_UNAUTHORIZED, "unauthorized", NULL,
                               "use 'Authorization: Bearer <key>'");
        return app_auth_api_key(&req->ctx, authz + 7, req->ei);
    }
    token = session_cookie(req);
    if (token == NULL)
        return errinfo_set(req->ei, ERR_UNAUTHORIZED, "unauthorized", NULL,
                           "an API key or a session is required");
    rc = app_auth_session(&req->ctx, token, &req->session_id, &csrf, req->ei);
    if (rc)
        return rc;
    req->csrf_token = csrf;
    if (strcmp(req->route->method, "GET") != 0) {
        const char *sent = req_header(req, "X-CSRF-Token");

        if (sent == NULL || !str_eq_secret(str_c(sent), str_c(csrf)))
            return errinfo_set(req->ei, ERR_FORBIDDEN, "csrf_token_invalid",
                               NULL, "missing or wrong X-CSRF-Token header");
    }
    return ERR_OK;
}

static enum err
check_access(struct req *req)
{
    const struct route *r = req->route;

    if ((r->flags & RF_SESSION) && req->session_id == NULL)
        return errinfo_set(req->ei, ERR_INVALID, "session_required", NULL,
                           "this route needs a session, not an API key");
    if (!role_at_least(req->ctx.role, r->role))
        return errinfo_set(req->ei, ERR_FORBIDDEN, "forbidden", NULL,
                           "this needs the %s role or higher",
                           role_name(r->role));
    return ERR_OK;
}

static enum err
parse_body(struct req *req, struct rstate *st)
{
    req->raw_body = buf_str(&st->body);
    if (st->body.len == 0)
        return ERR_OK;
    return json_parse_object(buf_str(&st->body), &req->body, req->ei);
}

struct idem {
    const char *key;
    char hash[SHA256_HEX_LEN + 1];
    bool claimed;
};

static enum err
idem_prepare(struct req *req, struct rstate *st, struct idem *idem)
{
    struct str parts[3];

    idem->key = req_header(req, "Idempotency-Key");
    if (idem->key == NULL) {
        if (req->route->flags & RF_MONEY)
            return errinfo_set(req->ei, ERR_INVALID, "parameter_missing",
                               "Idempotency-Key",
                               "this request moves money: send an "
                               "Idempotency-Key header");
        return ERR_OK;
    }
    if (idem->key[0] == '\0' || strlen(idem->key) > IDEMPOTENCY_KEY_MAX)
        return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid",
                           "Idempotency-Key",
                           "Idempotency-Key must be 1 to 255 characters");
    parts[0] = str_c(req->route->method);
    parts[1] = str_c(st->url);
    parts[2] = buf_str(&st->body);
    sha256_hex_parts(parts, 3, idem->hash);
    if (!app_idem_claim(req->ctx.account_id, idem->key))
        return errinfo_set(req->ei, ERR_CONFLICT, "idempotency_in_progress",
                           "Idempotency-Key",
                           "a request with this Idempotency-Key is still "
                           "in progress; retry later");
    idem->claimed = true;
    req->idem_key = idem->key;
    req->request_hash = idem->hash;
    return ERR_OK;
}

/* Run the handler inside the transaction; on success keep the response. */
static enum err
run_handler(struct req *req, struct resp *resp, struct idem *idem)
{
    enum err rc = req->route->handler(req, resp);

    if (rc == ERR_OK && idem->key != NULL) {
        size_t len;
        char *text = resp->body != NULL
                         ? json_dump(req->ctx.a, resp->body, &len)
                         : "";

        if (text == NULL)
            return errinfo_set(req->ei, ERR_LIMIT, "request_too_large", NULL,
                               "response too large");
        rc = app_idem_save(&req->ctx, idem->key, idem->hash, resp->status, text,
                           req->ei);
    }
    return rc;
}

/*
 * Everything after authentication: body, transaction, replay or handler,
 * commit. On return the transaction is closed either way.
 */
static enum err
run_in_tx(struct req *req, struct resp *resp, struct rstate *st,
          struct idem *idem, struct idem_hit *hit)
{
    bool write = (strcmp(req->route->method, "GET") != 0 &&
                  !(req->route->flags & RF_READ)) ||
                 (req->route->flags & RF_PHASED);
    enum err rc;

    rc = parse_body(req, st);
    if (rc == ERR_OK && req->ctx.account_id != NULL &&
        strcmp(req->route->method, "POST") == 0 &&
        !(req->route->flags & (RF_CARD_DATA | RF_READ)))
        rc = idem_prepare(req, st, idem);
    if (rc == ERR_OK)
        rc = app_tx_begin(&req->ctx, write);
    if (rc)
        return rc;
    if (idem->key != NULL)
        rc = app_idem_find(&req->ctx, idem->key, idem->hash, hit, req->ei);
    if (rc == ERR_OK && !hit->found)
        rc = run_handler(req, resp, idem);
    if (rc == ERR_OK || resp->commit_on_error) {
        enum err crc = app_tx_commit(&req->ctx);

        if (crc) {
            rc = crc;
            errinfo_set(req->ei, crc, crc == ERR_BUSY ? "busy" : "store_error",
                        NULL, "the change could not be committed");
        }
    }
    return rc;
}

static enum err
dispatch(struct req *req, struct resp *resp, struct rstate *st,
         struct idem *idem, struct idem_hit *hit)
{
    enum err rc;

    if (req->route->flags & RF_NODB)
        return req->route->handler(req, resp);
    rc = app_db_acquire(&req->ctx);
    if (rc)
        return errinfo_set(req->ei, rc, "busy", NULL,
                           "no database connection is free; retry");
    if (!(req->route->flags & RF_PUBLIC)) {
        rc = authenticate(req);
        if (rc == ERR_OK)
            rc = check_access(req);
        if (rc)
            return rc;
    }
    req->ctx.now_ms = app_now_ms(req->ctx.account_id);
    return run_in_tx(req, resp, st, idem, hit);
}

static void
process(struct MHD_Connection *c, struct rstate *st)
{
    struct errinfo ei;
    struct req req;
    struct resp resp = {.status = 200};
    struct idem idem = {0};
    struct idem_hit hit = {0};
    enum err rc;

    errinfo_clear(&ei);
    memset(&req, 0, sizeof(req));
    req.ctx.a = st->a;
    req.ctx.request_id = st->request_id;
    req.route = st->route;
    req.conn = c;
    req.ei = &ei;
    memcpy(req.params, st->params, sizeof(st->params));
    req.param_count = st->param_count;
    req.secure_cookies = secure_cookies;
    rc = dispatch(&req, &resp, st, &idem, &hit);
    app_db_release(&req.ctx);
    if (idem.claimed)
        app_idem_release(req.ctx.account_id, idem.key);
    if (hit.found) {
        send_response(c, st, hit.status, hit.body, strlen(hit.body),
                      "application/json", NULL, "Idempotent-Replayed", "true");
        metrics_observe(st->route, hit.status, time_mono_ns() - st->start_ns);
        log_request(st, st->route->method, st->url, req.ctx.account_id,
                    hit.status);
        return;
    }
    if (rc) {
        char retry[16];

        snprintf(retry, sizeof(retry), "%d", ei.retry_after_s);
        finish_error(c, st, rc, &ei, &resp,
                     rc == ERR_RATE ? "Retry-After" : NULL, retry);
        resp.status = http_status_of(rc);
    } else if (resp.text != NULL) {
        send_response(c, st, resp.status, resp.text, resp.text_len,
                      resp.content_type, &resp,
                      resp.disposition != NULL ? "Content-Disposition" : NULL,
                      resp.disposition);
    } else if (resp.body == NULL) {
        send_response(c, st, resp.status, "", 0, "application/json", &resp,
                      NULL, NULL);
    } else {
        finish_json(c, st, resp.status, resp.body, &resp, NULL, NULL);
    }
    metrics_observe(st->route, resp.status, time_mono_ns() - st->start_ns);
    log_request(st, st->route->method, st->url, req.ctx.account_id,
                resp.status);
}

static struct rstate *
rstate_new(const char *method, const char *url)
{
    struct arena *a = arena_new(arena_cap_bytes);
    struct rstate *st = arena_alloc(a, sizeof(*st));
    char *rid;

    ASSERT(st != NULL); /* the first allocation always fits the cap */
    st->a = a;
    st->start_ns = time_mono_ns();
    rid = secret_new(a, 16);
    snprintf(st->request_id, sizeof(st->request_id), "req_%s",
             rid != NULL ? rid : "");
    st->url = arena_strdup(a, url);
    st->route = router_match(method, url, st->params, &st->param_count,
                             &st->early_status, st->allow, sizeof(st->allow));
    if (st->route != NULL && (st->route->flags & RF_TEST) &&
        !app_test_helpers_enabled()) {
        st->route = NULL;
        st->early_status = 404;
    }
    st->body_max = st->route != NULL && st->route->body_max > 0
                       ? st->route->body_max
                       : HTTP_BODY_MAX;
    buf_init(&st->body, a, st->body_max);
    return st;
}

static void
send_early(struct MHD_Connection *c, struct rstate *st, const char *method)
{
    struct errinfo ei;
    enum err rc = ERR_NOT_FOUND;

    errinfo_clear(&ei);
    if (st->early_status == 404) {
        errinfo_set(&ei, ERR_NOT_FOUND, "route_missing", NULL,
                    "no route for %s %s", method, st->url);
    } else if (st->early_status == 405) {
        rc = errinfo_set(&ei, ERR_INVALID, "method_not_allowed", NULL,
                         "%s is not allowed here; allowed: %s", method,
                         st->allow);
    } else {
        rc = errinfo_set(&ei, ERR_LIMIT, "request_too_large", NULL,
                         "request body over %zu bytes", st->body_max);
    }
    json_use_arena(st->a);
    json_t *body = http_error_body(rc, &ei);
    finish_json(c, st, st->early_status, body, NULL,
                st->early_status == 405 ? "Allow" : NULL, st->allow);
    json_use_arena(NULL);
    metrics_observe(st->route, st->early_status, time_mono_ns() - st->start_ns);
    log_request(st, method, st->url, NULL, st->early_status);
}

/* True for a GET or HEAD the web app answers: no API route matched. */
static bool
is_static(const struct rstate *st, const char *method)
{
    return st->route == NULL && st->early_status == 404 && static_enabled() &&
           (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) &&
           strncmp(st->url, "/v1/", 4) != 0;
}

static void
send_static(struct MHD_Connection *c, struct rstate *st, const char *method)
{
    const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 "Accept-Encoding");
    struct static_reply r;
    struct MHD_Response *resp;

    static_lookup(st->url, ae != NULL && strstr(ae, "gzip") != NULL, &r);
    resp = MHD_create_response_from_buffer(r.len, (void *)(uintptr_t)r.body,
                                           MHD_RESPMEM_PERSISTENT);
    if (resp == NULL)
        return;
    MHD_add_response_header(resp, "Content-Type", r.content_type);
    MHD_add_response_header(resp, "Cache-Control", r.cache_control);
    MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    MHD_add_response_header(resp, "Request-Id", st->request_id);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    if (r.gzipped)
        MHD_add_response_header(resp, "Content-Encoding", "gzip");
    if (r.html) {
        MHD_add_response_header(resp, "Content-Security-Policy", STATIC_CSP);
        MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    }
    if (MHD_queue_response(c, (unsigned)r.status, resp) != MHD_YES)
        log_warn("cannot queue response");
    MHD_destroy_response(resp);
    metrics_observe(NULL, r.status, time_mono_ns() - st->start_ns);
    log_request(st, method, st->url, NULL, r.status);
}

/*
 * A body announced over the route's limit is refused with 413. Up to
 * HTTP_DRAIN_MAX it is read and dropped first, so the client, still
 * sending, gets to read the answer (a server that closes on unread data
 * makes the client's socket reset before the 413 is seen); beyond that
 * the answer goes at once and the connection closes.
 */
#define HTTP_DRAIN_MAX (8 * MiB)

static void
check_length(struct MHD_Connection *c, struct rstate *st)
{
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 "Content-Length");
    int64_t n;

    if (cl == NULL || str_to_i64(str_c(cl), 0, INT64_MAX, &n) != ERR_OK ||
        (uint64_t)n <= st->body_max)
        return;
    if ((uint64_t)n <= HTTP_DRAIN_MAX)
        st->body_too_large = true; /* drop it, then answer 413 */
    else
        st->early_status = 413;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
           const char *method, const char *version, const char *upload,
           size_t *upload_size, void **con_cls)
{
    struct rstate *st = *con_cls;

    (void)cls;
    (void)version;
    if (st == NULL) {
        st = rstate_new(method, url);
        *con_cls = st;
        metrics_inflight_add(1);
        log_set_request_id(st->request_id);
        if (st->route != NULL)
            check_length(c, st);
        if (is_static(st, method)) {
            send_static(c, st, method);
            st->early_status = 200; /* answered: ignore any body */
            log_set_request_id(NULL);
        } else if (st->early_status != 0) {
            send_early(c, st, method);
            log_set_request_id(NULL);
        }
        return MHD_YES;
    }
    if (st->early_status != 0) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        if (!st->body_too_large &&
            buf_append(&st->body, upload, *upload_size) != ERR_OK)
            st->body_too_large = true;
        *upload_size = 0;
        return MHD_YES;
    }
    log_set_request_id(st->request_id);
    json_use_arena(st->a);
    if (st->body_too_large) {
        st->early_status = 413;
        send_early(c, st, method);
    } else {
        process(c, st);
    }
    json_use_arena(NULL);
    log_set_request_id(NULL);
    return MHD_YES;
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
    struct rstate *st = *con_cls;

    (void)cls;
    (void)c;
    (void)toe;
    if (st == NULL)
        return;
    metrics_inflight_add(-1);
    arena_free(st->a);
    *con_cls = NULL;
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[256];

    (void)cls;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    log_warn("http: %s", msg);
}

enum err
server_start(const struct server_config *cfg, struct server **out,
             struct errinfo *ei)
{
    struct server *s;
    struct sockaddr_in addr;
    const union MHD_DaemonInfo *info;

    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)cfg->port);
    if (inet_pton(AF_INET, cfg->host, &addr.sin_addr) != 1)
        return errinfo_set(ei, ERR_INVALID, "listen_invalid", NULL,
                           "cannot listen on '%s': not an IPv4 address",
                           cfg->host);
    router_check_table();
    arena_cap_bytes = cfg->arena_cap_bytes;
    secure_cookies = cfg->secure_cookies;
    s = xcalloc(1, sizeof(*s));
    s->cfg = *cfg;
    s->daemon = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
            MHD_USE_TURBO,
        (uint16_t)cfg->port, NULL, NULL, on_request, s,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)cfg->threads, MHD_OPTION_CONNECTION_LIMIT,
        cfg->connection_limit, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * KiB),
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
    if (s->daemon == NULL) {
        free(s);
        return errinfo_set(ei, ERR_INTERNAL, "listen_failed", NULL,
                           "cannot listen on %s:%d (in use?)", cfg->host,
                           cfg->port);
    }
    info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info != NULL ? info->port : cfg->port;
    *out = s;
    return ERR_OK;
}

int
server_port(const struct server *s)
{
    return s->port;
}

void
server_stop(struct server *s, int wait_ms)
{
    int64_t deadline = time_mono_ms() + wait_ms;
    MHD_socket listen_fd;

    if (s == NULL)
        return;
    /*
     * Stop accepting, then let requests already running finish. The
     * listening socket quiesce hands back is ours to close: left open, the
     * kernel would keep queueing connections nobody answers.
     */
    listen_fd = MHD_quiesce_daemon(s->daemon);
    if (listen_fd != MHD_INVALID_SOCKET)
        close(listen_fd);
    while (metrics_inflight() > 0 && time_mono_ms() < deadline)
        usleep(10 * 1000);
    MHD_stop_daemon(s->daemon);
    free(s);
}
