/*
 * httpc.c - one libcurl easy handle per attempt, retries with back-off.
 *
 * Owns nothing between calls: each attempt opens its own easy handle and
 * cleans it up before returning, so a crash or an early return leaks no
 * socket. Bodies are never logged.
 */
#include "gateway/httpc.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "base/assert.h"
#include "base/log.h"
#include "base/str.h"

#define BACKOFF_BASE_MS 200
#define BACKOFF_MAX_MS 5000
#define CONNECT_TIMEOUT_MS_MAX 5000

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void
global_init(void)
{
    /* Fails only on out-of-memory at start-up, as xmalloc would abort. */
    ASSERT(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK);
}

void
httpc_global_init(void)
{
    ASSERT(pthread_once(&init_once, global_init) == 0);
}

/* The response body collector: a buf plus an overflow flag. */
struct sink {
    struct buf b;
    bool too_big;
    bool no_memory;
};

static size_t
on_data(char *p, size_t size, size_t n, void *ctx)
{
    struct sink *s = ctx;
    size_t len = size * n;
    enum err rc = buf_append(&s->b, p, len);

    if (rc == ERR_OK)
        return len;
    if (s->b.len + len > s->b.max_bytes)
        s->too_big = true;
    else
        s->no_memory = true;
    return 0; /* makes curl stop with CURLE_WRITE_ERROR */
}

/* The URL without its query string, for log lines (ids, not secrets). */
static struct str
url_path(const char *url)
{
    struct str s = str_c(url);
    struct str path;

    p_until(&s, '?', &path);
    return path;
}

static void
set_method(CURL *h, const struct httpc_req *req)
{
    switch (req->method) {
    case HTTPC_GET:
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        break;
    case HTTPC_POST:
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS,
                         req->body != NULL ? req->body : "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)(req->body != NULL ? req->body_len : 0));
        break;
    case HTTPC_PUT:
    case HTTPC_DELETE:
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST,
                         req->method == HTTPC_PUT ? "PUT" : "DELETE");
        if (req->body != NULL) {
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body);
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                             (curl_off_t)req->body_len);
        }
        break;
    default:
        ASSERT(!"unreachable");
    }
}

/*
 * One attempt: *status_out is the HTTP status, 0 when no answer came.
 * ERR_OK when an answer arrived (any status), ERR_GATEWAY on a network
 * error or an oversized body, ERR_LIMIT when the arena is full.
 */
static enum err
attempt(struct sink *s, const struct httpc_req *req, struct curl_slist *headers,
        long *status_out, CURLcode *cc_out)
{
    CURL *h = curl_easy_init();
    long connect_ms = req->timeout_ms < CONNECT_TIMEOUT_MS_MAX
                          ? req->timeout_ms
                          : CONNECT_TIMEOUT_MS_MAX;

    if (h == NULL)
        return ERR_LIMIT;
    *status_out = 0;
    curl_easy_setopt(h, CURLOPT_URL, req->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)req->timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "poise/1");
    set_method(h, req);
    *cc_out = curl_easy_perform(h);
    if (*cc_out == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status_out);
    curl_easy_cleanup(h);
    if (s->no_memory)
        return ERR_LIMIT;
    return *cc_out == CURLE_OK ? ERR_OK : ERR_GATEWAY;
}

/* The header list of req, with "Expect:" so curl never waits for 100. */
static struct curl_slist *
header_list(const struct httpc_req *req, bool *failed)
{
    struct curl_slist *list = curl_slist_append(NULL, "Expect:");
    struct curl_slist *next;

    *failed = list == NULL;
    for (size_t i = 0; i < HTTPC_HEADERS_MAX && !*failed; i++) {
        if (req->headers[i] == NULL)
            continue;
        next = curl_slist_append(list, req->headers[i]);
        if (next == NULL)
            *failed = true;
        else
            list = next;
    }
    return list;
}

static const char *const method_names[] = {
    [HTTPC_GET] = "GET",
    [HTTPC_POST] = "POST",
    [HTTPC_PUT] = "PUT",
    [HTTPC_DELETE] = "DELETE",
};

static enum err
give_up(const struct httpc_req *req, long status, CURLcode cc, int attempts,
        struct errinfo *ei)
{
    struct str path = url_path(req->url);

    if (status >= 500)
        return errinfo_set(ei, ERR_GATEWAY, "gateway_unavailable", NULL,
                           "the processor answered HTTP %ld to %s %.*s "
                           "after %d attempts; the outcome is unknown",
                           status, method_names[req->method], (int)path.len,
                           path.ptr, attempts);
    return errinfo_set(ei, ERR_GATEWAY, "gateway_unreachable", NULL,
                       "no answer from the processor for %s %.*s after %d "
                       "attempts (%s); the outcome is unknown",
                       method_names[req->method], (int)path.len, path.ptr,
                       attempts, curl_easy_strerror(cc));
}

