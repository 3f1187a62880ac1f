/*
 * auth.c - API keys, sessions and sign-in throttling.
 *
 * Secrets are 32 random base32 characters; only their SHA-256 is stored.
 * A credential carries its account id in clear so lookups are keyed by
 * account. Failed sign-ins are counted per e-mail in a sliding window;
 * unknown e-mails cost as much time as known ones.
 */
#include "app/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "base/assert.h"
#include "base/crypto.h"
#include "core/contact.h"
#include "store/credentials.h"
#include "store/users.h"

#define SECRET_LEN 32
#define KEY_PREFIX "sk_live_"
#define ACCOUNT_ID_LEN (5 + ID_BODY_LEN) /* "acct_" + body */
#define SESSION_TOUCH_MS (60 * 1000)

static enum err
unauthorized(struct errinfo *ei, const char *code, const char *msg)
{
    return errinfo_set(ei, ERR_UNAUTHORIZED, code, NULL, "%s", msg);
}

/* Copy the account id that starts at p (ACCOUNT_ID_LEN bytes) into ctx. */
static enum err
take_account(struct app_ctx *ctx, const char *p, size_t len)
{
    if (len < ACCOUNT_ID_LEN ||
        !id_is_valid((struct str){p, ACCOUNT_ID_LEN}, "acct"))
        return ERR_UNAUTHORIZED;
    ctx->account_id = arena_strndup(ctx->a, p, ACCOUNT_ID_LEN);
    return ctx->account_id != NULL ? ERR_OK : ERR_LIMIT;
}

static enum err
set_principal(struct app_ctx *ctx, const struct principal *pr,
              enum actor_type type, struct errinfo *ei)
{
    enum role role;

    if (pr->user_disabled)
        return unauthorized(ei, "user_disabled", "this user is disabled");
    if (role_parse(str_c(pr->role), &role) != ERR_OK)
        return unauthorized(ei, "unauthorized", "unknown role");
    ctx->actor_type = type;
    ctx->actor_id = type == ACTOR_USER ? pr->user_id : pr->id;
    ctx->user_id = pr->user_id;
    ctx->role = role;
    return ERR_OK;
}

enum err
app_auth_api_key(struct app_ctx *ctx, const char *secret, struct errinfo *ei)
{
    size_t len = strlen(secret);
    char hash[SHA256_HEX_LEN + 1];
    struct principal pr;
    enum err rc;

    if (len != strlen(KEY_PREFIX) + ACCOUNT_ID_LEN + 1 + SECRET_LEN ||
        strncmp(secret, KEY_PREFIX, strlen(KEY_PREFIX)) != 0 ||
        take_account(ctx, secret + strlen(KEY_PREFIX),
                     len - strlen(KEY_PREFIX)) != ERR_OK)
        return unauthorized(ei, "api_key_invalid", "invalid API key");
    sha256_hex(secret, len, hash);
    rc = store_api_key_auth(ctx->db, ctx->a, ctx->account_id, hash, &pr, ei);
    if (rc == ERR_NOT_FOUND || (rc == ERR_OK && pr.ended_at_ms != 0)) {
        ctx->account_id = NULL;
        return unauthorized(ei, "api_key_invalid",
                            "invalid or revoked API key");
    }
    if (rc)
        return app_store_fail(rc, ei);
    return set_principal(ctx, &pr, ACTOR_API_KEY, ei);
}

enum err
app_auth_session(struct app_ctx *ctx, const char *token,
                 const char **session_id, const char **csrf_token,
                 struct errinfo *ei)
{
    size_t len = strlen(token);
    char hash[SHA256_HEX_LEN + 1];
    struct principal pr;
    int64_t now;
    enum err rc;

