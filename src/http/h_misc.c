/*
 * h_misc.c - health, metrics, the caller (me), the test clock, audit.
 */
#include <string.h>

#include "app/account.h"
#include "app/audit.h"
#include "http/http_int.h"

enum err
h_health(struct req *req, struct resp *resp)
{
    json_t *o = json_object();

    (void)req;
    json_put(o, "status", json_string("ok"));
    resp_json(resp, 200, o);
    return ERR_OK;
}

enum err
h_metrics(struct req *req, struct resp *resp)
{
    size_t len = 0;
    char *text = metrics_render(req->ctx.a, &len);

    if (text == NULL)
        return ERR_LIMIT;
    resp->status = 200;
    resp->text = text;
    resp->text_len = len;
    resp->content_type = "text/plain; version=0.0.4";
    return ERR_OK;
}

enum err
h_me(struct req *req, struct resp *resp)
{
    struct user u;
    struct account a;
    json_t *o;
    enum err rc = app_me(&req->ctx, &u, &a, req->ei);

    if (rc)
        return rc;
    o = json_object();
    json_put(o, "object", json_string("me"));
    json_put(o, "user", render_user(&u));
    json_put(o, "account", render_account(&a));
    json_put(o, "auth",
             json_string(req->session_id != NULL ? "session" : "api_key"));
    /* A page reloaded in a new tab has the cookie but not the token. */
    if (req->csrf_token != NULL)
        json_put(o, "csrf_token", json_string(req->csrf_token));
    resp_json(resp, 200, o);
    return ERR_OK;
}

enum err
h_test_clock_advance(struct req *req, struct resp *resp)
{
    int64_t seconds = 0;
    int64_t now = 0;
    const struct jfield f[] = {
        {"seconds", JT_INT, true, false, 0, 10LL * 366 * 24 * 3600, &seconds,
         NULL},
    };
    json_t *o;
    enum err rc = req_read(req, f, 1);

    if (rc)
        return rc;
    rc = app_test_clock_advance(req->ctx.account_id, seconds * 1000, &now);
    if (rc)
        return rc;
    o = json_object();
    json_put(o, "object", json_string("test_clock"));
    render_time(o, "now", now);
    resp_json(resp, 200, o);
    return ERR_OK;
}

static json_t *
render_event(const struct audit_event *ev)
{
    json_t *o = json_object();
    json_t *summary = json_loads(ev->summary, 0, NULL);

    json_put(o, "id", json_string(ev->id));
    json_put(o, "object", json_string("audit_event"));
    json_put(o, "seq", json_integer(ev->seq));
    json_put(o, "actor_type", json_string(ev->actor_type));
    json_put(o, "actor", json_str_or_null(ev->actor_id));
    json_put(o, "action", json_string(ev->action));
    json_put(o, "object_type", json_string(ev->object_type));
    json_put(o, "object_id", json_str_or_null(ev->object_id));
    json_put(o, "summary", summary != NULL ? summary : json_object());
    json_put(o, "request_id", json_str_or_null(ev->request_id));
    render_time(o, "created", ev->created_at_ms);
    json_put(o, "hash", json_string(ev->hash));
    return o;
}

enum err
h_audit_list(struct req *req, struct resp *resp)
{
    struct audit_filter f = {
        .object_type = req_query(req, "object_type"),
        .object_id = req_query(req, "object_id"),
        .action = req_query(req, "action"),
    };
    struct page page;
    struct audit_event *evs;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK)
        rc = app_audit_list(&req->ctx, &f, &page, &evs, &n, &more, req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_event(&evs[i]));
    resp_list(resp, data, more);
    return ERR_OK;
}
