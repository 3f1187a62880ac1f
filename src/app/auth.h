/*
 * auth.h - credentials: API keys, sessions, sign-in throttling.
 *
 * A credential names its account: API keys read "sk_live_<account>_<secret>"
 * and session tokens "<account>.<secret>", so every lookup is keyed by
 * account like every other query. Only SHA-256 hashes of secrets are
 * stored; a secret is shown once, when created.
 */
#ifndef POISE_APP_AUTH_H
#define POISE_APP_AUTH_H

#include "app/app.h"
#include "core/role.h"

#define SESSION_IDLE_MS (12LL * 60 * 60 * 1000)
#define LOGIN_WINDOW_MS (15LL * 60 * 1000)
#define LOGIN_FAILURES_MAX 10

/*
 * Authenticate an API key secret: fills ctx's account, actor and role
 * (the key's creator's role). ERR_UNAUTHORIZED when unknown, revoked or
 * its user is disabled. ctx->db must be acquired, outside a transaction.
 */
MUST_CHECK enum err app_auth_api_key(struct app_ctx *ctx, const char *secret,
                                     struct errinfo *ei);

/*
 * Authenticate a session token; *session_id and *csrf_token are
 * arena-owned. Touches the session's last use. ERR_UNAUTHORIZED when
 * unknown, ended or idle for SESSION_IDLE_MS.
 */
MUST_CHECK enum err app_auth_session(struct app_ctx *ctx, const char *token,
                                     const char **session_id,
                                     const char **csrf_token,
                                     struct errinfo *ei);

struct session_out {
    const char *id;
    const char *token; /* the cookie value, shown once */
    const char *csrf_token;
    const char *user_id;
    int64_t expires_at_ms; /* if idle from now */
};

/*
 * Sign in with e-mail and password. ERR_UNAUTHORIZED on a bad pair (the
 * failure is recorded: the caller commits even on error), ERR_RATE with
 * retry_after_s when LOGIN_FAILURES_MAX failures happened for this e-mail
 * within LOGIN_WINDOW_MS. On success ctx's account and user are set.
 */
MUST_CHECK enum err app_session_create(struct app_ctx *ctx, const char *email,
                                       const char *password,
                                       struct session_out *out,
                                       struct errinfo *ei);

/* End a session (sign out). */
MUST_CHECK enum err app_session_end(struct app_ctx *ctx, const char *session_id,
                                    struct errinfo *ei);

struct api_key {
    const char *id;
    const char *name;
    const char *user_id;
    const char *secret; /* only when just created; else NULL */
    const char *secret_last4;
    int64_t created_at_ms;
    int64_t revoked_at_ms; /* 0 when active */
};

/* Create an API key acting as ctx's user. */
MUST_CHECK enum err app_api_key_create(struct app_ctx *ctx, const char *name,
                                       struct api_key *out, struct errinfo *ei);

/* List the account's API keys, newest first. */
MUST_CHECK enum err app_api_key_list(struct app_ctx *ctx,
                                     const struct page *page,
                                     struct api_key **out, size_t *count,
                                     bool *has_more, struct errinfo *ei);

/* Revoke a key. ERR_NOT_FOUND when not in this account. */
MUST_CHECK enum err app_api_key_revoke(struct app_ctx *ctx, const char *id,
                                       struct api_key *out, struct errinfo *ei);

#endif