    if (len != ACCOUNT_ID_LEN + 1 + SECRET_LEN ||
        take_account(ctx, token, len) != ERR_OK)
        return unauthorized(ei, "session_invalid", "invalid session");
    sha256_hex(token, len, hash);
    rc = store_session_auth(ctx->db, ctx->a, ctx->account_id, hash, &pr, ei);
    if (rc && rc != ERR_NOT_FOUND)
        return app_store_fail(rc, ei);
    now = app_now_ms(ctx->account_id);
    if (rc == ERR_NOT_FOUND || pr.ended_at_ms != 0 ||
        now - pr.last_seen_at_ms > SESSION_IDLE_MS) {
        ctx->account_id = NULL;
        return unauthorized(ei, "session_expired",
                            "your session has ended; sign in again");
    }
    if (now - pr.last_seen_at_ms > SESSION_TOUCH_MS) {
        rc = store_session_touch(ctx->db, ctx->a, ctx->account_id, pr.id, now,
                                 ei);
        if (rc)
            return app_store_fail(rc, ei);
    }
    *session_id = pr.id;
    *csrf_token = pr.csrf_token;
    return set_principal(ctx, &pr, ACTOR_USER, ei);
}

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
make_dummy(void)
{
    /* Failing leaves an empty hash, which verifies as false: still safe. */
    if (password_hash("not-a-real-password-at-all", dummy_hash,
                      sizeof(dummy_hash)) != ERR_OK)
        dummy_hash[0] = '\0';
}

static enum err
throttled(struct app_ctx *ctx, const char *email, struct errinfo *ei)
{
    int64_t count;
    int64_t oldest;
    int64_t wait_ms;
    enum err rc;

    rc = store_login_failure_count(ctx->db, ctx->a, email,
                                   ctx->now_ms - LOGIN_WINDOW_MS, &count,
                                   &oldest, ei);
    if (rc)
        return app_store_fail(rc, ei);
    if (count < LOGIN_FAILURES_MAX)
        return ERR_OK;
    wait_ms = oldest + LOGIN_WINDOW_MS - ctx->now_ms;
    rc = errinfo_set(ei, ERR_RATE, "too_many_attempts", "email",
                     "too many failed sign-ins for this e-mail; try again "
                     "later");
    if (ei != NULL)
        ei->retry_after_s = (int)(wait_ms / 1000 + 1);
    return rc;
}

static enum err
start_session(struct app_ctx *ctx, const struct user *u,
              struct session_out *out, struct errinfo *ei)
{
    char hash[SHA256_HEX_LEN + 1];
    char *secret = secret_new(ctx->a, SECRET_LEN);
    enum err rc;

    out->id = id_new(ctx->a, "ses", ctx->now_ms);
    out->csrf_token = secret_new(ctx->a, SECRET_LEN);
    if (secret == NULL || out->id == NULL || out->csrf_token == NULL)
        return ERR_LIMIT;
    out->token = arena_printf(ctx->a, "%s.%s", ctx->account_id, secret);
    if (out->token == NULL)
        return ERR_LIMIT;
    sha256_hex(out->token, strlen(out->token), hash);
    rc = store_session_insert(ctx->db, ctx->a, ctx->account_id, out->id, u->id,
                              hash, out->csrf_token, ctx->now_ms, ei);
    if (rc)
        return app_store_fail(rc, ei);
    out->user_id = u->id;
    out->expires_at_ms = ctx->now_ms + SESSION_IDLE_MS;
    ctx->actor_type = ACTOR_USER;
    ctx->actor_id = u->id;
    ctx->user_id = u->id;
    ctx->role = u->role;
    return app_audit(ctx, "session.create", "user", u->id, NULL, ei);
}

enum err
app_session_create(struct app_ctx *ctx, const char *email, const char *password,
                   struct session_out *out, struct errinfo *ei)
{
    char norm[EMAIL_MAX + 1];
    const char *account_id = NULL;
    const char *stored = NULL;
    struct user u;
    bool ok;
    enum err rc;

    rc = contact_email_normalize(email, norm, sizeof(norm), ei);
    if (rc == ERR_OK)
        rc = throttled(ctx, norm, ei);
    if (rc)
        return rc;
    rc = store_user_by_email(ctx->db, ctx->a, norm, &account_id, &u, &stored,
                             ei);
    if (rc && rc != ERR_NOT_FOUND)
        return app_store_fail(rc, ei);
    pthread_once(&dummy_once, make_dummy);
    ok = password_verify(rc == ERR_OK && stored != NULL ? stored : dummy_hash,
                         password);
    if (rc == ERR_NOT_FOUND || stored == NULL || !ok || u.disabled) {
        rc = store_login_failure_add(ctx->db, ctx->a, norm, ctx->now_ms, ei);
        if (rc)
            return app_store_fail(rc, ei);
        return errinfo_set(ei, ERR_UNAUTHORIZED, "invalid_credentials", NULL,
                           "wrong e-mail or password");
    }
    ctx->account_id = account_id;
    ctx->now_ms = app_now_ms(account_id);
    rc = store_login_failure_clear(ctx->db, ctx->a, norm,
                                   ctx->now_ms - LOGIN_WINDOW_MS, ei);
    if (rc)
        return app_store_fail(rc, ei);
    return start_session(ctx, &u, out, ei);
}

