/*
 * h_account.c - /v1/account, /v1/api_keys, /v1/sessions.
 */
#include <stdio.h>
#include <string.h>

#include "app/account.h"
#include "app/auth.h"
#include "http/http_int.h"

json_t *
render_user(const struct user *u)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(u->id));
    json_put(o, "object", json_string("user"));
    json_put(o, "email", json_string(u->email));
    json_put(o, "name", json_string(u->name));
    json_put(o, "role", json_string(role_name(u->role)));
    json_put(o, "disabled", json_boolean(u->disabled));
    json_put(o, "can_sign_in", json_boolean(u->has_password && !u->disabled));
    render_time(o, "created", u->created_at_ms);
    render_time(o, "updated", u->updated_at_ms);
    return o;
}

json_t *
render_account(const struct account *a)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(a->id));
    json_put(o, "object", json_string("account"));
    json_put(o, "name", json_string(a->name));
    json_put(o, "currency", json_string(a->currency));
    json_put(o, "head_admin", json_string(a->head_admin_id));
    render_time(o, "created", a->created_at_ms);
    render_time(o, "updated", a->updated_at_ms);
    return o;
}

enum err
h_account_get(struct req *req, struct resp *resp)
{
    struct account a;
    enum err rc = app_account_get(&req->ctx, &a, req->ei);

    if (rc == ERR_OK)
        resp_json(resp, 200, render_account(&a));
    return rc;
}

enum err
h_account_update(struct req *req, struct resp *resp)
{
    const char *name = NULL;
    const char *currency = NULL;
    const struct jfield f[] = {
        {"name", JT_STRING, false, false, 1, 200, &name, NULL},
        {"currency", JT_STRING, false, false, 3, 3, &currency, NULL},
    };
    struct account a;
    enum err rc = req_read(req, f, 2);

    if (rc == ERR_OK)
        rc = app_account_update(&req->ctx, name, currency, &a, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_account(&a));
    return rc;
}

enum err
h_account_transfer(struct req *req, struct resp *resp)
{
    const char *user = NULL;
    const struct jfield f[] = {
        {"user", JT_STRING, true, false, 1, 64, &user, NULL},
    };
    struct account a;
    enum err rc = req_read(req, f, 1);

    if (rc == ERR_OK)
        rc = app_account_transfer(&req->ctx, user, &a, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_account(&a));
    return rc;
}

static json_t *
render_key(const struct api_key *k)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(k->id));
    json_put(o, "object", json_string("api_key"));
    json_put(o, "name", json_string(k->name));
    json_put(o, "user", json_string(k->user_id));
    if (k->secret != NULL)
        json_put(o, "secret", json_string(k->secret));
    json_put(o, "last4", json_string(k->secret_last4));
    json_put(o, "revoked", json_boolean(k->revoked_at_ms != 0));
    render_time(o, "created", k->created_at_ms);
    render_time(o, "revoked_at", k->revoked_at_ms);
    return o;
}

enum err
h_api_key_create(struct req *req, struct resp *resp)
{
    const char *name = NULL;
    const struct jfield f[] = {
        {"name", JT_STRING, true, false, 1, 100, &name, NULL},
    };
    struct api_key k;
    enum err rc = req_read(req, f, 1);

    if (rc == ERR_OK)
        rc = app_api_key_create(&req->ctx, name, &k, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_key(&k));
    return rc;
}

enum err
h_api_key_list(struct req *req, struct resp *resp)
{
    struct page page;
    struct api_key *ks;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK)
        rc = app_api_key_list(&req->ctx, &page, &ks, &n, &more, req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_key(&ks[i]));
    resp_list(resp, data, more);
    return ERR_OK;
}

enum err
h_api_key_revoke(struct req *req, struct resp *resp)
{
    const char *id;
    struct api_key k;
    enum err rc = req_id(req, 0, "key", "api key", &id);

    if (rc == ERR_OK)
        rc = app_api_key_revoke(&req->ctx, id, &k, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_key(&k));
    return rc;
}

enum err
h_session_create(struct req *req, struct resp *resp)
{
    const char *email = NULL;
    const char *password = NULL;
    const struct jfield f[] = {
        {"email", JT_STRING, true, false, 1, 254, &email, NULL},
        {"password", JT_STRING, true, false, 1, 200, &password, NULL},
    };
    struct session_out s;
    json_t *o;
    enum err rc = req_read(req, f, 2);

    if (rc == ERR_OK)
        rc = app_session_create(&req->ctx, email, password, &s, req->ei);
    if (rc) {
        /* Keep the record of a failed attempt: it drives throttling. */
        resp->commit_on_error = rc == ERR_UNAUTHORIZED;
        return rc;
    }
    resp->set_cookie = arena_printf(
        req->ctx.a, "poise_session=%s; Path=/; HttpOnly; SameSite=Strict%s",
        s.token, req->secure_cookies ? "; Secure" : "");
    o = json_object();
    json_put(o, "id", json_string(s.id));
    json_put(o, "object", json_string("session"));
    json_put(o, "user", json_string(s.user_id));
    json_put(o, "account", json_string(req->ctx.account_id));
    json_put(o, "csrf_token", json_string(s.csrf_token));
    render_time(o, "expires_if_idle_at", s.expires_at_ms);
    resp_json(resp, 201, o);
    return ERR_OK;
}

enum err
h_session_delete(struct req *req, struct resp *resp)
{
    enum err rc = app_session_end(&req->ctx, req->session_id, req->ei);
    json_t *o;

    if (rc)
        return rc;
    resp->set_cookie = "poise_session=; Path=/; HttpOnly; SameSite=Strict; "
                       "Max-Age=0";
    o = json_object();
    json_put(o, "id", json_string(req->session_id));
    json_put(o, "object", json_string("session"));
    json_put(o, "ended", json_true());
    resp_json(resp, 200, o);
    return ERR_OK;
}
