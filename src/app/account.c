/*
 * account.c - create an account with its head admin; read, update and
 * transfer the head-admin role. Exactly one head admin per account: the
 * account row names it and the users table agrees.
 */
#include "app/account.h"

#include <sodium.h>
#include <string.h>

#include "base/assert.h"
#include "base/crypto.h"
#include "base/money.h"
#include "core/contact.h"

enum err
app_password_check(const char *password, struct errinfo *ei)
{
    size_t n = strlen(password);

    if (n < PASSWORD_MIN || n > PASSWORD_MAX)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "password",
                           "password must be %d to %d characters long",
                           PASSWORD_MIN, PASSWORD_MAX);
    return ERR_OK;
}

static enum err
check_new(const struct account_new *in, char *email, struct errinfo *ei)
{
    enum err rc;

    if (in->name == NULL || in->name[0] == '\0' || strlen(in->name) > 200)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "name",
                           "account name must be 1 to 200 characters");
    rc = contact_email_normalize(in->email, email, EMAIL_MAX + 1, ei);
    if (rc == ERR_OK && in->password != NULL)
        rc = app_password_check(in->password, ei);
    if (rc == ERR_OK && in->currency != NULL &&
        currency_by_code(str_c(in->currency)) == NULL)
        rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", "currency",
                         "unknown currency '%s'", in->currency);
    return rc;
}

static enum err
insert_head_admin(struct app_ctx *ctx, const struct account_new *in,
                  const char *email, struct user *u, struct errinfo *ei)
{
    char hash[crypto_pwhash_STRBYTES];
    enum err rc;

    memset(u, 0, sizeof(*u));
    u->id = ctx->user_id;
    u->email = arena_strdup(ctx->a, email);
    u->name = in->admin_name != NULL ? in->admin_name : "Head admin";
    u->role = ROLE_HEAD_ADMIN;
    u->has_password = in->password != NULL;
    u->created_at_ms = ctx->now_ms;
    u->updated_at_ms = ctx->now_ms;
    if (u->email == NULL)
        return ERR_LIMIT;
    if (in->password != NULL &&
        password_hash(in->password, hash, sizeof(hash)) != ERR_OK)
        return errinfo_set(ei, ERR_INTERNAL, "internal_error", NULL,
                           "cannot hash the password");
    rc = store_user_insert(ctx->db, ctx->a, ctx->account_id, u,
                           in->password != NULL ? hash : NULL, ei);
    secret_wipe(hash, sizeof(hash));
    return rc;
}

enum err
app_account_create(struct app_ctx *ctx, const struct account_new *in,
                   struct account_created *out, struct errinfo *ei)
{
    char email[EMAIL_MAX + 1];
    struct account *acct = &out->account;
    enum err rc = check_new(in, email, ei);

    if (rc)
        return rc;
    acct->id = id_new(ctx->a, "acct", ctx->now_ms);
    ctx->user_id = id_new(ctx->a, "usr", ctx->now_ms);
    if (acct->id == NULL || ctx->user_id == NULL)
        return ERR_LIMIT;
    acct->name = in->name;
    acct->currency = in->currency != NULL ? in->currency : "USD";
    acct->head_admin_id = ctx->user_id;
    acct->created_at_ms = ctx->now_ms;
    acct->updated_at_ms = ctx->now_ms;
    rc = store_account_insert(ctx->db, ctx->a, acct, ei);
    if (rc)
        return app_store_fail(rc, ei);
    ctx->account_id = acct->id;
    ctx->actor_type = ACTOR_SYSTEM;
    ctx->role = ROLE_HEAD_ADMIN;
    rc = insert_head_admin(ctx, in, email, &out->head_admin, ei);
    if (rc)
        return rc == ERR_CONFLICT ? rc : app_store_fail(rc, ei);
    rc = app_audit(ctx, "account.create", "account", acct->id, NULL, ei);
    if (rc == ERR_OK)
        rc = app_api_key_create(ctx, "Head admin key", &out->key, ei);
    return rc;
}

enum err
app_account_get(struct app_ctx *ctx, struct account *out, struct errinfo *ei)
{
    enum err rc = store_account_get(ctx->db, ctx->a, ctx->account_id, out, ei);

    /* The caller authenticated against this account, so it exists. */
    ASSERT(rc != ERR_NOT_FOUND);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_account_update(struct app_ctx *ctx, const char *name, const char *currency,
                   struct account *out, struct errinfo *ei)
{
    json_t *s = json_object();
    enum err rc = app_account_get(ctx, out, ei);

    if (rc)
        return rc;
    if (currency != NULL && currency_by_code(str_c(currency)) == NULL)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "currency",
                           "unknown currency '%s'", currency);
    if (name != NULL) {
        out->name = name;
        json_put(s, "name", json_string(name));
    }
    if (currency != NULL) {
        out->currency = currency;
        json_put(s, "currency", json_string(currency));
    }
    out->updated_at_ms = ctx->now_ms;
    rc = store_account_update(ctx->db, ctx->a, out, ei);
    if (rc)
        return app_store_fail(rc, ei);
    return app_audit(ctx, "account.update", "account", ctx->account_id, s, ei);
}

static enum err
set_role(struct app_ctx *ctx, struct user *u, enum role role,
         struct errinfo *ei)
{
    enum err rc;

    u->role = role;
    u->updated_at_ms = ctx->now_ms;
    rc = store_user_update(ctx->db, ctx->a, ctx->account_id, u, NULL, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_account_transfer(struct app_ctx *ctx, const char *user_id,
                     struct account *out, struct errinfo *ei)
{
    struct user from;
    struct user to;
    json_t *s;
    enum err rc = app_account_get(ctx, out, ei);

    if (rc)
        return rc;
    if (ctx->role != ROLE_HEAD_ADMIN ||
        strcmp(ctx->user_id, out->head_admin_id) != 0)
        return app_forbidden(ei, "transfer the head-admin role");
    rc = store_user_get(ctx->db, ctx->a, ctx->account_id, user_id, &to, ei);
    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "user", user_id, "user");
    if (rc)
        return app_store_fail(rc, ei);
    if (strcmp(to.id, out->head_admin_id) == 0 || to.disabled ||
        !to.has_password)
        return errinfo_set(ei, ERR_RULE, "user_ineligible", "user",
                           "the new head admin must be another enabled user "
                           "who can sign in");
    rc = store_user_get(ctx->db, ctx->a, ctx->account_id, out->head_admin_id,
                        &from, ei);
    if (rc == ERR_OK)
        rc = set_role(ctx, &from, ROLE_ADMIN, ei);
    if (rc == ERR_OK)
        rc = set_role(ctx, &to, ROLE_HEAD_ADMIN, ei);
    if (rc)
        return rc;
    out->head_admin_id = to.id;
    out->updated_at_ms = ctx->now_ms;
    rc = store_account_update(ctx->db, ctx->a, out, ei);
    if (rc)
        return app_store_fail(rc, ei);
    s = json_object();
    json_put(s, "from", json_string(from.id));
    json_put(s, "to", json_string(to.id));
    return app_audit(ctx, "account.transfer_head_admin", "account",
                     ctx->account_id, s, ei);
}

enum err
app_me(struct app_ctx *ctx, struct user *user, struct account *account,
       struct errinfo *ei)
{
    enum err rc = app_account_get(ctx, account, ei);

    if (rc)
        return rc;
    rc = store_user_get(ctx->db, ctx->a, ctx->account_id, ctx->user_id, user,
                        ei);
    ASSERT(rc != ERR_NOT_FOUND); /* authenticated users exist */
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}