enum err
app_session_end(struct app_ctx *ctx, const char *session_id, struct errinfo *ei)
{
    enum err rc = store_session_end(ctx->db, ctx->a, ctx->account_id,
                                    session_id, ctx->now_ms, ei);

    if (rc)
        return app_store_fail(rc, ei);
    return app_audit(ctx, "session.end", "user", ctx->user_id, NULL, ei);
}

enum err
app_api_key_create(struct app_ctx *ctx, const char *name, struct api_key *out,
                   struct errinfo *ei)
{
    char hash[SHA256_HEX_LEN + 1];
    struct key_row k = {0};
    char *secret = secret_new(ctx->a, SECRET_LEN);
    char *full;
    enum err rc;

    ASSERT(ctx->user_id != NULL);
    k.id = id_new(ctx->a, "key", ctx->now_ms);
    if (secret == NULL || k.id == NULL)
        return ERR_LIMIT;
    full = arena_printf(ctx->a, KEY_PREFIX "%s_%s", ctx->account_id, secret);
    if (full == NULL)
        return ERR_LIMIT;
    sha256_hex(full, strlen(full), hash);
    k.name = name;
    k.user_id = ctx->user_id;
    k.secret_last4 = full + strlen(full) - 4;
    k.created_at_ms = ctx->now_ms;
    rc = store_api_key_insert(ctx->db, ctx->a, ctx->account_id, &k, hash, ei);
    if (rc)
        return app_store_fail(rc, ei);
    *out = (struct api_key){k.id,           k.name,          k.user_id, full,
                            k.secret_last4, k.created_at_ms, 0};
    json_t *s = json_object();
    json_put(s, "name", json_string(name));
    return app_audit(ctx, "api_key.create", "api_key", k.id, s, ei);
}

static void
from_row(const struct key_row *k, struct api_key *out)
{
    *out = (struct api_key){
        k->id,           k->name,          k->user_id,      NULL,
        k->secret_last4, k->created_at_ms, k->revoked_at_ms};
}

enum err
app_api_key_list(struct app_ctx *ctx, const struct page *page,
                 struct api_key **out, size_t *count, bool *has_more,
                 struct errinfo *ei)
{
    struct key_row *rows;
    struct api_key *keys;
    enum err rc;

    rc = store_api_key_list(ctx->db, ctx->a, ctx->account_id, page->limit,
                            page->starting_after, &rows, count, has_more, ei);
    if (rc)
        return app_store_fail(rc, ei);
    keys = arena_array(ctx->a, *count + 1, sizeof(*keys));
    if (keys == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < *count; i++)
        from_row(&rows[i], &keys[i]);
    *out = keys;
    return ERR_OK;
}

enum err
app_api_key_revoke(struct app_ctx *ctx, const char *id, struct api_key *out,
                   struct errinfo *ei)
{
    struct key_row k;
    enum err rc;

    rc = store_api_key_get(ctx->db, ctx->a, ctx->account_id, id, &k, ei);
    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "api key", id, "id");
    if (rc)
        return app_store_fail(rc, ei);
    if (k.revoked_at_ms == 0) {
        rc = store_api_key_revoke(ctx->db, ctx->a, ctx->account_id, id,
                                  ctx->now_ms, ei);
        if (rc)
            return app_store_fail(rc, ei);
        k.revoked_at_ms = ctx->now_ms;
        rc = app_audit(ctx, "api_key.revoke", "api_key", id, NULL, ei);
        if (rc)
            return rc;
    }
    from_row(&k, out);
    return ERR_OK;
}
