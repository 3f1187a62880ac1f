/*
 * user.c - invite, read, update and list staff users.
 *
 * Owns who may change whom (see user.h). The head-admin role moves only
 * through app_account_transfer, so nothing here ever grants it, takes it
 * away or disables its holder. Passwords are hashed here and the hash is
 * wiped once stored; neither the password nor its hash is returned,
 * audited or logged. Messages never repeat a name or an e-mail: they are
 * personal data and error messages are logged.
 */
#include "app/user.h"

#include <sodium.h>
#include <string.h>

#include "app/account.h"
#include "base/assert.h"
#include "base/crypto.h"
#include "core/contact.h"
#include "store/credentials.h"
#include "store/users.h"

#define TRANSFER_HINT "use POST /v1/account/transfer_head_admin"

static enum err
check_name(const char *name, struct errinfo *ei)
{
    size_t n = name != NULL ? strlen(name) : 0;

    if (n == 0 || n > USER_NAME_MAX || strspn(name, " \t\r\n") == n)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "name",
                           "name must be 1 to %d characters and not blank",
                           USER_NAME_MAX);
    return ERR_OK;
}

static enum err
parse_role(const char *name, enum role *out, struct errinfo *ei)
{
    if (name == NULL || role_parse(str_c(name), out) != ERR_OK)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "role",
                           "unknown role '%s' (use 'admin', 'provider' or "
                           "'front_desk')",
                           name != NULL ? name : "");
    return ERR_OK;
}

static enum err
refuse_head_admin(struct errinfo *ei)
{
    return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "role",
                       "role 'head_admin' cannot be given to a user; "
                       "to hand it over, " TRANSFER_HINT);
}

static enum err
refuse_grant(struct errinfo *ei)
{
    return errinfo_set(ei, ERR_FORBIDDEN, "forbidden", "role",
                       "only the head admin may grant or remove the admin "
                       "role");
}

static bool
is_self(const struct app_ctx *ctx, const struct user *u)
{
    return ctx->user_id != NULL && strcmp(ctx->user_id, u->id) == 0;
}

/*
 * Insert u (is_new) or update it, storing the hash of password unless it
 * is NULL. The hash is wiped before returning, whatever happened.
 */
