/*
 * h_users.c - /v1/users: parse, call app/user, render with render_user
 * (h_account.c). Who may change whom is decided in app/user.c.
 */
#include "app/user.h"
#include "core/contact.h"
#include "http/http_int.h"

#define ROLE_NAME_MAX 32

enum err
h_user_create(struct req *req, struct resp *resp)
{
    struct user_new in = {0};
    const struct jfield f[] = {
        {"email", JT_STRING, true, false, 1, EMAIL_MAX, &in.email, NULL},
        {"name", JT_STRING, true, false, 1, USER_NAME_MAX, &in.name, NULL},
        {"role", JT_STRING, true, false, 1, ROLE_NAME_MAX, &in.role, NULL},
        {"password", JT_STRING, false, false, 0, PASSWORD_MAX, &in.password,
         NULL},
    };
    struct user u;
    enum err rc = req_read(req, f, sizeof(f) / sizeof(f[0]));

    if (rc == ERR_OK)
        rc = app_user_create(&req->ctx, &in, &u, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_user(&u));
    return rc;
}

enum err
h_user_get(struct req *req, struct resp *resp)
{
    const char *id;
    struct user u;
    enum err rc = req_id(req, 0, "usr", "user", &id);

    if (rc == ERR_OK)
        rc = app_user_get(&req->ctx, id, &u, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_user(&u));
    return rc;
}

enum err
h_user_update(struct req *req, struct resp *resp)
{
    struct user_patch p = {0};
    const struct jfield f[] = {
        {"name", JT_STRING, false, false, 1, USER_NAME_MAX, &p.name,
         &p.set[USER_F_NAME]},
        {"role", JT_STRING, false, false, 1, ROLE_NAME_MAX, &p.role,
         &p.set[USER_F_ROLE]},
        {"disabled", JT_BOOL, false, false, 0, 0, &p.disabled,
         &p.set[USER_F_DISABLED]},
        {"password", JT_STRING, false, false, 0, PASSWORD_MAX, &p.password,
         &p.set[USER_F_PASSWORD]},
    };
    const char *id;
    struct user u;
    enum err rc = req_id(req, 0, "usr", "user", &id);

    if (rc == ERR_OK)
        rc = req_read(req, f, sizeof(f) / sizeof(f[0]));
    if (rc == ERR_OK)
        rc = app_user_update(&req->ctx, id, &p, &u, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_user(&u));
    return rc;
}

enum err
h_user_list(struct req *req, struct resp *resp)
{
    struct page page;
    struct user *us;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK)
        rc = app_user_list(&req->ctx, &page, &us, &n, &more, req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_user(&us[i]));
    resp_list(resp, data, more);
    return ERR_OK;
}
