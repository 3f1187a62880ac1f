/*
 * req.c - small helpers every handler uses: ids, body, paging, rendering.
 */
#include <string.h>

#include "base/assert.h"
#include "base/crypto.h"
#include "http/http_int.h"

/* The name of the i-th ":name" segment of the route's path, into out. */
static void
param_name(const struct route *r, size_t i, char *out, size_t cap)
{
    const char *p = r->path;

    for (;;) {
        p = strchr(p, ':');
        ASSERT(p != NULL);
        p++;
        if (i-- == 0)
            break;
    }
    size_t n = strcspn(p, "/");
    ASSERT(n < cap);
    memcpy(out, p, n);
    out[n] = '\0';
}

enum err
req_id(struct req *req, size_t i, const char *prefix, const char *type,
       const char **out)
{
    char name[32];
    struct str s;
    char *id;

    ASSERT(i < req->param_count);
    s = req->params[i];
    id = arena_strndup(req->ctx.a, s.ptr, s.len);
    if (id == NULL)
        return ERR_LIMIT;
    param_name(req->route, i, name, sizeof(name));
    if (!id_is_valid(s, prefix))
        return errinfo_set(req->ei, ERR_NOT_FOUND, "resource_missing", name,
                           "no such %s '%s'", type, id);
    *out = id;
    return ERR_OK;
}

enum err
req_read(struct req *req, const struct jfield *fields, size_t n)
{
    return json_read(req->body, fields, n, "", req->ei);
}

enum err
req_page(struct req *req, struct page *page)
{
    const char *limit = req_query(req, "limit");
    const char *after = req_query(req, "starting_after");

    page->limit = PAGE_LIMIT_DEFAULT;
    page->starting_after = NULL;
    if (limit != NULL &&
        str_to_i64(str_c(limit), 1, PAGE_LIMIT_MAX, &page->limit) != ERR_OK)
        return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid", "limit",
                           "limit must be an integer from 1 to 100");
    if (after != NULL) {
        if (after[0] == '\0' || strlen(after) > 64)
            return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid",
                               "starting_after",
                               "starting_after must be an object id");
        page->starting_after = after;
    }
    return ERR_OK;
}

void
resp_json(struct resp *resp, int status, json_t *body)
{
    resp->status = status;
    resp->body = body;
}

void
resp_list(struct resp *resp, json_t *data, bool has_more)
{
    json_t *o = json_object();

    json_put(o, "object", json_string("list"));
    json_put(o, "data", data);
    json_put(o, "has_more", json_boolean(has_more));
    resp_json(resp, 200, o);
}

void
render_time(json_t *obj, const char *key, int64_t at_ms)
{
    json_put(obj, key, at_ms > 0 ? json_integer(at_ms / 1000) : json_null());
}

enum err
req_created_range(struct req *req, int64_t *gte_ms, int64_t *lt_ms)
{
    static const char *const names[2] = {"created[gte]", "created[lt]"};
    int64_t *outs[2] = {gte_ms, lt_ms};

    for (size_t i = 0; i < 2; i++) {
        const char *q = req_query(req, names[i]);
        int64_t v;

        *outs[i] = 0;
        if (q == NULL)
            continue;
        if (str_to_i64(str_c(q), 0, INT64_MAX / 1000, &v))
            return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid",
                               names[i], "%s is unix seconds", names[i]);
        *outs[i] = v * 1000;
    }
    return ERR_OK;
}