enum err
httpc_send(struct arena *a, const struct httpc_req *req, struct httpc_resp *out,
           struct errinfo *ei)
{
    struct sink s;
    struct curl_slist *headers;
    bool failed;
    enum err rc = ERR_GATEWAY;
    long status = 0;
    CURLcode cc = CURLE_OK;

    ASSERT(a != NULL && req != NULL && out != NULL && req->url != NULL);
    ASSERT(req->timeout_ms > 0 && req->retries >= 0);
    httpc_global_init();
    memset(out, 0, sizeof(*out));
    headers = header_list(req, &failed);
    for (int n = 0; n <= req->retries && !failed; n++) {
        if (n > 0) {
            struct str path = url_path(req->url);
            log_warn("gateway %s %.*s: %s, retry %d of %d",
                     method_names[req->method], (int)path.len, path.ptr,
                     status >= 500 ? "server error" : curl_easy_strerror(cc), n,
                     req->retries);
            httpc_backoff(n);
        }
        memset(&s, 0, sizeof(s));
        buf_init(&s.b, a, HTTPC_BODY_BYTES_MAX);
        out->attempts = n + 1;
        rc = attempt(&s, req, headers, &status, &cc);
        if (rc == ERR_LIMIT)
            break;
        if (rc == ERR_OK && status < 500)
            break;
        rc = ERR_GATEWAY;
    }
    curl_slist_free_all(headers);
    out->status = status;
    if (failed || rc == ERR_LIMIT)
        return errinfo_set(ei, ERR_LIMIT, "limit", NULL,
                           "out of memory for a gateway request");
    if (rc != ERR_OK)
        return give_up(req, status, cc, out->attempts, ei);
    if (s.b.ptr == NULL && buf_append(&s.b, "", 0) != ERR_OK)
        return errinfo_set(ei, ERR_LIMIT, "limit", NULL,
                           "out of memory for a gateway response");
    out->body = s.b.ptr != NULL ? s.b.ptr : arena_strdup(a, "");
    if (out->body == NULL)
        return errinfo_set(ei, ERR_LIMIT, "limit", NULL,
                           "out of memory for a gateway response");
    out->body_len = s.b.len;
    return ERR_OK;
}

void
httpc_backoff(int attempt_n)
{
    int64_t ms = BACKOFF_BASE_MS;
    struct timespec ts;

    ASSERT(attempt_n >= 1);
    for (int i = 1; i < attempt_n && ms < BACKOFF_MAX_MS; i++)
        ms *= 2;
    ms += (int64_t)randombytes_uniform((uint32_t)(ms / 2 + 1));
    if (ms > BACKOFF_MAX_MS)
        ms = BACKOFF_MAX_MS;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0)
        ;
}

enum err
httpc_escape(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    ASSERT(b != NULL && s != NULL);
    for (const char *p = s; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
        enum err rc;

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
            c == '~')
            rc = buf_append(b, p, 1);
        else
            rc = buf_append(b, enc, sizeof(enc));
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

enum err
httpc_form_add(struct buf *b, const char *key, const char *value)
{
    enum err rc = ERR_OK;

    ASSERT(b != NULL && key != NULL && value != NULL);
    if (b->len > 0)
        rc = buf_append(b, "&", 1);
    if (rc == ERR_OK)
        rc = httpc_escape(b, key);
    if (rc == ERR_OK)
        rc = buf_append(b, "=", 1);
    if (rc == ERR_OK)
        rc = httpc_escape(b, value);
    return rc;
}

json_t *
httpc_json(const struct httpc_resp *r)
{
    ASSERT(r != NULL);
    if (r->body == NULL || r->body_len == 0)
        return NULL;
    return json_loadb(r->body, r->body_len, JSON_DECODE_ANY, NULL);
}

json_t *
httpc_jget(json_t *v, const char *path)
{
    struct str rest = str_c(path);

    ASSERT(path != NULL);
    while (v != NULL && rest.len > 0) {
        struct str name;
        char key[64];

        p_until(&rest, '.', &name);
        if (rest.len > 0) { /* skip the '.' */
            rest.ptr++;
            rest.len--;
        }
        ASSERT(name.len > 0 && name.len < sizeof(key));
        memcpy(key, name.ptr, name.len);
        key[name.len] = '\0';
        v = json_is_object(v) ? json_object_get(v, key) : NULL;
    }
    return v;
}

const char *
httpc_jstr(json_t *v, const char *path)
{
    json_t *m = httpc_jget(v, path);

    return json_is_string(m) ? json_string_value(m) : NULL;
}

int64_t
httpc_jint(json_t *v, const char *path, int64_t dflt)
{
    json_t *m = httpc_jget(v, path);

    return json_is_integer(m) ? (int64_t)json_integer_value(m) : dflt;
}