static enum err
save(struct app_ctx *ctx, const struct user *u, const char *password,
     bool is_new, struct errinfo *ei)
{
    char hash[crypto_pwhash_STRBYTES];
    const char *stored = NULL;
    enum err rc = ERR_OK;

    ASSERT(u->id != NULL);
    ASSERT(u->has_password || password == NULL);
    if (password != NULL &&
        password_hash(password, hash, sizeof(hash)) != ERR_OK)
        rc = errinfo_set(ei, ERR_INTERNAL, "internal_error", NULL,
                         "cannot hash the password");
    if (password != NULL)
        stored = hash;
    if (rc == ERR_OK && is_new)
        rc = store_user_insert(ctx->db, ctx->a, ctx->account_id, u, stored, ei);
    else if (rc == ERR_OK)
        rc = store_user_update(ctx->db, ctx->a, ctx->account_id, u, stored, ei);
    secret_wipe(hash, sizeof(hash));
    /* store_user_insert has already described a taken e-mail. */
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

static enum err
check_new(const struct user_new *in, char *email, enum role *role,
          struct errinfo *ei)
{
    enum err rc = contact_email_normalize(in->email != NULL ? in->email : "",
                                          email, EMAIL_MAX + 1, ei);

    if (rc == ERR_OK)
        rc = check_name(in->name, ei);
    if (rc == ERR_OK)
        rc = parse_role(in->role, role, ei);
    if (rc == ERR_OK && *role == ROLE_HEAD_ADMIN)
        rc = refuse_head_admin(ei);
    if (rc == ERR_OK && in->password != NULL)
        rc = app_password_check(in->password, ei);
    return rc;
}

static json_t *
summary_new(const struct user *u)
{
    json_t *s = json_object();

    json_put(s, "email", json_string(u->email));
    json_put(s, "name", json_string(u->name));
    json_put(s, "role", json_string(role_name(u->role)));
    json_put(s, "has_password", json_boolean(u->has_password));
    return s;
}

enum err
app_user_create(struct app_ctx *ctx, const struct user_new *in,
                struct user *out, struct errinfo *ei)
{
    char email[EMAIL_MAX + 1];
    struct user u = {0};
    enum err rc = check_new(in, email, &u.role, ei);

    if (rc)
        return rc;
    if (!role_can_grant(ctx->role, u.role))
        return refuse_grant(ei);
    u.id = id_new(ctx->a, "usr", ctx->now_ms);
    u.email = arena_strdup(ctx->a, email);
    if (u.id == NULL || u.email == NULL)
        return ERR_LIMIT;
    u.name = in->name;
    u.has_password = in->password != NULL;
    u.created_at_ms = ctx->now_ms;
    u.updated_at_ms = ctx->now_ms;
    rc = save(ctx, &u, in->password, true, ei);
    if (rc == ERR_OK)
        rc = app_audit(ctx, "user.create", "user", u.id, summary_new(&u), ei);
    if (rc == ERR_OK)
        *out = u;
    return rc;
}

enum err
app_user_get(struct app_ctx *ctx, const char *id, struct user *out,
             struct errinfo *ei)
{
    enum err rc = store_user_get(ctx->db, ctx->a, ctx->account_id, id, out, ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "user", id, "id");
    if (rc)
        return app_store_fail(rc, ei);
    ASSERT(strcmp(out->id, id) == 0);
    return ERR_OK;
}

/* Apply the given fields to u, checking each value on its own. */
static enum err
apply(const struct user_patch *in, struct user *u, struct errinfo *ei)
{
    enum err rc;

    if (in->set[USER_F_NAME]) {
        rc = check_name(in->name, ei);
        if (rc)
            return rc;
        u->name = in->name;
    }
    if (in->set[USER_F_ROLE]) {
        rc = parse_role(in->role, &u->role, ei);
        if (rc)
            return rc;
    }
    if (in->set[USER_F_PASSWORD]) {
        rc = app_password_check(in->password != NULL ? in->password : "", ei);
        if (rc)
            return rc;
        u->has_password = true;
    }
    if (in->set[USER_F_DISABLED])
        u->disabled = in->disabled;
    return ERR_OK;
}

/* Whether ctx may change user before into after. */
static enum err
check_change(const struct app_ctx *ctx, const struct user *before,
             const struct user *after, struct errinfo *ei)
{
    bool role_changed = after->role != before->role;
    bool disabling = after->disabled && !before->disabled;

    if (role_changed && after->role == ROLE_HEAD_ADMIN)
        return refuse_head_admin(ei);
    if (role_changed && before->role == ROLE_HEAD_ADMIN)
        return errinfo_set(ei, ERR_RULE, "head_admin_locked", "role",
                           "the head admin's role cannot be changed here; "
                           "to hand it over, " TRANSFER_HINT);
    if (disabling && before->role == ROLE_HEAD_ADMIN)
        return errinfo_set(ei, ERR_RULE, "head_admin_locked", "disabled",
                           "the head admin cannot be disabled; " TRANSFER_HINT
                           " first");
    if (disabling && is_self(ctx, before))
        return errinfo_set(ei, ERR_RULE, "cannot_disable_self", "disabled",
                           "you cannot disable yourself; ask another admin");
    if (!is_self(ctx, before) && !role_can_grant(ctx->role, before->role))
        return errinfo_set(ei, ERR_FORBIDDEN, "forbidden", NULL,
                           "only the head admin may change %s",
                           before->role == ROLE_HEAD_ADMIN ? "the head admin"
                                                           : "an admin");
    if (role_changed && (!role_can_grant(ctx->role, before->role) ||
                         !role_can_grant(ctx->role, after->role)))
        return refuse_grant(ei);
    return ERR_OK;
}

/* A change that must take effect at once for the user's open sessions. */
static bool
ends_sessions(const struct user *before, const struct user *after,
              bool password)
{
    return password || after->role != before->role ||
           (after->disabled && !before->disabled);
}

static bool
has_changes(const struct user *before, const struct user *after, bool password)
{
    return ends_sessions(before, after, password) ||
           after->disabled != before->disabled ||
           strcmp(after->name, before->name) != 0;
}

static void
add_change(json_t *s, json_t *fields, const char *field, json_t *value)
{
    /* On a full arena the event lacks the name; the write still stands. */
    (void)json_array_append_new(fields, json_string(field));
    if (value != NULL)
        json_put(s, field, value);
}

/* What changed: the field names, and the new values except a password. */
static json_t *
summary_update(const struct user *before, const struct user *after,
               bool password)
{
    json_t *s = json_object();
    json_t *fields = json_array();

    /* The object holds fields from here on; it is filled in below. */
    json_put(s, "changed", fields);
    if (strcmp(after->name, before->name) != 0)
        add_change(s, fields, "name", json_string(after->name));
    if (after->role != before->role)
        add_change(s, fields, "role", json_string(role_name(after->role)));
    if (after->disabled != before->disabled)
        add_change(s, fields, "disabled", json_boolean(after->disabled));
    if (password)
        add_change(s, fields, "password", NULL);
    return s;
}

enum err
app_user_update(struct app_ctx *ctx, const char *id,
                const struct user_patch *in, struct user *out,
                struct errinfo *ei)
{
    bool password = in->set[USER_F_PASSWORD];
    struct user before;
    struct user after;
    enum err rc = app_user_get(ctx, id, &before, ei);

    if (rc)
        return rc;
    after = before;
    rc = apply(in, &after, ei);
    if (rc == ERR_OK)
        rc = check_change(ctx, &before, &after, ei);
    if (rc)
        return rc;
    if (!has_changes(&before, &after, password)) {
        *out = before;
        return ERR_OK;
    }
    after.updated_at_ms = ctx->now_ms;
    rc = save(ctx, &after, password ? in->password : NULL, false, ei);
    if (rc == ERR_OK && ends_sessions(&before, &after, password))
        rc = store_session_end_user(ctx->db, ctx->a, ctx->account_id, after.id,
                                    ctx->now_ms, ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = app_audit(ctx, "user.update", "user", after.id,
                   summary_update(&before, &after, password), ei);
    if (rc == ERR_OK)
        *out = after;
    return rc;
}

enum err
app_user_list(struct app_ctx *ctx, const struct page *page, struct user **out,
              size_t *count, bool *has_more, struct errinfo *ei)
{
    enum err rc = store_user_list(ctx->db, ctx->a, ctx->account_id, page->limit,
                                  page->starting_after, out, count, has_more,
                                  ei);

    if (rc)
        return app_store_fail(rc, ei);
    ASSERT(*count <= (size_t)page->limit);
    return ERR_OK;
}
